//! Fixtures shared by the integration tests: where the test data is, and
//! reading and loading it with the file named in every failure. A test
//! file that uses them says `mod common;` (cargo does not build
//! `tests/common/mod.rs` as a test of its own).

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]
#![allow(dead_code)]

use k8s_netlab::model::{self, Scenario};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A path under the repository's root.
pub fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A path under `tests/data/`.
pub fn data(rel: &str) -> PathBuf {
    root("tests/data").join(rel)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of a file under `tests/data/`.
pub fn read_data(rel: &str) -> String {
    read(&data(rel))
}

/// The files of `dir` (under the root) ending in `.ext`, sorted.
pub fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

/// Loads `text`, which must be valid (`name` says which text in a failure).
pub fn load_named(name: &str, text: &str) -> model::Loaded {
    model::load(text).unwrap_or_else(|e| panic!("{name} does not load:\n{e:#?}"))
}

/// The scenario of `text`, which must be valid.
pub fn load(text: &str) -> Scenario {
    load_named("scenario", text).scenario
}

/// Runs the `netlab` binary with `args` (the CLI tests).
pub fn netlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netlab"))
        .args(args)
        .output()
        .expect("netlab runs")
}

/// A finished command's exit code.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A command's standard output as JSON (the output in the failure).
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}

/// The root element's name if `s` is a well-formed XML document, as
/// strict as Firefox's parser (expat): roxmltree for the document, and
/// quick-xml's attribute checks for a namespace declared twice (which
/// roxmltree lets through and expat refuses as a duplicate attribute).
pub fn check_xml(s: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    let doc = roxmltree::Document::parse(s).map_err(|e| e.to_string())?;
    let mut reader = quick_xml::Reader::from_str(s);
    loop {
        let at = reader.buffer_position();
        match reader
            .read_event()
            .map_err(|e| format!("at byte {at}: {e}"))?
        {
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    a.map_err(|e| format!("at byte {at}: {e}"))?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(doc.root_element().tag_name().name().to_string())
}
