//! `netlab` with kube-proxy in nftables mode (docs/cli.md): `rules` prints
//! the `nft -f` input kube-proxy writes (or either mode with `--mode`),
//! `trace --json` names nft chains, rules and elements, `paths` gives
//! numgen's exact probabilities, and bad modes are refused by name.

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{code, json, netlab, stderr, stdout};
use k8s_netlab::kube_proxy::{iptables, nftables};
use k8s_netlab::model;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn preset_text(id: &str) -> String {
    std::fs::read_to_string(root().join(format!("static/scenarios/{id}.yaml"))).unwrap()
}

/// A scenario file for this test: the preset with `extra` appended.
fn file(name: &str, id: &str, extra: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("netlab-cli-nftables-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{name}.yaml"));
    std::fs::write(&p, format!("{}\n{extra}", preset_text(id))).unwrap();
    p
}

const NFT: &str =
    "---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";

fn nft_file(name: &str) -> PathBuf {
    file(name, "nodeport", NFT)
}

#[test]
fn rules_prints_the_nft_transaction_in_nftables_mode() {
    let f = nft_file("rules");
    let f = f.to_str().unwrap();
    let s = model::load(&std::fs::read_to_string(f).unwrap())
        .unwrap()
        .scenario;
    for node in ["node-1", "node-2"] {
        let o = netlab(&["rules", f, "--node", node]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let want = nftables::table(&s, node).unwrap().to_nft();
        assert_eq!(stdout(&o), want);
        assert!(stdout(&o).starts_with("add table ip kube-proxy"));
        // The node's own IP is its NodePort address.
        let ip = s.node(node).unwrap().internal_ip;
        assert!(stdout(&o).contains(&format!(
            "add element ip kube-proxy nodeport-ips {{ {ip} }}"
        )));
        // --mode picks either mode whatever the scenario says.
        let o = netlab(&["rules", f, "--node", node, "--mode", "iptables"]);
        assert_eq!(code(&o), 0);
        assert_eq!(
            stdout(&o),
            iptables::ruleset(&s, node).unwrap().to_iptables_restore()
        );
        let o = netlab(&["rules", f, "--node", node, "--mode", "nftables"]);
        assert_eq!(stdout(&o), want);
    }
    // An iptables preset, asked for nftables.
    let plain = root().join("static/scenarios/nodeport.yaml");
    let o = netlab(&[
        "rules",
        plain.to_str().unwrap(),
        "--node",
        "node-1",
        "--mode",
        "nftables",
    ]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("add table ip kube-proxy"));
    let o = netlab(&["rules", plain.to_str().unwrap(), "--node", "node-1"]);
    assert!(
        stdout(&o).starts_with("*"),
        "the default is the node's mode: iptables"
    );
}

#[test]
fn rules_follows_the_nodes_label() {
    let f = file("label", "nodeport", "");
    let text = std::fs::read_to_string(&f).unwrap().replacen(
        "  name: node-2\n",
        "  name: node-2\n  labels:\n    netlab.dev/kube-proxy-mode: nftables\n",
        1,
    );
    std::fs::write(&f, text).unwrap();
    let f = f.to_str().unwrap();
    let o = netlab(&["rules", f, "--node", "node-2"]);
    assert!(
        stdout(&o).starts_with("add table ip kube-proxy"),
        "{}",
        stderr(&o)
    );
    let o = netlab(&["rules", f, "--node", "node-1"]);
    assert!(stdout(&o).starts_with("*"));
}

#[test]
fn bad_modes_and_nodes_exit_2_naming_them() {
    let f = nft_file("bad");
    let f = f.to_str().unwrap();
    let o = netlab(&["rules", f, "--node", "node-9"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("--node node-9: there is no node \"node-9\""),
        "{}",
        stderr(&o)
    );
    let o = netlab(&["rules", f, "--node", "node-1", "--mode", "ipvs"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("ipvs"), "{}", stderr(&o));
    let bad = file("bad-label", "nodeport", "");
    let text = std::fs::read_to_string(&bad).unwrap().replacen(
        "  name: node-2\n",
        "  name: node-2\n  labels:\n    netlab.dev/kube-proxy-mode: nft\n",
        1,
    );
    std::fs::write(&bad, text).unwrap();
    let o = netlab(&["check", bad.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(
            "Node node-2: metadata.labels[\"netlab.dev/kube-proxy-mode\"]: unknown kube-proxy mode \"nft\" (iptables or nftables)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn trace_json_names_nft_chains_rules_and_elements() {
    let f = nft_file("trace");
    let f = f.to_str().unwrap();
    let o = netlab(&[
        "trace",
        f,
        "--from",
        "pod/client",
        "--to",
        "svc/web:80",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["verdict"], "delivered");
    let hops = v["hops"].as_array().unwrap();
    let pre = hops
        .iter()
        .find(|h| h["device"] == "node/node-1" && h["at"] == "PREROUTING")
        .unwrap();
    let rules = pre["rules"].as_array().unwrap();
    let services = rules.iter().find(|r| r["chain"] == "services").unwrap();
    assert_eq!(services["backend"], "nftables");
    assert_eq!(services["table"], "ip kube-proxy");
    assert_eq!(services["index"], 1);
    assert!(services["element"]
        .as_str()
        .unwrap()
        .starts_with("10.3.241.152 . tcp . 80 : goto service-"));
    assert!(services["effect"]
        .as_str()
        .unwrap()
        .starts_with("goto service-"));
    let last = rules.last().unwrap();
    assert!(last["effect"]
        .as_str()
        .unwrap()
        .starts_with("dnat to 10.0."));
    // A rule without an element carries no "element" field.
    assert!(rules[0].get("element").is_none());
    // What the kernel evaluated: fewer rules than iptables mode's.
    let nft_count = v["rules_evaluated"].as_u64().unwrap();
    let plain = root().join("static/scenarios/nodeport.yaml");
    let o = netlab(&[
        "trace",
        plain.to_str().unwrap(),
        "--from",
        "pod/client",
        "--to",
        "svc/web:80",
        "--json",
    ]);
    let ipt = json(&o);
    let ipt_count = ipt["rules_evaluated"].as_u64().unwrap();
    assert!(
        nft_count > 0 && nft_count < ipt_count,
        "{nft_count} vs {ipt_count}"
    );
    assert!(ipt["hops"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["rules"].as_array().cloned().unwrap_or_default())
        .all(|r| r["backend"] == "iptables" && r.get("element").is_none()));
}

#[test]
fn trace_in_nftables_mode_exits_1_where_the_rules_stop_it() {
    let f = nft_file("stop");
    let f = f.to_str().unwrap();
    let o = netlab(&[
        "trace",
        f,
        "--from",
        "node/node-1",
        "--to",
        "127.0.0.1:30080",
    ]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("verdict: Refused"));
    let o = netlab(&[
        "trace",
        f,
        "--from",
        "pod/client",
        "--to",
        "10.3.241.152:81",
    ]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(out.contains("verdict: Rejected"), "{out}");
    assert!(
        out.contains("[ip kube-proxy cluster-ips-check #1] add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment \"Reject traffic to invalid ports of ClusterIPs\"  => reject (icmp port-unreachable)"),
        "{out}"
    );
}

#[test]
fn paths_in_nftables_mode_give_numgen_exact_probabilities() {
    let f = nft_file("paths");
    let o = netlab(&[
        "paths",
        f.to_str().unwrap(),
        "--from",
        "pod/client",
        "--to",
        "svc/web:80",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    let outs = v["outcomes"].as_array().unwrap();
    let mut got: Vec<(String, f64)> = outs
        .iter()
        .map(|o| {
            (
                o["delivered_to"].as_str().unwrap().to_string(),
                o["probability"].as_f64().unwrap(),
            )
        })
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        got,
        [
            ("pod/web-1".to_string(), 0.5),
            ("pod/web-2".to_string(), 0.5)
        ]
    );
}
