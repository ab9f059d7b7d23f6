//! The two-way packet trace: a connection's first packet walks from the
//! client through routing tables, netfilter hooks and conntrack to a
//! socket (or to where it is lost), then the answer walks back. Every step
//! is a [`Hop`] that names the device, where in it the packet is, what
//! decided, and the packet before and after.
//!
//! The kernel's order on a Linux node, for a received packet:
//! conntrack lookup, PREROUTING (raw, mangle, nat), routing decision, then
//! either INPUT (mangle, filter, nat) and the socket, or FORWARD (mangle,
//! filter) and POSTROUTING (mangle, nat) and the wire. A locally generated
//! packet takes a routing decision, OUTPUT (raw, mangle, nat, filter), a
//! new routing decision if nat changed its destination, and POSTROUTING.
//! Packets bridged between two pods of one node pass the node's
//! PREROUTING, FORWARD and POSTROUTING too (`br_netfilter`, which
//! kube-proxy needs).
//!
//! This file is the walk between devices (a leg from its first device to
//! its end, receive, transmit, local delivery, the answer); one node's
//! path is `node.rs`, the cloud load balancer `lb.rs`, the records
//! `hop.rs`, the state `world.rs`.

pub use super::hop::{
    ClientSees, Decision, Dir, Hop, Leg, Place, Reply, RuleRef, Seen, Trace, Verdict,
};
pub use super::request::{Request, RequestError, Source};
pub use super::say::{RuleStop, Say};
use super::topology::DeviceKind;
pub use super::world::{World, FIRST_CLIENT_PORT};
use crate::linux::conntrack::Tuple;
use crate::linux::netfilter::Chooser;
use crate::linux::packet::{Icmp, Packet, TcpFlags};
use crate::linux::route::RouteKind;
use crate::model::Protocol;
use petgraph::graph::NodeIndex;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// The most steps one packet may take before the trace gives up (a
/// routing loop ends earlier, when the TTL runs out).
pub(super) const MAX_STEPS: usize = 256;

pub(super) enum Step {
    /// The packet arrives at a device on an interface.
    Arrive {
        dev: NodeIndex,
        iface: String,
        packet: Packet,
    },
    End(End),
}

#[derive(Debug, Clone)]
pub(super) enum End {
    /// At a socket (request) or at the client (reply).
    Delivered {
        dev: NodeIndex,
        packet: Packet,
    },
    Refused {
        dev: NodeIndex,
        packet: Packet,
    },
    Dropped(Say),
    Rejected(Say),
}

/// One walk's context: the trace being written, the leg it is on, and
/// where random choices come from, handed down the walk as one.
pub(super) struct Walk<'a> {
    pub(super) chooser: &'a mut dyn Chooser,
    pub(super) trace: &'a mut Trace,
    pub(super) leg: Leg,
}

impl Walk<'_> {
    /// Records a step on this leg.
    pub(super) fn hop(
        &mut self,
        device: &str,
        at: Place,
        decision: impl Into<Decision>,
        before: Packet,
        after: Packet,
        say: Say,
    ) {
        self.trace.hops.push(Hop {
            leg: self.leg,
            device: device.to_string(),
            at,
            decision: decision.into(),
            rules: Vec::new(),
            before,
            after,
            say,
        });
    }

    /// The nat table's choice is applied as the hook ends: show the
    /// rewritten packet on the hook's hop.
    pub(super) fn rewrite_last(&mut self, p: Packet) {
        if let Some(h) = self.trace.hops.last_mut() {
            h.after = p;
        }
    }
}

impl World {
    /// Sends one new connection and its answer. Random choices (kube-proxy's
    /// probabilities, the load balancer's pick) come from `chooser`.
    pub fn trace(
        &mut self,
        req: &Request,
        chooser: &mut dyn Chooser,
    ) -> Result<Trace, RequestError> {
        let (src_dev, src_ip) = self.source_device(&req.from, *req.to.ip())?;
        let sport = self.next_port;
        self.next_port = if self.next_port >= 60999 {
            FIRST_CLIENT_PORT
        } else {
            self.next_port + 1
        };
        // A ping's identifier takes the client port's place (see `Icmp`).
        let packet = match req.proto {
            Protocol::Icmp => Packet::echo_request(src_ip, *req.to.ip(), sport),
            _ => Packet::new(req.proto, SocketAddrV4::new(src_ip, sport), req.to),
        };
        let mut t = Trace {
            request: req.to_string(),
            verdict: Verdict::Dropped,
            delivered_to: None,
            reason: None,
            server_sees: None,
            reply: None,
            hops: Vec::new(),
            rules_evaluated: 0,
            conntrack: BTreeMap::new(),
        };
        let mut w = Walk {
            chooser,
            trace: &mut t,
            leg: Leg::Request,
        };
        let end = self.walk(src_dev, None, packet, &mut w);
        match end {
            End::Delivered { dev, packet: seen } => {
                w.trace.verdict = Verdict::Delivered;
                w.trace.delivered_to = Some(self.topology.device(dev).id.clone());
                w.trace.server_sees = Some(Seen {
                    src: seen.src,
                    dst: seen.dst,
                });
                let answer = if seen.icmp.is_some() {
                    seen.echo_reply_to()
                } else {
                    let mut a = Packet::new(req.proto, seen.dst, seen.src);
                    a.flags = (req.proto == Protocol::Tcp).then_some(TcpFlags::SynAck);
                    a
                };
                w.trace.reply = Some(self.answer(dev, answer, src_dev, &packet, &mut w));
                if let Some(r) = w
                    .trace
                    .reply
                    .as_ref()
                    .filter(|r| r.verdict != Verdict::Delivered)
                {
                    w.trace.reason = r.reason.clone();
                }
            }
            End::Refused { dev, packet: seen } => {
                w.trace.verdict = Verdict::Refused;
                let who = self.topology.device(dev).id.clone();
                w.trace.set_reason(Say::Refused {
                    port: seen.dst.port(),
                    proto: req.proto,
                    at: who,
                });
                if req.proto == Protocol::Tcp {
                    let mut rst = Packet::new(req.proto, seen.dst, seen.src);
                    rst.flags = Some(TcpFlags::Rst);
                    let reply = self.answer(dev, rst, src_dev, &packet, &mut w);
                    w.trace.reply = Some(Reply {
                        verdict: Verdict::Refused,
                        ..reply
                    });
                }
            }
            End::Dropped(why) => {
                w.trace.verdict = Verdict::Dropped;
                w.trace.set_reason(self.ping_reason(req, false, why));
            }
            End::Rejected(why) => {
                w.trace.verdict = Verdict::Rejected;
                w.trace.set_reason(self.ping_reason(req, true, why));
            }
        }
        for (node, n) in &self.nodes {
            // Every entry with the original tuple has the client port too.
            let mine: Vec<String> = n
                .conntrack
                .with_port(sport)
                .filter(|e| {
                    e.original.src.port() == sport
                        || e.reply.dst.port() == sport
                        || e.original == Tuple::of(&packet)
                })
                .map(|e| e.to_string())
                .collect();
            if !mine.is_empty() {
                t.conntrack.insert(node.clone(), mine);
            }
        }
        Ok(t)
    }

    /// Why a request ended unanswered; a ping to a ClusterIP says why no
    /// echo reply can come (the address is virtual).
    fn ping_reason(&self, req: &Request, rejected: bool, why: Say) -> Say {
        let ip = *req.to.ip();
        let cluster_ip = req.proto == Protocol::Icmp
            && self
                .scenario
                .services
                .iter()
                .any(|s| s.cluster_ip == Some(ip));
        if !cluster_ip {
            return why;
        }
        Say::PingClusterIp {
            ip,
            rejected,
            why: Box::new(why),
        }
    }

    /// Walks an answer from the server back; judges what the client makes
    /// of it.
    pub(super) fn answer(
        &mut self,
        server: NodeIndex,
        answer: Packet,
        client_dev: NodeIndex,
        request: &Packet,
        w: &mut Walk<'_>,
    ) -> Reply {
        w.leg = Leg::Reply;
        match self.walk(server, None, answer, w) {
            End::Delivered { dev, packet, .. } => {
                let client = self.topology.device(client_dev).id.clone();
                let at = self.topology.device(dev).id.clone();
                if dev != client_dev {
                    return Reply::failed(None, Say::AnswerElsewhere { at, client });
                }
                if packet.src != request.dst || packet.dst != request.src {
                    return Reply::failed(
                        Some(ClientSees { src: packet.src }),
                        Say::AnswerWrongSource {
                            from: packet.src,
                            sent_to: request.dst,
                        },
                    );
                }
                Reply {
                    verdict: Verdict::Delivered,
                    client_sees: Some(ClientSees { src: packet.src }),
                    reason: None,
                }
            }
            End::Refused { .. } => Reply::failed(None, Say::AnswerRefused),
            End::Dropped(why) | End::Rejected(why) => {
                Reply::failed(None, Say::AnswerLost(Box::new(why)))
            }
        }
    }

    /// Moves a packet from device to device until it ends.
    pub(super) fn walk(
        &mut self,
        start: NodeIndex,
        iface: Option<String>,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> End {
        let mut step = match iface {
            Some(iface) => Step::Arrive {
                dev: start,
                iface,
                packet,
            },
            None => self.originate(start, packet, w),
        };
        for _ in 0..MAX_STEPS {
            match step {
                Step::End(end) => return end,
                Step::Arrive { dev, iface, packet } => {
                    step = self.receive(dev, &iface, packet, w);
                }
            }
        }
        End::Dropped(Say::GaveUp { steps: MAX_STEPS })
    }

    /// A device sends a packet it made.
    pub(super) fn originate(&mut self, dev: NodeIndex, packet: Packet, w: &mut Walk<'_>) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        if d.is_node() {
            return self.node_output(dev, packet, w);
        }
        if let DeviceKind::LoadBalancer { .. } = d.kind {
            return Step::End(End::Dropped(Say::LbNoConnect));
        }
        w.hop(
            &d.id,
            Place::Socket,
            socket_call(&packet),
            packet,
            packet,
            sends(&d.id, &packet),
        );
        self.route_and_send(dev, packet, false, w)
    }

    /// A packet arrives at a device.
    pub(super) fn receive(
        &mut self,
        dev: NodeIndex,
        iface: &str,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        w.hop(
            &d.id,
            Place::arrives(iface),
            Say::ArrivesOn {
                iface: iface.to_string(),
            },
            packet,
            packet,
            Say::Receives {
                who: d.id.clone(),
                iface: iface.to_string(),
            },
        );
        match &d.kind {
            DeviceKind::Node { .. } => self.node_input(dev, iface, packet, w),
            DeviceKind::LoadBalancer { service } => {
                self.load_balancer(dev, service.clone(), packet, w)
            }
            _ => {
                if d.owns(packet.dst_ip()) {
                    return Step::End(self.local_delivery(dev, packet, w));
                }
                if !d.forwards {
                    return Step::End(End::Dropped(Say::NotForwarding {
                        who: d.id.clone(),
                        ip: packet.dst_ip(),
                    }));
                }
                let mut p = packet;
                if p.ttl <= 1 {
                    return Step::End(End::Dropped(Say::TtlExpired {
                        at: d.id.clone(),
                        routing_loop: true,
                    }));
                }
                p.ttl -= 1;
                self.route_and_send(dev, p, true, w)
            }
        }
    }

    /// The socket layer: a listener (request) or the client (reply).
    pub(super) fn local_delivery(
        &mut self,
        dev: NodeIndex,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> End {
        let d = self.topology.device(dev);
        if w.leg == Leg::Reply || matches!(packet.flags, Some(TcpFlags::Rst)) {
            let id = d.id.clone();
            let say = match packet.icmp {
                Some(_) => Say::GetsEchoReply {
                    who: id.clone(),
                    from: packet.src_ip(),
                },
                None => Say::GetsAnswer {
                    who: id.clone(),
                    from: packet.src,
                },
            };
            w.hop(
                &id,
                Place::Socket,
                Say::ClientConnection,
                packet,
                packet,
                say,
            );
            return End::Delivered { dev, packet };
        }
        if packet.icmp == Some(Icmp::EchoRequest) {
            // icmp_echo(): the kernel answers for any of its addresses.
            let id = d.id.clone();
            w.hop(
                &id,
                Place::Socket,
                Say::KernelEcho,
                packet,
                packet,
                Say::AnswersEcho { who: id.clone() },
            );
            return End::Delivered { dev, packet };
        }
        match d.listens(packet.proto, packet.dst.port()) {
            Some(sock) => {
                let id = d.id.clone();
                let owner = sock.owner.clone();
                w.hop(
                    &id,
                    Place::Socket,
                    Say::Listening {
                        port: packet.dst.port(),
                        proto: packet.proto,
                        owner,
                    },
                    packet,
                    packet,
                    Say::Accepts {
                        who: id.clone(),
                        from: packet.src,
                    },
                );
                End::Delivered { dev, packet }
            }
            None => {
                let id = d.id.clone();
                w.hop(
                    &id,
                    Place::Socket,
                    Say::NoSocket {
                        port: packet.dst.port(),
                        proto: packet.proto,
                    },
                    packet,
                    packet,
                    Say::NoListener {
                        port: packet.dst.port(),
                        at: id.clone(),
                    },
                );
                End::Refused { dev, packet }
            }
        }
    }

    /// Routing decision and transmission for a plain (non-node) device or
    /// the last part of a node's path.
    pub(super) fn route_and_send(
        &mut self,
        dev: NodeIndex,
        packet: Packet,
        forwarding: bool,
        w: &mut Walk<'_>,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let Some(route) = d.routes.lookup(packet.dst_ip()).cloned() else {
            w.hop(
                &d.id,
                Place::Routing,
                Say::RouteMissing,
                packet,
                packet,
                no_route(&d.id, packet.dst_ip()),
            );
            return Step::End(End::Dropped(no_route(&d.id, packet.dst_ip())));
        };
        w.hop(
            &d.id,
            Place::Routing,
            route.to_string(),
            packet,
            packet,
            Say::routes(d.id.clone(), forwarding, &route),
        );
        self.transmit(dev, &route, packet, w)
    }

    /// Puts a packet on the wire of `route.dev` towards its next hop.
    pub(super) fn transmit(
        &mut self,
        dev: NodeIndex,
        route: &super::topology::Route,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let next_hop = match &route.kind {
            RouteKind::Link => packet.dst_ip(),
            RouteKind::Via(gw) => *gw,
            RouteKind::ViaMissingNode(n) => {
                return Step::End(End::Dropped(Say::RouteToGoneNode {
                    who: d.id.clone(),
                    dest: route.dest.to_string(),
                    node: n.clone(),
                }))
            }
            RouteKind::Unreachable => {
                return Step::End(End::Dropped(Say::Unreachable {
                    who: d.id.clone(),
                    to: packet.dst_ip(),
                    route: route.to_string(),
                    origin: route.origin,
                }))
            }
        };
        let Some(segment) = self.topology.segment_of(dev, &route.dev) else {
            return Step::End(End::Dropped(Say::NoInterface {
                who: d.id.clone(),
                dev: route.dev.clone(),
            }));
        };
        let Some((next, iface)) = self.topology.neighbour(segment, next_hop) else {
            w.hop(
                &d.id,
                Place::leaves(&route.dev),
                Say::ArpNoAnswer { next_hop },
                packet,
                packet,
                Say::NoArpAnswer {
                    who: d.id.clone(),
                    dev: route.dev.clone(),
                    next_hop,
                },
            );
            return Step::End(End::Dropped(Say::NextHopGone {
                who: d.id.clone(),
                dev: route.dev.clone(),
                next_hop,
            }));
        };
        w.hop(
            &d.id,
            Place::leaves(&route.dev),
            Say::NextHop { next_hop },
            packet,
            packet,
            Say::SendsTo {
                who: d.id.clone(),
                to: self.topology.device(next).id.clone(),
            },
        );
        // Two pods of one node talk across its bridge: br_netfilter runs the
        // node's iptables on the bridged packet.
        let sender_is_pod = matches!(d.kind, DeviceKind::Pod { .. });
        let receiver = topo.device(next);
        if sender_is_pod {
            if let DeviceKind::Pod { node, .. } = &receiver.kind {
                return self.bridged(node.clone(), next, iface, packet, w);
            }
        }
        Step::Arrive {
            dev: next,
            iface,
            packet,
        }
    }
}

/// What the sending program asks of its socket: `connect 10.3.241.152:80`,
/// or for a ping `ping 10.3.241.152`; an echo reply is the kernel's own.
pub(super) fn socket_call(p: &Packet) -> Decision {
    match p.icmp {
        Some(Icmp::EchoRequest) => format!("ping {}", p.dst_ip()).into(),
        Some(Icmp::EchoReply) => Say::KernelEcho.into(),
        None => format!("connect {}", p.dst).into(),
    }
}

/// A device sends a packet it made.
pub(super) fn sends(who: &str, p: &Packet) -> Say {
    if let Some(kind) = p.icmp {
        return Say::SendsIcmp {
            who: who.to_string(),
            kind,
            to: p.dst_ip(),
        };
    }
    Say::Sends {
        who: who.to_string(),
        proto: p.proto,
        flags: p.flags,
        dst: p.dst,
    }
}

pub(super) fn no_route(who: &str, to: Ipv4Addr) -> Say {
    Say::NoRoute {
        who: who.to_string(),
        to,
    }
}
