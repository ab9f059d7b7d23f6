//! From a draft to edits: the user's text parsed field by field (each
//! error named by its path), the objects built, and the edit checked with
//! `model::edit` (pure, tested natively).

use super::*;

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

pub(super) fn opt(text: &str) -> Option<String> {
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

pub(super) struct B<'a> {
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
pub(super) fn draft_key(kind: Kind, d: &Draft) -> Key {
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
            let mut meta = b.meta("metadata.labels");
            if let Some(mode) = opt(d.get(PROXY_MODE)) {
                meta.labels.insert(KUBE_PROXY_MODE_LABEL.into(), mode);
            }
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
        crate::sort::sort(&mut fields);
        assert_eq!(fields, ["spec.ports[0].nodePort", SELECTOR]);
        assert!(c.errors.iter().all(|p| p.object == "Service default/api"));
        // The model still checks what did parse; a field that did not is
        // reported once, by the form.
        d.rows[0].insert("nodePort", "80".into());
        d.rows.push(Row::from([("port", "x".to_string())]));
        let c = check(&s, build(Kind::Service, &d, None, None));
        let mut fields: Vec<_> = c.errors.iter().map(|p| p.field.as_str()).collect();
        crate::sort::sort(&mut fields);
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
    fn a_nodes_kube_proxy_mode_is_a_field_of_its_own_written_as_its_label() {
        use crate::model::ProxyMode;
        let s = default_scenario();
        let node = |s: &Scenario, name: &str| {
            let key = Key::new("Node", None, name);
            let o = s.to_objects().into_iter().find(|o| Key::of(o) == key);
            (key, o.unwrap())
        };
        let (key, base) = node(&s, "node-2");
        let d = object_draft(&base).unwrap();
        assert_eq!(d.get(PROXY_MODE), "");
        let c = check(
            &s,
            build(
                Kind::Node,
                &d.clone().with(PROXY_MODE, "nftables"),
                Some(&key),
                Some(&base),
            ),
        );
        let s2 = applied(&s, &c);
        let mode = |s: &Scenario, n: &str| s.proxy_mode(s.node(n).unwrap());
        assert_eq!(mode(&s2, "node-2"), ProxyMode::Nftables);
        assert_eq!(mode(&s2, "node-1"), ProxyMode::Iptables);
        // Edited again: the mode in its field, not among the labels.
        let (_, base2) = node(&s2, "node-2");
        let d2 = object_draft(&base2).unwrap();
        assert_eq!(d2.get(PROXY_MODE), "nftables");
        assert!(!d2.get("metadata.labels").contains("kube-proxy-mode"));
        // Blank: the label goes, the node follows the cluster.
        let c = check(
            &s2,
            build(
                Kind::Node,
                &d2.with(PROXY_MODE, ""),
                Some(&key),
                Some(&base2),
            ),
        );
        assert_eq!(applied(&s2, &c), s);
        // A mode that is not modelled is reported on the field.
        let c = check(
            &s,
            build(
                Kind::Node,
                &d.with(PROXY_MODE, "ipvs"),
                Some(&key),
                Some(&base),
            ),
        );
        let mut shown = vec![false; c.errors.len()];
        assert!(
            claim(&c.errors, &mut shown, &c.object, PROXY_MODE).is_some(),
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
