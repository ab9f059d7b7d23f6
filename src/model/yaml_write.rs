//! A YAML writer for export: byte for byte what saphyr's `YamlEmitter`
//! (with its defaults: compact, no literal blocks, no forced quoting)
//! writes for a JSON value, without linking the emitter or building a
//! `Yaml` tree. The tests compare the two on generated values.

use serde_json::Value;

/// Appends `---\n`, the document and no final line break (as
/// `YamlEmitter::dump` does).
pub(super) fn write_document(out: &mut String, v: &Value) {
    out.push_str("---\n");
    node(out, v, -1);
}

fn indent(out: &mut String, level: isize) {
    for _ in 0..level.max(0) {
        out.push_str("  ");
    }
}

fn node(out: &mut String, v: &Value, level: isize) {
    match v {
        Value::Null => out.push('~'),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match n.as_i64() {
            Some(i) => out.push_str(&i.to_string()),
            None => {
                let f = n.as_f64().unwrap_or(0.0);
                // serde_json holds no NaN or infinity.
                out.push_str(&f.to_string());
                if f.fract() == 0.0 {
                    out.push_str(".0");
                }
            }
        },
        Value::String(s) => string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            let level = level + 1;
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    indent(out, level);
                }
                out.push('-');
                value(out, true, x, level);
            }
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            let level = level + 1;
            for (i, (k, x)) in map.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    indent(out, level);
                }
                string(out, k);
                out.push(':');
                value(out, false, x, level);
            }
        }
    }
}

/// `emit_val`: what follows `-` or `key:`.
fn value(out: &mut String, inline: bool, v: &Value, level: isize) {
    let empty = match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => true,
    };
    if inline || empty {
        out.push(' ');
    } else {
        out.push('\n');
        indent(out, level + 1);
    }
    node(out, v, level);
}

fn string(out: &mut String, s: &str) {
    if !need_quotes(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\0'..='\x1f' | '\x7f' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[c as usize >> 4] as char);
                out.push(HEX[c as usize & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// saphyr's `need_quotes`.
fn need_quotes(s: &str) -> bool {
    s.is_empty()
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@'])
        || s.contains(|c: char| {
            matches!(
                c,
                '\0'..='\x1f'
                    | ':'
                    | '{'
                    | '}'
                    | '['
                    | ']'
                    | ','
                    | '#'
                    | '`'
                    | '"'
                    | '\''
                    | '\\'
                    | '\x7f'
                    | '\u{feff}'
            )
        })
        || [
            "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE",
            "false", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
        ]
        .contains(&s)
        || s.starts_with('.')
        || s.starts_with("+.")
        || s.starts_with("0x")
        || s.starts_with("0o")
        || s.parse::<i64>().is_ok()
        || s.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use saphyr::{Scalar, Yaml, YamlEmitter};

    /// The reference: the value as a saphyr node, through saphyr's emitter
    /// (what export used before).
    fn value_to_yaml(v: &Value) -> Yaml<'static> {
        match v {
            Value::Null => Yaml::Value(Scalar::Null),
            Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Yaml::Value(Scalar::Integer(i)),
                None => Yaml::Value(Scalar::FloatingPoint(n.as_f64().unwrap_or(0.0).into())),
            },
            Value::String(s) => Yaml::Value(Scalar::String(s.clone().into())),
            Value::Array(items) => Yaml::Sequence(items.iter().map(value_to_yaml).collect()),
            Value::Object(map) => Yaml::Mapping(
                map.iter()
                    .map(|(k, v)| {
                        (
                            Yaml::Value(Scalar::String(k.clone().into())),
                            value_to_yaml(v),
                        )
                    })
                    .collect(),
            ),
        }
    }

    fn saphyr(v: &Value) -> String {
        let mut out = String::new();
        YamlEmitter::new(&mut out).dump(&value_to_yaml(v)).unwrap();
        out
    }

    fn ours(v: &Value) -> String {
        let mut out = String::new();
        write_document(&mut out, v);
        out
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9.-]{0,10}",
            "\\PC{0,8}",
            "[\\x00-\\x7f]{0,6}",
            "[ a-zA-Z0-9+.:#,'\"\\\\&*?|<>=!%@`{}\\[\\]~\\-\u{feff}\u{85}\u{2028}é]{0,6}",
            prop::sample::select(vec![
                "",
                "yes",
                "No",
                "ON",
                "off",
                "null",
                "NULL",
                "~",
                "true",
                "False",
                ".5",
                "+.inf",
                "-.inf",
                ".nan",
                "0x1f",
                "0o17",
                "0b101",
                "1e3",
                "1_000",
                "-12",
                "+12",
                "1.5",
                "inf",
                "NaN",
                "infinity",
                "-",
                "- a",
                "a: b",
                "a #b",
                "a b",
                " a",
                "a ",
                "8080",
                "9223372036854775808",
                "1.0e+3",
                "0.",
                "e5",
                "+",
                "TCP",
                "10.0.0.1/24",
            ])
            .prop_map(String::from),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            prop::sample::select(vec![0.0, -0.0, 1.0, 0.5, 1e21, 1e-7, -3.0, 1e300])
                .prop_map(Value::from),
            text().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((text(), inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2048,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn writes_what_saphyrs_emitter_writes(v in value()) {
            prop_assert_eq!(ours(&v), saphyr(&v));
        }
    }

    #[test]
    fn writes_what_saphyrs_emitter_writes_for_the_presets() {
        for p in crate::model::presets::PRESETS {
            let loaded = crate::model::load(p.yaml).unwrap();
            for o in loaded.scenario.to_objects() {
                let v = o.to_value();
                assert_eq!(ours(&v), saphyr(&v), "{}", p.id);
            }
        }
    }
}
