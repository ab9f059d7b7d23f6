//! The table as `nft list table` prints it after loading (nft 1.0.x):
//! one nested, tab-indented block; sets and maps, then chains, in
//! creation order; base chains with `policy accept;` and named
//! priorities; `meta mark` with 8-digit hex and operators (`|`, `&`,
//! `^`); one-element anonymous sets without braces, larger ones sorted
//! and `, `-joined; inline vmaps `, `-joined; dynamic sets with
//! `size 65535`; timeouts as `3h`; counters at zero. Elements are written on one line in
//! table order, where nft wraps them and prints them in the kernel's
//! order: compare with [`normalize_listing`].

use super::{Chain, CmpOp, Element, Expr, Hook, MarkSet, Rhs, Rule, Selector, Set, Table, Value};
use std::fmt::Write as _;
use std::net::IpAddr;

/// nft's name for a priority on `hook` (`dstnat - 10`), or the number.
pub fn priority_name(hook: Hook, prio: i32) -> String {
    let mut names: Vec<(&str, i32)> = vec![
        ("raw", -300),
        ("mangle", -150),
        ("filter", 0),
        ("security", 50),
    ];
    match hook {
        Hook::Prerouting => names.push(("dstnat", -100)),
        Hook::Postrouting => names.push(("srcnat", 100)),
        _ => {}
    }
    for (name, base) in names {
        let d = prio - base;
        if d == 0 {
            return name.to_string();
        }
        if d.abs() <= 10 {
            return format!("{name} {} {}", if d > 0 { '+' } else { '-' }, d.abs());
        }
    }
    prio.to_string()
}

/// A duration as nft prints it (`3h`, `1m40s`, `1d`).
pub fn duration(secs: u32) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let mut s = String::new();
    let mut left = secs;
    for (unit, n) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if left >= n {
            let _ = write!(s, "{}{unit}", left / n);
            left %= n;
        }
    }
    s
}

fn mark_hex(v: u32) -> String {
    format!("0x{v:08x}")
}

fn sel(s: Selector) -> String {
    match s {
        Selector::Mark => "meta mark".into(),
        other => other.to_string(),
    }
}

fn value_for(s: Selector, v: &Value) -> String {
    match (s, v) {
        (Selector::Mark, Value::Num(n)) => mark_hex(u32::try_from(*n).unwrap_or(u32::MAX)),
        _ => v.to_string(),
    }
}

fn sort_key(v: &Value) -> (u8, u128, u8, String) {
    match v {
        Value::Addr(IpAddr::V4(a)) => (0, u128::from(u32::from(*a)), 32, String::new()),
        Value::Addr(IpAddr::V6(a)) => (1, u128::from(*a), 128, String::new()),
        Value::Prefix(IpAddr::V4(a), l) => (0, u128::from(u32::from(*a)), *l, String::new()),
        Value::Prefix(IpAddr::V6(a), l) => (1, u128::from(*a), *l, String::new()),
        Value::Num(n) => (2, u128::from(*n), 0, String::new()),
        other => (3, 0, 0, other.to_string()),
    }
}

fn expr(e: &Expr) -> String {
    match e {
        Expr::Match { key, op, rhs } => {
            let k = key.iter().map(|s| sel(*s)).collect::<Vec<_>>().join(" . ");
            let op = if *op == CmpOp::Ne { " !=" } else { "" };
            match rhs {
                Rhs::Value(v) => {
                    let vals = key
                        .iter()
                        .zip(v)
                        .map(|(s, v)| value_for(*s, v))
                        .collect::<Vec<_>>()
                        .join(" . ");
                    format!("{k}{op} {vals}")
                }
                Rhs::AnonSet(v, _) if v.len() == 1 => format!("{k}{op} {}", v[0]),
                Rhs::AnonSet(v, _) => {
                    let mut v = v.clone();
                    crate::sort::sort_by_key(&mut v, sort_key);
                    let items = v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
                    format!("{k}{op} {{ {} }}", items.join(", "))
                }
                Rhs::Set(name) => format!("{k}{op} @{name}"),
            }
        }
        Expr::MarkAnd { mask, op, value } => format!(
            "meta mark & {} {} {}",
            mark_hex(mask.value),
            if *op == CmpOp::Eq { "==" } else { "!=" },
            mark_hex(*value)
        ),
        Expr::MarkSet(m) => match m {
            MarkSet::Value(v) => format!("meta mark set {}", mark_hex(v.value)),
            MarkSet::Or(v) => format!("meta mark set meta mark | {}", mark_hex(v.value)),
            MarkSet::And(v) => format!("meta mark set meta mark & {}", mark_hex(v.value)),
            MarkSet::Xor(v) => format!("meta mark set meta mark ^ {}", mark_hex(v.value)),
        },
        Expr::VmapInline { key, entries } => {
            let k = key.iter().map(|s| sel(*s)).collect::<Vec<_>>().join(" . ");
            let items = entries
                .iter()
                .map(|(k, v)| format!("{k} : {v}"))
                .collect::<Vec<_>>();
            format!("{k} vmap {{ {} }}", items.join(", "))
        }
        Expr::VmapNamed { key, map } => {
            let k = key.iter().map(|s| sel(*s)).collect::<Vec<_>>().join(" . ");
            format!("{k} vmap @{map}")
        }
        Expr::Counter => "counter packets 0 bytes 0".into(),
        other => other.to_string(),
    }
}

fn rule(r: &Rule) -> String {
    let mut s = r.exprs.iter().map(expr).collect::<Vec<_>>().join(" ");
    if let Some(c) = &r.comment {
        let _ = write!(s, " comment \"{c}\"");
    }
    s
}

/// Where a line of [`Table::listing_lines`] stands in the table, so that
/// a viewer can mark what a trace matched by position, not by text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinePos {
    /// A chain's rule, 1-based as a hit counts it; 0: a base chain's
    /// `type … policy` line (its policy).
    Rule { chain: String, index: usize },
    /// One element of a set or map, as a verdict map's hit names it
    /// ([`Element::text`]).
    Element { set: String, element: String },
}

/// One line of a listing, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingLine {
    pub text: String,
    pub at: Option<LinePos>,
}

fn line(out: &mut Vec<ListingLine>, text: String, at: Option<LinePos>) {
    out.push(ListingLine { text, at });
}

/// A set's block; elements one line each as nft wraps them (`wrap`), or
/// all on one line.
fn set_block(out: &mut Vec<ListingLine>, s: &Set, wrap: bool) {
    let kind = if s.is_map() { "map" } else { "set" };
    line(out, format!("\t{kind} {} {{", s.name), None);
    let mut ty = s
        .key
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(" . ");
    if let Some(v) = s.value {
        let _ = write!(ty, " : {}", v.as_str());
    }
    line(out, format!("\t\ttype {ty}"), None);
    if s.flags.iter().any(|f| f == "dynamic") {
        line(out, "\t\tsize 65535".into(), None);
    }
    if !s.flags.is_empty() {
        line(out, format!("\t\tflags {}", s.flags.join(",")), None);
    }
    if let Some(t) = s.timeout {
        line(out, format!("\t\ttimeout {}", duration(t)), None);
    }
    if let Some(c) = &s.comment {
        line(out, format!("\t\tcomment \"{c}\""), None);
    }
    if s.elements.is_empty() {
    } else if wrap {
        let last = s.elements.len() - 1;
        for (i, e) in s.elements.iter().enumerate() {
            let element = e.text();
            let lead = if i == 0 {
                "\t\telements = { "
            } else {
                "\t\t\t     "
            };
            let end = if i == last { " }" } else { "," };
            let at = LinePos::Element {
                set: s.name.clone(),
                element: element.clone(),
            };
            line(out, [lead, &element, end].concat(), Some(at));
        }
    } else {
        let items: Vec<String> = s.elements.iter().map(Element::text).collect();
        line(
            out,
            format!("\t\telements = {{ {} }}", items.join(", ")),
            None,
        );
    }
    line(out, "\t}".into(), None);
}

/// A chain's block, each rule's line (and a base chain's policy line)
/// with its position.
fn chain_block(out: &mut Vec<ListingLine>, c: &Chain) {
    let at = |index| {
        Some(LinePos::Rule {
            chain: c.name.clone(),
            index,
        })
    };
    line(out, format!("\tchain {} {{", c.name), None);
    if let Some(cm) = &c.comment {
        line(out, format!("\t\tcomment \"{cm}\""), None);
    }
    if let Some(base) = &c.base {
        let text = format!(
            "\t\ttype {} hook {} priority {}; policy {};",
            base.kind.as_str(),
            base.hook.nft_name(),
            priority_name(base.hook, base.priority),
            base.policy.unwrap_or(super::Policy::Accept).as_str()
        );
        line(out, text, at(0));
    }
    for (i, r) in c.rules.iter().enumerate() {
        line(out, format!("\t\t{}", rule(r)), at(i + 1));
    }
    line(out, "\t}".into(), None);
}

fn text_of(lines: Vec<ListingLine>) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(&l.text);
        out.push('\n');
    }
    out
}

impl Table {
    /// What `nft list chain FAMILY TABLE NAME` prints: the chain in its
    /// table's block (without the table's comment), as in
    /// [`Table::to_nft_list`].
    pub fn chain_listing(&self, chain: &Chain) -> String {
        let mut out = Vec::new();
        line(
            &mut out,
            format!("table {} {} {{", self.family.as_str(), self.name),
            None,
        );
        chain_block(&mut out, chain);
        line(&mut out, "}".into(), None);
        text_of(out)
    }

    /// What `nft get element FAMILY TABLE SET { KEY }` prints for one
    /// element of `set`: the set's type (and flags), no comment, that
    /// element alone.
    pub fn element_listing(&self, set: &Set, e: &Element) -> String {
        let kind = if set.is_map() { "map" } else { "set" };
        let mut out = format!("table {} {} {{\n", self.family.as_str(), self.name);
        let _ = writeln!(out, "\t{kind} {} {{", set.name);
        let mut ty = set
            .key
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" . ");
        if let Some(v) = set.value {
            let _ = write!(ty, " : {}", v.as_str());
        }
        let _ = writeln!(out, "\t\ttype {ty}");
        if !set.flags.is_empty() {
            let _ = writeln!(out, "\t\tflags {}", set.flags.join(","));
        }
        let _ = writeln!(out, "\t\telements = {{ {} }}", e.text());
        out.push_str("\t}\n}\n");
        out
    }

    /// The listing `nft list table FAMILY NAME` prints for this table
    /// (see the module docs for what [`normalize_listing`] evens out).
    pub fn to_nft_list(&self) -> String {
        text_of(self.lines(false))
    }

    /// The listing line by line as nft prints it, elements one a line
    /// (nft's wrapping), each line with the rule or element it shows.
    /// [`normalize_listing`] makes it [`Table::to_nft_list`]'s.
    pub fn listing_lines(&self) -> Vec<ListingLine> {
        self.lines(true)
    }

    fn lines(&self, wrap: bool) -> Vec<ListingLine> {
        let mut out = Vec::new();
        line(
            &mut out,
            format!("table {} {} {{", self.family.as_str(), self.name),
            None,
        );
        if let Some(c) = &self.comment {
            line(&mut out, format!("\tcomment \"{c}\""), None);
        }
        let mut first = true;
        let mut gap = |out: &mut Vec<ListingLine>| {
            if !std::mem::take(&mut first) {
                line(out, String::new(), None);
            }
        };
        for s in self
            .sets
            .iter()
            .filter(|s| !s.is_map())
            .chain(self.sets.iter().filter(|s| s.is_map()))
        {
            gap(&mut out);
            set_block(&mut out, s, wrap);
        }
        for c in &self.chains {
            gap(&mut out);
            chain_block(&mut out, c);
        }
        line(&mut out, "}".into(), None);
        out
    }
}

/// Evens out what nft decides by itself in a listing: elements are put on
/// one line each block and sorted (nft wraps them and prints them in the
/// kernel's order), and their `expires` times are dropped.
pub fn normalize_listing(text: &str) -> String {
    let mut out = String::new();
    let mut pending: Option<String> = None;
    for line in text.lines() {
        if let Some(p) = pending.as_mut() {
            p.push(' ');
            p.push_str(line.trim());
        } else if line.trim_start().starts_with("elements = {") {
            pending = Some(line.to_string());
        } else {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let p = pending.as_ref().expect("set above");
        if p.trim_end().ends_with('}') {
            let indent: String = p.chars().take_while(|c| c.is_whitespace()).collect();
            let inner = p
                .trim()
                .trim_start_matches("elements = {")
                .trim_end_matches('}')
                .trim();
            // Dropping `expires 59s996ms` (timeouts run in the kernel).
            let mut items: Vec<String> = inner
                .split(", ")
                .map(|item| {
                    let mut words: Vec<&str> = Vec::new();
                    let mut it = item.split_whitespace();
                    while let Some(w) = it.next() {
                        if w == "expires" {
                            it.next();
                        } else {
                            words.push(w);
                        }
                    }
                    words.join(" ")
                })
                .collect();
            crate::sort::sort(&mut items);
            let _ = writeln!(out, "{indent}elements = {{ {} }}", items.join(", "));
            pending = None;
        }
    }
    out
}
