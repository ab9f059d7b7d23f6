//! The Linux network stack as data: packets, routing tables, conntrack and
//! netfilter (iptables rulesets and their evaluator). This is the bottom
//! layer: it knows nothing of Kubernetes.
//!
//! **Invariant:** nothing here imports `crate::model`, `crate::kube_proxy`,
//! `crate::engine` or `crate::ui` (`tests/layers.rs` greps for it). What
//! kube-proxy writes into these types, and in which order, is kube-proxy's
//! business (`kube_proxy::iptables`); what a cluster does with them is the
//! engine's.

pub mod conntrack;
pub mod netfilter;
pub mod packet;
pub mod route;
