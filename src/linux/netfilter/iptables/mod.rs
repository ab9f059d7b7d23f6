//! A netfilter ruleset as data: tables -> chains -> rules, each rule an
//! ordered list of matches and an optional target. The iptables backend
//! fills it; the netfilter evaluator executes it; the `iptables-restore`
//! text is rendered from it (and can be parsed back into it), so the
//! structure is the one source of truth.
//!
//! Match order inside a rule is kept as written, because the text form
//! must come out exactly as kube-proxy writes it.

mod eval;
mod index;
mod save;
mod statistic;
mod text;

pub use eval::{run_hook, run_hook_indexed, tables};
pub(crate) use eval::{run_table_at, End};
pub use index::IndexedRuleset;
pub use save::{save_chain_order, save_rule};
pub use statistic::Probability;
pub use text::{ListingLine, ParseError, RulePos};

use crate::linux::conntrack::CtState;
use crate::linux::packet::Protocol;
use ipnet::Ipv4Net;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use text::{write_match, write_target};

/// A whole ruleset: the tables of one node's network namespace.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ruleset {
    pub tables: Vec<Table>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableName {
    Raw,
    Mangle,
    Nat,
    Filter,
}

impl TableName {
    pub fn as_str(self) -> &'static str {
        match self {
            TableName::Raw => "raw",
            TableName::Mangle => "mangle",
            TableName::Nat => "nat",
            TableName::Filter => "filter",
        }
    }

    pub fn parse(s: &str) -> Option<TableName> {
        Some(match s {
            "raw" => TableName::Raw,
            "mangle" => TableName::Mangle,
            "nat" => TableName::Nat,
            "filter" => TableName::Filter,
            _ => return None,
        })
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: TableName,
    pub chains: Vec<Chain>,
    /// Chains that this restore deletes (`-X`), such as chains left over
    /// from an earlier sync. Written as a chain line (which flushes it),
    /// among the chains' lines where [`Deleted::before`] puts it, plus `-X`
    /// after the rules.
    pub deleted: Vec<Deleted>,
}

/// A chain the restore text declares only to delete it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    pub name: String,
    /// Its chain line comes just before the one of `chains[before]`
    /// (after the last chain's when `before` is past the end); deletions
    /// with the same `before` keep their order. The text shows chains in
    /// the order the table holds them, so whoever writes the table decides
    /// where a deleted chain's line goes.
    pub before: usize,
}

impl Table {
    pub fn new(name: TableName) -> Table {
        Table {
            name,
            chains: Vec::new(),
            deleted: Vec::new(),
        }
    }

    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name == name)
    }

    pub fn chain_mut(&mut self, name: &str) -> Option<&mut Chain> {
        self.chains.iter_mut().find(|c| c.name == name)
    }
}

/// Who made a chain, which decides whether it is part of the
/// `iptables-restore` text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainOrigin {
    /// A kernel built-in chain (PREROUTING, INPUT, ...) with its policy.
    /// kube-proxy adds its jump rules here with `iptables -I`, outside the
    /// restore text.
    Builtin(Policy),
    /// Declared and filled by kube-proxy's `iptables-restore` input.
    Restore,
    /// Created with `iptables -N` outside the restore text (the canary
    /// chains kube-proxy watches to notice a flush, kubelet's chains).
    Ensured,
}

/// The policy of a built-in chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    Accept,
    Drop,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Accept => "ACCEPT",
            Policy::Drop => "DROP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    pub origin: ChainOrigin,
    pub rules: Vec<Rule>,
}

impl Chain {
    pub fn new(name: impl Into<String>, origin: ChainOrigin) -> Chain {
        Chain {
            name: name.into(),
            origin,
            rules: Vec::new(),
        }
    }

    pub fn is_builtin(&self) -> bool {
        matches!(self.origin, ChainOrigin::Builtin(_))
    }
}

/// One rule: every match must hold (in order), then the target runs. A
/// rule without a target only counts packets (kube-proxy writes one at the
/// end of each `KUBE-FW-` chain, as a comment for readers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rule {
    pub matches: Vec<Match>,
    pub target: Option<Target>,
}

impl Rule {
    pub fn new() -> Rule {
        Rule::default()
    }

    /// Adds a match (builder style).
    pub fn with(mut self, m: Match) -> Rule {
        self.matches.push(m);
        self
    }

    /// Sets the target (builder style).
    pub fn then(mut self, t: Target) -> Rule {
        self.target = Some(t);
        self
    }

    /// Sets the target to a jump to `chain`.
    pub fn jump(self, chain: impl Into<String>) -> Rule {
        self.then(Target::Jump(chain.into()))
    }

    /// The rule's comment, if it has one.
    pub fn comment(&self) -> Option<&str> {
        self.matches.iter().find_map(|m| match m {
            Match::Comment(c) => Some(c.as_str()),
            _ => None,
        })
    }

    /// The rule as `iptables-restore` writes it, after `-A CHAIN`.
    pub fn spec(&self) -> String {
        let mut out = String::new();
        for m in &self.matches {
            if !out.is_empty() {
                out.push(' ');
            }
            write_match(&mut out, m);
        }
        if let Some(t) = &self.target {
            if !out.is_empty() {
                out.push(' ');
            }
            write_target(&mut out, t);
        }
        out
    }
}

/// An address in a `-s`/`-d` match: a single host as written (`10.0.1.1`)
/// or a network (`10.0.0.0/8`; a `/32` written as such stays so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrSpec {
    Host(Ipv4Addr),
    Net(Ipv4Net),
}

impl AddrSpec {
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        match self {
            AddrSpec::Host(h) => *h == ip,
            AddrSpec::Net(n) => n.contains(&ip),
        }
    }
}

impl fmt::Display for AddrSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddrSpec::Host(h) => write!(f, "{h}"),
            AddrSpec::Net(n) => write!(f, "{n}"),
        }
    }
}

/// Which address `-m addrtype` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrDir {
    Src,
    Dst,
}

/// The address type `-m addrtype` tests for. kube-proxy only uses LOCAL
/// (an address of this host, loopback included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrType {
    Local,
}

/// A mark value as written: kube-proxy formats its mark with Go's `%#08x`
/// (`0x00004000`); its tests use `0x4000`. `digits` is the minimum number
/// of hex digits after `0x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hex {
    pub value: u32,
    pub digits: u8,
}

impl Hex {
    pub fn new(value: u32, digits: u8) -> Hex {
        Hex { value, digits }
    }
}

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:0w$x}", self.value, w = usize::from(self.digits))
    }
}

/// `-m recent` in the two ways kube-proxy uses it for ClientIP affinity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecentMode {
    /// `--set`: remember the source address.
    Set,
    /// `--rcheck --seconds N [--reap]`: is the source address in the list,
    /// seen within N seconds?
    Rcheck { seconds: u32, reap: bool },
}

/// One match of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// `-m comment --comment TEXT` (quoted when it has spaces).
    Comment(String),
    /// `-m tcp -p tcp`: kube-proxy always names the protocol module too.
    Protocol(Protocol),
    /// `[!] -s ADDR`
    Source { addr: AddrSpec, negated: bool },
    /// `[!] -d ADDR`
    Destination { addr: AddrSpec, negated: bool },
    /// `--dport N` (of the protocol module loaded before it).
    DestinationPort(u16),
    /// `-m addrtype --src-type LOCAL` / `--dst-type LOCAL`
    AddrType { dir: AddrDir, addr_type: AddrType },
    /// `-m statistic --mode random --probability P`
    Statistic(Probability),
    /// `-m recent --name NAME ...` (the list is keyed by source address).
    Recent { name: String, mode: RecentMode },
    /// `-m mark [!] --mark VALUE/MASK`
    Mark {
        value: Hex,
        mask: Hex,
        negated: bool,
    },
    /// `-m conntrack [!] --ctstate S1,S2`
    Conntrack { states: Vec<CtState>, negated: bool },
    /// `-m nfacct --nfacct-name NAME`: counts, always matches.
    Nfacct(String),
}

/// What a rule does when it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Accept,
    Drop,
    /// `-j REJECT` with the default answer (ICMP port unreachable; for
    /// TCP too, as kube-proxy writes no `--reject-with`).
    Reject,
    Return,
    /// `-j CHAIN`: continue in a user chain, come back on RETURN or at
    /// its end.
    Jump(String),
    /// `-j DNAT --to-destination IP:PORT`
    Dnat(SocketAddrV4),
    /// `-j SNAT --to-source IP`
    Snat(Ipv4Addr),
    /// `-j MASQUERADE [--random-fully]`: SNAT to the egress interface's
    /// address.
    Masquerade {
        random_fully: bool,
    },
    /// `-j MARK --or-mark V` / `--xor-mark V` / `--set-xmark V/M`
    Mark(MarkOp),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkOp {
    Or(Hex),
    Xor(Hex),
    SetXmark { value: Hex, mask: Hex },
}

impl fmt::Display for MarkOp {
    /// As `iptables -j MARK` options read: `or 0x4000`, `xor 0x4000`,
    /// `set-xmark 0x4000/0xffffffff`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarkOp::Or(v) => write!(f, "or {v}"),
            MarkOp::Xor(v) => write!(f, "xor {v}"),
            MarkOp::SetXmark { value, mask } => write!(f, "set-xmark {value}/{mask}"),
        }
    }
}

impl MarkOp {
    /// The new mark, given the old one.
    pub fn apply(self, mark: u32) -> u32 {
        match self {
            MarkOp::Or(v) => mark | v.value,
            MarkOp::Xor(v) => mark ^ v.value,
            MarkOp::SetXmark { value, mask } => (mark & !mask.value) ^ value.value,
        }
    }
}
