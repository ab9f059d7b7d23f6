//! The share link: a scenario and (optionally) a trace request in the URL
//! fragment, so that opening the link reproduces both exactly.
//!
//! # Format (version 1)
//!
//! ```text
//! #s=1.<base64url, no padding>
//!     |  '-- deflate-raw (RFC 1951) of the payload
//!     '----- format version
//! ```
//!
//! The fragment may hold other `&`-separated parameters; the share state
//! is the one starting `s=`. The payload is UTF-8 text: one JSON object on
//! one line, a newline, and the FNV-1a 32-bit hash of the JSON's bytes in
//! 8 lower-case hex digits (deflate-raw has no checksum of its own, so
//! without it a changed character could decode to a different scenario):
//!
//! ```text
//! {"yaml":"<the scenario as the editor holds it>","trace":{"from":"pod/client","to":"svc/web:80","proto":"tcp","seed":1}}
//! 1a2b3c4d
//! ```
//!
//! `trace` is absent (or `null`) when no trace is shown; `from` and `to` are
//! in the CLI's forms, `proto` is `tcp`, `udp` or `sctp`, `seed` the
//! trace's seed (an unsigned 64-bit integer). Unknown members are ignored,
//! so a later version 1 writer may add optional ones; anything that changes
//! the meaning of a version 1 link takes a new version number.
//! [`crate::ui::storage`] keeps the same object (with `"v": 1` first) locally.
//!
//! A whole fragment is at most [`MAX_FRAGMENT`] characters: above that,
//! [`encode`] fails telling the user to export the YAML instead, and
//! [`parse_fragment`] refuses the link before decoding it.
//!
//! Compression is the browser's own `CompressionStream('deflate-raw')`
//! (no compression crate in the wasm), so [`encode`] and [`decode`] exist
//! for `wasm32` only and are tested in headless chromium (`tests/web.rs`);
//! the framing, parsing and checks around them are pure and tested natively.

use crate::model::Protocol;
use serde_json::{Map, Value};
use std::fmt;

/// The format version this code writes and the only one it reads.
pub const VERSION: u32 = 1;

/// The fragment parameter that holds the share state.
pub const PARAM: &str = "s=";

/// The longest share fragment (without `#`) written or read, in
/// characters: long URLs are cut by chat tools, mail clients and servers.
pub const MAX_FRAGMENT: usize = 16_000;

/// The largest payload a link may decompress to (a guard against a
/// crafted link that inflates to gigabytes).
pub const MAX_PAYLOAD: usize = 4 << 20;

/// What a share link carries (the state's own type: what it opens).
pub use super::state::{Shared, TraceSpec};

/// Why a share link (or saved state) cannot be read or written.
#[derive(Clone, PartialEq, Debug)]
pub enum ShareError {
    /// The format version is not one this code reads.
    UnknownVersion(String),
    /// The data is not base64url.
    BadBase64(String),
    /// The data does not decompress, or is not the JSON payload.
    Corrupt(String),
    /// The fragment is longer than [`MAX_FRAGMENT`].
    TooLarge { len: usize, max: usize },
    /// A required member of the payload is missing (`trace.seed`).
    MissingField(&'static str),
    /// A member of the payload has the wrong type or value.
    BadField {
        field: &'static str,
        expected: &'static str,
    },
    /// The browser cannot do what is needed (no `CompressionStream`).
    Unsupported(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::UnknownVersion(v) => write!(
                f,
                "this link uses share format `{v}`, which this version of k8s-netlab cannot read (it reads format {VERSION})"
            ),
            ShareError::BadBase64(e) => {
                write!(
                    f,
                    "the link is damaged (cut short or changed?): its data is not base64url ({e})"
                )
            }
            ShareError::Corrupt(e) => write!(f, "the link is damaged: {e}"),
            ShareError::TooLarge { len, max } => write!(
                f,
                "the scenario is too large for a link ({len} characters, at most {max}): export the YAML instead"
            ),
            ShareError::MissingField(field) => {
                write!(f, "the link's data has no `{field}`")
            }
            ShareError::BadField { field, expected } => {
                write!(f, "the link's data has a bad `{field}`: expected {expected}")
            }
            ShareError::Unsupported(e) => write!(f, "this browser cannot share links: {e}"),
        }
    }
}

impl std::error::Error for ShareError {}

/// The payload's JSON text (see the module doc), with `"v": version`
/// first when given (local storage's form). Written by hand: serde_json's
/// serializer would add kilobytes to the wasm for four strings and a number.
pub fn json_text(shared: &Shared, version: Option<u32>) -> String {
    let mut out = String::with_capacity(shared.yaml.len() + 128);
    out.push('{');
    if let Some(v) = version {
        out.push_str("\"v\":");
        out.push_str(&v.to_string());
        out.push(',');
    }
    out.push_str("\"yaml\":");
    json_string(&mut out, &shared.yaml);
    if let Some(t) = &shared.trace {
        out.push_str(",\"trace\":{\"from\":");
        json_string(&mut out, &t.from);
        out.push_str(",\"to\":");
        json_string(&mut out, &t.to);
        out.push_str(",\"proto\":\"");
        out.push_str(t.proto.as_lower());
        out.push_str("\",\"seed\":");
        out.push_str(&t.seed.to_string());
        out.push('}');
    }
    out.push('}');
    out
}

/// `s` as a JSON string literal (RFC 8259: quote, backslash and control
/// characters escaped; everything else as UTF-8).
fn json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Reads the payload object; every problem names the member.
pub fn from_json(value: &Value) -> Result<Shared, ShareError> {
    let Value::Object(map) = value else {
        return Err(ShareError::Corrupt("its data is not a JSON object".into()));
    };
    let yaml = string(map, "yaml", "yaml")?;
    let trace = match map.get("trace") {
        None | Some(Value::Null) => None,
        Some(Value::Object(t)) => Some(TraceSpec {
            from: string(t, "from", "trace.from")?,
            to: string(t, "to", "trace.to")?,
            proto: match t.get("proto") {
                None => return Err(ShareError::MissingField("trace.proto")),
                Some(Value::String(p)) => protocol(p).ok_or(ShareError::BadField {
                    field: "trace.proto",
                    expected: "tcp, udp, sctp or icmp",
                })?,
                Some(_) => {
                    return Err(ShareError::BadField {
                        field: "trace.proto",
                        expected: "tcp, udp, sctp or icmp",
                    })
                }
            },
            seed: match t.get("seed") {
                None => return Err(ShareError::MissingField("trace.seed")),
                Some(v) => v.as_u64().ok_or(ShareError::BadField {
                    field: "trace.seed",
                    expected: "an unsigned 64-bit integer",
                })?,
            },
        }),
        Some(_) => {
            return Err(ShareError::BadField {
                field: "trace",
                expected: "an object or null",
            })
        }
    };
    Ok(Shared { yaml, trace })
}

fn string(map: &Map<String, Value>, key: &str, field: &'static str) -> Result<String, ShareError> {
    match map.get(key) {
        None => Err(ShareError::MissingField(field)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(ShareError::BadField {
            field,
            expected: "a string",
        }),
    }
}

fn protocol(s: &str) -> Option<Protocol> {
    [Protocol::Tcp, Protocol::Udp, Protocol::Sctp, Protocol::Icmp]
        .into_iter()
        .find(|p| s.eq_ignore_ascii_case(p.as_lower()))
}

/// The payload's bytes, before compression.
pub fn frame(shared: &Shared) -> Vec<u8> {
    let mut text = json_text(shared, None);
    let sum = fnv1a(text.as_bytes());
    text.push('\n');
    text.push_str(&format!("{sum:08x}"));
    text.into_bytes()
}

/// FNV-1a, 32 bits: enough to notice a damaged link.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The payload from its (decompressed) bytes.
pub fn unframe(bytes: &[u8]) -> Result<Shared, ShareError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ShareError::Corrupt("its data is not UTF-8 text".into()))?;
    let (text, sum) = text
        .rsplit_once('\n')
        .ok_or_else(|| ShareError::Corrupt("its data has no checksum".into()))?;
    if sum.len() != 8 || u32::from_str_radix(sum, 16).ok() != Some(fnv1a(text.as_bytes())) {
        return Err(ShareError::Corrupt(
            "its checksum does not match (it was changed or cut short)".into(),
        ));
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ShareError::Corrupt(format!("its data is not JSON ({e})")))?;
    from_json(&value)
}

/// The fragment (without `#`) for compressed payload bytes:
/// `s=1.<base64url>`, or [`ShareError::TooLarge`] above [`MAX_FRAGMENT`].
pub fn fragment_for(compressed: &[u8]) -> Result<String, ShareError> {
    let encoded = data_encoding::BASE64URL_NOPAD.encode(compressed);
    let out = format!("{PARAM}{VERSION}.{encoded}");
    if out.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLarge {
            len: out.len(),
            max: MAX_FRAGMENT,
        });
    }
    Ok(out)
}

/// Finds the share state in a URL fragment (with or without the `#`):
/// `Ok(None)` when there is none, else its version and compressed bytes.
/// Refuses unknown versions, bad base64 and fragments above
/// [`MAX_FRAGMENT`].
pub fn parse_fragment(fragment: &str) -> Result<Option<(u32, Vec<u8>)>, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(param) = fragment.split('&').find(|p| p.starts_with(PARAM)) else {
        return Ok(None);
    };
    if param.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLarge {
            len: param.len(),
            max: MAX_FRAGMENT,
        });
    }
    let value = &param[PARAM.len()..];
    let Some((version, data)) = value.split_once('.') else {
        return Err(ShareError::UnknownVersion(value.chars().take(8).collect()));
    };
    match version.parse::<u32>() {
        Ok(VERSION) => {}
        _ => {
            return Err(ShareError::UnknownVersion(
                version.chars().take(8).collect(),
            ))
        }
    }
    // Some tools append padding; the format has none.
    let data = data.trim_end_matches('=');
    let bytes = data_encoding::BASE64URL_NOPAD
        .decode(data.as_bytes())
        .map_err(|e| ShareError::BadBase64(e.to_string()))?;
    Ok(Some((VERSION, bytes)))
}

/// The share fragment (without `#`) for `shared`.
#[cfg(target_arch = "wasm32")]
pub async fn encode(shared: &Shared) -> Result<String, ShareError> {
    let compressed = browser::pipe(&frame(shared), true)
        .await
        .map_err(ShareError::Unsupported)?;
    fragment_for(&compressed)
}

/// The shared state in a URL fragment (with or without `#`): `Ok(None)`
/// when the fragment holds none; an error naming the problem when it is
/// damaged, cut short or of an unknown version.
#[cfg(target_arch = "wasm32")]
pub async fn decode(fragment: &str) -> Result<Option<Shared>, ShareError> {
    let Some((_, compressed)) = parse_fragment(fragment)? else {
        return Ok(None);
    };
    let bytes = browser::pipe(&compressed, false).await.map_err(|e| {
        ShareError::Corrupt(format!(
            "its data does not decompress, it may have been cut short ({e})"
        ))
    })?;
    unframe(&bytes).map(Some)
}

/// The browser's `CompressionStream` / `DecompressionStream`, bound here
/// (web-sys has them only behind `--cfg web_sys_unstable_apis`).
#[cfg(target_arch = "wasm32")]
mod browser {
    use super::MAX_PAYLOAD;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::js_sys::{ArrayBuffer, Uint8Array};
    use web_sys::{ReadableWritablePair, Response};

    #[wasm_bindgen]
    extern "C" {
        type CompressionStream;
        #[wasm_bindgen(constructor, catch)]
        fn new(format: &str) -> Result<CompressionStream, JsValue>;
    }

    #[wasm_bindgen]
    extern "C" {
        type DecompressionStream;
        #[wasm_bindgen(constructor, catch)]
        fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    }

    /// `bytes` through `(De)CompressionStream('deflate-raw')`. Errors are
    /// the browser's messages: a missing API on compression, damaged or
    /// truncated data on decompression.
    pub async fn pipe(bytes: &[u8], compress: bool) -> Result<Vec<u8>, String> {
        let transform: JsValue = if compress {
            CompressionStream::new("deflate-raw").map(Into::into)
        } else {
            DecompressionStream::new("deflate-raw").map(Into::into)
        }
        .map_err(|e| {
            format!(
                "no {}Stream('deflate-raw') ({})",
                if compress {
                    "Compression"
                } else {
                    "Decompression"
                },
                js_message(&e)
            )
        })?;
        let input = Response::new_with_opt_buffer_source(Some(&Uint8Array::from(bytes)))
            .map_err(|e| js_message(&e))?;
        let body = input.body().ok_or("no data")?;
        let output = body.pipe_through(transform.unchecked_ref::<ReadableWritablePair>());
        let promise = Response::new_with_opt_readable_stream(Some(&output))
            .and_then(|r| r.array_buffer())
            .map_err(|e| js_message(&e))?;
        let buffer: ArrayBuffer = JsFuture::from(promise)
            .await
            .map_err(|e| js_message(&e))?
            .unchecked_into();
        if buffer.byte_length() as usize > MAX_PAYLOAD {
            return Err(format!("more than {MAX_PAYLOAD} bytes"));
        }
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// A thrown JS value's message (`Error.message`, or the value if a string).
    pub fn js_message(e: &JsValue) -> String {
        match e.dyn_ref::<web_sys::js_sys::Error>() {
            Some(err) => err.message().into(),
            None => e.as_string().unwrap_or_else(|| "unknown error".into()),
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub(crate) use browser::js_message;

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Shared {
        Shared {
            yaml: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client # é ✓ 🚀\n".into(),
            trace: Some(TraceSpec {
                from: "pod/client".into(),
                to: "svc/web:80".into(),
                proto: Protocol::Udp,
                seed: u64::MAX,
            }),
        }
    }

    #[test]
    fn frame_round_trips() {
        for s in [
            sample(),
            Shared {
                yaml: String::new(),
                trace: None,
            },
            Shared {
                yaml: (0u8..0x20)
                    .map(char::from)
                    .chain("\"\\/\u{7f}\u{2028}\u{ffff}\u{10ffff}".chars())
                    .collect(),
                trace: Some(TraceSpec {
                    from: "a\"b".into(),
                    to: "c\\d".into(),
                    proto: Protocol::Sctp,
                    seed: 0,
                }),
            },
            Shared {
                yaml: String::new(),
                trace: Some(TraceSpec {
                    from: "pod/client".into(),
                    to: "10.3.241.152".into(),
                    proto: Protocol::Icmp,
                    seed: 1,
                }),
            },
        ] {
            assert_eq!(unframe(&frame(&s)), Ok(s));
        }
    }

    #[test]
    fn frame_is_the_documented_json() {
        let text = String::from_utf8(frame(&sample())).unwrap();
        let (json, _) = text.rsplit_once('\n').unwrap();
        let v: Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"yaml": sample().yaml, "trace": {"from": "pod/client", "to": "svc/web:80", "proto": "udp", "seed": u64::MAX}})
        );
        let none = Shared {
            yaml: "x".into(),
            trace: None,
        };
        let json = r#"{"yaml":"x"}"#;
        assert_eq!(
            String::from_utf8(frame(&none)).unwrap(),
            format!("{json}\n{:08x}", fnv1a(json.as_bytes()))
        );
    }

    /// A payload frame around arbitrary text, with a right checksum.
    fn framed(text: &[u8]) -> Vec<u8> {
        let mut out = text.to_vec();
        out.extend_from_slice(format!("\n{:08x}", fnv1a(text)).as_bytes());
        out
    }

    #[test]
    fn fnv1a_is_the_standard_one() {
        assert_eq!(fnv1a(b""), 0x811c9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9cf968);
    }

    #[test]
    fn unframe_checks_the_checksum() {
        let good = frame(&sample());
        let mismatch = "its checksum does not match (it was changed or cut short)";
        let mut changed = good.clone();
        changed[12] ^= 1;
        let cases: [(Vec<u8>, &str); 4] = [
            (br#"{"yaml":""}"#.to_vec(), "its data has no checksum"),
            (b"{\"yaml\":\"\"}\n00000000".to_vec(), mismatch),
            (good[..good.len() - 1].to_vec(), mismatch),
            (changed, mismatch),
        ];
        for (bytes, want) in cases {
            assert_eq!(unframe(&bytes), Err(ShareError::Corrupt(want.into())));
        }
        let text = String::from_utf8(good).unwrap();
        let (json, sum) = text.rsplit_once('\n').unwrap();
        assert_eq!(sum.len(), 8);
        assert!(!json.contains('\n'));
    }

    #[test]
    fn unframe_names_what_is_wrong() {
        let cases: &[(&[u8], ShareError)] = &[
            (
                b"\xff\xfe",
                ShareError::Corrupt("its data is not UTF-8 text".into()),
            ),
            (
                b"[1]",
                ShareError::Corrupt("its data is not a JSON object".into()),
            ),
            (b"{}", ShareError::MissingField("yaml")),
            (
                br#"{"yaml": 1}"#,
                ShareError::BadField {
                    field: "yaml",
                    expected: "a string",
                },
            ),
            (
                br#"{"yaml": "", "trace": 3}"#,
                ShareError::BadField {
                    field: "trace",
                    expected: "an object or null",
                },
            ),
            (
                br#"{"yaml": "", "trace": {"to": "x", "proto": "tcp", "seed": 1}}"#,
                ShareError::MissingField("trace.from"),
            ),
            (
                br#"{"yaml": "", "trace": {"from": "x", "proto": "tcp", "seed": 1}}"#,
                ShareError::MissingField("trace.to"),
            ),
            (
                br#"{"yaml": "", "trace": {"from": "x", "to": "y", "seed": 1}}"#,
                ShareError::MissingField("trace.proto"),
            ),
            (
                br#"{"yaml": "", "trace": {"from": "x", "to": "y", "proto": "gre", "seed": 1}}"#,
                ShareError::BadField {
                    field: "trace.proto",
                    expected: "tcp, udp, sctp or icmp",
                },
            ),
            (
                br#"{"yaml": "", "trace": {"from": "x", "to": "y", "proto": "tcp"}}"#,
                ShareError::MissingField("trace.seed"),
            ),
            (
                br#"{"yaml": "", "trace": {"from": "x", "to": "y", "proto": "tcp", "seed": -1}}"#,
                ShareError::BadField {
                    field: "trace.seed",
                    expected: "an unsigned 64-bit integer",
                },
            ),
        ];
        for (bytes, want) in cases {
            // Not UTF-8 is found before the checksum; the rest behind a right one.
            let bytes = if bytes[0] == 0xff {
                bytes.to_vec()
            } else {
                framed(bytes)
            };
            assert_eq!(
                unframe(&bytes).as_ref(),
                Err(want),
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
        assert!(
            matches!(unframe(&framed(b"{\"yaml\":")), Err(ShareError::Corrupt(m)) if m.starts_with("its data is not JSON"))
        );
    }

    #[test]
    fn unframe_accepts_null_trace_upper_case_proto_and_unknown_members() {
        let got = unframe(&framed(br#"{"yaml": "y", "trace": null, "later": true}"#)).unwrap();
        assert_eq!(got.trace, None);
        let got = unframe(&framed(br#"{"yaml": "y", "trace": {"from": "internet", "to": "10.96.0.10:80", "proto": "TCP", "seed": 7}}"#)).unwrap();
        assert_eq!(got.trace.unwrap().proto, Protocol::Tcp);
    }

    #[test]
    fn fragment_round_trips_bytes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let f = fragment_for(&bytes).unwrap();
        assert!(f.starts_with("s=1."));
        assert!(f[4..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(parse_fragment(&f), Ok(Some((1, bytes.clone()))));
        assert_eq!(
            parse_fragment(&format!("#{f}")),
            Ok(Some((1, bytes.clone())))
        );
        assert_eq!(
            parse_fragment(&format!("#embed&{f}&h=300")),
            Ok(Some((1, bytes)))
        );
    }

    #[test]
    fn fragments_without_share_state_are_none() {
        for f in ["", "#", "#top", "#x=1&y=2", "section-s=1.AA"] {
            assert_eq!(parse_fragment(f), Ok(None), "{f}");
        }
    }

    #[test]
    fn parse_fragment_names_what_is_wrong() {
        assert_eq!(
            parse_fragment("#s=2.AAAA"),
            Err(ShareError::UnknownVersion("2".into()))
        );
        assert_eq!(
            parse_fragment("#s=AAAA"),
            Err(ShareError::UnknownVersion("AAAA".into()))
        );
        assert_eq!(
            parse_fragment("#s=x.AAAA"),
            Err(ShareError::UnknownVersion("x".into()))
        );
        assert!(matches!(
            parse_fragment("#s=1.AA*A"),
            Err(ShareError::BadBase64(_))
        ));
        assert!(matches!(
            parse_fragment("#s=1.A"),
            Err(ShareError::BadBase64(_))
        ));
        // Padding is tolerated.
        assert_eq!(parse_fragment("#s=1.AA=="), Ok(Some((1, vec![0]))));
        let long = format!("#s=1.{}", "A".repeat(MAX_FRAGMENT));
        assert_eq!(
            parse_fragment(&long),
            Err(ShareError::TooLarge {
                len: MAX_FRAGMENT + 4,
                max: MAX_FRAGMENT
            })
        );
    }

    #[test]
    fn too_large_tells_to_export_yaml() {
        let err = fragment_for(&vec![0u8; MAX_FRAGMENT]).unwrap_err();
        assert!(matches!(
            err,
            ShareError::TooLarge {
                max: MAX_FRAGMENT,
                ..
            }
        ));
        assert!(err.to_string().contains("export the YAML instead"), "{err}");
        // The largest that fits: 4 characters of prefix, 4 per 3 bytes.
        let fits = (MAX_FRAGMENT - 4) / 4 * 3;
        assert_eq!(fragment_for(&vec![0u8; fits]).unwrap().len(), MAX_FRAGMENT);
        assert!(fragment_for(&vec![0u8; fits + 1]).is_err());
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(
            ShareError::UnknownVersion("2".into()).to_string(),
            "this link uses share format `2`, which this version of k8s-netlab cannot read (it reads format 1)"
        );
        assert_eq!(
            ShareError::MissingField("trace.seed").to_string(),
            "the link's data has no `trace.seed`"
        );
        assert_eq!(
            ShareError::BadField {
                field: "trace.proto",
                expected: "tcp, udp, sctp or icmp"
            }
            .to_string(),
            "the link's data has a bad `trace.proto`: expected tcp, udp, sctp or icmp"
        );
    }
}
