//! Real clusters, pasted as `kubectl get nodes,pods,svc,endpointslices -A`
//! prints them (tests/data/clusters/: kind, kubeadm, EKS with the VPC CNI,
//! GKE VPC-native as `-o json`, AKS with Azure CNI overlay), with no
//! `netlab/v1` Cluster: the address plan each implies is inferred and
//! said, and the story's requests (pod -> Service, a NodePort from the
//! node network, the load balancer from the internet) end as the kernel
//! ends them (`netlab kernel-check tests/data/clusters/*` checks the same
//! files against Linux).

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]

mod common;

use k8s_netlab::engine::paths::paths;
use k8s_netlab::engine::trace::{Request, World};
use k8s_netlab::model::{self, Protocol};
use std::collections::BTreeSet;

/// What one capture implies.
struct Plan {
    file: &'static str,
    node_cidr: &'static str,
    pod_cidr: &'static str,
    node_pod_cidr_mask: u8,
    service_cidr: &'static str,
    node_port_range: &'static str,
    pods_on_node_network: bool,
    /// The fields of the inferred Cluster that a note names, in order.
    noted: &'static [&'static str],
}

#[rustfmt::skip]
const PLANS: &[Plan] = &[
    Plan {
        file: "kind.yaml",
        node_cidr: "172.18.0.0/24", pod_cidr: "10.244.0.0/16", node_pod_cidr_mask: 24,
        service_cidr: "10.96.0.0/12", node_port_range: "30000-32767", pods_on_node_network: false,
        noted: &["spec.nodeCIDR", "spec.podCIDR", "spec.serviceCIDR"],
    },
    Plan {
        // The pod network is the KubeProxyConfiguration's clusterCIDR.
        file: "kubeadm.yaml",
        node_cidr: "192.168.56.0/24", pod_cidr: "10.244.0.0/16", node_pod_cidr_mask: 24,
        service_cidr: "10.96.0.0/12", node_port_range: "30000-32767", pods_on_node_network: false,
        noted: &["spec.nodeCIDR", "spec.podCIDR", "spec.serviceCIDR"],
    },
    Plan {
        // No podCIDR: the pods' addresses are the VPC subnets' own.
        file: "eks-vpc-cni.yaml",
        node_cidr: "192.168.0.0/17", pod_cidr: "192.168.0.0/17", node_pod_cidr_mask: 24,
        service_cidr: "10.100.0.0/16", node_port_range: "30000-32767", pods_on_node_network: true,
        noted: &["spec.nodeCIDR", "spec.podAddressing", "spec.serviceCIDR"],
    },
    Plan {
        file: "gke-vpc-native.json",
        node_cidr: "10.132.0.0/24", pod_cidr: "10.52.0.0/22", node_pod_cidr_mask: 24,
        service_cidr: "34.118.224.0/20", node_port_range: "30000-32767", pods_on_node_network: false,
        noted: &["spec.nodeCIDR", "spec.podCIDR", "spec.serviceCIDR"],
    },
    Plan {
        file: "aks-azure-cni-overlay.yaml",
        node_cidr: "10.224.0.0/24", pod_cidr: "10.244.0.0/16", node_pod_cidr_mask: 24,
        service_cidr: "10.0.0.0/16", node_port_range: "30000-32767", pods_on_node_network: false,
        noted: &["spec.nodeCIDR", "spec.podCIDR", "spec.serviceCIDR"],
    },
];

fn text(file: &str) -> String {
    common::read_data(&format!("clusters/{file}"))
}

fn load(file: &str) -> model::Loaded {
    common::load_named(file, &text(file))
}

#[test]
fn every_capture_is_here_and_has_no_cluster_object() {
    let dir = common::data("clusters");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut planned: Vec<String> = PLANS.iter().map(|p| p.file.to_string()).collect();
    planned.sort();
    assert_eq!(files, planned);
    for f in &files {
        let t = text(f);
        assert!(!t.contains("netlab/v1"), "{f}");
        assert!(
            t.contains("managedFields") && t.contains("ownerReferences"),
            "{f}"
        );
    }
}

#[test]
fn each_capture_infers_its_networks_and_says_so_once() {
    for p in PLANS {
        let loaded = load(p.file);
        let c = &loaded.scenario.cluster;
        let got = (
            c.node_cidr.to_string(),
            c.pod_cidr.to_string(),
            c.node_pod_cidr_mask,
            c.service_cidr.to_string(),
            c.node_port_range.to_string(),
            c.pods_on_node_network,
        );
        let want = (
            p.node_cidr.to_string(),
            p.pod_cidr.to_string(),
            p.node_pod_cidr_mask,
            p.service_cidr.to_string(),
            p.node_port_range.to_string(),
            p.pods_on_node_network,
        );
        assert_eq!(got, want, "{}", p.file);
        let noted: Vec<&str> = loaded
            .notes
            .iter()
            .filter(|n| n.object == "Cluster (inferred)")
            .map(|n| n.field.as_str())
            .collect();
        assert_eq!(noted, p.noted, "{}", p.file);
        // Nothing looks wrong; what is left out is said as a note.
        assert!(
            loaded.warnings.is_empty(),
            "{}: {:?}",
            p.file,
            loaded.warnings
        );
        assert!(
            loaded.notes.iter().any(|n| n.field == "spec.hostNetwork"),
            "{}: the host-network pod is said",
            p.file
        );
        // The inferred plan is written out and loads back as it is.
        let again = model::load(&loaded.scenario.to_yaml())
            .unwrap_or_else(|e| panic!("{} exported:\n{e}", p.file));
        assert_eq!(again.scenario, loaded.scenario, "{}", p.file);
        assert!(
            again.notes.iter().all(|n| n.object != "Cluster (inferred)"),
            "{}",
            p.file
        );
    }
}

#[test]
fn a_hostname_only_load_balancer_gets_an_address_and_a_note() {
    let loaded = load("eks-vpc-cni.yaml");
    let web = loaded.scenario.service("shop", "web").unwrap();
    assert_eq!(
        web.load_balancer_ingress,
        vec!["198.51.100.1".parse::<std::net::Ipv4Addr>().unwrap()]
    );
    let note = loaded
        .notes
        .iter()
        .find(|n| n.object == "Service shop/web")
        .expect("a note on the ELB");
    assert_eq!(note.field, "status.loadBalancer.ingress[0]");
    assert!(
        note.message.contains("elb.amazonaws.com") && note.message.contains("198.51.100.1"),
        "{note}"
    );
}

/// One request and every way it can end: (verdict, server, the source the
/// server sees), over all random branches.
struct Ends {
    file: &'static str,
    from: &'static str,
    to: &'static str,
    ends: &'static [(&'static str, &'static str, &'static str)],
}

const D: &str = "delivered";

#[rustfmt::skip]
const REQUESTS: &[Ends] = &[
    // kind: pod -> ClusterIP, no masquerade.
    Ends { file: "kind.yaml", from: "pod/client", to: "svc/web:80", ends: &[
        (D, "pod/web-5d8f7c4b9d-8jz2p", "10.244.1.3"), (D, "pod/web-5d8f7c4b9d-q4wrk", "10.244.1.3")] },
    // A NodePort from a host on the node network: masqueraded to the
    // egress address (the bridge's for a local endpoint, eth0's else).
    Ends { file: "kind.yaml", from: "172.18.0.100", to: "172.18.0.3:30080", ends: &[
        (D, "pod/web-5d8f7c4b9d-8jz2p", "10.244.1.1"), (D, "pod/web-5d8f7c4b9d-q4wrk", "172.18.0.3")] },
    // MetalLB's address on the docker network, from the internet.
    Ends { file: "kind.yaml", from: "internet", to: "172.18.255.200:80", ends: &[
        (D, "pod/web-5d8f7c4b9d-8jz2p", "10.244.1.1"), (D, "pod/web-5d8f7c4b9d-8jz2p", "172.18.0.2"),
        (D, "pod/web-5d8f7c4b9d-8jz2p", "172.18.0.4"), (D, "pod/web-5d8f7c4b9d-q4wrk", "10.244.2.1"),
        (D, "pod/web-5d8f7c4b9d-q4wrk", "172.18.0.2"), (D, "pod/web-5d8f7c4b9d-q4wrk", "172.18.0.3")] },
    // A public LB address (1.2.3.4) with externalTrafficPolicy Local: the
    // client's own address reaches the pod.
    Ends { file: "kubeadm.yaml", from: "internet", to: "1.2.3.4:80", ends: &[
        (D, "pod/shop/api-6f7d8b9c5-k2r8p", "203.0.113.10"), (D, "pod/shop/api-6f7d8b9c5-w9s4t", "203.0.113.10")] },
    // An LB address inside the internet client's own /24 still reaches the
    // load balancer (policy Cluster: masqueraded).
    Ends { file: "kubeadm.yaml", from: "internet", to: "203.0.113.50:80", ends: &[
        (D, "pod/shop/api-6f7d8b9c5-k2r8p", "10.244.1.1"), (D, "pod/shop/api-6f7d8b9c5-k2r8p", "192.168.56.10"),
        (D, "pod/shop/api-6f7d8b9c5-k2r8p", "192.168.56.12"), (D, "pod/shop/api-6f7d8b9c5-w9s4t", "10.244.2.1"),
        (D, "pod/shop/api-6f7d8b9c5-w9s4t", "192.168.56.10"), (D, "pod/shop/api-6f7d8b9c5-w9s4t", "192.168.56.11")] },
    Ends { file: "kubeadm.yaml", from: "pod/shop/client", to: "svc/shop/api:80", ends: &[
        (D, "pod/shop/api-6f7d8b9c5-k2r8p", "10.244.2.9"), (D, "pod/shop/api-6f7d8b9c5-w9s4t", "10.244.2.9")] },
    // Policy Local on a NodePort: the node's own endpoint, the host's address kept.
    Ends { file: "kubeadm.yaml", from: "192.168.56.100", to: "192.168.56.11:31380", ends: &[
        (D, "pod/shop/api-6f7d8b9c5-k2r8p", "192.168.56.100")] },
    // EKS: pods on the node network, across nodes, unmasqueraded.
    Ends { file: "eks-vpc-cni.yaml", from: "pod/shop/client", to: "svc/shop/web:80", ends: &[
        (D, "pod/shop/web-7b8c9d6f5-2mv4x", "192.168.50.7"), (D, "pod/shop/web-7b8c9d6f5-hx6p9", "192.168.50.7")] },
    // The ELB (an address allocated for its hostname), masqueraded to the
    // entry node's address (its pods' gateway holds no address).
    Ends { file: "eks-vpc-cni.yaml", from: "internet", to: "198.51.100.1:80", ends: &[
        (D, "pod/shop/web-7b8c9d6f5-2mv4x", "192.168.12.34"), (D, "pod/shop/web-7b8c9d6f5-2mv4x", "192.168.45.6"),
        (D, "pod/shop/web-7b8c9d6f5-2mv4x", "192.168.70.8"), (D, "pod/shop/web-7b8c9d6f5-hx6p9", "192.168.12.34"),
        (D, "pod/shop/web-7b8c9d6f5-hx6p9", "192.168.45.6"), (D, "pod/shop/web-7b8c9d6f5-hx6p9", "192.168.70.8")] },
    Ends { file: "eks-vpc-cni.yaml", from: "192.168.100.100", to: "192.168.45.6:31234", ends: &[
        (D, "pod/shop/web-7b8c9d6f5-2mv4x", "192.168.45.6"), (D, "pod/shop/web-7b8c9d6f5-hx6p9", "192.168.45.6")] },
    // A pod's address from another node: the node answers for it.
    Ends { file: "eks-vpc-cni.yaml", from: "node/ip-192-168-45-6.eu-west-1.compute.internal", to: "192.168.13.99:8080", ends: &[
        (D, "pod/shop/web-7b8c9d6f5-2mv4x", "192.168.45.6")] },
    Ends { file: "gke-vpc-native.json", from: "pod/client", to: "svc/web:80", ends: &[
        (D, "pod/web-84c9b6f7d5-7ttwq", "10.52.0.9"), (D, "pod/web-84c9b6f7d5-ll5dj", "10.52.0.9")] },
    Ends { file: "gke-vpc-native.json", from: "internet", to: "35.205.10.20:80", ends: &[
        (D, "pod/web-84c9b6f7d5-7ttwq", "10.132.0.5"), (D, "pod/web-84c9b6f7d5-7ttwq", "10.132.0.7"),
        (D, "pod/web-84c9b6f7d5-7ttwq", "10.52.1.1"), (D, "pod/web-84c9b6f7d5-ll5dj", "10.132.0.5"),
        (D, "pod/web-84c9b6f7d5-ll5dj", "10.132.0.6"), (D, "pod/web-84c9b6f7d5-ll5dj", "10.52.2.1")] },
    Ends { file: "aks-azure-cni-overlay.yaml", from: "pod/client", to: "svc/store-front:80", ends: &[
        (D, "pod/store-front-6f4d9b7c8-9lkx2", "10.244.0.30"), (D, "pod/store-front-6f4d9b7c8-zq8vw", "10.244.0.30")] },
    Ends { file: "aks-azure-cni-overlay.yaml", from: "internet", to: "20.50.60.70:80", ends: &[
        (D, "pod/store-front-6f4d9b7c8-9lkx2", "203.0.113.10"), (D, "pod/store-front-6f4d9b7c8-zq8vw", "203.0.113.10")] },
];

#[test]
fn the_story_requests_end_as_on_a_real_node() {
    let mut failures = Vec::new();
    for r in REQUESTS {
        let s = load(r.file).scenario;
        let world = World::new(s.clone());
        let req = Request::parse(&s, r.from, r.to, Protocol::Tcp)
            .unwrap_or_else(|e| panic!("{}: {} -> {}: {e}", r.file, r.from, r.to));
        let got: BTreeSet<(String, String, String)> = paths(&world, &req)
            .unwrap()
            .iter()
            .map(|o| {
                let t = &o.trace;
                let verdict = format!("{:?}", t.verdict).to_lowercase();
                // The answer must come back too.
                let reply_ok = t
                    .reply
                    .as_ref()
                    .is_some_and(|x| format!("{:?}", x.verdict).to_lowercase() == "delivered");
                (
                    if reply_ok {
                        verdict
                    } else {
                        format!("{verdict}, no answer")
                    },
                    t.delivered_to.clone().unwrap_or_default(),
                    t.server_sees
                        .as_ref()
                        .map(|x| x.src.ip().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String, String)> = r
            .ends
            .iter()
            .map(|(v, d, s)| (v.to_string(), d.to_string(), s.to_string()))
            .collect();
        if got != want {
            failures.push(format!(
                "{}: {} -> {}:\n  got  {got:?}\n  want {want:?}",
                r.file, r.from, r.to
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_explicit_cluster_wins_and_conflicts_name_object_and_field() {
    let story = "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: story\n---\n";
    let errors = model::load(&format!("{story}{}", text("eks-vpc-cni.yaml"))).unwrap_err();
    let shown = errors.to_string();
    assert!(
        shown.contains(
            "status.addresses[0].address: 192.168.12.34 is outside the node network 10.100.0.0/24"
        ),
        "{shown}"
    );
    // Given as it was inferred, the plan loads with nothing to say about it.
    let exported = load("eks-vpc-cni.yaml").scenario.to_yaml();
    let cluster = exported.split("\n---\n").next().unwrap();
    assert!(cluster.contains("podAddressing: nodeNetwork"), "{cluster}");
    let loaded = model::load(&format!("{cluster}\n---\n{}", text("eks-vpc-cni.yaml"))).unwrap();
    assert!(loaded
        .notes
        .iter()
        .all(|n| n.object != "Cluster (inferred)"));
    assert!(loaded.scenario.cluster.pods_on_node_network);
}

#[test]
fn a_load_balancer_address_is_not_a_client() {
    let s = load("kubeadm.yaml").scenario;
    let e = Request::parse(&s, "1.2.3.4", "192.168.56.11:31380", Protocol::Tcp).unwrap_err();
    assert_eq!(
        e.to_string(),
        "source 1.2.3.4: that is Service shop/api's load balancer or external IP; pick another client address"
    );
    // Another public address is an internet client.
    assert!(Request::parse(&s, "1.2.3.5", "1.2.3.4:80", Protocol::Tcp).is_ok());
}

/// `allocateLoadBalancerNodePorts: false`: the load balancer's port has no
/// NodePort (kube-proxy writes none; pass-through still works).
#[test]
fn a_load_balancer_without_node_ports() {
    let text = text("kind.yaml")
        .replace(
            "allocateLoadBalancerNodePorts: true",
            "allocateLoadBalancerNodePorts: false",
        )
        .replace("      nodePort: 31672\n", "");
    let s = model::load(&text).unwrap().scenario;
    let lb = s.service("default", "web-lb").unwrap();
    assert!(!lb.allocate_load_balancer_node_ports);
    assert_eq!(lb.ports[0].node_port, None);
    let again = model::load(&s.to_yaml()).unwrap().scenario;
    assert_eq!(again, s);
    let world = World::new(s.clone());
    let ends = |from: &str, to: &str| -> BTreeSet<String> {
        let req = Request::parse(&s, from, to, Protocol::Tcp).unwrap();
        paths(&world, &req)
            .unwrap()
            .iter()
            .map(|o| format!("{:?}", o.trace.verdict))
            .collect()
    };
    assert_eq!(
        ends("internet", "172.18.255.200:80"),
        BTreeSet::from(["Delivered".to_string()])
    );
    assert_eq!(
        ends("172.18.0.100", "172.18.0.3:31672"),
        BTreeSet::from(["Refused".to_string()])
    );
    // Only a LoadBalancer may say it.
    let e = model::load(&text.replace("type: LoadBalancer", "type: NodePort")).unwrap_err();
    assert!(
        e.to_string().contains("Service default/web-lb: spec.allocateLoadBalancerNodePorts: may only be set for a LoadBalancer Service"),
        "{e}"
    );
}

/// EKS in a VPC of 10.0.0.0/16 (inside the story's pod network): its pods
/// are still on the node network, its Services in EKS's other default.
#[test]
fn eks_in_a_ten_dot_vpc() {
    let text = text("eks-vpc-cni.yaml")
        .replace("192.168.", "10.0.")
        .replace("10.100.0.", "172.20.0.")
        .replace("10.100.91.", "172.20.91.");
    let loaded = model::load(&text).unwrap_or_else(|e| panic!("{e}"));
    let c = &loaded.scenario.cluster;
    assert!(c.pods_on_node_network);
    assert_eq!(
        (c.node_cidr.to_string(), c.service_cidr.to_string()),
        ("10.0.0.0/17".to_string(), "172.20.0.0/16".to_string())
    );
}
