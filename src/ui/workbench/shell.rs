//! The `Workbench` component: a page's state wired to the areas, and the
//! effects every page needs (the player's clock and saved preferences,
//! undo/redo and the player's keys). Browser-only.

use super::notices::{notices, NoticesProps};
use super::panels::{panels, PanelsProps, Tab};
use super::stage::Stage;
use super::toolbar::{toolbar, ToolbarProps};
use super::Chrome;
use crate::engine::addressing;
use crate::ui::editor::Kind as EditKind;
use crate::ui::i18n::{use_lang, Lang};
use crate::ui::keep;
use crate::ui::state::{self, Action, State};
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
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

/// The drawing, the trace and the panels over one state.
#[function_component(Workbench)]
pub fn workbench(p: &WorkbenchProps) -> Html {
    let state = p.state.clone();
    let chrome = p.chrome;
    let lang = use_lang();
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
            if let Ok(Some(v)) = crate::ui::storage::load_pref("speed") {
                if let Some(v) = state::Speed::from_code(&v) {
                    d.emit(Action::SetSpeed(v));
                }
            }
            if let Ok(Some(v)) = crate::ui::storage::load_pref("every-hop") {
                d.emit(Action::SetEveryHop(v == "1"));
            }
        });
    }
    // The player's keys work while the trace is shown (read by the
    // listener below, made once).
    let keep_draft = p.keep_draft;
    let tab = use_state(|| match p.open_section {
        Some(_) if chrome.edit => Tab::Edit,
        _ if keep_draft && crate::ui::storage::has_draft() => Tab::Yaml,
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

    // The request menus, per scenario.
    let sources = use_memo(state.scenario.clone(), |s| addressing::sources(s));
    let destinations = use_memo((state.scenario.clone(), state.spec.proto), |(s, p)| {
        addressing::destinations_for(s, *p)
    });
    let trace = state.run.as_ref().and_then(|r| r.trace.clone().ok());
    let onshare = {
        let saved = keep::Snapshot::of(&state);
        let d = dispatch.clone();
        Callback::from(move |_| keep::share(&saved, d.clone()))
    };
    let ontab = {
        let tab = tab.clone();
        Callback::from(move |t: Tab| tab.set(t))
    };
    html! {
        <>
            if chrome.toolbar {
                { toolbar(ToolbarProps { can_undo: state.can_undo(), can_redo: state.can_redo(), onshare,
                    onlang: p.onlang.clone(), ondispatch: dispatch.clone() }, lang) }
            }
            { notices(NoticesProps { notice: state.notice.as_ref(), share_link: state.share_link.as_deref(),
                pending: state.pending.is_some(), ondispatch: &dispatch }, lang) }
            <main class="layout">
                <Stage scenario={state.scenario.clone()} title={state.title} ghosts={state.ghosts.clone()}
                    expanded={state.expanded.clone()} from={state.spec.from.clone()} trace={trace.clone()}
                    step={state.run.as_ref().map_or(0, |r| r.step)} selected_node={state.selected_node.clone()}
                    {chrome} ondispatch={dispatch.clone()} />
                { panels(PanelsProps { tab: *tab, ontab, edit: chrome.edit, state: &state,
                    sources, destinations,
                    open_section: p.open_section, keep_draft, ondispatch: &dispatch }, lang) }
            </main>
        </>
    }
}
