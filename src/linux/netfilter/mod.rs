//! Netfilter: runs a node's [`Ruleset`] on one packet at one hook, the way
//! the Linux kernel runs iptables (`ipt_do_table`).
//!
//! - At each hook the tables are consulted in the kernel's priority order
//!   ([`tables`]): raw (-300), conntrack (-200), mangle (-150), nat for
//!   destination NAT (-100), filter (0), nat for source NAT (+100).
//! - Within a table, evaluation starts at the hook's built-in chain. A jump
//!   enters a user chain; `RETURN` or the end of a user chain comes back to
//!   the rule after the jump; `RETURN` in, or the end of, a built-in chain
//!   applies its policy.
//! - `ACCEPT` ends the table (the next table at the hook still runs);
//!   `DROP` and `REJECT` end the hook. `DNAT`, `SNAT` and `MASQUERADE` end
//!   the nat table with a [`NatAction`] that the caller applies through
//!   conntrack; `MARK` changes the packet's mark and evaluation goes on.
//! - The nat table sees only the first packet of a connection
//!   (`ctx.ct_state == New`); later packets and replies are translated by
//!   conntrack, so the nat table is skipped for them.
//! - A rule's IP-header matches (`-s`, `-d`, `-p`) are tested before its
//!   `-m` matches, which are tested in the order written and stop at the
//!   first that fails, as the kernel does (this decides whether `-m
//!   statistic` draws a number and `-m recent --set` records an address).
//!
//! The packet is never rewritten in the result: a DNAT at OUTPUT is applied
//! to the copy the later filter table sees (as the kernel's filter/OUTPUT
//! sees the translated packet), but [`HookResult::packet`] keeps the
//! original addresses, with only mark changes.

mod backends;
mod chooser;
pub mod iptables;
pub mod nftables;
mod recent;

pub use chooser::{
    enumerate, match_probability, pick_count, pick_probability, Branch, Chooser, ConstChooser,
    Decision, ScriptedChooser, SeededChooser,
};
pub use recent::{Recent, LIST_CAPACITY};

use crate::linux::conntrack::CtState;
use crate::linux::packet::Packet;
use iptables::{MarkOp, TableName};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

/// A netfilter hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Hook {
    Prerouting,
    Input,
    Forward,
    Output,
    Postrouting,
}

impl Hook {
    pub const ALL: [Hook; 5] = [
        Hook::Prerouting,
        Hook::Input,
        Hook::Forward,
        Hook::Output,
        Hook::Postrouting,
    ];

    /// The built-in chain of this hook, in every table that has one.
    pub fn chain_name(self) -> &'static str {
        match self {
            Hook::Prerouting => "PREROUTING",
            Hook::Input => "INPUT",
            Hook::Forward => "FORWARD",
            Hook::Output => "OUTPUT",
            Hook::Postrouting => "POSTROUTING",
        }
    }
}

impl Hook {
    /// The hook as `nft` names it in a base chain (`prerouting`).
    pub fn nft_name(self) -> &'static str {
        match self {
            Hook::Prerouting => "prerouting",
            Hook::Input => "input",
            Hook::Forward => "forward",
            Hook::Output => "output",
            Hook::Postrouting => "postrouting",
        }
    }
}

impl fmt::Display for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.chain_name())
    }
}

/// A node's netfilter backends: what its hooks run. iptables (as
/// `iptables-nft` or legacy iptables would load it) and one nftables table
/// can sit side by side, each shared (`Arc`) by the nodes that have the
/// same rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataplane {
    pub iptables: Option<Arc<iptables::IndexedRuleset>>,
    pub nftables: Option<Arc<nftables::IndexedTable>>,
}

/// What the kernel remembers between packets for the rules: `-m recent`
/// lists and the elements nft's `update @set` added (affinity sets).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    pub recent: Recent,
    pub sets: nftables::eval::SetState,
}

/// Which backend a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backend {
    Iptables,
    Nftables,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Iptables => "iptables",
            Backend::Nftables => "nftables",
        }
    }
}

/// The table a rule is in: an iptables table, or an nftables table
/// (`ip kube-proxy`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TableId {
    Iptables(TableName),
    Nftables {
        family: nftables::Family,
        name: String,
    },
}

impl TableId {
    pub fn backend(&self) -> Backend {
        match self {
            TableId::Iptables(_) => Backend::Iptables,
            TableId::Nftables { .. } => Backend::Nftables,
        }
    }
}

impl PartialEq<TableName> for TableId {
    fn eq(&self, other: &TableName) -> bool {
        matches!(self, TableId::Iptables(t) if t == other)
    }
}

impl fmt::Display for TableId {
    /// `nat` (iptables), `ip kube-proxy` (nftables, as `nft list table`
    /// names it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableId::Iptables(t) => f.write_str(t.as_str()),
            TableId::Nftables { family, name } => write!(f, "{} {name}", family.as_str()),
        }
    }
}

/// Runs what every backend of `dp` has at `hook` on `packet`, in the
/// kernel's priority order. A node with only iptables runs its tables at
/// their fixed priorities ([`iptables::tables`]); one with only nftables
/// runs its base chains in priority order ([`nftables::Table::base_chains`]);
/// with both, every iptables table and nft base chain is placed at its
/// priority (raw -300, mangle -150, filter 0; nft chains as declared), and
/// the nat ones (iptables' nat table at -100 for PREROUTING/OUTPUT, +100
/// for INPUT/POSTROUTING; nft `type nat` chains at their priority) run
/// together where the kernel's NAT core sits (-100 or +100), in their own
/// priority order, until one of them sets up the NAT (`nf_nat_inet_fn`).
/// Ties: the one registered last runs first (`nf_hook_entries_grow`
/// inserts a hook before any of equal priority); the iptables tables count
/// as registered at boot, before kube-proxy's nft table, whose chains are
/// registered in creation order. A node with no backend accepts
/// everything and evaluates no rule.
pub fn run_hook(
    dp: &Dataplane,
    hook: Hook,
    packet: &Packet,
    ctx: &Ctx,
    memory: &mut Memory,
    chooser: &mut dyn Chooser,
) -> HookResult {
    match (&dp.iptables, &dp.nftables) {
        (Some(rs), None) => {
            iptables::run_hook_indexed(rs, hook, packet, ctx, &mut memory.recent, chooser)
        }
        (None, None) => HookResult {
            verdict: Verdict::Accept,
            nat: None,
            packet: *packet,
            hits: Vec::new(),
            rules_evaluated: 0,
        },
        (ipt, Some(nft)) => backends::run(ipt.as_deref(), nft, hook, packet, ctx, memory, chooser),
    }
}

/// NAT already done on the packet's connection: what `--ctstate DNAT` and
/// `--ctstate SNAT` test (the conntrack entry's `IPS_DST_NAT` /
/// `IPS_SRC_NAT` status bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CtNat {
    pub dnat: bool,
    pub snat: bool,
}

/// What the evaluator needs to know besides the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx<'a> {
    /// The node's own addresses, for `-m addrtype LOCAL`. The whole of
    /// 127.0.0.0/8 counts as local whether listed or not (the kernel's
    /// `local 127.0.0.0/8 dev lo` route).
    pub local_addrs: &'a [Ipv4Addr],
    /// The packet's conntrack state: `New` for a connection's first
    /// packet, `Established` for later ones and replies.
    pub ct_state: CtState,
    /// Seconds, for `-m recent`.
    pub now: u64,
    /// NAT already set up for the connection (by an earlier hook or node
    /// state); a DNAT done by this hook's nat table is added for the
    /// tables after it.
    pub ct_nat: CtNat,
}

impl<'a> Ctx<'a> {
    pub fn new(local_addrs: &'a [Ipv4Addr], ct_state: CtState, now: u64) -> Ctx<'a> {
        Ctx {
            local_addrs,
            ct_state,
            now,
            ct_nat: CtNat::default(),
        }
    }

    /// `-m addrtype --*-type LOCAL`.
    pub fn is_local(&self, ip: Ipv4Addr) -> bool {
        ip.is_loopback() || self.local_addrs.contains(&ip)
    }
}

/// How the hook ends for the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Drop,
    /// `-j REJECT` as kube-proxy writes it: answered with ICMP port
    /// unreachable (the default `--reject-with`, for TCP too).
    Reject,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "ACCEPT",
            Verdict::Drop => "DROP",
            Verdict::Reject => "REJECT",
        }
    }
}

/// A translation chosen by the nat table, for the caller to apply (and
/// record in conntrack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatAction {
    Dnat(SocketAddrV4),
    Snat(Ipv4Addr),
    /// SNAT to the address of the interface the packet leaves by.
    Masquerade {
        random_fully: bool,
    },
}

impl fmt::Display for NatAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NatAction::Dnat(to) => write!(f, "DNAT to {to}"),
            NatAction::Snat(to) => write!(f, "SNAT to {to}"),
            NatAction::Masquerade {
                random_fully: false,
            } => f.write_str("MASQUERADE"),
            NatAction::Masquerade { random_fully: true } => {
                f.write_str("MASQUERADE --random-fully")
            }
        }
    }
}

/// What a rule that matched did (or a chain's policy), as data: the
/// engine's `say` words it in each language; `Display` is the English
/// the CLI and the JSON show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// A rule without a target: counted, and evaluation goes on.
    Count,
    Accept,
    Drop,
    /// Answered with ICMP port unreachable.
    Reject,
    Return,
    /// Entered the named chain.
    Jump(String),
    /// Went on in the named chain, not to come back (nft `goto`).
    Goto(String),
    /// A jump to a chain that does not exist: ignored.
    NoSuchChain(String),
    /// A jump nested too deep (a loop): the packet is dropped.
    Loop(String),
    Mark(MarkOp),
    /// nft `mark set …`.
    MarkSet(nftables::MarkSet),
    Nat(NatAction),
    /// A built-in chain's policy applied.
    Policy(Verdict),
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Count => f.write_str("no target: count and continue"),
            Effect::Accept => f.write_str("ACCEPT"),
            Effect::Drop => f.write_str("DROP"),
            Effect::Reject => f.write_str("REJECT with icmp-port-unreachable"),
            Effect::Return => f.write_str("RETURN"),
            Effect::Jump(c) => write!(f, "jump {c}"),
            Effect::Goto(c) => write!(f, "goto {c}"),
            Effect::NoSuchChain(c) => write!(f, "jump {c}: no such chain, ignored"),
            Effect::Loop(c) => write!(f, "jump {c}: chain loop, dropped"),
            Effect::Mark(op) => write!(f, "MARK {op}"),
            Effect::MarkSet(m) => f.write_str(&nftables::Expr::MarkSet(*m).to_string()),
            Effect::Nat(a) => a.fmt(f),
            Effect::Policy(v) => write!(f, "policy {}", v.as_str()),
        }
    }
}

impl Effect {
    /// The effect as `backend`'s tool words it: [`Display`](fmt::Display)
    /// for iptables (`ACCEPT`, `DNAT to …`), nft's statements for
    /// nftables (`accept`, `goto …`, `dnat to …`, `masquerade
    /// fully-random`, `policy accept`).
    pub fn text(&self, backend: Backend) -> String {
        if backend == Backend::Iptables {
            return self.to_string();
        }
        match self {
            Effect::Count => "no verdict: continue".into(),
            Effect::Accept => "accept".into(),
            Effect::Drop => "drop".into(),
            Effect::Reject => "reject (icmp port-unreachable)".into(),
            Effect::Return => "return".into(),
            Effect::Nat(NatAction::Dnat(to)) => format!("dnat to {to}"),
            Effect::Nat(NatAction::Snat(to)) => format!("snat to {to}"),
            Effect::Nat(NatAction::Masquerade { random_fully }) => {
                if *random_fully {
                    "masquerade fully-random".into()
                } else {
                    "masquerade".into()
                }
            }
            Effect::Policy(v) => format!("policy {}", v.as_str().to_ascii_lowercase()),
            other => other.to_string(),
        }
    }
}

/// One rule that matched (or a built-in or base chain's policy that
/// applied), in either backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHit {
    /// The table, and through it the backend ([`TableId::backend`]).
    pub table: TableId,
    pub chain: String,
    /// 1-based within the chain, as `iptables -L --line-numbers` (nft: the
    /// rule's position in its chain); 0 for the chain's policy.
    pub index: usize,
    /// As the tool is fed it: `-A CHAIN spec` (`-P CHAIN POLICY` for a
    /// policy); nft: `add rule FAMILY TABLE CHAIN …` (`add chain …` for a
    /// base chain's policy).
    pub rule: String,
    /// The rule's comment (`-m comment --comment`, nft `comment`), if any.
    pub comment: Option<String>,
    /// nft verdict maps and inline vmaps: the element that matched, as
    /// `KEY : VERDICT` (`10.3.0.10 . tcp . 80 : goto service-…`).
    pub element: Option<String>,
    /// What it did.
    pub effect: Effect,
}

impl RuleHit {
    pub fn is_policy(&self) -> bool {
        self.index == 0
    }

    pub fn backend(&self) -> Backend {
        self.table.backend()
    }

    /// What it did, in its backend's words ([`Effect::text`]).
    pub fn effect_text(&self) -> String {
        self.effect.text(self.backend())
    }
}

/// What one hook did to one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookResult {
    pub verdict: Verdict,
    /// The translation the nat table chose (first packet only).
    pub nat: Option<NatAction>,
    /// The packet with mark changes applied; addresses untranslated.
    pub packet: Packet,
    /// Every rule that matched, in order, jumps and the final verdict or
    /// built-in policy included.
    pub hits: Vec<RuleHit>,
    /// Every rule looked at, matched or not: what the kernel traversed.
    pub rules_evaluated: usize,
}

impl HookResult {
    /// The DNAT destination, if the nat table chose one.
    pub fn dnat(&self) -> Option<SocketAddrV4> {
        match self.nat {
            Some(NatAction::Dnat(to)) => Some(to),
            _ => None,
        }
    }

    /// The packet as the hook leaves it when the NAT chosen here is
    /// applied (MASQUERADE needs the egress address, so it is left out).
    pub fn translated(&self) -> Packet {
        let mut p = self.packet;
        match self.nat {
            Some(NatAction::Dnat(to)) => p.dst = to,
            Some(NatAction::Snat(ip)) => p.src = SocketAddrV4::new(ip, p.src.port()),
            _ => {}
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::iptables::{run_hook, tables, Ruleset, TableName};
    use super::*;
    use crate::linux::packet::Protocol;

    fn rs(text: &str) -> Ruleset {
        Ruleset::from_iptables_restore(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn tcp(src: &str, dst: &str) -> Packet {
        Packet::new(Protocol::Tcp, src.parse().unwrap(), dst.parse().unwrap())
    }

    const LOCAL: [Ipv4Addr; 1] = [Ipv4Addr::new(10, 100, 0, 2)];

    fn run_state(r: &Ruleset, hook: Hook, p: &Packet, state: CtState) -> HookResult {
        let ctx = Ctx::new(&LOCAL, state, 0);
        run_hook(
            r,
            hook,
            p,
            &ctx,
            &mut Recent::new(),
            &mut ConstChooser(true),
        )
    }

    fn run(r: &Ruleset, hook: Hook, p: &Packet) -> HookResult {
        run_state(r, hook, p, CtState::New)
    }

    fn effects(h: &HookResult) -> Vec<String> {
        h.hits
            .iter()
            .map(|x| format!("{} {}#{} {}", x.table, x.chain, x.index, x.effect))
            .collect()
    }

    #[test]
    fn table_order_per_hook() {
        assert_eq!(
            tables(Hook::Output),
            [
                TableName::Raw,
                TableName::Mangle,
                TableName::Nat,
                TableName::Filter
            ]
        );
        assert_eq!(
            tables(Hook::Input),
            [TableName::Mangle, TableName::Filter, TableName::Nat]
        );
        // Counter rules in every table: they are hit in kernel order,
        // whatever order the tables are listed in.
        let mut text = String::new();
        for t in ["filter", "nat", "mangle", "raw"] {
            text.push_str(&format!("*{t}\n"));
            for h in Hook::ALL {
                if tables(h).iter().any(|x| x.as_str() == t) {
                    text.push_str(&format!(
                        ":{h} ACCEPT [0:0]\n-A {h} -m comment --comment {t}\n"
                    ));
                }
            }
            text.push_str("COMMIT\n");
        }
        let r = rs(&text);
        let p = tcp("10.0.1.2:1000", "10.0.2.2:80");
        for h in Hook::ALL {
            let res = run(&r, h, &p);
            let order: Vec<TableId> = res
                .hits
                .iter()
                .filter(|x| !x.is_policy())
                .map(|x| x.table.clone())
                .collect();
            let want: Vec<TableId> = tables(h).iter().map(|t| TableId::Iptables(*t)).collect();
            assert_eq!(order, want, "{h}");
            assert_eq!(res.rules_evaluated, tables(h).len(), "{h}");
            assert_eq!(res.verdict, Verdict::Accept);
            assert!(res.hits.iter().all(|x| x
                .rule
                .starts_with(&format!("-{}", if x.is_policy() { 'P' } else { 'A' }))));
        }
    }

    #[test]
    fn jumps_returns_and_policies() {
        let r = rs("*filter
:INPUT DROP [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A INPUT -s 10.0.0.0/8 -j B
-A INPUT -m comment --comment after
-A A -s 10.0.1.2 -j RETURN
-A A -m comment --comment in-A
-A B -j ACCEPT
COMMIT
");
        // 10.0.1.2: A returns early, B accepts.
        let res = run(&r, Hook::Input, &tcp("10.0.1.2:1", "10.100.0.2:80"));
        assert_eq!(
            effects(&res),
            [
                "filter INPUT#1 jump A",
                "filter A#1 RETURN",
                "filter INPUT#2 jump B",
                "filter B#1 ACCEPT",
            ]
        );
        assert_eq!(res.verdict, Verdict::Accept);
        assert_eq!(res.rules_evaluated, 4);
        // 10.0.1.3 falls off A, then B accepts.
        let res = run(&r, Hook::Input, &tcp("10.0.1.3:1", "10.100.0.2:80"));
        assert_eq!(res.hits[2].effect.to_string(), "jump B");
        assert_eq!(res.rules_evaluated, 5);
        // Outside 10/8: off A, skip B, counter, then the DROP policy.
        let res = run(&r, Hook::Input, &tcp("192.0.2.1:1", "10.100.0.2:80"));
        assert_eq!(
            effects(&res),
            [
                "filter INPUT#1 jump A",
                "filter A#2 no target: count and continue",
                "filter INPUT#3 no target: count and continue",
                "filter INPUT#0 policy DROP",
            ]
        );
        assert_eq!(res.hits[3].rule, "-P INPUT DROP");
        assert_eq!(res.hits[0].rule, "-A INPUT -j A");
        assert_eq!(res.verdict, Verdict::Drop);
        assert_eq!(res.rules_evaluated, 5);
    }

    #[test]
    fn return_in_builtin_applies_policy() {
        let r = rs("*filter
:OUTPUT DROP [0:0]
-A OUTPUT -j RETURN
-A OUTPUT -j ACCEPT
COMMIT
");
        let res = run(&r, Hook::Output, &tcp("10.0.1.2:1", "10.0.2.2:80"));
        assert_eq!(res.verdict, Verdict::Drop);
        assert_eq!(res.rules_evaluated, 1);
        assert_eq!(res.hits.last().unwrap().effect.to_string(), "policy DROP");
    }

    #[test]
    fn accept_ends_the_table_only_drop_ends_the_hook() {
        let r = rs("*mangle
:OUTPUT ACCEPT [0:0]
-A OUTPUT -j ACCEPT
-A OUTPUT -j DROP
COMMIT
*filter
:OUTPUT ACCEPT [0:0]
:X - [0:0]
-A OUTPUT -j X
-A OUTPUT -j ACCEPT
-A X -d 10.0.2.2 -j REJECT
COMMIT
*nat
:OUTPUT ACCEPT [0:0]
-A OUTPUT -j DROP
COMMIT
");
        let res = run(&r, Hook::Output, &tcp("10.0.1.2:1", "10.0.2.3:80"));
        assert_eq!(res.verdict, Verdict::Drop);
        // mangle ACCEPT, then nat DROP; filter never runs.
        assert_eq!(res.rules_evaluated, 2);
        assert_eq!(
            effects(&res),
            ["mangle OUTPUT#1 ACCEPT", "nat OUTPUT#1 DROP"]
        );
        // Established: nat skipped, filter runs; 10.0.2.3 is accepted.
        let res = run_state(
            &r,
            Hook::Output,
            &tcp("10.0.1.2:1", "10.0.2.3:80"),
            CtState::Established,
        );
        assert_eq!(res.verdict, Verdict::Accept);
        assert_eq!(res.rules_evaluated, 1 + 3);
        let res = run_state(
            &r,
            Hook::Output,
            &tcp("10.0.1.2:1", "10.0.2.2:80"),
            CtState::Established,
        );
        assert_eq!(res.verdict, Verdict::Reject);
        assert_eq!(res.hits.last().unwrap().chain, "X");
    }

    #[test]
    fn nat_is_terminal_and_only_for_new() {
        let r = rs("*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m comment --comment first
-A PREROUTING -d 10.3.240.10 -j DNAT --to-destination 10.0.2.2:8080
-A PREROUTING -j DNAT --to-destination 10.0.3.3:8080
COMMIT
");
        let p = tcp("10.0.1.2:1", "10.3.240.10:80");
        let res = run(&r, Hook::Prerouting, &p);
        assert_eq!(
            res.nat,
            Some(NatAction::Dnat("10.0.2.2:8080".parse().unwrap()))
        );
        assert_eq!(res.dnat(), Some("10.0.2.2:8080".parse().unwrap()));
        assert_eq!(res.packet.dst, p.dst, "NAT is not applied to the result");
        assert_eq!(res.translated().dst, "10.0.2.2:8080".parse().unwrap());
        assert_eq!(res.rules_evaluated, 2);
        assert_eq!(
            res.hits.last().unwrap().effect.to_string(),
            "DNAT to 10.0.2.2:8080"
        );
        for st in [CtState::Established, CtState::Related, CtState::Invalid] {
            let res = run_state(&r, Hook::Prerouting, &p, st);
            assert_eq!(res.nat, None);
            assert_eq!(res.rules_evaluated, 0);
            assert!(res.hits.is_empty());
        }
    }

    #[test]
    fn filter_after_nat_at_output_sees_the_dnat() {
        let r = rs("*nat
:OUTPUT ACCEPT [0:0]
-A OUTPUT -d 1.2.3.4 -j DNAT --to-destination 10.0.2.2:8080
COMMIT
*filter
:OUTPUT ACCEPT [0:0]
-A OUTPUT -d 1.2.3.4 -j DROP
-A OUTPUT -m conntrack --ctstate DNAT -m comment --comment dnat-seen
-A OUTPUT -d 10.0.2.2 -p tcp -m tcp --dport 8080 -j ACCEPT
COMMIT
");
        let res = run(&r, Hook::Output, &tcp("10.100.0.2:1", "1.2.3.4:80"));
        assert_eq!(res.verdict, Verdict::Accept);
        assert_eq!(
            res.hits[1].rule,
            "-A OUTPUT -m conntrack --ctstate DNAT -m comment --comment dnat-seen"
        );
        assert_eq!(res.hits[2].effect.to_string(), "ACCEPT");
        assert_eq!(res.packet.dst, "1.2.3.4:80".parse().unwrap());
        // Without the nat table (a later packet), the DROP applies.
        let res = run_state(
            &r,
            Hook::Output,
            &tcp("10.100.0.2:1", "1.2.3.4:80"),
            CtState::Established,
        );
        assert_eq!(res.verdict, Verdict::Drop);
        // ... unless conntrack says the connection was DNATed.
        let ctx = Ctx {
            ct_nat: CtNat {
                dnat: true,
                snat: false,
            },
            ..Ctx::new(&LOCAL, CtState::Established, 0)
        };
        let res = run_hook(
            &r,
            Hook::Output,
            &tcp("10.100.0.2:1", "10.0.2.2:8080"),
            &ctx,
            &mut Recent::new(),
            &mut ConstChooser(true),
        );
        assert_eq!(res.hits.len(), 2);
        assert_eq!(res.hits[0].index, 2);
    }

    #[test]
    fn marks() {
        let r = rs("*nat
:POSTROUTING ACCEPT [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
-A POSTROUTING -s 10.0.1.0/24 -j KUBE-MARK-MASQ
-A POSTROUTING -j MARK --set-xmark 0x10/0xf0
-A POSTROUTING -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully
COMMIT
");
        let mut p = tcp("10.0.1.2:1", "10.0.2.2:80");
        p.mark = 0xff;
        let res = run(&r, Hook::Postrouting, &p);
        assert_eq!(res.nat, Some(NatAction::Masquerade { random_fully: true }));
        // 0xff | 0x4000, set-xmark 0x10/0xf0 -> 0x401f, xor 0x4000 -> 0x1f.
        assert_eq!(res.packet.mark, 0x1f);
        assert_eq!(
            effects(&res),
            [
                "nat POSTROUTING#1 jump KUBE-MARK-MASQ",
                "nat KUBE-MARK-MASQ#1 MARK or 0x4000",
                "nat POSTROUTING#2 MARK set-xmark 0x10/0xf0",
                "nat POSTROUTING#3 jump KUBE-POSTROUTING",
                "nat KUBE-POSTROUTING#2 MARK xor 0x4000",
                "nat KUBE-POSTROUTING#3 MASQUERADE --random-fully",
            ]
        );
        // Unmarked: RETURN from KUBE-POSTROUTING, then the policy.
        let res = run(&r, Hook::Postrouting, &tcp("10.0.3.2:1", "10.0.2.2:80"));
        assert_eq!(res.nat, None);
        assert_eq!(res.packet.mark, 0x10);
        assert_eq!(res.hits[res.hits.len() - 2].effect.to_string(), "RETURN");
        assert_eq!(res.hits.last().unwrap().effect.to_string(), "policy ACCEPT");
        assert_eq!(res.rules_evaluated, 4);
    }

    #[test]
    fn header_matches_come_before_extensions() {
        // The statistic match is written first, but -s is tested first:
        // a packet from elsewhere draws no random number.
        let r = rs("*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m statistic --mode random --probability 0.5000000000 -s 10.0.1.2 -j DNAT --to-destination 10.0.2.2:80
-A PREROUTING -m recent --name L --set -p udp -j ACCEPT
COMMIT
");
        let ctx = Ctx::new(&LOCAL, CtState::New, 5);
        let mut recent = Recent::new();
        let mut c = ScriptedChooser::new(vec![]);
        let res = run_hook(
            &r,
            Hook::Prerouting,
            &tcp("10.0.9.9:1", "10.3.0.1:80"),
            &ctx,
            &mut recent,
            &mut c,
        );
        assert!(c.decisions().is_empty());
        assert_eq!(res.nat, None);
        // Not UDP: the recent list is not touched either.
        assert!(recent.is_empty());
        let res = run_hook(
            &r,
            Hook::Prerouting,
            &tcp("10.0.1.2:1", "10.3.0.1:80"),
            &ctx,
            &mut recent,
            &mut c,
        );
        assert_eq!(c.decisions().len(), 1);
        assert!(res.nat.is_some());
        let udp = Packet::new(
            Protocol::Udp,
            "10.0.9.9:1".parse().unwrap(),
            "10.3.0.1:53".parse().unwrap(),
        );
        let res = run_hook(&r, Hook::Prerouting, &udp, &ctx, &mut recent, &mut c);
        assert_eq!(res.hits.last().unwrap().effect.to_string(), "ACCEPT");
        assert_eq!(recent.last_seen("L", Ipv4Addr::new(10, 0, 9, 9)), Some(5));
    }

    #[test]
    fn statistic_goes_through_the_chooser() {
        let r = rs("*nat
:OUTPUT ACCEPT [0:0]
-A OUTPUT -m statistic --mode random --probability 0.3333333333 -j DNAT --to-destination 10.0.1.1:80
-A OUTPUT -m statistic --mode random --probability 0.5000000000 -j DNAT --to-destination 10.0.1.2:80
-A OUTPUT -j DNAT --to-destination 10.0.1.3:80
COMMIT
");
        let p = tcp("10.0.1.9:1", "10.3.0.1:80");
        let ctx = Ctx::new(&LOCAL, CtState::New, 0);
        let branches =
            enumerate(|c| run_hook(&r, Hook::Output, &p, &ctx, &mut Recent::new(), c).dnat());
        let got: Vec<(String, f64)> = branches
            .iter()
            .map(|b| (b.value.unwrap().to_string(), b.probability))
            .collect();
        assert_eq!(got.len(), 3);
        for (i, (to, prob)) in got.iter().enumerate() {
            assert_eq!(to, &format!("10.0.1.{}:80", i + 1));
            assert!((prob - 1.0 / 3.0).abs() < 1e-9);
        }
        // A seeded chooser spreads over all three.
        let mut c = SeededChooser::from_seed(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..200 {
            seen.insert(run_hook(&r, Hook::Output, &p, &ctx, &mut Recent::new(), &mut c).dnat());
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn recent_rcheck_and_set() {
        let r = rs("*nat
:PREROUTING ACCEPT [0:0]
:SEP - [0:0]
-A PREROUTING -m recent --name SEP --rcheck --seconds 100 --reap -j SEP
-A PREROUTING -j DNAT --to-destination 10.0.3.3:80
-A SEP -m recent --name SEP --set -j DNAT --to-destination 10.0.2.2:80
COMMIT
");
        let p = tcp("10.0.1.2:1", "10.3.0.1:80");
        let mut recent = Recent::new();
        let go = |now: u64, recent: &mut Recent| {
            let ctx = Ctx::new(&LOCAL, CtState::New, now);
            run_hook(
                &r,
                Hook::Prerouting,
                &p,
                &ctx,
                recent,
                &mut ConstChooser(true),
            )
            .dnat()
        };
        assert_eq!(go(1000, &mut recent), Some("10.0.3.3:80".parse().unwrap()));
        recent.set("SEP", Ipv4Addr::new(10, 0, 1, 2), 1000);
        assert_eq!(go(1100, &mut recent), Some("10.0.2.2:80".parse().unwrap()));
        // The --set refreshed the time to 1100.
        assert_eq!(
            recent.last_seen("SEP", Ipv4Addr::new(10, 0, 1, 2)),
            Some(1100)
        );
        assert_eq!(go(1201, &mut recent), Some("10.0.3.3:80".parse().unwrap()));
        // ... and the stale entry was reaped.
        assert_eq!(recent.last_seen("SEP", Ipv4Addr::new(10, 0, 1, 2)), None);
    }

    #[test]
    fn addrtype_local_and_loopback() {
        let r = rs("*nat
:OUTPUT ACCEPT [0:0]
-A OUTPUT -m addrtype --dst-type LOCAL -m addrtype --src-type LOCAL -j ACCEPT
-A OUTPUT -m addrtype --dst-type LOCAL -j DROP
COMMIT
");
        let v = |s: &str, d: &str| run(&r, Hook::Output, &tcp(s, d)).verdict;
        assert_eq!(v("10.100.0.2:1", "10.100.0.2:30080"), Verdict::Accept);
        assert_eq!(v("127.0.0.1:1", "127.0.0.5:30080"), Verdict::Accept);
        assert_eq!(v("10.0.1.2:1", "10.100.0.2:30080"), Verdict::Drop);
        assert_eq!(v("10.100.0.2:1", "10.100.0.3:30080"), Verdict::Accept);
    }

    #[test]
    fn conntrack_states_and_raw_table() {
        let r = rs("*raw
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m conntrack --ctstate INVALID -m comment --comment no-ct-yet
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
-A PREROUTING -m conntrack ! --ctstate RELATED,ESTABLISHED -j DROP
COMMIT
");
        let p = tcp("10.0.1.2:1", "10.0.2.2:80");
        let res = run(&r, Hook::Prerouting, &p);
        assert_eq!(res.verdict, Verdict::Drop);
        assert_eq!(
            res.hits[0].effect.to_string(),
            "no target: count and continue"
        );
        let res = run_state(&r, Hook::Prerouting, &p, CtState::Established);
        assert_eq!(res.verdict, Verdict::Accept);
        assert_eq!(res.rules_evaluated, 2);
    }

    #[test]
    fn missing_tables_chains_and_loops() {
        let empty = Ruleset::default();
        let res = run(&empty, Hook::Forward, &tcp("10.0.1.2:1", "10.0.2.2:80"));
        assert_eq!(res.verdict, Verdict::Accept);
        assert!(res.hits.is_empty());
        let r = rs("*filter
:FORWARD ACCEPT [0:0]
:L - [0:0]
-A FORWARD -j NOPE
-A FORWARD -j L
-A L -j L
COMMIT
");
        let res = run(&r, Hook::Forward, &tcp("10.0.1.2:1", "10.0.2.2:80"));
        assert_eq!(
            res.hits[0].effect.to_string(),
            "jump NOPE: no such chain, ignored"
        );
        assert_eq!(res.verdict, Verdict::Drop);
        assert!(res.hits.last().unwrap().effect.to_string().contains("loop"));
    }
}
