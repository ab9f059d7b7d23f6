//! `netlab kernel-check`: the engine against a real Linux kernel (native,
//! Linux, root). Each scenario's network is built inside network
//! namespaces the check creates ([`lab`]): the VPC segment and the outside
//! network as bridges in a switch namespace, a namespace per node (eth0,
//! the cbr0 bridge, kube-proxy's rules loaded with `iptables-restore`, the
//! sysctls a node needs), per pod (a veth into its node's bridge, hairpin
//! on, its routes and a server on its container ports), the VPC router,
//! the internet client, a node-network host and the load balancers. The
//! requests of [`checks`] are asked of the engine (`paths`) and made
//! for real, enough times to see each predicted outcome ([`compare`]).
//! Nothing is linked to the host namespace; everything is removed on
//! success, failure, timeout and signals ([`sys`]).

pub mod compare;
pub mod gen;
pub mod lab;
pub mod probe;
pub mod sys;

use crate::engine::checks;
use crate::engine::paths::paths;
use crate::engine::topology::{pod_ref, Topology};
use crate::engine::trace::{Leg, Request, Source, World};
use crate::linux::netfilter::SeededChooser;
use crate::model::{self, defaults, Protocol, ProxyMode};
use compare::{Class, Predicted};
use lab::{Backend, Lab};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// What `netlab kernel-check` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub files: Vec<String>,
    /// How many random scenarios, from `seed` on.
    pub random: u64,
    pub seed: u64,
    /// The kube-proxy modes every scenario is checked in (each node of
    /// the scenario set to it), one after the other.
    pub modes: Vec<ProxyMode>,
    pub backend: Backend,
    /// Seconds the whole run may take before it is torn down.
    pub timeout: u64,
    /// Scenarios checked at once.
    pub jobs: usize,
    /// A connection attempt's timeout, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Run each hop's `tcpdump` while the connections are made (the
    /// scenarios of files only, not the random ones).
    pub tcpdump: bool,
    pub verbose: bool,
}

struct Case {
    name: String,
    text: String,
    random: bool,
    mode: ProxyMode,
}

/// What one scenario came to.
#[derive(Default)]
struct Report {
    requests: usize,
    /// tcpdump captures compared, and the time they added.
    captures: usize,
    capture_time: std::time::Duration,
    mismatches: Vec<String>,
}

/// Runs the check; returns the process exit code (0: no mismatch, 1:
/// mismatches, 2: bad input, 3: the machine cannot run the check).
pub fn run(opts: &Options) -> u8 {
    if let Some(m) = opts
        .modes
        .iter()
        .find(|m| !matches!(m, ProxyMode::Iptables | ProxyMode::Nftables))
    {
        eprintln!(
            "kernel-check: kube-proxy mode {} is not modelled (iptables, nftables)",
            m.as_str()
        );
        return 2;
    }
    let mut tools = vec!["ip", "sysctl", "sh", "conntrack", "nfacct"];
    // The load balancers' rules are iptables in every mode.
    tools.push(opts.backend.restore());
    if opts.modes.contains(&ProxyMode::Nftables) {
        tools.push("nft");
    }
    if opts.tcpdump && !opts.files.is_empty() {
        tools.push("tcpdump");
    }
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !sys::have(t)).collect();
    if !missing.is_empty() {
        eprintln!(
            "kernel-check: FAILED: missing tools: {} (Debian: apt-get install iproute2 iptables nftables conntrack nfacct procps tcpdump)",
            missing.join(", ")
        );
        return 3;
    }
    sys::install_teardown(opts.timeout);
    let run_id = std::process::id();
    let probe = format!("nlk{run_id}-probe");
    if let Err(e) = sys::add_ns(&probe) {
        sys::del_ns(&probe);
        eprintln!(
            "kernel-check: FAILED: this machine cannot create network namespaces (root and CAP_SYS_ADMIN are needed): {e}"
        );
        return 3;
    }
    sys::del_ns(&probe);

    let mut inputs = Vec::new();
    for f in &opts.files {
        match std::fs::read_to_string(f) {
            Ok(text) => inputs.push((f.clone(), text, false)),
            Err(e) => {
                eprintln!("kernel-check: {f}: {e}");
                return 2;
            }
        }
    }
    for seed in opts.seed..opts.seed + opts.random {
        inputs.push((format!("random:{seed}"), gen::scenario(seed), true));
    }
    // Every input in every mode asked for; a name says its mode when
    // there is more than one.
    let mut cases = Vec::new();
    for &mode in &opts.modes {
        for (name, text, random) in &inputs {
            cases.push(Case {
                name: if opts.modes.len() > 1 {
                    format!("{name} [{}]", mode.as_str())
                } else {
                    name.clone()
                },
                text: text.clone(),
                random: *random,
                mode,
            });
        }
    }
    let exe = match std::env::current_exe() {
        Ok(p) => p.to_string_lossy().into_owned(),
        Err(e) => {
            eprintln!("kernel-check: cannot find its own executable: {e}");
            return 3;
        }
    };

    let next = AtomicUsize::new(0);
    // Requests, mismatches and tcpdumps, per mode.
    let totals = Mutex::new(BTreeMap::<&str, (usize, usize, usize)>::new());
    let fatal = Mutex::new(None::<String>);
    std::thread::scope(|scope| {
        for _ in 0..opts.jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let prefix = format!("nlk{run_id}-{i}");
                let r = check_case(case, &prefix, &exe, opts);
                let mut out = std::io::stdout().lock();
                match r {
                    Ok(rep) => {
                        for m in &rep.mismatches {
                            let _ = writeln!(out, "{m}");
                        }
                        if case.random && !rep.mismatches.is_empty() {
                            let _ = writeln!(
                                out,
                                "--- {} failed; the scenario in full (save it under tests/data/engine/, which the test command checks too, with a case in tests/engine_traces.rs):\n{}---",
                                case.name, case.text
                            );
                        }
                        if opts.verbose {
                            let _ = writeln!(
                                out,
                                "{}: {} requests, {} tcpdumps ({:.1} s), {} mismatches",
                                case.name,
                                rep.requests,
                                rep.captures,
                                rep.capture_time.as_secs_f64(),
                                rep.mismatches.len()
                            );
                        }
                        let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
                        let t = t.entry(case.mode.as_str()).or_default();
                        t.0 += rep.requests;
                        t.1 += rep.mismatches.len();
                        t.2 += rep.captures;
                    }
                    Err(e) => {
                        let _ = writeln!(out, "{}: cannot build the network: {e}", case.name);
                        if case.random {
                            let _ = writeln!(out, "--- {}:\n{}---", case.name, case.text);
                        }
                        *fatal.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                        let mut t = totals.lock().unwrap_or_else(|e| e.into_inner());
                        t.entry(case.mode.as_str()).or_default().1 += 1;
                    }
                }
            });
        }
    });
    let totals = totals.into_inner().unwrap_or_else(|e| e.into_inner());
    let (n, m, c) = totals
        .values()
        .fold((0, 0, 0), |(n, m, c), (a, b, d)| (n + a, m + b, c + d));
    let per_mode: Vec<String> = totals
        .iter()
        .map(|(mode, (a, b, _))| format!("{mode}: {a} requests, {b} mismatches"))
        .collect();
    println!(
        "kernel-check: {n} requests, {m} mismatches ({}); {c} tcpdump captures compared",
        per_mode.join("; ")
    );
    if m == 0 {
        0
    } else {
        1
    }
}

/// `s` with kube-proxy in `mode` on every node (the cluster's mode, and
/// no node's own).
pub fn in_mode(mut s: model::Scenario, mode: ProxyMode) -> model::Scenario {
    let mut config = s.proxy_config();
    config.mode = mode;
    s.proxy = Some(config);
    for n in &mut s.nodes {
        n.labels.remove(model::KUBE_PROXY_MODE_LABEL);
    }
    s
}

/// A `conntrack -L` command of a hop, run once the connections are made,
/// or a `tcpdump` one, run while they are: the hop's device, its
/// namespace, its leg, and the command.
struct Deferred {
    device: String,
    ns: String,
    reply: bool,
    command: crate::engine::commands::Command,
}

/// Runs the commands `engine::commands` gives for `trace`'s hops in the
/// hops' namespaces (each command once per namespace, `done` remembers)
/// and says where an output differs from the engine's. `conntrack`
/// commands are returned, to be run after the connections
/// ([`check_conntrack_commands`]), and `tcpdump` ones (when `tcpdump`
/// is asked for), to be running while they are made ([`Capture`]).
fn run_commands(
    lab: &Lab,
    world: &World,
    trace: &crate::engine::trace::Trace,
    backend: Backend,
    tcpdump: bool,
    done: &mut BTreeSet<(String, String)>,
) -> (Vec<String>, Vec<Deferred>, Vec<Deferred>) {
    let mut out = Vec::new();
    let mut deferred = Vec::new();
    let mut captures = Vec::new();
    let per_hop = crate::engine::commands::for_trace(&mut world.clone(), trace);
    for (i, (hop, mut commands)) in trace.hops.iter().zip(per_hop).enumerate() {
        let Some(ns) = lab.ns.get(&hop.device) else {
            continue;
        };
        // Where the engine says tcpdump sees nothing, a capture of the
        // hop's packet must stay empty.
        if tcpdump {
            commands.extend(crate::engine::commands::tcpdump_unseen(
                world.topology(),
                trace,
                i,
            ));
        }
        for c in commands {
            let capture = c.command.starts_with("tcpdump ");
            if capture && !tcpdump {
                continue;
            }
            if !done.insert((ns.clone(), c.command.clone())) {
                continue;
            }
            if capture || c.command.starts_with("conntrack ") {
                let d = Deferred {
                    device: hop.device.clone(),
                    ns: ns.clone(),
                    reply: hop.leg == Leg::Reply,
                    command: c,
                };
                if capture {
                    captures.push(d);
                } else {
                    deferred.push(d);
                }
                continue;
            }
            let mut words: Vec<&str> = c.command.split_whitespace().collect();
            if words.first() == Some(&"iptables") {
                words[0] = backend.iptables();
            }
            let got = match sys::run_in(ns, words[0], &words[1..], None) {
                Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
                Err(e) => e,
            };
            if got != c.output {
                out.push(format!(
                    "on {}: `{}` prints {got:?}, the engine says {:?}",
                    hop.device, c.command, c.output
                ));
            }
        }
    }
    (out, deferred, captures)
}

/// A hop's `tcpdump`, started before the request's connections: the
/// command as the engine gives it, run with `-l --immediate-mode` (each
/// line as soon as its packet comes; the output is the same), its stderr
/// read by a thread.
struct Capture {
    d: Deferred,
    child: std::process::Child,
    stderr: std::sync::mpsc::Receiver<String>,
    /// What it wrote on stderr so far.
    said: Vec<String>,
}

/// How long a tcpdump may take to say it is listening.
const CAPTURE_START: std::time::Duration = std::time::Duration::from_secs(3);
/// How long, after the connections, a tcpdump whose packet every outcome
/// sends may take to print it; one whose packet only some outcomes send
/// gets a short grace.
const CAPTURE_WAIT: std::time::Duration = std::time::Duration::from_millis(1000);
const CAPTURE_GRACE: std::time::Duration = std::time::Duration::from_millis(100);

/// Starts each capture in its namespace and waits until each says
/// `listening on` (or fails: its stderr is the mismatch).
fn start_captures(ds: Vec<Deferred>) -> (Vec<Capture>, Vec<String>) {
    let mut caps = Vec::new();
    let mut errors = Vec::new();
    for d in ds {
        let words: Vec<&str> = d.command.command.split_whitespace().collect();
        let mut args = vec!["-l", "--immediate-mode"];
        args.extend_from_slice(&words[1..]);
        let mut child = match sys::spawn_piped_in(&d.ns, words[0], &args) {
            Ok(c) => c,
            Err(e) => {
                errors.push(format!("on {}: `{}`: {e}", d.device, d.command.command));
                continue;
            }
        };
        let (tx, rx) = std::sync::mpsc::channel();
        if let Some(err) = child.stderr.take() {
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(err).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        caps.push(Capture {
            d,
            child,
            stderr: rx,
            said: Vec::new(),
        });
    }
    let deadline = std::time::Instant::now() + CAPTURE_START;
    let mut ready = Vec::new();
    for mut c in caps {
        let listening = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match c.stderr.recv_timeout(left) {
                Ok(line) => {
                    let yes = line.starts_with("listening on ");
                    c.said.push(line);
                    if yes {
                        break true;
                    }
                }
                Err(_) => break false,
            }
        };
        if listening {
            ready.push(c);
        } else {
            errors.push(format!(
                "on {}: `{}` did not start listening: {}",
                c.d.device,
                c.d.command.command,
                c.said.join(" / ")
            ));
            stop(&mut c.child);
        }
    }
    (ready, errors)
}

fn stop(child: &mut std::process::Child) {
    let _ = child.kill();
    let _ = child.wait();
    sys::unregister_pid(child.id());
}

/// Reads each capture once the connections are made and compares its
/// line with the engine's, masked as [`compare::tcpdump_masked`] says
/// (the client's port, ICMP's id, UDP's length): what it printed must be
/// what some outcome of the request shows with the same command on that
/// device, or nothing if some outcome sends no such packet there (the
/// attempts need not take the first outcome's way first).
fn finish_captures(
    caps: Vec<Capture>,
    topology: &crate::engine::topology::Topology,
    outcomes: &[crate::engine::paths::Outcome],
) -> Vec<String> {
    use std::io::Read;
    let mut out = Vec::new();
    let start = std::time::Instant::now();
    let mut pending: Vec<(Capture, BTreeSet<String>, std::time::Duration)> = caps
        .into_iter()
        .map(|c| {
            let mut possible = BTreeSet::new();
            for o in outcomes {
                let shown = (0..o.trace.hops.len())
                    .filter(|&i| o.trace.hops[i].device == c.d.device)
                    .filter_map(|i| crate::engine::commands::tcpdump_shown(topology, &o.trace, i))
                    .find(|x| x.command == c.d.command.command);
                possible.insert(match shown {
                    Some(x) => compare::tcpdump_masked(&x.output, c.d.reply),
                    None => String::new(),
                });
            }
            let wait = if possible.contains("") {
                CAPTURE_GRACE
            } else {
                CAPTURE_WAIT
            };
            (c, possible, wait)
        })
        .collect();
    // Each is done when it exits (its packet came) or its wait is over
    // (killed then); all are reaped together after, as a packet socket's
    // close waits for the network's RCU grace period.
    let mut over = Vec::new();
    while !pending.is_empty() {
        let mut still = Vec::new();
        for (mut c, possible, wait) in pending {
            let done = matches!(c.child.try_wait(), Ok(Some(_)));
            if !done && start.elapsed() < wait {
                still.push((c, possible, wait));
                continue;
            }
            if !done {
                let _ = c.child.kill();
            }
            over.push((c, possible));
        }
        pending = still;
        if !pending.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    for (mut c, possible) in over {
        stop(&mut c.child);
        let mut text = String::new();
        if let Some(mut o) = c.child.stdout.take() {
            let _ = o.read_to_string(&mut text);
        }
        let got = if text.trim().is_empty() {
            String::new()
        } else {
            compare::tcpdump_masked(&text, c.d.reply)
        };
        if !possible.contains(&got) {
            let errors: Vec<String> = c
                .said
                .into_iter()
                .chain(c.stderr.try_iter())
                .filter(|l| l.starts_with("tcpdump: ") && !l.contains("verbose output suppressed"))
                .collect();
            out.push(format!(
                "on {}: `{}` prints {text:?}{}, the engine says {:?} (compared without the client's port, ICMP's id and UDP's length)",
                c.d.device,
                c.d.command.command,
                if errors.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", errors.join(" / "))
                },
                c.d.command.output
            ));
        }
    }
    out
}

/// Runs the `conntrack -L` commands after the request's connections (and
/// before the lab flushes conntrack), comparing entries as
/// [`compare::normalise`] writes them (without the client's port, which
/// the kernel picks at random, and without the timeout, the state the
/// connection reached, flags, `mark=` and `use=`, which tick or which the
/// engine does not keep): each entry the kernel lists must be one that
/// some outcome of the request leaves on that node (`outcomes`: every
/// attempt leaves one, and they need not all reach the first outcome's
/// endpoint), and when the request has one outcome and no session
/// affinity (`spread`), the engine's own entry must be among them (with
/// several, the attempts need not have taken the first one's path: a
/// request that is only dropped is tried twice).
fn check_conntrack_commands(
    deferred: &[Deferred],
    outcomes: &[crate::engine::paths::Outcome],
    spread: compare::Spread,
) -> Vec<String> {
    let mut out = Vec::new();
    for d in deferred {
        let node = d.device.strip_prefix("node/").unwrap_or(&d.device);
        let possible: BTreeSet<String> = outcomes
            .iter()
            .filter_map(|o| o.trace.conntrack.get(node))
            .flatten()
            .filter_map(|l| compare::normalise(l))
            .collect();
        let words: Vec<&str> = d.command.command.split_whitespace().collect();
        let got = match sys::run_in(&d.ns, words[0], &words[1..], None) {
            Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
            Err(e) => e,
        };
        let seen: BTreeSet<String> = got.lines().filter_map(compare::normalise).collect();
        let missing = spread == compare::Spread::Independent
            && outcomes.len() == 1
            && d.command
                .output
                .lines()
                .filter_map(compare::normalise)
                .any(|l| !seen.contains(&l));
        if !seen.is_subset(&possible) || missing {
            out.push(format!(
                "on {}: `{}` prints {got:?}, the engine says {:?} (compared without ports, timeouts, states and counters)",
                d.device, d.command.command, d.command.output
            ));
        }
    }
    out
}

/// The device a request's source is.
fn source_device(from: &Source) -> String {
    match from {
        Source::Pod { namespace, name } => format!("pod/{}", pod_ref(namespace, name)),
        Source::Node(n) => format!("node/{n}"),
        Source::Internet(_) => "internet".into(),
        Source::Host(ip) => format!("host/{ip}"),
    }
}

/// How the engine spreads later connections of `req`: a world that has
/// carried one connection (seed 1) and still offers every server of the
/// fresh world spreads them independently; one that offers a single
/// server is sticky (session affinity); anything between is affinity.
fn engine_spread(world: &World, preds: &[Predicted], req: &Request) -> compare::Spread {
    let servers = |ps: &[Predicted]| -> BTreeSet<String> {
        ps.iter()
            .filter_map(|p| match &p.class {
                Class::Answered { server, .. } => Some(server.clone()),
                _ => None,
            })
            .collect()
    };
    let fresh = servers(preds);
    // Session affinity matters when the request is DNATed to an endpoint
    // of a Service with ClientIP affinity.
    let s = world.scenario();
    let affinity_endpoints: BTreeSet<std::net::Ipv4Addr> = s
        .services
        .iter()
        .filter(|svc| svc.session_affinity.is_some())
        .flat_map(|svc| s.slices_of(svc))
        .flat_map(|sl| sl.endpoints.iter().map(|e| e.ip))
        .collect();
    let via_affinity = preds.iter().any(|p| match &p.class {
        Class::Answered { dst, .. } => {
            dst.ip() != req.to.ip() && affinity_endpoints.contains(dst.ip())
        }
        _ => false,
    });
    if fresh.len() < 2 || !via_affinity {
        return compare::Spread::Independent;
    }
    let mut w = world.clone();
    if w.trace(req, &mut SeededChooser::from_seed(1)).is_err() {
        return compare::Spread::Independent;
    }
    let warmed = match paths(&w, req) {
        Ok(o) => servers(&compare::predictions(&o)),
        Err(_) => return compare::Spread::Independent,
    };
    if warmed.len() == 1 {
        compare::Spread::Sticky
    } else {
        compare::Spread::Affinity
    }
}

fn check_case(case: &Case, prefix: &str, exe: &str, opts: &Options) -> Result<Report, String> {
    let mut rep = Report::default();
    let loaded = match model::load(&case.text) {
        Ok(l) => l,
        Err(e) => {
            rep.mismatches.push(format!(
                "{}: the scenario does not load: {}",
                case.name,
                e.0.iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            return Ok(rep);
        }
    };
    let original = in_mode(loaded.scenario, case.mode);
    let mut phases = vec![None];
    if let Some(n) = checks::node_to_remove(&original) {
        phases.push(Some(n));
    }
    for (pi, removed) in phases.into_iter().enumerate() {
        let mut world = World::new(original.clone());
        if let Some(n) = &removed {
            world.remove_node(n);
        }
        let label = match &removed {
            Some(n) => format!("{} (node {n} removed)", case.name),
            None => case.name.clone(),
        };
        let s = world.scenario().clone();
        let base = Topology::build(&s, &[]);
        let taken: Vec<_> = base.lb_vpc_addrs.values().copied().collect();
        let Some(host) = checks::host_address(&s, &taken) else {
            rep.mismatches
                .push(format!("{label}: no free address for a node-network host"));
            continue;
        };
        let topology = Topology::build(&s, &[host, defaults::INTERNET_CLIENT]);
        if topology.lb_vpc_addrs != base.lb_vpc_addrs {
            rep.mismatches.push(format!(
                "{label}: the host {host} moves the load balancers' addresses"
            ));
            continue;
        }
        let lab = Lab::build(
            &format!("{prefix}{pi}"),
            &mut world,
            &topology,
            &original,
            opts.backend,
            exe,
        )?;
        let mut commands_run = BTreeSet::new();
        for m in &lab.save_mismatches {
            rep.mismatches.push(format!("{label}: {m}"));
        }
        for r in checks::derive(&s, host) {
            // Pings once per scenario, not again with a node removed (the
            // kernel's echo is the same; it keeps the check's time down).
            if removed.is_some() && r.proto == Protocol::Icmp {
                continue;
            }
            let req = match Request::parse(&s, &r.from, &r.to, r.proto) {
                Ok(q) => q,
                Err(e) => {
                    if opts.verbose {
                        eprintln!("{label}: {r}: skipped: {e}");
                    }
                    continue;
                }
            };
            let outcomes = paths(&world, &req).map_err(|e| format!("{r}: {e}"))?;
            // The commands behind the first outcome's hops, run for real
            // (conntrack's once the connections are made).
            let mut deferred = Vec::new();
            let mut captures = Vec::new();
            if let Some(o) = outcomes.first() {
                let (ms, d, c) = run_commands(
                    &lab,
                    &world,
                    &o.trace,
                    opts.backend,
                    // Not for random scenarios, nor again with a node
                    // removed: the same paths, and the check's time.
                    opts.tcpdump && !case.random && removed.is_none(),
                    &mut commands_run,
                );
                for m in ms {
                    rep.mismatches.push(format!("{label}: {r}: {m}"));
                }
                deferred = d;
                captures = c;
            }
            let preds = compare::predictions(&outcomes);
            let spread = engine_spread(&world, &preds, &req);
            let n = compare::attempts_for(&preds);
            let src_ns = lab
                .ns
                .get(&source_device(&req.from))
                .ok_or_else(|| format!("{r}: no namespace for the source"))?;
            let to = req.to.to_string();
            let count = n.to_string();
            let timeout = opts.connect_timeout_ms.to_string();
            let proto = match req.proto {
                Protocol::Udp => "udp",
                _ => "tcp",
            };
            let ping = |count: u32| -> Result<Vec<probe::Attempt>, String> {
                // One ping(8) of `count` echo requests 50 ms apart, waiting
                // for the last as long as a connection attempt does
                // (iputils reads fractional seconds).
                let cmd = format!(
                    "ping -n -c{count} -i0.05 -W{:.3} {}; true",
                    opts.connect_timeout_ms as f64 / 1000.0,
                    req.to.ip()
                );
                let out = sys::run_in(src_ns, "sh", &["-c", &cmd], None)?;
                Ok(probe::ping_attempts(
                    &String::from_utf8_lossy(&out.stdout),
                    count,
                ))
            };
            let connect = |count: &str| -> Result<Vec<probe::Attempt>, String> {
                if req.proto == Protocol::Icmp {
                    return ping(count.parse().unwrap_or(1));
                }
                let out = sys::run_in(
                    src_ns,
                    exe,
                    &[
                        "kernel-connect",
                        "--proto",
                        proto,
                        "--to",
                        &to,
                        "--count",
                        count,
                        "--timeout-ms",
                        &timeout,
                    ],
                    None,
                )?;
                Ok(String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(probe::Attempt::from_line)
                    .collect())
            };
            rep.captures += captures.len();
            let started = std::time::Instant::now();
            let (captures, capture_errors) = start_captures(captures);
            rep.capture_time += started.elapsed();
            for m in capture_errors {
                rep.mismatches.push(format!("{label}: {r}: {m}"));
            }
            let mut attempts = connect(&count)?;
            let finishing = std::time::Instant::now();
            for m in finish_captures(captures, world.topology(), &outcomes) {
                rep.mismatches.push(format!("{label}: {r}: {m}"));
            }
            rep.capture_time += finishing.elapsed();
            let mut ct_commands = check_conntrack_commands(&deferred, &outcomes, spread);
            let mut ct = lab.take_conntrack()?;
            let mut mismatches = compare::compare(&preds, &attempts, &ct, spread);
            // A likely outcome that did not show may be bad luck (1 in
            // 1000): three times as many attempts more before it counts.
            if !mismatches.is_empty() && mismatches.iter().all(|m| m.unseen) {
                attempts.extend(connect(&(3 * n).to_string())?);
                if !ct_commands.is_empty() {
                    ct_commands = check_conntrack_commands(&deferred, &outcomes, spread);
                }
                for (node, entries) in lab.take_conntrack()? {
                    ct.entry(node).or_default().extend(entries);
                }
                mismatches = compare::compare(&preds, &attempts, &ct, spread);
            }
            rep.requests += 1;
            for m in ct_commands {
                rep.mismatches.push(format!("{label}: {r}: {m}"));
            }
            for m in mismatches {
                rep.mismatches.push(format!(
                    "{label}: {r}: {}: predicted {}; observed {}",
                    m.what, m.predicted, m.observed
                ));
            }
            if opts.verbose {
                let seen: std::collections::BTreeSet<String> = attempts
                    .iter()
                    .map(|a| match compare::observed(a) {
                        Ok(c) => c.to_string(),
                        Err(e) => e,
                    })
                    .collect();
                let entries: usize = ct.values().map(|v| v.len()).sum();
                eprintln!(
                    "{label}: {r}: {n} attempts, {entries} conntrack entries: {}",
                    seen.into_iter().collect::<Vec<_>>().join("; ")
                );
            }
        }
        drop(lab);
    }
    Ok(rep)
}
