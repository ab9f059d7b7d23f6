//! The engine's prediction for a request (from `paths`) against what the
//! kernel did, attempt by attempt.

use super::probe::Attempt;
use crate::engine::paths::Outcome;
use crate::engine::trace::Verdict;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

/// How an attempt ends, as a client can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Class {
    /// Answered by `server`, which saw the client at `src` (`port_kept`:
    /// with the client's own port, i.e. no source NAT) and itself at `dst`;
    /// the answer came from `reply_from`.
    Answered {
        server: String,
        src: Ipv4Addr,
        port_kept: bool,
        dst: SocketAddrV4,
        reply_from: SocketAddrV4,
    },
    /// A ping answered by an echo reply from `from`.
    Echoed { from: Ipv4Addr },
    /// Connection refused: a reset, or ICMP port unreachable (an empty
    /// port or a REJECT rule: the client cannot tell them apart).
    Refused,
    /// No usable answer: dropped on the way, or on the way back.
    Dropped,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Class::Answered {
                server,
                src,
                port_kept,
                dst,
                reply_from,
            } => write!(
                f,
                "{server} sees {src}{} -> {dst}, reply from {reply_from}",
                if *port_kept { " (port kept)" } else { "" }
            ),
            Class::Echoed { from } => write!(f, "echo reply from {from}"),
            Class::Refused => f.write_str("refused"),
            Class::Dropped => f.write_str("dropped"),
        }
    }
}

/// What the engine predicts for one outcome.
#[derive(Debug, Clone)]
pub struct Predicted {
    pub class: Class,
    pub probability: f64,
    /// Normalised conntrack entries per node.
    pub conntrack: BTreeMap<String, BTreeSet<String>>,
    /// The entries of each engine outcome merged into this one (outcomes
    /// of one class), when there are several.
    pub alternatives: Vec<BTreeMap<String, BTreeSet<String>>>,
    /// The engine's words for it.
    pub verdict: String,
}

pub fn predicted(o: &Outcome) -> Predicted {
    let t = &o.trace;
    let client = t.hops.first().map(|h| h.before.src);
    let answered = t.verdict == Verdict::Delivered
        && t.reply
            .as_ref()
            .is_some_and(|r| r.verdict == Verdict::Delivered);
    let ping = t.is_ping();
    let class = match (t.verdict, &t.server_sees, answered) {
        (Verdict::Delivered, Some(seen), true) if ping => Class::Echoed {
            from: t
                .reply
                .as_ref()
                .and_then(|r| r.client_sees.as_ref())
                .map_or(*seen.dst.ip(), |c| *c.src.ip()),
        },
        (Verdict::Delivered, Some(seen), true) => Class::Answered {
            server: t.delivered_to.clone().unwrap_or_default(),
            src: *seen.src.ip(),
            // The engine keeps the port through MASQUERADE; the kernel
            // (`--random-fully`) does not: kept only without source NAT.
            port_kept: Some(seen.src) == client && !source_nat(t),
            dst: seen.dst,
            reply_from: t
                .reply
                .as_ref()
                .and_then(|r| r.client_sees.as_ref())
                .map(|c| c.src)
                .unwrap_or(seen.dst),
        },
        (Verdict::Refused | Verdict::Rejected, _, _) => Class::Refused,
        _ => Class::Dropped,
    };
    let conntrack = t
        .conntrack
        .iter()
        .map(|(n, es)| (n.clone(), es.iter().filter_map(|e| normalise(e)).collect()))
        .collect();
    let verdict = match (&t.reason, &t.delivered_to) {
        (Some(r), _) => format!("{:?}: {}", t.verdict, r.en()),
        (None, Some(d)) => format!("{:?} to {d}", t.verdict),
        (None, None) => format!("{:?}", t.verdict),
    };
    Predicted {
        class,
        probability: o.probability,
        conntrack,
        alternatives: vec![],
        verdict,
    }
}

/// The engine's outcomes as a client can tell them apart: outcomes that
/// differ only in the engine's reason (a reset or a REJECT: both
/// "refused") are one, with their probabilities summed.
pub fn predictions(outcomes: &[Outcome]) -> Vec<Predicted> {
    let mut out: Vec<Predicted> = Vec::new();
    for p in outcomes.iter().map(predicted) {
        match out.iter_mut().find(|q| q.class == p.class) {
            Some(q) => {
                if q.alternatives.is_empty() {
                    q.alternatives.push(q.conntrack.clone());
                }
                q.alternatives.push(p.conntrack.clone());
                q.probability += p.probability;
                for (n, es) in p.conntrack {
                    q.conntrack.entry(n).or_default().extend(es);
                }
                q.verdict = format!("{}; {}", q.verdict, p.verdict);
            }
            None => out.push(p),
        }
    }
    out
}

/// How the engine spreads a client's later connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spread {
    /// Each connection independently, as `paths` says.
    Independent,
    /// Session affinity: later connections depend on the first, so only
    /// membership is checked (not that every outcome shows).
    Affinity,
    /// Session affinity through one node: every connection reaches the
    /// server the first reached.
    Sticky,
}

/// Whether a rule rewrote the request's source (MASQUERADE, SNAT).
fn source_nat(t: &crate::engine::trace::Trace) -> bool {
    t.hops
        .iter()
        .filter(|h| h.leg == crate::engine::trace::Leg::Request)
        .flat_map(|h| &h.rules)
        .any(|r| {
            matches!(
                r.effect,
                crate::linux::netfilter::Effect::Nat(
                    crate::linux::netfilter::NatAction::Masquerade { .. }
                        | crate::linux::netfilter::NatAction::Snat(_)
                )
            )
        })
}

/// What one kernel attempt amounts to.
pub fn observed(a: &Attempt) -> Result<Class, String> {
    match a {
        Attempt::Answered {
            server,
            server_saw_src,
            server_saw_dst,
            client,
            reply_from,
        } => Ok(Class::Answered {
            server: server.clone(),
            src: *server_saw_src.ip(),
            port_kept: server_saw_src == client,
            dst: *server_saw_dst,
            reply_from: *reply_from,
        }),
        Attempt::Echoed { from } => Ok(Class::Echoed { from: *from }),
        Attempt::Refused => Ok(Class::Refused),
        Attempt::Timeout | Attempt::Unreachable => Ok(Class::Dropped),
        Attempt::Error(e) => Err(e.clone()),
    }
}

/// Whether a kernel attempt is what the engine predicted. With source NAT
/// the port is not compared: kube-proxy masquerades with
/// `--random-fully`, the engine keeps the port (README).
pub fn matches(pred: &Class, obs: &Class) -> bool {
    match (pred, obs) {
        (
            Class::Answered {
                server: s1,
                src: a1,
                port_kept: k1,
                dst: d1,
                reply_from: r1,
            },
            Class::Answered {
                server: s2,
                src: a2,
                port_kept: k2,
                dst: d2,
                reply_from: r2,
            },
        ) => s1 == s2 && a1 == a2 && d1 == d2 && r1 == r2 && (!*k1 || *k2),
        (a, b) => a == b,
    }
}

/// A conntrack line (`conntrack -L`, or the engine's rendering of it) as
/// `proto src -> dst:dport | rsrc:rsport -> rdst`: the client's own port
/// (and the port source NAT picked) left out, since the kernel's are
/// random. An ICMP entry has types for ports (`icmp src -> dst:8 |
/// rsrc:0 -> rdst`), its id left out as ping picks it.
pub fn normalise(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let proto = *words.first()?;
    let kv: Vec<(&str, &str)> = words.iter().filter_map(|w| w.split_once('=')).collect();
    let get = |key: &str, nth: usize| {
        kv.iter()
            .filter(|(k, _)| *k == key)
            .nth(nth)
            .map(|(_, v)| *v)
    };
    let (dport, rsport) = match (get("dport", 0), get("sport", 1)) {
        (Some(d), Some(s)) => (d, s),
        _ => (get("type", 0)?, get("type", 1)?),
    };
    Some(format!(
        "{proto} {} -> {}:{dport} | {}:{rsport} -> {}",
        get("src", 0)?,
        get("dst", 0)?,
        get("src", 1)?,
        get("dst", 1)?
    ))
}

/// A `tcpdump -nqt` line without what the kernel picks at random or the
/// engine does not model: the client's port (a request's source port, a
/// reply's destination port: `IP 10.0.1.2.* > 10.0.2.2.8080: tcp 0`),
/// an ICMP echo's identifier (`id *`) and a UDP datagram's length
/// (`UDP, length *`: the engine models no payload). Everything else (the
/// addresses as NAT left them on that wire, the server's port, the
/// protocol, `tcp 0`, ICMP's type, sequence and length) is compared.
pub fn tcpdump_masked(line: &str, reply: bool) -> String {
    let Some((head, rest)) = line.trim_end().split_once(": ") else {
        return line.trim_end().to_string();
    };
    let mut words: Vec<String> = head.split(' ').map(str::to_string).collect();
    let client = if reply { 3 } else { 1 };
    if let Some(w) = words.get_mut(client) {
        // `A.B.C.D.PORT`: ICMP's addresses have no port.
        if w.matches('.').count() == 4 {
            if let Some((ip, _)) = w.rsplit_once('.') {
                *w = format!("{ip}.*");
            }
        }
    }
    let udp = rest.starts_with("UDP,");
    let mut out: Vec<String> = Vec::new();
    let mut masked = false;
    for w in rest.split(' ') {
        if masked {
            out.push(if w.ends_with(',') {
                "*,".into()
            } else {
                "*".into()
            });
            masked = false;
            continue;
        }
        masked = w == "id" || (udp && w == "length");
        out.push(w.to_string());
    }
    format!("{}: {}", words.join(" "), out.join(" "))
}

/// How many attempts make every outcome with probability `p` likely to
/// show (a miss chance under 1/1000 each), within bounds.
pub fn attempts_for(preds: &[Predicted]) -> u32 {
    let answered = preds.iter().any(|p| !matches!(p.class, Class::Dropped));
    if !answered {
        return 2;
    }
    let p_min = preds
        .iter()
        .map(|p| p.probability)
        .filter(|p| *p >= 0.02)
        .fold(1.0f64, f64::min);
    if p_min >= 0.999 {
        return 3;
    }
    let n = (0.001f64.ln() / (1.0 - p_min).ln()).ceil() as u32;
    n.clamp(3, 80)
}

/// One disagreement, in words.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// A predicted outcome that did not show (perhaps bad luck).
    pub unseen: bool,
    pub what: String,
    pub predicted: String,
    pub observed: String,
}

/// Compares the kernel's attempts (and the conntrack entries they left,
/// per node) with the engine's outcomes. `sticky`: the engine says every
/// later connection from the client goes where the first went (session
/// affinity).
pub fn compare(
    preds: &[Predicted],
    attempts: &[Attempt],
    kernel_ct: &BTreeMap<String, Vec<String>>,
    spread: Spread,
) -> Vec<Mismatch> {
    let server = |c: &Class| match c {
        Class::Answered { server, .. } => Some(server.clone()),
        _ => None,
    };
    let mut out = Vec::new();
    let all_pred = || {
        preds
            .iter()
            .map(|p| format!("{} (p={:.3})", p.class, p.probability))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut seen = vec![0u32; preds.len()];
    let mut first: Option<Class> = None;
    for a in attempts {
        let obs = match observed(a) {
            Ok(c) => c,
            Err(e) => {
                out.push(Mismatch {
                    unseen: false,
                    what: "the client failed".into(),
                    predicted: all_pred(),
                    observed: e,
                });
                continue;
            }
        };
        match preds.iter().position(|p| matches(&p.class, &obs)) {
            Some(i) => seen[i] += 1,
            None => out.push(Mismatch {
                unseen: false,
                what: "an outcome the engine does not predict".into(),
                predicted: all_pred(),
                observed: obs.to_string(),
            }),
        }
        if spread == Spread::Sticky {
            match &first {
                None => first = Some(obs),
                Some(f) if server(f) != server(&obs) => out.push(Mismatch {
                    unseen: false,
                    what: "session affinity: a later connection went elsewhere".into(),
                    predicted: f.to_string(),
                    observed: obs.to_string(),
                }),
                Some(_) => {}
            }
        }
    }
    let n = attempts.len() as i32;
    if spread == Spread::Independent {
        for (i, p) in preds.iter().enumerate() {
            let miss_chance = (1.0 - p.probability).powi(n);
            if seen[i] == 0 && miss_chance < 0.001 {
                out.push(Mismatch {
                    unseen: true,
                    what: format!("a predicted outcome never happened in {n} attempts"),
                    predicted: format!("{} (p={:.3}; {})", p.class, p.probability, p.verdict),
                    observed: attempts
                        .iter()
                        .filter_map(|a| observed(a).ok())
                        .map(|c| c.to_string())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join("; "),
                });
            }
        }
    }
    // conntrack: every kernel entry predicted by some outcome; every entry
    // of an outcome that happened present.
    let kernel: BTreeMap<&String, BTreeSet<String>> = kernel_ct
        .iter()
        .map(|(n, ls)| (n, ls.iter().filter_map(|l| normalise(l)).collect()))
        .collect();
    let mut any_pred: BTreeMap<&String, BTreeSet<&String>> = BTreeMap::new();
    for p in preds {
        for (n, es) in &p.conntrack {
            any_pred.entry(n).or_default().extend(es);
        }
    }
    for (n, es) in &kernel {
        for e in es {
            if !any_pred.get(n).is_some_and(|s| s.contains(e)) {
                out.push(Mismatch {
                    unseen: false,
                    what: format!("conntrack on {n}: an entry the engine does not predict"),
                    predicted: any_pred
                        .get(n)
                        .map(|s| s.iter().map(|x| x.as_str()).collect::<Vec<_>>().join("; "))
                        .unwrap_or_else(|| "no entries".into()),
                    observed: e.clone(),
                });
            }
        }
    }
    for (i, p) in preds.iter().enumerate() {
        if seen[i] == 0 {
            continue;
        }
        // Outcomes the client cannot tell apart (two backends that both
        // drop the connection) show as one: the entries of any of them do.
        if p.alternatives.len() > 1
            && p.alternatives.iter().any(|alt| {
                alt.iter().all(|(n, es)| {
                    es.iter()
                        .all(|e| kernel.get(n).is_some_and(|k| k.contains(e)))
                })
            })
        {
            continue;
        }
        for (n, es) in &p.conntrack {
            for e in es {
                if !kernel.get(n).is_some_and(|k| k.contains(e)) {
                    out.push(Mismatch {
                        unseen: false,
                        what: format!("conntrack on {n}: a predicted entry is missing"),
                        predicted: e.clone(),
                        observed: kernel
                            .get(n)
                            .map(|s| s.iter().cloned().collect::<Vec<_>>().join("; "))
                            .unwrap_or_else(|| "no entries".into()),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcpdump_lines_are_compared_without_the_kernels_picks() {
        // The client's port: a request's source, a reply's destination.
        assert_eq!(
            tcpdump_masked("IP 10.0.1.2.43210 > 10.0.2.2.8080: tcp 0\n", false),
            "IP 10.0.1.2.* > 10.0.2.2.8080: tcp 0"
        );
        assert_eq!(
            tcpdump_masked("IP 10.3.241.152.80 > 10.0.1.2.43210: tcp 0", true),
            "IP 10.3.241.152.80 > 10.0.1.2.*: tcp 0"
        );
        // The server's port, the addresses and the protocol still count.
        assert_ne!(
            tcpdump_masked("IP 10.0.1.2.1 > 10.0.2.2.8080: tcp 0", false),
            tcpdump_masked("IP 10.0.1.2.1 > 10.0.2.2.8081: tcp 0", false)
        );
        assert_ne!(
            tcpdump_masked("IP 10.0.1.2.1 > 10.0.2.2.8080: tcp 0", false),
            tcpdump_masked("IP 10.0.1.3.1 > 10.0.2.2.8080: tcp 0", false)
        );
        // UDP's length, ICMP's id (not its sequence, type or length).
        assert_eq!(
            tcpdump_masked("IP 10.0.1.2.5 > 10.3.241.13.53: UDP, length 37", false),
            "IP 10.0.1.2.* > 10.3.241.13.53: UDP, length *"
        );
        assert_eq!(
            tcpdump_masked(
                "IP 10.0.1.2 > 10.0.2.2: ICMP echo request, id 27596, seq 1, length 64",
                false
            ),
            "IP 10.0.1.2 > 10.0.2.2: ICMP echo request, id *, seq 1, length 64"
        );
        assert_ne!(
            tcpdump_masked(
                "IP 10.0.2.2 > 10.0.1.2: ICMP echo reply, id 1, seq 2, length 64",
                true
            ),
            tcpdump_masked(
                "IP 10.0.2.2 > 10.0.1.2: ICMP echo reply, id 1, seq 1, length 64",
                true
            )
        );
    }

    #[test]
    fn kernel_and_engine_conntrack_lines_normalise_alike() {
        let kernel = "tcp      6 119 TIME_WAIT src=10.0.1.2 dst=10.3.241.152 sport=51234 dport=80 src=10.0.2.2 dst=10.0.1.2 sport=8080 dport=51234 [ASSURED] mark=0 use=1";
        let engine = "tcp 6 src=10.0.1.2 dst=10.3.241.152 sport=40000 dport=80 src=10.0.2.2 dst=10.0.1.2 sport=8080 dport=40000 [ASSURED]";
        assert_eq!(normalise(kernel), normalise(engine));
        assert_eq!(
            normalise(engine).unwrap(),
            "tcp 10.0.1.2 -> 10.3.241.152:80 | 10.0.2.2:8080 -> 10.0.1.2"
        );
        assert_eq!(normalise("conntrack v1.4.7: 0 flow entries"), None);
        // A ping's entry: the id (ping's choice) left out.
        let kernel = "icmp     1 29 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=31234 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=31234 mark=0 use=1";
        let engine = "icmp 1 src=10.0.1.2 dst=10.0.2.2 type=8 code=0 id=40000 src=10.0.2.2 dst=10.0.1.2 type=0 code=0 id=40000";
        assert_eq!(normalise(kernel), normalise(engine));
        assert_eq!(
            normalise(engine).unwrap(),
            "icmp 10.0.1.2 -> 10.0.2.2:8 | 10.0.2.2:0 -> 10.0.1.2"
        );
    }

    #[test]
    fn outcomes_a_client_cannot_tell_apart_need_the_entries_of_one_of_them() {
        use crate::kernel_check::probe::Attempt;
        let entry =
            |backend: &str| format!("tcp 10.0.1.2 -> 10.96.0.1:443 | {backend}:443 -> 10.0.1.2");
        let one = |backend: &str| {
            let mut ct = BTreeMap::new();
            ct.insert("node-1".to_string(), BTreeSet::from([entry(backend)]));
            ct
        };
        // Two backends that both drop the connection: one class, merged.
        let mut merged = Predicted {
            class: Class::Dropped,
            probability: 1.0,
            conntrack: BTreeMap::new(),
            alternatives: vec![one("172.16.0.2"), one("172.16.0.3")],
            verdict: String::new(),
        };
        for alt in merged.alternatives.clone() {
            for (n, es) in alt {
                merged.conntrack.entry(n).or_default().extend(es);
            }
        }
        let kernel = |backends: &[&str]| {
            let mut k = BTreeMap::new();
            k.insert(
                "node-1".to_string(),
                backends
                    .iter()
                    .map(|b| {
                        format!("tcp      6 119 SYN_SENT src=10.0.1.2 dst=10.96.0.1 sport=40000 dport=443 [UNREPLIED] src={b} dst=10.0.1.2 sport=443 dport=40000 mark=0 use=1")
                    })
                    .collect::<Vec<_>>(),
            );
            k
        };
        let attempts = [Attempt::Timeout, Attempt::Timeout];
        let preds = [merged];
        // Both attempts went to one backend: as predicted.
        assert!(compare(
            &preds,
            &attempts,
            &kernel(&["172.16.0.2"]),
            Spread::Independent
        )
        .is_empty());
        assert!(compare(
            &preds,
            &attempts,
            &kernel(&["172.16.0.3", "172.16.0.2"]),
            Spread::Independent
        )
        .is_empty());
        // No entry at all: one is missing.
        let m = compare(&preds, &attempts, &kernel(&[]), Spread::Independent);
        assert!(
            m.iter()
                .any(|m| m.what.contains("a predicted entry is missing")),
            "{m:?}"
        );
        // An entry the engine never predicts is still one.
        let m = compare(
            &preds,
            &attempts,
            &kernel(&["172.16.0.9"]),
            Spread::Independent,
        );
        assert!(
            m.iter().any(|m| m.what.contains("does not predict")),
            "{m:?}"
        );
    }

    #[test]
    fn attempts_make_every_likely_outcome_show() {
        let p = |probability| Predicted {
            class: Class::Refused,
            probability,
            conntrack: BTreeMap::new(),
            alternatives: vec![],
            verdict: String::new(),
        };
        assert_eq!(attempts_for(&[p(1.0)]), 3);
        assert_eq!(attempts_for(&[p(0.5), p(0.5)]), 10);
        assert_eq!(
            attempts_for(&[p(1.0 / 3.0), p(1.0 / 3.0), p(1.0 / 3.0)]),
            18
        );
    }

    #[test]
    fn a_port_is_compared_only_without_source_nat() {
        let a = |port_kept| Class::Answered {
            server: "pod/web".into(),
            src: "10.0.1.2".parse().unwrap(),
            port_kept,
            dst: "10.0.2.2:8080".parse().unwrap(),
            reply_from: "10.3.241.152:80".parse().unwrap(),
        };
        assert!(matches(&a(true), &a(true)));
        assert!(!matches(&a(true), &a(false)));
        assert!(matches(&a(false), &a(false)));
        assert!(matches(&a(false), &a(true)));
    }
}
