//! `ipt_do_table`: a [`Ruleset`] run on one packet at one hook.

use super::index::{find_chain, Dispatch, TableIndex};
use super::*;
use crate::linux::netfilter::{
    Chooser, CtNat, Ctx, Effect, Hook, HookResult, NatAction, Recent, RuleHit, TableId, Verdict,
};
use crate::linux::packet::Packet;
use std::net::SocketAddrV4;

/// Tables consulted at each hook, in kernel priority order:
/// PREROUTING raw, mangle, nat; INPUT mangle, filter, nat; FORWARD mangle,
/// filter; OUTPUT raw, mangle, nat, filter; POSTROUTING mangle, nat.
pub fn tables(hook: Hook) -> &'static [TableName] {
    use TableName::*;
    match hook {
        Hook::Prerouting => &[Raw, Mangle, Nat],
        Hook::Input => &[Mangle, Filter, Nat],
        Hook::Forward => &[Mangle, Filter],
        Hook::Output => &[Raw, Mangle, Nat, Filter],
        Hook::Postrouting => &[Mangle, Nat],
    }
}

/// Nesting deeper than this means a jump loop (which `iptables-restore`
/// would have refused); the packet is dropped.
const MAX_DEPTH: usize = 256;

/// Runs every table at `hook` on `packet`, rule by rule.
pub fn run_hook(
    ruleset: &Ruleset,
    hook: Hook,
    packet: &Packet,
    ctx: &Ctx,
    recent: &mut Recent,
    chooser: &mut dyn Chooser,
) -> HookResult {
    run(ruleset, None, hook, packet, ctx, recent, chooser)
}

/// [`run_hook`] through the ruleset's dispatch index: the same result
/// (hits, verdict, NAT, marks, `-m recent`/`-m statistic` effects in the
/// same order, the same `rules_evaluated`), without testing one by one
/// the rules that cannot match.
pub fn run_hook_indexed(
    ruleset: &IndexedRuleset,
    hook: Hook,
    packet: &Packet,
    ctx: &Ctx,
    recent: &mut Recent,
    chooser: &mut dyn Chooser,
) -> HookResult {
    run(
        &ruleset.ruleset,
        Some(&ruleset.tables),
        hook,
        packet,
        ctx,
        recent,
        chooser,
    )
}

fn run(
    ruleset: &Ruleset,
    index: Option<&[TableIndex]>,
    hook: Hook,
    packet: &Packet,
    ctx: &Ctx,
    recent: &mut Recent,
    chooser: &mut dyn Chooser,
) -> HookResult {
    let mut ev = Eval {
        ctx,
        recent,
        chooser,
        ct_nat: ctx.ct_nat,
        hits: Vec::new(),
        evaluated: 0,
    };
    let mut pkt = *packet;
    let mut verdict = Verdict::Accept;
    let mut nat = None;
    for &name in tables(hook) {
        if name == TableName::Nat && ctx.ct_state != CtState::New {
            continue;
        }
        let Some(t) = ruleset.tables.iter().position(|t| t.name == name) else {
            continue;
        };
        let table = &ruleset.tables[t];
        let tix = index.map(|ix| &ix[t]);
        let Some(chain) = find_chain(table, tix, hook.chain_name()) else {
            continue;
        };
        match ev.run_table(table, tix, chain, &mut pkt) {
            End::Accept => {}
            End::Drop => {
                verdict = Verdict::Drop;
                break;
            }
            End::Reject => {
                verdict = Verdict::Reject;
                break;
            }
            End::Nat(action) => {
                // Later tables at this hook see the translated packet.
                match action {
                    NatAction::Dnat(to) => {
                        pkt.dst = to;
                        ev.ct_nat.dnat = true;
                    }
                    NatAction::Snat(ip) => {
                        pkt.src = SocketAddrV4::new(ip, pkt.src.port());
                        ev.ct_nat.snat = true;
                    }
                    NatAction::Masquerade { .. } => ev.ct_nat.snat = true,
                }
                nat = Some(action);
            }
        }
    }
    pkt.src = packet.src;
    pkt.dst = packet.dst;
    HookResult {
        verdict,
        nat,
        packet: pkt,
        hits: ev.hits,
        rules_evaluated: ev.evaluated,
    }
}

/// One table of `ruleset` at `hook` on `pkt` (which a NAT it chooses does
/// not rewrite), for [`crate::linux::netfilter::run_hook`] when iptables
/// shares the hook with nftables: `None` when the table has no chain
/// there; with its hits and the rules it evaluated. `ctx.ct_nat` is what
/// `--ctstate DNAT/SNAT` sees.
pub(crate) fn run_table_at(
    ruleset: &IndexedRuleset,
    name: TableName,
    hook: Hook,
    pkt: &mut Packet,
    ctx: &Ctx,
    recent: &mut Recent,
    chooser: &mut dyn Chooser,
) -> Option<(End, Vec<RuleHit>, usize)> {
    let t = ruleset.ruleset.tables.iter().position(|t| t.name == name)?;
    let table = &ruleset.ruleset.tables[t];
    let tix = Some(&ruleset.tables[t]);
    let chain = find_chain(table, tix, hook.chain_name())?;
    let mut ev = Eval {
        ctx,
        recent,
        chooser,
        ct_nat: ctx.ct_nat,
        hits: Vec::new(),
        evaluated: 0,
    };
    let end = ev.run_table(table, tix, chain, pkt);
    Some((end, ev.hits, ev.evaluated))
}

/// How one table ends.
pub(crate) enum End {
    Accept,
    Drop,
    Reject,
    Nat(NatAction),
}

struct Eval<'a, 'c> {
    ctx: &'a Ctx<'c>,
    recent: &'a mut Recent,
    chooser: &'a mut dyn Chooser,
    ct_nat: CtNat,
    hits: Vec<RuleHit>,
    evaluated: usize,
}

impl Eval<'_, '_> {
    fn hit(&mut self, table: TableName, chain: &Chain, index: usize, effect: Effect) {
        let r = &chain.rules[index];
        let comment = r.matches.iter().find_map(|m| match m {
            Match::Comment(c) => Some(c.clone()),
            _ => None,
        });
        let spec = r.spec();
        let rule = if spec.is_empty() {
            format!("-A {}", chain.name)
        } else {
            format!("-A {} {}", chain.name, spec)
        };
        self.hits.push(RuleHit {
            table: TableId::Iptables(table),
            chain: chain.name.clone(),
            index: index + 1,
            rule,
            comment,
            element: None,
            effect,
        });
    }

    fn policy(&mut self, table: TableName, builtin: &Chain) -> End {
        let policy = match builtin.origin {
            ChainOrigin::Builtin(p) => p,
            _ => Policy::Accept,
        };
        self.hits.push(RuleHit {
            table: TableId::Iptables(table),
            chain: builtin.name.clone(),
            index: 0,
            rule: format!("-P {} {}", builtin.name, policy.as_str()),
            comment: None,
            element: None,
            effect: Effect::Policy(match policy {
                Policy::Accept => Verdict::Accept,
                Policy::Drop => Verdict::Drop,
            }),
        });
        match policy {
            Policy::Accept => End::Accept,
            Policy::Drop => End::Drop,
        }
    }

    fn run_table<'t>(
        &mut self,
        table: &'t Table,
        tix: Option<&'t TableIndex>,
        builtin: (&'t Chain, Option<&'t Dispatch>),
        pkt: &mut Packet,
    ) -> End {
        let tn = table.name;
        let mut stack: Vec<(&'t Chain, Option<&'t Dispatch>, usize)> = Vec::new();
        let (mut chain, mut dispatch) = builtin;
        let builtin = builtin.0;
        let mut i = 0;
        loop {
            if let Some(d) = dispatch {
                // Skip the rules that cannot match this packet (and have no
                // side effects): the kernel still looks at each of them.
                let next = d.next(i, pkt).min(chain.rules.len()).max(i);
                self.evaluated += next - i;
                i = next;
            }
            let Some(rule) = chain.rules.get(i) else {
                // Off the end: back to the caller, or the policy.
                match stack.pop() {
                    Some((c, d, next)) => {
                        chain = c;
                        dispatch = d;
                        i = next;
                        continue;
                    }
                    None => return self.policy(tn, builtin),
                }
            };
            self.evaluated += 1;
            if !self.matches(rule, pkt, tn) {
                i += 1;
                continue;
            }
            let Some(target) = &rule.target else {
                self.hit(tn, chain, i, Effect::Count);
                i += 1;
                continue;
            };
            match target {
                Target::Accept => {
                    self.hit(tn, chain, i, Effect::Accept);
                    return End::Accept;
                }
                Target::Drop => {
                    self.hit(tn, chain, i, Effect::Drop);
                    return End::Drop;
                }
                Target::Reject => {
                    self.hit(tn, chain, i, Effect::Reject);
                    return End::Reject;
                }
                Target::Return => {
                    self.hit(tn, chain, i, Effect::Return);
                    match stack.pop() {
                        Some((c, d, next)) => {
                            chain = c;
                            dispatch = d;
                            i = next;
                        }
                        None => return self.policy(tn, builtin),
                    }
                }
                Target::Jump(name) => match find_chain(table, tix, name) {
                    None => {
                        self.hit(tn, chain, i, Effect::NoSuchChain(name.clone()));
                        i += 1;
                    }
                    Some(_) if stack.len() >= MAX_DEPTH => {
                        self.hit(tn, chain, i, Effect::Loop(name.clone()));
                        return End::Drop;
                    }
                    Some((next, d)) => {
                        self.hit(tn, chain, i, Effect::Jump(name.clone()));
                        stack.push((chain, dispatch, i + 1));
                        chain = next;
                        dispatch = d;
                        i = 0;
                    }
                },
                Target::Mark(op) => {
                    pkt.mark = op.apply(pkt.mark);
                    self.hit(tn, chain, i, Effect::Mark(*op));
                    i += 1;
                }
                Target::Dnat(to) => return self.nat(tn, chain, i, NatAction::Dnat(*to)),
                Target::Snat(to) => return self.nat(tn, chain, i, NatAction::Snat(*to)),
                Target::Masquerade { random_fully } => {
                    let action = NatAction::Masquerade {
                        random_fully: *random_fully,
                    };
                    return self.nat(tn, chain, i, action);
                }
            }
        }
    }

    fn nat(&mut self, tn: TableName, chain: &Chain, i: usize, action: NatAction) -> End {
        self.hit(tn, chain, i, Effect::Nat(action));
        End::Nat(action)
    }

    /// Does the packet's conntrack state include `s`? In the raw table
    /// conntrack has not run yet: no entry, so the state is INVALID.
    fn ct_has(&self, s: CtState, table: TableName) -> bool {
        if table == TableName::Raw {
            return s == CtState::Invalid;
        }
        let tracked = matches!(
            self.ctx.ct_state,
            CtState::New | CtState::Established | CtState::Related
        );
        s == self.ctx.ct_state
            || (tracked && s == CtState::Dnat && self.ct_nat.dnat)
            || (tracked && s == CtState::Snat && self.ct_nat.snat)
    }

    fn matches(&mut self, rule: &Rule, pkt: &Packet, table: TableName) -> bool {
        // The IP header part (`struct ipt_ip`) first.
        for m in &rule.matches {
            let ok = match m {
                Match::Source { addr, negated } => addr.contains(pkt.src_ip()) != *negated,
                Match::Destination { addr, negated } => addr.contains(pkt.dst_ip()) != *negated,
                Match::Protocol(p) => pkt.proto == *p,
                _ => true,
            };
            if !ok {
                return false;
            }
        }
        // Then the match extensions, in order.
        for m in &rule.matches {
            let ok = match m {
                Match::Source { .. }
                | Match::Destination { .. }
                | Match::Protocol(_)
                | Match::Comment(_)
                | Match::Nfacct(_) => true,
                Match::DestinationPort(port) => pkt.dst.port() == *port,
                Match::AddrType {
                    dir,
                    addr_type: AddrType::Local,
                } => self.ctx.is_local(match dir {
                    AddrDir::Src => pkt.src_ip(),
                    AddrDir::Dst => pkt.dst_ip(),
                }),
                Match::Statistic(p) => p.draw(self.chooser),
                Match::Recent { name, mode } => match mode {
                    RecentMode::Set => {
                        self.recent.set(name, pkt.src_ip(), self.ctx.now);
                        true
                    }
                    RecentMode::Rcheck { seconds, reap } => {
                        self.recent
                            .rcheck(name, pkt.src_ip(), *seconds, *reap, self.ctx.now)
                    }
                },
                Match::Mark {
                    value,
                    mask,
                    negated,
                } => ((pkt.mark & mask.value) == value.value) != *negated,
                Match::Conntrack { states, negated } => {
                    states.iter().any(|s| self.ct_has(*s, table)) != *negated
                }
            };
            if !ok {
                return false;
            }
        }
        true
    }
}
