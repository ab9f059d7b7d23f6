//! k8s-netlab: a Kubernetes Service-networking playground.
//!
//! Crate map (see ARCHITECTURE.md), bottom-up. Each layer imports only
//! the layers listed before it:
//! - [`lang`], `hash`, `sort`: the app's two languages (English, Korean),
//!   a deterministic hasher, one shared stable sort. Import nothing.
//! - [`linux`]: the Linux network stack as data: packets and protocols,
//!   routing tables, conntrack, netfilter (iptables rulesets, their text
//!   forms and the `ipt_do_table` evaluator; nftables rulesets, their
//!   `nft -f` text and an evaluator). Never imports `model`,
//!   `kube_proxy`, `engine`, `ui` (`tests/layers.rs` checks it).
//! - [`model`]: scenario objects (real Kubernetes kinds plus `netlab/v1`
//!   `Cluster` and `Route`), parsing, validation, defaults and IPAM, and
//!   edits the kubectl way (`model::edit`). Never imports `kube_proxy`,
//!   `engine`, `ui`.
//! - [`kube_proxy`]: per-node rulesets as kube-proxy writes them, from a
//!   backend-independent view of each Service port (endpoints in
//!   kube-proxy's order, local endpoints, traffic policies); the iptables
//!   backend fills a [`linux::netfilter::iptables::Ruleset`], the nftables
//!   backend a [`linux::netfilter::nftables::Table`]; a node's mode picks
//!   one. Never imports `engine`, `ui`.
//! - [`engine`]: the cluster's network built from a scenario (topology,
//!   each node's kube-proxy program) and the two-way packet trace through
//!   it, with its sentences in both languages, every outcome with its
//!   probability, and which addresses a scenario answers on
//!   (`engine::addressing`: the sources and destinations that the UI, the
//!   CLI and the kernel check offer). Never imports `ui`.
//! - [`ui`]: the yew web app. Holds no networking logic: it draws what the
//!   model and the engine return.
//! - `kernel_check` (native Linux only): the engine against a real kernel,
//!   in network namespaces (`netlab kernel-check`).
//!
//! Nothing below `ui` imports web crates, reads a clock or uses global
//! randomness: time and a random source are passed in.

pub mod engine;
pub mod hash;

/// In WebAssembly (the browser, and the benchmark under WASI) memory comes
/// from talc instead of Rust's default dlmalloc: about 3 KB gzip smaller in
/// the page's wasm, and a trace is as fast (BENCHMARKS.md, "WebAssembly").
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
#[cfg(target_os = "linux")]
pub mod kernel_check;
pub mod kube_proxy;
pub mod lang;
pub mod linux;
pub mod model;
pub(crate) mod sort;
#[cfg(feature = "ui")]
pub mod ui;
