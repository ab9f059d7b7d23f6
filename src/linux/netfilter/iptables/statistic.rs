//! `xt_statistic`: `-m statistic --mode random --probability P`.

use crate::linux::netfilter::Chooser;

/// `-m statistic --mode random --probability P`: P as written, and what
/// the kernel stores for it, worked out once when the rule is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probability {
    text: String,
    threshold: u32,
}

/// 2^31: `xt_statistic` compares a 31-bit random number with the
/// threshold.
const TWO_POW_31: f64 = 2_147_483_648.0;

impl Probability {
    /// P as written (a decimal; text that is not one reads as 0, never
    /// matching).
    pub fn new(text: impl Into<String>) -> Probability {
        let text = text.into();
        let value: f64 = text.parse().unwrap_or(0.0);
        // iptables converts P to `lround(P * 2^31)`.
        let threshold = (value * TWO_POW_31).round().clamp(0.0, TWO_POW_31) as u32;
        Probability { text, threshold }
    }

    /// P as written in the rule.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The decimal value written.
    pub fn value(&self) -> f64 {
        self.text.parse().unwrap_or(0.0)
    }

    /// What the kernel stores: iptables converts P to
    /// `lround(P * 2^31)` and matches when a random 31-bit number is below
    /// it, so this over 2^31 is the real probability.
    pub fn kernel_threshold(&self) -> u32 {
        self.threshold
    }

    /// Does this packet match? One draw from `chooser`.
    pub fn draw(&self, chooser: &mut dyn Chooser) -> bool {
        chooser.bernoulli(self.threshold, &self.text)
    }
}
