//! Keeping and sharing the playground's work: local storage and share
//! links (browser only).
use super::state::Action;
use crate::model::Scenario;
use crate::ui::share::Shared;
use crate::ui::state::Message;
use crate::ui::state::{State, TraceSpec};
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::Callback;

/// What is kept: the scenario and the request when a trace is shown.
pub struct Snapshot {
    pub scenario: Rc<Scenario>,
    pub spec: Option<TraceSpec>,
}

impl Snapshot {
    /// What the state has to keep (cheap: the scenario is shared; it is
    /// written out as YAML only when saved or shared).
    pub fn of(state: &State) -> Snapshot {
        Snapshot {
            scenario: state.scenario.clone(),
            spec: state.run.is_some().then(|| state.spec.clone()),
        }
    }

    fn shared(&self) -> Shared {
        Shared {
            yaml: self.scenario.to_yaml(),
            trace: self.spec.clone(),
        }
    }
}

pub fn save(s: &Snapshot) -> Result<(), String> {
    crate::ui::storage::save(&s.shared())
}

/// Autosave after the paint: the latest snapshot is written once the edit
/// has been drawn and one more frame has passed, and once for a run of
/// edits (an edit before then replaces the waiting snapshot and its turn).
#[derive(Default)]
pub struct Autosave {
    pending: Option<(Snapshot, Callback<Action>)>,
    /// Which schedule is current: an older one's frames do nothing.
    turn: u64,
    failed: bool,
}

impl Autosave {
    /// Keeps `snapshot` to be written after the next two frames (replacing
    /// one still waiting).
    pub fn schedule(this: &Rc<RefCell<Autosave>>, snapshot: Snapshot, d: Callback<Action>) {
        let turn = {
            let mut a = this.borrow_mut();
            a.pending = Some((snapshot, d));
            a.turn += 1;
            a.turn
        };
        let later = Rc::clone(this);
        after_frame(move || {
            after_frame(move || {
                if later.borrow().turn == turn {
                    Autosave::flush(&later);
                }
            })
        });
    }

    /// Writes the waiting snapshot, if any; says once when saving fails.
    pub fn flush(this: &Rc<RefCell<Autosave>>) {
        let Some((snapshot, d)) = this.borrow_mut().pending.take() else {
            return;
        };
        let result = save(&snapshot);
        let was = std::mem::replace(&mut this.borrow_mut().failed, result.is_err());
        if let (Err(e), false) = (result, was) {
            d.emit(Action::Say {
                error: true,
                text: Message::NotSaved(e),
            });
        }
    }
}

/// Runs `f` in a task after the next frame (after its paint).
fn after_frame(f: impl FnOnce() + 'static) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let cb = wasm_bindgen::closure::Closure::once_into_js(move || {
        Timeout::new(0, f).forget();
    });
    let _ = w.request_animation_frame(cb.unchecked_ref());
}

/// The page's address without its fragment.
fn base_url() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_string()
}

pub fn share(s: &Snapshot, d: Callback<Action>) {
    let shared = s.shared();
    wasm_bindgen_futures::spawn_local(async move {
        match crate::ui::share::encode(&shared).await {
            Ok(fragment) => {
                let url = format!("{}#{fragment}", base_url());
                if let Some(w) = web_sys::window() {
                    let _ = w.navigator().clipboard().write_text(&url);
                }
                d.emit(Action::ShareLink(url));
            }
            Err(e) => d.emit(Action::Say {
                error: true,
                text: Message::NoLink(e.to_string()),
            }),
        }
    });
}

/// Restores the saved workspace; then, if the address carries a share
/// link, opens it (asking first when it would replace different saved
/// work) and takes it out of the address bar.
pub fn start_up(d: Callback<Action>) {
    use crate::ui::storage;
    let saved = match storage::load() {
        Ok(s) => s,
        Err(e) => {
            d.emit(Action::Say {
                error: true,
                text: Message::SavedUnreadable(e.to_string()),
            });
            None
        }
    };
    if let Some(s) = saved.clone() {
        d.emit(Action::Restore(s));
    }
    open_fragment(d, saved, false);
}

/// Opens the share link in the address's fragment, if there is one:
/// directly when it matches `saved` or nothing is saved (and `ask` is
/// false), otherwise after asking. Then takes it out of the address bar.
pub fn open_fragment(d: Callback<Action>, saved: Option<Shared>, ask: bool) {
    use crate::ui::share;
    let Some(window) = web_sys::window() else {
        return;
    };
    let fragment = window.location().hash().unwrap_or_default();
    let fragment = fragment.trim_start_matches('#').to_string();
    if fragment.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match share::decode(&fragment).await {
            Ok(Some(shared)) => {
                let differs = ask || saved.as_ref().is_some_and(|s| *s != shared);
                d.emit(if differs {
                    Action::Offer(shared)
                } else {
                    Action::Open(shared)
                });
            }
            Ok(None) => return,
            Err(e) => d.emit(Action::Say {
                error: true,
                text: Message::LinkUnreadable(e.to_string()),
            }),
        }
        if let Some(w) = web_sys::window() {
            let l = w.location();
            let url = format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            );
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    });
}
