//! `netlab trace --proto icmp` (docs/cli.md): a ping to a bare address,
//! its text (snapshot), its JSON (ICMP packets without ports, the echo's
//! id), the exit code of an unanswered ping, and a port refused by name.

mod common;

use common::{code, json, netlab, root, stderr, stdout};

fn preset(id: &str) -> String {
    root(&format!("static/scenarios/{id}.yaml"))
        .to_str()
        .unwrap()
        .to_string()
}

/// The story's cluster: pod/client pings pod/web-1 on node-2, whose kernel
/// answers; conntrack tracks it as an `icmp` entry on both nodes.
#[test]
fn snapshot_a_ping_to_a_pod() {
    let f = preset("clusterip");
    let o = netlab(&[
        "trace",
        &f,
        "--from",
        "pod/client",
        "--to",
        "10.0.2.2",
        "--proto",
        "icmp",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("reply: Delivered, the client sees it from 10.0.2.2\n"));
    insta::assert_snapshot!("ping-pod", text);
}

#[test]
fn a_ping_to_a_cluster_ip_is_unanswered_and_says_why() {
    let f = preset("clusterip");
    let o = netlab(&[
        "trace",
        &f,
        "--from",
        "pod/client",
        "--to",
        "svc/web",
        "--proto",
        "icmp",
        "--json",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["request"], "ICMP pod/client -> 10.3.241.152");
    assert_eq!(j["verdict"], "dropped");
    let reason = j["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("no answer: 10.3.241.152 is a ClusterIP, a virtual address"),
        "{reason}"
    );
    let first = &j["hops"][0]["before"];
    assert_eq!(first["proto"], "icmp");
    assert_eq!(first["src"], "10.0.1.2");
    assert_eq!(first["dst"], "10.3.241.152");
    assert_eq!(first["icmp"], "echo request");
    assert_eq!(first["id"], 40000);
    assert_eq!(
        j["conntrack"]["node-1"][0],
        "icmp 1 src=10.0.1.2 dst=10.3.241.152 type=8 code=0 id=40000 [UNREPLIED] src=10.3.241.152 dst=10.0.1.2 type=0 code=0 id=40000"
    );
}

#[test]
fn a_port_with_icmp_is_refused_by_name() {
    let f = preset("clusterip");
    for (to, want) in [
        (
            "10.3.241.152:80",
            "error: destination 10.3.241.152:80: ICMP has no ports; give the bare address (10.3.241.152)\n",
        ),
        (
            "svc/web:80",
            "error: destination svc/web:80: ICMP has no ports; ping svc/NAME without :PORT\n",
        ),
    ] {
        let o = netlab(&[
            "trace", &f, "--from", "pod/client", "--to", to, "--proto", "icmp",
        ]);
        assert_eq!(code(&o), 2);
        assert_eq!(stderr(&o), want);
    }
    // And a bare address without --proto icmp is still an error.
    let o = netlab(&["trace", &f, "--from", "pod/client", "--to", "10.0.2.2"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("expected IP:PORT"), "{}", stderr(&o));
}
