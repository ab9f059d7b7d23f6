//! The editing panel: forms that change the cluster.
//!
//! Every form keeps its draft (the text the learner typed) in its own
//! state. On each input it builds the candidate objects from the draft,
//! runs the edit through [`edit::apply`] (the same validation as a loaded
//! file) and shows each problem under the field its path names, the others
//! at the top of the form. The app's scenario is never touched by a draft:
//! only a whole valid edit is dispatched, as [`Action::Edit`].
//!
//! Drafts are keyed by the fields' Kubernetes paths (`metadata.name`,
//! `spec.type`; table rows by column: `port`, `nodePort`), so that one key
//! names the draft's text, the input's id and the model's problems.

use crate::model::edit::{self, Edit, Key};
use crate::model::k8s::{self, IntOrString, Object};
use crate::model::{Labels, Problem, Scenario};
use crate::ui::by_addr::ByAddr;
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::problems::ProblemList;
use crate::ui::state::Action;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

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

fn cell<'a>(row: &'a Row, col: &str) -> &'a str {
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

fn new_row() -> Row {
    row(vec![("protocol", "TCP".to_string())])
}

/// A row from its cells (inserted one by one: `BTreeMap::from` would
/// link a sort).
fn row(cells: Vec<(&'static str, String)>) -> Row {
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

    fn namespaced(self) -> bool {
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
const NAMESPACE: &str = "metadata.namespace";
const REPLICAS: &str = "spec.replicas";
const TYPE: &str = "spec.type";
const SELECTOR: &str = "spec.selector";
const CLUSTER_IP: &str = "spec.clusterIP";
pub const ETP: &str = "spec.externalTrafficPolicy";
const ITP: &str = "spec.internalTrafficPolicy";
const AFFINITY: &str = "spec.sessionAffinity";
const TIMEOUT: &str = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
const SOURCE_RANGES: &str = "spec.loadBalancerSourceRanges";
const EXTERNAL_IPS: &str = "spec.externalIPs";
pub const DESTINATION: &str = "spec.destination";
pub const NEXT_HOP: &str = "spec.nextHop";
/// The route form's IP next hop (used when no node is picked).
const NEXT_HOP_IP: &str = "nextHopIP";

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

fn ports_rows(ports: &[k8s::ContainerPort]) -> Vec<Row> {
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

fn template_draft(
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
        Object::Node(n) => Draft::default()
            .with(NAME, n.metadata.name.clone().unwrap_or_default())
            .with("metadata.labels", labels_text(&n.metadata.labels)),
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

// ---------------------------------------------------------------- parsing

/// `k=v, k2=v2` (commas or new lines between entries; blank entries are
/// skipped) -> labels. The keys' and values' syntax is the model's to check.
pub fn parse_labels(text: &str) -> Result<Labels, FieldError> {
    let mut out = Labels::new();
    for item in text.split([',', '\n']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let Some((k, v)) = item.split_once('=') else {
            return Err(FieldError::NotKeyValue(item.into()));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(FieldError::NoKey(item.into()));
        }
        if out.insert(k.to_string(), v.trim().to_string()).is_some() {
            return Err(FieldError::Twice(k.into()));
        }
    }
    Ok(out)
}

/// A whole number; blank is `None`. Ranges are the model's to check.
pub fn parse_int(text: &str) -> Result<Option<i64>, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| FieldError::NotNumber(t.into()))
}

/// Why a form field does not parse (what the learner typed), worded in
/// either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    NotKeyValue(String),
    NoKey(String),
    Twice(String),
    NotNumber(String),
    Required,
    /// The object edited is no longer in the scenario.
    Gone,
}

impl FieldError {
    pub fn text(&self, lang: Lang) -> String {
        let ko = lang == Lang::Ko;
        match self {
            FieldError::NotKeyValue(i) if ko => format!("{i:?}: key=value 형식이 아닙니다"),
            FieldError::NotKeyValue(i) => format!("{i:?} is not key=value"),
            FieldError::NoKey(i) if ko => format!("{i:?}: = 앞에 키가 없습니다"),
            FieldError::NoKey(i) => format!("{i:?} has no key before ="),
            FieldError::Twice(k) if ko => format!("{k:?} 키가 두 번 나옵니다"),
            FieldError::Twice(k) => format!("key {k:?} is given twice"),
            FieldError::NotNumber(t) if ko => format!("{t:?}: 정수가 아닙니다"),
            FieldError::NotNumber(t) => format!("{t:?} is not a whole number"),
            FieldError::Required if ko => "숫자를 입력해야 합니다".into(),
            FieldError::Required => "a number is required".into(),
            FieldError::Gone if ko => "시나리오에 더 이상 없습니다".into(),
            FieldError::Gone => "it is no longer in the scenario".into(),
        }
    }
}

/// Entries separated by commas or spaces (addresses, CIDRs).
pub fn parse_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Does a problem at field path `problem` belong to the form field `key`?
/// `Some(rest)` when it does: the path below the field (`.app` for a
/// label, `[1]` for a list entry), empty for the field itself. A
/// Deployment's selector is its labels in these forms.
pub fn field_rest<'a>(problem: &'a str, key: &str) -> Option<&'a str> {
    let under = |k: &str| {
        problem
            .strip_prefix(k)
            .filter(|r| r.is_empty() || r.starts_with(['.', '[']))
    };
    under(key).or_else(|| {
        (key == DEPLOYMENT.labels)
            .then(|| under("spec.selector.matchLabels"))
            .flatten()
    })
}

/// The messages of the problems of `object` at field `key` not shown yet,
/// joined; marks them shown.
pub fn claim(problems: &[Problem], shown: &mut [bool], object: &str, key: &str) -> Option<String> {
    let mut msg = String::new();
    for (p, seen) in problems.iter().zip(shown.iter_mut()) {
        if *seen || p.object != object {
            continue;
        }
        let Some(rest) = field_rest(&p.field, key) else {
            continue;
        };
        *seen = true;
        if !msg.is_empty() {
            msg.push_str("; ");
        }
        let rest = rest.trim_start_matches('.');
        if !rest.is_empty() {
            msg.push_str(rest);
            msg.push_str(": ");
        }
        msg.push_str(&p.message);
    }
    (!msg.is_empty()).then_some(msg)
}

// ---------------------------------------------------------------- building

/// A draft turned into edits, with the draft's own (parse) problems.
#[derive(Debug)]
pub struct Built {
    /// The object as problems name it (`Service default/web`).
    pub object: String,
    pub edits: Vec<Edit>,
    pub problems: Vec<Problem>,
}

struct B<'a> {
    d: &'a Draft,
    object: String,
    problems: Vec<Problem>,
    lang: Lang,
}

impl B<'_> {
    fn bad(&mut self, field: &str, e: FieldError) {
        let message = e.text(self.lang);
        self.problems
            .push(Problem::new(self.object.clone(), field, message));
    }

    fn int(&mut self, field: &str, text: &str, required: bool) -> Option<i64> {
        match parse_int(text) {
            Ok(None) if required => {
                self.bad(field, FieldError::Required);
                None
            }
            Ok(v) => v,
            Err(e) => {
                self.bad(field, e);
                None
            }
        }
    }

    fn labels(&mut self, key: &str) -> Labels {
        parse_labels(self.d.get(key)).unwrap_or_else(|e| {
            self.bad(key, e);
            Labels::new()
        })
    }

    fn meta(&mut self, labels: &str) -> k8s::ObjectMeta {
        k8s::ObjectMeta {
            name: Some(self.d.get(NAME).trim().to_string()),
            namespace: opt(self.d.get(NAMESPACE)),
            labels: if labels.is_empty() {
                Labels::new()
            } else {
                self.labels(labels)
            },
        }
    }

    fn pod_spec(&mut self, p: &Paths) -> k8s::PodSpec {
        let mut ports = Vec::new();
        for (i, r) in self.d.rows.iter().enumerate() {
            let f = format!("{}[{i}].containerPort", p.ports);
            ports.push(k8s::ContainerPort {
                name: opt(cell(r, "name")),
                container_port: self.int(&f, cell(r, "containerPort"), true).unwrap_or(0),
                protocol: opt(cell(r, "protocol")),
            });
        }
        k8s::PodSpec {
            node_name: opt(self.d.get(p.node_name)),
            node_selector: self.labels(p.node_selector),
            host_network: false,
            containers: vec![k8s::Container {
                name: "app".into(),
                image: None,
                ports,
            }],
        }
    }

    fn service(&mut self, base: Option<&Object>) -> k8s::Service {
        let d = self.d;
        let mut s = match base {
            Some(Object::Service(s)) => s.clone(),
            _ => k8s::Service::default(),
        };
        s.metadata = self.meta("");
        let kind = d.get(TYPE);
        let lb = kind == "LoadBalancer";
        let node_ports = lb || kind == "NodePort";
        let mut ports = Vec::new();
        for (i, r) in d.rows.iter().enumerate() {
            let f = format!("spec.ports[{i}]");
            ports.push(k8s::ServicePort {
                name: opt(cell(r, "name")),
                protocol: opt(cell(r, "protocol")),
                port: self
                    .int(&[&f, ".port"].concat(), cell(r, "port"), true)
                    .unwrap_or(0),
                target_port: opt(cell(r, "targetPort")).map(|t| match t.parse() {
                    Ok(n) => IntOrString::Int(n),
                    Err(_) => IntOrString::String(t),
                }),
                node_port: if node_ports {
                    self.int(&[&f, ".nodePort"].concat(), cell(r, "nodePort"), false)
                } else {
                    None
                },
            });
        }
        let selector = opt(d.get(SELECTOR)).map(|_| self.labels(SELECTOR));
        let affinity = d.get(AFFINITY);
        let timeout = if affinity == "ClientIP" {
            self.int(TIMEOUT, d.get(TIMEOUT), false)
        } else {
            None
        };
        let external_ips = parse_list(d.get(EXTERNAL_IPS));
        let etp = d.get(ETP);
        let sp = &mut s.spec;
        sp.kind = Some(kind.into());
        sp.cluster_ip = opt(d.get(CLUSTER_IP));
        sp.cluster_ips.clear();
        sp.ports = ports;
        sp.selector = selector;
        // The form sends the fields it shows for the type; on an update,
        // model::edit drops what the old type used and the new one does
        // not, as the API server does (the health check NodePort, the load
        // balancer status).
        sp.external_traffic_policy = (node_ports || !external_ips.is_empty()).then(|| etp.into());
        sp.external_ips = external_ips;
        sp.internal_traffic_policy = opt(d.get(ITP));
        sp.session_affinity = opt(affinity);
        sp.session_affinity_config =
            (affinity == "ClientIP").then_some(k8s::SessionAffinityConfig {
                client_ip: Some(k8s::ClientIpConfig {
                    timeout_seconds: timeout,
                }),
            });
        sp.load_balancer_source_ranges = if lb {
            parse_list(d.get(SOURCE_RANGES))
        } else {
            Vec::new()
        };
        // Not in the form: kept while the type can have it.
        if !lb {
            sp.load_balancer_ip = None;
        }
        s
    }
}

/// The key of the object a draft describes.
fn draft_key(kind: Kind, d: &Draft) -> Key {
    let ns = kind.namespaced().then(|| d.get(NAMESPACE).trim()).map(|n| {
        if n.is_empty() {
            "default"
        } else {
            n
        }
    });
    Key::new(kind.name(), ns, d.get(NAME).trim())
}

/// [`build_in`] with the draft's own problems in English.
pub fn build(kind: Kind, d: &Draft, replace: Option<&Key>, base: Option<&Object>) -> Built {
    build_in(kind, d, replace, base, Lang::En)
}

/// Turns a draft into edits: adding the object (`replace` `None`), or
/// putting it in the place of `replace`, whose current form is `base`;
/// the draft's own (parse) problems in `lang`.
pub fn build_in(
    kind: Kind,
    d: &Draft,
    replace: Option<&Key>,
    base: Option<&Object>,
    lang: Lang,
) -> Built {
    let key = draft_key(kind, d);
    let mut b = B {
        d,
        object: key.label(),
        problems: Vec::new(),
        lang,
    };
    if let (Some(old), None) = (replace, base) {
        b.problems
            .push(Problem::new(old.label(), "", FieldError::Gone.text(lang)));
    }
    let object = match kind {
        Kind::Node => {
            let meta = b.meta("metadata.labels");
            if let (Some(old), Some(Object::Node(n))) = (replace, base) {
                // A rename follows every reference (Edit::RenameNode); a
                // relabel then puts the renamed node.
                let mut edits = Vec::new();
                if old.name != key.name {
                    edits.push(Edit::RenameNode {
                        from: old.name.clone(),
                        to: key.name.clone(),
                    });
                }
                if n.metadata.labels != meta.labels {
                    let mut n = n.clone();
                    n.metadata = meta;
                    edits.push(Edit::Put {
                        replace: Some(key),
                        object: Box::new(Object::Node(n)),
                    });
                }
                return Built {
                    object: b.object,
                    edits,
                    problems: b.problems,
                };
            }
            Object::Node(k8s::Node {
                metadata: meta,
                ..Default::default()
            })
        }
        Kind::Pod => Object::Pod(k8s::Pod {
            metadata: b.meta(POD.labels),
            spec: b.pod_spec(&POD),
            status: Default::default(),
        }),
        Kind::Deployment => {
            let metadata = b.meta("");
            let replicas = b.int(REPLICAS, d.get(REPLICAS), false);
            let labels = b.labels(DEPLOYMENT.labels);
            let spec = b.pod_spec(&DEPLOYMENT);
            Object::Deployment(k8s::Deployment {
                metadata,
                spec: k8s::DeploymentSpec {
                    replicas,
                    selector: Some(k8s::LabelSelector {
                        match_labels: labels.clone(),
                        match_expressions: Vec::new(),
                    }),
                    template: k8s::PodTemplate {
                        metadata: k8s::ObjectMeta {
                            labels,
                            ..Default::default()
                        },
                        spec,
                    },
                },
            })
        }
        Kind::Service => Object::Service(b.service(base)),
        Kind::Route => Object::Route(k8s::Route {
            metadata: b.meta(""),
            spec: k8s::RouteSpec {
                destination: d.get(DESTINATION).trim().to_string(),
                next_hop: opt(d.get(NEXT_HOP))
                    .unwrap_or_else(|| d.get(NEXT_HOP_IP).trim().to_string()),
            },
        }),
    };
    Built {
        object: b.object,
        edits: vec![Edit::Put {
            replace: replace.cloned(),
            object: Box::new(object),
        }],
        problems: b.problems,
    }
}

/// What a draft would do: the edits when they all apply, else every problem.
#[derive(Debug, Default)]
pub struct Check {
    pub object: String,
    /// Empty unless every edit applies.
    pub edits: Vec<Edit>,
    pub errors: Vec<Problem>,
    /// The model's warnings about this object.
    pub warnings: Vec<Problem>,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.errors.is_empty() && !self.edits.is_empty()
    }
}

/// Applies the built edits in turn to a copy of `s` (never to `s`).
pub fn check(s: &Scenario, b: Built) -> Check {
    let mut c = Check {
        object: b.object,
        ..Check::default()
    };
    let mut last: Option<edit::Applied> = None;
    for e in &b.edits {
        match edit::apply(last.as_ref().map_or(s, |a| &a.scenario), e) {
            Ok(a) => last = Some(a),
            Err(errors) => {
                c.errors = errors.0;
                break;
            }
        }
    }
    // A field that did not parse was left out of the object: what the
    // model says about it is not about what the learner typed.
    c.errors.retain(|m| {
        !b.problems
            .iter()
            .any(|p| p.object == m.object && field_rest(&m.field, &p.field).is_some())
    });
    if c.errors.is_empty() && b.problems.is_empty() {
        if let Some(a) = last {
            c.warnings = a
                .warnings
                .into_iter()
                .filter(|w| w.object == c.object)
                .collect();
        }
        c.edits = b.edits;
    }
    c.errors.splice(0..0, b.problems);
    c
}

// ---------------------------------------------------------------- components

#[derive(Properties, Clone, PartialEq)]
pub struct EditorProps {
    pub scenario: ByAddr<Scenario>,
    pub ondispatch: Callback<Action>,
    #[prop_or_default]
    pub lang: Lang,
    /// The section to open (and scroll to) first, the only one open; by
    /// default Services is open.
    #[prop_or_default]
    pub open: Option<Kind>,
}

const EDIT_CLUSTER: Text = t("Edit the cluster", "클러스터 편집");
const NO_NODE_PENDING: Text = t("no node (Pending)", "노드 없음 (Pending)");
const ON: Text = t(" on ", " 노드: ");
const AND_MORE: Text = t(" and ", " 외 ");
const MORE: Text = t(" more", "개");
const OWNED_BY: Text = t(": owned by Deployment ", ": 디플로이먼트 ");
const OWNED_END: Text = t(
    " (change its replicas instead)",
    "의 파드 (대신 replicas를 바꾸세요)",
);
const REPLICAS_OF: Text = t(" replicas of ", "개 복제본, 레이블 ");
const VIA: Text = t(" via ", " 경유 ");
const REMOVE_VM: Text = t("Remove (VM goes away)", "삭제 (VM이 사라짐)");
const REMOVE: Text = t("Remove", "삭제");
pub const EDIT: Text = t("Edit", "편집");
const CLOSE: Text = t("Close", "닫기");
const NOTE: Text = t("Note: ", "참고: ");
const ADD_A: Text = t("Add a ", "");
pub const ADD_A_END: Text = t("", " 추가");
pub const ADD: Text = t("Add ", "");
const EDIT_HEAD: Text = t("Edit ", "");
const EDIT_HEAD_END: Text = t("", " 편집");
const CANCEL: Text = t("Cancel", "취소");
pub const APPLY_CHANGES: Text = t("Apply changes", "변경 적용");
const PORT_N: Text = t("Port ", "포트 ");
const REMOVE_PORT: Text = t("Remove port ", "포트 삭제 ");
const PORTS: Text = t("Ports", "포트");
const ADD_PORT: Text = t("Add a port", "포트 추가");
pub const NAME_L: Text = t("Name", "이름");
const NAMESPACE_L: Text = t("Namespace", "네임스페이스");
const LABELS_L: Text = t("Labels (k=v, k2=v2)", "레이블 (k=v, k2=v2)");
const LABELS_DEPLOY: Text = t(
    "Labels (k=v, k2=v2; the selector uses the same)",
    "레이블 (k=v, k2=v2; 셀렉터도 같은 값)",
);
const ALLOCATED_NOTE: Text = t(
    "Its addresses and pod network are allocated.",
    "주소와 파드 네트워크는 자동으로 할당됩니다.",
);
const ANY_NODE: Text = t(
    "any node (the scheduler picks)",
    "아무 노드 (스케줄러가 고름)",
);
const REPLICAS_L: Text = t("Replicas", "복제본 수");
const NODE_L: Text = t("Node", "노드");
const NODE_SELECTOR_L: Text = t("Node selector (k=v)", "노드 셀렉터 (k=v)");
const NUMBER_L: Text = t("Number", "번호");
const PROTOCOL_L: Text = t("Protocol", "프로토콜");
const PORT_L: Text = t("Port", "포트");
const TARGET_PORT_L: Text = t(
    "Target port (number or name; blank = port)",
    "대상 포트 (번호 또는 이름; 비우면 포트와 같음)",
);
const NODE_PORT_L: Text = t(
    "NodePort (blank = allocated)",
    "NodePort (비우면 자동 할당)",
);
const TYPE_L: Text = t("Type", "유형");
const SELECTOR_L: Text = t(
    "Selector (k=v; blank = no selector)",
    "셀렉터 (k=v; 비우면 셀렉터 없음)",
);
pub const ETP_L: Text = t("External traffic policy", "외부 트래픽 정책");
const ITP_L: Text = t("Internal traffic policy", "내부 트래픽 정책");
const AFFINITY_L: Text = t("Session affinity", "세션 어피니티");
const TIMEOUT_L: Text = t(
    "Affinity timeout in seconds (blank = 10800)",
    "어피니티 제한 시간(초, 비우면 10800)",
);
const CLUSTER_IP_L: Text = t(
    "Cluster IP (blank = allocated)",
    "클러스터 IP (비우면 자동 할당)",
);
const SOURCE_RANGES_L: Text = t(
    "Load balancer source ranges (CIDRs, comma separated)",
    "로드 밸런서 소스 범위 (CIDR, 쉼표로 구분)",
);
const EXTERNAL_IPS_L: Text = t("External IPs (comma separated)", "외부 IP (쉼표로 구분)");
const NEXT_HOP_IP_L: Text = t("Next hop IP address", "다음 홉 IP 주소");
const AN_IP: Text = t("an IP address (below)", "IP 주소 (아래)");
pub const DESTINATION_L: Text = t("Destination (CIDR)", "목적지 (CIDR)");
pub const NEXT_HOP_L: Text = t("Next hop", "다음 홉");

/// The editing panel: one section per kind of object.
#[function_component(EditorPanel)]
pub fn editor_panel(p: &EditorProps) -> Html {
    let lang = p.lang;
    let section = |kind: Kind| {
        let (open, focus) = match p.open {
            Some(k) => (k == kind, k == kind),
            None => (kind == Kind::Service, false),
        };
        html! { <Section scenario={p.scenario.clone()} ondispatch={p.ondispatch.clone()} {kind} {lang} {open} {focus} /> }
    };
    html! {
        <section class="editor" aria-labelledby="editor-title">
            <h2 id="editor-title">{ EDIT_CLUSTER.get(lang) }</h2>
            { section(Kind::Node) }
            { section(Kind::Pod) }
            { section(Kind::Deployment) }
            { section(Kind::Service) }
            { section(Kind::Route) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

fn error_id(id: &str) -> String {
    [id, "-error"].concat()
}

/// A labelled control and its problems (the control carries `id`, and
/// `aria-describedby` the error's id when there is one).
#[function_component(Field)]
pub fn field(p: &FieldProps) -> Html {
    html! {
        <div class="field">
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            { p.children.clone() }
            if let Some(e) = &p.error {
                <p class="error" id={error_id(&p.id)}>{ e.clone() }</p>
            }
        </div>
    }
}

/// One object in a section's list.
struct Item {
    key: Key,
    text: String,
    editable: bool,
    removable: bool,
}

fn items(kind: Kind, s: &Scenario, lang: Lang) -> Vec<Item> {
    let w = |x: Text| x.get(lang);
    let item = |key: Key, text: String, editable: bool| Item {
        key,
        text,
        editable,
        removable: true,
    };
    let ns = |n: &str| Some(n.to_string());
    match kind {
        Kind::Node => s
            .nodes
            .iter()
            .map(|n| {
                item(
                    Key::new("Node", None, &n.name),
                    format!("{} {} {}", n.name, n.internal_ip, labels_text(&n.labels)),
                    true,
                )
            })
            .collect(),
        Kind::Pod => {
            let mut out: Vec<Item> = s
                .pods
                .iter()
                .filter(|p| p.owner.is_none())
                .map(|p| {
                    let at = p.node_name.as_deref().unwrap_or(w(NO_NODE_PENDING));
                    let ip = p.ip.map(|i| i.to_string()).unwrap_or_default();
                    item(
                        Key::new("Pod", Some(&p.namespace), &p.name),
                        format!(
                            "{}/{} {ip}{}{at} {}",
                            p.namespace,
                            p.name,
                            w(ON),
                            labels_text(&p.labels)
                        ),
                        false,
                    )
                })
                .collect();
            for d in &s.deployments {
                let owned: Vec<&str> = s
                    .pods
                    .iter()
                    .filter(|p| p.namespace == d.namespace && p.owner.as_deref() == Some(&d.name))
                    .map(|p| p.name.as_str())
                    .collect();
                if owned.is_empty() {
                    continue;
                }
                let more = owned.len().saturating_sub(5);
                let mut text = owned[..owned.len() - more].join(", ");
                if more > 0 {
                    text.push_str(&format!("{}{more}{}", w(AND_MORE), w(MORE)));
                }
                out.push(Item {
                    key: Key {
                        kind: "Deployment",
                        namespace: ns(&d.namespace),
                        name: d.name.clone(),
                    },
                    text: format!(
                        "{text}{}{}/{}{}",
                        w(OWNED_BY),
                        d.namespace,
                        d.name,
                        w(OWNED_END)
                    ),
                    editable: false,
                    removable: false,
                });
            }
            out
        }
        Kind::Deployment => s
            .deployments
            .iter()
            .map(|d| {
                item(
                    Key::new("Deployment", Some(&d.namespace), &d.name),
                    format!(
                        "{}/{}: {}{}{}",
                        d.namespace,
                        d.name,
                        d.replicas,
                        w(REPLICAS_OF),
                        labels_text(&d.template.labels)
                    ),
                    true,
                )
            })
            .collect(),
        Kind::Service => s
            .services
            .iter()
            .map(|v| {
                let mut text = format!(
                    "{}/{} {} {}",
                    v.namespace,
                    v.name,
                    v.kind.as_str(),
                    v.cluster_ip
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "None".into())
                );
                for p in &v.ports {
                    text.push_str(&format!(" {}/{}", p.port, p.protocol.as_k8s()));
                    if let Some(n) = p.node_port.filter(|_| v.kind.has_node_ports()) {
                        text.push_str(&format!(" (NodePort {n})"));
                    }
                }
                item(Key::new("Service", Some(&v.namespace), &v.name), text, true)
            })
            .collect(),
        Kind::Route => s
            .routes
            .iter()
            .map(|r| {
                item(
                    Key::new("Route", None, &r.name),
                    format!("{}: {}{}{}", r.name, r.destination, w(VIA), r.next_hop),
                    false,
                )
            })
            .collect(),
    }
}

/// A section's heading (lessons name it in their tasks).
pub fn section_title(kind: Kind) -> Text {
    match kind {
        Kind::Node => t("Nodes", "노드"),
        Kind::Pod => t("Pods", "파드"),
        Kind::Deployment => t("Deployments", "디플로이먼트"),
        Kind::Service => t("Services", "서비스"),
        Kind::Route => t("Static routes", "정적 라우팅"),
    }
}

#[derive(Properties, Clone, PartialEq)]
struct SectionProps {
    scenario: ByAddr<Scenario>,
    ondispatch: Callback<Action>,
    kind: Kind,
    lang: Lang,
    /// Open at first.
    open: bool,
    /// Scrolled to the top of its scrolling panel when it appears.
    focus: bool,
}

/// Scrolls the nearest scrolling ancestor of `el` (never the page) so
/// that `el` is at its top.
fn scroll_into_panel(el: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;
    // The distance from the page's top, as laid out (scrolling aside).
    let page_top = |e: &web_sys::HtmlElement| {
        let mut top = 0;
        let mut at = Some(e.clone());
        while let Some(x) = at {
            top += x.offset_top();
            at = x.offset_parent().and_then(|p| p.dyn_into().ok());
        }
        top
    };
    let mut at = el.parent_element();
    while let Some(p) = at {
        if matches!(p.tag_name().as_str(), "BODY" | "HTML") {
            return;
        }
        if p.scroll_height() > p.client_height() {
            if let Some(h) = p.dyn_ref::<web_sys::HtmlElement>() {
                let want = (page_top(el) - page_top(h) - 8).max(0);
                let was = p.scroll_top();
                p.set_scroll_top(want);
                // Only a scrolling box moves; one that merely overflows
                // does not, and the search goes on.
                if p.scroll_top() != was || was == want {
                    return;
                }
            }
        }
        at = p.parent_element();
    }
}

/// One kind's list (edit and remove buttons), the open edit form, and the
/// form that adds one.
#[function_component(Section)]
fn section(p: &SectionProps) -> Html {
    let (kind, lang) = (p.kind, p.lang);
    let editing = use_state(|| None::<Key>);
    let details = use_node_ref();
    {
        let details = details.clone();
        use_effect_with(p.focus, move |focus| {
            if let Some(el) = focus
                .then(|| details.cast::<web_sys::HtmlElement>())
                .flatten()
            {
                scroll_into_panel(&el);
            }
        });
    }
    // Not memoized: a section renders again only when its props or its
    // open form change.
    let list = items(kind, &p.scenario, lang);
    let fresh = use_memo(p.scenario.clone(), |s| Rc::new(new_draft(kind, &s.0)));
    let current = use_memo((p.scenario.clone(), (*editing).clone()), |(s, key)| {
        let key = key.as_ref()?;
        let o = s.0.to_objects().into_iter().find(|o| Key::of(o) == *key)?;
        object_draft(&o).map(Rc::new)
    });
    let form = |replace: Option<Key>, initial: Rc<Draft>| {
        let close = editing.setter();
        let key = replace.as_ref().map(Key::label).unwrap_or_default();
        html! {
            <DraftForm
                {key}
                scenario={p.scenario.clone()}
                ondispatch={p.ondispatch.clone()}
                {kind}
                {replace}
                {initial}
                {lang}
                ondone={Callback::from(move |_| close.set(None))}
            />
        }
    };
    let rows = list.iter().map(|it| {
        let label = it.key.label();
        let remove = it.removable.then(|| {
            let d = p.ondispatch.clone();
            let edit = if kind == Kind::Node {
                Edit::RemoveNode(it.key.name.clone())
            } else {
                Edit::Delete(it.key.clone())
            };
            let text = if kind == Kind::Node { REMOVE_VM } else { REMOVE }.get(lang);
            html! {
                <button type="button" aria-label={[text, " ", &label].concat()}
                    onclick={Callback::from(move |_| d.emit(Action::Edit(edit.clone())))}>{ text }</button>
            }
        });
        let open = editing.as_ref() == Some(&it.key);
        let toggle = it.editable.then(|| {
            let set = editing.setter();
            let key = (!open).then(|| it.key.clone());
            html! {
                <button type="button" aria-expanded={if open { "true" } else { "false" }}
                    aria-label={[if open { CLOSE } else { EDIT }.get(lang), " ", &label].concat()}
                    onclick={Callback::from(move |_| set.set(key.clone()))}>
                    { if open { CLOSE } else { EDIT }.get(lang) }
                </button>
            }
        });
        let form = match (&*current, open) {
            (Some(d), true) => form(Some(it.key.clone()), d.clone()),
            _ => Html::default(),
        };
        html! {
            <li class="item">
                <span class="text">{ it.text.clone() }</span>
                { toggle }{ remove }
                { form }
            </li>
        }
    });
    html! {
        <details class="editor-section" ref={details} open={p.open} data-kind={kind.name()}>
            <summary>{ section_title(kind).get(lang) }{ " (" }{ list.iter().filter(|i| i.removable).count() }{ ")" }</summary>
            <ul class="items">{ for rows }</ul>
            { form(None, (*fresh).clone()) }
        </details>
    }
}

#[derive(Properties, Clone, PartialEq)]
struct FormProps {
    scenario: ByAddr<Scenario>,
    ondispatch: Callback<Action>,
    kind: Kind,
    replace: Option<Key>,
    initial: ByAddr<Draft>,
    lang: Lang,
    #[prop_or_default]
    ondone: Callback<()>,
}

/// A form over a draft: validates on every input, submits only valid edits.
#[function_component(DraftForm)]
fn draft_form(p: &FormProps) -> Html {
    let init = p.initial.clone();
    let draft = use_reducer(move || (*init).clone());
    let base = use_memo((p.scenario.clone(), p.replace.clone()), |(s, key)| {
        let key = key.as_ref()?;
        s.0.to_objects().into_iter().find(|o| Key::of(o) == *key)
    });
    let pristine = *draft == *p.initial;
    let result = {
        let (kind, replace, base) = (p.kind, p.replace.clone(), base.clone());
        use_memo(
            ((*draft).clone(), p.scenario.clone(), pristine, p.lang),
            move |(d, s, pristine, lang)| {
                if *pristine {
                    return Check::default();
                }
                check(
                    &s.0,
                    build_in(kind, d, replace.as_ref(), base.as_ref().as_ref(), *lang),
                )
            },
        )
    };
    let onsubmit = {
        let (result, ondispatch, ondone) = (result.clone(), p.ondispatch.clone(), p.ondone.clone());
        let (tx, initial) = (draft.dispatcher(), p.initial.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if result.ok() {
                for edit in &result.edits {
                    ondispatch.emit(Action::Edit(edit.clone()));
                }
                tx.dispatch(Msg::Reset(initial.0.clone()));
                ondone.emit(());
            }
        })
    };
    let editing = p.replace.is_some();
    let id = ["ed-", p.kind.name(), if editing { "-edit" } else { "-new" }].concat();
    let c = Ctx {
        id: &id,
        d: &draft,
        tx: draft.dispatcher(),
        object: &result.object,
        problems: &result.errors,
        shown: RefCell::new(vec![false; result.errors.len()]),
        scenario: &p.scenario,
        lang: p.lang,
    };
    let w = |x: Text| x.get(p.lang);
    let fields = match p.kind {
        Kind::Node => c.node_fields(editing),
        Kind::Pod => c.template_fields(&POD),
        Kind::Deployment => c.template_fields(&DEPLOYMENT),
        Kind::Service => c.service_fields(),
        Kind::Route => c.route_fields(),
    };
    let shown = c.shown.into_inner();
    let top: Vec<String> = result
        .errors
        .iter()
        .zip(shown)
        .filter(|(_, seen)| !seen)
        .map(|(p, _)| p.to_string())
        .chain(
            result
                .warnings
                .iter()
                .map(|n| [w(NOTE), &n.to_string()].concat()),
        )
        .collect();
    let heading = match &p.replace {
        Some(k) => [w(EDIT_HEAD), &k.label(), w(EDIT_HEAD_END)].concat(),
        None => [w(ADD_A), w(p.kind.word()), w(ADD_A_END)].concat(),
    };
    let cancel = editing.then(|| {
        let done = p.ondone.clone();
        html! { <button type="button" onclick={Callback::from(move |_| done.emit(()))}>{ w(CANCEL) }</button> }
    });
    html! {
        <form class="editor-form" aria-label={heading.clone()} {onsubmit} novalidate=true>
            <h3>{ heading }</h3>
            <ProblemList class="problems" live="polite" items={top} lang={p.lang} />
            { fields }
            <div class="actions">
                <button type="submit" disabled={!result.ok()}>
                    { if editing { w(APPLY_CHANGES).to_string() } else { [w(ADD), w(p.kind.word()), w(ADD_A_END)].concat() } }
                </button>
                { cancel }
            </div>
        </form>
    }
}

/// What the field helpers need: the draft, where to send changes, and the
/// problems still to show.
struct Ctx<'a> {
    id: &'a str,
    d: &'a Draft,
    tx: UseReducerDispatcher<Draft>,
    object: &'a str,
    problems: &'a [Problem],
    shown: RefCell<Vec<bool>>,
    scenario: &'a Scenario,
    lang: Lang,
}

type Options<'a> = &'a [(&'a str, &'a str)];

const PROTOCOLS: Options = &[("TCP", "TCP"), ("UDP", "UDP"), ("SCTP", "SCTP")];
const POLICIES: Options = &[("Cluster", "Cluster"), ("Local", "Local")];

/// The value of the input (or select: `value` is read by name) of an event.
fn value_of(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

impl Ctx<'_> {
    fn claim(&self, key: &str) -> Option<AttrValue> {
        claim(
            self.problems,
            &mut self.shown.borrow_mut(),
            self.object,
            key,
        )
        .map(AttrValue::from)
    }

    /// A labelled text input (or a select when `options`), showing the
    /// problems at field path `err`.
    fn control(
        &self,
        label: Text,
        id: String,
        err: &str,
        value: &str,
        options: Option<Options>,
        on: Callback<String>,
    ) -> Html {
        let error = self.claim(err);
        let invalid = error.is_some().then_some("true");
        let described = error.is_some().then(|| error_id(&id));
        let control = match options {
            None => html! {
                <input type="text" id={id.clone()} value={value.to_string()}
                    aria-invalid={invalid} aria-describedby={described}
                    oninput={Callback::from(move |e: InputEvent| on.emit(value_of(&e)))} />
            },
            Some(options) => html! {
                <select id={id.clone()} aria-invalid={invalid} aria-describedby={described}
                    onchange={Callback::from(move |e: Event| on.emit(value_of(&e)))}>
                    { for options.iter().map(|&(v, t)| html! {
                        <option value={v.to_string()} selected={v == value}>{ t.to_string() }</option>
                    }) }
                </select>
            },
        };
        html! { <Field {id} label={label.get(self.lang)} {error}>{ control }</Field> }
    }

    fn input(&self, label: Text, key: &'static str, err: &str, options: Option<Options>) -> Html {
        let tx = self.tx.clone();
        self.control(
            label,
            [self.id, "-", key].concat(),
            err,
            self.d.get(key),
            options,
            Callback::from(move |v| tx.dispatch(Msg::Set(key, v))),
        )
    }

    fn text(&self, label: Text, key: &'static str) -> Html {
        self.input(label, key, key, None)
    }

    fn select(&self, label: Text, key: &'static str, options: Options) -> Html {
        self.input(label, key, key, Some(options))
    }

    /// Node names, after `first` (the empty choice).
    fn node_options(&self, first: Text) -> Vec<(&str, &str)> {
        std::iter::once(("", first.get(self.lang)))
            .chain(
                self.scenario
                    .nodes
                    .iter()
                    .map(|n| (n.name.as_str(), n.name.as_str())),
            )
            .collect()
    }

    /// The ports table: one fieldset per row, `cols` as (column, label,
    /// options), problems under `{path}[i].{column}`.
    fn rows(&self, path: &str, cols: &[(&'static str, Text, Option<Options>)]) -> Html {
        let w = |x: Text| x.get(self.lang);
        // The cells claim their problems before the table takes the rest.
        let rows: Vec<Html> = self.d.rows.iter().enumerate().map(|(i, r)| {
            let n = (i + 1).to_string();
            let cells = cols.iter().map(|&(col, label, options)| {
                let tx = self.tx.clone();
                let field = format!("{path}[{i}].{col}");
                self.control(
                    label,
                    [self.id, "-", &field].concat(),
                    &field,
                    cell(r, col),
                    options,
                    Callback::from(move |v| tx.dispatch(Msg::SetCell(i, col, v))),
                )
            });
            let tx = self.tx.clone();
            html! {
                <fieldset class="row">
                    <legend>{ w(PORT_N) }{ &n }</legend>
                    { for cells }
                    <button type="button" onclick={Callback::from(move |_| tx.dispatch(Msg::DelRow(i)))}>
                        { w(REMOVE_PORT) }{ n }
                    </button>
                </fieldset>
            }
        }).collect();
        let tx = self.tx.clone();
        let error = self.claim(path);
        html! {
            <fieldset class="rows">
                <legend>{ w(PORTS) }</legend>
                if let Some(e) = error { <p class="error">{ e }</p> }
                { rows }
                <button type="button" onclick={Callback::from(move |_| tx.dispatch(Msg::AddRow))}>{ w(ADD_PORT) }</button>
            </fieldset>
        }
    }

    fn node_fields(&self, editing: bool) -> Html {
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(LABELS_L, "metadata.labels") }
                if !editing {
                    <p class="note">{ ALLOCATED_NOTE.get(self.lang) }</p>
                }
            </>
        }
    }

    /// A Pod's fields, or a Deployment's (its template's).
    fn template_fields(&self, p: &'static Paths) -> Html {
        let deployment = p.ports == DEPLOYMENT.ports;
        let nodes = self.node_options(ANY_NODE);
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(NAMESPACE_L, NAMESPACE) }
                if deployment { { self.text(REPLICAS_L, REPLICAS) } }
                { self.text(if deployment { LABELS_DEPLOY } else { LABELS_L }, p.labels) }
                { self.select(NODE_L, p.node_name, &nodes) }
                { self.text(NODE_SELECTOR_L, p.node_selector) }
                { self.rows(p.ports, &[
                    ("name", NAME_L, None),
                    ("containerPort", NUMBER_L, None),
                    ("protocol", PROTOCOL_L, Some(PROTOCOLS)),
                ]) }
            </>
        }
    }

    fn service_fields(&self) -> Html {
        let d = self.d;
        let kind = d.get(TYPE);
        let lb = kind == "LoadBalancer";
        let node_ports = lb || kind == "NodePort";
        let mut cols = vec![
            ("name", NAME_L, None),
            ("protocol", PROTOCOL_L, Some(PROTOCOLS)),
            ("port", PORT_L, None),
            ("targetPort", TARGET_PORT_L, None),
        ];
        if node_ports {
            cols.push(("nodePort", NODE_PORT_L, None));
        }
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(NAMESPACE_L, NAMESPACE) }
                { self.select(TYPE_L, TYPE, &[
                    ("ClusterIP", "ClusterIP"),
                    ("NodePort", "NodePort"),
                    ("LoadBalancer", "LoadBalancer"),
                ]) }
                { self.text(SELECTOR_L, SELECTOR) }
                { self.rows("spec.ports", &cols) }
                if node_ports || !d.get(EXTERNAL_IPS).trim().is_empty() {
                    { self.select(ETP_L, ETP, POLICIES) }
                }
                { self.select(ITP_L, ITP, POLICIES) }
                { self.select(AFFINITY_L, AFFINITY, &[("None", "None"), ("ClientIP", "ClientIP")]) }
                if d.get(AFFINITY) == "ClientIP" {
                    { self.text(TIMEOUT_L, TIMEOUT) }
                }
                { self.text(CLUSTER_IP_L, CLUSTER_IP) }
                if lb {
                    { self.text(SOURCE_RANGES_L, SOURCE_RANGES) }
                }
                { self.text(EXTERNAL_IPS_L, EXTERNAL_IPS) }
            </>
        }
    }

    fn route_fields(&self) -> Html {
        let by_ip = self.d.get(NEXT_HOP).is_empty();
        // The IP input, when shown, takes the next hop's problems.
        let ip = by_ip.then(|| self.input(NEXT_HOP_IP_L, NEXT_HOP_IP, NEXT_HOP, None));
        let nodes = self.node_options(AN_IP);
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(DESTINATION_L, DESTINATION) }
                { self.select(NEXT_HOP_L, NEXT_HOP, &nodes) }
                { ip }
            </>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, ServiceType};

    fn service_of(s: &Scenario, name: &str) -> k8s::Service {
        s.to_objects()
            .into_iter()
            .find_map(|o| match o {
                Object::Service(v) if v.metadata.name.as_deref() == Some(name) => Some(v),
                _ => None,
            })
            .expect("the Service is there")
    }

    fn applied(s: &Scenario, c: &Check) -> Scenario {
        assert!(c.ok(), "{:?}", c.errors);
        let mut s = s.clone();
        for e in &c.edits {
            s = edit::apply(&s, e).unwrap().scenario;
        }
        s
    }

    #[test]
    fn labels_parse_and_name_what_is_wrong() {
        let l = parse_labels(" app=web , tier = front,,\nzone=").unwrap();
        assert_eq!(labels_text(&l), "app=web, tier=front, zone=");
        assert!(parse_labels("").unwrap().is_empty());
        let en = |e: FieldError| e.text(Lang::En);
        assert_eq!(
            en(parse_labels("app").unwrap_err()),
            "\"app\" is not key=value"
        );
        assert_eq!(
            en(parse_labels("=web").unwrap_err()),
            "\"=web\" has no key before ="
        );
        assert_eq!(
            en(parse_labels("a=1, a=2").unwrap_err()),
            "key \"a\" is given twice"
        );
        assert_eq!(parse_int(" 42 "), Ok(Some(42)));
        assert_eq!(parse_int(""), Ok(None));
        assert_eq!(
            en(parse_int("8o").unwrap_err()),
            "\"8o\" is not a whole number"
        );
        assert_eq!(
            parse_int("8o").unwrap_err().text(Lang::Ko),
            "\"8o\": 정수가 아닙니다"
        );
    }

    #[test]
    fn field_errors_read_in_both_languages() {
        let s = |x: &str| x.to_string();
        for e in [
            FieldError::NotKeyValue(s("app")),
            FieldError::NoKey(s("=web")),
            FieldError::Twice(s("a")),
            FieldError::NotNumber(s("8o")),
            FieldError::Required,
            FieldError::Gone,
        ] {
            let (en, ko) = (e.text(Lang::En), e.text(Lang::Ko));
            assert_ne!(en, ko);
            assert!(
                ko.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
                "{ko}"
            );
        }
        // The form's own problems follow the reader's language.
        let d = Draft::default()
            .with(NAME, "x")
            .with("metadata.labels", "app");
        let b = build_in(Kind::Node, &d, None, None, Lang::Ko);
        assert!(
            b.problems
                .iter()
                .any(|p| p.message.contains("key=value 형식이 아닙니다")),
            "{:?}",
            b.problems
        );
        assert_eq!(
            parse_list("1.2.3.4, 5.6.7.8 9.9.9.9,"),
            ["1.2.3.4", "5.6.7.8", "9.9.9.9"]
        );
    }

    #[test]
    fn problem_paths_find_their_field() {
        assert_eq!(
            field_rest("spec.ports[0].nodePort", "spec.ports[0].nodePort"),
            Some("")
        );
        assert_eq!(
            field_rest("spec.ports[1].nodePort", "spec.ports[0].nodePort"),
            None
        );
        assert_eq!(
            field_rest("spec.ports[10].port", "spec.ports[1].port"),
            None
        );
        assert_eq!(
            field_rest("metadata.labels.app", "metadata.labels"),
            Some(".app")
        );
        assert_eq!(
            field_rest("spec.externalIPs[1]", "spec.externalIPs"),
            Some("[1]")
        );
        assert_eq!(
            field_rest("spec.sessionAffinityConfig", "spec.sessionAffinity"),
            None
        );
        assert_eq!(
            field_rest("spec.selector.matchLabels.app", DEPLOYMENT.labels),
            Some(".app")
        );
        assert_eq!(
            field_rest("spec.selector.matchLabels", "metadata.labels"),
            None
        );
        let ps = vec![
            Problem::new("Service default/x", "metadata.labels.a", "bad"),
            Problem::new("Service default/y", "metadata.labels", "other object"),
            Problem::new("Service default/x", "spec.type", "bad type"),
        ];
        let mut shown = vec![false; 3];
        assert_eq!(
            claim(&ps, &mut shown, "Service default/x", "metadata.labels").as_deref(),
            Some("a: bad")
        );
        assert_eq!(
            claim(&ps, &mut shown, "Service default/x", "metadata.labels"),
            None
        );
        assert_eq!(shown, [true, false, false]);
    }

    #[test]
    fn a_service_draft_round_trips_and_switches_type() {
        let s = default_scenario();
        let key = Key::new("Service", Some("default"), "web");
        let base = Object::Service(service_of(&s, "web"));
        let d = object_draft(&base).unwrap();
        // Unchanged: applies and changes nothing.
        let same = check(&s, build(Kind::Service, &d, Some(&key), Some(&base)));
        assert_eq!(applied(&s, &same), s);
        let before = s.service("default", "web").unwrap().clone();
        // ClusterIP -> NodePort -> LoadBalancer -> ClusterIP.
        let mut cur = s.clone();
        for kind in ["NodePort", "LoadBalancer", "ClusterIP"] {
            let base = Object::Service(service_of(&cur, "web"));
            let d = object_draft(&base).unwrap().with(TYPE, kind);
            let c = check(&cur, build(Kind::Service, &d, Some(&key), Some(&base)));
            cur = applied(&cur, &c);
            let svc = cur.service("default", "web").unwrap();
            assert_eq!(svc.kind.as_str(), kind);
            assert_eq!(svc.cluster_ip, before.cluster_ip, "the ClusterIP stays");
            assert_eq!(svc.ports[0].node_port.is_some(), svc.kind.has_node_ports());
            assert_eq!(
                svc.load_balancer_ingress.is_empty(),
                svc.kind != ServiceType::LoadBalancer
            );
        }
        assert_eq!(s, default_scenario(), "the scenario was never touched");
    }

    #[test]
    fn a_nodeport_out_of_range_is_reported_on_its_row() {
        let s = default_scenario();
        let mut d = new_draft(Kind::Service, &s)
            .with(NAME, "api")
            .with(TYPE, "NodePort")
            .with(SELECTOR, "app=web");
        d.rows[0].insert("name", "http".into());
        d.rows.push(
            [
                ("name", "alt"),
                ("protocol", "TCP"),
                ("port", "81"),
                ("nodePort", "80"),
            ]
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect(),
        );
        let c = check(&s, build(Kind::Service, &d, None, None));
        assert!(!c.ok());
        assert_eq!(c.object, "Service default/api");
        let mut shown = vec![false; c.errors.len()];
        assert_eq!(
            claim(&c.errors, &mut shown, &c.object, "spec.ports[0].nodePort"),
            None
        );
        let msg = claim(&c.errors, &mut shown, &c.object, "spec.ports[1].nodePort").unwrap();
        assert!(msg.contains("outside the NodePort range"), "{msg}");
        // A number is fine.
        d.rows[1].insert("nodePort", "30081".into());
        let c = check(&s, build(Kind::Service, &d, None, None));
        let after = applied(&s, &c);
        assert_eq!(
            after.service("default", "api").unwrap().ports[1].node_port,
            Some(30081)
        );
    }

    #[test]
    fn parse_errors_name_the_field_and_stop_the_edit() {
        let s = default_scenario();
        let mut d = new_draft(Kind::Service, &s)
            .with(NAME, "api")
            .with(TYPE, "NodePort")
            .with(SELECTOR, "app");
        d.rows[0].insert("nodePort", "3o000".into());
        let c = check(&s, build(Kind::Service, &d, None, None));
        assert!(c.edits.is_empty());
        let mut fields: Vec<_> = c.errors.iter().map(|p| p.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["spec.ports[0].nodePort", SELECTOR]);
        assert!(c.errors.iter().all(|p| p.object == "Service default/api"));
        // The model still checks what did parse; a field that did not is
        // reported once, by the form.
        d.rows[0].insert("nodePort", "80".into());
        d.rows.push(Row::from([("port", "x".to_string())]));
        let c = check(&s, build(Kind::Service, &d, None, None));
        let mut fields: Vec<_> = c.errors.iter().map(|p| p.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "spec.ports[0].name",
                "spec.ports[0].nodePort",
                "spec.ports[1].port",
                SELECTOR
            ],
            "{:?}",
            c.errors
        );
    }

    #[test]
    fn nodes_are_added_renamed_and_relabelled() {
        let s = default_scenario();
        let d = new_draft(Kind::Node, &s)
            .with(NAME, "node-4")
            .with("metadata.labels", "zone=b");
        let s2 = applied(&s, &check(&s, build(Kind::Node, &d, None, None)));
        assert_eq!(s2.nodes.len(), 4);
        let key = Key::new("Node", None, "node-1");
        let base = s
            .to_objects()
            .into_iter()
            .find(|o| Key::of(o) == key)
            .unwrap();
        let d = object_draft(&base)
            .unwrap()
            .with(NAME, "worker-1")
            .with("metadata.labels", "zone=a");
        let c = check(&s, build(Kind::Node, &d, Some(&key), Some(&base)));
        assert_eq!(c.edits.len(), 2);
        let s3 = applied(&s, &c);
        assert!(s3.node("node-1").is_none());
        assert_eq!(
            s3.node("worker-1").unwrap().labels.get("zone").unwrap(),
            "a"
        );
        // A name taken by another node is reported on the name.
        let d = object_draft(&base).unwrap().with(NAME, "node-2");
        let c = check(&s, build(Kind::Node, &d, Some(&key), Some(&base)));
        let mut shown = vec![false; c.errors.len()];
        assert!(
            claim(&c.errors, &mut shown, &c.object, NAME).is_some(),
            "{:?}",
            c.errors
        );
    }

    #[test]
    fn pods_deployments_and_routes_build_valid_objects() {
        let s = default_scenario();
        let mut d = new_draft(Kind::Pod, &s)
            .with(NAME, "extra")
            .with(POD.labels, "app=web")
            .with(POD.node_name, "node-3");
        d.rows.push(new_row());
        d.rows[0].extend([
            ("name", "http".to_string()),
            ("containerPort", "8080".into()),
        ]);
        let s2 = applied(&s, &check(&s, build(Kind::Pod, &d, None, None)));
        let p = s2.pod("default", "extra").unwrap();
        assert_eq!(p.node_name.as_deref(), Some("node-3"));
        assert_eq!(p.ports[0].port, 8080);

        let mut d = new_draft(Kind::Deployment, &s)
            .with(NAME, "api")
            .with(DEPLOYMENT.labels, "app=api")
            .with(DEPLOYMENT.node_selector, "zone=nowhere");
        d.rows.push(new_row());
        d.rows[0].insert("containerPort", "99999".into());
        let c = check(&s, build(Kind::Deployment, &d, None, None));
        let mut shown = vec![false; c.errors.len()];
        let field = "spec.template.spec.containers[0].ports[0].containerPort";
        assert!(
            claim(&c.errors, &mut shown, &c.object, field).is_some(),
            "{:?}",
            c.errors
        );
        d.rows[0].insert("containerPort", "9090".into());
        let s3 = applied(&s, &check(&s, build(Kind::Deployment, &d, None, None)));
        let dep = s3.deployments.iter().find(|d| d.name == "api").unwrap();
        assert_eq!(dep.replicas, 2);
        // And back: the Deployment's draft gives the same object.
        let key = Key::new("Deployment", Some("default"), "api");
        let base = s3
            .to_objects()
            .into_iter()
            .find(|o| Key::of(o) == key)
            .unwrap();
        let again = object_draft(&base).unwrap().with(REPLICAS, "3");
        let s4 = applied(
            &s3,
            &check(
                &s3,
                build(Kind::Deployment, &again, Some(&key), Some(&base)),
            ),
        );
        let dep = s4.deployments.iter().find(|d| d.name == "api").unwrap();
        assert_eq!((dep.replicas, dep.template.ports[0].port), (3, 9090));

        let d = new_draft(Kind::Route, &s)
            .with(NAME, "r1")
            .with(DESTINATION, "10.8.0.0/16");
        let s5 = applied(&s, &check(&s, build(Kind::Route, &d, None, None)));
        assert_eq!(s5.routes[0].next_hop.to_string(), s.nodes[0].name);
        let d = d
            .with(NEXT_HOP, "")
            .with(NEXT_HOP_IP, "not-an-ip!")
            .with(DESTINATION, "10.8.0.0/33");
        let c = check(&s, build(Kind::Route, &d, None, None));
        let fields: Vec<_> = c.errors.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, [DESTINATION], "the model stops at the destination");
    }
}
