//! Engine benchmarks on generated clusters, printing figures (not a timed
//! test): `cargo bench --no-default-features --bench engine` (all sizes) or
//! `... -- small` (the two small ones, as CI runs through scripts/bench.sh).
//!
//! Sizes: 3 nodes / 10 Services, 100 nodes / 1,000 Services, and
//! Kubernetes' scalability thresholds: 5,000 nodes, 150,000 pods, 10,000
//! Services, up to 250 endpoints per Service.
//!
//! For each: the time to resolve the scenario, to build one node's
//! ruleset (and its size), to build the topology, to run one trace (mean
//! over many, each a fresh connection), the rules iptables would have
//! traversed for it, and the process's peak memory.

use k8s_netlab::engine::trace::{Request, World};
use k8s_netlab::kube_proxy::{iptables, nftables};
use k8s_netlab::linux::netfilter::iptables::TableName;
use k8s_netlab::linux::netfilter::SeededChooser;
use k8s_netlab::model::k8s::{self, Object, ObjectMeta};
use k8s_netlab::model::{self, Protocol};
use std::hint::black_box;
use std::time::{Duration, Instant};

struct Size {
    name: &'static str,
    nodes: usize,
    pods: usize,
    services: usize,
    /// Services 0..big get `big_endpoints` pods each; the rest share the
    /// remaining pods.
    big: usize,
    big_endpoints: usize,
}

const SIZES: &[Size] = &[
    Size {
        name: "3 nodes, 10 Services",
        nodes: 3,
        pods: 30,
        services: 10,
        big: 0,
        big_endpoints: 0,
    },
    Size {
        name: "100 nodes, 1,000 Services",
        nodes: 100,
        pods: 3_000,
        services: 1_000,
        big: 0,
        big_endpoints: 0,
    },
    Size {
        name: "5,000 nodes, 150,000 pods, 10,000 Services",
        nodes: 5_000,
        pods: 150_000,
        services: 10_000,
        big: 20,
        big_endpoints: 250,
    },
];

fn meta(name: String) -> ObjectMeta {
    ObjectMeta {
        name: Some(name),
        ..Default::default()
    }
}

fn labels(pairs: &[(&str, String)]) -> model::Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// A cluster of `s`'s size: every node with a pod CIDR, pods spread over
/// nodes, Service i selecting `app: svc-i`; one Service in ten is a
/// NodePort, one in a hundred a LoadBalancer.
fn generate(s: &Size) -> Vec<Object> {
    let mut out = Vec::new();
    out.push(Object::Cluster(k8s::Cluster {
        metadata: meta("bench".into()),
        spec: k8s::ClusterSpec {
            node_cidr: Some("10.128.0.0/18".into()),
            pod_cidr: Some("10.0.0.0/11".into()),
            node_pod_cidr_mask: Some(24),
            service_cidr: Some("10.96.0.0/16".into()),
            node_port_range: Some("30000-32767".into()),
            load_balancer_style: None,
            pod_addressing: None,
        },
    }));
    for n in 0..s.nodes {
        out.push(Object::Node(k8s::Node {
            metadata: meta(format!("node-{n}")),
            ..Default::default()
        }));
    }
    // Which Service each pod serves.
    let mut owner = Vec::with_capacity(s.pods);
    for svc in 0..s.big {
        owner.extend(std::iter::repeat_n(svc, s.big_endpoints));
    }
    let rest = s.services - s.big;
    let mut i = 0;
    while owner.len() < s.pods {
        owner.push(s.big + i % rest.max(1));
        i += 1;
    }
    for (p, svc) in owner.iter().enumerate() {
        out.push(Object::Pod(k8s::Pod {
            metadata: ObjectMeta {
                name: Some(format!("pod-{p}")),
                labels: labels(&[("app", format!("svc-{svc}"))]),
                ..Default::default()
            },
            spec: k8s::PodSpec {
                node_name: Some(format!("node-{}", p % s.nodes)),
                containers: vec![k8s::Container {
                    name: "app".into(),
                    ports: vec![k8s::ContainerPort {
                        name: Some("http".into()),
                        container_port: 8080,
                        protocol: None,
                    }],
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        }));
    }
    for svc in 0..s.services {
        let kind = if svc % 100 == 1 {
            "LoadBalancer"
        } else if svc % 10 == 2 {
            "NodePort"
        } else {
            "ClusterIP"
        };
        out.push(Object::Service(k8s::Service {
            metadata: meta(format!("svc-{svc}")),
            spec: k8s::ServiceSpec {
                kind: Some(kind.into()),
                selector: Some(labels(&[("app", format!("svc-{svc}"))])),
                ports: vec![k8s::ServicePort {
                    name: Some("http".into()),
                    port: 80,
                    target_port: Some(k8s::IntOrString::String("http".into())),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        }));
    }
    out
}

/// The process's peak resident memory so far (`VmHWM`), in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The process's resident memory now (`VmRSS`), in MiB.
fn memory_mib() -> String {
    let now = || -> Option<f64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024.0)
    };
    now().map_or("?".into(), |m| format!("{m:.0} MiB"))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// One figure, printed as soon as it is measured (a long run shows its
/// progress): `bench: <size> | <what> | <value>`.
fn report(size: &str, what: &str, value: impl std::fmt::Display) {
    println!("bench: {size:<44} | {what:<28} | {value}");
}

/// nftables mode's traces: pod-0 to the first and the last Service, as
/// iptables mode's below (new connections, mean of many). At the
/// thresholds every connection takes the first one's path (seed 0): in
/// nftables mode each node has a table of its own (its IP is in
/// `nodeport-ips`), ~180 MiB at 10,000 Services, so connections spread
/// over a Service's 250 endpoints would build hundreds of them.
fn nft_traces(name: &str, s: &Size, scenario: model::Scenario) {
    let mut world = World::new(scenario);
    for (label, target) in [
        ("first Service", "svc/svc-0:80".to_string()),
        ("last Service", format!("svc/svc-{}:80", s.services - 1)),
    ] {
        let req =
            Request::parse(world.scenario(), "pod/pod-0", &target, Protocol::Tcp).expect("request");
        let t = Instant::now();
        let warm = world
            .trace(&req, &mut SeededChooser::from_seed(0))
            .expect("trace");
        assert!(warm.succeeded(), "nft {target}: {:?}", warm.reason);
        report(
            name,
            &format!("nft: first trace, {label}"),
            format!("{} (builds the tables it meets)", ms(t.elapsed())),
        );
        let n: u32 = if s.nodes > 1000 { 1_000 } else { 2_000 };
        let t = Instant::now();
        let mut evaluated = 0;
        for seed in 0..n {
            let seed = if s.nodes > 1000 { 0 } else { seed };
            let tr = world
                .trace(&req, &mut SeededChooser::from_seed(u64::from(seed)))
                .expect("trace");
            evaluated += tr.rules_evaluated;
            black_box(tr);
        }
        report(
            name,
            &format!("nft: trace, {label}"),
            format!(
                "{} mean of {n}; {} rules evaluated (a map lookup is one)",
                ms(t.elapsed() / n),
                evaluated / n as usize
            ),
        );
    }
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let small_only = filter.iter().any(|a| a == "small");
    for s in SIZES {
        if small_only && s.nodes > 100 {
            continue;
        }
        let name = s.name;
        let objects = generate(s);
        let t = Instant::now();
        let loaded = model::resolve(objects).expect("generated scenarios are valid");
        report(
            name,
            "resolve",
            format!("{} (then {} resident)", ms(t.elapsed()), memory_mib()),
        );
        let scenario = loaded.scenario;
        report(
            name,
            "objects",
            format!(
                "{} nodes, {} pods, {} Services, {} EndpointSlices",
                scenario.nodes.len(),
                scenario.pods.len(),
                scenario.services.len(),
                scenario.endpoint_slices.len()
            ),
        );

        // One node's ruleset, as kube-proxy writes it.
        let t = Instant::now();
        let rs = iptables::ruleset(&scenario, "node-1").expect("node-1 exists");
        let ruleset_time = t.elapsed();
        let chains: usize = rs.tables.iter().map(|t| t.chains.len()).sum();
        let rules: usize = rs
            .tables
            .iter()
            .flat_map(|t| &t.chains)
            .map(|c| c.rules.len())
            .sum();
        let kube_services = rs
            .chain(TableName::Nat, "KUBE-SERVICES")
            .map_or(0, |c| c.rules.len());
        report(
            name,
            "ruleset (node-1)",
            format!(
                "{} ({rules} rules in {chains} chains; nat KUBE-SERVICES {kube_services} rules; then {} resident)",
                ms(ruleset_time),
                memory_mib()
            ),
        );
        drop(black_box(rs));

        // nftables mode, the same cluster: one node's table as kube-proxy's
        // nftables proxier writes it, and the same two traces.
        let mut nft_scenario = scenario.clone();
        let mut config = nft_scenario.proxy_config();
        config.mode = model::ProxyMode::Nftables;
        nft_scenario.proxy = Some(config);
        let t = Instant::now();
        let table = nftables::table(&nft_scenario, "node-1").expect("node-1 exists");
        let table_time = t.elapsed();
        let nft_rules: usize = table.chains.iter().map(|c| c.rules.len()).sum();
        let elements: usize = table.sets.iter().map(|s| s.elements.len()).sum();
        report(
            name,
            "nft: table (node-1)",
            format!(
                "{} ({nft_rules} rules in {} chains, {elements} set and map elements; then {} resident)",
                ms(table_time),
                table.chains.len(),
                memory_mib()
            ),
        );
        drop(black_box(table));
        nft_traces(name, s, nft_scenario);

        // The world: the topology (rulesets come on first use).
        let t = Instant::now();
        let mut world = World::new(scenario);
        report(
            name,
            "topology (World::new)",
            format!("{} (then {} resident)", ms(t.elapsed()), memory_mib()),
        );

        // Traces: pod-0 (on node-0) to the ClusterIP of a Service with
        // many endpoints, and to the last Service (the end of
        // KUBE-SERVICES). Each is a new connection (a new client port).
        let targets = [
            ("first Service", "svc/svc-0:80".to_string()),
            ("last Service", format!("svc/svc-{}:80", s.services - 1)),
        ];
        let mut means = Vec::new();
        for (label, target) in &targets {
            let req = Request::parse(world.scenario(), "pod/pod-0", target, Protocol::Tcp)
                .expect("request");
            // The first trace builds the rulesets it needs (node-0's and the
            // endpoint's node's); time the rest.
            let t = Instant::now();
            let mut first = SeededChooser::from_seed(0);
            let warm = world.trace(&req, &mut first).expect("trace");
            assert!(warm.succeeded(), "{target}: {:?}", warm.reason);
            report(
                name,
                &format!("first trace, {label}"),
                format!("{} (builds the rulesets it meets)", ms(t.elapsed())),
            );
            let n: u32 = if s.nodes > 1000 { 1_000 } else { 2_000 };
            let t = Instant::now();
            let mut evaluated = 0;
            for seed in 0..n {
                let mut c = SeededChooser::from_seed(u64::from(seed));
                let tr = world.trace(&req, &mut c).expect("trace");
                evaluated += tr.rules_evaluated;
                black_box(tr);
            }
            let mean = t.elapsed() / n;
            means.push(mean);
            report(
                name,
                &format!("trace, {label}"),
                format!(
                    "{} mean of {n}; {} rules traversed",
                    ms(mean),
                    evaluated / n as usize
                ),
            );
        }
        // Both means on one line, in the layout scripts/bench.sh reads.
        println!(
            "bench: {name:<40} {:<16} {} first Service / {} last Service",
            "trace",
            ms(means[0]),
            ms(means[1])
        );
        // A copy of the world shares the rulesets and the topology.
        let t = Instant::now();
        let copy = world.clone();
        report(name, "World::clone", ms(t.elapsed()));
        drop(black_box(copy));
        report(
            name,
            "memory after the traces",
            format!("{} resident", memory_mib()),
        );
        report(
            name,
            "peak memory (VmHWM)",
            peak_memory_mib()
                .map(|m| format!("{m:.0} MiB"))
                .unwrap_or("?".into()),
        );
    }
}
