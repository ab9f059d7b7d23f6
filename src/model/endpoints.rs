//! EndpointSlices derived from a Service's selector, as the EndpointSlice
//! controller writes them: one endpoint per selected pod with an IP, its
//! `ready` condition the pod's readiness, and one slice per distinct port
//! mapping (a named `targetPort` may resolve to different numbers on
//! different pods; a pod without the named port is left out of that port).

use super::ipam::safe_suffix;
use super::scenario::{
    selects, Endpoint, EndpointPort, EndpointSlice, Pod, Service, ServiceType, TargetPort,
};

pub(crate) fn derive(svc: &Service, pods: &[Pod]) -> Vec<EndpointSlice> {
    let Some(selector) = &svc.selector else {
        return Vec::new();
    };
    if svc.kind == ServiceType::ExternalName {
        return Vec::new();
    }
    // Port mapping -> endpoints, in first-seen order.
    let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
    for pod in pods
        .iter()
        .filter(|p| p.namespace == svc.namespace && selects(selector, &p.labels))
    {
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
