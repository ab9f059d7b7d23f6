//! The scenario as YAML: read it, paste or type a whole new one (checked
//! after a pause in typing; nothing changes until it is valid and
//! applied), import a file, export a file.
//!
//! Built for megabytes of text: the textarea is uncontrolled (yew never
//! holds, diffs or rewrites its value; the panel reads it when it checks
//! and writes it when the scenario changes under a clean text), a key
//! press only marks the text edited and restarts a timer, and the check
//! runs [`CHECK_AFTER_MS`] after the last key: `model::Reparser`, which
//! parses only the YAML documents changed since the last check (parsing
//! is nearly all of a load's time), then validates the whole. Apply loads
//! the text with `model::load` (`Action::Import`), as a file import does. On the playground the unapplied draft is kept in
//! local storage at each check (`storage::DRAFT_KEY`) and restored after
//! a reload, until it is applied or reverted.

use super::chunks::{Editor, Shared};
use super::i18n::{t, use_lang, Text};
use super::problems::ProblemList;
use super::state::Action;
use super::storage::size_words;
use crate::model::{Problem, Reparser, Scenario};
use gloo::timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

#[cfg(target_arch = "wasm32")]
use super::storage::{clear_draft, load_draft, save_draft};

// Natively (the component is tested in the browser) there is no storage.
#[cfg(not(target_arch = "wasm32"))]
fn load_draft() -> Result<Option<String>, String> {
    Ok(None)
}
#[cfg(not(target_arch = "wasm32"))]
fn save_draft(_: &str) -> Result<(), String> {
    Ok(())
}
#[cfg(not(target_arch = "wasm32"))]
fn clear_draft() -> Result<(), String> {
    Ok(())
}

/// The pause after the last key before the text is checked.
pub const CHECK_AFTER_MS: u32 = 400;

#[derive(Properties, PartialEq)]
pub struct YamlProps {
    pub scenario: Rc<Scenario>,
    pub ondispatch: Callback<Action>,
    /// Keep an unapplied draft in local storage across reloads (the
    /// playground; lessons and embeds keep nothing).
    #[prop_or_default]
    pub keep_draft: bool,
}

const TITLE: Text = t("Scenario as YAML", "시나리오 YAML");
const HELP: Text = t(
    "Kubernetes objects (Nodes, Pods, Deployments, Services, EndpointSlices) plus netlab/v1 Cluster and Route. Paste kubectl get -o yaml output, or edit here; it is checked as you type and applied only when valid.",
    "쿠버네티스 오브젝트(Node, Pod, Deployment, Service, EndpointSlice)와 netlab/v1 Cluster, Route. kubectl get -o yaml 출력을 붙여 넣거나 여기서 편집하세요. 입력하는 동안 검사하고, 유효할 때만 적용합니다.",
);
const APPLY: Text = t("Apply", "적용");
const REVERT: Text = t("Revert", "되돌리기");
const EXPORT: Text = t("Export file", "파일로 내보내기");
const IMPORT: Text = t("Import file ", "파일 가져오기 ");
const VALID: Text = t(
    "Valid: Apply to use it.",
    "유효합니다. 적용을 누르면 사용합니다.",
);
const YAML_LABEL: Text = t("Scenario YAML", "시나리오 YAML");
const CHECKING: Text = t(
    "Checking when you pause typing…",
    "입력을 멈추면 검사합니다…",
);
const RESTORED: Text = t(
    "Unapplied draft restored: the text below is the draft you had not applied when the page was closed. Apply it, or Revert to drop it.",
    "적용하지 않은 초안을 복원했습니다: 아래는 페이지를 닫을 때 적용하지 않았던 초안입니다. 적용하거나, 되돌리기로 버리세요.",
);
const UNREADABLE: Text = t(
    "A kept draft could not be read and was dropped: ",
    "보관된 초안을 읽을 수 없어 버렸습니다: ",
);
const NOT_KEPT: Text = t(
    "This draft is too big to keep in this browser (",
    "이 초안은 너무 커서 이 브라우저에 보관할 수 없습니다 (",
);
const NOT_KEPT_END: Text = t(
    "): it is lost if the page is closed or reloaded before you apply it. Your scenario is kept as it was. ",
    "): 적용하기 전에 페이지를 닫거나 새로 고치면 사라집니다. 시나리오는 그대로 보관됩니다. ",
);

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Where the text stands.
#[derive(Clone, PartialEq)]
enum Check {
    /// The text shows the current scenario.
    Clean,
    /// Edited since the last check; checked after a pause.
    Pending,
    /// Checked: its problems (none: valid).
    Checked(Rc<Vec<Problem>>),
}

/// What became of the draft's keeping.
#[derive(Clone, PartialEq)]
enum Kept {
    Quiet,
    /// Restored after a reload.
    Restored,
    /// A kept draft was unreadable (why).
    Unreadable(String),
    /// Not kept (too big for the storage left, or storage blocked): its
    /// size, and why.
    TooBig(usize, String),
}

thread_local! {
    /// Whether this page has restored a draft already (the notice is for
    /// the first time, not each time the tab is opened again).
    static RESTORED_ONCE: Cell<bool> = const { Cell::new(false) };
}

type Holder = Rc<RefCell<Option<Shared>>>;

/// The text box's text, if it is there.
fn text_of(ed: &Holder) -> Option<String> {
    ed.borrow().as_ref().map(|e| e.borrow().text())
}

fn set_text(ed: &Holder, text: &str) {
    if let Some(e) = ed.borrow().as_ref() {
        e.borrow_mut().set_text(text);
    }
}

#[function_component(YamlPanel)]
pub fn yaml_panel(p: &YamlProps) -> Html {
    let lang = use_lang();
    let keep = p.keep_draft;
    let root = use_node_ref();
    let area: Holder = (*use_state(Holder::default)).clone();
    let check = use_state_eq(|| Check::Clean);
    let kept = use_state_eq(|| Kept::Quiet);
    // Read by effects and timers, which outlive a render: whether the
    // text is a draft, and the pending check.
    let dirty = use_mut_ref(|| false);
    let timer = use_mut_ref(|| None::<Timeout>);
    // Bumped to show the current scenario again (applied, reverted).
    let reshow = use_state(|| 0u32);

    // Keeps the draft (when this page keeps drafts) and reports how that went.
    let not_kept = use_mut_ref(|| false);
    let keep_text = {
        let kept = kept.clone();
        Rc::new(move |text: &str| {
            if !keep {
                return;
            }
            let result = save_draft(text);
            let was = std::mem::replace(&mut *not_kept.borrow_mut(), result.is_err());
            match result {
                Ok(()) if was => kept.set(Kept::Quiet),
                Ok(()) => {}
                Err(e) => kept.set(Kept::TooBig(text.len(), e)),
            }
        })
    };
    // The check: keep the draft, then parse (the documents that changed
    // since the last check: `Reparser`) and validate it.
    let reparser = use_mut_ref(Reparser::new);
    let run_check = {
        let area = area.clone();
        let check = check.clone();
        let timer = timer.clone();
        let keep_text = keep_text.clone();
        Callback::from(move |()| {
            timer.borrow_mut().take();
            let Some(text) = area.borrow().as_ref().map(|e| e.borrow_mut().tidy_text()) else {
                return;
            };
            keep_text(&text);
            let problems = reparser
                .borrow_mut()
                .load(&text)
                .err()
                .map(|e| e.0)
                .unwrap_or_default();
            check.set(Check::Checked(Rc::new(problems)));
        })
    };
    let schedule = {
        let timer = timer.clone();
        let run_check = run_check.clone();
        move |ms: u32| {
            let run_check = run_check.clone();
            *timer.borrow_mut() = Some(Timeout::new(ms, move || run_check.emit(())));
        }
    };

    let applying = use_mut_ref(|| false);
    let on_input = {
        let dirty = dirty.clone();
        let check = check.clone();
        let schedule = schedule.clone();
        let applying = applying.clone();
        Callback::from(move |()| {
            *applying.borrow_mut() = false;
            *dirty.borrow_mut() = true;
            check.set(Check::Pending);
            schedule(CHECK_AFTER_MS);
        })
    };
    // On mount: the text box (`chunks::Editor`, which reports each edit).
    {
        let (area, root, on_input) = (area.clone(), root.clone(), on_input.clone());
        let label = YAML_LABEL.get(lang);
        use_effect_with((), move |_| {
            if let Some(el) = root.cast::<HtmlElement>() {
                *area.borrow_mut() = Some(Editor::new(el, label, on_input));
            }
            move || drop(area.borrow_mut().take())
        });
    }
    // Its name and validity follow the language and the check.
    {
        let area = area.clone();
        let label = YAML_LABEL.get(lang);
        use_effect_with((label, problems_bad(&check)), move |(label, bad)| {
            if let Some(e) = area.borrow().as_ref() {
                let mut e = e.borrow_mut();
                e.set_label(label);
                e.set_invalid(*bad);
            }
        });
    }
    // On mount: a kept draft, if any, is restored (and checked at once).
    {
        let area = area.clone();
        let dirty = dirty.clone();
        let check = check.clone();
        let kept = kept.clone();
        let schedule = schedule.clone();
        let timer = timer.clone();
        let keep_text = keep_text.clone();
        use_effect_with((), move |_| {
            if keep {
                match load_draft() {
                    Ok(Some(text)) => {
                        set_text(&area, &text);
                        *dirty.borrow_mut() = true;
                        check.set(Check::Pending);
                        if !RESTORED_ONCE.with(|r| r.replace(true)) {
                            kept.set(Kept::Restored);
                        }
                        schedule(0);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = clear_draft();
                        kept.set(Kept::Unreadable(e));
                    }
                }
            }
            // Leaving the tab (or the page) before the pause ends keeps
            // the draft anyway.
            let flush = {
                let area = area.clone();
                let timer = timer.clone();
                move || {
                    if timer.borrow_mut().take().is_some() {
                        if let Some(text) = text_of(&area) {
                            keep_text(&text);
                        }
                    }
                }
            };
            let listener = {
                let flush = flush.clone();
                web_sys::window()
                    .map(|w| gloo::events::EventListener::new(&w, "pagehide", move |_| flush()))
            };
            move || {
                flush();
                drop(listener);
            }
        });
    }
    // A new scenario: the applied draft arrived (it is dropped as a
    // draft, and stays in the textarea as typed: it is the new scenario's
    // text, comments and order kept, and writing back its export would
    // make the browser lay out megabytes of text again), or something else
    // changed it (a clean text shows it, a draft stays).
    let applying = use_mut_ref(|| false);
    {
        let area = area.clone();
        let dirty = dirty.clone();
        let applying = applying.clone();
        let (check, kept, timer) = (check.clone(), kept.clone(), timer.clone());
        let current = p.scenario.clone();
        let scenario = Rc::as_ptr(&p.scenario) as usize;
        use_effect_with((scenario, *reshow), move |_| {
            let applied = std::mem::take(&mut *applying.borrow_mut());
            if applied {
                timer.borrow_mut().take();
                *dirty.borrow_mut() = false;
                if keep {
                    let _ = clear_draft();
                }
                check.set(Check::Clean);
                kept.set(Kept::Quiet);
            }
            if !applied && !*dirty.borrow() {
                set_text(&area, &current.to_yaml());
            }
        });
    }

    // Applied: the text is loaded as a file import is; the draft is
    // dropped when the new scenario arrives (above), and stays if the
    // import is refused.
    let apply = {
        let d = p.ondispatch.clone();
        let area = area.clone();
        let applying = applying.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = text_of(&area) {
                *applying.borrow_mut() = true;
                d.emit(Action::Import(t));
            }
        })
    };
    // Back to the current scenario: the draft is dropped.
    let revert = {
        let dirty = dirty.clone();
        let check = check.clone();
        let kept = kept.clone();
        let timer = timer.clone();
        let reshow = reshow.clone();
        Callback::from(move |_: MouseEvent| {
            timer.borrow_mut().take();
            *dirty.borrow_mut() = false;
            *applying.borrow_mut() = false;
            if keep {
                let _ = clear_draft();
            }
            check.set(Check::Clean);
            kept.set(Kept::Quiet);
            reshow.set(reshow.wrapping_add(1));
        })
    };
    let export = {
        let current = p.scenario.clone();
        Callback::from(move |_: MouseEvent| download("scenario.yaml", &current.to_yaml()))
    };
    let dismiss = {
        let kept = kept.clone();
        Callback::from(move |_: MouseEvent| kept.set(Kept::Quiet))
    };
    let on_file = {
        let d = p.ondispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(v) => d.emit(Action::Import(v.as_string().unwrap_or_default())),
                    Err(_) => d.emit(Action::Import(String::new())),
                }
            });
        })
    };
    let dirty_now = *check != Check::Clean;
    let (valid, problems) = match &*check {
        Check::Checked(p) => (p.is_empty(), Some(p.clone())),
        _ => (false, None),
    };
    let kept_note = match &*kept {
        Kept::Quiet => None,
        Kept::Restored => Some((false, RESTORED.get(lang).to_string())),
        Kept::Unreadable(e) => Some((true, [UNREADABLE.get(lang), e].concat())),
        Kept::TooBig(bytes, e) => Some((
            true,
            [
                NOT_KEPT.get(lang),
                &size_words(*bytes),
                NOT_KEPT_END.get(lang),
                e,
            ]
            .concat(),
        )),
    };
    html! {
        <section class="panel yaml" aria-labelledby="yaml-h">
            <h2 id="yaml-h">{ TITLE.get(lang) }</h2>
            <p class="muted small">{ HELP.get(lang) }</p>
            if let Some((bad, text)) = kept_note {
                <div class={classes!("notice", "draft-note", bad.then_some("bad"))} id="yaml-draft-note" role="status">
                    <p>{ text }</p>
                    <button type="button" class="dismiss" onclick={dismiss} aria-label={t("Dismiss", "닫기").get(lang)}>{ "×" }</button>
                </div>
            }
            <div class="buttons">
                <button type="button" class="primary" id="yaml-apply" onclick={apply} disabled={!dirty_now || !valid}>{ APPLY.get(lang) }</button>
                <button type="button" id="yaml-revert" onclick={revert} disabled={!dirty_now}>{ REVERT.get(lang) }</button>
                <button type="button" id="export" onclick={export}>{ EXPORT.get(lang) }</button>
                <label class="file">{ IMPORT.get(lang) }<input type="file" id="import-file" accept=".yaml,.yml,.json,text/yaml,application/json" onchange={on_file} /></label>
            </div>
            { match (&*check, problems) {
                (Check::Pending, _) => html! { <p class="muted small" id="yaml-status" role="status">{ CHECKING.get(lang) }</p> },
                (_, Some(p)) if !p.is_empty() => html! {
                    <ProblemList id="yaml-problems" class="problems" role="alert"
                        items={p.iter().map(ToString::to_string).collect::<Vec<_>>()} />
                },
                (Check::Checked(_), _) => html! { <p class="ok small" id="yaml-status" role="status">{ VALID.get(lang) }</p> },
                _ => html! {},
            } }
            <div id="yaml-editor" class="yaml-editor" ref={root} />
        </section>
    }
}

fn problems_bad(c: &Check) -> bool {
    matches!(c, Check::Checked(p) if !p.is_empty())
}
