//! The interchange form: Kubernetes objects as `kubectl get -o yaml` prints
//! them (only the fields the playground reads), plus the project's own
//! `netlab/v1` kinds. Unknown fields are ignored on input and never written.
//!
//! These types hold what the user wrote, unvalidated (addresses are strings,
//! ports are wide integers) so that validation can name the offending field
//! with a readable message instead of a serde type error. [`super::resolve`]
//! turns them into a [`super::Scenario`]; [`super::Scenario::to_objects`]
//! turns a scenario back into them.
//!
//! They are read and written by `value_de`'s hand-written code
//! (`object_fields!` beside each struct lists its fields by their names in
//! the objects; `omit_empty` ones are left out of an export when empty). The
//! serde derives say the same thing and are the reference the tests compare
//! that code with; the app does not link them.

use super::value_de::{object_fields, DeError, FromValue, Path, ToValue};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: Labels,
}

object_fields!(ObjectMeta {
    name: "name" omit_empty,
    namespace: "namespace" omit_empty,
    labels: "labels" omit_empty,
});

// ---------------------------------------------------------------- Node

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    pub metadata: ObjectMeta,
    pub spec: NodeSpec,
    #[serde(skip_serializing_if = "NodeStatus::is_empty")]
    pub status: NodeStatus,
}

object_fields!(Node {
    metadata: "metadata",
    spec: "spec",
    status: "status" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    #[serde(rename = "podCIDR", skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    #[serde(rename = "podCIDRs", skip_serializing_if = "Vec::is_empty")]
    pub pod_cidrs: Vec<String>,
}

object_fields!(NodeSpec {
    pod_cidr: "podCIDR" omit_empty,
    pod_cidrs: "podCIDRs" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

object_fields!(NodeStatus {
    addresses: "addresses" omit_empty,
    conditions: "conditions" omit_empty,
});

impl NodeStatus {
    fn is_empty(&self) -> bool {
        self.addresses.is_empty() && self.conditions.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct NodeAddress {
    #[serde(rename = "type")]
    pub kind: String,
    pub address: String,
}

object_fields!(NodeAddress {
    kind: "type",
    address: "address",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
}

object_fields!(Condition {
    kind: "type",
    status: "status",
});

// ---------------------------------------------------------------- Pod

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
    #[serde(skip_serializing_if = "PodStatus::is_empty")]
    pub status: PodStatus,
}

object_fields!(Pod {
    metadata: "metadata",
    spec: "spec",
    status: "status" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: Labels,
    #[serde(skip_serializing_if = "is_false")]
    pub host_network: bool,
    pub containers: Vec<Container>,
}

object_fields!(PodSpec {
    node_name: "nodeName" omit_empty,
    node_selector: "nodeSelector" omit_empty,
    host_network: "hostNetwork" omit_empty,
    containers: "containers",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
}

object_fields!(Container {
    name: "name",
    image: "image" omit_empty,
    ports: "ports" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub container_port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

object_fields!(ContainerPort {
    name: "name" omit_empty,
    container_port: "containerPort",
    protocol: "protocol" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(rename = "podIP", skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

object_fields!(PodStatus {
    phase: "phase" omit_empty,
    pod_ip: "podIP" omit_empty,
    conditions: "conditions" omit_empty,
});

impl PodStatus {
    fn is_empty(&self) -> bool {
        self.phase.is_none() && self.pod_ip.is_none() && self.conditions.is_empty()
    }
}

// ---------------------------------------------------------------- Deployment

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Deployment {
    pub metadata: ObjectMeta,
    pub spec: DeploymentSpec,
}

object_fields!(Deployment {
    metadata: "metadata",
    spec: "spec",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    pub template: PodTemplate,
}

object_fields!(DeploymentSpec {
    replicas: "replicas" omit_empty,
    selector: "selector" omit_empty,
    template: "template",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplate {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
}

object_fields!(PodTemplate {
    metadata: "metadata",
    spec: "spec",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LabelSelector {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: Labels,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<serde_json::Value>,
}

object_fields!(LabelSelector {
    match_labels: "matchLabels" omit_empty,
    match_expressions: "matchExpressions" omit_empty,
});

// ---------------------------------------------------------------- Service

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Service {
    pub metadata: ObjectMeta,
    pub spec: ServiceSpec,
    #[serde(skip_serializing_if = "ServiceStatus::is_empty")]
    pub status: ServiceStatus,
}

object_fields!(Service {
    metadata: "metadata",
    spec: "spec",
    status: "status" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceSpec {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(rename = "clusterIP", skip_serializing_if = "Option::is_none")]
    pub cluster_ip: Option<String>,
    #[serde(rename = "clusterIPs", skip_serializing_if = "Vec::is_empty")]
    pub cluster_ips: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
    /// `None` (absent or null) means a Service without a selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<Labels>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_traffic_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_traffic_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_affinity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_affinity_config: Option<SessionAffinityConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check_node_port: Option<i64>,
    #[serde(rename = "externalIPs", skip_serializing_if = "Vec::is_empty")]
    pub external_ips: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub load_balancer_source_ranges: Vec<String>,
    #[serde(rename = "loadBalancerIP", skip_serializing_if = "Option::is_none")]
    pub load_balancer_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocate_load_balancer_node_ports: Option<bool>,
}

object_fields!(ServiceSpec {
    kind: "type" omit_empty,
    cluster_ip: "clusterIP" omit_empty,
    cluster_ips: "clusterIPs" omit_empty,
    ports: "ports" omit_empty,
    selector: "selector" omit_empty,
    external_traffic_policy: "externalTrafficPolicy" omit_empty,
    internal_traffic_policy: "internalTrafficPolicy" omit_empty,
    session_affinity: "sessionAffinity" omit_empty,
    session_affinity_config: "sessionAffinityConfig" omit_empty,
    health_check_node_port: "healthCheckNodePort" omit_empty,
    external_ips: "externalIPs" omit_empty,
    load_balancer_source_ranges: "loadBalancerSourceRanges" omit_empty,
    load_balancer_ip: "loadBalancerIP" omit_empty,
    allocate_load_balancer_node_ports: "allocateLoadBalancerNodePorts" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServicePort {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    pub port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i64>,
}

object_fields!(ServicePort {
    name: "name" omit_empty,
    protocol: "protocol" omit_empty,
    port: "port",
    target_port: "targetPort" omit_empty,
    node_port: "nodePort" omit_empty,
});

/// Kubernetes' `IntOrString` (a `targetPort` is a number or a port name).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i64),
    String(String),
}

/// What `#[serde(untagged)]` derives (an integer that fits `i64`, else a
/// string, else its error), written out: the derived one buffers the
/// value in serde's `Content`, whose machinery was sizeable in the wasm
/// build. (A list or a mapping is refused without reading it, which the
/// model's deserializer over a parsed value, `value_de`, allows.)
impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        use std::fmt;

        fn no_match<E: Error>() -> E {
            E::custom("data did not match any variant of untagged enum IntOrString")
        }

        struct IntOrStringVisitor;

        impl<'de> Visitor<'de> for IntOrStringVisitor {
            type Value = IntOrString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<IntOrString, E> {
                Ok(IntOrString::Int(v))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<IntOrString, E> {
                i64::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| no_match())
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_string()))
            }
            fn visit_bool<E: Error>(self, _: bool) -> Result<IntOrString, E> {
                Err(no_match())
            }
            fn visit_f64<E: Error>(self, _: f64) -> Result<IntOrString, E> {
                Err(no_match())
            }
            fn visit_unit<E: Error>(self) -> Result<IntOrString, E> {
                Err(no_match())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<IntOrString, A::Error> {
                Err(no_match())
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<IntOrString, A::Error> {
                Err(no_match())
            }
        }

        d.deserialize_any(IntOrStringVisitor)
    }
}

/// An integer that fits `i64`, else a string, else serde's error for an
/// untagged enum (as the derived `Deserialize` reads it).
impl FromValue for IntOrString {
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        match value {
            Value::Number(n) => n.as_i64().map(IntOrString::Int),
            Value::String(s) => Some(IntOrString::String(s.clone())),
            _ => None,
        }
        .ok_or_else(|| DeError {
            path: path.to_string(),
            message: "data did not match any variant of untagged enum IntOrString".into(),
        })
    }
}

impl ToValue for IntOrString {
    fn to_value(&self) -> Value {
        match self {
            IntOrString::Int(i) => Value::from(*i),
            IntOrString::String(s) => Value::String(s.clone()),
        }
    }
    fn is_empty(&self) -> bool {
        false
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SessionAffinityConfig {
    #[serde(rename = "clientIP", skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<ClientIpConfig>,
}

object_fields!(SessionAffinityConfig {
    client_ip: "clientIP" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientIpConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
}

object_fields!(ClientIpConfig {
    timeout_seconds: "timeoutSeconds" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceStatus {
    pub load_balancer: LoadBalancerStatus,
}

object_fields!(ServiceStatus {
    load_balancer: "loadBalancer",
});

impl ServiceStatus {
    fn is_empty(&self) -> bool {
        self.load_balancer.ingress.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<LoadBalancerIngress>,
}

object_fields!(LoadBalancerStatus {
    ingress: "ingress" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerIngress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// `VIP` (the default) or `Proxy` (KEP-1860).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_mode: Option<String>,
}

object_fields!(LoadBalancerIngress {
    ip: "ip" omit_empty,
    hostname: "hostname" omit_empty,
    ip_mode: "ipMode" omit_empty,
});

// ---------------------------------------------------------------- EndpointSlice

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointSlice {
    pub metadata: ObjectMeta,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_type: Option<String>,
    pub endpoints: Vec<Endpoint>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<EndpointPort>,
}

object_fields!(EndpointSlice {
    metadata: "metadata",
    address_type: "addressType" omit_empty,
    endpoints: "endpoints",
    ports: "ports" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Endpoint {
    pub addresses: Vec<String>,
    #[serde(skip_serializing_if = "EndpointConditions::is_empty")]
    pub conditions: EndpointConditions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
}

object_fields!(Endpoint {
    addresses: "addresses",
    conditions: "conditions" omit_empty,
    node_name: "nodeName" omit_empty,
    target_ref: "targetRef" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointConditions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminating: Option<bool>,
}

object_fields!(EndpointConditions {
    ready: "ready" omit_empty,
    serving: "serving" omit_empty,
    terminating: "terminating" omit_empty,
});

impl EndpointConditions {
    fn is_empty(&self) -> bool {
        self.ready.is_none() && self.serving.is_none() && self.terminating.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectReference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

object_fields!(ObjectReference {
    kind: "kind" omit_empty,
    name: "name" omit_empty,
    namespace: "namespace" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointPort {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

object_fields!(EndpointPort {
    name: "name" omit_empty,
    port: "port" omit_empty,
    protocol: "protocol" omit_empty,
});

// ---------------------------------------------------------------- KubeProxyConfiguration

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeProxyConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(rename = "clusterCIDR", skip_serializing_if = "Option::is_none")]
    pub cluster_cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iptables: Option<KubeProxyIptables>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port_addresses: Option<Vec<String>>,
}

object_fields!(KubeProxyConfiguration {
    mode: "mode" omit_empty,
    cluster_cidr: "clusterCIDR" omit_empty,
    iptables: "iptables" omit_empty,
    node_port_addresses: "nodePortAddresses" omit_empty,
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeProxyIptables {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masquerade_all: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masquerade_bit: Option<i64>,
}

object_fields!(KubeProxyIptables {
    masquerade_all: "masqueradeAll" omit_empty,
    masquerade_bit: "masqueradeBit" omit_empty,
});

// ---------------------------------------------------------------- netlab/v1

/// `apiVersion: netlab/v1`, `kind: Cluster`: the address plan.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Cluster {
    pub metadata: ObjectMeta,
    pub spec: ClusterSpec,
}

object_fields!(Cluster {
    metadata: "metadata",
    spec: "spec",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSpec {
    #[serde(rename = "nodeCIDR", skip_serializing_if = "Option::is_none")]
    pub node_cidr: Option<String>,
    #[serde(rename = "podCIDR", skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    #[serde(rename = "nodePodCIDRMask", skip_serializing_if = "Option::is_none")]
    pub node_pod_cidr_mask: Option<i64>,
    #[serde(rename = "serviceCIDR", skip_serializing_if = "Option::is_none")]
    pub service_cidr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port_range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_style: Option<String>,
    /// `nodePodCIDR` (the default: each node's pods in its pod CIDR) or
    /// `nodeNetwork` (pods take node-network addresses, AWS VPC CNI style).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_addressing: Option<String>,
}

object_fields!(ClusterSpec {
    node_cidr: "nodeCIDR" omit_empty,
    pod_cidr: "podCIDR" omit_empty,
    node_pod_cidr_mask: "nodePodCIDRMask" omit_empty,
    service_cidr: "serviceCIDR" omit_empty,
    node_port_range: "nodePortRange" omit_empty,
    load_balancer_style: "loadBalancerStyle" omit_empty,
    pod_addressing: "podAddressing" omit_empty,
});

/// `apiVersion: netlab/v1`, `kind: Route`: a static route on the VPC router.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Route {
    pub metadata: ObjectMeta,
    pub spec: RouteSpec,
}

object_fields!(Route {
    metadata: "metadata",
    spec: "spec",
});

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RouteSpec {
    pub destination: String,
    pub next_hop: String,
}

object_fields!(RouteSpec {
    destination: "destination",
    next_hop: "nextHop",
});

// ---------------------------------------------------------------- Object

/// One object of a scenario, of a kind the playground reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Cluster(Cluster),
    KubeProxyConfiguration(KubeProxyConfiguration),
    Node(Node),
    Route(Route),
    Pod(Pod),
    Deployment(Deployment),
    Service(Service),
    EndpointSlice(EndpointSlice),
}

impl Object {
    /// `(apiVersion, kind)` as written on export.
    pub fn type_meta(&self) -> (&'static str, &'static str) {
        match self {
            Object::Cluster(_) => ("netlab/v1", "Cluster"),
            Object::KubeProxyConfiguration(_) => {
                ("kubeproxy.config.k8s.io/v1alpha1", "KubeProxyConfiguration")
            }
            Object::Node(_) => ("v1", "Node"),
            Object::Route(_) => ("netlab/v1", "Route"),
            Object::Pod(_) => ("v1", "Pod"),
            Object::Deployment(_) => ("apps/v1", "Deployment"),
            Object::Service(_) => ("v1", "Service"),
            Object::EndpointSlice(_) => ("discovery.k8s.io/v1", "EndpointSlice"),
        }
    }

    /// The object as written: `apiVersion` and `kind`, then its fields
    /// (what its `Serialize` writes).
    pub fn to_value(&self) -> Value {
        let mut value = match self {
            Object::Cluster(o) => o.to_value(),
            Object::KubeProxyConfiguration(o) => o.to_value(),
            Object::Node(o) => o.to_value(),
            Object::Route(o) => o.to_value(),
            Object::Pod(o) => o.to_value(),
            Object::Deployment(o) => o.to_value(),
            Object::Service(o) => o.to_value(),
            Object::EndpointSlice(o) => o.to_value(),
        };
        let (api_version, kind) = self.type_meta();
        if let Value::Object(map) = &mut value {
            map.insert("apiVersion".into(), api_version.into());
            map.insert("kind".into(), kind.into());
        }
        value
    }
}

/// How an object is written: `apiVersion` and `kind` first, then its fields.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "apiVersion")]
    api_version: &'a str,
    kind: &'a str,
    #[serde(flatten)]
    object: &'a T,
}

impl Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (api_version, kind) = self.type_meta();
        macro_rules! tagged {
            ($o:expr) => {
                Tagged {
                    api_version,
                    kind,
                    object: $o,
                }
                .serialize(s)
            };
        }
        match self {
            Object::Cluster(o) => tagged!(o),
            Object::KubeProxyConfiguration(o) => tagged!(o),
            Object::Node(o) => tagged!(o),
            Object::Route(o) => tagged!(o),
            Object::Pod(o) => tagged!(o),
            Object::Deployment(o) => tagged!(o),
            Object::Service(o) => tagged!(o),
            Object::EndpointSlice(o) => tagged!(o),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value_de::serde_ref::from_value;
    use serde_json::json;

    /// The derived deserializer the hand-written one replaces (same
    /// name, as its messages say it).
    mod derived {
        #[derive(Debug, serde::Deserialize)]
        #[serde(untagged)]
        pub enum IntOrString {
            Int(i64),
            String(String),
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Port<T> {
        target_port: Option<T>,
    }

    #[test]
    fn int_or_string_reads_as_the_derived_untagged_enum() {
        for v in [
            json!(8080),
            json!(-1),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(1.5),
            json!("http"),
            json!(""),
            json!(true),
            json!(null),
            json!([1]),
            json!({"a": 1}),
        ] {
            let doc = json!({ "targetPort": v });
            let ours = from_value::<Port<IntOrString>>(&doc).map(|p| p.target_port);
            let derived = from_value::<Port<derived::IntOrString>>(&doc).map(|p| {
                p.target_port.map(|d| match d {
                    derived::IntOrString::Int(i) => IntOrString::Int(i),
                    derived::IntOrString::String(s) => IntOrString::String(s),
                })
            });
            assert_eq!(ours, derived, "{v}");
        }
    }
}
