//! What a trace is asked to do: a source (pod, node, internet client, a
//! host on the node network) and a destination (`IP:PORT` or a Service),
//! read from the CLI's and the UI's forms and checked against the scenario.

use super::topology::pod_ref;
use crate::model::{defaults, Protocol, Scenario};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};

/// Where a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Pod {
        namespace: String,
        name: String,
    },
    Node(String),
    /// A client on the internet with this address.
    Internet(Ipv4Addr),
    /// A host on the node network that is not a node.
    Host(Ipv4Addr),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Pod { namespace, name } => write!(f, "pod/{}", pod_ref(namespace, name)),
            Source::Node(n) => write!(f, "node/{n}"),
            Source::Internet(ip) if *ip == defaults::INTERNET_CLIENT => f.write_str("internet"),
            Source::Internet(ip) | Source::Host(ip) => write!(f, "{ip}"),
        }
    }
}

/// One connection attempt, or one ping (`proto` ICMP: `to`'s port is 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub from: Source,
    pub to: SocketAddrV4,
    pub proto: Protocol,
}

impl fmt::Display for Request {
    /// `TCP pod/client -> 10.3.241.152:80`, `ICMP pod/client -> 10.3.241.152`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} -> ", self.proto.as_k8s(), self.from)?;
        if self.proto.has_ports() {
            write!(f, "{}", self.to)
        } else {
            write!(f, "{}", self.to.ip())
        }
    }
}

/// A request the scenario cannot carry out, said in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError(pub String);

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RequestError {}

impl Request {
    /// Reads the CLI's forms: SRC is `pod/NAME` (or `pod/NS/NAME`),
    /// `node/NAME`, `internet`, or an IP address (inside the node network
    /// but no node's: a host there; elsewhere an internet client). DST is
    /// `IP:PORT` or `svc/NAME[:PORT]` (or `svc/NS/NAME[:PORT]`: its
    /// ClusterIP, the Service's first port when none is given). With ICMP
    /// (a ping) DST is a bare address or `svc/NAME` (its ClusterIP), with
    /// no port.
    pub fn parse(
        s: &Scenario,
        from: &str,
        to: &str,
        proto: Protocol,
    ) -> Result<Request, RequestError> {
        let from = parse_source(s, from)?;
        let to = parse_destination(s, to, proto)?;
        Ok(Request { from, to, proto })
    }
}

impl Source {
    /// Reads a source in the CLI's forms (see [`Request::parse`]).
    pub fn parse(s: &Scenario, from: &str) -> Result<Source, RequestError> {
        parse_source(s, from)
    }
}

fn split_ns(rest: &str) -> (String, String) {
    match rest.split_once('/') {
        Some((ns, name)) => (ns.to_string(), name.to_string()),
        None => (defaults::NAMESPACE.to_string(), rest.to_string()),
    }
}

fn parse_source(s: &Scenario, from: &str) -> Result<Source, RequestError> {
    if from == "internet" {
        return Ok(Source::Internet(defaults::INTERNET_CLIENT));
    }
    if let Some(rest) = from.strip_prefix("pod/") {
        let (namespace, name) = split_ns(rest);
        let pod = s.pod(&namespace, &name).ok_or_else(|| {
            RequestError(format!("source {from}: there is no pod {namespace}/{name}"))
        })?;
        if pod.ip.is_none() {
            return Err(RequestError(format!(
                "source {from}: the pod is Pending (no node, no address)"
            )));
        }
        return Ok(Source::Pod { namespace, name });
    }
    if let Some(name) = crate::engine::topology::node_of(from) {
        s.node(name)
            .ok_or_else(|| RequestError(format!("source {from}: there is no node {name}")))?;
        return Ok(Source::Node(name.to_string()));
    }
    let ip: Ipv4Addr = from.parse().map_err(|_| {
        RequestError(format!(
            "source {from:?}: expected pod/NAME, node/NAME, internet, or an IPv4 address"
        ))
    })?;
    if let Some(n) = s.nodes.iter().find(|n| n.internal_ip == ip) {
        return Ok(Source::Node(n.name.clone()));
    }
    if let Some(p) = s.pods.iter().find(|p| p.ip == Some(ip)) {
        return Ok(Source::Pod {
            namespace: p.namespace.clone(),
            name: p.name.clone(),
        });
    }
    // A load balancer's or an external IP is the cloud's, not a client's.
    if let Some(svc) = s.services.iter().find(|svc| {
        svc.external_ips.contains(&ip)
            || (svc.kind == crate::model::ServiceType::LoadBalancer
                && svc.load_balancer_ingress.contains(&ip))
    }) {
        return Err(RequestError(format!(
            "source {ip}: that is Service {}'s load balancer or external IP; pick another client address",
            svc.key()
        )));
    }
    let c = &s.cluster;
    if c.node_cidr.contains(&ip) {
        if ip == c.vpc_gateway() || ip == c.node_cidr.network() || ip == c.node_cidr.broadcast() {
            return Err(RequestError(format!(
                "source {ip}: that is the VPC router's or a reserved address"
            )));
        }
        return Ok(Source::Host(ip));
    }
    for (what, net) in [("pod", c.pod_cidr), ("service", c.service_cidr)] {
        if net.contains(&ip) {
            return Err(RequestError(format!(
                "source {ip}: no pod has that address, and the {what} network {net} is not a place for other hosts"
            )));
        }
    }
    if super::topology::OUTSIDE_NET.contains(&ip) && ip != defaults::INTERNET_CLIENT {
        return Err(RequestError(format!(
            "source {ip}: {} is the network between the internet and the VPC router; pick another client address",
            super::topology::OUTSIDE_NET
        )));
    }
    Ok(Source::Internet(ip))
}

fn parse_destination(
    s: &Scenario,
    to: &str,
    proto: Protocol,
) -> Result<SocketAddrV4, RequestError> {
    if !proto.has_ports() {
        return parse_ping_destination(s, to);
    }
    if let Some(rest) = to.strip_prefix("svc/") {
        let (svc_part, port) = match rest.rsplit_once(':') {
            Some((a, p)) => {
                let port: u16 = p
                    .parse()
                    .map_err(|_| RequestError(format!("destination {to}: {p:?} is not a port")))?;
                (a, Some(port))
            }
            None => (rest, None),
        };
        let (namespace, name) = split_ns(svc_part);
        let svc = s.service(&namespace, &name).ok_or_else(|| {
            RequestError(format!(
                "destination {to}: there is no Service {namespace}/{name}"
            ))
        })?;
        let ip = svc.cluster_ip.ok_or_else(|| {
            RequestError(format!(
                "destination {to}: the Service has no ClusterIP (headless or ExternalName)"
            ))
        })?;
        let port = match port {
            Some(p) => p,
            None => svc
                .ports
                .iter()
                .find(|p| p.protocol == proto)
                .or(svc.ports.first())
                .map(|p| p.port)
                .ok_or_else(|| {
                    RequestError(format!("destination {to}: the Service has no ports"))
                })?,
        };
        return Ok(SocketAddrV4::new(ip, port));
    }
    to.parse().map_err(|_| {
        RequestError(format!(
            "destination {to:?}: expected IP:PORT or svc/NAME[:PORT]"
        ))
    })
}

/// A ping's destination: a bare address, or a Service's ClusterIP.
fn parse_ping_destination(s: &Scenario, to: &str) -> Result<SocketAddrV4, RequestError> {
    let has_port = |a: &str| a.rsplit_once(':').is_some();
    if let Some(rest) = to.strip_prefix("svc/") {
        if has_port(rest) {
            return Err(RequestError(format!(
                "destination {to}: ICMP has no ports; ping svc/NAME without :PORT"
            )));
        }
        let (namespace, name) = split_ns(rest);
        let svc = s.service(&namespace, &name).ok_or_else(|| {
            RequestError(format!(
                "destination {to}: there is no Service {namespace}/{name}"
            ))
        })?;
        let ip = svc.cluster_ip.ok_or_else(|| {
            RequestError(format!(
                "destination {to}: the Service has no ClusterIP (headless or ExternalName)"
            ))
        })?;
        return Ok(SocketAddrV4::new(ip, 0));
    }
    if to.parse::<SocketAddrV4>().is_ok() {
        return Err(RequestError(format!(
            "destination {to}: ICMP has no ports; give the bare address ({})",
            to.rsplit_once(':').map_or(to, |(a, _)| a)
        )));
    }
    let ip: Ipv4Addr = to.parse().map_err(|_| {
        RequestError(format!(
            "destination {to:?}: expected an IPv4 address or svc/NAME for ICMP"
        ))
    })?;
    Ok(SocketAddrV4::new(ip, 0))
}
