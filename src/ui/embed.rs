//! The embed view: the drawing and the trace with no editor chrome (unless
//! `editable`), for documentation pages. `static/embed.js` turns
//! `<div data-netlab=...>` elements into iframes of `index.html?embed&...`;
//! this page loads the scenario it is given, shows the trace it is given,
//! and tells its parent how tall it is (a `netlab:size` message, which
//! embed.js accepts only from its own frames). It never reads or writes the
//! playground's saved work.
//!
//! It is compact: the drawing scaled to the frame, the verdict and the
//! current hop under it, everything else one click away ("All hops and
//! rules"). Its animation starts when it is first on screen. With the
//! embedding page's `origin` it takes commands (`netlab:load`, `send`,
//! `step`, `theme`) from that page alone and sends it `netlab:ready` and
//! `netlab:verdict` (docs/embedding.md).

use super::i18n::{t, use_lang, Lang, Text};
use super::route::{EmbedOptions, Source, Theme};
use super::state::{Action, Message, Run, State, TraceSpec};
use super::trace_view::verdict_sentence;
use super::workbench::{Chrome, Workbench};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

const MORE: Text = t("All hops and rules", "모든 홉과 규칙");
const LESS: Text = t("Compact view", "간단히 보기");

/// Sets a field of a message object.
fn set(o: &js_sys::Object, k: &str, v: impl Into<JsValue>) {
    let _ = js_sys::Reflect::set(o, &k.into(), &v.into());
}

fn get(o: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Sends a message to the embedding page: to its origin only, when
/// embed.js gave it (`*` for the height alone otherwise).
fn post(msg: &js_sys::Object, origin: Option<&str>) {
    let Some(w) = web_sys::window() else { return };
    let Ok(Some(parent)) = w.parent() else { return };
    let _ = parent.post_message(msg, origin.unwrap_or("*"));
}

/// The forced theme as a class on the page's root (`theme-dark`,
/// `theme-light`): the stylesheet's variables follow it.
fn apply_theme(theme: Option<Theme>) {
    if let Some(e) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = e.set_attribute(
            "class",
            &["embed-page ", theme.map_or("", Theme::class)].concat(),
        );
    }
}

/// The verdict event of a run.
fn verdict_message(r: &Run, id: Option<String>, lang: Lang) -> js_sys::Object {
    let m = js_sys::Object::new();
    set(&m, "type", "netlab:verdict");
    if let Some(id) = id {
        set(&m, "id", id);
    }
    match &r.trace {
        Ok(tr) => {
            let v = format!("{:?}", tr.verdict).to_ascii_lowercase();
            set(&m, "verdict", v);
            set(
                &m,
                "delivered_to",
                tr.delivered_to.clone().map_or(JsValue::NULL, JsValue::from),
            );
            set(&m, "ok", tr.succeeded());
            set(
                &m,
                "reason",
                tr.reason_in(lang).map_or(JsValue::NULL, JsValue::from),
            );
            set(&m, "sentence", verdict_sentence(tr, lang));
            set(&m, "request", tr.request.clone());
            set(&m, "hops", tr.hops.len() as u32);
        }
        Err(e) => {
            set(&m, "verdict", "error");
            set(&m, "delivered_to", JsValue::NULL);
            set(&m, "reason", e.clone());
        }
    }
    m
}

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub options: EmbedOptions,
}

/// Sends the document's height to the embedding page (and whether it is
/// the compact view, which fits the height the page reserved) when either
/// changed.
fn post_height(last: &mut (i32, bool), origin: Option<&str>) {
    let Some(d) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(h) = d.document_element().map(|e| e.scroll_height()) else {
        return;
    };
    let compact = d.query_selector(".embed.compact").ok().flatten().is_some();
    if (h, compact) == *last {
        return;
    }
    *last = (h, compact);
    let msg = js_sys::Object::new();
    set(&msg, "type", "netlab:size");
    set(&msg, "height", h);
    set(&msg, "compact", compact);
    post(&msg, origin);
}

/// Tells the embedding page the widget takes commands.
fn post_ready(origin: &Option<String>) {
    if origin.is_some() {
        let m = js_sys::Object::new();
        set(&m, "type", "netlab:ready");
        post(&m, origin.as_deref());
    }
}

/// Fetches a scenario file (same origin only: the page's CSP).
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let w = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(url))
        .await
        .map_err(|_| format!("could not fetch {url} (only this site's own files can be loaded)"))?
        .into();
    if !resp.ok() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(|_| "unreadable response")?)
        .await
        .map_err(|_| format!("{url}: unreadable response"))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

/// Calls `f` once the page is first on screen (an IntersectionObserver on
/// the root, which in a frame sees the top-level viewport); at once where
/// there is no IntersectionObserver.
fn when_visible(f: impl FnOnce() + 'static) -> Option<Closure<dyn FnMut(js_sys::Array)>> {
    let w = web_sys::window()?;
    let root = w.document()?.document_element()?;
    let ctor = get(&w, "IntersectionObserver");
    if !ctor.is_function() {
        f();
        return None;
    }
    let f = Rc::new(Cell::new(Some(f)));
    let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let seen = entries
            .iter()
            .any(|e| get(&e, "isIntersecting").as_bool() == Some(true));
        if seen {
            if let Some(f) = f.take() {
                f();
            }
        }
    });
    let args = js_sys::Array::of1(cb.as_ref());
    let ctor: &js_sys::Function = ctor.unchecked_ref();
    let observer = js_sys::Reflect::construct(ctor, &args).ok()?;
    let observe: js_sys::Function = get(&observer, "observe").dyn_into().ok()?;
    let _ = observe.call1(&observer, &root);
    Some(cb)
}

#[function_component(EmbedPage)]
pub fn embed_page(p: &EmbedProps) -> Html {
    // The page's own `data-lang`, else the reader's language (the app
    // provides it).
    let lang = use_lang();
    let state = use_reducer(State::new);
    let origin = p.options.origin.clone();
    let theme = use_state(|| p.options.theme);
    apply_theme(*theme);
    let more = use_state(|| false);
    // On screen yet (the animation waits for it).
    let visible = use_memo((), |_| Cell::new(false));
    // The id of the host's pending `netlab:send`.
    let pending = use_memo((), |_| std::cell::RefCell::new(None::<String>));
    // The step shown, for `netlab:step` without `to`.
    let step = use_memo((), |_| Cell::new(0usize));
    step.set(state.run.as_ref().map_or(0, |r| r.step));
    {
        let state = state.clone();
        let o = p.options.clone();
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let d = state.dispatcher();
            // The compact view shows the current hop, and the API's `step`
            // counts hops: every hop, whatever the playground's preference
            // (this runs after the workbench has read it).
            d.dispatch(Action::SetEveryHop(true));
            let origin = o.origin.clone();
            let trace = o.trace.clone();
            let show = move |d: &UseReducerDispatcher<State>| {
                if let Some((from, to)) = &trace {
                    d.dispatch(Action::SetSpec(TraceSpec {
                        from: from.clone(),
                        to: to.clone(),
                        ..Default::default()
                    }));
                    d.dispatch(Action::Send);
                }
                // The animation waits until the widget is on screen.
                if !visible.get() {
                    d.dispatch(Action::Pause);
                }
                post_ready(&origin);
            };
            let origin = o.origin.clone();
            match o.source {
                Source::Default => show(&d),
                Source::Preset(id) => {
                    d.dispatch(Action::LoadPreset(id));
                    show(&d);
                }
                Source::Share(fragment) => wasm_bindgen_futures::spawn_local(async move {
                    match crate::ui::share::decode(&fragment).await {
                        Ok(Some(s)) => {
                            d.dispatch(Action::Open(s));
                            show(&d);
                        }
                        Ok(None) => show(&d),
                        Err(e) => {
                            d.dispatch(Action::Say {
                                error: true,
                                text: Message::WidgetLink(e.to_string()),
                            });
                            post_ready(&origin);
                        }
                    }
                }),
                Source::Url(url) => wasm_bindgen_futures::spawn_local(async move {
                    match fetch_text(&url).await {
                        Ok(text) => {
                            d.dispatch(Action::Import(text));
                            show(&d);
                        }
                        Err(e) => {
                            d.dispatch(Action::Say {
                                error: true,
                                text: Message::WidgetLoad(e),
                            });
                            post_ready(&origin);
                        }
                    }
                }),
            }
        });
    }
    // The animation starts when the widget is first on screen.
    {
        let d = state.dispatcher();
        let visible = visible.clone();
        use_effect_with((), move |_| {
            let cb = when_visible(move || {
                visible.set(true);
                d.dispatch(Action::Play);
            });
            move || drop(cb)
        });
    }
    // Commands from the embedding page (its origin only).
    {
        let d = state.dispatcher();
        let pending = pending.clone();
        let step = step.clone();
        let theme = theme.clone();
        use_effect_with(origin.clone(), move |origin| {
            let origin = origin.clone();
            let listener = origin.and_then(|origin| {
                let w = web_sys::window()?;
                let parent = w.parent().ok().flatten()?;
                Some(gloo::events::EventListener::new(&w, "message", move |e| {
                    let e: &JsValue = e.as_ref();
                    if get(e, "origin").as_string().as_deref() != Some(origin.as_str())
                        || !js_sys::Object::is(&get(e, "source"), parent.as_ref())
                    {
                        return;
                    }
                    let data = get(e, "data");
                    let text = |k: &str| get(&data, k).as_string();
                    match text("type").as_deref() {
                        Some("netlab:load") => {
                            if let Some(s) = text("scenario") {
                                d.dispatch(Action::Import(s));
                            } else if let Some(id) = text("preset") {
                                d.dispatch(Action::LoadPreset(id));
                            }
                        }
                        Some("netlab:send") => {
                            let (Some(from), Some(to)) = (text("from"), text("to")) else {
                                return;
                            };
                            *pending.borrow_mut() = Some(text("id").unwrap_or_default());
                            d.dispatch(Action::SetSpec(TraceSpec {
                                from,
                                to,
                                ..Default::default()
                            }));
                            d.dispatch(Action::Send);
                        }
                        Some("netlab:step") => {
                            let to = get(&data, "to").as_f64();
                            let n = to.map_or(step.get() + 1, |n| n.clamp(0.0, 1e9) as usize);
                            d.dispatch(Action::StepTo(n));
                        }
                        Some("netlab:theme") => match text("theme").as_deref() {
                            Some("dark") => theme.set(Some(Theme::Dark)),
                            Some("light") => theme.set(Some(Theme::Light)),
                            _ => {}
                        },
                        _ => {}
                    }
                }))
            });
            move || drop(listener)
        });
    }
    // Each new trace's verdict, to the embedding page.
    {
        let key = state.run.as_ref().map(|r| match &r.trace {
            Ok(t) => Ok(Rc::as_ptr(t) as usize),
            Err(e) => Err(e.clone()),
        });
        let run = state.run.clone();
        let origin = origin.clone();
        let pending = pending.clone();
        use_effect_with(key, move |_| {
            if let (Some(r), Some(_)) = (&run, &origin) {
                let id = pending.borrow_mut().take().filter(|i| !i.is_empty());
                post(&verdict_message(r, id, lang), origin.as_deref());
            }
        });
    }
    // The height, whenever it changes (polled: the drawing, the hop list
    // and the panels all change it).
    {
        let origin = origin.clone();
        use_effect_with((), move |_| {
            let mut last = (-1, false);
            post_height(&mut last, origin.as_deref());
            let timer = gloo::timers::callback::Interval::new(250, move || {
                post_height(&mut last, origin.as_deref())
            });
            move || drop(timer)
        });
    }
    let chrome = Chrome {
        toolbar: false,
        edit: p.options.editable,
        contain: true,
    };
    let toggle = {
        let more = more.clone();
        Callback::from(move |_: MouseEvent| more.set(!*more))
    };
    html! {
        <div class={classes!("embed", (!*more).then_some("compact"))} lang={lang.code()}>
            <Workbench state={state} {chrome} />
            <div class="embed-bar">
                <button type="button" class="embed-more" aria-expanded={(*more).to_string()}
                    onclick={toggle}>{ if *more { LESS.get(lang) } else { MORE.get(lang) } }</button>
            </div>
        </div>
    }
}
