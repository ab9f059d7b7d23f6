//! [`Scenario`] -> [`Object`]s: everything resolved is written explicitly
//! (allocated addresses and ports included), except what re-derives to the
//! same thing: Deployment replicas and selector-derived EndpointSlices.
//! `resolve(to_objects(s)) == s` is the round-trip invariant.

use super::k8s::{self, IntOrString, Object, ObjectMeta};
use super::resolve::SERVICE_NAME_LABEL;
use super::scenario::*;

fn meta(name: &str, namespace: Option<&str>, labels: &Labels) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: labels.clone(),
    }
}

fn condition_ready(ready: bool) -> Vec<k8s::Condition> {
    vec![k8s::Condition {
        kind: "Ready".into(),
        status: if ready { "True" } else { "False" }.into(),
    }]
}

fn containers(ports: &[ContainerPort]) -> Vec<k8s::Container> {
    vec![k8s::Container {
        name: "app".into(),
        image: None,
        ports: ports
            .iter()
            .map(|p| k8s::ContainerPort {
                name: p.name.clone(),
                container_port: i64::from(p.port),
                protocol: (p.protocol != Protocol::Tcp).then(|| p.protocol.as_k8s().to_string()),
            })
            .collect(),
    }]
}

fn protocol_field(p: Protocol) -> Option<String> {
    Some(p.as_k8s().to_string())
}

impl Scenario {
    pub fn to_objects(&self) -> Vec<Object> {
        let mut out = Vec::new();
        let c = &self.cluster;
        out.push(Object::Cluster(k8s::Cluster {
            metadata: ObjectMeta {
                name: Some("cluster".into()),
                ..Default::default()
            },
            spec: k8s::ClusterSpec {
                node_cidr: Some(c.node_cidr.to_string()),
                pod_cidr: Some(c.pod_cidr.to_string()),
                node_pod_cidr_mask: Some(i64::from(c.node_pod_cidr_mask)),
                service_cidr: Some(c.service_cidr.to_string()),
                node_port_range: Some(c.node_port_range.to_string()),
                load_balancer_style: Some(c.load_balancer_style.as_str().into()),
                pod_addressing: c.pods_on_node_network.then(|| "nodeNetwork".into()),
            },
        }));
        if let Some(p) = &self.proxy {
            out.push(Object::KubeProxyConfiguration(
                k8s::KubeProxyConfiguration {
                    mode: Some(p.mode.as_str().into()),
                    cluster_cidr: Some(p.cluster_cidr.map(|c| c.to_string()).unwrap_or_default()),
                    iptables: Some(k8s::KubeProxyIptables {
                        masquerade_all: Some(p.masquerade_all),
                        masquerade_bit: Some(i64::from(p.masquerade_bit)),
                    }),
                    node_port_addresses: match &p.node_port_addresses {
                        NodePortAddresses::Unset => None,
                        NodePortAddresses::Primary => Some(vec!["primary".into()]),
                        NodePortAddresses::Cidrs(v) => {
                            Some(v.iter().map(|n| n.to_string()).collect())
                        }
                    },
                },
            ));
        }
        for n in &self.nodes {
            out.push(Object::Node(k8s::Node {
                metadata: meta(&n.name, None, &n.labels),
                spec: k8s::NodeSpec {
                    // Pods on the node network: no pod CIDR per node.
                    pod_cidr: (!c.pods_on_node_network).then(|| n.pod_cidr.to_string()),
                    pod_cidrs: vec![],
                },
                status: k8s::NodeStatus {
                    addresses: vec![k8s::NodeAddress {
                        kind: "InternalIP".into(),
                        address: n.internal_ip.to_string(),
                    }],
                    conditions: condition_ready(n.ready),
                },
            }));
        }
        for r in &self.routes {
            out.push(Object::Route(k8s::Route {
                metadata: meta(&r.name, None, &Labels::new()),
                spec: k8s::RouteSpec {
                    destination: r.destination.to_string(),
                    next_hop: r.next_hop.to_string(),
                },
            }));
        }
        for p in self.pods.iter().filter(|p| p.owner.is_none()) {
            out.push(Object::Pod(k8s::Pod {
                metadata: meta(&p.name, Some(&p.namespace), &p.labels),
                spec: k8s::PodSpec {
                    node_name: p.node_name.clone(),
                    node_selector: p.node_selector.clone(),
                    containers: containers(&p.ports),
                    ..Default::default()
                },
                status: k8s::PodStatus {
                    phase: None,
                    pod_ip: p.ip.map(|ip| ip.to_string()),
                    conditions: condition_ready(p.ready),
                },
            }));
        }
        for d in &self.deployments {
            out.push(Object::Deployment(k8s::Deployment {
                metadata: meta(&d.name, Some(&d.namespace), &Labels::new()),
                spec: k8s::DeploymentSpec {
                    replicas: Some(i64::from(d.replicas)),
                    selector: Some(k8s::LabelSelector {
                        match_labels: d.selector.clone(),
                        match_expressions: vec![],
                    }),
                    template: k8s::PodTemplate {
                        metadata: ObjectMeta {
                            labels: d.template.labels.clone(),
                            ..Default::default()
                        },
                        spec: k8s::PodSpec {
                            node_name: d.template.node_name.clone(),
                            node_selector: d.template.node_selector.clone(),
                            host_network: false,
                            containers: containers(&d.template.ports),
                        },
                    },
                },
            }));
        }
        for s in &self.services {
            out.push(Object::Service(service(s)));
        }
        for e in self.endpoint_slices.iter().filter(|e| !e.derived) {
            let mut labels = Labels::new();
            labels.insert(SERVICE_NAME_LABEL.into(), e.service.clone());
            out.push(Object::EndpointSlice(k8s::EndpointSlice {
                metadata: meta(&e.name, Some(&e.namespace), &labels),
                address_type: Some("IPv4".into()),
                endpoints: e
                    .endpoints
                    .iter()
                    .map(|ep| k8s::Endpoint {
                        addresses: vec![ep.ip.to_string()],
                        conditions: k8s::EndpointConditions {
                            ready: Some(ep.ready),
                            serving: Some(ep.serving),
                            terminating: Some(ep.terminating),
                        },
                        node_name: ep.node_name.clone(),
                        target_ref: ep.pod.as_ref().map(|p| k8s::ObjectReference {
                            kind: Some("Pod".into()),
                            name: Some(p.clone()),
                            namespace: Some(e.namespace.clone()),
                        }),
                    })
                    .collect(),
                ports: e
                    .ports
                    .iter()
                    .map(|p| k8s::EndpointPort {
                        name: p.name.clone(),
                        port: Some(i64::from(p.port)),
                        protocol: protocol_field(p.protocol),
                    })
                    .collect(),
            }));
        }
        out
    }

    /// The scenario as multi-document YAML that loads back to an equal one.
    pub fn to_yaml(&self) -> String {
        super::parse::to_yaml(&self.to_objects())
    }
}

fn service(s: &Service) -> k8s::Service {
    let is_lb = s.kind == ServiceType::LoadBalancer;
    k8s::Service {
        metadata: meta(&s.name, Some(&s.namespace), &Labels::new()),
        spec: k8s::ServiceSpec {
            kind: Some(s.kind.as_str().into()),
            cluster_ip: match (s.kind, s.cluster_ip) {
                (ServiceType::ExternalName, _) => None,
                (_, Some(ip)) => Some(ip.to_string()),
                (_, None) => Some("None".into()),
            },
            cluster_ips: vec![],
            ports: s
                .ports
                .iter()
                .map(|p| k8s::ServicePort {
                    name: p.name.clone(),
                    protocol: protocol_field(p.protocol),
                    port: i64::from(p.port),
                    target_port: Some(match &p.target_port {
                        TargetPort::Number(n) => IntOrString::Int(i64::from(*n)),
                        TargetPort::Name(n) => IntOrString::String(n.clone()),
                    }),
                    node_port: p.node_port.map(i64::from),
                })
                .collect(),
            selector: s.selector.clone(),
            external_traffic_policy: s
                .kind
                .has_node_ports()
                .then(|| s.external_traffic_policy.as_str().into())
                .or_else(|| {
                    (s.external_traffic_policy == TrafficPolicy::Local).then(|| "Local".into())
                }),
            internal_traffic_policy: Some(s.internal_traffic_policy.as_str().into()),
            session_affinity: Some(
                if s.session_affinity.is_some() {
                    "ClientIP"
                } else {
                    "None"
                }
                .into(),
            ),
            session_affinity_config: s.session_affinity.map(|t| k8s::SessionAffinityConfig {
                client_ip: Some(k8s::ClientIpConfig {
                    timeout_seconds: Some(i64::from(t)),
                }),
            }),
            health_check_node_port: s.health_check_node_port.map(i64::from),
            external_ips: s.external_ips.iter().map(|i| i.to_string()).collect(),
            load_balancer_source_ranges: s
                .load_balancer_source_ranges
                .iter()
                .map(|r| r.to_string())
                .collect(),
            load_balancer_ip: s.load_balancer_ip.map(|i| i.to_string()),
            allocate_load_balancer_node_ports: (!s.allocate_load_balancer_node_ports)
                .then_some(false),
        },
        status: k8s::ServiceStatus {
            load_balancer: k8s::LoadBalancerStatus {
                ingress: if is_lb {
                    s.load_balancer_ingress
                        .iter()
                        .map(|ip| k8s::LoadBalancerIngress {
                            ip: Some(ip.to_string()),
                            hostname: None,
                            ip_mode: None,
                        })
                        .collect()
                } else {
                    vec![]
                },
            },
        },
    }
}
