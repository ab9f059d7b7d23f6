//! The crate's layers (see the crate map in `src/lib.rs`): `src/linux` is
//! the bottom one and must import nothing from the layers built on it.
//! The compiler cannot refuse a `use crate::model` inside one crate, so
//! this test greps the sources, as rust-analyzer's tidy tests do.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.expect("dir entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The lines that name `crate::{layer}` or `k8s_netlab::{layer}` outside a
/// comment. (Files under src/linux name each other by `crate::linux::` or
/// a single `super::`, never climbing out to the crate root.)
fn offending_lines(text: &str, forbidden: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        for layer in forbidden {
            for prefix in ["crate::", "k8s_netlab::"] {
                if code.contains(&format!("{prefix}{layer}")) {
                    bad.push(format!("{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    bad
}

#[test]
fn linux_imports_nothing_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/linux");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 5, "found only {files:?}");
    let forbidden = [
        "model",
        "kube_proxy",
        "engine",
        "ui",
        "kernel_check",
        "lang",
    ];
    let mut bad = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("readable source");
        for l in offending_lines(&text, &forbidden) {
            bad.push(format!("{}:{l}", f.display()));
        }
    }
    assert!(
        bad.is_empty(),
        "src/linux imports a layer above it:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    let bad = offending_lines(
        "use crate::hash::HashMap;\nuse crate::model::Protocol; // no\n// crate::engine in a comment\n",
        &["model", "engine"],
    );
    assert_eq!(bad, ["2: use crate::model::Protocol; // no"]);
}

/// Kubernetes knowledge stays above `src/linux`: no kube-proxy chain name
/// is written there (kube-proxy's chain order, `chain_order`, lives in
/// `kube_proxy::iptables`; the linux layer prints chains as a table holds
/// them). Comments and tests (whose rulesets are data) may name them.
#[test]
fn linux_names_no_kube_proxy_chain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/linux");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut bad = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f).expect("readable source");
        let lines = text.lines().take_while(|l| l.trim() != "#[cfg(test)]");
        for (i, line) in lines.enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("\"KUBE-") || code.contains(":KUBE-") || code.contains(" KUBE-") {
                bad.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "src/linux names kube-proxy's chains:\n{}",
        bad.join("\n")
    );
}
