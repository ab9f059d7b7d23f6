//! The cloud load balancer: picks a healthy node for a Service's
//! external address and remembers the flow, so the answer finds its way
//! back (pass-through or nodePort style, as `LoadBalancerStyle` says).

use super::say::Say;
use super::trace::*;
use super::world::*;
use crate::kube_proxy::iptables;
use crate::linux::conntrack::Tuple;
use crate::linux::packet::Packet;
use crate::model::{LoadBalancerStyle, TrafficPolicy};
use petgraph::graph::NodeIndex;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Arc;

impl World {
    /// A cloud load balancer: the request is spread over the healthy nodes
    /// (pass-through keeps the LB IP as destination; node-port style
    /// rewrites to nodeIP:nodePort from the LB's own address); its answer
    /// is translated back.
    pub(super) fn load_balancer(
        &mut self,
        dev: NodeIndex,
        service: String,
        packet: Packet,
        w: &mut Walk<'_>,
    ) -> Step {
        let topo = Arc::clone(&self.topology);
        let d = topo.device(dev);
        let style = self.scenario.cluster.load_balancer_style;
        let flows = self.flows(&service);
        // An answer from a node (node-port style) for a known flow.
        if let Some(f) = flows
            .iter()
            .find(|f| f.backend.reversed() == Tuple::of(&packet))
            .cloned()
        {
            let mut p = packet;
            p.src = f.client.dst;
            p.dst = f.client.src;
            w.hop(
                &d.id,
                Place::LoadBalancer,
                format!("flow {} <- {}", f.client.src, f.backend.dst),
                packet,
                p,
                Say::LbTranslatesBack { lb: d.id.clone() },
            );
            return self.route_and_send(dev, p, true, w);
        }
        let (ns, name) = service.split_once('/').unwrap_or(("default", &service));
        let Some(svc) = self.scenario.service(ns, name).cloned() else {
            return Step::End(End::Dropped(Say::LbServiceGone { lb: d.id.clone() }));
        };
        if !packet.proto.has_ports() {
            // The cloud forwards only the Service's ports (the kernel
            // check's load balancer: its FORWARD admits only those).
            return Step::End(End::Dropped(Say::LbNoIcmp { lb: d.id.clone() }));
        }
        let Some(port) = svc
            .ports
            .iter()
            .find(|p| p.port == packet.dst.port() && p.protocol == packet.proto)
            .cloned()
        else {
            return Step::End(End::Dropped(Say::LbNoListener {
                lb: d.id.clone(),
                port: packet.dst.port(),
                proto: packet.proto,
            }));
        };
        if !svc.load_balancer_source_ranges.is_empty()
            && !svc
                .load_balancer_source_ranges
                .iter()
                .any(|r| r.contains(&packet.src_ip()))
        {
            // The cloud's firewall (kube-proxy's KUBE-FW is the backstop).
            return Step::End(End::Dropped(Say::LbSourceRanges {
                lb: d.id.clone(),
                ranges: svc
                    .load_balancer_source_ranges
                    .iter()
                    .map(|r| r.to_string())
                    .collect(),
            }));
        }
        let pool = self.lb_pool(&svc);
        if pool.is_empty() {
            return Step::End(End::Dropped(Say::LbNoHealthy { lb: d.id.clone() }));
        }
        // A uniform pick, as a ladder of 1/(n-i) choices drawn like
        // kube-proxy's statistic rules. (Not `Chooser::pick`: that draws
        // differently, and seeded traces and the paths' recorded decisions
        // would change.)
        let n = pool.len();
        let mut pick = n - 1;
        for i in 0..n - 1 {
            if iptables::one_in((n - i) as u32).draw(w.chooser) {
                pick = i;
                break;
            }
        }
        let (node_name, node_ip) = pool[pick].clone();
        let mut p = packet;
        let say = match style {
            LoadBalancerStyle::PassThrough => Say::LbPassThrough {
                lb: d.id.clone(),
                node: node_name.clone(),
                ip: node_ip,
            },
            LoadBalancerStyle::NodePort => {
                let Some(np) = port.node_port else {
                    return Step::End(End::Dropped(Say::LbNeedsNodePort {
                        lb: d.id.clone(),
                        port: port.port,
                    }));
                };
                let lb_addr = self
                    .topology
                    .lb_vpc_addrs
                    .get(&service)
                    .copied()
                    .unwrap_or(Ipv4Addr::UNSPECIFIED);
                p.src = SocketAddrV4::new(lb_addr, packet.src.port());
                p.dst = SocketAddrV4::new(node_ip, np);
                Say::LbNodePort {
                    lb: d.id.clone(),
                    node: node_name.clone(),
                    ip: node_ip,
                    port: np,
                    from: lb_addr,
                }
            }
        };
        self.flows(&service).push(LbFlow {
            client: Tuple::of(&packet),
            backend: Tuple::of(&p),
        });
        w.hop(
            &d.id,
            Place::LoadBalancer,
            Say::Backend {
                node: node_name.clone(),
                healthy: n,
            },
            packet,
            p,
            say,
        );
        let segment = self.topology.segment_of(dev, "eth0").expect("lb on vpc");
        match self.topology.neighbour(segment, node_ip) {
            Some((next, iface)) => Step::Arrive {
                dev: next,
                iface,
                packet: p,
            },
            None => Step::End(End::Dropped(Say::NoAnswer { ip: node_ip })),
        }
    }

    /// The nodes a load balancer's health checks pass: Ready nodes; with
    /// externalTrafficPolicy Local only those with a ready local endpoint
    /// (kube-proxy's health check node port answers 200 there, else 503).
    pub(super) fn lb_pool(&self, svc: &crate::model::Service) -> Vec<(String, Ipv4Addr)> {
        let local_only = svc.external_traffic_policy == TrafficPolicy::Local;
        // Nodes with a ready endpoint (one pass over the slices).
        let with_ready: crate::hash::HashSet<&str> = if local_only {
            self.scenario
                .slices_of(svc)
                .flat_map(|s| &s.endpoints)
                .filter(|e| e.ready)
                .filter_map(|e| e.node_name.as_deref())
                .collect()
        } else {
            Default::default()
        };
        self.scenario
            .nodes
            .iter()
            .filter(|n| n.ready)
            .filter(|n| !local_only || with_ready.contains(n.name.as_str()))
            .map(|n| (n.name.clone(), n.internal_ip))
            .collect()
    }
}
