//! The embed view: the drawing and the trace with no editor chrome (unless
//! `editable`), for documentation pages. `static/embed.js` turns
//! `<div data-netlab=...>` elements into iframes of `index.html?embed&...`;
//! this page loads the scenario it is given, shows the trace it is given,
//! and tells its parent how tall it is (a `netlab:size` message, which
//! embed.js accepts only from its own frames). It never reads or writes the
//! playground's saved work.

use super::i18n::Lang;
use super::route::{EmbedOptions, Source};
use super::state::{Action, Message, State};
use super::workbench::{preferred_lang, set_doc_lang, Chrome, Workbench};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub options: EmbedOptions,
}

/// Sends the document's height to the embedding page.
fn post_height(last: &mut i32) {
    let Some(w) = web_sys::window() else { return };
    let Some(h) = w
        .document()
        .and_then(|d| d.document_element())
        .map(|e| e.scroll_height())
    else {
        return;
    };
    if h == *last {
        return;
    }
    *last = h;
    let Ok(Some(parent)) = w.parent() else { return };
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"type".into(), &"netlab:size".into());
    let _ = js_sys::Reflect::set(&msg, &"height".into(), &h.into());
    let _ = parent.post_message(&msg, "*");
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

#[function_component(EmbedPage)]
pub fn embed_page(p: &EmbedProps) -> Html {
    // The page's own `data-lang`, else the reader's language.
    let lang = p
        .options
        .lang
        .as_deref()
        .map_or_else(preferred_lang, Lang::from_tag);
    set_doc_lang(lang);
    let state = use_reducer(State::new);
    {
        let state = state.clone();
        let o = p.options.clone();
        use_effect_with((), move |_| {
            let d = state.dispatcher();
            let trace = o.trace.clone();
            let show = move |d: &UseReducerDispatcher<State>| {
                if let Some((from, to)) = &trace {
                    d.dispatch(Action::SetSpec(crate::ui::state::TraceSpec {
                        from: from.clone(),
                        to: to.clone(),
                        ..Default::default()
                    }));
                    d.dispatch(Action::Send);
                }
            };
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
                        Err(e) => d.dispatch(Action::Say {
                            error: true,
                            text: Message::WidgetLink(e.to_string()),
                        }),
                    }
                }),
                Source::Url(url) => wasm_bindgen_futures::spawn_local(async move {
                    match fetch_text(&url).await {
                        Ok(text) => {
                            d.dispatch(Action::Import(text));
                            show(&d);
                        }
                        Err(e) => d.dispatch(Action::Say {
                            error: true,
                            text: Message::WidgetLoad(e),
                        }),
                    }
                }),
            }
        });
    }
    // The height, whenever it changes (polled: the drawing, the hop list
    // and the panels all change it).
    use_effect_with((), |_| {
        let mut last = -1;
        post_height(&mut last);
        let timer = gloo::timers::callback::Interval::new(250, move || post_height(&mut last));
        move || drop(timer)
    });
    let chrome = Chrome {
        toolbar: false,
        edit: p.options.editable,
    };
    html! {
        <div class="embed" lang={lang.code()}>
            <Workbench state={state} {chrome} {lang} />
        </div>
    }
}
