//! The topology drawing: the [`Layout`] as SVG, with the packet of the
//! current trace step and its trail. Colours come from the stylesheet
//! (`static/style.css`, the `topology` section); this only sets classes.

use super::i18n::{t, Lang, Text};
use super::layout::{Block, Kind, Layout, LINE, PAD};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopologyProps {
    pub layout: Rc<Layout>,
    /// Points visited so far by the current trace step, in order
    /// ([`Layout::trail`] of the hops up to it).
    #[prop_or_default]
    pub path: Vec<(f32, f32)>,
    /// Where the packet is now.
    #[prop_or_default]
    pub packet: Option<(f32, f32)>,
    /// The packet is on the reply leg.
    #[prop_or_default]
    pub reply: bool,
    #[prop_or_default]
    pub selected_node: Option<String>,
    /// Device ids to emphasise (source, destination).
    #[prop_or_default]
    pub highlight: Vec<String>,
    /// A box was clicked: its [`Block::pick`] (`pod/client`,
    /// `node/node-1`, `internet`, an IP).
    pub onpick: Callback<String>,
    /// A node's "+N more" / "show fewer" was clicked: the node's name.
    pub ontoggle: Callback<String>,
    #[prop_or_default]
    pub lang: Lang,
}

/// A coordinate as SVG text (the layout's are whole numbers).
fn n(v: f32) -> AttrValue {
    AttrValue::from((v as i32).to_string())
}

#[function_component(TopologyView)]
pub fn topology_view(p: &TopologyProps) -> Html {
    let l = &p.layout;
    let reply = if p.reply { "reply" } else { "request" };
    let trail = (p.path.len() > 1).then(|| {
        let pts: Vec<String> = p
            .path
            .iter()
            .map(|&(x, y)| format!("{},{}", x as i32, y as i32))
            .collect();
        html! { <polyline class={classes!("trail", reply)} points={pts.join(" ")} /> }
    });
    let packet = p.packet.map(|(x, y)| {
        html! {
            <g class={classes!("packet", reply)} transform={format!("translate({} {})", x as i32, y as i32)}>
                <circle r="7" />
            </g>
        }
    });
    html! {
        <svg class="topology" viewBox={format!("0 0 {} {}", l.width as i32, l.height as i32)}
            width={n(l.width)} height={n(l.height)}
            role="group" aria-label={label(l, p.lang)}>
            <Drawing layout={p.layout.clone()} selected_node={p.selected_node.clone()}
                highlight={p.highlight.clone()} onpick={p.onpick.clone()} ontoggle={p.ontoggle.clone()} />
            { for trail }
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
    let count = |k| l.blocks.iter().filter(|b| b.kind == k).count().to_string();
    [
        DRAWING.get(lang),
        &count(Kind::Lb),
        NODES.get(lang),
        &count(Kind::Node),
        PODS.get(lang),
        &count(Kind::Pod),
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
}

/// Everything but the packet: re-rendered only when the drawing, the
/// selection or the emphasis change, not at every step of a trace.
#[function_component(Drawing)]
fn drawing(p: &DrawingProps) -> Html {
    let l = &p.layout;
    let selected = p.selected_node.as_ref().map(|s| format!("node/{s}"));
    html! {
        <g class="drawing">
            { for l.blocks.iter().map(|b| block(b, p, selected.as_deref())) }
            { for l.lines.iter().map(|x| html! {
                <line class={x.kind.class()} x1={n(x.x1)} y1={n(x.y1)} x2={n(x.x2)} y2={n(x.y2)} />
            }) }
            { for l.notes.iter().map(|t| html! {
                <text class="note" x={n(t.x)} y={n(t.y)}>{ t.text.clone() }</text>
            }) }
        </g>
    }
}

fn block(b: &Block, p: &DrawingProps, selected: Option<&str>) -> Html {
    let whole = b.kind.is_device();
    let class = classes!(
        b.kind.class(),
        b.broken.then_some("broken"),
        (b.kind == Kind::Node && selected == Some(b.device.as_str())).then_some("selected"),
        (whole && p.highlight.contains(&b.device)).then_some("hl"),
        (!b.pick.is_empty()).then_some("pick"),
    );
    let radius = match b.kind {
        Kind::Internet => "22",
        Kind::Node | Kind::Ghost => "8",
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
        html! { <text class="s" x={tx.clone()} y={n(b.y + LINE * (i as f32 + 2.0))}>{ t.clone() }</text> }
    });
    let tip = (!b.tip.is_empty()).then(|| html! { <title>{ b.tip.clone() }</title> });
    let device = (whole || b.kind == Kind::Ghost).then(|| AttrValue::from(b.device.clone()));
    if b.pick.is_empty() {
        return html! {
            <g class={class} data-device={device}>{ tip }{ rect }{ title }{ for text }</g>
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
        <g class={class} data-device={device} role="button" tabindex="0"
            aria-label={b.tip.clone()} aria-expanded={expanded} {onclick} {onkeydown}>
            { tip }{ rect }{ title }{ for text }
        </g>
    }
}
