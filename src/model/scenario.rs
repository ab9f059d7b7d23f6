//! The resolved scenario: every object validated, every address and port
//! allocated, endpoints known. This is what the engine and kube-proxy read.

pub use crate::linux::packet::Protocol;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

pub use super::k8s::Labels;

/// The story's defaults (`seed/STORY.md`).
pub mod defaults {
    use ipnet::Ipv4Net;
    use std::net::Ipv4Addr;

    pub const NODE_CIDR: Ipv4Net = cidr(10, 100, 0, 0, 24);
    pub const POD_CIDR: Ipv4Net = cidr(10, 0, 0, 0, 14);
    pub const NODE_POD_CIDR_MASK: u8 = 24;
    pub const SERVICE_CIDR: Ipv4Net = cidr(10, 3, 240, 0, 20);
    pub const NODE_PORT_FIRST: u16 = 30000;
    pub const NODE_PORT_LAST: u16 = 32767;
    /// Where load balancer IPs come from when a Service's status has none:
    /// TEST-NET-2 (RFC 5737), so no real address is ever shown as ours.
    pub const LOAD_BALANCER_POOL: Ipv4Net = cidr(198, 51, 100, 0, 24);
    /// The internet client of the CLI's `internet` source (TEST-NET-3).
    pub const INTERNET_CLIENT: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 10);
    /// The VPC router's address on the network to the internet.
    pub const ROUTER_OUTSIDE_IP: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 1);
    /// The internet's router towards the VPC.
    pub const INTERNET_GATEWAY_IP: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 254);
    pub const SESSION_AFFINITY_TIMEOUT: u32 = 10800;
    pub const MASQUERADE_BIT: u8 = 14;
    pub const NAMESPACE: &str = "default";

    const fn cidr(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
        match Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len) {
            Ok(n) => n,
            Err(_) => panic!("bad default CIDR"),
        }
    }
}

/// The address plan (`netlab/v1` `Cluster`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    pub node_cidr: Ipv4Net,
    pub pod_cidr: Ipv4Net,
    pub node_pod_cidr_mask: u8,
    pub service_cidr: Ipv4Net,
    pub node_port_range: PortRange,
    pub load_balancer_style: LoadBalancerStyle,
    /// Pods take addresses of the node network (`podAddressing:
    /// nodeNetwork`, as the AWS VPC CNI gives them) instead of a pod CIDR
    /// per node; `pod_cidr` is then the node network.
    pub pods_on_node_network: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            node_cidr: defaults::NODE_CIDR,
            pod_cidr: defaults::POD_CIDR,
            node_pod_cidr_mask: defaults::NODE_POD_CIDR_MASK,
            service_cidr: defaults::SERVICE_CIDR,
            node_port_range: PortRange {
                first: defaults::NODE_PORT_FIRST,
                last: defaults::NODE_PORT_LAST,
            },
            load_balancer_style: LoadBalancerStyle::PassThrough,
            pods_on_node_network: false,
        }
    }
}

impl ClusterConfig {
    /// The VPC router's address on the node network: its first host address.
    pub fn vpc_gateway(&self) -> Ipv4Addr {
        first_host(self.node_cidr)
    }
}

/// The pods' gateway on a node whose pods take node-network addresses:
/// the link-local address the AWS VPC CNI gives every pod as its default
/// gateway (the node's side answers ARP for it without holding it).
pub const NODE_NETWORK_POD_GATEWAY: Ipv4Addr = Ipv4Addr::new(169, 254, 1, 1);

/// The first host address of a network (a bridge's or router's address).
pub fn first_host(net: Ipv4Net) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net.network()).wrapping_add(1))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

/// How a cloud load balancer hands traffic to the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadBalancerStyle {
    /// The destination stays the LB IP; kube-proxy matches it (GCP, MetalLB).
    PassThrough,
    /// The LB rewrites the destination to nodeIP:nodePort (AWS classic).
    NodePort,
}

impl LoadBalancerStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            LoadBalancerStyle::PassThrough => "passThrough",
            LoadBalancerStyle::NodePort => "nodePort",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyMode {
    Iptables,
    Nftables,
    Ipvs,
}

/// A node label that sets kube-proxy's mode on that node alone
/// (`iptables` or `nftables`), over `KubeProxyConfiguration`'s `mode`:
/// a cluster being moved from one mode to the other, node by node.
pub const KUBE_PROXY_MODE_LABEL: &str = "netlab.dev/kube-proxy-mode";

impl ProxyMode {
    /// `iptables`, `nftables`, `ipvs` (as `KubeProxyConfiguration` spells
    /// them).
    pub fn parse(s: &str) -> Option<ProxyMode> {
        match s {
            "iptables" => Some(ProxyMode::Iptables),
            "nftables" => Some(ProxyMode::Nftables),
            "ipvs" => Some(ProxyMode::Ipvs),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Iptables => "iptables",
            ProxyMode::Nftables => "nftables",
            ProxyMode::Ipvs => "ipvs",
        }
    }
}

/// What `KubeProxyConfiguration` sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyConfig {
    pub mode: ProxyMode,
    /// kube-proxy's `clusterCIDR`: traffic from outside it to a ClusterIP
    /// is masqueraded. Defaults to the cluster's pod CIDR; `None` (written
    /// `clusterCIDR: ""`) is kube-proxy without a local-traffic detector,
    /// which masquerades no off-cluster traffic to ClusterIPs.
    pub cluster_cidr: Option<Ipv4Net>,
    pub masquerade_all: bool,
    pub masquerade_bit: u8,
    /// `nodePortAddresses`: the node addresses NodePorts answer on.
    pub node_port_addresses: NodePortAddresses,
}

/// kube-proxy's `nodePortAddresses` as written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NodePortAddresses {
    /// Not given: every local address in iptables mode, `primary` in
    /// nftables mode (kube-proxy's per-mode default).
    #[default]
    Unset,
    /// `[primary]`: the node's primary IP (`NODEIP/32`).
    Primary,
    /// CIDRs: the node's addresses in them (`0.0.0.0/0`: all of them).
    Cidrs(Vec<Ipv4Net>),
}

impl ProxyConfig {
    pub fn default_for(cluster: &ClusterConfig) -> Self {
        ProxyConfig {
            mode: ProxyMode::Iptables,
            cluster_cidr: Some(cluster.pod_cidr),
            masquerade_all: false,
            masquerade_bit: defaults::MASQUERADE_BIT,
            node_port_addresses: NodePortAddresses::Unset,
        }
    }

    /// The CIDRs a node in `mode` with primary IP `node_ip` accepts
    /// NodePorts in, as kube-proxy resolves `nodePortAddresses`
    /// (`NewNodePortAddresses`, `primary`): `None` when they match every
    /// address (kube-proxy's `MatchAll`).
    pub fn node_port_cidrs(&self, mode: ProxyMode, node_ip: Ipv4Addr) -> Option<Vec<Ipv4Net>> {
        match &self.node_port_addresses {
            NodePortAddresses::Unset if mode != ProxyMode::Nftables => None,
            NodePortAddresses::Unset | NodePortAddresses::Primary => {
                Some(vec![Ipv4Net::from(node_ip)])
            }
            NodePortAddresses::Cidrs(v) if v.iter().any(|n| n.prefix_len() == 0) => None,
            NodePortAddresses::Cidrs(v) => Some(v.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub name: String,
    pub labels: Labels,
    pub pod_cidr: Ipv4Net,
    pub internal_ip: Ipv4Addr,
    pub ready: bool,
}

impl Node {
    /// The address of the node's `cbr0` bridge: the pods' default gateway.
    pub fn bridge_ip(&self) -> Ipv4Addr {
        first_host(self.pod_cidr)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    /// `None` while no node fits (the pod is Pending).
    pub node_name: Option<String>,
    /// `spec.nodeSelector`, kept so a Pending pod stays Pending on reload.
    pub node_selector: Labels,
    pub ip: Option<Ipv4Addr>,
    pub ready: bool,
    pub ports: Vec<ContainerPort>,
    /// The Deployment that generated this pod; `None` for pods that were
    /// written out (those are exported, generated ones are re-derived).
    pub owner: Option<String>,
}

impl Pod {
    /// The container port a named `targetPort` refers to.
    pub fn find_port(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.ports
            .iter()
            .find(|p| p.name.as_deref() == Some(name) && p.protocol == protocol)
            .map(|p| p.port)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployment {
    pub namespace: String,
    pub name: String,
    pub replicas: u32,
    pub selector: Labels,
    pub template: PodTemplate,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodTemplate {
    pub labels: Labels,
    pub node_name: Option<String>,
    pub node_selector: Labels,
    pub ports: Vec<ContainerPort>,
}

impl PodTemplate {
    /// Exactly `format!("{self:?}")` (the derived Debug), which the
    /// pod-template-hash is taken over, written without the `Debug`
    /// builders so the wasm build links none of them. Tested against the
    /// derive in `debug_text_is_the_derived_debug`.
    pub fn debug_text(&self) -> String {
        use std::fmt::Write;
        fn quoted(out: &mut String, s: &str) {
            let _ = write!(out, "{s:?}");
        }
        fn option(out: &mut String, s: &Option<String>) {
            match s {
                Some(s) => {
                    out.push_str("Some(");
                    quoted(out, s);
                    out.push(')');
                }
                None => out.push_str("None"),
            }
        }
        fn labels(out: &mut String, l: &Labels) {
            out.push('{');
            for (i, (k, v)) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                quoted(out, k);
                out.push_str(": ");
                quoted(out, v);
            }
            out.push('}');
        }
        let mut out = String::from("PodTemplate { labels: ");
        labels(&mut out, &self.labels);
        out.push_str(", node_name: ");
        option(&mut out, &self.node_name);
        out.push_str(", node_selector: ");
        labels(&mut out, &self.node_selector);
        out.push_str(", ports: [");
        for (i, p) in self.ports.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("ContainerPort { name: ");
            option(&mut out, &p.name);
            out.push_str(", port: ");
            out.push_str(&p.port.to_string());
            out.push_str(", protocol: ");
            out.push_str(match p.protocol {
                Protocol::Tcp => "Tcp",
                Protocol::Udp => "Udp",
                Protocol::Sctp => "Sctp",
                Protocol::Icmp => "Icmp",
            });
            out.push_str(" }");
        }
        out.push_str("] }");
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }

    pub fn has_node_ports(self) -> bool {
        matches!(self, ServiceType::NodePort | ServiceType::LoadBalancer)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficPolicy {
    Cluster,
    Local,
}

impl TrafficPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficPolicy::Cluster => "Cluster",
            TrafficPolicy::Local => "Local",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetPort {
    Number(u16),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Option<String>,
    pub protocol: Protocol,
    pub port: u16,
    pub target_port: TargetPort,
    pub node_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    pub kind: ServiceType,
    /// `None` for a headless Service (`clusterIP: None`) and ExternalName.
    pub cluster_ip: Option<Ipv4Addr>,
    pub ports: Vec<ServicePort>,
    /// `None`: a Service without a selector (its EndpointSlices are given).
    pub selector: Option<Labels>,
    pub external_traffic_policy: TrafficPolicy,
    pub internal_traffic_policy: TrafficPolicy,
    /// `Some(timeout seconds)` for `sessionAffinity: ClientIP`.
    pub session_affinity: Option<u32>,
    pub health_check_node_port: Option<u16>,
    pub external_ips: Vec<Ipv4Addr>,
    pub load_balancer_source_ranges: Vec<Ipv4Net>,
    /// `spec.loadBalancerIP`, the address asked for (deprecated field).
    pub load_balancer_ip: Option<Ipv4Addr>,
    /// `status.loadBalancer.ingress[].ip`: the load balancer's addresses.
    pub load_balancer_ingress: Vec<Ipv4Addr>,
    /// `spec.allocateLoadBalancerNodePorts` (a LoadBalancer's ports get
    /// NodePorts unless it is false).
    pub allocate_load_balancer_node_ports: bool,
}

impl Service {
    /// `namespace/name`, as kube-proxy names a Service.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSlice {
    pub namespace: String,
    pub name: String,
    /// The Service it belongs to (label `kubernetes.io/service-name`).
    pub service: String,
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<EndpointPort>,
    /// Derived from the Service's selector (not exported: re-derived).
    pub derived: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `addresses[0]`: the only address kube-proxy uses.
    pub ip: Ipv4Addr,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub node_name: Option<String>,
    /// The pod behind it (`targetRef`), when it is one.
    pub pod: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointPort {
    /// Matches the Service port's name (`None` for an unnamed port).
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextHop {
    Node(String),
    Ip(Ipv4Addr),
}

impl fmt::Display for NextHop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextHop::Node(n) => f.write_str(n),
            NextHop::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// A static route on the VPC router (`netlab/v1` `Route`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticRoute {
    pub name: String,
    pub destination: Ipv4Net,
    pub next_hop: NextHop,
}

/// A whole cluster, resolved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scenario {
    pub cluster: ClusterConfig,
    pub proxy: Option<ProxyConfig>,
    pub nodes: Vec<Node>,
    pub routes: Vec<StaticRoute>,
    pub pods: Vec<Pod>,
    pub deployments: Vec<Deployment>,
    pub services: Vec<Service>,
    pub endpoint_slices: Vec<EndpointSlice>,
}

impl Scenario {
    /// kube-proxy's configuration: the one given, else the defaults.
    pub fn proxy_config(&self) -> ProxyConfig {
        self.proxy
            .clone()
            .unwrap_or_else(|| ProxyConfig::default_for(&self.cluster))
    }

    /// kube-proxy's mode on `node`: its [`KUBE_PROXY_MODE_LABEL`] if it
    /// has one, else the cluster's (`KubeProxyConfiguration`'s `mode`).
    pub fn proxy_mode(&self, node: &Node) -> ProxyMode {
        node.labels
            .get(KUBE_PROXY_MODE_LABEL)
            .and_then(|m| ProxyMode::parse(m))
            .unwrap_or_else(|| self.proxy_config().mode)
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.pods
            .iter()
            .find(|p| p.namespace == namespace && p.name == name)
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        self.services
            .iter()
            .find(|s| s.namespace == namespace && s.name == name)
    }

    /// The EndpointSlices of a Service, in order.
    pub fn slices_of<'a>(
        &'a self,
        svc: &'a Service,
    ) -> impl Iterator<Item = &'a EndpointSlice> + 'a {
        self.endpoint_slices
            .iter()
            .filter(move |s| s.namespace == svc.namespace && s.service == svc.name)
    }

    /// Pods per node name, in scenario order (for drawing and scheduling).
    pub fn pods_by_node(&self) -> BTreeMap<&str, Vec<&Pod>> {
        let mut map: BTreeMap<&str, Vec<&Pod>> = BTreeMap::new();
        for p in &self.pods {
            if let Some(n) = &p.node_name {
                map.entry(n.as_str()).or_default().push(p);
            }
        }
        map
    }
}

/// Does `selector` select an object with `labels`? (An empty selector, as
/// in a Service, selects nothing; Kubernetes treats `{}` that way too.)
pub fn selects(selector: &Labels, labels: &Labels) -> bool {
    !selector.is_empty()
        && selector
            .iter()
            .all(|(k, v)| labels.get(k).is_some_and(|lv| lv == v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9.-]{0,12}",
            "\\PC{0,8}",
            "[\\x00-\\x7f\"\\\\'\u{301}\u{200b}\u{feff}\u{10ffff}é]{0,8}",
        ]
    }

    fn labels() -> impl Strategy<Value = Labels> {
        proptest::collection::btree_map(text(), text(), 0..4)
    }

    fn template() -> impl Strategy<Value = PodTemplate> {
        let port = (
            proptest::option::of(text()),
            any::<u16>(),
            prop_oneof![
                Just(Protocol::Tcp),
                Just(Protocol::Udp),
                Just(Protocol::Sctp)
            ],
        )
            .prop_map(|(name, port, protocol)| ContainerPort {
                name,
                port,
                protocol,
            });
        (
            labels(),
            proptest::option::of(text()),
            labels(),
            proptest::collection::vec(port, 0..4),
        )
            .prop_map(|(labels, node_name, node_selector, ports)| PodTemplate {
                labels,
                node_name,
                node_selector,
                ports,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2048,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn debug_text_is_the_derived_debug(t in template()) {
            prop_assert_eq!(t.debug_text(), format!("{t:?}"));
        }
    }

    #[test]
    fn debug_text_of_an_empty_and_a_full_template() {
        let mut t = PodTemplate {
            labels: Labels::new(),
            node_name: None,
            node_selector: Labels::new(),
            ports: vec![],
        };
        assert_eq!(t.debug_text(), format!("{t:?}"));
        t.labels.insert("app".into(), "web".into());
        t.labels.insert("tier".into(), "a\"b\\c\n".into());
        t.node_name = Some("node-1".into());
        t.node_selector.insert("zone".into(), "a".into());
        t.ports = vec![
            ContainerPort {
                name: Some("http".into()),
                port: 80,
                protocol: Protocol::Tcp,
            },
            ContainerPort {
                name: None,
                port: 65535,
                protocol: Protocol::Sctp,
            },
        ];
        assert_eq!(t.debug_text(), format!("{t:?}"));
    }
}
