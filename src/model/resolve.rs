//! [`Object`]s -> [`Scenario`]: validation, defaults, scheduling, IPAM and
//! derived EndpointSlices, in one deterministic pass.
//!
//! Order matters for determinism and for export round trips: explicit
//! addresses and ports are reserved first, then missing ones are allocated
//! in document order (standalone pods before Deployment replicas).

use super::error::Sink;
use super::ipam::{safe_suffix, CidrPool, IpPool, PortPool};
use super::k8s::{self, IntOrString, Object};
use super::parse::Located;
use super::scenario::*;
use super::syntax;
use crate::sort::collect_by_insert;
use ipnet::Ipv4Net;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};
use std::net::Ipv4Addr;

/// The label tying an EndpointSlice to its Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// Most replicas one Deployment may ask for (a guard for the browser).
pub const MAX_REPLICAS: i64 = 1000;

/// A namespace and a name as one key (its length first, so no two pairs
/// share one): the model's sets of object keys are all `BTreeSet<String>`,
/// one B-tree instance in the wasm rather than one per key type.
pub(crate) fn pair_key(namespace: &str, name: &str) -> String {
    format!("{}:{namespace}/{name}", namespace.len())
}

pub(crate) fn resolve(objects: Vec<Located>, sink: &mut Sink) -> Scenario {
    let mut r = Resolver {
        sink,
        scenario: Scenario::default(),
    };
    let mut clusters = Vec::new();
    let mut proxies = Vec::new();
    let mut nodes = Vec::new();
    let mut routes = Vec::new();
    let mut pods = Vec::new();
    let mut deployments = Vec::new();
    let mut services = Vec::new();
    let mut slices = Vec::new();
    let inferred = super::infer::infer(&objects);
    for Located { document, object } in objects {
        match object {
            Object::Cluster(o) => clusters.push((document, o)),
            Object::KubeProxyConfiguration(o) => proxies.push((document, o)),
            Object::Node(o) => nodes.push(o),
            Object::Route(o) => routes.push(o),
            Object::Pod(o) => pods.push(o),
            Object::Deployment(o) => deployments.push(o),
            Object::Service(o) => services.push(o),
            Object::EndpointSlice(o) => slices.push(o),
        }
    }
    // An inferred plan is used only when it holds together; else the
    // story's applies and the objects that do not fit it are named (a
    // stray address in a story-like scenario is an error, not a new plan).
    let inferred = inferred.and_then(|(c, notes)| {
        let mut scratch = Sink::default();
        let mut trial = Resolver {
            sink: &mut scratch,
            scenario: Scenario::default(),
        };
        trial.cluster_spec(super::infer::LABEL, &c.spec);
        let cfg = trial.scenario.cluster;
        scratch.errors.is_empty().then_some((cfg, notes))
    });
    match inferred {
        Some((cfg, notes)) => {
            r.sink.notes.extend(notes);
            r.scenario.cluster = cfg;
        }
        None => r.cluster(clusters),
    }
    r.proxy(proxies);
    r.nodes(nodes);
    r.routes(routes);
    r.pods(pods, deployments);
    r.services(services);
    r.endpoint_slices(slices);
    r.scenario
}

struct Resolver<'a> {
    sink: &'a mut Sink,
    scenario: Scenario,
}

pub(super) fn name_or_empty(meta: &k8s::ObjectMeta) -> String {
    meta.name.clone().unwrap_or_default()
}

/// The object's namespace, `default` when none is given.
pub(super) fn namespace_of(meta: &k8s::ObjectMeta) -> String {
    meta.namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| defaults::NAMESPACE.to_string())
}

fn protocol(p: Option<&str>) -> Result<Protocol, String> {
    match p.unwrap_or("TCP") {
        "TCP" => Ok(Protocol::Tcp),
        "UDP" => Ok(Protocol::Udp),
        "SCTP" => Ok(Protocol::Sctp),
        other => Err(format!("unknown protocol {other:?} (TCP, UDP or SCTP)")),
    }
}

fn ready_from(conditions: &[k8s::Condition]) -> bool {
    conditions
        .iter()
        .find(|c| c.kind == "Ready")
        .is_none_or(|c| c.status == "True")
}

impl Resolver<'_> {
    fn err(&mut self, object: &str, field: impl Into<String>, message: impl Into<String>) {
        self.sink.error(object, field, message);
    }

    fn labels(&mut self, object: &str, field: &str, labels: &Labels) {
        for (k, v) in labels {
            if let Err(e) = syntax::label_key(k) {
                self.err(object, format!("{field}.{k}"), e);
            }
            if let Err(e) = syntax::label_value(v) {
                self.err(object, format!("{field}.{k}"), e);
            }
        }
    }

    // ------------------------------------------------------------ Cluster

    fn cluster(&mut self, clusters: Vec<(usize, k8s::Cluster)>) {
        let mut it = clusters.into_iter();
        let Some((_, c)) = it.next() else { return };
        for (doc, _) in it {
            self.err(
                &format!("Cluster in document {doc}"),
                "",
                "only one netlab/v1 Cluster may be given",
            );
        }
        let label = format!(
            "Cluster {}",
            c.metadata.name.as_deref().unwrap_or("cluster")
        );
        self.cluster_spec(&label, &c.spec);
    }

    /// A Cluster's spec, given or inferred (`label` names it in messages).
    fn cluster_spec(&mut self, label: &str, s: &k8s::ClusterSpec) {
        let label = label.to_string();
        let mut cfg = ClusterConfig::default();
        match s.pod_addressing.as_deref() {
            None | Some("") | Some("nodePodCIDR") => {}
            Some("nodeNetwork") => cfg.pods_on_node_network = true,
            Some(other) => self.err(
                &label,
                "spec.podAddressing",
                format!("unknown value {other:?} (nodePodCIDR or nodeNetwork)"),
            ),
        }
        let cidr_field = |r: &mut Self, v: &Option<String>, field: &str, into: &mut Ipv4Net| {
            if let Some(v) = v {
                match syntax::cidr(v) {
                    Ok(n) => *into = n,
                    Err(e) => r.err(&label, field, e),
                }
            }
        };
        cidr_field(self, &s.node_cidr, "spec.nodeCIDR", &mut cfg.node_cidr);
        cidr_field(self, &s.pod_cidr, "spec.podCIDR", &mut cfg.pod_cidr);
        cidr_field(
            self,
            &s.service_cidr,
            "spec.serviceCIDR",
            &mut cfg.service_cidr,
        );
        if cfg.pods_on_node_network {
            // The pods' network is the node network.
            if s.pod_cidr.is_some() && cfg.pod_cidr != cfg.node_cidr {
                self.err(
                    &label,
                    "spec.podCIDR",
                    format!(
                        "{} must be spec.nodeCIDR {} (or be left out) with podAddressing nodeNetwork",
                        cfg.pod_cidr, cfg.node_cidr
                    ),
                );
            }
            cfg.pod_cidr = cfg.node_cidr;
        }
        if cfg.node_cidr.prefix_len() > 29 {
            self.err(
                &label,
                "spec.nodeCIDR",
                format!(
                    "{} is too small for a node network (at most /29)",
                    cfg.node_cidr
                ),
            );
        }
        if cfg.pod_cidr.prefix_len() > 30 {
            // A node's pod CIDR is at most /30 (a bridge and a pod).
            self.err(
                &label,
                "spec.podCIDR",
                format!("{} is too small for pods (at most /30)", cfg.pod_cidr),
            );
        }
        if cfg.service_cidr.prefix_len() > 28 {
            self.err(
                &label,
                "spec.serviceCIDR",
                format!("{} is too small (at most /28)", cfg.service_cidr),
            );
        }
        if let Some(m) = s.node_pod_cidr_mask {
            if !(i64::from(cfg.pod_cidr.prefix_len())..=30).contains(&m) {
                self.err(
                    &label,
                    "spec.nodePodCIDRMask",
                    format!(
                        "{m} must be between the pod CIDR's length /{} and 30",
                        cfg.pod_cidr.prefix_len()
                    ),
                );
            } else {
                cfg.node_pod_cidr_mask = m as u8;
            }
        } else if cfg.node_pod_cidr_mask < cfg.pod_cidr.prefix_len() {
            cfg.node_pod_cidr_mask = cfg.pod_cidr.prefix_len();
        }
        // The service network may be carved out of the pod network (GKE's
        // classic 10.0.0.0/14 with services in 10.3.240.0/20, the story's
        // plan); node pod CIDRs then avoid it. The node network may overlap
        // neither.
        let overlaps = |a: Ipv4Net, b: Ipv4Net| a.contains(&b) || b.contains(&a);
        for (field, net) in [
            ("spec.podCIDR", cfg.pod_cidr),
            ("spec.serviceCIDR", cfg.service_cidr),
        ] {
            if field == "spec.podCIDR" && cfg.pods_on_node_network {
                continue;
            }
            if overlaps(cfg.node_cidr, net) {
                self.err(
                    &label,
                    field,
                    format!("{net} overlaps spec.nodeCIDR {}", cfg.node_cidr),
                );
            }
        }
        if cfg.service_cidr.contains(&cfg.pod_cidr) {
            self.err(
                &label,
                "spec.serviceCIDR",
                format!(
                    "{} leaves no room for pods in spec.podCIDR {}",
                    cfg.service_cidr, cfg.pod_cidr
                ),
            );
        }
        if let Some(r) = &s.node_port_range {
            match parse_port_range(r) {
                Ok(pr) => cfg.node_port_range = pr,
                Err(e) => self.err(&label, "spec.nodePortRange", e),
            }
        }
        if let Some(st) = &s.load_balancer_style {
            match st.as_str() {
                "passThrough" => cfg.load_balancer_style = LoadBalancerStyle::PassThrough,
                "nodePort" => cfg.load_balancer_style = LoadBalancerStyle::NodePort,
                other => self.err(
                    &label,
                    "spec.loadBalancerStyle",
                    format!("unknown style {other:?} (passThrough or nodePort)"),
                ),
            }
        }
        self.scenario.cluster = cfg;
    }

    fn proxy(&mut self, proxies: Vec<(usize, k8s::KubeProxyConfiguration)>) {
        let mut it = proxies.into_iter();
        let Some((doc, p)) = it.next() else { return };
        for (doc, _) in it {
            self.err(
                &format!("KubeProxyConfiguration in document {doc}"),
                "",
                "only one may be given",
            );
        }
        let label = format!("KubeProxyConfiguration in document {doc}");
        let mut cfg = ProxyConfig::default_for(&self.scenario.cluster);
        // A mode is simulated as itself or refused, never replaced.
        match p.mode.as_deref() {
            None | Some("") | Some("iptables") => cfg.mode = ProxyMode::Iptables,
            Some("nftables") => cfg.mode = ProxyMode::Nftables,
            Some("ipvs") => self.err(
                &label,
                "mode",
                "ipvs: IPVS mode is deprecated since Kubernetes v1.35 and not modelled; use iptables or nftables (both modelled here)",
            ),
            Some("kernelspace") => self.err(
                &label,
                "mode",
                "kernelspace: Windows' mode (HNS) is not modelled; iptables and nftables are",
            ),
            Some("userspace") => self.err(
                &label,
                "mode",
                "userspace: this mode was removed in Kubernetes v1.26; iptables and nftables are modelled",
            ),
            Some(other) => self.err(
                &label,
                "mode",
                format!("unknown mode {other:?} (iptables or nftables; ipvs is not modelled)"),
            ),
        }
        if p.cluster_cidr.as_deref() == Some("") {
            cfg.cluster_cidr = None;
        } else if let Some(c) = p.cluster_cidr.as_deref() {
            match syntax::cidr(c) {
                Ok(n) => cfg.cluster_cidr = Some(n),
                Err(e) => self.err(&label, "clusterCIDR", e),
            }
        }
        if let Some(ipt) = &p.iptables {
            cfg.masquerade_all = ipt.masquerade_all.unwrap_or(false);
            if let Some(bit) = ipt.masquerade_bit {
                if (0..=31).contains(&bit) {
                    cfg.masquerade_bit = bit as u8;
                } else {
                    self.err(
                        &label,
                        "iptables.masqueradeBit",
                        format!("{bit} must be between 0 and 31"),
                    );
                }
            }
        }
        // `nodePortAddresses: null` (kubeadm writes it) is unset.
        let npa = p.node_port_addresses.as_deref().unwrap_or(&[]);
        cfg.node_port_addresses = self.node_port_addresses(&label, npa);
        self.scenario.proxy = Some(cfg);
    }

    /// `nodePortAddresses`, as kube-proxy validates it
    /// (`validateKubeProxyNodePortAddress`): `primary` alone, or CIDRs
    /// (host bits allowed, as `ParseCIDRSloppy` reads them).
    fn node_port_addresses(&mut self, label: &str, v: &[String]) -> NodePortAddresses {
        if v.is_empty() {
            return NodePortAddresses::Unset;
        }
        let mut cidrs = Vec::new();
        for (i, s) in v.iter().enumerate() {
            let field = format!("nodePortAddresses[{i}]");
            if s == "primary" {
                if v.len() != 1 {
                    self.err(label, &field, "primary: can't use both 'primary' and CIDRs");
                }
                continue;
            }
            match s.trim().parse::<ipnet::Ipv4Net>() {
                Ok(n) => cidrs.push(n.trunc()),
                Err(_) if s.contains(':') => self.err(
                    label,
                    &field,
                    format!("{s:?} is an IPv6 CIDR; the playground models IPv4 only"),
                ),
                Err(_) => self.err(
                    label,
                    &field,
                    format!("{s:?} must be a valid CIDR (like 10.100.0.0/24), or primary alone"),
                ),
            }
        }
        if cidrs.is_empty() {
            NodePortAddresses::Primary
        } else {
            NodePortAddresses::Cidrs(cidrs)
        }
    }

    // ------------------------------------------------------------ Nodes

    fn nodes(&mut self, nodes: Vec<k8s::Node>) {
        let cluster = self.scenario.cluster.clone();
        let mut ips = IpPool::new(cluster.node_cidr);
        ips.reserve(cluster.vpc_gateway());
        let mut cidrs = CidrPool::new(cluster.pod_cidr, cluster.node_pod_cidr_mask);
        let services_inside = cluster.pod_cidr.contains(&cluster.service_cidr);
        if services_inside {
            // Keep node pod CIDRs off the service network carved out of it.
            let _ = cidrs.reserve(cluster.service_cidr);
        }
        let mut names = BTreeSet::new();
        // (node, wants ip, wants cidr)
        let mut pending: Vec<(Node, bool, bool)> = Vec::new();
        for n in nodes {
            let name = name_or_empty(&n.metadata);
            let label = format!("Node {name}");
            if let Err(e) = syntax::dns_subdomain(&name) {
                self.err(&label, "metadata.name", e);
                continue;
            }
            if !names.insert(name.clone()) {
                self.err(
                    &label,
                    "metadata.name",
                    "a Node of this name is given twice",
                );
                continue;
            }
            self.labels(&label, "metadata.labels", &n.metadata.labels);
            if let Some(mode) = n.metadata.labels.get(KUBE_PROXY_MODE_LABEL) {
                let field = format!("metadata.labels[{KUBE_PROXY_MODE_LABEL:?}]");
                match mode.as_str() {
                    "iptables" | "nftables" => {}
                    "ipvs" => self.err(
                        &label,
                        &field,
                        "ipvs: IPVS mode is deprecated since Kubernetes v1.35 and not modelled; use iptables or nftables",
                    ),
                    other => self.err(
                        &label,
                        &field,
                        format!("unknown kube-proxy mode {other:?} (iptables or nftables)"),
                    ),
                }
            }
            let mut node = Node {
                name,
                labels: n.metadata.labels.clone(),
                pod_cidr: cluster.pod_cidr,
                internal_ip: Ipv4Addr::UNSPECIFIED,
                ready: ready_from(&n.status.conditions),
            };
            let addr = n
                .status
                .addresses
                .iter()
                .position(|a| a.kind == "InternalIP");
            // A given address is never replaced by an allocated one, even
            // when it is rejected: the problem is reported once, on it.
            let wants_ip = addr.is_none();
            if let Some(i) = addr {
                let field = format!("status.addresses[{i}].address");
                match syntax::ipv4(&n.status.addresses[i].address) {
                    Err(e) => self.err(&label, field, e),
                    Ok(ip) if !syntax::is_host_of(cluster.node_cidr, ip) => self.err(
                        &label,
                        field,
                        format!("{ip} is outside the node network {}", cluster.node_cidr),
                    ),
                    Ok(ip) if ip == cluster.vpc_gateway() => {
                        self.err(&label, field, format!("{ip} is the VPC router's address"))
                    }
                    Ok(ip) => {
                        if ips.reserve(ip) {
                            node.internal_ip = ip;
                        } else {
                            self.err(
                                &label,
                                field,
                                format!("duplicate IP {ip}: another Node has it"),
                            );
                        }
                    }
                }
            }
            let (cidr_text, cidr_field) = match (&n.spec.pod_cidr, n.spec.pod_cidrs.first()) {
                (Some(c), _) => (Some(c.clone()), "spec.podCIDR"),
                (None, Some(c)) => (Some(c.clone()), "spec.podCIDRs[0]"),
                _ => (None, ""),
            };
            let wants_cidr = cidr_text.is_none() && !cluster.pods_on_node_network;
            if cluster.pods_on_node_network {
                // Pods take node-network addresses: no pod CIDR per node.
                if cidr_text.is_some() {
                    self.err(
                        &label,
                        cidr_field,
                        "a node has no pod CIDR when the Cluster's podAddressing is nodeNetwork",
                    );
                }
                node.pod_cidr = cluster.node_cidr;
            } else if let Some(c) = cidr_text {
                match syntax::cidr(&c) {
                    Err(e) => self.err(&label, cidr_field, e),
                    Ok(net) if !cluster.pod_cidr.contains(&net) => self.err(
                        &label,
                        cidr_field,
                        format!(
                            "{net} is outside the cluster's pod network {}",
                            cluster.pod_cidr
                        ),
                    ),
                    Ok(net) if net.prefix_len() > 30 => self.err(
                        &label,
                        cidr_field,
                        format!("{net} is too small for pods (at most /30)"),
                    ),
                    Ok(net) => match cidrs.reserve(net) {
                        Ok(()) => node.pod_cidr = net,
                        Err(o) if services_inside && o == cluster.service_cidr => self.err(
                            &label,
                            cidr_field,
                            format!("{net} overlaps the service network {o}"),
                        ),
                        Err(o) => self.err(
                            &label,
                            cidr_field,
                            format!("{net} overlaps another Node's pod CIDR {o}"),
                        ),
                    },
                }
            }
            pending.push((node, wants_ip, wants_cidr));
        }
        for (mut node, wants_ip, wants_cidr) in pending {
            let label = format!("Node {}", node.name);
            if wants_ip {
                match ips.next_free() {
                    Some(ip) => node.internal_ip = ip,
                    None => self.err(
                        &label,
                        "status.addresses",
                        format!(
                            "no free address left in the node network {}",
                            cluster.node_cidr
                        ),
                    ),
                }
            }
            if wants_cidr {
                match cidrs.next_free() {
                    Some(c) => node.pod_cidr = c,
                    None => self.err(
                        &label,
                        "spec.podCIDR",
                        format!(
                            "no free /{} left in the pod network {}",
                            cluster.node_pod_cidr_mask, cluster.pod_cidr
                        ),
                    ),
                }
            }
            self.scenario.nodes.push(node);
        }
    }

    // ------------------------------------------------------------ Routes

    fn routes(&mut self, routes: Vec<k8s::Route>) {
        let mut names = BTreeSet::new();
        for r in routes {
            let name = name_or_empty(&r.metadata);
            let label = format!("Route {name}");
            if let Err(e) = syntax::dns_subdomain(&name) {
                self.err(&label, "metadata.name", e);
                continue;
            }
            if !names.insert(name.clone()) {
                self.err(
                    &label,
                    "metadata.name",
                    "a Route of this name is given twice",
                );
                continue;
            }
            let destination = match syntax::cidr(&r.spec.destination) {
                Ok(d) => d,
                Err(e) => {
                    self.err(&label, "spec.destination", e);
                    continue;
                }
            };
            let hop = r.spec.next_hop.trim();
            let next_hop = if let Ok(ip) = syntax::ipv4(hop) {
                if !syntax::is_host_of(self.scenario.cluster.node_cidr, ip) {
                    self.err(
                        &label,
                        "spec.nextHop",
                        format!("{ip} is not on the node network {}; the VPC router can only forward to a neighbour", self.scenario.cluster.node_cidr),
                    );
                    continue;
                }
                if !self.scenario.nodes.iter().any(|n| n.internal_ip == ip) {
                    self.sink.warn(
                        &label,
                        "spec.nextHop",
                        format!("no Node has {ip}: traffic for {destination} will go nowhere"),
                    );
                }
                NextHop::Ip(ip)
            } else if syntax::dns_subdomain(hop).is_ok() {
                if self.scenario.node(hop).is_none() {
                    self.sink.warn(
                        &label,
                        "spec.nextHop",
                        format!(
                            "there is no Node {hop}: traffic for {destination} will go nowhere"
                        ),
                    );
                }
                NextHop::Node(hop.to_string())
            } else {
                self.err(
                    &label,
                    "spec.nextHop",
                    format!("{hop:?} is neither a node name nor an IP address"),
                );
                continue;
            };
            self.scenario.routes.push(StaticRoute {
                name,
                destination,
                next_hop,
            });
        }
    }

    // ------------------------------------------------------------ Pods

    fn container_ports(
        &mut self,
        label: &str,
        field: &str,
        spec: &k8s::PodSpec,
    ) -> Vec<ContainerPort> {
        let mut out = Vec::new();
        let mut names = BTreeSet::new();
        for (ci, c) in spec.containers.iter().enumerate() {
            for (pi, p) in c.ports.iter().enumerate() {
                let f = format!("{field}.containers[{ci}].ports[{pi}]");
                let port = match syntax::port(p.container_port) {
                    Ok(port) => port,
                    Err(e) => {
                        self.err(label, format!("{f}.containerPort"), e);
                        continue;
                    }
                };
                let proto = match protocol(p.protocol.as_deref()) {
                    Ok(pr) => pr,
                    Err(e) => {
                        self.err(label, format!("{f}.protocol"), e);
                        continue;
                    }
                };
                if let Some(n) = &p.name {
                    if let Err(e) = syntax::port_name(n) {
                        self.err(label, format!("{f}.name"), e);
                        continue;
                    }
                    if !names.insert(n.clone()) {
                        self.err(
                            label,
                            format!("{f}.name"),
                            format!("port name {n:?} is used twice in this pod"),
                        );
                        continue;
                    }
                }
                if out
                    .iter()
                    .any(|o: &ContainerPort| o.port == port && o.protocol == proto)
                {
                    self.err(
                        label,
                        format!("{f}.containerPort"),
                        format!("{port}/{} is declared twice in this pod", proto.as_k8s()),
                    );
                    continue;
                }
                out.push(ContainerPort {
                    name: p.name.clone(),
                    port,
                    protocol: proto,
                });
            }
        }
        out
    }

    fn pods(&mut self, pods: Vec<k8s::Pod>, deployments: Vec<k8s::Deployment>) {
        // Each node's pod addresses, found through `node_at` (name -> index;
        // the map type is `Load::rank`'s, one B-tree instance for both). With
        // pods on the node network, one pool of its free addresses.
        let shared = self.scenario.cluster.pods_on_node_network;
        let mut pools: Vec<IpPool> = if shared {
            let c = &self.scenario.cluster;
            let mut p = IpPool::new(c.node_cidr);
            p.reserve(c.vpc_gateway());
            for n in &self.scenario.nodes {
                p.reserve(n.internal_ip);
            }
            vec![p]
        } else {
            self.scenario
                .nodes
                .iter()
                .map(|n| {
                    let mut p = IpPool::new(n.pod_cidr);
                    p.reserve(n.bridge_ip());
                    p
                })
                .collect()
        };
        let pool_of = |i: usize| if shared { 0 } else { i };
        // Node addresses by their text, for messages (pods on the node network).
        let node_ips: BTreeMap<String, String> = if shared {
            collect_by_insert(
                self.scenario
                    .nodes
                    .iter()
                    .map(|n| (n.internal_ip.to_string(), n.name.clone())),
            )
        } else {
            BTreeMap::new()
        };
        let node_at: BTreeMap<String, usize> = collect_by_insert(
            self.scenario
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.name.clone(), i)),
        );
        let mut keys = BTreeSet::new();
        let mut load = Load::new(&self.scenario.nodes);
        let mut out: Vec<Pod> = Vec::new();
        // (index into out, needs an IP)
        let mut needs_ip: Vec<usize> = Vec::new();

        for p in pods {
            let name = name_or_empty(&p.metadata);
            let namespace = namespace_of(&p.metadata);
            let label = format!("Pod {namespace}/{name}");
            if let Err(e) = syntax::dns_subdomain(&name) {
                self.err(&label, "metadata.name", e);
                continue;
            }
            if let Err(e) = syntax::dns_label(&namespace) {
                self.err(&label, "metadata.namespace", e);
                continue;
            }
            if !keys.insert(pair_key(&namespace, &name)) {
                self.err(
                    &label,
                    "metadata.name",
                    "a Pod of this name is given twice in this namespace",
                );
                continue;
            }
            if p.spec.host_network {
                self.sink.note(
                    &label,
                    "spec.hostNetwork",
                    "host-network pods are not modelled; ignored",
                );
                continue;
            }
            self.labels(&label, "metadata.labels", &p.metadata.labels);
            let ports = self.container_ports(&label, "spec", &p.spec);
            let node_name = match &p.spec.node_name {
                Some(n) if !n.is_empty() => {
                    if !load.knows(n) {
                        self.err(&label, "spec.nodeName", format!("unknown node {n:?}"));
                        continue;
                    }
                    Some(n.clone())
                }
                // An address comes from a node's CNI: the node must be named,
                // not left to the scheduler (which may pick another).
                _ if p.status.pod_ip.as_deref().is_some_and(|ip| !ip.is_empty()) => {
                    self.err(
                        &label,
                        "status.podIP",
                        "a pod with an IP must name its node in spec.nodeName",
                    );
                    continue;
                }
                _ => self.schedule(&p.spec.node_selector, &mut load),
            };
            if let Some(n) = &node_name {
                load.add(n);
            }
            let phase_ok = !matches!(
                p.status.phase.as_deref(),
                Some("Pending" | "Failed" | "Succeeded")
            );
            let mut pod = Pod {
                namespace,
                name,
                labels: p.metadata.labels.clone(),
                node_name: node_name.clone(),
                node_selector: p.spec.node_selector.clone(),
                ip: None,
                ready: phase_ok && ready_from(&p.status.conditions) && node_name.is_some(),
                ports,
                owner: None,
            };
            match (&p.status.pod_ip, &node_name) {
                (Some(ip), Some(node)) if !ip.is_empty() => {
                    let field = "status.podIP";
                    let pool = &mut pools[pool_of(*node_at.get(node).expect("pool per node"))];
                    let node_cidr = pool.net();
                    match syntax::ipv4(ip) {
                        Err(e) => self.err(&label, field, e),
                        Ok(ip) if shared && !syntax::is_host_of(node_cidr, ip) => self.err(
                            &label,
                            field,
                            format!("{ip} is outside the node network {node_cidr}, where pods take their addresses (podAddressing nodeNetwork)"),
                        ),
                        Ok(ip) if !syntax::is_host_of(node_cidr, ip) => self.err(
                            &label,
                            field,
                            format!("{ip} is outside node {node}'s pod CIDR {node_cidr}"),
                        ),
                        Ok(ip) if shared && ip == crate::model::scenario::first_host(node_cidr) => {
                            self.err(&label, field, format!("{ip} is the VPC router's address"))
                        }
                        Ok(ip) if shared && node_ips.contains_key(&ip.to_string()) => self.err(
                            &label,
                            field,
                            format!("{ip} is Node {}'s address", node_ips[&ip.to_string()]),
                        ),
                        Ok(ip) if ip == crate::model::scenario::first_host(node_cidr) => self.err(
                            &label,
                            field,
                            format!("{ip} is node {node}'s cbr0 bridge address"),
                        ),
                        Ok(ip) => {
                            if pool.reserve(ip) {
                                pod.ip = Some(ip);
                            } else {
                                self.err(
                                    &label,
                                    field,
                                    format!("duplicate IP {ip}: another Pod has it"),
                                );
                            }
                        }
                    }
                }
                (_, Some(_)) => needs_ip.push(out.len()),
                _ => self.sink.warn(
                    &label,
                    "spec.nodeName",
                    "no Ready node fits: the pod stays Pending",
                ),
            }
            out.push(pod);
        }

        let mut generated: Vec<Pod> = Vec::new();
        let mut dkeys = BTreeSet::new();
        for d in deployments {
            if let Some(dep) = self.deployment(d, &mut dkeys, &out, &mut keys, &mut load) {
                let (dep, pods) = dep;
                generated.extend(pods);
                self.scenario.deployments.push(dep);
            }
        }
        for i in needs_ip {
            let pod = &mut out[i];
            let node = pod
                .node_name
                .clone()
                .expect("needs_ip only for scheduled pods");
            match node_at
                .get(&node)
                .and_then(|&i| pools[pool_of(i)].next_free())
            {
                Some(ip) => pod.ip = Some(ip),
                None => {
                    let label = format!("Pod {}/{}", pod.namespace, pod.name);
                    self.sink.error(
                        &label,
                        "status.podIP",
                        format!("node {node}'s pod CIDR has no free address left"),
                    );
                }
            }
        }
        for mut pod in generated {
            if let Some(node) = pod.node_name.clone() {
                match node_at
                    .get(&node)
                    .and_then(|&i| pools[pool_of(i)].next_free())
                {
                    Some(ip) => pod.ip = Some(ip),
                    None => {
                        let label = format!(
                            "Deployment {}/{}",
                            pod.namespace,
                            pod.owner.clone().unwrap_or_default()
                        );
                        self.sink.error(
                            &label,
                            "spec.replicas",
                            format!("node {node}'s pod CIDR has no free address left"),
                        );
                    }
                }
            }
            out.push(pod);
        }
        self.scenario.pods = out;
    }

    /// The kube-scheduler's choice, simplified: a Ready node matching the
    /// selector with the fewest pods, ties to the first in name order.
    fn schedule(&self, selector: &Labels, load: &mut Load) -> Option<String> {
        if selector.is_empty() {
            return load.least();
        }
        self.scenario
            .nodes
            .iter()
            .filter(|n| n.ready)
            .filter(|n| selector.iter().all(|(k, v)| n.labels.get(k) == Some(v)))
            .min_by(|a, b| {
                load.pods(&a.name)
                    .cmp(&load.pods(&b.name))
                    .then(a.name.cmp(&b.name))
            })
            .map(|n| n.name.clone())
    }

    fn deployment(
        &mut self,
        d: k8s::Deployment,
        dkeys: &mut BTreeSet<String>,
        given: &[Pod],
        keys: &mut BTreeSet<String>,
        load: &mut Load,
    ) -> Option<(Deployment, Vec<Pod>)> {
        let name = name_or_empty(&d.metadata);
        let namespace = namespace_of(&d.metadata);
        let label = format!("Deployment {namespace}/{name}");
        if let Err(e) = syntax::dns_subdomain(&name) {
            self.err(&label, "metadata.name", e);
            return None;
        }
        if !dkeys.insert(pair_key(&namespace, &name)) {
            self.err(
                &label,
                "metadata.name",
                "a Deployment of this name is given twice in this namespace",
            );
            return None;
        }
        let replicas = d.spec.replicas.unwrap_or(1);
        if !(0..=MAX_REPLICAS).contains(&replicas) {
            self.err(
                &label,
                "spec.replicas",
                format!("{replicas} is out of range 0-{MAX_REPLICAS}"),
            );
            return None;
        }
        let tmpl = &d.spec.template;
        self.labels(
            &label,
            "spec.template.metadata.labels",
            &tmpl.metadata.labels,
        );
        let selector = match &d.spec.selector {
            Some(s) => {
                if !s.match_expressions.is_empty() {
                    self.sink.warn(
                        &label,
                        "spec.selector.matchExpressions",
                        "not modelled: only matchLabels are used",
                    );
                }
                self.labels(&label, "spec.selector.matchLabels", &s.match_labels);
                s.match_labels.clone()
            }
            None => tmpl.metadata.labels.clone(),
        };
        if selector.is_empty() {
            self.err(&label, "spec.selector.matchLabels", "must not be empty");
            return None;
        }
        if !selects(&selector, &tmpl.metadata.labels) {
            self.err(
                &label,
                "spec.template.metadata.labels",
                "do not match spec.selector",
            );
            return None;
        }
        let ports = self.container_ports(&label, "spec.template.spec", &tmpl.spec);
        let node_name = tmpl.spec.node_name.clone().filter(|n| !n.is_empty());
        if let Some(n) = &node_name {
            if !load.knows(n) {
                self.err(
                    &label,
                    "spec.template.spec.nodeName",
                    format!("unknown node {n:?}"),
                );
                return None;
            }
        }
        let dep = Deployment {
            namespace: namespace.clone(),
            name: name.clone(),
            replicas: replicas as u32,
            selector: selector.clone(),
            template: PodTemplate {
                labels: tmpl.metadata.labels.clone(),
                node_name: node_name.clone(),
                node_selector: tmpl.spec.node_selector.clone(),
                ports: ports.clone(),
            },
        };
        // Pods of this Deployment that were written out (as `kubectl get
        // deploy,pods` prints them) count towards its replicas.
        let existing = given
            .iter()
            .filter(|p| p.namespace == namespace && selects(&selector, &p.labels))
            .count();
        let template_hash = safe_suffix(
            &format!("{namespace}/{name}/{}", dep.template.debug_text()),
            10,
        );
        let mut pods = Vec::new();
        let mut i = 0u32;
        while pods.len() + existing < replicas as usize {
            let pod_name = format!(
                "{name}-{template_hash}-{}",
                safe_suffix(&format!("{name}/{i}"), 5)
            );
            i += 1;
            if !keys.insert(pair_key(&namespace, &pod_name)) {
                continue;
            }
            let node = match &node_name {
                Some(n) => Some(n.clone()),
                None => self.schedule(&tmpl.spec.node_selector, load),
            };
            if let Some(n) = &node {
                load.add(n);
            } else {
                self.sink.warn(
                    &label,
                    "spec.template.spec",
                    format!("no Ready node fits pod {pod_name}: it stays Pending"),
                );
            }
            pods.push(Pod {
                namespace: namespace.clone(),
                name: pod_name,
                labels: tmpl.metadata.labels.clone(),
                ready: node.is_some(),
                node_name: node,
                node_selector: tmpl.spec.node_selector.clone(),
                ip: None,
                ports: ports.clone(),
                owner: Some(name.clone()),
            });
        }
        Some((dep, pods))
    }

    // ------------------------------------------------------------ Services

    fn services(&mut self, services: Vec<k8s::Service>) {
        let cluster = self.scenario.cluster.clone();
        let mut ips = IpPool::new(cluster.service_cidr);
        let mut node_ports =
            PortPool::new(cluster.node_port_range.first, cluster.node_port_range.last);
        let mut lb_pool = IpPool::new(defaults::LOAD_BALANCER_POOL);
        let mut keys = BTreeSet::new();
        // Who holds each explicit NodePort, for messages.
        // (Keyed by the port's text: one map type with Labels.)
        let mut port_owner: BTreeMap<String, String> = BTreeMap::new();
        let mut pending: Vec<(Service, bool, Vec<usize>, bool, bool)> = Vec::new();
        // Per pending Service, its hostname-only ingress entries (field, hostname).
        let mut lb_hostnames: Vec<Vec<(String, String)>> = Vec::new();

        for s in services {
            let name = name_or_empty(&s.metadata);
            let namespace = namespace_of(&s.metadata);
            let label = format!("Service {namespace}/{name}");
            if let Err(e) = syntax::service_name(&name) {
                self.err(&label, "metadata.name", e);
                continue;
            }
            if !keys.insert(pair_key(&namespace, &name)) {
                self.err(
                    &label,
                    "metadata.name",
                    "a Service of this name is given twice in this namespace",
                );
                continue;
            }
            let sp = &s.spec;
            let kind = match sp.kind.as_deref().unwrap_or("ClusterIP") {
                "ClusterIP" => ServiceType::ClusterIp,
                "NodePort" => ServiceType::NodePort,
                "LoadBalancer" => ServiceType::LoadBalancer,
                "ExternalName" => {
                    self.sink.warn(
                        &label,
                        "spec.type",
                        "ExternalName Services are DNS only: kube-proxy writes no rules for them",
                    );
                    ServiceType::ExternalName
                }
                other => {
                    self.err(&label, "spec.type", format!("unknown Service type {other:?} (ClusterIP, NodePort, LoadBalancer or ExternalName)"));
                    continue;
                }
            };
            let mut svc = Service {
                namespace,
                name,
                kind,
                cluster_ip: None,
                ports: Vec::new(),
                selector: sp.selector.clone(),
                external_traffic_policy: TrafficPolicy::Cluster,
                internal_traffic_policy: TrafficPolicy::Cluster,
                session_affinity: None,
                health_check_node_port: None,
                external_ips: Vec::new(),
                load_balancer_source_ranges: Vec::new(),
                load_balancer_ip: None,
                load_balancer_ingress: Vec::new(),
                allocate_load_balancer_node_ports: true,
            };
            match sp.allocate_load_balancer_node_ports {
                Some(_) if kind != ServiceType::LoadBalancer => self.err(
                    &label,
                    "spec.allocateLoadBalancerNodePorts",
                    "may only be set for a LoadBalancer Service",
                ),
                Some(false) => svc.allocate_load_balancer_node_ports = false,
                _ => {}
            }
            if let Some(sel) = &sp.selector {
                self.labels(&label, "spec.selector", sel);
            }
            // ClusterIP
            let mut wants_ip = false;
            let cip = sp
                .cluster_ip
                .clone()
                .or_else(|| sp.cluster_ips.first().cloned());
            match cip.as_deref() {
                _ if kind == ServiceType::ExternalName => {}
                Some("None") => {
                    if kind != ServiceType::ClusterIp {
                        self.err(
                            &label,
                            "spec.clusterIP",
                            format!(
                                "a {} Service cannot be headless (clusterIP: None)",
                                kind.as_str()
                            ),
                        );
                    }
                }
                None | Some("") => wants_ip = true,
                Some(text) => match syntax::ipv4(text) {
                    Err(e) => self.err(&label, "spec.clusterIP", e),
                    Ok(ip) if !syntax::is_host_of(cluster.service_cidr, ip) => self.err(
                        &label,
                        "spec.clusterIP",
                        format!(
                            "{ip} is outside the service network {}",
                            cluster.service_cidr
                        ),
                    ),
                    Ok(ip) => {
                        if ips.reserve(ip) {
                            svc.cluster_ip = Some(ip);
                        } else {
                            self.err(
                                &label,
                                "spec.clusterIP",
                                format!("duplicate IP {ip}: another Service has it"),
                            );
                        }
                    }
                },
            }
            // Ports
            let mut wants_node_port = Vec::new();
            let mut names = BTreeSet::new();
            let multi = sp.ports.len() > 1;
            for (i, p) in sp.ports.iter().enumerate() {
                let f = format!("spec.ports[{i}]");
                let port = match syntax::port(p.port) {
                    Ok(v) => v,
                    Err(e) => {
                        self.err(&label, format!("{f}.port"), e);
                        continue;
                    }
                };
                let proto = match protocol(p.protocol.as_deref()) {
                    Ok(v) => v,
                    Err(e) => {
                        self.err(&label, format!("{f}.protocol"), e);
                        continue;
                    }
                };
                let pname = p.name.clone().filter(|n| !n.is_empty());
                match &pname {
                    Some(n) => {
                        if let Err(e) = syntax::dns_label(n) {
                            self.err(&label, format!("{f}.name"), e);
                        } else if !names.insert(n.clone()) {
                            self.err(
                                &label,
                                format!("{f}.name"),
                                format!("port name {n:?} is used twice"),
                            );
                        }
                    }
                    None if multi => {
                        self.err(
                            &label,
                            format!("{f}.name"),
                            "must be set when a Service has more than one port",
                        );
                    }
                    None => {}
                }
                if svc
                    .ports
                    .iter()
                    .any(|o| o.port == port && o.protocol == proto)
                {
                    self.err(
                        &label,
                        format!("{f}.port"),
                        format!("{port}/{} is given twice", proto.as_k8s()),
                    );
                    continue;
                }
                let target_port = match &p.target_port {
                    None => TargetPort::Number(port),
                    Some(IntOrString::Int(n)) => match syntax::port(*n) {
                        Ok(v) => TargetPort::Number(v),
                        Err(e) => {
                            self.err(&label, format!("{f}.targetPort"), e);
                            continue;
                        }
                    },
                    Some(IntOrString::String(s)) => {
                        if let Ok(n) = s.parse::<i64>() {
                            match syntax::port(n) {
                                Ok(v) => TargetPort::Number(v),
                                Err(e) => {
                                    self.err(&label, format!("{f}.targetPort"), e);
                                    continue;
                                }
                            }
                        } else if let Err(e) = syntax::port_name(s) {
                            self.err(&label, format!("{f}.targetPort"), e);
                            continue;
                        } else {
                            TargetPort::Name(s.clone())
                        }
                    }
                };
                let mut node_port = None;
                match p.node_port {
                    Some(np) if np != 0 => {
                        if !kind.has_node_ports() {
                            self.err(
                                &label,
                                format!("{f}.nodePort"),
                                format!(
                                    "may only be set for NodePort or LoadBalancer Services, not {}",
                                    kind.as_str()
                                ),
                            );
                        } else {
                            match syntax::port(np) {
                                Err(e) => self.err(&label, format!("{f}.nodePort"), e),
                                Ok(v) if !cluster.node_port_range.contains(v) => self.err(
                                    &label,
                                    format!("{f}.nodePort"),
                                    format!(
                                        "{v} is outside the NodePort range {}",
                                        cluster.node_port_range
                                    ),
                                ),
                                Ok(v) => {
                                    let same_svc_other_proto = svc
                                        .ports
                                        .iter()
                                        .any(|o| o.node_port == Some(v) && o.protocol != proto);
                                    if node_ports.reserve(v) || same_svc_other_proto {
                                        port_owner.insert(v.to_string(), label.clone());
                                        node_port = Some(v);
                                    } else {
                                        let owner = port_owner
                                            .get(&v.to_string())
                                            .cloned()
                                            .unwrap_or_default();
                                        self.err(
                                            &label,
                                            format!("{f}.nodePort"),
                                            format!("duplicate NodePort {v}: {owner} has it"),
                                        );
                                    }
                                }
                            }
                        }
                    }
                    _ => {
                        // A LoadBalancer may go without NodePorts (its load
                        // balancer reaches the pods some other way).
                        if kind.has_node_ports() && svc.allocate_load_balancer_node_ports {
                            wants_node_port.push(svc.ports.len());
                        }
                    }
                }
                svc.ports.push(ServicePort {
                    name: pname,
                    protocol: proto,
                    port,
                    target_port,
                    node_port,
                });
            }
            if sp.ports.is_empty()
                && kind != ServiceType::ExternalName
                && cip.as_deref() != Some("None")
            {
                self.err(&label, "spec.ports", "a Service needs at least one port");
            }
            // Policies
            match sp.external_traffic_policy.as_deref() {
                None | Some("") | Some("Cluster") => {}
                Some("Local") => {
                    if kind.has_node_ports() || !sp.external_ips.is_empty() {
                        svc.external_traffic_policy = TrafficPolicy::Local;
                    } else {
                        self.err(&label, "spec.externalTrafficPolicy", "Local may only be set for NodePort or LoadBalancer Services, or with externalIPs");
                    }
                }
                Some(other) => self.err(
                    &label,
                    "spec.externalTrafficPolicy",
                    format!("unknown policy {other:?} (Cluster or Local)"),
                ),
            }
            match sp.internal_traffic_policy.as_deref() {
                None | Some("") | Some("Cluster") => {}
                Some("Local") => svc.internal_traffic_policy = TrafficPolicy::Local,
                Some(other) => self.err(
                    &label,
                    "spec.internalTrafficPolicy",
                    format!("unknown policy {other:?} (Cluster or Local)"),
                ),
            }
            match sp.session_affinity.as_deref() {
                None | Some("") | Some("None") => {
                    if sp
                        .session_affinity_config
                        .as_ref()
                        .and_then(|c| c.client_ip.as_ref())
                        .is_some()
                    {
                        self.sink.warn(
                            &label,
                            "spec.sessionAffinityConfig",
                            "ignored: sessionAffinity is not ClientIP",
                        );
                    }
                }
                Some("ClientIP") => {
                    let t = sp
                        .session_affinity_config
                        .as_ref()
                        .and_then(|c| c.client_ip.as_ref())
                        .and_then(|c| c.timeout_seconds)
                        .unwrap_or(i64::from(defaults::SESSION_AFFINITY_TIMEOUT));
                    if (1..=86400).contains(&t) {
                        svc.session_affinity = Some(t as u32);
                    } else {
                        self.err(
                            &label,
                            "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                            format!("{t} is out of range 1-86400"),
                        );
                    }
                }
                Some(other) => self.err(
                    &label,
                    "spec.sessionAffinity",
                    format!("unknown value {other:?} (None or ClientIP)"),
                ),
            }
            let wants_hc = kind == ServiceType::LoadBalancer
                && svc.external_traffic_policy == TrafficPolicy::Local;
            let mut wants_hc_port = false;
            match sp.health_check_node_port {
                Some(h) if h != 0 => {
                    if !wants_hc {
                        self.err(&label, "spec.healthCheckNodePort", "may only be set for a LoadBalancer Service with externalTrafficPolicy Local");
                    } else {
                        match syntax::port(h) {
                            Err(e) => self.err(&label, "spec.healthCheckNodePort", e),
                            Ok(v) if !cluster.node_port_range.contains(v) => self.err(
                                &label,
                                "spec.healthCheckNodePort",
                                format!(
                                    "{v} is outside the NodePort range {}",
                                    cluster.node_port_range
                                ),
                            ),
                            Ok(v) => {
                                if node_ports.reserve(v) {
                                    port_owner.insert(v.to_string(), label.clone());
                                    svc.health_check_node_port = Some(v);
                                } else {
                                    let owner =
                                        port_owner.get(&v.to_string()).cloned().unwrap_or_default();
                                    self.err(
                                        &label,
                                        "spec.healthCheckNodePort",
                                        format!("duplicate NodePort {v}: {owner} has it"),
                                    );
                                }
                            }
                        }
                    }
                }
                _ => wants_hc_port = wants_hc,
            }
            for (i, e) in sp.external_ips.iter().enumerate() {
                match syntax::ipv4(e) {
                    Ok(ip) => svc.external_ips.push(ip),
                    Err(m) => self.err(&label, format!("spec.externalIPs[{i}]"), m),
                }
            }
            for (i, r) in sp.load_balancer_source_ranges.iter().enumerate() {
                match r.trim().parse::<Ipv4Net>() {
                    // kube-proxy accepts host bits set; it masks them.
                    Ok(n) => svc.load_balancer_source_ranges.push(n.trunc()),
                    Err(_) => self.err(
                        &label,
                        format!("spec.loadBalancerSourceRanges[{i}]"),
                        format!("{r:?} is not a CIDR"),
                    ),
                }
            }
            if !svc.load_balancer_source_ranges.is_empty() && kind != ServiceType::LoadBalancer {
                self.sink.warn(
                    &label,
                    "spec.loadBalancerSourceRanges",
                    "only LoadBalancer Services use source ranges; ignored",
                );
            }
            if let Some(ip) = sp.load_balancer_ip.as_deref().filter(|s| !s.is_empty()) {
                match syntax::ipv4(ip) {
                    Ok(ip) => svc.load_balancer_ip = Some(ip),
                    Err(e) => self.err(&label, "spec.loadBalancerIP", e),
                }
            }
            // Hostname-only entries (AWS ELB style): an address is
            // allocated for the load balancer when it has none.
            let mut hostnames = Vec::new();
            for (i, ing) in s.status.load_balancer.ingress.iter().enumerate() {
                let f = format!("status.loadBalancer.ingress[{i}]");
                match ing.ip.as_deref().filter(|ip| !ip.is_empty()) {
                    Some(ip) => match syntax::ipv4(ip) {
                        Ok(ip) => {
                            lb_pool.reserve(ip);
                            svc.load_balancer_ingress.push(ip);
                        }
                        Err(e) => self.err(&label, format!("{f}.ip"), e),
                    },
                    None => match ing.hostname.as_deref().filter(|h| !h.is_empty()) {
                        Some(h) => hostnames.push((f.clone(), h.to_string())),
                        None => self.sink.warn(
                            &label,
                            f.clone(),
                            "has neither ip nor hostname; ignored",
                        ),
                    },
                }
                match ing.ip_mode.as_deref() {
                    None | Some("") | Some("VIP") => {}
                    Some("Proxy") => self.sink.warn(
                        &label,
                        format!("{f}.ipMode"),
                        "Proxy is not modelled: simulated as VIP (kube-proxy still writes this address's rules; with Proxy it leaves the address to the load balancer)",
                    ),
                    Some(other) => self.err(
                        &label,
                        format!("{f}.ipMode"),
                        format!("unknown value {other:?} (VIP or Proxy)"),
                    ),
                }
            }
            if kind == ServiceType::LoadBalancer && !svc.load_balancer_ingress.is_empty() {
                for (f, h) in hostnames.drain(..) {
                    self.sink.note(
                        &label,
                        f,
                        format!("hostname {h} is not modelled: the load balancer is reached at its IP addresses"),
                    );
                }
            }
            if kind != ServiceType::LoadBalancer && !svc.load_balancer_ingress.is_empty() {
                self.sink.warn(
                    &label,
                    "status.loadBalancer.ingress",
                    format!("ignored: a {} Service has no load balancer", kind.as_str()),
                );
                svc.load_balancer_ingress.clear();
            }
            if let Some(ip) = svc.load_balancer_ip {
                lb_pool.reserve(ip);
            }
            let wants_lb =
                kind == ServiceType::LoadBalancer && svc.load_balancer_ingress.is_empty();
            if kind != ServiceType::LoadBalancer {
                hostnames.clear();
            }
            pending.push((svc, wants_ip, wants_node_port, wants_hc_port, wants_lb));
            lb_hostnames.push(hostnames);
        }

        let externals_node = self
            .scenario
            .nodes
            .iter()
            .find(|n| n.ready)
            .map(|n| n.name.clone());
        for ((mut svc, wants_ip, wants_node_port, wants_hc_port, wants_lb), hostnames) in
            pending.into_iter().zip(lb_hostnames)
        {
            let label = format!("Service {}", svc.key());
            if wants_ip {
                match ips.allocate_service_ip(&svc.key()) {
                    Some(ip) => svc.cluster_ip = Some(ip),
                    None => self.err(
                        &label,
                        "spec.clusterIP",
                        format!("the service network {} is full", cluster.service_cidr),
                    ),
                }
            }
            for i in wants_node_port {
                let key = format!("{}:{}", svc.key(), svc.ports[i].port);
                match node_ports.allocate(&key) {
                    Some(p) => svc.ports[i].node_port = Some(p),
                    None => self.err(
                        &label,
                        format!("spec.ports[{i}].nodePort"),
                        format!("the NodePort range {} is full", cluster.node_port_range),
                    ),
                }
            }
            if wants_hc_port {
                match node_ports.allocate(&format!("{}:health", svc.key())) {
                    Some(p) => svc.health_check_node_port = Some(p),
                    None => self.err(
                        &label,
                        "spec.healthCheckNodePort",
                        format!("the NodePort range {} is full", cluster.node_port_range),
                    ),
                }
            }
            if wants_lb {
                let ip = svc.load_balancer_ip.or_else(|| lb_pool.next_free());
                match ip {
                    Some(ip) => {
                        svc.load_balancer_ingress.push(ip);
                        for (f, h) in &hostnames {
                            self.sink.note(
                                &label,
                                f.as_str(),
                                format!("hostname {h} only (an AWS ELB's DNS name): the load balancer is given {ip}, which the internet routes to it"),
                            );
                        }
                    }
                    None => self.err(
                        &label,
                        "status.loadBalancer.ingress",
                        format!(
                            "the load balancer pool {} is full",
                            defaults::LOAD_BALANCER_POOL
                        ),
                    ),
                }
            }
            if let Some(node) = &externals_node {
                for (i, ip) in svc.external_ips.iter().enumerate() {
                    if self.scenario.nodes.iter().any(|n| n.internal_ip == *ip) {
                        continue;
                    }
                    self.sink.note(
                        &label,
                        format!("spec.externalIPs[{i}]"),
                        format!("{ip} is routed to node {node} by the VPC router (Kubernetes leaves routing external IPs to the cluster's admin)"),
                    );
                }
            }
            self.scenario.services.push(svc);
        }
        self.check_address_clashes();
    }

    /// Addresses that must be unique across kinds: a ClusterIP or pod IP
    /// must not be a node's, the VPC router's or a load balancer's.
    fn check_address_clashes(&mut self) {
        // Keyed by the address's text: one map type with Labels.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        seen.insert(
            self.scenario.cluster.vpc_gateway().to_string(),
            "the VPC router".into(),
        );
        for n in &self.scenario.nodes {
            seen.insert(n.internal_ip.to_string(), format!("Node {}", n.name));
        }
        for (ip, who) in [
            (defaults::INTERNET_CLIENT, "the internet client"),
            (defaults::ROUTER_OUTSIDE_IP, "the VPC router"),
            (defaults::INTERNET_GATEWAY_IP, "the internet's gateway"),
        ] {
            seen.insert(ip.to_string(), who.into());
        }
        if self.scenario.cluster.pods_on_node_network {
            for p in &self.scenario.pods {
                if let Some(ip) = p.ip {
                    seen.insert(ip.to_string(), format!("Pod {}/{}", p.namespace, p.name));
                }
            }
        }
        let mut clashes = Vec::new();
        for s in &self.scenario.services {
            for (field, ips) in [
                ("status.loadBalancer.ingress", &s.load_balancer_ingress),
                ("spec.externalIPs", &s.external_ips),
            ] {
                for ip in ips {
                    // An external IP may be a node's own address (bare metal).
                    let own = |o: &String| o.starts_with("Node ") || o.starts_with("Pod ");
                    if let Some(o) = seen
                        .get(&ip.to_string())
                        .filter(|o| field.starts_with("status") || !own(o))
                    {
                        clashes.push((
                            format!("Service {}", s.key()),
                            field.to_string(),
                            *ip,
                            o.clone(),
                        ));
                    }
                }
            }
        }
        for (obj, field, ip, other) in clashes {
            self.err(&obj, field, format!("{ip} is already {other}'s address"));
        }
    }

    // ------------------------------------------------------------ EndpointSlices

    fn endpoint_slices(&mut self, slices: Vec<k8s::EndpointSlice>) {
        let node_names: BTreeSet<String> =
            collect_by_insert(self.scenario.nodes.iter().map(|n| n.name.clone()));
        let service_keys: BTreeSet<String> = collect_by_insert(
            self.scenario
                .services
                .iter()
                .map(|s| pair_key(&s.namespace, &s.name)),
        );
        let mut keys = BTreeSet::new();
        let mut given_for: BTreeSet<String> = BTreeSet::new();
        for s in slices {
            let name = name_or_empty(&s.metadata);
            let namespace = namespace_of(&s.metadata);
            let label = format!("EndpointSlice {namespace}/{name}");
            if let Err(e) = syntax::dns_subdomain(&name) {
                self.err(&label, "metadata.name", e);
                continue;
            }
            if !keys.insert(pair_key(&namespace, &name)) {
                self.err(
                    &label,
                    "metadata.name",
                    "an EndpointSlice of this name is given twice in this namespace",
                );
                continue;
            }
            let Some(service) = s.metadata.labels.get(SERVICE_NAME_LABEL).cloned() else {
                self.err(
                    &label,
                    format!("metadata.labels.{SERVICE_NAME_LABEL}"),
                    "is missing: it names the Service this slice belongs to",
                );
                continue;
            };
            match s.address_type.as_deref() {
                None | Some("IPv4") => {}
                Some(other) => {
                    self.sink.warn(
                        &label,
                        "addressType",
                        format!("{other} slices are not modelled (IPv4 only); ignored"),
                    );
                    continue;
                }
            }
            if !service_keys.contains(&pair_key(&namespace, &service)) {
                self.sink.warn(
                    &label,
                    format!("metadata.labels.{SERVICE_NAME_LABEL}"),
                    format!(
                        "there is no Service {namespace}/{service}: kube-proxy ignores this slice"
                    ),
                );
            }
            let mut ports = Vec::new();
            for (i, p) in s.ports.iter().enumerate() {
                let f = format!("ports[{i}]");
                let Some(port) = p.port else {
                    self.err(&label, format!("{f}.port"), "is missing");
                    continue;
                };
                let port = match syntax::port(port) {
                    Ok(v) => v,
                    Err(e) => {
                        self.err(&label, format!("{f}.port"), e);
                        continue;
                    }
                };
                let protocol = match protocol(p.protocol.as_deref()) {
                    Ok(v) => v,
                    Err(e) => {
                        self.err(&label, format!("{f}.protocol"), e);
                        continue;
                    }
                };
                ports.push(EndpointPort {
                    name: p.name.clone().filter(|n| !n.is_empty()),
                    port,
                    protocol,
                });
            }
            let mut endpoints = Vec::new();
            for (i, e) in s.endpoints.iter().enumerate() {
                let f = format!("endpoints[{i}]");
                let Some(addr) = e.addresses.first() else {
                    self.err(
                        &label,
                        format!("{f}.addresses"),
                        "must have at least one address",
                    );
                    continue;
                };
                let ip = match syntax::ipv4(addr) {
                    Ok(ip) => ip,
                    Err(m) => {
                        self.err(&label, format!("{f}.addresses[0]"), m);
                        continue;
                    }
                };
                if let Some(n) = &e.node_name {
                    if !node_names.contains(n) {
                        self.sink.warn(
                            &label,
                            format!("{f}.nodeName"),
                            format!("there is no Node {n}"),
                        );
                    }
                }
                let ready = e.conditions.ready.unwrap_or(true);
                endpoints.push(Endpoint {
                    ip,
                    ready,
                    // As kube-proxy reads them: an unset condition counts as true.
                    serving: e.conditions.serving.unwrap_or(true),
                    terminating: e.conditions.terminating.unwrap_or(false),
                    node_name: e.node_name.clone(),
                    pod: e
                        .target_ref
                        .as_ref()
                        .filter(|t| t.kind.as_deref() == Some("Pod"))
                        .and_then(|t| t.name.clone()),
                });
            }
            given_for.insert(pair_key(&namespace, &service));
            self.scenario.endpoint_slices.push(EndpointSlice {
                namespace,
                name,
                service,
                endpoints,
                ports,
                derived: false,
            });
        }
        // Services with a selector and no slice given: the EndpointSlice
        // controller's work.
        let index = super::endpoints::PodIndex::new(&self.scenario.pods);
        let derived: Vec<EndpointSlice> = self
            .scenario
            .services
            .iter()
            .filter(|s| !given_for.contains(&pair_key(&s.namespace, &s.name)))
            .flat_map(|s| super::endpoints::derive(s, &index))
            .collect();
        self.scenario.endpoint_slices.extend(derived);
    }
}

/// Pods per node, and the scheduler's pick for a pod without a node
/// selector in O(log nodes) rather than a scan of every node per pod (a
/// 1,000-node cluster with 10,000 replicas): a min-heap of (pods, rank in
/// name order) over the Ready nodes, kept lazily (an entry whose count is
/// out of date is dropped when it comes to the top).
struct Load {
    /// Node name -> its rank in name order.
    rank: BTreeMap<String, usize>,
    /// By rank: the name, whether Ready, the pods on it.
    names: Vec<String>,
    ready: Vec<bool>,
    pods: Vec<usize>,
    heap: BinaryHeap<Reverse<(usize, usize)>>,
}

impl Load {
    fn new(nodes: &[Node]) -> Load {
        let mut rank: BTreeMap<String, usize> =
            collect_by_insert(nodes.iter().map(|n| (n.name.clone(), 0)));
        for (i, r) in rank.values_mut().enumerate() {
            *r = i;
        }
        let names: Vec<String> = rank.keys().cloned().collect();
        let mut ready = vec![false; names.len()];
        for n in nodes {
            ready[rank[&n.name]] = n.ready;
        }
        let heap = (0..names.len())
            .filter(|&r| ready[r])
            .map(|r| Reverse((0, r)))
            .collect();
        Load {
            pods: vec![0; names.len()],
            rank,
            names,
            ready,
            heap,
        }
    }

    fn knows(&self, node: &str) -> bool {
        self.rank.contains_key(node)
    }

    fn pods(&self, node: &str) -> usize {
        self.rank.get(node).map_or(0, |&r| self.pods[r])
    }

    /// One more pod on `node` (a known node).
    fn add(&mut self, node: &str) {
        if let Some(&r) = self.rank.get(node) {
            self.pods[r] += 1;
            if self.ready[r] {
                self.heap.push(Reverse((self.pods[r], r)));
            }
        }
    }

    /// The Ready node with the fewest pods, ties to the first in name order.
    fn least(&mut self) -> Option<String> {
        while let Some(&Reverse((pods, r))) = self.heap.peek() {
            if self.pods[r] == pods {
                return Some(self.names[r].clone());
            }
            self.heap.pop();
        }
        None
    }
}

fn parse_port_range(r: &str) -> Result<PortRange, String> {
    let bad = || format!("{r:?} is not a port range (expected like 30000-32767)");
    let (a, b) = r.split_once('-').ok_or_else(bad)?;
    let a: i64 = a.trim().parse().map_err(|_| bad())?;
    let b: i64 = b.trim().parse().map_err(|_| bad())?;
    let first = syntax::port(a)?;
    let last = syntax::port(b)?;
    if first > last {
        return Err(format!("{r:?}: the first port is above the last"));
    }
    Ok(PortRange { first, last })
}
