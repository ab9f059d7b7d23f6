//! One request under both of kube-proxy's modes: the same scenario with
//! every node in iptables mode, then in nftables mode, the same request
//! traced in each, and their device-level steps side by side, so that a
//! reader sees what the mode changes (a NodePort on 127.0.0.1 refused, a
//! ClusterIP's unknown port rejected, the rules met and evaluated) and
//! what it does not (the routes, the endpoint, the conntrack un-DNAT).
//!
//! Both modes pick an endpoint at random, each its own way (iptables'
//! `statistic` probabilities, nftables' `numgen`), so the same seed may
//! pick two endpoints. When it does, the nftables trace is the branch
//! (of [`paths::branches`]) that ends at the iptables trace's endpoint
//! through the same entry node, if there is one: the comparison then
//! shows the modes' differences, not the dice's.

use super::paths::{branches, entry_node};
use super::trace::{Hop, Leg, Request, RequestError, Trace, World};
use crate::linux::netfilter::SeededChooser;
use crate::model::{ProxyMode, Scenario, KUBE_PROXY_MODE_LABEL};
use std::ops::Range;

/// `s` with kube-proxy in `mode` on every node: the cluster's mode set
/// and the nodes' own mode labels removed; nothing else changes.
pub fn in_mode(s: &Scenario, mode: ProxyMode) -> Scenario {
    let mut s = s.clone();
    let mut cfg = s.proxy_config();
    cfg.mode = mode;
    s.proxy = Some(cfg);
    for n in &mut s.nodes {
        if n.labels.contains_key(KUBE_PROXY_MODE_LABEL) {
            n.labels = crate::model::edit::without_mode_label(&n.labels);
        }
    }
    s
}

/// One device-level step (consecutive hops on one device, one leg) in
/// either mode's trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub leg: Leg,
    pub device: String,
    /// The step's hops in the iptables trace (`None`: not there).
    pub iptables: Option<Range<usize>>,
    /// The step's hops in the nftables trace.
    pub nftables: Option<Range<usize>>,
    /// In both, the packet came in and went out the same and the step
    /// ended the same way: only the rules that did it may differ.
    pub same: bool,
}

/// A request traced in both modes.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub iptables: Trace,
    pub nftables: Trace,
    /// Both traces' steps, aligned by device (the longest common
    /// sequence of steps; a step only one mode takes has one side).
    pub rows: Vec<Row>,
    /// The nftables trace is another random branch than the seed's, picked
    /// to end at the iptables trace's endpoint (see the module docs).
    pub repicked: bool,
}

impl Comparison {
    /// The trace of `mode` (iptables or nftables).
    pub fn trace(&self, mode: ProxyMode) -> &Trace {
        match mode {
            ProxyMode::Nftables => &self.nftables,
            _ => &self.iptables,
        }
    }

    /// The hops of `row` in `mode`'s trace.
    pub fn hops(&self, row: &Row, mode: ProxyMode) -> &[Hop] {
        let range = match mode {
            ProxyMode::Nftables => &row.nftables,
            _ => &row.iptables,
        };
        range.clone().map_or(&[][..], |r| &self.trace(mode).hops[r])
    }

    /// Both end the same way: the same verdict, server, addresses and
    /// answer.
    pub fn same_outcome(&self) -> bool {
        let (a, b) = (&self.iptables, &self.nftables);
        let reply = |t: &Trace| t.reply.as_ref().map(|r| (r.verdict, r.client_sees.clone()));
        a.verdict == b.verdict
            && a.delivered_to == b.delivered_to
            && a.server_sees == b.server_sees
            && reply(a) == reply(b)
    }
}

/// The device-level steps of `t`: (leg, device, hops).
fn steps(t: &Trace) -> Vec<(Leg, &str, Range<usize>)> {
    let mut out: Vec<(Leg, &str, Range<usize>)> = Vec::new();
    for (i, h) in t.hops.iter().enumerate() {
        match out.last_mut() {
            Some((leg, dev, r)) if *leg == h.leg && *dev == h.device => r.end = i + 1,
            _ => out.push((h.leg, &h.device, i..i + 1)),
        }
    }
    out
}

/// The two step lists aligned: the longest common subsequence of
/// (leg, device), the others on their own rows, in path order.
fn align(a: &Trace, b: &Trace) -> Vec<Row> {
    let (sa, sb) = (steps(a), steps(b));
    fn key<'a>(s: &(Leg, &'a str, Range<usize>)) -> (Leg, &'a str) {
        (s.0, s.1)
    }
    let (n, m) = (sa.len(), sb.len());
    // lcs[i][j]: the common length of sa[i..] and sb[j..].
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if key(&sa[i]) == key(&sb[j]) {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let row = |s: &(Leg, &str, Range<usize>), ia, ib| Row {
        leg: s.0,
        device: s.1.to_string(),
        iptables: ia,
        nftables: ib,
        same: false,
    };
    let (mut i, mut j) = (0, 0);
    let mut rows = Vec::new();
    while i < n || j < m {
        if i < n && j < m && key(&sa[i]) == key(&sb[j]) {
            let mut r = row(&sa[i], Some(sa[i].2.clone()), Some(sb[j].2.clone()));
            r.same = same_step(&a.hops[sa[i].2.clone()], &b.hops[sb[j].2.clone()]);
            rows.push(r);
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1]) {
            rows.push(row(&sa[i], Some(sa[i].2.clone()), None));
            i += 1;
        } else {
            rows.push(row(&sb[j], None, Some(sb[j].2.clone())));
            j += 1;
        }
    }
    rows
}

/// A step did the same to the packet: in and out alike, and it ended
/// where the other did (its last hop at the same place).
fn same_step(a: &[Hop], b: &[Hop]) -> bool {
    match (a.first(), a.last(), b.first(), b.last()) {
        (Some(a0), Some(a1), Some(b0), Some(b1)) => {
            a0.before == b0.before && a1.after == b1.after && a1.say == b1.say
        }
        _ => false,
    }
}

/// `req` traced with `seed` in `s` with every node in iptables mode and
/// with every node in nftables mode (see the module docs for the
/// endpoint).
pub fn compare(s: &Scenario, req: &Request, seed: u64) -> Result<Comparison, RequestError> {
    let ipt = World::new(in_mode(s, ProxyMode::Iptables));
    let nft = World::new(in_mode(s, ProxyMode::Nftables));
    let iptables = ipt
        .clone()
        .trace(req, &mut SeededChooser::from_seed(seed))?;
    let mut nftables = nft
        .clone()
        .trace(req, &mut SeededChooser::from_seed(seed))?;
    let ends = |t: &Trace| (t.delivered_to.clone(), entry_node(t).map(str::to_string));
    let mut repicked = false;
    if iptables.delivered_to.is_some()
        && nftables.delivered_to.is_some()
        && ends(&iptables) != ends(&nftables)
    {
        if let Some(b) = branches(&nft, req)?
            .into_iter()
            .find(|b| ends(&b.trace) == ends(&iptables))
        {
            nftables = b.trace;
            repicked = true;
        }
    }
    let rows = align(&iptables, &nftables);
    Ok(Comparison {
        iptables,
        nftables,
        rows,
        repicked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::Verdict;
    use crate::model::{load, presets, Protocol};

    fn nodeport() -> Scenario {
        load(presets::preset("nodeport").unwrap().yaml)
            .unwrap()
            .scenario
    }

    fn compared(s: &Scenario, from: &str, to: &str, seed: u64) -> Comparison {
        let req = Request::parse(s, from, to, Protocol::Tcp).unwrap();
        compare(s, &req, seed).unwrap()
    }

    fn backends(t: &Trace) -> Vec<&str> {
        let mut b: Vec<&str> = t
            .hops
            .iter()
            .flat_map(|h| &h.rules)
            .map(|r| r.backend)
            .collect();
        b.dedup();
        b
    }

    #[test]
    fn in_mode_sets_every_node_and_nothing_else() {
        let s = nodeport();
        let mut mixed = s.clone();
        mixed.nodes[1]
            .labels
            .insert(KUBE_PROXY_MODE_LABEL.into(), "nftables".into());
        let ipt = in_mode(&mixed, ProxyMode::Iptables);
        assert!(ipt
            .nodes
            .iter()
            .all(|n| ipt.proxy_mode(n) == ProxyMode::Iptables));
        let nft = in_mode(&mixed, ProxyMode::Nftables);
        assert!(nft
            .nodes
            .iter()
            .all(|n| nft.proxy_mode(n) == ProxyMode::Nftables));
        assert_eq!(
            (&nft.services, &nft.pods, nft.proxy_config().cluster_cidr),
            (&s.services, &s.pods, s.proxy_config().cluster_cidr)
        );
    }

    #[test]
    fn a_clusterip_request_ends_alike_with_other_rules() {
        let s = nodeport();
        let mut repicked = 0;
        for seed in 1..=6 {
            let c = compared(&s, "pod/client", "svc/web:80", seed);
            repicked += usize::from(c.repicked);
            assert!(
                c.iptables.succeeded() && c.nftables.succeeded(),
                "seed {seed}"
            );
            // The same endpoint, whatever the dice said.
            assert!(c.same_outcome(), "seed {seed}: {c:#?}");
            assert_eq!(backends(&c.iptables), ["iptables"]);
            assert_eq!(backends(&c.nftables), ["nftables"]);
            // Every step in both, each doing the same to the packet.
            assert!(c
                .rows
                .iter()
                .all(|r| r.iptables.is_some() && r.nftables.is_some()));
            assert!(c.rows.iter().all(|r| r.same), "seed {seed}: {:#?}", c.rows);
            // nftables looks up maps where iptables walks rule lists.
            assert!(c.nftables.rules_evaluated < c.iptables.rules_evaluated);
            for r in &c.rows {
                let (a, b) = (
                    c.hops(r, ProxyMode::Iptables),
                    c.hops(r, ProxyMode::Nftables),
                );
                assert!(a.iter().all(|h| h.device == r.device && h.leg == r.leg));
                assert!(b.iter().all(|h| h.device == r.device && h.leg == r.leg));
            }
        }
        // Some seeds pick other endpoints in the two modes: re-picked.
        assert!((1..6).contains(&repicked), "{repicked}");
    }

    #[test]
    fn the_modes_differences_show_where_they_happen() {
        let s = nodeport();
        // A NodePort on 127.0.0.1: iptables mode answers, nftables refuses.
        let c = compared(&s, "node/node-1", "127.0.0.1:30080", 1);
        assert!(c.iptables.succeeded());
        assert_eq!(c.nftables.verdict, Verdict::Refused);
        assert!(!c.same_outcome());
        let first = &c.rows[0];
        assert_eq!(first.device, "node/node-1");
        assert!(!first.same);
        // The steps only iptables mode takes (to the pod) have one side.
        assert!(c.rows.iter().any(|r| r.nftables.is_none()));
        assert!(c.rows.iter().all(|r| r.iptables.is_some()));
        // A ClusterIP's port the Service does not have: nftables rejects.
        let c = compared(&s, "pod/client", "10.3.241.152:81", 1);
        assert_ne!(c.iptables.verdict, Verdict::Rejected);
        assert_eq!(c.nftables.verdict, Verdict::Rejected);
        assert!(!c.same_outcome());
        // The client pod's step is alike; the node's is not.
        let pod = c.rows.iter().find(|r| r.device == "pod/client").unwrap();
        assert!(pod.same);
        let node = c
            .rows
            .iter()
            .find(|r| r.device.starts_with("node/"))
            .unwrap();
        assert!(!node.same);
        assert!(c
            .hops(node, ProxyMode::Nftables)
            .iter()
            .flat_map(|h| &h.rules)
            .any(|r| r.chain == "cluster-ips-check"));
    }

    #[test]
    fn the_scenarios_own_mode_does_not_matter() {
        let s = nodeport();
        let nft = in_mode(&s, ProxyMode::Nftables);
        for seed in [1, 2] {
            assert_eq!(
                compared(&s, "internet", "10.100.0.3:30080", seed),
                compared(&nft, "internet", "10.100.0.3:30080", seed)
            );
        }
    }
}
