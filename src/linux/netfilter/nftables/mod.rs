//! nftables rulesets as data: one table with its chains, sets and maps,
//! rendered to the `nft -f` transaction text knftables writes
//! (`add table …`, `add chain …`, `add set|map …`, `add rule …`,
//! `add element …`) and parsed back ([`Table::parse`]). [`eval`] runs a
//! packet through a table's base chains.
//!
//! Rules are structured expressions, not strings: selectors (`ip saddr`,
//! `meta l4proto`, `th dport`, `fib daddr type`, `ct state`, `numgen random
//! mod N`, …) compared with literals, anonymous sets or named sets, verdict
//! map lookups with concatenated keys, and statements (mark, dnat,
//! masquerade, set updates, counters, verdicts).
//!
//! This layer knows nothing of Kubernetes; the L4 protocol is its own
//! [`L4Proto`].

pub mod eval;
pub mod index;
pub mod list;
pub mod parse;

use std::fmt::{self, Write as _};
use std::net::IpAddr;

pub use index::{IndexedTable, TableIndex};
pub use parse::ParseError;

/// An nftables table family (kube-proxy uses `ip` and `ip6`, never `inet`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Ip,
    Ip6,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Ip => "ip",
            Family::Ip6 => "ip6",
        }
    }
}

/// Layer-4 protocols as nft names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum L4Proto {
    Tcp,
    Udp,
    Sctp,
    Icmp,
}

impl L4Proto {
    pub fn as_str(self) -> &'static str {
        match self {
            L4Proto::Tcp => "tcp",
            L4Proto::Udp => "udp",
            L4Proto::Sctp => "sctp",
            L4Proto::Icmp => "icmp",
        }
    }

    pub fn from_name(s: &str) -> Option<L4Proto> {
        match s {
            "tcp" => Some(L4Proto::Tcp),
            "udp" => Some(L4Proto::Udp),
            "sctp" => Some(L4Proto::Sctp),
            "icmp" => Some(L4Proto::Icmp),
            _ => None,
        }
    }
}

/// A base chain's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainType {
    Filter,
    Nat,
    Route,
}

impl ChainType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChainType::Filter => "filter",
            ChainType::Nat => "nat",
            ChainType::Route => "route",
        }
    }
}

/// Netfilter hooks: the one hook type of the netfilter layer (a base
/// chain names it as `nft` does, [`Hook::nft_name`]).
pub use super::Hook;

/// A base chain's default policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    Accept,
    Drop,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Accept => "accept",
            Policy::Drop => "drop",
        }
    }
}

/// What makes a chain a base chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseChain {
    pub kind: ChainType,
    pub hook: Hook,
    /// Numeric, as knftables writes it (`dstnat` is -100, `filter` 0,
    /// `srcnat` 100).
    pub priority: i32,
    pub policy: Option<Policy>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub name: String,
    pub base: Option<BaseChain>,
    pub comment: Option<String>,
    pub rules: Vec<Rule>,
}

impl Chain {
    pub fn regular(name: impl Into<String>) -> Chain {
        Chain {
            name: name.into(),
            base: None,
            comment: None,
            rules: Vec::new(),
        }
    }
}

/// A set or map element type (`type ipv4_addr . inet_proto . inet_service`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    Ipv4Addr,
    Ipv6Addr,
    InetProto,
    InetService,
    Mark,
    Verdict,
}

impl DataType {
    pub fn as_str(self) -> &'static str {
        match self {
            DataType::Ipv4Addr => "ipv4_addr",
            DataType::Ipv6Addr => "ipv6_addr",
            DataType::InetProto => "inet_proto",
            DataType::InetService => "inet_service",
            DataType::Mark => "mark",
            DataType::Verdict => "verdict",
        }
    }

    pub fn from_name(s: &str) -> Option<DataType> {
        Some(match s {
            "ipv4_addr" => DataType::Ipv4Addr,
            "ipv6_addr" => DataType::Ipv6Addr,
            "inet_proto" => DataType::InetProto,
            "inet_service" => DataType::InetService,
            "mark" => DataType::Mark,
            "verdict" => DataType::Verdict,
            _ => return None,
        })
    }
}

/// A literal value: an address, a prefix, a protocol, a number, or one of
/// the named constants of `ct state` and `fib … type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Addr(IpAddr),
    /// An address with a prefix length (`10.0.0.0/8`).
    Prefix(IpAddr, u8),
    Proto(L4Proto),
    Num(u64),
    /// A named constant (`new`, `established`, `local`, …).
    Name(String),
}

impl Value {
    /// Whether `v` (an address, protocol or number) matches this value.
    pub fn matches(&self, v: &Value) -> bool {
        match (self, v) {
            (Value::Prefix(net, len), Value::Addr(a)) => prefix_contains(*net, *len, *a),
            _ => self == v,
        }
    }
}

/// Whether `addr` lies in `net/len`.
pub fn prefix_contains(net: IpAddr, len: u8, addr: IpAddr) -> bool {
    match (net, addr) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let len = u32::from(len.min(32));
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let len = u32::from(len.min(128));
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Addr(a) => write!(f, "{a}"),
            Value::Prefix(a, l) => write!(f, "{a}/{l}"),
            Value::Proto(p) => f.write_str(p.as_str()),
            Value::Num(n) => write!(f, "{n}"),
            Value::Name(n) => f.write_str(n),
        }
    }
}

/// What a rule reads from the packet or its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selector {
    /// `ip saddr` / `ip6 saddr`.
    Saddr(Family),
    /// `ip daddr` / `ip6 daddr`.
    Daddr(Family),
    /// `meta l4proto`.
    L4Proto,
    /// `th dport`: the transport header's destination port.
    ThDport,
    /// `tcp dport` (or udp/sctp): also requires the protocol.
    Dport(L4Proto),
    /// `ct state`.
    CtState,
    /// `fib saddr type`.
    FibSaddrType,
    /// `fib daddr type`.
    FibDaddrType,
    /// `numgen random mod N`.
    NumgenRandom(u32),
    /// `mark` (`meta mark`).
    Mark,
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Saddr(fam) => write!(f, "{} saddr", fam.as_str()),
            Selector::Daddr(fam) => write!(f, "{} daddr", fam.as_str()),
            Selector::L4Proto => f.write_str("meta l4proto"),
            Selector::ThDport => f.write_str("th dport"),
            Selector::Dport(p) => write!(f, "{} dport", p.as_str()),
            Selector::CtState => f.write_str("ct state"),
            Selector::FibSaddrType => f.write_str("fib saddr type"),
            Selector::FibDaddrType => f.write_str("fib daddr type"),
            Selector::NumgenRandom(n) => write!(f, "numgen random mod {n}"),
            Selector::Mark => f.write_str("mark"),
        }
    }
}

/// `==` (written as nothing) or `!=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
}

/// How an anonymous set's elements are separated in the text (kept so that
/// text parses back to itself): knftables' `Concat` of `","` tokens gives
/// `a , b`; a pre-joined string gives `a,b` or `a, b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sep {
    /// `a , b`
    SpacedComma,
    /// `a, b`
    CommaSpace,
    /// `a,b`
    Comma,
}

impl Sep {
    pub fn as_str(self) -> &'static str {
        match self {
            Sep::SpacedComma => " , ",
            Sep::CommaSpace => ", ",
            Sep::Comma => ",",
        }
    }
}

/// The right-hand side of a match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rhs {
    /// One value per selector of the key (`10.0.0.0/8`, `tcp . 80`).
    Value(Vec<Value>),
    /// `{ a , b }`: single-selector keys only.
    AnonSet(Vec<Value>, Sep),
    /// `@name`.
    Set(String),
}

/// A verdict.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Verdict {
    Accept,
    Drop,
    Return,
    Jump(String),
    Goto(String),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Accept => f.write_str("accept"),
            Verdict::Drop => f.write_str("drop"),
            Verdict::Return => f.write_str("return"),
            Verdict::Jump(c) => write!(f, "jump {c}"),
            Verdict::Goto(c) => write!(f, "goto {c}"),
        }
    }
}

/// A mark constant with the number of hex digits it was written with
/// (`0x4000` in kube-proxy's tests, `0x00004000` on a real node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hex {
    pub value: u32,
    pub digits: u8,
}

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "0x{:0width$x}",
            self.value,
            width = usize::from(self.digits)
        )
    }
}

/// `mark set …`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkSet {
    /// `mark set V`
    Value(Hex),
    /// `mark set mark or V`
    Or(Hex),
    /// `mark set mark and V`
    And(Hex),
    /// `mark set mark xor V`
    Xor(Hex),
}

/// One expression or statement of a rule, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// `key [!=] rhs`; the key is one selector or a concatenation.
    Match {
        key: Vec<Selector>,
        op: CmpOp,
        rhs: Rhs,
    },
    /// `mark and M == V` / `mark and M != V`.
    MarkAnd {
        mask: Hex,
        op: CmpOp,
        value: u32,
    },
    /// `key vmap @map`.
    VmapNamed {
        key: Vec<Selector>,
        map: String,
    },
    /// `key vmap { k : verdict , … }` (single-selector keys).
    VmapInline {
        key: Vec<Selector>,
        entries: Vec<(Value, Verdict)>,
    },
    MarkSet(MarkSet),
    /// `dnat to ADDR[:PORT]` (IPv6 addresses with a port in brackets).
    Dnat {
        addr: IpAddr,
        port: Option<u16>,
    },
    /// `masquerade [fully-random]`.
    Masquerade {
        fully_random: bool,
    },
    /// `update @set { key }`.
    Update {
        set: String,
        key: Vec<Selector>,
    },
    Counter,
    /// `reject` (ICMP port unreachable).
    Reject,
    Verdict(Verdict),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub exprs: Vec<Expr>,
    pub comment: Option<String>,
}

impl Rule {
    pub fn new(exprs: Vec<Expr>) -> Rule {
        Rule {
            exprs,
            comment: None,
        }
    }

    pub fn with_comment(mut self, c: impl Into<String>) -> Rule {
        self.comment = Some(c.into());
        self
    }
}

/// A set (no value type) or map element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub key: Vec<Value>,
    pub comment: Option<String>,
    pub value: Option<Verdict>,
}

/// A named set or map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    pub name: String,
    pub key: Vec<DataType>,
    /// `Some` for a map (`: verdict`).
    pub value: Option<DataType>,
    pub flags: Vec<String>,
    /// Element timeout in seconds.
    pub timeout: Option<u32>,
    pub comment: Option<String>,
    pub elements: Vec<Element>,
}

impl Element {
    /// The element as `add element` writes it between the braces:
    /// `KEY [comment "…"] [: VERDICT]` (what a verdict map's hit names).
    pub fn text(&self) -> String {
        let mut s = self
            .key
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" . ");
        if let Some(c) = &self.comment {
            s.push_str(&format!(" comment \"{c}\""));
        }
        if let Some(v) = &self.value {
            s.push_str(&format!(" : {v}"));
        }
        s
    }
}

impl Set {
    pub fn is_map(&self) -> bool {
        self.value.is_some()
    }
}

/// One table: what one kube-proxy owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub family: Family,
    pub name: String,
    pub comment: Option<String>,
    pub chains: Vec<Chain>,
    pub sets: Vec<Set>,
}

fn write_key(out: &mut String, key: &[Selector]) {
    for (i, s) in key.iter().enumerate() {
        if i > 0 {
            out.push_str(" . ");
        }
        let _ = write!(out, "{s}");
    }
}

fn write_values(out: &mut String, vals: &[Value]) {
    for (i, v) in vals.iter().enumerate() {
        if i > 0 {
            out.push_str(" . ");
        }
        let _ = write!(out, "{v}");
    }
}

fn quote(s: &str) -> String {
    format!("\"{s}\"")
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        match self {
            Expr::Match { key, op, rhs } => {
                write_key(&mut out, key);
                if *op == CmpOp::Ne {
                    out.push_str(" !=");
                }
                match rhs {
                    Rhs::Value(v) => {
                        out.push(' ');
                        write_values(&mut out, v);
                    }
                    Rhs::AnonSet(v, sep) => {
                        out.push_str(" { ");
                        for (i, x) in v.iter().enumerate() {
                            if i > 0 {
                                out.push_str(sep.as_str());
                            }
                            let _ = write!(out, "{x}");
                        }
                        out.push_str(" }");
                    }
                    Rhs::Set(name) => {
                        let _ = write!(out, " @{name}");
                    }
                }
            }
            Expr::MarkAnd { mask, op, value } => {
                let op = match op {
                    CmpOp::Eq => "==",
                    CmpOp::Ne => "!=",
                };
                let _ = write!(out, "mark and {mask} {op} {value}");
            }
            Expr::VmapNamed { key, map } => {
                write_key(&mut out, key);
                let _ = write!(out, " vmap @{map}");
            }
            Expr::VmapInline { key, entries } => {
                write_key(&mut out, key);
                out.push_str(" vmap { ");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" , ");
                    }
                    let _ = write!(out, "{k} : {v}");
                }
                out.push_str(" }");
            }
            Expr::MarkSet(m) => {
                let _ = match m {
                    MarkSet::Value(v) => write!(out, "mark set {v}"),
                    MarkSet::Or(v) => write!(out, "mark set mark or {v}"),
                    MarkSet::And(v) => write!(out, "mark set mark and {v}"),
                    MarkSet::Xor(v) => write!(out, "mark set mark xor {v}"),
                };
            }
            Expr::Dnat { addr, port } => {
                let _ = match (addr, port) {
                    (a, None) => write!(out, "dnat to {a}"),
                    (IpAddr::V4(a), Some(p)) => write!(out, "dnat to {a}:{p}"),
                    (IpAddr::V6(a), Some(p)) => write!(out, "dnat to [{a}]:{p}"),
                };
            }
            Expr::Masquerade { fully_random } => {
                out.push_str("masquerade");
                if *fully_random {
                    out.push_str(" fully-random");
                }
            }
            Expr::Update { set, key } => {
                let _ = write!(out, "update @{set} {{ ");
                write_key(&mut out, key);
                out.push_str(" }");
            }
            Expr::Counter => out.push_str("counter"),
            Expr::Reject => out.push_str("reject"),
            Expr::Verdict(v) => {
                let _ = write!(out, "{v}");
            }
        }
        f.write_str(&out)
    }
}

impl fmt::Display for Rule {
    /// The rule as knftables writes it after `add rule FAMILY TABLE CHAIN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.exprs.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{e}")?;
        }
        if let Some(c) = &self.comment {
            write!(f, " comment {}", quote(c))?;
        }
        Ok(())
    }
}

impl Table {
    pub fn new(family: Family, name: impl Into<String>) -> Table {
        Table {
            family,
            name: name.into(),
            comment: None,
            chains: Vec::new(),
            sets: Vec::new(),
        }
    }

    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name == name)
    }

    pub fn chain_mut(&mut self, name: &str) -> Option<&mut Chain> {
        self.chains.iter_mut().find(|c| c.name == name)
    }

    pub fn set(&self, name: &str) -> Option<&Set> {
        self.sets.iter().find(|s| s.name == name)
    }

    pub fn set_mut(&mut self, name: &str) -> Option<&mut Set> {
        self.sets.iter_mut().find(|s| s.name == name)
    }

    fn prefix(&self) -> String {
        format!("{} {}", self.family.as_str(), self.name)
    }

    /// `add table …`.
    pub fn table_line(&self) -> String {
        match &self.comment {
            Some(c) => format!("add table {} {{ comment {} ; }}", self.prefix(), quote(c)),
            None => format!("add table {}", self.prefix()),
        }
    }

    /// `add chain …`.
    pub fn chain_line(&self, c: &Chain) -> String {
        let mut s = format!("add chain {} {}", self.prefix(), c.name);
        let mut parts = Vec::new();
        if let Some(b) = &c.base {
            parts.push(format!(
                "type {} hook {} priority {} ;",
                b.kind.as_str(),
                b.hook.nft_name(),
                b.priority
            ));
            if let Some(p) = b.policy {
                parts.push(format!("policy {} ;", p.as_str()));
            }
        }
        if let Some(cm) = &c.comment {
            parts.push(format!("comment {} ;", quote(cm)));
        }
        if !parts.is_empty() {
            let _ = write!(s, " {{ {} }}", parts.join(" "));
        }
        s
    }

    /// `add set …` / `add map …`.
    pub fn set_line(&self, set: &Set) -> String {
        let kind = if set.is_map() { "map" } else { "set" };
        let mut ty = set
            .key
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" . ");
        if let Some(v) = set.value {
            let _ = write!(ty, " : {}", v.as_str());
        }
        let mut s = format!("add {kind} {} {} {{ type {ty} ;", self.prefix(), set.name);
        if !set.flags.is_empty() {
            let _ = write!(s, " flags {} ;", set.flags.join(","));
        }
        if let Some(t) = set.timeout {
            let _ = write!(s, " timeout {t}s ;");
        }
        if let Some(c) = &set.comment {
            let _ = write!(s, " comment {} ;", quote(c));
        }
        s.push_str(" }");
        s
    }

    /// `add rule …`.
    pub fn rule_line(&self, chain: &str, r: &Rule) -> String {
        format!("add rule {} {chain} {r}", self.prefix())
    }

    /// `add element …`.
    pub fn element_line(&self, set: &str, e: &Element) -> String {
        let mut s = format!("add element {} {set} {{ ", self.prefix());
        write_values(&mut s, &e.key);
        if let Some(c) = &e.comment {
            let _ = write!(s, " comment {}", quote(c));
        }
        if let Some(v) = &e.value {
            let _ = write!(s, " : {v}");
        }
        s.push_str(" }");
        s
    }

    /// The table as one `nft -f` transaction that loads into an empty
    /// ruleset: the table, then every chain (so that jumps and verdict
    /// map elements find them), sets, maps, rules (in chain order), and
    /// elements. Each line is in knftables' syntax.
    pub fn to_nft(&self) -> String {
        let mut out = String::new();
        let mut line = |l: String| {
            out.push_str(&l);
            out.push('\n');
        };
        line(self.table_line());
        for c in &self.chains {
            line(self.chain_line(c));
        }
        for s in self.sets.iter().filter(|s| !s.is_map()) {
            line(self.set_line(s));
        }
        for s in self.sets.iter().filter(|s| s.is_map()) {
            line(self.set_line(s));
        }
        for c in &self.chains {
            for r in &c.rules {
                line(self.rule_line(&c.name, r));
            }
        }
        for s in &self.sets {
            for e in &s.elements {
                line(self.element_line(&s.name, e));
            }
        }
        out
    }

    /// The base chains of `hook`, in the order the kernel runs them:
    /// ascending priority; of equal priorities, the chain created last
    /// first (the kernel registers a table's chains in the order they are
    /// added, and `nf_hook_entries_grow` inserts a hook before the first
    /// one of equal or higher priority).
    pub fn base_chains(&self, hook: Hook) -> Vec<&Chain> {
        let mut v: Vec<(usize, &Chain)> = self
            .chains
            .iter()
            .enumerate()
            .filter(|(_, c)| c.base.as_ref().is_some_and(|b| b.hook == hook))
            .collect();
        crate::sort::sort_by_key(&mut v, |(i, c)| {
            (
                c.base.as_ref().map(|b| b.priority).unwrap_or(0),
                std::cmp::Reverse(*i),
            )
        });
        v.into_iter().map(|(_, c)| c).collect()
    }
}

/// kube-proxy's test helper `sortNFTablesTransaction`
/// (`pkg/proxy/nftables/helpers_test.go`): blank lines and `#` lines are
/// dropped; the rest is stably sorted by object type (table, chain, rule,
/// set, map, element, anything else), then by object name (the fifth
/// word); rules keep their order within a chain; other lines with the same
/// type and name sort by their whole text.
pub fn sort_transaction(tx: &str) -> String {
    fn order(kind: &str) -> i32 {
        match kind {
            "table" => 10,
            "chain" => 9,
            "rule" => 8,
            "set" => 7,
            "map" => 6,
            "element" => 5,
            _ => 0,
        }
    }
    let lines: Vec<&str> = tx
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    // Go's comparator as a key (a total order): lines of fewer than five
    // words read as having empty words.
    let mut keyed: Vec<(i32, &str, usize, &str)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let w: Vec<&str> = l.split(' ').collect();
            let kind = w.get(1).copied().unwrap_or("");
            let name = w.get(4).copied().unwrap_or("");
            if kind == "rule" {
                (-order(kind), name, i, "")
            } else {
                (-order(kind), name, 0, *l)
            }
        })
        .collect();
    crate::sort::sort_by(&mut keyed, |a, b| {
        (a.0, a.1, a.2, a.3).cmp(&(b.0, b.1, b.2, b.3))
    });
    let mut out = String::new();
    for (i, (_, _, idx, l)) in keyed.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(if l.is_empty() { lines[*idx] } else { l });
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests;
