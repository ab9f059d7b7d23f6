//! Predict mode's questions, made from a [`Trace`] and the network it ran
//! in: before certain hops are shown, the learner picks what happens
//! there. Each question has exactly one right answer among two to four
//! choices; the wrong ones are what a learner plausibly expects (the
//! destination unchanged, the Service's `port` where its `targetPort` is
//! used, another node, a chain the packet passed through but that did not
//! decide), never another outcome the same request could have had (no
//! other endpoint of the Service where a random pick chose one; no
//! question after a load balancer's random pick of a node).
//!
//! Questions are data: the UI words them in either language and shows the
//! hop's own sentence ([`Hop::note_in`]) as the explanation.
//!
//! [`Hop::note_in`]: super::trace::Hop::note_in

use super::topology::{DeviceKind, Topology};
use super::trace::{Hop, Leg, RuleRef, Trace, Verdict, World};
use crate::linux::netfilter::Effect;
use std::net::{Ipv4Addr, SocketAddrV4};

/// What a question asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// Which device the packet arrives at next.
    NextDevice,
    /// Which chain's rule decides what happens at this netfilter hook.
    Decider { table: String },
    /// What the destination becomes here (DNAT, or conntrack undoing SNAT
    /// on a reply).
    NewDestination,
    /// What the source becomes here (SNAT/masquerade, or conntrack undoing
    /// DNAT on a reply).
    NewSource,
    /// The source address and port the server's socket sees.
    ServerSees,
    /// How the request ends.
    Outcome,
}

/// One choice, as data (the UI renders it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Choice {
    /// A device id (`node/node-2`, `pod/web-1`, `router/vpc`).
    Device(String),
    Chain(String),
    Addr(SocketAddrV4),
    Verdict(Verdict),
}

/// A question asked before hop `hop` of the trace is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub hop: usize,
    pub leg: Leg,
    pub ask: Ask,
    pub choices: Vec<Choice>,
    /// Index of the right choice.
    pub answer: usize,
}

/// What the questions may draw their wrong choices from besides the
/// trace: the network, and the chains of a node's table.
pub struct Network<'a> {
    pub topology: &'a Topology,
    /// The chain names of `table` on `node` (empty when unknown).
    pub chains: &'a dyn Fn(&str, &str) -> Vec<String>,
}

/// At most this many choices (one right).
pub const MAX_CHOICES: usize = 4;

/// The questions for `trace`, in hop order: at most one a hop, but for the
/// request's last hop, which asks how the request ends and then, when it
/// was delivered, what source the server sees.
pub fn questions(trace: &Trace, net: &Network) -> Vec<Question> {
    let hops = &trace.hops;
    let last_request = hops.iter().rposition(|h| h.leg == Leg::Request);
    let mut out = Vec::new();
    for (i, hop) in hops.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &hops[p]);
        let mut drafts = Vec::new();
        if Some(i) == last_request {
            drafts.push(Some(outcome(trace)));
            if trace.verdict == Verdict::Delivered {
                drafts.push(server_sees(trace, hop, net));
            }
        } else if let Some(p) = prev.filter(|p| p.device != hop.device && p.leg == hop.leg) {
            drafts.push(next_device(p, hop, net));
        } else if hop.after.dst != hop.before.dst {
            drafts.push(new_destination(hop));
        } else if hop.after.src != hop.before.src {
            drafts.push(new_source(hop, net));
        } else {
            drafts.push(decider(hop, net));
        }
        for (ask, right, wrong) in drafts.into_iter().flatten() {
            if let Some(q) = question(i, hop.leg, ask, right, wrong) {
                out.push(q);
            }
        }
    }
    out
}

/// The questions for `trace`, which ran in (a copy of) `world`.
pub fn for_world(world: &mut World, trace: &Trace) -> Vec<Question> {
    let topology = world.topology().clone();
    let mut chains_by_node: Vec<(String, String, Vec<String>)> = Vec::new();
    for hop in &trace.hops {
        let Some(node) = hop.node() else {
            continue;
        };
        for r in &hop.rules {
            let table = r.table.to_string();
            if chains_by_node
                .iter()
                .any(|(n, t, _)| n == node && *t == table)
            {
                continue;
            }
            let names = world
                .ruleset(node)
                .and_then(|rs| rs.tables.iter().find(|t| r.table == t.name))
                .map(|t| t.chains.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default();
            chains_by_node.push((node.to_string(), table, names));
        }
    }
    let chains = |node: &str, table: &str| -> Vec<String> {
        chains_by_node
            .iter()
            .find(|(n, t, _)| n == node && t == table)
            .map(|(_, _, c)| c.clone())
            .unwrap_or_default()
    };
    questions(
        trace,
        &Network {
            topology: &topology,
            chains: &chains,
        },
    )
}

type Draft = (Ask, Choice, Vec<Choice>);

/// The right choice among up to three distinct wrong ones, sorted (so the
/// right one's place says nothing); `None` without any wrong one.
fn question(hop: usize, leg: Leg, ask: Ask, right: Choice, wrong: Vec<Choice>) -> Option<Question> {
    let mut choices = vec![right.clone()];
    for w in wrong {
        if choices.len() == MAX_CHOICES {
            break;
        }
        if !choices.contains(&w) {
            choices.push(w);
        }
    }
    if choices.len() < 2 {
        return None;
    }
    crate::sort::sort(&mut choices);
    let answer = choices.iter().position(|c| *c == right)?;
    Some(Question {
        hop,
        leg,
        ask,
        choices,
        answer,
    })
}

fn outcome(trace: &Trace) -> Draft {
    let all = [
        Verdict::Delivered,
        Verdict::Dropped,
        Verdict::Rejected,
        Verdict::Refused,
    ];
    (
        Ask::Outcome,
        Choice::Verdict(trace.verdict),
        all.into_iter()
            .filter(|v| *v != trace.verdict)
            .map(Choice::Verdict)
            .collect(),
    )
}

/// The device the packet reaches after `prev`'s; not after a load
/// balancer (its pick of a node is random).
fn next_device(prev: &Hop, hop: &Hop, net: &Network) -> Option<Draft> {
    if prev.device.starts_with("lb/") {
        return None;
    }
    let kind_of = |id: &str| net.topology.device_by_id(id).map(|d| d.kind.clone());
    let right = kind_of(&hop.device)?;
    let mut wrong: Vec<String> = Vec::new();
    // The device it came from (a packet "bouncing back") and, for a node
    // or the router, the other nodes and the router; for a pod, the other
    // pods on the same node first.
    let same_kind = |k: &DeviceKind| match (&right, k) {
        (DeviceKind::Pod { node: a, .. }, DeviceKind::Pod { node: b, .. }) => Some(a == b),
        (DeviceKind::Pod { .. }, _) | (_, DeviceKind::Pod { .. }) => None,
        (DeviceKind::Node { .. } | DeviceKind::Router, DeviceKind::Node { .. })
        | (DeviceKind::Node { .. } | DeviceKind::Router, DeviceKind::Router) => Some(true),
        _ => None,
    };
    let mut near = Vec::new();
    let mut far = Vec::new();
    for (_, d) in net.topology.devices() {
        if d.id == hop.device || d.id == prev.device {
            continue;
        }
        match same_kind(&d.kind) {
            Some(true) => near.push(d.id.clone()),
            Some(false) => far.push(d.id.clone()),
            None => {}
        }
    }
    wrong.extend(near);
    wrong.extend(far);
    Some((
        Ask::NextDevice,
        Choice::Device(hop.device.clone()),
        wrong.into_iter().map(Choice::Device).collect(),
    ))
}

/// The destination after this hop: the unchanged one, and the right
/// address with the old port (or the old address with the new port) are
/// the classic mix-ups (`port` vs `targetPort`).
fn new_destination(hop: &Hop) -> Option<Draft> {
    let (a, b) = (hop.after.dst, hop.before.dst);
    Some((
        Ask::NewDestination,
        Choice::Addr(a),
        [
            b,
            SocketAddrV4::new(*a.ip(), b.port()),
            SocketAddrV4::new(*b.ip(), a.port()),
        ]
        .into_iter()
        .filter(|x| *x != a)
        .map(Choice::Addr)
        .collect(),
    ))
}

/// The source after this hop: unchanged, or another address of the
/// device doing it.
fn new_source(hop: &Hop, net: &Network) -> Option<Draft> {
    let (a, b) = (hop.after.src, hop.before.src);
    let mut wrong = vec![b];
    wrong.extend(
        device_addrs(net, &hop.device)
            .into_iter()
            .map(|ip| SocketAddrV4::new(ip, b.port())),
    );
    Some((
        Ask::NewSource,
        Choice::Addr(a),
        wrong
            .into_iter()
            .filter(|x| *x != a)
            .map(Choice::Addr)
            .collect(),
    ))
}

/// The source the server sees: the client's own address, or the first
/// node's addresses (masquerading).
fn server_sees(trace: &Trace, hop: &Hop, net: &Network) -> Option<Draft> {
    let seen = hop.before.src;
    let first = trace.hops.first()?;
    let mut wrong = vec![first.before.src];
    if let Some(node) = trace
        .hops
        .iter()
        .find(|h| h.node().is_some() && h.leg == Leg::Request)
    {
        wrong.extend(
            device_addrs(net, &node.device)
                .into_iter()
                .map(|ip| SocketAddrV4::new(ip, first.before.src.port())),
        );
    }
    Some((
        Ask::ServerSees,
        Choice::Addr(seen),
        wrong
            .into_iter()
            .filter(|x| *x != seen)
            .map(Choice::Addr)
            .collect(),
    ))
}

/// Which chain decides at a netfilter hook: the last rule that matched
/// and did more than jump or return. Wrong choices: the chains the packet
/// passed through on the way (they matched but only jumped), then one
/// chain of each other kind kube-proxy writes in the table (not the
/// decider's kind: its siblings could have decided instead, after a
/// random pick; not the hooks' built-in chains the packet never entered).
fn decider(hop: &Hop, net: &Network) -> Option<Draft> {
    let node = hop.node()?;
    let hit = hop.rules.iter().rev().find(|r| decides(r))?;
    let kind = family(&hit.chain);
    let mut wrong: Vec<String> = hop
        .rules
        .iter()
        .filter(|r| r.table == hit.table && r.chain != hit.chain)
        .map(|r| r.chain.clone())
        .collect();
    let table = hit.table.to_string();
    let mut rest: Vec<String> = (net.chains)(node, &table)
        .into_iter()
        .filter(|c| family(c) != kind && *c != hit.chain && !built_in(c))
        .collect();
    // One of each kind, in the table's order.
    rest.dedup_by(|a, b| family(a) == family(b));
    let mut kinds = Vec::new();
    for c in rest {
        let k = family(&c).to_string();
        if !kinds.contains(&k) {
            kinds.push(k);
            wrong.push(c);
        }
    }
    Some((
        Ask::Decider { table },
        Choice::Chain(hit.chain.clone()),
        wrong.into_iter().map(Choice::Chain).collect(),
    ))
}

/// Did this rule decide the packet's fate at the hook (accept, drop,
/// reject, NAT), rather than pass it on (a jump, a return, a mark, a
/// counter, a chain's policy)?
pub fn decides(r: &RuleRef) -> bool {
    r.index != 0
        && matches!(
            r.effect,
            Effect::Accept | Effect::Drop | Effect::Reject | Effect::Nat(_) | Effect::Loop(_)
        )
}

/// A chain's kind: `KUBE-SEP-XXXX` -> `KUBE-SEP`; nftables mode's
/// `endpoint-XXXX-ns/svc/...` -> `endpoint`; a built-in chain is its own.
fn family(chain: &str) -> &str {
    let mut dashes = chain.match_indices('-').map(|(i, _)| i);
    if chain.starts_with("KUBE-") {
        let _ = dashes.next();
    }
    match dashes.next() {
        Some(i) => &chain[..i],
        None => chain,
    }
}

/// A chain the kernel's hooks enter (iptables' `INPUT`, `FORWARD`...):
/// not a plausible decider unless the packet passed through it.
fn built_in(chain: &str) -> bool {
    chain.chars().all(|c| c.is_ascii_uppercase())
}

/// Every address of a device's interfaces.
fn device_addrs(net: &Network, id: &str) -> Vec<Ipv4Addr> {
    net.topology
        .device_by_id(id)
        .map(|d| {
            d.interfaces
                .iter()
                .flat_map(|i| i.addrs.iter().map(|a| a.addr()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::family;

    #[test]
    fn a_chains_kind() {
        assert_eq!(family("KUBE-SEP-RIVC2LZ6FILQS336"), "KUBE-SEP");
        assert_eq!(family("KUBE-SERVICES"), "KUBE-SERVICES");
        assert_eq!(family("KUBE-MARK-MASQ"), "KUBE-MARK");
        assert_eq!(family("PREROUTING"), "PREROUTING");
        assert_eq!(
            family("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"),
            "endpoint"
        );
        assert_eq!(family("services"), "services");
    }
}
