//! Reading the typed objects ([`super::k8s`]) from a parsed value
//! (`serde_json::Value`) so that a type error names its field
//! (`spec.ports[0].port: invalid type: string "http", expected i64`), and
//! writing them back to one.
//!
//! Hand-written rather than serde-derived: the derived deserializers and
//! serializers were a sixth of the wasm bundle. What they do is kept
//! exactly, messages included: the types still derive serde's traits, and
//! the tests compare this module with them (`serde_ref`, the deserializer
//! that read them before). In particular:
//! - a mapping's entries are read in key order and the first error wins;
//! - a struct may be written as a list of its fields in declaration order
//!   (missing ones defaulted, extra ones ignored), as serde allows;
//! - unknown fields are ignored and missing ones defaulted (every struct
//!   is `#[serde(default)]`);
//! - type errors are serde's words (`invalid type: X, expected Y`).

use serde::de::Unexpected;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

#[cfg(test)]
pub(crate) mod serde_ref;

/// A reading error and the path of the field it is about (empty for the
/// object itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DeError {}

/// Where a value sits in its document: `spec.ports[0].port`.
pub enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, k) => f.write_str(k),
            Path::Key(parent, k) => write!(f, "{parent}.{k}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Reads `T` from `value`, naming the field of any error.
pub fn from_value<T: FromValue>(value: &Value) -> Result<T, DeError> {
    T::read(value, &Path::Root)
}

/// A type read from a parsed value. (The readers of strings, numbers,
/// lists... are not inlined into each struct's: that is smaller.)
pub trait FromValue: Sized {
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError>;
}

/// A type written to a value.
pub trait ToValue {
    fn to_value(&self) -> Value;
    /// Whether a field of this value is left out when it is marked
    /// `omit_empty` (serde's `skip_serializing_if`).
    fn is_empty(&self) -> bool;
}

fn error(path: &Path<'_>, message: String) -> DeError {
    DeError {
        path: path.to_string(),
        message,
    }
}

/// serde's type error: `invalid type: string "80", expected i64`.
fn type_error(value: &Value, expected: &str, path: &Path<'_>) -> DeError {
    error(
        path,
        format!("invalid type: {}, expected {expected}", unexpected(value)),
    )
}

/// A value as serde's visitors see it, for a type error.
fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Unexpected::Signed(i)
            } else if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u)
            } else {
                Unexpected::Float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// Reads a struct's fields: each entry of a mapping, in key order, or
/// each element of a list, named by the struct's `fields` in order. Any
/// other value is a type error (`expected struct Name`).
pub fn read_fields(
    value: &Value,
    path: &Path<'_>,
    expecting: &str,
    fields: &[&str],
    set: &mut dyn FnMut(&str, &Value, &Path<'_>) -> Result<(), DeError>,
) -> Result<(), DeError> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                set(key, v, &Path::Key(path, key))?;
            }
        }
        Value::Array(items) => {
            for (field, (i, v)) in fields.iter().zip(items.iter().enumerate()) {
                set(field, v, &Path::Index(path, i))?;
            }
        }
        other => return Err(type_error(other, expecting, path)),
    }
    Ok(())
}

/// Writes a struct's field into `map`, unless it is `omit`ted when empty.
pub fn write_field(map: &mut Map<String, Value>, key: &str, value: &dyn ToValue, omit: bool) {
    if !(omit && value.is_empty()) {
        map.insert(key.to_string(), value.to_value());
    }
}

/// Reading and writing of a struct whose fields are all `Default`:
/// `object_fields!(Type { field: "key", other: "otherKey" omit_empty })`.
/// Its emptiness (for a field of this type marked `omit_empty`) is that of
/// all its fields.
macro_rules! object_fields {
    (@omit) => {
        false
    };
    (@omit omit_empty) => {
        true
    };
    ($ty:ident { $($field:ident: $key:literal $($omit:ident)?),* $(,)? }) => {
        impl $crate::model::value_de::FromValue for $ty {
            fn read(
                value: &serde_json::Value,
                path: &$crate::model::value_de::Path<'_>,
            ) -> Result<Self, $crate::model::value_de::DeError> {
                let mut out = $ty::default();
                $crate::model::value_de::read_fields(
                    value,
                    path,
                    concat!("struct ", stringify!($ty)),
                    &[$($key),*],
                    &mut |key, value, path| {
                        match key {
                            $($key => out.$field = $crate::model::value_de::FromValue::read(value, path)?,)*
                            _ => {}
                        }
                        Ok(())
                    },
                )?;
                Ok(out)
            }
        }

        impl $crate::model::value_de::ToValue for $ty {
            fn to_value(&self) -> serde_json::Value {
                let mut map = serde_json::Map::new();
                $($crate::model::value_de::write_field(
                    &mut map,
                    $key,
                    &self.$field,
                    object_fields!(@omit $($omit)?),
                );)*
                serde_json::Value::Object(map)
            }

            fn is_empty(&self) -> bool {
                true $(&& $crate::model::value_de::ToValue::is_empty(&self.$field))*
            }
        }
    };
}
pub(crate) use object_fields;

impl FromValue for String {
    #[inline(never)]
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(type_error(other, "a string", path)),
        }
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
    fn is_empty(&self) -> bool {
        self.is_empty()
    }
}

impl FromValue for i64 {
    #[inline(never)]
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        if let Value::Number(n) = value {
            if let Some(i) = n.as_i64() {
                return Ok(i);
            }
            if let Some(u) = n.as_u64() {
                return Err(error(
                    path,
                    format!("invalid value: {}, expected i64", Unexpected::Unsigned(u)),
                ));
            }
        }
        Err(type_error(value, "i64", path))
    }
}

impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
    fn is_empty(&self) -> bool {
        false
    }
}

impl FromValue for bool {
    #[inline(never)]
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(type_error(other, "a boolean", path)),
        }
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn is_empty(&self) -> bool {
        !*self
    }
}

/// Any value, as it is.
impl FromValue for Value {
    #[inline(never)]
    fn read(value: &Value, _: &Path<'_>) -> Result<Self, DeError> {
        Ok(value.clone())
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
    fn is_empty(&self) -> bool {
        false
    }
}

/// Null is `None`.
impl<T: FromValue> FromValue for Option<T> {
    #[inline(never)]
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        match value {
            Value::Null => Ok(None),
            other => T::read(other, path).map(Some),
        }
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
    fn is_empty(&self) -> bool {
        self.is_none()
    }
}

/// A sequence's items, each through `each`, stopping at the first error:
/// one instance for every element type (the per-type part is `each`).
#[inline(never)]
fn read_items(
    value: &Value,
    path: &Path<'_>,
    each: &mut dyn FnMut(&Value, &Path<'_>) -> Result<(), DeError>,
) -> Result<(), DeError> {
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                each(v, &Path::Index(path, i))?;
            }
            Ok(())
        }
        other => Err(type_error(other, "a sequence", path)),
    }
}

/// A sequence of `n` values, the `i`th from `at(i)` (one instance for
/// every element type).
#[inline(never)]
fn array_of(n: usize, at: &dyn Fn(usize) -> Value) -> Value {
    Value::Array((0..n).map(at).collect())
}

impl<T: FromValue> FromValue for Vec<T> {
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        let mut out = Vec::new();
        read_items(value, path, &mut |v, p| {
            out.push(T::read(v, p)?);
            Ok(())
        })?;
        Ok(out)
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        array_of(self.len(), &|i| self[i].to_value())
    }
    fn is_empty(&self) -> bool {
        self.is_empty()
    }
}

/// Labels.
impl FromValue for BTreeMap<String, String> {
    #[inline(never)]
    fn read(value: &Value, path: &Path<'_>) -> Result<Self, DeError> {
        match value {
            Value::Object(map) => {
                let mut out = BTreeMap::new();
                for (k, v) in map {
                    out.insert(k.clone(), String::read(v, &Path::Key(path, k))?);
                }
                Ok(out)
            }
            other => Err(type_error(other, "a map", path)),
        }
    }
}

impl ToValue for BTreeMap<String, String> {
    fn to_value(&self) -> Value {
        let mut map = Map::new();
        for (k, v) in self {
            map.insert(k.clone(), Value::String(v.clone()));
        }
        Value::Object(map)
    }
    fn is_empty(&self) -> bool {
        self.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::k8s::{self, ContainerPort, Object, ObjectMeta};
    use crate::model::parse::read_values;
    use crate::model::presets::PRESETS;
    use serde::de::DeserializeOwned;
    use serde_json::json;

    /// Every field of every kind, set (written as `kubectl` would, where
    /// the form is not free).
    const FULL: &str = r#"
apiVersion: netlab/v1
kind: Cluster
metadata: {name: c, namespace: n, labels: {a: b}}
spec: {nodeCIDR: 10.0.0.0/16, podCIDR: 10.1.0.0/16, nodePodCIDRMask: 24, serviceCIDR: 10.96.0.0/12, nodePortRange: 30000-32767, loadBalancerStyle: nat}
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: 10.1.0.0/16
iptables: {masqueradeAll: true, masqueradeBit: 14}
---
apiVersion: v1
kind: Node
metadata: {name: node-1, labels: {zone: a}}
spec: {podCIDR: 10.1.1.0/24, podCIDRs: [10.1.1.0/24]}
status:
  addresses: [{type: InternalIP, address: 10.0.0.11}]
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: netlab/v1
kind: Route
metadata: {name: r}
spec: {destination: 10.2.0.0/16, nextHop: 10.0.0.12}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec:
  nodeName: node-1
  nodeSelector: {zone: a}
  hostNetwork: true
  containers:
  - name: web
    image: nginx
    ports: [{name: http, containerPort: 8080, protocol: TCP}]
status:
  phase: Running
  podIP: 10.1.1.5
  conditions: [{type: Ready, status: "True"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
    matchExpressions: [{key: app, operator: In, values: [web]}]
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: LoadBalancer
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10]
  ports:
  - {name: http, protocol: TCP, port: 80, targetPort: 8080, nodePort: 30080}
  - {port: 81, targetPort: http}
  selector: {app: web}
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}
  healthCheckNodePort: 31000
  externalIPs: [192.0.2.1]
  loadBalancerSourceRanges: [0.0.0.0/0]
  loadBalancerIP: 192.0.2.2
status:
  loadBalancer:
    ingress: [{ip: 192.0.2.2, hostname: lb.example}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: default}
addressType: IPv4
endpoints:
- addresses: [10.1.1.5]
  conditions: {ready: true, serving: true, terminating: false}
  nodeName: node-1
  targetRef: {kind: Pod, name: web-1, namespace: default}
ports: [{name: http, port: 8080, protocol: TCP}]
"#;

    /// What the values of a field may be.
    fn replacements() -> Vec<Value> {
        vec![
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(80),
            json!(-3),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(1.5),
            json!(2.0),
            json!("x"),
            json!("80"),
            json!(""),
            json!([]),
            json!([1, "a"]),
            json!([{"a": 1}]),
            json!(["web", "prod", {"app": "web"}, "extra"]),
            json!([["a", 1]]),
            json!({}),
            json!({"a": "b"}),
            json!({"a": 1}),
            json!({"name": 3, "port": "x"}),
        ]
    }

    fn same_read<T>(v: &Value) -> Result<(), String>
    where
        T: FromValue + DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let ours = from_value::<T>(v).map_err(|e| (e.path, e.message));
        let serde = serde_ref::from_value::<T>(v).map_err(|e| (e.path, e.message));
        if ours == serde {
            Ok(())
        } else {
            Err(format!("{v}\n  ours:  {ours:?}\n  serde: {serde:?}"))
        }
    }

    /// Reads `v` as every kind, as this module and as serde's derived
    /// deserializers do, and compares.
    fn same_reads(v: &Value) -> Result<(), String> {
        same_read::<k8s::Cluster>(v)?;
        same_read::<k8s::KubeProxyConfiguration>(v)?;
        same_read::<k8s::Node>(v)?;
        same_read::<k8s::Route>(v)?;
        same_read::<k8s::Pod>(v)?;
        same_read::<k8s::Deployment>(v)?;
        same_read::<k8s::Service>(v)?;
        same_read::<k8s::EndpointSlice>(v)
    }

    /// Every place in a value (a path of keys and indexes).
    fn places(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(at.clone());
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    at.push(json!(k));
                    places(child, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push(json!(i));
                    places(child, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }

    fn at_mut<'a>(mut v: &'a mut Value, place: &[Value]) -> &'a mut Value {
        for step in place {
            v = match step {
                Value::String(k) => &mut v[k.as_str()],
                _ => &mut v[step.as_u64().unwrap() as usize],
            };
        }
        v
    }

    fn keys(v: &Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    out.insert(k.clone());
                    keys(child, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|c| keys(c, out)),
            _ => {}
        }
    }

    fn documents() -> Vec<Value> {
        let mut docs = read_values(FULL).unwrap();
        for p in PRESETS {
            docs.extend(read_values(p.yaml).unwrap());
        }
        docs
    }

    /// Every document of the presets and of `FULL`, with each of its
    /// values replaced by each of `replacements`, and with each known key
    /// added to each of its mappings, reads the same as with serde.
    #[test]
    fn reads_as_serde_derive_does() {
        let docs = documents();
        let mut all_keys = std::collections::BTreeSet::new();
        docs.iter().for_each(|d| keys(d, &mut all_keys));
        let mut failures = Vec::new();
        let mut check = |v: &Value| {
            if let Err(e) = same_reads(v) {
                failures.push(e);
            }
        };
        // The presets repeat themselves: mutate the first document of each
        // kind (FULL's), and read the rest as they are.
        let mut seen_kinds = std::collections::BTreeSet::new();
        for doc in &docs {
            check(doc);
            if !seen_kinds.insert(doc["kind"].to_string()) {
                continue;
            }
            let mut ps = Vec::new();
            places(doc, &mut Vec::new(), &mut ps);
            for place in &ps {
                for r in replacements() {
                    let mut v = doc.clone();
                    *at_mut(&mut v, place) = r;
                    check(&v);
                }
                if at_mut(&mut doc.clone(), place).is_object() {
                    for k in &all_keys {
                        for r in replacements() {
                            let mut v = doc.clone();
                            at_mut(&mut v, place)[k.as_str()] = r;
                            check(&v);
                        }
                    }
                }
            }
            // Two wrong values: the first in key order is reported.
            for (i, a) in ps.iter().enumerate() {
                for b in ps.iter().skip(i + 1).step_by(3) {
                    let mut v = doc.clone();
                    *at_mut(&mut v, b) = json!("x");
                    *at_mut(&mut v, a) = json!(7);
                    check(&v);
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} differences, first ones:\n{}",
            failures.len(),
            failures[..failures.len().min(5)].join("\n")
        );
    }

    /// Every object of `FULL` and of the presets' exports writes the value
    /// serde's derived `Serialize` writes.
    #[test]
    fn writes_as_serde_derive_does() {
        let mut objects: Vec<Object> = Vec::new();
        let mut sink = crate::model::error::Sink::default();
        for l in crate::model::parse::parse_documents(FULL, &mut sink).unwrap() {
            objects.push(l.object);
        }
        assert!(sink.errors.is_empty(), "{:?}", sink.errors);
        assert_eq!(objects.len(), 8);
        for p in PRESETS {
            objects.extend(crate::model::load(p.yaml).unwrap().scenario.to_objects());
        }
        for o in &objects {
            let serde = serde_json::to_value(o).unwrap();
            assert_eq!(o.to_value(), serde);
        }
        // And what is empty is left out as serde leaves it out.
        for o in [
            Object::Node(k8s::Node::default()),
            Object::Pod(k8s::Pod::default()),
            Object::Service(k8s::Service::default()),
            Object::EndpointSlice(k8s::EndpointSlice {
                endpoints: vec![k8s::Endpoint::default()],
                ..Default::default()
            }),
            Object::Deployment(k8s::Deployment::default()),
            Object::Cluster(k8s::Cluster::default()),
            Object::Route(k8s::Route::default()),
            Object::KubeProxyConfiguration(k8s::KubeProxyConfiguration::default()),
        ] {
            let serde = serde_json::to_value(&o).unwrap();
            assert_eq!(o.to_value(), serde);
        }
    }

    /// A struct written as a list reads its fields in order (what serde's
    /// derived `visit_seq` does), missing ones defaulted, extra ones
    /// ignored; errors name the element.
    #[test]
    fn reads_a_struct_written_as_a_list() {
        let meta = |v: Value| from_value::<ObjectMeta>(&v);
        assert_eq!(
            meta(json!(["web", "prod", {"app": "web"}, "extra"])).unwrap(),
            ObjectMeta {
                name: Some("web".into()),
                namespace: Some("prod".into()),
                labels: [("app".to_string(), "web".to_string())].into(),
            }
        );
        assert_eq!(meta(json!([])).unwrap(), ObjectMeta::default());
        assert_eq!(meta(json!([null, null])).unwrap(), ObjectMeta::default());
        let e = meta(json!(["web", 3])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[1]: invalid type: integer `3`, expected a string"
        );
        let e = from_value::<ContainerPort>(&json!(["http", "80"])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[1]: invalid type: string \"80\", expected i64"
        );
    }

    /// Anything else where a struct belongs is a type error naming it.
    #[test]
    fn a_struct_of_the_wrong_type_is_an_error() {
        for (v, found) in [
            (json!(null), "unit value"),
            (json!(true), "boolean `true`"),
            (json!(-3), "integer `-3`"),
            (json!(u64::MAX), "integer `18446744073709551615`"),
            (json!(1.5), "floating point `1.5`"),
            (json!("web"), "string \"web\""),
        ] {
            let e = from_value::<ObjectMeta>(&json!(v)).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("invalid type: {found}, expected struct ObjectMeta")
            );
            let e = from_value::<k8s::Pod>(&json!({ "spec": v })).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("spec: invalid type: {found}, expected struct PodSpec")
            );
        }
    }
}
