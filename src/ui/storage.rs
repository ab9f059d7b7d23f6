//! The user's work kept in the browser's local storage.
//!
//! The workspace is one key, [`WORKSPACE_KEY`], holding the share
//! payload's JSON object ([`crate::ui::share::json_text`]) with a format
//! version: `{"v": 1, "yaml": "...", "trace": {...}}` (`trace` absent when
//! none). The YAML tab's unapplied draft sits beside it under
//! [`DRAFT_KEY`], framed the same way without a trace (`{"v": 1, "yaml":
//! "..."}`), until it is applied or reverted. Small preferences are strings
//! under [`PREF_PREFIX`]`NAME`.
//!
//! Local storage can be missing (a sandboxed iframe, storage blocked),
//! throw (private browsing, the quota) or hold something unreadable: every
//! function returns an error sentence then, never panics. The JSON
//! handling is pure and tested natively; the storage calls exist for
//! `wasm32` only and are tested in headless chromium (`tests/web.rs`).

use crate::ui::share::{self, Shared};
use serde_json::Value;

/// The local storage key of the workspace.
pub const WORKSPACE_KEY: &str = "k8s-netlab/v1/workspace";

/// The local storage key of the YAML tab's unapplied draft.
pub const DRAFT_KEY: &str = "k8s-netlab/v1/yaml-draft";

/// The prefix of preference keys.
pub const PREF_PREFIX: &str = "k8s-netlab/v1/pref/";

/// The workspace format version written and read.
pub const VERSION: u32 = 1;

/// The stored text of a workspace.
pub fn to_json(shared: &Shared) -> String {
    share::json_text(shared, Some(VERSION))
}

/// A workspace from its stored text; the error says what is wrong.
pub fn from_json(text: &str) -> Result<Shared, String> {
    read(text, "workspace")
}

/// The stored text of an unapplied YAML draft.
pub fn draft_to_json(yaml: &str) -> String {
    to_json(&Shared {
        yaml: yaml.to_string(),
        trace: None,
    })
}

/// A YAML draft from its stored text; the error says what is wrong.
pub fn draft_from_json(text: &str) -> Result<String, String> {
    read(text, "YAML draft").map(|s| s.yaml)
}

/// `bytes` for a person: "850 KB", "2.1 MB".
pub fn size_words(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        let tenths = bytes.div_ceil(100_000);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// The versioned JSON of a workspace or a draft (`what`, in the errors).
fn read(text: &str, what: &str) -> Result<Shared, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("the saved {what} is not JSON ({e})"))?;
    // No `{v}` of a JSON value here: its Display is serde_json's whole
    // serializer in the wasm.
    match value.get("v").map(Value::as_u64) {
        Some(Some(v)) if v == u64::from(VERSION) => {}
        Some(Some(v)) => {
            return Err(format!(
                "the saved {what} has format {v}, which this version of k8s-netlab cannot read (it reads {VERSION})"
            ))
        }
        Some(None) => return Err(format!("the saved {what} has a bad format version (`v`)")),
        None => return Err(format!("the saved {what} has no format version (`v`)")),
    }
    share::from_json(&value).map_err(|e| match e {
        share::ShareError::MissingField(f) => format!("the saved {what} has no `{f}`"),
        share::ShareError::BadField { field, expected } => {
            format!("the saved {what} has a bad `{field}`: expected {expected}")
        }
        other => format!("the saved {what} is unreadable: {other}"),
    })
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::{
        draft_from_json, draft_to_json, from_json, to_json, DRAFT_KEY, PREF_PREFIX, WORKSPACE_KEY,
    };
    use crate::ui::share::{js_message, Shared};
    use web_sys::Storage;

    fn storage() -> Result<Storage, String> {
        let window = web_sys::window().ok_or("local storage is unavailable here (no window)")?;
        match window.local_storage() {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err("local storage is unavailable in this browser".into()),
            Err(e) => Err(format!(
                "local storage is blocked (private browsing or site settings): {}",
                js_message(&e)
            )),
        }
    }

    fn get(key: &str) -> Result<Option<String>, String> {
        storage()?
            .get_item(key)
            .map_err(|e| format!("could not read local storage: {}", js_message(&e)))
    }

    fn set(key: &str, value: &str) -> Result<(), String> {
        storage()?.set_item(key, value).map_err(|e| {
            format!(
                "could not save to local storage (it may be full): {}",
                js_message(&e)
            )
        })
    }

    /// The saved workspace, `Ok(None)` when nothing is saved.
    pub fn load() -> Result<Option<Shared>, String> {
        get(WORKSPACE_KEY)?.map(|t| from_json(&t)).transpose()
    }

    /// Saves the workspace, replacing the saved one.
    pub fn save(shared: &Shared) -> Result<(), String> {
        set(WORKSPACE_KEY, &to_json(shared))
    }

    /// Forgets the saved workspace.
    pub fn clear() -> Result<(), String> {
        storage()?
            .remove_item(WORKSPACE_KEY)
            .map_err(|e| format!("could not clear local storage: {}", js_message(&e)))
    }

    /// The YAML tab's unapplied draft, `Ok(None)` when there is none.
    pub fn load_draft() -> Result<Option<String>, String> {
        get(DRAFT_KEY)?.map(|t| draft_from_json(&t)).transpose()
    }

    /// Whether an unapplied draft is kept (without reading it).
    pub fn has_draft() -> bool {
        storage()
            .ok()
            .and_then(|s| s.get_item(DRAFT_KEY).ok().flatten())
            .is_some()
    }

    /// Keeps the YAML tab's draft, replacing the kept one. When it does
    /// not fit, the older draft is dropped too (restoring it later would
    /// bring back text the user has since changed) and the workspace is
    /// left as it is.
    pub fn save_draft(yaml: &str) -> Result<(), String> {
        let result = set(DRAFT_KEY, &draft_to_json(yaml));
        if result.is_err() {
            let _ = clear_draft();
        }
        result
    }

    /// Drops the kept draft (applied or reverted).
    pub fn clear_draft() -> Result<(), String> {
        storage()?
            .remove_item(DRAFT_KEY)
            .map_err(|e| format!("could not clear local storage: {}", js_message(&e)))
    }

    /// A preference (`theme`, ...), `Ok(None)` when unset.
    pub fn load_pref(key: &str) -> Result<Option<String>, String> {
        get(&format!("{PREF_PREFIX}{key}"))
    }

    /// Sets a preference.
    pub fn save_pref(key: &str, value: &str) -> Result<(), String> {
        set(&format!("{PREF_PREFIX}{key}"), value)
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::{
    clear, clear_draft, has_draft, load, load_draft, load_pref, save, save_draft, save_pref,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Protocol;
    use crate::ui::share::TraceSpec;

    #[test]
    fn round_trips_with_a_version() {
        let s = Shared {
            yaml: "kind: Pod # ✓\n".into(),
            trace: Some(TraceSpec {
                from: "internet".into(),
                to: "10.96.0.10:80".into(),
                proto: Protocol::Tcp,
                seed: 42,
            }),
        };
        let text = to_json(&s);
        assert_eq!(
            text,
            r#"{"v":1,"yaml":"kind: Pod # ✓\n","trace":{"from":"internet","to":"10.96.0.10:80","proto":"tcp","seed":42}}"#
        );
        assert_eq!(from_json(&text), Ok(s));
        let none = Shared {
            yaml: String::new(),
            trace: None,
        };
        assert_eq!(to_json(&none), r#"{"v":1,"yaml":""}"#);
        assert_eq!(from_json(&to_json(&none)), Ok(none));
    }

    #[test]
    fn a_draft_round_trips_in_its_own_frame() {
        let yaml = "kind: Service\nmetadata: {name: \"x\"}\n\tbad: [\n# 한국어 ✓\n";
        let text = draft_to_json(yaml);
        assert_eq!(
            text,
            r#"{"v":1,"yaml":"kind: Service\nmetadata: {name: \"x\"}\n\tbad: [\n# 한국어 ✓\n"}"#
        );
        assert_eq!(draft_from_json(&text).as_deref(), Ok(yaml));
        assert_eq!(draft_from_json(&draft_to_json("")).as_deref(), Ok(""));
        // A big draft survives whole.
        let big = "- a: \"b\\c\"\n".repeat(200_000);
        assert_eq!(draft_from_json(&draft_to_json(&big)), Ok(big));
        assert_ne!(DRAFT_KEY, WORKSPACE_KEY);
        assert!(DRAFT_KEY.starts_with("k8s-netlab/v1/"));
    }

    #[test]
    fn a_bad_draft_says_so_as_a_draft() {
        assert!(draft_from_json("{")
            .unwrap_err()
            .starts_with("the saved YAML draft is not JSON"));
        assert_eq!(
            draft_from_json(r#"{"v": 2, "yaml": ""}"#).unwrap_err(),
            "the saved YAML draft has format 2, which this version of k8s-netlab cannot read (it reads 1)"
        );
        assert_eq!(
            draft_from_json(r#"{"v": 1}"#).unwrap_err(),
            "the saved YAML draft has no `yaml`"
        );
        assert_eq!(
            draft_from_json(r#"{"yaml": "a"}"#).unwrap_err(),
            "the saved YAML draft has no format version (`v`)"
        );
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(size_words(0), "0 KB");
        assert_eq!(size_words(1), "1 KB");
        assert_eq!(size_words(850_000), "850 KB");
        assert_eq!(size_words(1_000_000), "1.0 MB");
        assert_eq!(size_words(2_000_057), "2.1 MB");
        assert_eq!(size_words(5_200_000), "5.2 MB");
    }

    #[test]
    fn says_what_is_wrong() {
        assert!(from_json("{")
            .unwrap_err()
            .starts_with("the saved workspace is not JSON"));
        assert_eq!(
            from_json(r#"{"yaml": ""}"#).unwrap_err(),
            "the saved workspace has no format version (`v`)"
        );
        assert_eq!(
            from_json(r#"{"v": 2, "yaml": ""}"#).unwrap_err(),
            "the saved workspace has format 2, which this version of k8s-netlab cannot read (it reads 1)"
        );
        assert_eq!(
            from_json(r#"{"v": "1", "yaml": ""}"#).unwrap_err(),
            "the saved workspace has a bad format version (`v`)"
        );
        assert_eq!(
            from_json(r#"{"v": 1}"#).unwrap_err(),
            "the saved workspace has no `yaml`"
        );
        assert_eq!(
            from_json(r#"{"v": 1, "yaml": "", "trace": {"from": "a", "to": "b", "proto": "x", "seed": 1}}"#)
                .unwrap_err(),
            "the saved workspace has a bad `trace.proto`: expected tcp, udp, sctp or icmp"
        );
        assert_eq!(
            from_json("[]").unwrap_err(),
            "the saved workspace has no format version (`v`)"
        );
    }
}
