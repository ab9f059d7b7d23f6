//! The cluster's network as a graph (petgraph): devices and the L2
//! segments their interfaces attach to, each device with its addresses,
//! routing table and listening sockets.
//!
//! ```text
//!  internet (203.0.113.254, clients) --outside-- ext0 VPC router eth0 --vpc-- eth0 node cbr0 --bridge-- eth0 pod
//!                                                                    \-- load balancers, node-network hosts
//! ```
//!
//! The internet reaches the VPC's private ranges through the VPC router
//! (as over a VPN or peering: the story's external client), and every
//! load balancer and external IP wherever it is (the cloud announces
//! them); the router routes what the VPC knows (the node network, each
//! node's pod CIDR, static Routes, load balancer IPs, external IPs to a
//! node) and answers `unreachable` for any other private address. Pods
//! on the node network (AWS VPC CNI) need no route: their node answers
//! ARP for them on the node network (`Interface::proxy_arp`).

use crate::hash::HashMap;
use crate::linux::route::{self, RouteKind};
use crate::model::{
    defaults, NextHop, Protocol, Scenario, ServiceType, TrafficPolicy, NODE_NETWORK_POD_GATEWAY,
};
use ipnet::Ipv4Net;
use petgraph::graph::{NodeIndex, UnGraph};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// Why a route is in a device's table: what the cloud, the CNI or the
/// cluster's admin made it for. Worded by `say` in English and Korean
/// ([`RouteOrigin::text`]); the routing itself ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteOrigin {
    /// The interface's own network (`proto kernel scope link`).
    Connected,
    /// A node's pod bridge and its network.
    PodBridge,
    /// Pods on the node network: one route per pod, to its veth.
    PodVeth,
    /// A default route towards the gateway.
    Default,
    /// The internet's route to the VPC's private ranges.
    VpcPrivateRanges,
    /// The internet's route to the cloud's load balancer pool.
    LoadBalancerPool,
    /// The internet's route to one load balancer IP outside the pool.
    AnnouncedLoadBalancerIp,
    /// The internet's route to one external IP, through the VPC.
    ExternalIpToVpc,
    /// The VPC router's route to a node's pod CIDR (a cloud route).
    NodePodCidr,
    /// A static `Route` of the scenario.
    StaticRoute,
    /// The VPC router's route to a load balancer's VIP.
    LoadBalancerIp,
    /// The VPC router's route to an external IP, through a node.
    ExternalIpToNode,
    /// The VPC router's `unreachable` for private ranges it does not know.
    NoVpcRoute,
    /// The VPC router's default route, to the internet.
    Internet,
}

impl RouteOrigin {
    pub const ALL: [RouteOrigin; 14] = [
        RouteOrigin::Connected,
        RouteOrigin::PodBridge,
        RouteOrigin::PodVeth,
        RouteOrigin::Default,
        RouteOrigin::VpcPrivateRanges,
        RouteOrigin::LoadBalancerPool,
        RouteOrigin::AnnouncedLoadBalancerIp,
        RouteOrigin::ExternalIpToVpc,
        RouteOrigin::NodePodCidr,
        RouteOrigin::StaticRoute,
        RouteOrigin::LoadBalancerIp,
        RouteOrigin::ExternalIpToNode,
        RouteOrigin::NoVpcRoute,
        RouteOrigin::Internet,
    ];
}

/// A route in the engine's tables, tagged with its [`RouteOrigin`].
pub type Route = route::Route<RouteOrigin>;
/// A device's routing table.
pub type RoutingTable = route::RoutingTable<RouteOrigin>;

/// The outside network between the internet and the VPC router.
pub const OUTSIDE_NET: Ipv4Net = match Ipv4Net::new(Ipv4Addr::new(203, 0, 113, 0), 24) {
    Ok(n) => n,
    Err(_) => panic!("bad constant"),
};
/// The VPC router's address on the outside network.
pub const ROUTER_OUTSIDE_IP: Ipv4Addr = defaults::ROUTER_OUTSIDE_IP;
/// The internet's router towards the VPC.
pub const INTERNET_GATEWAY_IP: Ipv4Addr = defaults::INTERNET_GATEWAY_IP;
/// kubelet's port: every node listens on it.
pub const KUBELET_PORT: u16 = 10250;
/// kube-proxy's healthz port.
pub const KUBE_PROXY_HEALTHZ_PORT: u16 = 10256;

const PRIVATE_RANGES: [Ipv4Net; 3] = [
    net(10, 0, 0, 0, 8),
    net(172, 16, 0, 0, 12),
    net(192, 168, 0, 0, 16),
];

const fn net(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    match Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len) {
        Ok(n) => n,
        Err(_) => panic!("bad constant"),
    }
}

/// A node's device id (`node/NAME`): the form hops, picks and requests
/// name a node by.
pub fn node_id(name: &str) -> String {
    format!("node/{name}")
}

/// The node a device id names (`node/node-1` -> `node-1`), if it is one.
pub fn node_of(id: &str) -> Option<&str> {
    id.strip_prefix("node/")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceKind {
    Internet,
    Router,
    Node {
        name: String,
    },
    Pod {
        namespace: String,
        name: String,
        node: String,
    },
    /// A cloud load balancer of a LoadBalancer Service (`namespace/name`).
    LoadBalancer {
        service: String,
    },
    /// A host on the node network that is not a node (a VM beside them).
    Host,
}

/// What a device listens on (TCP or UDP port, any local address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Socket {
    pub proto: Protocol,
    pub port: u16,
    /// Who listens, in words (`container port http`, `kubelet`).
    pub owner: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    /// Addresses with their prefix (`10.0.1.1/24`).
    pub addrs: Vec<Ipv4Net>,
    pub segment: Option<NodeIndex>,
    /// Addresses it answers ARP for on others' behalf (proxy ARP: a node
    /// for its pods when they take node-network addresses).
    pub proxy_arp: Vec<Ipv4Addr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The id a trace and the CLI use: `pod/client`, `node/node-1`,
    /// `router/vpc`, `internet`, `lb/default/web`, `host/10.100.0.10`.
    pub id: String,
    pub kind: DeviceKind,
    pub interfaces: Vec<Interface>,
    pub routes: RoutingTable,
    /// IP forwarding on (nodes, routers).
    pub forwards: bool,
    pub sockets: Vec<Socket>,
}

impl Device {
    pub fn owns(&self, ip: Ipv4Addr) -> bool {
        ip.is_loopback()
            || self
                .interfaces
                .iter()
                .any(|i| i.addrs.iter().any(|a| a.addr() == ip))
    }

    /// Every local address (loopback first), for `-m addrtype LOCAL`.
    pub fn local_addrs(&self) -> Vec<Ipv4Addr> {
        std::iter::once(Ipv4Addr::LOCALHOST)
            .chain(
                self.interfaces
                    .iter()
                    .flat_map(|i| i.addrs.iter().map(|a| a.addr())),
            )
            .collect()
    }

    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces.iter().find(|i| i.name == name)
    }

    /// The interface's primary address.
    pub fn primary_addr(&self, iface: &str) -> Option<Ipv4Addr> {
        self.interface(iface)
            .and_then(|i| i.addrs.first())
            .map(|a| a.addr())
    }

    /// The source address the kernel picks for a packet leaving by
    /// `iface` (what MASQUERADE and a local socket take): the interface's
    /// primary address, or, on an interface without one, the device's
    /// first address on another (`inet_select_addr`).
    pub fn source_addr(&self, iface: &str) -> Option<Ipv4Addr> {
        self.primary_addr(iface).or_else(|| {
            self.interfaces
                .iter()
                .find_map(|i| i.addrs.first())
                .map(|a| a.addr())
        })
    }

    /// The source a local socket gets for a packet sent by `route`: the
    /// route's preferred source, else its interface's address.
    pub fn route_source<O>(&self, route: &route::Route<O>) -> Option<Ipv4Addr> {
        route.src.or_else(|| self.source_addr(&route.dev))
    }

    pub fn listens(&self, proto: Protocol, port: u16) -> Option<&Socket> {
        self.sockets
            .iter()
            .find(|s| s.proto == proto && s.port == port)
    }

    pub fn is_node(&self) -> bool {
        matches!(self.kind, DeviceKind::Node { .. })
    }
}

/// A graph vertex: a device or an L2 segment (a switch, a bridge).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vertex {
    Device(Device),
    Segment(String),
}

/// The network. Edges join a device to a segment, labelled with the
/// interface name.
#[derive(Debug, Clone)]
pub struct Topology {
    pub graph: UnGraph<Vertex, String>,
    by_id: BTreeMap<String, NodeIndex>,
    /// The load balancers' addresses on the node network, by Service key.
    pub lb_vpc_addrs: BTreeMap<String, Ipv4Addr>,
    /// (segment, address) -> the device and interface answering ARP for
    /// it (see [`Topology::neighbour`]).
    neighbours: HashMap<(NodeIndex, Ipv4Addr), (NodeIndex, String)>,
}

impl Topology {
    /// Builds the network of `s`; `hosts` are extra node-network hosts and
    /// internet client addresses that a request needs.
    pub fn build(s: &Scenario, extra: &[Ipv4Addr]) -> Topology {
        let mut t = Topology {
            graph: UnGraph::default(),
            by_id: BTreeMap::new(),
            lb_vpc_addrs: BTreeMap::new(),
            neighbours: HashMap::default(),
        };
        let c = &s.cluster;
        let gw = c.vpc_gateway();
        let vpc = t.graph.add_node(Vertex::Segment("vpc".into()));
        let outside = t.graph.add_node(Vertex::Segment("outside".into()));
        let with_len =
            |ip: Ipv4Addr, n: Ipv4Net| Ipv4Net::new(ip, n.prefix_len()).expect("valid prefix");

        // Internet: the gateway address and every client address.
        let mut inet_addrs = vec![
            with_len(INTERNET_GATEWAY_IP, OUTSIDE_NET),
            Ipv4Net::from(defaults::INTERNET_CLIENT),
        ];
        for ip in extra {
            if !c.node_cidr.contains(ip) && !inet_addrs.iter().any(|a| a.addr() == *ip) {
                inet_addrs.push(Ipv4Net::from(*ip));
            }
        }
        let mut inet_routes = RoutingTable::default();
        inet_routes.add(Route::link(
            OUTSIDE_NET,
            "eth0",
            None,
            RouteOrigin::Connected,
        ));
        for r in PRIVATE_RANGES {
            inet_routes.add(Route::via(
                r,
                ROUTER_OUTSIDE_IP,
                "eth0",
                RouteOrigin::VpcPrivateRanges,
            ));
        }
        inet_routes.add(Route::via(
            defaults::LOAD_BALANCER_POOL,
            ROUTER_OUTSIDE_IP,
            "eth0",
            RouteOrigin::LoadBalancerPool,
        ));
        // Load balancer and external IPs anywhere else (a real cluster's
        // public addresses, or ones inside the outside network itself): the
        // cloud announces them, so the internet routes them to the VPC.
        let node_ips: Vec<Ipv4Addr> = s.nodes.iter().map(|n| n.internal_ip).collect();
        let announced = |ip: &Ipv4Addr| {
            PRIVATE_RANGES
                .iter()
                .chain([&defaults::LOAD_BALANCER_POOL])
                .any(|r| r.contains(ip))
        };
        for svc in &s.services {
            let lb = if svc.kind == ServiceType::LoadBalancer {
                &svc.load_balancer_ingress[..]
            } else {
                &[]
            };
            for (ip, origin) in lb
                .iter()
                .map(|ip| (ip, RouteOrigin::AnnouncedLoadBalancerIp))
                .chain(
                    svc.external_ips
                        .iter()
                        .map(|ip| (ip, RouteOrigin::ExternalIpToVpc)),
                )
            {
                if !announced(ip) && !node_ips.contains(ip) {
                    inet_routes.add(Route::via(
                        Ipv4Net::from(*ip),
                        ROUTER_OUTSIDE_IP,
                        "eth0",
                        origin,
                    ));
                }
            }
        }
        t.add_device(
            Device {
                id: "internet".into(),
                kind: DeviceKind::Internet,
                interfaces: vec![Interface {
                    name: "eth0".into(),
                    addrs: inet_addrs,
                    segment: Some(outside),
                    proxy_arp: vec![],
                }],
                routes: inet_routes,
                forwards: false,
                sockets: vec![],
            },
            &[("eth0", outside)],
        );

        // VPC router.
        let mut rr = RoutingTable::default();
        rr.add(Route::link(
            c.node_cidr,
            "eth0",
            Some(gw),
            RouteOrigin::Connected,
        ));
        rr.add(Route::link(
            OUTSIDE_NET,
            "ext0",
            Some(ROUTER_OUTSIDE_IP),
            RouteOrigin::Connected,
        ));
        // Pods on the node network need no route: their node answers
        // for them (proxy ARP).
        for n in s.nodes.iter().filter(|_| !c.pods_on_node_network) {
            rr.add(Route::via(
                n.pod_cidr,
                n.internal_ip,
                "eth0",
                RouteOrigin::NodePodCidr,
            ));
        }
        for r in &s.routes {
            let kind = match &r.next_hop {
                NextHop::Ip(ip) => RouteKind::Via(*ip),
                NextHop::Node(name) => match s.node(name) {
                    Some(n) => RouteKind::Via(n.internal_ip),
                    None => RouteKind::ViaMissingNode(name.clone()),
                },
            };
            rr.add(Route {
                dest: r.destination,
                kind,
                dev: "eth0".into(),
                src: None,
                origin: RouteOrigin::StaticRoute,
            });
        }
        // Load balancers: an address on the node network each, from the top.
        let mut taken: Vec<Ipv4Addr> = s
            .nodes
            .iter()
            .map(|n| n.internal_ip)
            .chain(extra.iter().copied())
            .chain(
                s.pods
                    .iter()
                    .filter(|_| c.pods_on_node_network)
                    .filter_map(|p| p.ip),
            )
            .collect();
        let mut next_lb = u32::from(c.node_cidr.broadcast());
        let lbs: Vec<_> = s
            .services
            .iter()
            .filter(|svc| svc.kind == ServiceType::LoadBalancer)
            .collect();
        for svc in &lbs {
            let addr = loop {
                next_lb -= 1;
                let ip = Ipv4Addr::from(next_lb);
                if !c.node_cidr.contains(&ip) || ip == gw {
                    break None;
                }
                if !taken.contains(&ip) {
                    break Some(ip);
                }
            };
            let Some(addr) = addr else { continue };
            taken.push(addr);
            t.lb_vpc_addrs.insert(svc.key(), addr);
            for vip in &svc.load_balancer_ingress {
                rr.add(Route::via(
                    Ipv4Net::from(*vip),
                    addr,
                    "eth0",
                    RouteOrigin::LoadBalancerIp,
                ));
            }
        }
        // External IPs: the cluster's admin routes them to a node (the
        // first Ready one).
        if let Some(n) = s.nodes.iter().find(|n| n.ready) {
            for svc in &s.services {
                for ip in &svc.external_ips {
                    if !node_ips.contains(ip) {
                        rr.add(Route::via(
                            Ipv4Net::from(*ip),
                            n.internal_ip,
                            "eth0",
                            RouteOrigin::ExternalIpToNode,
                        ));
                    }
                }
            }
        }
        for p in PRIVATE_RANGES {
            rr.add(Route {
                dest: p,
                kind: RouteKind::Unreachable,
                dev: String::new(),
                src: None,
                origin: RouteOrigin::NoVpcRoute,
            });
        }
        rr.add(Route::via(
            "0.0.0.0/0".parse().expect("default"),
            INTERNET_GATEWAY_IP,
            "ext0",
            RouteOrigin::Internet,
        ));
        t.add_device(
            Device {
                id: "router/vpc".into(),
                kind: DeviceKind::Router,
                interfaces: vec![
                    Interface {
                        name: "eth0".into(),
                        addrs: vec![with_len(gw, c.node_cidr)],
                        segment: Some(vpc),
                        proxy_arp: vec![],
                    },
                    Interface {
                        name: "ext0".into(),
                        addrs: vec![with_len(ROUTER_OUTSIDE_IP, OUTSIDE_NET)],
                        segment: Some(outside),
                        proxy_arp: vec![],
                    },
                ],
                routes: rr,
                forwards: true,
                sockets: vec![],
            },
            &[("eth0", vpc), ("ext0", outside)],
        );

        // Load balancers.
        for svc in &lbs {
            let Some(addr) = t.lb_vpc_addrs.get(&svc.key()).copied() else {
                continue;
            };
            let mut routes = RoutingTable::default();
            routes.add(Route::link(
                c.node_cidr,
                "eth0",
                Some(addr),
                RouteOrigin::Connected,
            ));
            routes.add(Route::via(
                "0.0.0.0/0".parse().expect("default"),
                gw,
                "eth0",
                RouteOrigin::Default,
            ));
            let mut addrs = vec![with_len(addr, c.node_cidr)];
            addrs.extend(
                svc.load_balancer_ingress
                    .iter()
                    .map(|ip| Ipv4Net::from(*ip)),
            );
            t.add_device(
                Device {
                    id: format!("lb/{}", svc.key()),
                    kind: DeviceKind::LoadBalancer { service: svc.key() },
                    interfaces: vec![Interface {
                        name: "eth0".into(),
                        addrs,
                        segment: Some(vpc),
                        proxy_arp: vec![],
                    }],
                    routes,
                    forwards: false,
                    sockets: vec![],
                },
                &[("eth0", vpc)],
            );
        }

        // Node-network hosts.
        for ip in extra.iter().filter(|ip| c.node_cidr.contains(*ip)) {
            if s.nodes.iter().any(|n| n.internal_ip == *ip) || *ip == gw {
                continue;
            }
            let mut routes = RoutingTable::default();
            routes.add(Route::link(
                c.node_cidr,
                "eth0",
                Some(*ip),
                RouteOrigin::Connected,
            ));
            routes.add(Route::via(
                "0.0.0.0/0".parse().expect("default"),
                gw,
                "eth0",
                RouteOrigin::Default,
            ));
            t.add_device(
                Device {
                    id: format!("host/{ip}"),
                    kind: DeviceKind::Host,
                    interfaces: vec![Interface {
                        name: "eth0".into(),
                        addrs: vec![with_len(*ip, c.node_cidr)],
                        segment: Some(vpc),
                        proxy_arp: vec![],
                    }],
                    routes,
                    forwards: false,
                    sockets: vec![],
                },
                &[("eth0", vpc)],
            );
        }

        // Nodes and their pods.
        let health_ports: Vec<u16> = s
            .services
            .iter()
            .filter(|svc| {
                svc.kind == ServiceType::LoadBalancer
                    && svc.external_traffic_policy == TrafficPolicy::Local
            })
            .filter_map(|svc| svc.health_check_node_port)
            .collect();
        let pods_by_node = s.pods_by_node();
        for n in &s.nodes {
            let bridge = t
                .graph
                .add_node(Vertex::Segment(format!("cbr0@{}", n.name)));
            let mut routes = RoutingTable::default();
            routes.add(Route::via(
                "0.0.0.0/0".parse().expect("default"),
                gw,
                "eth0",
                RouteOrigin::Default,
            ));
            routes.add(Route::link(
                c.node_cidr,
                "eth0",
                Some(n.internal_ip),
                RouteOrigin::Connected,
            ));
            let on_node_network = c.pods_on_node_network;
            let node_pods = pods_by_node.get(n.name.as_str());
            // The pods' gateway: the bridge's address in the node's pod
            // CIDR; or, as the VPC CNI sets pods up, the link-local
            // 169.254.1.1 that the node's side answers ARP for without
            // holding it, and a route per pod.
            let (bridge_addrs, gateway, pod_len) = if on_node_network {
                for ip in node_pods.into_iter().flatten().filter_map(|p| p.ip) {
                    routes.add(Route::link(
                        Ipv4Net::from(ip),
                        "cbr0",
                        None,
                        RouteOrigin::PodVeth,
                    ));
                }
                (vec![], NODE_NETWORK_POD_GATEWAY, 32)
            } else {
                routes.add(Route::link(
                    n.pod_cidr,
                    "cbr0",
                    Some(n.bridge_ip()),
                    RouteOrigin::PodBridge,
                ));
                (
                    vec![with_len(n.bridge_ip(), n.pod_cidr)],
                    n.bridge_ip(),
                    n.pod_cidr.prefix_len(),
                )
            };
            let proxy_arp: Vec<Ipv4Addr> = if on_node_network {
                node_pods
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.ip)
                    .collect()
            } else {
                vec![]
            };
            let mut sockets = vec![
                Socket {
                    proto: Protocol::Tcp,
                    port: KUBELET_PORT,
                    owner: "kubelet".into(),
                },
                Socket {
                    proto: Protocol::Tcp,
                    port: KUBE_PROXY_HEALTHZ_PORT,
                    owner: "kube-proxy healthz".into(),
                },
            ];
            sockets.extend(health_ports.iter().map(|p| Socket {
                proto: Protocol::Tcp,
                port: *p,
                owner: "kube-proxy health check".into(),
            }));
            t.add_device(
                Device {
                    id: node_id(&n.name),
                    kind: DeviceKind::Node {
                        name: n.name.clone(),
                    },
                    interfaces: vec![
                        Interface {
                            name: "eth0".into(),
                            addrs: vec![with_len(n.internal_ip, c.node_cidr)],
                            segment: Some(vpc),
                            proxy_arp,
                        },
                        Interface {
                            name: "cbr0".into(),
                            addrs: bridge_addrs,
                            segment: Some(bridge),
                            proxy_arp: if on_node_network {
                                vec![NODE_NETWORK_POD_GATEWAY]
                            } else {
                                vec![]
                            },
                        },
                    ],
                    routes,
                    forwards: true,
                    sockets,
                },
                &[("eth0", vpc), ("cbr0", bridge)],
            );
            for p in node_pods.into_iter().flatten() {
                let Some(ip) = p.ip else { continue };
                let mut routes = RoutingTable::default();
                routes.add(Route::via(
                    "0.0.0.0/0".parse().expect("default"),
                    gateway,
                    "eth0",
                    RouteOrigin::Default,
                ));
                if !on_node_network {
                    routes.add(Route::link(
                        n.pod_cidr,
                        "eth0",
                        Some(ip),
                        RouteOrigin::Connected,
                    ));
                }
                t.add_device(
                    Device {
                        id: format!("pod/{}", pod_ref(&p.namespace, &p.name)),
                        kind: DeviceKind::Pod {
                            namespace: p.namespace.clone(),
                            name: p.name.clone(),
                            node: n.name.clone(),
                        },
                        interfaces: vec![Interface {
                            name: "eth0".into(),
                            addrs: vec![Ipv4Net::new(ip, pod_len).expect("valid prefix")],
                            segment: Some(bridge),
                            proxy_arp: vec![],
                        }],
                        routes,
                        forwards: false,
                        sockets: p
                            .ports
                            .iter()
                            .map(|cp| Socket {
                                proto: cp.protocol,
                                port: cp.port,
                                owner: match &cp.name {
                                    Some(name) => format!("container port {name}"),
                                    None => "container port".into(),
                                },
                            })
                            .collect(),
                    },
                    &[("eth0", bridge)],
                );
            }
        }
        t.index_neighbours();
        t
    }

    /// Fills `neighbours`: per segment, each address on it and the device
    /// interface that answers ARP for it (the first in the graph's edge
    /// order, as a scan of the segment's edges finds it).
    fn index_neighbours(&mut self) {
        let mut map = HashMap::default();
        for (segment, device, iface, i) in self.segment_interfaces() {
            for a in &i.addrs {
                map.entry((segment, a.addr()))
                    .or_insert_with(|| (device, iface.clone()));
            }
        }
        // Proxy ARP answers only for addresses no one on the segment owns.
        for (segment, device, iface, i) in self.segment_interfaces() {
            for ip in &i.proxy_arp {
                map.entry((segment, *ip))
                    .or_insert_with(|| (device, iface.clone()));
            }
        }
        self.neighbours = map;
    }

    /// Every interface linked to a segment, in the graph's order:
    /// (segment, device, interface name, interface).
    fn segment_interfaces(
        &self,
    ) -> impl Iterator<Item = (NodeIndex, NodeIndex, &String, &Interface)> + '_ {
        self.graph
            .node_indices()
            .filter(|&s| matches!(self.graph[s], Vertex::Segment(_)))
            .flat_map(move |segment| {
                self.graph.edges(segment).filter_map(move |e| {
                    let other = if e.source() == segment {
                        e.target()
                    } else {
                        e.source()
                    };
                    let Vertex::Device(d) = &self.graph[other] else {
                        return None;
                    };
                    let i = d.interface(e.weight())?;
                    Some((segment, other, e.weight(), i))
                })
            })
    }

    fn add_device(&mut self, d: Device, links: &[(&str, NodeIndex)]) {
        let id = d.id.clone();
        let ix = self.graph.add_node(Vertex::Device(d));
        for (iface, seg) in links {
            self.graph.add_edge(ix, *seg, (*iface).to_string());
        }
        self.by_id.insert(id, ix);
    }

    pub fn index(&self, id: &str) -> Option<NodeIndex> {
        self.by_id.get(id).copied()
    }

    pub fn device(&self, ix: NodeIndex) -> &Device {
        match &self.graph[ix] {
            Vertex::Device(d) => d,
            Vertex::Segment(_) => panic!("index {ix:?} is a segment, not a device"),
        }
    }

    pub fn device_by_id(&self, id: &str) -> Option<&Device> {
        self.index(id).map(|ix| self.device(ix))
    }

    pub fn devices(&self) -> impl Iterator<Item = (NodeIndex, &Device)> {
        self.graph
            .node_indices()
            .filter_map(move |ix| match &self.graph[ix] {
                Vertex::Device(d) => Some((ix, d)),
                Vertex::Segment(_) => None,
            })
    }

    /// The device on `segment` that answers ARP for `ip`, and its interface.
    pub fn neighbour(&self, segment: NodeIndex, ip: Ipv4Addr) -> Option<(NodeIndex, String)> {
        self.neighbours.get(&(segment, ip)).cloned()
    }

    /// The segment an interface of a device is on.
    pub fn segment_of(&self, dev: NodeIndex, iface: &str) -> Option<NodeIndex> {
        self.device(dev).interface(iface).and_then(|i| i.segment)
    }

    /// The device that owns `ip` (for resolving a request's source).
    pub fn owner_of(&self, ip: Ipv4Addr) -> Option<NodeIndex> {
        self.devices()
            .find(|(_, d)| {
                d.interfaces
                    .iter()
                    .any(|i| i.addrs.iter().any(|a| a.addr() == ip))
            })
            .map(|(ix, _)| ix)
    }
}

use petgraph::visit::EdgeRef;

/// `name` in the default namespace, else `namespace/name`.
pub fn pod_ref(namespace: &str, name: &str) -> String {
    if namespace == defaults::NAMESPACE {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_id_names_its_node_and_nothing_else_does() {
        assert_eq!(node_id("node-1"), "node/node-1");
        assert_eq!(node_of(&node_id("node-1")), Some("node-1"));
        for other in [
            "pod/client",
            "pod/default/node-1",
            "router",
            "node-1",
            "nodes/x",
        ] {
            assert_eq!(node_of(other), None, "{other}");
        }
    }
}
