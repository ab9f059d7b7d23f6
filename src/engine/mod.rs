//! The pure simulation of a cluster's network, built on [`crate::linux`]:
//! the topology from a scenario, each node's kube-proxy program, and the
//! two-way packet trace. No web crates, no clock, no global randomness:
//! time and a random source are passed in.
//!
//! The trace is split along the kernel's path: `world` (the [`World`]
//! and its running state), [`trace`] (the walk between devices, and the
//! public trace types), `node` (one Linux node's path), `lb` (the cloud
//! load balancer), `hop` (the records a trace is made of).
//!
//! [`World`]: trace::World

pub mod addressing;
pub mod checks;
pub mod commands;
pub mod compare;
mod hop;
mod lb;
mod node;
pub mod paths;
pub mod quiz;
pub mod request;
pub mod say;
pub mod topology;
pub mod trace;
mod world;
