//! Components in headless chromium (wasm-bindgen-test): each is rendered
//! into its own element, driven through the DOM, and checked by what it
//! shows and what it dispatches. `scripts/web-test.sh` runs them; native
//! `cargo test` compiles this file to nothing.

// Tests sort as they like: clippy.toml's one-sort rule is for the
// crate's wasm size.
#![allow(clippy::disallowed_methods)]
#![cfg(target_arch = "wasm32")]

use k8s_netlab::engine::topology::Topology;
use k8s_netlab::model::{self, Scenario};
use k8s_netlab::ui::editor::{EditorPanel, EditorProps};
use k8s_netlab::ui::i18n::Lang;
use k8s_netlab::ui::layout::{layout, LayoutOptions};
use k8s_netlab::ui::rules::{RulesPanel, RulesProps};
use k8s_netlab::ui::state::{Action, State, TraceSpec};
use k8s_netlab::ui::topology::{TopologyProps, TopologyView};
use k8s_netlab::ui::trace_view::{TracePanel, TracePanelProps};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::context::ContextProviderProps;
use yew::{html, AppHandle, Callback, ContextProvider, Html, Renderer};

wasm_bindgen_test_configure!(run_in_browser);

fn root() -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let el = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

/// `body` rendered into `el` in `lang`, provided as the app provides it
/// (components read the language from the context, not from props).
fn render_in(el: &Element, lang: Lang, body: Html) -> AppHandle<ContextProvider<Lang>> {
    Renderer::<ContextProvider<Lang>>::with_root_and_props(
        el.clone(),
        ContextProviderProps {
            context: lang,
            children: body,
        },
    )
    .render()
}

/// A callback that records what it is given.
fn recorder<T: 'static>() -> (Callback<T>, Rc<RefCell<Vec<T>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let s = seen.clone();
    (Callback::from(move |x| s.borrow_mut().push(x)), seen)
}

fn all(el: &Element, selector: &str) -> Vec<Element> {
    let list = el.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into::<Element>().unwrap())
        .collect()
}

fn one(el: &Element, selector: &str) -> Element {
    el.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} is rendered"))
}

/// A click as a user makes it (bubbling, so that yew's delegated listener
/// sees it; SVG elements have no `click()`).
fn click(el: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let e = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&e).unwrap();
}

#[wasm_bindgen_test]
async fn the_drawing_shows_every_device_and_clicks_pick_them() {
    let s = model::default_scenario();
    let l = Rc::new(layout(
        &Topology::build(&s, &[]),
        &s,
        &LayoutOptions::default(),
    ));
    let (onpick, picked) = recorder::<String>();
    let (ontoggle, _) = recorder::<String>();
    let el = root();
    let props = TopologyProps {
        layout: l,
        trace: None,
        step: 0,
        path: vec![],
        packet: None,
        reply: false,
        selected_node: Some("node-2".into()),
        highlight: vec!["pod/client".into()],
        onpick,
        ontoggle,
        view: None,
        size: None,
    };
    render_in(&el, Lang::En, html! { <TopologyView ..props /> });
    yew::scheduler::flush().await;
    let devices: Vec<String> = all(&el, "[data-device]")
        .iter()
        .filter_map(|e| e.get_attribute("data-device"))
        .collect();
    for d in [
        "internet",
        "router/vpc",
        "node/node-1",
        "pod/client",
        "pod/web-2",
    ] {
        assert!(devices.iter().any(|x| x == d), "{d} in {devices:?}");
    }
    assert!(
        one(&el, "g.node.selected")
            .get_attribute("data-device")
            .unwrap()
            == "node/node-2"
    );
    assert!(one(&el, "g.hl").get_attribute("data-device").unwrap() == "pod/client");
    click(&one(&el, "g[data-device=\"pod/web-1\"]"));
    assert_eq!(*picked.borrow(), vec!["pod/web-1".to_string()]);
}

/// The drawing with the story's whole trace: the DNAT callout with its
/// chain, the reverse NAT, a delivered path; stepped back before the DNAT
/// hop, no callout.
#[wasm_bindgen_test]
async fn the_drawing_tells_the_story_of_a_trace() {
    let s = run_state();
    let tr = s.run.as_ref().unwrap().trace.clone().unwrap();
    let topo = Topology::build(&s.scenario, &[]);
    let l = Rc::new(layout(
        &topo,
        &s.scenario,
        &LayoutOptions {
            room: k8s_netlab::ui::story::room(&topo, &tr),
            ..LayoutOptions::default()
        },
    ));
    let props = |step: usize| TopologyProps {
        layout: l.clone(),
        trace: Some(tr.clone()),
        step,
        path: vec![],
        packet: None,
        reply: false,
        selected_node: None,
        highlight: vec![],
        onpick: Callback::noop(),
        ontoggle: Callback::noop(),
        view: None,
        size: None,
    };
    let el = root();
    let whole = props(tr.hops.len());
    render_in(&el, Lang::En, html! { <TopologyView ..whole /> });
    yew::scheduler::flush().await;
    let dnat = one(&el, ".callout.dnat").text_content().unwrap();
    assert!(dnat.starts_with("DNAT 10.3.241.152:80 → 10.0."), "{dnat}");
    assert!(dnat.contains("KUBE-SEP-"), "{dnat}");
    assert_eq!(all(&el, ".callout.undnat").len(), 1);
    assert!(!all(&el, "polyline.trail.delivered").is_empty());
    assert!(all(&el, ".marker").is_empty());
    assert_eq!(all(&el, ".legend .entry").len(), 4);
    assert!(one(&el, "g.net")
        .text_content()
        .unwrap()
        .contains("10.3.240.0/20"));

    let el = root();
    let early = props(2);
    render_in(&el, Lang::En, html! { <TopologyView ..early /> });
    yew::scheduler::flush().await;
    assert!(all(&el, ".callout").is_empty());
    assert!(all(&el, "polyline.trail.delivered").is_empty());
}

fn run_state() -> State {
    let mut s = State::new();
    s.apply(Action::Send);
    s
}

/// The trace panel showing `s`'s whole trace, rendered and flushed.
async fn trace_panel(s: &State, ondispatch: Callback<Action>, lang: Lang) -> Element {
    let el = root();
    let props = TracePanelProps {
        scenario: s.scenario.clone(),
        spec: s.spec.clone(),
        run: s.run.clone().map(|mut r| {
            r.step = r.hops();
            r.playing = false;
            r
        }),
        spread: None,
        sources: Rc::new(k8s_netlab::engine::addressing::sources(&s.scenario)),
        destinations: Rc::new(k8s_netlab::engine::addressing::destinations(&s.scenario)),
        ondispatch,
        every_hop: s.every_hop,
        predict: s.predict,
        speed: s.speed,
    };
    render_in(&el, lang, html! { <TracePanel ..props /> });
    yew::scheduler::flush().await;
    el
}

#[wasm_bindgen_test]
async fn the_trace_panel_lists_hops_in_order_and_steps_back() {
    let s = run_state();
    let t = s.trace().unwrap().clone();
    let (ondispatch, seen) = recorder::<Action>();
    let el = trace_panel(&s, ondispatch, Lang::En).await;
    let hops = all(&el, "ol.hops > li");
    assert_eq!(hops.len(), t.hops.len());
    assert_eq!(
        hops[0].get_attribute("data-device").as_deref(),
        Some("pod/client")
    );
    let verdict = one(&el, "#verdict");
    assert_eq!(
        verdict.get_attribute("data-verdict").as_deref(),
        Some("delivered")
    );
    assert!(verdict
        .text_content()
        .unwrap()
        .starts_with("Delivered to pod/web-"));
    assert!(all(&el, "li.hop.nat").len() >= 2, "DNAT there, un-NAT back");
    // By default, device-level steps, each holding its hops; the last one
    // is current, and each leg's end is marked.
    let steps = all(&el, "ol.steps > li.step");
    assert_eq!(steps.len(), k8s_netlab::ui::steps::groups(&t.hops).len());
    assert_eq!(
        steps
            .last()
            .unwrap()
            .get_attribute("aria-current")
            .as_deref(),
        Some("step")
    );
    assert_eq!(all(&el, "[aria-current]").len(), 1);
    assert_eq!(all(&el, "li.step > .mark.delivered").len(), 2);
    // Every player button says what it does, and how from the keyboard.
    for b in all(&el, ".player button") {
        assert!(b.get_attribute("title").is_some_and(|t| !t.is_empty()));
    }
    click(&one(&el, "button[aria-label=\"Back one step\"]"));
    assert_eq!(*seen.borrow(), vec![Action::Back]);
    // The datalists offer the scenario's sources.
    let options: Vec<String> = all(&el, "#sources option")
        .iter()
        .filter_map(|o| o.get_attribute("value"))
        .collect();
    assert!(options.contains(&"pod/client".to_string()), "{options:?}");
}

#[wasm_bindgen_test]
async fn the_trace_panel_shows_every_hop_when_asked() {
    let mut s = run_state();
    s.apply(Action::SetEveryHop(true));
    let t = s.trace().unwrap().clone();
    let (ondispatch, seen) = recorder::<Action>();
    let el = trace_panel(&s, ondispatch, Lang::En).await;
    assert!(all(&el, "ol.steps").is_empty());
    let hops = all(&el, "#hop-list > ol.hops > li");
    assert_eq!(hops.len(), t.hops.len());
    assert_eq!(
        hops.last()
            .unwrap()
            .get_attribute("aria-current")
            .as_deref(),
        Some("step")
    );
    assert_eq!(
        one(&el, "#step-count").text_content().unwrap(),
        format!("hop {} of {}", t.hops.len(), t.hops.len())
    );
    click(&one(&el, "#every-hop"));
    assert_eq!(*seen.borrow(), vec![Action::SetEveryHop(false)]);
}

fn hangul(s: &str) -> bool {
    s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
}

#[wasm_bindgen_test]
async fn the_trace_panel_speaks_korean() {
    let s = run_state();
    let (ondispatch, seen) = recorder::<Action>();
    let el = trace_panel(&s, ondispatch, Lang::Ko).await;
    assert_eq!(one(&el, "#trace-h").text_content().unwrap(), "패킷 보내기");
    let send = one(&el, "form.request button[type=submit]");
    assert_eq!(send.text_content().unwrap(), "보내기");
    let verdict = one(&el, "#verdict");
    // The attribute the tests and styles read stays the same.
    assert_eq!(
        verdict.get_attribute("data-verdict").as_deref(),
        Some("delivered")
    );
    let text = verdict.text_content().unwrap();
    assert!(
        text.starts_with("pod/web-") && text.contains("에 전달됨"),
        "{text}"
    );
    assert!(hangul(
        &one(&el, ".player").get_attribute("aria-label").unwrap()
    ));
    click(&one(&el, "button[aria-label=\"한 단계 뒤로\"]"));
    assert_eq!(seen.borrow().len(), 1);
    assert!(all(&el, "button[aria-label=\"Back one step\"]").is_empty());
    assert!(hangul(
        &one(&el, "button[aria-label=\"한 단계 뒤로\"]")
            .get_attribute("title")
            .unwrap()
    ));
}

#[wasm_bindgen_test]
async fn the_rules_panel_marks_what_the_trace_matched() {
    let s = run_state();
    let (ondispatch, seen) = recorder::<Action>();
    let el = root();
    let props = RulesProps {
        scenario: s.scenario.clone(),
        node: Some("node-1".into()),
        trace: s.run.as_ref().and_then(|r| r.trace.clone().ok()),
        ondispatch,
    };
    render_in(&el, Lang::En, html! { <RulesPanel ..props /> });
    yew::scheduler::flush().await;
    let hits = all(&el, "mark.hit");
    assert!(hits.len() >= 3, "{} marked lines", hits.len());
    let mut order: Vec<usize> = hits
        .iter()
        .flat_map(|h| {
            h.get_attribute("data-order")
                .unwrap()
                .split(',')
                .map(|n| n.parse::<usize>().unwrap())
                .collect::<Vec<_>>()
        })
        .collect();
    order.sort();
    assert_eq!(
        order,
        (1..=order.len()).collect::<Vec<_>>(),
        "numbered in match order"
    );
    assert!(hits
        .iter()
        .any(|h| h.text_content().unwrap().contains("DNAT")));
    let select = one(&el, "#rules-node")
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    select.set_value("node-3");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    assert_eq!(
        *seen.borrow(),
        vec![Action::SelectNode(Some("node-3".into()))]
    );
}

async fn set(i: &Element, v: &str) {
    let i = i.dyn_ref::<HtmlInputElement>().unwrap();
    i.set_value(v);
    i.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn the_editor_names_a_bad_field_and_applies_a_good_one() {
    let s: Rc<Scenario> = Rc::new(model::default_scenario());
    let (ondispatch, seen) = recorder::<Action>();
    let el = root();
    let props = EditorProps {
        scenario: s.into(),
        ondispatch,
        open: None,
    };
    render_in(&el, Lang::En, html! { <EditorPanel ..props /> });
    yew::scheduler::flush().await;
    let form = all(&el, "form.editor-form")
        .into_iter()
        .find(|f| f.get_attribute("aria-label").as_deref() == Some("Add a Route"))
        .expect("the route form");
    let inputs = all(&form, "input");
    set(&inputs[0], "to-node-2").await;
    set(&inputs[1], "10.3.240.0/99").await;
    let invalid = all(&form, "[aria-invalid=\"true\"]");
    assert_eq!(invalid.len(), 1, "one field is marked");
    assert!(one(&form, "button[type=submit]").has_attribute("disabled"));
    assert!(form.text_content().unwrap().contains("10.3.240.0/99"));
    set(&inputs[1], "10.3.240.0/20").await;
    assert!(all(&form, "[aria-invalid=\"true\"]").is_empty());
    let next_hop = one(&form, "select")
        .dyn_into::<HtmlSelectElement>()
        .unwrap();
    next_hop.set_value("node-2");
    next_hop
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    click(&one(&form, "button[type=submit]"));
    yew::scheduler::flush().await;
    let seen = seen.borrow();
    assert_eq!(seen.len(), 1, "one edit dispatched");
    let Action::Edit(edit) = &seen[0] else {
        panic!("an edit: {:?}", seen[0]);
    };
    let after = model::edit::apply(&model::default_scenario(), edit).unwrap();
    assert_eq!(
        after.scenario.routes[0].destination.to_string(),
        "10.3.240.0/20"
    );
}

#[wasm_bindgen_test]
async fn spec_defaults_match_the_first_preset() {
    let spec = TraceSpec::default();
    assert_eq!(spec.from, model::presets::PRESETS[0].from);
}

#[wasm_bindgen_test]
async fn a_lesson_shows_its_task_and_checks_the_live_state() {
    use k8s_netlab::ui::i18n::Lang;
    use k8s_netlab::ui::lessons::{lesson, LESSONS};
    use k8s_netlab::ui::tutorial::{LessonPanel, LessonPanelProps};
    let (i, l) = lesson("external-clusterip").unwrap();
    let mut s = k8s_netlab::ui::lessons::start(l);
    let (onreset, resets) = recorder::<()>();
    let el = root();
    // The lesson in a language, as the app provides it.
    let in_lang = |state: State, lang: Lang, onreset: Callback<()>| {
        let props = LessonPanelProps {
            index: i,
            state: Rc::new(state).into(),
            done_before: false,
            onreset,
        };
        ContextProviderProps {
            context: lang,
            children: html! { <LessonPanel ..props /> },
        }
    };
    let mut r = Renderer::<ContextProvider<Lang>>::with_root_and_props(
        el.clone(),
        in_lang(s.clone(), Lang::En, onreset.clone()),
    )
    .render();
    yew::scheduler::flush().await;
    let text = el.text_content().unwrap();
    assert!(
        text.contains(&format!("Lesson {} of {}", i + 1, LESSONS.len())),
        "{text}"
    );
    assert!(text.contains(l.task.en));
    let check = one(&el, "#lesson-check");
    assert_eq!(check.get_attribute("role").as_deref(), Some("status"));
    assert_eq!(check.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(check.get_attribute("data-done").as_deref(), Some("false"));
    assert_eq!(
        one(&el, "#lesson-prev").get_attribute("href").as_deref(),
        Some(format!("?lesson={}", LESSONS[i - 1].id).as_str())
    );
    assert_eq!(
        one(&el, "#lesson-next").get_attribute("href").as_deref(),
        Some(format!("?lesson={}", LESSONS[i + 1].id).as_str())
    );
    assert!(all(&el, "[style]").is_empty(), "no inline styles (CSP)");
    click(&one(&el, "#lesson-reset"));
    yew::scheduler::flush().await;
    assert_eq!(resets.borrow().len(), 1);
    // The learner sends and watches: the check passes, in Korean too.
    s.apply(Action::SetSpec(TraceSpec {
        from: "internet".into(),
        to: "svc/web:80".into(),
        ..s.spec.clone()
    }));
    s.apply(Action::Send);
    s.apply(Action::StepTo(usize::MAX));
    // Switching the language (the app's provider) re-renders the lesson.
    r.update(in_lang(s, Lang::Ko, onreset));
    yew::scheduler::flush().await;
    let check = one(&el, "#lesson-check");
    assert_eq!(check.get_attribute("data-done").as_deref(), Some("true"));
    assert!(check.text_content().unwrap().contains(l.done.ko));
    assert!(el.text_content().unwrap().contains(l.title.ko));
    // What mattered: where the packet ended, in the engine's words.
    let saw = one(&el, ".lesson-saw li");
    assert_eq!(saw.get_attribute("data-mattered").as_deref(), Some("end"));
    assert!(saw.text_content().unwrap().contains("router/"));
    assert!(el.query_selector(".lesson-done-before").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_first_and_last_lessons_link_one_way_and_the_index_marks_done() {
    use k8s_netlab::ui::i18n::Lang;
    use k8s_netlab::ui::lessons::LESSONS;
    use k8s_netlab::ui::tutorial::{LessonIndex, LessonIndexProps, LessonPanel, LessonPanelProps};
    for (index, prev, next) in [(0, false, true), (LESSONS.len() - 1, true, false)] {
        let el = root();
        let props = LessonPanelProps {
            index,
            state: Rc::new(State::new()).into(),
            done_before: true,
            onreset: Callback::noop(),
        };
        render_in(&el, Lang::En, html! { <LessonPanel ..props /> });
        yew::scheduler::flush().await;
        assert_eq!(el.query_selector("#lesson-prev").unwrap().is_some(), prev);
        assert_eq!(el.query_selector("#lesson-next").unwrap().is_some(), next);
        assert!(el.query_selector(".lesson-done-before").unwrap().is_some());
    }
    let el = root();
    let props = LessonIndexProps {
        done: vec![LESSONS[1].id.to_string()],
    };
    render_in(&el, Lang::En, html! { <LessonIndex ..props /> });
    yew::scheduler::flush().await;
    let links: Vec<String> = all(&el, "li > a")
        .iter()
        .filter_map(|a| a.get_attribute("href"))
        .collect();
    let want: Vec<String> = LESSONS
        .iter()
        .map(|l| format!("?lesson={}", l.id))
        .collect();
    assert_eq!(links, want);
    let done: Vec<String> = all(&el, "li.done")
        .iter()
        .filter_map(|li| li.get_attribute("data-lesson"))
        .collect();
    assert_eq!(done, vec![LESSONS[1].id.to_string()]);
    assert_eq!(all(&el, ".lesson-mark").len(), 1);
}

/// The panel tabs from the keyboard: the arrows wrap, End goes last, and
/// the tab moved to takes the focus.
#[wasm_bindgen_test]
async fn the_tabs_move_with_the_arrow_keys() {
    use k8s_netlab::ui::tabs::{tabs, TabItem, TabsProps};
    let (onselect, chosen) = recorder::<usize>();
    let el = root();
    let props = TabsProps {
        label: "Panels",
        tabs: vec![
            TabItem {
                id: "t-one",
                label: "One",
            },
            TabItem {
                id: "t-two",
                label: "Two",
            },
            TabItem {
                id: "t-three",
                label: "Three",
            },
        ],
        selected: 0,
        controls: "t-panel",
        onselect,
    };
    render_in(&el, Lang::En, tabs(props));
    yew::scheduler::flush().await;
    let list = one(&el, "[role=tablist]");
    let press = |key: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_bubbles(true);
        let e =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        one(&el, "#t-one").dispatch_event(&e).unwrap();
    };
    press("ArrowLeft");
    press("End");
    press("ArrowRight");
    press("Enter");
    assert_eq!(*chosen.borrow(), vec![2, 2, 1]);
    let doc = web_sys::window().unwrap().document().unwrap();
    assert_eq!(doc.active_element().unwrap().id(), "t-two");
    assert_eq!(
        all(&list, "[role=tab]")
            .iter()
            .map(|t| t.get_attribute("tabindex").unwrap())
            .collect::<Vec<_>>(),
        ["0", "-1", "-1"]
    );
}
