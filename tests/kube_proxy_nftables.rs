//! kube-proxy's nftables backend against kube-proxy's own test vectors
//! (tests/data/kube_proxy/nftables_*.txt, copied from
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
use k8s_netlab::linux::netfilter::nftables::{sort_transaction, Table};
use k8s_netlab::model::{self, Scenario};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/kube_proxy")
        .join(name)
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
