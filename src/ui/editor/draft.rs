//! Drafts: the text a form holds, keyed by the fields' Kubernetes paths,
//! its reducer, and the drafts of new and existing objects.

use super::*;

// ---------------------------------------------------------------- drafts

/// One table row of a draft (a port), by column.
pub type Row = BTreeMap<&'static str, String>;

/// What a form holds: its text by field path, and its table rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub f: BTreeMap<&'static str, String>,
    pub rows: Vec<Row>,
}

impl Draft {
    pub fn get(&self, key: &str) -> &str {
        self.f.get(key).map_or("", String::as_str)
    }

    pub fn with(mut self, key: &'static str, value: impl Into<String>) -> Draft {
        self.f.insert(key, value.into());
        self
    }
}

pub(super) fn cell<'a>(row: &'a Row, col: &str) -> &'a str {
    row.get(col).map_or("", String::as_str)
}

/// A change to a draft.
pub enum Msg {
    Set(&'static str, String),
    SetCell(usize, &'static str, String),
    AddRow,
    DelRow(usize),
    Reset(Rc<Draft>),
}

impl Reducible for Draft {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut d = Rc::unwrap_or_clone(self);
        match msg {
            Msg::Reset(to) => return to,
            Msg::Set(k, v) => {
                d.f.insert(k, v);
            }
            Msg::SetCell(i, k, v) => {
                if let Some(r) = d.rows.get_mut(i) {
                    r.insert(k, v);
                }
            }
            Msg::AddRow => d.rows.push(new_row()),
            Msg::DelRow(i) => {
                if i < d.rows.len() {
                    d.rows.remove(i);
                }
            }
        }
        Rc::new(d)
    }
}

pub(super) fn new_row() -> Row {
    row(vec![("protocol", "TCP".to_string())])
}

/// A row from its cells (inserted one by one: `BTreeMap::from` would
/// link a sort).
pub(super) fn row(cells: Vec<(&'static str, String)>) -> Row {
    let mut r = Row::new();
    for (k, v) in cells {
        r.insert(k, v);
    }
    r
}

/// Which kind of object a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Node,
    Pod,
    Deployment,
    Service,
    Route,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Deployment => "Deployment",
            Kind::Service => "Service",
            Kind::Route => "Route",
        }
    }

    /// The kind in a heading: "Add a Route", "라우트 추가".
    pub fn word(self) -> Text {
        match self {
            Kind::Node => t("Node", "노드"),
            Kind::Pod => t("Pod", "파드"),
            Kind::Deployment => t("Deployment", "디플로이먼트"),
            Kind::Service => t("Service", "서비스"),
            Kind::Route => t("Route", "라우트"),
        }
    }

    pub(super) fn namespaced(self) -> bool {
        matches!(self, Kind::Pod | Kind::Deployment | Kind::Service)
    }
}

/// Where a pod's fields are: in a Pod, or in a Deployment's template.
pub struct Paths {
    pub labels: &'static str,
    pub node_name: &'static str,
    pub node_selector: &'static str,
    pub ports: &'static str,
}

pub const POD: Paths = Paths {
    labels: "metadata.labels",
    node_name: "spec.nodeName",
    node_selector: "spec.nodeSelector",
    ports: "spec.containers[0].ports",
};

pub const DEPLOYMENT: Paths = Paths {
    labels: "spec.template.metadata.labels",
    node_name: "spec.template.spec.nodeName",
    node_selector: "spec.template.spec.nodeSelector",
    ports: "spec.template.spec.containers[0].ports",
};

pub const NAME: &str = "metadata.name";
/// A node's own kube-proxy mode (its `netlab.dev/kube-proxy-mode`
/// label, as the model names the field; blank: the cluster's).
pub const PROXY_MODE: &str = r#"metadata.labels["netlab.dev/kube-proxy-mode"]"#;
pub(super) const NAMESPACE: &str = "metadata.namespace";
pub(super) const REPLICAS: &str = "spec.replicas";
pub(super) const TYPE: &str = "spec.type";
pub(super) const SELECTOR: &str = "spec.selector";
pub(super) const CLUSTER_IP: &str = "spec.clusterIP";
pub const ETP: &str = "spec.externalTrafficPolicy";
pub(super) const ITP: &str = "spec.internalTrafficPolicy";
pub(super) const AFFINITY: &str = "spec.sessionAffinity";
pub(super) const TIMEOUT: &str = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
pub(super) const SOURCE_RANGES: &str = "spec.loadBalancerSourceRanges";
pub(super) const EXTERNAL_IPS: &str = "spec.externalIPs";
pub const DESTINATION: &str = "spec.destination";
pub const NEXT_HOP: &str = "spec.nextHop";
/// The route form's IP next hop (used when no node is picked).
pub(super) const NEXT_HOP_IP: &str = "nextHopIP";

/// The draft of a new object.
pub fn new_draft(kind: Kind, s: &Scenario) -> Draft {
    let d = Draft::default();
    match kind {
        Kind::Node => d,
        Kind::Pod => d.with(NAMESPACE, "default"),
        Kind::Deployment => d.with(NAMESPACE, "default").with(REPLICAS, "2"),
        Kind::Service => Draft {
            rows: vec![row(vec![("protocol", "TCP".into()), ("port", "80".into())])],
            ..d.with(NAMESPACE, "default")
                .with(TYPE, "ClusterIP")
                .with(ETP, "Cluster")
                .with(ITP, "Cluster")
                .with(AFFINITY, "None")
        },
        Kind::Route => d.with(
            NEXT_HOP,
            s.nodes.first().map(|n| n.name.clone()).unwrap_or_default(),
        ),
    }
}

/// `k=v, k2=v2`, as the forms show labels.
pub fn labels_text(l: &Labels) -> String {
    let mut out = String::new();
    for (k, v) in l {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

pub(super) fn ports_rows(ports: &[k8s::ContainerPort]) -> Vec<Row> {
    ports
        .iter()
        .map(|p| {
            row(vec![
                ("name", p.name.clone().unwrap_or_default()),
                ("containerPort", p.container_port.to_string()),
                (
                    "protocol",
                    p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                ),
            ])
        })
        .collect()
}

pub(super) fn template_draft(
    meta: &k8s::ObjectMeta,
    labels: &Labels,
    spec: &k8s::PodSpec,
    p: &Paths,
) -> Draft {
    Draft {
        rows: ports_rows(
            &spec
                .containers
                .iter()
                .flat_map(|c| c.ports.iter().cloned())
                .collect::<Vec<_>>(),
        ),
        ..Draft::default()
            .with(NAME, meta.name.clone().unwrap_or_default())
            .with(NAMESPACE, meta.namespace.clone().unwrap_or_default())
            .with(p.labels, labels_text(labels))
            .with(p.node_name, spec.node_name.clone().unwrap_or_default())
            .with(p.node_selector, labels_text(&spec.node_selector))
    }
}

/// The draft that edits an existing object (`None` for kinds the panel
/// only adds and removes).
pub fn object_draft(o: &Object) -> Option<Draft> {
    Some(match o {
        Object::Node(n) => {
            let labels = &n.metadata.labels;
            let mode = labels
                .get(KUBE_PROXY_MODE_LABEL)
                .cloned()
                .unwrap_or_default();
            Draft::default()
                .with(NAME, n.metadata.name.clone().unwrap_or_default())
                .with(
                    "metadata.labels",
                    labels_text(&edit::without_mode_label(labels)),
                )
                .with(PROXY_MODE, mode)
        }
        Object::Deployment(d) => {
            let t = &d.spec.template;
            template_draft(&d.metadata, &t.metadata.labels, &t.spec, &DEPLOYMENT).with(
                REPLICAS,
                d.spec.replicas.map(|r| r.to_string()).unwrap_or_default(),
            )
        }
        Object::Service(s) => service_draft(s),
        _ => return None,
    })
}

pub fn service_draft(s: &k8s::Service) -> Draft {
    let sp = &s.spec;
    let or = |v: &Option<String>, d: &str| v.clone().unwrap_or_else(|| d.to_string());
    Draft {
        rows: sp
            .ports
            .iter()
            .map(|p| {
                row(vec![
                    ("name", or(&p.name, "")),
                    ("protocol", or(&p.protocol, "TCP")),
                    ("port", p.port.to_string()),
                    (
                        "targetPort",
                        match &p.target_port {
                            Some(IntOrString::Int(n)) => n.to_string(),
                            Some(IntOrString::String(n)) => n.clone(),
                            None => String::new(),
                        },
                    ),
                    (
                        "nodePort",
                        p.node_port.map(|n| n.to_string()).unwrap_or_default(),
                    ),
                ])
            })
            .collect(),
        ..Draft::default()
            .with(NAME, or(&s.metadata.name, ""))
            .with(NAMESPACE, or(&s.metadata.namespace, "default"))
            .with(TYPE, or(&sp.kind, "ClusterIP"))
            .with(
                SELECTOR,
                sp.selector.as_ref().map(labels_text).unwrap_or_default(),
            )
            .with(CLUSTER_IP, or(&sp.cluster_ip, ""))
            .with(ETP, or(&sp.external_traffic_policy, "Cluster"))
            .with(ITP, or(&sp.internal_traffic_policy, "Cluster"))
            .with(AFFINITY, or(&sp.session_affinity, "None"))
            .with(
                TIMEOUT,
                sp.session_affinity_config
                    .as_ref()
                    .and_then(|c| c.client_ip.as_ref())
                    .and_then(|c| c.timeout_seconds)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
            )
            .with(SOURCE_RANGES, sp.load_balancer_source_ranges.join(", "))
            .with(EXTERNAL_IPS, sp.external_ips.join(", "))
    }
}
