//! What the drawing says about a trace, as pure data: the address changes
//! (NAT callouts: "DNAT 10.3.241.152:80 → 10.0.2.2:8080" and the chain
//! that did it; conntrack's reverse NAT on the way back), the decision at
//! each device in a word or two, the outcome that colours the path, and
//! where a request was dropped, refused or rejected. Computed from the
//! trace's hops and placed on a [`Layout`]; `ui::topology` draws it, each
//! piece once the player has reached its hop. Pure Rust, tested natively.

use super::i18n::{t, Lang, Text};
use super::layout::{Kind, Layout, Point, PAD};
use crate::engine::say::Say;
use crate::engine::topology::{DeviceKind, Topology};
use crate::engine::trace::{Hop, Leg, Place, Trace, Verdict};
use crate::linux::netfilter::{Effect, NatAction};
use crate::linux::packet::TcpFlags;
use std::collections::{BTreeMap, BTreeSet};

/// How a trace ended, for the path's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Dropped,
    Refused,
    Rejected,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Delivered,
        Outcome::Dropped,
        Outcome::Refused,
        Outcome::Rejected,
    ];

    /// The CSS class of a path with this outcome.
    pub fn class(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Dropped => "dropped",
            Outcome::Refused => "refused",
            Outcome::Rejected => "rejected",
        }
    }

    /// The legend's word.
    pub fn label(self) -> Text {
        match self {
            Outcome::Delivered => t("delivered", "전달됨"),
            Outcome::Dropped => t("dropped", "버려짐"),
            Outcome::Refused => t("refused (nothing listens)", "연결 거부 (소켓 없음)"),
            Outcome::Rejected => t("rejected (REJECT rule)", "거부 (REJECT 규칙)"),
        }
    }

    /// The outcome of a whole trace: the request's verdict, and if the
    /// request was delivered, the answer's.
    pub fn of(tr: &Trace) -> Outcome {
        match tr.verdict {
            Verdict::Delivered => match &tr.reply {
                Some(r) if r.verdict != Verdict::Delivered => Outcome::Dropped,
                _ => Outcome::Delivered,
            },
            Verdict::Dropped => Outcome::Dropped,
            Verdict::Refused => Outcome::Refused,
            Verdict::Rejected => Outcome::Rejected,
        }
    }
}

/// A NAT callout: shown from hop `hop` (0-based) on.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    pub hop: usize,
    pub device: String,
    /// `dnat`, `snat`, `undnat`, `unsnat` (a CSS class).
    pub class: &'static str,
    /// "DNAT 10.3.241.152:80 → 10.0.2.2:8080".
    pub text: String,
    /// `text` in two lines that fit a node ("DNAT 10.3.241.152:80",
    /// " → 10.0.2.2:8080").
    pub lines: [String; 2],
    /// What did it: the chain of the rule (`KUBE-SEP-...`), or conntrack.
    pub by: String,
    /// Its box's top-left corner and width (two lines high).
    pub x: f32,
    pub y: f32,
    pub w: f32,
    /// Where on the drawing the change happened (a leader line's end).
    pub anchor: Point,
}

/// The decision at a device in a word or two, shown from hop `hop` on
/// (a later word at the same device replaces it).
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub hop: usize,
    pub device: String,
    pub text: String,
    /// `bad` for a drop, a refusal or a rejection; `nat` for NAT.
    pub class: &'static str,
    /// Where the word ends (it is drawn right-aligned at its box's title).
    pub x: f32,
    pub y: f32,
}

/// Where a request ended without being delivered.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub hop: usize,
    pub at: Point,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub outcome: Outcome,
    pub callouts: Vec<Callout>,
    pub words: Vec<Word>,
    pub marker: Option<Marker>,
    /// Hops in the trace: at this step the outcome is known.
    pub len: usize,
}

/// The height of a callout box (three lines: the change in two, and
/// what did it).
pub const CALLOUT_H: f32 = 3.0 * super::layout::LINE + PAD;
/// The room one callout takes in a node.
pub const CALLOUT_STEP: f32 = super::layout::CALLOUT_ROOM;

const W_SENDS: Text = t("sends", "보냄");
const W_ROUTED: Text = t("routed", "라우팅");
const W_FORWARDED: Text = t("forwarded", "포워딩");
const W_DROPPED: Text = t("dropped", "버림");
const W_REJECTED: Text = t("rejected", "거부 (REJECT)");
const W_REFUSED: Text = t("refused", "연결 거부");
const W_DELIVERED: Text = t("delivered", "전달됨");
const W_ANSWERED: Text = t("answer received", "응답 받음");
const W_ECHO: Text = t("answers the ping", "ping에 응답");
const W_RESET: Text = t("gets a reset", "RST 받음");
const W_BRIDGED: Text = t("bridged", "브리지");
const W_BALANCED: Text = t("load-balanced", "부하 분산");
const W_UNNAT: Text = t("reverse NAT", "역 NAT");
const BY_LB: Text = t("by the load balancer", "로드 밸런서가 변환");

/// A hop's word, if it decides something worth a word.
fn word(h: &Hop) -> Option<(Text, &'static str)> {
    Some(match &h.say {
        Say::Sends { .. } | Say::SendsIcmp { .. } => (W_SENDS, ""),
        Say::Routes {
            forwarding: true, ..
        } => (W_FORWARDED, ""),
        Say::Routes { .. } => (W_ROUTED, ""),
        Say::RouteDrops { .. }
        | Say::NoRoute { .. }
        | Say::NetfilterDrops
        | Say::HookDrops { .. }
        | Say::TtlExpired { .. }
        | Say::RouteToGoneNode { .. }
        | Say::Unreachable { .. }
        | Say::NoArpAnswer { .. }
        | Say::NextHopGone { .. } => (W_DROPPED, "bad"),
        Say::NetfilterRejects => (W_REJECTED, "bad"),
        Say::NoListener { .. } | Say::Refused { .. } => (W_REFUSED, "bad"),
        Say::Accepts { .. } => (W_DELIVERED, "ok"),
        Say::GetsAnswer { .. } if h.after.flags == Some(TcpFlags::Rst) => (W_RESET, "bad"),
        Say::GetsAnswer { .. } | Say::GetsEchoReply { .. } => (W_ANSWERED, "ok"),
        Say::AnswersEcho { .. } => (W_ECHO, "ok"),
        Say::Bridges { .. } => (W_BRIDGED, ""),
        Say::LbPassThrough { .. } | Say::LbNodePort { .. } => (W_BALANCED, "nat"),
        Say::NatChooses { action, .. } => (
            match action {
                NatAction::Dnat(_) => t("DNAT", "DNAT"),
                NatAction::Snat(_) => t("SNAT", "SNAT"),
                NatAction::Masquerade { .. } => t("MASQUERADE", "MASQUERADE"),
            },
            "nat",
        ),
        Say::CtRewrites { .. } => (W_UNNAT, "nat"),
        _ => return None,
    })
}

/// The address change at a hop, if any: (class, verb and old address,
/// new address).
fn nat(h: &Hop) -> Option<(&'static str, String, String)> {
    let (b, a) = (&h.before, &h.after);
    let masq = h
        .rules
        .iter()
        .any(|r| matches!(r.effect, Effect::Nat(NatAction::Masquerade { .. })));
    if b.dst != a.dst {
        let (class, verb) = match h.leg {
            Leg::Request => ("dnat", "DNAT"),
            Leg::Reply => ("unsnat", "un-SNAT"),
        };
        return Some((class, format!("{verb} {}", b.dst), a.dst.to_string()));
    }
    if b.src != a.src && !b.src.ip().is_unspecified() {
        let (class, verb) = match (h.leg, masq) {
            (Leg::Request, true) => ("snat", "MASQUERADE"),
            (Leg::Request, false) => ("snat", "SNAT"),
            (Leg::Reply, _) => ("undnat", "un-DNAT"),
        };
        return Some((class, format!("{verb} {}", b.src), a.src.to_string()));
    }
    None
}

/// `s` in the characters a callout `w` wide holds (11 px monospace): a
/// long name (nftables' `endpoint-HASH-ns/svc/tcp/port__10.0.2.2/8080`)
/// keeps its start and its end, the middle elided.
fn fit_middle(s: String, w: f32) -> String {
    let max = ((w - 2.0 * PAD) / 6.6) as usize;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n <= max || max < 5 {
        return s;
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    (chars[..head].iter())
        .chain(['…'].iter())
        .chain(&chars[n - tail..])
        .collect()
}

/// What changed the addresses: the chain of the NAT rule, conntrack, or a
/// load balancer.
fn nat_by(h: &Hop, lang: Lang) -> String {
    let nat_rule = h
        .rules
        .iter()
        .rev()
        .find(|r| matches!(r.effect, Effect::Nat(_)));
    if let Some(r) = nat_rule {
        return r.chain.clone();
    }
    match &h.say {
        Say::CtRewrites { dir, .. } => match lang {
            Lang::En => format!("by conntrack ({dir})"),
            Lang::Ko => format!("conntrack ({dir} 방향)"),
        },
        _ if h.device.starts_with("lb/") => BY_LB.get(lang).to_string(),
        _ => h.decision_in(lang),
    }
}

/// The drawing of `scenario` with room for `trace`'s story: the one
/// place where the playground, the embeds and `netlab draw` lay it out
/// (`opts` carries the page's own choices: width, expanded nodes, ghosts,
/// language). A bare-IP source `host` is drawn as a host on the node
/// network, as the engine's request treats it.
pub fn drawing(
    scenario: &crate::model::Scenario,
    host: Option<std::net::Ipv4Addr>,
    trace: Option<&Trace>,
    opts: super::layout::LayoutOptions,
) -> Layout {
    let topo = Topology::build(scenario, &host.iter().copied().collect::<Vec<_>>());
    let (room, on_path) =
        trace.map_or_else(Default::default, |t| (room(&topo, t), path_nodes(&topo, t)));
    super::layout::layout(
        &topo,
        scenario,
        &super::layout::LayoutOptions {
            room,
            on_path,
            ..opts
        },
    )
}

/// The devices a trace's drawing emphasises: where it started and the
/// pod or node that received it.
pub fn highlight(trace: &Trace) -> Vec<String> {
    trace
        .hops
        .first()
        .map(|h| h.device.clone())
        .into_iter()
        .chain(trace.delivered_to.clone())
        .collect()
}

/// Callout lines each node needs room for, by device id (two per NAT
/// hop at that node): the layout reserves them below its netfilter box.
pub fn room(topo: &Topology, tr: &Trace) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for h in &tr.hops {
        let is_node = topo
            .device_by_id(&h.device)
            .is_some_and(|d| matches!(d.kind, DeviceKind::Node { .. }));
        if is_node && nat(h).is_some() {
            *out.entry(h.device.clone()).or_insert(0) += 1;
        }
    }
    out
}

/// Names of the nodes a trace passes (through the node, or one of its
/// pods): the layout never collapses them.
pub fn path_nodes(topo: &Topology, tr: &Trace) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for h in &tr.hops {
        match topo.device_by_id(&h.device).map(|d| &d.kind) {
            Some(DeviceKind::Node { name }) => {
                out.insert(name.clone());
            }
            Some(DeviceKind::Pod { node, .. }) => {
                out.insert(node.clone());
            }
            _ => {}
        }
    }
    out
}

/// The story of `tr` on `l` (laid out with [`room`] of the same trace,
/// for callouts to have their place inside their nodes).
pub fn story(l: &Layout, tr: &Trace, lang: Lang) -> Story {
    let outcome = Outcome::of(tr);
    let mut callouts = Vec::new();
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in tr.hops.iter().enumerate() {
        let Some((class, head, to)) = nat(h) else {
            continue;
        };
        let anchor = l.anchor(&h.device, &h.at).unwrap_or_default();
        let k = used.entry(h.device.as_str()).or_insert(0);
        let (x, y, w) = match l.band(&h.device) {
            Some((x, y, w, _)) => (x, y + *k as f32 * CALLOUT_STEP, w),
            None => match l.block(&h.device) {
                // Outside a node: just below the device.
                Some(b) => (
                    b.x,
                    b.y + b.h + 2.0 + *k as f32 * CALLOUT_STEP,
                    b.w.max(200.0),
                ),
                None => continue,
            },
        };
        *k += 1;
        callouts.push(Callout {
            hop: i,
            device: h.device.clone(),
            class,
            text: format!("{head} → {to}"),
            lines: [head, format!(" → {to}")],
            by: fit_middle(nat_by(h, lang), w),
            x,
            y,
            w,
            anchor,
        });
    }

    // The hop where the request (or its answer) stopped.
    let stop = match outcome {
        Outcome::Delivered => None,
        _ if tr.verdict == Verdict::Delivered => tr.hops.len().checked_sub(1),
        _ => tr.hops.iter().rposition(|h| h.leg == Leg::Request),
    };
    let marker = stop.and_then(|i| {
        let h = &tr.hops[i];
        // In a router, beside its addresses rather than over the table.
        let at = match l.block(&h.device) {
            Some(b) if b.kind == Kind::Router && h.at == Place::Routing => {
                (b.x + b.w - 18.0, b.y + 2.0 * super::layout::LINE + 4.0)
            }
            _ => l.anchor(&h.device, &h.at)?,
        };
        Some(Marker {
            hop: i,
            at,
            outcome,
        })
    });

    let mut words = Vec::new();
    for (i, h) in tr.hops.iter().enumerate() {
        let w = if Some(i) == stop {
            Some(match outcome {
                Outcome::Refused => (W_REFUSED, "bad"),
                Outcome::Rejected => (W_REJECTED, "bad"),
                _ => (W_DROPPED, "bad"),
            })
        } else {
            word(h)
        };
        let Some((text, class)) = w else { continue };
        let Some(b) = l.block(&h.device) else {
            continue;
        };
        words.push(Word {
            hop: i,
            device: h.device.clone(),
            text: text.get(lang).to_string(),
            class,
            x: b.x + b.w - PAD,
            y: b.y + super::layout::LINE,
        });
    }
    Story {
        outcome,
        callouts,
        words,
        marker,
        len: tr.hops.len(),
    }
}

impl Story {
    /// The words shown at `step` (hops `0..step` reached): the latest of
    /// each device, except that a plain word ("routed", "sends") does not
    /// hide a telling one (NAT, delivered), and nothing hides where the
    /// request stopped.
    pub fn words_at(&self, step: usize) -> Vec<&Word> {
        let mut last: BTreeMap<&str, &Word> = BTreeMap::new();
        for w in self.words.iter().filter(|w| w.hop < step) {
            let keep = last.get(w.device.as_str()).is_some_and(|old| {
                old.class == "bad" || (!old.class.is_empty() && w.class.is_empty())
            });
            if !keep {
                last.insert(w.device.as_str(), w);
            }
        }
        let mut v: Vec<&Word> = last.into_values().collect();
        crate::sort::sort_by_key(&mut v, |w| w.hop);
        v
    }

    /// The callouts shown at `step`.
    pub fn callouts_at(&self, step: usize) -> impl Iterator<Item = &Callout> {
        self.callouts.iter().filter(move |c| c.hop < step)
    }

    /// The marker, once reached.
    pub fn marker_at(&self, step: usize) -> Option<&Marker> {
        self.marker.as_ref().filter(|m| m.hop < step)
    }

    /// The path's class at `step`: its outcome once the whole trace is
    /// shown (or its stop reached), else the leg's.
    pub fn path_class(&self, step: usize, reply: bool) -> &'static str {
        if step >= self.len || self.marker_at(step).is_some() {
            self.outcome.class()
        } else if reply {
            "reply"
        } else {
            "request"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{Request, World};
    use crate::linux::netfilter::ConstChooser;
    use crate::model::{default_scenario, presets::PRESETS, Protocol, Scenario};
    use crate::ui::layout::{layout, LayoutOptions};

    fn preset(id: &str) -> Scenario {
        let p = PRESETS.iter().find(|p| p.id == id).unwrap();
        crate::model::load(p.yaml).unwrap().scenario
    }

    fn run(s: &Scenario, from: &str, to: &str) -> (Layout, Trace) {
        let mut w = World::new(s.clone());
        let req = Request::parse(s, from, to, Protocol::Tcp).unwrap();
        let tr = w.trace(&req, &mut ConstChooser(true)).unwrap();
        let opts = LayoutOptions {
            room: room(w.topology(), &tr),
            ..LayoutOptions::default()
        };
        (layout(w.topology(), w.scenario(), &opts), tr)
    }

    #[test]
    fn a_long_chain_name_keeps_its_start_and_end_in_a_callout() {
        let long = "endpoint-RVHZWL2Y-default/web/tcp/http__10.0.2.2/8080".to_string();
        let fitted = fit_middle(long, 195.0);
        assert_eq!(fitted.chars().count(), 27);
        assert!(fitted.starts_with("endpoint-RVH"), "{fitted}");
        assert!(fitted.ends_with("10.0.2.2/8080"), "{fitted}");
        let short = "KUBE-SEP-ABCDEFGHIJKLMNOP".to_string();
        assert_eq!(fit_middle(short.clone(), 195.0), short);
    }

    #[test]
    fn the_story_shows_dnat_with_its_chain_and_the_reverse_nat() {
        let s = default_scenario();
        let (l, tr) = run(&s, "pod/client", "svc/web:80");
        let st = story(&l, &tr, Lang::En);
        assert_eq!(st.outcome, Outcome::Delivered);
        assert!(st.marker.is_none());
        let vip = s.services[0].cluster_ip.unwrap();
        let dnat = st.callouts.iter().find(|c| c.class == "dnat").unwrap();
        assert!(
            dnat.text.starts_with(&format!("DNAT {vip}:80 → ")),
            "{}",
            dnat.text
        );
        let backend = tr.server_sees.unwrap().dst;
        assert!(dnat.text.ends_with(&backend.to_string()), "{}", dnat.text);
        assert!(dnat.by.contains("KUBE-SEP-"), "{}", dnat.by);
        assert_eq!(dnat.device, tr.hops[dnat.hop].device);
        // The callout sits in its node's band, inside the node.
        let node = l.block(&dnat.device).unwrap();
        assert!(dnat.x >= node.x && dnat.x + dnat.w <= node.x + node.w);
        assert!(dnat.y > node.y && dnat.y + CALLOUT_H <= node.y + node.h);
        // On the way back conntrack turns the backend into the VIP again.
        let un = st.callouts.iter().find(|c| c.class == "undnat").unwrap();
        assert_eq!(un.text, format!("un-DNAT {backend} → {vip}:80"));
        assert!(un.hop > dnat.hop);
        assert_eq!(tr.hops[un.hop].leg, Leg::Reply);
        // Progressive: nothing before the DNAT hop, DNAT at it.
        assert_eq!(st.callouts_at(dnat.hop).count(), 0);
        assert_eq!(st.callouts_at(dnat.hop + 1).count(), 1);
        // Words: the client sends, its node DNATs, the server pod accepts.
        let words = st.words_at(dnat.hop + 1);
        assert!(words
            .iter()
            .any(|w| w.device == dnat.device && w.text == "DNAT"));
        let all = st.words_at(st.len);
        let to = tr.delivered_to.clone().unwrap();
        assert!(all.iter().any(|w| w.device == to && w.text == "delivered"));
        assert_eq!(st.path_class(1, false), "request");
        assert_eq!(st.path_class(st.len, true), "delivered");
        let ko = story(&l, &tr, Lang::Ko);
        assert!(ko.words.iter().any(|w| w.text == "전달됨"));
        let ko_un = ko.callouts.iter().find(|c| c.class == "undnat").unwrap();
        assert!(ko_un.by.contains("방향"), "{}", ko_un.by);
    }

    /// A client on the node network to a NodePort is masqueraded: the
    /// callout says so and names kube-proxy's chain, read from the rule's
    /// typed effect, never from its text.
    #[test]
    fn masquerade_is_told_from_the_rules_effect_not_its_text() {
        let s = preset("nodeport");
        let node_ip = s.nodes[0].internal_ip;
        let (l, tr) = run(&s, "10.100.0.50", &format!("{node_ip}:30080"));
        let st = story(&l, &tr, Lang::En);
        let snat = st.callouts.iter().find(|c| c.class == "snat").unwrap();
        assert!(snat.text.starts_with("MASQUERADE "), "{}", snat.text);
        assert_eq!(snat.by, "KUBE-POSTROUTING");
        let at = tr
            .hops
            .iter()
            .position(|h| {
                h.rules
                    .iter()
                    .any(|r| matches!(r.effect, Effect::Nat(NatAction::Masquerade { .. })))
            })
            .unwrap();
        let mut hop = tr.hops[at].clone();
        // The rule's text says nothing: the story is the same.
        for r in &mut hop.rules {
            r.rule = "-A SOMEWHERE".into();
        }
        assert_eq!(nat(&hop), nat(&tr.hops[at]));
        assert_eq!(nat_by(&hop, Lang::En), "KUBE-POSTROUTING");
        // An SNAT rule in its place is told as SNAT, by its own chain.
        let r = hop
            .rules
            .iter_mut()
            .find(|r| matches!(r.effect, Effect::Nat(_)))
            .unwrap();
        r.effect = Effect::Nat(NatAction::Snat(hop.after.src.ip().to_owned()));
        r.chain = "SOME-SNAT".into();
        let (class, text, _) = nat(&hop).unwrap();
        assert_eq!(class, "snat");
        assert!(text.starts_with("SNAT "), "{text}");
        assert_eq!(nat_by(&hop, Lang::En), "SOME-SNAT");
        // No NAT rule at all: the hop's own words.
        hop.rules.retain(|r| !matches!(r.effect, Effect::Nat(_)));
        assert_ne!(nat_by(&hop, Lang::En), "SOME-SNAT");
    }

    #[test]
    fn a_refused_request_is_refused_and_marked_where_it_happened() {
        let s = preset("nodeport-wrong-port");
        let p = PRESETS
            .iter()
            .find(|p| p.id == "nodeport-wrong-port")
            .unwrap();
        let (l, tr) = run(&s, p.from, p.to);
        let st = story(&l, &tr, Lang::En);
        assert_eq!(st.outcome, Outcome::Refused, "{:?}", tr.verdict);
        assert_eq!(st.path_class(st.len, false), "refused");
        let m = st.marker.clone().unwrap();
        let h = &tr.hops[m.hop];
        assert_eq!(Some(m.at), l.anchor(&h.device, &h.at));
        let words = st.words_at(st.len);
        assert!(words
            .iter()
            .any(|w| w.device == h.device && w.text == "refused" && w.class == "bad"));
        // The client gets a reset, not an answer.
        let client = &tr.hops[0].device;
        assert!(
            words
                .iter()
                .any(|w| &w.device == client && w.text == "gets a reset"),
            "{words:?}"
        );
    }

    #[test]
    fn a_ping_is_answered_by_the_pods_kernel_and_a_cluster_ip_ping_is_lost() {
        let s = default_scenario();
        let ping = |to: &str| {
            let mut w = World::new(s.clone());
            let req = Request::parse(&s, "pod/client", to, Protocol::Icmp).unwrap();
            let tr = w.trace(&req, &mut ConstChooser(true)).unwrap();
            let opts = LayoutOptions {
                room: room(w.topology(), &tr),
                ..LayoutOptions::default()
            };
            (layout(w.topology(), w.scenario(), &opts), tr)
        };
        let (l, tr) = ping("10.0.2.2");
        let st = story(&l, &tr, Lang::En);
        assert_eq!(st.outcome, Outcome::Delivered, "{:?}", tr.verdict);
        let words = st.words_at(st.len);
        let has = |device: &str, text: &str| {
            words
                .iter()
                .any(|w| w.device == device && w.text == text && w.class == "ok")
        };
        assert!(has("pod/web-1", "answers the ping"), "{words:?}");
        assert!(has("pod/client", "answer received"), "{words:?}");
        let (l, tr) = ping("10.3.241.152");
        let st = story(&l, &tr, Lang::En);
        assert_eq!(st.outcome, Outcome::Dropped);
        let m = st.marker.clone().unwrap();
        assert_eq!(tr.hops[m.hop].device, "router/vpc");
    }

    #[test]
    fn a_drop_at_the_router_is_marked_at_the_router() {
        let s = preset("external-clusterip");
        let p = PRESETS
            .iter()
            .find(|p| p.id == "external-clusterip")
            .unwrap();
        let (l, tr) = run(&s, p.from, p.to);
        let st = story(&l, &tr, Lang::En);
        assert_eq!(st.outcome, Outcome::Dropped);
        assert_eq!(st.path_class(st.len, false), "dropped");
        let m = st.marker.clone().unwrap();
        assert_eq!(tr.hops[m.hop].device, "router/vpc");
        let r = l.block("router/vpc").unwrap();
        assert!(m.at.0 > r.x && m.at.0 < r.x + r.w && m.at.1 > r.y && m.at.1 < r.y + r.h);
        assert!(
            tr.hops[m.hop].note().contains("drops it"),
            "{}",
            tr.hops[m.hop].note()
        );
        assert_eq!(st.marker_at(m.hop), None);
        assert!(st.marker_at(m.hop + 1).is_some());
        assert!(st
            .words_at(st.len)
            .iter()
            .any(|w| w.device == "router/vpc" && w.text == "dropped"));
    }
}
