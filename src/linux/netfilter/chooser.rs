//! Where `-m statistic --mode random` gets its randomness: a seeded RNG
//! drawing as the kernel does, or a script of decisions that lets a
//! caller walk every branch with its exact probability.

use crate::linux::netfilter::iptables::Probability;
use rand_core::{Rng, SeedableRng};

/// 2^31: `xt_statistic` compares a 31-bit random number with
/// [`Probability::kernel_threshold`].
const TWO_POW_31: f64 = 2_147_483_648.0;

/// Decides `-m statistic --mode random --probability p` for one packet.
pub trait Chooser {
    /// Does this packet match?
    fn statistic(&mut self, p: &Probability) -> bool;
}

/// The probability that the kernel matches `p`: the threshold iptables
/// stores (`lround(p * 2^31)`) over 2^31, exactly.
pub fn match_probability(p: &Probability) -> f64 {
    f64::from(p.kernel_threshold()) / TWO_POW_31
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
    fn statistic(&mut self, p: &Probability) -> bool {
        (self.rng.next_u32() & 0x7FFF_FFFF) < p.kernel_threshold()
    }
}

/// Always the same answer (`true`: every packet takes the first endpoint
/// of a kube-proxy probability ladder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstChooser(pub bool);

impl Chooser for ConstChooser {
    fn statistic(&mut self, _p: &Probability) -> bool {
        self.0
    }
}

/// One statistic match met while following a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The probability of matching (`kernel_threshold() / 2^31`).
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

impl Chooser for ScriptedChooser {
    fn statistic(&mut self, p: &Probability) -> bool {
        let p_match = match_probability(p);
        let matched = self
            .script
            .get(self.decisions.len())
            .copied()
            .unwrap_or(p_match > 0.0);
        self.decisions.push(Decision {
            p_match,
            written: p.text.clone(),
            matched,
        });
        matched
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

    #[test]
    fn seeded_chooser_frequencies_follow_threshold() {
        let mut c = SeededChooser::from_seed(7);
        let half = Probability::one_in(2);
        let n = 20_000;
        let hits = (0..n).filter(|_| c.statistic(&half)).count();
        assert!((9_500..10_500).contains(&hits), "{hits}");
        let one = Probability::one_in(1);
        assert!((0..1000).all(|_| c.statistic(&one)));
        let zero = Probability { text: "0".into() };
        assert!((0..1000).all(|_| !c.statistic(&zero)));
    }

    #[test]
    fn seeded_chooser_is_reproducible() {
        let p = Probability::one_in(3);
        let a: Vec<bool> = {
            let mut c = SeededChooser::from_seed(42);
            (0..64).map(|_| c.statistic(&p)).collect()
        };
        let b: Vec<bool> = {
            let mut c = SeededChooser::from_seed(42);
            (0..64).map(|_| c.statistic(&p)).collect()
        };
        assert_eq!(a, b);
        assert!(a.contains(&true) && a.contains(&false));
    }

    #[test]
    fn match_probability_is_the_kernel_rounding() {
        let third = Probability::one_in(3);
        assert_eq!(match_probability(&third), 715_827_883.0 / TWO_POW_31);
        assert!((match_probability(&third) - 0.33333333349).abs() < 1e-11);
    }

    #[test]
    fn enumerate_a_ladder() {
        // kube-proxy's ladder for 3 endpoints: 1/3, 1/2, then the rest.
        let ladder = [Probability::one_in(3), Probability::one_in(2)];
        let branches = enumerate(|c| {
            for (i, p) in ladder.iter().enumerate() {
                if c.statistic(p) {
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
        let p = Probability::one_in(2);
        let mut c = ScriptedChooser::new(vec![false]);
        assert!(!c.statistic(&p));
        assert!(c.statistic(&p));
        assert_eq!(c.taken(), [false, true]);
        assert!((c.probability() - 0.25).abs() < 1e-15);
        // A zero probability is never taken by default.
        let zero = Probability { text: "0".into() };
        assert!(!c.statistic(&zero));
    }
}
