use super::eval::{run_hook, CtState, Env, Final, Outcome, Packet, SetState};
use super::*;
use std::net::{IpAddr, Ipv4Addr};

/// A chooser whose `pick` is a closure (numgen only).
struct Pick<F: FnMut(u32) -> u32>(F);

impl<F: FnMut(u32) -> u32> crate::linux::netfilter::Chooser for Pick<F> {
    fn bernoulli(&mut self, _threshold: u32, _written: &str) -> bool {
        unreachable!("nftables draws no bernoulli")
    }
    fn pick(&mut self, n: u32) -> u32 {
        (self.0)(n)
    }
}

/// kube-proxy's TestOverallNFTablesRules dump (`nft -f` text).
const VECTOR: &str =
    include_str!("../../../../tests/data/nftables/nftables_TestOverallNFTablesRules.txt");

fn vector() -> Table {
    Table::parse(VECTOR).unwrap_or_else(|e| panic!("{e}"))
}

fn a(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// The fake proxier's node: 192.168.0.2, 192.168.1.2, 192.168.99.11 and
/// loopback are local.
fn is_local(ip: IpAddr) -> bool {
    ip.is_loopback()
        || [
            Ipv4Addr::new(192, 168, 0, 2),
            Ipv4Addr::new(192, 168, 1, 2),
            Ipv4Addr::new(192, 168, 99, 11),
        ]
        .iter()
        .any(|x| IpAddr::V4(*x) == ip)
}

fn pkt(src: &str, dst: &str, port: u16) -> Packet {
    Packet {
        saddr: a(src),
        daddr: a(dst),
        proto: L4Proto::Tcp,
        dport: port,
        ct_state: CtState::New,
        mark: 0,
    }
}

fn hook(t: &Table, h: Hook, p: Packet, state: &mut SetState) -> Outcome {
    let mut pick = Pick(|_n: u32| 0u32);
    let mut env = Env {
        is_local: &is_local,
        chooser: &mut pick,
        now: 0,
    };
    run_hook(t, h, p, &mut env, state)
}

/// A packet from the node itself: output, then postrouting.
fn from_node(t: &Table, p: Packet) -> (Outcome, Option<Outcome>) {
    let mut st = SetState::default();
    let out = hook(t, Hook::Output, p, &mut st);
    if out.verdict != Final::Accept {
        return (out, None);
    }
    let post = hook(t, Hook::Postrouting, out.packet, &mut st);
    (out, Some(post))
}

/// A forwarded packet (from a pod or from outside): prerouting, forward
/// (or input when the destination is local after DNAT), postrouting.
fn forwarded(t: &Table, p: Packet, st: &mut SetState) -> Vec<Outcome> {
    let mut outs = vec![hook(t, Hook::Prerouting, p, st)];
    let last = outs.last().unwrap();
    if last.verdict != Final::Accept {
        return outs;
    }
    let p = last.packet;
    let next = if is_local(p.daddr) {
        Hook::Input
    } else {
        Hook::Forward
    };
    outs.push(hook(t, next, p, st));
    if next == Hook::Forward && outs.last().unwrap().verdict == Final::Accept {
        let p = outs.last().unwrap().packet;
        outs.push(hook(t, Hook::Postrouting, p, st));
    }
    outs
}

#[test]
fn vector_parses_and_renders_back() {
    let t = vector();
    assert_eq!(t.family, Family::Ip);
    assert_eq!(t.chains.len(), 16 + 16);
    assert_eq!(sort_transaction(&t.to_nft()), sort_transaction(VECTOR));
    // Structure up to the order of sets and maps (the vector's order puts
    // the affinity set after the maps; `to_nft` writes sets first).
    let again = Table::parse(&t.to_nft()).unwrap();
    assert_eq!(again.to_nft(), t.to_nft());
    assert_eq!(again.chains, t.chains);
}

#[test]
fn cluster_ip_is_dnatted_to_its_endpoint() {
    let t = vector();
    let mut st = SetState::default();
    let outs = forwarded(&t, pkt("10.0.0.2", "172.30.0.41", 80), &mut st);
    assert_eq!(outs[0].dnat, Some((a("10.180.0.1"), Some(80))));
    assert_eq!(outs[0].packet.daddr, a("10.180.0.1"));
    assert!(outs.iter().all(|o| o.verdict == Final::Accept));
    // From a pod: not marked, so not masqueraded.
    assert_eq!(outs[2].masquerade, None);
    let chains: Vec<&str> = outs[0].hits.iter().map(|h| h.chain.as_str()).collect();
    assert_eq!(
        chains,
        [
            "filter-prerouting-pre-dnat",
            "nat-prerouting",
            "services",
            "service-ULMVA6XW-ns1/svc1/tcp/p80",
            "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"
        ]
    );
    let services = outs[0].hits.iter().find(|h| h.chain == "services").unwrap();
    assert_eq!(
        services.element.as_deref(),
        Some("172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80")
    );
    assert_eq!(services.rule, 0);
    let numgen = outs[0]
        .hits
        .iter()
        .find(|h| h.text.starts_with("numgen"))
        .unwrap();
    assert_eq!(
        numgen.element.as_deref(),
        Some("0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80")
    );
}

#[test]
fn rules_evaluated_count_map_lookups_once() {
    let t = vector();
    let mut st = SetState::default();
    let out = hook(
        &t,
        Hook::Prerouting,
        pkt("10.0.0.2", "172.30.0.41", 80),
        &mut st,
    );
    // filter-prerouting-pre-dnat: 1 rule, firewall-check: 1 (no element);
    // nat-prerouting: 1, services: 1 (element found), service chain: 2,
    // endpoint chain: 2.
    assert_eq!(out.rules_evaluated, 8);
}

#[test]
fn cluster_ip_on_a_port_it_does_not_have_is_rejected() {
    let t = vector();
    let (out, post) = from_node(&t, pkt("192.168.0.2", "172.30.0.41", 81));
    assert_eq!(out.verdict, Final::Reject);
    assert!(post.is_none());
    let last = out.hits.last().unwrap();
    assert_eq!(last.chain, "cluster-ips-check");
    assert_eq!(
        last.comment.as_deref(),
        Some("Reject traffic to invalid ports of ClusterIPs")
    );
    assert_eq!(out.dnat, None);
}

#[test]
fn unallocated_service_ip_is_dropped() {
    let t = vector();
    let (out, _) = from_node(&t, pkt("192.168.0.2", "172.30.0.99", 80));
    assert_eq!(out.verdict, Final::Drop);
    assert_eq!(
        out.hits.last().unwrap().comment.as_deref(),
        Some("Drop traffic to unallocated ClusterIPs")
    );
    let mut st = SetState::default();
    let outs = forwarded(&t, pkt("10.0.0.2", "172.30.0.99", 80), &mut st);
    assert_eq!(outs.last().unwrap().verdict, Final::Drop);
}

#[test]
fn node_ports_answer_on_node_port_addresses_only() {
    let t = vector();
    // 127.0.0.1 is not in @nodeport-ips: no DNAT, nothing rejects it
    // either (the packet goes on to whatever listens there).
    let (out, post) = from_node(&t, pkt("127.0.0.1", "127.0.0.1", 3003));
    assert_eq!(out.verdict, Final::Accept);
    assert_eq!(out.dnat, None);
    assert_eq!(post.unwrap().masquerade, None);
    // Nor does the node's second address.
    let (out, _) = from_node(&t, pkt("192.168.0.2", "192.168.1.2", 3003));
    assert_eq!(out.dnat, None);
    // The node IP does: DNAT, marked, masqueraded.
    let (out, post) = from_node(&t, pkt("192.168.0.2", "192.168.0.2", 3003));
    assert_eq!(out.dnat, Some((a("10.180.0.3"), Some(80))));
    assert_eq!(out.packet.mark, 0x4000);
    let post = post.unwrap();
    assert_eq!(post.masquerade, Some(true));
    assert_eq!(post.packet.mark, 0);
}

#[test]
fn service_without_endpoints_is_rejected() {
    let t = vector();
    let mut st = SetState::default();
    let outs = forwarded(&t, pkt("10.0.0.2", "172.30.0.46", 80), &mut st);
    let last = outs.last().unwrap();
    assert_eq!(last.verdict, Final::Reject);
    let chains: Vec<&str> = last.hits.iter().map(|h| h.chain.as_str()).collect();
    assert_eq!(
        chains,
        ["filter-forward", "service-endpoints-check", "reject-chain"]
    );
    assert_eq!(
        last.hits[1].element.as_deref(),
        Some("172.30.0.46 . tcp . 80 comment \"ns6/svc6:p80\" : goto reject-chain")
    );
    assert_eq!(
        last.hits[1].effect,
        crate::linux::netfilter::Effect::Goto("reject-chain".into())
    );
    assert_eq!(last.hits[2].effect, crate::linux::netfilter::Effect::Reject);
}

#[test]
fn local_policy_without_local_endpoints_drops_external_traffic() {
    let t = vector();
    let mut st = SetState::default();
    // External client to svc2's LB IP: the external chain has no local
    // endpoints to go to, so no DNAT, and the filter drops it.
    let outs = forwarded(&t, pkt("203.0.113.2", "1.2.3.4", 80), &mut st);
    assert_eq!(outs[0].dnat, None);
    assert_eq!(outs.last().unwrap().verdict, Final::Drop);
    // A pod is short-circuited to the cluster chain.
    let outs = forwarded(&t, pkt("10.0.0.2", "1.2.3.4", 80), &mut st);
    assert_eq!(outs[0].dnat, Some((a("10.180.0.2"), Some(80))));
    assert!(outs[0]
        .hits
        .iter()
        .any(|h| h.comment.as_deref() == Some("short-circuit pod traffic")));
}

#[test]
fn load_balancer_source_ranges_drop_before_dnat() {
    let t = vector();
    let mut st = SetState::default();
    let outs = forwarded(&t, pkt("203.0.113.130", "5.6.7.8", 80), &mut st);
    assert_eq!(outs.len(), 1);
    assert_eq!(outs[0].verdict, Final::Drop);
    assert_eq!(outs[0].dnat, None);
    assert_eq!(
        outs[0].hits.last().unwrap().chain,
        "firewall-HVFWP5L3-ns5/svc5/tcp/p80"
    );
    let outs = forwarded(&t, pkt("203.0.113.2", "5.6.7.8", 80), &mut st);
    assert_eq!(outs[0].dnat, Some((a("10.180.0.3"), Some(80))));
    assert_eq!(outs.last().unwrap().masquerade, Some(true));
}

#[test]
fn affinity_set_is_updated_and_then_matched() {
    let t = vector();
    let set = "affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80";
    let mut st = SetState::default();
    let first = hook(
        &t,
        Hook::Prerouting,
        pkt("10.0.0.2", "172.30.0.45", 80),
        &mut st,
    );
    assert_eq!(
        first.set_updates,
        vec![(set.to_string(), vec![Value::Addr(a("10.0.0.2"))])]
    );
    assert!(!first.hits.iter().any(|h| h.text.starts_with("ip saddr @")));
    let second = hook(
        &t,
        Hook::Prerouting,
        pkt("10.0.0.2", "172.30.0.45", 80),
        &mut st,
    );
    assert!(second.hits.iter().any(|h| h.text
        == format!("ip saddr @{set} goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80")));
    assert_eq!(second.dnat, Some((a("10.180.0.3"), Some(80))));
}

#[test]
fn established_packets_skip_nat_and_the_filter_jumps() {
    let t = vector();
    let mut st = SetState::default();
    let mut p = pkt("10.0.0.2", "172.30.0.46", 80);
    p.ct_state = CtState::Established;
    let outs = forwarded(&t, p, &mut st);
    assert!(outs.iter().all(|o| o.verdict == Final::Accept));
    assert!(outs.iter().all(|o| o.dnat.is_none()));
}

#[test]
fn numgen_follows_the_chooser() {
    let t = vector();
    let mut st = SetState::default();
    for (k, ep) in [(0u32, "10.180.0.4"), (1, "10.180.0.5")] {
        let mut pick = Pick(move |n: u32| {
            assert_eq!(n, 2);
            k
        });
        let mut env = Env {
            is_local: &is_local,
            chooser: &mut pick,
            now: 0,
        };
        let out = run_hook(
            &t,
            Hook::Prerouting,
            pkt("10.0.0.2", "172.30.0.44", 80),
            &mut env,
            &mut st,
        );
        assert_eq!(out.dnat, Some((a(ep), Some(80))));
    }
}

#[test]
fn jump_returns_and_goto_does_not() {
    let text = "add table ip t
add chain ip t base { type filter hook input priority 0 ; policy drop ; }
add chain ip t a
add chain ip t b
add rule ip t base jump a
add rule ip t base accept
add rule ip t a goto b
add rule ip t a drop
add rule ip t b mark set 0x1
add rule ip t b return
add rule ip t b drop
";
    let t = Table::parse(text).unwrap();
    let mut st = SetState::default();
    let out = hook(&t, Hook::Input, pkt("1.1.1.1", "2.2.2.2", 1), &mut st);
    // base: jump a; a: goto b; b: mark, return -> back to base (not to a,
    // whose drop is skipped); base: accept.
    assert_eq!(out.verdict, Final::Accept);
    assert_eq!(out.packet.mark, 1);
    assert_eq!(out.rules_evaluated, 5);
    // Falling off a base chain with policy drop drops.
    let t = Table::parse(
        "add table ip t\nadd chain ip t base { type filter hook input priority 0 ; policy drop ; }\n",
    )
    .unwrap();
    let out = hook(&t, Hook::Input, pkt("1.1.1.1", "2.2.2.2", 1), &mut st);
    assert_eq!(out.verdict, Final::Drop);
}

#[test]
fn base_chains_run_in_priority_order_and_see_the_dnat() {
    let text = "add table ip t
add chain ip t late { type filter hook output priority 10 ; }
add chain ip t nat { type nat hook output priority -100 ; }
add rule ip t late ip daddr 10.0.0.9 tcp dport 99 reject
add rule ip t nat ip daddr 1.2.3.4 meta l4proto tcp dnat to 10.0.0.9:99
";
    let t = Table::parse(text).unwrap();
    let mut st = SetState::default();
    let out = hook(&t, Hook::Output, pkt("1.1.1.1", "1.2.3.4", 80), &mut st);
    assert_eq!(out.verdict, Final::Reject);
    assert_eq!(out.hits[0].chain, "nat");
    assert_eq!(out.hits[1].chain, "late");
}

#[test]
fn parse_errors_name_the_line_and_the_problem() {
    let table = "add table ip t\nadd chain ip t c\n";
    let cases: &[(&str, usize, &str)] = &[
        ("add chain ip t c\n", 1, "the table must be added first"),
        ("add table inet t\n", 1, "unknown family \"inet\" (ip or ip6)"),
        (
            "add table ip t\nadd table ip u\n",
            2,
            "a second table (ip u); one table per text",
        ),
        ("add table ip t\nadd rule ip t c drop\n", 2, "no chain \"c\""),
        (
            "add table ip t\nadd chain ip u c\n",
            2,
            "table ip u is not the table of this text (ip t)",
        ),
        (
            "add table ip t\nadd chain ip t c { type filter hook sideways priority 0 ; }\n",
            2,
            "unknown hook \"sideways\"",
        ),
        (
            "add table ip t\nadd chain ip t c { type filter hook input priority high ; }\n",
            2,
            "priority \"high\" is not a number",
        ),
        (
            "add table ip t\nadd set ip t s { type ipv4_addr : verdict ; }\n",
            2,
            "set \"s\" has a value type; declare it as a map",
        ),
        (
            "add table ip t\nadd map ip t m { type ipv4_addr ; }\n",
            2,
            "map \"m\" has no value type (\"type K : V\")",
        ),
        (
            "add table ip t\nadd set ip t s { type ipv9_addr ; }\n",
            2,
            "unknown type \"ipv9_addr\"",
        ),
        (
            "add table ip t\nadd set ip t s { typeof ip saddr ; }\n",
            2,
            "\"typeof\" is not supported; use \"type\"",
        ),
        (
            "add table ip t\nadd set ip t s { type ipv4_addr ; timeout 3h ; }\n",
            2,
            "timeout \"3h\" is not a number of seconds (\"10s\")",
        ),
        (
            "add table ip t\nadd element ip t s { 1.2.3.4 }\n",
            2,
            "no set \"s\"",
        ),
        (
            "add table ip t\nadd set ip t s { type ipv4_addr ; }\nadd element ip t s { 1.2.3.400 }\n",
            3,
            "\"1.2.3.400\" is not an address",
        ),
        (
            "add table ip t\nadd set ip t s { type ipv4_addr ; }\nadd element ip t s { 1.2.3.4 : drop }\n",
            3,
            "\"s\" is a set; its elements have no value",
        ),
        (
            "add table ip t\nadd map ip t m { type inet_proto . inet_service : verdict ; }\nadd element ip t m { tcp . 80 }\n",
            3,
            "\"m\" is a map; the element needs \": VALUE\"",
        ),
        (
            "add table ip t\nadd map ip t m { type inet_proto . inet_service : verdict ; }\nadd element ip t m { tcp . 99999 : drop }\n",
            3,
            "\"99999\" is not a port",
        ),
        (&format!("{table}add rule ip t c\n"), 3, "empty rule"),
        (
            &format!("{table}add rule ip t c ip daddr 10.0.0.0/33 drop\n"),
            3,
            "\"33\" is not a prefix length",
        ),
        (
            &format!("{table}add rule ip t c ip6 daddr ::1 drop\n"),
            3,
            "\"ip6\" in a table of family ip",
        ),
        (
            &format!("{table}add rule ip t c ip daddr drop\n"),
            3,
            "expected a value after \"ip daddr\", found \"drop\"",
        ),
        (
            &format!("{table}add rule ip t c frobnicate\n"),
            3,
            "unknown expression \"frobnicate\"",
        ),
        (
            &format!("{table}add rule ip t c drop comment \"x\" accept\n"),
            3,
            "the comment must end the rule",
        ),
        (
            &format!("{table}add rule ip t c comment \"x\n"),
            3,
            "unterminated string",
        ),
        (
            &format!("{table}add rule ip t c meta l4proto tcp dnat to 10.0.0.1:http\n"),
            3,
            "\"http\" is not a port",
        ),
        (
            &format!("{table}add rule ip t c numgen random mod 0 vmap {{ 0 : goto c }}\n"),
            3,
            "modulus \"0\" is not a positive number",
        ),
        (
            &format!("{table}add rule ip t c numgen random mod 2 vmap {{ 0 : goto c 1 : goto c }}\n"),
            3,
            "expected \",\", found \"1\"",
        ),
        (
            &format!("{table}add rule ip t c mark set mark nand 0x1\n"),
            3,
            "unknown mark operation \"nand\"",
        ),
        (
            &format!("{table}add rule ip t c ip daddr @ drop\n"),
            3,
            "expected a set name after @",
        ),
        (
            &format!("{table}add rule ip t c jump\n"),
            3,
            "expected a chain name, found end of line",
        ),
        (
            &format!("{table}add chain ip t d {{ comment \"x\" }}\n"),
            3,
            "expected \";\", found \"}\"",
        ),
        (
            &format!("{table}add chain ip t d extra\n"),
            3,
            "unexpected \"extra\" at the end of the line",
        ),
        (&format!("{table}insert rule ip t c drop\n"), 3, "unknown command \"insert rule\""),
        ("# nothing\n", 1, "no \"add table\" line"),
    ];
    for (text, line, message) in cases {
        match Table::parse(text) {
            Ok(_) => panic!("{text:?} parsed"),
            Err(e) => assert_eq!((e.line, e.message.as_str()), (*line, *message), "{text:?}"),
        }
    }
}

#[test]
fn flush_and_delete_edit_the_table() {
    let text = "add table ip t
add chain ip t c
add chain ip t d
add set ip t s { type ipv4_addr ; }
add element ip t s { 1.2.3.4 }
add rule ip t c drop
flush chain ip t c
delete chain ip t d
flush set ip t s
add rule ip t c accept
";
    let t = Table::parse(text).unwrap();
    assert_eq!(t.chains.len(), 1);
    assert_eq!(t.chains[0].rules.len(), 1);
    assert!(t.set("s").unwrap().elements.is_empty());
}

#[test]
fn rendering_covers_every_expression() {
    let text = "add table ip t { comment \"x\" ; }
add chain ip t b { type nat hook postrouting priority 100 ; policy accept ; comment \"base\" ; }
add chain ip t c
add set ip t s { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; comment \"aff\" ; }
add map ip t m { type ipv4_addr . inet_proto . inet_service : verdict ; }
add rule ip t c ip saddr != { 10.0.0.0/8, 192.168.0.0/16 } counter drop
add rule ip t c ip daddr { 10.0.0.0/8,192.168.0.0/16 } accept
add rule ip t c ip daddr { 10.0.0.0/8 , 192.168.0.1 } return
add rule ip t c tcp dport 80 mark set 0x00000001
add rule ip t c meta mark 0x1 mark set mark and 0xff
add rule ip t c mark and 0x4000 != 0 masquerade
add rule ip t c fib daddr type local ip daddr . meta l4proto . th dport vmap @m
add rule ip t c update @s { ip saddr } meta l4proto udp dnat to 10.0.0.1
add rule ip t c ct state established,related accept comment \"ct\"
add element ip t s { 10.1.1.1 comment \"one\" }
add element ip t m { 10.1.1.1 . sctp . 9 comment \"m\" : jump c }
";
    let t = Table::parse(text).unwrap();
    let back = t.to_nft();
    let want = text.replace("meta mark 0x1", "mark 1");
    assert_eq!(back, want);
    assert_eq!(Table::parse(&back).unwrap(), Table::parse(&want).unwrap());
}

#[test]
fn sort_transaction_is_kube_proxys_order() {
    let tx = "add element ip t s { 2 }
add rule ip t b x
# comment

add set ip t s { type inet_service ; }
add rule ip t a y
add rule ip t b w
add chain ip t b
add table ip t { comment \"c\" ; }
add element ip t s { 1 }
";
    assert_eq!(
        sort_transaction(tx),
        "add table ip t { comment \"c\" ; }
add chain ip t b
add rule ip t a y
add rule ip t b x
add rule ip t b w
add set ip t s { type inet_service ; }
add element ip t s { 1 }
add element ip t s { 2 }
"
    );
}

#[test]
fn listing_matches_what_nft_printed_for_the_vector() {
    let nft: String =
        include_str!("../../../../tests/data/nftables/nftables_TestOverallNFTablesRules.list")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
    // Load order: the table as `to_nft` writes it (sets before maps).
    let t = Table::parse(&vector().to_nft()).unwrap();
    assert_eq!(
        list::normalize_listing(&t.to_nft_list()),
        list::normalize_listing(&nft)
    );
}

#[test]
fn priorities_and_durations_as_nft_prints_them() {
    use list::{duration, priority_name};
    assert_eq!(priority_name(Hook::Prerouting, -110), "dstnat - 10");
    assert_eq!(priority_name(Hook::Prerouting, -100), "dstnat");
    assert_eq!(priority_name(Hook::Output, -100), "-100");
    assert_eq!(priority_name(Hook::Output, -110), "-110");
    assert_eq!(priority_name(Hook::Input, 5), "filter + 5");
    assert_eq!(priority_name(Hook::Postrouting, 100), "srcnat");
    assert_eq!(priority_name(Hook::Output, 100), "100");
    assert_eq!(duration(10800), "3h");
    assert_eq!(duration(60), "1m");
    assert_eq!(duration(100), "1m40s");
    assert_eq!(duration(90061), "1d1h1m1s");
}

#[test]
fn ip6_tables_render_parse_and_evaluate() {
    let text = "add table ip6 kube-proxy { comment \"rules for kube-proxy\" ; }
add chain ip6 kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip6 kube-proxy ep
add set ip6 kube-proxy cluster-ips { type ipv6_addr ; comment \"Active ClusterIPs\" ; }
add rule ip6 kube-proxy nat-prerouting ip6 daddr @cluster-ips jump ep
add rule ip6 kube-proxy ep ip6 saddr != fd00:10::/64 meta l4proto tcp dnat to [fd00:10:180::1]:80
add element ip6 kube-proxy cluster-ips { fd00:172:30::41 }
";
    let t = Table::parse(text).unwrap();
    assert_eq!(t.family, Family::Ip6);
    assert_eq!(t.to_nft(), text);
    let mut st = SetState::default();
    let p = Packet {
        saddr: a("2600:5200::1"),
        daddr: a("fd00:172:30::41"),
        proto: L4Proto::Tcp,
        dport: 80,
        ct_state: CtState::New,
        mark: 0,
    };
    let out = hook(&t, Hook::Prerouting, p, &mut st);
    assert_eq!(out.dnat, Some((a("fd00:10:180::1"), Some(80))));
    // An IPv4 packet matches no ip6 expression.
    let out = hook(
        &t,
        Hook::Prerouting,
        pkt("10.0.0.2", "10.0.0.3", 80),
        &mut st,
    );
    assert_eq!(out.dnat, None);
}

#[test]
fn listing_lines_place_every_rule_and_element_and_read_as_the_listing() {
    use list::LinePos;
    let t = vector();
    let lines = t.listing_lines();
    let text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    // Elements wrapped one a line, as nft prints them: the same listing.
    assert_eq!(
        list::normalize_listing(&text),
        list::normalize_listing(&t.to_nft_list())
    );
    assert_ne!(text, t.to_nft_list());
    let at = |pos: LinePos| lines.iter().filter(|l| l.at.as_ref() == Some(&pos)).count();
    for c in &t.chains {
        let rule = |index| LinePos::Rule {
            chain: c.name.clone(),
            index,
        };
        assert_eq!(at(rule(0)), usize::from(c.base.is_some()), "{}", c.name);
        for i in 1..=c.rules.len() {
            assert_eq!(at(rule(i)), 1, "{} rule {i}", c.name);
        }
        assert_eq!(at(rule(c.rules.len() + 1)), 0);
    }
    for s in &t.sets {
        for e in &s.elements {
            let pos = LinePos::Element {
                set: s.name.clone(),
                element: e.text(),
            };
            let l = lines.iter().find(|l| l.at.as_ref() == Some(&pos));
            assert!(l.is_some_and(|l| l.text.contains(&e.text())), "{pos:?}");
        }
    }
    // The element a verdict map's hit names has its line.
    let outs = forwarded(
        &t,
        pkt("10.0.0.2", "172.30.0.41", 80),
        &mut SetState::default(),
    );
    let services = outs[0].hits.iter().find(|h| h.chain == "services").unwrap();
    let pos = LinePos::Element {
        set: "service-ips".into(),
        element: services.element.clone().unwrap(),
    };
    assert_eq!(at(pos), 1);
}
