//! kube-proxy's two modes side by side, kube-proxy's packet-flow style:
//! one table of rows (a scenario and a request), each run through the
//! engine (`paths`: every outcome with its exact probability) with the
//! cluster in iptables mode and in nftables mode. Where the modes differ,
//! the row says what each gives; the differences come out of the rules
//! each mode writes (`kube_proxy::program`), not out of the engine.

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]

use k8s_netlab::engine::paths::paths;
use k8s_netlab::engine::say::Say;
use k8s_netlab::engine::trace::{Place, Request, Trace, Verdict, World};
use k8s_netlab::lang::Lang;
use k8s_netlab::linux::netfilter::{Hook, SeededChooser};
use k8s_netlab::model::{self, Protocol, ProxyMode};
use std::path::Path;

fn preset(id: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("static/scenarios/{id}.yaml"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The preset with kube-proxy in `mode` (a `KubeProxyConfiguration`
/// document, as a user would write it).
fn scenario_text(id: &str, mode: &str) -> String {
    format!(
        "{}\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: {mode}\n",
        preset(id)
    )
}

fn world(text: &str) -> World {
    let loaded = model::load(text).unwrap_or_else(|e| panic!("{e:?}"));
    World::new(loaded.scenario)
}

/// How a trace ended, in a few words: `delivered pod/web-1`, `refused`,
/// `rejected by ip kube-proxy cluster-ips-check`, `dropped`.
fn ending(t: &Trace) -> String {
    let v = match t.verdict {
        Verdict::Delivered => "delivered",
        Verdict::Dropped => "dropped",
        Verdict::Rejected => "rejected",
        Verdict::Refused => "refused",
    };
    let mut s = v.to_string();
    if let Some(d) = &t.delivered_to {
        s.push_str(&format!(" {d}"));
    }
    if let Some(Say::RuleStops(r)) = &t.reason {
        s.push_str(&format!(" by {} {}", r.table, r.chain));
    }
    if t.verdict == Verdict::Delivered && !t.succeeded() {
        s.push_str(" (no answer)");
    }
    s
}

/// Every outcome with its probability: `delivered pod/web-1 0.5; …`
/// (a certain outcome without its probability).
fn outcomes(w: &World, from: &str, to: &str) -> String {
    let req = Request::parse(w.scenario(), from, to, Protocol::Tcp)
        .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
    let mut v: Vec<String> = paths(w, &req)
        .unwrap_or_else(|e| panic!("{e}"))
        .iter()
        .map(|o| {
            if (o.probability - 1.0).abs() < 1e-12 {
                ending(&o.trace)
            } else {
                format!("{} {}", ending(&o.trace), o.probability)
            }
        })
        .collect();
    v.sort();
    v.join("; ")
}

struct Row {
    name: &'static str,
    scenario: &'static str,
    from: &'static str,
    to: &'static str,
    iptables: &'static str,
    /// `None`: as in iptables mode.
    nftables: Option<&'static str>,
}

const BOTH_PODS: &str = "delivered pod/web-1 0.5; delivered pod/web-2 0.5";

const ROWS: &[Row] = &[
    Row {
        name: "pod to ClusterIP",
        scenario: "nodeport",
        from: "pod/client",
        to: "svc/web:80",
        iptables: BOTH_PODS,
        nftables: None,
    },
    Row {
        name: "node to its own NodePort on its node IP",
        scenario: "nodeport",
        from: "node/node-1",
        to: "10.100.0.2:30080",
        iptables: BOTH_PODS,
        nftables: None,
    },
    Row {
        name: "internet client to a NodePort",
        scenario: "nodeport",
        from: "internet",
        to: "10.100.0.3:30080",
        iptables: BOTH_PODS,
        nftables: None,
    },
    Row {
        name: "host on the node network to a NodePort",
        scenario: "nodeport",
        from: "10.100.0.50",
        to: "10.100.0.4:30080",
        iptables: BOTH_PODS,
        nftables: None,
    },
    Row {
        // iptables mode captures NodePorts on every local address
        // (`-m addrtype --dst-type LOCAL`), 127.0.0.1 included;
        // nftables mode never on loopback.
        name: "node to a NodePort on 127.0.0.1",
        scenario: "nodeport",
        from: "node/node-1",
        to: "127.0.0.1:30080",
        iptables: BOTH_PODS,
        nftables: Some("refused"),
    },
    Row {
        // nodePortAddresses defaults to `primary` in nftables mode: the
        // node's cbr0 address is local but not in @nodeport-ips.
        name: "pod to a NodePort on its node's bridge address",
        scenario: "nodeport",
        from: "pod/client",
        to: "10.0.1.1:30080",
        iptables: BOTH_PODS,
        nftables: Some("refused"),
    },
    Row {
        // No iptables rule knows port 81: the packet leaves for the
        // ClusterIP itself, which nothing routes. nftables rejects it.
        name: "pod to a ClusterIP on a port the Service does not have",
        scenario: "nodeport",
        from: "pod/client",
        to: "10.3.241.152:81",
        iptables: "dropped",
        nftables: Some("rejected by ip kube-proxy cluster-ips-check"),
    },
    Row {
        name: "pod to an unallocated address of the Service CIDR",
        scenario: "nodeport",
        from: "pod/client",
        to: "10.3.240.99:80",
        iptables: "dropped",
        nftables: Some("dropped by ip kube-proxy cluster-ips-check"),
    },
];

#[test]
fn packet_flows_in_both_modes() {
    let mut failures = Vec::new();
    for row in ROWS {
        for (mode, want) in [
            ("iptables", row.iptables),
            ("nftables", row.nftables.unwrap_or(row.iptables)),
        ] {
            let w = world(&scenario_text(row.scenario, mode));
            let got = outcomes(&w, row.from, row.to);
            if got != want {
                failures.push(format!(
                    "{} ({mode}): {} -> {}\n  want {want}\n  got  {got}",
                    row.name, row.from, row.to
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_iptables_mode_of_a_preset_is_its_default() {
    // A preset without KubeProxyConfiguration runs iptables mode: the same
    // outcomes as with `mode: iptables` written out.
    for row in ROWS {
        let plain = world(&preset(row.scenario));
        let explicit = world(&scenario_text(row.scenario, "iptables"));
        assert_eq!(
            outcomes(&plain, row.from, row.to),
            outcomes(&explicit, row.from, row.to),
            "{}",
            row.name
        );
    }
}

#[test]
fn a_node_label_overrides_the_cluster_mode() {
    // The cluster moves to nftables, node-1 still runs iptables.
    let text = scenario_text("nodeport", "nftables").replacen(
        "  name: node-1\n",
        "  name: node-1\n  labels:\n    netlab.dev/kube-proxy-mode: iptables\n",
        1,
    );
    let w = world(&text);
    let node = |n: &str| w.scenario().node(n).unwrap().clone();
    assert_eq!(
        w.scenario().proxy_mode(&node("node-1")),
        ProxyMode::Iptables
    );
    assert_eq!(
        w.scenario().proxy_mode(&node("node-2")),
        ProxyMode::Nftables
    );
    assert_eq!(outcomes(&w, "node/node-1", "127.0.0.1:30080"), BOTH_PODS);
    assert_eq!(outcomes(&w, "node/node-2", "127.0.0.1:30080"), "refused");
    // A pod on node-1 (iptables) sends to an unknown port: no rule; the
    // same through node-2's kube-proxy would be rejected.
    assert_eq!(outcomes(&w, "pod/client", "10.3.241.152:81"), "dropped");
    // And the other way round: an iptables cluster with node-1 on nftables.
    let text = scenario_text("nodeport", "iptables").replacen(
        "  name: node-1\n",
        "  name: node-1\n  labels:\n    netlab.dev/kube-proxy-mode: nftables\n",
        1,
    );
    let w = world(&text);
    assert_eq!(
        outcomes(&w, "pod/client", "10.3.241.152:81"),
        "rejected by ip kube-proxy cluster-ips-check"
    );
    assert_eq!(outcomes(&w, "node/node-2", "127.0.0.1:30080"), BOTH_PODS);
    // The label survives export.
    let again = model::load(&w.scenario().to_yaml()).unwrap().scenario;
    assert_eq!(&again, w.scenario());
}

#[test]
fn an_nft_trace_names_its_chains_rules_and_elements() {
    let mut w = world(&scenario_text("nodeport", "nftables"));
    let req = Request::parse(w.scenario(), "pod/client", "svc/web:80", Protocol::Tcp).unwrap();
    let t = w.trace(&req, &mut SeededChooser::from_seed(1)).unwrap();
    assert!(t.succeeded());
    let pre = t
        .hops
        .iter()
        .find(|h| h.device == "node/node-1" && h.at == Place::Hook(Hook::Prerouting))
        .unwrap();
    let services = pre.rules.iter().find(|r| r.chain == "services").unwrap();
    assert_eq!(services.backend, "nftables");
    assert_eq!(services.table.to_string(), "ip kube-proxy");
    assert_eq!(services.index, 1);
    assert_eq!(
        services.rule,
        "add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips"
    );
    let element = services.element.as_deref().unwrap();
    assert!(
        element.starts_with("10.3.241.152 . tcp . 80 : goto service-"),
        "{element}"
    );
    let numgen = pre
        .rules
        .iter()
        .find(|r| r.rule.contains("numgen random mod 2"))
        .unwrap();
    assert!(
        numgen
            .element
            .as_deref()
            .unwrap()
            .starts_with("0 : goto endpoint-")
            || numgen
                .element
                .as_deref()
                .unwrap()
                .starts_with("1 : goto endpoint-")
    );
    let last = pre.rules.last().unwrap();
    assert!(
        last.effect_text.starts_with("dnat to 10.0."),
        "{}",
        last.effect_text
    );
    assert!(pre
        .note()
        .starts_with("the nftables nat chain nat-prerouting chooses dnat to"));
    assert!(pre
        .note_in(Lang::Ko)
        .starts_with("nftables nat 체인 nat-prerouting에서 dnat을 선택합니다"));
    // No iptables rule anywhere on the way.
    assert!(t
        .hops
        .iter()
        .flat_map(|h| &h.rules)
        .all(|r| r.backend == "nftables"));
}

#[test]
fn an_nft_reject_reads_right_in_both_languages() {
    let mut w = world(&scenario_text("nodeport", "nftables"));
    let req = Request::parse(w.scenario(), "pod/client", "10.3.241.152:81", Protocol::Tcp).unwrap();
    let t = w.trace(&req, &mut SeededChooser::from_seed(1)).unwrap();
    assert_eq!(t.verdict, Verdict::Rejected);
    assert_eq!(
        t.reason.as_ref().unwrap().en(),
        "node-1 reject (icmp port-unreachable) at FORWARD in nftables table ip kube-proxy, chain cluster-ips-check: add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\""
    );
    assert_eq!(
        t.reason_in(Lang::Ko).unwrap(),
        "node-1의 FORWARD 훅, nftables 테이블 ip kube-proxy의 cluster-ips-check 체인에서 reject (icmp port-unreachable로 응답): add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\""
    );
}

/// ClientIP affinity in nftables mode: `ip saddr @affinity-… goto
/// endpoint-…` before the numgen vmap, and `update @affinity-… { ip saddr
/// }` in the endpoint chain, whose elements live `timeoutSeconds` (60
/// here) after the last connection. An element is gone once the clock
/// reaches its expiry: at exactly 60 s (iptables' `-m recent --seconds
/// 60` still matches then).
#[test]
fn session_affinity_in_nftables_mode_sticks_until_the_element_expires() {
    use k8s_netlab::linux::netfilter::ConstChooser;
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/engine/affinity.yaml");
    let text = format!(
        "{}\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n",
        std::fs::read_to_string(p).unwrap()
    );
    let mut w = world(&text);
    let req = Request::parse(w.scenario(), "pod/client", "svc/sticky:80", Protocol::Tcp).unwrap();
    let first = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(first.delivered_to.as_deref(), Some("pod/web-1"));
    for _ in 0..3 {
        w.now += 59;
        let t = w.trace(&req, &mut ConstChooser(false)).unwrap();
        assert_eq!(t.delivered_to.as_deref(), Some("pod/web-1"), "at {}", w.now);
        let hit = t
            .hops
            .iter()
            .flat_map(|h| &h.rules)
            .find(|r| r.rule.contains("ip saddr @affinity-"))
            .expect("the affinity rule matched");
        assert!(
            hit.effect_text.starts_with("goto endpoint-"),
            "{}",
            hit.effect_text
        );
    }
    w.now += 60;
    let t = w.trace(&req, &mut ConstChooser(false)).unwrap();
    assert_eq!(
        t.delivered_to.as_deref(),
        Some("pod/web-2"),
        "expired at exactly 60 s: numgen decides again"
    );
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(
        t.delivered_to.as_deref(),
        Some("pod/web-2"),
        "and it sticks"
    );
}

/// Outside the rows above, the modes agree: every request `netlab
/// kernel-check` makes of every preset and engine scenario (pod, node and
/// hairpin to ClusterIPs, NodePorts from the node network and the
/// internet, load balancers, Services without endpoints, pings but those
/// to a ClusterIP) ends the same way
/// in both: verdict, server, the source the server sees, the reply, each
/// outcome's probability (to 6 places: iptables' `statistic` thresholds
/// over 2^31 and nft's `numgen` over 2^32 split 1/3 differently after
/// the ninth). Two differences are expected, and checked to be exactly them: a
/// ping of a ClusterIP is lost in iptables mode (no rule matches ICMP; it
/// is routed on) and refused in nftables mode (`cluster-ips-check`
/// rejects any packet to a ClusterIP that was not DNATed); and a node's
/// own NodePort on 127.0.0.1 is answered in iptables mode (unless
/// `nodePortAddresses` leaves loopback out) and refused in nftables mode.
#[test]
fn the_checked_requests_end_the_same_in_both_modes() {
    use k8s_netlab::engine::checks;
    let mut compared = 0;
    let mut failures = Vec::new();
    for dir in ["static/scenarios", "tests/data/engine"] {
        let mut files: Vec<_> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().and_then(|x| x.to_str()) == Some("yaml"))
            .collect();
        files.sort();
        for p in files {
            let ipt = model::load(&std::fs::read_to_string(&p).unwrap())
                .unwrap()
                .scenario;
            let mut nft = ipt.clone();
            let mut cfg = nft
                .proxy
                .clone()
                .unwrap_or_else(|| model::ProxyConfig::default_for(&nft.cluster));
            cfg.mode = ProxyMode::Nftables;
            nft.proxy = Some(cfg);
            let host = checks::host_address(&ipt, &[]).expect("a free host address");
            for r in checks::derive(&ipt, host) {
                // A ping to a ClusterIP is where the modes differ (iptables:
                // routed away and lost; nftables: cluster-ips-check rejects
                // it): tests/engine_icmp.rs has both rows.
                let cluster_ip = ipt
                    .services
                    .iter()
                    .any(|s| s.cluster_ip.is_some_and(|ip| ip.to_string() == r.to));
                if r.proto == Protocol::Icmp && cluster_ip {
                    continue;
                }
                let run = |s: &model::Scenario| {
                    let w = World::new(s.clone());
                    let req = Request::parse(w.scenario(), &r.from, &r.to, r.proto).unwrap();
                    let mut v: Vec<String> = paths(&w, &req)
                        .unwrap()
                        .iter()
                        .map(|o| {
                            format!(
                                "{} server sees {:?}, reply {:?} p={:.6}",
                                ending(&o.trace).split(" by ").next().unwrap(),
                                o.trace.server_sees.map(|s| s.src),
                                o.trace
                                    .reply
                                    .as_ref()
                                    .map(|r| (r.verdict, r.client_sees.clone())),
                                o.probability
                            )
                        })
                        .collect();
                    v.sort();
                    v.join("; ")
                };
                let (a, mut b) = (run(&ipt), run(&nft));
                compared += 1;
                let cluster_ip =
                    r.to.parse::<std::net::Ipv4Addr>()
                        .is_ok_and(|ip| ipt.services.iter().any(|s| s.cluster_ip == Some(ip)));
                if r.proto == model::Protocol::Icmp && cluster_ip {
                    let lost = "dropped server sees None, reply None p=1.000000";
                    let refused = "rejected server sees None, reply None p=1.000000";
                    assert_eq!(
                        (a.as_str(), b.as_str()),
                        (lost, refused),
                        "{} {r}",
                        p.display()
                    );
                    b = a.clone();
                }
                // A node's own NodePort on 127.0.0.1: iptables mode
                // answers (route_localnet), nftables mode does not (not a
                // nodePortAddresses address): nothing listens there.
                if r.from.starts_with("node/") && r.to.starts_with("127.") {
                    let refused = format!(
                        "refused server sees None, reply Some((Refused, Some(ClientSees {{ src: {} }}))) p=1.000000",
                        r.to
                    );
                    assert_eq!(b, refused, "{} {r}", p.display());
                    let unset = ipt
                        .proxy
                        .as_ref()
                        .is_none_or(|c| c.node_port_addresses == model::NodePortAddresses::Unset);
                    if unset {
                        assert!(!a.starts_with("refused"), "{} {r}: {a}", p.display());
                    }
                    b = a.clone();
                }
                if a != b {
                    failures.push(format!(
                        "{} {r}\n  iptables {a}\n  nftables {b}",
                        p.display()
                    ));
                }
            }
        }
    }
    assert!(compared > 100, "only {compared} requests");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `nodePortAddresses` (KubeProxyConfiguration), one row per setting: the
/// addresses NodePorts answer on, in each mode. Unset, iptables mode
/// answers on every local address (127.0.0.1 and the node's bridge too)
/// and nftables mode on the node IP only (`primary`); set, both modes
/// answer on the node's addresses in it.
#[test]
fn node_port_addresses_in_both_modes() {
    struct R {
        setting: &'static str,
        from: &'static str,
        to: &'static str,
        iptables: &'static str,
        nftables: &'static str,
    }
    let rows = [
        R {
            setting: "",
            from: "pod/client",
            to: "10.0.1.1:30080",
            iptables: BOTH_PODS,
            nftables: "refused",
        },
        R {
            setting: "nodePortAddresses: [10.0.1.0/24]",
            from: "pod/client",
            to: "10.0.1.1:30080",
            iptables: BOTH_PODS,
            nftables: BOTH_PODS,
        },
        R {
            setting: "nodePortAddresses: [10.0.1.0/24]",
            from: "node/node-2",
            to: "10.100.0.2:30080",
            iptables: "refused",
            nftables: "refused",
        },
        R {
            setting: "nodePortAddresses: [primary]",
            from: "pod/client",
            to: "10.0.1.1:30080",
            iptables: "refused",
            nftables: "refused",
        },
        R {
            setting: "nodePortAddresses: [primary]",
            from: "node/node-2",
            to: "10.100.0.2:30080",
            iptables: BOTH_PODS,
            nftables: BOTH_PODS,
        },
        R {
            setting: "nodePortAddresses: [127.0.0.0/8, 10.100.0.0/24]",
            from: "node/node-1",
            to: "127.0.0.1:30080",
            iptables: BOTH_PODS,
            nftables: "refused",
        },
        R {
            setting: "nodePortAddresses: [0.0.0.0/0]",
            from: "pod/client",
            to: "10.0.1.1:30080",
            iptables: BOTH_PODS,
            nftables: BOTH_PODS,
        },
    ];
    let mut failures = Vec::new();
    for r in &rows {
        for (mode, want) in [("iptables", r.iptables), ("nftables", r.nftables)] {
            let w = world(&format!(
                "{}{}\n",
                scenario_text("nodeport", mode),
                r.setting
            ));
            let got = outcomes(&w, r.from, r.to);
            if got != want {
                failures.push(format!(
                    "{:?} ({mode}): {} -> {}\n  want {want}\n  got  {got}",
                    r.setting, r.from, r.to
                ));
            }
            // The setting survives export.
            let again = model::load(&w.scenario().to_yaml()).unwrap().scenario;
            assert_eq!(&again, w.scenario(), "{}", r.setting);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_node_port_addresses_are_named() {
    for (setting, field, value) in [
        ("[10.0.0.300/8]", "nodePortAddresses[0]", "10.0.0.300/8"),
        ("[10.0.0.0/8, 10.1.2.3]", "nodePortAddresses[1]", "10.1.2.3"),
        ("[10.0.0.0/8, primary]", "nodePortAddresses[1]", "primary"),
        ("[\"fd00::/8\"]", "nodePortAddresses[0]", "fd00::/8"),
    ] {
        let text = format!(
            "{}nodePortAddresses: {setting}\n",
            scenario_text("nodeport", "nftables")
        );
        let errors = model::load(&text).expect_err(setting).0;
        assert!(
            errors.iter().any(|p| p.field == field
                && p.message.contains(value)
                && p.object.starts_with("KubeProxyConfiguration")),
            "{setting}: {errors:?}"
        );
    }
}

#[test]
fn a_null_node_port_addresses_is_unset() {
    // kubeadm's KubeProxyConfiguration writes `nodePortAddresses: null`.
    let text = format!(
        "{}nodePortAddresses: null\n",
        scenario_text("nodeport", "nftables")
    );
    let s = model::load(&text).unwrap().scenario;
    assert_eq!(
        s.proxy_config().node_port_addresses,
        model::NodePortAddresses::Unset
    );
}
