//! k8s-netlab: a Kubernetes Service-networking playground.
//!
//! Crate map (see ARCHITECTURE.md):
//! - [`model`]: scenario objects (real Kubernetes kinds plus `netlab/v1`
//!   `Cluster` and `Route`), parsing, validation, defaults and IPAM.
//! - [`ui`]: the yew web app. Holds no networking logic.
//!
//! The model never imports web crates, reads a clock or uses global
//! randomness.

pub mod model;
pub mod ui;
