//! Stable sorting through one shared instance of the standard library's
//! sort, instead of one per element type and comparison: each instance of
//! `slice::sort_by` is 3-5 KB of wasm, and the app sorted a dozen kinds of
//! things. The order is `sort_by`'s (stable: equal elements keep their
//! order); the elements are compared through a `dyn` closure and then
//! moved into place.
//!
//! (`BTreeMap`/`BTreeSet` collected from an iterator sort it the same way;
//! the model builds them with [`collect_by_insert`] instead.)

// The one place that calls the standard library's sorts (clippy.toml
// disallows them everywhere else in the crate).
#![allow(clippy::disallowed_methods)]

use std::cmp::Ordering;

/// As `v.sort_by(cmp)`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indexes(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// As `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// As `v.sort_by_cached_key(key)`: each key is computed once.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = sorted_indexes(v.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(v, order);
}

/// As `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// As `iter.collect()` into a `BTreeMap` or `BTreeSet` (the last of equal
/// keys wins), by inserting each item rather than sorting them first.
pub fn collect_by_insert<C: Default + Extend<A>, A>(iter: impl IntoIterator<Item = A>) -> C {
    let mut out = C::default();
    out.extend(iter);
    out
}

/// `0..n` stably sorted by `cmp`: the index of the element that goes
/// first, then the next one...
#[inline(never)]
fn sorted_indexes(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Moves `v[order[k]]` to `k`, for every `k`, one cycle of the permutation
/// at a time (`order` is used up).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same order as the standard library's stable sorts, ties
    /// included, for every small input and some larger ones.
    #[test]
    fn sorts_as_the_standard_library_does() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        for n in (0..40).chain([100, 257, 1000]) {
            for range in [1, 3, 10, 1000] {
                // (key, original position): ties in the key show stability.
                let v: Vec<(u32, usize)> = (0..n).map(|i| (next() % range, i)).collect();
                let mut std = v.clone();
                std.sort_by_key(|a| a.0);
                let mut ours = v.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                assert_eq!(ours, std);
                let mut ours = v.clone();
                sort_by_key(&mut ours, |a| a.0);
                assert_eq!(ours, std);
                let mut ours = v.clone();
                sort_by_cached_key(&mut ours, |a| a.0.to_string());
                let mut std = v.clone();
                std.sort_by_cached_key(|a| a.0.to_string());
                assert_eq!(ours, std);
                let mut ours = v.clone();
                sort(&mut ours);
                let mut std = v.clone();
                std.sort();
                assert_eq!(ours, std);
            }
        }
    }
}
