//! The scenario model: real Kubernetes objects in, a resolved [`Scenario`]
//! out. Pure Rust: no web crates, no clock, no randomness.
//!
//! ```text
//! text --parse--> [k8s::Object] --resolve--> Scenario --to_objects--> [k8s::Object] --to_yaml--> text
//! ```

pub mod edit;
mod endpoints;
mod error;
mod export;
pub mod infer;
mod ipam;
pub mod k8s;
mod ops;
mod parse;
pub mod presets;
pub mod reparse;
mod resolve;
mod scenario;
pub mod syntax;
mod value_de;
mod yaml_write;

pub use error::{Errors, Problem};
pub use ops::Removal;
pub use parse::{to_yaml, Located};
pub use reparse::Reparser;
pub use resolve::{MAX_REPLICAS, SERVICE_NAME_LABEL};
pub use scenario::*;

/// A scenario that loaded, with what was ignored or looks wrong
/// (`warnings`) and what the loader inferred or chose for it (`notes`:
/// the networks of a pasted real cluster, addresses allocated for
/// hostname-only load balancers), each said once.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Problem>,
    pub notes: Vec<Problem>,
}

/// Parses and resolves a scenario (multi-document YAML, or JSON, of
/// Kubernetes objects and `netlab/v1` kinds). Every problem is reported at
/// once; nothing is returned unless all objects are valid.
pub fn load(text: &str) -> Result<Loaded, Errors> {
    let mut sink = error::Sink::default();
    let objects = parse::parse_documents(text, &mut sink).map_err(|p| Errors(vec![p]))?;
    finish(objects, sink)
}

/// Resolves objects that are already parsed (the UI's editors build these).
pub fn resolve(objects: Vec<k8s::Object>) -> Result<Loaded, Errors> {
    let located = objects
        .into_iter()
        .enumerate()
        .map(|(i, object)| Located {
            document: i + 1,
            object,
        })
        .collect();
    finish(located, error::Sink::default())
}

fn finish(objects: Vec<Located>, mut sink: error::Sink) -> Result<Loaded, Errors> {
    let scenario = resolve::resolve(objects, &mut sink);
    if sink.errors.is_empty() {
        Ok(Loaded {
            scenario,
            warnings: sink.warnings,
            notes: sink.notes,
        })
    } else {
        Err(Errors(sink.errors))
    }
}

/// The default scenario: the story's cluster (`static/scenarios/clusterip.yaml`).
pub const DEFAULT_SCENARIO: &str = presets::PRESETS[0].yaml;

/// The story's default cluster, resolved.
pub fn default_scenario() -> Scenario {
    load(DEFAULT_SCENARIO)
        .expect("the default scenario is valid (tested)")
        .scenario
}

/// Test fixtures shared by the model's and the UI's tests.
#[cfg(test)]
pub(crate) mod testing {
    /// The default scenario plus a Deployment `api` with `replicas` pods.
    pub fn with_deployment(replicas: u32) -> String {
        format!(
            "{}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n\
             spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: api\n\
             \x20 template:\n    metadata:\n      labels:\n        app: api\n\
             \x20   spec:\n      containers:\n      - name: api\n",
            super::DEFAULT_SCENARIO
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_round_trips_through_yaml() {
        for p in presets::PRESETS {
            let s = load(p.yaml)
                .unwrap_or_else(|e| panic!("{}: {e}", p.id))
                .scenario;
            let text = s.to_yaml();
            let again = load(&text)
                .unwrap_or_else(|e| panic!("{}: export does not load: {e}\n{text}", p.id))
                .scenario;
            assert_eq!(
                again, s,
                "{}: round trip changed the scenario\n{text}",
                p.id
            );
        }
    }
}
