//! What makes evaluating a table sublinear, built once per table: chains
//! and sets by name, each set's or map's elements by key, and each hook's
//! base chains. The kernel finds a verdict map's element by a hash or tree
//! lookup and a chain by a pointer; the evaluator does the same here
//! instead of scanning thousands of elements and chains one by one.
//!
//! [`IndexedTable`] owns its table and keeps the index consistent with it:
//! the table is read through it ([`Deref`]) and changed only through
//! [`IndexedTable::add_element`] (which indexes the element) or
//! [`IndexedTable::edit`] (which indexes the table again). Elements that
//! `update @set` adds while packets run are not in the table but in the
//! caller's [`SetState`](super::eval::SetState) (the node's `Memory`), with
//! their timeouts; the evaluator consults both.

use super::{Chain, Element, Hook, Set, Table, Value};
use crate::hash::HashMap;
use std::ops::Deref;

/// A table's lookup structures. They describe one table: pass the index
/// the table it was built from (as [`IndexedTable`] does).
#[derive(Debug, Clone, Default)]
pub struct TableIndex {
    /// Chain name -> position (the first chain of a name, as
    /// [`Table::chain`] finds it).
    chains: HashMap<String, usize>,
    /// Set or map name -> position (the first of a name).
    sets: HashMap<String, usize>,
    /// Parallel to the table's sets.
    elements: Vec<Elements>,
    /// Positions of the base chains, in creation order.
    base: Vec<usize>,
}

/// One set's or map's elements by key.
#[derive(Debug, Clone, Default)]
struct Elements {
    /// Keys of plain values (addresses, protocols, numbers, names) -> the
    /// first element with that key.
    exact: HashMap<Vec<Value>, usize>,
    /// Elements with a prefix in their key (interval sets), ascending:
    /// matched one by one.
    ranged: Vec<usize>,
}

impl Elements {
    fn new(set: &Set) -> Elements {
        let mut e = Elements::default();
        for (i, el) in set.elements.iter().enumerate() {
            e.add(i, el);
        }
        e
    }

    fn add(&mut self, i: usize, el: &Element) {
        if el.key.iter().any(|v| matches!(v, Value::Prefix(..))) {
            self.ranged.push(i);
        } else {
            self.exact.entry(el.key.clone()).or_insert(i);
        }
    }

    /// The position of the first element whose key matches `vals` (a
    /// packet's values: never prefixes), as a scan of the elements in
    /// order would find it.
    fn find(&self, set: &Set, vals: &[Value]) -> Option<usize> {
        let exact = self.exact.get(vals).copied();
        let ranged = self.ranged.iter().copied().find(|&i| {
            let k = &set.elements[i].key;
            k.len() == vals.len() && k.iter().zip(vals).all(|(a, b)| a.matches(b))
        });
        match (exact, ranged) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl TableIndex {
    pub fn new(t: &Table) -> TableIndex {
        let mut chains = HashMap::default();
        let mut base = Vec::new();
        for (i, c) in t.chains.iter().enumerate() {
            chains.entry(c.name.clone()).or_insert(i);
            if c.base.is_some() {
                base.push(i);
            }
        }
        let mut sets = HashMap::default();
        for (i, s) in t.sets.iter().enumerate() {
            sets.entry(s.name.clone()).or_insert(i);
        }
        TableIndex {
            chains,
            sets,
            elements: t.sets.iter().map(Elements::new).collect(),
            base,
        }
    }

    /// `t`'s chain `name`.
    pub fn chain<'t>(&self, t: &'t Table, name: &str) -> Option<&'t Chain> {
        self.chains.get(name).map(|&i| &t.chains[i])
    }

    /// `t`'s set or map `name`.
    pub fn set<'t>(&self, t: &'t Table, name: &str) -> Option<&'t Set> {
        self.sets.get(name).map(|&i| &t.sets[i])
    }

    /// The first element of `t`'s set or map `name` whose key matches
    /// `vals` (a prefix in the key matches the addresses in it).
    pub fn element<'t>(&self, t: &'t Table, name: &str, vals: &[Value]) -> Option<&'t Element> {
        let &s = self.sets.get(name)?;
        let set = &t.sets[s];
        self.elements[s].find(set, vals).map(|i| &set.elements[i])
    }

    /// `t`'s base chains at `hook`, in the order the kernel runs them
    /// (see [`Table::base_chains`]).
    pub fn base_chains<'t>(&self, t: &'t Table, hook: Hook) -> Vec<&'t Chain> {
        let mut v: Vec<(usize, &Chain)> = self
            .base
            .iter()
            .map(|&i| (i, &t.chains[i]))
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

    /// Every base chain with its position (its registration order), in
    /// creation order.
    pub fn base<'t>(&self, t: &'t Table) -> impl Iterator<Item = (usize, &'t Chain)> + use<'_, 't> {
        self.base.iter().map(move |&i| (i, &t.chains[i]))
    }
}

/// A table with its index, kept consistent: the table is read through
/// `Deref` and changed only through methods that update the index.
#[derive(Debug, Clone)]
pub struct IndexedTable {
    table: Table,
    index: TableIndex,
}

impl PartialEq for IndexedTable {
    /// The index is derived from the table.
    fn eq(&self, other: &IndexedTable) -> bool {
        self.table == other.table
    }
}

impl Eq for IndexedTable {}

impl Deref for IndexedTable {
    type Target = Table;

    fn deref(&self) -> &Table {
        &self.table
    }
}

impl From<Table> for IndexedTable {
    fn from(t: Table) -> IndexedTable {
        IndexedTable::new(t)
    }
}

impl IndexedTable {
    pub fn new(table: Table) -> IndexedTable {
        let index = TableIndex::new(&table);
        IndexedTable { table, index }
    }

    pub fn table(&self) -> &Table {
        &self.table
    }

    pub fn index(&self) -> &TableIndex {
        &self.index
    }

    pub fn into_table(self) -> Table {
        self.table
    }

    /// The chain `name` (by the index).
    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.index.chain(&self.table, name)
    }

    /// The set or map `name` (by the index).
    pub fn set(&self, name: &str) -> Option<&Set> {
        self.index.set(&self.table, name)
    }

    /// The first element of set or map `name` matching `vals`.
    pub fn element(&self, name: &str, vals: &[Value]) -> Option<&Element> {
        self.index.element(&self.table, name, vals)
    }

    /// The base chains of `hook` in the kernel's order.
    pub fn base_chains(&self, hook: Hook) -> Vec<&Chain> {
        self.index.base_chains(&self.table, hook)
    }

    /// `add element`: appends `e` to set or map `name` and indexes it.
    /// Returns false (and changes nothing) when there is no such set.
    pub fn add_element(&mut self, name: &str, e: Element) -> bool {
        let Some(&s) = self.index.sets.get(name) else {
            return false;
        };
        let set = &mut self.table.sets[s];
        self.index.elements[s].add(set.elements.len(), &e);
        set.elements.push(e);
        true
    }

    /// Any other change: `f` edits the table, which is then indexed again.
    pub fn edit<R>(&mut self, f: impl FnOnce(&mut Table) -> R) -> R {
        let r = f(&mut self.table);
        self.index = TableIndex::new(&self.table);
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;

    fn table() -> Table {
        Table::parse(
            "add table ip t\n\
             add chain ip t a\n\
             add chain ip t b { type filter hook input priority 0 ; }\n\
             add set ip t s { type ipv4_addr ; flags interval ; }\n\
             add element ip t s { 10.0.0.0/8 }\n\
             add element ip t s { 10.1.2.3 }\n",
        )
        .unwrap()
    }

    fn addr(s: &str) -> Value {
        Value::Addr(s.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn finds_what_a_scan_finds_and_follows_changes() {
        let mut t = IndexedTable::new(table());
        assert_eq!(t.chain("b").map(|c| c.name.as_str()), Some("b"));
        assert!(t.chain("c").is_none());
        assert_eq!(t.base_chains(Hook::Input).len(), 1);
        // The prefix comes first in the set, so it is the match, as a scan
        // in order finds it.
        let e = t.element("s", &[addr("10.1.2.3")]).unwrap();
        assert_eq!(e.key, vec![Value::Prefix("10.0.0.0".parse().unwrap(), 8)]);
        assert!(t.element("s", &[addr("192.168.0.1")]).is_none());
        assert!(t.add_element(
            "s",
            Element {
                key: vec![addr("192.168.0.1")],
                comment: None,
                value: None,
            }
        ));
        assert!(t.element("s", &[addr("192.168.0.1")]).is_some());
        assert!(!t.add_element(
            "none",
            Element {
                key: vec![addr("192.168.0.1")],
                comment: None,
                value: None,
            }
        ));
        t.edit(|t| {
            t.chains.insert(0, Chain::regular("c"));
            t.sets[0].elements.remove(0);
        });
        assert_eq!(t.chain("b").map(|c| c.name.as_str()), Some("b"));
        assert_eq!(t.chain("c").map(|c| c.name.as_str()), Some("c"));
        assert_eq!(t.base_chains(Hook::Input)[0].name, "b");
        assert_eq!(
            t.element("s", &[addr("10.1.2.3")]).unwrap().key,
            vec![addr("10.1.2.3")]
        );
        assert_eq!(*t.table(), {
            let mut want = table();
            want.chains.insert(0, Chain::regular("c"));
            want.sets[0].elements.remove(0);
            want.sets[0].elements.push(Element {
                key: vec![addr("192.168.0.1")],
                comment: None,
                value: None,
            });
            want
        });
    }
}
