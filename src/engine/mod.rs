//! The pure simulation: topology, routing, netfilter, conntrack and the
//! two-way packet trace. No web crates, no clock, no global randomness:
//! time and a random source are passed in.

mod hop;
mod lb;
mod node;
pub mod paths;
pub mod request;
pub mod say;
pub mod topology;
pub mod trace;
mod world;
