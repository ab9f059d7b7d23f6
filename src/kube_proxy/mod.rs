//! kube-proxy: from a [`Scenario`] to the ruleset one node's kube-proxy
//! writes. Pure Rust: no web crates, no clock, no randomness.
//!
//! ```text
//! Scenario --service_ports(node)--> [ServicePortInfo] --iptables::build--> Ruleset --> iptables-restore text
//! ```
//!
//! The first step is backend-independent and follows kube-proxy's
//! `pkg/proxy` (service port map, endpoint slice cache,
//! `CategorizeEndpoints`): for every Service port, its endpoints in
//! kube-proxy's order, which of them are local to the node, and which are
//! usable under each traffic policy. The iptables backend
//! ([`iptables`]) turns that into a [`Ruleset`] (tables, chains, rules as
//! data); nftables and IPVS can later be other backends of the same step.

pub mod iptables;
pub mod nftables;

use crate::hash::HashMap;
use crate::linux::netfilter::iptables::{IndexedRuleset, Ruleset};
use crate::linux::netfilter::Dataplane;
use crate::model::{
    EndpointSlice, Protocol, ProxyMode, Scenario, Service, ServicePort, ServiceType, TrafficPolicy,
};
use crate::sort;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// Why no ruleset could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// There is no node of this name in the scenario.
    UnknownNode(String),
    /// kube-proxy's mode is not modelled (the model refuses it first).
    Mode(ProxyMode),
}

/// The node's own addresses, as kube-proxy's `GetNodeIPs` finds them on
/// its interfaces for `nodePortAddresses`: loopback, its IP, and its
/// bridge's address (no bridge when pods are on the node network).
pub fn node_addresses(scenario: &Scenario, node: &crate::model::Node) -> Vec<Ipv4Addr> {
    let mut v = vec![Ipv4Addr::LOCALHOST, node.internal_ip];
    if !scenario.cluster.pods_on_node_network {
        v.push(node.bridge_ip());
    }
    v
}

/// What kube-proxy leaves on one node: its netfilter backends.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeProgram {
    pub dataplane: Dataplane,
}

impl NodeProgram {
    /// The iptables ruleset, if this mode writes one.
    pub fn iptables(&self) -> Option<&Ruleset> {
        self.dataplane.iptables.as_deref().map(|r| r.ruleset())
    }

    /// The nftables table, if this mode writes one.
    pub fn nftables(&self) -> Option<&crate::linux::netfilter::nftables::Table> {
        self.dataplane.nftables.as_deref().map(|t| t.table())
    }
}

/// What kube-proxy programs on `node`, in the node's mode
/// ([`Scenario::proxy_mode`]: the node's `netlab.dev/kube-proxy-mode`
/// label, else `KubeProxyConfiguration`'s `mode`): iptables rules, or the
/// `ip kube-proxy` nftables table. Each mode leaves only its own rules
/// (kube-proxy deletes the other mode's at start-up).
pub fn program(scenario: &Scenario, node: &str) -> Result<NodeProgram, Error> {
    let n = scenario
        .node(node)
        .ok_or_else(|| Error::UnknownNode(node.to_string()))?;
    match scenario.proxy_mode(n) {
        ProxyMode::Iptables => {
            let rs = iptables::ruleset(scenario, node)?;
            Ok(NodeProgram {
                dataplane: Dataplane {
                    iptables: Some(Arc::new(IndexedRuleset::new(rs))),
                    nftables: None,
                },
            })
        }
        ProxyMode::Nftables => {
            let t = nftables::table(scenario, node)?;
            Ok(NodeProgram {
                dataplane: Dataplane {
                    iptables: None,
                    nftables: Some(Arc::new(t.into())),
                },
            })
        }
        mode @ ProxyMode::Ipvs => Err(Error::Mode(mode)),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownNode(n) => write!(f, "there is no node {n:?}"),
            Error::Mode(m) => write!(f, "kube-proxy mode {} is not modelled", m.as_str()),
        }
    }
}

impl std::error::Error for Error {}

/// One endpoint of a Service port, as kube-proxy sees it from one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    pub ip: Ipv4Addr,
    pub port: u16,
    /// On the node the rules are for (`nodeName` equals it).
    pub is_local: bool,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub node_name: Option<String>,
    /// The pod behind it, when known.
    pub pod: Option<String>,
}

impl EndpointInfo {
    /// `ip:port`, kube-proxy's `Endpoint.String()`: the key endpoints are
    /// sorted and hashed by.
    pub fn key(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

impl fmt::Display for EndpointInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.ip, self.port)
    }
}

/// One Service port with everything a backend needs (kube-proxy's
/// `ServicePort` plus the result of `CategorizeEndpoints`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePortInfo {
    pub namespace: String,
    pub service: String,
    /// The port's name (`None` for the single unnamed port).
    pub port_name: Option<String>,
    pub protocol: Protocol,
    pub cluster_ip: Ipv4Addr,
    pub port: u16,
    pub node_port: Option<u16>,
    pub external_ips: Vec<Ipv4Addr>,
    /// `status.loadBalancer.ingress` IPs.
    pub load_balancer_ips: Vec<Ipv4Addr>,
    /// Source ranges; empty also when one of them is `0.0.0.0/0` (which
    /// kube-proxy reads as "allow any").
    pub load_balancer_source_ranges: Vec<Ipv4Net>,
    /// Set only when kube-proxy serves it (LoadBalancer with
    /// externalTrafficPolicy Local).
    pub health_check_node_port: Option<u16>,
    /// ClientIP affinity timeout in seconds.
    pub session_affinity: Option<u32>,
    /// externalTrafficPolicy Local (and the port is externally accessible).
    pub external_policy_local: bool,
    /// internalTrafficPolicy Local.
    pub internal_policy_local: bool,
    /// Every endpoint of the port, deduplicated, in kube-proxy's order:
    /// lexicographic order of the `ip:port` strings.
    pub endpoints: Vec<EndpointInfo>,
    /// The endpoints Cluster policy uses (ready ones; if none is ready,
    /// serving-and-terminating ones). Empty when the port never uses
    /// Cluster policy.
    pub cluster_endpoints: Vec<EndpointInfo>,
    /// The endpoints Local policy uses (local ready ones; if none,
    /// local serving-and-terminating ones). Empty when the port never
    /// uses Local policy.
    pub local_endpoints: Vec<EndpointInfo>,
    /// The union of the two: the endpoints this node writes a chain for.
    pub reachable_endpoints: Vec<EndpointInfo>,
    /// The port has usable endpoints somewhere in the cluster.
    pub has_any_endpoints: bool,
}

impl ServicePortInfo {
    /// `namespace/name:port` (or `namespace/name` for an unnamed port):
    /// kube-proxy's `ServicePortName.String()`, used in comments and
    /// chain-name hashes.
    pub fn name_string(&self) -> String {
        match &self.port_name {
            Some(p) if !p.is_empty() => format!("{}/{}:{}", self.namespace, self.service, p),
            _ => format!("{}/{}", self.namespace, self.service),
        }
    }

    /// NodePort, external IPs or load balancer IPs.
    pub fn externally_accessible(&self) -> bool {
        self.node_port.is_some()
            || !self.load_balancer_ips.is_empty()
            || !self.external_ips.is_empty()
    }

    /// Cluster endpoints are needed: internal policy Cluster, or external
    /// traffic at all (Local external policy still short-circuits pod and
    /// node traffic to all endpoints).
    pub fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_policy_local || self.externally_accessible()
    }

    pub fn uses_local_endpoints(&self) -> bool {
        self.internal_policy_local || (self.external_policy_local && self.externally_accessible())
    }

    /// The health check answer for this node: the number of local ready
    /// endpoints (a load balancer treats 0, answered with HTTP 503, as
    /// unhealthy; otherwise 200).
    pub fn local_ready_endpoints(&self) -> usize {
        self.endpoints
            .iter()
            .filter(|e| e.is_local && e.ready)
            .count()
    }
}

/// The load balancer IPs kube-proxy captures for `svc`: its
/// `status.loadBalancer.ingress`, for `type: LoadBalancer` only.
pub fn load_balancer_ips(svc: &Service) -> &[Ipv4Addr] {
    if svc.kind == ServiceType::LoadBalancer {
        &svc.load_balancer_ingress
    } else {
        &[]
    }
}

/// The NodePort kube-proxy opens for port `sp` of `svc`: only for the
/// types that have node ports.
pub fn node_port(svc: &Service, sp: &ServicePort) -> Option<u16> {
    sp.node_port.filter(|_| svc.kind.has_node_ports())
}

/// Every Service port kube-proxy programs on `node_name`, with its
/// endpoints categorised for that node. Sorted by `namespace/name`, then
/// port name, then protocol (the order kube-proxy's tests sort rules in;
/// the real proxier walks a Go map).
///
/// Headless and ExternalName Services are skipped, as kube-proxy skips
/// them. Endpoints are matched to a Service port by port name and
/// protocol, like kube-proxy's EndpointSlice cache; an `ip:port` given
/// twice is kept once (the local copy wins).
pub fn service_ports(scenario: &Scenario, node_name: &str) -> Result<Vec<ServicePortInfo>, Error> {
    if scenario.node(node_name).is_none() {
        return Err(Error::UnknownNode(node_name.to_string()));
    }
    // Each Service's slices, in scenario order (one pass, not one per Service).
    let mut slices: HashMap<(&str, &str), Vec<&EndpointSlice>> = HashMap::default();
    for slice in &scenario.endpoint_slices {
        slices
            .entry((slice.namespace.as_str(), slice.service.as_str()))
            .or_default()
            .push(slice);
    }
    let mut out = Vec::new();
    for svc in &scenario.services {
        if svc.kind == ServiceType::ExternalName {
            continue;
        }
        let Some(cluster_ip) = svc.cluster_ip else {
            continue;
        };
        let externally_accessible_svc = svc.kind.has_node_ports() || !svc.external_ips.is_empty();
        let external_policy_local =
            externally_accessible_svc && svc.external_traffic_policy == TrafficPolicy::Local;
        let internal_policy_local = svc.internal_traffic_policy == TrafficPolicy::Local;
        let load_balancer_ips = load_balancer_ips(svc).to_vec();
        let mut source_ranges = if svc.kind == ServiceType::LoadBalancer {
            svc.load_balancer_source_ranges.clone()
        } else {
            Vec::new()
        };
        if source_ranges.iter().any(|n| n.prefix_len() == 0) {
            source_ranges.clear();
        }
        let health_check_node_port =
            if svc.kind == ServiceType::LoadBalancer && external_policy_local {
                svc.health_check_node_port
            } else {
                None
            };
        for sp in &svc.ports {
            let mut endpoints: Vec<EndpointInfo> = Vec::new();
            let of_svc = slices
                .get(&(svc.namespace.as_str(), svc.name.as_str()))
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for slice in of_svc {
                for p in slice.ports.iter().filter(|p| {
                    p.protocol == sp.protocol
                        && p.name.as_deref().unwrap_or("") == sp.name.as_deref().unwrap_or("")
                }) {
                    for e in &slice.endpoints {
                        let is_local = e.node_name.as_deref() == Some(node_name);
                        let ep = EndpointInfo {
                            ip: e.ip,
                            port: p.port,
                            is_local,
                            ready: e.ready,
                            serving: e.serving,
                            terminating: e.terminating,
                            node_name: e.node_name.clone(),
                            pod: e.pod.clone(),
                        };
                        match endpoints
                            .iter_mut()
                            .find(|x| x.ip == ep.ip && x.port == ep.port)
                        {
                            None => endpoints.push(ep),
                            Some(x) if is_local => *x = ep,
                            Some(_) => {}
                        }
                    }
                }
            }
            sort::sort_by_cached_key(&mut endpoints, |e| e.key());
            let mut info = ServicePortInfo {
                namespace: svc.namespace.clone(),
                service: svc.name.clone(),
                port_name: sp.name.clone(),
                protocol: sp.protocol,
                cluster_ip,
                port: sp.port,
                node_port: node_port(svc, sp),
                external_ips: svc.external_ips.clone(),
                load_balancer_ips: load_balancer_ips.clone(),
                load_balancer_source_ranges: source_ranges.clone(),
                health_check_node_port,
                session_affinity: svc.session_affinity,
                external_policy_local,
                internal_policy_local,
                endpoints,
                cluster_endpoints: Vec::new(),
                local_endpoints: Vec::new(),
                reachable_endpoints: Vec::new(),
                has_any_endpoints: false,
            };
            categorize(&mut info);
            out.push(info);
        }
    }
    // The key is the `namespace/name` string, not the pair: the tests'
    // sort compares the comment up to the first space or colon.
    sort::sort_by_cached_key(&mut out, |p| {
        (
            format!("{}/{}", p.namespace, p.service),
            p.port_name.clone().unwrap_or_default(),
            p.protocol,
        )
    });
    Ok(out)
}

/// What makes one node's rules differ from another's, so that nodes
/// whose rules are the same can share one ruleset.
///
/// First the node's kube-proxy mode; in nftables mode also the node's IP
/// (the `nodeport-ips` set holds it: nodePortAddresses `primary`).
///
/// A node enters its rules only through (1) which endpoints are local,
/// which matters for Services with a Local traffic policy, and for an
/// `ip:port` given twice (the local copy wins), and (2) whether its IP is
/// inside a load balancer source range. Two nodes of the same
/// [`NodeClass`] get the same ruleset (a test checks it on every
/// scenario). Deliberately coarse: a Service with either policy Local,
/// and every IP seen twice in one Service's slices, count.
#[derive(Debug, Clone, Default)]
pub struct NodeClasses {
    /// Node name -> its endpoints that the rules depend on, as (slice
    /// index, endpoint index), in scenario order.
    /// (Through `node_at`, node name -> index into `sensitive`: a map type
    /// the model already has, instead of one more hash map.)
    node_at: BTreeMap<String, usize>,
    sensitive: Vec<Vec<(usize, usize)>>,
    /// Every load balancer source range.
    ranges: Vec<Ipv4Net>,
    /// Each node's kube-proxy mode.
    modes: BTreeMap<String, ProxyMode>,
    /// nodePortAddresses is set (not `0.0.0.0/0`): iptables mode's
    /// rules name the node's addresses too.
    iptables_by_ip: bool,
}

/// See [`NodeClasses`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeClass {
    mode: Option<ProxyMode>,
    /// nftables mode, or iptables mode with nodePortAddresses: the node's IP.
    node_ip: Option<Ipv4Addr>,
    endpoints: Vec<(usize, usize)>,
    in_ranges: Vec<bool>,
}

impl NodeClasses {
    pub fn new(scenario: &Scenario) -> NodeClasses {
        // The Services with a Local policy, sorted (looked up by binary
        // search: one hash map type fewer in the wasm).
        let mut local_policy: Vec<(&str, &str)> = scenario
            .services
            .iter()
            .filter(|s| {
                s.internal_traffic_policy == TrafficPolicy::Local
                    || s.external_traffic_policy == TrafficPolicy::Local
            })
            .map(|s| (s.namespace.as_str(), s.name.as_str()))
            .collect();
        sort::sort(&mut local_policy);
        // How often each IP appears among a Service's slices.
        let mut seen: HashMap<(&str, &str, Ipv4Addr), usize> = HashMap::default();
        for slice in &scenario.endpoint_slices {
            for e in &slice.endpoints {
                *seen
                    .entry((slice.namespace.as_str(), slice.service.as_str(), e.ip))
                    .or_default() += 1;
            }
        }
        let mut node_at: BTreeMap<String, usize> = BTreeMap::new();
        let mut sensitive: Vec<Vec<(usize, usize)>> = Vec::new();
        for (si, slice) in scenario.endpoint_slices.iter().enumerate() {
            let key = (slice.namespace.as_str(), slice.service.as_str());
            let local = local_policy.binary_search(&key).is_ok();
            for (ei, e) in slice.endpoints.iter().enumerate() {
                let Some(node) = &e.node_name else { continue };
                if local || seen[&(key.0, key.1, e.ip)] > 1 {
                    let i = *node_at.entry(node.clone()).or_insert(sensitive.len());
                    if i == sensitive.len() {
                        sensitive.push(Vec::new());
                    }
                    sensitive[i].push((si, ei));
                }
            }
        }
        let ranges = scenario
            .services
            .iter()
            .flat_map(|s| s.load_balancer_source_ranges.iter().copied())
            .collect();
        let modes = scenario
            .nodes
            .iter()
            .map(|n| (n.name.clone(), scenario.proxy_mode(n)))
            .collect();
        NodeClasses {
            node_at,
            sensitive,
            ranges,
            modes,
            iptables_by_ip: scenario
                .proxy_config()
                .node_port_cidrs(ProxyMode::Iptables, Ipv4Addr::UNSPECIFIED)
                .is_some(),
        }
    }

    /// The class of the node named `node` with address `ip`.
    pub fn class(&self, node: &str, ip: Ipv4Addr) -> NodeClass {
        let mode = self.modes.get(node).copied();
        NodeClass {
            mode,
            node_ip: (mode == Some(ProxyMode::Nftables)
                || (mode == Some(ProxyMode::Iptables) && self.iptables_by_ip))
                .then_some(ip),
            endpoints: self
                .node_at
                .get(node)
                .map(|&i| self.sensitive[i].clone())
                .unwrap_or_default(),
            in_ranges: self.ranges.iter().map(|r| r.contains(&ip)).collect(),
        }
    }
}

/// kube-proxy's `CategorizeEndpoints` (without topology hints, which the
/// model does not carry).
fn categorize(info: &mut ServicePortInfo) {
    let eps = &info.endpoints;
    if eps.is_empty() {
        return;
    }
    let mut cluster = Vec::new();
    let mut has_any = false;
    if info.uses_cluster_endpoints() {
        cluster = eps.iter().filter(|e| e.ready).cloned().collect::<Vec<_>>();
        if cluster.is_empty() {
            cluster = eps
                .iter()
                .filter(|e| e.serving && e.terminating)
                .cloned()
                .collect();
        }
        has_any = !cluster.is_empty();
    }
    if !info.uses_local_endpoints() {
        info.reachable_endpoints = cluster.clone();
        info.cluster_endpoints = cluster;
        info.has_any_endpoints = has_any;
        return;
    }
    let mut local_ready = false;
    let mut local_serving_terminating = false;
    for e in eps {
        if e.ready {
            has_any = true;
            local_ready |= e.is_local;
        } else if e.serving && e.terminating {
            has_any = true;
            local_serving_terminating |= e.is_local;
        }
    }
    let mut use_serving_terminating = false;
    let local: Vec<EndpointInfo> = if local_ready {
        eps.iter()
            .filter(|e| e.is_local && e.ready)
            .cloned()
            .collect()
    } else if local_serving_terminating {
        use_serving_terminating = true;
        eps.iter()
            .filter(|e| e.is_local && e.serving && e.terminating)
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    info.has_any_endpoints = has_any;
    if !info.uses_cluster_endpoints() {
        info.reachable_endpoints = local.clone();
        info.local_endpoints = local;
        return;
    }
    if !use_serving_terminating {
        // Cluster endpoints are every ready endpoint: a superset of the
        // local ready ones.
        info.reachable_endpoints = cluster.clone();
    } else {
        // Merge (kube-proxy builds a map here; sort for a stable order).
        let mut all = cluster.clone();
        for e in &local {
            if !all.iter().any(|x| x.key() == e.key()) {
                all.push(e.clone());
            }
        }
        sort::sort_by_cached_key(&mut all, |e| e.key());
        info.reachable_endpoints = all;
    }
    info.cluster_endpoints = cluster;
    info.local_endpoints = local;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;

    fn load(yaml: &str) -> Scenario {
        match model::load(yaml) {
            Ok(l) => l.scenario,
            Err(e) => panic!("scenario does not load: {e:?}"),
        }
    }

    const BASE: &str = r#"
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.0.1.0/24}
status: {addresses: [{type: InternalIP, address: 10.100.0.2}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
spec: {podCIDR: 10.0.2.0/24}
status: {addresses: [{type: InternalIP, address: 10.100.0.3}]}
"#;

    fn with(extra: &str) -> Scenario {
        load(&format!("{BASE}---\n{extra}"))
    }

    #[test]
    fn endpoints_sort_as_strings() {
        let s = with(
            r#"
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  clusterIP: 10.3.240.10
  ports: [{name: p, port: 11}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: svc-a
  labels: {kubernetes.io/service-name: svc}
addressType: IPv4
endpoints:
- addresses: [10.1.1.1]
- addresses: [10.1.1.11]
- addresses: [10.1.1.2]
ports: [{name: p, port: 11}]
"#,
        );
        let sp = service_ports(&s, "node-1").unwrap();
        let keys: Vec<String> = sp[0].endpoints.iter().map(|e| e.key()).collect();
        assert_eq!(keys, ["10.1.1.11:11", "10.1.1.1:11", "10.1.1.2:11"]);
    }

    #[test]
    fn unknown_node_is_an_error() {
        let s = with("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {nodeName: node-1}\n");
        assert_eq!(
            service_ports(&s, "node-9"),
            Err(Error::UnknownNode("node-9".into()))
        );
    }

    #[test]
    fn terminating_endpoints_used_only_when_none_is_ready() {
        let yaml = |ready2: bool| {
            format!(
                r#"
apiVersion: v1
kind: Service
metadata: {{name: svc}}
spec:
  clusterIP: 10.3.240.10
  ports: [{{name: p, port: 80}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: svc-a
  labels: {{kubernetes.io/service-name: svc}}
endpoints:
- addresses: [10.0.1.5]
  conditions: {{ready: false, serving: true, terminating: true}}
- addresses: [10.0.2.5]
  conditions: {{ready: {ready2}, serving: {ready2}, terminating: false}}
ports: [{{name: p, port: 80}}]
"#
            )
        };
        let s = with(&yaml(true));
        let sp = &service_ports(&s, "node-1").unwrap()[0];
        let keys: Vec<String> = sp.cluster_endpoints.iter().map(|e| e.key()).collect();
        assert_eq!(keys, ["10.0.2.5:80"]);
        let s = with(&yaml(false));
        let sp = &service_ports(&s, "node-1").unwrap()[0];
        let keys: Vec<String> = sp.cluster_endpoints.iter().map(|e| e.key()).collect();
        assert_eq!(keys, ["10.0.1.5:80"]);
        assert!(sp.has_any_endpoints);
    }

    #[test]
    fn slice_ports_match_by_name_and_protocol() {
        let s = with(
            r#"
apiVersion: v1
kind: Service
metadata: {name: dns}
spec:
  clusterIP: 10.3.240.10
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: dns-a
  labels: {kubernetes.io/service-name: dns}
endpoints:
- addresses: [10.0.1.5]
ports:
- {name: dns, port: 5353, protocol: UDP}
- {name: dns-tcp, port: 5354, protocol: TCP}
- {name: dns, port: 9999, protocol: TCP}
"#,
        );
        let sp = service_ports(&s, "node-1").unwrap();
        let summary: Vec<(String, Protocol, Vec<String>)> = sp
            .iter()
            .map(|p| {
                (
                    p.name_string(),
                    p.protocol,
                    p.endpoints.iter().map(|e| e.key()).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "default/dns:dns".to_string(),
                    Protocol::Udp,
                    vec!["10.0.1.5:5353".to_string()]
                ),
                (
                    "default/dns:dns-tcp".to_string(),
                    Protocol::Tcp,
                    vec!["10.0.1.5:5354".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn local_policy_categorises_per_node() {
        let s = with(
            r#"
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  clusterIP: 10.3.240.10
  ports: [{port: 80, nodePort: 30080}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-a
  labels: {kubernetes.io/service-name: web}
endpoints:
- {addresses: [10.0.1.5], nodeName: node-1}
- {addresses: [10.0.2.5], nodeName: node-2}
- {addresses: [10.0.2.6], nodeName: node-2}
ports: [{port: 8080}]
"#,
        );
        let n1 = &service_ports(&s, "node-1").unwrap()[0];
        assert_eq!(n1.name_string(), "default/web");
        assert!(
            n1.external_policy_local && n1.uses_cluster_endpoints() && n1.uses_local_endpoints()
        );
        assert_eq!(n1.cluster_endpoints.len(), 3);
        assert_eq!(
            n1.local_endpoints
                .iter()
                .map(|e| e.key())
                .collect::<Vec<_>>(),
            ["10.0.1.5:8080"]
        );
        assert_eq!(n1.reachable_endpoints.len(), 3);
        assert_eq!(n1.local_ready_endpoints(), 1);
        let n2 = &service_ports(&s, "node-2").unwrap()[0];
        assert_eq!(n2.local_endpoints.len(), 2);
        assert_eq!(n2.local_ready_endpoints(), 2);
    }
}
