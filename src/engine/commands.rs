//! The command behind a hop: what to type on a real node (or pod) of the
//! scenario to see the same thing, with the output the engine predicts.
//! A routing hop gets `ip route get` (with `from SRC iif DEV` where the
//! packet came in on an interface, as the kernel routes a forwarded
//! packet); a netfilter hop gets `iptables -t TABLE -S CHAIN N` for each
//! rule that matched, printed as `iptables` prints it back. The kernel
//! check runs the same commands in its namespaces and compares the
//! outputs.
//!
//! Not yet: `conntrack -L` (its timeouts tick, and the engine keeps no
//! `mark=`/`use=` fields), `tcpdump`, and nftables mode's `nft list`.

use super::topology::Topology;
use super::trace::World;
use super::trace::{Hop, Place, Trace};
use crate::linux::netfilter::iptables::{save_rule, Ruleset};
use crate::linux::route::RouteKind;
use serde::Serialize;
use std::net::Ipv4Addr;

/// One command and what it prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Command {
    pub command: String,
    pub output: String,
}

/// The commands of every hop of `trace`, which ran in (a copy of)
/// `world`: one list per hop, empty for hops without one.
pub fn for_trace(world: &mut World, trace: &Trace) -> Vec<Vec<Command>> {
    let topology = world.topology().clone();
    (0..trace.hops.len())
        .map(|i| {
            let hop = &trace.hops[i];
            match hop.at {
                Place::Routing => route_get(&topology, trace, i).into_iter().collect(),
                _ if !hop.rules.is_empty() => match hop.device.strip_prefix("node/") {
                    Some(node) => match world.ruleset(node) {
                        Some(rs) => rules_shown(rs, hop),
                        None => Vec::new(),
                    },
                    None => Vec::new(),
                },
                _ => Vec::new(),
            }
        })
        .collect()
}

/// The interface a packet came in on before hop `i`, if it came in (not
/// from a local socket).
fn incoming(trace: &Trace, i: usize) -> Option<String> {
    let device = &trace.hops[i].device;
    trace.hops[..i]
        .iter()
        .rev()
        .take_while(|h| h.device == *device && h.leg == trace.hops[i].leg)
        .find_map(|h| h.at.arrival().map(str::to_string))
}

/// `ip route get` as the kernel answers it for hop `i`'s packet.
fn route_get(topology: &Topology, trace: &Trace, i: usize) -> Option<Command> {
    let hop = &trace.hops[i];
    let device = topology.device_by_id(&hop.device)?;
    let dst = *hop.before.dst.ip();
    let src = *hop.before.src.ip();
    let iif = incoming(trace, i);
    if device.owns(dst) {
        return Some(match &iif {
            Some(iif) => Command {
                command: format!("ip route get {dst} from {src} iif {iif}"),
                output: format!("local {dst} from {src} dev lo \n    cache <local> iif {iif} \n"),
            },
            None => Command {
                command: format!("ip route get {dst}"),
                output: format!("local {dst} dev lo src {dst} uid 0 \n    cache <local> \n"),
            },
        });
    }
    let route = device.routes.lookup(dst)?;
    let via = match &route.kind {
        RouteKind::Via(gw) => format!(" via {gw}"),
        RouteKind::Link => String::new(),
        // The kernel's answer to these is an error, not a route.
        RouteKind::Unreachable | RouteKind::ViaMissingNode(_) => return None,
    };
    Some(match &iif {
        Some(iif) => Command {
            command: format!("ip route get {dst} from {src} iif {iif}"),
            output: format!(
                "{dst} from {src}{via} dev {} \n    cache iif {iif} \n",
                route.dev
            ),
        },
        None => Command {
            command: format!("ip route get {dst}"),
            output: format!(
                "{dst}{via} dev {} src {} uid 0 \n    cache \n",
                route.dev,
                source_for(route.src, src)
            ),
        },
    })
}

/// The source address the kernel picks for a locally generated packet:
/// the route's preferred source, else the one the socket used.
fn source_for(pref: Option<Ipv4Addr>, used: Ipv4Addr) -> Ipv4Addr {
    pref.unwrap_or(used)
}

/// `iptables -t TABLE -S CHAIN N` for each rule of the hop that matched
/// (not the chains' policies).
fn rules_shown(rs: &Ruleset, hop: &Hop) -> Vec<Command> {
    hop.rules
        .iter()
        .filter(|r| r.index > 0)
        .filter_map(|r| {
            let table = rs.tables.iter().find(|t| r.table == t.name)?;
            let chain = table.chains.iter().find(|c| c.name == r.chain)?;
            let rule = chain.rules.get(r.index - 1)?;
            Some(Command {
                command: format!("iptables -t {} -S {} {}", r.table, r.chain, r.index),
                output: format!("{}\n", save_rule(&r.chain, rule)),
            })
        })
        .collect()
}
