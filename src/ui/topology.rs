//! The topology drawing: the [`Layout`] as SVG, with the packet of the
//! current trace step, its trail coloured by the trace's outcome, and the
//! story told on the drawing ([`super::story`]: NAT callouts, the decision
//! at each device, a ✗ where the request stopped, the route that decided
//! highlighted in the router's table). Colours come from the stylesheet
//! (`static/style.css`, the `topology` section); this only sets classes.
//!
//! [`TopologyView`] is pure: data in, one `<svg>` out (no DOM access, so
//! it also renders on a server to a standalone SVG). [`ZoomView`] wraps it
//! in the page's zoom and pan controls, which change only the SVG's
//! `viewBox` (an attribute: no inline style under the CSP).

use super::i18n::{t, use_lang, Lang, Text};
use super::layout::{Block, Kind, Layout, LINE, PAD};
use super::story::{self, Outcome, Story};
use crate::engine::trace::{Leg, Place, Trace};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// A view box: x, y, width, height in SVG user units.
pub type ViewBox = (f32, f32, f32, f32);

#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    pub layout: Rc<Layout>,
    /// The trace shown on the drawing, up to hop `step` (`step` hops
    /// reached). With a trace, the trail, the packet and the story are
    /// computed here and `path`/`packet`/`reply` are not used.
    #[prop_or_default]
    pub trace: Option<Rc<Trace>>,
    #[prop_or_default]
    pub step: usize,
    /// Without a trace: points visited so far ([`Layout::trail`]).
    #[prop_or_default]
    pub path: Vec<(f32, f32)>,
    /// Without a trace: where the packet is now.
    #[prop_or_default]
    pub packet: Option<(f32, f32)>,
    /// Without a trace: the packet is on the reply leg.
    #[prop_or_default]
    pub reply: bool,
    #[prop_or_default]
    pub selected_node: Option<String>,
    /// Device ids to emphasise (source, destination).
    #[prop_or_default]
    pub highlight: Vec<String>,
    /// A box was clicked: its [`Block::pick`] (`pod/client`,
    /// `node/node-1`, `internet`, an IP).
    #[prop_or_default]
    pub onpick: Callback<String>,
    /// A node's "+N more" / "show fewer" was clicked: the node's name.
    #[prop_or_default]
    pub ontoggle: Callback<String>,
    /// The part of the drawing shown (`None`: all of it).
    #[prop_or_default]
    pub view: Option<ViewBox>,
    /// The element's size in CSS pixels (`None`: one pixel per unit).
    #[prop_or_default]
    pub size: Option<(f32, f32)>,
}

/// A coordinate as SVG text (the layout's are whole numbers).
fn n(v: f32) -> AttrValue {
    AttrValue::from((v.round() as i32).to_string())
}

fn points(p: &[(f32, f32)]) -> String {
    p.iter()
        .map(|&(x, y)| format!("{},{}", x as i32, y as i32))
        .collect::<Vec<_>>()
        .join(" ")
}

const CALLOUT: Text = t("Address change at ", "주소 변환 위치: ");
const MARKER: Text = t("The request stopped here: ", "요청이 여기서 멈췄습니다: ");
const LEGEND: Text = t("Path colours", "경로 색");

/// The trail, the packet and the story at a step of a trace.
struct Scene {
    request: Vec<(f32, f32)>,
    reply: Vec<(f32, f32)>,
    packet: Option<(f32, f32)>,
    on_reply: bool,
    class: &'static str,
}

fn scene(l: &Layout, tr: &Trace, st: &Story, step: usize) -> Scene {
    let shown = &tr.hops[..step.min(tr.hops.len())];
    let split = shown
        .iter()
        .position(|h| h.leg == Leg::Reply)
        .unwrap_or(shown.len());
    fn hop(h: &crate::engine::trace::Hop) -> (&str, &Place) {
        (h.device.as_str(), &h.at)
    }
    let request = l.trail(shown[..split].iter().map(hop));
    // The answer's trail starts where the request's ended.
    let reply = if split < shown.len() {
        l.trail(shown[split.saturating_sub(1)..].iter().map(hop))
    } else {
        Vec::new()
    };
    let on_reply = split < shown.len();
    let packet = if on_reply {
        reply.last().copied()
    } else {
        request.last().copied()
    };
    Scene {
        request,
        reply,
        packet,
        on_reply,
        class: st.path_class(step, on_reply),
    }
}

/// The drawing as one `<svg>`.
#[function_component(TopologyView)]
pub fn topology_view(p: &TopologyProps) -> Html {
    let l = &p.layout;
    let lang = use_lang();
    let story = use_memo(
        (p.layout.clone(), p.trace.clone(), lang),
        |(l, tr, lang)| tr.as_ref().map(|tr| story::story(l, tr, *lang)),
    );
    let step = p.step;
    let (view, size) = match (p.view, p.size) {
        (Some(v), Some(s)) => (v, s),
        _ => ((0.0, 0.0, l.width, l.height), (l.width, l.height)),
    };
    // Whole units when fitted (the layout's are whole), tenths when zoomed.
    let vb = [view.0, view.1, view.2.max(1.0), view.3.max(1.0)]
        .map(|v| {
            let t = (v * 10.0).round() / 10.0;
            if t.fract() == 0.0 {
                (t as i32).to_string()
            } else {
                format!("{t:.1}")
            }
        })
        .join(" ");

    let (trails, packet, cited) = match (&p.trace, story.as_ref()) {
        (Some(tr), Some(st)) => {
            let sc = scene(l, tr, st, step);
            let leg = |pts: &[(f32, f32)], leg: &'static str| {
                (pts.len() > 1).then(|| {
                    html! { <polyline class={classes!("trail", leg, sc.class)} points={points(pts)} /> }
                })
            };
            let trails = html! { <>{ for leg(&sc.request, "leg-request") }{ for leg(&sc.reply, "leg-reply") }</> };
            let reply = if sc.on_reply { "reply" } else { "request" };
            let packet = sc.packet.map(|(x, y)| {
                html! {
                    <g class={classes!("packet", reply, sc.class)} transform={format!("translate({} {})", x as i32, y as i32)}>
                        <circle r="7" />
                    </g>
                }
            });
            // The routes that decided at routers, as far as reached.
            let cited: Vec<String> = tr.hops[..step.min(tr.hops.len())]
                .iter()
                .filter(|h| h.at == Place::Routing)
                .filter_map(|h| h.decision.tool())
                .filter(|d| l.rows_citing(d).next().is_some())
                .map(str::to_string)
                .collect();
            (trails, packet, cited)
        }
        _ => {
            let class = if p.reply { "reply" } else { "request" };
            let trail = (p.path.len() > 1).then(|| {
                html! { <polyline class={classes!("trail", class)} points={points(&p.path)} /> }
            });
            let packet = p.packet.map(|(x, y)| {
                html! {
                    <g class={classes!("packet", class)} transform={format!("translate({} {})", x as i32, y as i32)}>
                        <circle r="7" />
                    </g>
                }
            });
            (html! { <>{ for trail }</> }, packet, Vec::new())
        }
    };

    let told = story.as_ref().as_ref().map(|st| {
        // Leaders first, so that no box is crossed by another's leader.
        let leaders = st.callouts_at(step).map(|c| {
            let (ax, ay) = c.anchor;
            html! {
                <line class={classes!("leader", c.class)} x1={n(ax)} y1={n(ay)} x2={n(c.x + c.w / 2.0)} y2={n(c.y)} />
            }
        });
        let callouts = st.callouts_at(step).map(|c| {
            html! {
                <g class={classes!("callout", c.class)} aria-label={format!("{}{}: {}, {}", CALLOUT.get(lang), c.device, c.text, c.by)}>
                    <rect x={n(c.x)} y={n(c.y)} width={n(c.w)} height={n(story::CALLOUT_H)} rx="4" />
                    <text class="c1" x={n(c.x + PAD)} y={n(c.y + LINE)}>{ c.lines[0].clone() }</text>
                    <text class="c1" x={n(c.x + PAD)} y={n(c.y + 2.0 * LINE)}>{ c.lines[1].clone() }</text>
                    <text class="c2" x={n(c.x + PAD)} y={n(c.y + 3.0 * LINE)}>{ c.by.clone() }</text>
                </g>
            }
        });
        let words = st.words_at(step).into_iter().map(|w| {
            // Hangul is about as wide as the font is high.
            let wd = w
                .text
                .chars()
                .map(|c| if c >= '\u{1100}' { 11.0 } else { 6.4 })
                .sum::<f32>()
                + 8.0;
            html! {
                <g class={classes!("word", w.class)} data-word-device={w.device.clone()}>
                    <rect x={n(w.x - wd + 4.0)} y={n(w.y - LINE + 2.0)} width={n(wd)} height={n(LINE + 2.0)} rx="7" />
                    <text x={n(w.x)} y={n(w.y)} text-anchor="end">{ w.text.clone() }</text>
                </g>
            }
        });
        let marker = st.marker_at(step).map(|m| {
            let (x, y) = m.at;
            html! {
                <g class={classes!("marker", m.outcome.class())} transform={format!("translate({} {})", x as i32, y as i32)}
                    role="img" aria-label={format!("{}{}", MARKER.get(lang), m.outcome.label().get(lang))}>
                    <circle r="11" />
                    <text text-anchor="middle" y="5">{ "✗" }</text>
                </g>
            }
        });
        html! { <g class="story">{ for words }{ for leaders }{ for callouts }{ for marker }</g> }
    });

    // The legend explains a path's colours: only once there is a path.
    let legend = (!l.legend.is_empty() && (p.trace.is_some() || !p.path.is_empty())).then(|| {
        let items = Outcome::ALL.iter().zip(&l.legend).map(|(o, &(x, y))| {
            html! {
                <g class={classes!("entry", o.class())}>
                    <line class={classes!("trail", o.class())} x1={n(x)} y1={n(y)} x2={n(x + 28.0)} y2={n(y)} />
                    <text x={n(x + 34.0)} y={n(y + 4.0)}>{ o.label().get(lang) }</text>
                </g>
            }
        });
        html! { <g class="legend" role="group" aria-label={LEGEND.get(lang)}>{ for items }</g> }
    });

    html! {
        <svg class="topology" xmlns="http://www.w3.org/2000/svg" viewBox={vb}
            width={n(size.0)} height={n(size.1)}
            role="group" aria-label={label(l, lang)}>
            <Drawing layout={p.layout.clone()} selected_node={p.selected_node.clone()}
                highlight={p.highlight.clone()} onpick={p.onpick.clone()} ontoggle={p.ontoggle.clone()} {cited} />
            { legend }
            { trails }
            { for told }
            { for packet }
        </svg>
    }
}

const DRAWING: Text = t(
    "Network drawing: internet, VPC router; load balancers: ",
    "네트워크 그림: 인터넷, VPC 라우터; 로드 밸런서: ",
);
const NODES: Text = t("; nodes: ", "; 노드: ");
const PODS: Text = t("; pods shown: ", "; 표시된 파드: ");

fn label(l: &Layout, lang: Lang) -> String {
    let count = |k| l.blocks.iter().filter(|b| b.kind == k).count();
    [
        DRAWING.get(lang),
        &count(Kind::Lb).to_string(),
        NODES.get(lang),
        &(count(Kind::Node) + count(Kind::Compact) + l.grouped).to_string(),
        PODS.get(lang),
        &count(Kind::Pod).to_string(),
    ]
    .concat()
}

#[derive(Properties, PartialEq)]
struct DrawingProps {
    layout: Rc<Layout>,
    selected_node: Option<String>,
    highlight: Vec<String>,
    onpick: Callback<String>,
    ontoggle: Callback<String>,
    /// Routes a trace's routing decision named so far.
    cited: Vec<String>,
}

/// Everything but the trace: re-rendered only when the drawing, the
/// selection, the emphasis or the cited routes change, not at every step.
#[function_component(Drawing)]
fn drawing(p: &DrawingProps) -> Html {
    let l = &p.layout;
    let selected = p
        .selected_node
        .as_deref()
        .map(crate::engine::topology::node_id);
    // Each box keyed by what it shows (kind, device, title): after an edit
    // yew keeps the boxes that stayed and only adds or removes the others,
    // instead of rewriting every box after a removed node.
    let mut seen: Vec<String> = Vec::with_capacity(l.blocks.len());
    let blocks = l.blocks.iter().map(|b| {
        let mut key = [b.kind.class(), &b.device, &b.title].join("\u{1}");
        while seen.contains(&key) {
            key.push('+');
        }
        seen.push(key.clone());
        block(b, p, selected.as_deref(), key)
    });
    // Boxes, lines and notes each in an element of their own, always the
    // same three: html! puts `{ for … }` items among the element's other
    // children, and yew diffs a list with any unkeyed item by position,
    // counted from its end, so a node's lines going would have shifted
    // every box onto another's place and replaced them all (a removal
    // rewrote the whole drawing). The boxes' list is keyed throughout.
    html! {
        <g class="drawing">
            <g class="boxes">{ for blocks }</g>
            <g class="lines">{ for l.lines.iter().map(|x| html! {
                <line class={x.kind.class()} x1={n(x.x1)} y1={n(x.y1)} x2={n(x.x2)} y2={n(x.y2)} />
            }) }</g>
            <g class="notes">{ for l.notes.iter().map(|t| html! {
                <text class="note" x={n(t.x)} y={n(t.y)}>{ t.text.clone() }</text>
            }) }</g>
        </g>
    }
}

fn block(b: &Block, p: &DrawingProps, selected: Option<&str>, key: String) -> Html {
    let whole = b.kind.is_device();
    let cited = b.kind == Kind::Route && b.cites.iter().any(|c| p.cited.contains(c));
    let class = classes!(
        b.kind.class(),
        b.broken.then_some("broken"),
        cited.then_some("cited"),
        (matches!(b.kind, Kind::Node | Kind::Compact) && selected == Some(b.device.as_str()))
            .then_some("selected"),
        (whole && p.highlight.contains(&b.device)).then_some("hl"),
        (!b.pick.is_empty()).then_some("pick"),
    );
    let radius = match b.kind {
        Kind::Internet => "22",
        Kind::Node | Kind::Ghost | Kind::Compact | Kind::Group | Kind::Net => "8",
        Kind::Pod | Kind::Lb | Kind::Router | Kind::Host => "5",
        _ => "3",
    };
    let rect = html! {
        <rect x={n(b.x)} y={n(b.y)} width={n(b.w)} height={n(b.h)} rx={radius} />
    };
    let tx = n(b.x + PAD);
    let title =
        html! { <text class="t" x={tx.clone()} y={n(b.y + LINE)}>{ b.title.clone() }</text> };
    let text = b.text.iter().enumerate().map(|(i, t)| {
        html! { <text class="s" x={tx.clone()} y={n(b.y + LINE * (i as f32 + 2.0) + 1.0)}>{ t.clone() }</text> }
    });
    let tip = (!b.tip.is_empty()).then(|| html! { <title>{ b.tip.clone() }</title> });
    let device = (whole || b.kind == Kind::Ghost).then(|| AttrValue::from(b.device.clone()));
    if b.pick.is_empty() {
        return html! {
            <g {key} class={class} data-device={device}>{ tip }{ rect }{ title }{ for text }</g>
        };
    }
    let cb = if b.kind == Kind::More {
        p.ontoggle.clone()
    } else {
        p.onpick.clone()
    };
    let (pick, cb2, pick2) = (b.pick.clone(), cb.clone(), b.pick.clone());
    let onclick = Callback::from(move |_: MouseEvent| cb.emit(pick.clone()));
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        let k = e.key();
        if k == "Enter" || k == " " {
            e.prevent_default();
            cb2.emit(pick2.clone());
        }
    });
    let expanded = (b.kind == Kind::More).then_some(if b.title.starts_with('+') {
        "false"
    } else {
        "true"
    });
    html! {
        <g {key} class={class} data-device={device} role="button" tabindex="0"
            aria-label={b.tip.clone()} aria-expanded={expanded} {onclick} {onkeydown}>
            { tip }{ rect }{ title }{ for text }
        </g>
    }
}

/// The smallest scale the drawing is fitted at: text of 11 units stays
/// at 9.35 px or more (rows wrap to fit the width instead).
pub const MIN_SCALE: f32 = 0.85;
/// Zoom limits.
const MIN_ZOOM: f32 = 0.15;
const MAX_ZOOM: f32 = 4.0;
/// The drawing's layout width is at least this (two node columns): a
/// phone pans sideways rather than stacking every node.
pub const MIN_LAYOUT_W: f32 = 480.0;

/// What the zoom controls act on: the drawing's size, the element's,
/// and the view (`None`: fitted).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Geo {
    /// The layout's size.
    pub lw: f32,
    pub lh: f32,
    /// The element's width and its greatest height, in CSS pixels.
    pub w: f32,
    pub max_h: f32,
    pub view: Option<ViewBox>,
    /// Fitted whole into the element, whose size the page sets (the
    /// SVG's `preserveAspectRatio` centres it): an embed's compact view.
    pub contain: bool,
}

impl Geo {
    /// The fitted scale: the whole width if that keeps text legible.
    pub fn fit_scale(&self) -> f32 {
        (self.w / self.lw.max(1.0)).clamp(MIN_SCALE, 1.0)
    }

    /// The element's height.
    pub fn h(&self) -> f32 {
        (self.lh * self.fit_scale()).min(self.max_h).max(120.0)
    }

    /// The fitted view: from the top, the whole width (centred when
    /// narrower than the element) or as much as fits at [`MIN_SCALE`].
    pub fn fitted(&self) -> ViewBox {
        if self.contain {
            return (0.0, 0.0, self.lw, self.lh);
        }
        let s = self.fit_scale();
        let (vw, vh) = (self.w / s, self.h() / s);
        let x = if vw > self.lw {
            -(vw - self.lw) / 2.0
        } else {
            0.0
        };
        (x, 0.0, vw, vh)
    }

    pub fn current(&self) -> ViewBox {
        self.view.unwrap_or_else(|| self.fitted())
    }

    /// Pixels per unit now.
    pub fn scale(&self) -> f32 {
        self.w / self.current().2.max(1.0)
    }

    /// Zooms by `f` around the element point (`px`, `py`).
    pub fn zoom(&mut self, f: f32, px: f32, py: f32) {
        let (x, y, vw, vh) = self.current();
        let s = (self.scale() * f).clamp(MIN_ZOOM, MAX_ZOOM);
        let (nw, nh) = (self.w / s, self.h() / s);
        let (fx, fy) = (px / self.w.max(1.0), py / self.h().max(1.0));
        let v = (x + fx * vw - fx * nw, y + fy * vh - fy * nh, nw, nh);
        self.view = Some(self.clamped(v));
    }

    /// Moves the view by (`dx`, `dy`) CSS pixels of the element.
    pub fn pan(&mut self, dx: f32, dy: f32) {
        let (x, y, vw, vh) = self.current();
        let s = self.scale();
        self.view = Some(self.clamped((x - dx / s, y - dy / s, vw, vh)));
    }

    /// Keeps part of the drawing in view.
    fn clamped(&self, (x, y, vw, vh): ViewBox) -> ViewBox {
        let keep = 40.0;
        (
            x.clamp(-vw + keep, self.lw - keep),
            y.clamp(-vh + keep, self.lh - keep),
            vw,
            vh,
        )
    }

    /// Which sides hide part of the drawing: (left, right, up, down).
    pub fn hidden(&self) -> (bool, bool, bool, bool) {
        let (x, y, vw, vh) = self.current();
        (
            x > 1.0,
            x + vw < self.lw - 1.0,
            y > 1.0,
            y + vh < self.lh - 1.0,
        )
    }
}

#[derive(Properties, PartialEq)]
pub struct ZoomProps {
    pub layout: Rc<Layout>,
    #[prop_or_default]
    pub trace: Option<Rc<Trace>>,
    #[prop_or_default]
    pub step: usize,
    #[prop_or_default]
    pub selected_node: Option<String>,
    #[prop_or_default]
    pub highlight: Vec<String>,
    #[prop_or_default]
    pub onpick: Callback<String>,
    #[prop_or_default]
    pub ontoggle: Callback<String>,
    /// The drawing's width in CSS pixels, measured (for the layout to
    /// wrap its rows to it).
    #[prop_or_default]
    pub onwidth: Callback<f32>,
    /// Fit the whole drawing into the element (see [`Geo::contain`]).
    #[prop_or_default]
    pub contain: bool,
}

const ZOOM_IN: Text = t("Zoom in (+)", "확대 (+)");
const ZOOM_OUT: Text = t("Zoom out (−)", "축소 (−)");
const FIT: Text = t("Fit to width (0)", "너비에 맞춤 (0)");
const FIT_SHORT: Text = t("Fit", "맞춤");
const ZOOM: Text = t("Zoom", "확대/축소");
const FRAME: Text = t(
    "Network drawing: drag to pan, Ctrl+wheel or pinch to zoom; keys + − 0 and arrows",
    "네트워크 그림: 끌어서 이동, Ctrl+휠이나 두 손가락으로 확대/축소; 키 + − 0, 화살표",
);
const CUE: Text = t("drag sideways to see more ⇆", "옆으로 끌어 더 보기 ⇆");

/// The drawing with zoom and pan: buttons (+, −, fit), Ctrl+wheel (and
/// a trackpad's pinch, which browsers send as Ctrl+wheel) zooms at the
/// pointer while a plain wheel scrolls the page (a sideways wheel pans),
/// dragging pans, two fingers pinch, and with the drawing focused + − 0
/// and the arrows. Only the SVG's `viewBox` changes.
#[function_component(ZoomView)]
pub fn zoom_view(p: &ZoomProps) -> Html {
    let lang = use_lang();
    let frame = use_node_ref();
    let geo = use_mut_ref(Geo::default);
    let redraw = use_force_update();
    let width = use_state(|| 0.0f32);
    let pointers: Rc<RefCell<Vec<(i32, f32, f32)>>> = use_mut_ref(Vec::new);
    let dragging = use_mut_ref(|| false);

    // Measure the frame, now and when the window changes size.
    {
        let frame = frame.clone();
        let width = width.clone();
        let onwidth = p.onwidth.clone();
        use_effect_with((), move |_| {
            let measure = move || {
                if let Some(el) = frame.cast::<web_sys::Element>() {
                    let w = el.client_width() as f32;
                    if w > 0.0 {
                        width.set(w);
                        onwidth.emit(w);
                    }
                }
            };
            measure();
            let listener = web_sys::window()
                .map(|w| gloo::events::EventListener::new(&w, "resize", move |_| measure()));
            move || drop(listener)
        });
    }
    let max_h = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .map_or(600.0, |h| (h as f32 * 0.72).max(260.0));
    {
        let mut g = geo.borrow_mut();
        let changed = g.lw != p.layout.width || g.lh != p.layout.height || g.w != *width;
        g.lw = p.layout.width;
        g.lh = p.layout.height;
        g.w = if *width > 0.0 { *width } else { p.layout.width };
        g.max_h = max_h;
        g.contain = p.contain;
        if changed && g.view.is_some_and(|v| v.2 > g.lw * 4.0) {
            g.view = None;
        }
    }

    // Ctrl+wheel zooms; a sideways wheel pans (listened to directly: it
    // must be able to prevent the page's own zoom and scroll).
    {
        let frame = frame.clone();
        let geo = geo.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            let listener = frame.cast::<web_sys::Element>().map(|el| {
                let target = el.clone();
                gloo::events::EventListener::new_with_options(
                    &el,
                    "wheel",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        use wasm_bindgen::JsCast;
                        let Some(e) = e.dyn_ref::<web_sys::WheelEvent>() else {
                            return;
                        };
                        let r = target.get_bounding_client_rect();
                        let (px, py) = (
                            e.client_x() as f32 - r.left() as f32,
                            e.client_y() as f32 - r.top() as f32,
                        );
                        if e.ctrl_key() || e.meta_key() {
                            e.prevent_default();
                            let f = (-(e.delta_y() as f32) * 0.002).exp();
                            geo.borrow_mut().zoom(f, px, py);
                            redraw.force_update();
                        } else if e.delta_x().abs() > e.delta_y().abs() {
                            e.prevent_default();
                            geo.borrow_mut().pan(-(e.delta_x() as f32), 0.0);
                            redraw.force_update();
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    let act = |f: fn(&mut Geo)| {
        let geo = geo.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            f(&mut geo.borrow_mut());
            redraw.force_update();
        })
    };
    let zoom_in = act(|g| {
        let (w, h) = (g.w, g.h());
        g.zoom(1.25, w / 2.0, h / 2.0)
    });
    let zoom_out = act(|g| {
        let (w, h) = (g.w, g.h());
        g.zoom(0.8, w / 2.0, h / 2.0)
    });
    let fit = act(|g| g.view = None);

    let onkeydown = {
        let geo = geo.clone();
        let redraw = redraw.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Keys on a box (Enter/Space pick it) are the box's.
            let mut g = geo.borrow_mut();
            let (w, h) = (g.w, g.h());
            match e.key().as_str() {
                "+" | "=" => g.zoom(1.25, w / 2.0, h / 2.0),
                "-" | "_" => g.zoom(0.8, w / 2.0, h / 2.0),
                "0" => g.view = None,
                "ArrowLeft" => g.pan(60.0, 0.0),
                "ArrowRight" => g.pan(-60.0, 0.0),
                "ArrowUp" => g.pan(0.0, 60.0),
                "ArrowDown" => g.pan(0.0, -60.0),
                _ => return,
            }
            // The drawing's keys, not the page's (nor the player's).
            e.prevent_default();
            e.stop_propagation();
            drop(g);
            redraw.force_update();
        })
    };

    // Dragging pans; two pointers pinch.
    let onpointerdown = {
        let pointers = pointers.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            let mut ps = pointers.borrow_mut();
            ps.retain(|x| x.0 != e.pointer_id());
            ps.push((e.pointer_id(), e.client_x() as f32, e.client_y() as f32));
            *dragging.borrow_mut() = false;
        })
    };
    let onpointermove = {
        let pointers = pointers.clone();
        let dragging = dragging.clone();
        let geo = geo.clone();
        let redraw = redraw.clone();
        let frame = frame.clone();
        Callback::from(move |e: PointerEvent| {
            let mut ps = pointers.borrow_mut();
            let Some(i) = ps.iter().position(|x| x.0 == e.pointer_id()) else {
                return;
            };
            let (x, y) = (e.client_x() as f32, e.client_y() as f32);
            let before = ps.clone();
            ps[i].1 = x;
            ps[i].2 = y;
            let el = frame.cast::<web_sys::Element>();
            let mut g = geo.borrow_mut();
            if ps.len() >= 2 {
                let d = |a: &(i32, f32, f32), b: &(i32, f32, f32)| {
                    ((a.1 - b.1).powi(2) + (a.2 - b.2).powi(2)).sqrt()
                };
                let (d0, d1) = (d(&before[0], &before[1]), d(&ps[0], &ps[1]));
                if d0 > 1.0 {
                    let r = el
                        .as_ref()
                        .map(|el| el.get_bounding_client_rect())
                        .map_or((0.0, 0.0), |r| (r.left() as f32, r.top() as f32));
                    let mx = (ps[0].1 + ps[1].1) / 2.0 - r.0;
                    let my = (ps[0].2 + ps[1].2) / 2.0 - r.1;
                    g.zoom(d1 / d0, mx, my);
                }
                *dragging.borrow_mut() = true;
            } else {
                let (dx, dy) = (x - before[i].1, y - before[i].2);
                let mut moved = dragging.borrow_mut();
                if !*moved && dx.abs() + dy.abs() < 4.0 {
                    // Not yet a drag: a click stays a click.
                    ps[i] = before[i];
                    return;
                }
                if !*moved {
                    *moved = true;
                    if let Some(el) = &el {
                        let _ = el.set_pointer_capture(e.pointer_id());
                    }
                }
                g.pan(dx, dy);
            }
            drop(g);
            redraw.force_update();
        })
    };
    let onpointerup = {
        let pointers = pointers.clone();
        Callback::from(move |e: PointerEvent| {
            pointers.borrow_mut().retain(|x| x.0 != e.pointer_id());
        })
    };

    let g = *geo.borrow();
    let (left, right, up, down) = g.hidden();
    let pct = format!("{}%", (g.scale() * 100.0).round() as i32);
    html! {
        <div class="zoom">
            <div class="zoom-tools" role="toolbar" aria-label={ZOOM.get(lang)}>
                <button type="button" id="zoom-in" title={ZOOM_IN.get(lang)} aria-label={ZOOM_IN.get(lang)} onclick={zoom_in}>{ "+" }</button>
                <button type="button" id="zoom-out" title={ZOOM_OUT.get(lang)} aria-label={ZOOM_OUT.get(lang)} onclick={zoom_out}>{ "−" }</button>
                <button type="button" id="zoom-fit" title={FIT.get(lang)} aria-label={FIT.get(lang)} onclick={fit}>{ FIT_SHORT.get(lang) }</button>
                <span class="zoom-level muted" id="zoom-level" aria-live="polite">{ pct }</span>
                if left || right {
                    <span class="pan-cue" id="pan-cue">{ CUE.get(lang) }</span>
                }
            </div>
            <div ref={frame} class={classes!("zoom-frame", left.then_some("more-left"), right.then_some("more-right"),
                    up.then_some("more-up"), down.then_some("more-down"))}
                tabindex="0" role="group" aria-label={FRAME.get(lang)}
                {onkeydown} {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}>
                <TopologyView layout={p.layout.clone()} trace={p.trace.clone()} step={p.step}
                    selected_node={p.selected_node.clone()} highlight={p.highlight.clone()}
                    onpick={p.onpick.clone()} ontoggle={p.ontoggle.clone()}
                    view={Some(g.current())} size={Some((g.w, g.h()))} />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo(lw: f32, lh: f32, w: f32) -> Geo {
        Geo {
            lw,
            lh,
            w,
            max_h: 600.0,
            view: None,
            contain: false,
        }
    }

    #[test]
    fn a_contained_drawing_is_shown_whole_and_hides_nothing() {
        let mut g = geo(1400.0, 900.0, 674.0);
        assert!(
            g.hidden().1,
            "fitted to the width at 0.85, the right is hidden"
        );
        g.contain = true;
        assert_eq!(g.current(), (0.0, 0.0, 1400.0, 900.0));
        assert_eq!(g.hidden(), (false, false, false, false));
    }

    #[test]
    fn fitting_keeps_text_legible_and_says_what_is_hidden() {
        // Narrower than the element: shown whole, centred, at 1:1.
        let g = geo(700.0, 400.0, 800.0);
        assert_eq!(g.fit_scale(), 1.0);
        assert_eq!(g.fitted(), (-50.0, 0.0, 800.0, 400.0));
        assert_eq!(g.hidden(), (false, false, false, false));
        // A phone: never below MIN_SCALE; the rest is to the right.
        let g = geo(476.0, 900.0, 350.0);
        assert_eq!(g.fit_scale(), MIN_SCALE);
        assert!(11.0 * g.scale() >= 9.0);
        let (l, r, _, d) = g.hidden();
        assert!(!l && r && d);
        assert_eq!(g.h(), 600.0);
    }

    #[test]
    fn zoom_and_pan_move_the_view_box() {
        let mut g = geo(1000.0, 500.0, 1000.0);
        g.zoom(2.0, 500.0, 250.0);
        let (x, y, w, h) = g.current();
        assert_eq!((w, h), (500.0, 250.0));
        assert_eq!((x, y), (250.0, 125.0), "around the centre");
        assert_eq!(g.scale(), 2.0);
        g.pan(100.0, 0.0);
        assert_eq!(g.current().0, 200.0);
        g.zoom(100.0, 0.0, 0.0);
        assert_eq!(g.scale(), MAX_ZOOM);
        g.pan(1e6, 1e6);
        let (x, y, w, h) = g.current();
        assert!(x + w >= 40.0 && y + h >= 40.0, "part stays in view");
        g.view = None;
        assert_eq!(g.current(), g.fitted());
    }
}
