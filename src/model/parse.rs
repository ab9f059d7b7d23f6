//! Text (multi-document YAML, or JSON) -> [`Object`]s.
//!
//! Each document is first read into a generic value, so that a `kind: List`
//! (what `kubectl get a,b -o yaml` prints) can be unpacked and each object is
//! then typed on its own: a type error names the object and the field path.

use super::error::{Problem, Sink};
use super::k8s::Object;
use super::value_de;
use saphyr::{LoadableYamlNode, Scalar, Yaml};
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

pub(super) fn read_values(text: &str) -> Result<Vec<Value>, Problem> {
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
    let docs = Yaml::load_from_str(text).map_err(|e| {
        let m = e.marker();
        // What is found missing at the end (an unclosed bracket or quote)
        // is reported past the last line; name the line the text ends on.
        let last = text.lines().count();
        let (line, place) = if m.line() > last && last > 0 {
            (last, "at the end of the input".to_string())
        } else {
            (m.line(), format!("column {}", m.col() + 1))
        };
        Problem::new(
            format!("line {line}"),
            "",
            format!("invalid YAML: {} ({place})", e.info()),
        )
    })?;
    docs.iter()
        .enumerate()
        .map(|(i, d)| {
            yaml_to_value(d).map_err(|m| Problem::new(format!("document {}", i + 1), "", m))
        })
        .collect()
}

/// A YAML node as a JSON value (what Kubernetes objects are).
fn yaml_to_value(y: &Yaml) -> Result<Value, String> {
    Ok(match y {
        Yaml::Value(s) => scalar_to_value(s),
        Yaml::Representation(text, _, _) => Value::String(text.to_string()),
        Yaml::Tagged(_, inner) => yaml_to_value(inner)?,
        Yaml::Sequence(items) => {
            Value::Array(items.iter().map(yaml_to_value).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::Value(Scalar::String(s)) => s.to_string(),
                    Yaml::Value(s) => scalar_key(s),
                    _ => return Err("a mapping key must be a plain value".into()),
                };
                out.insert(key, yaml_to_value(v)?);
            }
            Value::Object(out)
        }
        Yaml::Alias(_) => return Err("YAML aliases are not supported".into()),
        Yaml::BadValue => return Err("invalid YAML value".into()),
    })
}

/// A scalar mapping key as a string, as JSON writes the scalar (`null`,
/// `true`, `8080`, `1.5`). (Written out rather than through
/// `Value::to_string`, which links serde_json's serializer.)
fn scalar_key(s: &Scalar) -> String {
    match scalar_to_value(s) {
        Value::String(s) => s,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        // Null (a scalar is never a list or a mapping).
        _ => "null".into(),
    }
}

fn scalar_to_value(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => serde_json::Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(f.to_string())),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

pub(super) fn unpack(doc: Value, document: usize, out: &mut Vec<Located>, sink: &mut Sink) {
    let place = format!("document {document}");
    let Value::Object(map) = &doc else {
        sink.error(
            &place,
            "",
            "expected a Kubernetes object (a mapping with apiVersion and kind)",
        );
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
            sink.error(
                &label,
                "apiVersion",
                format!("{kind} is a netlab/v1 kind, not {api_version:?}"),
            );
            return;
        }
        (_, k) if IGNORED_KINDS.contains(&k) => {
            sink.warn(
                &label,
                "",
                "ignored: the playground does not model this kind",
            );
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
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str);
    match (name, namespace, scope(kind)) {
        (Some(n), ns, Scope::Namespaced) => format!("{kind} {}/{n}", ns.unwrap_or("default")),
        // A kind we do not know: its namespace, when it says one, keeps
        // same-named objects of different namespaces apart in messages.
        (Some(n), Some(ns), Scope::Unknown) => format!("{kind} {ns}/{n}"),
        (Some(n), _, _) => format!("{kind} {n}"),
        (None, _, _) => format!("{kind} in document {document}"),
    }
}

enum Scope {
    Namespaced,
    Cluster,
    Unknown,
}

fn scope(kind: &str) -> Scope {
    match kind {
        "Node"
        | "Namespace"
        | "PersistentVolume"
        | "Cluster"
        | "Route"
        | "KubeProxyConfiguration" => Scope::Cluster,
        k if matches!(k, "Pod" | "Deployment" | "Service" | "EndpointSlice")
            || IGNORED_KINDS.contains(&k) =>
        {
            Scope::Namespaced
        }
        _ => Scope::Unknown,
    }
}

fn typed<T: value_de::FromValue>(doc: Value, label: &str, sink: &mut Sink) -> Option<T> {
    match value_de::from_value::<T>(&doc) {
        Ok(v) => Some(v),
        Err(e) => {
            sink.error(label, e.path, e.message);
            None
        }
    }
}

/// The documents of a scenario as YAML, `---` between them.
pub fn to_yaml(objects: &[Object]) -> String {
    let mut out = String::new();
    for o in objects {
        super::yaml_write::write_document(&mut out, &o.to_value());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys that are not strings read as JSON writes them.
    #[test]
    fn scalar_keys_read_as_json_writes_them() {
        for key in [
            "null", "true", "false", "8080", "-3", "1.5", "2.0", "1e300", ".nan", ".inf", "0x10",
            "~",
        ] {
            let docs = read_values(&format!("{key}: x\n")).unwrap();
            let Value::Object(map) = &docs[0] else {
                panic!("{key}")
            };
            let (k, _) = map.iter().next().unwrap();
            let y = Yaml::load_from_str(key).unwrap();
            let Yaml::Value(s) = &y[0] else {
                panic!("{key}")
            };
            let expected = match scalar_to_value(s) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            assert_eq!(k, &expected, "{key}");
        }
    }
}
