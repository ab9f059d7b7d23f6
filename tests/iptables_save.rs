//! `Ruleset::to_save` against the real `iptables-save`: every node's
//! ruleset of every scenario the tests and the story know, loaded with
//! `iptables-nft-restore` into a network namespace of the test's own
//! (`unshare -n`, never the host's) and printed back by the kernel's
//! tools. Skipped, saying so, where the machine cannot (no iptables, not
//! root); the kernel check compares the same on every node it builds.
#![cfg(target_os = "linux")]

mod common;

use common::{files, load_named, read};
use k8s_netlab::kernel_check::lab::{normalize_save, Backend};
use k8s_netlab::kube_proxy::iptables::ruleset;
use std::process::Command;

/// What the kernel's `iptables-save` prints after `listing` is restored,
/// without its comment lines and with counters zeroed (as the kernel check
/// compares it); `Err` when this
/// machine cannot run it.
fn kernel_save(listing: &str) -> Result<String, String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| e.to_string())?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("not root".into());
    }
    for tool in ["iptables-nft-restore", "nfacct", "unshare"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map_or(true, |o| !o.status.success())
        {
            return Err(format!("{tool} is not installed"));
        }
    }
    let mut counters = std::collections::BTreeSet::new();
    for w in listing.split_whitespace().collect::<Vec<_>>().windows(2) {
        if w[0] == "--nfacct-name" {
            counters.insert(w[1].to_string());
        }
    }
    let script = format!(
        "{} iptables-nft-restore && iptables-nft-save",
        counters
            .iter()
            .map(|c| format!("nfacct add {c} >/dev/null;"))
            .collect::<String>()
    );
    let mut child = Command::new("unshare")
        .args(["-n", "sh", "-c", &script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(listing.as_bytes())
        .map_err(|e| e.to_string())?;
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    assert!(
        out.status.success(),
        "restore failed: {}\n{listing}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(normalize_save(
        &String::from_utf8_lossy(&out.stdout),
        Backend::Nft,
    ))
}

#[test]
fn to_save_prints_what_iptables_save_prints() {
    let mut checked = 0;
    for dir in ["static/scenarios", "tests/data/engine"] {
        for file in files(dir, "yaml") {
            let name = file.display().to_string();
            let s = load_named(&name, &read(&file)).scenario;
            for node in &s.nodes {
                let rs = ruleset(&s, &node.name).unwrap();
                let got = match kernel_save(&rs.to_listing()) {
                    Ok(g) => g,
                    Err(why) => {
                        eprintln!("skipped: {why}");
                        return;
                    }
                };
                let ours = normalize_save(&rs.to_save(), Backend::Nft);
                if ours != got {
                    let diff: Vec<String> = ours
                        .lines()
                        .zip(got.lines())
                        .filter(|(a, b)| a != b)
                        .take(5)
                        .map(|(a, b)| format!("  ours:   {a}\n  kernel: {b}"))
                        .collect();
                    panic!(
                        "{name} node {}: to_save differs from iptables-save ({} vs {} lines):\n{}",
                        node.name,
                        ours.lines().count(),
                        got.lines().count(),
                        diff.join("\n")
                    );
                }
                checked += 1;
            }
        }
    }
    println!("{checked} rulesets as iptables-save prints them");
}
