//! Which addresses a scenario answers on, in the CLI's words: the places a
//! request can come from and go to (the UI's menus, what clicking a box
//! means), the addresses each Service port answers on (by kube-proxy's
//! rule, [`kube_proxy::load_balancer_ips`] and [`kube_proxy::node_port`]),
//! the free host address on the node network, and how a packet's
//! destination reads (a ClusterIP, a load balancer, a node). The UI, the
//! CLI and `netlab kernel-check` ([`super::checks`]) ask here, so all three
//! offer the same destinations.

use super::request::{RequestError, Source};
use super::topology::{node_id, node_of, pod_ref};
use crate::kube_proxy;
use crate::model::{defaults, Protocol, Scenario, Service, ServicePort};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddrV4};

/// A Service's name as the CLI's forms write it: bare in the namespace
/// `default`, else `namespace/name` (as [`pod_ref`] for a pod).
pub fn service_ref(svc: &Service) -> String {
    pod_ref(&svc.namespace, &svc.name)
}

/// A pod as a request's source: `pod/NAME` or `pod/NS/NAME`.
pub fn pod_source(namespace: &str, name: &str) -> String {
    format!("pod/{}", pod_ref(namespace, name))
}

/// The addresses one Service port answers on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frontend<'a> {
    pub service: &'a Service,
    pub port: &'a ServicePort,
    pub cluster_ip: Option<Ipv4Addr>,
    /// Load balancer IPs (for `type: LoadBalancer`), then external IPs.
    pub external: Vec<Ipv4Addr>,
    /// The NodePort, on every node (for the types that have one).
    pub node_port: Option<u16>,
}

/// Every Service port's addresses, in scenario order.
pub fn frontends(s: &Scenario) -> Vec<Frontend<'_>> {
    let mut out = Vec::new();
    for svc in &s.services {
        for port in &svc.ports {
            out.push(Frontend {
                service: svc,
                port,
                cluster_ip: svc.cluster_ip,
                external: kube_proxy::load_balancer_ips(svc)
                    .iter()
                    .chain(&svc.external_ips)
                    .copied()
                    .collect(),
                node_port: kube_proxy::node_port(svc, port),
            });
        }
    }
    out
}

/// A free address on the node network for a host beside the nodes: the
/// tenth host address or the first free one after it (the story's
/// 10.100.0.10), else the first free one; never a node's, the VPC
/// router's, a pod's or one of `taken` (load balancers' addresses).
pub fn host_address(s: &Scenario, taken: &[Ipv4Addr]) -> Option<Ipv4Addr> {
    let net = s.cluster.node_cidr;
    net.hosts().skip(9).chain(net.hosts()).find(|ip| {
        *ip != s.cluster.vpc_gateway()
            && !s.nodes.iter().any(|n| n.internal_ip == *ip)
            && !s.pods.iter().any(|p| p.ip == Some(*ip))
            && !taken.contains(ip)
    })
}

/// The address a request from `from` adds to the network as a host of
/// its own (an internet client, a host on the node network), as the
/// engine's world adds it: `Topology::build`'s `extra`. `None` when `from`
/// names a pod or a node, or is not a source at all.
pub fn extra_host(s: &Scenario, from: &str) -> Option<Ipv4Addr> {
    match Source::parse(s, from.trim()) {
        Ok(Source::Internet(ip) | Source::Host(ip)) => Some(ip),
        Ok(_) | Err(RequestError(_)) => None,
    }
}

/// A place a request can come from or go to, for the menus: the value in
/// the CLI's form and a label saying what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: Label,
}

/// What a menu entry is (names and addresses), worded by the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// `pod client (10.0.1.2)`.
    Pod { name: String, ip: String },
    /// `node node-1 (10.100.0.2)`.
    Node { name: String, ip: Ipv4Addr },
    /// `internet client (203.0.113.7)`.
    Internet(Ipv4Addr),
    /// `host on the node network (10.100.0.10)`.
    Host(Ipv4Addr),
    /// `Service web port 80`.
    ServicePort { service: String, port: u16 },
    /// `ClusterIP of web`.
    ClusterIp { service: String },
    /// `external address of web`.
    External { service: String },
    /// `NodePort of web on node-1`.
    NodePort { service: String, node: String },
    /// `node-1's address with the Service port`.
    NodeWithServicePort { node: String },
    /// `pod web-1 directly`.
    PodDirect { name: String },
}

fn choice(value: String, label: Label) -> Choice {
    Choice { value, label }
}

/// Sources: pods, nodes, the internet client, a host on the node network.
pub fn sources(s: &Scenario) -> Vec<Choice> {
    let mut out = Vec::new();
    for p in s.pods.iter().filter(|p| p.node_name.is_some()) {
        let name = pod_ref(&p.namespace, &p.name);
        let ip = p.ip.map(|i| i.to_string()).unwrap_or_default();
        out.push(choice(format!("pod/{name}"), Label::Pod { name, ip }));
    }
    for n in &s.nodes {
        out.push(choice(
            node_id(&n.name),
            Label::Node {
                name: n.name.clone(),
                ip: n.internal_ip,
            },
        ));
    }
    out.push(choice(
        "internet".into(),
        Label::Internet(defaults::INTERNET_CLIENT),
    ));
    let host = host_address(s, &[]).unwrap_or(s.cluster.node_cidr.addr());
    out.push(choice(host.to_string(), Label::Host(host)));
    out
}

/// Destinations: every Service port by name and by ClusterIP, NodePorts
/// on each node, load balancer and external IPs, pods' container ports,
/// and a node's address with the Service port (the story's mistake).
pub fn destinations(s: &Scenario) -> Vec<Choice> {
    let mut out = Vec::new();
    // Written over the Services rather than `frontends` (the same rule,
    // kube-proxy's, without a vector of them): smaller in the wasm.
    for svc in &s.services {
        let name = service_ref(svc);
        for p in &svc.ports {
            let port = p.port;
            if let Some(ip) = svc.cluster_ip {
                out.push(choice(
                    format!("svc/{name}:{port}"),
                    Label::ServicePort {
                        service: name.clone(),
                        port,
                    },
                ));
                out.push(choice(
                    format!("{ip}:{port}"),
                    Label::ClusterIp {
                        service: name.clone(),
                    },
                ));
            }
            for ip in kube_proxy::load_balancer_ips(svc)
                .iter()
                .chain(&svc.external_ips)
            {
                out.push(choice(
                    format!("{ip}:{port}"),
                    Label::External {
                        service: name.clone(),
                    },
                ));
            }
            if let Some(np) = kube_proxy::node_port(svc, p) {
                for n in &s.nodes {
                    out.push(choice(
                        format!("{}:{np}", n.internal_ip),
                        Label::NodePort {
                            service: name.clone(),
                            node: n.name.clone(),
                        },
                    ));
                }
            }
        }
    }
    if let Some(p) = s.services.first().and_then(|svc| svc.ports.first()) {
        for n in &s.nodes {
            out.push(choice(
                format!("{}:{}", n.internal_ip, p.port),
                Label::NodeWithServicePort {
                    node: n.name.clone(),
                },
            ));
        }
    }
    for p in &s.pods {
        if let (Some(ip), Some(port)) = (p.ip, p.ports.first()) {
            out.push(choice(
                format!("{ip}:{}", port.port),
                Label::PodDirect {
                    name: p.name.clone(),
                },
            ));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(c.value.clone()));
    out
}

/// Destinations for `proto`: a ping (ICMP) names bare addresses (pods,
/// nodes, ClusterIPs, load balancer and external IPs), the others
/// [`destinations`].
pub fn destinations_for(s: &Scenario, proto: Protocol) -> Vec<Choice> {
    if proto.has_ports() {
        return destinations(s);
    }
    let mut out = Vec::new();
    for p in &s.pods {
        if let Some(ip) = p.ip {
            out.push(choice(
                ip.to_string(),
                Label::PodDirect {
                    name: p.name.clone(),
                },
            ));
        }
    }
    for n in &s.nodes {
        out.push(choice(
            n.internal_ip.to_string(),
            Label::Node {
                name: n.name.clone(),
                ip: n.internal_ip,
            },
        ));
    }
    for svc in &s.services {
        let service = service_ref(svc);
        if let Some(ip) = svc.cluster_ip {
            out.push(choice(
                ip.to_string(),
                Label::ClusterIp {
                    service: service.clone(),
                },
            ));
        }
        for ip in kube_proxy::load_balancer_ips(svc)
            .iter()
            .chain(&svc.external_ips)
        {
            out.push(choice(
                ip.to_string(),
                Label::External {
                    service: service.clone(),
                },
            ));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|c| seen.insert(c.value.clone()));
    out
}

/// A request's destination `to` carried over to `proto` when the protocol
/// changes: a ping's is the bare address (`10.3.241.152:80` ->
/// `10.3.241.152`, `svc/web:80` -> `svc/web`); back from a ping, a bare
/// address gets the port picking its device would give
/// ([`destination_for`]). Anything else is left as typed.
pub fn destination_in(s: &Scenario, to: &str, proto: Protocol) -> String {
    let to = to.trim();
    if !proto.has_ports() {
        if let Ok(a) = to.parse::<SocketAddrV4>() {
            return a.ip().to_string();
        }
        if let Some((svc, port)) = to.strip_prefix("svc/").and_then(|r| r.rsplit_once(':')) {
            if port.parse::<u16>().is_ok() {
                return format!("svc/{svc}");
            }
        }
        return to.to_string();
    }
    let Ok(ip) = to.parse::<Ipv4Addr>() else {
        return to.to_string();
    };
    let pick = match (
        s.pods.iter().find(|p| p.ip == Some(ip)),
        s.nodes.iter().find(|n| n.internal_ip == ip),
    ) {
        (Some(p), _) => format!("pod/{}", pod_ref(&p.namespace, &p.name)),
        (None, Some(n)) => node_id(&n.name),
        (None, None) => match s
            .services
            .iter()
            .find(|v| v.cluster_ip == Some(ip))
            .and_then(|v| v.ports.first())
        {
            Some(p) => return format!("{ip}:{}", p.port),
            None => ip.to_string(),
        },
    };
    destination_for(s, &pick).unwrap_or_else(|| to.to_string())
}

/// What picking a device means as the destination of a `proto` request:
/// for a ping, the device's own address; otherwise [`destination_for`].
pub fn destination_for_proto(s: &Scenario, pick: &str, proto: Protocol) -> Option<String> {
    if proto.has_ports() {
        return destination_for(s, pick);
    }
    if let Some(name) = pick.strip_prefix("pod/") {
        let (ns, name) = name.split_once('/').unwrap_or((defaults::NAMESPACE, name));
        return Some(s.pod(ns, name)?.ip?.to_string());
    }
    if let Some(name) = node_of(pick) {
        return Some(s.node(name)?.internal_ip.to_string());
    }
    pick.parse::<Ipv4Addr>().ok().map(|ip| ip.to_string())
}

/// The port a pod is reached on when it declares none.
pub const POD_DEFAULT_PORT: u16 = 80;

/// What picking a device (`pod/web-1`, `node/node-1`, a load balancer's
/// address) means as a destination: a pod's first container port, a
/// node's first NodePort (or the first Service port, the story's mistake,
/// when there is none), a load balancer's or external address with its
/// Service's first port. `None` when it cannot be a destination.
pub fn destination_for(s: &Scenario, pick: &str) -> Option<String> {
    let first_service_port = || {
        s.services
            .iter()
            .flat_map(|v| &v.ports)
            .map(|p| p.port)
            .next()
    };
    if let Some(name) = pick.strip_prefix("pod/") {
        let (ns, name) = name.split_once('/').unwrap_or((defaults::NAMESPACE, name));
        let p = s.pod(ns, name)?;
        let port = p.ports.first().map_or(POD_DEFAULT_PORT, |c| c.port);
        return Some(format!("{}:{port}", p.ip?));
    }
    if let Some(name) = node_of(pick) {
        let n = s.node(name)?;
        let port = s
            .services
            .iter()
            .filter(|v| v.kind.has_node_ports())
            .flat_map(|v| &v.ports)
            .find_map(|p| p.node_port)
            .or_else(first_service_port)?;
        return Some(format!("{}:{port}", n.internal_ip));
    }
    let ip: Ipv4Addr = pick.parse().ok()?;
    let port = s
        .services
        .iter()
        .find(|v| kube_proxy::load_balancer_ips(v).contains(&ip) || v.external_ips.contains(&ip))
        .and_then(|v| v.ports.first())
        .map(|p| p.port)
        .or_else(first_service_port)?;
    Some(format!("{ip}:{port}"))
}

/// Whether `dst` is a Service's ClusterIP and one of its ports.
pub fn is_cluster_ip(s: &Scenario, dst: SocketAddrV4) -> bool {
    s.services
        .iter()
        .any(|v| v.cluster_ip == Some(*dst.ip()) && v.ports.iter().any(|p| p.port == dst.port()))
}

/// The Service whose load balancer IP and port `dst` is.
pub fn load_balancer_of(s: &Scenario, dst: SocketAddrV4) -> Option<&Service> {
    s.services.iter().find(|v| {
        kube_proxy::load_balancer_ips(v).contains(dst.ip())
            && v.ports.iter().any(|p| p.port == dst.port())
    })
}

/// Whether `ip` is a node's address.
pub fn is_node_address(s: &Scenario, ip: Ipv4Addr) -> bool {
    s.nodes.iter().any(|n| n.internal_ip == ip)
}

/// Whether `ip` is outside the cluster's node and pod networks (the
/// internet).
pub fn is_outside(s: &Scenario, ip: Ipv4Addr) -> bool {
    !s.cluster.node_cidr.contains(&ip) && !s.cluster.pod_cidr.contains(&ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::request::Request;
    use crate::model::{self, default_scenario, presets, Protocol};

    #[test]
    fn every_menu_choice_is_a_request_the_engine_reads() {
        for p in presets::PRESETS {
            let s = model::load(p.yaml).unwrap().scenario;
            let (src, dst) = (sources(&s), destinations(&s));
            assert!(src.iter().any(|c| c.value == p.from), "{}: {src:?}", p.id);
            assert!(
                dst.iter().any(|c| c.value == p.to)
                    || p.to.starts_with("svc/")
                    // A ClusterIP on a port its Service lacks (the nftables
                    // lesson's request): typed in, not offered.
                    || p.to.parse::<std::net::SocketAddrV4>().is_ok_and(|a| {
                        s.services.iter().any(|v| v.cluster_ip == Some(*a.ip()))
                            && !is_cluster_ip(&s, a)
                    }),
                "{}: {dst:?}",
                p.id
            );
            for f in &src {
                for t in &dst {
                    Request::parse(&s, &f.value, &t.value, Protocol::Tcp)
                        .unwrap_or_else(|e| panic!("{}: {} -> {}: {e}", p.id, f.value, t.value));
                }
            }
        }
    }

    #[test]
    fn clicking_a_box_as_destination() {
        let s = model::load(presets::preset("load-balancer").unwrap().yaml)
            .unwrap()
            .scenario;
        let d = |p: &str| destination_for(&s, p);
        assert_eq!(d("pod/web-1").as_deref(), Some("10.0.2.2:8080"));
        let np = s.services[0].ports[0].node_port.unwrap();
        assert_eq!(d("node/node-2"), Some(format!("10.100.0.3:{np}")));
        assert_eq!(d("198.51.100.10").as_deref(), Some("198.51.100.10:80"));
        assert_eq!(d("internet"), None);
        assert_eq!(d("pod/nobody"), None);
        for pick in ["pod/web-1", "node/node-2", "198.51.100.10"] {
            Request::parse(&s, "internet", &d(pick).unwrap(), Protocol::Tcp).unwrap();
        }
    }

    #[test]
    fn a_ping_offers_bare_addresses_and_switching_carries_the_destination_over() {
        let s = model::load(presets::preset("load-balancer").unwrap().yaml)
            .unwrap()
            .scenario;
        let dst = destinations_for(&s, Protocol::Icmp);
        let values: Vec<&str> = dst.iter().map(|c| c.value.as_str()).collect();
        for want in ["10.0.2.2", "10.100.0.3", "10.3.241.152", "198.51.100.10"] {
            assert!(values.contains(&want), "{want} missing: {values:?}");
        }
        // Every choice is a ping the engine reads, from every source.
        for f in &sources(&s) {
            for t in &dst {
                Request::parse(&s, &f.value, &t.value, Protocol::Icmp)
                    .unwrap_or_else(|e| panic!("{} -> {}: {e}", f.value, t.value));
            }
        }
        assert_eq!(destinations_for(&s, Protocol::Tcp), destinations(&s));
        let icmp = |to: &str| destination_in(&s, to, Protocol::Icmp);
        assert_eq!(icmp("10.3.241.152:80"), "10.3.241.152");
        assert_eq!(icmp("svc/web:80"), "svc/web");
        assert_eq!(icmp("svc/web"), "svc/web");
        let tcp = |to: &str| destination_in(&s, to, Protocol::Tcp);
        assert_eq!(tcp("10.0.2.2"), "10.0.2.2:8080");
        assert_eq!(tcp("10.3.241.152"), "10.3.241.152:80");
        assert_eq!(tcp("198.51.100.10"), "198.51.100.10:80");
        let np = s.services[0].ports[0].node_port.unwrap();
        assert_eq!(tcp("10.100.0.3"), format!("10.100.0.3:{np}"));
        assert_eq!(tcp("svc/web"), "svc/web");
        let pick = |p: &str| destination_for_proto(&s, p, Protocol::Icmp);
        assert_eq!(pick("pod/web-1").as_deref(), Some("10.0.2.2"));
        assert_eq!(pick("node/node-2").as_deref(), Some("10.100.0.3"));
        assert_eq!(pick("198.51.100.10").as_deref(), Some("198.51.100.10"));
        assert_eq!(pick("internet"), None);
        assert_eq!(
            destination_for_proto(&s, "pod/web-1", Protocol::Tcp),
            destination_for(&s, "pod/web-1")
        );
    }

    #[test]
    fn the_host_is_the_tenth_free_address_and_an_extra_host() {
        let s = default_scenario();
        let host = host_address(&s, &[]).unwrap();
        assert_eq!(host.to_string(), "10.100.0.10");
        assert_eq!(extra_host(&s, " 10.100.0.10 "), Some(host));
        assert_eq!(extra_host(&s, "internet"), Some(defaults::INTERNET_CLIENT));
        assert_eq!(extra_host(&s, "pod/client"), None);
        assert_eq!(extra_host(&s, "nonsense"), None);
    }

    #[test]
    fn a_service_answers_on_its_cluster_ip_and_a_node_on_its_node_port() {
        let s = default_scenario();
        let f = &frontends(&s)[0];
        let ip = f.cluster_ip.unwrap();
        assert!(is_cluster_ip(&s, SocketAddrV4::new(ip, f.port.port)));
        assert!(!is_cluster_ip(&s, SocketAddrV4::new(ip, 1)));
        let node = &s.nodes[0];
        assert!(is_node_address(&s, node.internal_ip));
        assert!(!is_outside(&s, node.internal_ip));
        assert!(is_outside(&s, defaults::INTERNET_CLIENT));
        let to = destination_for(&s, &format!("node/{}", node.name)).unwrap();
        assert!(to.starts_with(&node.internal_ip.to_string()), "{to}");
    }
}
