//! The state behind `-m recent` (the kernel's `xt_recent`): named lists
//! of source addresses with the time each was last seen. One per node
//! (network namespace), kept across packets.

use std::net::Ipv4Addr;

/// How many addresses one list holds (`ip_list_tot`, the module's default):
/// adding one more evicts the least recently seen.
pub const LIST_CAPACITY: usize = 100;

/// `-m recent` lists: name -> source address -> last-seen seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recent {
    /// Sorted by name (few lists; a sorted Vec links far less code than a
    /// map of each type).
    lists: Vec<(String, List)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct List {
    /// Sorted by address, at most [`LIST_CAPACITY`].
    entries: Vec<(Ipv4Addr, Entry)>,
    /// Monotonic update counter: the kernel's LRU order.
    clock: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    last_seen: u64,
    lru: u64,
}

impl List {
    fn lru_head(&self) -> Option<(Ipv4Addr, Entry)> {
        self.entries.iter().min_by_key(|(_, e)| e.lru).copied()
    }

    fn find(&self, addr: Ipv4Addr) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&addr, |(a, _)| *a)
    }

    fn get(&self, addr: Ipv4Addr) -> Option<&Entry> {
        self.find(addr).ok().map(|i| &self.entries[i].1)
    }

    fn remove(&mut self, addr: Ipv4Addr) {
        if let Ok(i) = self.find(addr) {
            self.entries.remove(i);
        }
    }
}

impl Recent {
    pub fn new() -> Recent {
        Recent::default()
    }

    fn list(&self, name: &str) -> Option<usize> {
        self.lists
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
    }

    /// When `addr` was last seen in list `name`, if it is there.
    pub fn last_seen(&self, name: &str, addr: Ipv4Addr) -> Option<u64> {
        self.list(name)
            .and_then(|i| self.lists[i].1.get(addr))
            .map(|e| e.last_seen)
    }

    /// Every list, with its addresses and last-seen times (for display,
    /// like `/proc/net/xt_recent/NAME`).
    pub fn lists(&self) -> Vec<(String, Vec<(Ipv4Addr, u64)>)> {
        self.lists
            .iter()
            .map(|(n, l)| {
                (
                    n.clone(),
                    l.entries.iter().map(|(a, e)| (*a, e.last_seen)).collect(),
                )
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.lists.iter().all(|(_, l)| l.entries.is_empty())
    }

    /// Forgets every list.
    pub fn clear(&mut self) {
        self.lists.clear();
    }

    /// Keeps only the lists `keep` says yes to. The kernel destroys a list
    /// when the last rule naming it is deleted (kube-proxy deleting a
    /// stale `KUBE-SEP-` chain forgets its affinity).
    pub fn retain_lists(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.lists.retain(|(n, _)| keep(n));
    }

    /// `--set`: adds `addr` or refreshes its time. Always matches.
    pub fn set(&mut self, name: &str, addr: Ipv4Addr, now: u64) {
        let i = match self.list(name) {
            Some(i) => i,
            None => {
                let i = self.lists.partition_point(|(n, _)| n.as_str() < name);
                self.lists.insert(i, (name.to_string(), List::default()));
                i
            }
        };
        let list = &mut self.lists[i].1;
        list.clock += 1;
        let lru = list.clock;
        if let Ok(j) = list.find(addr) {
            let e = &mut list.entries[j].1;
            e.last_seen = now;
            e.lru = lru;
            return;
        }
        if list.entries.len() >= LIST_CAPACITY {
            if let Some((old, _)) = list.lru_head() {
                list.remove(old);
            }
        }
        let j = list.find(addr).unwrap_or_else(|j| j);
        list.entries.insert(
            j,
            (
                addr,
                Entry {
                    last_seen: now,
                    lru,
                },
            ),
        );
    }

    /// `--rcheck --seconds N [--reap]`: is `addr` in the list with a time
    /// no older than `now - N`? As the kernel does, `--reap` then removes
    /// the list's least recently seen entry if it is older than that
    /// (one entry per check, and only when `addr` was found).
    pub fn rcheck(
        &mut self,
        name: &str,
        addr: Ipv4Addr,
        seconds: u32,
        reap: bool,
        now: u64,
    ) -> bool {
        let Some(i) = self.list(name) else {
            return false;
        };
        let list = &mut self.lists[i].1;
        let Some(e) = list.get(addr) else {
            return false;
        };
        // The kernel skips a stamp when `time_after(now - seconds, stamp)`.
        let horizon = now.saturating_sub(u64::from(seconds));
        let matched = e.last_seen >= horizon;
        if reap {
            if let Some((old, oe)) = list.lru_head() {
                if oe.last_seen < horizon {
                    list.remove(old);
                }
            }
        }
        matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 2);
    const B: Ipv4Addr = Ipv4Addr::new(10, 0, 1, 3);

    #[test]
    fn rcheck_window_is_inclusive() {
        let mut r = Recent::new();
        assert!(!r.rcheck("L", A, 10, false, 0));
        r.set("L", A, 100);
        assert!(r.rcheck("L", A, 10, false, 100));
        assert!(r.rcheck("L", A, 10, false, 110));
        assert!(!r.rcheck("L", A, 10, false, 111));
        assert!(!r.rcheck("other", A, 10, false, 100));
        // rcheck does not refresh.
        assert_eq!(r.last_seen("L", A), Some(100));
    }

    #[test]
    fn reap_removes_the_oldest_stale_entry_only() {
        let mut r = Recent::new();
        r.set("L", A, 0);
        r.set("L", B, 50);
        // B is found and fresh; A is the LRU head and stale: reaped.
        assert!(r.rcheck("L", B, 10, true, 55));
        assert_eq!(r.last_seen("L", A), None);
        assert_eq!(r.last_seen("L", B), Some(50));
        // Without --reap nothing goes.
        r.set("L", A, 0);
        assert!(!r.rcheck("L", A, 10, false, 100));
        assert_eq!(r.last_seen("L", A), Some(0));
    }

    #[test]
    fn capacity_evicts_least_recent() {
        let mut r = Recent::new();
        for i in 0..LIST_CAPACITY as u8 {
            r.set("L", Ipv4Addr::new(10, 1, 0, i), u64::from(i));
        }
        r.set("L", Ipv4Addr::new(10, 1, 0, 0), 500);
        r.set("L", Ipv4Addr::new(10, 2, 0, 0), 501);
        assert_eq!(r.last_seen("L", Ipv4Addr::new(10, 1, 0, 1)), None);
        assert_eq!(r.last_seen("L", Ipv4Addr::new(10, 1, 0, 0)), Some(500));
        assert_eq!(r.lists()[0].1.len(), LIST_CAPACITY);
    }
}
