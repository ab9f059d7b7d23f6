//! The app shell: the one state (a reducer), the effects that keep it
//! (the player's clock, keyboard shortcuts), and the page's layout.

use super::rules::RulesPanel;
use super::state::{self, Action, NoticeKind, State};
use super::trace_view::TracePanel;
use super::yaml::YamlPanel;
use crate::model::{presets, Scenario, ServiceType, TargetPort};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// How long one hop is shown while playing.
const HOP_MS: u32 = 450;

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

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::new);
    let dispatch: Callback<Action> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };
    let tab = use_state(|| Tab::Trace);

    // The player's clock.
    let playing = state.run.as_ref().is_some_and(|r| r.playing);
    {
        let state = state.clone();
        use_effect_with(playing, move |playing| {
            let timer = playing.then(|| {
                if reduced_motion() {
                    state.dispatch(Action::StepTo(usize::MAX));
                }
                gloo::timers::callback::Interval::new(HOP_MS, move || state.dispatch(Action::Tick))
            });
            move || drop(timer)
        });
    }

    // Undo and redo from the keyboard (outside text fields, which have
    // their own).
    {
        let d = dispatch.clone();
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
                        if in_field || !(e.ctrl_key() || e.meta_key()) {
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

    let sources = use_memo(state.scenario.clone(), |s| state::sources(s));
    let destinations = use_memo(state.scenario.clone(), |s| state::destinations(s));
    let trace = state.run.as_ref().and_then(|r| r.trace.clone().ok());

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
    let tab_button = |t: Tab, label: &'static str, id: &'static str| {
        let tab = tab.clone();
        let selected = *tab == t;
        html! {
            <button type="button" role="tab" {id} aria-selected={selected.to_string()}
                class={classes!("tab", selected.then_some("on"))}
                onclick={Callback::from(move |_: MouseEvent| tab.set(t))}>{ label }</button>
        }
    };

    html! {
        <>
            <header class="top">
                <div class="brand">
                    <h1>{ "k8s-netlab" }</h1>
                    <p class="tagline">{ "How traffic reaches a pod: routing, netfilter and conntrack, hop by hop." }</p>
                </div>
                <nav class="toolbar" aria-label="Scenario">
                    <label class="preset">{ "Story step " }
                        <select id="preset" onchange={on_preset}>
                            <option value="" selected=true>{ "Load a preset…" }</option>
                            { for presets::PRESETS.iter().map(|p| html! {
                                <option value={p.id}>{ format!("{}. {}", p.step, p.title) }</option>
                            }) }
                        </select></label>
                    <button type="button" id="undo" onclick={act(Action::Undo)} disabled={!state.can_undo()}
                        title="Undo (Ctrl+Z)">{ "Undo" }</button>
                    <button type="button" id="redo" onclick={act(Action::Redo)} disabled={!state.can_redo()}
                        title="Redo (Ctrl+Shift+Z)">{ "Redo" }</button>
                </nav>
            </header>
            if let Some(n) = &state.notice {
                <div class={classes!("notice", (n.kind == NoticeKind::Error).then_some("bad"))} role="alert" id="notice">
                    <p>{ &n.text }</p>
                    if !n.problems.is_empty() {
                        <ul>{ for n.problems.iter().map(|p| html! { <li>{ p.to_string() }</li> }) }</ul>
                    }
                    <button type="button" onclick={act(Action::Dismiss)} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
            if state.pending.is_some() {
                <div class="notice" role="alertdialog" id="pending" aria-labelledby="pending-t">
                    <p id="pending-t">{ "This link carries a scenario and a trace. Open it? Your current work stays one Undo away." }</p>
                    <button type="button" class="primary" id="pending-open" onclick={act(Action::AcceptPending)}>{ "Open the link" }</button>
                    <button type="button" id="pending-keep" onclick={act(Action::RejectPending)}>{ "Keep my work" }</button>
                </div>
            }
            <main class="layout">
                <section class="stage" aria-label="Cluster">
                    <h2 class="scenario-title" id="scenario-title">{ &state.title }</h2>
                    <div id="cluster">{ cluster_view(&state.scenario, &dispatch) }</div>
                    { services_view(&state.scenario) }
                </section>
                <aside class="side">
                    <div class="tabs" role="tablist" aria-label="Panels">
                        { tab_button(Tab::Trace, "Trace", "tab-trace") }
                        { tab_button(Tab::Rules, "Rules", "tab-rules") }
                        { tab_button(Tab::Edit, "Edit", "tab-edit") }
                        { tab_button(Tab::Yaml, "YAML", "tab-yaml") }
                    </div>
                    { match *tab {
                        Tab::Trace => html! { <TracePanel spec={state.spec.clone()} run={state.run.clone()}
                            spread={state.spread.clone()} sources={sources.clone()} destinations={destinations.clone()}
                            ondispatch={dispatch.clone()} /> },
                        Tab::Rules => html! { <RulesPanel scenario={state.scenario.clone()} node={state.selected_node.clone()}
                            trace={trace.clone()} ondispatch={dispatch.clone()} /> },
                        Tab::Edit => html! { <p>{ "Editing forms: see the YAML tab." }</p> },
                        Tab::Yaml => html! { <YamlPanel scenario={state.scenario.clone()} ondispatch={dispatch.clone()} /> },
                    } }
                </aside>
            </main>
        </>
    }
}

fn cluster_view(s: &Scenario, d: &Callback<Action>) -> Html {
    let by_node = s.pods_by_node();
    html! {
        <section class="nodes" aria-label="Nodes">
            { for s.nodes.iter().map(|n| {
                let d = d.clone();
                let name = n.name.clone();
                html! {
                <article class="node" data-node={n.name.clone()}>
                    <h3>{ &n.name }</h3>
                    <p class="iface">{ format!("eth0 {}", n.internal_ip) }</p>
                    <p class="iface">{ format!("cbr0 {}/{}", n.bridge_ip(), n.pod_cidr.prefix_len()) }</p>
                    <ul class="pods">
                        { for by_node.get(n.name.as_str()).into_iter().flatten().map(|p| html! {
                            <li class="pod" data-pod={p.name.clone()}>
                                <span class="name">{ &p.name }</span>{ " " }
                                <span class="ip">{ p.ip.map(|i| i.to_string()).unwrap_or_default() }</span>
                            </li>
                        }) }
                    </ul>
                    <button type="button" class="remove-node" onclick={Callback::from(move |_: MouseEvent|
                        d.emit(Action::Edit(crate::model::edit::Edit::RemoveNode(name.clone()))))}>{ "Remove node" }</button>
                </article>
            }}) }
        </section>
    }
}

fn services_view(s: &Scenario) -> Html {
    html! {
        <section class="services" aria-labelledby="svc-h">
            <h3 id="svc-h">{ "Services" }</h3>
            <ul>
                { for s.services.iter().map(|svc| html! {
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
            </ul>
        </section>
    }
}
