//! kube-proxy's nftables backend against kube-proxy's own test vectors
//! (tests/data/nftables/nftables_*.txt, copied from
//! `pkg/proxy/nftables/proxier_test.go`), restated as scenarios.
//!
//! Comparison: both sides go through [`sort_transaction`], kube-proxy's
//! `sortNFTablesTransaction` (`pkg/proxy/nftables/helpers_test.go`): blank
//! and `#` lines dropped, lines sorted by object type (table, chain, rule,
//! set, map, element), then object name, rules keeping their order within
//! a chain, other lines by their text. Each line's text is compared
//! exactly.

use ipnet::Ipv4Net;
use k8s_netlab::kube_proxy::nftables::{self, Config};
use k8s_netlab::kube_proxy::service_ports;
use k8s_netlab::linux::netfilter::nftables::list::normalize_listing;
use k8s_netlab::linux::netfilter::nftables::{sort_transaction, Table};
use k8s_netlab::model::{self, Scenario};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

/// tests/data/nftables (this backend's vectors and scenarios), else
/// tests/data/kube_proxy (the fake proxier and the scenarios shared with
/// the iptables vectors).
fn data(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let own = root.join("nftables").join(name);
    if own.exists() {
        own
    } else {
        root.join("kube_proxy").join(name)
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(text: &str) -> Scenario {
    match model::load(text) {
        Ok(l) => l.scenario,
        Err(e) => panic!("scenario does not load:\n{e:#?}"),
    }
}

/// The fake proxier's cluster plus the given documents.
fn fake_cluster(files: &[&str]) -> Scenario {
    let mut text = read(&data("fake_proxier.yaml"));
    for f in files {
        text.push_str("\n---\n");
        text.push_str(&read(&data(f)));
    }
    load(&text)
}

/// `NewFakeProxier(v1.IPv4Protocol)`: mark 0x4000, pod CIDR 10.0.0.0/8,
/// Service CIDR 172.30.0.0/16, nodePortAddresses 192.168.0.2/32, node
/// addresses 192.168.0.2, 192.168.1.2 and 192.168.99.11 (plus loopback).
fn fake_config() -> Config {
    Config {
        cluster_cidr: Some("10.0.0.0/8".parse().unwrap()),
        masquerade_all: false,
        masquerade_mark: 0x4000,
        mark_hex_digits: 4,
        node_ip: Ipv4Addr::new(192, 168, 0, 2),
        node_addresses: vec![
            Ipv4Addr::new(127, 0, 0, 1),
            Ipv4Addr::new(192, 168, 0, 2),
            Ipv4Addr::new(192, 168, 1, 2),
            Ipv4Addr::new(192, 168, 99, 11),
        ],
        node_port_addresses: vec!["192.168.0.2/32".parse::<Ipv4Net>().unwrap()],
        service_cidrs: vec!["172.30.0.0/16".parse().unwrap()],
    }
}

fn fake_table(files: &[&str]) -> Table {
    let s = fake_cluster(files);
    let ports = service_ports(&s, "test-node").expect("test-node exists");
    nftables::build(&ports, &fake_config())
}

fn assert_same(got: &str, want: &str) {
    let (g, w) = (sort_transaction(got), sort_transaction(want));
    if g != w {
        let gl: Vec<&str> = g.lines().collect();
        let wl: Vec<&str> = w.lines().collect();
        let mut report = String::new();
        for l in &wl {
            if !gl.contains(l) {
                report.push_str(&format!("  missing: {l}\n"));
            }
        }
        for l in &gl {
            if !wl.contains(l) {
                report.push_str(&format!("  extra:   {l}\n"));
            }
        }
        panic!("rules differ from the vector (after sorting):\n{report}\nsorted output:\n{g}\nsorted vector:\n{w}");
    }
}

#[test]
fn vector_overall_nftables_rules() {
    let t = fake_table(&["TestOverallIPTablesRules.yaml"]);
    assert_same(
        &t.to_nft(),
        &read(&data("nftables_TestOverallNFTablesRules.txt")),
    );
}

#[test]
fn vector_bad_ips() {
    let t = fake_table(&["TestBadIPs.yaml"]);
    assert_same(&t.to_nft(), &read(&data("nftables_TestBadIPs.txt")));
}

#[test]
fn vector_sync_proxy_rules_repeated_initial() {
    let t = fake_table(&["TestSyncProxyRulesRepeated_1.yaml"]);
    assert_same(
        &t.to_nft(),
        &read(&data("nftables_TestSyncProxyRulesRepeated_1_initial.txt")),
    );
}

#[test]
fn vector_sync_proxy_rules_repeated_no_endpoints() {
    let t = fake_table(&["nftables_TestSyncProxyRulesRepeated_5.yaml"]);
    assert_same(
        &t.to_nft(),
        &read(&data(
            "nftables_TestSyncProxyRulesRepeated_5_no_endpoints.txt",
        )),
    );
}

#[test]
fn vector_sync_proxy_rules_startup() {
    let t = fake_table(&["nftables_TestSyncProxyRulesStartup.yaml"]);
    assert_same(
        &t.to_nft(),
        &read(&data("nftables_TestSyncProxyRulesStartup.txt")),
    );
}

#[test]
fn vector_sync_proxy_rules_repeated_stale_chains_stay_empty() {
    let previous = fake_table(&["nftables_TestSyncProxyRulesRepeated_2.yaml"]);
    let mut now = fake_table(&["nftables_TestSyncProxyRulesRepeated_3.yaml"]);
    nftables::keep_stale_chains(&mut now, &previous);
    assert_same(
        &now.to_nft(),
        &read(&data(
            "nftables_TestSyncProxyRulesRepeated_3_stale_chains.txt",
        )),
    );
    // The next sync deletes them ("Fake the passage of time").
    let next = fake_table(&["nftables_TestSyncProxyRulesRepeated_3.yaml"]);
    assert!(next.chain("service-MHHHYRWA-ns2/svc2/tcp/p8080").is_none());
}

/// Every vector: scenario files and expected dump.
const VECTORS: [(&[&str], &str); 5] = [
    (
        &["TestOverallIPTablesRules.yaml"],
        "nftables_TestOverallNFTablesRules.txt",
    ),
    (&["TestBadIPs.yaml"], "nftables_TestBadIPs.txt"),
    (
        &["TestSyncProxyRulesRepeated_1.yaml"],
        "nftables_TestSyncProxyRulesRepeated_1_initial.txt",
    ),
    (
        &["nftables_TestSyncProxyRulesRepeated_5.yaml"],
        "nftables_TestSyncProxyRulesRepeated_5_no_endpoints.txt",
    ),
    (
        &["nftables_TestSyncProxyRulesStartup.yaml"],
        "nftables_TestSyncProxyRulesStartup.txt",
    ),
];

#[test]
fn rendered_text_parses_back_to_the_same_table() {
    for (files, _) in VECTORS {
        let t = fake_table(files);
        let text = t.to_nft();
        let back = Table::parse(&text).unwrap_or_else(|e| panic!("{files:?}: {e}"));
        for (a, b) in back.chains.iter().zip(&t.chains) {
            assert_eq!(a, b, "{files:?}");
        }
        for (a, b) in back.sets.iter().zip(&t.sets) {
            assert_eq!(a, b, "{files:?}");
        }
        assert_eq!(back, t, "{files:?}");
        assert_eq!(back.to_nft(), text);
    }
}

#[test]
fn vectors_parse_and_render_to_the_same_lines() {
    for (_, vector) in VECTORS {
        let text = read(&data(vector));
        let t = Table::parse(&text).unwrap_or_else(|e| panic!("{vector}: {e}"));
        assert_same(&t.to_nft(), &text);
    }
}

#[test]
fn chain_names_hash_as_kube_proxy_does() {
    // Test_servicePortChainNameBase / Test_servicePortEndpointChainNameBase.
    assert_eq!(
        nftables::service_port_chain_base("testing", "service", "tcp", "http"),
        "P4ZYZVCF-testing/service/tcp/http"
    );
    assert_eq!(
        nftables::service_port_chain_base("testing", "service", "tcp", "https"),
        "LZBRENCP-testing/service/tcp/https"
    );
    assert_eq!(
        nftables::endpoint_chain_base("testing", "service", "tcp", "http", "10.180.0.1", 80),
        "JO2XBXZR-testing/service/tcp/http__10.180.0.1/80"
    );
    assert_eq!(
        nftables::endpoint_chain_base(
            "testing",
            "service",
            "tcp",
            "http",
            "fd80:abcd:12::a1b2:c3d4:e5f6:9999",
            80
        ),
        "U7E2ET36-testing/service/tcp/http__fd80.abcd.12..a1b2.c3d4.e5f6.9999/80"
    );
    let ns = "very-long-namespace-name-abcdefghijklmnopqrstuvwxyz0123456789xx";
    let svc = "very-long-service-name-why-would-you-even-do-this-i-mean-really";
    let port = "port-443-providing-the-hypertext-transmission-protocol-with-tls";
    assert_eq!(
        nftables::endpoint_chain_base(ns, svc, "sctp", port, "1234:5678:9abc:def0::abc:1234", 443),
        format!("5YS7AFEA-{ns}/{svc}/sctp/{port}__1234.5678.9abc.def0..abc.1234/443")
    );
    assert_eq!(
        nftables::endpoint_chain_base(
            ns,
            svc,
            "sctp",
            port,
            "1234:5678:9abc:def0::abcd:1234:5678",
            443
        ),
        format!("CI6C53Q3-{ns}/{svc}/sctp/{port}__1234.5678.9abc.def0..abcd.1234...")
    );
}

#[test]
fn match_all_node_port_addresses_use_fib_and_no_nodeport_ips_set() {
    let s = fake_cluster(&["TestOverallIPTablesRules.yaml"]);
    let ports = service_ports(&s, "test-node").unwrap();
    let cfg = Config {
        node_port_addresses: Vec::new(),
        ..fake_config()
    };
    let text = nftables::build(&ports, &cfg).to_nft();
    assert!(text.contains(
        "add rule ip kube-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports\n"
    ));
    assert!(text.contains(
        "add rule ip kube-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports\n"
    ));
    assert!(!text.contains("nodeport-ips"));
}

#[test]
fn real_node_table_from_a_scenario() {
    // The scenario path (real node: mark 0x00004000, nodePortAddresses
    // primary, the cluster's Service CIDR).
    let s = fake_cluster(&["TestOverallIPTablesRules.yaml"]);
    let text = nftables::table(&s, "test-node").unwrap().to_nft();
    assert!(
        text.contains("add rule ip kube-proxy mark-for-masquerade mark set mark or 0x00004000\n")
    );
    assert!(text.contains("add element ip kube-proxy nodeport-ips { 192.168.0.2 }\n"));
    assert!(text.contains("ip daddr { 172.30.0.0/16 } drop"));
    assert!(nftables::table(&s, "nope").is_err());
}

// ------------------------------------------------------------ real nft

/// Loads `text` with `nft -f` in a network namespace of its own
/// (`unshare -n`), never the host's. `Err` with the reason when this
/// machine cannot (no nft, not root).
fn nft_load(text: &str) -> Result<String, String> {
    use std::process::Command;
    if Command::new("nft").arg("--version").output().is_err() {
        return Err("nft is not installed (Debian package nftables)".into());
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("id -u: {e}"))?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("not root: unshare -n needs root".into());
    }
    let dir = std::env::temp_dir().join(format!("netlab-nft-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join(format!("rules-{}.nft", text.len()));
    std::fs::write(&file, text).map_err(|e| e.to_string())?;
    let out = Command::new("unshare")
        .args([
            "-n",
            "sh",
            "-c",
            "nft -f \"$1\" && nft list table ip kube-proxy",
            "sh",
        ])
        .arg(&file)
        .output()
        .map_err(|e| format!("unshare: {e}"))?;
    let _ = std::fs::remove_file(&file);
    if !out.status.success() {
        panic!(
            "nft -f rejected the ruleset:\n{}\n{text}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

const EVERY_EXPRESSION: &str = r#"add table ip kube-proxy { comment "x" ; }
add chain ip kube-proxy b { type nat hook postrouting priority 100 ; policy accept ; comment "base" ; }
add chain ip kube-proxy services
add chain ip kube-proxy e { comment "leaf" ; }
add chain ip kube-proxy d { type filter hook input priority 5 ; policy drop ; }
add set ip kube-proxy s { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; comment "aff" ; }
add map ip kube-proxy m { type ipv4_addr . inet_proto . inet_service : verdict ; }
add rule ip kube-proxy services ip saddr != { 10.0.0.0/8, 192.168.0.0/16 } counter drop
add rule ip kube-proxy services ip daddr { 192.168.0.0/16,10.0.0.0/8 } accept
add rule ip kube-proxy services ip daddr { 10.0.0.0/8 , 192.168.0.1 } return
add rule ip kube-proxy services tcp dport 80 mark set 0x00000001
add rule ip kube-proxy services mark set mark and 0xff
add rule ip kube-proxy services mark and 0x4000 != 0 masquerade
add rule ip kube-proxy services fib daddr type local ip daddr . meta l4proto . th dport vmap @m
add rule ip kube-proxy services update @s { ip saddr } meta l4proto udp dnat to 10.0.0.1
add rule ip kube-proxy services ct state established,related accept comment "ct"
add rule ip kube-proxy d numgen random mod 3 vmap { 0 : goto e , 1 : drop , 2 : accept }
add rule ip kube-proxy e ip saddr 1.1.1.1 counter accept
add element ip kube-proxy s { 10.1.1.1 comment "one" }
add element ip kube-proxy m { 10.1.1.1 . sctp . 9 comment "m" : goto e }
"#;

#[test]
fn rendered_tables_load_with_nft_in_a_fresh_netns() {
    let mut tables: Vec<Table> = VECTORS.iter().map(|(f, _)| fake_table(f)).collect();
    let s = fake_cluster(&["TestOverallIPTablesRules.yaml"]);
    let ports = service_ports(&s, "test-node").unwrap();
    tables.push(nftables::build(
        &ports,
        &Config {
            node_port_addresses: Vec::new(),
            ..fake_config()
        },
    ));
    // Every kind of expression the kernel layer knows.
    tables.push(Table::parse(EVERY_EXPRESSION).unwrap());
    for t in tables {
        match nft_load(&t.to_nft()) {
            Ok(listing) => {
                assert!(listing.contains("chain services"), "{listing}");
                // nft's own listing, up to element order and wrapping.
                let (got, want) = (
                    normalize_listing(&t.to_nft_list()),
                    normalize_listing(&listing),
                );
                if got != want {
                    let report: Vec<String> = got
                        .lines()
                        .zip(want.lines())
                        .filter(|(a, b)| a != b)
                        .map(|(a, b)| format!("  ours: {a}\n  nft:  {b}"))
                        .collect();
                    panic!("listing differs from nft's:\n{}\n{got}", report.join("\n"));
                }
            }
            Err(why) => {
                println!("skipped: {why}");
                return;
            }
        }
    }
}

// ------------------------------------------------- packet flows

mod flows {
    use super::*;
    use k8s_netlab::linux::netfilter::nftables::eval::{
        run_hook, CtState, Env, Final, Packet, SetState,
    };
    use k8s_netlab::linux::netfilter::nftables::{Hook, L4Proto};
    use std::net::IpAddr;

    struct Row {
        name: String,
        src: IpAddr,
        dst: IpAddr,
        port: u16,
        output: String,
        masq: bool,
    }

    fn rows(file: &str) -> Vec<Row> {
        let text = read(&data(file));
        let mut rows = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('|').map(str::trim).collect();
            assert_eq!(f.len(), 6, "{line}");
            rows.push(Row {
                name: f[0].to_string(),
                src: f[1].parse().unwrap(),
                dst: f[2].parse().unwrap(),
                port: f[3].parse().unwrap(),
                output: f[4].to_string(),
                masq: f[5] == "true",
            });
        }
        rows
    }

    fn is_local(a: IpAddr) -> bool {
        ["192.168.0.2", "192.168.1.2", "192.168.99.11", "127.0.0.1"]
            .iter()
            .any(|x| x.parse::<IpAddr>().unwrap() == a)
    }

    /// One packet along the kernel's path, with `numgen` answering `k`:
    /// the DNAT target (or the final verdict) and whether postrouting
    /// masqueraded it. From a local address: output, postrouting; else
    /// prerouting, then forward and postrouting (or input).
    fn trace(t: &Table, row: &Row, k: u32) -> (String, bool, u32) {
        let modulus = std::cell::Cell::new(1);
        let mut pick = super::Pick(|n: u32| {
            modulus.set(n);
            k
        });
        let mut env = Env {
            is_local: &is_local,
            chooser: &mut pick,
            now: 0,
        };
        let mut st = SetState::default();
        let p = Packet {
            saddr: row.src,
            daddr: row.dst,
            proto: L4Proto::Tcp,
            dport: row.port,
            ct_state: CtState::New,
            mark: 0,
        };
        let first = if is_local(row.src) {
            Hook::Output
        } else {
            Hook::Prerouting
        };
        let out = run_hook(t, first, p, &mut env, &mut st);
        let mut verdict = out.verdict;
        let mut masq = false;
        if verdict == Final::Accept {
            let p = out.packet;
            let next = if first == Hook::Prerouting && !is_local(p.daddr) {
                Some(Hook::Forward)
            } else if first == Hook::Prerouting {
                Some(Hook::Input)
            } else {
                None
            };
            if let Some(h) = next {
                verdict = run_hook(t, h, p, &mut env, &mut st).verdict;
            }
            if verdict == Final::Accept && next != Some(Hook::Input) {
                masq = run_hook(t, Hook::Postrouting, p, &mut env, &mut st)
                    .masquerade
                    .is_some();
            }
        }
        let output = match (verdict, out.dnat) {
            (Final::Accept, Some((a, Some(port)))) => format!("{a}:{port}"),
            (Final::Accept, _) => String::new(),
            (Final::Drop, _) => "DROP".into(),
            (Final::Reject, _) => "REJECT".into(),
        };
        (output, masq, modulus.get())
    }

    fn run(
        cluster_cidr: bool,
        masquerade_all: bool,
        overrides: &[(&str, Option<&str>, Option<bool>)],
    ) {
        let mut text = read(&data("fake_proxier.yaml"));
        text.push_str("\n---\n");
        text.push_str(&read(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/netfilter/TestInternalExternalMasquerade.yaml"),
        ));
        let s = load(&text);
        let ports = service_ports(&s, "test-node").unwrap();
        let cfg = Config {
            cluster_cidr: if cluster_cidr {
                fake_config().cluster_cidr
            } else {
                None
            },
            masquerade_all,
            ..fake_config()
        };
        let t = nftables::build(&ports, &cfg);
        let rows = rows("nftables_packetflow_TestInternalExternalMasquerade.txt");
        assert_eq!(rows.len(), 27);
        check_rows(&t, &rows, overrides);
    }

    /// kube-proxy's `runPacketFlowTests`: every row's outcomes over all
    /// numgen picks, and the masquerade mark.
    fn check_rows(t: &Table, rows: &[Row], overrides: &[(&str, Option<&str>, Option<bool>)]) {
        let mut failures = Vec::new();
        for row in rows {
            let (mut want_out, mut want_masq) = (row.output.clone(), row.masq);
            for (name, out, masq) in overrides {
                if *name == row.name {
                    if let Some(o) = out {
                        want_out = o.to_string();
                    }
                    if let Some(m) = masq {
                        want_masq = *m;
                    }
                }
            }
            // Every endpoint numgen can pick.
            let (first, masq0, n) = trace(t, row, 0);
            let mut outs = vec![first];
            let mut masqs = vec![masq0];
            for k in 1..n {
                let (o, m, _) = trace(t, row, k);
                outs.push(o);
                masqs.push(m);
            }
            let got = outs.join(", ");
            if got != want_out || masqs.iter().any(|m| *m != want_masq) {
                failures.push(format!(
                    "{}: got {got:?} masq {masqs:?}, want {want_out:?} masq {want_masq}",
                    row.name
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    fn fake_scenario_table(files: &[&str], cfg: &Config) -> Table {
        let s = fake_cluster(files);
        let ports = service_ports(&s, "test-node").unwrap();
        nftables::build(&ports, cfg)
    }

    /// TestLoadBalancer: two LB IPs, source ranges that include the node.
    #[test]
    fn load_balancer_source_ranges() {
        let t = fake_scenario_table(&["nftables_TestLoadBalancer.yaml"], &fake_config());
        let text = t.to_nft();
        assert!(text
            .contains("ip saddr != { 192.168.0.0/24 , 203.0.113.0/25 , 1.2.3.4 , 5.6.7.8 } drop"));
        let rows = rows("nftables_packetflow_TestLoadBalancer.txt");
        assert_eq!(rows.len(), 13);
        check_rows(&t, &rows, &[]);
    }

    /// TestNodePorts (the IPv4 cases): NodePorts answer on the node IP
    /// only, unless nodePortAddresses take in the second address too.
    #[test]
    fn node_ports_and_node_port_addresses() {
        let rows = rows("nftables_packetflow_TestNodePorts.txt");
        assert_eq!(rows.len(), 4);
        let (common, alt) = rows.split_at(3);
        let t = fake_scenario_table(&["nftables_TestNodePorts.yaml"], &fake_config());
        check_rows(&t, common, &[]);
        check_rows(
            &t,
            alt,
            &[(
                "external to nodePort on secondary IP",
                Some(""),
                Some(false),
            )],
        );
        let cfg = Config {
            node_port_addresses: vec![
                "192.168.0.0/24".parse().unwrap(),
                "192.168.1.0/24".parse().unwrap(),
            ],
            ..fake_config()
        };
        let t = fake_scenario_table(&["nftables_TestNodePorts.yaml"], &cfg);
        assert!(t
            .to_nft()
            .contains("add element ip kube-proxy nodeport-ips { 192.168.1.2 }"));
        check_rows(&t, &rows, &[]);
    }

    const NO_DETECTOR: [(&str, Option<&str>, Option<bool>); 8] = [
        ("node to ClusterIP", None, Some(false)),
        ("node to ClusterIP with eTP:Local", None, Some(false)),
        ("node to ClusterIP with iTP:Local", None, Some(false)),
        ("external to ClusterIP", None, Some(false)),
        ("external to ClusterIP with eTP:Local", None, Some(false)),
        ("external to ClusterIP with iTP:Local", None, Some(false)),
        (
            "pod to NodePort with eTP:Local",
            Some("10.180.0.2:80"),
            None,
        ),
        ("pod to LB with eTP:Local", Some("10.180.0.2:80"), None),
    ];

    const MASQ_ALL: [(&str, Option<&str>, Option<bool>); 3] = [
        ("pod to ClusterIP", None, Some(true)),
        ("pod to ClusterIP with eTP:Local", None, Some(true)),
        ("pod to ClusterIP with iTP:Local", None, Some(true)),
    ];

    #[test]
    fn internal_external_masquerade_base() {
        run(true, false, &[]);
    }

    #[test]
    fn internal_external_masquerade_no_local_detector() {
        run(false, false, &NO_DETECTOR);
    }

    #[test]
    fn internal_external_masquerade_masquerade_all() {
        run(true, true, &MASQ_ALL);
    }

    #[test]
    fn internal_external_masquerade_masquerade_all_no_local_detector() {
        let mut o = MASQ_ALL.to_vec();
        o.extend_from_slice(&NO_DETECTOR[6..]);
        run(false, true, &o);
    }
}

// ------------------------------------------------- terminating endpoints

mod terminating {
    use super::*;
    use k8s_netlab::linux::netfilter::nftables::eval::{
        run_hook, CtState, Env, Final, Packet, SetState,
    };
    use k8s_netlab::linux::netfilter::nftables::{Hook, L4Proto};
    use std::net::IpAddr;

    /// (ip, ready, serving, terminating, node)
    type Ep = (&'static str, bool, bool, bool, &'static str);

    fn scenario(policy: &str, eps: &[Ep]) -> Scenario {
        let mut text = read(&data("fake_proxier.yaml"));
        text.push_str("\n---\n");
        text.push_str(
            &read(&data("nftables_TestTerminatingEndpoints.yaml")).replace(
                "externalTrafficPolicy: Cluster",
                &format!("externalTrafficPolicy: {policy}"),
            ),
        );
        if !eps.is_empty() {
            text.push_str(
                "\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: svc1-1\n  namespace: ns1\n  labels: {kubernetes.io/service-name: svc1}\naddressType: IPv4\nports: [{port: 80, protocol: TCP}]\nendpoints:\n",
            );
            for (ip, r, s, t, node) in eps {
                text.push_str(&format!(
                    "- {{addresses: [{ip}], nodeName: {node}, conditions: {{ready: {r}, serving: {s}, terminating: {t}}}}}\n"
                ));
            }
        }
        load(&text)
    }

    fn is_local(a: IpAddr) -> bool {
        a == "192.168.0.2".parse::<IpAddr>().unwrap() || a.is_loopback()
    }

    /// Every outcome numgen can lead to, as kube-proxy's tracer prints them,
    /// and whether the packet was marked for masquerade.
    fn flow(t: &Table, src: &str, dst: &str) -> (String, bool) {
        let mut outs = Vec::new();
        let mut masq = false;
        let mut n = 1;
        let mut k = 0;
        while k < n {
            let seen = std::cell::Cell::new(1);
            let mut pick = super::Pick(|m: u32| {
                seen.set(m);
                k
            });
            let mut env = Env {
                is_local: &is_local,
                chooser: &mut pick,
                now: 0,
            };
            let mut st = SetState::default();
            let p = Packet {
                saddr: src.parse().unwrap(),
                daddr: dst.parse().unwrap(),
                proto: L4Proto::Tcp,
                dport: 80,
                ct_state: CtState::New,
                mark: 0,
            };
            let pre = run_hook(t, Hook::Prerouting, p, &mut env, &mut st);
            let fwd = run_hook(t, Hook::Forward, pre.packet, &mut env, &mut st);
            outs.push(match (fwd.verdict, pre.dnat) {
                (Final::Accept, Some((a, Some(port)))) => format!("{a}:{port}"),
                (Final::Accept, _) => String::new(),
                (Final::Drop, _) => "DROP".into(),
                (Final::Reject, _) => "REJECT".into(),
            });
            masq |= fwd.verdict == Final::Accept && fwd.packet.mark & 0x4000 != 0;
            n = seen.get();
            k += 1;
        }
        (outs.join(", "), masq)
    }

    #[allow(clippy::type_complexity)]
    fn check(policy: &str, cases: &[(&str, &[Ep], [(&str, &str, bool); 2])]) {
        for (name, eps, flows) in cases {
            let s = scenario(policy, eps);
            let ports = service_ports(&s, "test-node").unwrap();
            let t = nftables::build(&ports, &fake_config());
            let rows = [
                ("10.0.0.2", "172.30.1.1", flows[0]),
                ("203.0.113.2", "1.2.3.4", flows[1]),
            ];
            for (src, dst, (what, out, masq)) in rows {
                assert_eq!(
                    flow(&t, src, dst),
                    (out.to_string(), masq),
                    "{policy} / {name} / {what}"
                );
            }
        }
    }

    const T: &str = "test-node";

    /// TestTerminatingEndpointsTrafficPolicyLocal (proxier_test.go @ 81810de6).
    #[test]
    fn traffic_policy_local() {
        check(
            "Local",
            &[
                (
                    "ready endpoints exist",
                    &[
                        ("10.0.1.1", true, true, false, T),
                        ("10.0.1.2", true, true, false, T),
                        ("10.0.1.3", false, true, true, T),
                        ("10.0.1.4", false, false, true, T),
                        ("10.0.1.5", true, true, false, "node-1"),
                    ],
                    [
                        (
                            "pod to clusterIP",
                            "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80",
                            false,
                        ),
                        ("external to LB", "10.0.1.1:80, 10.0.1.2:80", false),
                    ],
                ),
                (
                    "only terminating endpoints exist",
                    &[
                        ("10.0.1.2", false, true, true, T),
                        ("10.0.1.3", false, true, true, T),
                        ("10.0.1.4", false, false, true, T),
                        ("10.0.1.5", true, true, false, "node-1"),
                    ],
                    [
                        ("pod to clusterIP", "10.0.1.5:80", false),
                        ("external to LB", "10.0.1.2:80, 10.0.1.3:80", false),
                    ],
                ),
                (
                    "terminating endpoints on remote node",
                    &[("10.0.1.5", false, true, true, "node-1")],
                    [
                        ("pod to clusterIP", "10.0.1.5:80", false),
                        ("external to LB, no locally-usable endpoints", "DROP", false),
                    ],
                ),
                (
                    "no usable endpoints on any node",
                    &[
                        ("10.0.1.5", false, false, true, T),
                        ("10.0.1.5", false, false, true, "node-1"),
                    ],
                    [
                        ("pod to clusterIP, no usable endpoints", "REJECT", false),
                        ("external to LB, no usable endpoints", "REJECT", false),
                    ],
                ),
                (
                    "endpoints deleted",
                    &[],
                    [
                        ("pod to clusterIP after endpoints deleted", "REJECT", false),
                        ("external to LB after endpoints deleted", "REJECT", false),
                    ],
                ),
            ],
        );
    }

    /// TestTerminatingEndpointsTrafficPolicyCluster (proxier_test.go @ 81810de6).
    #[test]
    fn traffic_policy_cluster() {
        check(
            "Cluster",
            &[
                (
                    "ready endpoints exist",
                    &[
                        ("10.0.1.1", true, true, false, T),
                        ("10.0.1.2", true, true, false, T),
                        ("10.0.1.3", false, true, true, "another-node"),
                        ("10.0.1.4", false, false, true, "another-node"),
                        ("10.0.1.5", true, true, false, "another-node"),
                    ],
                    [
                        (
                            "pod to clusterIP",
                            "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80",
                            false,
                        ),
                        (
                            "external to LB",
                            "10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80",
                            true,
                        ),
                    ],
                ),
                (
                    "only terminating endpoints exist",
                    &[
                        ("10.0.1.2", false, true, true, T),
                        ("10.0.1.3", false, true, true, T),
                        ("10.0.1.4", false, false, true, "another-node"),
                        ("10.0.1.5", false, true, true, "another-node"),
                    ],
                    [
                        (
                            "pod to clusterIP",
                            "10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80",
                            false,
                        ),
                        (
                            "external to LB",
                            "10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80",
                            true,
                        ),
                    ],
                ),
                (
                    "terminating endpoints on remote node",
                    &[("10.0.1.5", false, true, true, "node-1")],
                    [
                        ("pod to clusterIP", "10.0.1.5:80", false),
                        ("external to LB", "10.0.1.5:80", true),
                    ],
                ),
                (
                    "no usable endpoints on any node",
                    &[
                        ("10.0.1.5", false, false, true, T),
                        ("10.0.1.5", false, false, true, "node-1"),
                    ],
                    [
                        ("pod to clusterIP", "REJECT", false),
                        ("external to LB", "REJECT", false),
                    ],
                ),
            ],
        );
    }
}

/// A chooser whose `pick` is a closure (numgen only).
struct Pick<F: FnMut(u32) -> u32>(F);

impl<F: FnMut(u32) -> u32> k8s_netlab::linux::netfilter::Chooser for Pick<F> {
    fn bernoulli(&mut self, _threshold: u32, _written: &str) -> bool {
        unreachable!("nftables draws no bernoulli")
    }
    fn pick(&mut self, n: u32) -> u32 {
        (self.0)(n)
    }
}
