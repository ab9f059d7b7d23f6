//! One Linux node's path, in the kernel's order: conntrack lookup,
//! PREROUTING, the routing decision, FORWARD or INPUT, OUTPUT for what
//! the node sends, POSTROUTING, and `br_netfilter` for packets bridged
//! between two pods of the node; the conntrack glue that applies the nat
//! table's choice.

use super::hop::*;
use super::say::{RuleStop, Say};
use super::topology::{node_id, DeviceKind};
use super::trace::*;
use super::world::*;
use crate::linux::conntrack::CtState;
use crate::linux::conntrack::{Direction, Entry, Lookup, Tuple};
use crate::linux::netfilter::{self, CtNat, Ctx, Hook, NatAction, RuleHit};
use crate::linux::packet::Packet;
use petgraph::graph::NodeIndex;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// Where on a node a step happens: the node's name and its device's id.
#[derive(Debug, Clone, Copy)]
pub(super) struct NodeCx<'a> {
    pub(super) name: &'a str,
    pub(super) dev: &'a str,
}

/// A connection as the node's conntrack left it before the hook: how the
/// packet was looked up, and the entry it creates (confirmed at
/// POSTROUTING).
#[derive(Debug, Clone)]
pub(super) struct Conn {
    pub(super) lookup: Lookup,
    pub(super) pending: Option<Entry>,
}

impl World {
    /// The state `--ctstate` sees: a reply or a later packet of a known
    /// connection is ESTABLISHED.
    pub(super) fn ct_state_of(lookup: Lookup) -> CtState {
        match lookup {
            Lookup::New => CtState::New,
            Lookup::Invalid => CtState::Invalid,
            Lookup::Known(..) => CtState::Established,
        }
    }

    /// Runs one hook of a node; records the hop; returns the result.
    pub(super) fn hook(
        &mut self,
        at: NodeCx<'_>,
        hook: Hook,
        packet: Packet,
        ct_state: CtState,
        ct_nat: CtNat,
        w: &mut Walk<'_>,
    ) -> netfilter::HookResult {
        let NodeCx {
            name: node,
            dev: dev_id,
        } = at;
        let local = self
            .topology
            .device_by_id(dev_id)
            .map(|d| d.local_addrs())
            .unwrap_or_default();
        let now = self.now;
        // Built on first use; shared (not copied) beside the recent lists.
        let program = self.program(node).cloned().unwrap_or_default();
        let state = self.state(node);
        let mut ctx = Ctx::new(&local, ct_state, now);
        ctx.ct_nat = ct_nat;
        let memory = &mut state.memory;
        let r = netfilter::run_hook(&program.dataplane, hook, &packet, &ctx, memory, w.chooser);
        w.trace.rules_evaluated += r.rules_evaluated;
        let decided = match r.hits.last() {
            Some(h) => Decision::Tool(h.rule.clone()),
            None => Decision::Said(Say::NoRules),
        };
        let nft_only = program.dataplane.iptables.is_none() && program.dataplane.nftables.is_some();
        let say = match (&r.verdict, &r.nat) {
            (netfilter::Verdict::Drop, _) => Say::NetfilterDrops,
            (netfilter::Verdict::Reject, _) => Say::NetfilterRejects,
            (_, Some(n)) => Say::NatChooses {
                action: *n,
                // The nft nat chain whose rule chose it.
                chain: nft_nat_chain(&program.dataplane, &r.hits),
            },
            _ if ct_state != CtState::New
                && matches!(hook, Hook::Prerouting | Hook::Output | Hook::Postrouting) =>
            {
                Say::NatSkipped {
                    hook: hook.chain_name(),
                    state: ct_state.as_str(),
                    nft: nft_only,
                }
            }
            _ => Say::HookPasses {
                hook: hook.chain_name(),
            },
        };
        w.trace.hops.push(Hop {
            leg: w.leg,
            device: dev_id.to_string(),
            at: Place::Hook(hook),
            decision: decided,
            rules: r.hits.iter().map(RuleRef::from).collect(),
            before: packet,
            after: r.packet,
            say,
        });
        r
    }

    /// Conntrack's verdict on a packet at `node`, with a copy of the
    /// connection's entry when it is known (not of the whole table).
    pub(super) fn ct_lookup(&mut self, node: &str, packet: &Packet) -> (Lookup, Option<Entry>) {
        let ct = &mut self.state(node).conntrack;
        let lookup = ct.lookup(packet);
        let known = match lookup {
            Lookup::Known(i, _) => ct.entries().get(i).cloned(),
            _ => None,
        };
        (lookup, known)
    }

    /// The NAT a known connection carries (`--ctstate DNAT/SNAT`).
    pub(super) fn ct_nat_of(known: Option<&Entry>) -> CtNat {
        known.map_or_else(CtNat::default, |e| CtNat {
            dnat: e.is_dnat(),
            snat: e.is_snat(),
        })
    }

    /// Conntrack's translation of a known packet at a hook.
    pub(super) fn ct_translate(
        known: Option<&Entry>,
        lookup: Lookup,
        packet: &mut Packet,
        dst_side: bool,
    ) -> Option<Say> {
        let (Lookup::Known(_, dir), Some(e)) = (lookup, known) else {
            return None;
        };
        let (to, side) = if dst_side {
            (e.dst_for(dir), &mut packet.dst)
        } else {
            (e.src_for(dir), &mut packet.src)
        };
        if to == *side {
            return None;
        }
        *side = to;
        Some(Say::CtRewrites {
            dst_side,
            to,
            dir: dir.name(),
            entry: e.to_string(),
        })
    }

    pub(super) fn node_name(&self, dev: NodeIndex) -> String {
        match &self.topology.device(dev).kind {
            DeviceKind::Node { name } => name.clone(),
            _ => unreachable!("node_name of a non-node"),
        }
    }

    /// PREROUTING half, shared by received and bridged packets: conntrack
    /// lookup, the hook, the destination translation. Returns the packet
    /// and the connection's state, or the end.
    pub(super) fn prerouting(
        &mut self,
        node: &str,
        dev_id: &str,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> Result<(Packet, Lookup, Option<Entry>, CtNat), End> {
        let (lookup, known) = self.ct_lookup(node, &packet);
        let state = Self::ct_state_of(lookup);
        let ct_nat = Self::ct_nat_of(known.as_ref());
        let r = self.hook(
            NodeCx {
                name: node,
                dev: dev_id,
            },
            Hook::Prerouting,
            packet,
            state,
            ct_nat,
            w,
        );
        if let Some(end) = stopped(node, Hook::Prerouting, &r) {
            return Err(end);
        }
        let (p, pending) = Self::dst_nat(w, dev_id, &packet, lookup, known.as_ref(), &r);
        // What `--ctstate DNAT/SNAT` sees in the hooks after this one.
        let ct_nat = match &pending {
            Some(e) => CtNat {
                dnat: e.is_dnat(),
                snat: false,
            },
            None => Self::ct_nat_of(known.as_ref()),
        };
        Ok((p, lookup, pending, ct_nat))
    }

    /// The destination half of NAT, as PREROUTING or OUTPUT ends: a new
    /// connection gets an unconfirmed entry carrying the nat table's DNAT;
    /// a known one is translated by its entry.
    pub(super) fn dst_nat(
        w: &mut Walk<'_>,
        dev_id: &str,
        original: &Packet,
        lookup: Lookup,
        known: Option<&Entry>,
        r: &netfilter::HookResult,
    ) -> (Packet, Option<Entry>) {
        let mut p = r.packet;
        if lookup == Lookup::New {
            let mut e = Entry::new(Tuple::of(original));
            if let Some(NatAction::Dnat(to)) = r.nat {
                p.dst = to;
                e.reply.src = to;
                w.rewrite_last(p);
            }
            return (p, Some(e));
        }
        if let Some(say) = Self::ct_translate(known, lookup, &mut p, true) {
            w.hop(dev_id, Place::Conntrack, say.clone(), r.packet, p, say);
        }
        (p, None)
    }

    /// A packet passing through a node (routed or bridged): FORWARD, then
    /// the POSTROUTING half.
    pub(super) fn forward(
        &mut self,
        at: NodeCx<'_>,
        out_iface: &str,
        packet: Packet,
        ct_nat: CtNat,
        conn: Conn,
        w: &mut Walk<'_>,
    ) -> Result<Packet, End> {
        let state = Self::ct_state_of(conn.lookup);
        let r = self.hook(at, Hook::Forward, packet, state, ct_nat, w);
        if let Some(end) = stopped(at.name, Hook::Forward, &r) {
            return Err(end);
        }
        self.postrouting(at, out_iface, r.packet, conn, w)
    }

    /// POSTROUTING half: the hook, source NAT, conntrack confirmation.
    pub(super) fn postrouting(
        &mut self,
        at: NodeCx<'_>,
        out_iface: &str,
        packet: Packet,
        conn: Conn,
        w: &mut Walk<'_>,
    ) -> Result<Packet, End> {
        let NodeCx {
            name: node,
            dev: dev_id,
        } = at;
        let Conn { lookup, pending } = conn;
        // The connection's entry (a copy of the one entry, not the table).
        let known = match lookup {
            Lookup::Known(i, _) => self.state(node).conntrack.entries().get(i).cloned(),
            _ => None,
        };
        let state = Self::ct_state_of(lookup);
        let ct_nat = match (&pending, lookup) {
            (Some(e), _) => CtNat {
                dnat: e.is_dnat(),
                snat: false,
            },
            (None, Lookup::Known(..)) => Self::ct_nat_of(known.as_ref()),
            _ => CtNat::default(),
        };
        let r = self.hook(at, Hook::Postrouting, packet, state, ct_nat, w);
        if let Some(end) = stopped(node, Hook::Postrouting, &r) {
            return Err(end);
        }
        let mut p = r.packet;
        if let Some(mut e) = pending {
            let snat_to = match r.nat {
                Some(NatAction::Snat(ip)) => Some(ip),
                Some(NatAction::Masquerade { .. }) => self
                    .topology
                    .device_by_id(dev_id)
                    .and_then(|d| d.source_addr(out_iface)),
                _ => None,
            };
            if let Some(ip) = snat_to {
                // The kernel keeps the source port when it is free.
                p.src = SocketAddrV4::new(ip, p.src.port());
                e.reply.dst = p.src;
                w.rewrite_last(p);
            }
            let ct = &mut self.state(node).conntrack;
            let i = ct.confirm(e);
            let text = ct.entries()[i].to_string();
            w.hop(
                dev_id,
                Place::Conntrack,
                Say::NewEntry { entry: text },
                // Confirmed after the nat table: the packet is already
                // translated (shown on the POSTROUTING hop).
                p,
                p,
                Say::CtTracks {
                    node: node.to_string(),
                },
            );
        } else if let Some(say) = Self::ct_translate(known.as_ref(), lookup, &mut p, false) {
            w.hop(dev_id, Place::Conntrack, say.clone(), r.packet, p, say);
        }
        if let Lookup::Known(i, Direction::Reply) = lookup {
            if let Some(n) = self.nodes.get_mut(node) {
                n.conntrack.reply_seen(i, &p);
            }
        }
        Ok(p)
    }

    /// A node receives a packet on `iface`.
    pub(super) fn node_input(
        &mut self,
        dev: NodeIndex,
        _iface: &str,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> Step {
        let node = self.node_name(dev);
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let (p, lookup, pending, ct_nat) = match self.prerouting(&node, &d.id, packet, w) {
            Ok(v) => v,
            Err(end) => return Step::End(end),
        };
        if d.owns(p.dst_ip()) {
            w.hop(
                &d.id,
                Place::Routing,
                format!("local {} dev lo table local", p.dst_ip()),
                p,
                p,
                Say::OwnAddress {
                    ip: p.dst_ip(),
                    node: node.clone(),
                },
            );
            let at = NodeCx {
                name: &node,
                dev: &d.id,
            };
            let mut p = match self.input(at, p, Self::ct_state_of(lookup), ct_nat, w) {
                Ok(p) => p,
                Err(end) => return Step::End(end),
            };
            if let Some(e) = pending {
                self.state(&node).conntrack.confirm(e);
            } else if let Lookup::Known(i, dir) = lookup {
                let ct = &mut self.state(&node).conntrack;
                p.src = ct.entries()[i].src_for(dir);
                if dir == Direction::Reply {
                    ct.reply_seen(i, &p);
                }
            }
            return Step::End(self.local_delivery(dev, p, w));
        }
        let mut p = p;
        if p.ttl <= 1 {
            return Step::End(End::Dropped(Say::TtlExpired {
                at: d.id.clone(),
                routing_loop: false,
            }));
        }
        p.ttl -= 1;
        let Some(route) = d.routes.lookup(p.dst_ip()).cloned() else {
            return Step::End(End::Dropped(no_route(&d.id, p.dst_ip())));
        };
        w.hop(
            &d.id,
            Place::Routing,
            route.to_string(),
            p,
            p,
            Say::routes(node.clone(), true, &route),
        );
        let at = NodeCx {
            name: &node,
            dev: &d.id,
        };
        let p = match self.forward(at, &route.dev, p, ct_nat, Conn { lookup, pending }, w) {
            Ok(p) => p,
            Err(end) => return Step::End(end),
        };
        self.transmit(dev, &route, p, w)
    }

    /// The INPUT hook for a packet to one of the node's own addresses:
    /// the packet it lets through, or how it ends there.
    fn input(
        &mut self,
        at: NodeCx<'_>,
        p: Packet,
        state: CtState,
        ct_nat: CtNat,
        w: &mut Walk<'_>,
    ) -> Result<Packet, End> {
        let node = at.name;
        let r = self.hook(at, Hook::Input, p, state, ct_nat, w);
        match stopped(node, Hook::Input, &r) {
            Some(end) => Err(end),
            None => Ok(r.packet),
        }
    }

    /// A node sends a packet of its own (OUTPUT path).
    pub(super) fn node_output(&mut self, dev: NodeIndex, packet: Packet, w: &mut Walk<'_>) -> Step {
        let node = self.node_name(dev);
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        w.hop(
            &d.id,
            Place::Socket,
            socket_call(&packet),
            packet,
            packet,
            sends(&d.id, &packet),
        );
        let (lookup, known) = self.ct_lookup(&node, &packet);
        let state = Self::ct_state_of(lookup);
        let ct_nat = Self::ct_nat_of(known.as_ref());
        let r = self.hook(
            NodeCx {
                name: &node,
                dev: &d.id,
            },
            Hook::Output,
            packet,
            state,
            ct_nat,
            w,
        );
        if let Some(end) = stopped(&node, Hook::Output, &r) {
            return Step::End(end);
        }
        let (mut p, pending) = Self::dst_nat(w, &d.id, &packet, lookup, known.as_ref(), &r);
        if d.owns(p.dst_ip()) {
            if let Some(e) = pending {
                self.state(&node).conntrack.confirm(e);
            } else if let Lookup::Known(i, dir) = lookup {
                // Over lo, as at POSTROUTING: the source side of the
                // entry's translation, and a refused connection's RST
                // ends its entry.
                let ct = &mut self.state(&node).conntrack;
                p.src = ct.entries()[i].src_for(dir);
                if dir == Direction::Reply {
                    ct.reply_seen(i, &p);
                }
            }
            w.hop(
                &d.id,
                Place::Routing,
                format!("local {} dev lo table local", p.dst_ip()),
                p,
                p,
                Say::ForThisHost,
            );
            // Over lo the packet comes back in: INPUT's filter rules
            // (kube-proxy's KUBE-EXTERNAL-SERVICES rejects a NodePort
            // without endpoints there) see it as any incoming packet.
            let at = NodeCx {
                name: &node,
                dev: &d.id,
            };
            return Step::End(match self.input(at, p, state, ct_nat, w) {
                Ok(p) => self.local_delivery(dev, p, w),
                Err(end) => end,
            });
        }
        let Some(route) = d.routes.lookup(p.dst_ip()).cloned() else {
            return Step::End(End::Dropped(no_route(&d.id, p.dst_ip())));
        };
        // The source address a local socket gets: the route's, or the
        // outgoing interface's.
        if packet.src.ip().is_unspecified() {
            let src = d.route_source(&route).unwrap_or(Ipv4Addr::UNSPECIFIED);
            p.src = SocketAddrV4::new(src, p.src.port());
        }
        w.hop(
            &d.id,
            Place::Routing,
            route.to_string(),
            p,
            p,
            Say::routes(node.clone(), false, &route),
        );
        let p = match self.postrouting(
            NodeCx {
                name: &node,
                dev: &d.id,
            },
            &route.dev,
            p,
            Conn { lookup, pending },
            w,
        ) {
            Ok(p) => p,
            Err(end) => return Step::End(end),
        };
        self.transmit(dev, &route, p, w)
    }

    /// A packet bridged by a node's cbr0 from one pod to another.
    pub(super) fn bridged(
        &mut self,
        node: String,
        next: NodeIndex,
        iface: String,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> Step {
        let dev_id = node_id(&node);
        w.hop(
            &dev_id,
            Place::Bridge("cbr0".into()),
            "bridge-nf-call-iptables=1".to_string(),
            packet,
            packet,
            Say::Bridges {
                node: node.clone(),
                nft: self.program(&node).is_some_and(|p| {
                    p.dataplane.iptables.is_none() && p.dataplane.nftables.is_some()
                }),
            },
        );
        let (p, lookup, pending, ct_nat) = match self.prerouting(&node, &dev_id, packet, w) {
            Ok(v) => v,
            Err(end) => return Step::End(end),
        };
        let at = NodeCx {
            name: &node,
            dev: &dev_id,
        };
        let p = match self.forward(at, "cbr0", p, ct_nat, Conn { lookup, pending }, w) {
            Ok(p) => p,
            Err(end) => return Step::End(end),
        };
        if p.dst_ip() != packet.dst_ip() {
            // A DNAT on a bridged packet sends it elsewhere: route it from the node.
            let dev = self.topology.index(&dev_id).expect("node device");
            let topo = Arc::clone(&self.topology);
            let d = topo.device(dev);
            let Some(route) = d.routes.lookup(p.dst_ip()).cloned() else {
                return Step::End(End::Dropped(no_route(&dev_id, p.dst_ip())));
            };
            return self.transmit(dev, &route, p, w);
        }
        Step::Arrive {
            dev: next,
            iface,
            packet: p,
        }
    }
}

/// How a hook's DROP or REJECT ends the packet's way (`None`: accepted).
pub(super) fn stopped(node: &str, hook: Hook, r: &netfilter::HookResult) -> Option<End> {
    match r.verdict {
        netfilter::Verdict::Accept => None,
        netfilter::Verdict::Drop => Some(End::Dropped(drop_reason(node, hook, &r.hits))),
        netfilter::Verdict::Reject => Some(End::Rejected(drop_reason(node, hook, &r.hits))),
    }
}

pub(super) fn drop_reason(node: &str, hook: Hook, hits: &[RuleHit]) -> Say {
    match hits.last() {
        Some(h) => {
            // nft's rules and elements carry their comments in their text.
            let why = match h.backend() {
                netfilter::Backend::Iptables => h.comment.clone(),
                netfilter::Backend::Nftables => None,
            };
            // nft: a `reject` or `drop` reached through a verdict map names
            // the element that sent the packet there (its comment says
            // which Service port).
            let element = h.element.clone().or_else(|| {
                (h.backend() == netfilter::Backend::Nftables)
                    .then(|| hits.iter().rev().find_map(|x| x.element.clone()))
                    .flatten()
            });
            Say::RuleStops(Box::new(RuleStop {
                node: node.to_string(),
                effect: h.effect.clone(),
                hook: hook.chain_name(),
                table: h.table.to_string(),
                backend: h.backend(),
                chain: h.chain.clone(),
                rule: h.rule.clone(),
                element,
                why,
            }))
        }
        None => Say::HookDrops {
            node: node.to_string(),
            hook: hook.chain_name(),
        },
    }
}

/// The nft base chain (`nat-prerouting`) from which the rule that chose
/// the hook's NAT was reached; `None` when iptables' nat table chose it.
fn nft_nat_chain(dp: &netfilter::Dataplane, hits: &[RuleHit]) -> Option<String> {
    let table = dp.nftables.as_deref()?;
    let i = hits
        .iter()
        .rposition(|h| matches!(h.effect, netfilter::Effect::Nat(_)))?;
    if hits[i].backend() != netfilter::Backend::Nftables {
        return None;
    }
    hits[..=i]
        .iter()
        .rev()
        .filter(|h| h.backend() == netfilter::Backend::Nftables)
        .find(|h| table.chain(&h.chain).is_some_and(|c| c.base.is_some()))
        .map(|h| h.chain.clone())
}
