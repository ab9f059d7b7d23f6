//! `netlab embed`: the HTML a documentation author pastes for one widget.
//! Its inline posters are exactly `netlab draw`'s pictures of the same
//! scenario and request; its attributes say what the options say; linked
//! posters name files the site ships; bad input exits 2 naming what is
//! wrong and prints nothing on stdout.

// Native only: `netlab embed`'s markup (ui::snippet) is not in the wasm build.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::{code, netlab, stderr, stdout};
use k8s_netlab::model::presets::PRESETS;
use percent_encoding::percent_decode_str;

fn ok(args: &[&str]) -> Vec<String> {
    let mut all = vec!["embed"];
    all.extend_from_slice(args);
    let out = netlab(&all);
    assert_eq!(code(&out), 0, "netlab {all:?}: {}", stderr(&out));
    stdout(&out).lines().map(String::from).collect()
}

fn draw(args: &[&str]) -> String {
    let mut all = vec!["draw"];
    all.extend_from_slice(args);
    let out = netlab(&all);
    assert_eq!(code(&out), 0, "netlab {all:?}: {}", stderr(&out));
    stdout(&out)
}

/// The `data:` URLs' documents, in the order they appear.
fn inline_posters(html: &str) -> Vec<String> {
    html.split("data:image/svg+xml,")
        .skip(1)
        .map(|rest| {
            let url = &rest[..rest.find('"').unwrap()];
            percent_decode_str(url).decode_utf8().unwrap().into_owned()
        })
        .collect()
}

#[test]
fn a_preset_with_both_posters_inline_and_the_async_script() {
    let lines = ok(&["clusterip"]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let w = &lines[0];
    // The preset's own request: no data-trace; auto theme: no data-theme.
    assert!(
        w.starts_with(
            "<div data-netlab=\"clusterip\" style=\"container-type:inline-size\"><div class=\"netlab-box\" style=\"position:relative;overflow:hidden;height:max(320px,calc(56cqi + 300px))\"><picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"data:image/svg+xml,"
        ),
        "{w}"
    );
    assert!(w.contains("alt=\"k8s-netlab: A pod reaches a Service through its ClusterIP\""));
    let p = &PRESETS[0];
    let posters = inline_posters(w);
    assert_eq!(posters.len(), 2);
    // The <source> is the dark one, the <img> the light one.
    let drawn = |theme: &str| {
        draw(&[
            "static/scenarios/clusterip.yaml",
            "--from",
            p.from,
            "--to",
            p.to,
            "--theme",
            theme,
        ])
    };
    assert_eq!(posters[0], drawn("dark"));
    assert_eq!(posters[1], drawn("light"));
    assert_eq!(lines[1], "<script async src=\"embed.js\"></script>");
}

#[test]
fn a_file_with_a_request_a_fixed_theme_and_a_language() {
    // What the poster is drawn from, as `draw` takes it; then the widget's own options.
    let drawing = [
        "static/scenarios/nodeport.yaml",
        "--from",
        "10.100.0.10",
        "--to",
        "10.100.0.3:30080",
        "--theme",
        "dark",
        "--lang",
        "ko",
    ];
    let mut args = drawing.to_vec();
    args.extend([
        "--editable",
        "--click",
        "--id",
        "np",
        "--site",
        "https://docs.test/netlab",
        "--no-script",
    ]);
    let lines = ok(&args);
    assert_eq!(lines.len(), 1, "--no-script: the widget only");
    let w = &lines[0];
    assert!(
        w.starts_with("<div id=\"np\" data-netlab=\"static/scenarios/nodeport.yaml\" data-trace=\"10.100.0.10 -&gt; 10.100.0.3:30080\" data-editable data-lang=\"ko\" data-theme=\"dark\" data-load=\"click\" style=\"container-type:inline-size\">"),
        "{w}"
    );
    assert!(!w.contains("<picture>"), "a fixed theme: one image");
    assert_eq!(inline_posters(w), vec![draw(&drawing)]);
}

#[test]
fn linked_posters_are_files_the_site_ships() {
    for p in PRESETS {
        for (lang, ko) in [("en", ""), ("ko", "-ko")] {
            let lines = ok(&[
                p.id,
                "--lazy",
                "--lang",
                lang,
                "--site",
                "https://docs.test/n",
            ]);
            let w = &lines[0];
            for theme in ["light", "dark"] {
                let name = format!("posters/{}{ko}-{theme}.svg", p.id);
                assert!(
                    w.contains(&format!("https://docs.test/n/{name}")),
                    "{}: {name} in {w}",
                    p.id
                );
                assert!(common::root(&format!("static/{name}")).is_file(), "{name}");
            }
            assert!(w.contains("loading=\"lazy\""));
            // The preset's own request, given: the same poster.
            let own = ok(&[
                p.id,
                "--lazy",
                "--lang",
                lang,
                "--site",
                "https://docs.test/n",
                "--from",
                p.from,
                "--to",
                p.to,
            ]);
            assert_eq!(own[0].split(" style=").nth(1), w.split(" style=").nth(1));
            assert!(!w.contains("data:image"));
            assert_eq!(
                lines[1],
                "<script async src=\"https://docs.test/n/embed.js\"></script>"
            );
        }
    }
}

#[test]
fn a_fixed_height() {
    let w = &ok(&["nodeport", "--height", "420", "--theme", "light"])[0];
    assert!(w.contains(" data-height=\"420\""));
    assert!(w.contains(
        "<div class=\"netlab-box\" style=\"position:relative;overflow:hidden;height:420px\">"
    ));
    assert!(!w.contains("container-type"));
}

#[test]
fn bad_input_exits_2_and_says_what_is_wrong() {
    let bad = std::env::temp_dir().join(format!("netlab-embed-bad-{}.yaml", std::process::id()));
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\nspec:\n  podCIDR: 10.0.1.0/33\n",
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let rows: &[(&[&str], &str)] = &[
        (&["nope"], "nope: neither a preset id (clusterip, "),
        (
            &["static/scenarios/nodeport.yaml", "--lazy"],
            "--lazy links the site's poster files, which only presets have; static/scenarios/nodeport.yaml is not a preset id",
        ),
        (
            &["clusterip", "--from", "pod/nope", "--to", "svc/web:80"],
            "pod/nope",
        ),
        (&["clusterip", "--from", "pod/client"], "--to"),
        (
            &["clusterip", "--lazy", "--from", "internet", "--to", "svc/web:80"],
            "--lazy links the site's poster of clusterip, which shows its own request (pod/client -> svc/web:80), not --from internet --to svc/web:80",
        ),
        (&["clusterip", "--theme", "sepia"], "sepia"),
        (&[bad], "Node n1: spec.podCIDR: \"10.0.1.0/33\" is not a CIDR"),
    ];
    for (args, says) in rows {
        let mut all = vec!["embed"];
        all.extend_from_slice(args);
        let out = netlab(&all);
        assert_eq!(code(&out), 2, "netlab {all:?}");
        assert!(
            stderr(&out).contains(says),
            "netlab {all:?}: {}",
            stderr(&out)
        );
        assert_eq!(stdout(&out), "", "netlab {all:?}: nothing on stdout");
    }
    std::fs::remove_file(bad).unwrap();
}
