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
    let mut tcpdumps = 0;
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
                    if let Place::Iface { name: iface, .. } = &h.at {
                        // The packet on that wire: one tcpdump, or none
                        // where tcpdump sees nothing (bridged DNAT).
                        assert!(c.len() <= 1, "{what}: {c:?}");
                        if let Some(c) = c.first() {
                            assert!(
                                c.command.starts_with(&format!(
                                    "tcpdump -nqt -i {iface} -c 1 tcp and src "
                                )),
                                "{what}: {c:?}"
                            );
                            assert!(
                                c.output.starts_with("IP ")
                                    && c.output.ends_with(": tcp 0\n")
                                    && c.output.lines().count() == 1,
                                "{what}: {c:?}"
                            );
                            tcpdumps += 1;
                        }
                    } else if h.at == Place::Routing {
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
    assert!(tcpdumps > 300, "only {tcpdumps} tcpdump commands");
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
                        || matches!(h.at, Place::Iface { .. })
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

/// What tcpdump prints on an interface of a request's path, as a table:
/// scenario, request, the hop (device, place, leg) and the command and
/// line expected there; `None`, no command (tcpdump sees nothing there).
/// The packet is the one on that wire: before PREROUTING where it
/// arrives, after POSTROUTING where it leaves, and on a node's pod bridge
/// as br_netfilter's PREROUTING left it.
#[test]
fn tcpdump_on_each_wire() {
    use k8s_netlab::engine::trace::Leg::{Reply, Request as Req};
    type Row<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Protocol,
        &'a str,
        &'a str,
        Leg,
        Option<(&'a str, &'a str)>,
    );
    use k8s_netlab::engine::trace::Leg;
    let story = "static/scenarios/clusterip.yaml";
    let rows: Vec<Row> = vec![
        // A ClusterIP request leaves the client pod as it was sent...
        (story, "pod/client", "svc/web:80", Protocol::Tcp, "pod/client", "eth0 out", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.0.1.2 and dst 10.3.241.152 and dst port 80",
            "IP 10.0.1.2.40000 > 10.3.241.152.80: tcp 0",
        ))),
        // ...and is already DNATed on its node's cbr0 (br_netfilter ran
        // PREROUTING on the pod's bridge port).
        (story, "pod/client", "svc/web:80", Protocol::Tcp, "node/node-1", "cbr0 in", Req, Some((
            "tcpdump -nqt -i cbr0 -c 1 tcp and src 10.0.1.2 and dst 10.0.2.2 and dst port 8080",
            "IP 10.0.1.2.40000 > 10.0.2.2.8080: tcp 0",
        ))),
        // The endpoint's node receives the DNATed packet from the router.
        (story, "pod/client", "svc/web:80", Protocol::Tcp, "node/node-2", "eth0 in", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.0.1.2 and dst 10.0.2.2 and dst port 8080",
            "IP 10.0.1.2.40000 > 10.0.2.2.8080: tcp 0",
        ))),
        // The SYN-ACK comes back to node-1 from the pod, and leaves for
        // the client un-DNATed (POSTROUTING): the ClusterIP answers.
        (story, "pod/client", "svc/web:80", Protocol::Tcp, "node/node-1", "eth0 in", Reply, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.0.2.2 and src port 8080 and dst 10.0.1.2",
            "IP 10.0.2.2.8080 > 10.0.1.2.40000: tcp 0",
        ))),
        (story, "pod/client", "svc/web:80", Protocol::Tcp, "node/node-1", "cbr0 out", Reply, Some((
            "tcpdump -nqt -i cbr0 -c 1 tcp and src 10.3.241.152 and src port 80 and dst 10.0.1.2",
            "IP 10.3.241.152.80 > 10.0.1.2.40000: tcp 0",
        ))),
        // A NodePort from the node network: DNAT and SNAT (masquerade to
        // the node's address) on the way out of node-1...
        ("static/scenarios/nodeport.yaml", "10.100.0.10", "10.100.0.2:30080", Protocol::Tcp, "node/node-1", "eth0 in", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.100.0.10 and dst 10.100.0.2 and dst port 30080",
            "IP 10.100.0.10.40000 > 10.100.0.2.30080: tcp 0",
        ))),
        ("static/scenarios/nodeport.yaml", "10.100.0.10", "10.100.0.2:30080", Protocol::Tcp, "node/node-1", "eth0 out", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.100.0.2 and dst 10.0.2.2 and dst port 8080",
            "IP 10.100.0.2.40000 > 10.0.2.2.8080: tcp 0",
        ))),
        // ...and the endpoint's node sees the node, not the host.
        ("static/scenarios/nodeport.yaml", "10.100.0.10", "10.100.0.2:30080", Protocol::Tcp, "pod/web-1", "eth0 in", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.100.0.2 and dst 10.0.2.2 and dst port 8080",
            "IP 10.100.0.2.40000 > 10.0.2.2.8080: tcp 0",
        ))),
        // The endpoint on the entry node: masqueraded to the bridge's
        // address; the answer is un-SNATed by PREROUTING before cbr0.
        ("static/scenarios/nodeport.yaml", "10.100.0.10", "10.100.0.3:30080", Protocol::Tcp, "node/node-2", "cbr0 out", Req, Some((
            "tcpdump -nqt -i cbr0 -c 1 tcp and src 10.0.2.1 and dst 10.0.2.2 and dst port 8080",
            "IP 10.0.2.1.40000 > 10.0.2.2.8080: tcp 0",
        ))),
        ("static/scenarios/nodeport.yaml", "10.100.0.10", "10.100.0.3:30080", Protocol::Tcp, "node/node-2", "cbr0 in", Reply, Some((
            "tcpdump -nqt -i cbr0 -c 1 tcp and src 10.0.2.2 and src port 8080 and dst 10.100.0.10",
            "IP 10.0.2.2.8080 > 10.100.0.10.40000: tcp 0",
        ))),
        // UDP: the datagram (the engine shows one byte).
        ("tests/data/engine/two-nodes.yaml", "pod/client", "svc/dns:53", Protocol::Udp, "node/node-1", "cbr0 in", Req, Some((
            "tcpdump -nqt -i cbr0 -c 1 udp and src 10.0.1.2 and dst 10.0.2.3 and dst port 5353",
            "IP 10.0.1.2.40000 > 10.0.2.3.5353: UDP, length 1",
        ))),
        ("tests/data/engine/two-nodes.yaml", "pod/client", "svc/dns:53", Protocol::Udp, "pod/client", "eth0 in", Reply, Some((
            "tcpdump -nqt -i eth0 -c 1 udp and src 10.3.241.13 and src port 53 and dst 10.0.1.2",
            "IP 10.3.241.13.53 > 10.0.1.2.40000: UDP, length 1",
        ))),
        // A ping: ping's first echo, its id the engine's.
        ("static/scenarios/ping.yaml", "pod/client", "10.0.2.2", Protocol::Icmp, "router/vpc", "eth0 in", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 icmp and src 10.0.1.2 and dst 10.0.2.2",
            "IP 10.0.1.2 > 10.0.2.2: ICMP echo request, id 40000, seq 1, length 64",
        ))),
        ("static/scenarios/ping.yaml", "pod/client", "10.0.2.2", Protocol::Icmp, "pod/web-1", "eth0 out", Reply, Some((
            "tcpdump -nqt -i eth0 -c 1 icmp and src 10.0.2.2 and dst 10.0.1.2",
            "IP 10.0.2.2 > 10.0.1.2: ICMP echo reply, id 40000, seq 1, length 64",
        ))),
        // A pod to a Service whose endpoint is on its node: the DNATed
        // frame is bridged to the endpoint's port; never on cbr0 coming in
        // (the kernel check captures there and sees nothing), and going
        // out by cbr0 only while the node's ARP entry for the endpoint is
        // unconfirmed (ARP's timers): no command either way.
        ("tests/data/engine/two-nodes.yaml", "pod/client", "svc/local:80", Protocol::Tcp, "node/node-1", "cbr0 in", Req, None),
        ("tests/data/engine/two-nodes.yaml", "pod/client", "svc/local:80", Protocol::Tcp, "node/node-1", "cbr0 out", Req, None),
        ("tests/data/engine/two-nodes.yaml", "pod/client", "svc/local:80", Protocol::Tcp, "pod/local-web", "eth0 in", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.0.1.2 and dst 10.0.1.3 and dst port 8080",
            "IP 10.0.1.2.40000 > 10.0.1.3.8080: tcp 0",
        ))),
        // Hairpin: to itself through its Service, masqueraded to the
        // bridge's address; nothing on cbr0 either way.
        ("static/scenarios/hairpin.yaml", "pod/web-1", "svc/web:80", Protocol::Tcp, "node/node-2", "cbr0 in", Reply, None),
        ("static/scenarios/hairpin.yaml", "pod/web-1", "svc/web:80", Protocol::Tcp, "pod/web-1", "eth0 in", Req, Some((
            "tcpdump -nqt -i eth0 -c 1 tcp and src 10.0.2.1 and dst 10.0.2.2 and dst port 8080",
            "IP 10.0.2.1.40000 > 10.0.2.2.8080: tcp 0",
        ))),
    ];
    for (file, from, to, proto, device, at, leg, want) in rows {
        let s = load_named(file, &read(&common::root(file))).scenario;
        let world = World::new(s.clone());
        let req = Request::parse(&s, from, to, proto).unwrap();
        let trace = world
            .clone()
            .trace(&req, &mut SeededChooser::from_seed(1))
            .unwrap();
        let cmds = for_trace(&mut world.clone(), &trace);
        let what = format!("{file}: {from} -> {to}: {device} {at} ({leg:?})");
        let i = trace
            .hops
            .iter()
            .position(|h| h.device == device && h.at.to_string() == at && h.leg == leg)
            .unwrap_or_else(|| panic!("{what}: no such hop"));
        let got: Vec<(&str, &str)> = cmds[i]
            .iter()
            .filter(|c| c.command.starts_with("tcpdump "))
            .map(|c| (c.command.as_str(), c.output.as_str()))
            .collect();
        let want: Vec<(String, String)> = want
            .into_iter()
            .map(|(c, o)| (c.to_string(), format!("{o}\n")))
            .collect();
        let got: Vec<(String, String)> = got
            .into_iter()
            .map(|(c, o)| (c.to_string(), o.to_string()))
            .collect();
        assert_eq!(got, want, "{what}");
    }
}
