//! k8s-netlab: a Kubernetes Service-networking playground.
//!
//! Crate map (see ARCHITECTURE.md):
//! - [`model`]: scenario objects (real Kubernetes kinds plus `netlab/v1`
//!   `Cluster` and `Route`), parsing, validation, defaults and IPAM, and
//!   edits the kubectl way (`model::edit`).
//! - [`kube_proxy`]: per-node rulesets as kube-proxy writes them, from a
//!   backend-independent view of each Service port (endpoints in
//!   kube-proxy's order, local endpoints, traffic policies); the iptables
//!   backend renders `iptables-restore` text from structured rules.
//! - [`engine`]: the simulation: the network built from a scenario,
//!   routing, netfilter, conntrack, the two-way trace and its sentences,
//!   every outcome with its probability, and which addresses a scenario
//!   answers on (`engine::addressing`, the sources and destinations that
//!   the UI, the CLI and the kernel check offer).
//! - [`lang`]: the app's two languages (English, Korean), shared by the
//!   engine's trace sentences and the UI.
//! - [`hash`]: the hash maps of the model, kube_proxy and the engine
//!   (foldhash with fixed keys: no global randomness).
//! - [`ui`]: the yew web app. Holds no networking logic: it draws what the
//!   model and the engine return.
//! - `kernel_check` (native Linux only): the engine against a real kernel,
//!   in network namespaces (`netlab kernel-check`).
//!
//! The model, kube_proxy and the engine never import web crates, read a
//! clock or use global randomness.

pub mod engine;
pub mod hash;
#[cfg(target_os = "linux")]
pub mod kernel_check;
pub mod kube_proxy;
pub mod lang;
pub mod model;
pub mod ui;
