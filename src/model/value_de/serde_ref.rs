//! Tests only: the serde deserializer over a `serde_json::Value` that read
//! the typed objects (through their derived `Deserialize`) before the
//! hand-written readers of `value_de` did; they are tested against it. It
//! knows where it is, so a type error names its field
//! (`spec.ports[0].port: invalid type: string "http", expected i64`).
//!
//! Written here rather than wrapping serde_json's with serde_path_to_error:
//! that wrapper instantiates every type twice and cost a third of the wasm
//! bundle; this deserializer is the only one the typed objects need.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};
use serde_json::Value;
use std::fmt;

/// A deserialization error and the path of the field it is about (empty for
/// the object itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    pub path: String,
    pub message: String,
}

impl DeError {
    fn at(mut self, path: &Path<'_>) -> Self {
        if self.path.is_empty() {
            self.path = path.to_string();
        }
        self
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            path: String::new(),
            message: msg.to_string(),
        }
    }
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
enum Path<'a> {
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

/// Deserializes `T` from `value`, naming the field of any error.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, DeError> {
    T::deserialize(Node {
        value,
        path: &Path::Root,
    })
}

struct Node<'a> {
    value: &'a Value,
    path: &'a Path<'a>,
}

impl<'de> de::Deserializer<'de> for Node<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let path = self.path;
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => visitor.visit_seq(Seq {
                items: items.iter().enumerate(),
                path,
            }),
            Value::Object(map) => visitor.visit_map(Map {
                entries: Entries::Object(map.iter()),
                value: None,
                path,
            }),
        };
        result.map_err(|e| e.at(path))
    }

    /// What `deserialize_any` does for the serde-derived structs of the
    /// model (all `#[serde(default)]`), without their `visit_seq`: that
    /// doubled each struct's code in the wasm build. A list is read as
    /// its fields in declaration order (missing ones defaulted, extra ones
    /// ignored), which is what the derived `visit_seq` does for such a
    /// struct; any other value is the type error its visitor would give.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let path = self.path;
        let entries = match self.value {
            Value::Object(map) => Entries::Object(map.iter()),
            Value::Array(items) => Entries::Fields(fields.iter().zip(items.iter().enumerate())),
            other => {
                let e: DeError = de::Error::invalid_type(unexpected(other), &visitor);
                return Err(e.at(path));
            }
        };
        visitor
            .visit_map(Map {
                entries,
                value: None,
                path,
            })
            .map_err(|e| e.at(path))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let path = self.path;
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| e.at(path))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// A value as `deserialize_any` hands it to a visitor, for a type error.
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

struct Seq<'a> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: &'a Path<'a>,
}

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some((i, value)) => {
                let path = Path::Index(self.path, i);
                seed.deserialize(Node { value, path: &path }).map(Some)
            }
        }
    }
}

struct Map<'a> {
    entries: Entries<'a>,
    /// The value of the key just read, and where it is.
    value: Option<(Step<'a>, &'a Value)>,
    path: &'a Path<'a>,
}

/// A mapping's entries, or a list's elements keyed by the names of the
/// struct fields they fill.
enum Entries<'a> {
    Object(serde_json::map::Iter<'a>),
    Fields(
        std::iter::Zip<
            std::slice::Iter<'static, &'static str>,
            std::iter::Enumerate<std::slice::Iter<'a, Value>>,
        >,
    ),
}

enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let (key, step, value) = match &mut self.entries {
            Entries::Object(entries) => match entries.next() {
                None => return Ok(None),
                Some((k, v)) => (k.as_str(), Step::Key(k.as_str()), v),
            },
            Entries::Fields(fields) => match fields.next() {
                None => return Ok(None),
                Some((field, (i, v))) => (*field, Step::Index(i), v),
            },
        };
        self.value = Some((step, value));
        let key: de::value::StrDeserializer<'_, DeError> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (step, value) = self.value.take().ok_or_else(|| {
            <DeError as de::Error>::custom("a value was asked for before its key")
        })?;
        let path = match step {
            Step::Key(key) => Path::Key(self.path, key),
            Step::Index(i) => Path::Index(self.path, i),
        };
        seed.deserialize(Node { value, path: &path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Port {
        port: i64,
        name: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Spec {
        ports: Vec<Port>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Obj {
        spec: Spec,
    }

    #[test]
    fn reads_values() {
        let v = json!({"spec": {"ports": [{"port": 80, "name": "http", "extra": true}]}});
        let o: Obj = from_value(&v).unwrap();
        assert_eq!(
            o.spec.ports[0],
            Port {
                port: 80,
                name: Some("http".into())
            }
        );
    }

    #[test]
    fn names_the_field_of_a_type_error() {
        let v = json!({"spec": {"ports": [{"port": 80}, {"port": "http"}]}});
        let e = from_value::<Obj>(&v).unwrap_err();
        assert_eq!(e.path, "spec.ports[1].port");
        assert!(e.message.contains("invalid type: string \"http\""), "{e}");
    }

    #[test]
    fn names_the_object_of_a_missing_field() {
        let v = json!({"spec": {"ports": [{"name": "x"}]}});
        let e = from_value::<Obj>(&v).unwrap_err();
        assert_eq!(e.to_string(), "spec.ports[0]: missing field `port`");
        let e = from_value::<Obj>(&json!({"spec": 3})).unwrap_err();
        assert_eq!(e.path, "spec");
    }

    /// A struct written as a list reads its fields in order (what serde's
    /// derived `visit_seq` does), missing ones defaulted, extra ones
    /// ignored; errors name the element.
    #[test]
    fn reads_a_struct_written_as_a_list() {
        use crate::model::k8s::{ContainerPort, ObjectMeta};
        let meta = |v: Value| from_value::<ObjectMeta>(&v);
        assert_eq!(
            meta(json!(["web", "prod", {"app": "web"}, "extra"])).unwrap(),
            ObjectMeta {
                name: Some("web".into()),
                namespace: Some("prod".into()),
                labels: [("app".to_string(), "web".to_string())].into(),
            }
        );
        assert_eq!(
            meta(json!(["web"])).unwrap(),
            ObjectMeta {
                name: Some("web".into()),
                ..ObjectMeta::default()
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
        let e = from_value::<Obj>(&json!({"spec": [[{"port": 1}, ["x", 2]]]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "spec[0][1][0]: invalid type: string \"x\", expected i64"
        );
    }

    /// Anything else where a struct belongs is a type error naming it.
    #[test]
    fn a_struct_of_the_wrong_type_is_an_error() {
        use crate::model::k8s::ObjectMeta;
        for (v, found) in [
            (json!(null), "unit value"),
            (json!(true), "boolean `true`"),
            (json!(-3), "integer `-3`"),
            (json!(u64::MAX), "integer `18446744073709551615`"),
            (json!(1.5), "floating point `1.5`"),
            (json!("web"), "string \"web\""),
        ] {
            let e = from_value::<Obj>(&json!({ "spec": v })).unwrap_err();
            assert_eq!(e.path, "spec");
            assert_eq!(
                e.message,
                format!("invalid type: {found}, expected struct Spec")
            );
            let e = from_value::<ObjectMeta>(&v).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("invalid type: {found}, expected struct ObjectMeta")
            );
        }
    }
}
