//! `xt_statistic`: `-m statistic --mode random --probability P`.

/// `-m statistic --mode random --probability P`, P as written (kube-proxy
/// writes `1/n` with 10 decimals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probability {
    pub text: String,
}

impl Probability {
    /// kube-proxy's `1/n`, formatted as Go's `%0.10f` does.
    pub fn one_in(n: u32) -> Probability {
        Probability {
            text: probability_text(n),
        }
    }

    /// The decimal value written.
    pub fn value(&self) -> f64 {
        self.text.parse().unwrap_or(0.0)
    }

    /// What the kernel stores: iptables converts P to
    /// `lround(P * 2^31)` and matches when a random 31-bit number is below
    /// it, so this over 2^31 is the real probability.
    pub fn kernel_threshold(&self) -> u32 {
        let t = (self.value() * 2_147_483_648.0).round();
        t.clamp(0.0, 2_147_483_648.0) as u32
    }

    /// `n` when this is kube-proxy's rendering of `1/n`: the ideal
    /// probability behind the rounded decimal.
    pub fn as_one_in(&self) -> Option<u32> {
        let v = self.value();
        if v <= 0.0 {
            return None;
        }
        let n = (1.0 / v).round();
        if !(1.0..=f64::from(u32::MAX)).contains(&n) {
            return None;
        }
        let n = n as u32;
        (probability_text(n) == self.text).then_some(n)
    }
}

/// `1/n` with exactly 10 decimals, rounded half to even on the exact
/// value, as Go's `fmt.Sprintf("%0.10f", 1.0/float64(n))` prints it.
/// (For any `n` below 10^7, the float64 nearest 1/n rounds the same way
/// as 1/n itself; the only ties are exact ones, e.g. `1/2048`.)
pub fn probability_text(n: u32) -> String {
    assert!(n > 0, "probability 1/0");
    const SCALE: u64 = 10_000_000_000;
    let n = u64::from(n);
    let mut q = SCALE / n;
    let r = SCALE % n;
    if 2 * r > n || (2 * r == n && q % 2 == 1) {
        q += 1;
    }
    format!("{}.{:010}", q / SCALE, q % SCALE)
}
