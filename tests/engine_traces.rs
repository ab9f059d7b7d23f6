//! The engine as a spec: scenario + request in, outcome out, in the style
//! of kube-proxy's own packet-flow tests (`runPacketFlowTests`), but over
//! the whole path: routing between nodes, which address MASQUERADE picks,
//! the reply through conntrack, and the load balancer in front.
//!
//! To add a case, add a row to [`CASES`] (one outcome, or a set of possible
//! pods when the outcome is random) or to [`PATHS`] (every outcome with its
//! probability). Scenarios are `static/scenarios/*.yaml` (the story's
//! presets) and `tests/data/engine/*.yaml`. The tests below the tables
//! keep a [`World`] across several connections (session affinity, a node
//! removed mid-connection).

use k8s_netlab::engine::paths::{paths, Outcome};
use k8s_netlab::engine::trace::{Request, Trace, Verdict, World};
use k8s_netlab::linux::netfilter::{ConstChooser, SeededChooser};
use k8s_netlab::model::{self, presets, Protocol};
use std::collections::BTreeSet;
use std::path::Path;

use Verdict::{Delivered, Dropped, Refused, Rejected};
const TCP: Protocol = Protocol::Tcp;
const UDP: Protocol = Protocol::Udp;

/// One request and the one way it ends.
struct Case {
    name: &'static str,
    /// A scenario file, relative to the crate root.
    scenario: &'static str,
    /// The CLI's SRC and DST forms.
    from: &'static str,
    to: &'static str,
    proto: Protocol,
    /// Nodes removed (World::remove_node) before the request.
    remove: &'static [&'static str],
    verdict: Verdict,
    /// `pod/NAME`; several joined by `" | "` when the choice is random (each
    /// must be possible, nothing else); `""` when nothing accepts it.
    delivered_to: &'static str,
    /// The source IP the server's socket sees (`""`: no server; `"*"`: it
    /// depends on the random choice, see [`PATHS`]). Only the address: a
    /// masqueraded connection's port is the kernel's choice.
    server_src: &'static str,
    /// The answer's fate; `None`: there is no answer leg.
    reply: Option<Verdict>,
    /// The source the client sees the answer from (`""`: none reaches it).
    client_sees: &'static str,
    /// A piece of the reason (`""`: it worked both ways, no reason).
    reason: &'static str,
}

const STORY: &str = "static/scenarios";
const CLUSTERIP: &str = "static/scenarios/clusterip.yaml";
const NODEPORT: &str = "static/scenarios/nodeport.yaml";
const TWO_NODES: &str = "tests/data/engine/two-nodes.yaml";
const LB_PASS: &str = "tests/data/engine/lb-passthrough.yaml";
const LB_NODEPORT: &str = "tests/data/engine/lb-nodeport.yaml";
const AFFINITY: &str = "tests/data/engine/affinity.yaml";

#[rustfmt::skip]
const CASES: &[Case] = &[
    // ---- The story (seed/STORY.md), one row per preset.
    Case {
        name: "step 2: pod -> ClusterIP, DNATed on the client's node to a pod on another node",
        scenario: "static/scenarios/clusterip.yaml",
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2",
        server_src: "10.0.1.2", // pod to pod: no masquerade
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    Case {
        name: "step 3: the ClusterIP is not routed outside the cluster",
        scenario: "static/scenarios/external-clusterip.yaml",
        from: "internet", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "router/vpc has no route to 10.3.241.152",
    },
    Case {
        name: "step 4: a static route sends the service network to node-2",
        scenario: "static/scenarios/static-route.yaml",
        from: "internet", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2",
        // Masqueraded (from outside clusterCIDR); the address depends on the
        // pod's node, see PATHS.
        server_src: "*",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    Case {
        name: "step 5: node-2 is gone, the static route points at nothing",
        scenario: "static/scenarios/node-removed.yaml",
        from: "internet", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "",
        reason: "routes 10.3.240.0/20 to node node-2, which no longer exists",
    },
    Case {
        name: "step 5, live: remove the route's node from step 4",
        scenario: "static/scenarios/static-route.yaml",
        from: "internet", to: "svc/web:80", proto: TCP, remove: &["node-2"],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "which no longer exists",
    },
    Case {
        name: "step 6: a load balancer spreads clients over the nodes",
        scenario: "static/scenarios/load-balancer.yaml",
        from: "internet", to: "198.51.100.10:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "*",
        reply: Some(Delivered), client_sees: "198.51.100.10:80", reason: "",
    },
    Case {
        name: "step 7: a node's address with the service port is refused",
        scenario: "static/scenarios/nodeport-wrong-port.yaml",
        from: "10.100.0.10", to: "10.100.0.3:80", proto: TCP, remove: &[],
        verdict: Refused, delivered_to: "", server_src: "",
        // The RST comes back from the node itself.
        reply: Some(Refused), client_sees: "10.100.0.3:80",
        reason: "nothing listens on 80/tcp at node/node-2",
    },
    Case {
        name: "step 9: NodePort, DNATed and masqueraded at the node it entered",
        scenario: "static/scenarios/nodeport.yaml",
        from: "10.100.0.10", to: "10.100.0.3:30080", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "*",
        reply: Some(Delivered), client_sees: "10.100.0.3:30080", reason: "",
    },
    Case {
        name: "step 10: LoadBalancer, externalTrafficPolicy Cluster: any node, source masqueraded",
        scenario: "static/scenarios/lb-traffic-policy.yaml",
        from: "internet", to: "198.51.100.10:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2 | pod/web-3", server_src: "*",
        reply: Some(Delivered), client_sees: "198.51.100.10:80", reason: "",
    },
    // ---- The tutorial's lessons past the story.
    Case {
        name: "lesson: a selector that matches no pod leaves the Service without endpoints",
        scenario: "static/scenarios/no-endpoints.yaml",
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Rejected, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "default/web:http has no endpoints",
    },
    Case {
        name: "lesson: port 80 of the ClusterIP to targetPort 8080",
        scenario: "static/scenarios/ports.yaml",
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    Case {
        name: "lesson: one connection to one of three pods",
        scenario: "static/scenarios/one-pod.yaml",
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2 | pod/web-3", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    Case {
        name: "lesson: NodePort with externalTrafficPolicy Cluster masquerades even to a local pod",
        scenario: "static/scenarios/client-ip.yaml",
        from: "10.100.0.10", to: "10.100.0.3:30080", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1", server_src: "10.0.2.1",
        reply: Some(Delivered), client_sees: "10.100.0.3:30080", reason: "",
    },
    Case {
        name: "lesson: hairpin, a pod to its own Service, masqueraded to its node's bridge",
        scenario: "static/scenarios/hairpin.yaml",
        from: "pod/web-1", to: "svc/web:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1", server_src: "10.0.2.1",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    Case {
        name: "lesson: iptables mode, a ClusterIP on a port the Service lacks is routed away and lost",
        scenario: "static/scenarios/nftables.yaml",
        from: "pod/client", to: "10.3.241.152:8080", proto: TCP, remove: &[],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "router/vpc has no route to 10.3.241.152",
    },
    Case {
        name: "lesson: TCP to the ClusterIP's port, before the ping",
        scenario: "static/scenarios/ping.yaml",
        from: "pod/client", to: "10.3.241.152:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    // ---- ClusterIP.
    Case {
        name: "ClusterIP, backend on the client's node: bridged through br_netfilter, reply un-DNATed",
        scenario: TWO_NODES,
        from: "pod/client", to: "svc/local:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/local-web", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.10:80", reason: "",
    },
    Case {
        name: "ClusterIP, backend on another node",
        scenario: TWO_NODES,
        from: "pod/client", to: "svc/remote:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/remote-web", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.11:80", reason: "",
    },
    Case {
        name: "hairpin: a backend to its own Service is masqueraded to the bridge address",
        scenario: TWO_NODES,
        from: "pod/local-web", to: "svc/local:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/local-web", server_src: "10.0.1.1",
        reply: Some(Delivered), client_sees: "10.3.241.10:80", reason: "",
    },
    Case {
        name: "a node to a ClusterIP: OUTPUT DNAT, source the node's eth0",
        scenario: TWO_NODES,
        from: "node/node-1", to: "svc/remote:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/remote-web", server_src: "10.100.0.2",
        reply: Some(Delivered), client_sees: "10.3.241.11:80", reason: "",
    },
    // A node's own socket takes the source the kernel picks for the
    // destination (before DNAT): 127.0.0.1 toward loopback, the bridge's
    // address toward a pod of its own.
    Case {
        name: "a node to a pod of its own: the socket takes cbr0's address",
        scenario: NODEPORT,
        from: "node/node-2", to: "10.0.2.2:8080", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1", server_src: "10.0.2.1",
        reply: Some(Delivered), client_sees: "10.0.2.2:8080", reason: "",
    },
    Case {
        name: "a node to 127.0.0.1 where nothing listens: refused (from 127.0.0.1, not KUBE-FIREWALL's drop)",
        scenario: CLUSTERIP,
        from: "node/node-1", to: "127.0.0.1:80", proto: TCP, remove: &[],
        verdict: Refused, delivered_to: "", server_src: "",
        reply: Some(Refused), client_sees: "127.0.0.1:80",
        reason: "nothing listens on 80/tcp at node/node-1",
    },
    Case {
        name: "a node's own NodePort on 127.0.0.1: DNAT, then masqueraded to eth0's address",
        scenario: NODEPORT,
        from: "node/node-1", to: "127.0.0.1:30080", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "10.100.0.2",
        reply: Some(Delivered), client_sees: "127.0.0.1:30080", reason: "",
    },
    Case {
        name: "a node's own NodePort without endpoints on 127.0.0.1: over lo to INPUT, REJECT in KUBE-EXTERNAL-SERVICES",
        scenario: TWO_NODES,
        from: "node/node-1", to: "127.0.0.1:30083", proto: TCP, remove: &[],
        verdict: Rejected, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "default/empty:http has no endpoints",
    },
    Case {
        name: "a Service without endpoints: REJECT in filter KUBE-SERVICES",
        scenario: TWO_NODES,
        from: "pod/client", to: "svc/empty:80", proto: TCP, remove: &[],
        verdict: Rejected, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "default/empty:http has no endpoints",
    },
    // ---- NodePort.
    Case {
        name: "NodePort to a pod on the entry node: masqueraded to its cbr0 address",
        scenario: TWO_NODES,
        from: "10.100.0.10", to: "10.100.0.2:30081", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/local-web", server_src: "10.0.1.1",
        reply: Some(Delivered), client_sees: "10.100.0.2:30081", reason: "",
    },
    Case {
        name: "NodePort to a pod on another node: masqueraded to the entry node's eth0",
        scenario: TWO_NODES,
        from: "10.100.0.10", to: "10.100.0.2:30082", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/remote-web", server_src: "10.100.0.2",
        reply: Some(Delivered), client_sees: "10.100.0.2:30082", reason: "",
    },
    Case {
        name: "NodePort from the internet, pod on another node",
        scenario: TWO_NODES,
        from: "internet", to: "10.100.0.2:30082", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/remote-web", server_src: "10.100.0.2",
        reply: Some(Delivered), client_sees: "10.100.0.2:30082", reason: "",
    },
    Case {
        name: "NodePort without endpoints: REJECT in filter KUBE-EXTERNAL-SERVICES",
        scenario: TWO_NODES,
        from: "10.100.0.10", to: "10.100.0.2:30083", proto: TCP, remove: &[],
        verdict: Rejected, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "KUBE-EXTERNAL-SERVICES",
    },
    Case {
        name: "NodePort, one entry node removed: that entry point is gone",
        scenario: NODEPORT,
        from: "10.100.0.10", to: "10.100.0.3:30080", proto: TCP, remove: &["node-2"],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "no host answers for next hop 10.100.0.3",
    },
    Case {
        name: "NodePort, one node removed: another entry point still works, to the pods left",
        scenario: NODEPORT,
        from: "10.100.0.10", to: "10.100.0.2:30080", proto: TCP, remove: &["node-2"],
        verdict: Delivered, delivered_to: "pod/web-2", server_src: "10.100.0.2",
        reply: Some(Delivered), client_sees: "10.100.0.2:30080", reason: "",
    },
    // ---- externalTrafficPolicy Local.
    Case {
        name: "NodePort, Local, node with a local endpoint: the client IP is kept",
        scenario: LB_PASS,
        from: "internet", to: "10.100.0.3:30090", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1", server_src: "203.0.113.10",
        reply: Some(Delivered), client_sees: "10.100.0.3:30090", reason: "",
    },
    Case {
        name: "NodePort, Local, node without local endpoints: dropped",
        scenario: LB_PASS,
        from: "internet", to: "10.100.0.2:30090", proto: TCP, remove: &[],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "default/web-local:http has no local endpoints",
    },
    Case {
        name: "LB passThrough, Local: only nodes with endpoints in the pool, client IP kept",
        scenario: LB_PASS,
        from: "internet", to: "198.51.100.11:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "203.0.113.10",
        reply: Some(Delivered), client_sees: "198.51.100.11:80", reason: "",
    },
    Case {
        name: "LB nodePort style, Local: the LB proxies from its own node-network address",
        scenario: LB_NODEPORT,
        from: "internet", to: "198.51.100.11:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "10.100.0.253",
        reply: Some(Delivered), client_sees: "198.51.100.11:80", reason: "",
    },
    Case {
        name: "LB passThrough, Local, node-3 removed: the pool is node-2 alone",
        scenario: LB_PASS,
        from: "internet", to: "198.51.100.11:80", proto: TCP, remove: &["node-3"],
        verdict: Delivered, delivered_to: "pod/web-1", server_src: "203.0.113.10",
        reply: Some(Delivered), client_sees: "198.51.100.11:80", reason: "",
    },
    // ---- UDP.
    Case {
        name: "UDP to a ClusterIP, named targetPort",
        scenario: TWO_NODES,
        from: "pod/client", to: "svc/dns:53", proto: UDP, remove: &[],
        verdict: Delivered, delivered_to: "pod/dns", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.13:53", reason: "",
    },
    Case {
        name: "UDP to a port nothing listens on: ICMP port unreachable, no answer leg",
        scenario: TWO_NODES,
        from: "pod/client", to: "svc/dns:54", proto: UDP, remove: &[],
        verdict: Refused, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "ICMP port unreachable",
    },
    Case {
        name: "UDP to a TCP-only Service port: no rule matches, nothing routes the ClusterIP",
        scenario: TWO_NODES,
        from: "pod/client", to: "svc/local:80", proto: UDP, remove: &[],
        verdict: Dropped, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "no route to 10.3.241.10",
    },
    // ---- Nodes removed before the connection.
    Case {
        name: "ClusterIP, node-2 removed: only the pod on node-3 is left",
        scenario: CLUSTERIP,
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &["node-2"],
        verdict: Delivered, delivered_to: "pod/web-2", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
    Case {
        name: "ClusterIP, both backends' nodes removed: no endpoints, REJECT",
        scenario: CLUSTERIP,
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &["node-2", "node-3"],
        verdict: Rejected, delivered_to: "", server_src: "",
        reply: None, client_sees: "", reason: "has no endpoints",
    },
    Case {
        name: "session affinity: a single connection behaves as without it",
        scenario: AFFINITY,
        from: "pod/client", to: "svc/sticky:80", proto: TCP, remove: &[],
        verdict: Delivered, delivered_to: "pod/web-1 | pod/web-2", server_src: "10.0.1.2",
        reply: Some(Delivered), client_sees: "10.3.241.152:80", reason: "",
    },
];

/// Every outcome of a request, each with its probability.
struct PathsCase {
    name: &'static str,
    scenario: &'static str,
    from: &'static str,
    to: &'static str,
    proto: Protocol,
    remove: &'static [&'static str],
    outcomes: &'static [Out],
}

/// One outcome: who accepts, what the server sees (`"SRC-IP -> DST"`), and
/// whether the answer reaches the client.
struct Out {
    probability: f64,
    delivered_to: &'static str,
    server_sees: &'static str,
    reply: Verdict,
    client_sees: &'static str,
}

const fn out(
    probability: f64,
    delivered_to: &'static str,
    server_sees: &'static str,
    reply: Verdict,
    client_sees: &'static str,
) -> Out {
    Out {
        probability,
        delivered_to,
        server_sees,
        reply,
        client_sees,
    }
}

const HALF: f64 = 0.5;
const THIRD: f64 = 1.0 / 3.0;
const SIXTH: f64 = 1.0 / 6.0;

#[rustfmt::skip]
const PATHS: &[PathsCase] = &[
    PathsCase {
        name: "two endpoints: 1/2 each",
        scenario: CLUSTERIP,
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &[],
        outcomes: &[
            out(HALF, "pod/web-1", "10.0.1.2 -> 10.0.2.2:8080", Delivered, "10.3.241.152:80"),
            out(HALF, "pod/web-2", "10.0.1.2 -> 10.0.3.2:8080", Delivered, "10.3.241.152:80"),
        ],
    },
    PathsCase {
        name: "three endpoints, named targetPort resolved per pod: 1/3 each",
        scenario: "tests/data/engine/named-ports.yaml",
        from: "pod/client", to: "svc/web:80", proto: TCP, remove: &[],
        outcomes: &[
            out(THIRD, "pod/web-a", "10.0.1.2 -> 10.0.1.3:8080", Delivered, "10.3.241.152:80"),
            out(THIRD, "pod/web-b", "10.0.1.2 -> 10.0.2.2:9090", Delivered, "10.3.241.152:80"),
            out(THIRD, "pod/web-c", "10.0.1.2 -> 10.0.2.3:7070", Delivered, "10.3.241.152:80"),
        ],
    },
    PathsCase {
        name: "step 4: through node-2, masqueraded to node-2's cbr0 or eth0 address",
        scenario: "static/scenarios/static-route.yaml",
        from: "internet", to: "svc/web:80", proto: TCP, remove: &[],
        outcomes: &[
            out(HALF, "pod/web-1", "10.0.2.1 -> 10.0.2.2:8080", Delivered, "10.3.241.152:80"),
            out(HALF, "pod/web-2", "10.100.0.3 -> 10.0.3.2:8080", Delivered, "10.3.241.152:80"),
        ],
    },
    PathsCase {
        name: "step 9: NodePort on node-2",
        scenario: NODEPORT,
        from: "10.100.0.10", to: "10.100.0.3:30080", proto: TCP, remove: &[],
        outcomes: &[
            out(HALF, "pod/web-1", "10.0.2.1 -> 10.0.2.2:8080", Delivered, "10.100.0.3:30080"),
            out(HALF, "pod/web-2", "10.100.0.3 -> 10.0.3.2:8080", Delivered, "10.100.0.3:30080"),
        ],
    },
    PathsCase {
        name: "LB passThrough, Cluster: 3 nodes x 2 endpoints, masqueraded at the entry node",
        scenario: LB_PASS,
        from: "internet", to: "198.51.100.10:80", proto: TCP, remove: &[],
        outcomes: &[
            out(SIXTH, "pod/web-1", "10.100.0.2 -> 10.0.2.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-2", "10.100.0.2 -> 10.0.3.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-1", "10.0.2.1 -> 10.0.2.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-2", "10.100.0.3 -> 10.0.3.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-1", "10.100.0.4 -> 10.0.2.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-2", "10.0.3.1 -> 10.0.3.2:8080", Delivered, "198.51.100.10:80"),
        ],
    },
    PathsCase {
        name: "LB nodePort style, Cluster: the same spread through nodeIP:nodePort",
        scenario: LB_NODEPORT,
        from: "internet", to: "198.51.100.10:80", proto: TCP, remove: &[],
        outcomes: &[
            out(SIXTH, "pod/web-1", "10.100.0.2 -> 10.0.2.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-2", "10.100.0.2 -> 10.0.3.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-1", "10.0.2.1 -> 10.0.2.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-2", "10.100.0.3 -> 10.0.3.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-1", "10.100.0.4 -> 10.0.2.2:8080", Delivered, "198.51.100.10:80"),
            out(SIXTH, "pod/web-2", "10.0.3.1 -> 10.0.3.2:8080", Delivered, "198.51.100.10:80"),
        ],
    },
    PathsCase {
        name: "LB passThrough, Local: node-2 and node-3 in the pool, each to its own pod",
        scenario: LB_PASS,
        from: "internet", to: "198.51.100.11:80", proto: TCP, remove: &[],
        outcomes: &[
            out(HALF, "pod/web-1", "203.0.113.10 -> 10.0.2.2:8080", Delivered, "198.51.100.11:80"),
            out(HALF, "pod/web-2", "203.0.113.10 -> 10.0.3.2:8080", Delivered, "198.51.100.11:80"),
        ],
    },
    PathsCase {
        name: "LB nodePort style, Local: the server sees the LB's own address",
        scenario: LB_NODEPORT,
        from: "internet", to: "198.51.100.11:80", proto: TCP, remove: &[],
        outcomes: &[
            out(HALF, "pod/web-1", "10.100.0.253 -> 10.0.2.2:8080", Delivered, "198.51.100.11:80"),
            out(HALF, "pod/web-2", "10.100.0.253 -> 10.0.3.2:8080", Delivered, "198.51.100.11:80"),
        ],
    },
    PathsCase {
        // kube-proxy runs without a cluster CIDR here, so the external
        // client is DNATed without SNAT. A pod on node-2 answers through
        // node-2, which reverses the DNAT; a pod on node-3 answers the
        // client directly from its own address, and the client resets it.
        name: "no masquerade: the answer takes another path and fails",
        scenario: "tests/data/engine/asymmetric.yaml",
        from: "internet", to: "svc/web:80", proto: TCP, remove: &[],
        outcomes: &[
            out(HALF, "pod/web-1", "203.0.113.10 -> 10.0.2.2:8080", Delivered, "10.3.241.152:80"),
            out(HALF, "pod/web-2", "203.0.113.10 -> 10.0.3.2:8080", Dropped, "10.0.3.2:8080"),
        ],
    },
];

// ------------------------------------------------------------ helpers

fn world(scenario: &str, remove: &[&str]) -> World {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let loaded = model::load(&text).unwrap_or_else(|e| panic!("{scenario}:\n{e}"));
    let mut w = World::new(loaded.scenario);
    for n in remove {
        w.remove_node(n)
            .unwrap_or_else(|| panic!("{scenario}: no node {n} to remove"));
    }
    w
}

fn request(w: &World, from: &str, to: &str, proto: Protocol) -> Request {
    Request::parse(w.scenario(), from, to, proto).unwrap_or_else(|e| panic!("{from} -> {to}: {e}"))
}

fn summary(t: &Trace) -> String {
    format!(
        "{:?} to {:?}, server sees {:?}, reply {:?}, reason {:?}",
        t.verdict,
        t.delivered_to,
        t.server_sees.map(|s| format!("{} -> {}", s.src, s.dst)),
        t.reply
            .as_ref()
            .map(|r| (r.verdict, r.client_sees.as_ref().map(|c| c.src))),
        t.reason
    )
}

/// Checks one trace against a case, except `delivered_to` (checked over all
/// outcomes by the caller).
fn check_trace(c: &Case, t: &Trace) -> Result<(), String> {
    let mut errs = Vec::new();
    if t.verdict != c.verdict {
        errs.push(format!("verdict {:?}, want {:?}", t.verdict, c.verdict));
    }
    match (&t.server_sees, c.server_src) {
        (None, "") => {}
        (Some(_), "*") => {}
        (Some(s), want) if s.src.ip().to_string() == want => {}
        (got, want) => errs.push(format!("server sees {got:?}, want src {want:?}")),
    }
    let reply = t.reply.as_ref().map(|r| r.verdict);
    if reply != c.reply {
        errs.push(format!("reply {reply:?}, want {:?}", c.reply));
    }
    let seen = t
        .reply
        .as_ref()
        .and_then(|r| r.client_sees.as_ref())
        .map(|s| s.src.to_string())
        .unwrap_or_default();
    if seen != c.client_sees {
        errs.push(format!("client sees {seen:?}, want {:?}", c.client_sees));
    }
    match (t.reason.as_ref().map(|r| r.en()), c.reason) {
        (None, "") => {}
        (Some(r), want) if !want.is_empty() && r.contains(want) => {}
        (got, want) => errs.push(format!("reason {got:?}, want one containing {want:?}")),
    }
    if t.succeeded() != c.reason.is_empty() {
        errs.push(format!(
            "succeeded() is {}, but the case says it {}",
            t.succeeded(),
            if c.reason.is_empty() {
                "works"
            } else {
                "fails"
            }
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join("; "))
    }
}

/// Runs a case: every outcome `paths` finds must match it, and together
/// they reach exactly the pods listed; a seeded trace must be one of them.
fn run_case(c: &Case) -> Result<(), String> {
    let w = world(c.scenario, c.remove);
    let req = request(&w, c.from, c.to, c.proto);
    let outcomes = paths(&w, &req).map_err(|e| e.to_string())?;
    let total: f64 = outcomes.iter().map(|o| o.probability).sum();
    if (total - 1.0).abs() > 1e-9 {
        return Err(format!("probabilities sum to {total}"));
    }
    for o in &outcomes {
        check_trace(c, &o.trace).map_err(|e| format!("{e}\n    outcome: {}", summary(&o.trace)))?;
    }
    let got: BTreeSet<String> = outcomes
        .iter()
        .filter_map(|o| o.trace.delivered_to.clone())
        .collect();
    let want: BTreeSet<String> = c
        .delivered_to
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if got != want {
        return Err(format!("delivered to {got:?}, want {want:?}"));
    }
    for seed in 1..=3 {
        let mut w = w.clone();
        let t = w
            .trace(&req, &mut SeededChooser::from_seed(seed))
            .map_err(|e| e.to_string())?;
        check_trace(c, &t).map_err(|e| format!("seed {seed}: {e}"))?;
        if !want.is_empty() && !t.delivered_to.as_ref().is_some_and(|d| want.contains(d)) {
            return Err(format!("seed {seed}: delivered to {:?}", t.delivered_to));
        }
    }
    Ok(())
}

fn outcome_matches(o: &Outcome, want: &Out) -> bool {
    let seen = o
        .trace
        .server_sees
        .map(|s| format!("{} -> {}", s.src.ip(), s.dst))
        .unwrap_or_default();
    let client = o
        .trace
        .reply
        .as_ref()
        .and_then(|r| r.client_sees.as_ref())
        .map(|c| c.src.to_string())
        .unwrap_or_default();
    o.trace.delivered_to.as_deref() == Some(want.delivered_to)
        && seen == want.server_sees
        && o.trace.reply.as_ref().map(|r| r.verdict) == Some(want.reply)
        && client == want.client_sees
        && (o.probability - want.probability).abs() < 1e-9
}

fn run_paths_case(c: &PathsCase) -> Result<(), String> {
    let w = world(c.scenario, c.remove);
    let req = request(&w, c.from, c.to, c.proto);
    let outcomes = paths(&w, &req).map_err(|e| e.to_string())?;
    let listing = || {
        outcomes
            .iter()
            .map(|o| format!("    {:.6} {}", o.probability, summary(&o.trace)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let total: f64 = outcomes.iter().map(|o| o.probability).sum();
    if (total - 1.0).abs() > 1e-9 {
        return Err(format!("probabilities sum to {total}\n{}", listing()));
    }
    if outcomes.len() != c.outcomes.len() {
        return Err(format!(
            "{} outcomes, want {}\n{}",
            outcomes.len(),
            c.outcomes.len(),
            listing()
        ));
    }
    for want in c.outcomes {
        if !outcomes.iter().any(|o| outcome_matches(o, want)) {
            return Err(format!(
                "no outcome {:.6} {} {} {:?} {}\n{}",
                want.probability,
                want.delivered_to,
                want.server_sees,
                want.reply,
                want.client_sees,
                listing()
            ));
        }
    }
    Ok(())
}

// ------------------------------------------------------------ the tables

#[test]
fn cases() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|c| run_case(c).err().map(|e| format!("{}:\n    {e}", c.name)))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn paths_cases() {
    let failures: Vec<String> = PATHS
        .iter()
        .filter_map(|c| {
            run_paths_case(c)
                .err()
                .map(|e| format!("{}:\n    {e}", c.name))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_story_preset_has_a_case() {
    for p in presets::PRESETS {
        let file = format!("{STORY}/{}.yaml", p.id);
        assert!(
            CASES.iter().any(|c| c.scenario == file
                && c.from == p.from
                && c.to == p.to
                && c.remove.is_empty()),
            "preset {} (step {}: {} -> {}) has no row in CASES",
            p.id,
            p.step,
            p.from,
            p.to
        );
    }
}

// ------------------------------------------------------------ state across connections

/// ClientIP affinity: `-m recent --rcheck --seconds 60 --reap` in KUBE-SVC
/// sends a client back to the endpoint it had, whatever the statistic
/// rules would say, until 60 s pass without a connection.
#[test]
fn session_affinity_sticks_until_the_timeout() {
    let mut w = world(AFFINITY, &[]);
    let req = request(&w, "pod/client", "svc/sticky:80", TCP);
    // First connection: the ladder's first endpoint.
    let first = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(first.delivered_to.as_deref(), Some("pod/web-1"));
    // Later ones would take the last endpoint by statistic, but stick.
    for step in 1..=4 {
        w.now += 30;
        let t = w.trace(&req, &mut ConstChooser(false)).unwrap();
        assert_eq!(
            t.delivered_to.as_deref(),
            Some("pod/web-1"),
            "connection {step} at {}s: {}",
            w.now,
            summary(&t)
        );
        assert!(t.succeeded());
    }
    // Any seed sticks too.
    for seed in 0..8 {
        let t = w.trace(&req, &mut SeededChooser::from_seed(seed)).unwrap();
        assert_eq!(t.delivered_to.as_deref(), Some("pod/web-1"), "seed {seed}");
    }
    // Another client is not bound by it.
    let other = request(&w, "pod/other-client", "svc/sticky:80", TCP);
    let t = w.trace(&other, &mut ConstChooser(false)).unwrap();
    assert_eq!(t.delivered_to.as_deref(), Some("pod/web-2"));
    // 60 s is still within the timeout; 61 s after the last one is not.
    w.now += 60;
    let t = w.trace(&req, &mut ConstChooser(false)).unwrap();
    assert_eq!(
        t.delivered_to.as_deref(),
        Some("pod/web-1"),
        "at exactly 60 s"
    );
    w.now += 61;
    let t = w.trace(&req, &mut ConstChooser(false)).unwrap();
    assert_eq!(
        t.delivered_to.as_deref(),
        Some("pod/web-2"),
        "after the timeout the statistic rules decide again"
    );
    // And the new choice sticks in turn.
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(t.delivered_to.as_deref(), Some("pod/web-2"));
}

/// "Send N" is one client's burst of new connections: without affinity
/// they spread over the endpoints, with ClientIP affinity every one goes
/// where the first went (the exact probabilities beside them are a first
/// connection's either way).
#[test]
fn send_n_keeps_session_affinity_across_its_connections() {
    use k8s_netlab::engine::paths::{sample, Ending};
    let pods = |file: &str, svc: &str| {
        let w = world(file, &[]);
        let s = sample(&w, &request(&w, "pod/client", svc, TCP), 200, 7).unwrap();
        let hit: Vec<(String, u32)> = s
            .outcomes
            .iter()
            .filter(|r| r.count > 0)
            .map(|r| match &r.label {
                Ending::At(d) => (d.clone(), r.count),
                other => panic!("{svc}: {other:?}"),
            })
            .collect();
        (
            hit,
            s.outcomes.iter().filter(|r| r.probability > 0.0).count(),
        )
    };
    let (sticky, branches) = pods(AFFINITY, "svc/sticky:80");
    assert_eq!(sticky.len(), 1, "all 200 to one pod: {sticky:?}");
    assert_eq!(sticky[0].1, 200);
    assert!(branches >= 2, "a first connection may go to either");
    let (plain, _) = pods("static/scenarios/clusterip.yaml", "svc/web:80");
    assert!(plain.len() >= 2, "without affinity they spread: {plain:?}");
}

fn has_entry(w: &World, node: &str, proto: &str, backend: &str) -> bool {
    w.conntrack(node)
        .iter()
        .any(|e| e.starts_with(proto) && e.contains(backend))
}

/// A node goes away while a TCP connection through it is open: kube-proxy
/// leaves TCP conntrack entries alone, so the client's node still maps the
/// connection to the gone pod; a new connection is new and takes the
/// pod that is left.
#[test]
fn a_node_removed_during_a_tcp_connection() {
    let mut w = world(CLUSTERIP, &[]);
    let req = request(&w, "pod/client", "svc/web:80", TCP);
    let first = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(first.delivered_to.as_deref(), Some("pod/web-1"));
    assert!(first.succeeded());
    let old_port = first.server_sees.unwrap().src.port();
    assert!(has_entry(
        &w,
        "node-1",
        "tcp",
        "src=10.0.2.2 dst=10.0.1.2 sport=8080"
    ));
    assert!(!w.conntrack("node-2").is_empty());

    let removal = w.remove_node("node-2").unwrap();
    assert_eq!(removal.pods, ["default/web-1"]);
    assert!(
        w.conntrack("node-2").is_empty(),
        "node-2's table went with it"
    );
    // The stale entry stays on the client's node, pointing at the gone pod.
    let stale: Vec<String> = w
        .conntrack("node-1")
        .into_iter()
        .filter(|e| e.contains(&format!("sport={old_port} dport=80")))
        .collect();
    assert_eq!(stale.len(), 1, "{:?}", w.conntrack("node-1"));
    assert!(
        stale[0].contains("src=10.0.2.2 dst=10.0.1.2 sport=8080"),
        "{stale:?}"
    );

    // The next connection has a new source port: conntrack sees a new flow,
    // the rules (now one endpoint) choose web-2, whatever the chooser says.
    let second = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_ne!(second.server_sees.unwrap().src.port(), old_port);
    assert_eq!(second.delivered_to.as_deref(), Some("pod/web-2"));
    assert!(second.succeeded(), "{}", summary(&second));
    assert!(has_entry(&w, "node-1", "tcp", "src=10.0.3.2"));
    assert!(
        has_entry(&w, "node-1", "tcp", "src=10.0.2.2"),
        "the stale TCP entry is still there"
    );
}

/// The same for UDP: kube-proxy clears UDP entries to endpoints that went
/// away, so nothing stale remains.
#[test]
fn a_node_removed_during_a_udp_flow() {
    let mut w = world(TWO_NODES, &[]);
    let req = request(&w, "pod/client", "svc/dns:53", UDP);
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert!(t.succeeded(), "{}", summary(&t));
    assert!(has_entry(&w, "node-1", "udp", "src=10.0.2.3"));
    w.remove_node("node-2").unwrap();
    assert!(
        !has_entry(&w, "node-1", "udp", "src=10.0.2.3"),
        "{:?}",
        w.conntrack("node-1")
    );
    // With its only endpoint gone the Service rejects.
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(t.verdict, Rejected, "{}", summary(&t));
}

/// A trace leaves the connection in each node's conntrack table it
/// crossed, with the NAT it got: the story's step 2. SYN and SYN-ACK were
/// seen, so the entries are SYN_RECV, not yet ESTABLISHED or ASSURED.
#[test]
fn conntrack_entries_of_a_cross_node_connection() {
    let mut w = world(CLUSTERIP, &[]);
    let req = request(&w, "pod/client", "svc/web:80", TCP);
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(
        t.conntrack.get("node-1").map(Vec::as_slice),
        Some(&["tcp 6 SYN_RECV src=10.0.1.2 dst=10.3.241.152 sport=40000 dport=80 src=10.0.2.2 dst=10.0.1.2 sport=8080 dport=40000".to_string()][..])
    );
    assert_eq!(
        t.conntrack.get("node-2").map(Vec::as_slice),
        Some(&["tcp 6 SYN_RECV src=10.0.1.2 dst=10.0.2.2 sport=40000 dport=8080 src=10.0.2.2 dst=10.0.1.2 sport=8080 dport=40000".to_string()][..])
    );
    assert!(!t.conntrack.contains_key("node-3"));
}

/// A TCP RST that is a connection's first answer makes the kernel delete
/// the conntrack entry at once (nf_conntrack_proto_tcp: "if only reply is
/// a RST ... delete the conntrack immediately"): a refused connection
/// leaves nothing in `conntrack -L`, on the refusing node or on the way.
#[test]
fn a_refused_connection_leaves_no_conntrack_entry() {
    let mut w = world("static/scenarios/nodeport-wrong-port.yaml", &[]);
    let req = request(&w, "10.100.0.10", "10.100.0.3:80", TCP);
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(t.verdict, Refused);
    assert!(t.conntrack.is_empty(), "{:?}", t.conntrack);
    assert!(w.conntrack("node-2").is_empty());

    // Refused by a pod behind a ClusterIP on another node: the RST is
    // reverse-NATed on its way, then both nodes forget the connection.
    let mut w = world(TWO_NODES, &[]);
    let req = request(&w, "pod/client", "10.3.241.11:80", TCP);
    let ok = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert!(ok.succeeded());
    let before = (w.conntrack("node-1").len(), w.conntrack("node-2").len());
    let req = request(&w, "pod/client", "10.0.2.2:9999", TCP);
    let t = w.trace(&req, &mut ConstChooser(true)).unwrap();
    assert_eq!(t.verdict, Refused);
    assert_eq!(
        t.reply
            .as_ref()
            .and_then(|r| r.client_sees.as_ref())
            .map(|c| c.src.to_string()),
        Some("10.0.2.2:9999".to_string())
    );
    assert!(t.conntrack.is_empty(), "{:?}", t.conntrack);
    // The earlier, answered connection is still tracked.
    assert_eq!(
        (w.conntrack("node-1").len(), w.conntrack("node-2").len()),
        before
    );
}

#[test]
fn a_fresh_copy_of_a_used_world_traces_as_a_new_one() {
    // World::fresh keeps the topology and the rulesets built by earlier
    // traces (the playground reuses them across undo and redo); a trace in
    // it must equal one in a world built anew, whatever ran before.
    for c in CASES {
        let mut used = world(c.scenario, c.remove);
        for other in CASES
            .iter()
            .filter(|o| o.scenario == c.scenario && o.remove == c.remove)
        {
            if let Ok(req) = Request::parse(used.scenario(), other.from, other.to, other.proto) {
                for seed in [7, 8] {
                    let _ = used.trace(&req, &mut SeededChooser::from_seed(seed));
                }
            }
        }
        let mut new = world(c.scenario, c.remove);
        let req = request(&new, c.from, c.to, c.proto);
        let want = new.trace(&req, &mut SeededChooser::from_seed(1)).unwrap();
        let mut fresh = used.fresh();
        let got = fresh.trace(&req, &mut SeededChooser::from_seed(1)).unwrap();
        assert_eq!(got, want, "{}", c.name);
        let again = fresh
            .fresh()
            .trace(&req, &mut SeededChooser::from_seed(1))
            .unwrap();
        assert_eq!(again, want, "{}: a fresh copy of a fresh copy", c.name);
        for n in &new.scenario().nodes.clone() {
            assert_eq!(
                fresh.ruleset(&n.name),
                new.ruleset(&n.name),
                "{}: ruleset of {}",
                c.name,
                n.name
            );
        }
    }
}
