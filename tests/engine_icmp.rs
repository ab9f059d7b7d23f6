//! Ping (ICMP echo) as a spec: scenario + ping in, outcome out. The kernel
//! answers an echo request to any of a device's addresses itself (a pod, a
//! node, a NodePort address: no listener needed); a ClusterIP is virtual
//! and kube-proxy rewrites only its Service's ports, so in iptables mode
//! the ping is routed toward the default gateway and lost, and in nftables
//! mode `cluster-ips-check` rejects it; a load balancer forwards only its
//! Service's ports. Conntrack keeps an `icmp` entry with type, code and id,
//! which the echo reply matches. `netlab kernel-check` confirms every row's
//! kind of request against a real kernel (engine::checks derives pings).

use k8s_netlab::engine::trace::Place;
use k8s_netlab::engine::trace::{Request, Trace, Verdict, World};
use k8s_netlab::linux::netfilter::SeededChooser;
use k8s_netlab::model::{self, Protocol};
use std::path::Path;

use Verdict::{Delivered, Dropped, Rejected};

struct Case {
    name: &'static str,
    /// A preset (`static/scenarios/ID.yaml`).
    preset: &'static str,
    /// kube-proxy's mode (a `KubeProxyConfiguration` document appended).
    mode: &'static str,
    from: &'static str,
    to: &'static str,
    verdict: Verdict,
    /// The device whose kernel answered (`""`: none).
    answered_by: &'static str,
    /// The echo reply's source address as the client sees it (`""`: none).
    reply_from: &'static str,
    /// A piece of the reason (`""`: answered, no reason).
    reason: &'static str,
    /// The connection's conntrack entries, `NODE: ENTRY` (every one).
    conntrack: &'static [&'static str],
}

const IPT: &str = "iptables";
const NFT: &str = "nftables";

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case {
        name: "a pod on another node answers; both nodes track the echo, replied",
        preset: "clusterip", mode: IPT, from: "pod/client", to: "10.0.2.2",
        verdict: Delivered, answered_by: "pod/web-1", reply_from: "10.0.2.2", reason: "",
        conntrack: &[
            "node-1: icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000",
            "node-2: icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000",
        ],
    },
    Case {
        name: "the same in nftables mode: no kube-proxy rule matches a ping to a pod",
        preset: "clusterip", mode: NFT, from: "pod/client", to: "10.0.2.2",
        verdict: Delivered, answered_by: "pod/web-1", reply_from: "10.0.2.2", reason: "",
        conntrack: &[
            "node-1: icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000",
            "node-2: icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000",
        ],
    },
    Case {
        name: "a node answers for its own address (INPUT), no listener needed",
        preset: "clusterip", mode: IPT, from: "pod/client", to: "10.100.0.3",
        verdict: Delivered, answered_by: "node/node-2", reply_from: "10.100.0.3", reason: "",
        conntrack: &[
            "node-1: icmp 1 src=10.0.1.2 dst=10.100.0.3 type=8 code=0 id=40000 src=10.100.0.3 dst=10.0.1.2 type=0 code=0 id=40000",
            "node-2: icmp 1 src=10.0.1.2 dst=10.100.0.3 type=8 code=0 id=40000 src=10.100.0.3 dst=10.0.1.2 type=0 code=0 id=40000",
        ],
    },
    Case {
        name: "iptables: a ClusterIP is virtual; no rule matches ICMP, the router drops it",
        preset: "clusterip", mode: IPT, from: "pod/client", to: "10.3.241.152",
        verdict: Dropped, answered_by: "", reply_from: "",
        reason: "no answer: 10.3.241.152 is a ClusterIP, a virtual address that no device owns; kube-proxy rewrites only its Service's TCP/UDP/SCTP ports, so the ping is routed on like any other packet and lost: router/vpc has no route to 10.3.241.152",
        conntrack: &[
            "node-1: icmp 1 src=10.0.1.2 dst=10.3.241.152 type=8 code=0 id=40000 [UNREPLIED] src=10.3.241.152 dst=10.0.1.2 type=0 code=0 id=40000",
        ],
    },
    Case {
        name: "iptables: the node itself pinging a ClusterIP is no different (OUTPUT)",
        preset: "clusterip", mode: IPT, from: "node/node-1", to: "svc/web",
        verdict: Dropped, answered_by: "", reply_from: "",
        reason: "10.3.241.152 is a ClusterIP",
        conntrack: &[
            "node-1: icmp 1 src=10.100.0.2 dst=10.3.241.152 type=8 code=0 id=40000 [UNREPLIED] src=10.3.241.152 dst=10.100.0.2 type=0 code=0 id=40000",
        ],
    },
    Case {
        name: "nftables: cluster-ips-check rejects anything but the Service's ports (ICMP included)",
        preset: "clusterip", mode: NFT, from: "pod/client", to: "10.3.241.152",
        verdict: Rejected, answered_by: "", reply_from: "",
        reason: "kube-proxy's nftables rules rewrite only its Service's TCP/UDP/SCTP ports and reject everything else sent to it (ping prints Destination Port Unreachable): node-1 reject (icmp port-unreachable) at FORWARD in nftables table ip kube-proxy, chain cluster-ips-check",
        conntrack: &[],
    },
    Case {
        name: "nftables: an unallocated address of the service network is dropped",
        preset: "clusterip", mode: NFT, from: "pod/client", to: "10.3.240.99",
        verdict: Dropped, answered_by: "", reply_from: "",
        reason: "Drop traffic to unallocated ClusterIPs",
        conntrack: &[],
    },
    Case {
        name: "a NodePort node address from a host beside the nodes: the node answers",
        preset: "nodeport", mode: IPT, from: "10.100.0.10", to: "10.100.0.3",
        verdict: Delivered, answered_by: "node/node-2", reply_from: "10.100.0.3", reason: "",
        conntrack: &[
            "node-2: icmp 1 src=10.100.0.10 dst=10.100.0.3 type=8 code=0 id=40000 src=10.100.0.3 dst=10.100.0.10 type=0 code=0 id=40000",
        ],
    },
    Case {
        name: "a load balancer IP: the load balancer forwards only the Service's ports",
        preset: "load-balancer", mode: IPT, from: "internet", to: "198.51.100.10",
        verdict: Dropped, answered_by: "", reply_from: "",
        reason: "forwards only its Service's ports: nothing answers the ping",
        conntrack: &[],
    },
    Case {
        name: "the same in nftables mode",
        preset: "load-balancer", mode: NFT, from: "internet", to: "198.51.100.10",
        verdict: Dropped, answered_by: "", reply_from: "",
        reason: "forwards only its Service's ports",
        conntrack: &[],
    },
];

fn scenario_text(id: &str, mode: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("static/scenarios/{id}.yaml"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    format!(
        "{text}\n---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: {mode}\n"
    )
}

fn ping(preset: &str, mode: &str, from: &str, to: &str) -> Trace {
    let s = model::load(&scenario_text(preset, mode))
        .unwrap_or_else(|e| panic!("{preset}: {e:?}"))
        .scenario;
    let mut world = World::new(s);
    let req = Request::parse(world.scenario(), from, to, Protocol::Icmp)
        .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
    world
        .trace(&req, &mut SeededChooser::from_seed(1))
        .unwrap_or_else(|e| panic!("{from} -> {to}: {e}"))
}

#[test]
fn pings_end_as_the_kernel_ends_them() {
    let mut failures = Vec::new();
    for c in CASES {
        let t = ping(c.preset, c.mode, c.from, c.to);
        let mut bad = Vec::new();
        if t.verdict != c.verdict {
            bad.push(format!("verdict {:?}, want {:?}", t.verdict, c.verdict));
        }
        let answered_by = t.delivered_to.as_deref().unwrap_or("");
        if answered_by != c.answered_by {
            bad.push(format!(
                "answered by {answered_by:?}, want {:?}",
                c.answered_by
            ));
        }
        let reply_from = t
            .reply
            .as_ref()
            .filter(|r| r.verdict == Delivered)
            .and_then(|r| r.client_sees.as_ref())
            .map(|s| s.src.ip().to_string())
            .unwrap_or_default();
        if reply_from != c.reply_from {
            bad.push(format!(
                "echo reply from {reply_from:?}, want {:?}",
                c.reply_from
            ));
        }
        let reason = t.reason.as_ref().map(|r| r.en()).unwrap_or_default();
        if c.reason.is_empty() != reason.is_empty() || !reason.contains(c.reason) {
            bad.push(format!(
                "reason {reason:?}, want it to contain {:?}",
                c.reason
            ));
        }
        let ct: Vec<String> = t
            .conntrack
            .iter()
            .flat_map(|(n, es)| es.iter().map(move |e| format!("{n}: {e}")))
            .collect();
        if ct != c.conntrack {
            bad.push(format!("conntrack {ct:#?}, want {:#?}", c.conntrack));
        }
        // Every hop's packet is ICMP: no rule rewrote it into something else.
        if let Some(h) = t.hops.iter().find(|h| h.after.proto != Protocol::Icmp) {
            bad.push(format!("a hop made it {}: {}", h.after, h.note()));
        }
        if !bad.is_empty() {
            failures.push(format!("{} [{}]:\n  {}", c.name, c.mode, bad.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The echo reply matches the request's entry: on the way back conntrack
/// knows the packet (ESTABLISHED), so the nat table is skipped, and the
/// client gets the answer from the address it pinged.
#[test]
fn the_echo_reply_is_part_of_the_tracked_connection() {
    let t = ping("clusterip", IPT, "pod/client", "10.0.2.2");
    let back: Vec<_> = t
        .hops
        .iter()
        .filter(|h| h.leg == k8s_netlab::engine::trace::Leg::Reply)
        .collect();
    assert!(
        back.iter()
            .any(|h| h.note() == "PREROUTING (state ESTABLISHED): the nat table is skipped"),
        "{:#?}",
        back.iter().map(|h| h.note()).collect::<Vec<_>>()
    );
    let first = &t.hops[0];
    assert_eq!(
        first.before.to_string(),
        "ICMP 10.0.1.2 -> 10.0.2.2 echo request id=40000 ttl=64"
    );
    assert_eq!(
        first.note(),
        "pod/client sends an ICMP echo request (ping) to 10.0.2.2"
    );
    let answer = t
        .hops
        .iter()
        .find(|h| {
            h.leg == k8s_netlab::engine::trace::Leg::Request
                && h.at == Place::Socket
                && h.device == "pod/web-1"
        })
        .expect("the pod's kernel answers");
    assert_eq!(
        answer.note(),
        "pod/web-1's kernel answers the ping itself: an echo request needs no listening socket"
    );
    // Three routers on the way back: node-2, the VPC router, node-1.
    let last = t.hops.last().unwrap();
    assert_eq!(
        last.after.to_string(),
        "ICMP 10.0.2.2 -> 10.0.1.2 echo reply id=40000 ttl=61"
    );
    assert_eq!(
        last.note(),
        "pod/client gets the echo reply from 10.0.2.2: the ping is answered"
    );
}

/// A ping names no port: DST is a bare address or `svc/NAME`; a port is an
/// error that names the destination.
#[test]
fn a_ping_destination_is_a_bare_address() {
    let s = model::load(&scenario_text("clusterip", IPT))
        .unwrap()
        .scenario;
    let ok = Request::parse(&s, "pod/client", "svc/web", Protocol::Icmp).unwrap();
    assert_eq!(ok.to.to_string(), "10.3.241.152:0");
    assert_eq!(ok.to_string(), "ICMP pod/client -> 10.3.241.152");
    for (to, want) in [
        (
            "10.3.241.152:80",
            "destination 10.3.241.152:80: ICMP has no ports; give the bare address (10.3.241.152)",
        ),
        (
            "svc/web:80",
            "destination svc/web:80: ICMP has no ports; ping svc/NAME without :PORT",
        ),
        (
            "web",
            "destination \"web\": expected an IPv4 address or svc/NAME for ICMP",
        ),
        (
            "svc/nope",
            "destination svc/nope: there is no Service default/nope",
        ),
    ] {
        let e = Request::parse(&s, "pod/client", to, Protocol::Icmp).unwrap_err();
        assert_eq!(e.to_string(), want);
    }
}
