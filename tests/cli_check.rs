//! `netlab check` as a contract: exit 0 on a valid scenario, 2 with every
//! problem on stderr (naming object and field) on an invalid one; "-" reads
//! stdin.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn netlab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_netlab"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check_stdin(text: &str) -> Output {
    let mut child = netlab()
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlab runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch file for one test, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, contents: &str) -> Self {
        let path = std::env::temp_dir().join(format!("netlab-cli-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

const INVALID: &str = "\
apiVersion: v1
kind: Node
metadata:
  name: node-1
status:
  addresses:
  - type: InternalIP
    address: 10.100.0.2
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
  - port: 80
    nodePort: 99999
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  nodeName: node-9
";

#[test]
fn a_valid_file_exits_0_with_a_summary() {
    let file = root().join("static/scenarios/clusterip.yaml");
    let out = netlab().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("ok: 3 nodes, 3 pods, 1 service, 2 endpoints"),
        "{stdout}"
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

#[test]
fn kubectl_output_checks_with_notes_on_stderr() {
    let file = root().join("tests/data/kubectl/gke-story.yaml");
    let out = netlab().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("Pod kube-system/kube-proxy-node-1: spec.hostNetwork"),
        "{stderr}"
    );
    assert!(stderr.lines().all(|l| l.starts_with("note: ")), "{stderr}");
}

/// A real cluster's output: what was inferred is said on stderr, one
/// `note:` line each, and `export` writes the inferred Cluster out.
#[test]
fn a_pasted_cluster_is_inferred_said_and_exported() {
    let file = root().join("tests/data/clusters/kind.yaml");
    let out = netlab().arg("check").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    for want in [
        "spec.nodeCIDR: 172.18.0.0/24",
        "spec.podCIDR: 10.244.0.0/16",
        "spec.serviceCIDR: 10.96.0.0/12",
    ] {
        assert_eq!(
            notes.iter().filter(|l| l.contains(want)).count(),
            1,
            "{want} once in:\n{stderr}"
        );
    }
    let out = netlab().arg("export").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let yaml = text(&out.stdout);
    for want in [
        "kind: Cluster",
        "nodeCIDR: 172.18.0.0/24",
        "podCIDR: 10.244.0.0/16",
        "serviceCIDR: 10.96.0.0/12",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in the export");
    }
    // The export loads with nothing left to infer.
    let scratch = Scratch::new("exported.yaml", &yaml);
    let out = netlab().arg("check").arg(&scratch.0).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("note:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn an_invalid_file_exits_2_naming_object_and_field() {
    let scratch = Scratch::new("invalid.yaml", INVALID);
    let out = netlab().arg("check").arg(&scratch.0).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for want in [
        "error: Service default/web: spec.ports[0].nodePort: 99999 is out of range 1-65535",
        "error: Pod default/client: spec.nodeName: unknown node \"node-9\"",
        "2 error(s)",
    ] {
        assert!(stderr.contains(want), "missing {want:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains("Node node-1"),
        "a valid object was reported:\n{stderr}"
    );
    assert!(
        text(&out.stdout).is_empty(),
        "nothing on stdout: {}",
        text(&out.stdout)
    );
}

#[test]
fn stdin_is_read_for_dash() {
    let valid = std::fs::read_to_string(root().join("static/scenarios/nodeport.yaml")).unwrap();
    let out = check_stdin(&valid);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("-: ok:"),
        "{}",
        text(&out.stdout)
    );

    let out = check_stdin(INVALID);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("-: error: Service default/web: spec.ports[0].nodePort"));

    let json = std::fs::read_to_string(root().join("tests/data/kubectl/gke-story.json")).unwrap();
    let out = check_stdin(&json);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
}

#[test]
fn a_syntax_error_exits_2_with_its_line() {
    let out = check_stdin("apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels: [a\n");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: line 5: invalid YAML"), "{stderr}");
}

#[test]
fn a_missing_file_exits_2() {
    let out = netlab()
        .args(["check", "/nonexistent/netlab/scenario.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("/nonexistent/netlab/scenario.yaml"));
}

#[test]
fn bad_usage_exits_2() {
    // clap's usage errors use exit code 2 as well.
    let out = netlab().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
