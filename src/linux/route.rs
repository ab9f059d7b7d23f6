//! Routing tables with longest-prefix match, written as `ip route` prints
//! them so that a trace can name the route that decided. Each route carries
//! a tag `O` saying who put it there, chosen by the table's owner: like the
//! kernel's `proto` field (`proto kernel`, `proto static`), the kernel keeps
//! it and never looks at it.

use ipnet::Ipv4Net;
use std::fmt;
use std::net::Ipv4Addr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteKind {
    /// On-link: the destination is a neighbour on `dev`.
    Link,
    /// Through a gateway on `dev`.
    Via(Ipv4Addr),
    /// Through a node that does not exist (a static Route naming a removed
    /// node): the cloud keeps the route, traffic on it goes nowhere.
    ViaMissingNode(String),
    /// `unreachable`: the router refuses to forward (ICMP net unreachable).
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route<O> {
    pub dest: Ipv4Net,
    pub kind: RouteKind,
    /// The interface (empty for `unreachable`).
    pub dev: String,
    /// The preferred source address for locally generated packets.
    pub src: Option<Ipv4Addr>,
    /// Who put the route there (the owner's tag; routing ignores it).
    pub origin: O,
}

impl<O> Route<O> {
    pub fn link(dest: Ipv4Net, dev: &str, src: Option<Ipv4Addr>, origin: O) -> Route<O> {
        Route {
            dest,
            kind: RouteKind::Link,
            dev: dev.to_string(),
            src,
            origin,
        }
    }

    pub fn via(dest: Ipv4Net, gw: Ipv4Addr, dev: &str, origin: O) -> Route<O> {
        Route {
            dest,
            kind: RouteKind::Via(gw),
            dev: dev.to_string(),
            src: None,
            origin,
        }
    }
}

impl<O> fmt::Display for Route<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dest = if self.dest.prefix_len() == 0 {
            "default".to_string()
        } else {
            self.dest.to_string()
        };
        match &self.kind {
            RouteKind::Unreachable => return write!(f, "unreachable {dest}"),
            RouteKind::Link => write!(f, "{dest} dev {}", self.dev)?,
            RouteKind::Via(gw) => write!(f, "{dest} via {gw} dev {}", self.dev)?,
            RouteKind::ViaMissingNode(n) => {
                write!(f, "{dest} via {n} (no such node) dev {}", self.dev)?
            }
        }
        if let Some(src) = self.src {
            write!(f, " src {src}")?;
        }
        Ok(())
    }
}

/// A device's routing table: a short list, searched by longest prefix
/// (the first of equal length wins, as with equal metrics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingTable<O> {
    pub routes: Vec<Route<O>>,
}

impl<O> Default for RoutingTable<O> {
    fn default() -> Self {
        RoutingTable { routes: Vec::new() }
    }
}

impl<O> RoutingTable<O> {
    pub fn add(&mut self, r: Route<O>) {
        self.routes.push(r);
    }

    /// The route for `dst`, or `None` (no route to host).
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<&Route<O>> {
        self.routes.iter().filter(|r| r.dest.contains(&dst)).fold(
            None,
            |best: Option<&Route<O>>, r| match best {
                Some(b) if b.dest.prefix_len() >= r.dest.prefix_len() => Some(b),
                _ => Some(r),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn longest_prefix_wins_and_ties_go_to_the_first() {
        let mut t = RoutingTable::default();
        t.add(Route::via(
            net("0.0.0.0/0"),
            "10.100.0.1".parse().unwrap(),
            "eth0",
            "default",
        ));
        t.add(Route::link(net("10.100.0.0/24"), "eth0", None, "connected"));
        t.add(Route::link(net("10.0.1.0/24"), "cbr0", None, "pod CIDR"));
        t.add(Route::link(net("10.0.1.0/24"), "eth1", None, "shadowed"));
        assert_eq!(t.lookup("10.0.1.7".parse().unwrap()).unwrap().dev, "cbr0");
        assert_eq!(
            t.lookup("10.100.0.3".parse().unwrap()).unwrap().to_string(),
            "10.100.0.0/24 dev eth0"
        );
        assert_eq!(
            t.lookup("8.8.8.8".parse().unwrap()).unwrap().to_string(),
            "default via 10.100.0.1 dev eth0"
        );
        assert_eq!(
            t.lookup("10.0.1.7".parse().unwrap()).unwrap().origin,
            "pod CIDR"
        );
        let empty = RoutingTable::<()>::default();
        assert!(empty.lookup("8.8.8.8".parse().unwrap()).is_none());
    }
}
