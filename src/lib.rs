//! k8s-netlab: a Kubernetes Service-networking playground.
//!
//! Crate map (see ARCHITECTURE.md):
//! - [`model`]: scenario objects (real Kubernetes kinds plus `netlab/v1`
//!   `Cluster` and `Route`), parsing, validation, defaults and IPAM.
//! - [`kube_proxy`]: per-node rulesets as kube-proxy writes them, from a
//!   backend-independent view of each Service port (endpoints in
//!   kube-proxy's order, local endpoints, traffic policies); the iptables
//!   backend renders `iptables-restore` text from structured rules.
//! - [`linux`]: the Linux network stack below Kubernetes; imports nothing
//!   above it. `linux::netfilter::nftables`: nftables rulesets as data,
//!   rendered to and parsed from `nft -f` text, and an evaluator.
//! - [`lang`]: the app's two languages (English, Korean), shared by the
//!   engine's trace sentences and the UI.
//! - [`ui`]: the yew web app. Holds no networking logic.
//! - `kernel_check` (native Linux only): the engine against a real kernel,
//!   in network namespaces (`netlab kernel-check`).
//!
//! The model and kube_proxy never import web crates, read a clock or use
//! global randomness.

pub mod engine;
pub mod hash;
#[cfg(target_os = "linux")]
pub mod kernel_check;
pub mod kube_proxy;
pub mod lang;
pub mod linux;
pub mod model;
pub mod ui;
