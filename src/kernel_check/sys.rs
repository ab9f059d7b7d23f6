//! Processes, namespaces and their teardown: every namespace and process
//! the check creates is recorded in one registry, so a guard's `Drop`, a
//! signal (Ctrl-C, SIGTERM, SIGHUP) or the overall timeout can remove them
//! all. Nothing here touches the host namespace's links or addresses.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;

/// What exists right now and must go on teardown.
struct Registry {
    namespaces: Vec<String>,
    pids: Vec<u32>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    namespaces: Vec::new(),
    pids: Vec::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn register_ns(name: &str) {
    registry().namespaces.push(name.to_string());
}

pub fn unregister_ns(name: &str) {
    registry().namespaces.retain(|n| n != name);
}

pub fn register_pid(pid: u32) {
    registry().pids.push(pid);
}

pub fn unregister_pid(pid: u32) {
    registry().pids.retain(|p| *p != pid);
}

/// Kills every registered process and deletes every registered
/// namespace (used by signals and the timeout; guards clean up their own).
pub fn teardown_all() {
    let (pids, namespaces) = {
        let mut r = registry();
        (
            std::mem::take(&mut r.pids),
            std::mem::take(&mut r.namespaces),
        )
    };
    for pid in pids {
        // SAFETY: kill(2) on a pid we spawned; no memory is involved.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
    }
    for ns in namespaces {
        let _ = Command::new("ip")
            .args(["netns", "del", &ns])
            .stderr(Stdio::null())
            .status();
    }
}

/// Blocks SIGINT, SIGTERM and SIGHUP in this thread (and the threads it
/// spawns afterwards) and starts a thread that waits for them: on one, it
/// tears everything down and exits 130. Call before spawning any thread.
/// `timeout` (seconds) does the same when the whole run takes too long.
pub fn install_teardown(timeout: u64) {
    // SAFETY: plain libc signal-set calls on a local, initialised sigset.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigaddset(&mut set, libc::SIGHUP);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    };
    std::thread::spawn(move || {
        let mut sig: libc::c_int = 0;
        // SAFETY: sigwait on the set blocked above.
        unsafe {
            libc::sigwait(&set, &mut sig);
        }
        eprintln!("kernel-check: signal {sig}: tearing down the namespaces");
        teardown_all();
        std::process::exit(130);
    });
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(timeout));
        eprintln!("kernel-check: timed out after {timeout} s: tearing down the namespaces");
        teardown_all();
        println!("kernel-check: timed out after {timeout} s");
        std::process::exit(1);
    });
}

/// A command whose child unblocks the signals the parent blocked and dies
/// with the thread that spawned it (so nothing outlives the check).
pub fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        c.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::pthread_sigmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    c
}

/// Runs a command to completion, feeding `stdin`; an error says what ran
/// and what it printed.
pub fn run(program: &str, args: &[&str], stdin: Option<&str>) -> Result<Output, String> {
    let mut c = command(program);
    c.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c
        .spawn()
        .map_err(|e| format!("{program} {}: {e}", args.join(" ")))?;
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("piped stdin");
        pipe.write_all(text.as_bytes())
            .map_err(|e| format!("{program}: writing stdin: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {} failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out)
}

/// Runs `program args` inside namespace `ns`.
pub fn run_in(
    ns: &str,
    program: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> Result<Output, String> {
    let mut full = vec!["netns", "exec", ns, program];
    full.extend_from_slice(args);
    run("ip", &full, stdin).map_err(|e| format!("in {ns}: {e}"))
}

/// `ip -n NS -batch -` with one command a line.
pub fn ip_batch(ns: &str, lines: &[String]) -> Result<(), String> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut text = lines.join("\n");
    text.push('\n');
    run("ip", &["-n", ns, "-batch", "-"], Some(&text))
        .map(|_| ())
        .map_err(|e| format!("{e}\n  batch was:\n    {}", lines.join("\n    ")))
}

/// Creates a namespace and records it for teardown.
pub fn add_ns(name: &str) -> Result<(), String> {
    register_ns(name);
    run("ip", &["netns", "add", name], None).map(|_| ())
}

pub fn del_ns(name: &str) {
    let _ = Command::new("ip")
        .args(["netns", "del", name])
        .stderr(Stdio::null())
        .status();
    unregister_ns(name);
}

/// A long-running process inside a namespace (a server), recorded.
pub fn spawn_in(ns: &str, program: &str, args: &[String]) -> Result<Child, String> {
    spawn(ns, program, args, Stdio::inherit())
}

/// A process inside a namespace whose stdout and stderr the caller reads
/// (a capture), recorded.
pub fn spawn_piped_in(ns: &str, program: &str, args: &[&str]) -> Result<Child, String> {
    spawn(ns, program, args, Stdio::piped())
}

/// `program` inside `ns` with its stdout piped to the caller, recorded.
fn spawn<A: AsRef<std::ffi::OsStr>>(
    ns: &str,
    program: &str,
    args: &[A],
    stderr: Stdio,
) -> Result<Child, String> {
    let mut c = command("ip");
    c.args(["netns", "exec", ns, program])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr);
    let child = c.spawn().map_err(|e| format!("in {ns}: {program}: {e}"))?;
    register_pid(child.id());
    Ok(child)
}

/// Whether `program` is on PATH.
pub fn have(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}
