//! Every trace sentence reads in Korean: the requests `netlab
//! kernel-check` derives (pod -> ClusterIP, hairpin, pod -> pod, NodePorts,
//! load balancers, the internet, Services without endpoints), each
//! preset's own request, over every random branch, in every scenario of
//! `static/scenarios/` and `tests/data/engine/`, also with a node removed.
//! Each hop's note and each reason is its `Say` in English (one source of
//! truth), and its Korean is not empty, not the English, has Hangul and
//! keeps every address of the English sentence; a route's origin reads in
//! Korean too.

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]
use k8s_netlab::engine::checks as requests;
use k8s_netlab::engine::paths::branches;
use k8s_netlab::engine::topology::{RouteOrigin, Topology};
use k8s_netlab::engine::trace::{Request, Say, Trace, World};
use k8s_netlab::lang::Lang;
use k8s_netlab::model::{self, presets::PRESETS};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

fn addresses(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| w.parse::<Ipv4Addr>().is_ok())
        .collect()
}

/// Checks one sentence; returns its English.
fn check(what: &str, en: &str, say: &Say, ko: &str) -> String {
    assert_eq!(en, say.en(), "{what}: the text is not its Say's English");
    assert!(!ko.is_empty(), "{what}: empty Korean for {en}");
    assert_ne!(ko, en, "{what}: Korean is the English");
    assert!(
        ko.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
        "{what}: no Hangul in {ko}"
    );
    for a in addresses(en) {
        assert!(
            addresses(ko).contains(&a),
            "{what}: {a} of {en:?} missing from {ko:?}"
        );
    }
    if let Some(o) = origin(say) {
        assert!(
            ko.contains(&format!("({})", o.ko())) && !ko.contains(&format!("({})", o.en())),
            "{what}: the route's origin {o:?} is not in Korean: {ko}"
        );
    }
    en.to_string()
}

/// The origin of the route a sentence names, if it names one.
fn origin(say: &Say) -> Option<RouteOrigin> {
    match say {
        Say::Routes { origin, .. }
        | Say::RouteDrops { origin, .. }
        | Say::Unreachable { origin, .. } => Some(*origin),
        Say::AnswerLost(inner) => origin(inner),
        _ => None,
    }
}

fn check_trace(what: &str, t: &Trace, seen: &mut BTreeSet<String>) {
    for (i, h) in t.hops.iter().enumerate() {
        let w = format!("{what}, hop {}", i + 1);
        let note = h.note();
        check(&w, &note, &h.say, &h.note_in(Lang::Ko));
        assert_eq!(h.note_in(Lang::En), note, "{w}");
        seen.insert(template(&note));
        if let Some(o) = origin(&h.say) {
            seen.insert(format!("{o:?}"));
        }
    }
    if let Some(say) = &t.reason {
        let r = t.reason_in(Lang::En).unwrap();
        check(
            &format!("{what}, reason"),
            &r,
            say,
            &t.reason_in(Lang::Ko).unwrap(),
        );
        assert_eq!(r, say.en());
        seen.insert(template(&r));
    }
    if let Some(reply) = &t.reply {
        if let Some(say) = &reply.reason {
            let r = reply.reason_in(Lang::En).unwrap();
            let ko = reply.reason_in(Lang::Ko).unwrap();
            check(&format!("{what}, reply reason"), &r, say, &ko);
        }
    }
}

/// A sentence with its names and numbers blanked: how many templates the
/// walk reached.
fn template(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            if w.chars().any(|c| c.is_ascii_digit() || c == '/') {
                "_"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn scenario_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "static/scenarios",
        "tests/data/engine",
        "tests/data/clusters",
    ] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml" || x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_hop_and_reason_of_every_scenario_reads_in_korean() {
    walk(model::ProxyMode::Iptables);
}

/// The same walk with kube-proxy in nftables mode, plus the requests its
/// rules answer differently (a NodePort on 127.0.0.1, a ClusterIP's
/// missing port, an unallocated Service address).
#[test]
fn every_hop_and_reason_in_nftables_mode_reads_in_korean() {
    walk(model::ProxyMode::Nftables);
}

fn walk(mode: model::ProxyMode) {
    let mut traces = 0;
    let mut seen = BTreeSet::new();
    for file in scenario_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut original = model::load(&text).unwrap().scenario;
        let mut cfg = original.proxy_config();
        cfg.mode = mode;
        original.proxy = Some(cfg);
        let name = file.display().to_string();
        let preset_reqs: Vec<(String, String)> = PRESETS
            .iter()
            .filter(|p| p.yaml == text)
            .map(|p| (p.from.to_string(), p.to.to_string()))
            .collect();
        let mut phases = vec![None];
        phases.extend(requests::node_to_remove(&original).map(Some));
        for removed in phases {
            let mut world = World::new(original.clone());
            if let Some(n) = &removed {
                world.remove_node(n);
            }
            let s = world.scenario().clone();
            let taken: Vec<_> = Topology::build(&s, &[])
                .lb_vpc_addrs
                .values()
                .copied()
                .collect();
            let host = requests::host_address(&s, &taken).expect("a free host address");
            let mut reqs: Vec<(String, String, model::Protocol)> = requests::derive(&s, host)
                .into_iter()
                .map(|r| (r.from, r.to, r.proto))
                .collect();
            for (from, to) in &preset_reqs {
                for proto in [model::Protocol::Tcp, model::Protocol::Udp] {
                    reqs.push((from.clone(), to.clone(), proto));
                }
            }
            if mode == model::ProxyMode::Nftables {
                let tcp = model::Protocol::Tcp;
                if let (Some(n), Some(svc)) = (s.nodes.first(), s.services.first()) {
                    if let Some(np) = svc.ports.iter().find_map(|p| p.node_port) {
                        reqs.push((format!("node/{}", n.name), format!("127.0.0.1:{np}"), tcp));
                    }
                    if let (Some(ip), Some(pod)) = (svc.cluster_ip, s.pods.first()) {
                        reqs.push((format!("pod/{}", pod.name), format!("{ip}:1"), tcp));
                    }
                }
                if let Some(pod) = s.pods.first() {
                    let unallocated = s.cluster.service_cidr.hosts().nth(1000).unwrap();
                    reqs.push((
                        format!("pod/{}", pod.name),
                        format!("{unallocated}:80"),
                        tcp,
                    ));
                }
            }
            for (from, to, proto) in reqs {
                let Ok(req) = Request::parse(&s, &from, &to, proto) else {
                    continue;
                };
                let what = format!(
                    "{name}{}: {from} -> {to} {}",
                    removed
                        .as_ref()
                        .map(|n| format!(" ({n} removed)"))
                        .unwrap_or_default(),
                    proto.as_lower()
                );
                for b in branches(&world, &req).unwrap() {
                    check_trace(&what, &b.trace, &mut seen);
                    traces += 1;
                }
                // The same request again: conntrack and session affinity
                // now know the client.
                let mut w = world.clone();
                let mut chooser = k8s_netlab::linux::netfilter::SeededChooser::from_seed(7);
                for _ in 0..2 {
                    let t = w.trace(&req, &mut chooser).unwrap();
                    check_trace(&what, &t, &mut seen);
                    traces += 1;
                }
            }
        }
    }
    assert!(traces > 500, "only {traces} traces");
    println!("{traces} traces, {} sentence shapes", seen.len());
}

/// An external IP outside every range the cloud announces: the internet's
/// route to it and the VPC router's route to a node name their origins in
/// Korean as well (before, these fell back to English).
#[test]
fn external_ip_routes_read_in_korean() {
    let text = std::fs::read_to_string("tests/data/engine/lb-nodeport.yaml")
        .unwrap()
        .replacen(
            "  externalTrafficPolicy: Cluster\n",
            "  externalTrafficPolicy: Cluster\n  externalIPs: [192.0.2.50]\n",
            1,
        );
    let s = model::load(&text).unwrap().scenario;
    assert_eq!(
        s.services[0].external_ips,
        ["192.0.2.50".parse::<Ipv4Addr>().unwrap()]
    );
    let req = Request::parse(&s, "internet", "192.0.2.50:80", model::Protocol::Tcp).unwrap();
    let world = World::new(s);
    let mut origins = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for b in branches(&world, &req).unwrap() {
        check_trace("internet -> 192.0.2.50:80", &b.trace, &mut seen);
        origins.extend(b.trace.hops.iter().filter_map(|h| origin(&h.say)));
    }
    for want in [RouteOrigin::ExternalIpToVpc, RouteOrigin::ExternalIpToNode] {
        assert!(origins.contains(&want), "{want:?} not in {origins:?}");
    }
}
