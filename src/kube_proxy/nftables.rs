//! The nftables backend: the table kube-proxy's nftables mode writes
//! (`pkg/proxy/nftables/proxier.go`: `setupNFTables` and
//! `syncProxyRules`), as a [`Table`] of the kernel layer
//! ([`crate::linux::netfilter::nftables`]).
//!
//! From the backend-independent [`ServicePortInfo`] view: table `ip
//! kube-proxy`, its base chains and jump rules, the fixed chains
//! (`services`, `firewall-check`, `cluster-ips-check`, the endpoint checks,
//! `reject-chain`, `mark-for-masquerade`, `masquerading`), the sets and
//! maps (`cluster-ips`, `nodeport-ips`, `service-ips`, `service-nodeports`,
//! `no-endpoint-services`, `no-endpoint-nodeports`, `firewall-ips`), and
//! per Service port the `service-`/`local-`/`external-`/`firewall-`/
//! `endpoint-` chains and `affinity-` sets, named as kube-proxy hashes
//! them. What a full sync leaves in the kernel, not the transaction's
//! flushes and deletes.
//!
//! Health check node ports get no rules: kube-proxy's HTTP server answers
//! them.

use super::{service_ports, EndpointInfo, Error, ServicePortInfo};
use crate::hash::{HashMap, HashSet};
use crate::linux::netfilter::nftables::{
    BaseChain, Chain, ChainType, CmpOp, DataType, Element, Expr, Family, Hex, Hook, L4Proto,
    MarkSet, Rhs, Rule, Selector, Sep, Set, Table, Value, Verdict,
};
use crate::model::{Protocol, Scenario};
use ipnet::Ipv4Net;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv4Addr};

pub const TABLE: &str = "kube-proxy";
pub const SERVICES_CHAIN: &str = "services";
pub const FIREWALL_CHECK_CHAIN: &str = "firewall-check";
pub const CLUSTER_IPS_CHECK_CHAIN: &str = "cluster-ips-check";
pub const NODEPORT_ENDPOINTS_CHECK_CHAIN: &str = "nodeport-endpoints-check";
pub const SERVICE_ENDPOINTS_CHECK_CHAIN: &str = "service-endpoints-check";
pub const REJECT_CHAIN: &str = "reject-chain";
pub const MARK_MASQ_CHAIN: &str = "mark-for-masquerade";
pub const MASQUERADING_CHAIN: &str = "masquerading";

pub const CLUSTER_IPS_SET: &str = "cluster-ips";
pub const NODEPORT_IPS_SET: &str = "nodeport-ips";
pub const SERVICE_IPS_MAP: &str = "service-ips";
pub const SERVICE_NODEPORTS_MAP: &str = "service-nodeports";
pub const NO_ENDPOINT_SERVICES_MAP: &str = "no-endpoint-services";
pub const NO_ENDPOINT_NODEPORTS_MAP: &str = "no-endpoint-nodeports";
pub const FIREWALL_IPS_MAP: &str = "firewall-ips";

/// How the proxier is configured (`NewProxier`'s arguments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Local traffic detection by CIDR (`None`: no detector).
    pub cluster_cidr: Option<Ipv4Net>,
    pub masquerade_all: bool,
    /// `1 << masqueradeBit`.
    pub masquerade_mark: u32,
    /// Hex digits of the mark: kube-proxy formats it `%#08x`
    /// (`0x00004000`, 8); its tests hard-code `0x4000` (4).
    pub mark_hex_digits: u8,
    /// The node's IP (`nodeIP`): whether a source range lets the node in.
    pub node_ip: Ipv4Addr,
    /// The node's own addresses (its interfaces'), of which those in
    /// `node_port_addresses` accept NodePorts. Loopback ones are skipped.
    pub node_addresses: Vec<Ipv4Addr>,
    /// `nodePortAddresses`; empty (or containing 0.0.0.0/0) matches every
    /// local address but 127.0.0.0/8. kube-proxy's default in nftables
    /// mode is `primary`: the node IP as a /32.
    pub node_port_addresses: Vec<Ipv4Net>,
    /// The Service CIDRs (`cluster-ips-check` drops unallocated IPs in
    /// them); empty before kube-proxy has learnt them.
    pub service_cidrs: Vec<Ipv4Net>,
}

/// The table kube-proxy (nftables mode) writes on `node_name`, on a real
/// node (mark `0x00004000`; nodePortAddresses as configured, by default
/// `primary`).
pub fn table(scenario: &Scenario, node_name: &str) -> Result<Table, Error> {
    let node = scenario
        .node(node_name)
        .ok_or_else(|| Error::UnknownNode(node_name.to_string()))?;
    let ports = service_ports(scenario, node_name)?;
    let proxy = scenario.proxy_config();
    let cfg = Config {
        cluster_cidr: proxy.cluster_cidr,
        masquerade_all: proxy.masquerade_all,
        masquerade_mark: 1u32 << u32::from(proxy.masquerade_bit.min(31)),
        mark_hex_digits: 8,
        node_ip: node.internal_ip,
        node_addresses: super::node_addresses(scenario, node),
        node_port_addresses: proxy
            .node_port_cidrs(crate::model::ProxyMode::Nftables, node.internal_ip)
            .unwrap_or_default(),
        service_cidrs: vec![scenario.cluster.service_cidr],
    };
    Ok(build(&ports, &cfg))
}

/// `hashAndTruncate`-style chain names: the first 8 characters of
/// base32(sha256(s)), "-", s; cut to 240 characters with "...".
pub fn hash_name(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut h = data_encoding::BASE32.encode(&digest);
    h.truncate(8);
    let mut name = format!("{h}-{s}");
    if name.len() > 240 {
        let mut cut = 237;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
        name.push_str("...");
    }
    name
}

/// `servicePortChainNameBase`: `HASH-ns/svc/proto/port`.
pub fn service_port_chain_base(namespace: &str, service: &str, proto: &str, port: &str) -> String {
    hash_name(&format!("{namespace}/{service}/{proto}/{port}"))
}

/// `servicePortEndpointChainNameBase`: `HASH-ns/svc/proto/port__IP/PORT`
/// (IPv6 colons become dots). `ip` is the endpoint's address as the
/// EndpointSlice spells it.
pub fn endpoint_chain_base(
    namespace: &str,
    service: &str,
    proto: &str,
    port: &str,
    ip: &str,
    ep_port: u16,
) -> String {
    let ip = ip.replace(':', ".");
    hash_name(&format!(
        "{namespace}/{service}/{proto}/{port}__{ip}/{ep_port}"
    ))
}

fn l4(p: Protocol) -> L4Proto {
    match p {
        Protocol::Tcp => L4Proto::Tcp,
        Protocol::Udp => L4Proto::Udp,
        Protocol::Sctp => L4Proto::Sctp,
        // A Service port is never ICMP (the model refuses it).
        Protocol::Icmp => L4Proto::Icmp,
    }
}

struct Names {
    base: String,
}

impl Names {
    fn new(sp: &ServicePortInfo) -> Names {
        Names {
            base: service_port_chain_base(
                &sp.namespace,
                &sp.service,
                sp.protocol.as_lower(),
                sp.port_name.as_deref().unwrap_or(""),
            ),
        }
    }
    fn cluster(&self) -> String {
        format!("service-{}", self.base)
    }
    fn local(&self) -> String {
        format!("local-{}", self.base)
    }
    fn external(&self) -> String {
        format!("external-{}", self.base)
    }
    fn firewall(&self) -> String {
        format!("firewall-{}", self.base)
    }
}

fn ep_base(sp: &ServicePortInfo, ep: &EndpointInfo) -> String {
    endpoint_chain_base(
        &sp.namespace,
        &sp.service,
        sp.protocol.as_lower(),
        sp.port_name.as_deref().unwrap_or(""),
        &ep.ip.to_string(),
        ep.port,
    )
}

fn ip(a: Ipv4Addr) -> Value {
    Value::Addr(IpAddr::V4(a))
}

fn net(n: Ipv4Net) -> Value {
    Value::Prefix(IpAddr::V4(n.network()), n.prefix_len())
}

fn m(key: Vec<Selector>, op: CmpOp, rhs: Rhs) -> Expr {
    Expr::Match { key, op, rhs }
}

const SADDR: Selector = Selector::Saddr(Family::Ip);
const DADDR: Selector = Selector::Daddr(Family::Ip);

fn dest_key() -> Vec<Selector> {
    vec![DADDR, Selector::L4Proto, Selector::ThDport]
}

fn port_key() -> Vec<Selector> {
    vec![Selector::L4Proto, Selector::ThDport]
}

fn jump(c: &str) -> Expr {
    Expr::Verdict(Verdict::Jump(c.to_string()))
}

fn goto(c: &str) -> Expr {
    Expr::Verdict(Verdict::Goto(c.to_string()))
}

fn ct_new() -> Expr {
    m(
        vec![Selector::CtState],
        CmpOp::Eq,
        Rhs::Value(vec![Value::Name("new".into())]),
    )
}

fn base_chain(name: &str, kind: ChainType, hook: Hook, priority: i32) -> Chain {
    Chain {
        name: name.into(),
        base: Some(BaseChain {
            kind,
            hook,
            priority,
            policy: None,
        }),
        comment: None,
        rules: Vec::new(),
    }
}

fn map(name: &str, key: Vec<DataType>, comment: &str) -> Set {
    Set {
        name: name.into(),
        key,
        value: Some(DataType::Verdict),
        flags: Vec::new(),
        timeout: None,
        comment: Some(comment.into()),
        elements: Vec::new(),
    }
}

fn set(name: &str, comment: &str) -> Set {
    Set {
        name: name.into(),
        key: vec![DataType::Ipv4Addr],
        value: None,
        flags: Vec::new(),
        timeout: None,
        comment: Some(comment.into()),
        elements: Vec::new(),
    }
}

/// `setupNFTables`: everything that does not depend on the Services.
fn setup(cfg: &Config) -> Table {
    let mut t = Table::new(Family::Ip, TABLE);
    t.comment = Some("rules for kube-proxy".into());
    let mark = Hex {
        value: cfg.masquerade_mark,
        digits: cfg.mark_hex_digits,
    };
    let match_all = cfg.node_port_addresses.is_empty()
        || cfg.node_port_addresses.iter().any(|n| n.prefix_len() == 0);
    let dest4 = vec![
        DataType::Ipv4Addr,
        DataType::InetProto,
        DataType::InetService,
    ];
    let port2 = vec![DataType::InetProto, DataType::InetService];

    // Base chains and their jumps (nftablesBaseChains, nftablesJumpChains).
    let mut chains = vec![
        base_chain(
            "filter-prerouting-pre-dnat",
            ChainType::Filter,
            Hook::Prerouting,
            -110,
        ),
        base_chain(
            "filter-output-pre-dnat",
            ChainType::Filter,
            Hook::Output,
            -110,
        ),
        base_chain("filter-input", ChainType::Filter, Hook::Input, 0),
        base_chain("filter-forward", ChainType::Filter, Hook::Forward, 0),
        base_chain("filter-output", ChainType::Filter, Hook::Output, 0),
        base_chain("nat-prerouting", ChainType::Nat, Hook::Prerouting, -100),
        base_chain("nat-output", ChainType::Nat, Hook::Output, -100),
        base_chain("nat-postrouting", ChainType::Nat, Hook::Postrouting, 100),
    ];
    let jumps: [(&str, &[&str], bool); 8] = [
        ("filter-prerouting-pre-dnat", &[FIREWALL_CHECK_CHAIN], true),
        ("filter-output-pre-dnat", &[FIREWALL_CHECK_CHAIN], true),
        (
            "filter-input",
            &[
                NODEPORT_ENDPOINTS_CHECK_CHAIN,
                SERVICE_ENDPOINTS_CHECK_CHAIN,
            ],
            true,
        ),
        (
            "filter-forward",
            &[SERVICE_ENDPOINTS_CHECK_CHAIN, CLUSTER_IPS_CHECK_CHAIN],
            true,
        ),
        (
            "filter-output",
            &[SERVICE_ENDPOINTS_CHECK_CHAIN, CLUSTER_IPS_CHECK_CHAIN],
            true,
        ),
        ("nat-prerouting", &[SERVICES_CHAIN], false),
        ("nat-output", &[SERVICES_CHAIN], false),
        ("nat-postrouting", &[MASQUERADING_CHAIN], false),
    ];
    for (from, targets, new_only) in jumps {
        let c = chains
            .iter_mut()
            .find(|c| c.name == from)
            .expect("declared");
        for target in targets {
            let mut exprs = Vec::new();
            if new_only {
                exprs.push(ct_new());
            }
            exprs.push(jump(target));
            c.rules.push(Rule::new(exprs));
        }
    }

    let mut reject = Chain::regular(REJECT_CHAIN);
    reject.comment = Some("helper for @no-endpoint-services / @no-endpoint-nodeports".into());
    reject.rules.push(Rule::new(vec![Expr::Reject]));

    let mut firewall = Chain::regular(FIREWALL_CHECK_CHAIN);
    firewall.rules.push(Rule::new(vec![Expr::VmapNamed {
        key: dest_key(),
        map: FIREWALL_IPS_MAP.into(),
    }]));

    let mut cluster_ips_check = Chain::regular(CLUSTER_IPS_CHECK_CHAIN);
    cluster_ips_check.rules.push(
        Rule::new(vec![
            m(vec![DADDR], CmpOp::Eq, Rhs::Set(CLUSTER_IPS_SET.into())),
            Expr::Reject,
        ])
        .with_comment("Reject traffic to invalid ports of ClusterIPs"),
    );
    if !cfg.service_cidrs.is_empty() {
        cluster_ips_check.rules.push(
            Rule::new(vec![
                m(
                    vec![DADDR],
                    CmpOp::Eq,
                    Rhs::AnonSet(
                        cfg.service_cidrs.iter().map(|n| net(*n)).collect(),
                        // kube-proxy joins its serviceCIDRs string with ","
                        // (one element: the parser's default).
                        if cfg.service_cidrs.len() > 1 {
                            Sep::Comma
                        } else {
                            Sep::SpacedComma
                        },
                    ),
                ),
                Expr::Verdict(Verdict::Drop),
            ])
            .with_comment("Drop traffic to unallocated ClusterIPs"),
        );
    }

    let no_localhost = || {
        m(
            vec![DADDR],
            CmpOp::Ne,
            Rhs::Value(vec![Value::Prefix(
                IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)),
                8,
            )]),
        )
    };
    let mut np_check = Chain::regular(NODEPORT_ENDPOINTS_CHECK_CHAIN);
    np_check.rules.push(Rule::new(vec![
        if match_all {
            no_localhost()
        } else {
            m(vec![DADDR], CmpOp::Eq, Rhs::Set(NODEPORT_IPS_SET.into()))
        },
        Expr::VmapNamed {
            key: port_key(),
            map: NO_ENDPOINT_NODEPORTS_MAP.into(),
        },
    ]));

    let mut svc_check = Chain::regular(SERVICE_ENDPOINTS_CHECK_CHAIN);
    svc_check.rules.push(Rule::new(vec![Expr::VmapNamed {
        key: dest_key(),
        map: NO_ENDPOINT_SERVICES_MAP.into(),
    }]));

    let mut mark_masq = Chain::regular(MARK_MASQ_CHAIN);
    mark_masq
        .rules
        .push(Rule::new(vec![Expr::MarkSet(MarkSet::Or(mark))]));

    let mut masquerading = Chain::regular(MASQUERADING_CHAIN);
    masquerading.rules.push(Rule::new(vec![
        Expr::MarkAnd {
            mask: mark,
            op: CmpOp::Eq,
            value: 0,
        },
        Expr::Verdict(Verdict::Return),
    ]));
    masquerading
        .rules
        .push(Rule::new(vec![Expr::MarkSet(MarkSet::Xor(mark))]));
    masquerading
        .rules
        .push(Rule::new(vec![Expr::Masquerade { fully_random: true }]));

    let mut services = Chain::regular(SERVICES_CHAIN);
    services.rules.push(Rule::new(vec![Expr::VmapNamed {
        key: dest_key(),
        map: SERVICE_IPS_MAP.into(),
    }]));
    let mut np_rule = Vec::new();
    if match_all {
        np_rule.push(m(
            vec![Selector::FibDaddrType],
            CmpOp::Eq,
            Rhs::Value(vec![Value::Name("local".into())]),
        ));
        np_rule.push(no_localhost());
    } else {
        np_rule.push(m(vec![DADDR], CmpOp::Eq, Rhs::Set(NODEPORT_IPS_SET.into())));
    }
    np_rule.push(Expr::VmapNamed {
        key: port_key(),
        map: SERVICE_NODEPORTS_MAP.into(),
    });
    services.rules.push(Rule::new(np_rule));

    chains.extend([
        reject,
        firewall,
        cluster_ips_check,
        np_check,
        svc_check,
        mark_masq,
        masquerading,
        services,
    ]);
    t.chains = chains;

    t.sets.push(set(CLUSTER_IPS_SET, "Active ClusterIPs"));
    if !match_all {
        let mut np = set(NODEPORT_IPS_SET, "IPs that accept NodePort traffic");
        for a in &cfg.node_addresses {
            if a.is_loopback() || !cfg.node_port_addresses.iter().any(|n| n.contains(a)) {
                continue;
            }
            np.elements.push(Element {
                key: vec![ip(*a)],
                comment: None,
                value: None,
            });
        }
        t.sets.push(np);
    }
    t.sets.push(map(
        SERVICE_IPS_MAP,
        dest4.clone(),
        "ClusterIP, ExternalIP and LoadBalancer IP traffic",
    ));
    t.sets.push(map(
        SERVICE_NODEPORTS_MAP,
        port2.clone(),
        "NodePort traffic",
    ));
    t.sets.push(map(
        FIREWALL_IPS_MAP,
        dest4.clone(),
        "destinations that are subject to LoadBalancerSourceRanges",
    ));
    t.sets.push(map(
        NO_ENDPOINT_SERVICES_MAP,
        dest4,
        "vmap to drop or reject packets to services with no endpoints",
    ));
    t.sets.push(map(
        NO_ENDPOINT_NODEPORTS_MAP,
        port2,
        "vmap to drop or reject packets to service nodeports with no endpoints",
    ));
    t
}

/// The transaction being written, with what finds a chain by name and
/// an element by key without scanning (thousands of each at 1,000
/// Services; the table's own lookups are linear).
struct Tx {
    t: Table,
    /// Chain name -> position in `t.chains`.
    chains: HashMap<String, usize>,
    /// Per set name, the keys it holds.
    keys: HashMap<String, HashSet<Vec<Value>>>,
}

impl Tx {
    fn new(t: Table) -> Tx {
        let chains = t
            .chains
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        let keys = t
            .sets
            .iter()
            .map(|s| {
                let keys = s.elements.iter().map(|e| e.key.clone()).collect();
                (s.name.clone(), keys)
            })
            .collect();
        Tx { t, chains, keys }
    }

    fn ensure_chain(&mut self, name: &str) -> usize {
        if let Some(&i) = self.chains.get(name) {
            return i;
        }
        let i = self.t.chains.len();
        self.t.chains.push(Chain::regular(name));
        self.chains.insert(name.to_string(), i);
        i
    }

    fn rule(&mut self, chain: &str, r: Rule) {
        let i = self.ensure_chain(chain);
        self.t.chains[i].rules.push(r);
    }

    fn element(
        &mut self,
        set: &str,
        key: Vec<Value>,
        value: Option<Verdict>,
        comment: Option<&str>,
    ) {
        let keys = self.keys.get_mut(set).expect("declared in setup");
        if !keys.insert(key.clone()) {
            return;
        }
        let s = self.t.set_mut(set).expect("declared in setup");
        s.elements.push(Element {
            key,
            comment: comment.map(str::to_string),
            value,
        });
    }

    /// Adds an affinity set before the maps (sets before maps, the order
    /// `Table::to_nft` writes).
    fn affinity_set(&mut self, s: Set) {
        let at = self
            .t
            .sets
            .iter()
            .position(Set::is_map)
            .unwrap_or(self.t.sets.len());
        self.keys.insert(s.name.clone(), HashSet::default());
        self.t.sets.insert(at, s);
    }
}

fn verdict_of(text: &FilterVerdict) -> Verdict {
    match text {
        FilterVerdict::Reject => Verdict::Goto(REJECT_CHAIN.into()),
        FilterVerdict::Drop => Verdict::Drop,
    }
}

enum FilterVerdict {
    Reject,
    Drop,
}

/// `syncProxyRules` over `ports` (a full sync's final state).
pub fn build(ports: &[ServicePortInfo], cfg: &Config) -> Table {
    let mut tx = Tx::new(setup(cfg));
    let mark_masq = MARK_MASQ_CHAIN;
    for sp in ports {
        let names = Names::new(sp);
        let proto = Value::Proto(l4(sp.protocol));
        let port = Value::Num(u64::from(sp.port));
        let name_string = sp.name_string();
        let comment = Some(name_string.as_str());
        let has_endpoints = sp.has_any_endpoints;
        let cluster_chain = names.cluster();
        let local_chain = names.local();
        let uses_cluster_chain = !sp.cluster_endpoints.is_empty() && sp.uses_cluster_endpoints();
        let uses_local_chain = !sp.local_endpoints.is_empty() && sp.uses_local_endpoints();

        // Chains in the order ensureChain creates them (endpoints first).
        for ep in &sp.reachable_endpoints {
            tx.ensure_chain(&format!("endpoint-{}", ep_base(sp, ep)));
        }
        if uses_cluster_chain {
            tx.ensure_chain(&cluster_chain);
        }
        if uses_local_chain {
            tx.ensure_chain(&local_chain);
        }

        let mut internal_chain = cluster_chain.clone();
        let mut has_internal = has_endpoints;
        if sp.internal_policy_local {
            internal_chain = local_chain.clone();
            if sp.local_endpoints.is_empty() {
                has_internal = false;
            }
        }
        let mut external_policy_chain = cluster_chain.clone();
        let mut has_external = has_endpoints;
        if sp.external_policy_local {
            external_policy_chain = local_chain.clone();
            if sp.local_endpoints.is_empty() {
                has_external = false;
            }
        }
        let external_chain = names.external();
        let uses_external_chain = has_endpoints && sp.externally_accessible();
        if uses_external_chain {
            tx.ensure_chain(&external_chain);
        }

        let (internal_verdict, external_verdict) = if !has_endpoints {
            (FilterVerdict::Reject, FilterVerdict::Reject)
        } else {
            (FilterVerdict::Drop, FilterVerdict::Drop)
        };

        // The ClusterIP.
        tx.element(CLUSTER_IPS_SET, vec![ip(sp.cluster_ip)], None, None);
        let dest = |a: Ipv4Addr| vec![ip(a), proto.clone(), port.clone()];
        if has_internal {
            tx.element(
                SERVICE_IPS_MAP,
                dest(sp.cluster_ip),
                Some(Verdict::Goto(internal_chain.clone())),
                None,
            );
        } else {
            tx.element(
                NO_ENDPOINT_SERVICES_MAP,
                dest(sp.cluster_ip),
                Some(verdict_of(&internal_verdict)),
                comment,
            );
        }

        // External IPs.
        for &eip in &sp.external_ips {
            if has_endpoints {
                tx.element(
                    SERVICE_IPS_MAP,
                    dest(eip),
                    Some(Verdict::Goto(external_chain.clone())),
                    None,
                );
            }
            if !has_external {
                tx.element(
                    NO_ENDPOINT_SERVICES_MAP,
                    dest(eip),
                    Some(verdict_of(&external_verdict)),
                    comment,
                );
            }
        }

        // Load balancer IPs.
        let uses_fw_chain =
            !sp.load_balancer_ips.is_empty() && !sp.load_balancer_source_ranges.is_empty();
        let fw_chain = names.firewall();
        if uses_fw_chain {
            tx.ensure_chain(&fw_chain);
        }
        for &lb in &sp.load_balancer_ips {
            if has_endpoints {
                tx.element(
                    SERVICE_IPS_MAP,
                    dest(lb),
                    Some(Verdict::Goto(external_chain.clone())),
                    None,
                );
            }
            if uses_fw_chain {
                tx.element(
                    FIREWALL_IPS_MAP,
                    dest(lb),
                    Some(Verdict::Goto(fw_chain.clone())),
                    None,
                );
            }
        }
        if !has_external {
            for &lb in &sp.load_balancer_ips {
                tx.element(
                    NO_ENDPOINT_SERVICES_MAP,
                    dest(lb),
                    Some(verdict_of(&external_verdict)),
                    comment,
                );
            }
        }

        // The NodePort.
        if let Some(np) = sp.node_port {
            let key = vec![proto.clone(), Value::Num(u64::from(np))];
            if has_endpoints {
                tx.element(
                    SERVICE_NODEPORTS_MAP,
                    key.clone(),
                    Some(Verdict::Goto(external_chain.clone())),
                    None,
                );
            }
            if !has_external {
                tx.element(
                    NO_ENDPOINT_NODEPORTS_MAP,
                    key,
                    Some(verdict_of(&external_verdict)),
                    comment,
                );
            }
        }

        // Internal traffic: masquerade off-cluster sources.
        if has_internal {
            let daddr = m(vec![DADDR], CmpOp::Eq, Rhs::Value(vec![ip(sp.cluster_ip)]));
            if cfg.masquerade_all {
                tx.rule(&internal_chain, Rule::new(vec![daddr, jump(mark_masq)]));
            } else if let Some(cidr) = cfg.cluster_cidr {
                tx.rule(
                    &internal_chain,
                    Rule::new(vec![
                        daddr,
                        m(vec![SADDR], CmpOp::Ne, Rhs::Value(vec![net(cidr)])),
                        jump(mark_masq),
                    ]),
                );
            }
        }

        // External traffic.
        if uses_external_chain {
            if !sp.external_policy_local {
                tx.rule(&external_chain, Rule::new(vec![jump(mark_masq)]));
            } else {
                if let Some(cidr) = cfg.cluster_cidr {
                    tx.rule(
                        &external_chain,
                        Rule::new(vec![
                            m(vec![SADDR], CmpOp::Eq, Rhs::Value(vec![net(cidr)])),
                            goto(&cluster_chain),
                        ])
                        .with_comment("short-circuit pod traffic"),
                    );
                }
                let fib_local = || {
                    m(
                        vec![Selector::FibSaddrType],
                        CmpOp::Eq,
                        Rhs::Value(vec![Value::Name("local".into())]),
                    )
                };
                tx.rule(
                    &external_chain,
                    Rule::new(vec![fib_local(), jump(mark_masq)])
                        .with_comment("masquerade local traffic"),
                );
                tx.rule(
                    &external_chain,
                    Rule::new(vec![fib_local(), goto(&cluster_chain)])
                        .with_comment("short-circuit local traffic"),
                );
            }
            if has_external {
                tx.rule(
                    &external_chain,
                    Rule::new(vec![goto(&external_policy_chain)]),
                );
            }
        }

        // Source ranges.
        if uses_fw_chain {
            let mut sources: Vec<Value> = sp
                .load_balancer_source_ranges
                .iter()
                .map(|n| net(*n))
                .collect();
            if sp
                .load_balancer_source_ranges
                .iter()
                .any(|n| n.contains(&cfg.node_ip))
            {
                sources.extend(sp.load_balancer_ips.iter().map(|a| ip(*a)));
            }
            tx.rule(
                &fw_chain,
                Rule::new(vec![
                    m(
                        vec![SADDR],
                        CmpOp::Ne,
                        Rhs::AnonSet(sources, Sep::SpacedComma),
                    ),
                    Expr::Verdict(Verdict::Drop),
                ]),
            );
        }

        // Affinity sets.
        if let Some(timeout) = sp.session_affinity {
            for ep in &sp.reachable_endpoints {
                tx.affinity_set(Set {
                    name: format!("affinity-{}", ep_base(sp, ep)),
                    key: vec![DataType::Ipv4Addr],
                    value: None,
                    flags: vec!["dynamic".into(), "timeout".into()],
                    timeout: Some(timeout),
                    comment: None,
                    elements: Vec::new(),
                });
            }
        }

        if uses_cluster_chain {
            service_to_endpoints(&mut tx, sp, &cluster_chain, &sp.cluster_endpoints);
        }
        if uses_local_chain {
            service_to_endpoints(&mut tx, sp, &local_chain, &sp.local_endpoints);
        }

        for ep in &sp.reachable_endpoints {
            let base = ep_base(sp, ep);
            let chain = format!("endpoint-{base}");
            tx.rule(
                &chain,
                Rule::new(vec![
                    m(vec![SADDR], CmpOp::Eq, Rhs::Value(vec![ip(ep.ip)])),
                    jump(mark_masq),
                ]),
            );
            if sp.session_affinity.is_some() {
                tx.rule(
                    &chain,
                    Rule::new(vec![Expr::Update {
                        set: format!("affinity-{base}"),
                        key: vec![SADDR],
                    }]),
                );
            }
            tx.rule(
                &chain,
                Rule::new(vec![
                    m(
                        vec![Selector::L4Proto],
                        CmpOp::Eq,
                        Rhs::Value(vec![proto.clone()]),
                    ),
                    Expr::Dnat {
                        addr: IpAddr::V4(ep.ip),
                        port: Some(ep.port),
                    },
                ]),
            );
        }
    }
    tx.t
}

/// `writeServiceToEndpointRules`.
fn service_to_endpoints(
    tx: &mut Tx,
    sp: &ServicePortInfo,
    chain: &str,
    endpoints: &[EndpointInfo],
) {
    if sp.session_affinity.is_some() {
        for ep in endpoints {
            let base = ep_base(sp, ep);
            tx.rule(
                chain,
                Rule::new(vec![
                    m(vec![SADDR], CmpOp::Eq, Rhs::Set(format!("affinity-{base}"))),
                    goto(&format!("endpoint-{base}")),
                ]),
            );
        }
    }
    let n = u32::try_from(endpoints.len()).unwrap_or(u32::MAX);
    let entries = endpoints
        .iter()
        .enumerate()
        .map(|(i, ep)| {
            (
                Value::Num(i as u64),
                Verdict::Goto(format!("endpoint-{}", ep_base(sp, ep))),
            )
        })
        .collect();
    tx.rule(
        chain,
        Rule::new(vec![Expr::VmapInline {
            key: vec![Selector::NumgenRandom(n)],
            entries,
        }]),
    );
}

/// What a sync leaves of the chains the previous sync had and this one
/// does not: kube-proxy flushes them at once but deletes them only a
/// second later (kernels before 6.2 notice late that a map element no
/// longer points at a chain), so until the next sync they stay, empty.
/// Stale affinity sets are deleted at once.
pub fn keep_stale_chains(now: &mut Table, previous: &Table) {
    for c in &previous.chains {
        if c.base.is_none() && now.chain(&c.name).is_none() {
            now.chains.push(Chain::regular(c.name.clone()));
        }
    }
}
