//! netfilter's rule languages.

pub mod nftables;
