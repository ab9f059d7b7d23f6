//! The app: which page the address asks for (`route`), the page's
//! language (provided to every component as a `ContextProvider<Lang>`),
//! and the pages: the playground (the user's work, kept in local storage),
//! the tutorial's lessons and index, and the embed view (`embed`). Each
//! page owns its state (one reducer) and shows it in a `Workbench`.
//! Browser-only.

use super::embed::EmbedPage;
use super::i18n::{t, use_lang, Lang};
use super::keep;
use super::lessons;
use super::route::{self, Page};
use super::state::{Action, State};
use super::tutorial::{LessonIndex, LessonPanel};
use super::workbench::{lang_switch, Chrome, Workbench};
use std::rc::Rc;
use yew::prelude::*;

/// The page the address asks for.
fn current_page() -> Page {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Page::Playground;
    };
    let search = location.search().unwrap_or_default();
    let params: Vec<(String, String)> = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| js_sys::try_iter(&p).ok().flatten())
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.ok()?.into();
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect();
    let hash = location.hash().unwrap_or_default();
    route::page(&params, hash.trim_start_matches('#'))
}

/// Sets the page's `lang` (screen readers change voice); called as the
/// app renders (idempotent, and cheaper in the wasm than an effect).
fn set_doc_lang(lang: Lang) {
    if let Some(e) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = e.set_attribute("lang", lang.code());
    }
}

/// The reader's language: a saved choice, else the browser's.
fn preferred_lang() -> Lang {
    if let Ok(Some(l)) = super::storage::load_pref("lang") {
        return Lang::from_tag(&l);
    }
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|l| Lang::from_tag(&l))
        .unwrap_or_default()
}

/// The page, in its language: an embed's `data-lang`, else the reader's
/// (see [`preferred_lang`]) until the switch changes it. The language is
/// provided once, here; components read it with `i18n::use_lang`, and a
/// switch re-renders each of them. The document's `lang` follows.
#[function_component(App)]
pub fn app() -> Html {
    let page = use_memo((), |_| current_page());
    let lang = use_state(|| match &*page {
        Page::Embed(options) => options
            .lang
            .as_deref()
            .map_or_else(preferred_lang, Lang::from_tag),
        _ => preferred_lang(),
    });
    set_doc_lang(*lang);
    // The switch: the choice is remembered (pref `lang`) and provided.
    let onlang = Callback::from({
        let lang = lang.clone();
        move |l: Lang| {
            let _ = super::storage::save_pref("lang", l.code());
            lang.set(l)
        }
    });
    let body = match &*page {
        Page::Embed(options) => html! { <EmbedPage options={options.clone()} /> },
        Page::Playground => html! { <PlaygroundPage {onlang} /> },
        Page::Lesson(id) => html! { <LessonPage id={id.clone()} {onlang} /> },
        Page::Tutorial => html! { <TutorialPage {onlang} /> },
    };
    html! { <ContextProvider<Lang> context={*lang}>{ body }</ContextProvider<Lang>> }
}

/// A page with the language switch: how it reports the reader's choice.
#[derive(Properties, PartialEq)]
struct SwitchProps {
    onlang: Callback<Lang>,
}

/// Lesson ids done, as saved in this browser.
fn lessons_done() -> Vec<String> {
    super::storage::load_pref("lessons-done")
        .ok()
        .flatten()
        .map(|s| {
            s.split(',')
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The tutorial's header: the way back to the playground and the index,
/// and the language switch (remembered).
#[function_component(TutorialBar)]
fn tutorial_bar(p: &SwitchProps) -> Html {
    let lang = use_lang();
    let (playground, index) = match lang {
        Lang::En => ("Playground", "All lessons"),
        Lang::Ko => ("플레이그라운드", "전체 레슨"),
    };
    html! {
        <header class="top">
            <div class="brand"><h1><a href="?">{ "k8s-netlab" }</a></h1></div>
            <nav class="toolbar" aria-label="Tutorial">
                <a href="?tutorial" id="tutorial-index">{ index }</a>
                <a href="?" id="to-playground">{ playground }</a>
                { lang_switch(lang, &p.onlang) }
            </nav>
        </header>
    }
}

#[derive(Properties, PartialEq)]
struct LessonPageProps {
    id: String,
    onlang: Callback<Lang>,
}

/// One lesson beside a live playground in the lesson's state (its own:
/// the playground's saved work is not touched).
#[function_component(LessonPage)]
fn lesson_page(p: &LessonPageProps) -> Html {
    let lang = use_lang();
    let found = lessons::lesson(&p.id);
    // The lesson's step, its request filled in and nothing traced: the
    // learner sends.
    let state = use_reducer(move || found.map_or_else(State::new, |(_, l)| lessons::start(l)));
    let done = use_state(lessons_done);
    // "Done before" is progress from an earlier visit, as the page opened.
    let done_at_open = use_state(lessons_done);
    let Some((index, lesson)) = found else {
        return html! {
            <>
                <TutorialBar onlang={p.onlang.clone()} />
                <main class="tutorial">
                    <p class="notice bad" role="alert">
                        { t("There is no lesson ", "없는 레슨입니다: ").get(lang) }{ format!("{:?}.", p.id) }</p>
                    <LessonIndex done={(*done).clone()} />
                </main>
            </>
        };
    };
    // Progress: a passed check is remembered.
    let passed = (lesson.check)(&state);
    {
        let done = done.clone();
        use_effect_with(passed, move |passed| {
            if *passed && !done.iter().any(|d| d == lesson.id) {
                let mut next = (*done).clone();
                next.push(lesson.id.to_string());
                let _ = super::storage::save_pref("lessons-done", &next.join(","));
                done.set(next);
            }
        });
    }
    let onreset = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(lessons::begin(lesson)))
    };
    let open_section = lesson.change.and_then(|c| c.section());
    html! {
        <div class="lesson-shell" lang={lang.code()}>
            <TutorialBar onlang={p.onlang.clone()} />
            <div class="lesson-page">
                <LessonPanel {index} state={Rc::new((*state).clone())}
                    done_before={done_at_open.iter().any(|d| d == lesson.id)} {onreset} />
                <div class="lesson-play">
                    <Workbench {state} chrome={Chrome { toolbar: false, edit: true, contain: false }}
                        {open_section} />
                </div>
            </div>
        </div>
    }
}

/// The list of lessons.
#[function_component(TutorialPage)]
fn tutorial_page(p: &SwitchProps) -> Html {
    let lang = use_lang();
    html! {
        <div lang={lang.code()}>
            <TutorialBar onlang={p.onlang.clone()} />
            <main class="tutorial">
                <LessonIndex done={lessons_done()} />
            </main>
        </div>
    }
}

/// The playground: the user's own work, kept in the browser.
#[function_component(PlaygroundPage)]
fn playground_page(p: &SwitchProps) -> Html {
    let state = use_reducer(State::new);
    let dispatch: Callback<Action> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };
    // Start-up: the saved workspace, then a share link in the fragment
    // (which asks before replacing saved work).
    {
        let d = dispatch.clone();
        use_effect_with((), move |_| {
            keep::start_up(d);
        });
    }
    // A share link pasted into the address bar of the open page: offered,
    // never opened over the current work without asking.
    {
        let d = dispatch.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "hashchange", move |_| {
                    keep::open_fragment(d.clone(), None, true)
                })
            });
            move || drop(listener)
        });
    }
    // Autosave, keyed on the revision (every change of the scenario or the
    // request); nothing is written before the first change. Off the frame:
    // the edit is drawn first and written out (YAML, then local storage:
    // ~150 ms on a 1,000-node cluster) a frame later, once for a run of
    // edits; a page being left writes what is pending at once.
    {
        let saver = use_mut_ref(keep::Autosave::default);
        let snapshot = keep::Snapshot::of(&state);
        let d = dispatch.clone();
        let s = saver.clone();
        use_effect_with(state.revision, move |rev| {
            if *rev > 0 {
                keep::Autosave::schedule(&s, snapshot, d);
            }
        });
        use_effect_with((), move |_| {
            let flush = saver.clone();
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "pagehide", move |_| {
                    keep::Autosave::flush(&flush)
                })
            });
            move || {
                drop(listener);
                keep::Autosave::flush(&saver);
            }
        });
    }

    html! { <Workbench {state} chrome={Chrome::FULL} onlang={p.onlang.clone()} keep_draft=true /> }
}
