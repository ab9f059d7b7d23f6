//! Parsing the `nft -f` transaction text that knftables writes back into a
//! [`Table`]. One table per text; `add` of an existing table, chain or set
//! is a no-op (as in nft); `flush chain`, `flush set|map`, `delete chain`
//! and `delete set|map` are understood too. Errors name the line.

use super::{
    BaseChain, Chain, ChainType, CmpOp, DataType, Element, Expr, Family, Hex, Hook, L4Proto,
    MarkSet, Policy, Rhs, Rule, Selector, Sep, Set, Table, Value, Verdict,
};
use std::fmt;
use std::net::IpAddr;

/// Why a line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Str(String),
}

fn tokenize(line: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(ch) => s.push(ch),
                    None => return Err("unterminated string".into()),
                }
            }
            out.push(Tok::Str(s));
        } else {
            let mut s = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() || ch == '"' {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            out.push(Tok::Word(s));
        }
    }
    Ok(out)
}

struct Cur<'a> {
    toks: &'a [Tok],
    i: usize,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<&'a str> {
        match self.toks.get(self.i) {
            Some(Tok::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn at_end(&self) -> bool {
        self.i >= self.toks.len()
    }

    fn word(&mut self, what: &str) -> Result<&'a str, String> {
        match self.toks.get(self.i) {
            Some(Tok::Word(w)) => {
                self.i += 1;
                Ok(w.as_str())
            }
            Some(Tok::Str(s)) => Err(format!("expected {what}, found string \"{s}\"")),
            None => Err(format!("expected {what}, found end of line")),
        }
    }

    fn string(&mut self, what: &str) -> Result<&'a str, String> {
        match self.toks.get(self.i) {
            Some(Tok::Str(s)) => {
                self.i += 1;
                Ok(s.as_str())
            }
            Some(Tok::Word(w)) => Err(format!("expected {what} (a quoted string), found {w:?}")),
            None => Err(format!("expected {what}, found end of line")),
        }
    }

    fn expect(&mut self, want: &str) -> Result<(), String> {
        let w = self.word(&format!("{want:?}"))?;
        if w == want {
            Ok(())
        } else {
            Err(format!("expected {want:?}, found {w:?}"))
        }
    }

    fn eat(&mut self, want: &str) -> bool {
        if self.peek() == Some(want) {
            self.i += 1;
            true
        } else {
            false
        }
    }
}

impl Table {
    /// Parses `nft -f` text in knftables' syntax (see the module docs).
    pub fn parse(text: &str) -> Result<Table, ParseError> {
        let mut table: Option<Table> = None;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| ParseError {
                line: n + 1,
                message,
            };
            let toks = tokenize(line).map_err(err)?;
            parse_line(&mut table, &toks).map_err(err)?;
        }
        table.ok_or(ParseError {
            line: text.lines().count().max(1),
            message: "no \"add table\" line".into(),
        })
    }
}

fn parse_family(w: &str) -> Result<Family, String> {
    match w {
        "ip" => Ok(Family::Ip),
        "ip6" => Ok(Family::Ip6),
        other => Err(format!("unknown family {other:?} (ip or ip6)")),
    }
}

fn parse_line(table: &mut Option<Table>, toks: &[Tok]) -> Result<(), String> {
    let mut c = Cur { toks, i: 0 };
    let verb = c.word("a command")?;
    let object = c.word("an object type")?;
    let family = parse_family(c.word("a family")?)?;
    let tname = c.word("a table name")?;
    if verb == "add" && object == "table" {
        let mut comment = None;
        if c.eat("{") {
            while !c.eat("}") {
                let k = c.word("a table attribute")?;
                match k {
                    "comment" => comment = Some(c.string("a comment")?.to_string()),
                    other => return Err(format!("unknown table attribute {other:?}")),
                }
                c.expect(";")?;
            }
        }
        end(&c)?;
        match table {
            Some(t) if t.family != family || t.name != tname => {
                return Err(format!(
                    "a second table ({} {tname}); one table per text",
                    family.as_str()
                ))
            }
            Some(_) => {}
            None => {
                let mut t = Table::new(family, tname);
                t.comment = comment;
                *table = Some(t);
            }
        }
        return Ok(());
    }
    let t = match table {
        Some(t) if t.family == family && t.name == tname => t,
        Some(t) => {
            return Err(format!(
                "table {} {tname} is not the table of this text ({} {})",
                family.as_str(),
                t.family.as_str(),
                t.name
            ))
        }
        None => return Err("the table must be added first".into()),
    };
    let name = c.word("an object name")?;
    match (verb, object) {
        ("add", "chain") => {
            let chain = parse_chain_decl(name, &mut c)?;
            end(&c)?;
            if t.chain(name).is_none() {
                t.chains.push(chain);
            }
        }
        ("add", "set") | ("add", "map") => {
            let set = parse_set_decl(name, object == "map", &mut c)?;
            end(&c)?;
            if t.set(name).is_none() {
                t.sets.push(set);
            }
        }
        ("add", "rule") => {
            let rule = parse_rule(&mut c, t.family)?;
            let chain = t
                .chain_mut(name)
                .ok_or_else(|| format!("no chain {name:?}"))?;
            chain.rules.push(rule);
        }
        ("add", "element") => {
            let set = t.set_mut(name).ok_or_else(|| format!("no set {name:?}"))?;
            let e = parse_element(&mut c, set)?;
            end(&c)?;
            if !set.elements.iter().any(|x| x.key == e.key) {
                set.elements.push(e);
            }
        }
        ("flush", "chain") => {
            end(&c)?;
            t.chain_mut(name)
                .ok_or_else(|| format!("no chain {name:?}"))?
                .rules
                .clear();
        }
        ("flush", "set") | ("flush", "map") => {
            end(&c)?;
            t.set_mut(name)
                .ok_or_else(|| format!("no {object} {name:?}"))?
                .elements
                .clear();
        }
        ("delete", "chain") => {
            end(&c)?;
            let before = t.chains.len();
            t.chains.retain(|ch| ch.name != name);
            if t.chains.len() == before {
                return Err(format!("no chain {name:?}"));
            }
        }
        ("delete", "set") | ("delete", "map") => {
            end(&c)?;
            let before = t.sets.len();
            t.sets.retain(|s| s.name != name);
            if t.sets.len() == before {
                return Err(format!("no {object} {name:?}"));
            }
        }
        (v, o) => return Err(format!("unknown command \"{v} {o}\"")),
    }
    Ok(())
}

fn end(c: &Cur<'_>) -> Result<(), String> {
    match c.toks.get(c.i) {
        None => Ok(()),
        Some(Tok::Word(w)) => Err(format!("unexpected {w:?} at the end of the line")),
        Some(Tok::Str(s)) => Err(format!("unexpected string \"{s}\" at the end of the line")),
    }
}

fn parse_chain_decl(name: &str, c: &mut Cur<'_>) -> Result<Chain, String> {
    let mut chain = Chain::regular(name);
    if !c.eat("{") {
        return Ok(chain);
    }
    let mut kind = None;
    let mut hook = None;
    let mut priority = None;
    let mut policy = None;
    while !c.eat("}") {
        let k = c.word("a chain attribute")?;
        match k {
            "type" => {
                kind = Some(match c.word("a chain type")? {
                    "filter" => ChainType::Filter,
                    "nat" => ChainType::Nat,
                    "route" => ChainType::Route,
                    o => return Err(format!("unknown chain type {o:?}")),
                });
                c.expect("hook")?;
                let h = c.word("a hook")?;
                hook = Some(
                    *Hook::ALL
                        .iter()
                        .find(|x| x.nft_name() == h)
                        .ok_or_else(|| format!("unknown hook {h:?}"))?,
                );
                c.expect("priority")?;
                let p = c.word("a priority")?;
                priority = Some(
                    p.parse::<i32>()
                        .map_err(|_| format!("priority {p:?} is not a number"))?,
                );
            }
            "policy" => {
                policy = Some(match c.word("a policy")? {
                    "accept" => Policy::Accept,
                    "drop" => Policy::Drop,
                    o => return Err(format!("unknown policy {o:?}")),
                })
            }
            "comment" => chain.comment = Some(c.string("a comment")?.to_string()),
            o => return Err(format!("unknown chain attribute {o:?}")),
        }
        c.expect(";")?;
    }
    match (kind, hook, priority) {
        (Some(kind), Some(hook), Some(priority)) => {
            chain.base = Some(BaseChain {
                kind,
                hook,
                priority,
                policy,
            })
        }
        _ if policy.is_some() => return Err("a policy needs a base chain".into()),
        _ => {}
    }
    Ok(chain)
}

fn parse_set_decl(name: &str, is_map: bool, c: &mut Cur<'_>) -> Result<Set, String> {
    let mut set = Set {
        name: name.to_string(),
        key: Vec::new(),
        value: None,
        flags: Vec::new(),
        timeout: None,
        comment: None,
        elements: Vec::new(),
    };
    c.expect("{")?;
    while !c.eat("}") {
        let k = c.word("a set attribute")?;
        match k {
            "type" => {
                loop {
                    let ty = c.word("a data type")?;
                    set.key.push(
                        DataType::from_name(ty).ok_or_else(|| format!("unknown type {ty:?}"))?,
                    );
                    if !c.eat(".") {
                        break;
                    }
                }
                if c.eat(":") {
                    let ty = c.word("a data type")?;
                    set.value = Some(
                        DataType::from_name(ty).ok_or_else(|| format!("unknown type {ty:?}"))?,
                    );
                }
            }
            "flags" => {
                set.flags = c
                    .word("flags")?
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .collect()
            }
            "timeout" => {
                let t = c.word("a timeout")?;
                let secs = t
                    .strip_suffix('s')
                    .and_then(|s| s.parse::<u32>().ok())
                    .ok_or_else(|| format!("timeout {t:?} is not a number of seconds (\"10s\")"))?;
                set.timeout = Some(secs);
            }
            "comment" => set.comment = Some(c.string("a comment")?.to_string()),
            "typeof" => return Err("\"typeof\" is not supported; use \"type\"".into()),
            o => return Err(format!("unknown set attribute {o:?}")),
        }
        c.expect(";")?;
    }
    if set.key.is_empty() {
        return Err(format!("{name:?} has no type"));
    }
    if is_map != set.value.is_some() {
        return Err(if is_map {
            format!("map {name:?} has no value type (\"type K : V\")")
        } else {
            format!("set {name:?} has a value type; declare it as a map")
        });
    }
    Ok(set)
}

fn parse_typed_value(ty: DataType, w: &str) -> Result<Value, String> {
    match ty {
        DataType::Ipv4Addr | DataType::Ipv6Addr => parse_addr_value(w),
        DataType::InetProto => L4Proto::from_name(w)
            .map(Value::Proto)
            .ok_or_else(|| format!("unknown protocol {w:?}")),
        DataType::InetService => w
            .parse::<u16>()
            .map(|p| Value::Num(u64::from(p)))
            .map_err(|_| format!("{w:?} is not a port")),
        DataType::Mark => parse_num(w).map(Value::Num),
        DataType::Verdict => Err("a verdict cannot be a key".into()),
    }
}

fn parse_num(w: &str) -> Result<u64, String> {
    if let Some(h) = w.strip_prefix("0x") {
        u64::from_str_radix(h, 16).map_err(|_| format!("{w:?} is not a number"))
    } else {
        w.parse::<u64>()
            .map_err(|_| format!("{w:?} is not a number"))
    }
}

fn parse_hex(w: &str) -> Result<Hex, String> {
    let value = u32::try_from(parse_num(w)?).map_err(|_| format!("{w:?} is too large"))?;
    let digits = match w.strip_prefix("0x") {
        Some(h) => u8::try_from(h.len()).unwrap_or(0),
        None => 0,
    };
    Ok(Hex { value, digits })
}

fn parse_addr_value(w: &str) -> Result<Value, String> {
    if let Some((a, l)) = w.split_once('/') {
        let addr: IpAddr = a.parse().map_err(|_| format!("{a:?} is not an address"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len: u8 = l
            .parse()
            .ok()
            .filter(|&n: &u8| n <= max)
            .ok_or_else(|| format!("{l:?} is not a prefix length"))?;
        Ok(Value::Prefix(addr, len))
    } else {
        w.parse::<IpAddr>()
            .map(Value::Addr)
            .map_err(|_| format!("{w:?} is not an address"))
    }
}

fn parse_element(c: &mut Cur<'_>, set: &Set) -> Result<Element, String> {
    c.expect("{")?;
    let mut key = Vec::new();
    for (i, ty) in set.key.iter().enumerate() {
        if i > 0 {
            c.expect(".")?;
        }
        key.push(parse_typed_value(*ty, c.word("a key")?)?);
    }
    let mut comment = None;
    if c.eat("comment") {
        comment = Some(c.string("a comment")?.to_string());
    }
    let mut value = None;
    if c.eat(":") {
        if !set.is_map() {
            return Err(format!(
                "{:?} is a set; its elements have no value",
                set.name
            ));
        }
        value = Some(parse_verdict(c)?);
    } else if set.is_map() {
        return Err(format!(
            "{:?} is a map; the element needs \": VALUE\"",
            set.name
        ));
    }
    c.expect("}")?;
    Ok(Element {
        key,
        comment,
        value,
    })
}

fn parse_verdict(c: &mut Cur<'_>) -> Result<Verdict, String> {
    let w = c.word("a verdict")?;
    Ok(match w {
        "accept" => Verdict::Accept,
        "drop" => Verdict::Drop,
        "return" => Verdict::Return,
        "jump" => Verdict::Jump(c.word("a chain name")?.to_string()),
        "goto" => Verdict::Goto(c.word("a chain name")?.to_string()),
        o => return Err(format!("unknown verdict {o:?}")),
    })
}

fn parse_selector(c: &mut Cur<'_>, family: Family) -> Result<Selector, String> {
    let w = c.word("an expression")?;
    let sel = match w {
        "ip" | "ip6" => {
            let fam = parse_family(w)?;
            if fam != family {
                return Err(format!("{w:?} in a table of family {}", family.as_str()));
            }
            match c.word("saddr or daddr")? {
                "saddr" => Selector::Saddr(fam),
                "daddr" => Selector::Daddr(fam),
                o => return Err(format!("unknown {w} field {o:?}")),
            }
        }
        "meta" => match c.word("a meta key")? {
            "l4proto" => Selector::L4Proto,
            "mark" => Selector::Mark,
            o => return Err(format!("unknown meta key {o:?}")),
        },
        "th" => {
            c.expect("dport")?;
            Selector::ThDport
        }
        "tcp" | "udp" | "sctp" => {
            c.expect("dport")?;
            Selector::Dport(L4Proto::from_name(w).unwrap_or(L4Proto::Tcp))
        }
        "ct" => {
            c.expect("state")?;
            Selector::CtState
        }
        "fib" => {
            let s = match c.word("saddr or daddr")? {
                "saddr" => Selector::FibSaddrType,
                "daddr" => Selector::FibDaddrType,
                o => return Err(format!("unknown fib input {o:?}")),
            };
            c.expect("type")?;
            s
        }
        "numgen" => {
            c.expect("random")?;
            c.expect("mod")?;
            let n = c.word("a modulus")?;
            let n: u32 = n
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("modulus {n:?} is not a positive number"))?;
            Selector::NumgenRandom(n)
        }
        "mark" => Selector::Mark,
        o => return Err(format!("unknown expression {o:?}")),
    };
    Ok(sel)
}

fn parse_sel_value(sel: Selector, w: &str) -> Result<Value, String> {
    match sel {
        Selector::Saddr(_) | Selector::Daddr(_) => parse_addr_value(w),
        Selector::L4Proto => L4Proto::from_name(w)
            .map(Value::Proto)
            .ok_or_else(|| format!("unknown protocol {w:?}")),
        Selector::ThDport | Selector::Dport(_) => parse_typed_value(DataType::InetService, w),
        Selector::NumgenRandom(_) | Selector::Mark => parse_num(w).map(Value::Num),
        Selector::CtState | Selector::FibSaddrType | Selector::FibDaddrType => {
            if w.chars().all(|ch| ch.is_ascii_lowercase() || ch == ',') && !w.is_empty() {
                Ok(Value::Name(w.to_string()))
            } else {
                Err(format!("{w:?} is not a name"))
            }
        }
    }
}

fn is_statement_word(w: &str) -> bool {
    matches!(
        w,
        "comment"
            | "counter"
            | "reject"
            | "accept"
            | "drop"
            | "return"
            | "jump"
            | "goto"
            | "masquerade"
            | "dnat"
            | "update"
    )
}

fn parse_rule(c: &mut Cur<'_>, family: Family) -> Result<Rule, String> {
    let mut exprs = Vec::new();
    let mut comment = None;
    if c.at_end() {
        return Err("empty rule".into());
    }
    while !c.at_end() {
        if comment.is_some() {
            return Err("the comment must end the rule".into());
        }
        let Some(w) = c.peek() else {
            let s = c.string("an expression")?;
            return Err(format!("unexpected string \"{s}\""));
        };
        match w {
            "comment" => {
                c.i += 1;
                comment = Some(c.string("a comment")?.to_string());
            }
            "counter" => {
                c.i += 1;
                exprs.push(Expr::Counter);
            }
            "reject" => {
                c.i += 1;
                exprs.push(Expr::Reject);
            }
            "accept" | "drop" | "return" | "jump" | "goto" => {
                exprs.push(Expr::Verdict(parse_verdict(c)?));
            }
            "masquerade" => {
                c.i += 1;
                let fully_random = c.eat("fully-random");
                exprs.push(Expr::Masquerade { fully_random });
            }
            "dnat" => {
                c.i += 1;
                c.expect("to")?;
                let t = c.word("an address")?;
                exprs.push(parse_dnat(t)?);
            }
            "update" => {
                c.i += 1;
                let s = c.word("@set")?;
                let set = s
                    .strip_prefix('@')
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| format!("expected @set, found {s:?}"))?;
                c.expect("{")?;
                let key = parse_key(c, family)?;
                c.expect("}")?;
                exprs.push(Expr::Update {
                    set: set.to_string(),
                    key,
                });
            }
            "mark" if c.toks.get(c.i + 1) == Some(&Tok::Word("set".into())) => {
                c.i += 2;
                let m = if c.eat("mark") {
                    let op = c.word("or, and or xor")?;
                    let v = parse_hex(c.word("a mark")?)?;
                    match op {
                        "or" => MarkSet::Or(v),
                        "and" => MarkSet::And(v),
                        "xor" => MarkSet::Xor(v),
                        o => return Err(format!("unknown mark operation {o:?}")),
                    }
                } else {
                    MarkSet::Value(parse_hex(c.word("a mark")?)?)
                };
                exprs.push(Expr::MarkSet(m));
            }
            "mark" if c.toks.get(c.i + 1) == Some(&Tok::Word("and".into())) => {
                c.i += 2;
                let mask = parse_hex(c.word("a mask")?)?;
                let op = match c.word("== or !=")? {
                    "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    o => return Err(format!("expected == or !=, found {o:?}")),
                };
                let value = u32::try_from(parse_num(c.word("a value")?)?)
                    .map_err(|_| "mark value too large".to_string())?;
                exprs.push(Expr::MarkAnd { mask, op, value });
            }
            _ => exprs.push(parse_match(c, family)?),
        }
    }
    Ok(Rule { exprs, comment })
}

fn parse_dnat(t: &str) -> Result<Expr, String> {
    if let Some(rest) = t.strip_prefix('[') {
        let (a, p) = rest
            .split_once("]:")
            .ok_or_else(|| format!("{t:?} is not [ADDR]:PORT"))?;
        let addr: IpAddr = a.parse().map_err(|_| format!("{a:?} is not an address"))?;
        let port: u16 = p.parse().map_err(|_| format!("{p:?} is not a port"))?;
        return Ok(Expr::Dnat {
            addr,
            port: Some(port),
        });
    }
    if let Ok(addr) = t.parse::<IpAddr>() {
        return Ok(Expr::Dnat { addr, port: None });
    }
    let (a, p) = t
        .rsplit_once(':')
        .ok_or_else(|| format!("{t:?} is not ADDR:PORT"))?;
    let addr: IpAddr = a.parse().map_err(|_| format!("{a:?} is not an address"))?;
    let port: u16 = p.parse().map_err(|_| format!("{p:?} is not a port"))?;
    Ok(Expr::Dnat {
        addr,
        port: Some(port),
    })
}

fn parse_key(c: &mut Cur<'_>, family: Family) -> Result<Vec<Selector>, String> {
    let mut key = vec![parse_selector(c, family)?];
    while c.eat(".") {
        key.push(parse_selector(c, family)?);
    }
    Ok(key)
}

fn parse_match(c: &mut Cur<'_>, family: Family) -> Result<Expr, String> {
    let key = parse_key(c, family)?;
    if c.eat("vmap") {
        let w = c.word("@map or {")?;
        if let Some(map) = w.strip_prefix('@') {
            if map.is_empty() {
                return Err("expected a map name after @".into());
            }
            return Ok(Expr::VmapNamed {
                key,
                map: map.to_string(),
            });
        }
        if w != "{" {
            return Err(format!("expected @map or {{, found {w:?}"));
        }
        if key.len() != 1 {
            return Err("inline verdict maps take a single key".into());
        }
        let mut entries = Vec::new();
        loop {
            let k = parse_sel_value(key[0], c.word("a key")?)?;
            c.expect(":")?;
            entries.push((k, parse_verdict(c)?));
            if c.eat("}") {
                break;
            }
            c.expect(",")?;
        }
        return Ok(Expr::VmapInline { key, entries });
    }
    let op = if c.eat("!=") {
        CmpOp::Ne
    } else {
        c.eat("==");
        CmpOp::Eq
    };
    let w = c.word("a value")?;
    if let Some(set) = w.strip_prefix('@') {
        if set.is_empty() {
            return Err("expected a set name after @".into());
        }
        return Ok(Expr::Match {
            key,
            op,
            rhs: Rhs::Set(set.to_string()),
        });
    }
    if w == "{" {
        if key.len() != 1 {
            return Err("anonymous sets take a single key".into());
        }
        let mut raw = Vec::new();
        loop {
            let t = c.word("}")?;
            if t == "}" {
                break;
            }
            raw.push(t);
        }
        let joined = raw.join(" ");
        // One element: knftables' `Concat` style, as for several.
        let sep = if joined.contains(" , ") || !joined.contains(',') {
            Sep::SpacedComma
        } else if joined.contains(", ") {
            Sep::CommaSpace
        } else {
            Sep::Comma
        };
        let mut vals = Vec::new();
        for part in joined.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err("empty element in an anonymous set".into());
            }
            vals.push(parse_sel_value(key[0], part)?);
        }
        if vals.is_empty() {
            return Err("empty anonymous set".into());
        }
        return Ok(Expr::Match {
            key,
            op,
            rhs: Rhs::AnonSet(vals, sep),
        });
    }
    if is_statement_word(w) {
        return Err(format!(
            "expected a value after \"{}\", found {w:?}",
            key[0]
        ));
    }
    let mut vals = vec![parse_sel_value(key[0], w)?];
    for sel in &key[1..] {
        c.expect(".")?;
        vals.push(parse_sel_value(*sel, c.word("a value")?)?);
    }
    Ok(Expr::Match {
        key,
        op,
        rhs: Rhs::Value(vals),
    })
}
