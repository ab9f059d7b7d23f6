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
}

#[test]
fn the_storys_clusterip_request() {
    let file = common::root("static/scenarios/clusterip.yaml");
    let s = load_named("clusterip.yaml", &read(&file)).scenario;
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
    insta::assert_snapshot!(text);
}
