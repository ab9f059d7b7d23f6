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

use super::conntrack::{Conntrack, Direction, Entry, Lookup, Tuple};
use super::netfilter::{
    self, Chooser, CtNat, Ctx, Hook, IndexedRuleset, NatAction, Recent, RuleHit,
};
use super::packet::{Packet, TcpFlags};
pub use super::request::{Request, RequestError, Source};
use super::route::RouteKind;
pub use super::say::{RuleStop, Say};
use super::topology::{pod_ref, DeviceKind, Topology};
use crate::hash::HashMap;
use crate::kube_proxy::ruleset::{CtState, Ruleset};
use crate::kube_proxy::{iptables, NodeClass, NodeClasses};
use crate::lang::Lang;
use crate::model::{LoadBalancerStyle, Protocol, Scenario, TrafficPolicy};
use petgraph::graph::NodeIndex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// The most steps one packet may take before the trace gives up (a
/// routing loop ends earlier, when the TTL runs out).
const MAX_STEPS: usize = 256;

/// How a leg ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Delivered to a listening socket (or, for a reply, to the client).
    Delivered,
    /// Lost: no route, a DROP rule, TTL, a device that is gone, or a reply
    /// the client cannot use.
    Dropped,
    /// Refused by a netfilter REJECT rule (ICMP port unreachable).
    Rejected,
    /// Nothing listens on the port: TCP RST, or ICMP port unreachable.
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    Request,
    Reply,
}

/// One step of a packet's path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub leg: Leg,
    /// The device id (`node/node-1`).
    pub device: String,
    /// Where in the device: `eth0 in`, `routing`, `nat PREROUTING`,
    /// `conntrack`, `socket`, `cbr0 out`...
    pub at: String,
    /// The route, rule or fact that decided, as the tools print it.
    pub decision: String,
    /// `decision` as data where it is prose (`arrives on eth0`), for any
    /// language; `None` for tool output (not serialized).
    #[serde(skip)]
    pub decision_say: Option<Say>,
    /// For netfilter steps: every rule that matched, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleRef>,
    pub before: Packet,
    pub after: Packet,
    /// The step in a sentence: `say` in English.
    pub note: String,
    /// The step's sentence as data, for any language (not serialized: the
    /// JSON carries `note`).
    #[serde(skip)]
    pub say: Say,
}

impl Hop {
    /// The step's sentence in `lang` (`note` in English).
    pub fn note_in(&self, lang: Lang) -> String {
        self.say.text(lang)
    }

    /// The decision line in `lang`: tool output as it is, prose translated.
    pub fn decision_in(&self, lang: Lang) -> String {
        match &self.decision_say {
            Some(s) => s.text(lang),
            None => self.decision.clone(),
        }
    }
}

/// A hop's decision: tool output, or a sentence.
pub enum Decision {
    Tool(String),
    Said(Say),
}

impl From<String> for Decision {
    fn from(s: String) -> Self {
        Decision::Tool(s)
    }
}

impl From<Say> for Decision {
    fn from(s: Say) -> Self {
        Decision::Said(s)
    }
}

/// A netfilter rule a packet matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub table: String,
    pub chain: String,
    /// 1-based in its chain (0: the chain's policy).
    pub index: usize,
    pub rule: String,
    pub effect: String,
}

impl From<&RuleHit> for RuleRef {
    fn from(h: &RuleHit) -> Self {
        RuleRef {
            table: h.table.as_str().to_string(),
            chain: h.chain.clone(),
            index: h.index,
            rule: h.rule.clone(),
            effect: h.effect.clone(),
        }
    }
}

/// Source and destination as a socket sees a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Seen {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientSees {
    pub src: SocketAddrV4,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub verdict: Verdict,
    pub client_sees: Option<ClientSees>,
    pub reason: Option<String>,
    /// `reason` as data, for any language (not serialized).
    #[serde(skip)]
    pub reason_say: Option<Say>,
}

impl Reply {
    /// Why the answer failed, in `lang` (`reason` in English).
    pub fn reason_in(&self, lang: Lang) -> Option<String> {
        self.reason_say.as_ref().map(|s| s.text(lang))
    }

    fn failed(client_sees: Option<ClientSees>, why: Say) -> Reply {
        Reply {
            verdict: Verdict::Dropped,
            client_sees,
            reason: Some(why.en()),
            reason_say: Some(why),
        }
    }
}

/// The whole story of one connection attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub request: String,
    pub verdict: Verdict,
    /// `pod/NAME` or `node/NAME` (or another device id) that accepted it.
    pub delivered_to: Option<String>,
    /// Why it did not work (null when it did, both ways).
    pub reason: Option<String>,
    /// `reason` as data, for any language (not serialized).
    #[serde(skip)]
    pub reason_say: Option<Say>,
    pub server_sees: Option<Seen>,
    pub reply: Option<Reply>,
    pub hops: Vec<Hop>,
    /// netfilter rules the kernel looked at along both legs.
    pub rules_evaluated: usize,
    /// Conntrack entries this connection left, per node (`conntrack -L`).
    pub conntrack: BTreeMap<String, Vec<String>>,
}

impl Trace {
    /// Why it did not work, in `lang` (`reason` in English).
    pub fn reason_in(&self, lang: Lang) -> Option<String> {
        self.reason_say.as_ref().map(|s| s.text(lang))
    }

    /// Sets the reason, in English and as data.
    fn set_reason(&mut self, why: Say) {
        self.reason = Some(why.en());
        self.reason_say = Some(why);
    }

    /// Delivered, and the reply reached the client (the CLI's exit 0).
    pub fn succeeded(&self) -> bool {
        self.verdict == Verdict::Delivered
            && self
                .reply
                .as_ref()
                .is_some_and(|r| r.verdict == Verdict::Delivered)
    }
}

/// A load balancer's memory of a flow (to send its answer back).
#[derive(Debug, Clone, PartialEq, Eq)]
struct LbFlow {
    /// The client's tuple as it reached the LB.
    client: Tuple,
    /// The tuple towards the node (nodePort style rewrites both ends).
    backend: Tuple,
}

/// The cluster with its running state: rulesets, conntrack tables,
/// `-m recent` lists, load balancer flows, and the time.
#[derive(Debug, Clone)]
pub struct World {
    /// Shared by clones of the world (copied only when a node is removed).
    scenario: Arc<Scenario>,
    /// Shared, not copied, by clones of the world (`paths` clones it per
    /// branch); replaced whole when the network changes.
    topology: Arc<Topology>,
    extra: Vec<Ipv4Addr>,
    /// Each node's ruleset, conntrack table and `-m recent` lists (one map,
    /// not one per kind: each map type is its own copy of the B-tree code
    /// in the wasm).
    nodes: BTreeMap<String, NodeState>,
    /// Nodes whose rules are the same share one ruleset: by class.
    classes: Option<Arc<NodeClasses>>,
    by_class: HashMap<NodeClass, Arc<IndexedRuleset>>,
    /// Per Service, sorted by its key (a sorted Vec: no B-tree code of
    /// its own in the wasm).
    lb_flows: Vec<(String, Vec<LbFlow>)>,
    /// Seconds since the world began (for session affinity).
    pub now: u64,
    next_port: u16,
}

/// A node's running state in the [`World`].
#[derive(Debug, Clone, Default)]
struct NodeState {
    /// With its dispatch index, built on first use; shared by clones of the
    /// world and by nodes of one class.
    ruleset: Option<Arc<IndexedRuleset>>,
    conntrack: Conntrack,
    recent: Recent,
}

/// The first ephemeral port the trace's clients use (Linux's range starts
/// at 32768; a fixed start keeps traces reproducible).
pub const FIRST_CLIENT_PORT: u16 = 40000;

enum Step {
    /// The packet arrives at a device on an interface.
    Arrive {
        dev: NodeIndex,
        iface: String,
        packet: Packet,
    },
    End(End),
}

#[derive(Debug, Clone)]
enum End {
    /// At a socket (request) or at the client (reply).
    Delivered {
        dev: NodeIndex,
        packet: Packet,
        owner: String,
    },
    Refused {
        dev: NodeIndex,
        packet: Packet,
    },
    Dropped(Say),
    Rejected(Say),
}

impl World {
    pub fn new(scenario: Scenario) -> World {
        let topology = Arc::new(Topology::build(&scenario, &[]));
        World {
            scenario: Arc::new(scenario),
            topology,
            extra: Vec::new(),
            nodes: BTreeMap::new(),
            classes: None,
            by_class: HashMap::default(),
            lb_flows: Vec::new(),
            now: 0,
            next_port: FIRST_CLIENT_PORT,
        }
    }

    /// The same cluster fresh, as [`World::new`] makes it (no connections,
    /// flows, `-m recent` entries, clients' ports or time), keeping what was
    /// built from the scenario alone: the topology and the rulesets. A
    /// trace in it equals one in a new world, without the rebuilding.
    pub fn fresh(&self) -> World {
        let topology = if self.extra.is_empty() {
            Arc::clone(&self.topology)
        } else {
            Arc::new(Topology::build(&self.scenario, &[]))
        };
        let mut nodes = self.nodes.clone();
        for n in nodes.values_mut() {
            *n = NodeState {
                ruleset: n.ruleset.take(),
                ..NodeState::default()
            };
        }
        World {
            scenario: Arc::clone(&self.scenario),
            topology,
            extra: Vec::new(),
            nodes,
            classes: self.classes.clone(),
            by_class: self.by_class.clone(),
            lb_flows: Vec::new(),
            now: 0,
            next_port: FIRST_CLIENT_PORT,
        }
    }

    /// A Service's load balancer flows, made empty on first use.
    fn flows(&mut self, service: &str) -> &mut Vec<LbFlow> {
        let i = match self
            .lb_flows
            .binary_search_by(|(s, _)| s.as_str().cmp(service))
        {
            Ok(i) => i,
            Err(i) => {
                self.lb_flows.insert(i, (service.to_string(), Vec::new()));
                i
            }
        };
        &mut self.lb_flows[i].1
    }

    /// A node's state, made empty on first use.
    fn state(&mut self, node: &str) -> &mut NodeState {
        self.nodes.entry(node.to_string()).or_default()
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// A node's ruleset, built on first use and kept.
    pub fn ruleset(&mut self, node: &str) -> Option<&Ruleset> {
        if self.nodes.get(node).is_none_or(|n| n.ruleset.is_none()) {
            let ip = self.scenario.node(node)?.internal_ip;
            let classes = self
                .classes
                .get_or_insert_with(|| Arc::new(NodeClasses::new(&self.scenario)));
            let class = classes.class(node, ip);
            let rs = match self.by_class.get(&class) {
                Some(rs) => Arc::clone(rs),
                None => {
                    let rs = iptables::ruleset(&self.scenario, node).ok()?;
                    let rs = Arc::new(IndexedRuleset::new(rs));
                    self.by_class.insert(class, Arc::clone(&rs));
                    rs
                }
            };
            self.state(node).ruleset = Some(rs);
        }
        self.nodes
            .get(node)
            .and_then(|n| n.ruleset.as_ref())
            .map(|r| r.ruleset())
    }

    /// A node's conntrack table as `conntrack -L` prints it.
    pub fn conntrack(&self, node: &str) -> Vec<String> {
        self.nodes
            .get(node)
            .map(|n| {
                n.conntrack
                    .entries()
                    .iter()
                    .map(|e| e.to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes a node (see [`Scenario::remove_node`]): its conntrack table
    /// goes with it; on the other nodes kube-proxy clears UDP entries to
    /// the endpoints that went away (TCP entries stay, pointing nowhere);
    /// rulesets and load balancer pools follow the new endpoints.
    pub fn remove_node(&mut self, name: &str) -> Option<crate::model::Removal> {
        let removal = Arc::make_mut(&mut self.scenario).remove_node(name)?;
        self.nodes.remove(name);
        for n in self.nodes.values_mut() {
            for ip in &removal.pod_ips {
                n.conntrack.clear_udp_to(*ip);
            }
            n.ruleset = None;
        }
        self.classes = None;
        self.by_class.clear();
        self.topology = Arc::new(Topology::build(&self.scenario, &self.extra));
        Some(removal)
    }

    fn ensure_host(&mut self, ip: Ipv4Addr) {
        if !self.extra.contains(&ip) {
            self.extra.push(ip);
            self.topology = Arc::new(Topology::build(&self.scenario, &self.extra));
        }
    }

    fn source_device(&mut self, from: &Source) -> Result<(NodeIndex, Ipv4Addr), RequestError> {
        let (id, ip) = match from {
            Source::Pod { namespace, name } => {
                // A pod with an address is a device: found by id, without
                // a scan of every pod.
                let id = format!("pod/{}", pod_ref(namespace, name));
                let pod_ip = self.topology.device_by_id(&id).and_then(|d| match &d.kind {
                    DeviceKind::Pod { .. } => d.primary_addr("eth0"),
                    _ => None,
                });
                if let Some(ip) = pod_ip {
                    let ix = self.topology.index(&id).expect("found by id");
                    return Ok((ix, ip));
                }
                let p = self
                    .scenario
                    .pod(namespace, name)
                    .ok_or_else(|| RequestError(format!("there is no pod {namespace}/{name}")))?;
                let ip = p.ip.ok_or_else(|| {
                    RequestError(format!("pod {namespace}/{name} has no address"))
                })?;
                (format!("pod/{}", pod_ref(namespace, name)), ip)
            }
            Source::Node(n) => {
                let node = self
                    .scenario
                    .node(n)
                    .ok_or_else(|| RequestError(format!("there is no node {n}")))?;
                (format!("node/{n}"), node.internal_ip)
            }
            Source::Internet(ip) => {
                self.ensure_host(*ip);
                ("internet".to_string(), *ip)
            }
            Source::Host(ip) => {
                self.ensure_host(*ip);
                (format!("host/{ip}"), *ip)
            }
        };
        let ix = self
            .topology
            .index(&id)
            .ok_or_else(|| RequestError(format!("{id} is not in the network")))?;
        Ok((ix, ip))
    }

    /// Sends one new connection and its answer. Random choices (kube-proxy's
    /// probabilities, the load balancer's pick) come from `chooser`.
    pub fn trace(
        &mut self,
        req: &Request,
        chooser: &mut dyn Chooser,
    ) -> Result<Trace, RequestError> {
        let (src_dev, src_ip) = self.source_device(&req.from)?;
        let sport = self.next_port;
        self.next_port = if self.next_port >= 60999 {
            FIRST_CLIENT_PORT
        } else {
            self.next_port + 1
        };
        let packet = Packet::new(req.proto, SocketAddrV4::new(src_ip, sport), req.to);
        let mut t = Trace {
            request: format!("{} {} -> {}", req.proto.as_k8s(), req.from, req.to),
            verdict: Verdict::Dropped,
            delivered_to: None,
            reason: None,
            reason_say: None,
            server_sees: None,
            reply: None,
            hops: Vec::new(),
            rules_evaluated: 0,
            conntrack: BTreeMap::new(),
        };
        let end = self.walk(src_dev, None, packet, Leg::Request, chooser, &mut t);
        match end {
            End::Delivered {
                dev,
                packet: seen,
                owner,
            } => {
                t.verdict = Verdict::Delivered;
                t.delivered_to = Some(self.topology.device(dev).id.clone());
                t.server_sees = Some(Seen {
                    src: seen.src,
                    dst: seen.dst,
                });
                let _ = owner;
                let mut answer = Packet::new(req.proto, seen.dst, seen.src);
                answer.flags = (req.proto == Protocol::Tcp).then_some(TcpFlags::SynAck);
                t.reply = Some(self.answer(dev, answer, src_dev, &packet, chooser, &mut t));
                if let Some(r) = t.reply.as_ref().filter(|r| r.verdict != Verdict::Delivered) {
                    t.reason = r.reason.clone();
                    t.reason_say = r.reason_say.clone();
                }
            }
            End::Refused { dev, packet: seen } => {
                t.verdict = Verdict::Refused;
                let who = self.topology.device(dev).id.clone();
                t.set_reason(Say::Refused {
                    port: seen.dst.port(),
                    proto: req.proto,
                    at: who,
                });
                if req.proto == Protocol::Tcp {
                    let mut rst = Packet::new(req.proto, seen.dst, seen.src);
                    rst.flags = Some(TcpFlags::Rst);
                    let reply = self.answer(dev, rst, src_dev, &packet, chooser, &mut t);
                    t.reply = Some(Reply {
                        verdict: Verdict::Refused,
                        ..reply
                    });
                }
            }
            End::Dropped(why) => {
                t.verdict = Verdict::Dropped;
                t.set_reason(why);
            }
            End::Rejected(why) => {
                t.verdict = Verdict::Rejected;
                t.set_reason(why);
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

    /// Walks an answer from the server back; judges what the client makes
    /// of it.
    fn answer(
        &mut self,
        server: NodeIndex,
        answer: Packet,
        client_dev: NodeIndex,
        request: &Packet,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Reply {
        match self.walk(server, None, answer, Leg::Reply, chooser, t) {
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
                    reason_say: None,
                }
            }
            End::Refused { .. } => Reply::failed(None, Say::AnswerRefused),
            End::Dropped(why) | End::Rejected(why) => {
                Reply::failed(None, Say::AnswerLost(Box::new(why)))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn hop(
        t: &mut Trace,
        leg: Leg,
        device: &str,
        at: &str,
        decision: impl Into<Decision>,
        before: Packet,
        after: Packet,
        say: Say,
    ) {
        let (decision, decision_say) = match decision.into() {
            Decision::Tool(s) => (s, None),
            Decision::Said(s) => (s.en(), Some(s)),
        };
        t.hops.push(Hop {
            leg,
            device: device.to_string(),
            at: at.to_string(),
            decision,
            decision_say,
            rules: Vec::new(),
            before,
            after,
            note: say.en(),
            say,
        });
    }

    /// The nat table's choice is applied as the hook ends: show the
    /// rewritten packet on the hook's hop.
    fn rewrite_last(t: &mut Trace, p: Packet) {
        if let Some(h) = t.hops.last_mut() {
            h.after = p;
        }
    }

    /// Moves a packet from device to device until it ends.
    fn walk(
        &mut self,
        start: NodeIndex,
        iface: Option<String>,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> End {
        let mut step = match iface {
            Some(iface) => Step::Arrive {
                dev: start,
                iface,
                packet,
            },
            None => self.originate(start, packet, leg, chooser, t),
        };
        for _ in 0..MAX_STEPS {
            match step {
                Step::End(end) => return end,
                Step::Arrive { dev, iface, packet } => {
                    step = self.receive(dev, &iface, packet, leg, chooser, t);
                }
            }
        }
        End::Dropped(Say::GaveUp { steps: MAX_STEPS })
    }

    /// A device sends a packet it made.
    fn originate(
        &mut self,
        dev: NodeIndex,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        if d.is_node() {
            return self.node_output(dev, packet, leg, chooser, t);
        }
        if let DeviceKind::LoadBalancer { .. } = d.kind {
            return Step::End(End::Dropped(Say::LbNoConnect));
        }
        Self::hop(
            t,
            leg,
            &d.id,
            "socket",
            format!("connect {}", packet.dst),
            packet,
            packet,
            sends(&d.id, &packet),
        );
        self.route_and_send(dev, packet, leg, false, chooser, t)
    }

    /// A packet arrives at a device.
    fn receive(
        &mut self,
        dev: NodeIndex,
        iface: &str,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        Self::hop(
            t,
            leg,
            &d.id,
            &format!("{iface} in"),
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
            DeviceKind::Node { .. } => self.node_input(dev, iface, packet, leg, chooser, t),
            DeviceKind::LoadBalancer { service } => {
                self.load_balancer(dev, service.clone(), packet, leg, chooser, t)
            }
            _ => {
                if d.owns(packet.dst_ip()) {
                    return Step::End(self.local_delivery(dev, packet, leg, t));
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
                self.route_and_send(dev, p, leg, true, chooser, t)
            }
        }
    }

    /// The socket layer: a listener (request) or the client (reply).
    fn local_delivery(&mut self, dev: NodeIndex, packet: Packet, leg: Leg, t: &mut Trace) -> End {
        let d = self.topology.device(dev);
        if leg == Leg::Reply || matches!(packet.flags, Some(TcpFlags::Rst)) {
            let id = d.id.clone();
            Self::hop(
                t,
                leg,
                &id,
                "socket",
                Say::ClientConnection,
                packet,
                packet,
                Say::GetsAnswer {
                    who: id.clone(),
                    from: packet.src,
                },
            );
            return End::Delivered {
                dev,
                packet,
                owner: String::new(),
            };
        }
        match d.listens(packet.proto, packet.dst.port()) {
            Some(sock) => {
                let id = d.id.clone();
                let owner = sock.owner.clone();
                Self::hop(
                    t,
                    leg,
                    &id,
                    "socket",
                    Say::Listening {
                        port: packet.dst.port(),
                        proto: packet.proto,
                        owner: owner.clone(),
                    },
                    packet,
                    packet,
                    Say::Accepts {
                        who: id.clone(),
                        from: packet.src,
                    },
                );
                End::Delivered { dev, packet, owner }
            }
            None => {
                let id = d.id.clone();
                Self::hop(
                    t,
                    leg,
                    &id,
                    "socket",
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
    fn route_and_send(
        &mut self,
        dev: NodeIndex,
        packet: Packet,
        leg: Leg,
        forwarding: bool,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let Some(route) = d.routes.lookup(packet.dst_ip()).cloned() else {
            Self::hop(
                t,
                leg,
                &d.id,
                "routing",
                Say::RouteMissing,
                packet,
                packet,
                no_route(&d.id, packet.dst_ip()),
            );
            return Step::End(End::Dropped(no_route(&d.id, packet.dst_ip())));
        };
        Self::hop(
            t,
            leg,
            &d.id,
            "routing",
            route.to_string(),
            packet,
            packet,
            Say::routes(d.id.clone(), forwarding, &route),
        );
        self.transmit(dev, &route, packet, leg, chooser, t)
    }

    /// Puts a packet on the wire of `route.dev` towards its next hop.
    fn transmit(
        &mut self,
        dev: NodeIndex,
        route: &super::route::Route,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
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
            Self::hop(
                t,
                leg,
                &d.id,
                &format!("{} out", route.dev),
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
        Self::hop(
            t,
            leg,
            &d.id,
            &format!("{} out", route.dev),
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
                return self.bridged(node.clone(), next, iface, packet, leg, chooser, t);
            }
        }
        Step::Arrive {
            dev: next,
            iface,
            packet,
        }
    }

    fn ct_state_of(lookup: Lookup, packet: &Packet) -> CtState {
        match lookup {
            Lookup::New => CtState::New,
            Lookup::Invalid => CtState::Invalid,
            Lookup::Known(..) => {
                let _ = packet;
                CtState::Established
            }
        }
    }

    /// Runs one hook of a node; records the hop; returns the result.
    #[allow(clippy::too_many_arguments)]
    fn hook(
        &mut self,
        node: &str,
        dev_id: &str,
        hook: Hook,
        packet: Packet,
        ct_state: CtState,
        ct_nat: CtNat,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> netfilter::HookResult {
        let local = self
            .topology
            .device_by_id(dev_id)
            .map(|d| d.local_addrs())
            .unwrap_or_default();
        let now = self.now;
        // Built on first use; borrowed (not copied) beside the recent lists.
        self.ruleset(node);
        static EMPTY: std::sync::OnceLock<Arc<IndexedRuleset>> = std::sync::OnceLock::new();
        let state = self.state(node);
        let ruleset = Arc::clone(
            state
                .ruleset
                .as_ref()
                .unwrap_or_else(|| EMPTY.get_or_init(|| Arc::new(IndexedRuleset::default()))),
        );
        let mut ctx = Ctx::new(&local, ct_state, now);
        ctx.ct_nat = ct_nat;
        let recent = &mut state.recent;
        let r = netfilter::run_hook_indexed(&ruleset, hook, &packet, &ctx, recent, chooser);
        t.rules_evaluated += r.rules_evaluated;
        let (decided, decision_say) = match r.hits.last() {
            Some(h) => (h.rule.clone(), None),
            None => (Say::NoRules.en(), Some(Say::NoRules)),
        };
        let say = match (&r.verdict, &r.nat) {
            (netfilter::Verdict::Drop, _) => Say::NetfilterDrops,
            (netfilter::Verdict::Reject, _) => Say::NetfilterRejects,
            (_, Some(n)) => Say::NatChooses { action: *n },
            _ if ct_state != CtState::New
                && matches!(hook, Hook::Prerouting | Hook::Output | Hook::Postrouting) =>
            {
                Say::NatSkipped {
                    hook: hook_name(hook),
                    state: ct_state.as_str(),
                }
            }
            _ => Say::HookPasses {
                hook: hook_name(hook),
            },
        };
        t.hops.push(Hop {
            leg,
            device: dev_id.to_string(),
            at: hook_name(hook).to_string(),
            decision: decided,
            decision_say,
            rules: r.hits.iter().map(RuleRef::from).collect(),
            before: packet,
            after: r.packet,
            note: say.en(),
            say,
        });
        r
    }

    /// Conntrack's verdict on a packet at `node`, with a copy of the
    /// connection's entry when it is known (not of the whole table).
    fn ct_lookup(&mut self, node: &str, packet: &Packet) -> (Lookup, Option<Entry>) {
        let ct = &mut self.state(node).conntrack;
        let lookup = ct.lookup(packet);
        let known = match lookup {
            Lookup::Known(i, _) => ct.entries().get(i).cloned(),
            _ => None,
        };
        (lookup, known)
    }

    /// The NAT a known connection carries (`--ctstate DNAT/SNAT`).
    fn ct_nat_of(known: Option<&Entry>) -> CtNat {
        known.map_or_else(CtNat::default, |e| CtNat {
            dnat: e.is_dnat(),
            snat: e.is_snat(),
        })
    }

    /// Conntrack's translation of a known packet at a hook.
    fn ct_translate(
        known: Option<&Entry>,
        lookup: Lookup,
        packet: &mut Packet,
        dst_side: bool,
    ) -> Option<Say> {
        let (Lookup::Known(_, dir), Some(e)) = (lookup, known) else {
            return None;
        };
        if dst_side {
            let to = e.dst_for(dir);
            if to != packet.dst {
                packet.dst = to;
                return Some(Say::CtRewrites {
                    dst_side,
                    to,
                    dir: dir.name(),
                    entry: e.to_string(),
                });
            }
        } else {
            let to = e.src_for(dir);
            if to != packet.src {
                packet.src = to;
                return Some(Say::CtRewrites {
                    dst_side,
                    to,
                    dir: dir.name(),
                    entry: e.to_string(),
                });
            }
        }
        None
    }

    fn node_name(&self, dev: NodeIndex) -> String {
        match &self.topology.device(dev).kind {
            DeviceKind::Node { name } => name.clone(),
            _ => unreachable!("node_name of a non-node"),
        }
    }

    /// PREROUTING half, shared by received and bridged packets: conntrack
    /// lookup, the hook, the destination translation. Returns the packet
    /// and the connection's state, or the end.
    fn prerouting(
        &mut self,
        node: &str,
        dev_id: &str,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Result<(Packet, Lookup, Option<Entry>, CtNat), End> {
        let (lookup, known) = self.ct_lookup(node, &packet);
        let state = Self::ct_state_of(lookup, &packet);
        let ct_nat = Self::ct_nat_of(known.as_ref());
        let r = self.hook(
            node,
            dev_id,
            Hook::Prerouting,
            packet,
            state,
            ct_nat,
            leg,
            chooser,
            t,
        );
        if let Some(end) = stopped(node, Hook::Prerouting, &r) {
            return Err(end);
        }
        let (p, pending) = Self::dst_nat(t, leg, dev_id, &packet, lookup, known.as_ref(), &r);
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
    #[allow(clippy::too_many_arguments)]
    fn dst_nat(
        t: &mut Trace,
        leg: Leg,
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
                Self::rewrite_last(t, p);
            }
            return (p, Some(e));
        }
        if let Some(say) = Self::ct_translate(known, lookup, &mut p, true) {
            Self::hop(t, leg, dev_id, "conntrack", say.clone(), r.packet, p, say);
        }
        (p, None)
    }

    /// A packet passing through a node (routed or bridged): FORWARD, then
    /// the POSTROUTING half.
    #[allow(clippy::too_many_arguments)]
    fn forward(
        &mut self,
        node: &str,
        dev_id: &str,
        out_iface: &str,
        packet: Packet,
        state: CtState,
        ct_nat: CtNat,
        lookup: Lookup,
        pending: Option<Entry>,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Result<Packet, End> {
        let r = self.hook(
            node,
            dev_id,
            Hook::Forward,
            packet,
            state,
            ct_nat,
            leg,
            chooser,
            t,
        );
        if let Some(end) = stopped(node, Hook::Forward, &r) {
            return Err(end);
        }
        self.postrouting(
            node, dev_id, out_iface, r.packet, lookup, pending, leg, chooser, t,
        )
    }

    /// POSTROUTING half: the hook, source NAT, conntrack confirmation.
    #[allow(clippy::too_many_arguments)]
    fn postrouting(
        &mut self,
        node: &str,
        dev_id: &str,
        out_iface: &str,
        packet: Packet,
        lookup: Lookup,
        pending: Option<Entry>,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Result<Packet, End> {
        // The connection's entry (a copy of the one entry, not the table).
        let known = match lookup {
            Lookup::Known(i, _) => self.state(node).conntrack.entries().get(i).cloned(),
            _ => None,
        };
        let state = Self::ct_state_of(lookup, &packet);
        let ct_nat = match (&pending, lookup) {
            (Some(e), _) => CtNat {
                dnat: e.is_dnat(),
                snat: false,
            },
            (None, Lookup::Known(..)) => Self::ct_nat_of(known.as_ref()),
            _ => CtNat::default(),
        };
        let r = self.hook(
            node,
            dev_id,
            Hook::Postrouting,
            packet,
            state,
            ct_nat,
            leg,
            chooser,
            t,
        );
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
                Self::rewrite_last(t, p);
            }
            let ct = &mut self.state(node).conntrack;
            let i = ct.confirm(e);
            let text = ct.entries()[i].to_string();
            Self::hop(
                t,
                leg,
                dev_id,
                "conntrack",
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
            Self::hop(t, leg, dev_id, "conntrack", say.clone(), r.packet, p, say);
        }
        if let Lookup::Known(i, Direction::Reply) = lookup {
            if let Some(n) = self.nodes.get_mut(node) {
                n.conntrack.reply_seen(i, &p);
            }
        }
        Ok(p)
    }

    /// A node receives a packet on `iface`.
    fn node_input(
        &mut self,
        dev: NodeIndex,
        _iface: &str,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let node = self.node_name(dev);
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let (p, lookup, pending, ct_nat) =
            match self.prerouting(&node, &d.id, packet, leg, chooser, t) {
                Ok(v) => v,
                Err(end) => return Step::End(end),
            };
        if d.owns(p.dst_ip()) {
            Self::hop(
                t,
                leg,
                &d.id,
                "routing",
                format!("local {} dev lo table local", p.dst_ip()),
                p,
                p,
                Say::OwnAddress {
                    ip: p.dst_ip(),
                    node: node.clone(),
                },
            );
            let state = Self::ct_state_of(lookup, &packet);
            let r = self.hook(&node, &d.id, Hook::Input, p, state, ct_nat, leg, chooser, t);
            if let Some(end) = stopped(&node, Hook::Input, &r) {
                return Step::End(end);
            }
            let mut p = r.packet;
            if let Some(e) = pending {
                self.state(&node).conntrack.confirm(e);
            } else if let Lookup::Known(i, dir) = lookup {
                let ct = &mut self.state(&node).conntrack;
                p.src = ct.entries()[i].src_for(dir);
                if dir == Direction::Reply {
                    ct.reply_seen(i, &p);
                }
            }
            return Step::End(self.local_delivery(dev, p, leg, t));
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
        Self::hop(
            t,
            leg,
            &d.id,
            "routing",
            route.to_string(),
            p,
            p,
            Say::routes(node.clone(), true, &route),
        );
        let state = Self::ct_state_of(lookup, &packet);
        let p = match self.forward(
            &node, &d.id, &route.dev, p, state, ct_nat, lookup, pending, leg, chooser, t,
        ) {
            Ok(p) => p,
            Err(end) => return Step::End(end),
        };
        self.transmit(dev, &route, p, leg, chooser, t)
    }

    /// A node sends a packet of its own (OUTPUT path).
    fn node_output(
        &mut self,
        dev: NodeIndex,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let node = self.node_name(dev);
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        Self::hop(
            t,
            leg,
            &d.id,
            "socket",
            format!("connect {}", packet.dst),
            packet,
            packet,
            sends(&d.id, &packet),
        );
        let (lookup, known) = self.ct_lookup(&node, &packet);
        let state = Self::ct_state_of(lookup, &packet);
        let ct_nat = Self::ct_nat_of(known.as_ref());
        let r = self.hook(
            &node,
            &d.id,
            Hook::Output,
            packet,
            state,
            ct_nat,
            leg,
            chooser,
            t,
        );
        if let Some(end) = stopped(&node, Hook::Output, &r) {
            return Step::End(end);
        }
        let (mut p, pending) = Self::dst_nat(t, leg, &d.id, &packet, lookup, known.as_ref(), &r);
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
            Self::hop(
                t,
                leg,
                &d.id,
                "routing",
                format!("local {} dev lo table local", p.dst_ip()),
                p,
                p,
                Say::ForThisHost,
            );
            return Step::End(self.local_delivery(dev, p, leg, t));
        }
        let Some(route) = d.routes.lookup(p.dst_ip()).cloned() else {
            return Step::End(End::Dropped(no_route(&d.id, p.dst_ip())));
        };
        // The source address a local socket gets: the route's, or the
        // outgoing interface's.
        if packet.src.ip().is_unspecified() {
            let src = route
                .src
                .or_else(|| d.source_addr(&route.dev))
                .unwrap_or(Ipv4Addr::UNSPECIFIED);
            p.src = SocketAddrV4::new(src, p.src.port());
        }
        Self::hop(
            t,
            leg,
            &d.id,
            "routing",
            route.to_string(),
            p,
            p,
            Say::routes(node.clone(), false, &route),
        );
        let p = match self.postrouting(
            &node, &d.id, &route.dev, p, lookup, pending, leg, chooser, t,
        ) {
            Ok(p) => p,
            Err(end) => return Step::End(end),
        };
        self.transmit(dev, &route, p, leg, chooser, t)
    }

    /// A packet bridged by a node's cbr0 from one pod to another.
    #[allow(clippy::too_many_arguments)]
    fn bridged(
        &mut self,
        node: String,
        next: NodeIndex,
        iface: String,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let dev_id = format!("node/{node}");
        Self::hop(
            t,
            leg,
            &dev_id,
            "cbr0 bridge",
            "bridge-nf-call-iptables=1".to_string(),
            packet,
            packet,
            Say::Bridges { node: node.clone() },
        );
        let (p, lookup, pending, ct_nat) =
            match self.prerouting(&node, &dev_id, packet, leg, chooser, t) {
                Ok(v) => v,
                Err(end) => return Step::End(end),
            };
        let state = Self::ct_state_of(lookup, &packet);
        let p = match self.forward(
            &node, &dev_id, "cbr0", p, state, ct_nat, lookup, pending, leg, chooser, t,
        ) {
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
            return self.transmit(dev, &route, p, leg, chooser, t);
        }
        Step::Arrive {
            dev: next,
            iface,
            packet: p,
        }
    }

    /// A cloud load balancer: the request is spread over the healthy nodes
    /// (pass-through keeps the LB IP as destination; node-port style
    /// rewrites to nodeIP:nodePort from the LB's own address); its answer
    /// is translated back.
    fn load_balancer(
        &mut self,
        dev: NodeIndex,
        service: String,
        packet: Packet,
        leg: Leg,
        chooser: &mut dyn Chooser,
        t: &mut Trace,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let style = self.scenario.cluster.load_balancer_style;
        let flows = self.flows(&service);
        // An answer from a node (node-port style) for a known flow.
        if let Some(f) = flows
            .iter()
            .find(|f| f.backend.reversed() == Tuple::of(&packet))
            .cloned()
        {
            let mut p = packet;
            p.src = f.client.dst;
            p.dst = f.client.src;
            Self::hop(
                t,
                leg,
                &d.id,
                "load balancer",
                format!("flow {} <- {}", f.client.src, f.backend.dst),
                packet,
                p,
                Say::LbTranslatesBack { lb: d.id.clone() },
            );
            return self.route_and_send(dev, p, leg, true, chooser, t);
        }
        let (ns, name) = service.split_once('/').unwrap_or(("default", &service));
        let Some(svc) = self.scenario.service(ns, name).cloned() else {
            return Step::End(End::Dropped(Say::LbServiceGone { lb: d.id.clone() }));
        };
        let Some(port) = svc
            .ports
            .iter()
            .find(|p| p.port == packet.dst.port() && p.protocol == packet.proto)
            .cloned()
        else {
            return Step::End(End::Dropped(Say::LbNoListener {
                lb: d.id.clone(),
                port: packet.dst.port(),
                proto: packet.proto,
            }));
        };
        if !svc.load_balancer_source_ranges.is_empty()
            && !svc
                .load_balancer_source_ranges
                .iter()
                .any(|r| r.contains(&packet.src_ip()))
        {
            // The cloud's firewall (kube-proxy's KUBE-FW is the backstop).
            return Step::End(End::Dropped(Say::LbSourceRanges {
                lb: d.id.clone(),
                ranges: svc
                    .load_balancer_source_ranges
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            }));
        }
        let pool = self.lb_pool(&svc);
        if pool.is_empty() {
            return Step::End(End::Dropped(Say::LbNoHealthy { lb: d.id.clone() }));
        }
        // A uniform pick, as a ladder of 1/(n-i) choices.
        let n = pool.len();
        let mut pick = n - 1;
        for i in 0..n - 1 {
            if chooser.statistic(&crate::kube_proxy::ruleset::Probability::one_in(
                (n - i) as u32,
            )) {
                pick = i;
                break;
            }
        }
        let (node_name, node_ip) = pool[pick].clone();
        let mut p = packet;
        let say = match style {
            LoadBalancerStyle::PassThrough => Say::LbPassThrough {
                lb: d.id.clone(),
                node: node_name.clone(),
                ip: node_ip,
            },
            LoadBalancerStyle::NodePort => {
                let Some(np) = port.node_port else {
                    return Step::End(End::Dropped(Say::LbNeedsNodePort {
                        lb: d.id.clone(),
                        port: port.port,
                    }));
                };
                let lb_addr = self
                    .topology
                    .lb_vpc_addrs
                    .get(&service)
                    .copied()
                    .unwrap_or(Ipv4Addr::UNSPECIFIED);
                p.src = SocketAddrV4::new(lb_addr, packet.src.port());
                p.dst = SocketAddrV4::new(node_ip, np);
                Say::LbNodePort {
                    lb: d.id.clone(),
                    node: node_name.clone(),
                    ip: node_ip,
                    port: np,
                    from: lb_addr,
                }
            }
        };
        self.flows(&service).push(LbFlow {
            client: Tuple::of(&packet),
            backend: Tuple::of(&p),
        });
        Self::hop(
            t,
            leg,
            &d.id,
            "load balancer",
            Say::Backend {
                node: node_name.clone(),
                healthy: n,
            },
            packet,
            p,
            say,
        );
        let segment = self.topology.segment_of(dev, "eth0").expect("lb on vpc");
        match self.topology.neighbour(segment, node_ip) {
            Some((next, iface)) => Step::Arrive {
                dev: next,
                iface,
                packet: p,
            },
            None => Step::End(End::Dropped(Say::NoAnswer { ip: node_ip })),
        }
    }

    /// The nodes a load balancer's health checks pass: Ready nodes; with
    /// externalTrafficPolicy Local only those with a ready local endpoint
    /// (kube-proxy's health check node port answers 200 there, else 503).
    fn lb_pool(&self, svc: &crate::model::Service) -> Vec<(String, Ipv4Addr)> {
        let local_only = svc.external_traffic_policy == TrafficPolicy::Local;
        // Nodes with a ready endpoint (one pass over the slices).
        let with_ready: crate::hash::HashSet<&str> = if local_only {
            self.scenario
                .slices_of(svc)
                .flat_map(|s| &s.endpoints)
                .filter(|e| e.ready)
                .filter_map(|e| e.node_name.as_deref())
                .collect()
        } else {
            Default::default()
        };
        self.scenario
            .nodes
            .iter()
            .filter(|n| n.ready)
            .filter(|n| !local_only || with_ready.contains(n.name.as_str()))
            .map(|n| (n.name.clone(), n.internal_ip))
            .collect()
    }
}

fn hook_name(h: Hook) -> &'static str {
    match h {
        Hook::Prerouting => "PREROUTING",
        Hook::Input => "INPUT",
        Hook::Forward => "FORWARD",
        Hook::Output => "OUTPUT",
        Hook::Postrouting => "POSTROUTING",
    }
}

/// How a hook's DROP or REJECT ends the packet's way (`None`: accepted).
fn stopped(node: &str, hook: Hook, r: &netfilter::HookResult) -> Option<End> {
    match r.verdict {
        netfilter::Verdict::Accept => None,
        netfilter::Verdict::Drop => Some(End::Dropped(drop_reason(node, hook, &r.hits))),
        netfilter::Verdict::Reject => Some(End::Rejected(drop_reason(node, hook, &r.hits))),
    }
}

fn drop_reason(node: &str, hook: Hook, hits: &[RuleHit]) -> Say {
    match hits.last() {
        Some(h) => {
            let why = h.rule.split("--comment ").nth(1).map(|c| {
                let c = c.trim_start_matches('"');
                c.split('"')
                    .next()
                    .unwrap_or(c)
                    .split(" -")
                    .next()
                    .unwrap_or(c)
                    .to_string()
            });
            Say::RuleStops(Box::new(RuleStop {
                node: node.to_string(),
                effect: h.effect.clone(),
                hook: hook_name(hook),
                table: h.table.as_str(),
                chain: h.chain.clone(),
                rule: h.rule.clone(),
                why,
            }))
        }
        None => Say::HookDrops {
            node: node.to_string(),
            hook: hook_name(hook),
        },
    }
}

/// A device sends a packet it made.
fn sends(who: &str, p: &Packet) -> Say {
    Say::Sends {
        who: who.to_string(),
        proto: p.proto,
        flags: p.flags,
        dst: p.dst,
    }
}

fn no_route(who: &str, to: Ipv4Addr) -> Say {
    Say::NoRoute {
        who: who.to_string(),
        to,
    }
}
