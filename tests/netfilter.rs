//! The netfilter evaluator running the rulesets kube-proxy writes
//! (`kube_proxy::iptables::ruleset`) for scenarios, packet by packet, and
//! kube-proxy's own packet-flow vector (`TestInternalExternalMasquerade`)
//! as a data-driven table.

mod common;

use common::{data, load, read};
use k8s_netlab::kube_proxy::iptables::{self, Options};
use k8s_netlab::linux::conntrack::CtState;
use k8s_netlab::linux::netfilter::iptables::{run_hook, Ruleset, TableName};
use k8s_netlab::linux::netfilter::{
    enumerate, Branch, Chooser, ConstChooser, Ctx, Hook, NatAction, Recent, RuleHit,
    ScriptedChooser, SeededChooser, Verdict,
};
use k8s_netlab::linux::packet::Packet;
use k8s_netlab::model::{Protocol, Scenario};
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, SocketAddrV4};

// ------------------------------------------------------------ harness

/// One node's netfilter: its ruleset and its local addresses.
struct NodeNf {
    rules: Ruleset,
    local: Vec<Ipv4Addr>,
}

impl NodeNf {
    fn new(s: &Scenario, name: &str, options: &Options) -> NodeNf {
        let node = s.node(name).unwrap_or_else(|| panic!("no node {name}"));
        NodeNf {
            rules: iptables::ruleset_with(s, name, options).expect("node exists"),
            local: vec![node.internal_ip, node.bridge_ip(), Ipv4Addr::LOCALHOST],
        }
    }

    fn real(s: &Scenario, name: &str) -> NodeNf {
        NodeNf::new(s, name, &Options::default())
    }
}

/// What one node did with one packet over all the hooks it crossed.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    verdict: Verdict,
    dnat: Option<SocketAddrV4>,
    masquerade: bool,
    hooks: Vec<Hook>,
    hits: Vec<RuleHit>,
    /// Per hook crossed.
    evaluated: Vec<usize>,
    /// The mark after PREROUTING/OUTPUT.
    mark_after_first_hook: u32,
}

impl Outcome {
    fn total_evaluated(&self) -> usize {
        self.evaluated.iter().sum()
    }

    fn hit_chains(&self) -> Vec<&str> {
        self.hits.iter().map(|h| h.chain.as_str()).collect()
    }

    fn hit(&self, f: impl Fn(&RuleHit) -> bool) -> Option<&RuleHit> {
        self.hits.iter().find(|h| f(h))
    }
}

/// A packet through one node, as the kernel routes it between hooks:
/// a local process's packet goes OUTPUT -> POSTROUTING (then INPUT when
/// it stays local); an arriving one PREROUTING -> INPUT (for a local
/// destination, after DNAT) or FORWARD -> POSTROUTING. NAT chosen at one
/// hook is applied before the next.
fn through_node(
    n: &NodeNf,
    packet: Packet,
    local_origin: bool,
    state: CtState,
    now: u64,
    recent: &mut Recent,
    chooser: &mut dyn Chooser,
) -> Outcome {
    let ctx = Ctx::new(&n.local, state, now);
    let mut out = Outcome {
        verdict: Verdict::Accept,
        dnat: None,
        masquerade: false,
        hooks: Vec::new(),
        hits: Vec::new(),
        evaluated: Vec::new(),
        mark_after_first_hook: 0,
    };
    let first = if local_origin {
        Hook::Output
    } else {
        Hook::Prerouting
    };
    let mut pkt = packet;
    let mut hooks = vec![first];
    let mut i = 0;
    while i < hooks.len() {
        let hook = hooks[i];
        let mut hook_ctx = ctx;
        if out.dnat.is_some() {
            hook_ctx.ct_nat.dnat = true;
        }
        let r = run_hook(&n.rules, hook, &pkt, &hook_ctx, recent, chooser);
        out.hooks.push(hook);
        out.evaluated.push(r.rules_evaluated);
        out.hits.extend(r.hits.iter().cloned());
        pkt = r.translated();
        match r.nat {
            Some(NatAction::Dnat(to)) => out.dnat = Some(to),
            Some(NatAction::Masquerade { .. }) => out.masquerade = true,
            _ => {}
        }
        if i == 0 {
            out.mark_after_first_hook = pkt.mark;
        }
        if r.verdict != Verdict::Accept {
            out.verdict = r.verdict;
            return out;
        }
        let local_dst = ctx.is_local(pkt.dst_ip());
        match hook {
            Hook::Prerouting if local_dst => hooks.push(Hook::Input),
            Hook::Prerouting => hooks.extend([Hook::Forward, Hook::Postrouting]),
            Hook::Output => hooks.push(Hook::Postrouting),
            Hook::Postrouting if local_origin && local_dst => hooks.push(Hook::Input),
            _ => {}
        }
        i += 1;
    }
    out
}

fn tcp(src: SocketAddrV4, dst: SocketAddrV4) -> Packet {
    Packet::new(Protocol::Tcp, src, dst)
}

fn sock(s: &str) -> SocketAddrV4 {
    s.parse()
        .unwrap_or_else(|_| panic!("bad socket address {s}"))
}

/// Every branch of a connection's first packet through the node.
fn branches(n: &NodeNf, src: &str, dst: &str, local_origin: bool) -> Vec<Branch<Outcome>> {
    let p = tcp(sock(src), sock(dst));
    enumerate(|c| through_node(n, p, local_origin, CtState::New, 0, &mut Recent::new(), c))
}

fn endpoint_set(bs: &[Branch<Outcome>]) -> BTreeSet<String> {
    bs.iter()
        .filter_map(|b| b.value.dnat.map(|d| d.to_string()))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn assert_uniform(bs: &[Branch<Outcome>], n: usize) {
    assert_eq!(bs.len(), n, "{n} branches expected");
    for b in bs {
        assert!(
            (b.probability - 1.0 / n as f64).abs() < 1e-9,
            "{:?} has probability {}",
            b.value.dnat,
            b.probability
        );
    }
    let total: f64 = bs.iter().map(|b| b.probability).sum();
    assert!((total - 1.0).abs() < 1e-12, "total {total}");
}

// ------------------------------------------------------------ scenarios

/// Three nodes as in the story; a client pod on node-1, three web pods
/// (node-2: 10.0.2.2; node-3: 10.0.3.2, 10.0.3.3) listening on 8080.
const BASE: &str = r#"
apiVersion: netlab/v1
kind: Cluster
metadata: {name: story}
spec:
  nodeCIDR: 10.100.0.0/24
  podCIDR: 10.0.0.0/14
  nodePodCIDRMask: 24
  serviceCIDR: 10.3.240.0/20
  nodePortRange: 30000-32767
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec: {podCIDR: 10.0.1.0/24}
status: {addresses: [{type: InternalIP, address: 10.100.0.2}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-2}
spec: {podCIDR: 10.0.2.0/24}
status: {addresses: [{type: InternalIP, address: 10.100.0.3}]}
---
apiVersion: v1
kind: Node
metadata: {name: node-3}
spec: {podCIDR: 10.0.3.0/24}
status: {addresses: [{type: InternalIP, address: 10.100.0.4}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec:
  nodeName: node-1
  containers: [{name: curl, image: curlimages/curl}]
status: {podIP: 10.0.1.2}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web}}
spec:
  nodeName: node-2
  containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
status: {podIP: 10.0.2.2}
---
apiVersion: v1
kind: Pod
metadata: {name: web-2, labels: {app: web}}
spec:
  nodeName: node-3
  containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
status: {podIP: 10.0.3.2}
---
apiVersion: v1
kind: Pod
metadata: {name: web-3, labels: {app: web}}
spec:
  nodeName: node-3
  containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
status: {podIP: 10.0.3.3}
"#;

const WEB_ENDPOINTS: [&str; 3] = ["10.0.2.2:8080", "10.0.3.2:8080", "10.0.3.3:8080"];
const CLUSTER_IP: &str = "10.3.241.152:80";
const CLIENT: &str = "10.0.1.2:40000";
const INTERNET: &str = "203.0.113.10:40000";

fn scenario(service: &str) -> Scenario {
    load(&format!("{BASE}---\n{service}"))
}

fn web(spec_extra: &str) -> Scenario {
    let node_port = if spec_extra.contains("NodePort") || spec_extra.contains("LoadBalancer") {
        ", nodePort: 30080"
    } else {
        ""
    };
    scenario(&format!(
        r#"
apiVersion: v1
kind: Service
metadata: {{name: web}}
spec:
  clusterIP: 10.3.241.152
  selector: {{app: web}}
  ports: [{{name: http, port: 80, targetPort: http{node_port}}}]
{spec_extra}
"#
    ))
}

fn cluster_ip() -> Scenario {
    web("  type: ClusterIP")
}

// ------------------------------------------------------------ tests

#[test]
fn pod_to_cluster_ip_reaches_every_endpoint_with_equal_probability() {
    let s = cluster_ip();
    let n1 = NodeNf::real(&s, "node-1");
    let bs = branches(&n1, CLIENT, CLUSTER_IP, false);
    assert_eq!(endpoint_set(&bs), set(&WEB_ENDPOINTS));
    assert_uniform(&bs, 3);
    for b in &bs {
        let o = &b.value;
        assert_eq!(o.verdict, Verdict::Accept);
        assert_eq!(
            o.hooks,
            [Hook::Prerouting, Hook::Forward, Hook::Postrouting]
        );
        assert!(!o.masquerade, "pod traffic is not masqueraded");
        // The path: PREROUTING -> KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP.
        let nat: Vec<&str> = o
            .hits
            .iter()
            .filter(|h| h.table == TableName::Nat && h.chain != "POSTROUTING")
            .map(|h| h.chain.as_str())
            .take(3)
            .collect();
        assert_eq!(nat[..2], ["PREROUTING", "KUBE-SERVICES"]);
        assert!(nat[2].starts_with("KUBE-SVC-"), "{nat:?}");
        let dnat = o
            .hit(|h| h.effect.to_string().starts_with("DNAT"))
            .expect("a DNAT hit");
        assert!(dnat.chain.starts_with("KUBE-SEP-"));
        assert_eq!(dnat.index, 2);
        assert_eq!(
            dnat.effect.to_string(),
            format!("DNAT to {}", o.dnat.unwrap())
        );
        assert!(dnat
            .rule
            .starts_with(&format!("-A {} -m comment", dnat.chain)));
    }
    // Probabilities are the kernel's: 1/3 rounded to 31 bits.
    let first = &bs[0];
    assert_eq!(first.decisions.len(), 1);
    assert_eq!(first.decisions[0].written, "0.3333333333");
    assert!((first.probability - 715_827_883.0 / 2_147_483_648.0).abs() < 1e-15);
}

#[test]
fn host_process_to_cluster_ip_is_dnated_at_output_and_masqueraded() {
    let s = cluster_ip();
    let n1 = NodeNf::real(&s, "node-1");
    let bs = branches(&n1, "10.100.0.2:40000", CLUSTER_IP, true);
    assert_eq!(endpoint_set(&bs), set(&WEB_ENDPOINTS));
    assert_uniform(&bs, 3);
    for b in &bs {
        assert_eq!(b.value.hooks, [Hook::Output, Hook::Postrouting]);
        // The node's address is outside the cluster CIDR.
        assert!(b.value.masquerade);
        assert_eq!(b.value.mark_after_first_hook, 0x4000);
    }
}

#[test]
fn rules_evaluated_counts_the_traversal() {
    let s = cluster_ip();
    let n1 = NodeNf::real(&s, "node-1");
    let bs = branches(&n1, CLIENT, CLUSTER_IP, false);
    // PREROUTING: the jump, the ClusterIP rule, the masquerade rule of
    // KUBE-SVC, 1..3 ladder rules, the two KUBE-SEP rules.
    let pre: Vec<usize> = bs.iter().map(|b| b.value.evaluated[0]).collect();
    assert_eq!(pre, [6, 7, 8]);
    for b in &bs {
        // FORWARD: 4 jumps + KUBE-FORWARD's 3 rules (the other chains
        // are empty). POSTROUTING: the jump + KUBE-POSTROUTING's RETURN.
        assert_eq!(b.value.evaluated[1..], [7, 2]);
    }
    assert_eq!(bs[2].value.total_evaluated(), 17);
    // A later packet skips nat: FORWARD stops at KUBE-FORWARD's
    // established rule (jump, jump, 3 rules), POSTROUTING has no nat.
    let mut c = ConstChooser(true);
    let o = through_node(
        &n1,
        tcp(sock(CLIENT), sock("10.0.2.2:8080")),
        false,
        CtState::Established,
        0,
        &mut Recent::new(),
        &mut c,
    );
    assert_eq!(o.evaluated, [0, 5, 0]);
}

#[test]
fn hairpin_marks_and_masquerades() {
    let s = cluster_ip();
    let n2 = NodeNf::real(&s, "node-2");
    let bs = branches(&n2, "10.0.2.2:40000", CLUSTER_IP, false);
    assert_eq!(endpoint_set(&bs), set(&WEB_ENDPOINTS));
    for b in &bs {
        let o = &b.value;
        let hairpin = o.dnat == Some(sock("10.0.2.2:8080"));
        assert_eq!(o.masquerade, hairpin, "{:?}", o.dnat);
        if hairpin {
            assert_eq!(o.mark_after_first_hook, 0x4000);
            let mark = o.hit(|h| h.chain == "KUBE-MARK-MASQ").expect("marked");
            assert_eq!(mark.effect.to_string(), "MARK or 0x00004000");
            let sep = o
                .hit(|h| h.chain.starts_with("KUBE-SEP-") && h.index == 1)
                .expect("hairpin rule");
            assert_eq!(sep.effect.to_string(), "jump KUBE-MARK-MASQ");
            assert!(sep.rule.contains("-s 10.0.2.2 -j KUBE-MARK-MASQ"));
            let last = o.hits.last().unwrap();
            assert_eq!(last.chain, "KUBE-POSTROUTING");
            assert_eq!(last.effect.to_string(), "MASQUERADE --random-fully");
        } else {
            assert_eq!(o.mark_after_first_hook, 0);
        }
    }
}

#[test]
fn external_client_to_node_port_is_marked_for_masquerade() {
    let s = web("  type: NodePort");
    let n1 = NodeNf::real(&s, "node-1");
    let bs = branches(&n1, INTERNET, "10.100.0.2:30080", false);
    assert_eq!(endpoint_set(&bs), set(&WEB_ENDPOINTS));
    assert_uniform(&bs, 3);
    for b in &bs {
        let o = &b.value;
        let chains = o.hit_chains();
        assert!(chains.contains(&"KUBE-NODEPORTS"), "{chains:?}");
        assert!(chains.iter().any(|c| c.starts_with("KUBE-EXT-")));
        let tail = o
            .hit(|h| h.effect.to_string() == "jump KUBE-NODEPORTS")
            .expect("the NodePort tail rule");
        assert!(tail.rule.contains("--dst-type LOCAL"));
        assert_eq!(o.mark_after_first_hook, 0x4000);
        assert!(o.masquerade);
        // Forwarded (the destination is now a pod) and accepted by
        // KUBE-FORWARD for its mark.
        assert_eq!(
            o.hooks,
            [Hook::Prerouting, Hook::Forward, Hook::Postrouting]
        );
        assert!(o.hits.iter().any(|h| h.chain == "KUBE-FORWARD"
            && h.effect.to_string() == "ACCEPT"
            && h.rule.contains("--mark 0x00004000/0x00004000")));
    }
    // The same NodePort on another protocol, or another port: no DNAT;
    // the packet is for the node itself.
    let mut c = ConstChooser(true);
    let udp = Packet::new(Protocol::Udp, sock(INTERNET), sock("10.100.0.2:30080"));
    let o = through_node(&n1, udp, false, CtState::New, 0, &mut Recent::new(), &mut c);
    assert_eq!(
        (o.dnat, o.hooks.clone()),
        (None, vec![Hook::Prerouting, Hook::Input])
    );
}

#[test]
fn service_without_endpoints_is_rejected_in_filter() {
    let s = scenario(
        r#"
apiVersion: v1
kind: Service
metadata: {name: empty}
spec:
  type: NodePort
  clusterIP: 10.3.241.200
  selector: {app: nothing}
  ports: [{name: http, port: 80, nodePort: 30090}]
"#,
    );
    let n1 = NodeNf::real(&s, "node-1");
    let mut c = ConstChooser(true);
    let mut go = |src: &str, dst: &str, local: bool| {
        through_node(
            &n1,
            tcp(sock(src), sock(dst)),
            local,
            CtState::New,
            0,
            &mut Recent::new(),
            &mut c,
        )
    };
    // From a pod: forwarded, rejected by filter KUBE-SERVICES.
    let o = go(CLIENT, "10.3.241.200:80", false);
    assert_eq!(o.verdict, Verdict::Reject);
    assert_eq!(o.dnat, None);
    assert_eq!(o.hooks, [Hook::Prerouting, Hook::Forward]);
    let last = o.hits.last().unwrap();
    assert_eq!(
        (last.table.clone(), last.chain.as_str()),
        (
            k8s_netlab::linux::netfilter::TableId::Iptables(TableName::Filter),
            "KUBE-SERVICES"
        )
    );
    assert!(last
        .rule
        .contains("\"default/empty:http has no endpoints\""));
    assert_eq!(last.effect.to_string(), "REJECT with icmp-port-unreachable");
    // From the node itself: filter OUTPUT.
    let o = go("10.100.0.2:40000", "10.3.241.200:80", true);
    assert_eq!(
        (o.verdict, o.hooks.clone()),
        (Verdict::Reject, vec![Hook::Output])
    );
    // Its NodePort: INPUT, KUBE-EXTERNAL-SERVICES.
    let o = go(INTERNET, "10.100.0.2:30090", false);
    assert_eq!(o.verdict, Verdict::Reject);
    assert_eq!(o.hooks, [Hook::Prerouting, Hook::Input]);
    assert_eq!(o.hits.last().unwrap().chain, "KUBE-EXTERNAL-SERVICES");
    // Another port of the ClusterIP is not this Service's: no REJECT.
    let o = go(CLIENT, "10.3.241.200:81", false);
    assert_eq!(o.verdict, Verdict::Accept);
}

#[test]
fn established_packets_skip_nat() {
    let s = cluster_ip();
    let n1 = NodeNf::real(&s, "node-1");
    let mut c = ScriptedChooser::new(vec![]);
    // A later packet still addressed to the ClusterIP (as the node sees
    // it before conntrack translates it): nat does not run, no DNAT, no
    // random draw.
    let o = through_node(
        &n1,
        tcp(sock(CLIENT), sock(CLUSTER_IP)),
        false,
        CtState::Established,
        0,
        &mut Recent::new(),
        &mut c,
    );
    assert_eq!(o.dnat, None);
    assert!(c.decisions().is_empty());
    assert!(o.hits.iter().all(|h| h.table != TableName::Nat));
    assert_eq!(o.verdict, Verdict::Accept);
    let acc = o
        .hit(|h| h.effect.to_string() == "ACCEPT")
        .expect("accepted");
    assert_eq!(acc.chain, "KUBE-FORWARD");
    assert!(acc.rule.contains("--ctstate RELATED,ESTABLISHED"));
}

#[test]
fn local_policy_without_local_endpoints_drops() {
    let s = web("  type: NodePort\n  externalTrafficPolicy: Local");
    // node-1 has no web pod.
    let n1 = NodeNf::real(&s, "node-1");
    let bs = branches(&n1, INTERNET, "10.100.0.2:30080", false);
    assert_eq!(bs.len(), 1);
    let o = &bs[0].value;
    assert_eq!(o.verdict, Verdict::Drop);
    assert_eq!(o.dnat, None);
    let last = o.hits.last().unwrap();
    assert_eq!(last.chain, "KUBE-EXTERNAL-SERVICES");
    assert!(
        last.rule.contains("has no local endpoints"),
        "{}",
        last.rule
    );
    // node-3 has two: only they are chosen, the client's address is kept.
    let n3 = NodeNf::real(&s, "node-3");
    let bs = branches(&n3, INTERNET, "10.100.0.4:30080", false);
    assert_eq!(endpoint_set(&bs), set(&["10.0.3.2:8080", "10.0.3.3:8080"]));
    assert_uniform(&bs, 2);
    assert!(bs.iter().all(|b| !b.value.masquerade));
    assert!(bs.iter().all(|b| b
        .value
        .hit_chains()
        .iter()
        .any(|c| c.starts_with("KUBE-SVL-"))));
    // Pods still reach every endpoint through the NodePort.
    let bs = branches(&n1, CLIENT, "10.100.0.2:30080", false);
    assert_eq!(endpoint_set(&bs), set(&WEB_ENDPOINTS));
}

#[test]
fn load_balancer_source_ranges() {
    let s = web(r#"  type: LoadBalancer
  loadBalancerSourceRanges: [203.0.113.0/24]
status:
  loadBalancer:
    ingress: [{ip: 198.51.100.10}]"#);
    let n1 = NodeNf::real(&s, "node-1");
    let lb = "198.51.100.10:80";
    // Inside the range: the Service, masqueraded.
    let bs = branches(&n1, INTERNET, lb, false);
    assert_eq!(endpoint_set(&bs), set(&WEB_ENDPOINTS));
    assert_uniform(&bs, 3);
    for b in &bs {
        assert!(b.value.masquerade);
        assert!(b
            .value
            .hit_chains()
            .iter()
            .any(|c| c.starts_with("KUBE-FW-")));
    }
    // Outside: KUBE-FW falls through (its last rule only counts), no
    // DNAT, then KUBE-PROXY-FIREWALL drops it in FORWARD.
    let bs = branches(&n1, "192.0.2.7:40000", lb, false);
    assert_eq!(bs.len(), 1);
    let o = &bs[0].value;
    assert_eq!(o.verdict, Verdict::Drop);
    assert_eq!(o.dnat, None);
    let counter = o
        .hit(|h| h.chain.starts_with("KUBE-FW-"))
        .expect("KUBE-FW counter rule");
    assert!(counter
        .rule
        .contains("will be dropped by KUBE-PROXY-FIREWALL"));
    assert_eq!(counter.effect.to_string(), "no target: count and continue");
    let last = o.hits.last().unwrap();
    assert_eq!(
        (last.chain.as_str(), last.effect.to_string().as_str()),
        ("KUBE-PROXY-FIREWALL", "DROP")
    );
    assert_eq!(o.hooks, [Hook::Prerouting, Hook::Forward]);
    // A pod is outside the range too.
    let bs = branches(&n1, CLIENT, lb, false);
    assert_eq!(bs[0].value.verdict, Verdict::Drop);
}

#[test]
fn client_ip_affinity_sticks_until_the_timeout() {
    let timeout = 60;
    let s = web(&format!(
        "  type: ClusterIP\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {{clientIP: {{timeoutSeconds: {timeout}}}}}"
    ));
    let n1 = NodeNf::real(&s, "node-1");
    let p = tcp(sock(CLIENT), sock(CLUSTER_IP));
    let send = |recent: &mut Recent, now: u64, first_choice: bool| {
        let mut c = ConstChooser(first_choice);
        through_node(&n1, p, false, CtState::New, now, recent, &mut c)
    };
    let t0 = 1_000;
    // The first connection takes the first endpoint.
    let mut recent = Recent::new();
    let o = send(&mut recent, t0, true);
    assert_eq!(o.dnat, Some(sock(WEB_ENDPOINTS[0])));
    assert!(o.hits.iter().all(|h| !h.rule.contains("--rcheck")));
    // Ten seconds later, a chooser that would pick the last endpoint is
    // overruled by the rcheck rule.
    let o = send(&mut recent.clone(), t0 + 10, false);
    assert_eq!(o.dnat, Some(sock(WEB_ENDPOINTS[0])));
    let rcheck = o.hit(|h| h.rule.contains("--rcheck")).expect("rcheck hit");
    assert!(rcheck.rule.contains(&format!("--seconds {timeout} --reap")));
    assert!(rcheck.chain.starts_with("KUBE-SVC-"));
    assert_eq!(rcheck.index, 2, "after the masquerade rule");
    // Exactly at the timeout the kernel still matches (inclusive window).
    let o = send(&mut recent.clone(), t0 + timeout, false);
    assert_eq!(o.dnat, Some(sock(WEB_ENDPOINTS[0])));
    // One second later it does not.
    let o = send(&mut recent.clone(), t0 + timeout + 1, false);
    assert_eq!(o.dnat, Some(sock(WEB_ENDPOINTS[2])));
    // Another client is not affected.
    let other = tcp(sock("10.0.1.3:40000"), sock(CLUSTER_IP));
    let mut c = ConstChooser(false);
    let o = through_node(
        &n1,
        other,
        false,
        CtState::New,
        t0 + 10,
        &mut recent,
        &mut c,
    );
    assert_eq!(o.dnat, Some(sock(WEB_ENDPOINTS[2])));
    // The lists are named after the endpoint chains.
    let lists = recent.lists();
    assert_eq!(lists.len(), 2);
    assert!(lists.iter().all(|(n, _)| n.starts_with("KUBE-SEP-")));
}

#[test]
fn seeded_runs_are_reproducible_and_spread() {
    let s = cluster_ip();
    let n1 = NodeNf::real(&s, "node-1");
    let p = tcp(sock(CLIENT), sock(CLUSTER_IP));
    let sample = |seed: u64| -> Vec<Option<SocketAddrV4>> {
        let mut c = SeededChooser::from_seed(seed);
        (0..300)
            .map(|_| through_node(&n1, p, false, CtState::New, 0, &mut Recent::new(), &mut c).dnat)
            .collect()
    };
    let a = sample(9);
    assert_eq!(a, sample(9));
    for ep in WEB_ENDPOINTS {
        let k = a.iter().filter(|d| **d == Some(sock(ep))).count();
        assert!((60..140).contains(&k), "{ep}: {k} of 300");
    }
}

// ------------------------------------------------- kube-proxy's vector

struct Row {
    name: String,
    src: Ipv4Addr,
    dst: SocketAddrV4,
    endpoints: BTreeSet<String>,
    masq: bool,
}

/// The base table of `packetflow_TestInternalExternalMasquerade.txt`:
/// `name | src | dst | dport | output | masq`.
fn vector_rows() -> Vec<Row> {
    let text = read(&data(
        "netfilter/packetflow_TestInternalExternalMasquerade.txt",
    ));
    let mut rows = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(f.len(), 6, "{line}");
        let masq = match f[5].split_whitespace().next() {
            Some("true") => true,
            Some("false") => false,
            other => panic!("masq {other:?} in {line}"),
        };
        rows.push(Row {
            name: f[0].to_string(),
            src: f[1].parse().unwrap(),
            dst: SocketAddrV4::new(f[2].parse().unwrap(), f[3].parse().unwrap()),
            endpoints: f[4].split(',').map(|e| e.trim().to_string()).collect(),
            masq,
        });
    }
    rows
}

fn vector_scenario(masquerade_all: bool) -> Scenario {
    let mut text = read(&data("kube_proxy/fake_proxier.yaml"));
    if masquerade_all {
        let cidr = "clusterCIDR: 10.0.0.0/8\n";
        assert!(text.contains(cidr));
        text = text.replace(cidr, &format!("{cidr}iptables: {{masqueradeAll: true}}\n"));
    }
    text.push_str("\n---\n");
    text.push_str(&read(&data(
        "netfilter/TestInternalExternalMasquerade.yaml",
    )));
    load(&text)
}

fn run_vector(masquerade_all: bool, masq_overrides: &[&str]) {
    let s = vector_scenario(masquerade_all);
    let mut node = NodeNf::new(&s, "test-node", &Options::kube_proxy_tests());
    // The tracer's LOCAL addresses: 127.0.0.1 and the test node IPs.
    node.local = ["192.168.0.2", "192.168.1.2", "192.168.99.11", "127.0.0.1"]
        .iter()
        .map(|a| a.parse().unwrap())
        .collect();
    let rows = vector_rows();
    assert_eq!(rows.len(), 30);
    let mut failures = Vec::new();
    for row in &rows {
        let local_origin = node.local.contains(&row.src);
        let src = SocketAddrV4::new(row.src, 40000).to_string();
        let bs = branches(&node, &src, &row.dst.to_string(), local_origin);
        let got = endpoint_set(&bs);
        let want_masq = row.masq || masq_overrides.contains(&row.name.as_str());
        let masq: BTreeSet<bool> = bs.iter().map(|b| b.value.masquerade).collect();
        let total: f64 = bs.iter().map(|b| b.probability).sum();
        let ok = got == row.endpoints
            && masq == BTreeSet::from([want_masq])
            && bs.iter().all(|b| b.value.verdict == Verdict::Accept)
            && (total - 1.0).abs() < 1e-12
            && bs
                .iter()
                .all(|b| (b.probability - 1.0 / row.endpoints.len() as f64).abs() < 1e-9);
        if !ok {
            failures.push(format!(
                "{}: got {got:?} masq {masq:?}, want {:?} masq {want_masq}",
                row.name, row.endpoints
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn kube_proxy_internal_external_masquerade_base() {
    run_vector(false, &[]);
}

#[test]
fn kube_proxy_internal_external_masquerade_masquerade_all() {
    run_vector(
        true,
        &[
            "pod to ClusterIP",
            "pod to ClusterIP with eTP:Local",
            "pod to ClusterIP with iTP:Local",
        ],
    );
}
