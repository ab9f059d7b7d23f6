//! The engine's network built for real: one namespace per device of
//! [`Topology`], with the same interfaces, addresses and routes; L2
//! segments as bridges (the VPC and the outside network in a switch
//! namespace, each node's pod segment as its own `cbr0`); each node's
//! kube-proxy rules loaded with `iptables-restore` or `nft -f` (by the
//! node's mode); servers on every
//! socket the engine says a device listens on. Dropping a [`Lab`] removes
//! all of it.

use super::sys;
use crate::engine::topology::{Device, DeviceKind, Topology, Vertex};
use crate::engine::trace::World;
use crate::linux::route::RouteKind;
use crate::model::{
    defaults, LoadBalancerStyle, Protocol, ProxyMode, Scenario, Service, ServiceType, TrafficPolicy,
};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::net::Ipv4Addr;
use std::process::Child;

/// Which `iptables-restore` loads the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Nft,
    Legacy,
}

impl Backend {
    pub fn restore(self) -> &'static str {
        match self {
            Backend::Nft => "iptables-nft-restore",
            Backend::Legacy => "iptables-legacy-restore",
        }
    }

    pub fn iptables(self) -> &'static str {
        match self {
            Backend::Nft => "iptables-nft",
            Backend::Legacy => "iptables-legacy",
        }
    }

    pub fn save(self) -> &'static str {
        match self {
            Backend::Nft => "iptables-nft-save",
            Backend::Legacy => "iptables-legacy-save",
        }
    }
}

/// `iptables-save` output without its comment lines, with counters
/// zeroed; for the legacy backend also in one table order and with single
/// spaces (`Ruleset::to_save` prints the nf_tables backend's).
pub fn normalize_save(text: &str, backend: Backend) -> String {
    let lines = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| match l.rfind(" [") {
            Some(i) if l.starts_with(':') => format!("{} [0:0]", &l[..i]),
            _ => l.to_string(),
        });
    match backend {
        Backend::Nft => lines.collect::<Vec<_>>().join("\n"),
        Backend::Legacy => {
            let mut v: Vec<String> = lines
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            crate::sort::sort(&mut v);
            v.join("\n")
        }
    }
}

/// Sysctls every namespace gets before its links exist (so `default`
/// reaches them): no IPv6 noise, no ICMP rate limit (each refused attempt
/// gets its answer), no redirects, no reverse-path filter (the engine has
/// none).
const BASE_SYSCTLS: &[&str] = &[
    "net.ipv6.conf.all.disable_ipv6=1",
    "net.ipv6.conf.default.disable_ipv6=1",
    "net.ipv4.icmp_ratelimit=0",
    "net.ipv4.conf.all.send_redirects=0",
    "net.ipv4.conf.default.send_redirects=0",
    "net.ipv4.conf.all.rp_filter=0",
    "net.ipv4.conf.default.rp_filter=0",
];

/// A node's sysctls as kubelet and kube-proxy set them.
const NODE_SYSCTLS: &[&str] = &[
    "net.ipv4.ip_forward=1",
    "net.bridge.bridge-nf-call-iptables=1",
];

/// The kube-proxy mode `node` runs in (its label, else the cluster's).
pub fn node_mode(s: &Scenario, node: &str) -> ProxyMode {
    s.node(node)
        .map_or_else(|| s.proxy_config().mode, |n| s.proxy_mode(n))
}

pub struct Lab {
    /// device id -> namespace
    pub ns: BTreeMap<String, String>,
    /// node name -> namespace
    pub nodes: BTreeMap<String, String>,
    /// load balancer namespaces
    pub lbs: Vec<String>,
    /// Where a node's `iptables-save` differs from the engine's
    /// `Ruleset::to_save` (what a learner would see on the node).
    pub save_mismatches: Vec<String>,
    all: Vec<String>,
    children: Vec<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
            sys::unregister_pid(c.id());
        }
        for ns in self.all.iter().rev() {
            sys::del_ns(ns);
        }
    }
}

impl Lab {
    fn new_ns(&mut self, name: String) -> Result<String, String> {
        self.all.push(name.clone());
        sys::add_ns(&name)?;
        let mut args = vec!["-q", "-w"];
        args.extend_from_slice(BASE_SYSCTLS);
        sys::run_in(&name, "sysctl", &args, None)?;
        Ok(name)
    }

    /// Builds `topology` (the engine's network of `world`) under `prefix`.
    /// `original` names the addresses of nodes that are gone (static
    /// Routes still point at them).
    pub fn build(
        prefix: &str,
        world: &mut World,
        topology: &Topology,
        original: &Scenario,
        backend: Backend,
        exe: &str,
    ) -> Result<Lab, String> {
        let mut lab = Lab {
            ns: BTreeMap::new(),
            nodes: BTreeMap::new(),
            lbs: Vec::new(),
            save_mismatches: Vec::new(),
            all: Vec::new(),
            children: Vec::new(),
        };
        let sw = lab.new_ns(format!("{prefix}-sw"))?;
        let mut sw_lines = vec![];
        // Segments other than a node's cbr0 are bridges in the switch.
        let mut seg_bridge: BTreeMap<petgraph::graph::NodeIndex, String> = BTreeMap::new();
        for ix in topology.graph.node_indices() {
            if let Vertex::Segment(name) = &topology.graph[ix] {
                if !name.starts_with("cbr0@") {
                    let br = format!("br{}", seg_bridge.len());
                    sw_lines.push(format!("link add {br} type bridge"));
                    sw_lines.push(format!("link set {br} up"));
                    seg_bridge.insert(ix, br);
                }
            }
        }
        sys::ip_batch(&sw, &sw_lines)?;
        sys::run_in(
            &sw,
            "sysctl",
            &["-q", "-w", "net.bridge.bridge-nf-call-iptables=0"],
            None,
        )?;

        // Namespaces first (nodes before pods: a pod's veth peer goes there).
        let devices: Vec<Device> = topology.devices().map(|(_, d)| d.clone()).collect();
        let mut order: Vec<&Device> = devices.iter().collect();
        crate::sort::sort_by_key(&mut order, |d| !d.is_node());
        let mut counters: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &order {
            let short = match &d.kind {
                DeviceKind::Internet => "inet",
                DeviceKind::Router => "rt",
                DeviceKind::Node { .. } => "n",
                DeviceKind::Pod { .. } => "p",
                DeviceKind::LoadBalancer { .. } => "lb",
                DeviceKind::Host => "h",
            };
            let k = counters.entry(short).or_insert(0);
            *k += 1;
            let name = lab.new_ns(format!("{prefix}-{short}{k}"))?;
            if let DeviceKind::Node { name: node } = &d.kind {
                lab.nodes.insert(node.clone(), name.clone());
                let mut args = vec!["-q", "-w"];
                args.extend_from_slice(NODE_SYSCTLS);
                sys::run_in(&name, "sysctl", &args, None)?;
            }
            if matches!(d.kind, DeviceKind::Router | DeviceKind::LoadBalancer { .. }) {
                sys::run_in(
                    &name,
                    "sysctl",
                    &["-q", "-w", "net.ipv4.ip_forward=1"],
                    None,
                )?;
            }
            lab.ns.insert(d.id.clone(), name);
        }

        // Links and addresses.
        let mut port = 0usize;
        let mut sw_lines = vec![];
        let mut per_ns: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in &order {
            let ns = lab.ns[&d.id].clone();
            for iface in &d.interfaces {
                let Some(seg) = iface.segment else { continue };
                let seg_name = match &topology.graph[seg] {
                    Vertex::Segment(s) => s.clone(),
                    Vertex::Device(_) => continue,
                };
                let mut lines = vec![];
                if let Some(node) = seg_name.strip_prefix("cbr0@") {
                    let node_ns = lab
                        .nodes
                        .get(node)
                        .cloned()
                        .ok_or("pod segment without node")?;
                    if d.is_node() {
                        lines.push(format!("link add {} type bridge", iface.name));
                    } else {
                        port += 1;
                        let peer = format!("v{port}");
                        lines.push(format!(
                            "link add {} type veth peer name {peer} netns {node_ns}",
                            iface.name
                        ));
                        // kubelet puts pod ports in hairpin mode.
                        sys::ip_batch(&ns, &lines)?;
                        lines.clear();
                        sys::ip_batch(
                            &node_ns,
                            &[
                                format!("link set {peer} master cbr0"),
                                format!("link set {peer} type bridge_slave hairpin on"),
                                format!("link set {peer} up"),
                            ],
                        )?;
                    }
                } else {
                    let Some(br) = seg_bridge.get(&seg) else {
                        continue;
                    };
                    port += 1;
                    let peer = format!("s{port}");
                    lines.push(format!(
                        "link add {} type veth peer name {peer} netns {sw}",
                        iface.name
                    ));
                    sw_lines.push(format!("link set {peer} master {br}"));
                    sw_lines.push(format!("link set {peer} up"));
                }
                // A load balancer's VIPs are not its own in the kernel: it
                // forwards (pass-through) or rewrites (node-port) them.
                let addrs: Vec<_> = if matches!(d.kind, DeviceKind::LoadBalancer { .. }) {
                    iface.addrs.iter().take(1).collect()
                } else {
                    iface.addrs.iter().collect()
                };
                for a in addrs {
                    lines.push(format!("addr add {a} dev {}", iface.name));
                }
                lines.push(format!("link set {} up", iface.name));
                sys::ip_batch(&ns, &lines)?;
            }
            per_ns.insert(ns, vec!["link set lo up".into()]);
        }
        sys::ip_batch(&sw, &sw_lines)?;

        // Proxy ARP where the engine has it (a node answering for its
        // pods' node-network addresses), answered at once.
        for d in &order {
            for iface in d.interfaces.iter().filter(|i| !i.proxy_arp.is_empty()) {
                sys::run_in(
                    &lab.ns[&d.id],
                    "sysctl",
                    &[
                        "-q",
                        "-w",
                        &format!("net.ipv4.conf.{}.proxy_arp=1", iface.name),
                        &format!("net.ipv4.neigh.{}.proxy_delay=0", iface.name),
                    ],
                    None,
                )?;
            }
        }

        // Routes: the engine's tables (the first of equal destinations
        // wins, as in the engine); connected ones exist already.
        for d in &order {
            let ns = lab.ns[&d.id].clone();
            let lines = per_ns.entry(ns).or_default();
            let mut seen = BTreeSet::new();
            let connected: BTreeSet<_> = d
                .interfaces
                .iter()
                .flat_map(|i| i.addrs.iter().map(|a| (a.trunc(), i.name.clone())))
                .collect();
            // The internet's client address is the source its clients use.
            let src = if d.kind == DeviceKind::Internet {
                format!(" src {}", defaults::INTERNET_CLIENT)
            } else {
                String::new()
            };
            for r in &d.routes.routes {
                if !seen.insert(r.dest) {
                    continue;
                }
                match &r.kind {
                    RouteKind::Link => {
                        if !connected.contains(&(r.dest, r.dev.clone())) {
                            lines.push(format!("route add {} dev {}{src}", r.dest, r.dev));
                        }
                    }
                    RouteKind::Via(gw) => lines.push(format!(
                        "route add {} via {gw} dev {} onlink{src}",
                        r.dest, r.dev
                    )),
                    RouteKind::ViaMissingNode(name) => {
                        // The node is gone; the route still names its address.
                        if let Some(n) = original.node(name) {
                            lines.push(format!(
                                "route add {} via {} dev {} onlink",
                                r.dest, n.internal_ip, r.dev
                            ));
                        }
                    }
                    RouteKind::Unreachable => {
                        lines.push(format!("route add unreachable {}", r.dest))
                    }
                }
            }
        }
        for (ns, lines) in &per_ns {
            sys::ip_batch(ns, lines)?;
        }

        // kube-proxy's rules on each node, in the node's mode: nftables
        // mode's table with `nft -f`, iptables mode's ruleset with
        // `iptables-restore` (and its nfacct counters).
        let scenario = world.scenario().clone();
        for (node, ns) in lab.nodes.clone() {
            if node_mode(&scenario, &node) == ProxyMode::Nftables {
                let table = crate::kube_proxy::nftables::table(&scenario, &node)
                    .map_err(|e| format!("node {node}'s nftables table: {e}"))?;
                sys::run_in(&ns, "nft", &["-f", "-"], Some(&table.to_nft()))
                    .map_err(|e| format!("loading node {node}'s nftables rules: {e}"))?;
                continue;
            }
            // kube-proxy in iptables mode sets route_localnet so that
            // NodePorts answer on 127.0.0.1, unless nodePortAddresses
            // leaves 127.0.0.1 out; in nftables mode it never does.
            let node_ip = scenario.node(&node).map(|n| n.internal_ip);
            let localhost = node_ip.is_some_and(|ip| {
                scenario
                    .proxy_config()
                    .node_port_cidrs(ProxyMode::Iptables, ip)
                    .is_none_or(|c| c.iter().any(|n| n.contains(&std::net::Ipv4Addr::LOCALHOST)))
            });
            if localhost {
                sys::run_in(
                    &ns,
                    "sysctl",
                    &["-q", "-w", "net.ipv4.conf.all.route_localnet=1"],
                    None,
                )?;
            }
            let rs = world
                .ruleset(&node)
                .ok_or_else(|| format!("no ruleset for node {node}"))?;
            let listing = rs.to_listing();
            let mut counters = BTreeSet::new();
            for line in listing.lines() {
                let mut words = line.split_whitespace();
                while let Some(w) = words.next() {
                    if w == "--nfacct-name" {
                        if let Some(n) = words.next() {
                            counters.insert(n.to_string());
                        }
                    }
                }
            }
            for c in &counters {
                sys::run_in(&ns, "nfacct", &["add", c], None)?;
            }
            sys::run_in(&ns, backend.restore(), &[], Some(&listing))
                .map_err(|e| format!("loading node {node}'s rules: {e}"))?;
            // What `iptables-save` prints back, as the engine predicts it.
            let saved = sys::run_in(&ns, backend.save(), &[], None)?;
            let kernel = normalize_save(&String::from_utf8_lossy(&saved.stdout), backend);
            let ours = normalize_save(&rs.to_save(), backend);
            if kernel != ours {
                let first = ours
                    .lines()
                    .zip(kernel.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("engine {a:?}, kernel {b:?}"))
                    .unwrap_or_else(|| "one is longer".into());
                lab.save_mismatches.push(format!(
                    "node {node}: iptables-save differs from the engine's: {first}"
                ));
            }
        }

        // Load balancers, as the engine models them.
        for svc in scenario
            .services
            .iter()
            .filter(|s| s.kind == ServiceType::LoadBalancer)
        {
            let Some(ns) = lab.ns.get(&format!("lb/{}", svc.key())).cloned() else {
                continue;
            };
            let Some(lb_addr) = topology.lb_vpc_addrs.get(&svc.key()).copied() else {
                continue;
            };
            lab.lbs.push(ns.clone());
            load_balancer(&ns, svc, lb_addr, &scenario, backend)?;
        }

        // Servers on every socket.
        for d in &order {
            if d.sockets.is_empty() {
                continue;
            }
            let ns = lab.ns[&d.id].clone();
            let mut args = vec!["kernel-serve".to_string(), "--id".into(), d.id.clone()];
            let mut listen = BTreeSet::new();
            for s in &d.sockets {
                let p = match s.proto {
                    Protocol::Tcp => "tcp",
                    Protocol::Udp => "udp",
                    // The kernel itself answers a ping.
                    Protocol::Sctp | Protocol::Icmp => continue,
                };
                listen.insert(format!("{p}:{}", s.port));
            }
            for l in listen {
                args.push("--listen".into());
                args.push(l);
            }
            for a in d.interfaces.iter().flat_map(|i| &i.addrs) {
                args.push("--addr".into());
                args.push(a.addr().to_string());
            }
            let mut child = sys::spawn_in(&ns, exe, &args)?;
            let out = child.stdout.take().expect("piped");
            lab.children.push(child);
            let mut line = String::new();
            std::io::BufReader::new(out)
                .read_line(&mut line)
                .map_err(|e| format!("server in {ns}: {e}"))?;
            if line.trim() != "ready" {
                return Err(format!("the server for {} did not start", d.id));
            }
        }
        Ok(lab)
    }

    /// Every node's conntrack table (`conntrack -L`), then empties it and
    /// the `-m recent` lists (and the load balancers' tables), so the next
    /// request starts as the engine's does: from nothing.
    pub fn take_conntrack(&self) -> Result<BTreeMap<String, Vec<String>>, String> {
        const SCRIPT: &str = "conntrack -L -f ipv4 2>/dev/null; conntrack -F >/dev/null 2>&1; \
            for f in /proc/net/xt_recent/*; do [ -e \"$f\" ] && echo / > \"$f\"; done; true";
        let mut out = BTreeMap::new();
        for (node, ns) in &self.nodes {
            let o = sys::run_in(ns, "sh", &["-c", SCRIPT], None)?;
            let text = String::from_utf8_lossy(&o.stdout);
            out.insert(node.clone(), text.lines().map(str::to_string).collect());
        }
        for ns in &self.lbs {
            sys::run_in(
                ns,
                "sh",
                &["-c", "conntrack -F >/dev/null 2>&1; true"],
                None,
            )?;
        }
        Ok(out)
    }
}

/// The healthy nodes of a load balancer's pool (as the engine picks them):
/// Ready nodes; with externalTrafficPolicy Local, those with a ready local
/// endpoint.
pub fn lb_pool(s: &Scenario, svc: &Service) -> Vec<Ipv4Addr> {
    let local = svc.external_traffic_policy == TrafficPolicy::Local;
    s.nodes
        .iter()
        .filter(|n| n.ready)
        .filter(|n| {
            !local
                || s.slices_of(svc).any(|sl| {
                    sl.endpoints
                        .iter()
                        .any(|e| e.ready && e.node_name.as_deref() == Some(n.name.as_str()))
                })
        })
        .map(|n| n.internal_ip)
        .collect()
}

/// A load balancer namespace: admits only the Service's ports from its
/// source ranges, then picks a pool node uniformly: pass-through forwards
/// with the destination kept (the VIP routed to the node), node-port style
/// DNATs to nodeIP:nodePort and SNATs to its own address.
fn load_balancer(
    ns: &str,
    svc: &Service,
    lb_addr: Ipv4Addr,
    s: &Scenario,
    backend: Backend,
) -> Result<(), String> {
    let pool = lb_pool(s, svc);
    let mut mangle = vec![":LB-ADMIT - [0:0]".to_string()];
    let mut nat = vec![];
    let mut filter = vec![":FORWARD DROP [0:0]".to_string()];
    filter.push("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT".into());
    for r in &svc.load_balancer_source_ranges {
        mangle.push(format!("-A LB-ADMIT -s {r} -j RETURN"));
    }
    if !svc.load_balancer_source_ranges.is_empty() {
        mangle.push("-A LB-ADMIT -j DROP".into());
    }
    let mut routes = vec![];
    for vip in &svc.load_balancer_ingress {
        mangle.push(format!("-A PREROUTING -d {vip} -j LB-ADMIT"));
        for p in &svc.ports {
            let proto = p.protocol.as_lower();
            match s.cluster.load_balancer_style {
                LoadBalancerStyle::PassThrough => filter.push(format!(
                    "-A FORWARD -d {vip} -p {proto} --dport {} -j ACCEPT",
                    p.port
                )),
                LoadBalancerStyle::NodePort => {
                    let Some(np) = p.node_port else { continue };
                    let n = pool.len();
                    for (i, node) in pool.iter().enumerate() {
                        let stat = if i + 1 < n {
                            format!(
                                " -m statistic --mode random --probability {:.10}",
                                1.0 / (n - i) as f64
                            )
                        } else {
                            String::new()
                        };
                        nat.push(format!(
                            "-A PREROUTING -d {vip} -p {proto} --dport {}{stat} -j DNAT --to-destination {node}:{np}",
                            p.port
                        ));
                    }
                    filter.push(format!(
                        "-A FORWARD -p {proto} -m conntrack --ctstate DNAT --ctorigdst {vip} --ctorigdstport {} -j ACCEPT",
                        p.port
                    ));
                }
            }
        }
        match (s.cluster.load_balancer_style, pool.as_slice()) {
            (LoadBalancerStyle::NodePort, _) | (_, []) => {
                routes.push(format!("route add blackhole {vip}/32"))
            }
            (LoadBalancerStyle::PassThrough, [one]) => {
                routes.push(format!("route add {vip}/32 via {one} dev eth0 onlink"))
            }
            (LoadBalancerStyle::PassThrough, many) => routes.push(format!(
                "route add {vip}/32 {}",
                many.iter()
                    .map(|n| format!("nexthop via {n} dev eth0 onlink"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        }
    }
    if s.cluster.load_balancer_style == LoadBalancerStyle::NodePort {
        nat.push(format!(
            "-A POSTROUTING -m conntrack --ctstate DNAT -j SNAT --to-source {lb_addr}"
        ));
    }
    let text = format!(
        "*mangle\n{}\nCOMMIT\n*nat\n{}\nCOMMIT\n*filter\n{}\nCOMMIT\n",
        mangle.join("\n"),
        nat.join("\n"),
        filter.join("\n")
    );
    sys::run_in(ns, backend.restore(), &[], Some(&text))
        .map_err(|e| format!("load balancer {}: {e}", svc.key()))?;
    // Spread pass-through flows by ports too (many clients, one address).
    sys::run_in(
        ns,
        "sysctl",
        &["-q", "-w", "net.ipv4.fib_multipath_hash_policy=1"],
        None,
    )?;
    sys::ip_batch(ns, &routes)
}
