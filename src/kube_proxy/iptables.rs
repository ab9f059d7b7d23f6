//! The iptables backend: the rules kube-proxy's iptables mode writes
//! (`pkg/proxy/iptables/proxier.go`, `syncProxyRules`), as a [`Ruleset`].
//!
//! What goes into the restore text follows the proxier line by line: the
//! filter chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-FORWARD,
//! KUBE-NODEPORTS, KUBE-PROXY-FIREWALL (and KUBE-FIREWALL with
//! localhost NodePorts), the nat chains KUBE-SERVICES, KUBE-NODEPORTS,
//! KUBE-POSTROUTING, KUBE-MARK-MASQ and per Service port KUBE-SVC-,
//! KUBE-SVL-, KUBE-EXT-, KUBE-FW- and KUBE-SEP- chains. Chains and rules
//! come out in the order kube-proxy's tests sort them in (the real
//! proxier walks Services in Go map order; only the order inside a chain
//! means anything).
//!
//! Besides the restore text, the ruleset holds what kube-proxy installs
//! with single `iptables` commands (the jumps from the built-in chains,
//! the canary chains) so that an evaluator sees the node's whole
//! netfilter configuration.

use super::{service_ports, EndpointInfo, Error, ServicePortInfo};
use crate::hash::HashMap;
use crate::linux::conntrack::CtState;
use crate::linux::netfilter::iptables::{
    AddrDir, AddrSpec, AddrType, Chain, ChainOrigin, Deleted, Hex, MarkOp, Match, Policy,
    Probability, RecentMode, Rule, Ruleset, Table, TableName, Target,
};
use crate::model::{Protocol, Scenario};
use crate::sort;
use ipnet::Ipv4Net;
use sha2::{Digest, Sha256};
use std::net::{Ipv4Addr, SocketAddrV4};

pub const KUBE_SERVICES: &str = "KUBE-SERVICES";
pub const KUBE_EXTERNAL_SERVICES: &str = "KUBE-EXTERNAL-SERVICES";
pub const KUBE_NODEPORTS: &str = "KUBE-NODEPORTS";
pub const KUBE_POSTROUTING: &str = "KUBE-POSTROUTING";
pub const KUBE_MARK_MASQ: &str = "KUBE-MARK-MASQ";
pub const KUBE_FORWARD: &str = "KUBE-FORWARD";
pub const KUBE_PROXY_FIREWALL: &str = "KUBE-PROXY-FIREWALL";
pub const KUBE_PROXY_CANARY: &str = "KUBE-PROXY-CANARY";
/// kubelet's firewall chain, duplicated by kube-proxy (the anti-martian
/// rule for localhost NodePorts).
pub const KUBE_FIREWALL: &str = "KUBE-FIREWALL";

/// nfacct counter of INVALID packets dropped in KUBE-FORWARD.
pub const NFACCT_CT_STATE_INVALID: &str = "ct_state_invalid_dropped_pkts";
/// nfacct counter of NodePort packets accepted on 127.0.0.0/8.
pub const NFACCT_LOCALHOST_NODEPORTS: &str = "localhost_nps_accepted_pkts";

const SVC_PREFIX: &str = "KUBE-SVC-";
const SVL_PREFIX: &str = "KUBE-SVL-";
const FW_PREFIX: &str = "KUBE-FW-";
const EXT_PREFIX: &str = "KUBE-EXT-";
const SEP_PREFIX: &str = "KUBE-SEP-";

/// Above this many endpoints in total kube-proxy drops the per-endpoint
/// comments ("large cluster mode").
pub const LARGE_CLUSTER_ENDPOINTS_THRESHOLD: usize = 1000;

/// How the node's kube-proxy and iptables behave where the scenario does
/// not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// iptables supports `--random-fully` on MASQUERADE (every iptables
    /// since 1.6.2; kube-proxy's tests fake one that does not).
    pub random_fully: bool,
    /// `iptables.localhostNodePorts` (default true): NodePorts answer on
    /// 127.0.0.0/8 too, guarded by the KUBE-FIREWALL martian rule.
    pub localhost_node_ports: bool,
    /// The nfacct counters exist (kube-proxy creates them when it can);
    /// they add `-m nfacct` to two rules.
    pub nfacct_counters: bool,
    /// `nf_conntrack_tcp_be_liberal` is unset, so KUBE-FORWARD drops
    /// INVALID packets.
    pub drop_invalid: bool,
    /// Hex digits of the masquerade mark: kube-proxy formats it with
    /// `%#08x` (`0x00004000`); its tests write `0x4000` (4).
    pub mark_hex_digits: u8,
}

impl Default for Options {
    /// A real node: what kube-proxy feeds `iptables-restore`.
    fn default() -> Options {
        Options {
            random_fully: true,
            localhost_node_ports: true,
            nfacct_counters: true,
            drop_invalid: true,
            mark_hex_digits: 8,
        }
    }
}

impl Options {
    /// kube-proxy's `NewFakeProxier` with its fake iptables: the settings
    /// under which its test vectors were written.
    pub fn kube_proxy_tests() -> Options {
        Options {
            random_fully: false,
            mark_hex_digits: 4,
            ..Options::default()
        }
    }
}

/// The ruleset kube-proxy (iptables mode) writes on `node_name`, for a
/// real node ([`Options::default`]).
pub fn ruleset(scenario: &Scenario, node_name: &str) -> Result<Ruleset, Error> {
    ruleset_with(scenario, node_name, &Options::default())
}

/// The ruleset kube-proxy writes on `node_name`, with explicit options.
pub fn ruleset_with(
    scenario: &Scenario,
    node_name: &str,
    options: &Options,
) -> Result<Ruleset, Error> {
    let node = scenario
        .node(node_name)
        .ok_or_else(|| Error::UnknownNode(node_name.to_string()))?;
    let ports = service_ports(scenario, node_name)?;
    let proxy = scenario.proxy_config();
    let cidrs = proxy.node_port_cidrs(crate::model::ProxyMode::Iptables, node.internal_ip);
    let mut options = options.clone();
    let node_port_ips = cidrs.map(|cidrs| {
        // NodePorts on 127.0.0.1 only when nodePortAddresses takes it in
        // (kube-proxy turns localhostNodePorts off otherwise).
        if !cidrs.iter().any(|n| n.contains(&Ipv4Addr::LOCALHOST)) {
            options.localhost_node_ports = false;
        }
        let mut ips: Vec<Ipv4Addr> = super::node_addresses(scenario, node)
            .into_iter()
            .filter(|a| cidrs.iter().any(|n| n.contains(a)))
            .collect();
        crate::sort::sort(&mut ips);
        ips.dedup();
        ips
    });
    let cfg = Config {
        cluster_cidr: proxy.cluster_cidr,
        masquerade_all: proxy.masquerade_all,
        masquerade_mark: 1u32 << u32::from(proxy.masquerade_bit.min(31)),
        node_ip: node.internal_ip,
        options,
        node_port_ips,
    };
    Ok(build(&ports, &cfg))
}

/// What the proxier itself is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `clusterCIDR` (local traffic detection by CIDR).
    /// `None`: no local-traffic detector (kube-proxy without a cluster CIDR).
    pub cluster_cidr: Option<Ipv4Net>,
    pub masquerade_all: bool,
    /// `1 << masqueradeBit`.
    pub masquerade_mark: u32,
    /// The node's IP (kube-proxy's `nodeIP`): whether a load balancer
    /// source range lets the node itself in.
    pub node_ip: Ipv4Addr,
    pub options: Options,
    /// The node's addresses in `nodePortAddresses`, ascending (kube-proxy
    /// walks a Go map: any order); `None` when they match every address
    /// (`MatchAll`: the `-m addrtype --dst-type LOCAL` tail call).
    pub node_port_ips: Option<Vec<Ipv4Addr>>,
}

/// The first 16 characters of base32(sha256(name + protocol)): kube-proxy's
/// `portProtoHash`.
pub fn port_proto_hash(service_port_name: &str, protocol: &str) -> String {
    hash16(&format!("{service_port_name}{protocol}"))
}

/// kube-proxy's `-m statistic` probability `1/n`, written as Go's
/// `%0.10f` prints it.
pub fn one_in(n: u32) -> Probability {
    Probability::new(probability_text(n))
}

/// `n` when `p` is kube-proxy's rendering of `1/n`: the ideal
/// probability behind the rounded decimal.
pub fn as_one_in(p: &Probability) -> Option<u32> {
    let v = p.value();
    if v <= 0.0 {
        return None;
    }
    let n = (1.0 / v).round();
    if !(1.0..=f64::from(u32::MAX)).contains(&n) {
        return None;
    }
    let n = n as u32;
    (probability_text(n) == p.text()).then_some(n)
}

/// `1/n` with exactly 10 decimals, rounded half to even on the exact
/// value, as Go's `fmt.Sprintf("%0.10f", 1.0/float64(n))` prints it.
/// (For any `n` below 10^7, the float64 nearest 1/n rounds the same way
/// as 1/n itself; the only ties are exact ones, e.g. `1/2048`.)
pub fn probability_text(n: u32) -> String {
    assert!(n > 0, "probability 1/0");
    const SCALE: u64 = 10_000_000_000;
    let n = u64::from(n);
    let mut q = SCALE / n;
    let r = SCALE % n;
    if 2 * r > n || (2 * r == n && q % 2 == 1) {
        q += 1;
    }
    format!("{}.{:010}", q / SCALE, q % SCALE)
}

fn hash16(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut e = data_encoding::BASE32.encode(&digest);
    e.truncate(16);
    e
}

/// `KUBE-SVC-…`: the Service port's Cluster-policy chain.
pub fn service_chain(service_port_name: &str, protocol: Protocol) -> String {
    format!(
        "{SVC_PREFIX}{}",
        port_proto_hash(service_port_name, protocol.as_lower())
    )
}

/// `KUBE-SVL-…`: the Local-policy chain.
pub fn local_chain(service_port_name: &str, protocol: Protocol) -> String {
    format!(
        "{SVL_PREFIX}{}",
        port_proto_hash(service_port_name, protocol.as_lower())
    )
}

/// `KUBE-FW-…`: the loadBalancerSourceRanges chain.
pub fn firewall_chain(service_port_name: &str, protocol: Protocol) -> String {
    format!(
        "{FW_PREFIX}{}",
        port_proto_hash(service_port_name, protocol.as_lower())
    )
}

/// `KUBE-EXT-…`: the external-destinations chain.
pub fn external_chain(service_port_name: &str, protocol: Protocol) -> String {
    format!(
        "{EXT_PREFIX}{}",
        port_proto_hash(service_port_name, protocol.as_lower())
    )
}

/// `KUBE-SEP-…`: one endpoint's chain; hashes name + protocol + `ip:port`.
pub fn endpoint_chain(service_port_name: &str, protocol: Protocol, endpoint: &str) -> String {
    format!(
        "{SEP_PREFIX}{}",
        hash16(&format!(
            "{service_port_name}{}{endpoint}",
            protocol.as_lower()
        ))
    )
}

/// Is this one of the per-Service chains kube-proxy deletes when stale?
pub fn is_service_chain(name: &str) -> bool {
    [SVC_PREFIX, SVL_PREFIX, SEP_PREFIX, FW_PREFIX, EXT_PREFIX]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The order kube-proxy's tests put chains in (`sortIPTablesRules`):
/// KUBE-NODEPORTS, KUBE-SERVICES, then other KUBE-* chains, then the rest,
/// alphabetically within each group. The real proxier's order across
/// Services is Go map order; this is the deterministic form its tests
/// compare. The tables this module writes hold their chains in it (after
/// the built-in chains), and the text prints them as held.
pub fn chain_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn rank(n: &str) -> u8 {
        match n {
            "KUBE-NODEPORTS" => 0,
            "KUBE-SERVICES" => 1,
            _ if n.starts_with("KUBE-") => 2,
            _ => 3,
        }
    }
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
}

/// Marks the service chains that `previous` had in its nat table and `new`
/// no longer has as deleted in `new`, as a sync after `previous` does
/// (a chain line to flush it, then `-X`), each declared where
/// [`chain_order`] puts it among the restore chains.
pub fn delete_stale_chains(new: &mut Ruleset, previous: &Ruleset) {
    let Some(old_nat) = previous.table(TableName::Nat) else {
        return;
    };
    let Some(nat) = new.table_mut(TableName::Nat) else {
        return;
    };
    let mut stale: Vec<String> = old_nat
        .chains
        .iter()
        .map(|c| c.name.clone())
        .filter(|n| {
            is_service_chain(n)
                && nat.chain(n).is_none()
                && !nat.deleted.iter().any(|d| &d.name == n)
        })
        .collect();
    sort::sort_by(&mut stale, |a, b| chain_order(a, b));
    let restore = |c: &Chain| c.origin == ChainOrigin::Restore;
    let after_restore = nat.chains.iter().rposition(restore).map_or_else(
        || nat.chains.iter().take_while(|c| c.is_builtin()).count(),
        |i| i + 1,
    );
    for name in stale {
        let before = nat
            .chains
            .iter()
            .position(|c| restore(c) && chain_order(&name, &c.name).is_lt())
            .unwrap_or(after_restore);
        nat.deleted.push(Deleted { name, before });
    }
}

// ----------------------------------------------------------------- build

#[derive(Default)]
struct Builder {
    chains: Vec<Chain>,
    /// Chain name -> index in `chains`.
    index: HashMap<String, usize>,
}

impl Builder {
    fn chain(&mut self, name: &str, origin: ChainOrigin) -> &mut Chain {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                self.chains.push(Chain::new(name, origin));
                self.index.insert(name.to_string(), self.chains.len() - 1);
                self.chains.len() - 1
            }
        };
        &mut self.chains[i]
    }

    fn declare(&mut self, name: &str) {
        self.chain(name, ChainOrigin::Restore);
    }

    fn add(&mut self, chain: &str, rule: Rule) {
        self.chain(chain, ChainOrigin::Restore).rules.push(rule);
    }

    /// Built-in chains first (in the order given), then the others, the
    /// restore's and those made outside it alike, in the tests' sorted
    /// order ([`chain_order`]): the order the text and the listing show.
    fn finish(mut self, name: TableName) -> Table {
        sort::sort_by(&mut self.chains, |a, b| {
            b.is_builtin().cmp(&a.is_builtin()).then_with(|| {
                if a.is_builtin() {
                    std::cmp::Ordering::Equal
                } else {
                    chain_order(&a.name, &b.name)
                }
            })
        });
        Table {
            name,
            chains: self.chains,
            deleted: Vec::new(),
        }
    }
}

fn comment(s: impl Into<String>) -> Match {
    Match::Comment(s.into())
}

fn dst(ip: Ipv4Addr) -> Match {
    Match::Destination {
        addr: AddrSpec::Host(ip),
        negated: false,
    }
}

fn net(n: Ipv4Net, negated: bool, source: bool) -> Match {
    let addr = AddrSpec::Net(n);
    if source {
        Match::Source { addr, negated }
    } else {
        Match::Destination { addr, negated }
    }
}

fn loopback() -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::new(127, 0, 0, 0), 8).expect("valid")
}

/// `-m tcp -p tcp -d IP --dport PORT`, kube-proxy's usual tail.
fn proto_dst_port(rule: Rule, proto: Protocol, ip: Ipv4Addr, port: u16) -> Rule {
    rule.with(Match::Protocol(proto))
        .with(dst(ip))
        .with(Match::DestinationPort(port))
}

/// Builds the ruleset from categorised Service ports.
pub fn build(ports: &[ServicePortInfo], cfg: &Config) -> Ruleset {
    let opts = &cfg.options;
    let mark = Hex::new(cfg.masquerade_mark, opts.mark_hex_digits);
    let mut filter = Builder::default();
    let mut nat = Builder::default();

    for c in ["INPUT", "FORWARD", "OUTPUT"] {
        filter.chain(c, ChainOrigin::Builtin(Policy::Accept));
    }
    for c in ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"] {
        nat.chain(c, ChainOrigin::Builtin(Policy::Accept));
    }

    for c in [
        KUBE_SERVICES,
        KUBE_EXTERNAL_SERVICES,
        KUBE_FORWARD,
        KUBE_NODEPORTS,
        KUBE_PROXY_FIREWALL,
    ] {
        filter.declare(c);
    }
    for c in [
        KUBE_SERVICES,
        KUBE_NODEPORTS,
        KUBE_POSTROUTING,
        KUBE_MARK_MASQ,
    ] {
        nat.declare(c);
    }

    nat.add(
        KUBE_POSTROUTING,
        Rule::new()
            .with(Match::Mark {
                value: mark,
                mask: mark,
                negated: true,
            })
            .then(Target::Return),
    );
    nat.add(
        KUBE_POSTROUTING,
        Rule::new().then(Target::Mark(MarkOp::Xor(mark))),
    );
    nat.add(
        KUBE_POSTROUTING,
        Rule::new()
            .with(comment("kubernetes service traffic requiring SNAT"))
            .then(Target::Masquerade {
                random_fully: opts.random_fully,
            }),
    );
    nat.add(
        KUBE_MARK_MASQ,
        Rule::new().then(Target::Mark(MarkOp::Or(mark))),
    );

    let martian_rule = Rule::new()
        .with(comment("block incoming localnet connections"))
        .with(net(loopback(), false, false))
        .with(net(loopback(), true, true))
        .with(Match::Conntrack {
            states: vec![CtState::Related, CtState::Established, CtState::Dnat],
            negated: true,
        })
        .then(Target::Drop);
    if opts.localhost_node_ports {
        filter.declare(KUBE_FIREWALL);
        filter.add(KUBE_FIREWALL, martian_rule);
    } else {
        // kubelet's copy of the chain, which kube-proxy then leaves alone.
        filter
            .chain(KUBE_FIREWALL, ChainOrigin::Ensured)
            .rules
            .push(martian_rule);
    }

    let total_endpoints: usize = ports.iter().map(|p| p.endpoints.len()).sum();
    let large_cluster = total_endpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    let svc_comment = |rule: Rule, text: String| {
        if large_cluster {
            rule
        } else {
            rule.with(comment(text))
        }
    };

    for svc in ports {
        let proto = svc.protocol;
        let name = svc.name_string();
        let cluster_policy_chain = service_chain(&name, proto);
        let local_policy_chain = local_chain(&name, proto);
        let fw_chain = firewall_chain(&name, proto);
        let external_traffic_chain = external_chain(&name, proto);
        let sep = |e: &EndpointInfo| endpoint_chain(&name, proto, &e.key());

        let uses_cluster_policy_chain =
            !svc.cluster_endpoints.is_empty() && svc.uses_cluster_endpoints();
        let uses_local_policy_chain = !svc.local_endpoints.is_empty() && svc.uses_local_endpoints();
        let has_endpoints = svc.has_any_endpoints;

        let mut internal_traffic_chain = &cluster_policy_chain;
        let mut has_internal_endpoints = has_endpoints;
        if svc.internal_policy_local {
            internal_traffic_chain = &local_policy_chain;
            if svc.local_endpoints.is_empty() {
                has_internal_endpoints = false;
            }
        }
        let mut external_policy_chain = &cluster_policy_chain;
        let mut has_external_endpoints = has_endpoints;
        if svc.external_policy_local {
            external_policy_chain = &local_policy_chain;
            if svc.local_endpoints.is_empty() {
                has_external_endpoints = false;
            }
        }
        let uses_external_traffic_chain = has_endpoints && svc.externally_accessible();
        let uses_fw_chain = has_endpoints
            && !svc.load_balancer_ips.is_empty()
            && !svc.load_balancer_source_ranges.is_empty();
        let load_balancer_traffic_chain = if uses_fw_chain {
            &fw_chain
        } else {
            &external_traffic_chain
        };

        let (
            internal_filter_target,
            internal_filter_comment,
            external_filter_target,
            external_filter_comment,
        ) = if !has_endpoints {
            let c = format!("{name} has no endpoints");
            (Target::Reject, c.clone(), Target::Reject, c)
        } else {
            let c = format!("{name} has no local endpoints");
            (Target::Drop, c.clone(), Target::Drop, c)
        };

        // Capture the ClusterIP.
        if has_internal_endpoints {
            nat.add(
                KUBE_SERVICES,
                proto_dst_port(
                    Rule::new().with(comment(format!("{name} cluster IP"))),
                    proto,
                    svc.cluster_ip,
                    svc.port,
                )
                .jump(internal_traffic_chain.clone()),
            );
        } else {
            filter.add(
                KUBE_SERVICES,
                proto_dst_port(
                    Rule::new().with(comment(internal_filter_comment.clone())),
                    proto,
                    svc.cluster_ip,
                    svc.port,
                )
                .then(internal_filter_target.clone()),
            );
        }

        // Capture external IPs.
        for &ip in &svc.external_ips {
            if has_endpoints {
                nat.add(
                    KUBE_SERVICES,
                    proto_dst_port(
                        Rule::new().with(comment(format!("{name} external IP"))),
                        proto,
                        ip,
                        svc.port,
                    )
                    .jump(external_traffic_chain.clone()),
                );
            }
            if !has_external_endpoints {
                filter.add(
                    KUBE_EXTERNAL_SERVICES,
                    proto_dst_port(
                        Rule::new().with(comment(external_filter_comment.clone())),
                        proto,
                        ip,
                        svc.port,
                    )
                    .then(external_filter_target.clone()),
                );
            }
        }

        // Capture load balancer ingress.
        for &ip in &svc.load_balancer_ips {
            if has_endpoints {
                nat.add(
                    KUBE_SERVICES,
                    proto_dst_port(
                        Rule::new().with(comment(format!("{name} loadbalancer IP"))),
                        proto,
                        ip,
                        svc.port,
                    )
                    .jump(load_balancer_traffic_chain.clone()),
                );
            }
            if uses_fw_chain {
                filter.add(
                    KUBE_PROXY_FIREWALL,
                    proto_dst_port(
                        Rule::new().with(comment(format!(
                            "{name} traffic not accepted by {fw_chain}"
                        ))),
                        proto,
                        ip,
                        svc.port,
                    )
                    .then(Target::Drop),
                );
            }
        }
        if !has_external_endpoints {
            for &ip in &svc.load_balancer_ips {
                filter.add(
                    KUBE_EXTERNAL_SERVICES,
                    proto_dst_port(
                        Rule::new().with(comment(external_filter_comment.clone())),
                        proto,
                        ip,
                        svc.port,
                    )
                    .then(external_filter_target.clone()),
                );
            }
        }

        // Capture NodePorts.
        if let Some(np) = svc.node_port {
            if has_endpoints {
                if opts.localhost_node_ports && opts.nfacct_counters {
                    nat.add(
                        KUBE_NODEPORTS,
                        Rule::new()
                            .with(comment(name.clone()))
                            .with(Match::Protocol(proto))
                            .with(net(loopback(), false, false))
                            .with(Match::DestinationPort(np))
                            .with(Match::Nfacct(NFACCT_LOCALHOST_NODEPORTS.into()))
                            .jump(external_traffic_chain.clone()),
                    );
                }
                nat.add(
                    KUBE_NODEPORTS,
                    Rule::new()
                        .with(comment(name.clone()))
                        .with(Match::Protocol(proto))
                        .with(Match::DestinationPort(np))
                        .jump(external_traffic_chain.clone()),
                );
            }
            if !has_external_endpoints {
                filter.add(
                    KUBE_EXTERNAL_SERVICES,
                    Rule::new()
                        .with(comment(external_filter_comment.clone()))
                        .with(Match::AddrType {
                            dir: AddrDir::Dst,
                            addr_type: AddrType::Local,
                        })
                        .with(Match::Protocol(proto))
                        .with(Match::DestinationPort(np))
                        .then(external_filter_target.clone()),
                );
            }
        }

        // Capture the health check node port (always TCP).
        if let Some(hc) = svc.health_check_node_port {
            filter.add(
                KUBE_NODEPORTS,
                Rule::new()
                    .with(comment(format!("{name} health check node port")))
                    .with(Match::Protocol(Protocol::Tcp))
                    .with(Match::DestinationPort(hc))
                    .then(Target::Accept),
            );
        }

        // Internal traffic: masquerade what comes from outside the cluster.
        if has_internal_endpoints {
            let args = proto_dst_port(
                Rule::new().with(comment(format!("{name} cluster IP"))),
                proto,
                svc.cluster_ip,
                svc.port,
            );
            // kube-proxy writes this rule only with masqueradeAll or a
            // local-traffic detector (a cluster CIDR).
            let rule = match (cfg.masquerade_all, cfg.cluster_cidr) {
                (true, _) => Some(args),
                (false, Some(cidr)) => Some(args.with(net(cidr, true, true))),
                (false, None) => None,
            };
            if let Some(rule) = rule {
                nat.add(internal_traffic_chain, rule.jump(KUBE_MARK_MASQ));
            }
        }

        // External traffic.
        if uses_external_traffic_chain {
            nat.declare(&external_traffic_chain);
            if !svc.external_policy_local {
                nat.add(
                    &external_traffic_chain,
                    Rule::new()
                        .with(comment(format!(
                            "masquerade traffic for {name} external destinations"
                        )))
                        .jump(KUBE_MARK_MASQ),
                );
            } else {
                if let Some(cidr) = cfg.cluster_cidr {
                    nat.add(
                        &external_traffic_chain,
                        Rule::new()
                            .with(comment(format!(
                                "pod traffic for {name} external destinations"
                            )))
                            .with(net(cidr, false, true))
                            .jump(cluster_policy_chain.clone()),
                    );
                }
                nat.add(
                    &external_traffic_chain,
                    Rule::new()
                        .with(comment(format!(
                            "masquerade LOCAL traffic for {name} external destinations"
                        )))
                        .with(Match::AddrType {
                            dir: AddrDir::Src,
                            addr_type: AddrType::Local,
                        })
                        .jump(KUBE_MARK_MASQ),
                );
                nat.add(
                    &external_traffic_chain,
                    Rule::new()
                        .with(comment(format!(
                            "route LOCAL traffic for {name} external destinations"
                        )))
                        .with(Match::AddrType {
                            dir: AddrDir::Src,
                            addr_type: AddrType::Local,
                        })
                        .jump(cluster_policy_chain.clone()),
                );
            }
            if has_external_endpoints {
                nat.add(
                    &external_traffic_chain,
                    Rule::new().jump(external_policy_chain.clone()),
                );
            }
        }

        // Load balancer source ranges.
        if uses_fw_chain {
            nat.declare(&fw_chain);
            let args = || Rule::new().with(comment(format!("{name} loadbalancer IP")));
            let mut allow_from_node = false;
            for &range in &svc.load_balancer_source_ranges {
                nat.add(
                    &fw_chain,
                    args()
                        .with(net(range, false, true))
                        .jump(external_traffic_chain.clone()),
                );
                if range.contains(&cfg.node_ip) {
                    allow_from_node = true;
                }
            }
            if allow_from_node {
                for &ip in &svc.load_balancer_ips {
                    nat.add(
                        &fw_chain,
                        args()
                            .with(Match::Source {
                                addr: AddrSpec::Host(ip),
                                negated: false,
                            })
                            .jump(external_traffic_chain.clone()),
                    );
                }
            }
            nat.add(
                &fw_chain,
                Rule::new().with(comment(format!(
                    "other traffic to {name} will be dropped by KUBE-PROXY-FIREWALL"
                ))),
            );
        }

        // Service -> endpoint rules, for each policy chain in use.
        let write_endpoints = |nat: &mut Builder, chain: &str, endpoints: &[EndpointInfo]| {
            if let Some(seconds) = svc.session_affinity {
                for e in endpoints {
                    let r = svc_comment(Rule::new(), format!("{name} -> {e}"));
                    nat.add(
                        chain,
                        r.with(Match::Recent {
                            name: sep(e),
                            mode: RecentMode::Rcheck {
                                seconds,
                                reap: true,
                            },
                        })
                        .jump(sep(e)),
                    );
                }
            }
            let n = endpoints.len();
            for (i, e) in endpoints.iter().enumerate() {
                let mut r = svc_comment(Rule::new(), format!("{name} -> {e}"));
                if i + 1 < n {
                    r = r.with(Match::Statistic(one_in((n - i) as u32)));
                }
                nat.add(chain, r.jump(sep(e)));
            }
        };
        if uses_cluster_policy_chain {
            nat.declare(&cluster_policy_chain);
            write_endpoints(&mut nat, &cluster_policy_chain, &svc.cluster_endpoints);
        }
        if uses_local_policy_chain {
            nat.declare(&local_policy_chain);
            write_endpoints(&mut nat, &local_policy_chain, &svc.local_endpoints);
        }

        // One chain per reachable endpoint.
        for e in &svc.reachable_endpoints {
            let chain = sep(e);
            nat.declare(&chain);
            let args = || svc_comment(Rule::new(), name.clone());
            nat.add(
                &chain,
                args()
                    .with(Match::Source {
                        addr: AddrSpec::Host(e.ip),
                        negated: false,
                    })
                    .jump(KUBE_MARK_MASQ),
            );
            let mut r = args();
            if svc.session_affinity.is_some() {
                r = r.with(Match::Recent {
                    name: chain.clone(),
                    mode: RecentMode::Set,
                });
            }
            nat.add(
                &chain,
                r.with(Match::Protocol(proto))
                    .then(Target::Dnat(SocketAddrV4::new(e.ip, e.port))),
            );
        }
    }

    // Finally, the tail call to KUBE-NODEPORTS: every local address
    // (nodePortAddresses unset in iptables mode, or 0.0.0.0/0), else one
    // rule per node address in nodePortAddresses (loopback only with
    // localhost NodePorts).
    let tail_comment =
        || comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain");
    match &cfg.node_port_ips {
        None => {
            let mut tail = Rule::new().with(tail_comment()).with(Match::AddrType {
                dir: AddrDir::Dst,
                addr_type: AddrType::Local,
            });
            if !opts.localhost_node_ports {
                tail = tail.with(net(loopback(), true, false));
            }
            nat.add(KUBE_SERVICES, tail.jump(KUBE_NODEPORTS));
        }
        Some(ips) => {
            for ip in ips {
                if ip.is_loopback() && !opts.localhost_node_ports {
                    continue;
                }
                nat.add(
                    KUBE_SERVICES,
                    Rule::new()
                        .with(tail_comment())
                        .with(dst(*ip))
                        .jump(KUBE_NODEPORTS),
                );
            }
        }
    }

    if opts.drop_invalid {
        let mut r = Rule::new().with(Match::Conntrack {
            states: vec![CtState::Invalid],
            negated: false,
        });
        if opts.nfacct_counters {
            r = r.with(Match::Nfacct(NFACCT_CT_STATE_INVALID.into()));
        }
        filter.add(KUBE_FORWARD, r.then(Target::Drop));
    }
    filter.add(
        KUBE_FORWARD,
        Rule::new()
            .with(comment("kubernetes forwarding rules"))
            .with(Match::Mark {
                value: mark,
                mask: mark,
                negated: false,
            })
            .then(Target::Accept),
    );
    filter.add(
        KUBE_FORWARD,
        Rule::new()
            .with(comment("kubernetes forwarding conntrack rule"))
            .with(Match::Conntrack {
                states: vec![CtState::Related, CtState::Established],
                negated: false,
            })
            .then(Target::Accept),
    );

    install_jumps(&mut filter, &mut nat);

    let mut mangle = Builder::default();
    for c in ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"] {
        mangle.chain(c, ChainOrigin::Builtin(Policy::Accept));
    }
    for b in [&mut mangle, &mut nat, &mut filter] {
        b.chain(KUBE_PROXY_CANARY, ChainOrigin::Ensured);
    }

    Ruleset {
        tables: vec![
            mangle.finish(TableName::Mangle),
            nat.finish(TableName::Nat),
            filter.finish(TableName::Filter),
        ],
    }
}

/// The jumps from the built-in chains, which kube-proxy installs with
/// `iptables -I` (`EnsureRule(Prepend, ...)`, a no-op when the rule is
/// there), in the order of its `iptablesJumpChains`. kubelet has already
/// put its `-j KUBE-FIREWALL` jumps into INPUT and OUTPUT when kube-proxy
/// starts, so those end up last, as on a real node:
///
/// ```text
/// -A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
/// -A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
/// -A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
/// -A INPUT -j KUBE-FIREWALL
/// ```
fn install_jumps(filter: &mut Builder, nat: &mut Builder) {
    fn new_conn() -> Option<Match> {
        Some(Match::Conntrack {
            states: vec![CtState::New],
            negated: false,
        })
    }
    // kubelet's jumps first.
    for builtin in ["INPUT", "OUTPUT"] {
        filter
            .chain(builtin, ChainOrigin::Builtin(Policy::Accept))
            .rules
            .push(Rule::new().jump(KUBE_FIREWALL));
    }
    let jumps: [(TableName, &str, &str, &str, Option<Match>); 12] = [
        (
            TableName::Filter,
            KUBE_EXTERNAL_SERVICES,
            "INPUT",
            "kubernetes externally-visible service portals",
            new_conn(),
        ),
        (
            TableName::Filter,
            KUBE_EXTERNAL_SERVICES,
            "FORWARD",
            "kubernetes externally-visible service portals",
            new_conn(),
        ),
        (
            TableName::Filter,
            KUBE_NODEPORTS,
            "INPUT",
            "kubernetes health check service ports",
            None,
        ),
        (
            TableName::Filter,
            KUBE_SERVICES,
            "FORWARD",
            "kubernetes service portals",
            new_conn(),
        ),
        (
            TableName::Filter,
            KUBE_SERVICES,
            "OUTPUT",
            "kubernetes service portals",
            new_conn(),
        ),
        (
            TableName::Filter,
            KUBE_FORWARD,
            "FORWARD",
            "kubernetes forwarding rules",
            None,
        ),
        (
            TableName::Filter,
            KUBE_PROXY_FIREWALL,
            "INPUT",
            "kubernetes load balancer firewall",
            new_conn(),
        ),
        (
            TableName::Filter,
            KUBE_PROXY_FIREWALL,
            "OUTPUT",
            "kubernetes load balancer firewall",
            new_conn(),
        ),
        (
            TableName::Filter,
            KUBE_PROXY_FIREWALL,
            "FORWARD",
            "kubernetes load balancer firewall",
            new_conn(),
        ),
        (
            TableName::Nat,
            KUBE_SERVICES,
            "OUTPUT",
            "kubernetes service portals",
            None,
        ),
        (
            TableName::Nat,
            KUBE_SERVICES,
            "PREROUTING",
            "kubernetes service portals",
            None,
        ),
        (
            TableName::Nat,
            KUBE_POSTROUTING,
            "POSTROUTING",
            "kubernetes postrouting rules",
            None,
        ),
    ];
    for (table, dst, src, text, extra) in jumps {
        let mut rule = Rule::new();
        if let Some(m) = extra {
            rule = rule.with(m);
        }
        let rule = rule.with(comment(text)).jump(dst);
        let b = match table {
            TableName::Nat => &mut *nat,
            _ => &mut *filter,
        };
        let chain = b.chain(src, ChainOrigin::Builtin(Policy::Accept));
        if !chain.rules.contains(&rule) {
            chain.rules.insert(0, rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_name_hashes() {
        assert_eq!(port_proto_hash("ns1/svc1:p80", "tcp"), "XPGD46QRK7WJZT7O");
        assert_eq!(
            service_chain("ns1/svc1:p80", Protocol::Tcp),
            "KUBE-SVC-XPGD46QRK7WJZT7O"
        );
        assert_eq!(
            endpoint_chain("ns1/svc1:p80", Protocol::Tcp, "10.180.0.1:80"),
            "KUBE-SEP-SXIVWICOYRO3J4NJ"
        );
        // The protocol is part of the hash.
        assert_ne!(
            service_chain("ns1/svc1:p80", Protocol::Udp),
            service_chain("ns1/svc1:p80", Protocol::Tcp)
        );
        assert!(is_service_chain("KUBE-EXT-XPGD46QRK7WJZT7O"));
        assert!(!is_service_chain("KUBE-SERVICES"));
    }

    #[test]
    fn chains_sort_as_kube_proxys_tests_sort_them() {
        let mut names = vec![
            "OTHER",
            "KUBE-SVC-B",
            "KUBE-SERVICES",
            "A-CHAIN",
            "KUBE-MARK-MASQ",
            "KUBE-NODEPORTS",
        ];
        sort::sort_by(&mut names, |a, b| chain_order(a, b));
        assert_eq!(
            names,
            [
                "KUBE-NODEPORTS",
                "KUBE-SERVICES",
                "KUBE-MARK-MASQ",
                "KUBE-SVC-B",
                "A-CHAIN",
                "OTHER"
            ]
        );
    }

    #[test]
    fn a_stale_chain_is_declared_where_kube_proxy_sorts_it() {
        let table = |chains: &[&str]| {
            let mut t = Table::new(TableName::Nat);
            t.chains.push(Chain::new(
                "PREROUTING",
                ChainOrigin::Builtin(Policy::Accept),
            ));
            for c in chains {
                t.chains.push(Chain::new(*c, ChainOrigin::Restore));
            }
            t.chains
                .push(Chain::new(KUBE_PROXY_CANARY, ChainOrigin::Ensured));
            Ruleset { tables: vec![t] }
        };
        let previous = table(&[
            KUBE_SERVICES,
            "KUBE-SEP-A",
            "KUBE-SEP-C",
            "KUBE-SVC-Z",
            "KUBE-SVC-ZZ",
        ]);
        let mut now = table(&[KUBE_SERVICES, "KUBE-SEP-B", "KUBE-SVC-Y"]);
        delete_stale_chains(&mut now, &previous);
        let nat = now.table(TableName::Nat).unwrap();
        let deleted: Vec<(&str, usize)> = nat
            .deleted
            .iter()
            .map(|d| (d.name.as_str(), d.before))
            .collect();
        // Before KUBE-SEP-B (index 2), before KUBE-SVC-Y (3), after the
        // last restore chain (4, the canary's place).
        assert_eq!(
            deleted,
            [
                ("KUBE-SEP-A", 2),
                ("KUBE-SEP-C", 3),
                ("KUBE-SVC-Z", 4),
                ("KUBE-SVC-ZZ", 4)
            ]
        );
        assert_eq!(
            now.to_iptables_restore(),
            "*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SEP-A - [0:0]\n:KUBE-SEP-B - [0:0]\n\
             :KUBE-SEP-C - [0:0]\n:KUBE-SVC-Y - [0:0]\n:KUBE-SVC-Z - [0:0]\n\
             :KUBE-SVC-ZZ - [0:0]\n-X KUBE-SEP-A\n-X KUBE-SEP-C\n-X KUBE-SVC-Z\n\
             -X KUBE-SVC-ZZ\nCOMMIT\n"
        );
    }

    #[test]
    fn probabilities_print_like_go() {
        assert_eq!(probability_text(1), "1.0000000000");
        assert_eq!(probability_text(2), "0.5000000000");
        assert_eq!(probability_text(3), "0.3333333333");
        assert_eq!(probability_text(6), "0.1666666667");
        assert_eq!(probability_text(7), "0.1428571429");
        // 1/2048 = 0.00048828125 exactly: a tie, rounded to even.
        assert_eq!(probability_text(2048), "0.0004882812");
        // 1/1024 needs no rounding.
        assert_eq!(probability_text(1024), "0.0009765625");
        // Go's %0.10f of float64(1)/float64(n), for a range of n.
        for n in 1..=5000u32 {
            let go_like = format!("{:.10}", 1.0f64 / f64::from(n));
            if n != 2048 {
                assert_eq!(probability_text(n), go_like, "n = {n}");
            }
        }
        let p = one_in(3);
        assert_eq!(as_one_in(&p), Some(3));
        assert_eq!(p.kernel_threshold(), 715_827_883);
    }
}
