//! Running a packet through one hook of an nftables [`Table`], as the
//! kernel does: the hook's base chains in ascending priority (equal
//! priorities: the chain created last runs first, see
//! [`Table::base_chains`]), each to a verdict; `accept` (or falling off a
//! base chain with policy accept) lets the next base chain see the packet,
//! `drop` and `reject` end it. NAT statements are terminal (they accept)
//! and rewrite the packet that the later base chains of the same hook see,
//! so a filter chain at priority 0 sees the DNATed destination. nat chains
//! are consulted only for the first packet of a connection (`ct state
//! new`), and once one of them has set up the NAT the others at the hook
//! are skipped (`nf_nat_inet_fn`), as in the kernel.
//!
//! `numgen random mod N` asks the [`Chooser`] (`pick(N)`), so a seeded
//! chooser reproduces a run and `enumerate` walks every choice.
//!
//! `jump` pushes a return point, `goto` does not, `return` (or the end of
//! a regular chain) goes back to the last return point. A verdict map or a
//! set lookup counts as one rule evaluated.
//!
//! Set element timeouts run on the caller's clock ([`Env::now`]). Not
//! modelled: counters' numbers, and `reject` types (always ICMP port
//! unreachable).

use super::index::{IndexedTable, TableIndex};

use super::{
    Chain, ChainType, CmpOp, Expr, Family, Hook, L4Proto, MarkSet, Policy, Rhs, Rule, Selector,
    Table, Value, Verdict,
};
use crate::linux::netfilter::{Chooser, Effect, NatAction};
use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

/// Conntrack's view of the packet (`ct state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CtState {
    New,
    Established,
    Related,
    Invalid,
    Untracked,
}

impl CtState {
    pub fn as_str(self) -> &'static str {
        match self {
            CtState::New => "new",
            CtState::Established => "established",
            CtState::Related => "related",
            CtState::Invalid => "invalid",
            CtState::Untracked => "untracked",
        }
    }
}

/// What the rules can read of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Packet {
    pub saddr: IpAddr,
    pub daddr: IpAddr,
    pub proto: L4Proto,
    pub dport: u16,
    pub ct_state: CtState,
    pub mark: u32,
}

/// The node around the ruleset: which addresses are its own (for
/// `fib … type local`) and who answers `numgen random mod N`
/// ([`Chooser::pick`]).
pub struct Env<'a> {
    pub is_local: &'a dyn Fn(IpAddr) -> bool,
    pub chooser: &'a mut dyn Chooser,
    /// Seconds, for set element timeouts.
    pub now: u64,
}

/// Elements added at run time by `update @set { … }` (affinity sets):
/// per set, each key with the time it expires (`None`: a set without a
/// timeout). An element is gone once the time reaches its expiry
/// (`nft_set_elem_expired`); `update` adds it or restarts its timeout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetState {
    pub added: BTreeMap<String, Vec<Added>>,
}

/// An element `update` added: its key, and when it expires.
pub type Added = (Vec<Value>, Option<u64>);

/// How the hook ended for the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Final {
    Accept,
    Drop,
    /// Dropped with an ICMP error (port unreachable).
    Reject,
}

/// One rule that matched (all its matches held), in the order the packet
/// met them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub chain: String,
    /// Index of the rule in its chain.
    pub rule: usize,
    /// The rule as written after `add rule FAMILY TABLE CHAIN`.
    pub text: String,
    pub comment: Option<String>,
    /// The map element (or inline vmap entry) that matched, as
    /// `KEY : VERDICT`.
    pub element: Option<String>,
    /// What the rule did: its verdict (or the matched element's), its NAT,
    /// its mark; [`Effect::Count`] when it only counted or updated a set.
    pub effect: Effect,
}

/// What a hook did to a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Final,
    /// The packet as it leaves the hook (DNAT applied, mark changed).
    pub packet: Packet,
    /// The DNAT done in this hook: the new destination and port.
    pub dnat: Option<(IpAddr, Option<u16>)>,
    /// Masquerade was done (`Some(fully_random)`).
    pub masquerade: Option<bool>,
    /// Elements added by `update`, as (set, key).
    pub set_updates: Vec<(String, Vec<Value>)>,
    pub hits: Vec<Hit>,
    /// Rules the kernel evaluated (a map lookup counts as one).
    pub rules_evaluated: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Fell off the end of a chain or returned.
    Continue,
    Accept,
    Drop,
    Reject,
}

/// nft rejects deeper jump stacks.
const MAX_DEPTH: usize = 16;

struct Run<'a, 'e> {
    table: &'a Table,
    index: &'a TableIndex,
    env: &'a mut Env<'e>,
    state: &'a mut SetState,
    out: Outcome,
    /// The current chain ended with `return` (or a `goto` came back).
    returning: bool,
}

impl fmt::Display for Final {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Final::Accept => "accept",
            Final::Drop => "drop",
            Final::Reject => "reject",
        })
    }
}

/// Runs `packet` through the base chains of `hook` in `table` (indexing
/// the table first: a caller that runs many packets keeps an
/// [`IndexedTable`] and calls [`run_hook_indexed`]).
pub fn run_hook(
    table: &Table,
    hook: Hook,
    packet: Packet,
    env: &mut Env<'_>,
    state: &mut SetState,
) -> Outcome {
    run_hook_in(table, &TableIndex::new(table), hook, packet, env, state)
}

/// [`run_hook`] on an indexed table.
pub fn run_hook_indexed(
    table: &IndexedTable,
    hook: Hook,
    packet: Packet,
    env: &mut Env<'_>,
    state: &mut SetState,
) -> Outcome {
    run_hook_in(table.table(), table.index(), hook, packet, env, state)
}

fn run_hook_in(
    table: &Table,
    index: &TableIndex,
    hook: Hook,
    packet: Packet,
    env: &mut Env<'_>,
    state: &mut SetState,
) -> Outcome {
    let mut out = Outcome::new(packet);
    for chain in index.base_chains(table, hook) {
        let base = chain.base.as_ref().expect("base chains have a base");
        if base.kind == ChainType::Nat
            && (out.packet.ct_state != CtState::New
                || out.dnat.is_some()
                || out.masquerade.is_some())
        {
            continue;
        }
        let (next, _policy) = run_chain_in(table, index, chain, out.packet, env, state);
        out.absorb(next);
        if out.verdict != Final::Accept {
            break;
        }
    }
    out
}

/// Runs `packet` through one base chain of `table` (without asking
/// whether its hook or type applies: the caller orders a hook's chains).
/// The second value says whether the verdict is the chain's policy (the
/// packet fell off its end).
pub fn run_chain(
    table: &Table,
    chain: &Chain,
    packet: Packet,
    env: &mut Env<'_>,
    state: &mut SetState,
) -> (Outcome, bool) {
    run_chain_in(table, &TableIndex::new(table), chain, packet, env, state)
}

/// [`run_chain`] on an indexed table.
pub fn run_chain_indexed(
    table: &IndexedTable,
    chain: &Chain,
    packet: Packet,
    env: &mut Env<'_>,
    state: &mut SetState,
) -> (Outcome, bool) {
    run_chain_in(table.table(), table.index(), chain, packet, env, state)
}

fn run_chain_in(
    table: &Table,
    index: &TableIndex,
    chain: &Chain,
    packet: Packet,
    env: &mut Env<'_>,
    state: &mut SetState,
) -> (Outcome, bool) {
    let mut run = Run {
        table,
        index,
        env,
        state,
        out: Outcome::new(packet),
        returning: false,
    };
    let flow = run.chain(&chain.name, 0);
    let policy = chain
        .base
        .as_ref()
        .and_then(|b| b.policy)
        .unwrap_or(Policy::Accept);
    let (verdict, by_policy) = match flow {
        Flow::Continue => match policy {
            Policy::Drop => (Final::Drop, true),
            Policy::Accept => (Final::Accept, true),
        },
        Flow::Accept => (Final::Accept, false),
        Flow::Drop => (Final::Drop, false),
        Flow::Reject => (Final::Reject, false),
    };
    run.out.verdict = verdict;
    (run.out, by_policy)
}

impl Outcome {
    fn new(packet: Packet) -> Outcome {
        Outcome {
            verdict: Final::Accept,
            packet,
            dnat: None,
            masquerade: None,
            set_updates: Vec::new(),
            hits: Vec::new(),
            rules_evaluated: 0,
        }
    }

    /// Adds what a later base chain of the same hook did.
    fn absorb(&mut self, next: Outcome) {
        self.verdict = next.verdict;
        self.packet = next.packet;
        self.dnat = self.dnat.or(next.dnat);
        self.masquerade = self.masquerade.or(next.masquerade);
        self.set_updates.extend(next.set_updates);
        self.hits.extend(next.hits);
        self.rules_evaluated += next.rules_evaluated;
    }
}

impl Run<'_, '_> {
    fn value_of(&mut self, sel: Selector) -> Option<Value> {
        let p = &self.out.packet;
        let fam_ok = |fam: Family, a: IpAddr| match fam {
            Family::Ip => a.is_ipv4(),
            Family::Ip6 => a.is_ipv6(),
        };
        Some(match sel {
            Selector::Saddr(f) => {
                if !fam_ok(f, p.saddr) {
                    return None;
                }
                Value::Addr(p.saddr)
            }
            Selector::Daddr(f) => {
                if !fam_ok(f, p.daddr) {
                    return None;
                }
                Value::Addr(p.daddr)
            }
            Selector::L4Proto => Value::Proto(p.proto),
            // On ICMP the kernel reads the header's checksum there; the
            // model has none, so nothing compares equal. Every rule of
            // kube-proxy's that reads `th dport` also keys on `meta
            // l4proto`, which no ICMP packet matches either way.
            Selector::ThDport if p.proto == L4Proto::Icmp => return None,
            Selector::ThDport => Value::Num(u64::from(p.dport)),
            Selector::Dport(proto) => {
                if proto != p.proto {
                    return None;
                }
                Value::Num(u64::from(p.dport))
            }
            Selector::CtState => Value::Name(p.ct_state.as_str().to_string()),
            Selector::FibSaddrType => Value::Name(self.addr_type(p.saddr).into()),
            Selector::FibDaddrType => Value::Name(self.addr_type(p.daddr).into()),
            Selector::NumgenRandom(n) => {
                let k = self.env.chooser.pick(n.max(1));
                Value::Num(u64::from(k.min(n.saturating_sub(1))))
            }
            Selector::Mark => Value::Num(u64::from(p.mark)),
        })
    }

    fn addr_type(&self, a: IpAddr) -> &'static str {
        if (self.env.is_local)(a) {
            "local"
        } else {
            "unicast"
        }
    }

    fn key_of(&mut self, key: &[Selector]) -> Option<Vec<Value>> {
        key.iter().map(|s| self.value_of(*s)).collect()
    }

    fn in_set(&self, name: &str, vals: &[Value]) -> bool {
        let matches =
            |k: &[Value]| k.len() == vals.len() && k.iter().zip(vals).all(|(a, b)| a.matches(b));
        let stat = self.index.element(self.table, name, vals).is_some();
        stat || self.state.added.get(name).is_some_and(|v| {
            v.iter()
                .any(|(k, expires)| matches(k) && expires.is_none_or(|e| self.env.now < e))
        })
    }

    fn chain(&mut self, name: &str, depth: usize) -> Flow {
        if depth > MAX_DEPTH {
            return Flow::Drop;
        }
        let Some(chain) = self.index.chain(self.table, name) else {
            return Flow::Drop;
        };
        for (i, rule) in chain.rules.iter().enumerate() {
            self.out.rules_evaluated += 1;
            match self.rule(name, i, rule, depth) {
                Flow::Continue if self.returning => {
                    self.returning = false;
                    return Flow::Continue;
                }
                Flow::Continue => {}
                f => return f,
            }
        }
        Flow::Continue
    }

    fn hit(&mut self, chain: &str, i: usize, rule: &Rule, element: Option<String>, effect: Effect) {
        self.out.hits.push(Hit {
            chain: chain.to_string(),
            rule: i,
            text: rule.to_string(),
            comment: rule.comment.clone(),
            element,
            effect,
        });
    }

    /// What the rule recorded last did, when a later statement of it
    /// decides (a verdict, NAT, a mark over a mere count).
    fn effect(&mut self, e: Effect) {
        if let Some(h) = self.out.hits.last_mut() {
            if e != Effect::Count && !(matches!(e, Effect::MarkSet(_)) && h.effect != Effect::Count)
            {
                h.effect = e;
            }
        }
    }

    /// One rule. `Continue` goes on with the next rule of the chain (a
    /// failed match, or a jump that came back) unless `returning` is set.
    fn rule(&mut self, chain: &str, i: usize, rule: &Rule, depth: usize) -> Flow {
        let mut recorded = false;
        for e in &rule.exprs {
            let verdict: Option<Verdict> = match e {
                Expr::Match { key, op, rhs } => {
                    let Some(vals) = self.key_of(key) else {
                        return Flow::Continue;
                    };
                    let found = match rhs {
                        Rhs::Value(v) => {
                            v.len() == vals.len() && v.iter().zip(&vals).all(|(a, b)| a.matches(b))
                        }
                        Rhs::AnonSet(v, _) => {
                            vals.len() == 1 && v.iter().any(|a| a.matches(&vals[0]))
                        }
                        Rhs::Set(name) => self.in_set(name, &vals),
                    };
                    if found != (*op == CmpOp::Eq) {
                        return Flow::Continue;
                    }
                    None
                }
                Expr::MarkAnd { mask, op, value } => {
                    let eq = self.out.packet.mark & mask.value == *value;
                    if eq != (*op == CmpOp::Eq) {
                        return Flow::Continue;
                    }
                    None
                }
                Expr::VmapNamed { key, map } => {
                    let Some(vals) = self.key_of(key) else {
                        return Flow::Continue;
                    };
                    let found = self.index.element(self.table, map, &vals);
                    let Some(el) = found else {
                        return Flow::Continue;
                    };
                    let Some(v) = el.value.clone() else {
                        return Flow::Continue;
                    };
                    self.hit(chain, i, rule, Some(el.text()), verdict_effect(&v));
                    recorded = true;
                    Some(v)
                }
                Expr::VmapInline { key, entries } => {
                    let Some(vals) = self.key_of(key) else {
                        return Flow::Continue;
                    };
                    let Some((k, v)) = entries
                        .iter()
                        .find(|(k, _)| vals.len() == 1 && k.matches(&vals[0]))
                    else {
                        return Flow::Continue;
                    };
                    self.hit(
                        chain,
                        i,
                        rule,
                        Some(format!("{k} : {v}")),
                        verdict_effect(v),
                    );
                    recorded = true;
                    Some(v.clone())
                }
                stmt => {
                    if !recorded {
                        self.hit(chain, i, rule, None, Effect::Count);
                        recorded = true;
                    }
                    match stmt {
                        Expr::MarkSet(m) => {
                            let mark = &mut self.out.packet.mark;
                            *mark = match m {
                                MarkSet::Value(v) => v.value,
                                MarkSet::Or(v) => *mark | v.value,
                                MarkSet::And(v) => *mark & v.value,
                                MarkSet::Xor(v) => *mark ^ v.value,
                            };
                            self.effect(Effect::MarkSet(*m));
                            None
                        }
                        Expr::Dnat { addr, port } => {
                            self.out.dnat = Some((*addr, *port));
                            self.out.packet.daddr = *addr;
                            if let Some(p) = port {
                                self.out.packet.dport = *p;
                            }
                            if let IpAddr::V4(a) = addr {
                                let to = std::net::SocketAddrV4::new(
                                    *a,
                                    port.unwrap_or(self.out.packet.dport),
                                );
                                self.effect(Effect::Nat(NatAction::Dnat(to)));
                            }
                            return Flow::Accept;
                        }
                        Expr::Masquerade { fully_random } => {
                            self.out.masquerade = Some(*fully_random);
                            self.effect(Effect::Nat(NatAction::Masquerade {
                                random_fully: *fully_random,
                            }));
                            return Flow::Accept;
                        }
                        Expr::Update { set, key } => {
                            if let Some(vals) = self.key_of(key) {
                                let expires = self
                                    .index
                                    .set(self.table, set)
                                    .and_then(|s| s.timeout)
                                    .map(|t| self.env.now + u64::from(t));
                                let v = self.state.added.entry(set.clone()).or_default();
                                match v.iter_mut().find(|(k, _)| *k == vals) {
                                    Some(e) => e.1 = expires,
                                    None => v.push((vals.clone(), expires)),
                                }
                                self.out.set_updates.push((set.clone(), vals));
                            }
                            None
                        }
                        Expr::Counter => None,
                        Expr::Reject => {
                            self.effect(Effect::Reject);
                            return Flow::Reject;
                        }
                        Expr::Verdict(v) => {
                            self.effect(verdict_effect(v));
                            Some(v.clone())
                        }
                        _ => None,
                    }
                }
            };
            if let Some(v) = verdict {
                return match v {
                    Verdict::Accept => Flow::Accept,
                    Verdict::Drop => Flow::Drop,
                    // `return` ends the current chain (see `returning`).
                    Verdict::Return => self.returned(),
                    Verdict::Jump(c) => match self.chain(&c, depth + 1) {
                        Flow::Continue => Flow::Continue,
                        f => f,
                    },
                    Verdict::Goto(c) => match self.chain(&c, depth + 1) {
                        Flow::Continue => self.returned(),
                        f => f,
                    },
                };
            }
        }
        if !recorded {
            self.hit(chain, i, rule, None, Effect::Count);
        }
        Flow::Continue
    }

    /// Ends the current chain: back to the last `jump`.
    fn returned(&mut self) -> Flow {
        self.returning = true;
        Flow::Continue
    }
}

/// A verdict as the neutral [`Effect`].
fn verdict_effect(v: &Verdict) -> Effect {
    match v {
        Verdict::Accept => Effect::Accept,
        Verdict::Drop => Effect::Drop,
        Verdict::Return => Effect::Return,
        Verdict::Jump(c) => Effect::Jump(c.clone()),
        Verdict::Goto(c) => Effect::Goto(c.clone()),
    }
}
