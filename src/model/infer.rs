//! The address plan of a pasted real cluster: what `kubectl get
//! nodes,pods,svc,endpointslices -A -o yaml` implies when no `netlab/v1`
//! Cluster says it. Each network the objects do not fit in the story's
//! defaults is inferred from them and said in a note; the result is a
//! [`k8s::Cluster`] that goes through the same validation as a written
//! one (and that `export` writes out, so the user sees and can edit it).
//!
//! - node network: the smallest network (at least a /24) holding the
//!   nodes' InternalIPs;
//! - pod network: KubeProxyConfiguration `clusterCIDR`, else the network
//!   holding the nodes' `podCIDR`s (kind's and flannel's 10.244.0.0/16 when
//!   it fits), else, when no node has a podCIDR and the pods' IPs are
//!   beside the nodes' (AWS VPC CNI), the node network itself;
//! - per-node pod mask: the nodes' podCIDRs' length;
//! - Service network: the network holding every ClusterIP, widened to a
//!   well-known default ([`SERVICE_DEFAULTS`]) that holds it;
//! - NodePort range: the default, widened to the NodePorts seen.

use super::error::Problem;
use super::k8s::{self, Object};
use super::parse::Located;
use super::scenario::{defaults, first_host};
use super::syntax;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// The label of an inferred Cluster in messages and notes.
pub(crate) const LABEL: &str = "Cluster (inferred)";

/// Well-known Service networks, each with where it comes from. A pasted
/// cluster's ClusterIPs are placed in the first of these that holds them
/// all (what the cluster most likely runs with), else in the smallest
/// network that does.
pub const SERVICE_DEFAULTS: &[(Ipv4Net, &str)] = &[
    // GKE: clusters from 1.27 on take Services from the Google-managed
    // range 34.118.224.0/20 unless one is given (GKE docs, "Service
    // range", VPC-native clusters).
    (net(34, 118, 224, 0, 20), "GKE's default"),
    // EKS: `kubernetesNetworkConfig.serviceIpv4Cidr` defaults to
    // 10.100.0.0/16, or 172.20.0.0/16 when the VPC is in 10.0.0.0/8 (EKS
    // API reference, KubernetesNetworkConfigRequest). 10.100.0.0/16 lies
    // inside kubeadm's /12: the narrower one is tried first.
    (net(10, 100, 0, 0, 16), "EKS's default"),
    (
        net(172, 20, 0, 0, 16),
        "EKS's default for VPCs in 10.0.0.0/8",
    ),
    // AKS: `--service-cidr` defaults to 10.0.0.0/16 (az aks create; AKS
    // "Configure kubenet/Azure CNI networking", service address range).
    (net(10, 0, 0, 0, 16), "AKS's default"),
    // kubeadm's `networking.serviceSubnet` default (kubeadm's
    // DefaultServicesSubnet, cmd/kubeadm/app/apis/kubeadm/v1beta4), which
    // kind keeps (kind's default serviceSubnet).
    (net(10, 96, 0, 0, 12), "kubeadm's and kind's default"),
];

/// kind's, kubeadm-with-flannel's and AKS's (kubenet, Azure CNI overlay)
/// default pod network (kind's `podSubnet`, flannel's `Network` in its
/// kube-flannel.yml, AKS's `--pod-cidr`).
pub const POD_DEFAULT: Ipv4Net = net(10, 244, 0, 0, 16);

const fn net(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    match Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len) {
        Ok(n) => n,
        Err(_) => panic!("bad constant"),
    }
}

/// The smallest network holding every address, at most `max_len` long.
pub fn covering(ips: &[Ipv4Addr], max_len: u8) -> Option<Ipv4Net> {
    let lo = ips.iter().copied().min()?;
    let hi = ips.iter().copied().max()?;
    let common = (u32::from(lo) ^ u32::from(hi)).leading_zeros() as u8;
    Ipv4Net::new(lo, common.min(max_len))
        .ok()
        .map(|n| n.trunc())
}

fn span(ips: &[Ipv4Addr]) -> String {
    let lo = ips.iter().min();
    let hi = ips.iter().max();
    match (lo, hi) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => String::new(),
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// What the objects say about the address plan.
#[derive(Default)]
struct Seen {
    node_ips: Vec<Ipv4Addr>,
    pod_cidrs: Vec<Ipv4Net>,
    pod_ips: Vec<Ipv4Addr>,
    cluster_ips: Vec<Ipv4Addr>,
    node_ports: Vec<u16>,
    proxy_cluster_cidr: Option<Ipv4Net>,
}

fn seen(objects: &[Located]) -> Seen {
    let mut s = Seen::default();
    let mut proxies = 0;
    for Located { object, .. } in objects {
        match object {
            Object::Node(n) => {
                if let Some(a) = n.status.addresses.iter().find(|a| a.kind == "InternalIP") {
                    if let Ok(ip) = syntax::ipv4(&a.address) {
                        s.node_ips.push(ip);
                    }
                }
                let cidr = n.spec.pod_cidr.as_ref().or(n.spec.pod_cidrs.first());
                if let Some(c) = cidr.and_then(|c| syntax::cidr(c).ok()) {
                    s.pod_cidrs.push(c);
                }
            }
            Object::Pod(p) if !p.spec.host_network => {
                if let Some(ip) = p
                    .status
                    .pod_ip
                    .as_deref()
                    .and_then(|i| syntax::ipv4(i).ok())
                {
                    s.pod_ips.push(ip);
                }
            }
            Object::Service(svc) => {
                if svc.spec.kind.as_deref() == Some("ExternalName") {
                    continue;
                }
                let cip = svc
                    .spec
                    .cluster_ip
                    .as_ref()
                    .or(svc.spec.cluster_ips.first());
                if let Some(ip) = cip.and_then(|c| syntax::ipv4(c).ok()) {
                    s.cluster_ips.push(ip);
                }
                for p in &svc.spec.ports {
                    if let Some(np) = p.node_port.and_then(|n| syntax::port(n).ok()) {
                        s.node_ports.push(np);
                    }
                }
                if let Some(h) = svc
                    .spec
                    .health_check_node_port
                    .and_then(|n| syntax::port(n).ok())
                {
                    s.node_ports.push(h);
                }
            }
            Object::KubeProxyConfiguration(k) => {
                proxies += 1;
                if proxies == 1 {
                    s.proxy_cluster_cidr = k.cluster_cidr.as_deref().and_then(|c| {
                        // A comma-separated dual-stack list: its IPv4 part.
                        c.split(',').find_map(|c| syntax::cidr(c.trim()).ok())
                    });
                }
            }
            _ => {}
        }
    }
    s.node_ports.retain(|p| *p != 0);
    s
}

/// The Cluster the objects imply, and a note per inference; `None` when
/// a Cluster is given or the story's plan holds everything.
pub(crate) fn infer(objects: &[Located]) -> Option<(k8s::Cluster, Vec<Problem>)> {
    if objects
        .iter()
        .any(|o| matches!(o.object, Object::Cluster(_)))
    {
        return None;
    }
    let s = seen(objects);
    let mut spec = k8s::ClusterSpec::default();
    let mut notes = Vec::new();
    let mut note = |field: &str, message: String| {
        notes.push(Problem::new(LABEL, field, message));
    };
    let fits_host = |net: Ipv4Net, ip: &Ipv4Addr| syntax::is_host_of(net, *ip);

    // Pods on the node network (AWS VPC CNI): no node has a pod CIDR, no
    // clusterCIDR says otherwise, and the pods' IPs lie beside the nodes'
    // (one /16 holds them all) rather than in a network of their own.
    let beside: Vec<Ipv4Addr> = s.node_ips.iter().chain(&s.pod_ips).copied().collect();
    let node_network_pods = s.pod_cidrs.is_empty()
        && s.proxy_cluster_cidr.is_none()
        && !s.node_ips.is_empty()
        && !s.pod_ips.is_empty()
        && covering(&beside, 32).is_some_and(|n| n.prefix_len() >= 16);

    // Node network.
    let node_cidr = if node_network_pods {
        let n = covering(&beside, 24).expect("addresses");
        note(
            "spec.nodeCIDR",
            format!(
                "{n}: the smallest network (at least a /24) holding the nodes' InternalIPs and their pods' IPs ({})",
                span(&beside)
            ),
        );
        Some(n)
    } else if !s.node_ips.is_empty()
        && !s
            .node_ips
            .iter()
            .all(|ip| fits_host(defaults::NODE_CIDR, ip) && *ip != first_host(defaults::NODE_CIDR))
    {
        let n = covering(&s.node_ips, 24).expect("addresses");
        note(
            "spec.nodeCIDR",
            format!(
                "{n}: the smallest network (at least a /24) holding the nodes' InternalIPs ({})",
                span(&s.node_ips)
            ),
        );
        Some(n)
    } else {
        None
    };
    spec.node_cidr = node_cidr.map(|n| n.to_string());

    // Pod network and per-node mask.
    let mask = s.pod_cidrs.first().map(|c| c.prefix_len());
    if node_network_pods {
        let n = node_cidr.expect("set above");
        spec.pod_cidr = Some(n.to_string());
        spec.pod_addressing = Some("nodeNetwork".into());
        note(
            "spec.podAddressing",
            "nodeNetwork: no node has a podCIDR and the pods' IPs are in the node network (as the AWS VPC CNI gives them): each pod's address is routed to its node, which answers for it on the node network (proxy ARP, as the VPC delivers an ENI's secondary IPs) and routes it to the pod's veth".to_string(),
        );
    } else if let Some(c) = s.proxy_cluster_cidr {
        if c != defaults::POD_CIDR {
            spec.pod_cidr = Some(c.to_string());
            note(
                "spec.podCIDR",
                format!("{c}: KubeProxyConfiguration's clusterCIDR"),
            );
        }
    } else if !s.pod_cidrs.is_empty() {
        if !s.pod_cidrs.iter().all(|c| defaults::POD_CIDR.contains(c)) {
            let firsts: Vec<Ipv4Addr> = s
                .pod_cidrs
                .iter()
                .flat_map(|c| [c.network(), c.broadcast()])
                .collect();
            let cover = covering(&firsts, 30).expect("addresses");
            let (n, why) = if POD_DEFAULT.contains(&cover) {
                (POD_DEFAULT, ", kind's, flannel's and AKS's default")
            } else {
                (cover, "")
            };
            spec.pod_cidr = Some(n.to_string());
            note(
                "spec.podCIDR",
                format!(
                    "{n}{why}: it holds the nodes' podCIDRs ({})",
                    plural(s.pod_cidrs.len(), "node")
                ),
            );
        }
    } else if !s.pod_ips.is_empty() && !s.pod_ips.iter().all(|ip| fits_host(defaults::POD_CIDR, ip))
    {
        let n = covering(&s.pod_ips, 16).expect("addresses");
        spec.pod_cidr = Some(n.to_string());
        note(
            "spec.podCIDR",
            format!(
                "{n}: the network (at least a /16) holding the pods' IPs ({}); no node has a podCIDR",
                span(&s.pod_ips)
            ),
        );
    }
    if let Some(m) = mask.filter(|m| *m != defaults::NODE_POD_CIDR_MASK) {
        spec.node_pod_cidr_mask = Some(i64::from(m));
        note(
            "spec.nodePodCIDRMask",
            format!("{m}: the length of the nodes' podCIDRs"),
        );
    }

    // Service network.
    if !s.cluster_ips.is_empty()
        && !s
            .cluster_ips
            .iter()
            .all(|ip| fits_host(defaults::SERVICE_CIDR, ip))
    {
        let cover = covering(&s.cluster_ips, 24).expect("addresses");
        let (n, why) = match SERVICE_DEFAULTS.iter().find(|(d, _)| d.contains(&cover)) {
            Some((d, from)) => (*d, format!(", {from}")),
            None => (cover, " (at least a /24)".to_string()),
        };
        spec.service_cidr = Some(n.to_string());
        note(
            "spec.serviceCIDR",
            format!(
                "{n}{why}: it holds every ClusterIP ({})",
                span(&s.cluster_ips)
            ),
        );
    }

    // NodePort range.
    let lo = s.node_ports.iter().copied().min();
    let hi = s.node_ports.iter().copied().max();
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo < defaults::NODE_PORT_FIRST || hi > defaults::NODE_PORT_LAST {
            let r = format!(
                "{}-{}",
                lo.min(defaults::NODE_PORT_FIRST),
                hi.max(defaults::NODE_PORT_LAST)
            );
            note(
                "spec.nodePortRange",
                format!(
                    "{r}: the default range, widened to the NodePorts seen ({})",
                    if lo == hi {
                        lo.to_string()
                    } else {
                        format!("{lo}-{hi}")
                    }
                ),
            );
            spec.node_port_range = Some(r);
        }
    }

    if notes.is_empty() {
        return None;
    }
    Some((
        k8s::Cluster {
            metadata: k8s::ObjectMeta {
                name: Some("inferred".into()),
                ..Default::default()
            },
            spec,
        },
        notes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn covering_is_the_smallest_network_up_to_a_floor() {
        let c = |ips: &[&str], max| {
            covering(&ips.iter().map(|s| ip(s)).collect::<Vec<_>>(), max).map(|n| n.to_string())
        };
        assert_eq!(c(&[], 24), None);
        assert_eq!(c(&["172.18.0.2"], 24).as_deref(), Some("172.18.0.0/24"));
        assert_eq!(
            c(&["172.18.0.2", "172.18.0.4"], 32).as_deref(),
            Some("172.18.0.0/29")
        );
        assert_eq!(
            c(&["192.168.12.34", "192.168.70.8"], 24).as_deref(),
            Some("192.168.0.0/17")
        );
        assert_eq!(
            c(&["10.0.0.1", "200.0.0.1"], 24).as_deref(),
            Some("0.0.0.0/0")
        );
    }

    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n    nodePort: 8080\n";

    #[test]
    fn the_node_port_range_widens_to_the_node_ports_seen() {
        let l = crate::model::load(SVC).unwrap();
        assert_eq!(l.scenario.cluster.node_port_range.to_string(), "8080-32767");
        let notes: Vec<String> = l.notes.iter().map(ToString::to_string).collect();
        assert_eq!(
            notes,
            ["Cluster (inferred): spec.nodePortRange: 8080-32767: the default range, widened to the NodePorts seen (8080)"]
        );
        // The story's plan holds a story-like scenario: nothing is said.
        let l = crate::model::load(crate::model::DEFAULT_SCENARIO).unwrap();
        assert!(l.notes.is_empty(), "{:?}", l.notes);
    }

    #[test]
    fn a_load_balancer_address_may_not_be_the_internet_s_own() {
        for (ip, who) in [
            ("203.0.113.10", "the internet client"),
            ("203.0.113.1", "the VPC router"),
            ("203.0.113.254", "the internet's gateway"),
        ] {
            let text = format!("{SVC}status:\n  loadBalancer:\n    ingress:\n    - ip: {ip}\n");
            let e = crate::model::load(&text).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("Service default/s: status.loadBalancer.ingress: {ip} is already {who}'s address")
            );
        }
        // Any other address of that network is the load balancer's.
        let text = format!("{SVC}status:\n  loadBalancer:\n    ingress:\n    - ip: 203.0.113.50\n");
        assert!(crate::model::load(&text).is_ok());
    }

    #[test]
    fn a_narrower_well_known_service_network_comes_before_one_holding_it() {
        for (i, (a, _)) in SERVICE_DEFAULTS.iter().enumerate() {
            for (b, _) in &SERVICE_DEFAULTS[i + 1..] {
                assert!(!a.contains(b), "{a} holds {b}, which it hides");
            }
        }
    }
}
