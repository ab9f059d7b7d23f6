//! The hash maps of the model, kube_proxy and the engine: foldhash (its
//! fast variant, with fixed keys: no randomness, the same on every run)
//! instead of std's SipHash, which costs a trace most in WebAssembly
//! (BENCHMARKS.md, "WebAssembly"). foldhash is already in the build
//! (hashbrown's default hasher), so this adds no crate to the wasm. Keys
//! are the scenario's own names and addresses; nothing here faces
//! untrusted input over a network, so HashDoS resistance is not needed.

pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;
