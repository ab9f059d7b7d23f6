//! The pure simulation: topology, routing, netfilter, conntrack and the
//! two-way packet trace. No web crates, no clock, no global randomness:
//! time and a random source are passed in.

pub mod addressing;
pub mod checks;
pub mod conntrack;
pub mod netfilter;
pub mod packet;
pub mod paths;
pub mod request;
pub mod route;
pub mod say;
pub mod topology;
pub mod trace;
