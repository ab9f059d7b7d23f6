//! The command behind a hop: what to type on a real node (or pod) of the
//! scenario to see the same thing, with the output the engine predicts.
//! A routing hop gets `ip route get` (with `from SRC iif DEV` where the
//! packet came in on an interface, as the kernel routes a forwarded
//! packet); a netfilter hop gets `iptables -t TABLE -S CHAIN N` for each
//! rule that matched, printed as `iptables` prints it back, or in
//! nftables mode `nft list chain ip kube-proxy CHAIN` for each chain with
//! a rule that matched and `nft get element ip kube-proxy MAP { KEY }` for
//! each verdict map element that matched, as `nft` prints them; a node's
//! conntrack hop of a connection's first packet gets `conntrack -L -p
//! PROTO -s SRC -d DST --dport PORT` with the entry the connection leaves
//! there, in the engine's words (`conntrack` also prints a timeout, the
//! state the connection reached, `[ASSURED]`, `mark=` and `use=`, which the
//! engine does not keep). The kernel check runs the same commands in its
//! namespaces and compares the outputs (conntrack's after the connection,
//! without the client's port, timeout, state, flags and counters).
//!
//! A hop where the packet arrives on or leaves by an interface gets
//! `tcpdump -nqt -i IFACE -c 1 PROTO and src A and dst B and dst port P`
//! (a reply's hop: `... and src port P and dst B`, the server's side of
//! the connection, since the client's port is the kernel's pick; ICMP
//! without ports) with the one line it prints for the connection's first
//! packet there (the SYN or the SYN-ACK, the datagram, the echo):
//! `IP 10.0.1.2.40000 > 10.3.241.152.80: tcp 0`,
//! `IP A.p > B.q: UDP, length 1` (the engine models no payload: it shows
//! a one-byte datagram),
//! `IP A > B: ICMP echo request, id 40000, seq 1, length 64` (ping's
//! first echo, 56 data bytes). The packet is the one on that wire:
//! tcpdump reads an arrival before PREROUTING and a departure after
//! POSTROUTING, except on a node's pod bridge (`cbr0`), where
//! `br_netfilter` has run PREROUTING on the pod's bridge port before the
//! frame reaches the bridge's own interface, so `cbr0 in` shows the
//! packet as PREROUTING left it (DNAT done, a reply's un-SNAT done), and
//! a packet that PREROUTING sends to another pod of the same bridge
//! (bridged DNAT: a pod to a Service whose endpoint is on its node) never
//! arrives on `cbr0` and is bridged to the endpoint's port: it leaves by
//! `cbr0` (and shows there) only while the node's neighbour entry for the
//! endpoint is not confirmed, which depends on ARP's timers; those hops
//! get no tcpdump, nor does one whose next hop never answered ARP
//! (nothing is sent).

use super::hop::{Dir, Leg};
use super::say::Say;
use super::topology::{Topology, Vertex};
use super::trace::World;
use super::trace::{Hop, Place, Trace};
use crate::linux::netfilter::iptables::{save_rule, Ruleset};
use crate::linux::netfilter::nftables::{Expr, IndexedTable};
use crate::linux::netfilter::TableId;
use crate::linux::packet::{Packet, Protocol};
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
                Place::Conntrack => conntrack_shown(trace, i).into_iter().collect(),
                Place::Iface { .. } => tcpdump_shown(&topology, trace, i).into_iter().collect(),
                _ if !hop.rules.is_empty() => match hop.node() {
                    Some(node) => match world.program(node) {
                        Some(p) => {
                            let mut v = p.iptables().map_or(Vec::new(), |rs| rules_shown(rs, hop));
                            if let Some(t) = p.dataplane.nftables.as_deref() {
                                v.extend(nft_shown(t, hop));
                            }
                            v
                        }
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
        // The source the socket took; but a node's packet from 127.0.0.1
        // DNATed out keeps that source until MASQUERADE, where a fresh
        // lookup prints the route's own (preferred, else its interface's).
        None => Command {
            command: format!("ip route get {dst}"),
            output: format!(
                "{dst}{via} dev {} src {} uid 0 \n    cache \n",
                route.dev,
                if src.is_loopback() {
                    device.route_source(route).unwrap_or(src)
                } else {
                    route.src.unwrap_or(src)
                }
            ),
        },
    })
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

/// For each nft chain with a rule of the hop that matched, `nft list
/// chain` (once per chain), and for each named verdict map element that
/// matched, `nft get element` with its key.
fn nft_shown(t: &IndexedTable, hop: &Hop) -> Vec<Command> {
    let mut out: Vec<Command> = Vec::new();
    let family = t.family.as_str();
    for r in hop.rules.iter().filter(|r| r.index > 0) {
        match &r.table {
            TableId::Nftables { family: f, name } if *f == t.family && *name == t.name => {}
            _ => continue,
        }
        let Some(chain) = t.chain(&r.chain) else {
            continue;
        };
        let command = format!("nft list chain {family} {} {}", t.name, r.chain);
        if !out.iter().any(|c| c.command == command) {
            out.push(Command {
                command,
                output: t.chain_listing(chain),
            });
        }
        let (Some(element), Some(rule)) = (&r.element, chain.rules.get(r.index - 1)) else {
            continue;
        };
        let Some(map) = rule.exprs.iter().find_map(|e| match e {
            Expr::VmapNamed { map, .. } => Some(map),
            _ => None,
        }) else {
            continue;
        };
        // `KEY [comment "…"] : VERDICT`: the key is what comes first.
        let key = element
            .split(" comment \"")
            .next()
            .and_then(|k| k.split(" : ").next())
            .unwrap_or(element);
        let Some(set) = t.set(map) else { continue };
        let Some(e) = set.elements.iter().find(|e| {
            e.key
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(" . ")
                == key
        }) else {
            continue;
        };
        out.push(Command {
            command: format!("nft get element {family} {} {map} {{ {key} }}", t.name),
            output: t.element_listing(set, e),
        });
    }
    out
}

/// `conntrack -L` for the connection hop `i`'s packet belongs to, going
/// its original way, on that hop's node, selected by the entry's original
/// tuple: the entry the trace left there, as the engine writes it. The
/// hop's packet is the entry's original tuple (a connection's packet
/// before NAT) or its reply tuple reversed (the confirmation after NAT).
fn conntrack_shown(trace: &Trace, i: usize) -> Option<Command> {
    let hop = &trace.hops[i];
    let node = hop.node()?;
    let p = &hop.before;
    let this = (*p.src.ip(), *p.dst.ip(), p.src.port(), p.dst.port());
    let (line, original) = trace.conntrack.get(node)?.iter().find_map(|l| {
        let (original, reply) = tuples(l)?;
        let reversed = (reply.1, reply.0, reply.3, reply.2);
        (original == this || reversed == this).then_some((l, original))
    })?;
    #[allow(unreachable_patterns)]
    let proto = match p.proto {
        p @ (Protocol::Tcp | Protocol::Udp | Protocol::Sctp) => p.as_lower(),
        // Only protocols with ports select by `--dport`.
        _ => return None,
    };
    Some(Command {
        command: format!(
            "conntrack -L -p {proto} -s {} -d {} --dport {}",
            original.0, original.1, original.3
        ),
        output: format!("{line}\n"),
    })
}

/// (src, dst, sport, dport).
type Four = (Ipv4Addr, Ipv4Addr, u16, u16);

/// A `conntrack -L` line's original and reply tuples.
fn tuples(line: &str) -> Option<(Four, Four)> {
    let mut kv = line.split_whitespace().filter_map(|w| w.split_once('='));
    let mut four = || -> Option<Four> {
        let mut next = |key: &str| {
            kv.next()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        Some((
            next("src")?.parse().ok()?,
            next("dst")?.parse().ok()?,
            next("sport")?.parse().ok()?,
            next("dport")?.parse().ok()?,
        ))
    };
    let original = four()?;
    let reply = four()?;
    Some((original, reply))
}

/// Whether `iface` of device `id` is a node's pod bridge (`cbr0`: the
/// node's side of its pods' segment), where `br_netfilter` runs the
/// node's PREROUTING on the bridge port, before tcpdump on the bridge
/// sees the frame.
fn is_pod_bridge(topology: &Topology, id: &str, iface: &str) -> bool {
    let Some(ix) = topology.index(id) else {
        return false;
    };
    topology.device(ix).is_node()
        && topology.segment_of(ix, iface).is_some_and(
            |seg| matches!(&topology.graph[seg], Vertex::Segment(s) if s.starts_with("cbr0@")),
        )
}

/// The packet tcpdump sees at hop `i`, an interface hop, if it sees one
/// (see the module's comment).
fn on_the_wire(topology: &Topology, trace: &Trace, i: usize) -> Option<Packet> {
    let hop = &trace.hops[i];
    let Place::Iface { name, dir } = &hop.at else {
        return None;
    };
    let same = |h: &&Hop| h.device == hop.device && h.leg == hop.leg;
    // Nothing is sent for want of an ARP answer.
    if *dir == Dir::Out && matches!(hop.say, Say::NoArpAnswer { .. }) {
        return None;
    }
    if !is_pod_bridge(topology, &hop.device, name) {
        return Some(hop.before);
    }
    match dir {
        Dir::In => {
            // As PREROUTING (and conntrack) left it: the packet the
            // routing decision takes, if there is one.
            let later = trace.hops[i + 1..].iter().take_while(same);
            let routed = later.clone().find(|h| h.at == Place::Routing)?;
            let p = routed.before;
            let back_out = later
                .filter_map(|h| match &h.at {
                    Place::Iface {
                        name: n,
                        dir: Dir::Out,
                    } => Some(n),
                    _ => None,
                })
                .next()
                .is_some_and(|n| n == name);
            if back_out && p.dst != hop.before.dst {
                return None;
            }
            Some(p)
        }
        Dir::Out => {
            // Bridged DNAT: a packet that came in on this bridge, whose
            // destination PREROUTING changed, leaves by the pod's port
            // (and one bridged between pods never reaches the node's side).
            let earlier: Vec<&Hop> = trace.hops[..i].iter().rev().take_while(same).collect();
            if earlier.iter().any(|h| matches!(h.at, Place::Bridge(_))) {
                return None;
            }
            if let Some(arrival) = earlier.iter().find(|h| h.at.arrival().is_some()) {
                if arrival.at.arrival() == Some(name.as_str())
                    && earlier
                        .iter()
                        .find(|h| h.at == Place::Routing)
                        .is_some_and(|r| r.before.dst != arrival.before.dst)
                {
                    return None;
                }
            }
            Some(hop.before)
        }
    }
}

/// ping's first echo request: seq 1, 56 data bytes (64 with the header).
const PING_SEQ: u16 = 1;
const PING_LENGTH: u16 = 64;
/// The engine does not model payloads: a datagram is shown with one byte.
const UDP_LENGTH: u16 = 1;

/// `tcpdump` on hop `i`'s interface, selecting the connection's packet
/// going this hop's way, and the line it prints (`-n` numbers, `-q`
/// terse, `-t` no timestamp, `-c 1` the first packet); none for a hop
/// that is not on an interface or whose packet tcpdump does not see
/// there. `topology` is the one `trace` ran in.
pub fn tcpdump_shown(topology: &Topology, trace: &Trace, i: usize) -> Option<Command> {
    let hop = &trace.hops[i];
    let iface = hop.at.iface()?;
    let p = on_the_wire(topology, trace, i)?;
    tcpdump_of(iface, hop.leg, &p)
}

/// For an interface hop where tcpdump sees nothing (no
/// [`tcpdump_shown`]: a DNATed frame bridged past `cbr0`, a packet
/// dropped by the PREROUTING of a pod's bridge port, a packet never sent
/// for want of an ARP answer), the tcpdump one would try there for the
/// hop's packet, with its empty output. Not shown to a learner (it would
/// wait forever); the kernel check runs it to see that nothing comes.
pub fn tcpdump_unseen(topology: &Topology, trace: &Trace, i: usize) -> Option<Command> {
    let hop = &trace.hops[i];
    let Place::Iface { name, dir } = &hop.at else {
        return None;
    };
    if on_the_wire(topology, trace, i).is_some() {
        return None;
    }
    // A DNATed frame bridged to a pod of the same bridge is not on the
    // bridge's own interface while the node's neighbour entry for the pod
    // is confirmed, but goes out by it (`neigh->output`) when it is not:
    // which of the two depends on ARP's timers, not on the connection.
    if *dir == Dir::Out && is_pod_bridge(topology, &hop.device, name) {
        return None;
    }
    let c = tcpdump_of(name, hop.leg, &hop.before)?;
    Some(Command {
        output: String::new(),
        ..c
    })
}

/// The tcpdump selecting packet `p` of a connection on `iface`, going
/// `leg`'s way, and its line.
fn tcpdump_of(iface: &str, leg: Leg, p: &Packet) -> Option<Command> {
    let (src, dst) = (p.src.ip(), p.dst.ip());
    let (filter, line) = match p.proto {
        Protocol::Tcp | Protocol::Udp => {
            let proto = p.proto.as_lower();
            // The server's side: its port is the Service's or the
            // endpoint's; the client's is the kernel's pick.
            let port = match leg {
                Leg::Request => format!("dst port {}", p.dst.port()),
                Leg::Reply => format!("src port {}", p.src.port()),
            };
            let what = match p.proto {
                Protocol::Tcp => "tcp 0".to_string(),
                _ => format!("UDP, length {UDP_LENGTH}"),
            };
            let filter = match leg {
                Leg::Request => format!("{proto} and src {src} and dst {dst} and {port}"),
                Leg::Reply => format!("{proto} and src {src} and {port} and dst {dst}"),
            };
            // tcpdump writes a port after a dot.
            let (sp, dp) = (p.src.port(), p.dst.port());
            (filter, format!("IP {src}.{sp} > {dst}.{dp}: {what}"))
        }
        Protocol::Icmp => {
            let (kind, id) = (p.icmp?, p.icmp_id()?);
            (
                format!("icmp and src {src} and dst {dst}"),
                format!(
                    "IP {src} > {dst}: ICMP {}, id {id}, seq {PING_SEQ}, length {PING_LENGTH}",
                    kind.name()
                ),
            )
        }
        // tcpdump -q prints SCTP otherwise; no trace sends it.
        Protocol::Sctp => return None,
    };
    Some(Command {
        command: format!("tcpdump -nqt -i {iface} -c 1 {filter}"),
        output: format!("{line}\n"),
    })
}
