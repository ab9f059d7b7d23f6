//! The workbench: the drawing, the trace and the panels over one state,
//! shared by the playground, the embed view and the lessons (`Chrome` says
//! which panels a page shows), with the effects every page needs: the
//! player's clock and keyboard shortcuts. Browser-only.

use super::editor::{EditorPanel, Kind as EditKind};
use super::i18n::{preset_title, t, use_lang, Lang, Text};
use super::keep;
use super::layout::{GhostNode, LayoutOptions};
use super::lessons;
use super::problems::ProblemList;
use super::rules::RulesPanel;
use super::state::{self, Action, NoticeKind, State};
use super::story;
use super::topology::{ZoomView, MIN_LAYOUT_W};
use super::trace_view::TracePanel;
use super::yaml::YamlPanel;
use crate::engine::addressing;
use crate::model::edit::Edit;
use crate::model::{presets, Scenario, ServiceType, TargetPort};
use std::net::Ipv4Addr;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Trace,
    Rules,
    Edit,
    Yaml,
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// What a page shows around the drawing and the trace.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Chrome {
    /// The header: presets, undo/redo, sharing.
    pub toolbar: bool,
    /// The Edit and YAML panels (otherwise Trace and Rules only).
    pub edit: bool,
    /// The drawing is fitted whole into the frame the page gives it (an
    /// embed's compact view), rather than fitted to the width and panned.
    pub contain: bool,
}

impl Chrome {
    pub const FULL: Chrome = Chrome {
        toolbar: true,
        edit: true,
        contain: false,
    };
}

/// Saves the choice of language and reports it.
pub fn lang_switch(lang: Lang, onlang: &Callback<Lang>) -> Html {
    let other = lang.other();
    let onlang = onlang.clone();
    let switch = Callback::from(move |_: MouseEvent| {
        let _ = super::storage::save_pref("lang", other.code());
        onlang.emit(other);
    });
    let label = match lang {
        Lang::En => "한국어",
        Lang::Ko => "English",
    };
    html! { <button type="button" id="lang-switch" lang={other.code()} onclick={switch}>{ label }</button> }
}

#[derive(Properties, PartialEq)]
pub struct WorkbenchProps {
    pub state: UseReducerHandle<State>,
    pub chrome: Chrome,
    /// The header's language switch (with the toolbar).
    #[prop_or_default]
    pub onlang: Callback<Lang>,
    /// Opens on the Edit tab with this section open (a lesson's task).
    #[prop_or_default]
    pub open_section: Option<EditKind>,
    /// Keep the YAML tab's unapplied draft across reloads (the
    /// playground); the page then opens on the YAML tab when one is kept.
    #[prop_or_default]
    pub keep_draft: bool,
}

const TAGLINE: Text = t(
    "How traffic reaches a pod: routing, netfilter and conntrack, hop by hop.",
    "트래픽이 파드에 닿는 길: 라우팅, netfilter, conntrack을 홉 단위로.",
);
const SCENARIO: Text = t("Scenario", "시나리오");
const LOAD_PRESET: Text = t("Load a lesson's scenario…", "레슨의 시나리오 불러오기…");
const UNDO: Text = t("Undo", "실행 취소");
const UNDO_TITLE: Text = t("Undo (Ctrl+Z)", "실행 취소 (Ctrl+Z)");
const REDO: Text = t("Redo", "다시 실행");
const REDO_TITLE: Text = t("Redo (Ctrl+Shift+Z)", "다시 실행 (Ctrl+Shift+Z)");
const TUTORIAL: Text = t("Tutorial", "튜토리얼");
const SHARE: Text = t("Share link", "공유 링크");
const SHARE_TITLE: Text = t(
    "A link that opens this scenario and trace",
    "이 시나리오와 트레이스를 여는 링크",
);
const DISMISS: Text = t("Dismiss", "닫기");
const SHARE_BOX: Text = t(
    "Share link (copied to the clipboard): ",
    "공유 링크 (클립보드에 복사됨): ",
);
const PENDING: Text = t(
    "This link carries a scenario and a trace. Open it? Your current work stays one Undo away.",
    "이 링크에는 시나리오와 트레이스가 들어 있습니다. 열까요? 지금 작업은 실행 취소 한 번으로 돌아올 수 있습니다.",
);
const OPEN_LINK: Text = t("Open the link", "링크 열기");
const KEEP_WORK: Text = t("Keep my work", "내 작업 유지");
const CLUSTER: Text = t("Cluster", "클러스터");
const PICK_SETS: Text = t("Clicking the drawing sets", "그림을 클릭하면 설정");
const CLICK_A_BOX: Text = t("Click a box to set the ", "상자를 클릭해 설정: ");
const SOURCE: Text = t("source", "출발지");
const DESTINATION: Text = t("destination", "목적지");
const PANELS: Text = t("Panels", "패널");
const TAB_TRACE: Text = t("Trace", "트레이스");
const TAB_RULES: Text = t("Rules", "규칙");
const TAB_EDIT: Text = t("Edit", "편집");
const NODES: Text = t("Nodes", "노드");
const REMOVE: Text = t("Remove", "삭제");
const REMOVE_TITLE: Text = t(
    "The node's VM goes away: its pods vanish, routes to it lead nowhere",
    "노드의 VM이 사라집니다: 파드가 없어지고, 그 노드로 가는 라우팅은 갈 곳을 잃습니다",
);
const SERVICES: Text = t("Services", "서비스");

/// The drawing, the trace and the panels over one state.
#[function_component(Workbench)]
pub fn workbench(p: &WorkbenchProps) -> Html {
    let state = p.state.clone();
    let chrome = p.chrome;
    let lang = use_lang();
    let w = |x: Text| x.get(lang);
    let dispatch: Callback<Action> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };

    // The player's clock, at the chosen speed (one device-level step, or
    // one hop, per tick).
    let playing = state.run.as_ref().is_some_and(|r| r.playing);
    let tick_ms = state.speed.tick_ms(state.every_hop);
    {
        let state = state.clone();
        use_effect_with((playing, tick_ms), move |&(playing, ms)| {
            let timer = playing.then(|| {
                if reduced_motion() {
                    state.dispatch(Action::StepTo(usize::MAX));
                }
                gloo::timers::callback::Interval::new(ms, move || state.dispatch(Action::Tick))
            });
            move || drop(timer)
        });
    }
    // The player's saved preferences.
    {
        let d = dispatch.clone();
        use_effect_with((), move |_| {
            if let Ok(Some(v)) = super::storage::load_pref("speed") {
                if let Some(v) = state::Speed::from_code(&v) {
                    d.emit(Action::SetSpeed(v));
                }
            }
            if let Ok(Some(v)) = super::storage::load_pref("every-hop") {
                d.emit(Action::SetEveryHop(v == "1"));
            }
        });
    }
    // The player's keys work while the trace is shown (read by the
    // listener below, made once).
    let keep_draft = p.keep_draft;
    let tab = use_state(|| match p.open_section {
        Some(_) if chrome.edit => Tab::Edit,
        _ if keep_draft && super::storage::has_draft() => Tab::Yaml,
        _ => Tab::Trace,
    });
    let player_keys = use_mut_ref(|| false);
    *player_keys.borrow_mut() = *tab == Tab::Trace && state.run.is_some();

    // Undo and redo from the keyboard (outside text fields, which have
    // their own); the player's steps (left and right arrows, k and j) when
    // no control took the key.
    {
        let d = dispatch.clone();
        let player_keys = player_keys.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new_with_options(
                    &w,
                    "keydown",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                            return;
                        };
                        let in_field = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .is_some_and(|el| {
                                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                            });
                        if in_field || e.default_prevented() {
                            return;
                        }
                        if !(e.ctrl_key() || e.meta_key() || e.alt_key()) {
                            if !*player_keys.borrow() {
                                return;
                            }
                            let action = match e.key().as_str() {
                                "ArrowRight" | "j" => Action::Forward,
                                "ArrowLeft" | "k" => Action::Back,
                                _ => return,
                            };
                            e.prevent_default();
                            d.emit(action);
                            return;
                        }
                        let key = e.key().to_ascii_lowercase();
                        let action = match (key.as_str(), e.shift_key()) {
                            ("z", false) => Action::Undo,
                            ("z", true) | ("y", _) => Action::Redo,
                            _ => return,
                        };
                        e.prevent_default();
                        d.emit(action);
                    },
                )
            });
            move || drop(listener)
        });
    }

    let sources = use_memo(state.scenario.clone(), |s| addressing::sources(s));
    let destinations = use_memo(state.scenario.clone(), |s| addressing::destinations(s));
    let trace = state.run.as_ref().and_then(|r| r.trace.clone().ok());
    let pick_source = use_state(|| true);
    // The node and Service lists in full (after "and N more").
    let list_all = use_state(|| false);

    // The drawing: re-laid out when the cluster, the trace or the
    // drawing's width change, not at each hop. Rows wrap to the measured
    // width (at least two columns: a phone pans sideways); the trace's
    // nodes get room for its NAT callouts and are never collapsed.
    // A bare-IP source is a host of its own, drawn as the engine adds it.
    let host: Option<Ipv4Addr> = addressing::extra_host(&state.scenario, &state.spec.from);
    let width = use_state(|| 0.0f32);
    let onwidth = {
        let width = width.clone();
        use_callback((), move |w: f32, _| width.set((w / 10.0).round() * 10.0))
    };
    let max_width = if chrome.contain {
        // Fitted whole into a wide frame: the default width's columns.
        LayoutOptions::default().max_width as u32
    } else if *width > 0.0 {
        (*width).max(MIN_LAYOUT_W) as u32
    } else {
        LayoutOptions::default().max_width as u32
    };
    let drawing = use_memo(
        (
            state.scenario.clone(),
            state.ghosts.clone(),
            state.expanded.clone(),
            host,
            lang,
            trace.clone(),
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
    let step = state.run.as_ref().map_or(0, |r| r.step);
    let shown_trace = trace.clone();
    let highlight: Vec<String> = trace.as_deref().map(story::highlight).unwrap_or_default();
    let onpick = {
        let d = dispatch.clone();
        use_callback(*pick_source, move |pick: String, source| {
            d.emit(Action::Pick {
                pick,
                source: *source,
            })
        })
    };
    let ontoggle = {
        let d = dispatch.clone();
        use_callback((), move |n: String, _| d.emit(Action::ToggleExpanded(n)))
    };
    let pick_mode = |source: bool, label: Text| {
        let pick_source = pick_source.clone();
        html! {
            <label><input type="radio" name="pick" checked={*pick_source == source}
                onchange={Callback::from(move |_: Event| pick_source.set(source))} />{ label.get(lang) }</label>
        }
    };

    let on_preset = {
        let d = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                if !s.value().is_empty() {
                    d.emit(Action::LoadPreset(s.value()));
                    s.set_value("");
                }
            }
        })
    };
    let act = |a: Action| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    // WAI-ARIA tabs: the selected tab alone in the Tab order; arrows,
    // Home and End select (and focus) another.
    let tabs: &'static [(Tab, &str)] = if chrome.edit {
        &[
            (Tab::Trace, "tab-trace"),
            (Tab::Rules, "tab-rules"),
            (Tab::Edit, "tab-edit"),
            (Tab::Yaml, "tab-yaml"),
        ]
    } else {
        &[(Tab::Trace, "tab-trace"), (Tab::Rules, "tab-rules")]
    };
    let tab_id = tabs
        .iter()
        .find(|(t, _)| *t == *tab)
        .map_or("tab-trace", |(_, id)| *id);
    let on_tab_key = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let i = tabs.iter().position(|(t, _)| *t == *tab).unwrap_or(0);
            if let Some(j) = state::tab_key(tabs.len(), i, &e.key()) {
                e.prevent_default();
                tab.set(tabs[j].0);
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(tabs[j].1))
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
            }
        })
    };
    let tab_button = |t: Tab, label: &'static str, id: &'static str| {
        let tab = tab.clone();
        let selected = *tab == t;
        html! {
            <button type="button" role="tab" {id} aria-selected={selected.to_string()}
                aria-controls="tab-panel" tabindex={if selected { "0" } else { "-1" }}
                class={classes!("tab", selected.then_some("on"))}
                onclick={Callback::from(move |_: MouseEvent| tab.set(t))}>{ label }</button>
        }
    };

    html! {
        <>
            if chrome.toolbar {
            <header class="top">
                <div class="brand">
                    <h1>{ "k8s-netlab" }</h1>
                    <p class="tagline">{ w(TAGLINE) }</p>
                </div>
                <nav class="toolbar" aria-label={w(SCENARIO)}>
                    <label class="preset"><span class="visually-hidden">{ w(SCENARIO) }</span>
                        <select id="preset" onchange={on_preset}>
                            <option value="" selected=true>{ w(LOAD_PRESET) }</option>
                            // One numbering with the tutorial: a preset is
                            // the scenario of the lesson of the same id.
                            { for presets::PRESETS.iter().map(|p| html! {
                                <option value={p.id}>{ match lessons::lesson(p.id) {
                                    Some((i, l)) => lessons::numbered(i, l.title, lang),
                                    None => preset_title(p.id, lang).to_string(),
                                } }</option>
                            }) }
                        </select></label>
                    <button type="button" id="undo" onclick={act(Action::Undo)} disabled={!state.can_undo()}
                        title={w(UNDO_TITLE)}>{ w(UNDO) }</button>
                    <button type="button" id="redo" onclick={act(Action::Redo)} disabled={!state.can_redo()}
                        title={w(REDO_TITLE)}>{ w(REDO) }</button>
                    <a href="?tutorial" id="to-tutorial" class="button-link">{ w(TUTORIAL) }</a>
                    <button type="button" id="share" onclick={{
                        let saved = keep::Snapshot::of(&state);
                        let d = dispatch.clone();
                        Callback::from(move |_: MouseEvent| keep::share(&saved, d.clone()))
                    }} title={w(SHARE_TITLE)}>{ w(SHARE) }</button>
                    { lang_switch(lang, &p.onlang) }
                </nav>
            </header>
            }
            if let Some(n) = &state.notice {
                <div class={classes!("notice", (n.kind == NoticeKind::Error).then_some("bad"))} role="alert" id="notice">
                    <p>{ n.text.text(lang) }</p>
                    if !n.problems.is_empty() {
                        <ProblemList items={n.problems.iter().map(ToString::to_string).collect::<Vec<_>>()} />
                    }
                    <button type="button" class="dismiss" onclick={act(Action::Dismiss)} aria-label={w(DISMISS)}>{ "×" }</button>
                </div>
            }
            if let Some(url) = &state.share_link {
                <div class="notice" id="share-box">
                    <label>{ w(SHARE_BOX) }
                        <input id="share-url" readonly=true value={url.clone()} /></label>
                    <button type="button" class="dismiss" onclick={act(Action::Dismiss)} aria-label={w(DISMISS)}>{ "×" }</button>
                </div>
            }
            if state.pending.is_some() {
                <div class="notice" role="alertdialog" id="pending" aria-labelledby="pending-t">
                    <p id="pending-t">{ w(PENDING) }</p>
                    <button type="button" class="primary" id="pending-open" onclick={act(Action::AcceptPending)}>{ w(OPEN_LINK) }</button>
                    <button type="button" id="pending-keep" onclick={act(Action::RejectPending)}>{ w(KEEP_WORK) }</button>
                </div>
            }
            <main class="layout">
                <section class="stage" aria-label={w(CLUSTER)}>
                    <h2 class="scenario-title" id="scenario-title">{ state.title.text(lang) }</h2>
                    <div class="pick-mode" role="radiogroup" aria-label={w(PICK_SETS)}>
                        <span class="muted">{ w(CLICK_A_BOX) }</span>
                        { pick_mode(true, SOURCE) }{ pick_mode(false, DESTINATION) }
                    </div>
                    <div class="drawing-wrap" id="cluster">
                        <ZoomView contain={chrome.contain} layout={(*drawing).clone()} trace={shown_trace} {step}
                            selected_node={state.selected_node.clone()} {highlight} {onpick} {ontoggle} {onwidth} />
                    </div>
                    if chrome.edit { { node_actions(&state.scenario, &dispatch, &list_all, lang) } }
                    { services_view(&state.scenario, &list_all, lang) }
                </section>
                <aside class="side">
                    <div class="tabs" role="tablist" aria-label={w(PANELS)} onkeydown={on_tab_key}>
                        { tab_button(Tab::Trace, w(TAB_TRACE), "tab-trace") }
                        { tab_button(Tab::Rules, w(TAB_RULES), "tab-rules") }
                        if chrome.edit {
                            { tab_button(Tab::Edit, w(TAB_EDIT), "tab-edit") }
                            { tab_button(Tab::Yaml, "YAML", "tab-yaml") }
                        }
                    </div>
                    <div role="tabpanel" id="tab-panel" aria-labelledby={tab_id}>
                    { match *tab {
                        Tab::Trace => html! { <TracePanel spec={state.spec.clone()} run={state.run.clone()}
                            spread={state.spread.clone()} sources={sources.clone()} destinations={destinations.clone()}
                            ondispatch={dispatch.clone()} every_hop={state.every_hop} speed={state.speed} /> },
                        Tab::Rules => html! { <RulesPanel scenario={state.scenario.clone()} node={state.selected_node.clone()}
                            trace={trace.clone()} ondispatch={dispatch.clone()} /> },
                        Tab::Edit => html! { <EditorPanel scenario={state.scenario.clone()} ondispatch={dispatch.clone()}
                            open={p.open_section} /> },
                        Tab::Yaml => html! { <YamlPanel scenario={state.scenario.clone()} ondispatch={dispatch.clone()} {keep_draft} /> },
                    } }
                    </div>
                </aside>
            </main>
        </>
    }
}

/// Items of the node and Service lists shown before an "and N more"
/// button: a 1,000-node, 2,000-Service cluster would add some 13,000
/// elements to the page, each laid out at every change.
const LISTED: usize = 100;

/// The first [`LISTED`] items, or all once its button is pressed; the
/// button says how many are left out.
fn listed<'a, T>(items: &'a [T], all: &UseStateHandle<bool>, lang: Lang) -> (&'a [T], Html) {
    if **all || items.len() <= LISTED {
        return (items, Html::default());
    }
    let all = all.clone();
    let more = html! {
        <li class="list-more"><button type="button" class="link" onclick={Callback::from(move |_: MouseEvent| all.set(true))}>
            { super::problems::more_words(items.len() - LISTED, lang) }</button></li>
    };
    (&items[..LISTED], more)
}

/// The nodes with one-click removal (the VM goes away).
fn node_actions(
    s: &Scenario,
    d: &Callback<Action>,
    all: &UseStateHandle<bool>,
    lang: Lang,
) -> Html {
    let (nodes, more) = listed(&s.nodes, all, lang);
    html! {
        <ul class="node-actions" aria-label={NODES.get(lang)}>
            { for nodes.iter().map(|n| {
                let d = d.clone();
                let name = n.name.clone();
                html! {
                    <li class="node-chip" data-node={n.name.clone()}>
                        <span>{ &n.name }</span>
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

fn services_view(s: &Scenario, all: &UseStateHandle<bool>, lang: Lang) -> Html {
    let (services, more) = listed(&s.services, all, lang);
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
