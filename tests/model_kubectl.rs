//! Real `kubectl get ... -o yaml|json` output (tests/data/kubectl/): it loads
//! with managedFields, status blocks and unknown fields ignored, and the
//! resolved scenario has the cluster's nodes, pods, addresses, ports and
//! endpoints.

mod common;

use ipnet::Ipv4Net;
use k8s_netlab::model::{self, Protocol, Scenario, ServiceType, TargetPort, TrafficPolicy};
use std::net::Ipv4Addr;

fn data(name: &str) -> String {
    common::read_data(&format!("kubectl/{name}"))
}

fn load(name: &str) -> model::Loaded {
    common::load_named(name, &data(name))
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn net(s: &str) -> Ipv4Net {
    s.parse().unwrap()
}

fn endpoint_ips(s: &Scenario, namespace: &str, service: &str) -> Vec<Ipv4Addr> {
    let svc = s
        .service(namespace, service)
        .unwrap_or_else(|| panic!("Service {namespace}/{service}"));
    s.slices_of(svc)
        .flat_map(|e| e.endpoints.iter().map(|e| e.ip))
        .collect()
}

#[test]
fn every_sample_loads_and_survives_export() {
    let dir = common::data("kubectl");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let loaded = load(&name);
        assert!(!loaded.scenario.nodes.is_empty(), "{name}");
        let again = model::load(&loaded.scenario.to_yaml())
            .unwrap_or_else(|e| panic!("{name} exported:\n{e}"));
        assert_eq!(again.scenario, loaded.scenario, "{name}");
        n += 1;
    }
    assert!(n >= 4, "expected the kubectl samples, found {n}");
}

#[test]
fn gke_list_with_every_endpoint_slice() {
    let loaded = load("gke-story.yaml");
    let s = &loaded.scenario;

    // The only thing left out is the host-network kube-proxy pod, said so.
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let notes: Vec<String> = loaded.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        vec!["Pod kube-system/kube-proxy-node-1: spec.hostNetwork: host-network pods are not modelled; ignored"]
    );

    // No Cluster document: the story's defaults.
    assert_eq!(s.cluster, model::ClusterConfig::default());
    let nodes: Vec<_> = s
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.internal_ip, n.pod_cidr, n.ready))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("node-1", ip("10.100.0.2"), net("10.0.1.0/24"), true),
            ("node-2", ip("10.100.0.3"), net("10.0.2.0/24"), true),
            // Ready: Unknown (the kubelet stopped posting status).
            ("node-3", ip("10.100.0.4"), net("10.0.3.0/24"), false),
        ]
    );
    assert_eq!(
        s.nodes[0]
            .labels
            .get("topology.kubernetes.io/zone")
            .map(String::as_str),
        Some("europe-west1-b")
    );

    let pods: Vec<_> = s
        .pods
        .iter()
        .map(|p| {
            (
                p.namespace.as_str(),
                p.name.as_str(),
                p.node_name.as_deref(),
                p.ip,
                p.ready,
            )
        })
        .collect();
    assert_eq!(
        pods,
        vec![
            (
                "default",
                "client",
                Some("node-1"),
                Some(ip("10.0.1.2")),
                true
            ),
            (
                "default",
                "web-6d4cf56db6-4xk2p",
                Some("node-2"),
                Some(ip("10.0.2.5")),
                true
            ),
            (
                "default",
                "web-6d4cf56db6-9zq7w",
                Some("node-1"),
                Some(ip("10.0.1.9")),
                true
            ),
            (
                "kube-system",
                "kube-dns-5c8f9d7b6-hw2lt",
                Some("node-2"),
                Some(ip("10.0.2.3")),
                true
            ),
        ]
    );
    // The Deployment's two replicas are the two web pods listed: none is
    // generated.
    assert!(s.pods.iter().all(|p| p.owner.is_none()));
    assert_eq!(s.deployments.len(), 1);
    let web_deploy = &s.deployments[0];
    assert_eq!((web_deploy.name.as_str(), web_deploy.replicas), ("web", 2));
    assert_eq!(web_deploy.template.ports[0].name.as_deref(), Some("http"));
    // Ports of every container, names and protocols kept.
    let dns = s.pod("kube-system", "kube-dns-5c8f9d7b6-hw2lt").unwrap();
    assert_eq!(dns.ports.len(), 5);
    assert_eq!(dns.find_port("dns", Protocol::Udp), Some(53));
    assert_eq!(dns.find_port("dns-tcp", Protocol::Tcp), Some(53));
    assert_eq!(dns.find_port("dns", Protocol::Tcp), None);

    // Services.
    let kubernetes = s.service("default", "kubernetes").unwrap();
    assert_eq!(kubernetes.cluster_ip, Some(ip("10.3.240.1")));
    assert_eq!(kubernetes.selector, None);
    assert_eq!(kubernetes.ports[0].port, 443);
    let web = s.service("default", "web").unwrap();
    assert_eq!(web.cluster_ip, Some(ip("10.3.241.152")));
    assert_eq!(web.ports[0].target_port, TargetPort::Name("http".into()));
    let np = s.service("default", "web-nodeport").unwrap();
    assert_eq!(np.kind, ServiceType::NodePort);
    assert_eq!(np.ports[0].node_port, Some(30080));
    assert_eq!(np.ports[0].target_port, TargetPort::Number(8080));
    let lb = s.service("default", "web-lb").unwrap();
    assert_eq!(lb.kind, ServiceType::LoadBalancer);
    assert_eq!(lb.cluster_ip, Some(ip("10.3.250.17")));
    assert_eq!(lb.ports[0].node_port, Some(31544));
    assert_eq!(lb.external_traffic_policy, TrafficPolicy::Local);
    assert_eq!(lb.health_check_node_port, Some(32101));
    assert_eq!(lb.load_balancer_ingress, vec![ip("198.51.100.10")]);
    let kube_dns = s.service("kube-system", "kube-dns").unwrap();
    assert_eq!(
        kube_dns
            .ports
            .iter()
            .map(|p| (p.port, p.protocol))
            .collect::<Vec<_>>(),
        vec![(53, Protocol::Udp), (53, Protocol::Tcp)]
    );
    let db = s.service("default", "external-db").unwrap();
    assert_eq!(db.selector, None);

    // Every slice was given, so every slice is authoritative.
    assert_eq!(s.endpoint_slices.len(), 6);
    assert!(s.endpoint_slices.iter().all(|e| !e.derived));
    assert_eq!(
        endpoint_ips(s, "default", "web"),
        vec![ip("10.0.2.5"), ip("10.0.1.9")]
    );
    assert_eq!(
        endpoint_ips(s, "default", "web-lb"),
        vec![ip("10.0.2.5"), ip("10.0.1.9")]
    );
    assert_eq!(
        endpoint_ips(s, "kube-system", "kube-dns"),
        vec![ip("10.0.2.3")]
    );
    // The apiserver and the database VM are outside the pod network.
    assert_eq!(
        endpoint_ips(s, "default", "kubernetes"),
        vec![ip("172.16.0.2")]
    );
    assert_eq!(
        endpoint_ips(s, "default", "external-db"),
        vec![ip("10.100.0.50")]
    );
    let web_slice = s.slices_of(web).next().unwrap();
    assert_eq!(web_slice.name, "web-x7k9d");
    assert_eq!(web_slice.endpoints[0].node_name.as_deref(), Some("node-2"));
    assert_eq!(
        web_slice.endpoints[0].pod.as_deref(),
        Some("web-6d4cf56db6-4xk2p")
    );
    assert!(web_slice
        .endpoints
        .iter()
        .all(|e| e.ready && e.serving && !e.terminating));
    assert_eq!(
        web_slice
            .ports
            .iter()
            .map(|p| (p.name.as_deref(), p.port, p.protocol))
            .collect::<Vec<_>>(),
        vec![(Some("http"), 8080, Protocol::Tcp)]
    );
    // An unnamed port is written `name: ""` by kubectl.
    let db_slice = s.slices_of(db).next().unwrap();
    assert_eq!(db_slice.ports[0].name, None);
    assert_eq!(db_slice.ports[0].port, 5432);
}

#[test]
fn kubectl_json_loads_like_its_yaml() {
    let yaml = load("gke-story.yaml");
    let json = load("gke-story.json");
    assert_eq!(json.scenario, yaml.scenario);
    assert_eq!(json.warnings, yaml.warnings);
    assert_eq!(json.notes, yaml.notes);
}

#[test]
fn endpoints_are_derived_from_selectors_and_readiness_when_no_slice_is_given() {
    let loaded = load("rollout-no-slices.yaml");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.scenario;

    // Two api pods are listed; the Deployment wants three, so one is
    // generated from its template and scheduled onto the node with fewer
    // pods (node-2: one pod, node-1: two), at its lowest free address
    // (10.0.2.1 is the bridge, 10.0.2.4 is taken).
    assert_eq!(s.pods.len(), 4);
    let generated: Vec<_> = s.pods.iter().filter(|p| p.owner.is_some()).collect();
    assert_eq!(generated.len(), 1);
    let g = generated[0];
    assert_eq!(g.owner.as_deref(), Some("api"));
    assert!(g.name.starts_with("api-"), "{}", g.name);
    assert_eq!(g.node_name.as_deref(), Some("node-2"));
    assert_eq!(g.ip, Some(ip("10.0.2.2")));
    assert_eq!(g.find_port("http", Protocol::Tcp), Some(8080));
    // A pod without conditions counts as ready; the new one is not ready.
    assert!(s.pod("default", "debug").unwrap().ready);
    assert!(!s.pod("default", "api-5f6c7d8e9-m4k2z").unwrap().ready);

    let api = s.service("default", "api").unwrap();
    assert_eq!(api.session_affinity, Some(600));
    let slices: Vec<_> = s.slices_of(api).collect();
    assert!(slices.iter().all(|e| e.derived && e.service == "api"));
    // The named targetPort "http" is 8080 on two pods and 9090 on the new
    // one: one slice per mapping, as the EndpointSlice controller writes.
    let mapping: Vec<_> = slices
        .iter()
        .map(|e| {
            (
                e.ports
                    .iter()
                    .map(|p| (p.name.as_deref(), p.port))
                    .collect::<Vec<_>>(),
                e.endpoints
                    .iter()
                    .map(|e| (e.ip, e.ready, e.pod.as_deref()))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        mapping,
        vec![
            (
                vec![(Some("http"), 8080)],
                vec![
                    (ip("10.0.1.7"), true, Some("api-7b9d8c6f5-q2w8x")),
                    (ip("10.0.2.2"), true, Some(g.name.as_str())),
                ]
            ),
            (
                vec![(Some("http"), 9090)],
                vec![(ip("10.0.2.4"), false, Some("api-5f6c7d8e9-m4k2z"))]
            ),
        ]
    );
    assert_ne!(slices[0].name, slices[1].name);
    // Not-ready endpoints are not serving either.
    assert!(!slices[1].endpoints[0].serving);

    // A Service without a selector and no slice has no endpoints.
    let legacy = s.service("default", "legacy").unwrap();
    assert_eq!(legacy.selector, None);
    assert_eq!(s.slices_of(legacy).count(), 0);
    assert_eq!(legacy.ports[0].target_port, TargetPort::Number(443));
}

#[test]
fn another_address_plan_is_inferred_or_given_by_a_cluster_document() {
    let text = data("kind.yaml");
    let loaded = model::load(&text).unwrap_or_else(|e| panic!("{e}"));
    let s = &loaded.scenario;
    assert_eq!(s.cluster.node_cidr, net("172.18.0.0/16"));
    assert_eq!(s.cluster.vpc_gateway(), ip("172.18.0.1"));
    assert_eq!(
        s.nodes.iter().map(|n| n.internal_ip).collect::<Vec<_>>(),
        vec![ip("172.18.0.2"), ip("172.18.0.3"), ip("172.18.0.4")]
    );
    assert_eq!(
        s.node("kind-worker2").unwrap().pod_cidr,
        net("10.244.2.0/24")
    );
    let echo = s.service("demo", "echo").unwrap();
    assert_eq!(echo.cluster_ip, Some(ip("10.96.113.40")));
    // One NodePort for the TCP and the UDP port of one Service.
    assert_eq!(
        echo.ports
            .iter()
            .map(|p| (p.node_port, p.protocol))
            .collect::<Vec<_>>(),
        vec![(Some(31000), Protocol::Tcp), (Some(31000), Protocol::Udp)]
    );
    let slices: Vec<_> = s.slices_of(echo).collect();
    assert_eq!(slices.len(), 1);
    assert_eq!(slices[0].namespace, "demo");
    assert_eq!(
        slices[0]
            .ports
            .iter()
            .map(|p| (p.port, p.protocol))
            .collect::<Vec<_>>(),
        vec![(8080, Protocol::Tcp), (8081, Protocol::Udp)]
    );
    assert_eq!(
        slices[0].endpoints.iter().map(|e| e.ip).collect::<Vec<_>>(),
        vec![ip("10.244.1.2"), ip("10.244.2.2")]
    );

    // Without the Cluster document the plan is inferred from the objects,
    // each inference said once as a note; the scenario is otherwise the same.
    let (_, list) = text.split_once("\n---\n").unwrap();
    let inferred = model::load(list).unwrap_or_else(|e| panic!("{e}"));
    let c = &inferred.scenario.cluster;
    assert_eq!(
        (c.node_cidr, c.pod_cidr, c.service_cidr),
        (
            net("172.18.0.0/24"),
            net("10.244.0.0/16"),
            net("10.96.0.0/12")
        )
    );
    assert_eq!(inferred.scenario.nodes, s.nodes);
    assert_eq!(inferred.scenario.services, s.services);
    let notes: Vec<String> = inferred.notes.iter().map(ToString::to_string).collect();
    assert_eq!(
        notes,
        vec![
            "Cluster (inferred): spec.nodeCIDR: 172.18.0.0/24: the smallest network (at least a /24) holding the nodes' InternalIPs (172.18.0.2-172.18.0.4)",
            "Cluster (inferred): spec.podCIDR: 10.244.0.0/16, kind's, flannel's and AKS's default: it holds the nodes' podCIDRs (3 nodes)",
            "Cluster (inferred): spec.serviceCIDR: 10.96.0.0/12, kubeadm's and kind's default: it holds every ClusterIP (10.96.0.1-10.96.113.40)",
        ]
    );
    // The inferred plan is written out, and loads back with no note.
    let again = model::load(&inferred.scenario.to_yaml()).unwrap();
    assert_eq!(again.scenario, inferred.scenario);
    assert!(again.notes.is_empty());

    // An explicit Cluster wins: with the story's plan, the addresses that
    // do not fit it are named.
    let story = "apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: story\nspec: {}\n---\n";
    let errors = model::load(&format!("{story}{list}")).unwrap_err();
    let shown = errors.to_string();
    for want in [
        "Node kind-control-plane: status.addresses[0].address: 172.18.0.2 is outside the node network 10.100.0.0/24",
        "Node kind-worker: spec.podCIDR: 10.244.1.0/24 is outside the cluster's pod network 10.0.0.0/14",
        "Service default/kubernetes: spec.clusterIP: 10.96.0.1 is outside the service network 10.3.240.0/20",
        "Service demo/echo: spec.clusterIP: 10.96.113.40 is outside the service network 10.3.240.0/20",
    ] {
        assert!(shown.contains(want), "missing {want:?} in:\n{shown}");
    }
}
