//! Where each part of the topology drawing goes: positioned boxes, lines
//! and notes in SVG user units, computed from the engine's [`Topology`]
//! and the [`Scenario`]. Pure Rust (no web crates), so it is tested
//! natively; `ui::topology` turns it into SVG.
//!
//! ```text
//!                 internet (clients)
//!                        |
//!   host ...   VPC router (routes)   load balancers ...
//!   ==+================+===============+========== node network (bus)
//!   node: eth0 / netfilter / cbr0 / pods   node ...   (a grid that wraps)
//! ```
//!
//! It only reads what the model and the engine built: it decides nothing
//! about routing. Coordinates are whole numbers, so that the component
//! writes them as integers.

use super::i18n::{t, Lang, Text};
use crate::engine::topology::{
    node_id, pod_ref, DeviceKind, Route, RouteOrigin, Topology, OUTSIDE_NET,
};
use crate::engine::trace::Place;
use crate::linux::route::RouteKind;
use crate::model::Scenario;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// The height of a line of text; a box's first baseline is at `y + LINE`.
pub const LINE: f32 = 13.0;
/// Horizontal padding of text inside a box.
pub const PAD: f32 = 6.0;
/// Width of a character of the 11-unit monospace font, for truncation.
const CHAR_W: f32 = 6.7;
/// Average width of a character of the 13-unit bold title font.
const TITLE_W: f32 = 7.6;

const MARGIN: f32 = 16.0;
const NODE_W: f32 = 210.0;
const COL_GAP: f32 = 24.0;
const ROW_GAP: f32 = 44.0;
const TOP_GAP: f32 = 24.0;
const PART_H: f32 = 20.0;
const POD_H: f32 = 32.0;
const POD_STEP: f32 = 36.0;
/// Where the pods start below a node's top.
const PODS_TOP: f32 = 98.0;
const ROUTE_H: f32 = 16.0;
const ROUTE_STEP: f32 = 17.0;
/// Pod CIDR routes listed one by one up to this many nodes.
const POD_ROUTES_SHOWN: usize = 4;
const STATIC_ROUTES_SHOWN: usize = 6;
const LB_ROUTES_SHOWN: usize = 2;
/// The Service network's box at the top.
const NET_H: f32 = 2.0 * LINE + PAD;
/// A collapsed node's height: its name and address, and "+ show".
const COMPACT_H: f32 = 2.0 * LINE + PAD + PART_H + 6.0;
/// One entry of the legend (a line and a word).
const LEGEND_W: f32 = 190.0;
/// The room a NAT callout (three lines, `ui::story`) takes in a node.
pub const CALLOUT_ROOM: f32 = 3.0 * LINE + PAD + 4.0;

/// A node that was just removed, drawn faded where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GhostNode {
    pub name: String,
    pub internal_ip: Ipv4Addr,
    /// Its position in the scenario's node list before it was removed.
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayoutOptions {
    /// Pods shown per node before a "+N more" item.
    pub pod_limit: usize,
    /// The drawing's target width: nodes wrap into rows to fit it.
    pub max_width: f32,
    /// Names of nodes whose pods are all shown.
    pub expanded: BTreeSet<String>,
    /// Nodes just removed.
    pub ghosts: Vec<GhostNode>,
    /// The language of titles and tips.
    pub lang: Lang,
    /// Room for NAT callouts inside nodes: device id -> callouts
    /// (`ui::story::room`).
    pub room: BTreeMap<String, usize>,
    /// Names of the nodes the current trace passes: never collapsed.
    pub on_path: BTreeSet<String>,
    /// From this many nodes on, nodes off the trace's path (and not in
    /// `expanded`) are drawn as compact boxes; 0: never.
    pub collapse_from: usize,
    /// From this many nodes on (and collapsing), runs of such nodes are
    /// drawn as one box each ([`Kind::Group`]): a few boxes for thousands
    /// of nodes; 0: never.
    pub group_from: usize,
}

const CLIENTS: Text = t("clients ", "클라이언트 ");
const GATEWAY: Text = t("gateway ", "게이트웨이 ");
const INTERNET: Text = t("internet: ", "인터넷: ");
const HOST: Text = t("host", "호스트");
const ON_NODE_NET: Text = t(" on the node network", " (노드 네트워크)");
const LB: Text = t("load balancer", "로드 밸런서");
const LB_OF: Text = t("load balancer of ", "로드 밸런서, 서비스 ");
const ON_NODE_NET2: Text = t(", on the node network ", ", 노드 네트워크 주소 ");
const ROUTER: Text = t("VPC router", "VPC 라우터");
const NODE_NET: Text = t("node network ", "노드 네트워크 ");
const OUTSIDE: Text = t("outside ", "외부 ");
const TERMINATED: Text = t("terminated", "종료됨");
const WAS_REMOVED: Text = t(" was removed (terminated)", " 삭제됨 (종료됨)");
const NODE: Text = t("node ", "노드 ");
const PODS_N: Text = t(" pods", "개 파드");
const NOT_READY: Text = t(" not ready", " 준비 안 됨");
const POD: Text = t("pod ", "파드 ");
const SHOW_FEWER: Text = t("show fewer", "접기");
const MORE: Text = t(" more", "개 더");
const PODS_ON: Text = t(" pods on ", " 파드, 노드 ");
const STATIC: Text = t(" (static)", " (정적)");
const GONE: Text = t(" ✗ gone", " ✗ 없음");
const STATIC_ROUTE: Text = t("static Route ", "정적 Route ");
const VIA: Text = t(" via ", " 경유 ");
const NO_NODE: Text = t(", a node that no longer exists", ", 더 이상 없는 노드");
const POD_CIDRS: Text = t(" pod CIDRs, one per node", "개 파드 CIDR, 노드마다 하나");
const STATIC_ROUTES: Text = t(" static routes", "개 정적 라우팅");
const POD_CIDR_ROUTE: Text = t("pod CIDR route ", "파드 CIDR 라우팅 ");

/// Nodes off the path collapse from this many nodes on.
pub const COLLAPSE_FROM: usize = 20;

/// Runs of collapsed nodes are grouped from this many nodes on.
pub const GROUP_FROM: usize = 100;

/// The fewest nodes a group box stands for (more in a larger cluster, so
/// that the groups take about [`GROUP_ROWS`] rows).
const GROUP_MIN: usize = 25;
const GROUP_ROWS: usize = 4;
const NODES_N: Text = t(" nodes", "개 노드");
const GROUPED: Text = t(
    " (grouped: off the trace's path; trace to a node to draw it)",
    " (묶음: 트레이스 경로 밖; 노드로 트레이스하면 그려집니다)",
);

const SERVICE_NET: Text = t("Service network ", "서비스 네트워크 ");
const SERVICE_NET_S: Text = t(
    "virtual IPs: only in each node's netfilter",
    "가상 IP: 각 노드의 netfilter에만 존재",
);
const SERVICE_NET_TIP: Text = t(
    "The Service network: ClusterIPs are allocated from it. No device owns these addresses; kube-proxy's rules on each node translate them (DNAT) to pod addresses.",
    "서비스 네트워크: ClusterIP가 여기서 할당됩니다. 이 주소를 가진 장치는 없고, 각 노드의 kube-proxy 규칙이 파드 주소로 변환(DNAT)합니다.",
);
const SHOW_PODS: Text = t("+ show ", "+ 보기: 파드 ");
const COLLAPSED: Text = t(
    " (collapsed: off the trace's path)",
    " (접힘: 트레이스 경로 밖)",
);
const LB_ROUTES: Text = t(" load balancer IPs", "개 로드 밸런서 IP");
const UNREACHABLE_TIP: Text = t(
    ": the VPC router drops packets for these private addresses",
    ": VPC 라우터는 이 사설 주소로 가는 패킷을 버립니다",
);
const DEFAULT_TIP: Text = t(
    "default route: everything else goes to the internet",
    "기본 경로: 나머지는 모두 인터넷으로",
);

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            pod_limit: 6,
            max_width: 1000.0,
            expanded: BTreeSet::new(),
            ghosts: Vec::new(),
            lang: Lang::En,
            room: BTreeMap::new(),
            on_path: BTreeSet::new(),
            collapse_from: COLLAPSE_FROM,
            group_from: GROUP_FROM,
        }
    }
}

/// What a box is (its CSS class is [`Kind::class`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Internet,
    Router,
    Lb,
    Host,
    Node,
    Pod,
    /// A removed node.
    Ghost,
    /// Parts of a node.
    Eth0,
    Netfilter,
    Cbr0,
    /// "+N more" (or "show fewer") in a node: toggles its pods.
    More,
    /// A row of the VPC router's routing table summary.
    Route,
    /// A node off the trace's path, collapsed (a whole device).
    Compact,
    /// A run of nodes off the trace's path, one box for them all (their
    /// devices are `hidden` behind it).
    Group,
    /// The Service network's caption box.
    Net,
}

impl Kind {
    pub fn class(self) -> &'static str {
        match self {
            Kind::Internet => "internet",
            Kind::Router => "router",
            Kind::Lb => "lb",
            Kind::Host => "host",
            Kind::Node => "node",
            Kind::Pod => "pod",
            Kind::Ghost => "ghost",
            Kind::Eth0 => "part eth0",
            Kind::Netfilter => "part netfilter",
            Kind::Cbr0 => "part cbr0",
            Kind::More => "more",
            Kind::Route => "route",
            Kind::Compact => "node compact",
            Kind::Group => "node compact group",
            Kind::Net => "net",
        }
    }

    /// A whole device of the topology (not a part, item or ghost).
    pub fn is_device(self) -> bool {
        matches!(
            self,
            Kind::Internet
                | Kind::Router
                | Kind::Lb
                | Kind::Host
                | Kind::Node
                | Kind::Pod
                | Kind::Compact
        )
    }
}

/// A point in SVG user units.
pub type Point = (f32, f32);

/// A positioned box.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: Kind,
    /// The device id traces use (`pod/client`, `node/node-1`); parts,
    /// items and routes carry their device's id.
    pub device: String,
    /// What a click means: a request's source form (`pod/client`,
    /// `node/node-1`, `internet`, an IP; a load balancer's public IP), or
    /// for [`Kind::More`] the node name to expand; empty: not clickable.
    pub pick: String,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The first line (bold).
    pub title: String,
    /// Further lines, already shortened to fit.
    pub text: Vec<String>,
    /// The full description (a tooltip and accessible name).
    pub tip: String,
    /// A static route to a node that no longer exists.
    pub broken: bool,
    /// For a routing table row: the routes it stands for, as `ip route`
    /// prints them (a trace's decision names one).
    pub cites: Vec<String>,
}

impl Block {
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A cable: device to segment, bridge to pod.
    Link,
    /// The node network (a switch drawn as a bus).
    Bus,
    /// A static route from the VPC router to its next hop.
    Route,
    /// A static route to a node that is gone.
    Broken,
}

impl LineKind {
    pub fn class(self) -> &'static str {
        match self {
            LineKind::Link => "link",
            LineKind::Bus => "bus",
            LineKind::Route => "sroute",
            LineKind::Broken => "sroute broken",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub kind: LineKind,
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
}

/// A free-standing caption (a network's name and range).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub x: f32,
    pub y: f32,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Layout {
    pub width: f32,
    pub height: f32,
    /// Containers come before what they contain (paint order); lines are
    /// drawn over the boxes.
    pub blocks: Vec<Block>,
    pub lines: Vec<Line>,
    pub notes: Vec<Note>,
    /// Pods behind a "+N more" item: device id -> that item's block.
    hidden: BTreeMap<String, usize>,
    /// Devices on the node network: where their cable leaves them, and
    /// where it meets the bus.
    taps: BTreeMap<String, (Point, Point)>,
    /// Room for callouts inside nodes: device id -> (x, y, w, h).
    bands: BTreeMap<String, (f32, f32, f32, f32)>,
    /// Where the legend's entries go (one per path outcome).
    pub legend: Vec<Point>,
    /// Nodes drawn only as part of a [`Kind::Group`] box.
    pub grouped: usize,
}

impl Layout {
    /// The room reserved for callouts in a node (`LayoutOptions::room`).
    pub fn band(&self, device: &str) -> Option<(f32, f32, f32, f32)> {
        self.bands.get(device).copied()
    }

    /// The routing table rows that stand for `route` (as `ip route`
    /// prints it).
    pub fn rows_citing<'a>(&'a self, route: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks
            .iter()
            .filter(move |b| b.kind == Kind::Route && b.cites.iter().any(|c| c == route))
    }

    /// The block of a whole device.
    pub fn block(&self, device: &str) -> Option<&Block> {
        self.blocks
            .iter()
            .find(|b| b.kind.is_device() && b.device == device)
    }

    /// Where to draw a packet at a trace hop (`Hop::device`, `Hop::at`):
    /// a node's `eth0 in`/`eth0 out` at its eth0, `cbr0 ...` at cbr0,
    /// netfilter hooks, conntrack, routing and sockets at its netfilter
    /// block; the router's `ext0` at its top, the rest (`eth0`, its
    /// routing) at its bottom; the
    /// internet, load balancers and hosts where they meet their network
    /// (the bottom edge); pods at their centre; a pod hidden behind
    /// "+N more" at that item.
    pub fn anchor(&self, device: &str, at: &Place) -> Option<(f32, f32)> {
        if let Some(&i) = self.hidden.get(device) {
            return Some(self.blocks[i].center());
        }
        let b = self.block(device)?;
        let (cx, cy) = b.center();
        match b.kind {
            Kind::Node => {
                let part = match at.iface() {
                    Some("eth0") => Kind::Eth0,
                    Some("cbr0") => Kind::Cbr0,
                    _ => Kind::Netfilter,
                };
                self.blocks
                    .iter()
                    .find(|p| p.kind == part && p.device == device)
                    .map(Block::center)
                    .or(Some((cx, cy)))
            }
            Kind::Router if at.iface() == Some("ext0") => Some((cx, b.y)),
            // Its routing decision too: a packet that comes in and goes out
            // on eth0 touches the router's edge instead of crossing its
            // routing table's rows.
            Kind::Router => Some((cx, b.y + b.h)),
            Kind::Internet | Kind::Lb | Kind::Host => Some((cx, b.y + b.h)),
            _ => Some((cx, cy)),
        }
    }
}

impl Layout {
    /// The points a packet passes through over trace hops (`(device, at)`
    /// in order): each hop's [`Layout::anchor`], and between two devices on
    /// the node network, along their cables and the bus (and the trunk
    /// joining the rows' buses). Hops without an anchor are skipped.
    pub fn trail<'a>(
        &self,
        hops: impl IntoIterator<Item = (&'a str, &'a Place)>,
    ) -> Vec<(f32, f32)> {
        let mut out: Vec<(f32, f32)> = Vec::new();
        let mut prev: Option<&str> = None;
        for (device, at) in hops {
            let Some(p) = self.anchor(device, at) else {
                continue;
            };
            if let (Some(a), Some(b)) = (prev.and_then(|d| self.taps.get(d)), self.taps.get(device))
            {
                if prev != Some(device) {
                    out.push(a.0);
                    out.push(a.1);
                    if a.1 .1 != b.1 .1 {
                        out.push((MARGIN, a.1 .1));
                        out.push((MARGIN, b.1 .1));
                    }
                    out.push(b.1);
                    out.push(b.0);
                }
            }
            out.push(p);
            prev = Some(device);
        }
        out.dedup();
        out
    }
}

/// Shortens `s` to what fits in `w` units of the small font.
fn fit(s: String, w: f32) -> String {
    fit_with(s, w, CHAR_W)
}

fn fit_with(s: String, w: f32, char_w: f32) -> String {
    let max = ((w - 2.0 * PAD) / char_w) as usize;
    if s.chars().count() <= max {
        return s;
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn height(lines: usize) -> f32 {
    PAD + LINE * lines as f32
}

struct Builder {
    l: Layout,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn block(
        &mut self,
        kind: Kind,
        device: &str,
        pick: String,
        (x, y, w, h): (f32, f32, f32, f32),
        title: String,
        text: Vec<String>,
        tip: String,
    ) -> usize {
        let text = text.into_iter().map(|t| fit(t, w)).collect();
        self.l.blocks.push(Block {
            kind,
            device: device.to_string(),
            pick,
            x,
            y,
            w,
            h,
            title: if matches!(
                kind,
                Kind::Route | Kind::Eth0 | Kind::Netfilter | Kind::Cbr0 | Kind::More
            ) {
                fit(title, w)
            } else {
                fit_with(title, w, TITLE_W)
            },
            text,
            tip,
            broken: false,
            cites: Vec::new(),
        });
        self.l.blocks.len() - 1
    }

    fn line(&mut self, kind: LineKind, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
        self.l.lines.push(Line {
            kind,
            x1,
            y1,
            x2,
            y2,
        });
    }

    fn note(&mut self, x: f32, y: f32, text: String) {
        self.l.notes.push(Note { x, y, text });
    }
}

/// One place in the node grid.
enum Slot<'a> {
    Node {
        name: &'a str,
        id: &'a str,
        eth0: String,
        cbr0: String,
        pods: Vec<&'a crate::engine::topology::Device>,
    },
    Ghost(&'a GhostNode),
    /// A run of collapsed nodes (`Slot::Node`s), drawn as one box.
    Group(Vec<Slot<'a>>),
}

/// Lays out the drawing of `topo` (built from `scenario`).
pub fn layout(topo: &Topology, scenario: &Scenario, opts: &LayoutOptions) -> Layout {
    let lang = opts.lang;
    let tr = |x: Text| x.get(lang);
    let mut b = Builder {
        l: Layout::default(),
    };
    let addr = |d: &crate::engine::topology::Device, iface: &str| {
        d.interface(iface)
            .and_then(|i| i.addrs.first().copied())
            .map(|a| (a.addr(), a.prefix_len()))
    };

    // Devices by kind, in the topology's (the scenario's) order.
    let mut internet = None;
    let mut router = None;
    let mut lbs = Vec::new();
    let mut hosts = Vec::new();
    let mut slots = Vec::new();
    let mut pods: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for (_, d) in topo.devices() {
        match &d.kind {
            DeviceKind::Internet => internet = Some(d),
            DeviceKind::Router => router = Some(d),
            DeviceKind::LoadBalancer { .. } => lbs.push(d),
            DeviceKind::Host => hosts.push(d),
            DeviceKind::Node { name } => slots.push(Slot::Node {
                name,
                id: &d.id,
                eth0: addr(d, "eth0").map_or(String::new(), |(a, _)| a.to_string()),
                // Pods on the node network: their gateway, answered for
                // by the node (proxy ARP), not an address of its own.
                cbr0: addr(d, "cbr0").map_or_else(
                    || {
                        d.interface("cbr0")
                            .and_then(|i| i.proxy_arp.first())
                            .map_or(String::new(), |a| format!("({a})"))
                    },
                    |(a, p)| format!("{a}/{p}"),
                ),
                pods: Vec::new(),
            }),
            DeviceKind::Pod { node, .. } => pods.entry(node.as_str()).or_default().push(d),
        }
    }
    for slot in &mut slots {
        if let Slot::Node { name, pods: p, .. } = slot {
            *p = pods.remove(*name).unwrap_or_default();
        }
    }
    let mut ghosts: Vec<&GhostNode> = opts
        .ghosts
        .iter()
        .filter(|g| topo.index(&node_id(&g.name)).is_none())
        .collect();
    crate::sort::sort_by_key(&mut ghosts, |g| g.index);
    for g in ghosts {
        slots.insert(g.index.min(slots.len()), Slot::Ghost(g));
    }

    // Collapsing, and at large sizes grouping runs of collapsed nodes.
    let nodes = slots
        .iter()
        .filter(|s| matches!(s, Slot::Node { .. }))
        .count();
    let collapsing = opts.collapse_from > 0 && nodes >= opts.collapse_from;
    let folds = |s: &Slot| match s {
        Slot::Node { name, .. } => {
            collapsing && !opts.expanded.contains(*name) && !opts.on_path.contains(*name)
        }
        _ => false,
    };
    let fit = (((opts.max_width - 2.0 * MARGIN + COL_GAP) / (NODE_W + COL_GAP)) as usize).max(1);
    if collapsing && opts.group_from > 0 && nodes >= opts.group_from {
        let per = GROUP_MIN.max(nodes.div_ceil(GROUP_ROWS * fit));
        let mut out = Vec::new();
        let mut run = Vec::new();
        fn end<'a>(out: &mut Vec<Slot<'a>>, run: &mut Vec<Slot<'a>>) {
            match run.len() {
                0 => {}
                1 => out.extend(run.pop()),
                _ => out.push(Slot::Group(std::mem::take(run))),
            }
        }
        for slot in slots {
            if folds(&slot) {
                run.push(slot);
                if run.len() == per {
                    end(&mut out, &mut run);
                }
            } else {
                end(&mut out, &mut run);
                out.push(slot);
            }
        }
        end(&mut out, &mut run);
        slots = out;
    }

    // The grid's shape.
    let cols = fit.min(slots.len().max(1));
    let grid_w = cols as f32 * (NODE_W + COL_GAP) - COL_GAP;

    // The top row: hosts, the router, load balancers.
    let router_rows = router.map_or_else(Vec::new, |r| router_rows(topo, r, scenario, lang));
    let router_h = height(3) + router_rows.len() as f32 * ROUTE_STEP + 4.0;
    let top: Vec<(Kind, f32, f32)> = hosts
        .iter()
        .map(|_| (Kind::Host, 150.0, height(2)))
        .chain(std::iter::once((Kind::Router, 260.0, router_h)))
        .chain(lbs.iter().map(|_| (Kind::Lb, 190.0, height(4))))
        .collect();
    let top_w = top.iter().map(|t| t.1 + COL_GAP).sum::<f32>() - COL_GAP;
    let width = grid_w.max(top_w) + 2.0 * MARGIN;

    // Internet, above the router.
    let router_x =
        MARGIN + (width - 2.0 * MARGIN - top_w) / 2.0 + hosts.len() as f32 * (150.0 + COL_GAP);
    let router_cx = router_x + 130.0;
    let inet_h = height(3);
    // The Service network: no device, a caption at the top.
    let svc_net = scenario.cluster.service_cidr;
    b.block(
        Kind::Net,
        "",
        String::new(),
        (MARGIN, MARGIN, (width - 2.0 * MARGIN).min(300.0), NET_H),
        format!("{}{svc_net}", tr(SERVICE_NET)),
        vec![tr(SERVICE_NET_S).into()],
        [
            tr(SERVICE_NET),
            &svc_net.to_string(),
            ": ",
            tr(SERVICE_NET_TIP),
        ]
        .concat(),
    );
    let top0 = MARGIN + NET_H + 10.0;
    let inet = (router_cx - 120.0, top0, 240.0, inet_h);
    if let Some(d) = internet {
        let addrs: Vec<String> = d
            .interface("eth0")
            .map(|i| {
                i.addrs
                    .iter()
                    .skip(1)
                    .map(|a| a.addr().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let gw = addr(d, "eth0").map_or(String::new(), |(a, _)| a.to_string());
        b.block(
            Kind::Internet,
            &d.id,
            d.id.clone(),
            inet,
            "internet".into(),
            vec![
                [tr(CLIENTS), &addrs.join(", ")].concat(),
                [tr(GATEWAY), &gw].concat(),
            ],
            [
                tr(INTERNET),
                tr(CLIENTS),
                &addrs.join(", "),
                ", ",
                tr(GATEWAY),
                &gw,
            ]
            .concat(),
        );
    }
    let top_y = top0 + inet_h + 36.0;
    b.line(
        LineKind::Link,
        (router_cx, top0 + inet_h),
        (router_cx, top_y),
    );

    let top_h = top.iter().map(|t| t.2).fold(0.0, f32::max);
    let bus0 = top_y + top_h + TOP_GAP;
    let mut x = MARGIN + (width - 2.0 * MARGIN - top_w) / 2.0;
    let (mut hi, mut li) = (0, 0);
    let mut router_ix = None;
    for (kind, w, h) in top {
        let r = (x, top_y, w, h);
        match kind {
            Kind::Host => {
                let d = hosts[hi];
                hi += 1;
                let ip = addr(d, "eth0").map_or(String::new(), |(a, _)| a.to_string());
                b.block(
                    Kind::Host,
                    &d.id,
                    ip.clone(),
                    r,
                    tr(HOST).into(),
                    vec![format!("eth0 {ip}")],
                    [tr(HOST), " ", &ip, tr(ON_NODE_NET)].concat(),
                );
            }
            Kind::Lb => {
                let d = lbs[li];
                li += 1;
                let svc = match &d.kind {
                    DeviceKind::LoadBalancer { service } => service.as_str(),
                    _ => "",
                };
                let iface = d.interface("eth0");
                let vpc = addr(d, "eth0").map_or(String::new(), |(a, _)| a.to_string());
                let public: Vec<String> = iface
                    .map(|i| {
                        i.addrs
                            .iter()
                            .skip(1)
                            .map(|a| a.addr().to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                let pick = public.first().cloned().unwrap_or_else(|| d.id.clone());
                b.block(
                    Kind::Lb,
                    &d.id,
                    pick,
                    r,
                    tr(LB).into(),
                    vec![svc.to_string(), public.join(", "), format!("eth0 {vpc}")],
                    [
                        tr(LB_OF),
                        svc,
                        ": ",
                        &public.join(", "),
                        tr(ON_NODE_NET2),
                        &vpc,
                    ]
                    .concat(),
                );
            }
            _ => {
                if let Some(d) = router {
                    let e = addr(d, "eth0").map_or(String::new(), |(a, p)| format!("{a}/{p}"));
                    let x0 = addr(d, "ext0").map_or(String::new(), |(a, p)| format!("{a}/{p}"));
                    router_ix = Some(b.block(
                        Kind::Router,
                        &d.id,
                        d.id.clone(),
                        r,
                        tr(ROUTER).into(),
                        vec![format!("eth0 {e}"), format!("ext0 {x0}")],
                        format!("{}: eth0 {e}, ext0 {x0}", tr(ROUTER)),
                    ));
                }
            }
        }
        let (on, tap) = ((x + w / 2.0, top_y + h), (x + w / 2.0, bus0));
        b.line(LineKind::Link, on, tap);
        if let Some(last) = b.l.blocks.last().filter(|l| l.kind == kind) {
            b.l.taps.insert(last.device.clone(), (on, tap));
        }
        x += w + COL_GAP;
    }
    b.note(
        MARGIN + 4.0,
        bus0 - 5.0,
        format!("{}{}", tr(NODE_NET), scenario.cluster.node_cidr),
    );
    b.note(
        router_cx + 8.0,
        top_y - 14.0,
        format!("{}{OUTSIDE_NET}", tr(OUTSIDE)),
    );

    // The router's routing table summary.
    let mut route_targets = Vec::new();
    let router_id = router.map_or(String::new(), |d| d.id.clone());
    if let Some(ri) = router_ix {
        let (rx, ry, rw) = {
            let r = &b.l.blocks[ri];
            (r.x, r.y, r.w)
        };
        for (i, row) in router_rows.into_iter().enumerate() {
            let y = ry + height(3) + i as f32 * ROUTE_STEP;
            let k = b.block(
                Kind::Route,
                &router_id,
                String::new(),
                (rx + PAD, y, rw - 2.0 * PAD, ROUTE_H),
                row.text,
                vec![],
                row.tip,
            );
            b.l.blocks[k].broken = row.broken;
            b.l.blocks[k].cites = row.cites;
            if let Some(n) = row.node {
                route_targets.push((n, row.broken, (rx + rw - PAD, y + ROUTE_H / 2.0)));
            }
        }
    }

    // The node grid.
    // Built by insertion (`collect` would link another sort).
    let by_name: BTreeMap<(&str, &str), &crate::model::Pod> = crate::sort::collect_by_insert(
        scenario
            .pods
            .iter()
            .map(|p| ((p.namespace.as_str(), p.name.as_str()), p)),
    );
    let mut y = bus0 + ROW_GAP / 2.0;
    let mut last_bus = bus0;
    let mut eth0s: BTreeMap<&str, (f32, f32)> = BTreeMap::new();
    for (r, row) in slots.chunks(cols).enumerate() {
        let bus = y - ROW_GAP / 2.0;
        let mut row_h: f32 = 0.0;
        for (c, slot) in row.iter().enumerate() {
            let x = MARGIN + (width - 2.0 * MARGIN - grid_w) / 2.0 + c as f32 * (NODE_W + COL_GAP);
            let drop_x = x + NODE_W - 24.0;
            match slot {
                Slot::Ghost(g) => {
                    let h = PODS_TOP;
                    let id = node_id(&g.name);
                    b.block(
                        Kind::Ghost,
                        &id,
                        String::new(),
                        (x, y, NODE_W, h),
                        g.name.clone(),
                        vec![tr(TERMINATED).into(), format!("eth0 {}", g.internal_ip)],
                        [&g.name, tr(WAS_REMOVED)].concat(),
                    );
                    eth0s.insert(&g.name, (x + NODE_W / 2.0, y + h / 2.0));
                    row_h = row_h.max(h);
                }
                Slot::Group(members) => {
                    let h = COMPACT_H;
                    let names: Vec<&str> = members
                        .iter()
                        .filter_map(|m| match m {
                            Slot::Node { name, .. } => Some(*name),
                            _ => None,
                        })
                        .collect();
                    let pods: usize = members
                        .iter()
                        .map(|m| match m {
                            Slot::Node { pods, .. } => pods.len(),
                            _ => 0,
                        })
                        .sum();
                    let first = names.first().copied().unwrap_or_default();
                    let last = names.last().copied().unwrap_or_default();
                    let count = format!("{}{} · {pods}{}", names.len(), tr(NODES_N), tr(PODS_N));
                    let k = b.block(
                        Kind::Group,
                        "",
                        String::new(),
                        (x, y, NODE_W, h),
                        format!("{first} … {last}"),
                        vec![count.clone()],
                        format!("{first} … {last}: {count}{}", tr(GROUPED)),
                    );
                    for m in members {
                        if let Slot::Node { name, id, pods, .. } = m {
                            b.l.hidden.insert(id.to_string(), k);
                            for d in pods {
                                b.l.hidden.insert(d.id.clone(), k);
                            }
                            eth0s.insert(name, (x + NODE_W / 2.0, y + h / 2.0));
                        }
                    }
                    b.l.grouped += names.len();
                    b.line(LineKind::Link, (drop_x, bus), (drop_x, y));
                    row_h = row_h.max(h);
                }
                Slot::Node {
                    name,
                    id,
                    eth0,
                    cbr0,
                    pods,
                } if folds(slot) => {
                    let h = COMPACT_H;
                    b.block(
                        Kind::Compact,
                        id,
                        id.to_string(),
                        (x, y, NODE_W, h),
                        name.to_string(),
                        vec![format!("eth0 {eth0} · {}{}", pods.len(), tr(PODS_N))],
                        format!(
                            "{}{name}, eth0 {eth0}, cbr0 {cbr0}, {}{}{}",
                            tr(NODE),
                            pods.len(),
                            tr(PODS_N),
                            tr(COLLAPSED)
                        ),
                    );
                    let title = match lang {
                        Lang::En => format!("{}{}{}", tr(SHOW_PODS), pods.len(), tr(PODS_N)),
                        Lang::Ko => format!("+ 파드 {}개 보기", pods.len()),
                    };
                    let m = b.block(
                        Kind::More,
                        id,
                        name.to_string(),
                        (x + 8.0, y + height(2) + 2.0, NODE_W - 16.0, PART_H),
                        title.clone(),
                        vec![],
                        [&title, tr(PODS_ON), name].concat(),
                    );
                    for d in pods {
                        b.l.hidden.insert(d.id.clone(), m);
                    }
                    b.line(LineKind::Link, (drop_x, bus), (drop_x, y));
                    b.l.taps
                        .insert(id.to_string(), ((drop_x, y), (drop_x, bus)));
                    eth0s.insert(name, (x + NODE_W / 2.0, y + h / 2.0));
                    row_h = row_h.max(h);
                }
                Slot::Node {
                    name,
                    id,
                    eth0,
                    cbr0,
                    pods,
                } => {
                    let all = opts.expanded.contains(*name);
                    // Collapsing, an opened node can be closed again.
                    let over = pods.len() > opts.pod_limit || (collapsing && all);
                    let shown = if over && !all {
                        opts.pod_limit
                    } else {
                        pods.len()
                    };
                    let room = opts
                        .room
                        .get(*id)
                        .map_or(0.0, |n| *n as f32 * CALLOUT_ROOM + 2.0);
                    let h = PODS_TOP
                        + room
                        + shown as f32 * POD_STEP
                        + if over { PART_H + 4.0 } else { 0.0 }
                        + 4.0;
                    let ready = scenario.node(name).is_none_or(|n| n.ready);
                    b.block(
                        Kind::Node,
                        id,
                        id.to_string(),
                        (x, y, NODE_W, h),
                        if ready {
                            name.to_string()
                        } else {
                            format!("{name} (NotReady)")
                        },
                        vec![],
                        format!(
                            "{}{name}, eth0 {eth0}, cbr0 {cbr0}, {}{}",
                            tr(NODE),
                            pods.len(),
                            tr(PODS_N)
                        ),
                    );
                    let px = x + 8.0;
                    let pw = NODE_W - 16.0;
                    let part = |b: &mut Builder, kind, dy, title: String| {
                        let tip = title.clone();
                        b.block(
                            kind,
                            id,
                            String::new(),
                            (px, y + dy, pw, PART_H),
                            title,
                            vec![],
                            tip,
                        );
                    };
                    part(&mut b, Kind::Eth0, 22.0, format!("eth0 {eth0}"));
                    // nftables nodes say so (iptables is the default).
                    let nft = scenario.node(name).is_some_and(|n| {
                        scenario.proxy_mode(n) == crate::model::ProxyMode::Nftables
                    });
                    let nf = if nft { "nftables" } else { "netfilter" };
                    part(
                        &mut b,
                        Kind::Netfilter,
                        46.0,
                        [nf, " · kube-proxy"].concat(),
                    );
                    if room > 0.0 {
                        b.l.bands
                            .insert(id.to_string(), (px, y + 68.0, pw, room - 2.0));
                    }
                    part(&mut b, Kind::Cbr0, 70.0 + room, format!("cbr0 {cbr0}"));
                    b.line(LineKind::Link, (drop_x, bus), (drop_x, y + 22.0));
                    b.l.taps
                        .insert(id.to_string(), ((drop_x, y + 22.0), (drop_x, bus)));
                    eth0s.insert(name, (x + NODE_W / 2.0, y + 32.0));
                    let bridge_x = x + 14.0;
                    let mut bottom = y + 90.0 + room;
                    for (i, d) in pods.iter().take(shown).enumerate() {
                        let py = y + PODS_TOP + room + i as f32 * POD_STEP;
                        let (ns, pname) = match &d.kind {
                            DeviceKind::Pod {
                                namespace, name, ..
                            } => (namespace.as_str(), name.as_str()),
                            _ => ("", ""),
                        };
                        let ip = addr(d, "eth0").map_or(String::new(), |(a, _)| a.to_string());
                        let p = by_name.get(&(ns, pname));
                        let labels = p
                            .map(|p| {
                                p.labels
                                    .iter()
                                    .map(|(k, v)| format!("{k}={v}"))
                                    .collect::<Vec<_>>()
                                    .join(",")
                            })
                            .unwrap_or_default();
                        let state = if p.is_some_and(|p| !p.ready) {
                            tr(NOT_READY)
                        } else {
                            ""
                        };
                        b.block(
                            Kind::Pod,
                            &d.id,
                            d.id.clone(),
                            (x + 22.0, py, NODE_W - 30.0, POD_H),
                            pod_ref(ns, pname),
                            vec![format!("{ip}{state} {labels}")],
                            format!("{}{} {ip}{state} {labels}", tr(POD), pod_ref(ns, pname)),
                        );
                        b.line(
                            LineKind::Link,
                            (bridge_x, py + POD_H / 2.0),
                            (x + 22.0, py + POD_H / 2.0),
                        );
                        bottom = py + POD_H / 2.0;
                    }
                    if shown > 0 {
                        b.line(
                            LineKind::Link,
                            (bridge_x, y + 90.0 + room),
                            (bridge_x, bottom),
                        );
                    }
                    if over {
                        let my = y + PODS_TOP + room + shown as f32 * POD_STEP;
                        let title = if all {
                            tr(SHOW_FEWER).to_string()
                        } else {
                            format!("+{}{}", pods.len() - shown, tr(MORE))
                        };
                        let m = b.block(
                            Kind::More,
                            id,
                            name.to_string(),
                            (x + 22.0, my, NODE_W - 30.0, PART_H),
                            title.clone(),
                            vec![],
                            [&title, tr(PODS_ON), name].concat(),
                        );
                        for d in pods.iter().skip(shown) {
                            b.l.hidden.insert(d.id.clone(), m);
                        }
                    }
                    row_h = row_h.max(h);
                }
            }
        }
        let last_x = MARGIN
            + (width - 2.0 * MARGIN - grid_w) / 2.0
            + (row.len() - 1) as f32 * (NODE_W + COL_GAP)
            + NODE_W
            - 24.0;
        let end = if r == 0 { width - MARGIN } else { last_x };
        b.line(LineKind::Bus, (MARGIN, bus), (end, bus));
        last_bus = bus;
        y += row_h + ROW_GAP;
    }
    if slots.is_empty() {
        b.line(LineKind::Bus, (MARGIN, bus0), (width - MARGIN, bus0));
    }
    if last_bus > bus0 {
        b.line(LineKind::Bus, (MARGIN, bus0), (MARGIN, last_bus));
    }

    // Static routes to nodes: to the node, or broken to its ghost.
    for (node, broken, from) in route_targets {
        if let Some(&to) = eth0s.get(node.as_str()) {
            let kind = if broken {
                LineKind::Broken
            } else {
                LineKind::Route
            };
            b.line(kind, from, to);
        }
    }

    // The legend of the path's colours, in rows that fit.
    let mut ly = if slots.is_empty() {
        bus0 + MARGIN
    } else {
        y - ROW_GAP + MARGIN
    } + 4.0;
    let per_row = (((width - 2.0 * MARGIN) / LEGEND_W) as usize).clamp(1, 4);
    for i in 0..4 {
        if i > 0 && i % per_row == 0 {
            ly += LINE + 6.0;
        }
        b.l.legend
            .push((MARGIN + (i % per_row) as f32 * LEGEND_W, ly + LINE / 2.0));
    }
    b.l.width = width;
    b.l.height = ly + LINE + MARGIN;
    b.l
}

struct RouteRow {
    text: String,
    tip: String,
    broken: bool,
    /// A static route's next-hop node.
    node: Option<String>,
    /// The routes the row stands for, as `ip route` prints them.
    cites: Vec<String>,
}

/// The VPC router's table as the engine built it, in short: pod CIDR
/// routes per node, static routes (a route to a node that is gone marked
/// broken), load balancer IPs, the `unreachable` private ranges that
/// decide drops, and the default route. Connected networks are the
/// box's own `eth0`/`ext0` lines.
fn router_rows(
    topo: &Topology,
    router: &crate::engine::topology::Device,
    s: &Scenario,
    lang: Lang,
) -> Vec<RouteRow> {
    let tr = |x: Text| x.get(lang);
    let node_of = |ip: Ipv4Addr| {
        topo.owner_of(ip)
            .map(|ix| topo.device(ix))
            .and_then(|d| match &d.kind {
                DeviceKind::Node { name } => Some(name.clone()),
                _ => None,
            })
    };
    let row = |text: String, tip: String, cites: Vec<String>| RouteRow {
        text,
        tip,
        broken: false,
        node: None,
        cites,
    };
    let (mut pod, mut stat, mut lb, mut unreach, mut default) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in &router.routes.routes {
        match (&r.kind, r.origin) {
            (RouteKind::Link, _) => {}
            (RouteKind::Unreachable, _) => unreach.push(r),
            (_, RouteOrigin::StaticRoute) => stat.push(r),
            (_, RouteOrigin::LoadBalancerIp) => lb.push(r),
            (RouteKind::Via(_), _) if r.dest.prefix_len() == 0 => default.push(r),
            (RouteKind::Via(_), RouteOrigin::NodePodCidr) => pod.push(r),
            _ => stat.push(r),
        }
    }
    let mut rows = Vec::new();
    // A group's first `shown` routes, then one row for the rest.
    let group = |rows: &mut Vec<RouteRow>,
                 rs: &[&Route],
                 shown: usize,
                 one: &dyn Fn(&Route) -> RouteRow,
                 rest: Text| {
        let listed = if rs.len() > shown {
            shown.saturating_sub(1).max(1)
        } else {
            rs.len()
        };
        for r in &rs[..listed] {
            rows.push(one(r));
        }
        if rs.len() > listed {
            let t = format!("+{}{}", rs.len() - listed, tr(rest));
            let cites = rs[listed..].iter().map(|r| r.to_string()).collect();
            rows.push(row(t.clone(), t, cites));
        }
    };
    group(
        &mut rows,
        &pod[..],
        POD_ROUTES_SHOWN,
        &|r| {
            let to = match r.kind {
                RouteKind::Via(gw) => node_of(gw).unwrap_or_else(|| gw.to_string()),
                _ => String::new(),
            };
            let t = format!("{} → {to}", r.dest);
            row(
                t.clone(),
                [tr(POD_CIDR_ROUTE), &t, ": ", &r.to_string()].concat(),
                vec![r.to_string()],
            )
        },
        POD_CIDRS,
    );
    group(
        &mut rows,
        &stat[..],
        STATIC_ROUTES_SHOWN,
        &|r| {
            let name = s
                .routes
                .iter()
                .find(|x| x.destination == r.dest)
                .map_or("", |x| x.name.as_str());
            let (text, broken, node, hop) = match &r.kind {
                RouteKind::ViaMissingNode(n) => (
                    format!("{} → {n}{}", r.dest, tr(GONE)),
                    true,
                    Some(n.clone()),
                    n.clone(),
                ),
                RouteKind::Via(gw) => {
                    let n = node_of(*gw);
                    let hop = n.clone().unwrap_or_else(|| gw.to_string());
                    (format!("{} → {hop}{}", r.dest, tr(STATIC)), false, n, hop)
                }
                _ => (r.to_string(), false, None, String::new()),
            };
            let tip = format!(
                "{}{name}: {}{}{hop}{}",
                tr(STATIC_ROUTE),
                r.dest,
                tr(VIA),
                if broken { tr(NO_NODE) } else { "" }
            );
            RouteRow {
                text,
                tip,
                broken,
                node,
                cites: vec![r.to_string()],
            }
        },
        STATIC_ROUTES,
    );
    group(
        &mut rows,
        &lb[..],
        LB_ROUTES_SHOWN,
        &|r| {
            let t = match r.kind {
                RouteKind::Via(gw) => format!("{} → LB {gw}", r.dest.addr()),
                _ => r.to_string(),
            };
            row(t, r.to_string(), vec![r.to_string()])
        },
        LB_ROUTES,
    );
    for r in unreach {
        let t = r.to_string();
        rows.push(row(
            t.clone(),
            [t.as_str(), tr(UNREACHABLE_TIP)].concat(),
            vec![t],
        ));
    }
    for r in default {
        rows.push(row(
            "default → internet".into(),
            [tr(DEFAULT_TIP), ": ", &r.to_string()].concat(),
            vec![r.to_string()],
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::{Request, World};
    use crate::linux::netfilter::{ConstChooser, Hook};
    use crate::model::{default_scenario, NextHop, Pod, Protocol};

    fn contains(a: &Block, o: &Block) -> bool {
        o.x >= a.x && o.y >= a.y && o.x + o.w <= a.x + a.w && o.y + o.h <= a.y + a.h
    }

    fn disjoint(a: &Block, o: &Block) -> bool {
        o.x >= a.x + a.w || a.x >= o.x + o.w || o.y >= a.y + a.h || a.y >= o.y + o.h
    }

    /// Boxes never overlap: any two are apart or one holds the other;
    /// everything lies inside the drawing.
    fn check_boxes(l: &Layout) {
        for (i, a) in l.blocks.iter().enumerate() {
            assert!(a.x >= 0.0 && a.y >= 0.0, "{a:?}");
            assert!(
                a.x + a.w <= l.width && a.y + a.h <= l.height,
                "{a:?} outside"
            );
            for o in &l.blocks[i + 1..] {
                assert!(
                    disjoint(a, o) || contains(a, o) || contains(o, a),
                    "{} {} overlaps {} {}",
                    a.device,
                    a.title,
                    o.device,
                    o.title
                );
            }
        }
        for n in &l.lines {
            for (x, y) in [(n.x1, n.y1), (n.x2, n.y2)] {
                assert!((0.0..=l.width).contains(&x) && (0.0..=l.height).contains(&y));
            }
        }
    }

    /// Every device of the topology is drawn once, or stands behind a
    /// "+N more" item; nothing else is drawn as a device.
    fn check_devices(t: &Topology, l: &Layout) {
        let mut n = 0;
        for (_, d) in t.devices() {
            let drawn = l
                .blocks
                .iter()
                .filter(|b| b.kind.is_device() && b.device == d.id)
                .count();
            assert_eq!(
                drawn + usize::from(l.hidden.contains_key(&d.id)),
                1,
                "{}",
                d.id
            );
            n += 1;
        }
        let devices = l.blocks.iter().filter(|b| b.kind.is_device()).count();
        assert_eq!(devices + l.hidden.len(), n);
    }

    fn big(nodes: u8, pods_per_node: u8) -> Scenario {
        let mut s = default_scenario();
        let node = s.nodes[0].clone();
        let pod = s.pods[0].clone();
        s.nodes.clear();
        s.pods.clear();
        for i in 1..=nodes {
            let mut n = node.clone();
            n.name = format!("node-{i}");
            n.pod_cidr = format!("10.0.{i}.0/24").parse().unwrap();
            n.internal_ip = Ipv4Addr::new(10, 100, 0, i + 1);
            for j in 0..pods_per_node {
                s.pods.push(Pod {
                    name: format!("web-{i}-{j}"),
                    node_name: Some(n.name.clone()),
                    ip: Some(Ipv4Addr::new(10, 0, i, j + 2)),
                    ..pod.clone()
                });
            }
            s.nodes.push(n);
        }
        s
    }

    #[test]
    fn pods_on_the_node_network_are_drawn_with_their_gateway() {
        let s = crate::model::load(include_str!("../../tests/data/clusters/eks-vpc-cni.yaml"))
            .unwrap()
            .scenario;
        let t = Topology::build(&s, &[]);
        let l = layout(&t, &s, &LayoutOptions::default());
        check_boxes(&l);
        check_devices(&t, &l);
        let titles: Vec<&str> = l
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Cbr0)
            .map(|b| b.title.as_str())
            .collect();
        assert_eq!(titles, ["cbr0 (169.254.1.1)"; 3]);
    }

    #[test]
    fn default_scenario_is_drawn_whole_and_apart() {
        let s = default_scenario();
        let t = Topology::build(&s, &["10.100.0.10".parse().unwrap()]);
        let l = layout(&t, &s, &LayoutOptions::default());
        check_boxes(&l);
        check_devices(&t, &l);
        // Three nodes side by side, each with its parts.
        let nodes: Vec<_> = l.blocks.iter().filter(|b| b.kind == Kind::Node).collect();
        assert_eq!(nodes.len(), 3);
        assert!(nodes.iter().all(|n| n.y == nodes[0].y));
        for k in [Kind::Eth0, Kind::Netfilter, Kind::Cbr0] {
            assert_eq!(l.blocks.iter().filter(|b| b.kind == k).count(), 3);
        }
        let cbr0 = l
            .blocks
            .iter()
            .find(|b| b.kind == Kind::Cbr0 && b.device == "node/node-1")
            .unwrap();
        assert_eq!(cbr0.title, "cbr0 10.0.1.1/24");
        let pod = l.block("pod/web-1").unwrap();
        assert_eq!(pod.text, ["10.0.2.2 app=web"]);
        assert!(l.block("host/10.100.0.10").is_some());
        assert_eq!(
            l,
            layout(&t, &s, &LayoutOptions::default()),
            "deterministic"
        );
    }

    #[test]
    fn anchors_exist_for_every_hop_of_a_trace() {
        let s = default_scenario();
        let mut w = World::new(s.clone());
        let req = Request::parse(&s, "pod/client", "svc/web", Protocol::Tcp).unwrap();
        let tr = w.trace(&req, &mut ConstChooser(true)).unwrap();
        assert!(tr.succeeded());
        let l = layout(w.topology(), w.scenario(), &LayoutOptions::default());
        let points: Vec<_> = tr
            .hops
            .iter()
            .map(|h| {
                l.anchor(&h.device, &h.at)
                    .unwrap_or_else(|| panic!("{} {}", h.device, h.at))
            })
            .collect();
        // The packet moves: client pod -> node-1's netfilter and eth0 -> router.
        assert_eq!(points[0], l.block("pod/client").unwrap().center());
        let eth0 = l.anchor("node/node-1", &Place::leaves("eth0")).unwrap();
        assert!(points.contains(&eth0));
        assert_ne!(
            eth0,
            l.anchor("node/node-1", &Place::Hook(Hook::Prerouting))
                .unwrap()
        );
        assert_ne!(
            eth0,
            l.anchor("node/node-1", &Place::arrives("cbr0")).unwrap()
        );
        let r = l.block("router/vpc").unwrap();
        assert_eq!(
            l.anchor("router/vpc", &Place::arrives("eth0")),
            Some((r.x + r.w / 2.0, r.y + r.h))
        );
        assert_eq!(l.anchor("nowhere", &Place::arrives("eth0")), None);
        // The trail runs from node-1 down its cable, along the bus, to the router.
        let trail = l.trail(tr.hops.iter().map(|h| (h.device.as_str(), &h.at)));
        assert!(trail.len() > points.len() / 2);
        let i = trail.iter().position(|p| *p == eth0).unwrap();
        let bus = l.lines.iter().find(|x| x.kind == LineKind::Bus).unwrap().y1;
        assert_eq!(trail[i + 2].1, bus);
        assert_eq!(trail[i + 3], (r.x + r.w / 2.0, bus));
        assert_eq!(trail[i + 4], (r.x + r.w / 2.0, r.y + r.h));
        assert!(trail.windows(2).all(|w| w[0] != w[1]));

        // From the internet, through a load balancer.
        let lb = model_load(
            crate::model::presets::PRESETS
                .iter()
                .find(|p| p.id == "load-balancer")
                .unwrap()
                .yaml,
        );
        let mut w = World::new(lb.clone());
        let req = Request::parse(&lb, "internet", "198.51.100.10:80", Protocol::Tcp).unwrap();
        let tr = w.trace(&req, &mut ConstChooser(true)).unwrap();
        let l = layout(w.topology(), w.scenario(), &LayoutOptions::default());
        check_boxes(&l);
        check_devices(w.topology(), &l);
        assert!(tr.hops.iter().any(|h| h.device.starts_with("lb/")));
        for h in &tr.hops {
            assert!(
                l.anchor(&h.device, &h.at).is_some(),
                "{} {}",
                h.device,
                h.at
            );
        }
        assert_eq!(l.block("lb/default/web").unwrap().pick, "198.51.100.10");
    }

    fn model_load(yaml: &str) -> Scenario {
        crate::model::load(yaml).unwrap().scenario
    }

    #[test]
    fn fifty_nodes_five_hundred_pods_stay_bounded() {
        let s = big(50, 10);
        let t = Topology::build(&s, &[]);
        let opts = LayoutOptions {
            collapse_from: 0,
            ..LayoutOptions::default()
        };
        let l = layout(&t, &s, &opts);
        check_boxes(&l);
        check_devices(&t, &l);
        assert!(l.width <= opts.max_width, "{}", l.width);
        // 4 columns, 13 rows of nodes showing 6 pods and "+4 more".
        assert!(l.height < 6000.0, "{}", l.height);
        assert_eq!(l.blocks.iter().filter(|b| b.kind == Kind::Pod).count(), 300);
        let more: Vec<_> = l.blocks.iter().filter(|b| b.kind == Kind::More).collect();
        assert_eq!(more.len(), 50);
        assert_eq!(more[0].title, "+4 more");
        assert_eq!(more[0].pick, "node-1");
        // A hidden pod is drawn at its node's "+N more".
        assert_eq!(
            l.anchor("pod/web-1-9", &Place::arrives("eth0")),
            Some(more[0].center())
        );
        // Between rows, a trail takes the trunk joining the buses.
        let t50 = l.trail([
            ("node/node-1", &Place::leaves("eth0")),
            ("node/node-50", &Place::arrives("eth0")),
        ]);
        assert_eq!(t50.len(), 8, "{t50:?}");
        assert_eq!(t50[3].0, MARGIN);
        assert_eq!(t50[4].0, MARGIN);
        assert_eq!(
            t50.last(),
            l.anchor("node/node-50", &Place::arrives("eth0")).as_ref()
        );
        // Rows of the router's table stay few: 3 pod CIDRs and "+47",
        // the unreachable private ranges, the default route.
        let rows: Vec<_> = l.blocks.iter().filter(|b| b.kind == Kind::Route).collect();
        assert_eq!(rows.len(), 8, "{rows:?}");
        assert_eq!(rows[3].title, "+47 pod CIDRs, one per node");
        assert_eq!(rows[3].cites.len(), 47);

        let mut opts = opts.clone();
        opts.expanded.insert("node-2".into());
        let e = layout(&t, &s, &opts);
        check_boxes(&e);
        check_devices(&t, &e);
        assert_eq!(e.blocks.iter().filter(|b| b.kind == Kind::Pod).count(), 304);
        assert!(e.block("pod/web-2-9").is_some());
        assert!(e
            .blocks
            .iter()
            .any(|b| b.kind == Kind::More && b.title == "show fewer"));
    }

    #[test]
    fn korean_titles_and_tips_keep_the_same_boxes() {
        let s = big(3, 9);
        let t = Topology::build(&s, &[]);
        let en = layout(&t, &s, &LayoutOptions::default());
        let ko_opts = LayoutOptions {
            lang: Lang::Ko,
            ..LayoutOptions::default()
        };
        let ko = layout(&t, &s, &ko_opts);
        check_boxes(&ko);
        check_devices(&t, &ko);
        assert_eq!(en.blocks.len(), ko.blocks.len());
        for (e, k) in en.blocks.iter().zip(&ko.blocks) {
            assert_eq!((e.kind, &e.device, &e.pick), (k.kind, &k.device, &k.pick));
        }
        let more = ko.blocks.iter().find(|b| b.kind == Kind::More).unwrap();
        assert_eq!(more.title, "+3개 더");
        assert!(more.tip.contains("파드"), "{}", more.tip);
        let node = ko.blocks.iter().find(|b| b.kind == Kind::Node).unwrap();
        assert!(node.tip.starts_with("노드 "), "{}", node.tip);
        let mut expanded = ko_opts.clone();
        expanded.expanded.insert("node-1".into());
        let l = layout(&t, &s, &expanded);
        assert!(l
            .blocks
            .iter()
            .any(|b| b.kind == Kind::More && b.title == "접기"));
    }

    #[test]
    fn small_widths_and_empty_clusters() {
        let s = big(0, 0);
        let t = Topology::build(&s, &[]);
        let l = layout(&t, &s, &LayoutOptions::default());
        check_boxes(&l);
        check_devices(&t, &l);
        let s = big(5, 2);
        let t = Topology::build(&s, &[]);
        let opts = LayoutOptions {
            max_width: 10.0,
            ..LayoutOptions::default()
        };
        let l = layout(&t, &s, &opts);
        check_boxes(&l);
        let xs: BTreeSet<i32> = l
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Node)
            .map(|b| b.x as i32)
            .collect();
        assert_eq!(xs.len(), 1, "one column");
    }

    #[test]
    fn removed_node_leaves_a_ghost_and_a_broken_route() {
        let p = crate::model::presets::PRESETS
            .iter()
            .find(|p| p.id == "static-route")
            .unwrap();
        let mut s = model_load(p.yaml);
        let target = match &s.routes[0].next_hop {
            NextHop::Node(n) => n.clone(),
            NextHop::Ip(_) => panic!("the story routes to a node"),
        };
        let t = Topology::build(&s, &[]);
        let l = layout(&t, &s, &LayoutOptions::default());
        assert!(l.lines.iter().any(|x| x.kind == LineKind::Route));
        assert!(l.blocks.iter().all(|b| !b.broken));

        let index = s.nodes.iter().position(|n| n.name == target).unwrap();
        let ip = s.nodes[index].internal_ip;
        let old_x = l.block(&format!("node/{target}")).unwrap().x;
        s.remove_node(&target).unwrap();
        let t = Topology::build(&s, &[]);
        let opts = LayoutOptions {
            ghosts: vec![GhostNode {
                name: target.clone(),
                internal_ip: ip,
                index,
            }],
            ..LayoutOptions::default()
        };
        let l = layout(&t, &s, &opts);
        check_boxes(&l);
        check_devices(&t, &l);
        let ghost = l.blocks.iter().find(|b| b.kind == Kind::Ghost).unwrap();
        assert_eq!(ghost.device, format!("node/{target}"));
        assert_eq!(ghost.x, old_x, "in its old place");
        assert_eq!(ghost.text[0], "terminated");
        assert!(l.blocks.iter().any(|b| b.kind == Kind::Route && b.broken));
        assert!(l.lines.iter().any(|x| x.kind == LineKind::Broken));
        assert!(!l.lines.iter().any(|x| x.kind == LineKind::Route));
        // A ghost of a node that exists again is not drawn.
        let s2 = default_scenario();
        let t2 = Topology::build(&s2, &[]);
        let l2 = layout(&t2, &s2, &opts);
        assert!(l2.blocks.iter().all(|b| b.kind != Kind::Ghost));
    }

    #[test]
    fn router_rows_come_from_the_engine_s_table_and_cite_its_routes() {
        let s = default_scenario();
        let t = Topology::build(&s, &[]);
        let l = layout(&t, &s, &LayoutOptions::default());
        let rows: Vec<&Block> = l.blocks.iter().filter(|b| b.kind == Kind::Route).collect();
        let titles: Vec<&str> = rows.iter().map(|b| b.title.as_str()).collect();
        assert!(titles.contains(&"unreachable 10.0.0.0/8"), "{titles:?}");
        assert!(titles.contains(&"default → internet"), "{titles:?}");
        assert!(titles.contains(&"10.0.1.0/24 → node-1"), "{titles:?}");
        // Every row cites routes of the router's table, as ip route prints them.
        let router = t.device_by_id("router/vpc").unwrap();
        let table: Vec<String> = router.routes.routes.iter().map(|r| r.to_string()).collect();
        for r in &rows {
            assert!(!r.cites.is_empty(), "{}", r.title);
            assert!(r.cites.iter().all(|c| table.contains(c)), "{:?}", r.cites);
        }
        assert_eq!(l.rows_citing("unreachable 10.0.0.0/8").count(), 1);
        // The router's box holds its rows; the Service network is labelled.
        let rb = l.block("router/vpc").unwrap();
        assert!(rows.iter().all(|r| contains(rb, r)));
        let net = l.blocks.iter().find(|b| b.kind == Kind::Net).unwrap();
        assert_eq!(
            net.title,
            format!("Service network {}", s.cluster.service_cidr)
        );
        assert_eq!(net.title, "Service network 10.3.240.0/20");
        check_boxes(&l);
        assert_eq!(l.legend.len(), 4);
        assert!(l.legend.iter().all(|&(x, y)| x < l.width && y < l.height));
    }

    #[test]
    fn a_route_to_a_removed_node_is_a_broken_row() {
        let p = crate::model::presets::PRESETS
            .iter()
            .find(|p| p.id == "node-removed")
            .unwrap();
        let s = model_load(p.yaml);
        let t = Topology::build(&s, &[]);
        let l = layout(&t, &s, &LayoutOptions::default());
        let broken: Vec<_> = l
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Route && b.broken)
            .collect();
        if s.routes.iter().any(|r| match &r.next_hop {
            NextHop::Node(n) => s.node(n).is_none(),
            NextHop::Ip(_) => false,
        }) {
            assert_eq!(broken.len(), 1, "{:?}", l.blocks);
            assert!(broken[0].title.contains("✗"), "{}", broken[0].title);
            assert!(broken[0].cites[0].contains("(no such node)"));
        }
    }

    #[test]
    fn at_large_sizes_runs_of_collapsed_nodes_are_one_box_each() {
        let s = big(200, 2);
        let t = Topology::build(&s, &[]);
        let mut opts = LayoutOptions::default();
        opts.on_path.insert("node-1".into());
        opts.on_path.insert("node-150".into());
        opts.expanded.insert("node-60".into());
        let l = layout(&t, &s, &opts);
        check_boxes(&l);
        check_devices(&t, &l);
        let full: Vec<&str> = l
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Node)
            .map(|b| b.device.as_str())
            .collect();
        assert_eq!(full, ["node/node-1", "node/node-60", "node/node-150"]);
        let groups: Vec<&Block> = l.blocks.iter().filter(|b| b.kind == Kind::Group).collect();
        // Runs between the drawn nodes, at most GROUP_MIN nodes each at
        // this width: 2-59 (58), 61-149 (89), 151-200 (50).
        assert_eq!(groups.len(), 3 + 4 + 2, "{groups:?}");
        assert!(l.blocks.iter().all(|b| b.kind != Kind::Compact));
        assert_eq!(l.grouped, 197);
        assert_eq!(groups[0].title, "node-2 … node-26");
        assert_eq!(groups[0].text, ["25 nodes · 50 pods"]);
        assert!(groups[0].tip.contains("grouped"), "{}", groups[0].tip);
        // Its nodes and their pods are anchored at the box.
        assert_eq!(
            l.anchor("node/node-3", &Place::arrives("eth0")),
            Some(groups[0].center())
        );
        assert_eq!(
            l.anchor("pod/web-3-1", &Place::arrives("eth0")),
            Some(groups[0].center())
        );
        // Far fewer boxes than nodes: the drawing stays small.
        assert!(l.blocks.len() < 120, "{}", l.blocks.len());
        let ko = layout(
            &t,
            &s,
            &LayoutOptions {
                lang: Lang::Ko,
                ..opts.clone()
            },
        );
        let g = ko.blocks.iter().find(|b| b.kind == Kind::Group).unwrap();
        assert_eq!(g.text, ["25개 노드 · 50개 파드"]);
        // Below GROUP_FROM, or with grouping off, nodes are compact boxes.
        for (s, group_from) in [(big(99, 2), GROUP_FROM), (big(200, 2), 0)] {
            let t = Topology::build(&s, &[]);
            let l = layout(
                &t,
                &s,
                &LayoutOptions {
                    group_from,
                    ..opts.clone()
                },
            );
            check_devices(&t, &l);
            assert!(l.blocks.iter().all(|b| b.kind != Kind::Group));
            assert_eq!(l.grouped, 0);
        }
    }

    #[test]
    fn twenty_nodes_collapse_off_the_path_and_open_on_demand() {
        let s = big(20, 3);
        let t = Topology::build(&s, &[]);
        let mut opts = LayoutOptions::default();
        opts.on_path.insert("node-1".into());
        opts.on_path.insert("node-7".into());
        let l = layout(&t, &s, &opts);
        check_boxes(&l);
        check_devices(&t, &l);
        let full: Vec<_> = l.blocks.iter().filter(|b| b.kind == Kind::Node).collect();
        let compact: Vec<_> = l
            .blocks
            .iter()
            .filter(|b| b.kind == Kind::Compact)
            .collect();
        assert_eq!(full.len(), 2);
        assert_eq!(compact.len(), 18);
        assert!(compact.iter().all(|c| c.h < full[0].h / 2.0));
        // A collapsed node's pods stand behind its "+ show" item, which
        // opens it; opened, it can be closed again.
        let more = l
            .blocks
            .iter()
            .find(|b| b.kind == Kind::More && b.device == "node/node-2")
            .unwrap();
        assert_eq!(more.title, "+ show 3 pods");
        assert_eq!(more.pick, "node-2");
        assert_eq!(
            l.anchor("pod/web-2-0", &Place::arrives("eth0")),
            Some(more.center())
        );
        assert!(l.anchor("node/node-2", &Place::arrives("eth0")).is_some());
        opts.expanded.insert("node-2".into());
        let e = layout(&t, &s, &opts);
        check_boxes(&e);
        check_devices(&t, &e);
        assert!(e.block("pod/web-2-0").is_some());
        assert!(e
            .blocks
            .iter()
            .any(|b| b.kind == Kind::More && b.device == "node/node-2" && b.title == "show fewer"));
        // Below 20 nodes nothing collapses.
        let s = big(19, 3);
        let t = Topology::build(&s, &[]);
        let l = layout(&t, &s, &LayoutOptions::default());
        assert!(l.blocks.iter().all(|b| b.kind != Kind::Compact));
        // Collapsed, 20 nodes take far less height than drawn whole.
        let s = big(20, 3);
        let t = Topology::build(&s, &[]);
        let whole = layout(
            &t,
            &s,
            &LayoutOptions {
                collapse_from: 0,
                ..LayoutOptions::default()
            },
        );
        let small = layout(&t, &s, &LayoutOptions::default());
        assert!(
            small.height < whole.height * 0.6,
            "{} {}",
            small.height,
            whole.height
        );
    }

    #[test]
    fn callout_room_goes_between_netfilter_and_the_bridge() {
        let s = default_scenario();
        let t = Topology::build(&s, &[]);
        let mut opts = LayoutOptions::default();
        let plain = layout(&t, &s, &opts);
        opts.room.insert("node/node-1".into(), 2);
        let l = layout(&t, &s, &opts);
        check_boxes(&l);
        let (x, y, w, h) = l.band("node/node-1").unwrap();
        assert!(l.band("node/node-2").is_none());
        let part = |l: &Layout, k| {
            l.blocks
                .iter()
                .find(|b| b.kind == k && b.device == "node/node-1")
                .unwrap()
                .clone()
        };
        let nf = part(&l, Kind::Netfilter);
        let cbr0 = part(&l, Kind::Cbr0);
        assert!(
            y >= nf.y + nf.h && y + h <= cbr0.y,
            "{y} {h} {nf:?} {cbr0:?}"
        );
        assert!(x >= nf.x && x + w <= nf.x + nf.w);
        assert!(h >= 2.0 * (3.0 * LINE + PAD));
        assert!(l.block("node/node-1").unwrap().h > plain.block("node/node-1").unwrap().h);
    }
}
