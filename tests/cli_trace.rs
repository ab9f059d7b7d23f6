//! `netlab trace`, `paths` and `rules` as a contract (docs/cli.md): exit
//! codes, the JSON fields, the ruleset text, the messages for bad input;
//! and snapshots of whole traces of the story.

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{code, json, netlab, stderr, stdout};
use k8s_netlab::kube_proxy::iptables;
use k8s_netlab::model::{self, presets};
use serde_json::Value;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn story(id: &str) -> String {
    root()
        .join(format!("static/scenarios/{id}.yaml"))
        .to_string_lossy()
        .into_owned()
}

fn data(name: &str) -> String {
    root()
        .join("tests/data/engine")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

// ------------------------------------------------------------ exit codes

#[test]
fn trace_exits_0_when_delivered_and_answered_1_when_not() {
    let cases: &[(&str, &str, &str, &[&str], i32)] = &[
        ("clusterip", "pod/client", "svc/web:80", &[], 0),
        ("static-route", "internet", "svc/web", &[], 0),
        ("nodeport", "10.100.0.10", "10.100.0.3:30080", &[], 0),
        // Dropped, refused, or its node removed.
        ("external-clusterip", "internet", "svc/web:80", &[], 1),
        ("node-removed", "internet", "svc/web:80", &[], 1),
        (
            "nodeport-wrong-port",
            "10.100.0.10",
            "10.100.0.3:80",
            &[],
            1,
        ),
        ("static-route", "internet", "svc/web:80", &["node-2"], 1),
    ];
    for (id, from, to, remove, want) in cases {
        let file = story(id);
        let mut args = vec!["trace", &file, "--from", from, "--to", to];
        for n in *remove {
            args.extend(["--remove-node", n]);
        }
        let o = netlab(&args);
        assert_eq!(code(&o), *want, "{args:?}\n{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("verdict: "), "{args:?}");
    }
    // A rejected Service and a refused UDP datagram fail too.
    let two = data("two-nodes.yaml");
    for (to, proto) in [("svc/empty:80", "tcp"), ("svc/dns:54", "udp")] {
        let o = netlab(&[
            "trace",
            &two,
            "--from",
            "pod/client",
            "--to",
            to,
            "--proto",
            proto,
        ]);
        assert_eq!(code(&o), 1, "{to}: {}", stdout(&o));
    }
    let o = netlab(&[
        "trace",
        &two,
        "--from",
        "pod/client",
        "--to",
        "svc/dns:53",
        "--proto",
        "udp",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let file = story("clusterip");
    // (args, a piece of the message on stderr)
    let cases: &[(&[&str], &str)] = &[
        (
            &["trace", &file, "--from", "pod/nope", "--to", "svc/web:80"],
            "there is no pod default/nope",
        ),
        (
            &[
                "trace",
                &file,
                "--from",
                "node/node-9",
                "--to",
                "svc/web:80",
            ],
            "there is no node node-9",
        ),
        (
            &["trace", &file, "--from", "somewhere", "--to", "svc/web:80"],
            "expected pod/NAME, node/NAME, internet, or an IPv4 address",
        ),
        (
            &["trace", &file, "--from", "10.100.0.1", "--to", "svc/web:80"],
            "VPC router's or a reserved address",
        ),
        (
            &["trace", &file, "--from", "10.0.9.9", "--to", "svc/web:80"],
            "no pod has that address",
        ),
        (
            &["trace", &file, "--from", "pod/client", "--to", "svc/nope"],
            "there is no Service default/nope",
        ),
        (
            &[
                "trace",
                &file,
                "--from",
                "pod/client",
                "--to",
                "svc/web:http",
            ],
            "is not a port",
        ),
        (
            &[
                "trace",
                &file,
                "--from",
                "pod/client",
                "--to",
                "10.3.241.152",
            ],
            "expected IP:PORT or svc/NAME[:PORT]",
        ),
        (
            &[
                "trace",
                &file,
                "--from",
                "pod/client",
                "--to",
                "svc/web",
                "--remove-node",
                "node-9",
            ],
            "--remove-node node-9: there is no such node",
        ),
        (
            // The source's own node removed: the pod is gone with it.
            &[
                "trace",
                &file,
                "--from",
                "pod/client",
                "--to",
                "svc/web",
                "--remove-node",
                "node-1",
            ],
            "there is no pod default/client",
        ),
        (
            &[
                "paths", &file, "--from", "pod/nope", "--to", "svc/web", "--json",
            ],
            "there is no pod default/nope",
        ),
        (
            &[
                "paths",
                &file,
                "--from",
                "pod/client",
                "--to",
                "svc/web",
                "--remove-node",
                "x",
                "--json",
            ],
            "--remove-node x: there is no such node",
        ),
        (&["rules", &file, "--node", "node-9"], "--node node-9"),
        (
            &[
                "trace",
                "/nonexistent/scenario.yaml",
                "--from",
                "internet",
                "--to",
                "svc/web",
            ],
            "/nonexistent/scenario.yaml",
        ),
        (
            &[
                "trace",
                &file,
                "--from",
                "internet",
                "--to",
                "svc/web:80",
                "--proto",
                "icmp",
            ],
            "destination svc/web:80: ICMP has no ports",
        ),
        (
            &[
                "trace", &file, "--from", "internet", "--to", "svc/web", "--proto", "gre",
            ],
            "gre",
        ),
    ];
    for (args, msg) in cases {
        let o = netlab(args);
        assert_eq!(code(&o), 2, "{args:?}\n{}{}", stdout(&o), stderr(&o));
        assert!(
            stderr(&o).contains(msg),
            "{args:?}: stderr should say {msg:?}:\n{}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty(), "{args:?}: nothing on stdout");
    }
}

// ------------------------------------------------------------ JSON

fn assert_packet(p: &Value, what: &str) {
    for k in ["proto", "src", "dst", "ttl"] {
        assert!(!p[k].is_null(), "{what}: packet without {k}: {p}");
    }
}

#[test]
fn trace_json_has_the_contract_fields() {
    let file = story("clusterip");
    let o = netlab(&[
        "trace",
        &file,
        "--from",
        "pod/client",
        "--to",
        "svc/web:80",
        "--json",
        "--seed",
        "1",
    ]);
    assert_eq!(code(&o), 0);
    let t = json(&o);
    assert_eq!(t["verdict"], "delivered");
    let to = t["delivered_to"].as_str().unwrap();
    assert!(to == "pod/web-1" || to == "pod/web-2", "{to}");
    assert!(t["reason"].is_null());
    assert_eq!(t["server_sees"]["src"], "10.0.1.2:40000");
    let dst = t["server_sees"]["dst"].as_str().unwrap();
    assert!(dst == "10.0.2.2:8080" || dst == "10.0.3.2:8080", "{dst}");
    assert_eq!(t["reply"]["verdict"], "delivered");
    assert_eq!(t["reply"]["client_sees"]["src"], "10.3.241.152:80");
    let hops = t["hops"].as_array().unwrap();
    assert!(hops.len() > 10);
    for h in hops {
        for k in ["device", "at", "decision"] {
            assert!(h[k].is_string(), "hop without {k}: {h}");
        }
        assert_packet(&h["before"], "before");
        assert_packet(&h["after"], "after");
    }
    // The DNAT is a hop whose packet changes, with the rule that did it.
    let dnat = hops
        .iter()
        .find(|h| h["before"]["dst"] == "10.3.241.152:80" && h["after"]["dst"] == dst)
        .expect("a DNAT hop");
    assert_eq!(dnat["device"], "node/node-1");
    assert_eq!(dnat["at"], "PREROUTING");
    assert!(dnat["decision"].as_str().unwrap().contains("DNAT"));
    // Both legs are there.
    assert!(hops.iter().any(|h| h["leg"] == "request"));
    assert!(hops.iter().any(|h| h["leg"] == "reply"));
    // Every hop says how to see it on the real machine: the DNAT rule with
    // `iptables -S` as iptables prints it back, the client's route with
    // `ip route get`; hops without a command have an empty list.
    for h in hops {
        assert!(h["commands"].is_array(), "hop without commands: {h}");
    }
    let shown: Vec<&str> = dnat["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["output"].as_str().unwrap())
        .collect();
    assert!(
        shown
            .iter()
            .any(|o| o.contains("-j DNAT --to-destination") && o.contains("-p tcp -m comment")),
        "{shown:?}"
    );
    let route = &hops[1]["commands"][0];
    assert_eq!(route["command"], "ip route get 10.3.241.152");
    assert_eq!(
        route["output"],
        "10.3.241.152 via 10.0.1.1 dev eth0 src 10.0.1.2 uid 0 \n    cache \n"
    );
}

#[test]
fn trace_json_of_a_failure() {
    let o = netlab(&[
        "trace",
        &story("external-clusterip"),
        "--from",
        "internet",
        "--to",
        "svc/web:80",
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    let t = json(&o);
    assert_eq!(t["verdict"], "dropped");
    assert!(t["delivered_to"].is_null());
    assert!(t["server_sees"].is_null());
    assert!(t["reply"].is_null());
    assert!(t["reason"]
        .as_str()
        .unwrap()
        .contains("router/vpc has no route to 10.3.241.152"));

    let o = netlab(&[
        "trace",
        &data("two-nodes.yaml"),
        "--from",
        "pod/client",
        "--to",
        "svc/empty:80",
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    assert_eq!(json(&o)["verdict"], "rejected");

    let o = netlab(&[
        "trace",
        &story("nodeport-wrong-port"),
        "--from",
        "10.100.0.10",
        "--to",
        "10.100.0.3:80",
        "--json",
    ]);
    let t = json(&o);
    assert_eq!(t["verdict"], "refused");
    assert_eq!(t["reply"]["verdict"], "refused");
    assert_eq!(t["reply"]["client_sees"]["src"], "10.100.0.3:80");
}

#[test]
fn remove_node_on_the_command_line() {
    let o = netlab(&[
        "trace",
        &story("clusterip"),
        "--from",
        "pod/client",
        "--to",
        "svc/web",
        "--remove-node",
        "node-2",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(json(&o)["delivered_to"], "pod/web-2");
}

#[test]
fn the_seed_makes_a_trace_reproducible() {
    let file = story("load-balancer");
    let run = |seed: &str| {
        stdout(&netlab(&[
            "trace",
            &file,
            "--from",
            "internet",
            "--to",
            "198.51.100.10:80",
            "--seed",
            seed,
            "--json",
        ]))
    };
    assert_eq!(run("7"), run("7"));
    let seen: std::collections::BTreeSet<String> = (0..24)
        .map(|s| {
            let t: Value = serde_json::from_str(&run(&s.to_string())).unwrap();
            format!("{} {}", t["delivered_to"], t["server_sees"]["src"])
        })
        .collect();
    assert!(seen.len() > 2, "seeds should spread: {seen:?}");
}

#[test]
fn paths_json_lists_every_outcome_with_its_probability() {
    let o = netlab(&[
        "paths",
        &story("clusterip"),
        "--from",
        "pod/client",
        "--to",
        "svc/web:80",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let doc = json(&o);
    let outcomes = doc["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 2);
    let mut pods: Vec<&str> = outcomes
        .iter()
        .map(|o| o["delivered_to"].as_str().unwrap())
        .collect();
    pods.sort();
    assert_eq!(pods, ["pod/web-1", "pod/web-2"]);
    for out in outcomes {
        assert_eq!(out["probability"].as_f64().unwrap(), 0.5);
        assert_eq!(out["verdict"], "delivered");
        assert_eq!(out["server_sees"]["src"], "10.0.1.2:40000");
        assert_eq!(out["reply"]["client_sees"]["src"], "10.3.241.152:80");
        assert!(out["reason"].is_null());
        assert!(out["hops"].as_array().is_some_and(|h| !h.is_empty()));
    }

    // Three nodes behind a load balancer, two endpoints: six ways.
    let o = netlab(&[
        "paths",
        &data("lb-passthrough.yaml"),
        "--from",
        "internet",
        "--to",
        "198.51.100.10:80",
        "--json",
    ]);
    let doc = json(&o);
    let outcomes = doc["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 6);
    let sum: f64 = outcomes
        .iter()
        .map(|o| o["probability"].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9, "{sum}");

    // A failure is one outcome, certain.
    let o = netlab(&[
        "paths",
        &story("external-clusterip"),
        "--from",
        "internet",
        "--to",
        "svc/web:80",
        "--json",
    ]);
    assert_eq!(code(&o), 0);
    let doc = json(&o);
    let outcomes = doc["outcomes"].as_array().unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0]["probability"].as_f64().unwrap(), 1.0);
    assert_eq!(outcomes[0]["verdict"], "dropped");
}

// ------------------------------------------------------------ rules

#[test]
fn rules_prints_the_nodes_kube_proxy_ruleset() {
    for p in presets::PRESETS {
        let file = story(p.id);
        let scenario = model::load(p.yaml).expect("presets load").scenario;
        for node in &scenario.nodes {
            let o = netlab(&["rules", &file, "--node", &node.name]);
            assert_eq!(code(&o), 0, "{} {}: {}", p.id, node.name, stderr(&o));
            let want = iptables::ruleset(&scenario, &node.name)
                .unwrap()
                .to_iptables_restore();
            assert_eq!(stdout(&o), want, "{} {}", p.id, node.name);
            assert!(stdout(&o).contains("*nat\n") && stdout(&o).contains("COMMIT\n"));
        }
    }
}

// ------------------------------------------------------------ whole traces

fn trace_text(id: &str, from: &str, to: &str, seed: &str) -> String {
    let o = netlab(&[
        "trace",
        &story(id),
        "--from",
        from,
        "--to",
        to,
        "--seed",
        seed,
    ]);
    assert!(matches!(code(&o), 0 | 1), "{}", stderr(&o));
    stdout(&o)
}

/// The story's step 2: DNAT on the client's node, routed through the VPC
/// router to the pod's node, answered and reverse-NATed by conntrack.
#[test]
fn snapshot_step_2_pod_to_clusterip() {
    insta::assert_snapshot!(
        "step-2-clusterip",
        trace_text("clusterip", "pod/client", "svc/web:80", "1")
    );
}

/// Step 7: the node's own address with the service port: no rule, no
/// socket, a TCP reset.
#[test]
fn snapshot_step_7_node_address_refused() {
    insta::assert_snapshot!(
        "step-7-nodeport-wrong-port",
        trace_text("nodeport-wrong-port", "10.100.0.10", "10.100.0.3:80", "1")
    );
}

/// Step 9: NodePort, DNATed and masqueraded at the entry node (node-2) to
/// a pod on another node (seed 3 picks web-2 on node-3), the answer back
/// through node-2.
#[test]
fn snapshot_step_9_nodeport() {
    let text = trace_text("nodeport", "10.100.0.10", "10.100.0.3:30080", "3");
    assert!(text.contains("verdict: Delivered to pod/web-2"), "{text}");
    insta::assert_snapshot!("step-9-nodeport", text);
}
