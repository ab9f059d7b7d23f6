//! One hook over every backend of a [`Dataplane`](super::Dataplane): the
//! iptables tables and the nftables base chains in the kernel's priority
//! order (see [`super::run_hook`]).

use super::iptables::{self, IndexedRuleset, TableName};
use super::nftables::{self, eval as nft, ChainType, L4Proto};
use super::{
    Chooser, CtNat, Ctx, Effect, Hook, HookResult, Memory, NatAction, RuleHit, TableId, Verdict,
};
use crate::linux::conntrack::CtState;
use crate::linux::packet::{Packet, Protocol};
use std::cmp::Reverse;
use std::net::{IpAddr, SocketAddrV4};

/// Where the kernel's NAT core hooks in: destination NAT at PREROUTING and
/// OUTPUT (`NF_IP_PRI_NAT_DST`), source NAT at INPUT and POSTROUTING
/// (`NF_IP_PRI_NAT_SRC`); none at FORWARD.
fn nat_priority(hook: Hook) -> Option<i32> {
    match hook {
        Hook::Prerouting | Hook::Output => Some(-100),
        Hook::Input | Hook::Postrouting => Some(100),
        Hook::Forward => None,
    }
}

/// An iptables table's fixed priority (`NF_IP_PRI_*`).
fn table_priority(t: TableName, hook: Hook) -> i32 {
    match t {
        TableName::Raw => -300,
        TableName::Mangle => -150,
        TableName::Nat => nat_priority(hook).unwrap_or(0),
        TableName::Filter => 0,
    }
}

/// One thing registered at a hook.
#[derive(Clone, Copy)]
enum Unit<'a> {
    Ipt(TableName),
    Nft(&'a nftables::Chain),
}

/// (priority, registration order, unit): sorted by priority, the one
/// registered last first.
type Placed<'a> = (i32, usize, Unit<'a>);

fn sort(v: &mut [Placed<'_>]) {
    crate::sort::sort_by_key(v, |(p, reg, _)| (*p, Reverse(*reg)));
}

/// How one unit ended.
enum End {
    Accept,
    Drop,
    Reject,
    Nat(NatAction),
}

struct State<'m, 'c> {
    memory: &'m mut Memory,
    chooser: &'c mut dyn Chooser,
    pkt: Packet,
    ct_nat: CtNat,
    hits: Vec<RuleHit>,
    evaluated: usize,
}

pub(super) fn run(
    ipt: Option<&IndexedRuleset>,
    nft_table: &nftables::IndexedTable,
    hook: Hook,
    packet: &Packet,
    ctx: &Ctx,
    memory: &mut Memory,
    chooser: &mut dyn Chooser,
) -> HookResult {
    let mut plain: Vec<Placed> = Vec::new();
    let mut nat: Vec<Placed> = Vec::new();
    if ipt.is_some() {
        for &t in iptables::tables(hook) {
            let at = (table_priority(t, hook), 0, Unit::Ipt(t));
            if t == TableName::Nat {
                nat.push(at);
            } else {
                plain.push(at);
            }
        }
    }
    for (i, c) in nft_table.index().base(nft_table) {
        let Some(b) = &c.base else { continue };
        if b.hook != hook {
            continue;
        }
        let at = (b.priority, 1 + i, Unit::Nft(c));
        if b.kind == ChainType::Nat {
            nat.push(at);
        } else {
            plain.push(at);
        }
    }
    sort(&mut plain);
    sort(&mut nat);
    // The NAT core, registered with its first user, as one unit.
    let core = match (nat_priority(hook), nat.iter().map(|x| x.1).min()) {
        (Some(p), Some(reg)) => Some((p, reg)),
        _ => None,
    };
    let mut st = State {
        memory,
        chooser,
        pkt: *packet,
        ct_nat: ctx.ct_nat,
        hits: Vec::new(),
        evaluated: 0,
    };
    let mut verdict = Verdict::Accept;
    let mut chosen = None;
    let mut order: Vec<(i32, usize, Option<Unit>)> =
        plain.iter().map(|(p, r, u)| (*p, *r, Some(*u))).collect();
    if let Some((p, reg)) = core {
        order.push((p, reg, None));
    }
    crate::sort::sort_by_key(&mut order, |(p, reg, _)| (*p, Reverse(*reg)));
    'units: for (_, _, unit) in order {
        let units: Vec<Unit> = match unit {
            Some(u) => vec![u],
            // nat chains see only a connection's first packet.
            None if ctx.ct_state != CtState::New => continue,
            None => nat.iter().map(|x| x.2).collect(),
        };
        let is_nat = unit.is_none();
        for u in units {
            let end = match u {
                Unit::Ipt(t) => run_ipt(ipt, t, hook, ctx, &mut st),
                Unit::Nft(c) => Some(run_nft(nft_table, c, ctx, &mut st)),
            };
            match end {
                None | Some(End::Accept) => {}
                Some(End::Drop) => {
                    verdict = Verdict::Drop;
                    break 'units;
                }
                Some(End::Reject) => {
                    verdict = Verdict::Reject;
                    break 'units;
                }
                Some(End::Nat(action)) => {
                    // Later units at this hook see the translated packet.
                    match action {
                        NatAction::Dnat(to) => {
                            st.pkt.dst = to;
                            st.ct_nat.dnat = true;
                        }
                        NatAction::Snat(ip) => {
                            st.pkt.src = SocketAddrV4::new(ip, st.pkt.src.port());
                            st.ct_nat.snat = true;
                        }
                        NatAction::Masquerade { .. } => st.ct_nat.snat = true,
                    }
                    chosen = Some(action);
                }
            }
            if is_nat && chosen.is_some() {
                // The NAT is set up: the other nat chains are skipped.
                break;
            }
        }
    }
    let mut pkt = st.pkt;
    pkt.src = packet.src;
    pkt.dst = packet.dst;
    HookResult {
        verdict,
        nat: chosen,
        packet: pkt,
        hits: st.hits,
        rules_evaluated: st.evaluated,
    }
}

fn run_ipt(
    ipt: Option<&IndexedRuleset>,
    t: TableName,
    hook: Hook,
    ctx: &Ctx,
    st: &mut State,
) -> Option<End> {
    let rs = ipt?;
    let ctx = Ctx {
        ct_nat: st.ct_nat,
        ..*ctx
    };
    let (end, hits, n) = iptables::run_table_at(
        rs,
        t,
        hook,
        &mut st.pkt,
        &ctx,
        &mut st.memory.recent,
        st.chooser,
    )?;
    st.hits.extend(hits);
    st.evaluated += n;
    Some(match end {
        iptables::End::Accept => End::Accept,
        iptables::End::Drop => End::Drop,
        iptables::End::Reject => End::Reject,
        iptables::End::Nat(a) => End::Nat(a),
    })
}

fn l4(p: Protocol) -> L4Proto {
    match p {
        Protocol::Tcp => L4Proto::Tcp,
        Protocol::Udp => L4Proto::Udp,
        Protocol::Sctp => L4Proto::Sctp,
        Protocol::Icmp => L4Proto::Icmp,
    }
}

fn ct_state(s: CtState) -> nft::CtState {
    match s {
        CtState::New => nft::CtState::New,
        CtState::Established | CtState::Snat | CtState::Dnat => nft::CtState::Established,
        CtState::Related => nft::CtState::Related,
        CtState::Invalid => nft::CtState::Invalid,
        CtState::Untracked => nft::CtState::Untracked,
    }
}

/// One nft base chain on the running packet.
fn run_nft(
    table: &nftables::IndexedTable,
    chain: &nftables::Chain,
    ctx: &Ctx,
    st: &mut State,
) -> End {
    let p = nft::Packet {
        saddr: IpAddr::V4(*st.pkt.src.ip()),
        daddr: IpAddr::V4(*st.pkt.dst.ip()),
        proto: l4(st.pkt.proto),
        dport: st.pkt.dst.port(),
        ct_state: ct_state(ctx.ct_state),
        mark: st.pkt.mark,
    };
    // `fib … type local`: the node's own addresses and 127.0.0.0/8.
    let is_local = |a: IpAddr| match a {
        IpAddr::V4(a) => ctx.is_local(a),
        IpAddr::V6(a) => a.is_loopback(),
    };
    let mut env = nft::Env {
        is_local: &is_local,
        chooser: &mut *st.chooser,
        now: ctx.now,
    };
    let (out, by_policy) = nft::run_chain_indexed(table, chain, p, &mut env, &mut st.memory.sets);
    st.evaluated += out.rules_evaluated;
    let id = TableId::Nftables {
        family: table.family,
        name: table.name.clone(),
    };
    for h in out.hits {
        let rule = table
            .chain(&h.chain)
            .and_then(|c| c.rules.get(h.rule))
            .map(|r| table.rule_line(&h.chain, r))
            .unwrap_or_else(|| h.text.clone());
        st.hits.push(RuleHit {
            table: id.clone(),
            chain: h.chain,
            index: h.rule + 1,
            rule,
            comment: h.comment,
            element: h.element,
            effect: h.effect,
        });
    }
    st.pkt.mark = out.packet.mark;
    let verdict = match out.verdict {
        nft::Final::Accept => Verdict::Accept,
        nft::Final::Drop => Verdict::Drop,
        nft::Final::Reject => Verdict::Reject,
    };
    if by_policy {
        st.hits.push(RuleHit {
            table: id,
            chain: chain.name.clone(),
            index: 0,
            rule: table.chain_line(chain),
            comment: None,
            element: None,
            effect: Effect::Policy(verdict),
        });
    }
    if let Some((IpAddr::V4(a), port)) = out.dnat {
        return End::Nat(NatAction::Dnat(SocketAddrV4::new(
            a,
            port.unwrap_or(st.pkt.dst.port()),
        )));
    }
    if let Some(random_fully) = out.masquerade {
        return End::Nat(NatAction::Masquerade { random_fully });
    }
    match verdict {
        Verdict::Accept => End::Accept,
        Verdict::Drop => End::Drop,
        Verdict::Reject => End::Reject,
    }
}

#[cfg(test)]
mod tests {
    use super::super::iptables::{IndexedRuleset, Ruleset};
    use super::super::{run_hook, ConstChooser, Dataplane};
    use super::*;
    use std::net::Ipv4Addr;
    use std::sync::Arc;

    fn dp(ipt: &str, nft: &str) -> Dataplane {
        Dataplane {
            iptables: Some(Arc::new(IndexedRuleset::new(
                Ruleset::from_iptables_restore(ipt).unwrap(),
            ))),
            nftables: Some(Arc::new(nftables::Table::parse(nft).unwrap().into())),
        }
    }

    fn go(dp: &Dataplane, hook: Hook, dst: &str) -> HookResult {
        let local = [Ipv4Addr::new(10, 100, 0, 2)];
        let ctx = Ctx::new(&local, CtState::New, 0);
        let p = Packet::new(
            Protocol::Tcp,
            "10.0.1.2:1000".parse().unwrap(),
            dst.parse().unwrap(),
        );
        run_hook(
            dp,
            hook,
            &p,
            &ctx,
            &mut Memory::default(),
            &mut ConstChooser(true),
        )
    }

    fn order(r: &HookResult) -> Vec<String> {
        r.hits
            .iter()
            .map(|h| format!("{} {}#{}", h.table, h.chain, h.index))
            .collect()
    }

    #[test]
    fn iptables_tables_and_nft_chains_interleave_by_priority() {
        let d = dp(
            "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -m comment --comment m\nCOMMIT\n",
            "add table ip t
add chain ip t late { type filter hook prerouting priority -110 ; }
add chain ip t early { type filter hook prerouting priority -200 ; }
add rule ip t late counter
add rule ip t early counter
",
        );
        let r = go(&d, Hook::Prerouting, "10.0.2.2:80");
        assert_eq!(
            order(&r),
            [
                "ip t early#1",
                "ip t early#0",
                "mangle PREROUTING#1",
                "mangle PREROUTING#0",
                "ip t late#1",
                "ip t late#0",
            ]
        );
        assert_eq!(r.rules_evaluated, 3);
        assert_eq!(r.hits[1].effect, Effect::Policy(Verdict::Accept));
        assert_eq!(r.hits[1].backend(), super::super::Backend::Nftables);
    }

    #[test]
    fn the_first_nat_chain_to_nat_wins_and_ties_go_to_the_newest() {
        // Both at -100: nft's chain was registered after iptables' nat
        // table, so it runs first; its DNAT ends the NAT core's run.
        let d = dp(
            "*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -j DNAT --to-destination 10.0.9.9:9\nCOMMIT\n",
            "add table ip t
add chain ip t nat { type nat hook output priority -100 ; }
add chain ip t filt { type filter hook output priority 0 ; }
add rule ip t nat ip daddr 10.3.0.1 dnat to 10.0.2.2:8080
add rule ip t filt ip daddr 10.0.2.2 tcp dport 8080 reject
",
        );
        let r = go(&d, Hook::Output, "10.3.0.1:80");
        assert_eq!(
            r.nat,
            Some(NatAction::Dnat("10.0.2.2:8080".parse().unwrap()))
        );
        // The filter chain at 0 saw the translated packet.
        assert_eq!(r.verdict, Verdict::Reject);
        assert_eq!(order(&r), ["ip t nat#1", "ip t filt#1"]);
        assert_eq!(r.packet.dst, "10.3.0.1:80".parse().unwrap());
        // Elsewhere the nft chain does not NAT: iptables' nat table does.
        let r = go(&d, Hook::Output, "10.3.0.2:80");
        assert_eq!(r.nat, Some(NatAction::Dnat("10.0.9.9:9".parse().unwrap())));
        assert_eq!(order(&r), ["ip t nat#0", "nat OUTPUT#1", "ip t filt#0"]);
    }
}
