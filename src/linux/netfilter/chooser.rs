//! Where the packet path gets its randomness: a seeded RNG drawing as the
//! kernel does, or a script of decisions that lets a caller walk every
//! branch with its exact probability. The questions are the kernel's,
//! not a rule language's: a weighted coin (`xt_statistic --mode random`)
//! and a uniform pick among `n` (nftables' `numgen random mod n`).

use rand_core::{Rng, SeedableRng};

/// 2^31: `xt_statistic` compares a 31-bit random number with its
/// threshold.
const TWO_POW_31: f64 = 2_147_483_648.0;

/// Decides the random choices of one packet's path.
pub trait Chooser {
    /// True with probability `threshold / 2^31`, as `xt_statistic` draws:
    /// `(get_random_u32() & 0x7FFFFFFF) < threshold`. `written` is the
    /// probability as the rule writes it, for the record.
    fn bernoulli(&mut self, threshold: u32, written: &str) -> bool;

    /// One of `0..n`, each with probability `1/n`, as `numgen random mod
    /// n` draws (`reciprocal_scale(get_random_u32(), n)`). `n` is at
    /// least 1.
    fn pick(&mut self, n: u32) -> u32;
}

/// How many of the 2^32 values of `get_random_u32()` nft's `numgen random
/// mod n` turns into `i`: those `r` with `(r * n) >> 32 == i`.
pub fn pick_count(i: u32, n: u32) -> u64 {
    let n = u64::from(n.max(1));
    let first = |k: u64| (k << 32).div_ceil(n);
    first(u64::from(i) + 1) - first(u64::from(i))
}

/// The probability that `numgen random mod n` gives `i`: exactly
/// `pick_count(i, n) / 2^32`.
pub fn pick_probability(i: u32, n: u32) -> f64 {
    pick_count(i, n) as f64 / TWO_POW_32
}

const TWO_POW_32: f64 = 4_294_967_296.0;

/// The probability that the kernel matches a threshold: `threshold /
/// 2^31`, exactly.
pub fn match_probability(threshold: u32) -> f64 {
    f64::from(threshold) / TWO_POW_31
}

/// Draws from an RNG as `xt_statistic` does: one 32-bit number per
/// evaluated statistic match, its low 31 bits compared with the threshold
/// (`(get_random_u32() & 0x7FFFFFFF) < probability`).
#[derive(Debug, Clone)]
pub struct SeededChooser<R> {
    rng: R,
}

impl<R: Rng> SeededChooser<R> {
    pub fn new(rng: R) -> SeededChooser<R> {
        SeededChooser { rng }
    }

    pub fn into_inner(self) -> R {
        self.rng
    }
}

impl SeededChooser<rand_pcg::Pcg32> {
    /// A PCG32 seeded from `seed`: the engine's reproducible default.
    pub fn from_seed(seed: u64) -> SeededChooser<rand_pcg::Pcg32> {
        SeededChooser::new(rand_pcg::Pcg32::seed_from_u64(seed))
    }
}

impl<R: Rng> Chooser for SeededChooser<R> {
    fn bernoulli(&mut self, threshold: u32, _written: &str) -> bool {
        (self.rng.next_u32() & 0x7FFF_FFFF) < threshold
    }

    fn pick(&mut self, n: u32) -> u32 {
        ((u64::from(self.rng.next_u32()) * u64::from(n.max(1))) >> 32) as u32
    }
}

/// Always the same answer (`true`: every packet takes the first endpoint
/// of a kube-proxy probability ladder, and `pick` the first of `n`;
/// `false`: the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstChooser(pub bool);

impl Chooser for ConstChooser {
    fn bernoulli(&mut self, _threshold: u32, _written: &str) -> bool {
        self.0
    }

    fn pick(&mut self, n: u32) -> u32 {
        if self.0 {
            0
        } else {
            n.max(1) - 1
        }
    }
}

/// One statistic match met while following a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The probability of matching (the kernel's threshold over 2^31; for
    /// a step of a pick, the share of the random values left that give
    /// this index).
    pub p_match: f64,
    /// The probability as written in the rule.
    pub written: String,
    /// What was decided.
    pub matched: bool,
}

impl Decision {
    /// The probability of the outcome taken.
    pub fn probability(&self) -> f64 {
        if self.matched {
            self.p_match
        } else {
            1.0 - self.p_match
        }
    }
}

/// Follows a list of decisions, one per statistic match in the order they
/// are met; past its end it matches when matching is possible at all.
/// Records every decision point with its probability, so a caller can
/// explore all branches (see [`enumerate`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScriptedChooser {
    script: Vec<bool>,
    decisions: Vec<Decision>,
}

impl ScriptedChooser {
    pub fn new(script: Vec<bool>) -> ScriptedChooser {
        ScriptedChooser {
            script,
            decisions: Vec::new(),
        }
    }

    /// Every decision made so far, in order.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The probability of the whole path taken: the product of each
    /// decision's probability.
    pub fn probability(&self) -> f64 {
        self.decisions.iter().map(Decision::probability).product()
    }

    /// The decisions taken, as a script that replays them.
    pub fn taken(&self) -> Vec<bool> {
        self.decisions.iter().map(|d| d.matched).collect()
    }
}

impl ScriptedChooser {
    fn decide(&mut self, p_match: f64, written: String) -> bool {
        let matched = self
            .script
            .get(self.decisions.len())
            .copied()
            .unwrap_or(p_match > 0.0);
        self.decisions.push(Decision {
            p_match,
            written,
            matched,
        });
        matched
    }
}

impl Chooser for ScriptedChooser {
    fn bernoulli(&mut self, threshold: u32, written: &str) -> bool {
        self.decide(match_probability(threshold), written.to_string())
    }

    /// A pick among `n` as a ladder of decisions, "this one" at step `i`
    /// with the share of the remaining 32-bit random values that the
    /// kernel's `reciprocal_scale(r, n)` (`(r * n) >> 32`) maps to `i`: each
    /// outcome has exactly the kernel's probability ([`pick_probability`],
    /// `1/n` when `n` divides 2^32), and [`enumerate`] walks them all.
    fn pick(&mut self, n: u32) -> u32 {
        let n = n.max(1);
        let mut left: u64 = 1 << 32;
        for i in 0..n - 1 {
            let count = pick_count(i, n);
            if self.decide(
                count as f64 / left as f64,
                format!("numgen random mod {n}: {i}"),
            ) {
                return i;
            }
            left -= count;
        }
        n - 1
    }
}

/// One outcome of [`enumerate`].
#[derive(Debug, Clone, PartialEq)]
pub struct Branch<T> {
    pub value: T,
    /// Exact (as f64) probability of this sequence of decisions.
    pub probability: f64,
    pub decisions: Vec<Decision>,
}

/// Runs `run` once per possible sequence of statistic decisions (depth
/// first, "match" before "no match"), skipping outcomes of probability 0.
/// `run` must be deterministic apart from its chooser, so each run must
/// start from the same state (clone conntrack/recent state inside it).
/// The probabilities of the branches sum to 1.
pub fn enumerate<T>(mut run: impl FnMut(&mut ScriptedChooser) -> T) -> Vec<Branch<T>> {
    let mut out = Vec::new();
    let mut stack: Vec<Vec<bool>> = vec![Vec::new()];
    while let Some(prefix) = stack.pop() {
        let fixed = prefix.len();
        let mut chooser = ScriptedChooser::new(prefix);
        let value = run(&mut chooser);
        let decisions = chooser.decisions;
        // Alternatives at every free decision, deepest explored first.
        for i in fixed..decisions.len() {
            let d = &decisions[i];
            let other = !d.matched;
            let p_other = if other { d.p_match } else { 1.0 - d.p_match };
            if p_other > 0.0 {
                let mut alt: Vec<bool> = decisions[..i].iter().map(|d| d.matched).collect();
                alt.push(other);
                stack.push(alt);
            }
        }
        let probability = decisions.iter().map(Decision::probability).product();
        if probability > 0.0 {
            out.push(Branch {
                value,
                probability,
                decisions,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::netfilter::iptables::Probability;

    /// kube-proxy's `1/n` as it writes it (Go's `%0.10f`), for n = 1, 2, 3.
    fn one_in(n: u32) -> Probability {
        Probability::new(["1.0000000000", "0.5000000000", "0.3333333333"][n as usize - 1])
    }

    #[test]
    fn seeded_chooser_frequencies_follow_threshold() {
        let mut c = SeededChooser::from_seed(7);
        let half = one_in(2);
        let n = 20_000;
        let hits = (0..n).filter(|_| half.draw(&mut c)).count();
        assert!((9_500..10_500).contains(&hits), "{hits}");
        let one = one_in(1);
        assert!((0..1000).all(|_| one.draw(&mut c)));
        let zero = Probability::new("0");
        assert!((0..1000).all(|_| !zero.draw(&mut c)));
    }

    #[test]
    fn seeded_chooser_is_reproducible() {
        let p = one_in(3);
        let a: Vec<bool> = {
            let mut c = SeededChooser::from_seed(42);
            (0..64).map(|_| p.draw(&mut c)).collect()
        };
        let b: Vec<bool> = {
            let mut c = SeededChooser::from_seed(42);
            (0..64).map(|_| p.draw(&mut c)).collect()
        };
        assert_eq!(a, b);
        assert!(a.contains(&true) && a.contains(&false));
    }

    #[test]
    fn match_probability_is_the_kernel_rounding() {
        let third = one_in(3);
        assert_eq!(
            match_probability(third.kernel_threshold()),
            715_827_883.0 / TWO_POW_31
        );
        assert!((match_probability(third.kernel_threshold()) - 0.33333333349).abs() < 1e-11);
    }

    #[test]
    fn enumerate_a_ladder() {
        // kube-proxy's ladder for 3 endpoints: 1/3, 1/2, then the rest.
        let ladder = [one_in(3), one_in(2)];
        let branches = enumerate(|c| {
            for (i, p) in ladder.iter().enumerate() {
                if p.draw(c) {
                    return i;
                }
            }
            ladder.len()
        });
        let got: Vec<usize> = branches.iter().map(|b| b.value).collect();
        assert_eq!(got, [0, 1, 2]);
        for b in &branches {
            assert!(
                (b.probability - 1.0 / 3.0).abs() < 1e-9,
                "{}",
                b.probability
            );
        }
        let total: f64 = branches.iter().map(|b| b.probability).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn scripted_chooser_follows_script_then_defaults() {
        let p = one_in(2);
        let mut c = ScriptedChooser::new(vec![false]);
        assert!(!p.draw(&mut c));
        assert!(p.draw(&mut c));
        assert_eq!(c.taken(), [false, true]);
        assert!((c.probability() - 0.25).abs() < 1e-15);
        // A zero probability is never taken by default.
        let zero = Probability::new("0");
        assert!(!zero.draw(&mut c));
    }

    #[test]
    fn a_pick_is_uniform_and_enumerates_exactly() {
        let branches = enumerate(|c| c.pick(4));
        let got: Vec<u32> = branches.iter().map(|b| b.value).collect();
        assert_eq!(got, [0, 1, 2, 3]);
        for b in &branches {
            assert!((b.probability - 0.25).abs() < 1e-15, "{}", b.probability);
        }
        let mut c = SeededChooser::from_seed(3);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[c.pick(3) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&k| (9_500..10_500).contains(&k)),
            "{counts:?}"
        );
        assert_eq!(ConstChooser(true).pick(5), 0);
        assert_eq!(ConstChooser(false).pick(5), 4);
    }

    #[test]
    fn a_pick_has_the_kernels_reciprocal_scale_probabilities() {
        // 2^32 = 3 * 1431655765 + 1: index 0 gets the extra value.
        assert_eq!(
            [pick_count(0, 3), pick_count(1, 3), pick_count(2, 3)],
            [1_431_655_766, 1_431_655_765, 1_431_655_765]
        );
        for n in [1u32, 2, 3, 5, 7, 1000] {
            let total: u64 = (0..n).map(|i| pick_count(i, n)).sum();
            assert_eq!(total, 1 << 32, "n={n}");
            // Each count is what `(r * n) >> 32` gives for the r's.
            for i in 0..n {
                let first = (u64::from(i) << 32).div_ceil(u64::from(n));
                assert_eq!((first * u64::from(n)) >> 32, u64::from(i));
                if first > 0 {
                    assert_eq!(((first - 1) * u64::from(n)) >> 32, u64::from(i) - 1);
                }
            }
        }
        let branches = enumerate(|c| c.pick(3));
        for b in &branches {
            let want = pick_probability(b.value, 3);
            assert!((b.probability - want).abs() < 1e-15, "{}", b.probability);
        }
        assert!(branches[0].probability > branches[1].probability);
    }
}
