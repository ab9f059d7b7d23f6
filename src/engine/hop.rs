//! The records a trace is made of: each [`Hop`] (the device, where in it
//! the packet is, what decided, the packet before and after), the rules
//! it matched ([`RuleRef`]), and the [`Trace`] of a request and its
//! [`Reply`]. Data only: the walk that fills them is in `trace.rs`.

use super::say::Say;
use crate::lang::Lang;

use crate::linux::netfilter::{Effect, Hook, RuleHit, TableId};
use crate::linux::packet::Packet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddrV4;

/// How a leg ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Delivered to a listening socket (or, for a reply, to the client).
    Delivered,
    /// Lost: no route, a DROP rule, TTL, a device that is gone, or a reply
    /// the client cannot use.
    Dropped,
    /// Refused by a netfilter REJECT rule (ICMP port unreachable).
    Rejected,
    /// Nothing listens on the port: TCP RST, or ICMP port unreachable.
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    Request,
    Reply,
}

/// Which way a packet crosses an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    In,
    Out,
}

/// Where in a device a hop happens. Its [`Display`](fmt::Display) is what
/// `netlab trace` prints beside the device and what the JSON carries
/// (`eth0 in`, `routing`, `PREROUTING`, `conntrack`, `socket`, `cbr0 out`,
/// `cbr0 bridge`, `load balancer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Arriving on (`eth0 in`) or leaving by (`cbr0 out`) an interface.
    Iface { name: String, dir: Dir },
    /// The routing decision (what `ip route get` answers).
    Routing,
    /// A netfilter hook, named by its built-in chain (`PREROUTING`).
    Hook(Hook),
    /// Conntrack: a known connection's translation, or a new entry.
    Conntrack,
    /// A socket: the client's connect, a listener, or none on the port.
    Socket,
    /// A bridge passing a frame to netfilter (`br_netfilter`): `cbr0 bridge`.
    Bridge(String),
    /// A cloud load balancer choosing a backend.
    LoadBalancer,
}

impl Place {
    /// Arriving on interface `name`.
    pub fn arrives(name: &str) -> Place {
        Place::Iface {
            name: name.to_string(),
            dir: Dir::In,
        }
    }

    /// Leaving by interface `name`.
    pub fn leaves(name: &str) -> Place {
        Place::Iface {
            name: name.to_string(),
            dir: Dir::Out,
        }
    }

    /// The interface a packet arrives on or leaves by, if this is one;
    /// a bridge counts as its interface.
    pub fn iface(&self) -> Option<&str> {
        match self {
            Place::Iface { name, .. } | Place::Bridge(name) => Some(name),
            _ => None,
        }
    }

    /// The interface a packet arrives on, if this is an arrival.
    pub fn arrival(&self) -> Option<&str> {
        match self {
            Place::Iface { name, dir: Dir::In } => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that `{:<14}` lines the CLI's columns up.
        match self {
            Place::Iface { name, dir: Dir::In } => f.pad(&format!("{name} in")),
            Place::Iface {
                name,
                dir: Dir::Out,
            } => f.pad(&format!("{name} out")),
            Place::Routing => f.pad("routing"),
            Place::Hook(h) => f.pad(h.chain_name()),
            Place::Conntrack => f.pad("conntrack"),
            Place::Socket => f.pad("socket"),
            Place::Bridge(name) => f.pad(&format!("{name} bridge")),
            Place::LoadBalancer => f.pad("load balancer"),
        }
    }
}

/// Serialized as the text the CLI prints.
impl Serialize for Place {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One step of a packet's path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub leg: Leg,
    /// The device id (`node/node-1`).
    pub device: String,
    /// Where in the device (`eth0 in`, `routing`, `PREROUTING`...).
    pub at: Place,
    /// The route, rule or fact that decided: tool output, or a sentence
    /// (the JSON carries its English).
    #[serde(serialize_with = "decision_en")]
    pub decision: Decision,
    /// For netfilter steps: every rule that matched, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleRef>,
    pub before: Packet,
    pub after: Packet,
    /// The step's sentence as data, for any language (the JSON carries its
    /// English as `note`).
    #[serde(rename = "note", serialize_with = "say_en")]
    pub say: Say,
}

impl Hop {
    /// The node this step is on, if it is on one.
    pub fn node(&self) -> Option<&str> {
        crate::engine::topology::node_of(&self.device)
    }

    /// The step in a sentence, in English (the CLI's and the JSON's text).
    pub fn note(&self) -> String {
        self.say.en()
    }

    /// The step's sentence in `lang`.
    pub fn note_in(&self, lang: Lang) -> String {
        self.say.text(lang)
    }

    /// The decision line in `lang`: tool output as it is, prose translated.
    pub fn decision_in(&self, lang: Lang) -> String {
        self.decision.text(lang)
    }
}

fn say_en<S: serde::Serializer>(say: &Say, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&say.en())
}

fn reason_en<S: serde::Serializer>(say: &Option<Say>, s: S) -> Result<S::Ok, S::Error> {
    match say {
        Some(say) => s.serialize_some(&say.en()),
        None => s.serialize_none(),
    }
}

fn decision_en<S: serde::Serializer>(d: &Decision, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.text(Lang::En))
}

/// A hop's decision: tool output (a route, a rule, `connect …`), or a
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Tool(String),
    Said(Say),
}

impl Decision {
    /// In `lang`: tool output as it is, a sentence translated.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Decision::Tool(t) => t.clone(),
            Decision::Said(s) => s.text(lang),
        }
    }

    /// The tool output, if the decision is one (a route as `ip route`
    /// prints it, a rule as it was fed).
    pub fn tool(&self) -> Option<&str> {
        match self {
            Decision::Tool(t) => Some(t),
            Decision::Said(_) => None,
        }
    }
}

impl From<String> for Decision {
    fn from(s: String) -> Self {
        Decision::Tool(s)
    }
}

impl From<Say> for Decision {
    fn from(s: Say) -> Self {
        Decision::Said(s)
    }
}

/// A netfilter rule a packet matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// `iptables` or `nftables`.
    pub backend: &'static str,
    /// `nat` (iptables) or `ip kube-proxy` (nftables), as data.
    #[serde(serialize_with = "as_text")]
    pub table: TableId,
    pub chain: String,
    /// 1-based in its chain (0: the chain's policy).
    pub index: usize,
    /// As the tool is fed it (`-A …`, `add rule …`).
    pub rule: String,
    /// nft verdict maps: the element that matched (`KEY : VERDICT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// What it did, as data (the UI reads this, never the text).
    #[serde(skip)]
    pub effect: Effect,
    /// `effect` in the backend's words: what the CLI and the JSON show.
    #[serde(rename = "effect")]
    pub effect_text: String,
}

/// A fact serialized as the text the CLI prints.
fn as_text<S: serde::Serializer>(v: &impl std::fmt::Display, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

impl From<&RuleHit> for RuleRef {
    fn from(h: &RuleHit) -> Self {
        RuleRef {
            backend: h.backend().as_str(),
            table: h.table.clone(),
            chain: h.chain.clone(),
            index: h.index,
            rule: h.rule.clone(),
            element: h.element.clone(),
            effect: h.effect.clone(),
            effect_text: h.effect_text(),
        }
    }
}

/// Source and destination as a socket sees a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Seen {
    pub src: SocketAddrV4,
    pub dst: SocketAddrV4,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientSees {
    pub src: SocketAddrV4,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reply {
    pub verdict: Verdict,
    pub client_sees: Option<ClientSees>,
    /// Why the answer failed, as data (serialized in English).
    #[serde(serialize_with = "reason_en")]
    pub reason: Option<Say>,
}

impl Reply {
    /// Why the answer failed, in `lang`.
    pub fn reason_in(&self, lang: Lang) -> Option<String> {
        self.reason.as_ref().map(|s| s.text(lang))
    }

    pub(super) fn failed(client_sees: Option<ClientSees>, why: Say) -> Reply {
        Reply {
            verdict: Verdict::Dropped,
            client_sees,
            reason: Some(why),
        }
    }
}

/// The whole story of one connection attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    pub request: String,
    pub verdict: Verdict,
    /// `pod/NAME` or `node/NAME` (or another device id) that accepted it.
    pub delivered_to: Option<String>,
    /// Why it did not work (null when it did, both ways), as data
    /// (serialized in English).
    #[serde(serialize_with = "reason_en")]
    pub reason: Option<Say>,
    pub server_sees: Option<Seen>,
    pub reply: Option<Reply>,
    pub hops: Vec<Hop>,
    /// netfilter rules the kernel looked at along both legs.
    pub rules_evaluated: usize,
    /// Conntrack entries this connection left, per node (`conntrack -L`).
    pub conntrack: BTreeMap<String, Vec<String>>,
}

impl Trace {
    /// Why it did not work, in `lang`.
    pub fn reason_in(&self, lang: Lang) -> Option<String> {
        self.reason.as_ref().map(|s| s.text(lang))
    }

    /// Sets the reason.
    pub(super) fn set_reason(&mut self, why: Say) {
        self.reason = Some(why);
    }

    /// Delivered, and the reply reached the client (the CLI's exit 0).
    /// Whether the request is a ping (ICMP echo).
    pub fn is_ping(&self) -> bool {
        self.hops.first().is_some_and(|h| h.before.icmp.is_some())
    }

    /// An address of the trace's connection (`server_sees`, `client_sees`)
    /// as it reads: with its port, or bare for a ping, whose packets carry
    /// the echo's id in the port's place.
    pub fn addr_text(&self, a: SocketAddrV4) -> String {
        match self.is_ping() {
            true => a.ip().to_string(),
            false => a.to_string(),
        }
    }

    pub fn succeeded(&self) -> bool {
        self.verdict == Verdict::Delivered
            && self
                .reply
                .as_ref()
                .is_some_and(|r| r.verdict == Verdict::Delivered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_print_and_serialize_as_the_cli_names_them() {
        let cases = [
            (Place::arrives("eth0"), "eth0 in"),
            (Place::leaves("cbr0"), "cbr0 out"),
            (Place::Routing, "routing"),
            (Place::Hook(Hook::Prerouting), "PREROUTING"),
            (Place::Hook(Hook::Input), "INPUT"),
            (Place::Hook(Hook::Forward), "FORWARD"),
            (Place::Hook(Hook::Output), "OUTPUT"),
            (Place::Hook(Hook::Postrouting), "POSTROUTING"),
            (Place::Conntrack, "conntrack"),
            (Place::Socket, "socket"),
            (Place::Bridge("cbr0".into()), "cbr0 bridge"),
            (Place::LoadBalancer, "load balancer"),
        ];
        for (place, text) in cases {
            assert_eq!(place.to_string(), text);
            assert_eq!(
                serde_json::to_string(&place).unwrap(),
                format!("\"{text}\"")
            );
        }
        // Padded like a string, for the CLI's columns.
        assert_eq!(format!("[{:<9}]", Place::arrives("eth0")), "[eth0 in  ]");
        assert_eq!(format!("[{:<9}]", Place::Routing), "[routing  ]");
    }

    #[test]
    fn a_hop_serializes_its_note_and_decision_from_the_data() {
        let p = Packet::new(
            crate::linux::packet::Protocol::Tcp,
            "10.0.1.2:40000".parse().unwrap(),
            "10.3.241.152:80".parse().unwrap(),
        );
        let hop = |decision: Decision| Hop {
            leg: Leg::Request,
            device: "node/node-1".into(),
            at: Place::arrives("eth0"),
            decision,
            rules: Vec::new(),
            before: p,
            after: p,
            say: Say::NoRules,
        };
        let said = hop(Decision::Said(Say::ArrivesOn {
            iface: "eth0".into(),
        }));
        let v = serde_json::to_value(&said).unwrap();
        assert_eq!(v["at"], "eth0 in");
        assert_eq!(v["decision"], "arrives on eth0");
        assert_eq!(v["note"], Say::NoRules.en());
        assert!(v.get("say").is_none());
        assert_eq!(said.note(), Say::NoRules.en());
        assert_eq!(said.decision_in(Lang::Ko), "eth0에 도착");
        let tool = hop(Decision::Tool("default via 10.0.1.1 dev eth0".into()));
        let v = serde_json::to_value(&tool).unwrap();
        assert_eq!(v["decision"], "default via 10.0.1.1 dev eth0");
        assert_eq!(tool.decision_in(Lang::Ko), "default via 10.0.1.1 dev eth0");
        assert_eq!(tool.decision.tool(), Some("default via 10.0.1.1 dev eth0"));
        assert_eq!(said.decision.tool(), None);
    }

    #[test]
    fn a_place_names_its_interface() {
        assert_eq!(Place::arrives("eth0").arrival(), Some("eth0"));
        assert_eq!(Place::leaves("eth0").arrival(), None);
        assert_eq!(Place::leaves("ext0").iface(), Some("ext0"));
        assert_eq!(Place::Bridge("cbr0".into()).iface(), Some("cbr0"));
        assert_eq!(Place::Routing.iface(), None);
        assert_eq!(Place::Hook(Hook::Forward).arrival(), None);
    }
}
