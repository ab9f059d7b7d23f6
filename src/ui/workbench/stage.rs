//! The stage: the scenario's title, what a click on the drawing sets, the
//! drawing itself (laid out again only when the cluster, the trace or the
//! width change), and the node and Service lists under it
//! ([`node_actions`], [`services_view`]: plain functions, each item a few
//! elements).

use super::Chrome;
use crate::engine::addressing;
use crate::engine::trace::Trace;
use crate::model::edit::Edit;
use crate::model::{ProxyMode, Scenario, ServiceType, TargetPort};
use crate::ui::i18n::{t, use_lang, Lang, Text};
use crate::ui::layout::{GhostNode, LayoutOptions};
use crate::ui::notice::ScenarioTitle;
use crate::ui::state::{Action, Ghost};
use crate::ui::story;
use crate::ui::topology::{ZoomView, MIN_LAYOUT_W};
use std::net::Ipv4Addr;
use std::rc::Rc;
use yew::prelude::*;

const CLUSTER: Text = t("Cluster", "클러스터");
const PICK_SETS: Text = t("Clicking the drawing sets", "그림을 클릭하면 설정");
const CLICK_A_BOX: Text = t("Click a box to set the ", "상자를 클릭해 설정: ");
const SOURCE: Text = t("source", "출발지");
const DESTINATION: Text = t("destination", "목적지");
const NODES: Text = t("Nodes", "노드");
const REMOVE: Text = t("Remove", "삭제");
const REMOVE_TITLE: Text = t(
    "The node's VM goes away: its pods vanish, routes to it lead nowhere",
    "노드의 VM이 사라집니다: 파드가 없어지고, 그 노드로 가는 라우팅은 갈 곳을 잃습니다",
);
const SERVICES: Text = t("Services", "서비스");
const PROXY_MODE: Text = t("kube-proxy mode", "kube-proxy 모드");
const OWN_MODE: Text = t(
    "This node's own kube-proxy mode (its netlab.dev/kube-proxy-mode label; change it in its editor)",
    "이 노드만의 kube-proxy 모드 (netlab.dev/kube-proxy-mode 레이블; 노드 편집에서 바꿉니다)",
);

#[derive(Properties, PartialEq)]
pub struct StageProps {
    pub scenario: Rc<Scenario>,
    pub title: ScenarioTitle,
    pub ghosts: Vec<Ghost>,
    pub expanded: Vec<String>,
    /// The request's source as typed (a bare IP is a host of its own).
    pub from: String,
    pub trace: Option<Rc<Trace>>,
    pub step: usize,
    pub selected_node: Option<String>,
    pub chrome: Chrome,
    pub ondispatch: Callback<Action>,
}

#[function_component(Stage)]
pub fn stage(p: &StageProps) -> Html {
    let lang = use_lang();
    let w = |x: Text| x.get(lang);
    let pick_source = use_state(|| true);
    // The node and Service lists in full (after "and N more").
    let list_all = use_state(|| false);
    let onmore = {
        let list_all = list_all.clone();
        Callback::from(move |_| list_all.set(true))
    };

    // The drawing: re-laid out when the cluster, the trace or the
    // drawing's width change, not at each hop. Rows wrap to the measured
    // width (at least two columns: a phone pans sideways); the trace's
    // nodes get room for its NAT callouts and are never collapsed.
    // A bare-IP source is a host of its own, drawn as the engine adds it.
    let host: Option<Ipv4Addr> = addressing::extra_host(&p.scenario, &p.from);
    let width = use_state(|| 0.0f32);
    let onwidth = {
        let width = width.clone();
        use_callback((), move |w: f32, _| width.set((w / 10.0).round() * 10.0))
    };
    let max_width = if p.chrome.contain {
        // Fitted whole into a wide frame: the default width's columns.
        LayoutOptions::default().max_width as u32
    } else if *width > 0.0 {
        (*width).max(MIN_LAYOUT_W) as u32
    } else {
        LayoutOptions::default().max_width as u32
    };
    let drawing = use_memo(
        (
            p.scenario.clone(),
            p.ghosts.clone(),
            p.expanded.clone(),
            host,
            lang,
            p.trace.clone(),
            max_width,
        ),
        |(s, ghosts, expanded, host, lang, trace, max_width)| {
            Rc::new(story::drawing(
                s,
                *host,
                trace.as_deref(),
                LayoutOptions {
                    expanded: crate::sort::collect_by_insert(expanded.iter().cloned()),
                    ghosts: ghosts
                        .iter()
                        .map(|g| GhostNode {
                            name: g.name.clone(),
                            internal_ip: g.internal_ip,
                            index: g.index,
                        })
                        .collect(),
                    lang: *lang,
                    max_width: *max_width as f32,
                    ..LayoutOptions::default()
                },
            ))
        },
    );
    let highlight: Vec<String> = p.trace.as_deref().map(story::highlight).unwrap_or_default();
    let onpick = {
        let d = p.ondispatch.clone();
        use_callback(*pick_source, move |pick: String, source| {
            d.emit(Action::Pick {
                pick,
                source: *source,
            })
        })
    };
    let ontoggle = {
        let d = p.ondispatch.clone();
        use_callback((), move |n: String, _| d.emit(Action::ToggleExpanded(n)))
    };
    let pick_mode = |source: bool, label: Text| {
        let pick_source = pick_source.clone();
        html! {
            <label><input type="radio" name="pick" checked={*pick_source == source}
                onchange={Callback::from(move |_: Event| pick_source.set(source))} />{ label.get(lang) }</label>
        }
    };
    html! {
        <section class="stage" aria-label={w(CLUSTER)}>
            <h2 class="scenario-title" id="scenario-title">{ p.title.text(lang) }</h2>
            if p.chrome.edit { { mode_switch(&p.scenario, &p.ondispatch, lang) } }
            <div class="pick-mode" role="radiogroup" aria-label={w(PICK_SETS)}>
                <span class="muted">{ w(CLICK_A_BOX) }</span>
                { pick_mode(true, SOURCE) }{ pick_mode(false, DESTINATION) }
            </div>
            <div class="drawing-wrap" id="cluster">
                <ZoomView contain={p.chrome.contain} layout={(*drawing).clone()} trace={p.trace.clone()} step={p.step}
                    selected_node={p.selected_node.clone()} {highlight} {onpick} {ontoggle} {onwidth} />
            </div>
            if p.chrome.edit { { node_actions(&p.scenario, &p.ondispatch, *list_all, &onmore, lang) } }
            { services_view(&p.scenario, *list_all, &onmore, lang) }
        </section>
    }
}

/// Items of the node and Service lists shown before an "and N more"
/// button: a 1,000-node, 2,000-Service cluster would add some 13,000
/// elements to the page, each laid out at every change.
const LISTED: usize = 100;

/// The first [`LISTED`] items, or `all` of them (after its button, which
/// says how many are left out, was pressed: `onmore`).
fn listed<'a, T>(items: &'a [T], all: bool, onmore: &Callback<()>, lang: Lang) -> (&'a [T], Html) {
    if all || items.len() <= LISTED {
        return (items, Html::default());
    }
    let onmore = onmore.clone();
    let more = html! {
        <li class="list-more"><button type="button" class="link" onclick={Callback::from(move |_: MouseEvent| onmore.emit(()))}>
            { crate::ui::problems::more_words(items.len() - LISTED, lang) }</button></li>
    };
    (&items[..LISTED], more)
}

/// The cluster's kube-proxy mode, iptables or nftables: a scenario edit
/// (`KubeProxyConfiguration`'s `mode`); nodes with a mode of their own
/// keep it.
pub fn mode_switch(s: &Scenario, d: &Callback<Action>, lang: Lang) -> Html {
    let current = s.proxy_config().mode;
    let option = |mode: ProxyMode| {
        let d = d.clone();
        let onchange = Callback::from(move |_: Event| {
            d.emit(Action::Edit(Edit::SetProxyMode {
                node: None,
                mode: Some(mode),
            }))
        });
        html! {
            <label><input type="radio" name="proxy-mode" value={mode.as_str()}
                checked={current == mode} {onchange} />{ mode.as_str() }</label>
        }
    };
    html! {
        <div class="proxy-mode" id="proxy-mode" role="radiogroup" aria-label={PROXY_MODE.get(lang)}>
            <span class="muted">{ PROXY_MODE.get(lang) }</span>
            { option(ProxyMode::Iptables) }{ option(ProxyMode::Nftables) }
        </div>
    }
}

/// The nodes with one-click removal (the VM goes away).
pub fn node_actions(
    s: &Scenario,
    d: &Callback<Action>,
    all: bool,
    onmore: &Callback<()>,
    lang: Lang,
) -> Html {
    let (nodes, more) = listed(&s.nodes, all, onmore, lang);
    let cluster = s.proxy_config().mode;
    html! {
        <ul class="node-actions" aria-label={NODES.get(lang)}>
            { for nodes.iter().map(|n| {
                let d = d.clone();
                let name = n.name.clone();
                html! {
                    <li class="node-chip" data-node={n.name.clone()}>
                        <span>{ &n.name }</span>
                        if s.proxy_mode(n) != cluster {
                            <span class="node-mode" title={OWN_MODE.get(lang)}>{ s.proxy_mode(n).as_str() }</span>
                        }
                        <button type="button" class="remove-node" aria-label={[REMOVE.get(lang), " ", &n.name].concat()}
                            title={REMOVE_TITLE.get(lang)}
                            onclick={Callback::from(move |_: MouseEvent| d.emit(Action::Edit(Edit::RemoveNode(name.clone()))))}>
                            { REMOVE.get(lang) }</button>
                    </li>
                }
            }) }
            { more }
        </ul>
    }
}

/// The Services, each with its addresses and ports.
pub fn services_view(s: &Scenario, all: bool, onmore: &Callback<()>, lang: Lang) -> Html {
    let (services, more) = listed(&s.services, all, onmore, lang);
    html! {
        <section class="services" aria-labelledby="svc-h">
            <h3 id="svc-h">{ SERVICES.get(lang) }</h3>
            <ul>
                { for services.iter().map(|svc| html! {
                    <li class="service" data-service={svc.name.clone()}>
                        <span class="name">{ svc.key() }</span>
                        { " " }<span class="kind">{ svc.kind.as_str() }</span>
                        { " " }<span class="ip">{ svc.cluster_ip.map(|i| i.to_string()).unwrap_or_else(|| "None".into()) }</span>
                        { for svc.ports.iter().map(|p| html! {
                            <span class="port">{ format!(" {}/{} -> {}{}", p.port, p.protocol.as_k8s(),
                                match &p.target_port { TargetPort::Number(n) => n.to_string(), TargetPort::Name(n) => n.clone() },
                                match (svc.kind, p.node_port) {
                                    (ServiceType::NodePort | ServiceType::LoadBalancer, Some(np)) => format!(", NodePort {np}"),
                                    _ => String::new(),
                                }) }</span>
                        }) }
                        { for svc.load_balancer_ingress.iter().map(|ip| html! { <span class="lb">{ format!(" LB {ip}") }</span> }) }
                    </li>
                }) }
                { more }
            </ul>
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::draw::render_in;

    /// The lists as the stage shows them, folded.
    fn lists(s: &Scenario, edit: bool, lang: Lang) -> String {
        let (d, more) = (Callback::noop(), Callback::noop());
        let nodes = if edit {
            node_actions(s, &d, false, &more, lang)
        } else {
            Html::default()
        };
        let html = html! { <>{ nodes }{ services_view(s, false, &more, lang) }</> };
        render_in(lang, html)
    }

    #[test]
    fn the_mode_switch_shows_the_clusters_mode_and_chips_a_nodes_own() {
        use crate::model::edit::apply;
        let s = crate::model::default_scenario();
        let switch = |s: &Scenario, lang| render_in(lang, mode_switch(s, &Callback::noop(), lang));
        let html = switch(&s, Lang::En);
        assert!(
            html.contains(r#"value="iptables" checked"#)
                && !html.contains(r#"value="nftables" checked"#),
            "{html}"
        );
        assert!(switch(&s, Lang::Ko).contains("kube-proxy 모드"));
        let set = |s: &Scenario, node: Option<&str>, mode| {
            let e = Edit::SetProxyMode {
                node: node.map(Into::into),
                mode: Some(mode),
            };
            apply(s, &e).unwrap().scenario
        };
        let nft = set(&s, None, ProxyMode::Nftables);
        let html = switch(&nft, Lang::En);
        assert!(html.contains(r#"value="nftables" checked"#), "{html}");
        // node-2 stays on iptables: its chip says so, the others say nothing.
        let mixed = set(&nft, Some("node-2"), ProxyMode::Iptables);
        let html = lists(&mixed, true, Lang::En);
        assert_eq!(html.matches("node-mode").count(), 1, "{html}");
        assert!(
            html.contains(r#"<span>node-2</span><span title="This node's own"#),
            "{html}"
        );
        assert!(
            html.contains(r#"class="node-mode">iptables</span>"#),
            "{html}"
        );
    }

    #[test]
    fn the_lists_name_every_node_and_service_up_to_a_hundred() {
        let s = crate::model::default_scenario();
        let html = lists(&s, true, Lang::En);
        for n in &s.nodes {
            assert!(
                html.contains(&format!(r#"data-node="{}""#, n.name)),
                "{html}"
            );
        }
        for svc in &s.services {
            assert!(
                html.contains(&format!(r#"data-service="{}""#, svc.name)),
                "{html}"
            );
        }
        assert!(!html.contains("list-more"), "{html}");
        // Without the editing panels, no node removal.
        assert!(!lists(&s, false, Lang::En).contains("node-actions"));
        let ko = lists(&s, true, Lang::Ko);
        assert!(ko.contains("삭제") && ko.contains("서비스"), "{ko}");
        // No node has a mode of its own.
        assert!(!html.contains("node-mode"), "{html}");
        // A long list shows the first hundred and says how many more.
        let mut big = s.clone();
        let svc = big.services[0].clone();
        big.services = (0..LISTED + 5)
            .map(|i| {
                let mut x = svc.clone();
                x.name = format!("svc-{i}");
                x
            })
            .collect();
        let html = lists(&big, false, Lang::En);
        assert_eq!(html.matches(r#"class="service""#).count(), LISTED);
        assert!(html.contains("and 5 more"), "{html}");
        // Unfolded: all of them, and no button.
        let all = services_view(&big, true, &Callback::noop(), Lang::En);
        let html = render_in(Lang::En, all);
        assert_eq!(html.matches(r#"class="service""#).count(), LISTED + 5);
        assert!(!html.contains("list-more"), "{html}");
    }
}
