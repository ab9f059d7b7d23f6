//! The trace's sentences as data: one [`Say`] variant per sentence
//! template, holding what the sentence names (devices, addresses, rules),
//! rendered in English ([`Say::en`], the text the CLI prints and the JSON
//! carries) or Korean ([`Say::ko`]). The engine builds a `Say` where it
//! decides the step, beside the code that moves the packet.
//!
//! Addresses, device ids, chain names, rule text and tool output stay as
//! the tools print them in both languages. The Korean avoids particles
//! whose form depends on the word before (이/가, 을/를, 로/으로) after
//! such names, so every sentence reads correctly for any name.

use super::topology::{Route, RouteOrigin};
use crate::lang::Lang;
use crate::linux::netfilter::{Backend, Effect, NatAction};
use crate::linux::packet::{Icmp, TcpFlags};
use crate::linux::route::RouteKind;
use crate::model::Protocol;
use std::net::{Ipv4Addr, SocketAddrV4};

/// One sentence of a trace: a hop's note, a failure's reason, or a hop's
/// `decision` line where it is prose rather than tool output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Say {
    // Hops.
    /// `pod/client sends a TCP SYN to 10.3.241.152:80`.
    Sends {
        who: String,
        proto: Protocol,
        flags: Option<TcpFlags>,
        dst: SocketAddrV4,
    },
    /// A device receives the packet on an interface.
    Receives { who: String, iface: String },
    /// The client's socket gets the answer.
    GetsAnswer { who: String, from: SocketAddrV4 },
    /// A listening socket accepts the connection.
    Accepts { who: String, from: SocketAddrV4 },
    /// No socket for the port (the hop; [`Say::Refused`] is the reason).
    NoListener { port: u16, at: String },
    /// `pod/client sends an ICMP echo request (ping) to 10.0.2.2`.
    SendsIcmp {
        who: String,
        kind: Icmp,
        to: Ipv4Addr,
    },
    /// A device's kernel answers a ping to one of its addresses itself
    /// (no socket needed).
    AnswersEcho { who: String },
    /// The pinging client gets the echo reply (`64 bytes from ...`).
    GetsEchoReply { who: String, from: Ipv4Addr },
    /// No route: a hop's note and a reason.
    NoRoute { who: String, to: Ipv4Addr },
    /// A routing decision: `forwarding` a packet passing through, else one
    /// the device sends itself; `origin` is the route's.
    Routes {
        who: String,
        forwarding: bool,
        origin: RouteOrigin,
    },
    /// The route that matched sends the packet nowhere (`unreachable`, or
    /// a static route through a node that is gone): the device drops it.
    RouteDrops { who: String, origin: RouteOrigin },
    /// Nobody on the segment answers ARP for the next hop.
    NoArpAnswer {
        who: String,
        dev: String,
        next_hop: Ipv4Addr,
    },
    /// Onto the wire towards the next device.
    SendsTo { who: String, to: String },
    /// A hook's DROP.
    NetfilterDrops,
    /// A hook's REJECT.
    NetfilterRejects,
    /// The nat table's choice (`chain`: the nft nat chain that chose,
    /// `None` for iptables' nat table).
    NatChooses {
        action: NatAction,
        chain: Option<String>,
    },
    /// A packet of a known connection skips the nat table (`nft`: the nat
    /// chains of nftables).
    NatSkipped {
        hook: &'static str,
        state: &'static str,
        nft: bool,
    },
    /// A hook accepts the packet.
    HookPasses { hook: &'static str },
    /// Conntrack translates a known connection's packet: the destination
    /// (`dst_side`) or the source, to `to`, by the `dir` direction of
    /// `entry` (as `conntrack -L` prints it).
    CtRewrites {
        dst_side: bool,
        to: SocketAddrV4,
        dir: &'static str,
        entry: String,
    },
    /// A new conntrack entry is confirmed.
    CtTracks { node: String },
    /// A received packet for one of the node's addresses.
    OwnAddress { ip: Ipv4Addr, node: String },
    /// A node's own packet for itself.
    ForThisHost,
    /// Two pods of one node across its bridge.
    Bridges { node: String, nft: bool },
    /// A load balancer translates an answer back.
    LbTranslatesBack { lb: String },
    /// A pass-through load balancer picks a node.
    LbPassThrough {
        lb: String,
        node: String,
        ip: Ipv4Addr,
    },
    /// A node-port style load balancer proxies to a node's NodePort.
    LbNodePort {
        lb: String,
        node: String,
        ip: Ipv4Addr,
        port: u16,
        from: Ipv4Addr,
    },

    // Reasons.
    /// A ping to a ClusterIP got no echo reply: no device owns the
    /// address and kube-proxy rewrites only its Service's ports; `why` is
    /// how the packet ended (routed away and lost, or, `rejected`, refused
    /// by kube-proxy's nftables `cluster-ips-check`).
    PingClusterIp {
        ip: Ipv4Addr,
        rejected: bool,
        why: Box<Say>,
    },
    /// A load balancer forwards only its Service's ports: a ping ends there.
    LbNoIcmp { lb: String },
    /// A load balancer of a deleted Service.
    LbServiceGone { lb: String },
    /// A load balancer without the port.
    LbNoListener {
        lb: String,
        port: u16,
        proto: Protocol,
    },
    /// `loadBalancerSourceRanges` leave the client out.
    LbSourceRanges { lb: String, ranges: Vec<String> },
    /// No node passes the load balancer's health checks.
    LbNoHealthy { lb: String },
    /// A node-port style load balancer for a port without a NodePort.
    LbNeedsNodePort { lb: String, port: u16 },
    /// The chosen node is not on the segment.
    NoAnswer { ip: Ipv4Addr },
    /// A rule ended the packet (boxed: the largest sentence).
    RuleStops(Box<RuleStop>),
    /// A hook dropped it without a rule to show.
    HookDrops { node: String, hook: &'static str },
    /// The walk took too many steps.
    GaveUp { steps: usize },
    /// A load balancer as a source.
    LbNoConnect,
    /// A device that is not the destination and does not forward.
    NotForwarding { who: String, ip: Ipv4Addr },
    /// TTL ran out; `routing_loop`: say that a loop is likely.
    TtlExpired { at: String, routing_loop: bool },
    /// A route to a node that was removed.
    RouteToGoneNode {
        who: String,
        dest: String,
        node: String,
    },
    /// An `unreachable` route (`route` as `ip route` prints it).
    Unreachable {
        who: String,
        to: Ipv4Addr,
        route: String,
        origin: RouteOrigin,
    },
    /// A route out of an interface the device lacks.
    NoInterface { who: String, dev: String },
    /// The next hop does not answer ARP (the reason).
    NextHopGone {
        who: String,
        dev: String,
        next_hop: Ipv4Addr,
    },
    /// Nothing listens: TCP is reset, UDP gets ICMP port unreachable.
    Refused {
        port: u16,
        proto: Protocol,
        at: String,
    },
    /// The answer reached another device.
    AnswerElsewhere { at: String, client: String },
    /// The answer comes from an address the client did not send to.
    AnswerWrongSource {
        from: SocketAddrV4,
        sent_to: SocketAddrV4,
    },
    /// The answer was refused on its way back.
    AnswerRefused,
    /// The answer was lost, and why.
    AnswerLost(Box<Say>),

    // Hops' decision lines (the rest of them are tool output).
    /// `arrives on eth0`.
    ArrivesOn { iface: String },
    /// A reply at the client's socket.
    ClientConnection,
    /// `listening on 80/tcp (kubelet)`.
    Listening {
        port: u16,
        proto: Protocol,
        owner: String,
    },
    /// `no socket on 80/tcp`.
    NoSocket { port: u16, proto: Protocol },
    /// No route matched.
    RouteMissing,
    /// `ARP who-has 10.100.0.3: no answer`.
    ArpNoAnswer { next_hop: Ipv4Addr },
    /// `next hop 10.100.0.1`.
    NextHop { next_hop: Ipv4Addr },
    /// A confirmed conntrack entry, as `conntrack -L` prints it.
    NewEntry { entry: String },
    /// A load balancer's choice among its healthy nodes.
    Backend { node: String, healthy: usize },
    /// A hook without a matching rule.
    NoRules,
    /// An echo request at the device it is for: the kernel answers it.
    KernelEcho,
}

/// A DROP or REJECT rule (or a chain's DROP policy) that ended a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleStop {
    pub node: String,
    /// What the rule did: DROP, REJECT, a DROP policy.
    pub effect: Effect,
    pub hook: &'static str,
    /// `filter` (iptables), `ip kube-proxy` (nftables).
    pub table: String,
    pub backend: Backend,
    pub chain: String,
    /// `-A CHAIN ...` / `add rule ...`.
    pub rule: String,
    /// The nft map element that decided (`KEY : VERDICT`).
    pub element: Option<String>,
    /// The rule's `--comment` (or, nft, the element's or the rule's comment).
    pub why: Option<String>,
}

impl Say {
    /// A routing step by `who` on `route`: it routes or forwards the
    /// packet, or, when the route sends it nowhere (`unreachable`, a node
    /// that is gone), drops it.
    pub fn routes(who: String, forwarding: bool, route: &Route) -> Say {
        match route.kind {
            RouteKind::Unreachable | RouteKind::ViaMissingNode(_) => Say::RouteDrops {
                who,
                origin: route.origin,
            },
            RouteKind::Link | RouteKind::Via(_) => Say::Routes {
                who,
                forwarding,
                origin: route.origin,
            },
        }
    }

    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Ko => self.ko(),
        }
    }

    /// The sentence in English (the CLI's and the JSON's text).
    pub fn en(&self) -> String {
        match self {
            Say::Sends {
                who,
                proto,
                flags,
                dst,
            } => match flags {
                Some(TcpFlags::Syn) => format!("{who} sends a TCP SYN to {dst}"),
                Some(TcpFlags::SynAck) => format!("{who} sends a TCP SYN-ACK to {dst}"),
                Some(TcpFlags::Rst) => format!("{who} sends a TCP RST to {dst}"),
                None => format!("{who} sends a {} datagram to {dst}", proto.as_k8s()),
            },
            Say::SendsIcmp { who, kind, to } => match kind {
                Icmp::EchoRequest => format!("{who} sends an ICMP echo request (ping) to {to}"),
                Icmp::EchoReply => format!("{who} sends an ICMP echo reply to {to}"),
            },
            Say::AnswersEcho { who } => format!(
                "{who}'s kernel answers the ping itself: an echo request needs no listening socket"
            ),
            Say::GetsEchoReply { who, from } => {
                format!("{who} gets the echo reply from {from}: the ping is answered")
            }
            Say::Receives { who, iface } => format!("{who} receives it on {iface}"),
            Say::GetsAnswer { who, from } => format!("{who} gets the answer from {from}"),
            Say::Accepts { who, from } => format!("{who} accepts the connection from {from}"),
            Say::NoListener { port, at } => format!("nothing listens on port {port} at {at}"),
            Say::NoRoute { who, to } => format!("{who} has no route to {to}"),
            Say::Routes {
                who,
                forwarding,
                origin,
            } => {
                let verb = if *forwarding {
                    "forwards it"
                } else {
                    "routes it"
                };
                format!("{who} {verb} ({})", origin.en())
            }
            Say::RouteDrops { who, origin } => {
                format!("{who} drops it: its route leads nowhere ({})", origin.en())
            }
            Say::NoArpAnswer { who, dev, next_hop } => {
                format!("nobody on {who}'s {dev} answers for {next_hop}")
            }
            Say::SendsTo { who, to } => format!("{who} sends it to {to}"),
            Say::NetfilterDrops => "netfilter drops it".into(),
            Say::NetfilterRejects => "netfilter rejects it".into(),
            Say::NatChooses {
                action,
                chain: None,
            } => format!("the nat table chooses {action}"),
            Say::NatChooses {
                action,
                chain: Some(c),
            } => format!(
                "the nftables nat chain {c} chooses {}",
                Effect::Nat(*action).text(Backend::Nftables)
            ),
            Say::NatSkipped {
                hook,
                state,
                nft: false,
            } => {
                format!("{hook} (state {state}): the nat table is skipped")
            }
            Say::NatSkipped {
                hook,
                state,
                nft: true,
            } => {
                format!("{hook} (state {state}): the nftables nat chains are skipped")
            }
            Say::HookPasses { hook } => format!("{hook} lets it through"),
            Say::CtRewrites {
                dst_side,
                to,
                dir,
                entry,
            } => {
                let side = if *dst_side { "destination" } else { "source" };
                format!("conntrack rewrites the {side} to {to} ({dir} direction of {entry})")
            }
            Say::CtTracks { node } => format!("{node} tracks the new connection"),
            Say::OwnAddress { ip, node } => {
                format!("{ip} is one of {node}'s own addresses: the packet is for this host")
            }
            Say::ForThisHost => "the packet is for this host itself".into(),
            Say::Bridges { node, nft: false } => format!(
                "{node}'s cbr0 bridges it between two pods; br_netfilter runs {node}'s iptables on it"
            ),
            Say::Bridges { node, nft: true } => format!(
                "{node}'s cbr0 bridges it between two pods; br_netfilter runs {node}'s nftables hooks on it"
            ),
            Say::LbTranslatesBack { lb } => {
                format!("{lb} translates the answer back for the client")
            }
            Say::LbPassThrough { lb, node, ip } => {
                format!("{lb} passes it through to {node} ({ip}), destination kept")
            }
            Say::LbNodePort {
                lb,
                node,
                ip,
                port,
                from,
            } => format!("{lb} proxies it to {node}'s NodePort {ip}:{port} from its own address {from}"),
            Say::PingClusterIp {
                ip,
                rejected: false,
                why,
            } => format!(
                "no answer: {ip} is a ClusterIP, a virtual address that no device owns; kube-proxy rewrites only its Service's TCP/UDP/SCTP ports, so the ping is routed on like any other packet and lost: {}",
                why.en()
            ),
            Say::PingClusterIp {
                ip,
                rejected: true,
                why,
            } => format!(
                "no echo reply: {ip} is a ClusterIP, a virtual address that no device owns; kube-proxy's nftables rules rewrite only its Service's TCP/UDP/SCTP ports and reject everything else sent to it (ping prints Destination Port Unreachable): {}",
                why.en()
            ),
            Say::LbNoIcmp { lb } => format!(
                "{lb} forwards only its Service's ports: nothing answers the ping"
            ),
            Say::LbServiceGone { lb } => format!("{lb} belongs to a Service that is gone"),
            Say::LbNoListener { lb, port, proto } => {
                format!("{lb} has no listener for {port}/{}", proto.as_lower())
            }
            Say::LbSourceRanges { lb, ranges } => {
                format!("{lb} only admits clients in {}", quoted_list(ranges))
            }
            Say::LbNoHealthy { lb } => format!("{lb} has no healthy node in its backend pool"),
            Say::LbNeedsNodePort { lb, port } => format!("{lb} needs a NodePort for {port}"),
            Say::NoAnswer { ip } => format!("{ip} does not answer"),
            Say::RuleStops(r) if r.backend == Backend::Nftables => format!(
                "{} {} at {} in nftables table {}, chain {}: {}{}{}",
                r.node,
                effect(&r.effect, r.backend, Lang::En),
                r.hook,
                r.table,
                r.chain,
                r.rule,
                element(&r.element, Lang::En),
                comment(&r.why)
            ),
            Say::RuleStops(r) => format!(
                "{} {} at {} in {} {}: {}{}",
                r.node,
                effect(&r.effect, r.backend, Lang::En),
                r.hook,
                r.table,
                r.chain,
                r.rule,
                comment(&r.why)
            ),
            Say::HookDrops { node, hook } => format!("{node} drops it at {hook}"),
            Say::GaveUp { steps } => format!("the trace gave up after {steps} steps"),
            Say::LbNoConnect => "a load balancer does not open connections".into(),
            Say::NotForwarding { who, ip } => {
                format!("{who} is not addressed as {ip} and does not forward packets")
            }
            Say::TtlExpired { at, routing_loop } => {
                let hint = if *routing_loop {
                    " (a routing loop?)"
                } else {
                    ""
                };
                format!("TTL ran out at {at}{hint}")
            }
            Say::RouteToGoneNode { who, dest, node } => format!(
                "{who} routes {dest} to node {node}, which no longer exists: the route points at nothing"
            ),
            Say::Unreachable {
                who,
                to,
                route,
                origin,
            } => format!("{who} has no route to {to}: {route} ({})", origin.en()),
            Say::NoInterface { who, dev } => format!("{who} has no interface {dev}"),
            Say::NextHopGone { who, dev, next_hop } => {
                format!("no host answers for next hop {next_hop} on {who}'s {dev} (is it gone?)")
            }
            Say::Refused { port, proto, at } => {
                let answer = if *proto == Protocol::Tcp {
                    "with a TCP reset (connection refused)"
                } else {
                    "ICMP port unreachable"
                };
                format!(
                    "nothing listens on {port}/{} at {at}: the kernel answers {answer}",
                    proto.as_lower()
                )
            }
            Say::AnswerElsewhere { at, client } => {
                format!("the answer reached {at}, not the client {client}")
            }
            Say::AnswerWrongSource { from, sent_to } => format!(
                "the answer comes from {from}, but the client sent to {sent_to}: it belongs to no connection the client has, so the client resets it (the asymmetric path that masquerading prevents)"
            ),
            Say::AnswerRefused => "the answer was refused on its way back".into(),
            Say::AnswerLost(why) => format!("the answer is lost: {}", why.en()),
            Say::ArrivesOn { iface } => format!("arrives on {iface}"),
            Say::ClientConnection => "the client's connection".into(),
            Say::Listening { port, proto, owner } => {
                format!("listening on {port}/{} ({owner})", proto.as_lower())
            }
            Say::NoSocket { port, proto } => format!("no socket on {port}/{}", proto.as_lower()),
            Say::RouteMissing => "no route".into(),
            Say::ArpNoAnswer { next_hop } => format!("ARP who-has {next_hop}: no answer"),
            Say::NextHop { next_hop } => format!("next hop {next_hop}"),
            Say::NewEntry { entry } => format!("new entry: {entry}"),
            Say::Backend { node, healthy } => format!("backend {node} of {healthy} healthy"),
            Say::NoRules => "no rules".into(),
            Say::KernelEcho => "icmp echo: the kernel answers".into(),
        }
    }

    /// The sentence in Korean.
    pub fn ko(&self) -> String {
        match self {
            Say::Sends {
                who,
                proto,
                flags,
                dst,
            } => match flags {
                Some(TcpFlags::Syn) => format!("{who}에서 {dst}에 TCP SYN 패킷을 보냅니다"),
                Some(TcpFlags::SynAck) => {
                    format!("{who}에서 {dst}에 TCP SYN-ACK 패킷을 보냅니다")
                }
                Some(TcpFlags::Rst) => format!("{who}에서 {dst}에 TCP RST 패킷을 보냅니다"),
                None => format!("{who}에서 {dst}에 {} 데이터그램을 보냅니다", proto.as_k8s()),
            },
            Say::SendsIcmp { who, kind, to } => match kind {
                Icmp::EchoRequest => {
                    format!("{who}에서 {to}에 ICMP echo request(ping)를 보냅니다")
                }
                Icmp::EchoReply => format!("{who}에서 {to}에 ICMP echo reply를 보냅니다"),
            },
            Say::AnswersEcho { who } => format!(
                "{who}의 커널이 ping에 직접 응답합니다. echo request에는 대기 중인 소켓이 필요 없습니다"
            ),
            Say::GetsEchoReply { who, from } => {
                format!("{who}에 {from}의 echo reply가 도착합니다. ping이 응답을 받았습니다")
            }
            Say::Receives { who, iface } => format!("{who}의 {iface}에 패킷이 도착합니다"),
            Say::GetsAnswer { who, from } => format!("{who}에 {from}의 응답이 도착합니다"),
            Say::Accepts { who, from } => format!("{who}에서 {from}의 연결을 수락합니다"),
            Say::NoListener { port, at } => {
                format!("{at}에는 포트 {port}에서 대기 중인 소켓이 없습니다")
            }
            Say::NoRoute { who, to } => format!("{who}에는 {to}까지 가는 경로가 없습니다"),
            Say::Routes {
                who,
                forwarding,
                origin,
            } => {
                let verb = if *forwarding {
                    "포워딩합니다"
                } else {
                    "라우팅합니다"
                };
                format!("{who}에서 패킷을 {verb} ({})", origin.ko())
            }
            Say::RouteDrops { who, origin } => format!(
                "{who}에서 패킷을 버립니다: 경로가 갈 곳이 없습니다 ({})",
                origin.ko()
            ),
            Say::NoArpAnswer { who, dev, next_hop } => {
                format!("{who}의 {dev}에서 {next_hop}에 대한 ARP 응답이 없습니다")
            }
            Say::SendsTo { who, to } => format!("{who}에서 {to}에 패킷을 전달합니다"),
            Say::NetfilterDrops => "netfilter가 패킷을 버립니다".into(),
            Say::NetfilterRejects => "netfilter가 패킷을 거부합니다".into(),
            Say::NatChooses {
                action,
                chain: Some(c),
            } => match action {
                NatAction::Dnat(to) => {
                    format!("nftables nat 체인 {c}에서 dnat을 선택합니다. 새 목적지는 {to}입니다")
                }
                NatAction::Snat(to) => {
                    format!("nftables nat 체인 {c}에서 snat을 선택합니다. 새 출발지는 {to}입니다")
                }
                NatAction::Masquerade { random_fully } => format!(
                    "nftables nat 체인 {c}에서 masquerade{}를 선택합니다. 출발지를 나가는 인터페이스의 주소로 바꿉니다",
                    if *random_fully { " fully-random" } else { "" }
                ),
            },
            Say::NatChooses {
                action,
                chain: None,
            } => match action {
                NatAction::Dnat(to) => {
                    format!("nat 테이블이 DNAT을 선택합니다. 새 목적지는 {to}입니다")
                }
                NatAction::Snat(to) => {
                    format!("nat 테이블이 SNAT을 선택합니다. 새 출발지는 {to}입니다")
                }
                NatAction::Masquerade { random_fully } => format!(
                    "nat 테이블이 MASQUERADE{}를 선택합니다. 출발지를 나가는 인터페이스의 주소로 바꿉니다",
                    if *random_fully { " --random-fully" } else { "" }
                ),
            },
            Say::NatSkipped {
                hook,
                state,
                nft: false,
            } => {
                format!("{hook} (상태 {state}): 새 연결이 아니므로 nat 테이블을 건너뜁니다")
            }
            Say::NatSkipped {
                hook,
                state,
                nft: true,
            } => {
                format!("{hook} (상태 {state}): 새 연결이 아니므로 nftables nat 체인을 건너뜁니다")
            }
            Say::HookPasses { hook } => format!("{hook} 훅을 통과합니다"),
            Say::CtRewrites {
                dst_side,
                to,
                dir,
                entry,
            } => {
                let side = if *dst_side { "목적지" } else { "출발지" };
                format!("conntrack이 엔트리의 {dir} 방향에 따라 {side}를 바꿉니다: {to} (엔트리: {entry})")
            }
            Say::CtTracks { node } => format!("{node}의 conntrack에 새 연결을 기록합니다"),
            Say::OwnAddress { ip, node } => {
                format!("{node}의 자기 주소 {ip}에 온 패킷이므로 이 호스트가 받습니다")
            }
            Say::ForThisHost => "이 호스트 자신에게 가는 패킷입니다".into(),
            Say::Bridges { node, nft: false } => format!(
                "{node}의 cbr0 브리지가 두 파드 사이에서 패킷을 전달합니다. br_netfilter 때문에 {node}의 iptables 규칙도 적용됩니다"
            ),
            Say::Bridges { node, nft: true } => format!(
                "{node}의 cbr0 브리지가 두 파드 사이에서 패킷을 전달합니다. br_netfilter 때문에 {node}의 nftables 훅도 적용됩니다"
            ),
            Say::LbTranslatesBack { lb } => {
                format!("{lb}에서 응답의 주소를 클라이언트에 맞게 되돌립니다")
            }
            Say::LbPassThrough { lb, node, ip } => {
                format!("{lb}에서 목적지를 그대로 둔 채 {node} ({ip})에 패킷을 넘깁니다")
            }
            Say::LbNodePort {
                lb,
                node,
                ip,
                port,
                from,
            } => format!(
                "{lb}에서 {node}의 NodePort {ip}:{port}에 패킷을 프록시합니다. 출발지는 로드 밸런서 자신의 주소 {from}입니다"
            ),
            Say::PingClusterIp {
                ip,
                rejected: false,
                why,
            } => format!(
                "응답이 없습니다. {ip}는 ClusterIP, 어떤 장치도 갖고 있지 않은 가상 주소입니다. kube-proxy는 서비스의 TCP/UDP/SCTP 포트만 변환하므로 ping은 다른 패킷처럼 라우팅되어 사라집니다: {}",
                why.ko()
            ),
            Say::PingClusterIp {
                ip,
                rejected: true,
                why,
            } => format!(
                "echo reply가 없습니다. {ip}는 ClusterIP, 어떤 장치도 갖고 있지 않은 가상 주소입니다. kube-proxy의 nftables 규칙은 서비스의 TCP/UDP/SCTP 포트만 변환하고 그 밖에 이 주소로 오는 패킷은 모두 거부합니다 (ping에는 Destination Port Unreachable이 표시됩니다): {}",
                why.ko()
            ),
            Say::LbNoIcmp { lb } => format!(
                "{lb}에서는 서비스의 포트만 전달합니다. ping에 응답하는 곳이 없습니다"
            ),
            Say::LbServiceGone { lb } => format!("{lb}의 서비스가 이미 삭제되었습니다"),
            Say::LbNoListener { lb, port, proto } => {
                format!("{lb}에는 {port}/{} 리스너가 없습니다", proto.as_lower())
            }
            Say::LbSourceRanges { lb, ranges } => format!(
                "{lb}에서는 {}에 속한 클라이언트만 받습니다 (loadBalancerSourceRanges)",
                quoted_list(ranges)
            ),
            Say::LbNoHealthy { lb } => {
                format!("{lb}의 백엔드 풀에 헬스 체크를 통과한 노드가 없습니다")
            }
            Say::LbNeedsNodePort { lb, port } => {
                format!("{lb}에는 포트 {port}에 대한 NodePort가 필요합니다")
            }
            Say::NoAnswer { ip } => format!("{ip}에서 아무도 응답하지 않습니다"),
            Say::RuleStops(r) if r.backend == Backend::Nftables => format!(
                "{}의 {} 훅, nftables 테이블 {}의 {} 체인에서 {}: {}{}{}",
                r.node,
                r.hook,
                r.table,
                r.chain,
                effect(&r.effect, r.backend, Lang::Ko),
                r.rule,
                element(&r.element, Lang::Ko),
                comment(&r.why)
            ),
            Say::RuleStops(r) => format!(
                "{}의 {} 훅, {} 테이블 {} 체인에서 {}: {}{}",
                r.node,
                r.hook,
                r.table,
                r.chain,
                effect(&r.effect, r.backend, Lang::Ko),
                r.rule,
                comment(&r.why)
            ),
            Say::HookDrops { node, hook } => format!("{node}의 {hook} 훅에서 패킷을 버립니다"),
            Say::GaveUp { steps } => format!("{steps}단계를 넘어 추적을 중단했습니다"),
            Say::LbNoConnect => "로드 밸런서는 스스로 연결을 열지 않습니다".into(),
            Say::NotForwarding { who, ip } => {
                format!("{who}에는 {ip} 주소가 없고, 패킷을 포워딩하지도 않습니다")
            }
            Say::TtlExpired { at, routing_loop } => {
                let hint = if *routing_loop {
                    " (라우팅 루프일 수 있습니다)"
                } else {
                    ""
                };
                format!("{at}에서 TTL이 만료되었습니다{hint}")
            }
            Say::RouteToGoneNode { who, dest, node } => format!(
                "{who}의 {dest} 경로가 더 이상 없는 노드 {node}에 걸려 있어 아무 곳도 가리키지 않습니다"
            ),
            Say::Unreachable {
                who,
                to,
                route,
                origin,
            } => format!(
                "{who}에는 {to}까지 가는 경로가 없습니다: {route} ({})",
                origin.ko()
            ),
            Say::NoInterface { who, dev } => format!("{who}에는 {dev} 인터페이스가 없습니다"),
            Say::NextHopGone { who, dev, next_hop } => format!(
                "{who}의 {dev}에서 다음 홉 {next_hop}에 응답하는 호스트가 없습니다 (사라진 호스트일 수 있습니다)"
            ),
            Say::Refused { port, proto, at } => {
                let answer = if *proto == Protocol::Tcp {
                    "TCP RST로 응답합니다 (연결 거부)"
                } else {
                    "ICMP port unreachable 메시지로 응답합니다"
                };
                format!(
                    "{at}에는 {port}/{}에서 대기 중인 소켓이 없습니다: 커널이 {answer}",
                    proto.as_lower()
                )
            }
            Say::AnswerElsewhere { at, client } => {
                format!("응답이 클라이언트({client})가 아닌 {at}에 도착했습니다")
            }
            Say::AnswerWrongSource { from, sent_to } => format!(
                "응답의 출발지는 {from}인데 클라이언트가 보낸 곳은 {sent_to}입니다: 클라이언트의 어떤 연결에도 속하지 않는 패킷이라 클라이언트가 리셋합니다 (마스커레이드가 막아 주는 비대칭 경로)"
            ),
            Say::AnswerRefused => "응답이 돌아오는 길에 거부되었습니다".into(),
            Say::AnswerLost(why) => format!("응답이 유실되었습니다: {}", why.ko()),
            Say::ArrivesOn { iface } => format!("{iface}에 도착"),
            Say::ClientConnection => "클라이언트의 연결".into(),
            Say::Listening { port, proto, owner } => {
                format!("{port}/{}에서 대기 중 ({owner})", proto.as_lower())
            }
            Say::NoSocket { port, proto } => format!("{port}/{}에 소켓 없음", proto.as_lower()),
            Say::RouteMissing => "경로 없음".into(),
            Say::ArpNoAnswer { next_hop } => format!("ARP who-has {next_hop}: 응답 없음"),
            Say::NextHop { next_hop } => format!("다음 홉 {next_hop}"),
            Say::NewEntry { entry } => format!("새 엔트리: {entry}"),
            Say::Backend { node, healthy } => {
                format!("정상 노드 {healthy}개 중 백엔드 {node}")
            }
            Say::NoRules => "일치하는 규칙 없음".into(),
            Say::KernelEcho => "icmp echo: 커널이 응답".into(),
        }
    }
}

/// `["10.0.0.0/8", "192.0.2.0/24"]`: a list as the English reason has
/// always shown it (Rust's debug form), without Debug at runtime.
fn quoted_list(items: &[String]) -> String {
    let mut s = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('"');
        s.push_str(item);
        s.push('"');
    }
    s.push(']');
    s
}

/// A rule's comment, ` (comment)`, or nothing.
/// What a rule did, in `lang`. The tool's keywords (ACCEPT, DROP, DNAT,
/// MARK, ...) stay as iptables prints them.
pub fn effect(e: &Effect, backend: Backend, lang: Lang) -> String {
    match (lang, backend) {
        (Lang::En, _) => e.text(backend),
        (Lang::Ko, Backend::Nftables) => match e {
            Effect::Count => "판정 없음: 계속".into(),
            Effect::Reject => "reject (icmp port-unreachable로 응답)".into(),
            Effect::Jump(c) => format!("{c} 체인으로 jump"),
            Effect::Goto(c) => format!("{c} 체인으로 goto (돌아오지 않음)"),
            Effect::Policy(v) => format!("체인 정책 {}", v.as_str().to_ascii_lowercase()),
            _ => e.text(backend),
        },
        (Lang::Ko, Backend::Iptables) => match e {
            Effect::Count => "타깃 없음: 세기만 하고 계속".into(),
            Effect::Reject => "REJECT (icmp-port-unreachable로 응답)".into(),
            Effect::Jump(c) => format!("{c} 체인으로 점프"),
            Effect::NoSuchChain(c) => format!("{c} 체인으로 점프: 없는 체인이라 무시"),
            Effect::Loop(c) => format!("{c} 체인으로 점프: 체인 순환이라 버림"),
            Effect::Goto(c) => format!("{c} 체인으로 이동 (돌아오지 않음)"),
            Effect::Policy(v) => format!("정책 {}", v.as_str()),
            Effect::Accept
            | Effect::Drop
            | Effect::Return
            | Effect::Mark(_)
            | Effect::MarkSet(_)
            | Effect::Nat(_) => e.to_string(),
        },
    }
}

/// The nft map element that decided, ` [element KEY : VERDICT]`, or nothing.
fn element(e: &Option<String>, lang: Lang) -> String {
    match (e, lang) {
        (Some(e), Lang::En) => format!(" [element {e}]"),
        (Some(e), Lang::Ko) => format!(" [일치한 원소 {e}]"),
        (None, _) => String::new(),
    }
}

fn comment(why: &Option<String>) -> String {
    why.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
}

impl RouteOrigin {
    /// Why the route is there, in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en(),
            Lang::Ko => self.ko(),
        }
    }

    /// In English (the CLI's and the JSON's words).
    pub fn en(self) -> &'static str {
        match self {
            RouteOrigin::Connected => "connected",
            RouteOrigin::PodBridge => "connected (pod bridge)",
            RouteOrigin::PodVeth => "the pod's address, to its veth",
            RouteOrigin::Default => "default",
            RouteOrigin::VpcPrivateRanges => "the VPC's private ranges, through its router",
            RouteOrigin::LoadBalancerPool => "load balancer IPs the cloud announces",
            RouteOrigin::AnnouncedLoadBalancerIp => "a load balancer IP the cloud announces",
            RouteOrigin::ExternalIpToVpc => "an external IP routed to the VPC",
            RouteOrigin::NodePodCidr => "the node's pod CIDR (cloud route)",
            RouteOrigin::StaticRoute => "static Route",
            RouteOrigin::LoadBalancerIp => "load balancer IP",
            RouteOrigin::ExternalIpToNode => "external IP, routed to a node",
            RouteOrigin::NoVpcRoute => "private addresses the VPC has no route for",
            RouteOrigin::Internet => "the internet",
        }
    }

    /// In Korean.
    pub fn ko(self) -> &'static str {
        match self {
            RouteOrigin::Connected => "직접 연결된 네트워크",
            RouteOrigin::PodBridge => "직접 연결된 네트워크, 파드 브리지",
            RouteOrigin::PodVeth => "파드의 주소, 파드의 veth 쪽",
            RouteOrigin::Default => "기본 경로",
            RouteOrigin::VpcPrivateRanges => "VPC 사설 대역, VPC 라우터 경유",
            RouteOrigin::LoadBalancerPool => "클라우드가 알리는 로드 밸런서 IP",
            RouteOrigin::AnnouncedLoadBalancerIp => "클라우드가 알리는 로드 밸런서 IP 하나",
            RouteOrigin::ExternalIpToVpc => "VPC 쪽으로 라우팅되는 외부 IP",
            RouteOrigin::NodePodCidr => "노드의 파드 CIDR, 클라우드 경로",
            RouteOrigin::StaticRoute => "Route 객체의 정적 경로",
            RouteOrigin::LoadBalancerIp => "로드 밸런서 IP",
            RouteOrigin::ExternalIpToNode => "노드 쪽으로 라우팅되는 외부 IP",
            RouteOrigin::NoVpcRoute => "VPC에 경로가 없는 사설 주소",
            RouteOrigin::Internet => "인터넷",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn sa(s: &str) -> SocketAddrV4 {
        s.parse().unwrap()
    }

    /// Which variant `s` is: the match has no wildcard, so a new variant
    /// does not compile until it is numbered here (and then the test below
    /// fails until `samples` has one).
    fn variant(s: &Say) -> usize {
        match s {
            Say::Sends { .. } => 0,
            Say::Receives { .. } => 1,
            Say::GetsAnswer { .. } => 2,
            Say::Accepts { .. } => 3,
            Say::NoListener { .. } => 4,
            Say::NoRoute { .. } => 5,
            Say::Routes { .. } => 6,
            Say::NoArpAnswer { .. } => 7,
            Say::SendsTo { .. } => 8,
            Say::NetfilterDrops => 9,
            Say::NetfilterRejects => 10,
            Say::NatChooses { .. } => 11,
            Say::NatSkipped { .. } => 12,
            Say::HookPasses { .. } => 13,
            Say::CtRewrites { .. } => 14,
            Say::CtTracks { .. } => 15,
            Say::OwnAddress { .. } => 16,
            Say::ForThisHost => 17,
            Say::Bridges { .. } => 18,
            Say::LbTranslatesBack { .. } => 19,
            Say::LbPassThrough { .. } => 20,
            Say::LbNodePort { .. } => 21,
            Say::LbServiceGone { .. } => 22,
            Say::LbNoListener { .. } => 23,
            Say::LbSourceRanges { .. } => 24,
            Say::LbNoHealthy { .. } => 25,
            Say::LbNeedsNodePort { .. } => 26,
            Say::NoAnswer { .. } => 27,
            Say::RuleStops(_) => 28,
            Say::HookDrops { .. } => 29,
            Say::GaveUp { .. } => 30,
            Say::LbNoConnect => 31,
            Say::NotForwarding { .. } => 32,
            Say::TtlExpired { .. } => 33,
            Say::RouteToGoneNode { .. } => 34,
            Say::Unreachable { .. } => 35,
            Say::NoInterface { .. } => 36,
            Say::NextHopGone { .. } => 37,
            Say::Refused { .. } => 38,
            Say::AnswerElsewhere { .. } => 39,
            Say::AnswerWrongSource { .. } => 40,
            Say::AnswerRefused => 41,
            Say::AnswerLost(_) => 42,
            Say::ArrivesOn { .. } => 43,
            Say::ClientConnection => 44,
            Say::Listening { .. } => 45,
            Say::NoSocket { .. } => 46,
            Say::RouteMissing => 47,
            Say::ArpNoAnswer { .. } => 48,
            Say::NextHop { .. } => 49,
            Say::NewEntry { .. } => 50,
            Say::Backend { .. } => 51,
            Say::NoRules => 52,
            Say::RouteDrops { .. } => 53,
            Say::SendsIcmp { .. } => 54,
            Say::AnswersEcho { .. } => 55,
            Say::GetsEchoReply { .. } => 56,
            Say::PingClusterIp { .. } => 57,
            Say::LbNoIcmp { .. } => 58,
            Say::KernelEcho => 59,
        }
    }
    const VARIANTS: usize = 60;

    fn samples() -> Vec<Say> {
        let s = |x: &str| x.to_string();
        let mut v = Vec::new();
        for flags in [
            Some(TcpFlags::Syn),
            Some(TcpFlags::SynAck),
            Some(TcpFlags::Rst),
            None,
        ] {
            v.push(Say::Sends {
                who: s("pod/client"),
                proto: if flags.is_some() {
                    Protocol::Tcp
                } else {
                    Protocol::Udp
                },
                flags,
                dst: sa("10.3.241.152:80"),
            });
        }
        v.push(Say::Receives {
            who: s("node/node-1"),
            iface: s("eth0"),
        });
        v.push(Say::GetsAnswer {
            who: s("pod/client"),
            from: sa("10.3.241.152:80"),
        });
        v.push(Say::Accepts {
            who: s("pod/web-1"),
            from: sa("10.0.1.2:40000"),
        });
        v.push(Say::NoListener {
            port: 80,
            at: s("node/node-2"),
        });
        v.push(Say::NoRoute {
            who: s("router"),
            to: ip("10.3.241.152"),
        });
        for forwarding in [true, false] {
            v.push(Say::Routes {
                who: s("node-1"),
                forwarding,
                origin: RouteOrigin::NodePodCidr,
            });
        }
        v.push(Say::RouteDrops {
            who: s("router/vpc"),
            origin: RouteOrigin::NoVpcRoute,
        });
        v.push(Say::NoArpAnswer {
            who: s("router"),
            dev: s("eth0"),
            next_hop: ip("10.100.0.3"),
        });
        v.push(Say::SendsTo {
            who: s("node/node-1"),
            to: s("router"),
        });
        v.push(Say::NetfilterDrops);
        v.push(Say::NetfilterRejects);
        for action in [
            NatAction::Dnat(sa("10.0.2.2:8080")),
            NatAction::Snat(ip("10.100.0.2")),
            NatAction::Masquerade {
                random_fully: false,
            },
            NatAction::Masquerade { random_fully: true },
        ] {
            v.push(Say::NatChooses {
                action,
                chain: None,
            });
            v.push(Say::NatChooses {
                action,
                chain: Some(s("nat-prerouting")),
            });
        }
        for nft in [false, true] {
            v.push(Say::NatSkipped {
                hook: "PREROUTING",
                state: "ESTABLISHED",
                nft,
            });
        }
        v.push(Say::HookPasses { hook: "FORWARD" });
        for dst_side in [true, false] {
            v.push(Say::CtRewrites {
                dst_side,
                to: sa("10.3.241.152:80"),
                dir: "Reply",
                entry: s("tcp src=10.0.1.2 dst=10.3.241.152 sport=40000 dport=80"),
            });
        }
        v.push(Say::CtTracks { node: s("node-1") });
        v.push(Say::OwnAddress {
            ip: ip("10.100.0.2"),
            node: s("node-1"),
        });
        v.push(Say::ForThisHost);
        for nft in [false, true] {
            v.push(Say::Bridges {
                node: s("node-1"),
                nft,
            });
        }
        v.push(Say::LbTranslatesBack {
            lb: s("lb/default/web"),
        });
        v.push(Say::LbPassThrough {
            lb: s("lb/default/web"),
            node: s("node-1"),
            ip: ip("10.100.0.2"),
        });
        v.push(Say::LbNodePort {
            lb: s("lb/default/web"),
            node: s("node-1"),
            ip: ip("10.100.0.2"),
            port: 30080,
            from: ip("10.100.0.250"),
        });
        v.push(Say::LbServiceGone {
            lb: s("lb/default/web"),
        });
        v.push(Say::LbNoListener {
            lb: s("lb/default/web"),
            port: 443,
            proto: Protocol::Tcp,
        });
        v.push(Say::LbSourceRanges {
            lb: s("lb/default/web"),
            ranges: vec![s("192.0.2.0/24"), s("198.51.100.7/32")],
        });
        v.push(Say::LbNoHealthy {
            lb: s("lb/default/web"),
        });
        v.push(Say::LbNeedsNodePort {
            lb: s("lb/default/web"),
            port: 80,
        });
        v.push(Say::NoAnswer {
            ip: ip("10.100.0.3"),
        });
        for why in [Some(s("default/none:http has no endpoints")), None] {
            v.push(Say::RuleStops(Box::new(RuleStop {
                node: s("node-1"),
                effect: Effect::Reject,
                hook: "FORWARD",
                table: s("filter"),
                backend: Backend::Iptables,
                chain: s("KUBE-SERVICES"),
                rule: s("-A KUBE-SERVICES -d 10.3.240.20/32 -p tcp -j REJECT"),
                element: None,
                why: why.clone(),
            })));
            v.push(Say::RuleStops(Box::new(RuleStop {
                node: s("node-1"),
                effect: Effect::Reject,
                hook: "FORWARD",
                table: s("ip kube-proxy"),
                backend: Backend::Nftables,
                chain: s("reject-chain"),
                rule: s("add rule ip kube-proxy reject-chain reject"),
                element: Some(s(
                    "10.3.240.20 . tcp . 80 comment \"default/none:http\" : goto reject-chain",
                )),
                why,
            })));
        }
        v.push(Say::HookDrops {
            node: s("node-1"),
            hook: "INPUT",
        });
        v.push(Say::GaveUp { steps: 256 });
        v.push(Say::LbNoConnect);
        v.push(Say::NotForwarding {
            who: s("host/10.100.0.10"),
            ip: ip("10.100.0.11"),
        });
        for routing_loop in [true, false] {
            v.push(Say::TtlExpired {
                at: s("router"),
                routing_loop,
            });
        }
        v.push(Say::RouteToGoneNode {
            who: s("router"),
            dest: s("10.3.240.0/20"),
            node: s("node-2"),
        });
        v.push(Say::Unreachable {
            who: s("router"),
            to: ip("10.3.241.152"),
            route: s("unreachable 10.0.0.0/8"),
            origin: RouteOrigin::NoVpcRoute,
        });
        v.push(Say::NoInterface {
            who: s("node/node-1"),
            dev: s("eth1"),
        });
        v.push(Say::NextHopGone {
            who: s("router"),
            dev: s("eth0"),
            next_hop: ip("10.100.0.3"),
        });
        for proto in [Protocol::Tcp, Protocol::Udp] {
            v.push(Say::Refused {
                port: 80,
                proto,
                at: s("node/node-2"),
            });
        }
        v.push(Say::AnswerElsewhere {
            at: s("node/node-2"),
            client: s("pod/client"),
        });
        v.push(Say::AnswerWrongSource {
            from: sa("10.0.2.2:8080"),
            sent_to: sa("10.3.241.152:80"),
        });
        v.push(Say::AnswerRefused);
        v.push(Say::AnswerLost(Box::new(Say::NoRoute {
            who: s("router"),
            to: ip("10.0.1.2"),
        })));
        v.push(Say::ArrivesOn { iface: s("eth0") });
        v.push(Say::ClientConnection);
        v.push(Say::Listening {
            port: 80,
            proto: Protocol::Tcp,
            owner: s("kubelet"),
        });
        v.push(Say::NoSocket {
            port: 53,
            proto: Protocol::Udp,
        });
        v.push(Say::RouteMissing);
        v.push(Say::ArpNoAnswer {
            next_hop: ip("10.100.0.3"),
        });
        v.push(Say::NextHop {
            next_hop: ip("10.100.0.1"),
        });
        v.push(Say::NewEntry {
            entry: s("tcp src=10.0.1.2 dst=10.3.241.152 sport=40000 dport=80"),
        });
        v.push(Say::Backend {
            node: s("node-1"),
            healthy: 3,
        });
        v.push(Say::NoRules);
        for kind in [Icmp::EchoRequest, Icmp::EchoReply] {
            v.push(Say::SendsIcmp {
                who: s("pod/client"),
                kind,
                to: ip("10.0.2.2"),
            });
        }
        v.push(Say::AnswersEcho {
            who: s("pod/web-1"),
        });
        v.push(Say::GetsEchoReply {
            who: s("pod/client"),
            from: ip("10.0.2.2"),
        });
        v.push(Say::PingClusterIp {
            ip: ip("10.3.241.152"),
            rejected: false,
            why: Box::new(Say::Unreachable {
                who: s("router"),
                to: ip("10.3.241.152"),
                route: s("unreachable 10.0.0.0/8"),
                origin: RouteOrigin::NoVpcRoute,
            }),
        });
        v.push(Say::PingClusterIp {
            ip: ip("10.3.241.152"),
            rejected: true,
            why: Box::new(Say::HookDrops {
                node: s("node-1"),
                hook: "FORWARD",
            }),
        });
        v.push(Say::LbNoIcmp {
            lb: s("lb/default/web"),
        });
        v.push(Say::KernelEcho);
        v
    }

    /// Every dotted quad in `s` (with its `:port` or `/len` left off).
    fn addresses(s: &str) -> Vec<&str> {
        s.split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .map(|w| w.trim_matches('.'))
            .filter(|w| w.parse::<Ipv4Addr>().is_ok())
            .collect()
    }

    #[test]
    fn every_variant_reads_in_both_languages() {
        let all = samples();
        let mut seen = [false; VARIANTS];
        for say in &all {
            seen[variant(say)] = true;
            let (en, ko) = (say.en(), say.ko());
            assert!(!en.is_empty() && !ko.is_empty(), "{say:?}");
            assert_ne!(en, ko, "{say:?}");
            assert!(
                ko.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
                "no Hangul: {ko}"
            );
            for a in addresses(&en) {
                assert!(addresses(&ko).contains(&a), "{a} missing from: {ko}");
            }
            assert_eq!(say.text(Lang::En), en);
            assert_eq!(say.text(Lang::Ko), ko);
        }
        let missing: Vec<usize> = (0..VARIANTS).filter(|i| !seen[*i]).collect();
        assert!(missing.is_empty(), "variants without a sample: {missing:?}");
    }

    #[test]
    fn english_is_the_engine_s_old_wording() {
        let all = samples();
        let en: Vec<String> = all.iter().map(Say::en).collect();
        for want in [
            "pod/client sends a TCP SYN to 10.3.241.152:80",
            "pod/client sends a UDP datagram to 10.3.241.152:80",
            "the nat table chooses DNAT to 10.0.2.2:8080",
            "node-1 forwards it (the node's pod CIDR (cloud route))",
            "router/vpc drops it: its route leads nowhere (private addresses the VPC has no route for)",
            "lb/default/web only admits clients in [\"192.0.2.0/24\", \"198.51.100.7/32\"]",
            "node-1 REJECT with icmp-port-unreachable at FORWARD in filter KUBE-SERVICES: -A KUBE-SERVICES -d 10.3.240.20/32 -p tcp -j REJECT (default/none:http has no endpoints)",
            "nothing listens on 80/tcp at node/node-2: the kernel answers with a TCP reset (connection refused)",
            "nothing listens on 80/udp at node/node-2: the kernel answers ICMP port unreachable",
            "the answer is lost: router has no route to 10.0.1.2",
            "arrives on eth0",
            "the client's connection",
            "listening on 80/tcp (kubelet)",
            "no socket on 53/udp",
            "no route",
            "ARP who-has 10.100.0.3: no answer",
            "next hop 10.100.0.1",
            "new entry: tcp src=10.0.1.2 dst=10.3.241.152 sport=40000 dport=80",
            "backend node-1 of 3 healthy",
            "no rules",
            "pod/client sends an ICMP echo request (ping) to 10.0.2.2",
            "pod/client gets the echo reply from 10.0.2.2: the ping is answered",
            "no answer: 10.3.241.152 is a ClusterIP, a virtual address that no device owns; kube-proxy rewrites only its Service's TCP/UDP/SCTP ports, so the ping is routed on like any other packet and lost: router has no route to 10.3.241.152: unreachable 10.0.0.0/8 (private addresses the VPC has no route for)",
        ] {
            assert!(en.iter().any(|e| e == want), "{want}");
        }
    }

    #[test]
    fn korean_keeps_tool_words_and_translates_origins() {
        let dnat = Say::NatChooses {
            action: NatAction::Dnat(sa("10.0.2.2:8080")),
            chain: None,
        };
        assert_eq!(
            dnat.ko(),
            "nat 테이블이 DNAT을 선택합니다. 새 목적지는 10.0.2.2:8080입니다"
        );
        let nft = Say::NatChooses {
            action: NatAction::Dnat(sa("10.0.2.2:8080")),
            chain: Some("nat-prerouting".into()),
        };
        assert_eq!(
            nft.en(),
            "the nftables nat chain nat-prerouting chooses dnat to 10.0.2.2:8080"
        );
        assert_eq!(
            nft.ko(),
            "nftables nat 체인 nat-prerouting에서 dnat을 선택합니다. 새 목적지는 10.0.2.2:8080입니다"
        );
        let r = Say::Routes {
            who: s_("node-1"),
            forwarding: true,
            origin: RouteOrigin::Connected,
        };
        assert_eq!(
            r.ko(),
            "node-1에서 패킷을 포워딩합니다 (직접 연결된 네트워크)"
        );
        assert_eq!(r.en(), "node-1 forwards it (connected)");
    }

    #[test]
    fn every_route_origin_reads_in_both_languages() {
        let hangul = |s: &str| s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        let mut en = std::collections::BTreeSet::new();
        let mut ko = std::collections::BTreeSet::new();
        for o in RouteOrigin::ALL {
            assert!(hangul(o.ko()), "{o:?}: {}", o.ko());
            assert_eq!(o.text(Lang::En), o.en());
            assert_eq!(o.text(Lang::Ko), o.ko());
            // No two origins read alike in either language.
            assert!(en.insert(o.en()), "{o:?}");
            assert!(ko.insert(o.ko()), "{o:?}");
        }
        // The four that showed in English on Korean pages before.
        let veth = Say::Routes {
            who: s_("node/node-1"),
            forwarding: true,
            origin: RouteOrigin::PodVeth,
        };
        assert_eq!(
            veth.en(),
            "node/node-1 forwards it (the pod's address, to its veth)"
        );
        assert_eq!(
            veth.ko(),
            "node/node-1에서 패킷을 포워딩합니다 (파드의 주소, 파드의 veth 쪽)"
        );
    }

    fn s_(x: &str) -> String {
        x.to_string()
    }
}
