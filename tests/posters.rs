//! The embeds' posters (`static/posters/`, copied into the site by Trunk)
//! are `netlab draw`'s output for each preset with its own request, light
//! and dark, English and Korean. They are committed rather than built by
//! a Trunk hook (no native build inside the site's build); this test fails
//! when one is missing or stale and names the command that rewrites them:
//! `scripts/posters.sh` (`NETLAB_UPDATE_POSTERS=1 cargo test --test posters`).
//! It also keeps `static/embed.js`'s list of presets with posters in step.

mod common;

use k8s_netlab::model::presets::PRESETS;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `netlab draw - --from F --to T --theme THEME --lang LANG` over the
/// preset's YAML.
fn draw(yaml: &str, from: &str, to: &str, theme: &str, lang: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .args([
            "draw", "-", "--from", from, "--to", to, "--theme", theme, "--lang", lang,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlab runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `posters/ID-THEME.svg` (English) and `posters/ID-ko-THEME.svg`.
fn poster_path(id: &str, lang: &str, theme: &str) -> PathBuf {
    let name = if lang == "en" {
        format!("{id}-{theme}.svg")
    } else {
        format!("{id}-{lang}-{theme}.svg")
    };
    root().join("static/posters").join(name)
}

#[test]
fn posters_are_current() {
    let update = std::env::var_os("NETLAB_UPDATE_POSTERS").is_some();
    let mut stale = Vec::new();
    let mut sizes = Vec::new();
    for p in PRESETS {
        for lang in ["en", "ko"] {
            for theme in ["light", "dark"] {
                let svg = draw(p.yaml, p.from, p.to, theme, lang);
                assert!(svg.contains("<polyline "), "{}: the request's trail", p.id);
                // Well-formed XML: an `<img>` shows nothing of a poster a
                // strict parser refuses (Firefox does, for a duplicate
                // attribute).
                if let Err(e) = common::check_xml(&svg) {
                    panic!("{} {lang} {theme}: not well-formed XML: {e}", p.id);
                }
                let path = poster_path(p.id, lang, theme);
                sizes.push(svg.len());
                if update {
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(&path, &svg).unwrap();
                } else if std::fs::read_to_string(&path).ok().as_deref() != Some(svg.as_str()) {
                    stale.push(path.display().to_string());
                }
            }
        }
    }
    println!(
        "posters: {} files, {}..{} bytes",
        sizes.len(),
        sizes.iter().min().unwrap(),
        sizes.iter().max().unwrap()
    );
    assert!(
        stale.is_empty(),
        "stale or missing posters (run scripts/posters.sh): {stale:?}"
    );
}

#[test]
fn embed_js_knows_every_preset_with_a_poster() {
    let js = std::fs::read_to_string(root().join("static/embed.js")).unwrap();
    let line = js
        .lines()
        .find(|l| l.trim_start().starts_with("var POSTERS = "))
        .expect("embed.js: var POSTERS = [...]");
    let ids: Vec<&str> = PRESETS.iter().map(|p| p.id).collect();
    let listed: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
    assert_eq!(listed, ids, "embed.js's POSTERS");
}
