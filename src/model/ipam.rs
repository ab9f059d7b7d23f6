//! Address and port allocation, deterministic for a given scenario.
//!
//! Where Kubernetes allocates at random (ClusterIPs, NodePorts) we draw from
//! the same band it prefers, at a place given by a hash of the object's name,
//! so that adding one Service does not move another's address. Where it
//! allocates sequentially (node pod CIDRs, pod IPs from host-local IPAM) so
//! do we.

use ipnet::Ipv4Net;
use sha2::{Digest, Sha256};
use std::net::Ipv4Addr;

/// Kubernetes' split of a range into a static band (its lowest `offset`
/// values, left for users who pick their own) and a dynamic band that
/// allocation prefers (`calculateRangeOffset` in the apiserver).
fn static_band(size: u64, min: u64, max: u64, step: u64) -> u64 {
    if size < min {
        return 0;
    }
    (size / step).clamp(min, max)
}

fn hash64(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    u64::from_be_bytes(digest[..8].try_into().expect("sha256 is 32 bytes"))
}

/// Picks a free value in `0..size`, preferring `[band, size)` at a place
/// given by `key`, then `[0, band)`.
fn pick(size: u64, band: u64, key: &str, used: impl Fn(u64) -> bool) -> Option<u64> {
    let h = hash64(key);
    let tries = |lo: u64, hi: u64| {
        let n = hi - lo;
        (0..n).map(move |i| lo + (h % n.max(1) + i) % n.max(1))
    };
    let dynamic = if band < size {
        Some(tries(band, size))
    } else {
        None
    };
    let lower = if band > 0 { Some(tries(0, band)) } else { None };
    dynamic
        .into_iter()
        .flatten()
        .chain(lower.into_iter().flatten())
        .find(|&v| !used(v))
}

/// A set of numbers (addresses as `u32`, ports), sorted, searched by
/// bisection: the three pools share it and the wasm holds no B-tree for
/// them.
#[derive(Debug, Clone, Default)]
struct Used(Vec<u32>);

impl Used {
    fn contains(&self, v: u32) -> bool {
        self.0.binary_search(&v).is_ok()
    }

    /// Adds `v`; false if it was there.
    fn mark(&mut self, v: u32) -> bool {
        match self.0.binary_search(&v) {
            Ok(_) => false,
            Err(i) => {
                self.0.insert(i, v);
                true
            }
        }
    }
}

/// A pool of host addresses of one network.
#[derive(Debug, Clone)]
pub struct IpPool {
    net: Ipv4Net,
    used: Used,
    /// No host below this is free: `used` only grows, so the lowest free
    /// address never moves down and `next_free` resumes from here.
    low: u32,
}

impl IpPool {
    pub fn new(net: Ipv4Net) -> Self {
        IpPool {
            net,
            used: Used::default(),
            low: 0,
        }
    }

    /// The network the addresses are drawn from.
    pub fn net(&self) -> Ipv4Net {
        self.net
    }

    /// Marks `ip` used; false if it already was.
    pub fn reserve(&mut self, ip: Ipv4Addr) -> bool {
        self.used.mark(u32::from(ip))
    }

    fn hosts(&self) -> (u32, u32) {
        let first = u32::from(self.net.network());
        let last = u32::from(self.net.broadcast());
        if self.net.prefix_len() >= 31 {
            (first, last)
        } else {
            (first + 1, last - 1)
        }
    }

    /// The lowest free host address, taken (host-local IPAM's order).
    pub fn next_free(&mut self) -> Option<Ipv4Addr> {
        let (first, last) = self.hosts();
        let ip = (first.max(self.low)..=last).find(|ip| !self.used.contains(*ip))?;
        self.used.mark(ip);
        self.low = ip;
        Some(Ipv4Addr::from(ip))
    }

    /// A free address the way the apiserver allocates ClusterIPs: from the
    /// dynamic band first, at a place given by `key`.
    pub fn allocate_service_ip(&mut self, key: &str) -> Option<Ipv4Addr> {
        let (first, last) = self.hosts();
        let size = u64::from(last - first) + 1;
        // RangeSize of the whole CIDR, as the apiserver computes it.
        let range_size = 1u64 << (32 - u32::from(self.net.prefix_len()));
        let band = static_band(range_size, 16, 256, 16).min(size);
        let used = &self.used;
        let v = pick(size, band, key, |v| used.contains(first + v as u32))?;
        let ip = first + v as u32;
        self.used.mark(ip);
        Some(Ipv4Addr::from(ip))
    }
}

/// The NodePort allocator: one set of ports for the whole cluster.
#[derive(Debug, Clone)]
pub struct PortPool {
    first: u16,
    last: u16,
    used: Used,
}

impl PortPool {
    pub fn new(first: u16, last: u16) -> Self {
        PortPool {
            first,
            last,
            used: Used::default(),
        }
    }

    pub fn reserve(&mut self, port: u16) -> bool {
        self.used.mark(u32::from(port))
    }

    /// A free port, from the dynamic band first (the lowest 86 ports of the
    /// default range are the static band), at a place given by `key`.
    pub fn allocate(&mut self, key: &str) -> Option<u16> {
        let size = u64::from(self.last - self.first) + 1;
        let band = static_band(size, 16, 128, 32);
        let first = self.first;
        let used = &self.used;
        let v = pick(size, band, key, |v| {
            used.contains(u32::from(first + v as u16))
        })?;
        let port = first + v as u16;
        self.used.mark(u32::from(port));
        Some(port)
    }
}

/// Node pod CIDRs: the lowest free subnet of the cluster CIDR
/// (kube-controller-manager's range allocator).
#[derive(Debug, Clone)]
pub struct CidrPool {
    net: Ipv4Net,
    len: u8,
    /// In the order taken (an overlap reports the first one).
    used: Vec<Ipv4Net>,
    /// The same, disjoint, sorted by first address: the first addresses
    /// and, at the same index, the last ones.
    starts: Vec<u32>,
    ends: Vec<u32>,
    /// Index of the subnet `next_free` resumes from: none below it is free
    /// (`used` only grows).
    low: u64,
}

impl CidrPool {
    pub fn new(net: Ipv4Net, len: u8) -> Self {
        CidrPool {
            net,
            len,
            used: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            low: 0,
        }
    }

    /// Does `[first, last]` overlap a used CIDR? (They are disjoint, so
    /// only the one starting last at or before `last` can.)
    fn overlaps(&self, first: u32, last: u32) -> bool {
        let i = self.starts.partition_point(|&s| s <= last);
        i > 0 && self.ends[i - 1] >= first
    }

    fn take(&mut self, cidr: Ipv4Net) {
        self.used.push(cidr);
        let (first, last) = (u32::from(cidr.network()), u32::from(cidr.broadcast()));
        match self.starts.binary_search(&first) {
            Ok(i) => self.ends[i] = last,
            Err(i) => {
                self.starts.insert(i, first);
                self.ends.insert(i, last);
            }
        }
    }

    /// Marks `cidr` used; returns the one it overlaps if any.
    pub fn reserve(&mut self, cidr: Ipv4Net) -> Result<(), Ipv4Net> {
        if self.overlaps(u32::from(cidr.network()), u32::from(cidr.broadcast())) {
            let o = self
                .used
                .iter()
                .find(|u| u.contains(&cidr) || cidr.contains(*u))
                .expect("an overlapping range is a used CIDR");
            return Err(*o);
        }
        self.take(cidr);
        Ok(())
    }

    pub fn next_free(&mut self) -> Option<Ipv4Net> {
        if self.len < self.net.prefix_len() || self.len > 32 {
            return None;
        }
        let step = 1u64 << (32 - u32::from(self.len));
        let count = 1u64 << u32::from(self.len - self.net.prefix_len());
        let base = u64::from(u32::from(self.net.network()));
        let free = (self.low..count).find_map(|i| {
            let first = base + i * step;
            let last = first + step - 1;
            (!self.overlaps(first as u32, last as u32)).then_some((i, first as u32))
        });
        let (i, first) = free?;
        self.low = i;
        let cidr = Ipv4Net::new(Ipv4Addr::from(first), self.len).expect("prefix length checked");
        self.take(cidr);
        Some(cidr)
    }
}

/// Kubernetes' `SafeEncodeString` alphabet (no vowels, no look-alikes), used
/// for generated name suffixes.
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `n` characters of the safe alphabet drawn from a hash of `key`.
pub fn safe_suffix(key: &str, n: usize) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest
        .iter()
        .take(n)
        .map(|b| SAFE_ALPHABET[usize::from(*b) % SAFE_ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_bands_match_kubernetes() {
        // The default NodePort range 30000-32767: 86 static ports.
        assert_eq!(static_band(2768, 16, 128, 32), 86);
        // A /20 service CIDR: 256 static addresses; a /28: 16.
        assert_eq!(static_band(4096, 16, 256, 16), 256);
        assert_eq!(static_band(16, 16, 256, 16), 16);
        assert_eq!(static_band(8, 16, 256, 16), 0);
    }

    #[test]
    fn service_ips_prefer_the_dynamic_band_and_are_stable() {
        let net: Ipv4Net = "10.3.240.0/20".parse().unwrap();
        let mut a = IpPool::new(net);
        let ip = a.allocate_service_ip("default/web").unwrap();
        assert!(u32::from(ip) - u32::from(net.network()) > 255, "{ip}");
        // Another Service allocated first does not move this one.
        let mut b = IpPool::new(net);
        b.allocate_service_ip("default/other").unwrap();
        assert_eq!(b.allocate_service_ip("default/web").unwrap(), ip);
    }

    #[test]
    fn service_ips_fall_back_to_the_static_band_then_run_out() {
        let net: Ipv4Net = "10.3.240.0/28".parse().unwrap(); // 14 hosts, all static
        let mut p = IpPool::new(net);
        let mut got = std::collections::BTreeSet::new();
        for i in 0..14 {
            assert!(got.insert(p.allocate_service_ip(&format!("s{i}")).unwrap()));
        }
        assert_eq!(p.allocate_service_ip("one-more"), None);
    }

    #[test]
    fn node_ports_come_from_above_the_static_band() {
        let mut p = PortPool::new(30000, 32767);
        for i in 0..100 {
            let port = p.allocate(&format!("svc{i}")).unwrap();
            assert!((30086..=32767).contains(&port), "{port}");
        }
        let mut small = PortPool::new(30000, 30001);
        assert!(small.allocate("a").is_some());
        assert!(small.allocate("b").is_some());
        assert_eq!(small.allocate("c"), None);
    }

    #[test]
    fn pod_ips_are_sequential_after_reservations() {
        let mut p = IpPool::new("10.0.1.0/24".parse().unwrap());
        p.reserve("10.0.1.1".parse().unwrap());
        p.reserve("10.0.1.3".parse().unwrap());
        assert_eq!(p.next_free(), Some("10.0.1.2".parse().unwrap()));
        assert_eq!(p.next_free(), Some("10.0.1.4".parse().unwrap()));
    }

    #[test]
    fn node_cidrs_skip_overlaps() {
        let mut p = CidrPool::new("10.0.0.0/14".parse().unwrap(), 24);
        p.reserve("10.0.1.0/24".parse().unwrap()).unwrap();
        assert_eq!(p.next_free(), Some("10.0.0.0/24".parse().unwrap()));
        assert_eq!(p.next_free(), Some("10.0.2.0/24".parse().unwrap()));
        assert_eq!(
            p.reserve("10.0.2.0/23".parse().unwrap()),
            Err("10.0.2.0/24".parse().unwrap())
        );
    }

    #[test]
    fn pools_resume_where_they_left_off() {
        let net = |s: &str| -> Ipv4Net { s.parse().unwrap() };
        let mut p = CidrPool::new(net("10.0.0.0/22"), 24);
        assert_eq!(p.next_free(), Some(net("10.0.0.0/24")));
        p.reserve(net("10.0.1.0/24")).unwrap();
        assert_eq!(p.next_free(), Some(net("10.0.2.0/24")));
        // The first overlapping CIDR in the order taken is reported.
        assert_eq!(p.reserve(net("10.0.0.0/23")), Err(net("10.0.0.0/24")));
        assert_eq!(p.reserve(net("10.0.0.0/16")), Err(net("10.0.0.0/24")));
        assert_eq!(p.next_free(), Some(net("10.0.3.0/24")));
        assert_eq!(p.next_free(), None);
        let mut ips = IpPool::new(net("10.0.1.0/29"));
        assert_eq!(ips.next_free(), Some("10.0.1.1".parse().unwrap()));
        assert!(ips.reserve("10.0.1.2".parse().unwrap()));
        assert_eq!(ips.next_free(), Some("10.0.1.3".parse().unwrap()));
        for _ in 0..3 {
            assert!(ips.next_free().is_some());
        }
        assert_eq!(ips.next_free(), None);
    }

    #[test]
    fn suffixes_use_the_safe_alphabet() {
        let s = safe_suffix("web-0", 5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| SAFE_ALPHABET.contains(&b)));
        assert_eq!(s, safe_suffix("web-0", 5));
        assert_ne!(s, safe_suffix("web-1", 5));
    }
}
