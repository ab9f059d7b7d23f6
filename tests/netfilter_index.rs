//! The netfilter dispatch index against plain rule-by-rule evaluation, on
//! every ruleset the tests and the story know (kube-proxy's test vectors,
//! the rulesets of tests/data/kube_proxy/*.yaml, tests/data/engine/*.yaml
//! and static/scenarios/*.yaml, node by node) and many packets: the same
//! hits, verdict, NAT, marks, `rules_evaluated`, `-m statistic` draws (every
//! branch, through `enumerate`) and `-m recent` lists. And nodes of one
//! [`NodeClass`] get the same ruleset (so the engine may share it).

mod common;

use common::{files, read, root};
use k8s_netlab::kube_proxy::iptables::{self, Options};
use k8s_netlab::kube_proxy::NodeClasses;
use k8s_netlab::linux::conntrack::CtState;
use k8s_netlab::linux::netfilter::iptables::{
    run_hook, run_hook_indexed, AddrSpec, IndexedRuleset, Match, RecentMode, Ruleset, Target,
};
use k8s_netlab::linux::netfilter::{enumerate, CtNat, Ctx, Hook, HookResult, Recent};
use k8s_netlab::linux::packet::Packet;
use k8s_netlab::model::{self, Protocol, Scenario};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddrV4};

/// Every scenario the tests and the story load, by name.
fn scenarios() -> Vec<(String, Scenario)> {
    let load = |name: &str, text: &str| match model::load(text) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{name} does not load:\n{e:#?}"),
    };
    let mut out = Vec::new();
    for dir in ["static/scenarios", "tests/data/engine"] {
        for p in files(dir, "yaml") {
            let name = p.display().to_string();
            let s = load(&name, &read(&p));
            out.push((name, s));
        }
    }
    // kube-proxy's vectors: the fake proxier's cluster plus each file.
    let fake = read(&root("tests/data/kube_proxy/fake_proxier.yaml"));
    for p in files("tests/data/kube_proxy", "yaml") {
        let name = p.display().to_string();
        let text = if name.ends_with("fake_proxier.yaml") {
            fake.clone()
        } else {
            format!("{fake}\n---\n{}", read(&p))
        };
        out.push((name.clone(), load(&name, &text)));
    }
    out
}

/// Every ruleset: each node of each scenario (with real kube-proxy's
/// options and its tests'), and kube-proxy's expected dumps.
fn rulesets() -> Vec<(String, Ruleset)> {
    let mut out = Vec::new();
    for (name, s) in scenarios() {
        for n in &s.nodes {
            for (o, opts) in [
                ("default", Options::default()),
                ("tests", Options::kube_proxy_tests()),
            ] {
                let rs = iptables::ruleset_with(&s, &n.name, &opts).expect("known node");
                out.push((format!("{name} node {} ({o})", n.name), rs));
            }
        }
    }
    for p in files("tests/data/kube_proxy", "txt") {
        let text: String = read(&p)
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        let rs = Ruleset::from_iptables_restore(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        out.push((p.display().to_string(), rs));
    }
    out
}

/// Addresses, ports and `-m recent` names the ruleset mentions.
fn mentioned(rs: &Ruleset) -> (Vec<Ipv4Addr>, Vec<u16>, Vec<String>) {
    let mut ips = BTreeSet::new();
    let mut ports = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in rs
        .tables
        .iter()
        .flat_map(|t| &t.chains)
        .flat_map(|c| &c.rules)
    {
        for m in &rule.matches {
            match m {
                Match::Destination { addr, .. } | Match::Source { addr, .. } => match addr {
                    AddrSpec::Host(ip) => {
                        ips.insert(*ip);
                    }
                    AddrSpec::Net(n) => {
                        ips.insert(n.network());
                        ips.insert(n.hosts().nth(1).unwrap_or(n.network()));
                    }
                },
                Match::DestinationPort(p) => {
                    ports.insert(*p);
                }
                Match::Recent { name, .. } => {
                    names.insert(name.clone());
                }
                _ => {}
            }
        }
        if let Some(Target::Dnat(to)) = &rule.target {
            ips.insert(*to.ip());
            ports.insert(to.port());
        }
    }
    (
        ips.into_iter().collect(),
        ports.into_iter().collect(),
        names.into_iter().collect(),
    )
}

#[test]
fn indexed_evaluation_is_linear_evaluation() {
    let extra_ips = [
        Ipv4Addr::new(127, 0, 0, 1),
        Ipv4Addr::new(203, 0, 113, 10),
        Ipv4Addr::new(10, 0, 1, 2),
        Ipv4Addr::new(8, 8, 8, 8),
    ];
    let mut compared = 0usize;
    let mut indexed_tables = 0usize;
    for (name, rs) in rulesets() {
        let default = IndexedRuleset::new(rs.clone());
        indexed_tables += default.indexed_chains();
        // Every chain indexed, and the engine's default.
        let mut variants = vec![IndexedRuleset::indexing_every_chain(rs.clone())];
        if default.indexed_chains() > 0 {
            variants.push(default);
        }
        let (mut ips, mut ports, names) = mentioned(&rs);
        ips.extend(extra_ips);
        ports.extend([1, 80, 443, 8080]);
        // Sources: a few of the addresses (pods, nodes, outside, loopback).
        let sources: Vec<Ipv4Addr> = ips
            .iter()
            .copied()
            .step_by((ips.len() / 6).max(1))
            .chain(extra_ips)
            .collect();
        let local = [Ipv4Addr::new(10, 100, 0, 2), ips[0]];
        for &dst in &ips {
            for &port in &ports {
                for proto in [Protocol::Tcp, Protocol::Udp] {
                    for (k, &src) in sources.iter().enumerate() {
                        // Vary the rest with the source, to keep the count down.
                        let state = [CtState::New, CtState::Established][k % 2];
                        let mark = [0, 0x4000, 0x8000][k % 3];
                        let ct_nat = CtNat {
                            dnat: k % 4 == 1,
                            snat: k % 5 == 2,
                        };
                        let now = 1000 + k as u64 * 50;
                        let mut p = Packet::new(
                            proto,
                            SocketAddrV4::new(src, 40000),
                            SocketAddrV4::new(dst, port),
                        );
                        p.mark = mark;
                        // Some sources are already in the recent lists.
                        let mut recent0 = Recent::new();
                        if k % 2 == 0 {
                            for n in &names {
                                recent0.set(n, src, 1000);
                            }
                        }
                        for hook in Hook::ALL {
                            let mut ctx = Ctx::new(&local, state, now);
                            ctx.ct_nat = ct_nat;
                            let run = |indexed: Option<&IndexedRuleset>| {
                                enumerate(|c| {
                                    let mut recent = recent0.clone();
                                    let r: HookResult = match indexed {
                                        Some(ix) => {
                                            run_hook_indexed(ix, hook, &p, &ctx, &mut recent, c)
                                        }
                                        None => run_hook(&rs, hook, &p, &ctx, &mut recent, c),
                                    };
                                    (r, recent)
                                })
                            };
                            let linear = run(None);
                            for indexed in &variants {
                                assert_eq!(
                                    run(Some(indexed)),
                                    linear,
                                    "{name}: {hook} {proto:?} {src} -> {dst}:{port} ({state:?})"
                                );
                                compared += linear.len();
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(compared > 10_000, "only {compared} branches compared");
    assert!(indexed_tables > 0, "no ruleset has a dispatch index");
    eprintln!("{compared} branches compared; {indexed_tables} indexed chains");
}

/// A ruleset big enough to be indexed, with side effects before and
/// after `--dport` and rules that are not indexable in between.
#[test]
fn side_effects_before_the_port_stop_indexing() {
    let mut text = String::from("*nat\n:OUTPUT ACCEPT [0:0]\n:SEP - [0:0]\n");
    for i in 0..20 {
        text.push_str(&format!(
            "-A OUTPUT -d 10.96.0.{i} -p tcp -m tcp --dport 80 -j SEP\n"
        ));
        if i == 7 {
            // Draws a number whenever -d/-p match, whatever the port.
            text.push_str(
                "-A OUTPUT -m statistic --mode random --probability 0.5000000000 -d 10.96.0.3 -p tcp -m tcp --dport 81 -j SEP\n",
            );
            text.push_str(
                "-A OUTPUT -m recent --name R --set -d 10.96.0.3 -p tcp -m tcp --dport 82 -j SEP\n",
            );
            // After the port: only a matching port draws.
            text.push_str(
                "-A OUTPUT -d 10.96.0.3 -p tcp -m tcp --dport 83 -m statistic --mode random --probability 0.5000000000 -j SEP\n",
            );
            text.push_str("-A OUTPUT -s 10.0.0.0/8 -m comment --comment not-indexable\n");
        }
    }
    text.push_str("-A SEP -j DNAT --to-destination 10.0.2.2:8080\nCOMMIT\n");
    let rs = Ruleset::from_iptables_restore(&text).expect("parses");
    let indexed = IndexedRuleset::new(rs.clone());
    assert_eq!(indexed.indexed_chains(), 1, "OUTPUT is indexed");
    let local = [Ipv4Addr::new(10, 100, 0, 2)];
    for dst in [3, 7, 19, 42] {
        for port in [80, 81, 82, 83, 84] {
            let p = Packet::new(
                Protocol::Tcp,
                "10.0.1.2:40000".parse().unwrap(),
                SocketAddrV4::new(Ipv4Addr::new(10, 96, 0, dst), port),
            );
            let ctx = Ctx::new(&local, CtState::New, 5);
            let run = |fast: bool| {
                enumerate(|c| {
                    let mut recent = Recent::new();
                    let r = if fast {
                        run_hook_indexed(&indexed, Hook::Output, &p, &ctx, &mut recent, c)
                    } else {
                        run_hook(&rs, Hook::Output, &p, &ctx, &mut recent, c)
                    };
                    (r, recent)
                })
            };
            let linear = run(false);
            assert_eq!(run(true), linear, "10.96.0.{dst}:{port}");
            // Everything up to the match, or the whole chain, is counted.
            let r = &linear[0].value.0;
            assert!(r.rules_evaluated >= 1, "{r:?}");
        }
    }
    // The recent list records 10.0.1.2 for 10.96.0.3 on any port.
    let p = Packet::new(
        Protocol::Tcp,
        "10.0.1.2:40000".parse().unwrap(),
        "10.96.0.3:9999".parse().unwrap(),
    );
    let mut recent = Recent::new();
    let ctx = Ctx::new(&local, CtState::New, 5);
    let mut c = k8s_netlab::linux::netfilter::ConstChooser(false);
    let r = run_hook_indexed(&indexed, Hook::Output, &p, &ctx, &mut recent, &mut c);
    assert_eq!(recent.last_seen("R", Ipv4Addr::new(10, 0, 1, 2)), Some(5));
    assert_eq!(r.rules_evaluated, 24, "every OUTPUT rule, none matched");
    let _ = RecentMode::Set;
}

#[test]
fn nodes_of_one_class_get_the_same_ruleset() {
    let mut shared = 0;
    for (name, s) in scenarios() {
        let classes = NodeClasses::new(&s);
        let mut seen: Vec<(k8s_netlab::kube_proxy::NodeClass, String, Ruleset)> = Vec::new();
        for n in &s.nodes {
            let rs = iptables::ruleset(&s, &n.name).expect("known node");
            let class = classes.class(&n.name, n.internal_ip);
            if let Some((_, other, ors)) = seen.iter().find(|(c, _, _)| *c == class) {
                assert_eq!(
                    &rs, ors,
                    "{name}: nodes {other} and {} share a class, not a ruleset",
                    n.name
                );
                shared += 1;
            }
            seen.push((class, n.name.clone(), rs));
        }
    }
    assert!(shared > 0, "no two nodes share a class anywhere");
}

#[test]
fn nodes_of_one_class_get_the_same_program_in_either_mode() {
    use k8s_netlab::kube_proxy::program;
    use k8s_netlab::model::{ProxyConfig, ProxyMode, KUBE_PROXY_MODE_LABEL};
    let mut shared = 0;
    let mut differ = 0;
    for (name, mut s) in scenarios() {
        // The whole cluster in nftables mode, then every other node moved
        // back to iptables by its label.
        let mut cfg = s
            .proxy
            .clone()
            .unwrap_or_else(|| ProxyConfig::default_for(&s.cluster));
        cfg.mode = ProxyMode::Nftables;
        s.proxy = Some(cfg);
        for mixed in [false, true] {
            if mixed {
                for n in s.nodes.iter_mut().step_by(2) {
                    n.labels
                        .insert(KUBE_PROXY_MODE_LABEL.into(), "iptables".into());
                }
            }
            let classes = NodeClasses::new(&s);
            let mut seen: Vec<(k8s_netlab::kube_proxy::NodeClass, String, _)> = Vec::new();
            for n in &s.nodes {
                let p = program(&s, &n.name).expect("known node");
                let class = classes.class(&n.name, n.internal_ip);
                for (c, other, op) in &seen {
                    if *c == class {
                        assert_eq!(
                            &p, op,
                            "{name}: nodes {other} and {} share a class, not a program",
                            n.name
                        );
                        shared += 1;
                    } else if p != *op {
                        differ += 1;
                    }
                }
                seen.push((class, n.name.clone(), p));
            }
        }
    }
    assert!(shared > 0, "no two nodes share a class anywhere");
    assert!(differ > 0, "no two nodes' programs differ anywhere");
}
