//! The dispatch index that lets evaluation skip rules that cannot match
//! while still counting them in `rules_evaluated`.

use super::*;
use crate::hash::HashMap;
use crate::linux::packet::Packet;
use std::net::Ipv4Addr;

// ------------------------------------------------------------ index

/// A chain needs this many rules before a dispatch index pays.
const MIN_INDEXED_RULES: usize = 8;

/// What an indexable rule requires of the packet: destination address,
/// protocol and destination port.
type DispatchKey = (Ipv4Addr, Protocol, u16);

/// A ruleset with what makes evaluation sublinear, built once: per table,
/// chain name -> chain, and for chains made mostly of `-d IP -p PROTO
/// --dport N` rules (KUBE-SERVICES, KUBE-NODEPORTS, ...), a dispatch
/// index from (destination, protocol, port) to the rules that can match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexedRuleset {
    pub(super) ruleset: Ruleset,
    /// Parallel to `ruleset.tables`.
    pub(super) tables: Vec<TableIndex>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct TableIndex {
    /// Chain name -> position in the table (the first of a name, as
    /// `Table::chain` finds it).
    pub(super) chains: HashMap<String, usize>,
    /// Parallel to the table's chains.
    pub(super) dispatch: Vec<Option<Dispatch>>,
}

/// One chain's dispatch index. A rule is indexable when it cannot match a
/// packet of another (destination, protocol, port) and testing it on such
/// a packet has no side effect: it has `-d HOST` (not negated), `-p` and
/// `--dport`, and no `-m statistic` or `-m recent` before the `--dport`
/// (header matches fail before any extension runs; a failing `--dport`
/// stops the extensions after it).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Dispatch {
    /// Positions of the rules that are not indexable, ascending.
    others: Vec<usize>,
    /// Positions of the indexable rules per key, ascending.
    by_key: HashMap<DispatchKey, Vec<usize>>,
}

impl Dispatch {
    /// The chain's index, if it has at least `min_rules` rules and at
    /// least half of them are indexable (any share when `min_rules` is 0).
    fn build(chain: &Chain, min_rules: usize) -> Option<Dispatch> {
        if chain.rules.len() < min_rules.max(1) {
            return None;
        }
        let mut others = Vec::new();
        let mut by_key: HashMap<DispatchKey, Vec<usize>> = HashMap::default();
        for (i, rule) in chain.rules.iter().enumerate() {
            match dispatch_key(rule) {
                Some(k) => by_key.entry(k).or_default().push(i),
                None => others.push(i),
            }
        }
        // Mostly indexable, or not worth it.
        (min_rules == 0 || others.len() * 2 <= chain.rules.len())
            .then_some(Dispatch { others, by_key })
    }

    /// The first rule at or after `i` that may match `pkt` (or the
    /// chain's length when none may).
    pub(super) fn next(&self, i: usize, pkt: &Packet) -> usize {
        fn first_from(list: &[usize], i: usize) -> usize {
            list.get(list.partition_point(|&x| x < i))
                .copied()
                .unwrap_or(usize::MAX)
        }
        let other = first_from(&self.others, i);
        let keyed = self
            .by_key
            .get(&(pkt.dst_ip(), pkt.proto, pkt.dst.port()))
            .map_or(usize::MAX, |l| first_from(l, i));
        other.min(keyed)
    }
}

fn dispatch_key(rule: &Rule) -> Option<DispatchKey> {
    let mut dst = None;
    let mut proto = None;
    let mut port = None;
    for m in &rule.matches {
        match m {
            Match::Destination {
                addr: AddrSpec::Host(ip),
                negated: false,
            } => {
                dst.get_or_insert(*ip);
            }
            Match::Protocol(p) => {
                proto.get_or_insert(*p);
            }
            Match::DestinationPort(n) if port.is_none() => port = Some(*n),
            // A side effect that would run before `--dport` fails.
            Match::Statistic(_) | Match::Recent { .. } if port.is_none() => return None,
            _ => {}
        }
    }
    Some((dst?, proto?, port?))
}

impl IndexedRuleset {
    /// Indexes the chains of at least 8 rules made mostly of
    /// `-d IP -p PROTO --dport N` rules.
    pub fn new(ruleset: Ruleset) -> IndexedRuleset {
        IndexedRuleset::with_min_rules(ruleset, MIN_INDEXED_RULES)
    }

    /// Indexes every chain, whatever its size and share of indexable
    /// rules (for tests: the index on every chain must not change a
    /// result).
    pub fn indexing_every_chain(ruleset: Ruleset) -> IndexedRuleset {
        IndexedRuleset::with_min_rules(ruleset, 0)
    }

    fn with_min_rules(ruleset: Ruleset, min_rules: usize) -> IndexedRuleset {
        let tables = ruleset
            .tables
            .iter()
            .map(|t| {
                let mut chains =
                    HashMap::with_capacity_and_hasher(t.chains.len(), Default::default());
                for (i, c) in t.chains.iter().enumerate() {
                    chains.entry(c.name.clone()).or_insert(i);
                }
                TableIndex {
                    chains,
                    dispatch: t
                        .chains
                        .iter()
                        .map(|c| Dispatch::build(c, min_rules))
                        .collect(),
                }
            })
            .collect();
        IndexedRuleset { ruleset, tables }
    }

    pub fn ruleset(&self) -> &Ruleset {
        &self.ruleset
    }

    /// How many chains have a dispatch index.
    pub fn indexed_chains(&self) -> usize {
        self.tables
            .iter()
            .flat_map(|t| &t.dispatch)
            .filter(|d| d.is_some())
            .count()
    }
}

/// A chain of `table` by name, with its dispatch index if there is one.
pub(super) fn find_chain<'t>(
    table: &'t Table,
    tix: Option<&'t TableIndex>,
    name: &str,
) -> Option<(&'t Chain, Option<&'t Dispatch>)> {
    match tix {
        Some(ix) => ix
            .chains
            .get(name)
            .map(|&i| (&table.chains[i], ix.dispatch[i].as_ref())),
        None => table.chain(name).map(|c| (c, None)),
    }
}
