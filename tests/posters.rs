//! The embeds' posters (`static/posters/`, copied into the site by Trunk)
//! are `netlab draw`'s output for each preset with its own request, light
//! and dark, English and Korean. They are committed rather than built by
//! a Trunk hook (no native build inside the site's build); this test fails
//! when one is missing or stale and names the command that rewrites them:
//! `scripts/posters.sh` (`NETLAB_UPDATE_POSTERS=1 cargo test --test posters`).
//! It also keeps `static/embed.js`'s list of presets with posters in step.

// Native only: `netlab embed`'s markup (ui::snippet) is not in the wasm build.
#![cfg(not(target_arch = "wasm32"))]

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

/// `static/demo.html` is written as a documentation author would write it
/// with `netlab embed`: each `<!-- netlab embed ARGS -->` comment is
/// followed by that command's output, and the page's Content-Security-Policy
/// allows exactly its inline `<style>` and the widgets' `style` attributes
/// by hash. Stale lines are rewritten by `scripts/posters.sh`.
#[test]
fn demo_page_is_current() {
    let path = root().join("static/demo.html");
    let page = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = page.lines().map(String::from).collect();
    let mut stale = Vec::new();
    let mut widgets = 0;
    for i in 0..lines.len() {
        let line = lines[i].trim();
        let Some(cmd) = line
            .strip_prefix("<!-- netlab embed ")
            .and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        widgets += 1;
        let args: Vec<&str> = std::iter::once("embed")
            .chain(cmd.split_whitespace())
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_netlab"))
            .args(&args)
            .output()
            .expect("netlab runs");
        assert!(
            out.status.success(),
            "netlab {cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = String::from_utf8(out.stdout).unwrap();
        let html = html.trim_end();
        assert!(!html.contains('\n'), "one line with --no-script: {html}");
        let indent = &lines[i][..lines[i].len() - lines[i].trim_start().len()];
        let want = format!("{indent}{html}");
        if lines.get(i + 1) != Some(&want) {
            stale.push(format!("line {}: netlab embed {cmd}", i + 2));
            lines[i + 1] = want;
        }
    }
    assert_eq!(widgets, 3, "the demo page's three widgets");
    // The policy from what the page holds.
    let text = lines.join("\n");
    let mut hashes: Vec<String> = Vec::new();
    let mut add = |t: &str| {
        let h = k8s_netlab::ui::snippet::csp_hash(t);
        if !hashes.contains(&h) {
            hashes.push(h);
        }
    };
    // Style elements: a `<style>` tag that starts its line.
    for (at, _) in text.match_indices("<style>") {
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        if !text[line_start..at].trim().is_empty() {
            continue;
        }
        let body = &text[at + "<style>".len()..];
        add(&body[..body.find("</style>").expect("</style>")]);
    }
    for part in text.split(" style=\"").skip(1) {
        add(&part[..part.find('"').unwrap()]);
    }
    let csp = format!(
        "default-src 'none'; script-src 'self'; frame-src 'self'; style-src 'unsafe-hashes' {}; img-src 'self' data:",
        hashes.join(" ")
    );
    let at = lines
        .iter()
        .position(|l| l.contains("http-equiv=\"Content-Security-Policy\""))
        .expect("the demo page has a CSP");
    let indent = &lines[at][..lines[at].len() - lines[at].trim_start().len()];
    let want = format!("{indent}<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">");
    if lines[at] != want {
        stale.push(format!("line {}: the Content-Security-Policy", at + 1));
        lines[at] = want;
    }
    if std::env::var_os("NETLAB_UPDATE_POSTERS").is_some() {
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    } else {
        assert!(
            stale.is_empty(),
            "static/demo.html is stale (run scripts/posters.sh): {stale:?}"
        );
    }
}

/// docs/embedding.md gives a page's policy for `netlab embed`'s markup:
/// the hashes it lists are the markup's own.
#[test]
fn the_embedding_guide_lists_the_snippets_style_hashes() {
    let doc = std::fs::read_to_string(root().join("docs/embedding.md")).unwrap();
    let doc = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    let want = k8s_netlab::ui::snippet::csp_style_sources();
    assert!(
        doc.contains(&format!("style-src {want}")),
        "docs/embedding.md should say `style-src {want}`"
    );
}
