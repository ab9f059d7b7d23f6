//! The ready scenarios of `static/scenarios/`: each loads without errors,
//! each is a preset and each preset is a file, and the default one is the
//! story's cluster.

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]

use ipnet::Ipv4Net;
use k8s_netlab::model::{self, presets, ServiceType, TargetPort};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::path::Path;

fn scenario_files() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/scenarios");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("static/scenarios exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read_to_string(&p).expect("readable scenario"),
            )
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
}

#[test]
fn every_scenario_file_loads_without_errors() {
    for (name, text) in scenario_files() {
        let loaded = model::load(&text).unwrap_or_else(|e| panic!("{name}:\n{e}"));
        let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
        // Only the step where the route's node is gone warns, about that.
        let expected: &[&str] = match name.as_str() {
            "node-removed.yaml" => {
                &["Route services-via-node-2: spec.nextHop: there is no Node node-2"]
            }
            _ => &[],
        };
        assert_eq!(warnings.len(), expected.len(), "{name}: {warnings:?}");
        for (w, e) in warnings.iter().zip(expected) {
            assert!(w.starts_with(e), "{name}: {w}");
        }
        assert!(!loaded.scenario.nodes.is_empty(), "{name}: no nodes");
        // And each survives export.
        let again = model::load(&loaded.scenario.to_yaml())
            .unwrap_or_else(|e| panic!("{name} exported:\n{e}"));
        assert_eq!(again.scenario, loaded.scenario, "{name}");
    }
}

#[test]
fn every_file_is_a_preset_and_every_preset_a_file() {
    let files = scenario_files();
    for (name, text) in &files {
        let matching: Vec<_> = presets::PRESETS.iter().filter(|p| p.yaml == text).collect();
        assert_eq!(matching.len(), 1, "{name} should be exactly one preset");
        // The id is the file's name.
        assert_eq!(format!("{}.yaml", matching[0].id), *name);
    }
    assert_eq!(
        presets::PRESETS.len(),
        files.len(),
        "a preset without a file"
    );
    let ids: BTreeSet<_> = presets::PRESETS.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), presets::PRESETS.len(), "preset ids are unique");
    for p in presets::PRESETS {
        assert_eq!(presets::preset(p.id), Some(p));
        assert!(
            !p.title.is_empty() && !p.from.is_empty() && !p.to.is_empty(),
            "{}",
            p.id
        );
    }
    assert_eq!(presets::preset("no-such-preset"), None);
}

#[test]
fn presets_follow_the_story_in_order() {
    let steps: Vec<u8> = presets::PRESETS.iter().map(|p| p.step).collect();
    let mut sorted = steps.clone();
    sorted.sort();
    assert_eq!(steps, sorted, "presets are listed in story order");
    // 1-9 are STORY.md's steps; 10 and on go past the seed, as the series
    // does (LoadBalancer Services in a cloud); 11 and on are the tutorial's
    // lessons past the story (the questions learners ask most).
    assert!(steps.iter().all(|s| (1..=17).contains(s)), "{steps:?}");
}

#[test]
fn preset_requests_name_things_that_exist() {
    for p in presets::PRESETS {
        let s = model::load(p.yaml).unwrap().scenario;
        for end in [p.from, p.to] {
            if let Some(pod) = end.strip_prefix("pod/") {
                assert!(s.pod("default", pod).is_some(), "{}: {end}", p.id);
            } else if let Some(svc) = end.strip_prefix("svc/") {
                let name = svc.split(':').next().unwrap();
                assert!(s.service("default", name).is_some(), "{}: {end}", p.id);
            } else if let Some(node) = end.strip_prefix("node/") {
                assert!(s.node(node).is_some(), "{}: {end}", p.id);
            } else if end != "internet" {
                let ip = end.split(':').next().unwrap();
                assert!(ip.parse::<Ipv4Addr>().is_ok(), "{}: {end}", p.id);
            }
        }
    }
}

#[test]
fn the_default_scenario_is_the_storys_cluster() {
    assert_eq!(model::DEFAULT_SCENARIO, presets::PRESETS[0].yaml);
    let s = model::default_scenario();
    let net = |t: &str| t.parse::<Ipv4Net>().unwrap();
    assert_eq!(s.cluster.node_cidr, net("10.100.0.0/24"));
    assert_eq!(s.cluster.pod_cidr, net("10.0.0.0/14"));
    assert_eq!(s.cluster.node_pod_cidr_mask, 24);
    assert_eq!(s.cluster.service_cidr, net("10.3.240.0/20"));
    assert_eq!(
        (
            s.cluster.node_port_range.first,
            s.cluster.node_port_range.last
        ),
        (30000, 32767)
    );
    assert_eq!(s.cluster.vpc_gateway(), Ipv4Addr::new(10, 100, 0, 1));

    let nodes: Vec<_> = s
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.internal_ip, n.pod_cidr))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("node-1", Ipv4Addr::new(10, 100, 0, 2), net("10.0.1.0/24")),
            ("node-2", Ipv4Addr::new(10, 100, 0, 3), net("10.0.2.0/24")),
            ("node-3", Ipv4Addr::new(10, 100, 0, 4), net("10.0.3.0/24")),
        ]
    );
    assert!(s.nodes.iter().all(|n| n.ready));

    let web = s.service("default", "web").expect("Service web");
    assert_eq!(web.kind, ServiceType::ClusterIp);
    assert_eq!(web.cluster_ip, Some(Ipv4Addr::new(10, 3, 241, 152)));
    assert_eq!(web.ports.len(), 1);
    assert_eq!(web.ports[0].port, 80);
    assert_eq!(web.ports[0].target_port, TargetPort::Name("http".into()));

    // The client is on node-1, the backends on other nodes.
    let client = s.pod("default", "client").expect("pod client");
    assert_eq!(client.node_name.as_deref(), Some("node-1"));
    let backends: Vec<_> = s.slices_of(web).flat_map(|e| e.endpoints.iter()).collect();
    assert!(backends.len() >= 2, "{backends:?}");
    for e in &backends {
        assert!(e.ready);
        assert_ne!(e.node_name.as_deref(), Some("node-1"), "{e:?}");
    }
    for slice in s.slices_of(web) {
        assert_eq!(
            slice.ports.iter().map(|p| p.port).collect::<Vec<_>>(),
            vec![8080]
        );
    }
}

/// What each step of the story changes from the default cluster.
#[test]
fn each_step_shows_what_the_story_says() {
    let load = |id: &str| {
        model::load(presets::preset(id).unwrap().yaml)
            .unwrap()
            .scenario
    };

    let route = load("static-route");
    assert_eq!(route.routes.len(), 1);
    assert_eq!(
        route.routes[0].destination,
        "10.3.240.0/20".parse::<Ipv4Net>().unwrap()
    );
    assert_eq!(route.routes[0].next_hop.to_string(), "node-2");

    let removed = load("node-removed");
    assert!(removed.node("node-2").is_none());
    assert_eq!(
        removed.routes[0].next_hop.to_string(),
        "node-2",
        "the route points at nothing"
    );
    assert!(removed
        .pods
        .iter()
        .all(|p| p.node_name.as_deref() != Some("node-2")));

    let lb = load("load-balancer");
    let web = lb.service("default", "web").unwrap();
    assert_eq!(web.kind, ServiceType::LoadBalancer);
    assert_eq!(
        web.load_balancer_ingress,
        vec![Ipv4Addr::new(198, 51, 100, 10)]
    );

    for id in ["nodeport", "nodeport-wrong-port"] {
        let s = load(id);
        let web = s.service("default", "web").unwrap();
        assert_eq!(web.kind, ServiceType::NodePort, "{id}");
        assert_eq!(web.cluster_ip, Some(Ipv4Addr::new(10, 3, 241, 152)), "{id}");
        let np = web.ports[0].node_port.expect("a NodePort");
        assert!((30000..=32767).contains(&np), "{id}: {np}");
    }
    assert_eq!(presets::preset("nodeport").unwrap().to, "10.100.0.3:30080");
    assert_eq!(
        load("nodeport").service("default", "web").unwrap().ports[0].node_port,
        Some(30080)
    );
}
