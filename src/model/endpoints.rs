//! EndpointSlices derived from a Service's selector, as the EndpointSlice
//! controller writes them: one endpoint per selected pod with an IP, its
//! `ready` condition the pod's readiness, and one slice per distinct port
//! mapping (a named `targetPort` may resolve to different numbers on
//! different pods; a pod without the named port is left out of that port).

use super::ipam::safe_suffix;
use super::scenario::{
    selects, Endpoint, EndpointPort, EndpointSlice, Labels, Pod, Service, ServiceType, TargetPort,
};
use crate::hash::HashMap;

/// Pods by (namespace, label key, label value), each list in scenario
/// order, so a selector looks only at the pods carrying one of its labels
/// instead of at every pod.
pub(crate) struct PodIndex<'a> {
    pods: &'a [Pod],
    by_label: HashMap<(&'a str, &'a str, &'a str), Vec<usize>>,
}

impl<'a> PodIndex<'a> {
    pub(crate) fn new(pods: &'a [Pod]) -> Self {
        let mut by_label: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::default();
        for (i, p) in pods.iter().enumerate() {
            for (k, v) in &p.labels {
                by_label
                    .entry((p.namespace.as_str(), k.as_str(), v.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        PodIndex { pods, by_label }
    }

    /// The pods of `namespace` that `selector` selects, in scenario order.
    pub(crate) fn selected<'s>(
        &'s self,
        namespace: &'s str,
        selector: &'s Labels,
    ) -> impl Iterator<Item = &'a Pod> + 's {
        // Every selected pod carries the selector's first label (an empty
        // selector selects nothing).
        let candidates = selector
            .iter()
            .next()
            .and_then(|(k, v)| self.by_label.get(&(namespace, k.as_str(), v.as_str())))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let pods = self.pods;
        candidates
            .iter()
            .map(move |&i| &pods[i])
            .filter(move |p| selects(selector, &p.labels))
    }
}

pub(crate) fn derive(svc: &Service, pods: &PodIndex) -> Vec<EndpointSlice> {
    let Some(selector) = &svc.selector else {
        return Vec::new();
    };
    if svc.kind == ServiceType::ExternalName {
        return Vec::new();
    }
    // Port mapping -> endpoints, in first-seen order.
    let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
    for pod in pods.selected(&svc.namespace, selector) {
        let Some(ip) = pod.ip else { continue };
        let ports: Vec<EndpointPort> = svc
            .ports
            .iter()
            .filter_map(|sp| {
                let port = match &sp.target_port {
                    TargetPort::Number(n) => *n,
                    TargetPort::Name(name) => pod.find_port(name, sp.protocol)?,
                };
                Some(EndpointPort {
                    name: sp.name.clone(),
                    port,
                    protocol: sp.protocol,
                })
            })
            .collect();
        let endpoint = Endpoint {
            ip,
            ready: pod.ready,
            serving: pod.ready,
            terminating: false,
            node_name: pod.node_name.clone(),
            pod: Some(pod.name.clone()),
        };
        match groups.iter_mut().find(|(p, _)| *p == ports) {
            Some((_, eps)) => eps.push(endpoint),
            None => groups.push((ports, vec![endpoint])),
        }
    }
    groups
        .into_iter()
        .map(|(ports, endpoints)| {
            let key = format!("{}/{}:{ports:?}", svc.namespace, svc.name);
            EndpointSlice {
                namespace: svc.namespace.clone(),
                name: format!("{}-{}", svc.name, safe_suffix(&key, 5)),
                service: svc.name.clone(),
                endpoints,
                ports,
                derived: true,
            }
        })
        .collect()
}
