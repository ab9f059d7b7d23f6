//! The requests a scenario is checked with, in the CLI's words (`pod/a`,
//! `svc/web:80`, `10.100.0.3:30080`): pod -> ClusterIP, node -> ClusterIP,
//! hairpin (an endpoint to its own Service), pod -> pod, a node-network
//! host -> every node's NodePorts, port 80 and load balancer IPs, the
//! internet -> load balancer IPs, NodePorts and ClusterIPs. Services without endpoints get
//! the same requests (and so their REJECT/DROP rules are checked). And a
//! few pings: a pod, a node, a ClusterIP, a load balancer IP.
//!
//! Pure, so the requests can be derived (and their sentences tested,
//! tests/trace_say.rs) on any platform; `netlab kernel-check` (Linux)
//! runs them. The addresses come from [`super::addressing`], as the UI's
//! menus do.

pub use super::addressing::host_address;
use super::addressing::{frontends, pod_source as pod_id, service_ref};
use super::topology::node_id;
use crate::model::{Protocol, Scenario};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Req {
    pub from: String,
    pub to: String,
    pub proto: Protocol,
}

impl std::fmt::Display for Req {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--from {} --to {} --proto {}",
            self.from,
            self.to,
            self.proto.as_lower()
        )
    }
}

/// Every request to check in `s`; `host` is the node-network host.
pub fn derive(s: &Scenario, host: Ipv4Addr) -> Vec<Req> {
    let mut out = BTreeSet::new();
    let mut add = |from: String, to: String, proto: Protocol| {
        out.insert(Req { from, to, proto });
    };
    let pods: Vec<_> = s.pods.iter().filter(|p| p.ip.is_some()).collect();
    for f in frontends(s) {
        let svc = f.service;
        let endpoints: BTreeSet<Ipv4Addr> = s
            .slices_of(svc)
            .flat_map(|sl| sl.endpoints.iter().map(|e| e.ip))
            .collect();
        let svc_ref = service_ref(svc);
        // A client that is not a backend, and a backend (hairpin).
        let client = pods
            .iter()
            .find(|p| !endpoints.contains(&p.ip.expect("filtered")))
            .or(pods.first());
        let backend = pods
            .iter()
            .find(|p| endpoints.contains(&p.ip.expect("filtered")));
        let port = f.port;
        let first = svc.ports.first().is_some_and(|p| std::ptr::eq(p, port));
        if port.protocol == Protocol::Sctp {
            continue;
        }
        if f.cluster_ip.is_some() {
            let to = format!("svc/{svc_ref}:{}", port.port);
            if let Some(c) = client {
                add(pod_id(&c.namespace, &c.name), to.clone(), port.protocol);
            }
            if first {
                if let Some(b) = backend {
                    add(pod_id(&b.namespace, &b.name), to.clone(), port.protocol);
                }
                if let Some(n) = s.nodes.first() {
                    add(node_id(&n.name), to.clone(), port.protocol);
                }
                add("internet".into(), to, port.protocol);
            }
        }
        if let Some(np) = f.node_port {
            for n in s.nodes.iter().take(3) {
                add(
                    host.to_string(),
                    format!("{}:{np}", n.internal_ip),
                    port.protocol,
                );
            }
            if let Some(n) = s.nodes.first() {
                add(
                    "internet".into(),
                    format!("{}:{np}", n.internal_ip),
                    port.protocol,
                );
                // The node itself on loopback: iptables mode answers
                // (route_localnet), nftables mode does not.
                if first {
                    add(node_id(&n.name), format!("127.0.0.1:{np}"), port.protocol);
                }
            }
        }
        for vip in crate::kube_proxy::load_balancer_ips(svc) {
            add(
                "internet".into(),
                format!("{vip}:{}", port.port),
                port.protocol,
            );
            // A VM beside the nodes reaches it as the cloud routes it.
            if first {
                add(
                    host.to_string(),
                    format!("{vip}:{}", port.port),
                    port.protocol,
                );
            }
        }
        for ip in &svc.external_ips {
            add(
                host.to_string(),
                format!("{ip}:{}", port.port),
                port.protocol,
            );
        }
    }
    // pod -> pod, on one node and across nodes.
    if let Some(first) = pods.first() {
        for p in pods.iter().skip(1).take(4) {
            if let Some(cp) = p.ports.first() {
                add(
                    pod_id(&first.namespace, &first.name),
                    format!("{}:{}", p.ip.expect("filtered"), cp.port),
                    cp.protocol,
                );
            }
        }
    }
    // A node to a pod of its own (from its bridge's address).
    if let Some(n) = s.nodes.first() {
        if let Some((p, cp)) = pods
            .iter()
            .filter(|p| p.node_name.as_deref() == Some(n.name.as_str()))
            .find_map(|p| p.ports.first().map(|cp| (p, cp)))
        {
            add(
                node_id(&n.name),
                format!("{}:{}", p.ip.expect("filtered"), cp.port),
                cp.protocol,
            );
        }
    }
    // Nothing listens on a node's port 80.
    if let Some(n) = s.nodes.first() {
        add(
            host.to_string(),
            format!("{}:80", n.internal_ip),
            Protocol::Tcp,
        );
    }
    // A few pings: a pod, a node, a ClusterIP, a load balancer IP. The
    // kernel answers the first two itself; nothing owns the others.
    let ping = Protocol::Icmp;
    if let Some(first) = pods.first() {
        let from = pod_id(&first.namespace, &first.name);
        if let Some(p) = pods.last().filter(|p| p.name != first.name) {
            add(from.clone(), p.ip.expect("filtered").to_string(), ping);
        }
        if let Some(n) = s.nodes.last() {
            add(from.clone(), n.internal_ip.to_string(), ping);
        }
        if let Some(ip) = s.services.iter().find_map(|svc| svc.cluster_ip) {
            add(from, ip.to_string(), ping);
        }
    }
    if let Some(vip) = s
        .services
        .iter()
        .find_map(|svc| crate::kube_proxy::load_balancer_ips(svc).first().copied())
    {
        add("internet".into(), vip.to_string(), ping);
    }
    out.into_iter().collect()
}

/// The node whose removal the check tries, when there are at least two:
/// one a static Route names (so the route is left pointing at nothing),
/// else the one with the most pods (ties: the first).
pub fn node_to_remove(s: &Scenario) -> Option<String> {
    if s.nodes.len() < 2 {
        return None;
    }
    for r in &s.routes {
        if let crate::model::NextHop::Node(n) = &r.next_hop {
            if s.node(n).is_some() {
                return Some(n.clone());
            }
        }
    }
    let by = s.pods_by_node();
    s.nodes
        .iter()
        .rev()
        .max_by_key(|n| by.get(n.name.as_str()).map_or(0, Vec::len))
        .map(|n| n.name.clone())
}
