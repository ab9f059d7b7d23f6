//! Text (multi-document YAML, or JSON) -> [`Object`]s.
//!
//! Each document is first read into a generic value, so that a `kind: List`
//! (what `kubectl get a,b -o yaml` prints) can be unpacked and each object is
//! then typed on its own: a type error names the object and the field path.

use super::error::{Problem, Sink};
use super::k8s::Object;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// An object with the document it came from (1-based), for messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub document: usize,
    pub object: Object,
}

/// Kinds that `kubectl get` prints but the playground has no use for: they
/// are skipped with a warning rather than refused, so real output loads.
const IGNORED_KINDS: &[&str] = &[
    "Endpoints",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Namespace",
    "Event",
    "Ingress",
    "NetworkPolicy",
    "Job",
    "CronJob",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "HorizontalPodAutoscaler",
];

/// Reads every document of `text` (YAML or JSON). Syntax errors are fatal;
/// object-level problems are collected in `sink` and the object is skipped.
pub(crate) fn parse_documents(text: &str, sink: &mut Sink) -> Result<Vec<Located>, Problem> {
    let docs = read_values(text)?;
    let mut out = Vec::new();
    for (i, doc) in docs.into_iter().enumerate() {
        let document = i + 1;
        if doc.is_null() {
            continue;
        }
        unpack(doc, document, &mut out, sink);
    }
    Ok(out)
}

fn read_values(text: &str) -> Result<Vec<Value>, Problem> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // JSON: serde_json's messages carry line and column.
        return match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => Ok(items),
            Ok(v) => Ok(vec![v]),
            Err(e) => Err(Problem::new(
                format!("line {}", e.line()),
                "",
                format!("invalid JSON: {e}"),
            )),
        };
    }
    serde_saphyr::from_multiple::<Value>(text).map_err(|e| yaml_problem(&e))
}

fn yaml_problem(e: &serde_saphyr::Error) -> Problem {
    let inner = e.without_snippet();
    let object = match inner.location() {
        Some(loc) => format!("line {}", loc.line()),
        None => "YAML".to_string(),
    };
    // The plain message, without the source snippet (the UI shows the text).
    let message = inner.to_string();
    let message = message.lines().next().unwrap_or("").trim().to_string();
    Problem::new(object, "", format!("invalid YAML: {message}"))
}

fn unpack(doc: Value, document: usize, out: &mut Vec<Located>, sink: &mut Sink) {
    let place = format!("document {document}");
    let Value::Object(map) = &doc else {
        sink.error(&place, "", "expected a Kubernetes object (a mapping with apiVersion and kind)");
        return;
    };
    let kind = match map.get("kind") {
        Some(Value::String(k)) => k.clone(),
        Some(_) => {
            sink.error(&place, "kind", "must be a string");
            return;
        }
        None => {
            sink.error(&place, "kind", "is missing");
            return;
        }
    };
    if kind == "List" || kind.ends_with("List") {
        match map.get("items") {
            Some(Value::Array(items)) => {
                for item in items.clone() {
                    unpack(item, document, out, sink);
                }
            }
            None | Some(Value::Null) => {}
            Some(_) => sink.error(&format!("{kind} in {place}"), "items", "must be a list"),
        }
        return;
    }
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let label = object_label(&kind, map, document);
    let object = match (api_version, kind.as_str()) {
        ("netlab/v1", "Cluster") => typed(doc, &label, sink).map(Object::Cluster),
        ("netlab/v1", "Route") => typed(doc, &label, sink).map(Object::Route),
        (_, "KubeProxyConfiguration") => {
            typed(doc, &label, sink).map(Object::KubeProxyConfiguration)
        }
        (_, "Node") => typed(doc, &label, sink).map(Object::Node),
        (_, "Pod") => typed(doc, &label, sink).map(Object::Pod),
        (_, "Deployment") => typed(doc, &label, sink).map(Object::Deployment),
        (_, "Service") => typed(doc, &label, sink).map(Object::Service),
        (_, "EndpointSlice") => {
            if api_version != "discovery.k8s.io/v1" {
                sink.error(
                    &label,
                    "apiVersion",
                    format!("EndpointSlice must be discovery.k8s.io/v1, not {api_version:?}"),
                );
                return;
            }
            typed(doc, &label, sink).map(Object::EndpointSlice)
        }
        (_, "Cluster" | "Route") => {
            sink.error(&label, "apiVersion", format!("{kind} is a netlab/v1 kind, not {api_version:?}"));
            return;
        }
        (_, k) if IGNORED_KINDS.contains(&k) => {
            sink.warn(&label, "", "ignored: the playground does not model this kind");
            return;
        }
        (_, k) => {
            sink.warn(
                &label,
                "kind",
                format!("unknown kind {k:?} ignored (known: Node, Pod, Deployment, Service, EndpointSlice, KubeProxyConfiguration, netlab/v1 Cluster and Route)"),
            );
            return;
        }
    };
    if let Some(object) = object {
        out.push(Located { document, object });
    }
}

/// `Kind namespace/name`, `Kind name`, or `Kind in document N`.
fn object_label(kind: &str, map: &serde_json::Map<String, Value>, document: usize) -> String {
    let meta = map.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str);
    let namespace = meta.and_then(|m| m.get("namespace")).and_then(Value::as_str);
    match (name, namespaced(kind)) {
        (Some(n), true) => format!("{kind} {}/{n}", namespace.unwrap_or("default")),
        (Some(n), false) => format!("{kind} {n}"),
        (None, _) => format!("{kind} in document {document}"),
    }
}

pub(crate) fn namespaced(kind: &str) -> bool {
    matches!(kind, "Pod" | "Deployment" | "Service" | "EndpointSlice")
}

fn typed<T: DeserializeOwned>(doc: Value, label: &str, sink: &mut Sink) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(doc) {
        Ok(v) => Some(v),
        Err(e) => {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            sink.error(label, path, e.into_inner().to_string());
            None
        }
    }
}

/// The documents of a scenario as YAML, `---` between them.
pub fn to_yaml(objects: &[Object]) -> String {
    let mut out = String::new();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        // Serializing plain structs of strings, numbers and maps cannot fail.
        let text = serde_saphyr::to_string(o).expect("scenario objects serialize");
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
