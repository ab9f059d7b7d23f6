//! The command behind each hop (`engine::commands`): which hops get one,
//! and the story's first request as a learner would type it on its nodes
//! (reviewed; the kernel check runs these same commands in its namespaces
//! and compares every output).

mod common;

use common::{files, load_named, read};
use k8s_netlab::engine::commands::for_trace;
use k8s_netlab::engine::trace::{Place, Request, World};
use k8s_netlab::linux::netfilter::SeededChooser;
use k8s_netlab::model::Protocol;

#[test]
fn routing_hops_and_matched_rules_get_their_commands() {
    let mut hops = 0;
    let mut conntrack = 0;
    for file in files("static/scenarios", "yaml") {
        let name = file.display().to_string();
        let s = load_named(&name, &read(&file)).scenario;
        let world = World::new(s.clone());
        for pod in s.pods.iter().filter(|p| p.ip.is_some()) {
            for svc in &s.services {
                let Some(port) = svc.ports.first() else {
                    continue;
                };
                let to = format!("svc/{}:{}", svc.name, port.port);
                let from = format!("pod/{}", pod.name);
                let Ok(req) = Request::parse(&s, &from, &to, Protocol::Tcp) else {
                    continue;
                };
                let mut w = world.clone();
                let trace = w.trace(&req, &mut SeededChooser::from_seed(3)).unwrap();
                let cmds = for_trace(&mut world.clone(), &trace);
                assert_eq!(cmds.len(), trace.hops.len());
                for (h, c) in trace.hops.iter().zip(&cmds) {
                    let what = format!("{name}: {from} -> {to}: {} {}", h.device, h.at);
                    if h.at == Place::Routing {
                        assert!(
                            c.len() == 1 && c[0].command.starts_with("ip route get "),
                            "{what}: {c:?}"
                        );
                        assert!(c[0].output.contains(&h.before.dst.ip().to_string()));
                    } else if h.at == Place::Conntrack {
                        // The connection's entry where this packet is its
                        // original direction (a reply's hop has none).
                        assert!(c.len() <= 1, "{what}: {c:?}");
                        if let Some(c) = c.first() {
                            // Selected by the original tuple (the client's
                            // packet before NAT); the hop's packet is it or
                            // the reply tuple reversed (after NAT).
                            let p = &h.before;
                            let client = pod.ip.unwrap();
                            assert!(
                                c.command
                                    .starts_with(&format!("conntrack -L -p tcp -s {client} -d ")),
                                "{what}: {c:?}"
                            );
                            let original = format!(
                                "src={} dst={} sport={} dport={} ",
                                p.src.ip(),
                                p.dst.ip(),
                                p.src.port(),
                                p.dst.port()
                            );
                            let reply = format!(
                                "src={} dst={} sport={} dport={}\n",
                                p.dst.ip(),
                                p.src.ip(),
                                p.dst.port(),
                                p.src.port()
                            );
                            assert!(
                                c.output.lines().count() == 1
                                    && (c.output.contains(&original) || c.output.ends_with(&reply)),
                                "{what}: {c:?}"
                            );
                            conntrack += 1;
                        }
                    } else if h.device.starts_with("node/") {
                        let matched = h.rules.iter().filter(|r| r.index > 0).count();
                        assert_eq!(c.len(), matched, "{what}: {c:?}");
                        for (cmd, r) in c.iter().zip(h.rules.iter().filter(|r| r.index > 0)) {
                            assert_eq!(
                                cmd.command,
                                format!("iptables -t {} -S {} {}", r.table, r.chain, r.index)
                            );
                            assert!(cmd.output.starts_with(&format!("-A {} ", r.chain)));
                        }
                    } else {
                        assert!(c.is_empty(), "{what}: {c:?}");
                    }
                    hops += 1;
                }
            }
        }
    }
    assert!(hops > 500, "only {hops} hops");
    assert!(conntrack > 20, "only {conntrack} conntrack commands");
}

/// In nftables mode, a node's netfilter hop shows each chain it matched a
/// rule in (`nft list chain`, once per chain) and each verdict map
/// element that matched (`nft get element`), as `nft` prints them.
#[test]
fn nftables_hops_list_their_chains_and_map_elements() {
    let mut elements = 0;
    for file in files("static/scenarios", "yaml") {
        let name = file.display().to_string();
        let s = nftables_mode(load_named(&name, &read(&file)).scenario);
        let world = World::new(s.clone());
        for pod in s.pods.iter().filter(|p| p.ip.is_some()) {
            for svc in &s.services {
                let Some(port) = svc.ports.first() else {
                    continue;
                };
                let to = format!("svc/{}:{}", svc.name, port.port);
                let from = format!("pod/{}", pod.name);
                let Ok(req) = Request::parse(&s, &from, &to, Protocol::Tcp) else {
                    continue;
                };
                let trace = world
                    .clone()
                    .trace(&req, &mut SeededChooser::from_seed(3))
                    .unwrap();
                let cmds = for_trace(&mut world.clone(), &trace);
                for (h, c) in trace.hops.iter().zip(&cmds) {
                    if h.at == Place::Routing
                        || h.at == Place::Conntrack
                        || !h.device.starts_with("node/")
                    {
                        continue;
                    }
                    let what = format!("{name}: {from} -> {to}: {} {}", h.device, h.at);
                    let mut chains: Vec<String> = Vec::new();
                    let mut maps = 0;
                    for r in h.rules.iter().filter(|r| r.index > 0) {
                        let list = format!("nft list chain ip kube-proxy {}", r.chain);
                        if !chains.contains(&list) {
                            chains.push(list);
                        }
                        if r.rule.contains(" vmap @") {
                            maps += 1;
                        }
                    }
                    let listed: Vec<&str> = c
                        .iter()
                        .map(|c| c.command.as_str())
                        .filter(|c| c.starts_with("nft list chain "))
                        .collect();
                    assert_eq!(listed, chains, "{what}: {c:?}");
                    let got: Vec<_> = c
                        .iter()
                        .filter(|c| c.command.starts_with("nft get element "))
                        .collect();
                    assert_eq!(got.len(), maps, "{what}: {c:?}");
                    for c in c.iter() {
                        assert!(
                            c.output.starts_with("table ip kube-proxy {\n\t"),
                            "{what}: {c:?}"
                        );
                    }
                    elements += got.len();
                }
            }
        }
    }
    assert!(elements > 10, "only {elements} map elements shown");
}

fn nftables_mode(mut s: k8s_netlab::model::Scenario) -> k8s_netlab::model::Scenario {
    let mut config = s.proxy_config();
    config.mode = k8s_netlab::model::ProxyMode::Nftables;
    s.proxy = Some(config);
    for n in &mut s.nodes {
        n.labels.remove(k8s_netlab::model::KUBE_PROXY_MODE_LABEL);
    }
    s
}

#[test]
fn the_storys_clusterip_request() {
    insta::assert_snapshot!(story_commands(false));
}

/// The same request with kube-proxy in nftables mode.
#[test]
fn the_storys_clusterip_request_in_nftables_mode() {
    insta::assert_snapshot!(story_commands(true));
}

fn story_commands(nft: bool) -> String {
    let file = common::root("static/scenarios/clusterip.yaml");
    let mut s = load_named("clusterip.yaml", &read(&file)).scenario;
    if nft {
        s = nftables_mode(s);
    }
    let world = World::new(s.clone());
    let req = Request::parse(&s, "pod/client", "svc/web:80", Protocol::Tcp).unwrap();
    let trace = world
        .clone()
        .trace(&req, &mut SeededChooser::from_seed(1))
        .unwrap();
    let mut text = String::new();
    for (h, cmds) in trace.hops.iter().zip(for_trace(&mut world.clone(), &trace)) {
        for c in cmds {
            text.push_str(&format!(
                "{} ({})\n$ {}\n{}",
                h.device, h.at, c.command, c.output
            ));
        }
    }
    text
}
