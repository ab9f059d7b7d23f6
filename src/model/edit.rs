//! Edits to a scenario, as a user makes them with `kubectl apply` and
//! `kubectl delete` (plus removing a node the way a cloud does). The UI's
//! editors build these; each one goes through the same validation as a
//! loaded file, so an edit either gives a whole valid scenario or names
//! every problem and changes nothing.

use super::error::{Errors, Problem};
use super::k8s::{self, Object};
use super::ops::Removal;
use super::resolve::{name_or_empty, namespace_of};
use super::scenario::{NextHop, ProxyMode, Scenario, KUBE_PROXY_MODE_LABEL};

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
    /// Sets kube-proxy's mode: the cluster's (`node: None`:
    /// `KubeProxyConfiguration`'s `mode`, written with the defaults if
    /// the scenario had none; `mode: None` removes it, iptables), or one
    /// node's (its [`KUBE_PROXY_MODE_LABEL`] label; `mode: None` removes
    /// the label and the node follows the cluster). Nodes keep their own
    /// labels when the cluster's mode changes.
    SetProxyMode {
        node: Option<String>,
        mode: Option<ProxyMode>,
    },
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
                let mut new = (**object).clone();
                if let (Object::Service(new), Object::Service(old)) = (&mut new, &objects[i]) {
                    drop_type_dependent_fields(new, old);
                }
                objects[i] = new;
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
        Edit::SetProxyMode { node: None, mode } => {
            let mode = mode.map(|m| m.as_str().to_string());
            match objects.iter_mut().find_map(|o| match o {
                Object::KubeProxyConfiguration(p) => Some(p),
                _ => None,
            }) {
                Some(p) => p.mode = mode,
                None if mode.is_some() => {
                    // After the Cluster, where a written one stands.
                    let at = objects
                        .iter()
                        .position(|o| !matches!(o, Object::Cluster(_)))
                        .unwrap_or(objects.len());
                    objects.insert(
                        at,
                        Object::KubeProxyConfiguration(k8s::KubeProxyConfiguration {
                            mode,
                            ..Default::default()
                        }),
                    );
                }
                None => {}
            }
        }
        Edit::SetProxyMode {
            node: Some(name),
            mode,
        } => {
            let i = find(&objects, &Key::new("Node", None, name), s)?;
            if let Object::Node(n) = &mut objects[i] {
                match mode {
                    Some(m) => {
                        n.metadata
                            .labels
                            .insert(KUBE_PROXY_MODE_LABEL.into(), m.as_str().into());
                    }
                    None => n.metadata.labels = without_mode_label(&n.metadata.labels),
                }
            }
        }
    }
    let loaded = super::resolve(objects)?;
    Ok(Applied {
        scenario: loaded.scenario,
        warnings: loaded.warnings,
        removal: None,
    })
}

/// What the API server does to a Service on an update
/// (`dropTypeDependentFields`, kubernetes
/// `pkg/registry/core/service/strategy.go`): a field the old Service's
/// type used and the new one's does not is dropped, when the update left
/// it as it was (the client did not ask for it; it may have been
/// allocated): the ClusterIPs for `ExternalName`, the NodePorts, the
/// health check NodePort, `allocateLoadBalancerNodePorts` and
/// `externalTrafficPolicy`. The load balancer status goes whenever the
/// new type is not `LoadBalancer`. A field changed in the update stays,
/// and validation says whether the type can have it.
pub fn drop_type_dependent_fields(new: &mut k8s::Service, old: &k8s::Service) {
    fn kind(s: &k8s::Service) -> &str {
        s.spec.kind.as_deref().unwrap_or("ClusterIP")
    }
    fn needs_cluster_ip(s: &k8s::Service) -> bool {
        kind(s) != "ExternalName"
    }
    fn needs_node_port(s: &k8s::Service) -> bool {
        matches!(kind(s), "NodePort" | "LoadBalancer")
    }
    fn is_lb(s: &k8s::Service) -> bool {
        kind(s) == "LoadBalancer"
    }
    fn external_policy(s: &k8s::Service) -> &str {
        s.spec.external_traffic_policy.as_deref().unwrap_or("")
    }
    fn needs_health_check_node_port(s: &k8s::Service) -> bool {
        is_lb(s) && external_policy(s) == "Local"
    }
    fn can_set_external_traffic_policy(s: &k8s::Service) -> bool {
        needs_node_port(s) || !s.spec.external_ips.is_empty()
    }
    if needs_cluster_ip(old) && !needs_cluster_ip(new) && new.spec.cluster_ip == old.spec.cluster_ip
    {
        new.spec.cluster_ip = None;
        if new.spec.cluster_ips == old.spec.cluster_ips {
            new.spec.cluster_ips.clear();
        }
    }
    let same_node_ports = new.spec.ports.len() == old.spec.ports.len()
        && (new.spec.ports.iter())
            .zip(&old.spec.ports)
            .all(|(a, b)| a.node_port == b.node_port);
    if needs_node_port(old) && !needs_node_port(new) && same_node_ports {
        for p in &mut new.spec.ports {
            p.node_port = None;
        }
    }
    if needs_health_check_node_port(old)
        && !needs_health_check_node_port(new)
        && new.spec.health_check_node_port == old.spec.health_check_node_port
    {
        new.spec.health_check_node_port = None;
    }
    if is_lb(old)
        && !is_lb(new)
        && new.spec.allocate_load_balancer_node_ports == old.spec.allocate_load_balancer_node_ports
    {
        new.spec.allocate_load_balancer_node_ports = None;
    }
    if can_set_external_traffic_policy(old)
        && !can_set_external_traffic_policy(new)
        && new.spec.external_traffic_policy == old.spec.external_traffic_policy
    {
        new.spec.external_traffic_policy = None;
    }
    if !is_lb(new) {
        new.status = k8s::ServiceStatus::default();
    }
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

/// `labels` without [`KUBE_PROXY_MODE_LABEL`] (a copy made by insertion:
/// `BTreeMap::remove` would add its rebalancing to the page's wasm).
pub fn without_mode_label(labels: &k8s::Labels) -> k8s::Labels {
    crate::sort::collect_by_insert(
        (labels.iter())
            .filter(|(k, _)| *k != KUBE_PROXY_MODE_LABEL)
            .map(|(k, v)| (k.clone(), v.clone())),
    )
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
    fn the_proxy_mode_is_set_for_the_cluster_or_one_node_and_written_back() {
        let s = default_scenario();
        assert!(s.proxy.is_none());
        let set = |s: &Scenario, node: Option<&str>, mode: Option<ProxyMode>| {
            apply(
                s,
                &Edit::SetProxyMode {
                    node: node.map(Into::into),
                    mode,
                },
            )
            .map(|a| a.scenario)
        };
        // The cluster's: a KubeProxyConfiguration is written.
        let nft = set(&s, None, Some(ProxyMode::Nftables)).unwrap();
        assert_eq!(nft.proxy_config().mode, ProxyMode::Nftables);
        assert!(nft
            .nodes
            .iter()
            .all(|n| nft.proxy_mode(n) == ProxyMode::Nftables));
        let yaml = nft.to_yaml();
        assert!(yaml.contains("kind: KubeProxyConfiguration"), "{yaml}");
        assert!(yaml.contains("mode: nftables"), "{yaml}");
        assert_eq!(load(&yaml).unwrap().scenario, nft);
        // Everything else stays.
        assert_eq!((&nft.nodes, &nft.services), (&s.nodes, &s.services));
        // One node back on iptables: its label, in the YAML too.
        let mixed = set(&nft, Some("node-2"), Some(ProxyMode::Iptables)).unwrap();
        let modes: Vec<_> = mixed.nodes.iter().map(|n| mixed.proxy_mode(n)).collect();
        assert_eq!(
            modes,
            [
                ProxyMode::Nftables,
                ProxyMode::Iptables,
                ProxyMode::Nftables
            ]
        );
        let yaml = mixed.to_yaml();
        assert!(
            yaml.contains(&format!("{KUBE_PROXY_MODE_LABEL}: iptables")),
            "{yaml}"
        );
        assert_eq!(load(&yaml).unwrap().scenario, mixed);
        // The cluster's mode changes; the node keeps its own.
        let back = set(&mixed, None, Some(ProxyMode::Iptables)).unwrap();
        let n2 = back.node("node-2").unwrap();
        assert_eq!(
            n2.labels.get(KUBE_PROXY_MODE_LABEL).map(String::as_str),
            Some("iptables")
        );
        // Removing the label: the node follows the cluster again.
        let follows = set(&mixed, Some("node-2"), None).unwrap();
        assert_eq!(follows, nft);
        // The cluster's mode removed: iptables, the default.
        let default = set(&nft, None, None).unwrap();
        assert_eq!(default.proxy_config().mode, ProxyMode::Iptables);
        // Nothing to set on a scenario without a configuration.
        assert_eq!(set(&s, None, None).unwrap(), s);
        // A node that is not there, a mode that is not modelled.
        let e = set(&s, Some("node-9"), Some(ProxyMode::Nftables)).unwrap_err();
        assert!(e.to_string().contains("Node node-9"), "{e}");
        let e = set(&s, None, Some(ProxyMode::Ipvs)).unwrap_err();
        assert!(e.to_string().contains("ipvs"), "{e}");
        let e = set(&s, Some("node-1"), Some(ProxyMode::Ipvs)).unwrap_err();
        assert!(e.to_string().contains("kube-proxy-mode"), "{e}");
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

    /// The Service `name` of `s` as an object, with `change` made to it.
    fn changed_service(s: &Scenario, name: &str, change: impl Fn(&mut k8s::Service)) -> Edit {
        let key = Key::new("Service", Some("default"), name);
        let o = s
            .to_objects()
            .into_iter()
            .find(|o| Key::of(o) == key)
            .unwrap();
        let Object::Service(mut svc) = o else {
            unreachable!()
        };
        change(&mut svc);
        Edit::Put {
            replace: Some(key),
            object: Box::new(Object::Service(svc)),
        }
    }

    fn loaded(id: &str) -> Scenario {
        load(presets::preset(id).unwrap().yaml).unwrap().scenario
    }

    /// Type changes as `kubectl apply` of the changed object makes them:
    /// what the old type used goes, as the API server drops it.
    #[test]
    fn changing_a_service_s_type_drops_what_the_new_type_does_not_use() {
        struct Case {
            preset: &'static str,
            to: &'static str,
        }
        let cases = [
            // NodePort -> ClusterIP: the NodePorts and the policy go.
            Case {
                preset: "nodeport",
                to: "ClusterIP",
            },
            // LoadBalancer (Local) -> NodePort: the health check port
            // and the load balancer's status go; the NodePorts stay.
            Case {
                preset: "lb-traffic-policy",
                to: "NodePort",
            },
            // LoadBalancer (Local) -> ClusterIP: everything external goes.
            Case {
                preset: "lb-traffic-policy",
                to: "ClusterIP",
            },
            Case {
                preset: "load-balancer",
                to: "ClusterIP",
            },
        ];
        for c in cases {
            let s = loaded(c.preset);
            let name = s.services[0].name.clone();
            let edit = changed_service(&s, &name, |svc| svc.spec.kind = Some(c.to.into()));
            let Edit::Put { object, .. } = &edit else {
                unreachable!()
            };
            // Without the drop, validation would refuse the object.
            assert!(
                super::super::resolve({
                    let mut o = s.to_objects();
                    let key = Key::new("Service", Some("default"), &name);
                    let i = o.iter().position(|x| Key::of(x) == key).unwrap();
                    o[i] = (**object).clone();
                    o
                })
                .is_err()
                    || c.to != "ClusterIP",
                "{}: the plain object loads",
                c.preset
            );
            let a = apply(&s, &edit).unwrap_or_else(|e| panic!("{} -> {}: {e:?}", c.preset, c.to));
            let svc = a.scenario.service("default", &name).unwrap();
            let before = s.service("default", &name).unwrap();
            assert_eq!(svc.kind.as_str(), c.to, "{}", c.preset);
            assert_eq!(
                svc.cluster_ip, before.cluster_ip,
                "{}: the ClusterIP stays",
                c.preset
            );
            assert!(svc.health_check_node_port.is_none(), "{}", c.preset);
            assert!(svc.load_balancer_ingress.is_empty(), "{}", c.preset);
            if c.to == "NodePort" {
                assert_eq!(
                    svc.ports.iter().map(|p| p.node_port).collect::<Vec<_>>(),
                    before.ports.iter().map(|p| p.node_port).collect::<Vec<_>>(),
                    "{}: the NodePorts stay",
                    c.preset
                );
                assert_eq!(svc.external_traffic_policy, before.external_traffic_policy);
            } else {
                assert!(
                    svc.ports.iter().all(|p| p.node_port.is_none()),
                    "{}",
                    c.preset
                );
                assert_eq!(
                    svc.external_traffic_policy,
                    crate::model::TrafficPolicy::Cluster,
                    "{}",
                    c.preset
                );
            }
        }
    }

    #[test]
    fn a_field_the_update_changes_is_not_dropped_but_checked() {
        let s = loaded("lb-traffic-policy");
        let name = s.services[0].name.clone();
        // The client asks for a health check port on a NodePort Service:
        // it stays, and validation refuses it.
        let edit = changed_service(&s, &name, |svc| {
            svc.spec.kind = Some("NodePort".into());
            svc.spec.health_check_node_port = Some(30999);
        });
        let e = apply(&s, &edit).unwrap_err();
        assert!(
            e.0.iter().any(|p| p.field.contains("healthCheckNodePort")),
            "{e:?}"
        );
    }

    #[test]
    fn dropping_follows_the_api_server_field_by_field() {
        let svc = |kind: &str, etp: Option<&str>, hc: Option<i64>, np: Option<i64>| {
            let mut s = k8s::Service::default();
            s.spec.kind = Some(kind.into());
            s.spec.external_traffic_policy = etp.map(Into::into);
            s.spec.health_check_node_port = hc;
            s.spec.cluster_ip = Some("10.3.240.10".into());
            s.spec.ports = vec![k8s::ServicePort {
                node_port: np,
                ..Default::default()
            }];
            s
        };
        let old = svc("LoadBalancer", Some("Local"), Some(31000), Some(30080));
        // Same type: nothing goes.
        let mut new = old.clone();
        drop_type_dependent_fields(&mut new, &old);
        assert_eq!(new, old);
        // ExternalName: the ClusterIP goes too.
        let mut new = old.clone();
        new.spec.kind = Some("ExternalName".into());
        drop_type_dependent_fields(&mut new, &old);
        assert_eq!(new.spec.cluster_ip, None);
        assert_eq!(new.spec.ports[0].node_port, None);
        assert_eq!(new.spec.health_check_node_port, None);
        assert_eq!(new.spec.external_traffic_policy, None);
        // ClusterIP with a new NodePort asked for: the port stays (and
        // validation will say no).
        let mut new = svc("ClusterIP", Some("Local"), Some(31000), Some(30081));
        drop_type_dependent_fields(&mut new, &old);
        assert_eq!(new.spec.ports[0].node_port, Some(30081));
        assert_eq!(new.spec.external_traffic_policy, None);
        // LoadBalancer Local -> Cluster: only the health check port goes.
        let mut new = old.clone();
        new.spec.external_traffic_policy = Some("Cluster".into());
        drop_type_dependent_fields(&mut new, &old);
        assert_eq!(new.spec.health_check_node_port, None);
        assert_eq!(new.spec.ports[0].node_port, Some(30080));
    }
}
