//! [`World`]: the scenario with its running state (each node's ruleset,
//! shared by nodes of one kube-proxy class, conntrack table and `-m
//! recent` lists; load balancer flows; the time).

use super::request::{RequestError, Source};
use super::topology::{node_id, pod_ref, DeviceKind, Topology};
use crate::hash::HashMap;
use crate::kube_proxy::{self, NodeClass, NodeClasses, NodeProgram};
use crate::linux::conntrack::{Conntrack, Tuple};
use crate::linux::netfilter::iptables::Ruleset;
use crate::linux::netfilter::Memory;
use crate::model::Scenario;
use petgraph::graph::NodeIndex;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// A load balancer's memory of a flow (to send its answer back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LbFlow {
    /// The client's tuple as it reached the LB.
    pub(super) client: Tuple,
    /// The tuple towards the node (nodePort style rewrites both ends).
    pub(super) backend: Tuple,
}

/// The cluster with its running state: rulesets, conntrack tables,
/// `-m recent` lists, load balancer flows, and the time.
#[derive(Debug, Clone)]
pub struct World {
    /// Shared by clones of the world (copied only when a node is removed).
    pub(super) scenario: Arc<Scenario>,
    /// Shared, not copied, by clones of the world (`paths` clones it per
    /// branch); replaced whole when the network changes.
    pub(super) topology: Arc<Topology>,
    pub(super) extra: Vec<Ipv4Addr>,
    /// Each node's ruleset, conntrack table and `-m recent` lists (one map,
    /// not one per kind: each map type is its own copy of the B-tree code
    /// in the wasm).
    pub(super) nodes: BTreeMap<String, NodeState>,
    /// Nodes whose rules are the same share one ruleset: by class.
    pub(super) classes: Option<Arc<NodeClasses>>,
    pub(super) by_class: HashMap<NodeClass, Arc<NodeProgram>>,
    /// Per Service, sorted by its key (a sorted Vec: no B-tree code of
    /// its own in the wasm).
    pub(super) lb_flows: Vec<(String, Vec<LbFlow>)>,
    /// Seconds since the world began (for session affinity).
    pub now: u64,
    pub(super) next_port: u16,
}

/// A node's running state in the [`World`].
#[derive(Debug, Clone, Default)]
pub(super) struct NodeState {
    /// What kube-proxy programmed (rulesets with their dispatch index),
    /// built on first use; shared by clones of the world and by nodes of
    /// one class.
    pub(super) program: Option<Arc<NodeProgram>>,
    pub(super) conntrack: Conntrack,
    /// `-m recent` lists and nft's dynamic (affinity) sets.
    pub(super) memory: Memory,
}

/// The first ephemeral port the trace's clients use (Linux's range starts
/// at 32768; a fixed start keeps traces reproducible).
pub const FIRST_CLIENT_PORT: u16 = 40000;

impl World {
    pub fn new(scenario: Scenario) -> World {
        let topology = Arc::new(Topology::build(&scenario, &[]));
        World {
            scenario: Arc::new(scenario),
            topology,
            extra: Vec::new(),
            nodes: BTreeMap::new(),
            classes: None,
            by_class: HashMap::default(),
            lb_flows: Vec::new(),
            now: 0,
            next_port: FIRST_CLIENT_PORT,
        }
    }

    /// The same cluster fresh, as [`World::new`] makes it (no connections,
    /// flows, `-m recent` entries, clients' ports or time), keeping what was
    /// built from the scenario alone: the topology and each node's
    /// program. A trace in it equals one in a new world, without the
    /// rebuilding.
    pub fn fresh(&self) -> World {
        let topology = if self.extra.is_empty() {
            Arc::clone(&self.topology)
        } else {
            Arc::new(Topology::build(&self.scenario, &[]))
        };
        let mut nodes = self.nodes.clone();
        for n in nodes.values_mut() {
            *n = NodeState {
                program: n.program.take(),
                ..NodeState::default()
            };
        }
        World {
            scenario: Arc::clone(&self.scenario),
            topology,
            extra: Vec::new(),
            nodes,
            classes: self.classes.clone(),
            by_class: self.by_class.clone(),
            lb_flows: Vec::new(),
            now: 0,
            next_port: FIRST_CLIENT_PORT,
        }
    }

    /// A Service's load balancer flows, made empty on first use.
    pub(super) fn flows(&mut self, service: &str) -> &mut Vec<LbFlow> {
        let i = match self
            .lb_flows
            .binary_search_by(|(s, _)| s.as_str().cmp(service))
        {
            Ok(i) => i,
            Err(i) => {
                self.lb_flows.insert(i, (service.to_string(), Vec::new()));
                i
            }
        };
        &mut self.lb_flows[i].1
    }

    /// A node's state, made empty on first use.
    pub(super) fn state(&mut self, node: &str) -> &mut NodeState {
        self.nodes.entry(node.to_string()).or_default()
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// What kube-proxy programs on a node, built on first use and kept
    /// (`None` for a node the scenario does not have).
    pub(super) fn program(&mut self, node: &str) -> Option<&Arc<NodeProgram>> {
        if self.nodes.get(node).is_none_or(|n| n.program.is_none()) {
            let ip = self.scenario.node(node)?.internal_ip;
            let classes = self
                .classes
                .get_or_insert_with(|| Arc::new(NodeClasses::new(&self.scenario)));
            let class = classes.class(node, ip);
            let p = match self.by_class.get(&class) {
                Some(p) => Arc::clone(p),
                None => {
                    let p = Arc::new(kube_proxy::program(&self.scenario, node).ok()?);
                    self.by_class.insert(class, Arc::clone(&p));
                    p
                }
            };
            self.state(node).program = Some(p);
        }
        self.nodes.get(node).and_then(|n| n.program.as_ref())
    }

    /// A node's iptables ruleset, built on first use and kept.
    pub fn ruleset(&mut self, node: &str) -> Option<&Ruleset> {
        self.program(node).and_then(|p| p.iptables())
    }

    /// A node's nftables table (kube-proxy's `ip kube-proxy`, in
    /// nftables mode), built on first use and kept.
    pub fn nft_table(&mut self, node: &str) -> Option<&crate::linux::netfilter::nftables::Table> {
        self.program(node).and_then(|p| p.nftables())
    }

    /// A node's conntrack table as `conntrack -L` prints it.
    pub fn conntrack(&self, node: &str) -> Vec<String> {
        self.nodes
            .get(node)
            .map(|n| {
                n.conntrack
                    .entries()
                    .iter()
                    .map(|e| e.to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes a node (see [`Scenario::remove_node`]): its conntrack table
    /// goes with it; on the other nodes kube-proxy clears UDP entries to
    /// the endpoints that went away (TCP entries stay, pointing nowhere);
    /// rulesets and load balancer pools follow the new endpoints.
    pub fn remove_node(&mut self, name: &str) -> Option<crate::model::Removal> {
        let removal = Arc::make_mut(&mut self.scenario).remove_node(name)?;
        self.nodes.remove(name);
        for n in self.nodes.values_mut() {
            for ip in &removal.pod_ips {
                n.conntrack.clear_udp_to(*ip);
            }
            n.program = None;
        }
        self.classes = None;
        self.by_class.clear();
        self.topology = Arc::new(Topology::build(&self.scenario, &self.extra));
        Some(removal)
    }

    pub(super) fn ensure_host(&mut self, ip: Ipv4Addr) {
        if !self.extra.contains(&ip) {
            self.extra.push(ip);
            self.topology = Arc::new(Topology::build(&self.scenario, &self.extra));
        }
    }

    /// The device a request leaves from and its source address. A pod,
    /// a host and the internet have one address; a node's socket gets the
    /// one the kernel picks when it connects to `dst` (before any DNAT, as
    /// `connect()` routes it): 127.0.0.1 toward loopback, `dst` itself
    /// toward one of its own addresses, else the route's preferred source
    /// or its interface's address (`cbr0`'s toward a pod of its own).
    pub(super) fn source_device(
        &mut self,
        from: &Source,
        dst: Ipv4Addr,
    ) -> Result<(NodeIndex, Ipv4Addr), RequestError> {
        let (id, ip) = match from {
            Source::Pod { namespace, name } => {
                // A pod with an address is a device: found by id, without
                // a scan of every pod.
                let id = format!("pod/{}", pod_ref(namespace, name));
                let pod_ip = self.topology.device_by_id(&id).and_then(|d| match &d.kind {
                    DeviceKind::Pod { .. } => d.primary_addr("eth0"),
                    _ => None,
                });
                if let Some(ip) = pod_ip {
                    let ix = self.topology.index(&id).expect("found by id");
                    return Ok((ix, ip));
                }
                let p = self
                    .scenario
                    .pod(namespace, name)
                    .ok_or_else(|| RequestError(format!("there is no pod {namespace}/{name}")))?;
                let ip = p.ip.ok_or_else(|| {
                    RequestError(format!("pod {namespace}/{name} has no address"))
                })?;
                (format!("pod/{}", pod_ref(namespace, name)), ip)
            }
            Source::Node(n) => {
                let node = self
                    .scenario
                    .node(n)
                    .ok_or_else(|| RequestError(format!("there is no node {n}")))?;
                let id = node_id(n);
                let ip = self
                    .topology
                    .device_by_id(&id)
                    .and_then(|d| {
                        if dst.is_loopback() {
                            Some(Ipv4Addr::LOCALHOST)
                        } else if d.owns(dst) {
                            Some(dst)
                        } else {
                            d.route_source(d.routes.lookup(dst)?)
                        }
                    })
                    .unwrap_or(node.internal_ip);
                (id, ip)
            }
            Source::Internet(ip) => {
                self.ensure_host(*ip);
                ("internet".to_string(), *ip)
            }
            Source::Host(ip) => {
                self.ensure_host(*ip);
                (format!("host/{ip}"), *ip)
            }
        };
        let ix = self
            .topology
            .index(&id)
            .ok_or_else(|| RequestError(format!("{id} is not in the network")))?;
        Ok((ix, ip))
    }
}
