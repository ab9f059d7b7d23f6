//! Edits to a scenario, as a user makes them with `kubectl apply` and
//! `kubectl delete` (plus removing a node the way a cloud does). The UI's
//! editors build these; each one goes through the same validation as a
//! loaded file, so an edit either gives a whole valid scenario or names
//! every problem and changes nothing.

use super::error::{Errors, Problem};
use super::k8s::Object;
use super::ops::Removal;
use super::resolve::{name_or_empty, namespace_of};
use super::scenario::{NextHop, Scenario};

/// Which object: kind, namespace (for namespaced kinds) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub kind: &'static str,
    pub namespace: Option<String>,
    pub name: String,
}

impl Key {
    pub fn new(kind: &'static str, namespace: Option<&str>, name: &str) -> Key {
        Key {
            kind,
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }

    /// The key of an object (namespaced kinds default to `default`).
    pub fn of(o: &Object) -> Key {
        let kind = o.type_meta().1;
        let (meta, namespaced) = match o {
            Object::Cluster(c) => (&c.metadata, false),
            Object::KubeProxyConfiguration(_) => {
                return Key::new(kind, None, "");
            }
            Object::Node(n) => (&n.metadata, false),
            Object::Route(r) => (&r.metadata, false),
            Object::Pod(p) => (&p.metadata, true),
            Object::Deployment(d) => (&d.metadata, true),
            Object::Service(s) => (&s.metadata, true),
            Object::EndpointSlice(e) => (&e.metadata, true),
        };
        Key {
            kind,
            namespace: namespaced.then(|| namespace_of(meta)),
            name: name_or_empty(meta),
        }
    }

    /// `Kind namespace/name`, as problems name objects.
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {}/{}", self.kind, ns, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Adds `object`, or puts it in the place of `replace` (an edit may
    /// rename the object).
    Put {
        replace: Option<Key>,
        object: Box<Object>,
    },
    /// Deletes an object that was written out (a Deployment's pods are its
    /// own: scale the Deployment instead).
    Delete(Key),
    /// Renames a node, and every reference to it: pods' `nodeName`,
    /// Deployments' placement, static routes' next hop, endpoints.
    RenameNode { from: String, to: String },
    /// The node's VM goes away (see [`Scenario::remove_node`]).
    RemoveNode(String),
}

/// The result of an edit that worked.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub scenario: Scenario,
    pub warnings: Vec<Problem>,
    /// What removing a node took away (for [`Edit::RemoveNode`]).
    pub removal: Option<Removal>,
}

fn problem(object: String, field: &str, message: impl Into<String>) -> Errors {
    Errors(vec![Problem::new(object, field, message)])
}

/// Applies `edit` to `s`. `s` is never changed: on error the caller still
/// has the last valid scenario.
pub fn apply(s: &Scenario, edit: &Edit) -> Result<Applied, Errors> {
    let mut objects = s.to_objects();
    match edit {
        Edit::RemoveNode(name) => {
            let mut next = s.clone();
            let removal = next.remove_node(name).ok_or_else(|| {
                problem(format!("Node {name}"), "", "there is no node of this name")
            })?;
            return Ok(Applied {
                scenario: next,
                warnings: Vec::new(),
                removal: Some(removal),
            });
        }
        Edit::Put { replace, object } => match replace {
            Some(key) => {
                let i = find(&objects, key, s)?;
                objects[i] = (**object).clone();
            }
            None => objects.push((**object).clone()),
        },
        Edit::Delete(key) => {
            let i = find(&objects, key, s)?;
            objects.remove(i);
        }
        Edit::RenameNode { from, to } => {
            let key = Key::new("Node", None, from);
            find(&objects, &key, s)?;
            if to.is_empty() {
                return Err(problem(key.label(), "metadata.name", "a name is required"));
            }
            rename_node(&mut objects, from, to);
        }
    }
    let loaded = super::resolve(objects)?;
    Ok(Applied {
        scenario: loaded.scenario,
        warnings: loaded.warnings,
        removal: None,
    })
}

fn find(objects: &[Object], key: &Key, s: &Scenario) -> Result<usize, Errors> {
    if let Some(i) = objects.iter().position(|o| Key::of(o) == *key) {
        return Ok(i);
    }
    let owned = (key.kind == "Pod")
        .then(|| {
            s.pods
                .iter()
                .find(|p| Some(&p.namespace) == key.namespace.as_ref() && p.name == key.name)
        })
        .flatten()
        .and_then(|p| p.owner.clone());
    Err(match owned {
        Some(d) => problem(
            key.label(),
            "",
            format!("this pod belongs to Deployment {d}: change its replicas instead"),
        ),
        None => problem(key.label(), "", "there is no such object"),
    })
}

fn rename_node(objects: &mut [Object], from: &str, to: &str) {
    let rename = |n: &mut Option<String>| {
        if n.as_deref() == Some(from) {
            *n = Some(to.to_string());
        }
    };
    for o in objects {
        match o {
            Object::Node(n) => rename(&mut n.metadata.name),
            Object::Pod(p) => rename(&mut p.spec.node_name),
            Object::Deployment(d) => rename(&mut d.spec.template.spec.node_name),
            Object::Route(r) if r.spec.next_hop == NextHop::Node(from.into()).to_string() => {
                r.spec.next_hop = to.to_string();
            }
            Object::EndpointSlice(e) => {
                for ep in &mut e.endpoints {
                    rename(&mut ep.node_name);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, k8s, load, presets};

    fn node(name: &str) -> Object {
        Object::Node(k8s::Node {
            metadata: k8s::ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            ..Default::default()
        })
    }

    #[test]
    fn adding_a_node_allocates_its_addresses() {
        let s = default_scenario();
        let a = apply(
            &s,
            &Edit::Put {
                replace: None,
                object: Box::new(node("node-4")),
            },
        )
        .unwrap();
        let n = a.scenario.node("node-4").expect("added");
        assert_eq!(a.scenario.nodes.len(), 4);
        assert!(s.cluster.node_cidr.contains(&n.internal_ip));
        assert!(s.cluster.pod_cidr.contains(&n.pod_cidr.addr()));
        // The others keep their addresses.
        for old in &s.nodes {
            assert_eq!(a.scenario.node(&old.name), Some(old));
        }
    }

    #[test]
    fn an_invalid_edit_names_the_problem_and_changes_nothing() {
        let s = default_scenario();
        let before = s.clone();
        let err = apply(
            &s,
            &Edit::Put {
                replace: None,
                object: Box::new(node("node-1")),
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("Node node-1"), "{err}");
        assert!(err.to_string().contains("given twice"), "{err}");
        assert_eq!(s, before);
    }

    #[test]
    fn renaming_a_node_follows_every_reference() {
        let s = load(presets::preset("static-route").unwrap().yaml)
            .unwrap()
            .scenario;
        let target = match &s.routes[0].next_hop {
            NextHop::Node(n) => n.clone(),
            NextHop::Ip(_) => panic!("the story's route names a node"),
        };
        let a = apply(
            &s,
            &Edit::RenameNode {
                from: target.clone(),
                to: "worker-a".into(),
            },
        )
        .unwrap();
        assert!(a.scenario.node(&target).is_none());
        assert_eq!(
            a.scenario.routes[0].next_hop,
            NextHop::Node("worker-a".into())
        );
        let moved: Vec<_> = s
            .pods
            .iter()
            .filter(|p| p.node_name.as_deref() == Some(target.as_str()))
            .map(|p| &p.name)
            .collect();
        assert!(!moved.is_empty());
        for name in moved {
            let p = a.scenario.pods.iter().find(|p| &p.name == name).unwrap();
            assert_eq!(p.node_name.as_deref(), Some("worker-a"));
        }
    }

    #[test]
    fn deleting_a_deployments_pod_says_what_to_do_instead() {
        let yaml = crate::model::testing::with_deployment(2);
        let s = load(&yaml).unwrap().scenario;
        let Some(p) = s.pods.iter().find(|p| p.owner.is_some()) else {
            panic!("the Deployment has pods");
        };
        let err = apply(
            &s,
            &Edit::Delete(Key::new("Pod", Some(&p.namespace), &p.name)),
        )
        .unwrap_err();
        assert!(err.to_string().contains("replicas"), "{err}");
    }

    #[test]
    fn deleting_a_service_and_removing_a_node() {
        let s = default_scenario();
        let a = apply(
            &s,
            &Edit::Delete(Key::new("Service", Some("default"), "web")),
        )
        .unwrap();
        assert!(a.scenario.services.is_empty());
        let r = apply(&s, &Edit::RemoveNode("node-2".into())).unwrap();
        assert!(r.scenario.node("node-2").is_none());
        assert_eq!(r.removal.unwrap().pods, vec!["default/web-1".to_string()]);
        assert!(apply(&s, &Edit::RemoveNode("nope".into())).is_err());
    }

    #[test]
    fn replacing_keeps_the_order_and_can_rename() {
        let s = default_scenario();
        let key = Key::new("Node", None, "node-3");
        let objects = s.to_objects();
        let i = objects.iter().position(|o| Key::of(o) == key).unwrap();
        let Object::Node(mut n) = objects[i].clone() else {
            unreachable!()
        };
        n.metadata.labels.insert("zone".into(), "b".into());
        let a = apply(
            &s,
            &Edit::Put {
                replace: Some(key),
                object: Box::new(Object::Node(n)),
            },
        )
        .unwrap();
        assert_eq!(
            a.scenario
                .node("node-3")
                .unwrap()
                .labels
                .get("zone")
                .map(String::as_str),
            Some("b")
        );
        let names: Vec<_> = a.scenario.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["node-1", "node-2", "node-3"]);
    }
}
