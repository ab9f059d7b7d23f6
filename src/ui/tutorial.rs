//! The tutorial's components: one lesson beside the live playground, and
//! the list of lessons. They read the playground's [`State`] and dispatch
//! nothing but "start over"; navigation is plain links (`?lesson=ID`,
//! relative, so the page works under any sub-path). Class names only: the
//! page runs under a strict CSP.

use super::by_addr::ByAddr;
use super::i18n::{t, use_lang, Text};
use super::lessons::{what_you_saw, Mattered, LESSONS};
use super::state::State;
use yew::prelude::*;

const LESSON: Text = t("Lesson", "레슨");
const OF: Text = t("of", "/");
const DONE_BEFORE: Text = t("Done before", "완료한 레슨");
const DONE_BEFORE_TITLE: Text = t(
    "You completed this lesson on an earlier visit",
    "이전에 방문했을 때 완료한 레슨입니다",
);
const BACKGROUND: Text = t("Background", "배경");
const YOU_SAW: Text = t("What you just saw", "방금 본 것");
const YOUR_TASK: Text = t("Your task", "해 볼 일");
const NOT_YET: Text = t(
    "Not done yet: do the task, then watch the trace to its verdict.",
    "아직 완료되지 않았습니다. 과제를 해 본 뒤 트레이스가 결과까지 재생되는 것을 지켜보세요.",
);
const PASSED: Text = t("Done: ", "완료: ");
const START_OVER: Text = t("Start over", "처음부터 다시");
const START_OVER_TITLE: Text = t(
    "Load this lesson's scenario again",
    "이 레슨의 시나리오를 다시 불러옵니다",
);
const PREVIOUS: Text = t("Previous", "이전");
const NEXT: Text = t("Next", "다음");
const LESSONS_NAV: Text = t("Lessons", "레슨 목록");
const LESSONS_H: Text = t("Lessons", "레슨");
const DONE: Text = t("done", "완료");

fn href(id: &str) -> String {
    ["?lesson=", id].concat()
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The lesson's place in [`LESSONS`].
    pub index: usize,
    /// The live playground's state.
    pub state: ByAddr<State>,
    /// Completed on an earlier visit (saved progress as the page opened:
    /// a first completion is not "done before").
    pub done_before: bool,
    /// Loads the lesson's preset again.
    pub onreset: Callback<()>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(p: &LessonPanelProps) -> Html {
    let lang = use_lang();
    let Some(l) = LESSONS.get(p.index) else {
        return Html::default();
    };
    let passed = (l.check)(&p.state);
    let count = format!(
        "{} {} {} {}",
        LESSON.get(lang),
        p.index + 1,
        OF.get(lang),
        LESSONS.len()
    );
    let link = |id: &'static str, rel: &'static str, label: Text, to: Option<usize>| {
        to.and_then(|i| LESSONS.get(i)).map(|o| {
            html! {
                <a {id} {rel} href={href(o.id)}>
                    <span class="lesson-nav-label">{ label.get(lang) }</span>
                    <span class="lesson-nav-title">{ o.title.get(lang) }</span>
                </a>
            }
        })
    };
    let reset = {
        let cb = p.onreset.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let saw = passed
        .then(|| p.state.trace().map(|t| what_you_saw(l, t)))
        .flatten()
        .unwrap_or_default();
    html! {
        <article class="lesson" lang={lang.code()} aria-labelledby="lesson-title">
            <div class="lesson-head">
                <p class="lesson-count">
                    { count }
                    if p.done_before {
                        <span class="lesson-done-before" title={DONE_BEFORE_TITLE.get(lang)}>{ DONE_BEFORE.get(lang) }</span>
                    }
                </p>
                <h2 id="lesson-title">{ l.title.get(lang) }</h2>
            </div>
            // Scrolls by itself on wide screens, so that the task and the
            // check stay in view beside the playground.
            <section class="lesson-body" tabindex="0" aria-label={BACKGROUND.get(lang)}>
                { for l.body.iter().map(|b| html! { <p>{ b.get(lang) }</p> }) }
            </section>
            <div class="lesson-task" id="lesson-task">
                <h3>{ YOUR_TASK.get(lang) }</h3>
                <p>{ l.task.get(lang) }</p>
            </div>
            <div id="lesson-check" role="status" aria-live="polite"
                class={classes!("lesson-check", passed.then_some("done"))}
                data-done={if passed { "true" } else { "false" }}>
                if passed {
                    <p><strong>{ PASSED.get(lang) }</strong>{ l.done.get(lang) }</p>
                    if !saw.is_empty() {
                        <div class="lesson-saw">
                            <h3>{ YOU_SAW.get(lang) }</h3>
                            <ul>
                                { for saw.iter().map(|x| html! {
                                    <li data-mattered={format!("{:?}", x.what).to_lowercase()}>
                                        <strong>{ x.head(lang) }</strong>{ ": " }
                                        <span class={classes!((x.what != Mattered::End).then_some("mono"))}>{ x.detail(lang) }</span>
                                        <span class="lesson-saw-place">{ " · " }{ x.place(lang) }</span>
                                    </li>
                                }) }
                            </ul>
                        </div>
                    }
                } else {
                    <p>{ NOT_YET.get(lang) }</p>
                }
            </div>
            <div class="lesson-foot">
                <button type="button" id="lesson-reset" title={START_OVER_TITLE.get(lang)}
                    onclick={reset}>{ START_OVER.get(lang) }</button>
                <nav class="lesson-nav" aria-label={LESSONS_NAV.get(lang)}>
                    { link("lesson-prev", "prev", PREVIOUS, p.index.checked_sub(1)) }
                    { link("lesson-next", "next", NEXT, Some(p.index + 1)) }
                </nav>
            </div>
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonIndexProps {
    /// Ids of the lessons done.
    pub done: Vec<String>,
}

#[function_component(LessonIndex)]
pub fn lesson_index(p: &LessonIndexProps) -> Html {
    let lang = use_lang();
    html! {
        <nav class="lesson-index" lang={lang.code()} aria-labelledby="lesson-index-h">
            <h2 id="lesson-index-h">{ LESSONS_H.get(lang) }</h2>
            <ol>
                { for LESSONS.iter().map(|l| {
                    let done = p.done.iter().any(|d| d == l.id);
                    html! {
                        <li class={classes!(done.then_some("done"))} data-lesson={l.id}>
                            <a href={href(l.id)}>{ l.title.get(lang) }</a>
                            if done {
                                <span class="lesson-mark" title={DONE.get(lang)}>
                                    <span aria-hidden="true">{ "✓" }</span>
                                    <span class="visually-hidden">{ DONE.get(lang) }</span>
                                </span>
                            }
                        </li>
                    }
                }) }
            </ol>
        </nav>
    }
}
