//! Browser tests of the share link and local storage, in headless chromium
//! through wasm-bindgen-test (scripts/test.sh runs them:
//! `cargo test --target wasm32-unknown-unknown --test web`). Native
//! `cargo test` compiles this file to nothing.
#![cfg(target_arch = "wasm32")]

use k8s_netlab::model::Protocol;
use k8s_netlab::ui::share::{self, ShareError, Shared, TraceSpec};
use k8s_netlab::ui::storage;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn with_trace(yaml: &str) -> Shared {
    Shared {
        yaml: yaml.into(),
        trace: Some(TraceSpec {
            from: "pod/client".into(),
            to: "svc/web:80".into(),
            proto: Protocol::Tcp,
            seed: 1234567890123,
        }),
    }
}

/// About 5 KB of scenario YAML.
fn big_yaml() -> String {
    let mut y = String::new();
    let mut i = 0;
    while y.len() < 5 * 1024 {
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-{i}\n  labels: {{app: web}}\nspec:\n  nodeName: node-{}\n  containers:\n  - name: web\n    ports: [{{containerPort: 80}}]\n",
            i % 3 + 1
        ));
        i += 1;
    }
    y
}

#[wasm_bindgen_test]
async fn round_trip() {
    let s = with_trace(share_yaml());
    let f = share::encode(&s).await.unwrap();
    assert!(f.starts_with("s=1."), "{f}");
    assert_eq!(share::decode(&f).await, Ok(Some(s.clone())));
    assert_eq!(share::decode(&format!("#{f}")).await, Ok(Some(s)));
}

fn share_yaml() -> &'static str {
    k8s_netlab::model::DEFAULT_SCENARIO
}

#[wasm_bindgen_test]
async fn round_trip_unicode_and_no_trace() {
    let s = Shared {
        yaml: "# Ünïcødé ✓ 🚀 漢字 — \u{0}\u{ffff}\nkind: Pod\n".into(),
        trace: None,
    };
    let f = share::encode(&s).await.unwrap();
    assert_eq!(share::decode(&f).await, Ok(Some(s)));
}

#[wasm_bindgen_test]
async fn round_trip_5kb_yaml_compresses() {
    let yaml = big_yaml();
    assert!(yaml.len() >= 5 * 1024);
    let s = with_trace(&yaml);
    let f = share::encode(&s).await.unwrap();
    assert!(
        f.len() < yaml.len() / 4,
        "{} chars for {} bytes",
        f.len(),
        yaml.len()
    );
    assert_eq!(share::decode(&f).await, Ok(Some(s)));
}

#[wasm_bindgen_test]
async fn not_a_share_fragment() {
    assert_eq!(share::decode("").await, Ok(None));
    assert_eq!(share::decode("#section-2").await, Ok(None));
}

#[wasm_bindgen_test]
async fn corrupt_and_truncated_data_are_errors() {
    let f = share::encode(&with_trace(&big_yaml())).await.unwrap();
    // Cut short (as a chat tool might), at a whole base64 quantum so
    // that the deflate stream, not the base64, is what is short.
    let mut cut = f[..f.len() / 2].to_string();
    while (cut.len() - "s=1.".len()) % 4 != 0 {
        cut.pop();
    }
    let err = share::decode(&cut).await.unwrap_err();
    assert!(
        matches!(err, ShareError::Corrupt(ref m) if m.contains("does not decompress")),
        "{err}"
    );
    // A character changed anywhere: deflate-raw has no checksum, the
    // payload's does.
    for i in (4..f.len() - 1).step_by(f.len() / 40) {
        let flipped = if &f[i..i + 1] == "A" { "B" } else { "A" };
        let changed = format!("{}{flipped}{}", &f[..i], &f[i + 1..]);
        let got = share::decode(&changed).await;
        assert!(
            matches!(got, Err(ShareError::Corrupt(_))),
            "at {i}: {got:?}"
        );
    }
    // Random bytes that are not a deflate stream.
    let garbage = share::fragment_for(&[0xff; 64]).unwrap();
    let err = share::decode(&garbage).await.unwrap_err();
    assert!(matches!(err, ShareError::Corrupt(_)), "{err}");
    assert!(err.to_string().starts_with("the link is damaged"), "{err}");
    // A valid deflate stream of something that is not the payload.
    let stored = [0x01, 0x02, 0x00, 0xfd, 0xff, b'h', b'i']; // a stored block "hi"
    let err = share::decode(&share::fragment_for(&stored).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ShareError::Corrupt(ref m) if m.contains("no checksum")),
        "{err}"
    );
    // Bad base64, unknown version.
    assert!(matches!(
        share::decode("#s=1.%%%").await,
        Err(ShareError::BadBase64(_))
    ));
    assert_eq!(
        share::decode("#s=9.AAAA").await,
        Err(ShareError::UnknownVersion("9".into()))
    );
}

#[wasm_bindgen_test]
async fn too_large_is_an_error() {
    // Incompressible text: a seeded xorshift spelling out hex.
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut yaml = String::new();
    // Hex compresses to about half: 40,000 characters make about 27,000 of base64.
    while yaml.len() < 40_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        yaml.push_str(&format!("{x:016x}"));
    }
    let err = match share::encode(&with_trace(&yaml)).await {
        Ok(f) => panic!("encoded to {} characters", f.len()),
        Err(e) => e,
    };
    assert!(matches!(err, ShareError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("export the YAML instead"));
}

#[wasm_bindgen_test]
fn storage_save_load() {
    storage::clear().unwrap();
    assert_eq!(storage::load(), Ok(None));
    let s = with_trace("kind: Pod # ✓\n");
    storage::save(&s).unwrap();
    assert_eq!(storage::load(), Ok(Some(s)));
    let raw = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item(storage::WORKSPACE_KEY)
        .unwrap()
        .unwrap();
    assert!(raw.contains(r#""v":1"#), "{raw}");
    let none = Shared {
        yaml: String::new(),
        trace: None,
    };
    storage::save(&none).unwrap();
    assert_eq!(storage::load(), Ok(Some(none)));
    storage::clear().unwrap();
    assert_eq!(storage::load(), Ok(None));
}

#[wasm_bindgen_test]
fn storage_unreadable_workspace_is_an_error() {
    let ls = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    ls.set_item(storage::WORKSPACE_KEY, "{not json").unwrap();
    let err = storage::load().unwrap_err();
    assert!(err.starts_with("the saved workspace is not JSON"), "{err}");
    storage::clear().unwrap();
}

#[wasm_bindgen_test]
fn storage_prefs() {
    assert_eq!(storage::load_pref("test-unset"), Ok(None));
    storage::save_pref("theme", "dark").unwrap();
    assert_eq!(storage::load_pref("theme"), Ok(Some("dark".into())));
    storage::save_pref("theme", "light").unwrap();
    assert_eq!(storage::load_pref("theme"), Ok(Some("light".into())));
}

#[wasm_bindgen_test]
fn storage_quota_is_an_error_not_a_panic() {
    // Local storage holds about 5 MB per origin; 6 MB of text cannot fit.
    let err = storage::save_pref("huge", &"x".repeat(6 << 20)).unwrap_err();
    assert!(err.starts_with("could not save to local storage"), "{err}");
}
