//! kube-proxy's iptables backend against kube-proxy's own test vectors
//! (tests/data/kube_proxy/iptables_*.txt, copied from
//! `pkg/proxy/iptables/proxier_test.go`), restated as scenarios, and
//! snapshots of the rulesets of the story's scenarios.

mod common;

use common::{load, read};
use k8s_netlab::kube_proxy::iptables::{self, Options};
use k8s_netlab::kube_proxy::{service_ports, Error};
use k8s_netlab::linux::netfilter::iptables::Ruleset;
use k8s_netlab::linux::netfilter::iptables::{
    ChainOrigin, Match, RecentMode, Rule, Table, TableName, Target,
};
use k8s_netlab::model::{self, Scenario};
use pretty_assertions::assert_eq;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    common::data("kube_proxy").join(name)
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

/// A vector's expected dump: the file without its `#` header.
fn expected(vector: &str) -> String {
    let mut out = String::new();
    for line in read(&data(vector)).lines() {
        if !line.starts_with('#') && !line.trim().is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn test_node_rules(s: &Scenario) -> Ruleset {
    iptables::ruleset_with(s, "test-node", &Options::kube_proxy_tests()).expect("test-node exists")
}

/// Two whole texts are the same (a line diff when not).
fn assert_text_eq(got: &str, want: &str) {
    assert_eq!(got, want, "generated rules differ from the vector");
}

// ---------------------------------------------------------------- vectors

/// One of kube-proxy's vectors: the scenario (the fake proxier's cluster
/// plus `files`), the rules of an earlier sync whose chains the full
/// resync deletes (`previous`, empty for none), and the expected dump.
struct Vector {
    files: &'static [&'static str],
    previous: &'static [&'static str],
    expected: &'static str,
}

/// To add a vector: the Go test's objects as YAML under
/// tests/data/kube_proxy/, its expected dump as `iptables_*.txt`, a row here.
const VECTORS: &[Vector] = &[
    Vector {
        files: &["TestBadIPs.yaml"],
        previous: &[],
        expected: "iptables_TestBadIPs_lb_sourceranges_cluster.txt",
    },
    Vector {
        files: &["TestSyncProxyRulesRepeated_1.yaml"],
        previous: &[],
        expected: "iptables_TestSyncProxyRulesRepeated_1_initial_clusterip.txt",
    },
    Vector {
        files: &["TestSyncProxyRulesRepeated_3.yaml"],
        previous: &[
            "TestSyncProxyRulesRepeated_3.yaml",
            "TestSyncProxyRulesRepeated_3_previous.yaml",
        ],
        expected: "iptables_TestSyncProxyRulesRepeated_3_full_resync_two_endpoints.txt",
    },
    Vector {
        files: &["TestOverallIPTablesRules.yaml"],
        previous: &[],
        expected: "iptables_TestOverallIPTablesRules.txt",
    },
];

/// The rules the vector's scenario gives on `test-node`, after deleting
/// the chains of the earlier sync that are gone.
fn generate(v: &Vector) -> Ruleset {
    let mut now = test_node_rules(&fake_cluster(v.files));
    if !v.previous.is_empty() {
        let previous = test_node_rules(&fake_cluster(v.previous));
        iptables::delete_stale_chains(&mut now, &previous);
    }
    now
}

#[test]
fn vectors_are_generated_line_for_line() {
    for v in VECTORS {
        assert_eq!(
            generate(v).to_iptables_restore(),
            expected(v.expected),
            "{}",
            v.expected
        );
    }
}

#[test]
fn vectors_parse_back_to_the_same_rules() {
    for v in VECTORS {
        let text = expected(v.expected);
        let parsed =
            Ruleset::from_iptables_restore(&text).unwrap_or_else(|e| panic!("{}: {e}", v.expected));
        assert_eq!(parsed.to_iptables_restore(), text, "{}", v.expected);
        // Structurally equal to what the generator built, chain by chain.
        let built = generate(v);
        for table in [TableName::Filter, TableName::Nat] {
            let p = parsed.table(table).unwrap();
            let b = built.table(table).unwrap();
            assert_eq!(deleted(p), deleted(b), "{} {table}", v.expected);
            let restore: Vec<_> = b
                .chains
                .iter()
                .filter(|c| c.origin == ChainOrigin::Restore)
                .collect();
            assert_eq!(p.chains.len(), restore.len(), "{} {table}", v.expected);
            for c in restore {
                assert_eq!(
                    p.chain(&c.name).map(|x| &x.rules),
                    Some(&c.rules),
                    "{} {table} {}",
                    v.expected,
                    c.name
                );
            }
        }
    }
    // The stale-chain vector's deletions, by name.
    let text = expected("iptables_TestSyncProxyRulesRepeated_3_full_resync_two_endpoints.txt");
    let parsed = Ruleset::from_iptables_restore(&text).unwrap();
    assert_eq!(
        deleted(parsed.table(TableName::Nat).unwrap()),
        ["KUBE-SEP-AYCN5HPXMIRJNJXU", "KUBE-SVC-4SW47YFZTEDKD3PK"]
    );
}

/// The names of the chains a table's restore deletes, in order.
fn deleted(t: &Table) -> Vec<&str> {
    t.deleted.iter().map(|d| d.name.as_str()).collect()
}

// ------------------------------------------------------------ hash facts

#[test]
fn chain_names_are_kube_proxys_hashes() {
    assert_eq!(
        iptables::port_proto_hash("ns1/svc1:p80", "tcp"),
        "XPGD46QRK7WJZT7O"
    );
    assert_eq!(
        iptables::endpoint_chain("ns1/svc1:p80", model::Protocol::Tcp, "10.180.0.1:80"),
        "KUBE-SEP-SXIVWICOYRO3J4NJ"
    );
    // And the generator uses them: TestBadIPs's ns1/svc1:p80.
    let rs = test_node_rules(&fake_cluster(&["TestBadIPs.yaml"]));
    for c in [
        "KUBE-SVC-XPGD46QRK7WJZT7O",
        "KUBE-EXT-XPGD46QRK7WJZT7O",
        "KUBE-FW-XPGD46QRK7WJZT7O",
        "KUBE-SEP-SXIVWICOYRO3J4NJ",
    ] {
        assert!(rs.chain(TableName::Nat, c).is_some(), "{c}");
    }
}

// ------------------------------------------------------ real node options

#[test]
fn a_real_node_gets_the_padded_mark_and_random_fully() {
    let s = fake_cluster(&["TestSyncProxyRulesRepeated_1.yaml"]);
    let text = iptables::ruleset(&s, "test-node")
        .unwrap()
        .to_iptables_restore();
    assert!(text.contains("-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000\n"));
    assert!(text.contains("-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN\n"));
    assert!(text.contains("-j MASQUERADE --random-fully\n"));
    // Apart from those spellings, the same as the tests' form.
    let tests_form = test_node_rules(&s).to_iptables_restore();
    let normalised = text
        .replace("0x00004000", "0x4000")
        .replace(" --random-fully", "");
    assert_text_eq(&normalised, &tests_form);
}

#[test]
fn unknown_node_is_an_error() {
    let s = fake_cluster(&["TestSyncProxyRulesRepeated_1.yaml"]);
    assert_eq!(
        iptables::ruleset(&s, "node-9"),
        Err(Error::UnknownNode("node-9".into()))
    );
}

#[test]
fn builtin_chains_jump_into_kube_proxys_chains() {
    let rs = test_node_rules(&fake_cluster(&["TestSyncProxyRulesRepeated_1.yaml"]));
    let jumps = |t, c| -> Vec<String> {
        rs.chain(t, c)
            .unwrap()
            .rules
            .iter()
            .map(|r| match &r.target {
                Some(Target::Jump(j)) => j.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(jumps(TableName::Nat, "PREROUTING"), ["KUBE-SERVICES"]);
    assert_eq!(jumps(TableName::Nat, "OUTPUT"), ["KUBE-SERVICES"]);
    assert_eq!(jumps(TableName::Nat, "POSTROUTING"), ["KUBE-POSTROUTING"]);
    assert_eq!(
        jumps(TableName::Filter, "INPUT"),
        [
            "KUBE-PROXY-FIREWALL",
            "KUBE-NODEPORTS",
            "KUBE-EXTERNAL-SERVICES",
            "KUBE-FIREWALL"
        ]
    );
    assert_eq!(
        jumps(TableName::Filter, "FORWARD"),
        [
            "KUBE-PROXY-FIREWALL",
            "KUBE-FORWARD",
            "KUBE-SERVICES",
            "KUBE-EXTERNAL-SERVICES"
        ]
    );
    assert_eq!(
        jumps(TableName::Filter, "OUTPUT"),
        ["KUBE-PROXY-FIREWALL", "KUBE-SERVICES", "KUBE-FIREWALL"]
    );
    // Not part of the restore text.
    assert!(!rs.to_iptables_restore().contains("PREROUTING"));
    assert!(rs.to_listing().contains(
        "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL\n"
    ));
}

// ------------------------------------------------------- feature checks

/// The fake cluster with a second node, for Local policies.
fn two_nodes(extra: &str) -> Scenario {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str(
        "\n---\napiVersion: v1\nkind: Node\nmetadata: {name: other-node}\nspec: {podCIDR: 10.0.1.0/24}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.3}]}\n---\n",
    );
    text.push_str(extra);
    load(&text)
}

fn rules_of<'a>(rs: &'a Ruleset, t: TableName, chain: &str) -> &'a [Rule] {
    &rs.chain(t, chain)
        .unwrap_or_else(|| panic!("no chain {chain}"))
        .rules
}

const LOCAL_LB: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ns}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  clusterIP: 172.30.0.50
  healthCheckNodePort: 30050
  ports: [{name: http, port: 80, nodePort: 3050}]
status:
  loadBalancer:
    ingress: [{ip: 5.6.7.9}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  namespace: ns
  labels: {kubernetes.io/service-name: web}
endpoints:
- {addresses: [10.0.0.10], nodeName: test-node}
- {addresses: [10.0.0.11], nodeName: test-node}
- {addresses: [10.0.1.10], nodeName: other-node}
ports: [{name: http, port: 8080}]
"#;

#[test]
fn local_external_policy_with_local_endpoints() {
    let s = two_nodes(LOCAL_LB);
    let rs = test_node_rules(&s);
    let name = "ns/web:http";
    let svc = iptables::service_chain(name, model::Protocol::Tcp);
    let svl = iptables::local_chain(name, model::Protocol::Tcp);
    let ext = iptables::external_chain(name, model::Protocol::Tcp);
    // EXT: pods -> SVC, LOCAL -> masquerade + SVC, the rest -> SVL.
    let ext_rules = rules_of(&rs, TableName::Nat, &ext);
    assert_eq!(ext_rules.len(), 4);
    assert_eq!(ext_rules[3], Rule::new().jump(svl.clone()));
    // SVL: the two local endpoints only, no masquerade rule.
    let svl_rules = rules_of(&rs, TableName::Nat, &svl);
    assert_eq!(svl_rules.len(), 2);
    assert_eq!(
        svl_rules[0].matches[1],
        Match::Statistic(iptables::one_in(2))
    );
    assert_eq!(
        svl_rules[0].comment(),
        Some("ns/web:http -> 10.0.0.10:8080")
    );
    // SVC: masquerade rule + all three endpoints.
    assert_eq!(rules_of(&rs, TableName::Nat, &svc).len(), 4);
    // No DROP rules: this node has local endpoints.
    let text = rs.to_iptables_restore();
    assert!(!text.contains("has no local endpoints"), "{text}");
    assert!(text.contains("-A KUBE-NODEPORTS -m comment --comment \"ns/web:http health check node port\" -m tcp -p tcp --dport 30050 -j ACCEPT\n"));
    let sp = &service_ports(&s, "test-node").unwrap()[0];
    assert_eq!(sp.local_ready_endpoints(), 2);

    // On the other node: one local endpoint, SVL with a single rule.
    let other = iptables::ruleset_with(&s, "other-node", &Options::kube_proxy_tests()).unwrap();
    let svl_rules = rules_of(&other, TableName::Nat, &svl);
    assert_eq!(svl_rules.len(), 1);
    assert_eq!(
        svl_rules[0].target,
        Some(Target::Jump(iptables::endpoint_chain(
            name,
            model::Protocol::Tcp,
            "10.0.1.10:8080"
        )))
    );
}

#[test]
fn local_external_policy_without_local_endpoints_drops_external_traffic() {
    let s = two_nodes(&LOCAL_LB.replace("nodeName: test-node", "nodeName: other-node"));
    let rs = test_node_rules(&s);
    let text = rs.to_iptables_restore();
    let ext = iptables::external_chain("ns/web:http", model::Protocol::Tcp);
    // EXT keeps the short-circuit rules but has no final jump.
    assert_eq!(rules_of(&rs, TableName::Nat, &ext).len(), 3);
    assert!(rs
        .chain(
            TableName::Nat,
            &iptables::local_chain("ns/web:http", model::Protocol::Tcp)
        )
        .is_none());
    for want in [
        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/web:http has no local endpoints\" -m tcp -p tcp -d 5.6.7.9 --dport 80 -j DROP\n",
        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/web:http has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3050 -j DROP\n",
        // The health check port is accepted anyway (and answers 503).
        "--dport 30050 -j ACCEPT\n",
    ] {
        assert!(text.contains(want), "missing {want}\nin\n{text}");
    }
    assert_eq!(
        service_ports(&s, "test-node").unwrap()[0].local_ready_endpoints(),
        0
    );
}

#[test]
fn internal_traffic_policy_local() {
    let yaml = |node: &str| {
        format!(
            r#"
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: ns}}
spec:
  internalTrafficPolicy: Local
  clusterIP: 172.30.0.60
  ports: [{{name: p, port: 443, targetPort: 6443}}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: api-1
  namespace: ns
  labels: {{kubernetes.io/service-name: api}}
endpoints:
- {{addresses: [10.0.0.20], nodeName: {node}}}
- {{addresses: [10.0.1.20], nodeName: other-node}}
ports: [{{name: p, port: 6443}}]
"#
        )
    };
    let svl = iptables::local_chain("ns/api:p", model::Protocol::Tcp);
    let rs = test_node_rules(&two_nodes(&yaml("test-node")));
    let text = rs.to_iptables_restore();
    assert!(text.contains(&format!(
        "-A KUBE-SERVICES -m comment --comment \"ns/api:p cluster IP\" -m tcp -p tcp -d 172.30.0.60 --dport 443 -j {svl}\n"
    )));
    // The masquerade rule goes into the SVL chain; no SVC chain at all.
    assert!(text.contains(&format!(
        "-A {svl} -m comment --comment \"ns/api:p cluster IP\" -m tcp -p tcp -d 172.30.0.60 --dport 443 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n"
    )));
    assert!(!text.contains("KUBE-SVC-"), "{text}");
    assert_eq!(rules_of(&rs, TableName::Nat, &svl).len(), 2);

    let rs = test_node_rules(&two_nodes(&yaml("other-node")));
    let text = rs.to_iptables_restore();
    assert!(text.contains(
        "-A KUBE-SERVICES -m comment --comment \"ns/api:p has no local endpoints\" -m tcp -p tcp -d 172.30.0.60 --dport 443 -j DROP\n"
    ));
    assert!(!text.contains("KUBE-SVL-"), "{text}");
}

#[test]
fn session_affinity_rules() {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str(
        r#"
---
apiVersion: v1
kind: Service
metadata: {name: sticky, namespace: ns}
spec:
  clusterIP: 172.30.0.70
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  ports: [{port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: sticky-1
  namespace: ns
  labels: {kubernetes.io/service-name: sticky}
endpoints: [{addresses: [10.0.0.5]}, {addresses: [10.0.0.6]}, {addresses: [10.0.0.7]}]
ports: [{port: 80}]
"#,
    );
    let rs = test_node_rules(&load(&text));
    let svc = iptables::service_chain("ns/sticky", model::Protocol::Tcp);
    let rules = rules_of(&rs, TableName::Nat, &svc);
    // masquerade, 3 rcheck rules, 3 random rules.
    assert_eq!(rules.len(), 7);
    for (i, ip) in ["10.0.0.5", "10.0.0.6", "10.0.0.7"].iter().enumerate() {
        let sep = iptables::endpoint_chain("ns/sticky", model::Protocol::Tcp, &format!("{ip}:80"));
        assert_eq!(
            rules[1 + i].matches[1],
            Match::Recent {
                name: sep.clone(),
                mode: RecentMode::Rcheck {
                    seconds: 60,
                    reap: true
                }
            }
        );
        let sep_rules = rules_of(&rs, TableName::Nat, &sep);
        assert_eq!(
            sep_rules[1].matches[1],
            Match::Recent {
                name: sep.clone(),
                mode: RecentMode::Set
            }
        );
    }
    let probs: Vec<Option<&str>> = rules[4..]
        .iter()
        .map(|r| {
            r.matches.iter().find_map(|m| match m {
                Match::Statistic(p) => Some(p.text()),
                _ => None,
            })
        })
        .collect();
    assert_eq!(probs, [Some("0.3333333333"), Some("0.5000000000"), None]);
    // An unnamed port's comment has no colon.
    assert_eq!(rules[0].comment(), Some("ns/sticky cluster IP"));
}

#[test]
fn masquerade_all_drops_the_source_condition() {
    let mut text = read(&data("fake_proxier.yaml")).replace(
        "clusterCIDR: 10.0.0.0/8",
        "clusterCIDR: 10.0.0.0/8\niptables:\n  masqueradeAll: true",
    );
    text.push_str("\n---\n");
    text.push_str(&read(&data("TestSyncProxyRulesRepeated_1.yaml")));
    let rs = test_node_rules(&load(&text));
    let t = rs.to_iptables_restore();
    assert!(t.contains(
        "-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-MARK-MASQ\n"
    ), "{t}");
    assert!(!t.contains("! -s 10.0.0.0/8"));
}

#[test]
fn no_endpoints_rejects_every_entry() {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str(
        r#"
---
apiVersion: v1
kind: Service
metadata: {name: svc1, namespace: ns1}
spec:
  type: LoadBalancer
  clusterIP: 172.30.0.41
  externalIPs: [192.168.99.11]
  ports: [{name: p80, port: 80, nodePort: 3001}]
status:
  loadBalancer:
    ingress: [{ip: 1.2.3.4}]
"#,
    );
    let text = test_node_rules(&load(&text)).to_iptables_restore();
    // TestNoEndpointsReject's expectations.
    for want in [
        "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j REJECT\n",
        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j REJECT\n",
        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT\n",
        "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns1/svc1:p80 has no endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT\n",
    ] {
        assert!(text.contains(want), "missing {want}\nin\n{text}");
    }
    assert!(!text.contains("KUBE-SVC-"));
}

#[test]
fn protocols_get_their_own_chains() {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str(
        r#"
---
apiVersion: v1
kind: Service
metadata: {name: multi, namespace: ns}
spec:
  clusterIP: 172.30.0.80
  ports:
  - {name: tcp, port: 53, protocol: TCP}
  - {name: udp, port: 53, protocol: UDP}
  - {name: sctp, port: 53, protocol: SCTP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: multi-1
  namespace: ns
  labels: {kubernetes.io/service-name: multi}
endpoints: [{addresses: [10.0.0.53]}]
ports:
- {name: tcp, port: 5353, protocol: TCP}
- {name: udp, port: 5354, protocol: UDP}
- {name: sctp, port: 5355, protocol: SCTP}
"#,
    );
    let text = test_node_rules(&load(&text)).to_iptables_restore();
    for (name, proto, port) in [
        ("sctp", "sctp", 5355),
        ("tcp", "tcp", 5353),
        ("udp", "udp", 5354),
    ] {
        let want = format!("-m comment --comment ns/multi:{name} -m {proto} -p {proto} -j DNAT --to-destination 10.0.0.53:{port}\n");
        assert!(text.contains(&want), "missing {want}\nin\n{text}");
        let want = format!("-m comment --comment \"ns/multi:{name} cluster IP\" -m {proto} -p {proto} -d 172.30.0.80 --dport 53 -j KUBE-SVC-");
        assert!(text.contains(&want), "missing {want}\nin\n{text}");
    }
    // Ports of one Service in KUBE-SERVICES: by port name.
    let order: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("-A KUBE-SERVICES -m comment --comment \"ns/multi:"))
        .collect();
    assert!(
        order[0].contains(":sctp ") && order[1].contains(":tcp ") && order[2].contains(":udp "),
        "{order:?}"
    );
}

#[test]
fn source_range_containing_the_node_lets_the_lb_ip_in() {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str("\n---\n");
    text.push_str(&read(&data("TestBadIPs.yaml")).replace("203.0.113.0/25", "192.168.0.0/16"));
    let rs = test_node_rules(&load(&text));
    let fw = rules_of(&rs, TableName::Nat, "KUBE-FW-XPGD46QRK7WJZT7O");
    let specs: Vec<String> = fw.iter().map(|r| r.spec()).collect();
    assert_eq!(
        specs,
        [
            "-m comment --comment \"ns1/svc1:p80 loadbalancer IP\" -s 192.168.0.0/16 -j KUBE-EXT-XPGD46QRK7WJZT7O",
            "-m comment --comment \"ns1/svc1:p80 loadbalancer IP\" -s 1.2.3.4 -j KUBE-EXT-XPGD46QRK7WJZT7O",
            "-m comment --comment \"other traffic to ns1/svc1:p80 will be dropped by KUBE-PROXY-FIREWALL\"",
        ]
    );
}

#[test]
fn a_zero_source_range_means_no_firewall() {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str("\n---\n");
    text.push_str(
        &read(&data("TestBadIPs.yaml")).replace("[203.0.113.0/25]", "[203.0.113.0/25, 0.0.0.0/0]"),
    );
    let out = test_node_rules(&load(&text)).to_iptables_restore();
    assert!(!out.contains("KUBE-FW-"), "{out}");
    assert!(out.contains("--comment \"ns1/svc1:p80 loadbalancer IP\" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-XPGD46QRK7WJZT7O"));
}

#[test]
fn probability_ladder_follows_string_order() {
    let mut text = read(&data("fake_proxier.yaml"));
    text.push_str(
        r#"
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: ns}
spec:
  clusterIP: 172.30.0.90
  ports: [{port: 11}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: s-1
  namespace: ns
  labels: {kubernetes.io/service-name: s}
endpoints: [{addresses: [10.1.1.1]}, {addresses: [10.1.1.2]}, {addresses: [10.1.1.11]}, {addresses: [10.1.1.3]}]
ports: [{port: 11}]
"#,
    );
    let rs = test_node_rules(&load(&text));
    let svc = iptables::service_chain("ns/s", model::Protocol::Tcp);
    let lines: Vec<String> = rules_of(&rs, TableName::Nat, &svc)[1..]
        .iter()
        .map(|r| r.spec().split(" -j ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "-m comment --comment \"ns/s -> 10.1.1.11:11\" -m statistic --mode random --probability 0.2500000000",
            "-m comment --comment \"ns/s -> 10.1.1.1:11\" -m statistic --mode random --probability 0.3333333333",
            "-m comment --comment \"ns/s -> 10.1.1.2:11\" -m statistic --mode random --probability 0.5000000000",
            "-m comment --comment \"ns/s -> 10.1.1.3:11\"",
        ]
    );
}

// ------------------------------------------------- the story's scenarios

fn scenario_files() -> Vec<PathBuf> {
    let files = common::files("static/scenarios", "yaml");
    assert!(!files.is_empty());
    files
}

#[test]
fn story_scenarios_snapshots() {
    for path in scenario_files() {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let s = load(&read(&path));
        let names: Vec<&str> = s.nodes.iter().map(|n| n.name.as_str()).collect();
        // node-2 where it exists (node-removed.yaml has none: node-1 then).
        let first = if names.contains(&"node-2") {
            "node-2"
        } else {
            names[0]
        };
        let rs = iptables::ruleset(&s, first).unwrap();
        let text = rs.to_iptables_restore();
        insta::assert_snapshot!(format!("{stem}__{first}"), text);
        // Every other node: identical unless a Local policy makes it differ.
        for other in names.iter().filter(|n| **n != first) {
            let o = iptables::ruleset(&s, other).unwrap().to_iptables_restore();
            if o != text {
                insta::assert_snapshot!(format!("{stem}__{other}"), o);
            }
        }
        // The restore text reads back into the same rules.
        let parsed = Ruleset::from_iptables_restore(&text).unwrap();
        assert_eq!(parsed.to_iptables_restore(), text, "{stem}");
    }
}

#[test]
fn story_cluster_listing_snapshot() {
    let s = load(&read(&common::root("static/scenarios/load-balancer.yaml")));
    let rs = iptables::ruleset(&s, "node-2").unwrap();
    insta::assert_snapshot!("load-balancer__node-2__listing", rs.to_listing());
}

#[test]
fn feature_scenarios_snapshots() {
    // A Local LoadBalancer seen from both nodes: the rulesets differ.
    let s = two_nodes(LOCAL_LB);
    for node in ["test-node", "other-node"] {
        let text = iptables::ruleset_with(&s, node, &Options::kube_proxy_tests())
            .unwrap()
            .to_iptables_restore();
        insta::assert_snapshot!(format!("local-lb__{node}"), text);
    }
}

#[test]
fn targets_and_chains_are_consistent() {
    // Every jump goes to a chain that exists and every restore chain that is
    // jumped to has rules (kube-proxy's checkIPTablesRuleJumps).
    for path in scenario_files() {
        let s = load(&read(&path));
        for n in &s.nodes {
            let rs = iptables::ruleset(&s, &n.name).unwrap();
            for t in &rs.tables {
                for c in &t.chains {
                    for r in &c.rules {
                        if let Some(Target::Jump(j)) = &r.target {
                            let target = t.chain(j).unwrap_or_else(|| {
                                panic!("{}: {} jumps to missing {j}", path.display(), c.name)
                            });
                            assert!(
                                !target.rules.is_empty()
                                    || j == "KUBE-NODEPORTS"
                                    || j == "KUBE-PROXY-FIREWALL"
                                    || j == "KUBE-EXTERNAL-SERVICES"
                                    || j == "KUBE-SERVICES",
                                "{j} is empty"
                            );
                        }
                    }
                }
            }
        }
    }
}
