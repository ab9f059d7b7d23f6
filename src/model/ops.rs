//! Operations on a resolved scenario, as the cluster's controllers would
//! carry them out (the UI's edits and the CLI's `--remove-node` use these).

use super::endpoints;
use super::ipam::{safe_suffix, IpPool};
use super::scenario::{selects, Pod, Scenario};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// What removing a node took away, for the trace to explain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removal {
    /// Pods that ran on the node (`namespace/name`).
    pub pods: Vec<String>,
    /// Their addresses: endpoints that are gone.
    pub pod_ips: Vec<Ipv4Addr>,
    /// Replacement pods the Deployments' ReplicaSets created elsewhere.
    pub replacements: Vec<String>,
}

impl Scenario {
    /// Removes a node as a cloud does when its VM goes away: the node and
    /// its pods are gone, their endpoints leave every EndpointSlice,
    /// Deployments get replacement pods on the remaining Ready nodes, and
    /// the VPC router loses the node's pod-CIDR route (it is derived from
    /// the nodes). Static Routes naming the node stay and lead nowhere.
    ///
    /// Pods of Deployments become written-out pods (as `kubectl get pods`
    /// would show them), so the scenario still exports and re-loads to
    /// itself. Returns `None` when there is no such node.
    pub fn remove_node(&mut self, name: &str) -> Option<Removal> {
        let idx = self.nodes.iter().position(|n| n.name == name)?;
        self.nodes.remove(idx);
        let mut removal = Removal::default();
        for p in &mut self.pods {
            p.owner = None;
        }
        self.pods.retain(|p| {
            if p.node_name.as_deref() == Some(name) {
                removal.pods.push(format!("{}/{}", p.namespace, p.name));
                removal.pod_ips.extend(p.ip);
                false
            } else {
                true
            }
        });
        self.replace_missing_replicas(&mut removal);
        for s in &mut self.endpoint_slices {
            if !s.derived {
                s.endpoints.retain(|e| {
                    e.node_name.as_deref() != Some(name) && !removal.pod_ips.contains(&e.ip)
                });
            }
        }
        self.rederive_slices();
        Some(removal)
    }

    /// Recomputes the EndpointSlices derived from selectors (after pods
    /// changed); given slices are kept.
    pub fn rederive_slices(&mut self) {
        let given: BTreeSet<String> = crate::sort::collect_by_insert(
            self.endpoint_slices
                .iter()
                .filter(|s| !s.derived)
                .map(|s| super::resolve::pair_key(&s.namespace, &s.service)),
        );
        self.endpoint_slices.retain(|s| !s.derived);
        let index = endpoints::PodIndex::new(&self.pods);
        let derived: Vec<_> = self
            .services
            .iter()
            .filter(|s| !given.contains(&super::resolve::pair_key(&s.namespace, &s.name)))
            .flat_map(|s| endpoints::derive(s, &index))
            .collect();
        self.endpoint_slices.extend(derived);
    }

    fn replace_missing_replicas(&mut self, removal: &mut Removal) {
        // Counted through a label index, not by a scan of every pod per
        // Deployment (2,000 Deployments, 10,000 pods); replacements made
        // for an earlier Deployment count too, as they would in a scan.
        let before: Vec<usize> = {
            let index = endpoints::PodIndex::new(&self.pods);
            self.deployments
                .iter()
                .map(|d| index.selected(&d.namespace, &d.selector).count())
                .collect()
        };
        let added = self.pods.len();
        // Pods per node, kept up to date as replacements are placed.
        let mut load: BTreeMap<String, usize> =
            crate::sort::collect_by_insert(self.nodes.iter().map(|n| (n.name.clone(), 0)));
        for p in &self.pods {
            if let Some(n) = p.node_name.as_deref().and_then(|n| load.get_mut(n)) {
                *n += 1;
            }
        }
        for (j, d) in self.deployments.clone().into_iter().enumerate() {
            let have = before[j]
                + self.pods[added..]
                    .iter()
                    .filter(|p| p.namespace == d.namespace && selects(&d.selector, &p.labels))
                    .count();
            let template_hash = safe_suffix(
                &format!("{}/{}/{}", d.namespace, d.name, d.template.debug_text()),
                10,
            );
            let mut i = 0u32;
            for _ in have..d.replicas as usize {
                let pod_name = loop {
                    let candidate = format!(
                        "{}-{template_hash}-{}",
                        d.name,
                        safe_suffix(&format!("{}/replacement/{i}", d.name), 5)
                    );
                    i += 1;
                    if self.pod(&d.namespace, &candidate).is_none() {
                        break candidate;
                    }
                };
                let node = match &d.template.node_name {
                    Some(n) => self.node(n).map(|n| n.name.clone()),
                    None => self.least_loaded_node(&d.template.node_selector, &load),
                };
                let ip = node.as_deref().and_then(|n| self.free_pod_ip(n));
                if let Some(c) = node
                    .as_deref()
                    .filter(|_| ip.is_some())
                    .and_then(|n| load.get_mut(n))
                {
                    *c += 1;
                }
                removal
                    .replacements
                    .push(format!("{}/{pod_name}", d.namespace));
                self.pods.push(Pod {
                    namespace: d.namespace.clone(),
                    name: pod_name,
                    labels: d.template.labels.clone(),
                    ready: node.is_some() && ip.is_some(),
                    node_name: if ip.is_some() { node } else { None },
                    node_selector: d.template.node_selector.clone(),
                    ip,
                    ports: d.template.ports.clone(),
                    owner: None,
                });
            }
        }
    }

    /// The scheduler's choice (as at load): the Ready node matching the
    /// selector with the fewest pods, ties to the first by name.
    fn least_loaded_node(
        &self,
        selector: &super::Labels,
        load: &BTreeMap<String, usize>,
    ) -> Option<String> {
        self.nodes
            .iter()
            .filter(|n| n.ready && selector.iter().all(|(k, v)| n.labels.get(k) == Some(v)))
            .min_by_key(|n| (load.get(&n.name).copied().unwrap_or(0), &n.name))
            .map(|n| n.name.clone())
    }

    /// The lowest free pod address on a node (host-local IPAM).
    fn free_pod_ip(&self, node: &str) -> Option<Ipv4Addr> {
        let n = self.node(node)?;
        let shared = self.cluster.pods_on_node_network;
        let mut pool = IpPool::new(n.pod_cidr);
        if shared {
            // One pool for every node's pods: the node network's.
            pool.reserve(self.cluster.vpc_gateway());
            for n in &self.nodes {
                pool.reserve(n.internal_ip);
            }
        } else {
            pool.reserve(n.bridge_ip());
        }
        for p in self
            .pods
            .iter()
            .filter(|p| shared || p.node_name.as_deref() == Some(node))
        {
            if let Some(ip) = p.ip {
                pool.reserve(ip);
            }
        }
        pool.next_free()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{load, presets};

    #[test]
    fn removing_node_2_of_the_story_takes_its_pod_and_endpoint_away() {
        let mut s = load(presets::preset("static-route").unwrap().yaml)
            .unwrap()
            .scenario;
        let r = s.remove_node("node-2").unwrap();
        assert_eq!(r.pods, vec!["default/web-1"]);
        assert_eq!(
            r.pod_ips,
            vec!["10.0.2.2".parse::<std::net::Ipv4Addr>().unwrap()]
        );
        assert!(
            r.replacements.is_empty(),
            "web-1 is a bare pod: nothing replaces it"
        );
        assert!(s.node("node-2").is_none());
        let eps: Vec<_> = s
            .endpoint_slices
            .iter()
            .flat_map(|e| &e.endpoints)
            .map(|e| e.ip.to_string())
            .collect();
        assert_eq!(eps, vec!["10.0.3.2"]);
        // The static route to node-2 stays: it now leads nowhere.
        assert_eq!(s.routes.len(), 1);
        assert!(s.remove_node("node-2").is_none());
        // Still a scenario that exports and loads back to itself.
        assert_eq!(load(&s.to_yaml()).unwrap().scenario, s);
    }

    #[test]
    fn replacements_spread_over_the_least_loaded_nodes_in_turn() {
        let mut yaml = String::new();
        for n in ["a", "b", "c", "d"] {
            yaml += &format!("---\napiVersion: v1\nkind: Node\nmetadata: {{name: {n}}}\n");
        }
        for d in ["web", "api"] {
            yaml += &format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {d}}}\nspec: {{replicas: 8, selector: {{matchLabels: {{app: {d}}}}}, template: {{metadata: {{labels: {{app: {d}}}}}, spec: {{containers: [{{name: c}}]}}}}}}\n"
            );
        }
        let mut s = load(&yaml).unwrap().scenario;
        let r = s.remove_node("a").unwrap();
        // Four pods (two of each) on a went to b, c, d: each takes one or
        // two, never three.
        assert_eq!(r.replacements.len(), 4);
        let on = |n: &str| {
            s.pods
                .iter()
                .filter(|p| p.node_name.as_deref() == Some(n))
                .count()
        };
        let counts = [on("b"), on("c"), on("d")];
        assert_eq!(counts.iter().sum::<usize>(), 16);
        assert!(counts.iter().all(|&c| c == 5 || c == 6), "{counts:?}");
        assert_eq!(counts, [6, 5, 5], "ties to the first by name");
        assert_eq!(load(&s.to_yaml()).unwrap().scenario, s);
    }

    #[test]
    fn a_deployment_gets_replacements_on_the_remaining_nodes() {
        let yaml = r#"
apiVersion: v1
kind: Node
metadata: {name: a}
---
apiVersion: v1
kind: Node
metadata: {name: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: w, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
"#;
        let mut s = load(yaml).unwrap().scenario;
        let before: Vec<_> = s
            .pods
            .iter()
            .filter(|p| p.node_name.as_deref() == Some("b"))
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(before.len(), 2);
        let r = s.remove_node("a").unwrap();
        assert_eq!(r.pods.len(), 2);
        assert_eq!(r.replacements.len(), 2);
        assert_eq!(s.pods.len(), 4);
        assert!(s
            .pods
            .iter()
            .all(|p| p.node_name.as_deref() == Some("b") && p.ip.is_some()));
        // The surviving pods kept their names and addresses.
        for name in &before {
            assert!(s.pod("default", name).is_some());
        }
        let ips: std::collections::BTreeSet<_> = s.pods.iter().map(|p| p.ip.unwrap()).collect();
        assert_eq!(ips.len(), 4, "addresses are unique");
        let eps = s.endpoint_slices.iter().flat_map(|e| &e.endpoints).count();
        assert_eq!(eps, 4);
        assert_eq!(load(&s.to_yaml()).unwrap().scenario, s);
    }
}
