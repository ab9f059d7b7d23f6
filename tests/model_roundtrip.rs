//! Export/import round trips and allocation, over generated scenarios:
//! random but valid sets of Kubernetes objects (nodes with and without
//! addresses, pods with and without IPs and nodes, Deployments, Services of
//! every type with and without ClusterIPs and NodePorts, named targetPorts,
//! static routes, given EndpointSlices). For each:
//!
//! - `load(s.to_yaml()).scenario == s` and `resolve(s.to_objects()) == s`;
//! - loading the same text twice gives the same scenario;
//! - every address and port, given or allocated, is inside its range and
//!   unique.

use ipnet::Ipv4Net;
use k8s_netlab::model::k8s::{self, IntOrString, Object, ObjectMeta};
use k8s_netlab::model::{self, Labels, Protocol, Scenario, ServiceType, SERVICE_NAME_LABEL};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// A small deterministic generator driven by proptest's seed, so that one
/// seed is one scenario (printed on failure).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Label values that are valid for Kubernetes but that YAML would read as
/// something else than a string if written bare.
const VALUES: &[&str] = &[
    "web", "true", "123", "1.5", "null", "yes", "", "0x1F", "1e3", "v1.2_3", "off", "0o17", "007",
    "5",
];
const NAMESPACES: &[&str] = &["default", "shop", "kube-system"];
const APPS: &[&str] = &["web", "api", "db"];

fn meta(name: &str, namespace: Option<&str>, labels: Labels) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels,
    }
}

fn nth_host(net: Ipv4Net, n: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net.network()) + n)
}

fn ready(ready: bool) -> Vec<k8s::Condition> {
    vec![k8s::Condition {
        kind: "Ready".into(),
        status: if ready { "True" } else { "False" }.into(),
    }]
}

/// A generated Service as its EndpointSlices need it: namespace, name and
/// ports (name, number, protocol).
type GivenService = (String, String, Vec<(Option<String>, i64, String)>);

struct Plan {
    node_cidr: Ipv4Net,
    pod_cidr: Ipv4Net,
    mask: u8,
    service_cidr: Ipv4Net,
    node_ports: (u16, u16),
}

/// A random valid scenario, as objects.
fn scenario_objects(seed: u64) -> Vec<Object> {
    let mut g = Gen(seed);
    let mut out = Vec::new();

    // ------------------------------------------------------------ Cluster
    let plans = [
        // The story's plan: services carved out of the pod network.
        (
            "10.100.0.0/24",
            "10.0.0.0/14",
            24,
            "10.3.240.0/20",
            (30000, 32767),
        ),
        (
            "172.18.0.0/16",
            "10.244.0.0/16",
            24,
            "10.96.0.0/12",
            (30000, 32767),
        ),
        (
            "192.168.10.0/27",
            "10.8.0.0/20",
            26,
            "10.9.0.0/24",
            (31000, 31999),
        ),
    ];
    let custom = g.chance(60);
    let (nc, pc, mask, sc, np) = if custom { *g.pick(&plans) } else { plans[0] };
    let plan = Plan {
        node_cidr: nc.parse().unwrap(),
        pod_cidr: pc.parse().unwrap(),
        mask,
        service_cidr: sc.parse().unwrap(),
        node_ports: np,
    };
    if custom {
        out.push(Object::Cluster(k8s::Cluster {
            metadata: meta("c", None, Labels::new()),
            spec: k8s::ClusterSpec {
                node_cidr: Some(nc.into()),
                pod_cidr: Some(pc.into()),
                node_pod_cidr_mask: g
                    .chance(50)
                    .then_some(i64::from(mask))
                    .or((mask != 24).then_some(i64::from(mask))),
                service_cidr: Some(sc.into()),
                node_port_range: (np != (30000, 32767) || g.chance(50))
                    .then(|| format!("{}-{}", np.0, np.1)),
                load_balancer_style: g
                    .chance(50)
                    .then(|| g.pick(&["passThrough", "nodePort"]).to_string()),
                pod_addressing: None,
            },
        }));
    }
    if g.chance(25) {
        out.push(Object::KubeProxyConfiguration(
            k8s::KubeProxyConfiguration {
                mode: g.chance(50).then(|| g.pick(&["iptables", ""]).to_string()),
                cluster_cidr: g.chance(50).then(|| pc.to_string()),
                iptables: g.chance(50).then(|| k8s::KubeProxyIptables {
                    masquerade_all: Some(g.chance(50)),
                    masquerade_bit: g.chance(50).then(|| g.below(32) as i64),
                }),
                node_port_addresses: match g.below(4) {
                    0 => Some(vec!["primary".into()]),
                    1 => Some(vec!["10.100.0.0/16".into(), "127.0.0.0/8".into()]),
                    _ => None,
                },
            },
        ));
    }

    // ------------------------------------------------------------ Nodes
    let n_nodes = 1 + g.below(4);
    // (name, explicit IP, explicit pod CIDR)
    let mut nodes: Vec<(String, Option<Ipv4Addr>, Option<Ipv4Net>)> = Vec::new();
    for i in 0..n_nodes {
        // Now and then an all-digit name, which YAML would read as a number.
        let name = if g.chance(15) {
            format!("{i}{i}")
        } else {
            format!("node-{i}")
        };
        let ip = g
            .chance(60)
            .then(|| nth_host(plan.node_cidr, 10 + i as u32));
        let cidr = g.chance(60).then(|| {
            plan.pod_cidr
                .subnets(plan.mask)
                .unwrap()
                .nth(3 * i + 1)
                .unwrap()
        });
        let mut labels = Labels::new();
        if g.chance(50) {
            labels.insert(
                "topology.kubernetes.io/zone".into(),
                g.pick(&["a", "b"]).to_string(),
            );
        }
        if g.chance(20) {
            labels.insert("example.com/flag".into(), g.pick(VALUES).to_string());
        }
        out.push(Object::Node(k8s::Node {
            metadata: meta(&name, None, labels),
            spec: k8s::NodeSpec {
                pod_cidr: cidr.filter(|_| g.chance(50)).map(|c| c.to_string()),
                pod_cidrs: Vec::new(),
            },
            status: k8s::NodeStatus {
                addresses: ip
                    .map(|ip| {
                        vec![k8s::NodeAddress {
                            kind: "InternalIP".into(),
                            address: ip.to_string(),
                        }]
                    })
                    .unwrap_or_default(),
                conditions: if g.chance(50) {
                    ready(!g.chance(15))
                } else {
                    Vec::new()
                },
            },
        }));
        // podCIDR and podCIDRs are both read; use the second form sometimes.
        if let (Some(c), Some(Object::Node(n))) = (cidr, out.last_mut()) {
            if n.spec.pod_cidr.is_none() {
                n.spec.pod_cidrs = vec![c.to_string()];
            }
        }
        nodes.push((name, ip, cidr));
    }

    // ------------------------------------------------------------ Routes
    for r in 0..g.below(3) {
        let hop = match g.below(3) {
            0 => g.pick(&nodes).0.clone(),
            1 => nth_host(plan.node_cidr, 2 + g.below(5) as u32).to_string(),
            _ => nodes
                .iter()
                .find_map(|n| n.1)
                .unwrap_or(nth_host(plan.node_cidr, 3))
                .to_string(),
        };
        let dest = if g.chance(50) {
            plan.service_cidr.to_string()
        } else {
            "0.0.0.0/0".into()
        };
        out.push(Object::Route(k8s::Route {
            metadata: meta(&format!("route-{r}"), None, Labels::new()),
            spec: k8s::RouteSpec {
                destination: dest,
                next_hop: hop,
            },
        }));
    }

    // ------------------------------------------------------------ Pods
    let container = |g: &mut Gen, with_ports: bool| -> Vec<k8s::Container> {
        let mut ports = Vec::new();
        if with_ports {
            ports.push(k8s::ContainerPort {
                name: Some("http".into()),
                container_port: *g.pick(&[8080, 9090]),
                protocol: g.chance(30).then(|| "TCP".into()),
            });
            if g.chance(40) {
                ports.push(k8s::ContainerPort {
                    name: Some("metrics".into()),
                    container_port: 9100,
                    protocol: Some(g.pick(&["TCP", "UDP"]).to_string()),
                });
            }
            if g.chance(20) {
                ports.push(k8s::ContainerPort {
                    name: None,
                    container_port: 7000,
                    protocol: None,
                });
            }
        }
        vec![k8s::Container {
            name: "app".into(),
            image: g.chance(50).then(|| "nginx".into()),
            ports,
        }]
    };
    for j in 0..g.below(7) {
        let ns = *g.pick(NAMESPACES);
        let mut labels = Labels::new();
        labels.insert("app".into(), g.pick(APPS).to_string());
        if g.chance(30) {
            labels.insert("version".into(), g.pick(VALUES).to_string());
        }
        let on = g.chance(70).then(|| g.below(nodes.len()));
        let ip = on
            .and_then(|n| nodes[n].2)
            .filter(|_| g.chance(70))
            .map(|c| nth_host(c, 5 + j as u32));
        let mut node_selector = Labels::new();
        if on.is_none() && g.chance(30) {
            node_selector.insert("topology.kubernetes.io/zone".into(), "a".into());
        }
        let name = if g.chance(10) {
            format!("{j}0{j}")
        } else {
            format!("pod-{j}")
        };
        let with_ports = g.chance(80);
        out.push(Object::Pod(k8s::Pod {
            metadata: meta(
                &name,
                (ns != "default" || g.chance(50)).then_some(ns),
                labels,
            ),
            spec: k8s::PodSpec {
                node_name: on.map(|n| nodes[n].0.clone()),
                node_selector,
                host_network: false,
                containers: container(&mut g, with_ports),
            },
            status: k8s::PodStatus {
                phase: g
                    .chance(30)
                    .then(|| g.pick(&["Running", "Pending"]).to_string()),
                pod_ip: ip.map(|i| i.to_string()),
                conditions: if g.chance(60) {
                    ready(g.chance(80))
                } else {
                    Vec::new()
                },
            },
        }));
    }

    // ------------------------------------------------------------ Deployments
    for k in 0..g.below(3) {
        let ns = *g.pick(NAMESPACES);
        let app = *g.pick(APPS);
        let mut selector = Labels::new();
        selector.insert("app".into(), app.into());
        let mut template_labels = selector.clone();
        if g.chance(40) {
            template_labels.insert("tier".into(), g.pick(VALUES).to_string());
        }
        let pinned = g.chance(15).then(|| g.pick(&nodes).0.clone());
        let mut node_selector = Labels::new();
        if pinned.is_none() && g.chance(20) {
            node_selector.insert("topology.kubernetes.io/zone".into(), "b".into());
        }
        let with_ports = g.chance(80);
        out.push(Object::Deployment(k8s::Deployment {
            metadata: meta(&format!("dep-{k}"), Some(ns), Labels::new()),
            spec: k8s::DeploymentSpec {
                replicas: g.chance(90).then(|| g.below(5) as i64),
                selector: g.chance(80).then(|| k8s::LabelSelector {
                    match_labels: selector.clone(),
                    match_expressions: Vec::new(),
                }),
                template: k8s::PodTemplate {
                    metadata: ObjectMeta {
                        labels: template_labels,
                        ..Default::default()
                    },
                    spec: k8s::PodSpec {
                        node_name: pinned,
                        node_selector,
                        host_network: false,
                        containers: container(&mut g, with_ports),
                    },
                },
            },
        }));
    }

    // ------------------------------------------------------------ Services
    let mut services: Vec<GivenService> = Vec::new();
    for m in 0..g.below(6) {
        let ns = *g.pick(NAMESPACES);
        let name = format!("svc-{m}");
        let kind = *g.pick(&[
            "ClusterIP",
            "NodePort",
            "LoadBalancer",
            "ClusterIP",
            "ExternalName",
        ]);
        let has_node_ports = matches!(kind, "NodePort" | "LoadBalancer");
        let cluster_ip = match (kind, g.below(4)) {
            ("ExternalName", _) => None,
            ("ClusterIP", 0) => Some("None".to_string()),
            (_, 1 | 2) => Some(nth_host(plan.service_cidr, 20 + m as u32).to_string()),
            _ => None,
        };
        let n_ports = if kind == "ExternalName" {
            g.below(2)
        } else {
            1 + g.below(3)
        };
        let mut ports = Vec::new();
        for i in 0..n_ports {
            let proto = *g.pick(&["TCP", "TCP", "UDP"]);
            let target_port = match g.below(4) {
                0 => None,
                1 => Some(IntOrString::Int(*g.pick(&[8080, 9090, 7000]))),
                2 => Some(IntOrString::String(
                    g.pick(&["http", "metrics"]).to_string(),
                )),
                _ => Some(IntOrString::String("8080".into())),
            };
            let node_port = (has_node_ports && g.chance(50))
                .then(|| i64::from(plan.node_ports.0) + 100 + 10 * m as i64 + i as i64);
            ports.push(k8s::ServicePort {
                name: (n_ports > 1 || g.chance(50)).then(|| format!("p{i}")),
                protocol: (proto != "TCP" || g.chance(50)).then(|| proto.to_string()),
                port: 80 + i as i64,
                target_port,
                node_port,
            });
        }
        let selector = if g.chance(75) {
            let mut s = Labels::new();
            s.insert("app".into(), g.pick(APPS).to_string());
            Some(s)
        } else {
            None
        };
        let local = has_node_ports && g.chance(40);
        let lb = kind == "LoadBalancer";
        let ingress = if lb && g.chance(50) {
            vec![k8s::LoadBalancerIngress {
                ip: Some(format!("198.51.100.{}", 50 + m)),
                hostname: None,
                ip_mode: None,
            }]
        } else {
            Vec::new()
        };
        services.push((
            ns.to_string(),
            name.clone(),
            ports
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.port,
                        p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                    )
                })
                .collect(),
        ));
        out.push(Object::Service(k8s::Service {
            metadata: meta(&name, Some(ns), Labels::new()),
            spec: k8s::ServiceSpec {
                kind: (kind != "ClusterIP" || g.chance(50)).then(|| kind.to_string()),
                cluster_ip,
                cluster_ips: Vec::new(),
                ports,
                selector,
                external_traffic_policy: if local {
                    Some("Local".into())
                } else {
                    (has_node_ports && g.chance(50)).then(|| "Cluster".into())
                },
                allocate_load_balancer_node_ports: None,
                internal_traffic_policy: g
                    .chance(30)
                    .then(|| g.pick(&["Cluster", "Local"]).to_string()),
                session_affinity: g
                    .chance(30)
                    .then(|| g.pick(&["None", "ClientIP"]).to_string()),
                session_affinity_config: g.chance(20).then(|| k8s::SessionAffinityConfig {
                    client_ip: Some(k8s::ClientIpConfig {
                        timeout_seconds: Some(1 + g.below(86400) as i64),
                    }),
                }),
                health_check_node_port: (lb && local && g.chance(50))
                    .then(|| i64::from(plan.node_ports.0) + 600 + m as i64),
                external_ips: if g.chance(15) {
                    vec![format!("203.0.113.{}", 100 + m)]
                } else {
                    Vec::new()
                },
                load_balancer_source_ranges: if lb && g.chance(30) {
                    vec!["192.0.2.0/24".into()]
                } else {
                    Vec::new()
                },
                load_balancer_ip: (lb && ingress.is_empty() && g.chance(30))
                    .then(|| format!("198.51.100.{}", 150 + m)),
            },
            status: k8s::ServiceStatus {
                load_balancer: k8s::LoadBalancerStatus { ingress },
            },
        }));
    }

    // ------------------------------------------------------------ EndpointSlices
    for q in 0..g.below(3) {
        if services.is_empty() {
            break;
        }
        let (ns, svc, ports) = g.pick(&services).clone();
        let mut labels = Labels::new();
        labels.insert(SERVICE_NAME_LABEL.into(), svc.clone());
        let endpoints = (0..g.below(4))
            .map(|e| k8s::Endpoint {
                addresses: vec![format!("10.200.{q}.{}", 10 + e)],
                conditions: k8s::EndpointConditions {
                    ready: g.chance(60).then(|| g.chance(80)),
                    serving: g.chance(30).then(|| g.chance(80)),
                    terminating: g.chance(30).then(|| g.chance(20)),
                },
                node_name: g.chance(40).then(|| g.pick(&nodes).0.clone()),
                target_ref: g.chance(30).then(|| k8s::ObjectReference {
                    kind: Some("Pod".into()),
                    name: Some(format!("external-{e}")),
                    namespace: Some(ns.clone()),
                }),
            })
            .collect();
        out.push(Object::EndpointSlice(k8s::EndpointSlice {
            metadata: meta(&format!("{svc}-given-{q}"), Some(&ns), labels),
            address_type: g.chance(50).then(|| "IPv4".into()),
            endpoints,
            ports: ports
                .iter()
                .map(|(name, port, proto)| k8s::EndpointPort {
                    name: name.clone(),
                    port: Some(port + 8000),
                    protocol: Some(proto.clone()),
                })
                .collect(),
        }));
    }
    out
}

/// Every address and port is inside its range and unique.
fn check_allocation(s: &Scenario) -> Result<(), String> {
    let c = &s.cluster;
    let is_host = |net: Ipv4Net, ip: Ipv4Addr| {
        net.contains(&ip) && ip != net.network() && ip != net.broadcast()
    };
    let mut node_ips = BTreeSet::new();
    let mut cidrs: Vec<Ipv4Net> = Vec::new();
    for n in &s.nodes {
        if !is_host(c.node_cidr, n.internal_ip) || n.internal_ip == c.vpc_gateway() {
            return Err(format!(
                "node {} IP {} not a usable host of {}",
                n.name, n.internal_ip, c.node_cidr
            ));
        }
        if !node_ips.insert(n.internal_ip) {
            return Err(format!("node IP {} twice", n.internal_ip));
        }
        if !c.pod_cidr.contains(&n.pod_cidr) {
            return Err(format!(
                "node {} pod CIDR {} outside {}",
                n.name, n.pod_cidr, c.pod_cidr
            ));
        }
        if c.pod_cidr.contains(&c.service_cidr)
            && (n.pod_cidr.contains(&c.service_cidr) || c.service_cidr.contains(&n.pod_cidr))
        {
            return Err(format!(
                "node {} pod CIDR {} overlaps the service network",
                n.name, n.pod_cidr
            ));
        }
        if let Some(o) = cidrs
            .iter()
            .find(|o| o.contains(&n.pod_cidr) || n.pod_cidr.contains(*o))
        {
            return Err(format!(
                "node {} pod CIDR {} overlaps {o}",
                n.name, n.pod_cidr
            ));
        }
        cidrs.push(n.pod_cidr);
    }
    let mut pod_ips = BTreeSet::new();
    for p in &s.pods {
        let Some(ip) = p.ip else {
            if p.node_name.is_some() {
                return Err(format!("scheduled pod {} has no IP", p.name));
            }
            continue;
        };
        let node = s
            .node(
                p.node_name
                    .as_deref()
                    .ok_or(format!("pod {} has an IP and no node", p.name))?,
            )
            .ok_or(format!("pod {} on an unknown node", p.name))?;
        if !is_host(node.pod_cidr, ip) || ip == node.bridge_ip() {
            return Err(format!(
                "pod {} IP {ip} not a usable host of {}",
                p.name, node.pod_cidr
            ));
        }
        if !pod_ips.insert(ip) {
            return Err(format!("pod IP {ip} twice"));
        }
    }
    let mut cluster_ips = BTreeSet::new();
    let mut node_ports: BTreeMap<u16, (String, Protocol)> = BTreeMap::new();
    let mut lb_ips = BTreeSet::new();
    for svc in &s.services {
        if let Some(ip) = svc.cluster_ip {
            if !is_host(c.service_cidr, ip) {
                return Err(format!(
                    "{} ClusterIP {ip} outside {}",
                    svc.key(),
                    c.service_cidr
                ));
            }
            if !cluster_ips.insert(ip) {
                return Err(format!("ClusterIP {ip} twice"));
            }
        } else if !matches!(svc.kind, ServiceType::ClusterIp | ServiceType::ExternalName) {
            return Err(format!("{} has no ClusterIP", svc.key()));
        }
        for p in &svc.ports {
            match (svc.kind.has_node_ports(), p.node_port) {
                (true, Some(np)) => {
                    if !c.node_port_range.contains(np) {
                        return Err(format!(
                            "{} NodePort {np} outside {}",
                            svc.key(),
                            c.node_port_range
                        ));
                    }
                    // One NodePort may serve TCP and UDP of the same Service.
                    match node_ports.get(&np) {
                        Some((owner, proto)) if *owner != svc.key() || *proto == p.protocol => {
                            return Err(format!("NodePort {np} of {} is {owner}'s too", svc.key()));
                        }
                        _ => {
                            node_ports.insert(np, (svc.key(), p.protocol));
                        }
                    }
                }
                (true, None) => {
                    return Err(format!("{} port {} has no NodePort", svc.key(), p.port))
                }
                (false, Some(np)) => {
                    return Err(format!(
                        "{} has NodePort {np} but is {:?}",
                        svc.key(),
                        svc.kind
                    ))
                }
                (false, None) => {}
            }
        }
        if let Some(h) = svc.health_check_node_port {
            if !c.node_port_range.contains(h)
                || node_ports.insert(h, (svc.key(), Protocol::Tcp)).is_some()
            {
                return Err(format!(
                    "{} health check port {h} outside the range or taken",
                    svc.key()
                ));
            }
        }
        if svc.kind == ServiceType::LoadBalancer {
            if svc.load_balancer_ingress.is_empty() {
                return Err(format!("{} has no load balancer address", svc.key()));
            }
            for ip in &svc.load_balancer_ingress {
                if !lb_ips.insert(*ip) || node_ips.contains(ip) {
                    return Err(format!("load balancer IP {ip} twice"));
                }
            }
        } else if !svc.load_balancer_ingress.is_empty() {
            return Err(format!(
                "{} is not a LoadBalancer but has ingress",
                svc.key()
            ));
        }
    }
    // Generated pods: as many as each Deployment's replicas, counting the
    // given pods it selects.
    for d in &s.deployments {
        let given = s
            .pods
            .iter()
            .filter(|p| {
                p.owner.is_none()
                    && p.namespace == d.namespace
                    && model::selects(&d.selector, &p.labels)
            })
            .count();
        let generated = s
            .pods
            .iter()
            .filter(|p| p.owner.as_deref() == Some(&d.name) && p.namespace == d.namespace)
            .count();
        if generated != (d.replicas as usize).saturating_sub(given) {
            return Err(format!(
                "Deployment {}: {generated} generated + {given} given pods for {} replicas",
                d.name, d.replicas
            ));
        }
    }
    Ok(())
}

fn load_ok(text: &str) -> Result<Scenario, TestCaseError> {
    model::load(text)
        .map(|l| l.scenario)
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- text:\n{text}")))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn export_then_import_is_the_identity(seed in any::<u64>()) {
        let objects = scenario_objects(seed);
        let written = model::to_yaml(&objects);
        let loaded = model::resolve(objects.clone())
            .map_err(|e| TestCaseError::fail(format!("generated scenario is invalid: {e}\n--- objects:\n{written}")))?;
        let s = loaded.scenario;

        // Through text.
        let yaml = s.to_yaml();
        let again = load_ok(&yaml)?;
        prop_assert_eq!(&again, &s, "load(to_yaml(s)) != s\n--- yaml:\n{}", yaml);
        // Through objects (what the UI does).
        let direct = model::resolve(s.to_objects()).map(|l| l.scenario);
        prop_assert_eq!(direct.as_ref(), Ok(&s));
        // A second export is the same text.
        prop_assert_eq!(again.to_yaml(), yaml);
    }

    #[test]
    fn loading_is_deterministic(seed in any::<u64>()) {
        let objects = scenario_objects(seed);
        let text = model::to_yaml(&objects);
        let a = load_ok(&text)?;
        let b = load_ok(&text)?;
        prop_assert_eq!(&a, &b);
        // The text and the objects it was written from resolve alike.
        let c = model::resolve(objects).map(|l| l.scenario);
        prop_assert_eq!(c.as_ref(), Ok(&a));
    }

    #[test]
    fn addresses_and_ports_are_in_range_and_unique(seed in any::<u64>()) {
        let objects = scenario_objects(seed);
        let text = model::to_yaml(&objects);
        let s = load_ok(&text)?;
        if let Err(e) = check_allocation(&s) {
            return Err(TestCaseError::fail(format!("{e}\n--- text:\n{text}")));
        }
    }

    #[test]
    fn json_and_yaml_load_alike(seed in any::<u64>()) {
        let objects = scenario_objects(seed);
        let yaml = load_ok(&model::to_yaml(&objects))?;
        let json = serde_json::to_string_pretty(&objects).expect("objects serialize");
        let from_json = load_ok(&json)?;
        prop_assert_eq!(from_json, yaml);
    }
}

// -------------------------------------------------------------------- allocation, fixed cases

const TWO_SERVICES_AB: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: alpha
spec:
  type: NodePort
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: beta
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  ports:
  - port: 443
";

#[test]
fn service_allocation_does_not_depend_on_document_order() {
    let (a, b) = TWO_SERVICES_AB.split_once("---\n").unwrap();
    let ab = model::load(TWO_SERVICES_AB).unwrap().scenario;
    let ba = model::load(&format!("{b}---\n{a}")).unwrap().scenario;
    for name in ["alpha", "beta"] {
        let x = ab.service("default", name).unwrap();
        let y = ba.service("default", name).unwrap();
        assert_eq!(x.cluster_ip, y.cluster_ip, "{name}");
        assert_eq!(x.ports[0].node_port, y.ports[0].node_port, "{name}");
        assert_eq!(x.health_check_node_port, y.health_check_node_port, "{name}");
    }
    // Allocated, from Kubernetes' dynamic bands (above the lowest 256
    // ClusterIPs of a /20, the lowest 86 NodePorts of 30000-32767).
    let beta = ab.service("default", "beta").unwrap();
    let cip = u32::from(beta.cluster_ip.unwrap()) - u32::from(Ipv4Addr::new(10, 3, 240, 0));
    assert!((256..4095).contains(&cip), "{cip}");
    assert!(beta.ports[0].node_port.unwrap() >= 30086);
    assert!(beta.health_check_node_port.unwrap() >= 30086);
    assert_eq!(
        beta.load_balancer_ingress,
        vec![Ipv4Addr::new(198, 51, 100, 1)]
    );
}

#[test]
fn explicit_addresses_are_kept_and_allocation_avoids_them() {
    let text = "\
apiVersion: v1
kind: Node
metadata:
  name: a
---
apiVersion: v1
kind: Node
metadata:
  name: b
spec:
  podCIDR: 10.0.0.0/24
status:
  addresses:
  - type: InternalIP
    address: 10.100.0.2
---
apiVersion: v1
kind: Pod
metadata:
  name: p1
spec:
  nodeName: b
---
apiVersion: v1
kind: Pod
metadata:
  name: p2
spec:
  nodeName: b
status:
  podIP: 10.0.0.2
";
    let s = model::load(text).unwrap().scenario;
    let a = s.node("a").unwrap();
    let b = s.node("b").unwrap();
    // 10.100.0.1 is the VPC router, .2 is b's: a gets .3; 10.0.0.0/24 is
    // b's: a gets the next /24.
    assert_eq!(a.internal_ip, Ipv4Addr::new(10, 100, 0, 3));
    assert_eq!(a.pod_cidr, "10.0.1.0/24".parse::<Ipv4Net>().unwrap());
    assert_eq!(b.internal_ip, Ipv4Addr::new(10, 100, 0, 2));
    // .1 is b's bridge, .2 is p2's: p1 (first in the file) gets .3.
    assert_eq!(
        s.pod("default", "p1").unwrap().ip,
        Some(Ipv4Addr::new(10, 0, 0, 3))
    );
    assert_eq!(
        s.pod("default", "p2").unwrap().ip,
        Some(Ipv4Addr::new(10, 0, 0, 2))
    );
}

#[test]
fn deployments_are_spread_over_ready_nodes() {
    let text = "\
apiVersion: v1
kind: List
items:
- {kind: Node, metadata: {name: n1}}
- {kind: Node, metadata: {name: n2}}
- {kind: Node, metadata: {name: n3}, status: {conditions: [{type: Ready, status: 'False'}]}}
- kind: Deployment
  apiVersion: apps/v1
  metadata: {name: web}
  spec:
    replicas: 5
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
        - name: web
          ports: [{name: http, containerPort: 8080}]
- kind: Service
  apiVersion: v1
  metadata: {name: web}
  spec:
    selector: {app: web}
    ports: [{port: 80, targetPort: http}]
";
    let s = model::load(text).unwrap().scenario;
    let per_node = s.pods_by_node();
    assert_eq!(per_node.get("n1").map(Vec::len), Some(3));
    assert_eq!(per_node.get("n2").map(Vec::len), Some(2));
    assert_eq!(
        per_node.get("n3"),
        None,
        "not Ready: nothing scheduled there"
    );
    assert!(s
        .pods
        .iter()
        .all(|p| p.owner.as_deref() == Some("web") && p.name.starts_with("web-")));
    let names: BTreeSet<_> = s.pods.iter().map(|p| &p.name).collect();
    assert_eq!(names.len(), 5);
    // Derived endpoints: every replica, on port 8080.
    let svc = s.service("default", "web").unwrap();
    let slices: Vec<_> = s.slices_of(svc).collect();
    assert_eq!(slices.len(), 1);
    assert!(slices[0].derived);
    assert_eq!(slices[0].endpoints.len(), 5);
    assert_eq!(slices[0].ports[0].port, 8080);
    // Generated pods are not exported; they come back the same.
    let yaml = s.to_yaml();
    assert!(!yaml.contains("kind: Pod"), "{yaml}");
    assert_eq!(model::load(&yaml).unwrap().scenario, s);
    // Same input, same names, nodes and addresses.
    assert_eq!(model::load(text).unwrap().scenario, s);
}

/// The generator is not vacuous: over a few seeds it produces every
/// feature the round trip is meant to cover.
#[test]
fn generated_scenarios_cover_every_feature() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for seed in 0..64u64 {
        let s = model::resolve(scenario_objects(seed))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
            .scenario;
        let mut count =
            |what: &'static str, yes: bool| *seen.entry(what).or_default() += usize::from(yes);
        count(
            "custom cluster",
            s.cluster != model::ClusterConfig::default(),
        );
        count("proxy config", s.proxy.is_some());
        count("route", !s.routes.is_empty());
        count("unready node", s.nodes.iter().any(|n| !n.ready));
        count(
            "all-digit node name",
            s.nodes
                .iter()
                .any(|n| n.name.bytes().all(|b| b.is_ascii_digit())),
        );
        count("given pod", s.pods.iter().any(|p| p.owner.is_none()));
        count("pending pod", s.pods.iter().any(|p| p.node_name.is_none()));
        count("generated pod", s.pods.iter().any(|p| p.owner.is_some()));
        count(
            "deployment counting given pods",
            s.deployments.iter().any(|d| {
                s.pods.iter().any(|p| {
                    p.owner.is_none()
                        && p.namespace == d.namespace
                        && model::selects(&d.selector, &p.labels)
                })
            }),
        );
        for (kind, name) in [
            (ServiceType::ClusterIp, "ClusterIP"),
            (ServiceType::NodePort, "NodePort"),
            (ServiceType::LoadBalancer, "LoadBalancer"),
            (ServiceType::ExternalName, "ExternalName"),
        ] {
            count(name, s.services.iter().any(|v| v.kind == kind));
        }
        count(
            "headless",
            s.services
                .iter()
                .any(|v| v.kind == ServiceType::ClusterIp && v.cluster_ip.is_none()),
        );
        count(
            "selector-less service",
            s.services.iter().any(|v| v.selector.is_none()),
        );
        count(
            "named targetPort",
            s.services.iter().any(|v| {
                v.ports
                    .iter()
                    .any(|p| matches!(p.target_port, model::TargetPort::Name(_)))
            }),
        );
        count(
            "health check port",
            s.services
                .iter()
                .any(|v| v.health_check_node_port.is_some()),
        );
        count("given slice", s.endpoint_slices.iter().any(|e| !e.derived));
        count(
            "derived slice",
            s.endpoint_slices
                .iter()
                .any(|e| e.derived && !e.endpoints.is_empty()),
        );
        count(
            "tricky label value",
            s.pods.iter().any(|p| {
                p.labels
                    .values()
                    .any(|v| v.parse::<f64>().is_ok() || v == "true" || v.is_empty())
            }),
        );
    }
    let missing: Vec<_> = seen
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(w, _)| *w)
        .collect();
    assert!(
        missing.is_empty(),
        "never generated: {missing:?} ({seen:?})"
    );
}

/// The scheduler (a heap for pods without a node selector, a scan for the
/// others) places every pod as the rule says: in the order the pods are
/// resolved, a Ready node matching the selector with the fewest pods so
/// far, ties to the first in name order; pinned pods count too.
#[test]
fn scheduling_follows_the_fewest_pods_rule_in_order() {
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    // Names out of order, one NotReady, two labelled.
    for (n, ready, zone) in [
        ("n5", true, "a"),
        ("n1", true, ""),
        ("n3", false, "a"),
        ("n2", true, "a"),
        ("n4", true, ""),
        ("n10", true, ""),
    ] {
        let status = if ready {
            ""
        } else {
            ", status: {conditions: [{type: Ready, status: 'False'}]}"
        };
        let labels = if zone.is_empty() {
            String::new()
        } else {
            format!(", labels: {{zone: {zone}}}")
        };
        text += &format!("- {{kind: Node, metadata: {{name: {n}{labels}}}{status}}}\n");
    }
    for (i, pin) in ["n4", "n4", "n3", ""].iter().enumerate() {
        let spec = if pin.is_empty() {
            "{nodeSelector: {zone: a}, containers: [{name: c}]}".to_string()
        } else {
            format!("{{nodeName: {pin}, containers: [{{name: c}}]}}")
        };
        text += &format!("- {{kind: Pod, metadata: {{name: p{i}}}, spec: {spec}}}\n");
    }
    for (d, replicas, selector) in [("free", 9, ""), ("zoned", 4, "nodeSelector: {zone: a}, ")] {
        text += &format!(
            "- {{kind: Deployment, apiVersion: apps/v1, metadata: {{name: {d}}}, spec: {{replicas: {replicas}, selector: {{matchLabels: {{app: {d}}}}}, template: {{metadata: {{labels: {{app: {d}}}}}, spec: {{{selector}containers: [{{name: c}}]}}}}}}}}\n"
        );
    }
    let s = model::load(&text).unwrap().scenario;
    assert_eq!(s.pods.len(), 4 + 9 + 4);
    let mut count: std::collections::BTreeMap<&str, usize> =
        s.nodes.iter().map(|n| (n.name.as_str(), 0)).collect();
    for p in &s.pods {
        let node = p.node_name.as_deref().expect("every pod is placed");
        let pinned = p.name.starts_with('p') && p.name != "p3";
        if !pinned {
            let want = s
                .nodes
                .iter()
                .filter(|n| n.ready)
                .filter(|n| {
                    p.node_selector
                        .iter()
                        .all(|(k, v)| n.labels.get(k) == Some(v))
                })
                .min_by(|a, b| {
                    count[a.name.as_str()]
                        .cmp(&count[b.name.as_str()])
                        .then(a.name.cmp(&b.name))
                })
                .unwrap();
            assert_eq!(node, want.name, "pod {} ({count:?})", p.name);
        }
        *count.get_mut(node).unwrap() += 1;
    }
    // The NotReady node has only its pinned pod; the free pods spread.
    assert_eq!(count["n3"], 1);
    assert!(count.values().all(|&c| c <= 5), "{count:?}");
}
