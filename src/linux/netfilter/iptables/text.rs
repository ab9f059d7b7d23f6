//! The text forms of a [`Ruleset`]: `iptables-restore` input (rendered
//! and parsed back) and the `iptables-save` listing.

use super::*;
use crate::sort;
use std::fmt;

// ------------------------------------------------------------------ text

fn quote(s: &str) -> String {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '"') {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

fn neg(out: &mut String, negated: bool) {
    if negated {
        out.push_str("! ");
    }
}

pub(super) fn write_match(out: &mut String, m: &Match) {
    use std::fmt::Write;
    match m {
        Match::Comment(c) => {
            let _ = write!(out, "-m comment --comment {}", quote(c));
        }
        Match::Protocol(p) => {
            let _ = write!(out, "-m {0} -p {0}", p.as_lower());
        }
        Match::Source { addr, negated } => {
            neg(out, *negated);
            let _ = write!(out, "-s {addr}");
        }
        Match::Destination { addr, negated } => {
            neg(out, *negated);
            let _ = write!(out, "-d {addr}");
        }
        Match::DestinationPort(p) => {
            let _ = write!(out, "--dport {p}");
        }
        Match::AddrType { dir, addr_type } => {
            let d = match dir {
                AddrDir::Src => "--src-type",
                AddrDir::Dst => "--dst-type",
            };
            let t = match addr_type {
                AddrType::Local => "LOCAL",
            };
            let _ = write!(out, "-m addrtype {d} {t}");
        }
        Match::Statistic(p) => {
            let _ = write!(out, "-m statistic --mode random --probability {}", p.text());
        }
        Match::Recent { name, mode } => {
            let _ = write!(out, "-m recent --name {name}");
            match mode {
                RecentMode::Set => out.push_str(" --set"),
                RecentMode::Rcheck { seconds, reap } => {
                    let _ = write!(out, " --rcheck --seconds {seconds}");
                    if *reap {
                        out.push_str(" --reap");
                    }
                }
            }
        }
        Match::Mark {
            value,
            mask,
            negated,
        } => {
            out.push_str("-m mark ");
            neg(out, *negated);
            let _ = write!(out, "--mark {value}/{mask}");
        }
        Match::Conntrack { states, negated } => {
            out.push_str("-m conntrack ");
            neg(out, *negated);
            let s: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
            let _ = write!(out, "--ctstate {}", s.join(","));
        }
        Match::Nfacct(name) => {
            let _ = write!(out, "-m nfacct --nfacct-name {name}");
        }
    }
}

pub(super) fn write_target(out: &mut String, t: &Target) {
    use std::fmt::Write;
    match t {
        Target::Accept => out.push_str("-j ACCEPT"),
        Target::Drop => out.push_str("-j DROP"),
        Target::Reject => out.push_str("-j REJECT"),
        Target::Return => out.push_str("-j RETURN"),
        Target::Jump(c) => {
            let _ = write!(out, "-j {c}");
        }
        Target::Dnat(to) => {
            let _ = write!(out, "-j DNAT --to-destination {to}");
        }
        Target::Snat(to) => {
            let _ = write!(out, "-j SNAT --to-source {to}");
        }
        Target::Masquerade { random_fully } => {
            out.push_str("-j MASQUERADE");
            if *random_fully {
                out.push_str(" --random-fully");
            }
        }
        Target::Mark(op) => {
            let _ = match op {
                MarkOp::Or(v) => write!(out, "-j MARK --or-mark {v}"),
                MarkOp::Xor(v) => write!(out, "-j MARK --xor-mark {v}"),
                MarkOp::SetXmark { value, mask } => {
                    write!(out, "-j MARK --set-xmark {value}/{mask}")
                }
            };
        }
    }
}

impl Ruleset {
    pub fn table(&self, name: TableName) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    pub fn table_mut(&mut self, name: TableName) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name == name)
    }

    pub fn chain(&self, table: TableName, chain: &str) -> Option<&Chain> {
        self.table(table).and_then(|t| t.chain(chain))
    }

    /// The `iptables-restore` input kube-proxy writes: for each table it
    /// touches (alphabetically: filter, nat), the chain lines of the chains
    /// it owns and of the chains it deletes, in the order the table holds
    /// them, their rules chain by chain, the `-X` lines, then COMMIT.
    /// Built-in chains and chains made outside the restore (canaries) are
    /// not part of it.
    pub fn to_iptables_restore(&self) -> String {
        let mut tables: Vec<&Table> = self
            .tables
            .iter()
            .filter(|t| {
                !t.deleted.is_empty() || t.chains.iter().any(|c| c.origin == ChainOrigin::Restore)
            })
            .collect();
        sort::sort_by_key(&mut tables, |t| t.name.as_str());
        let mut out = String::new();
        for t in tables {
            out.push('*');
            out.push_str(t.name.as_str());
            out.push('\n');
            let names = restore_declarations(t);
            for (n, _) in &names {
                out.push(':');
                out.push_str(n);
                out.push_str(" - [0:0]\n");
            }
            for (n, c) in &names {
                for r in c.iter().flat_map(|c| &c.rules) {
                    out.push_str("-A ");
                    out.push_str(n);
                    let spec = r.spec();
                    if !spec.is_empty() {
                        out.push(' ');
                        out.push_str(&spec);
                    }
                    out.push('\n');
                }
            }
            for (n, c) in &names {
                if c.is_none() {
                    out.push_str("-X ");
                    out.push_str(n);
                    out.push('\n');
                }
            }
            out.push_str("COMMIT\n");
        }
        out
    }

    /// Every table and chain as `iptables-save` would list them in the
    /// node's namespace (kube-proxy's spelling, not the kernel's
    /// normalised one): built-in chains with their policies and the jump
    /// rules kube-proxy inserts into them, the canary chains, and the
    /// restore chains. Tables in kernel order (raw, mangle, nat, filter).
    pub fn to_listing(&self) -> String {
        let mut out = String::new();
        for l in self.listing_lines() {
            out.push_str(&l.text);
            out.push('\n');
        }
        out
    }

    /// [`Ruleset::to_listing`] line by line, each with the rule it shows,
    /// so that a viewer can mark the rules a trace matched.
    pub fn listing_lines(&self) -> Vec<ListingLine> {
        let mut tables: Vec<&Table> = self.tables.iter().collect();
        sort::sort_by_key(&mut tables, |t| t.name);
        let mut out = Vec::new();
        let mut line = |text: String, at: Option<(&Table, &Chain, usize)>| {
            out.push(ListingLine {
                text,
                rule: at.map(|(t, c, i)| RulePos {
                    table: t.name,
                    chain: c.name.clone(),
                    index: i,
                }),
            })
        };
        for t in tables {
            line(format!("*{}", t.name.as_str()), None);
            // iptables-save's order: built-in chains first, then the others
            // as the table holds them.
            let mut chains: Vec<&Chain> = t.chains.iter().collect();
            sort::sort_by_key(&mut chains, |c| !c.is_builtin());
            for c in &chains {
                let policy = match c.origin {
                    ChainOrigin::Builtin(p) => p.as_str(),
                    _ => "-",
                };
                line(format!(":{} {} [0:0]", c.name, policy), Some((t, c, 0)));
            }
            for c in &chains {
                for (i, r) in c.rules.iter().enumerate() {
                    line(format!("-A {} {}", c.name, r.spec()), Some((t, c, i + 1)));
                }
            }
            line("COMMIT".into(), None);
        }
        out
    }
}

/// The chains a table's restore text declares, in the table's order: its
/// restore chains, with each deleted chain (no [`Chain`]) placed before
/// the chain its [`Deleted::before`] names.
fn restore_declarations(t: &Table) -> Vec<(&str, Option<&Chain>)> {
    let end = t.chains.len();
    let mut deleted: Vec<&Deleted> = t.deleted.iter().collect();
    sort::sort_by_key(&mut deleted, |d| d.before.min(end));
    let mut deleted = deleted.into_iter().peekable();
    let mut out = Vec::new();
    for (i, c) in t.chains.iter().enumerate() {
        while let Some(d) = deleted.next_if(|d| d.before <= i) {
            out.push((d.name.as_str(), None));
        }
        if c.origin == ChainOrigin::Restore {
            out.push((c.name.as_str(), Some(c)));
        }
    }
    out.extend(deleted.map(|d| (d.name.as_str(), None)));
    out
}

/// Where a rule is: table, chain, and its 1-based place in the chain (0
/// for the chain's policy, shown on the chain's declaration line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePos {
    pub table: TableName,
    pub chain: String,
    pub index: usize,
}

/// One line of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingLine {
    pub text: String,
    pub rule: Option<RulePos>,
}

impl fmt::Display for Ruleset {
    /// The `iptables-restore` text ([`Ruleset::to_iptables_restore`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iptables_restore())
    }
}

// ----------------------------------------------------------------- parse

/// A line of `iptables-restore` text that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

impl Ruleset {
    /// Reads `iptables-restore` text in kube-proxy's spelling (the form
    /// [`Ruleset::to_iptables_restore`] writes) back into rules. Chains
    /// named on `:` lines are restore chains; built-in chain names get a
    /// built-in chain with their policy. `#` lines and blank lines are
    /// skipped.
    pub fn from_iptables_restore(text: &str) -> Result<Ruleset, ParseError> {
        let mut rs = Ruleset::default();
        let mut current: Option<usize> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let err = |m: String| ParseError {
                line: line_no,
                message: m,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('*') {
                let t =
                    TableName::parse(name).ok_or_else(|| err(format!("unknown table {name:?}")))?;
                rs.tables.push(Table::new(t));
                current = Some(rs.tables.len() - 1);
                continue;
            }
            let ti = current.ok_or_else(|| err("rule outside a table".into()))?;
            let table = &mut rs.tables[ti];
            if line == "COMMIT" {
                current = None;
                continue;
            }
            if let Some(decl) = line.strip_prefix(':') {
                let mut parts = decl.split_whitespace();
                let name = parts.next().ok_or_else(|| err("empty chain line".into()))?;
                let policy = parts.next().unwrap_or("-");
                let origin = match policy {
                    "-" => ChainOrigin::Restore,
                    "ACCEPT" => ChainOrigin::Builtin(Policy::Accept),
                    "DROP" => ChainOrigin::Builtin(Policy::Drop),
                    p => return Err(err(format!("unknown policy {p:?}"))),
                };
                if table.chain(name).is_none() {
                    table.chains.push(Chain::new(name, origin));
                }
                continue;
            }
            let words = split_words(line).map_err(&err)?;
            match words.first().map(String::as_str) {
                Some("-X") => {
                    let name = words
                        .get(1)
                        .ok_or_else(|| err("-X without a chain".into()))?;
                    // Its chain line stays where it was: before the chain
                    // that followed it, and after the deleted chains that
                    // came before it (`deleted` is kept in line order).
                    let (before, at) = match table.chains.iter().position(|c| &c.name == name) {
                        Some(k) => {
                            table.chains.remove(k);
                            let at = table.deleted.partition_point(|d| d.before <= k);
                            for d in &mut table.deleted[at..] {
                                d.before -= 1;
                            }
                            (k, at)
                        }
                        None => (table.chains.len(), table.deleted.len()),
                    };
                    table.deleted.insert(
                        at,
                        Deleted {
                            name: name.clone(),
                            before,
                        },
                    );
                }
                Some("-A") => {
                    let name = words
                        .get(1)
                        .ok_or_else(|| err("-A without a chain".into()))?;
                    let rule = parse_rule(&words[2..]).map_err(&err)?;
                    match table.chain_mut(name) {
                        Some(c) => c.rules.push(rule),
                        None => return Err(err(format!("chain {name} was not declared"))),
                    }
                }
                _ => return Err(err(format!("cannot read {line:?}"))),
            }
        }
        if current.is_some() {
            return Err(ParseError {
                line: text.lines().count(),
                message: "missing COMMIT".into(),
            });
        }
        Ok(rs)
    }
}

fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut w = String::new();
        if c == '"' {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("unterminated quote".into()),
                    Some('"') => break,
                    Some('\\') => {
                        if let Some(n) = chars.next() {
                            w.push(n);
                        }
                    }
                    Some(o) => w.push(o),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                w.push(c);
                chars.next();
            }
        }
        words.push(w);
    }
    Ok(words)
}

fn parse_addr(s: &str) -> Result<AddrSpec, String> {
    if s.contains('/') {
        s.parse::<Ipv4Net>()
            .map(AddrSpec::Net)
            .map_err(|_| format!("bad network {s:?}"))
    } else {
        s.parse::<Ipv4Addr>()
            .map(AddrSpec::Host)
            .map_err(|_| format!("bad address {s:?}"))
    }
}

fn parse_hex(s: &str) -> Result<Hex, String> {
    let digits = s
        .strip_prefix("0x")
        .ok_or_else(|| format!("bad mark {s:?}"))?;
    let value = u32::from_str_radix(digits, 16).map_err(|_| format!("bad mark {s:?}"))?;
    Ok(Hex {
        value,
        digits: digits.len() as u8,
    })
}

fn parse_mark_pair(s: &str) -> Result<(Hex, Hex), String> {
    let (v, m) = s.split_once('/').ok_or_else(|| format!("bad mark {s:?}"))?;
    Ok((parse_hex(v)?, parse_hex(m)?))
}

fn parse_protocol(s: &str) -> Option<Protocol> {
    Some(match s {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        _ => return None,
    })
}

fn parse_rule(words: &[String]) -> Result<Rule, String> {
    let mut rule = Rule::new();
    let mut i = 0;
    let mut negate = false;
    let next = |i: &mut usize| -> Result<&str, String> {
        *i += 1;
        words
            .get(*i)
            .map(String::as_str)
            .ok_or_else(|| "missing value".to_string())
    };
    while i < words.len() {
        let w = words[i].as_str();
        match w {
            "!" => {
                negate = true;
                i += 1;
                continue;
            }
            "-m" => {
                let module = next(&mut i)?;
                match module {
                    "comment" | "addrtype" | "statistic" | "recent" | "mark" | "conntrack"
                    | "nfacct" => {
                        // The module's options follow; read them below.
                        let opt_start = i + 1;
                        let (m, used) = parse_module(module, &words[opt_start..])?;
                        rule.matches.push(m);
                        i = opt_start + used;
                        continue;
                    }
                    p if parse_protocol(p).is_some() => {
                        // `-m tcp -p tcp`: the -p that follows makes the match.
                        if words.get(i + 1).map(String::as_str) == Some("-p")
                            && words.get(i + 2).map(String::as_str) == Some(p)
                        {
                            i += 2;
                            rule.matches
                                .push(Match::Protocol(parse_protocol(p).unwrap_or(Protocol::Tcp)));
                        }
                    }
                    other => return Err(format!("unknown match module {other:?}")),
                }
            }
            "-p" => {
                let p = next(&mut i)?;
                let proto = parse_protocol(p).ok_or_else(|| format!("unknown protocol {p:?}"))?;
                // `-p tcp -m tcp` also reads as one protocol match.
                if words.get(i + 1).map(String::as_str) == Some("-m")
                    && words.get(i + 2).map(String::as_str) == Some(p)
                {
                    i += 2;
                }
                rule.matches.push(Match::Protocol(proto));
            }
            "-s" | "--source" => {
                let a = parse_addr(next(&mut i)?)?;
                rule.matches.push(Match::Source {
                    addr: a,
                    negated: negate,
                });
            }
            "-d" | "--destination" => {
                let a = parse_addr(next(&mut i)?)?;
                rule.matches.push(Match::Destination {
                    addr: a,
                    negated: negate,
                });
            }
            "--dport" => {
                let p = next(&mut i)?;
                rule.matches.push(Match::DestinationPort(
                    p.parse().map_err(|_| format!("bad port {p:?}"))?,
                ));
            }
            "-j" => {
                let t = next(&mut i)?;
                let rest = &words[i + 1..];
                let (target, used) = parse_target(t, rest)?;
                rule.target = Some(target);
                i += used;
            }
            other => return Err(format!("unknown option {other:?}")),
        }
        negate = false;
        i += 1;
    }
    Ok(rule)
}

/// Parses a module's options; returns the match and how many words it used.
fn parse_module(module: &str, w: &[String]) -> Result<(Match, usize), String> {
    let get = |i: usize| {
        w.get(i)
            .map(String::as_str)
            .ok_or_else(|| format!("-m {module}: missing option"))
    };
    match module {
        "comment" => {
            if get(0)? != "--comment" {
                return Err("-m comment without --comment".into());
            }
            Ok((Match::Comment(get(1)?.to_string()), 2))
        }
        "addrtype" => {
            let dir = match get(0)? {
                "--src-type" => AddrDir::Src,
                "--dst-type" => AddrDir::Dst,
                o => return Err(format!("-m addrtype: unknown option {o:?}")),
            };
            if get(1)? != "LOCAL" {
                return Err(format!("-m addrtype: unsupported type {:?}", get(1)?));
            }
            Ok((
                Match::AddrType {
                    dir,
                    addr_type: AddrType::Local,
                },
                2,
            ))
        }
        "statistic" => {
            if get(0)? != "--mode" || get(1)? != "random" || get(2)? != "--probability" {
                return Err("-m statistic: only --mode random --probability P is read".into());
            }
            let p = get(3)?;
            p.parse::<f64>()
                .map_err(|_| format!("bad probability {p:?}"))?;
            Ok((Match::Statistic(Probability::new(p)), 4))
        }
        "recent" => {
            if get(0)? != "--name" {
                return Err("-m recent without --name".into());
            }
            let name = get(1)?.to_string();
            match get(2)? {
                "--set" => Ok((
                    Match::Recent {
                        name,
                        mode: RecentMode::Set,
                    },
                    3,
                )),
                "--rcheck" => {
                    if get(3)? != "--seconds" {
                        return Err("-m recent --rcheck without --seconds".into());
                    }
                    let s = get(4)?;
                    let seconds = s.parse().map_err(|_| format!("bad seconds {s:?}"))?;
                    let reap = w.get(5).map(String::as_str) == Some("--reap");
                    Ok((
                        Match::Recent {
                            name,
                            mode: RecentMode::Rcheck { seconds, reap },
                        },
                        if reap { 6 } else { 5 },
                    ))
                }
                o => Err(format!("-m recent: unsupported option {o:?}")),
            }
        }
        "mark" => {
            let (negated, off) = if get(0)? == "!" {
                (true, 1)
            } else {
                (false, 0)
            };
            if get(off)? != "--mark" {
                return Err("-m mark without --mark".into());
            }
            let (value, mask) = parse_mark_pair(get(off + 1)?)?;
            Ok((
                Match::Mark {
                    value,
                    mask,
                    negated,
                },
                off + 2,
            ))
        }
        "conntrack" => {
            let (negated, off) = if get(0)? == "!" {
                (true, 1)
            } else {
                (false, 0)
            };
            if get(off)? != "--ctstate" {
                return Err("-m conntrack without --ctstate".into());
            }
            let states = get(off + 1)?
                .split(',')
                .map(|s| CtState::parse(s).ok_or_else(|| format!("unknown ctstate {s:?}")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((Match::Conntrack { states, negated }, off + 2))
        }
        "nfacct" => {
            if get(0)? != "--nfacct-name" {
                return Err("-m nfacct without --nfacct-name".into());
            }
            Ok((Match::Nfacct(get(1)?.to_string()), 2))
        }
        _ => Err(format!("unknown match module {module:?}")),
    }
}

/// Parses a target and its options; returns it and how many option words
/// it used.
fn parse_target(t: &str, w: &[String]) -> Result<(Target, usize), String> {
    let get = |i: usize| {
        w.get(i)
            .map(String::as_str)
            .ok_or_else(|| format!("-j {t}: missing option"))
    };
    Ok(match t {
        "ACCEPT" => (Target::Accept, 0),
        "DROP" => (Target::Drop, 0),
        "REJECT" => (Target::Reject, 0),
        "RETURN" => (Target::Return, 0),
        "DNAT" => {
            if get(0)? != "--to-destination" {
                return Err("DNAT without --to-destination".into());
            }
            let to = get(1)?;
            (
                Target::Dnat(
                    to.parse()
                        .map_err(|_| format!("bad DNAT destination {to:?}"))?,
                ),
                2,
            )
        }
        "SNAT" => {
            if get(0)? != "--to-source" {
                return Err("SNAT without --to-source".into());
            }
            let to = get(1)?;
            (
                Target::Snat(to.parse().map_err(|_| format!("bad SNAT source {to:?}"))?),
                2,
            )
        }
        "MASQUERADE" => {
            let rf = w.first().map(String::as_str) == Some("--random-fully");
            (Target::Masquerade { random_fully: rf }, usize::from(rf))
        }
        "MARK" => match get(0)? {
            "--or-mark" => (Target::Mark(MarkOp::Or(parse_hex(get(1)?)?)), 2),
            "--xor-mark" => (Target::Mark(MarkOp::Xor(parse_hex(get(1)?)?)), 2),
            "--set-xmark" => {
                let (value, mask) = parse_mark_pair(get(1)?)?;
                (Target::Mark(MarkOp::SetXmark { value, mask }), 2)
            }
            o => return Err(format!("MARK: unsupported option {o:?}")),
        },
        chain => (Target::Jump(chain.to_string()), 0),
    })
}
