//! The trace panel: what to send, the player, the verdict in one sentence,
//! the hops as an ordered list (request, then reply), conntrack, and
//! "send N" beside the exact probabilities.

use super::compare::{CompareModes, OPEN as COMPARE, OPEN_TITLE as COMPARE_TITLE};
use super::i18n::{t, use_lang, Lang, Text};
use super::predict::Predict;
use super::state::{Action, Run, Speed, Spread, TraceSpec};
use super::steps;
use crate::engine::addressing::{Choice, Label};
use crate::engine::commands::Command;
use crate::engine::paths::{Ending as Outcome, Row as SpreadRow};
use crate::engine::trace::{Hop, Leg, RuleRef, Trace, Verdict};
use crate::model::Protocol;
use std::ops::Range;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracePanelProps {
    /// The scenario (for the comparison of both kube-proxy modes).
    #[prop_or_default]
    pub scenario: Rc<crate::model::Scenario>,
    pub spec: TraceSpec,
    pub run: Option<Run>,
    pub spread: Option<Rc<Spread>>,
    pub sources: Rc<Vec<Choice>>,
    pub destinations: Rc<Vec<Choice>>,
    pub ondispatch: Callback<Action>,
    /// Every hop (true) or device-level steps (false).
    #[prop_or_default]
    pub every_hop: bool,
    #[prop_or_default]
    pub speed: Speed,
    /// Predict mode: questions before hops.
    #[prop_or_default]
    pub predict: bool,
}

const SEND_A_PACKET: Text = t("Send a packet", "패킷 보내기");
const FROM: Text = t("From", "출발지");
const TO: Text = t("To", "목적지");
const PROTOCOL: Text = t("Protocol", "프로토콜");
const PING: Text = t("ICMP (ping)", "ICMP (핑)");
const SEND: Text = t("Send", "보내기");
const ANOTHER: Text = t("Another connection", "다른 연결");
const ANOTHER_TITLE: Text = t(
    "A new connection: kube-proxy's random choice may differ",
    "새 연결: kube-proxy의 무작위 선택이 달라질 수 있습니다",
);
const CONNECTIONS: Text = t("Connections", "연결 수");
const ON_THE_MACHINE: Text = t("See it on the machine: ", "실제 머신에서 보기: ");
const COPY_COMMANDS: Text = t("Copy the commands", "명령 복사");
const PREDICT: Text = t("Predict", "예측하기");
const PREDICT_TITLE: Text = t(
    "Before some hops, guess what happens there; the hop shows after your answer",
    "일부 홉 앞에서 무슨 일이 일어날지 먼저 골라 보세요. 답한 뒤에 홉이 보입니다",
);
const SEND_N: Text = t("Send ", "");
const SEND_N_END: Text = t("", "개 보내기");
const DELIVERED_TO: Text = t("Delivered to ", "");
const DELIVERED_TO_END: Text = t("", "에 전달됨");
const WHICH_SEES: Text = t(", which sees ", ", 서버가 보는 주소: ");
const ANSWER_FROM: Text = t(
    "; the answer reaches the client from ",
    "; 응답은 클라이언트에 다음 주소에서 온 것으로 도착: ",
);
const ANSWER_LOST: Text = t(", but the answer is lost", "에 전달되었지만 응답이 사라짐");
const CANNOT_SEND: Text = t("Cannot send that: ", "보낼 수 없습니다: ");
const SENDING: Text = t(
    "Sending… (step through the hops, or let it play)",
    "보내는 중… (홉을 하나씩 넘기거나 재생하세요)",
);
const PLAYBACK: Text = t("Playback", "재생");
const TO_START: Text = t("To the start", "처음으로");
const TO_START_TITLE: Text = t("To the start: nothing sent yet", "처음으로: 아직 보내기 전");
const BACK: Text = t("Back one step", "한 단계 뒤로");
const BACK_TITLE: Text = t("Back one step (← or k)", "한 단계 뒤로 (← 또는 k)");
const PAUSE: Text = t("Pause", "일시 정지");
const PAUSE_TITLE: Text = t(
    "Pause (Space on the player)",
    "일시 정지 (재생기에서 스페이스)",
);
const PLAY: Text = t("Play", "재생");
const PLAY_TITLE: Text = t("Play (Space on the player)", "재생 (재생기에서 스페이스)");
const FORWARD: Text = t("Forward one step", "한 단계 앞으로");
const FORWARD_TITLE: Text = t("Forward one step (→ or j)", "한 단계 앞으로 (→ 또는 j)");
const TO_END: Text = t("To the end", "끝으로");
const TO_END_TITLE: Text = t(
    "To the end: the whole trace and the verdict",
    "끝으로: 트레이스 전체와 결과",
);
const HOP: Text = t("hop ", "홉 ");
const STEP: Text = t("step ", "단계 ");
const OF: Text = t(" of ", "/");
const SPEED: Text = t("Speed", "속도");
const SPEED_TITLE: Text = t("How fast Play moves", "재생 속도");
const EVERY_HOP: Text = t("Every hop", "모든 홉");
const EVERY_HOP_TITLE: Text = t(
    "Show each hop (routing, netfilter, conntrack) instead of one step per device",
    "장치마다 한 단계 대신 홉(라우팅, netfilter, conntrack)을 하나씩 보기",
);
const STEPS: Text = t("Steps", "단계");
const HOPS_IN: Text = t(
    " hops: routing, rules, conntrack",
    "개 홉: 라우팅, 규칙, conntrack",
);
const ONE_HOP: Text = t("1 hop", "홉 1개");
const NOW: Text = t("Now: ", "지금: ");

fn speed_name(v: Speed) -> Text {
    match v {
        Speed::Slow => t("Slow", "느리게"),
        Speed::Normal => t("Normal", "보통"),
        Speed::Fast => t("Fast", "빠르게"),
    }
}

/// The word beside the hop where a leg ended (not colour alone).
fn end_word(v: Verdict, leg: Leg) -> Text {
    match (v, leg) {
        (Verdict::Delivered, Leg::Request) => t("delivered", "전달됨"),
        (Verdict::Delivered, Leg::Reply) => t("answer delivered", "응답 전달됨"),
        (Verdict::Dropped, _) => t("dropped here", "여기서 드롭됨"),
        (Verdict::Rejected, _) => t("rejected here", "여기서 거부됨"),
        (Verdict::Refused, _) => t("refused here", "여기서 연결 거부됨"),
    }
}

#[cfg(target_arch = "wasm32")]
fn save_pref(key: &str, value: &str) {
    let _ = super::storage::save_pref(key, value);
}
#[cfg(not(target_arch = "wasm32"))]
fn save_pref(_: &str, _: &str) {}

/// An element's top and bottom on screen (`getBoundingClientRect`, read
/// through JS: no extra web-sys feature).
fn rect(el: &web_sys::Element) -> Option<(f64, f64)> {
    use js_sys::{Function, Reflect};
    let f: Function = Reflect::get(el, &"getBoundingClientRect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let r = f.call0(el).ok()?;
    let n = |k: &str| Reflect::get(&r, &k.into()).ok()?.as_f64();
    Some((n("top")?, n("bottom")?))
}

/// Scrolls the hop list (only it, never the page) so that the current
/// step is inside the part of the list on screen.
fn keep_in_view(list: &web_sys::Element) {
    let Some(cur) = list
        .query_selector("[aria-current=\"step\"]")
        .ok()
        .flatten()
    else {
        return;
    };
    if list.scroll_height() <= list.client_height() {
        return; // not a scroll box (a phone's layout): the page holds it
    }
    let win_h = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::MAX);
    let (Some(c), Some(e)) = (rect(list), rect(&cur)) else {
        return;
    };
    // The band of the list that is on screen; the whole list when too
    // little of it is.
    let (mut top, mut bottom) = (c.0.max(0.0), c.1.min(win_h));
    let height = e.1 - e.0;
    if bottom - top < height.min(160.0) {
        (top, bottom) = c;
    }
    let margin = 6.0;
    let delta = if e.0 < top + margin || height > bottom - top - 2.0 * margin {
        e.0 - top - margin
    } else if e.1 > bottom - margin {
        e.1 - bottom + margin
    } else {
        return;
    };
    list.set_scroll_top(list.scroll_top() + delta.round() as i32);
}

const HOPS: Text = t("Hops", "홉");
const CONNTRACK: Text = t(
    "Conntrack entries this connection left",
    "이 연결이 남긴 conntrack 항목",
);
const EVALUATED: Text = t(
    " netfilter rules evaluated along both ways.",
    "개의 netfilter 규칙을 왕복 경로에서 평가했습니다.",
);
const THE_ANSWER: Text = t("The answer", "응답");
const WHERE: Text = t("Where", "도착지");
const SENT: Text = t("Sent", "보냄");
const SHARE: Text = t("Share", "비율");
const EXACT: Text = t("Exact", "정확한 확률");
const BY_END: Text = t("By where they ended", "끝난 곳별");
const BY_NODE: Text = t("By the node they entered", "들어간 노드별");

fn input_value(e: &Event) -> String {
    e.target()
        .map(|t| {
            if let Some(i) = t.dyn_ref::<HtmlInputElement>() {
                i.value()
            } else if let Some(s) = t.dyn_ref::<HtmlSelectElement>() {
                s.value()
            } else {
                String::new()
            }
        })
        .unwrap_or_default()
}

/// Options a request menu offers at most: every choice of a small
/// cluster; of a large one (11,000 pods and nodes, 15,000 Service
/// addresses) those whose value contains what is typed, the first
/// [`OPTIONS`] of them (the browser would show no more than a screenful).
pub const OPTIONS: usize = 200;

/// The choices a menu offers for `typed` (see [`OPTIONS`]).
pub fn offered<'a>(choices: &'a [Choice], typed: &'a str) -> impl Iterator<Item = &'a Choice> {
    let all = choices.len() <= OPTIONS;
    let typed = typed.trim();
    choices
        .iter()
        .filter(move |c| all || c.value.contains(typed))
        .take(OPTIONS)
}

fn options(id: &'static str, choices: &[Choice], typed: &str, lang: Lang) -> Html {
    html! {
        <datalist {id}>
            { for offered(choices, typed).map(|c| html! { <option value={c.value.clone()}>{ label(&c.label, lang) }</option> }) }
        </datalist>
    }
}

#[function_component(TracePanel)]
pub fn trace_panel(p: &TracePanelProps) -> Html {
    let n = use_state(|| 1000u32);
    let comparing = use_state(|| false);
    let lang = use_lang();
    let list = use_node_ref();
    {
        let list = list.clone();
        let key = (
            p.run.as_ref().map(|r| r.step),
            p.every_hop,
            p.run.as_ref().map(Run::hops),
        );
        use_effect_with(key, move |_| {
            if let Some(el) = list.cast::<web_sys::Element>() {
                keep_in_view(&el);
            }
        });
    }
    let spec = p.spec.clone();
    let set = {
        let d = p.ondispatch.clone();
        let spec = spec.clone();
        move |f: fn(&mut TraceSpec, String)| {
            let d = d.clone();
            let spec = spec.clone();
            Callback::from(move |e: Event| {
                let mut s = spec.clone();
                f(&mut s, input_value(&e));
                d.emit(Action::SetSpec(s));
            })
        }
    };
    let on_from = set(|s, v| s.from = v);
    let on_to = set(|s, v| s.to = v);
    let on_proto = set(|s, v| {
        s.proto = match v.as_str() {
            "UDP" => Protocol::Udp,
            "ICMP" => Protocol::Icmp,
            _ => Protocol::Tcp,
        }
    });
    let send = {
        let d = p.ondispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            d.emit(Action::Send)
        })
    };
    let act = |a: Action| {
        let d = p.ondispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let on_n = {
        let n = n.clone();
        Callback::from(move |e: Event| {
            if let Ok(v) = input_value(&e).trim().parse::<u32>() {
                n.set(v.clamp(1, super::state::MAX_SEND));
            }
        })
    };
    // After the rules evaluated: one click to both modes side by side.
    let compare = html! {
        <button type="button" id="compare-modes" aria-expanded={(*comparing).to_string()}
            aria-controls="compare" title={COMPARE_TITLE.get(lang)} onclick={{
            let comparing = comparing.clone();
            Callback::from(move |_: MouseEvent| comparing.set(!*comparing))
        }}>{ COMPARE.get(lang) }</button>
    };
    html! {
        <section class="panel trace" aria-labelledby="trace-h">
            <h2 id="trace-h">{ SEND_A_PACKET.get(lang) }</h2>
            <form class="request" onsubmit={send}>
                <label>{ FROM.get(lang) }
                    <input id="from" list="sources" value={spec.from.clone()} oninput={on_from.reform(InputEvent::into)}
                        autocomplete="off" spellcheck="false" /></label>
                <label>{ TO.get(lang) }
                    <input id="to" list="destinations" value={spec.to.clone()} oninput={on_to.reform(InputEvent::into)}
                        autocomplete="off" spellcheck="false" /></label>
                <label>{ PROTOCOL.get(lang) }
                    <select id="proto" onchange={on_proto}>
                        <option selected={spec.proto == Protocol::Tcp}>{ "TCP" }</option>
                        <option selected={spec.proto == Protocol::Udp}>{ "UDP" }</option>
                        <option value="ICMP" selected={spec.proto == Protocol::Icmp}>{ PING.get(lang) }</option>
                    </select></label>
                { options("sources", &p.sources, &spec.from, lang) }
                { options("destinations", &p.destinations, &spec.to, lang) }
                <div class="buttons">
                    <button type="submit" class="primary">{ SEND.get(lang) }</button>
                    <button type="button" onclick={act(Action::SendAnother)}
                        title={ANOTHER_TITLE.get(lang)}>{ ANOTHER.get(lang) }</button>
                    <label class="predict-switch" title={PREDICT_TITLE.get(lang)}>
                        <input type="checkbox" id="predict" checked={p.predict} onchange={{
                            let d = p.ondispatch.clone();
                            let on = p.predict;
                            Callback::from(move |_: Event| d.emit(Action::SetPredict(!on)))
                        }} />
                        { PREDICT.get(lang) }</label>
                </div>
            </form>
            { p.run.as_ref().map(|r| run_view(r, &View { d: &p.ondispatch, lang, every_hop: p.every_hop, speed: p.speed, list: &list, compare: &compare })).unwrap_or_default() }
            if *comparing {
                <CompareModes scenario={p.scenario.clone()} spec={spec.clone()} onclose={{
                    let comparing = comparing.clone();
                    Callback::from(move |()| comparing.set(false))
                }} />
            }
            <form class="send-n" onsubmit={{
                let d = p.ondispatch.clone();
                let n = *n;
                Callback::from(move |e: SubmitEvent| { e.prevent_default(); d.emit(Action::SendN(n)) })
            }}>
                <label>{ CONNECTIONS.get(lang) }
                    <input id="send-n" type="number" min="1" max="10000" value={n.to_string()} onchange={on_n} /></label>
                <button type="submit">{ SEND_N.get(lang) }{ *n }{ SEND_N_END.get(lang) }</button>
            </form>
            { p.spread.as_ref().map(|s| spread_view(s, lang)).unwrap_or_default() }
        </section>
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Delivered => "delivered",
        Verdict::Dropped => "dropped",
        Verdict::Rejected => "rejected",
        Verdict::Refused => "refused",
    }
}

/// A failed verdict as a sentence's start.
fn verdict_title(v: Verdict) -> Text {
    match v {
        Verdict::Delivered => t("Delivered", "전달됨"),
        Verdict::Dropped => t("Dropped", "드롭됨"),
        Verdict::Rejected => t("Rejected", "거부됨"),
        Verdict::Refused => t("Refused", "연결 거부됨"),
    }
}

/// The verdict in one sentence, in `lang` (with the engine's reason in
/// that language).
pub fn verdict_sentence(t: &Trace, lang: Lang) -> String {
    let mut s = String::new();
    let delivered = |s: &mut String, to: &str| {
        s.push_str(DELIVERED_TO.get(lang));
        s.push_str(to);
        s.push_str(DELIVERED_TO_END.get(lang));
    };
    if t.succeeded() {
        delivered(&mut s, t.delivered_to.as_deref().unwrap_or("?"));
        if let Some(seen) = &t.server_sees {
            s += WHICH_SEES.get(lang);
            s += &format!("{} -> {}", t.addr_text(seen.src), t.addr_text(seen.dst));
        }
        if let Some(cs) = t.reply.as_ref().and_then(|r| r.client_sees.as_ref()) {
            s += ANSWER_FROM.get(lang);
            s += &t.addr_text(cs.src);
        }
    } else {
        match (&t.delivered_to, t.verdict) {
            (Some(d), Verdict::Delivered) => {
                s.push_str(DELIVERED_TO.get(lang));
                s.push_str(d);
                s.push_str(ANSWER_LOST.get(lang));
            }
            _ => s.push_str(verdict_title(t.verdict).get(lang)),
        }
        if let Some(r) = t.reason_in(lang) {
            s += ": ";
            s += &r;
        }
    }
    s + "."
}

/// What the run's view needs besides the run.
struct View<'a> {
    d: &'a Callback<Action>,
    lang: Lang,
    every_hop: bool,
    speed: Speed,
    list: &'a NodeRef,
    /// The button that opens both modes side by side.
    compare: &'a Html,
}

fn run_view(r: &Run, v: &View) -> Html {
    let (d, lang) = (v.d, v.lang);
    let t = match &r.trace {
        Ok(t) => t,
        Err(e) => {
            return html! { <p class="banner bad" role="alert" id="verdict">{ CANNOT_SEND.get(lang) }{ e }</p> }
        }
    };
    let n = t.hops.len();
    let step = r.step;
    let go = |a: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let (class, sentence) = if !r.at_end() {
        (classes!("banner", "pending"), SENDING.get(lang).to_string())
    } else if t.succeeded() {
        (
            classes!("banner", "good", "delivered"),
            verdict_sentence(t, lang),
        )
    } else {
        (
            classes!("banner", "bad", verdict_word(t.verdict)),
            verdict_sentence(t, lang),
        )
    };
    let groups = steps::groups(&t.hops);
    let cur = steps::current(&groups, step);
    let ends = steps::ends(t);
    let end_at = |i: usize| ends.iter().find(|(j, _)| *j == i).map(|(_, v)| *v);
    let reply_start = t.hops.iter().position(|h| h.leg == Leg::Reply);
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = Speed::from_code(&input_value(&e)) {
                save_pref("speed", s.code());
                d.emit(Action::SetSpeed(s));
            }
        })
    };
    let on_every = {
        let d = d.clone();
        let every = v.every_hop;
        Callback::from(move |_: Event| {
            save_pref("every-hop", if every { "0" } else { "1" });
            d.emit(Action::SetEveryHop(!every))
        })
    };
    let on_player_key = {
        let d = d.clone();
        Callback::from(move |e: KeyboardEvent| {
            // Yew delegates events: the target is the player itself when
            // it has the focus (a button's Space stays the button's).
            let on_player = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| el.class_name().split_whitespace().any(|c| c == "player"));
            if on_player && e.key() == " " {
                e.prevent_default();
                d.emit(Action::TogglePlay);
            }
        })
    };
    let (count_word, count_at, count_of) = if v.every_hop {
        (HOP, step, n)
    } else {
        (STEP, cur.map_or(0, |c| c + 1), groups.len())
    };
    let hop_ctx = |i: usize, current: bool| HopCtx {
        i,
        step,
        current,
        reply_start: reply_start == Some(i),
        end: end_at(i).filter(|_| i < step),
        d,
        lang,
        commands: r.commands.get(i).map_or(&[][..], Vec::as_slice),
    };
    html! {
        <>
            <p class={class} id="verdict" role="status" aria-live="polite"
               data-verdict={if r.at_end() { verdict_word(t.verdict) } else { "pending" }}>{ sentence }</p>
            <div class="player-bar">
            <div class="player" role="group" aria-label={PLAYBACK.get(lang)} tabindex="0" onkeydown={on_player_key}>
                <button type="button" onclick={go(Action::StepTo(0))} disabled={step == 0}
                    aria-label={TO_START.get(lang)} title={TO_START_TITLE.get(lang)}>{ "⇤" }</button>
                <button type="button" onclick={go(Action::Back)} disabled={step == 0}
                    aria-label={BACK.get(lang)} title={BACK_TITLE.get(lang)}>{ "←" }</button>
                if r.playing {
                    <button type="button" onclick={go(Action::Pause)} aria-label={PAUSE.get(lang)}
                        title={PAUSE_TITLE.get(lang)}>{ "❚❚" }</button>
                } else {
                    <button type="button" onclick={go(Action::Play)} aria-label={PLAY.get(lang)}
                        title={PLAY_TITLE.get(lang)}>{ "▶" }</button>
                }
                <button type="button" onclick={go(Action::Forward)} disabled={step >= n}
                    aria-label={FORWARD.get(lang)} title={FORWARD_TITLE.get(lang)}>{ "→" }</button>
                <button type="button" onclick={go(Action::StepTo(n))} disabled={step >= n}
                    aria-label={TO_END.get(lang)} title={TO_END_TITLE.get(lang)}>{ "⇥" }</button>
                <span class="count" id="step-count">{ count_word.get(lang) }{ count_at }{ OF.get(lang) }{ count_of }</span>
                <span class="player-opts">
                    <label title={SPEED_TITLE.get(lang)}>{ SPEED.get(lang) }
                        <select id="speed" onchange={on_speed}>
                            { for Speed::ALL.iter().map(|s| html! {
                                <option value={s.code()} selected={*s == v.speed}>{ speed_name(*s).get(lang) }</option>
                            }) }
                        </select></label>
                    <label title={EVERY_HOP_TITLE.get(lang)}>
                        <input type="checkbox" id="every-hop" checked={v.every_hop} onchange={on_every} />
                        { EVERY_HOP.get(lang) }</label>
                </span>
            </div>
            { now_view(t, &groups, cur, step, v.every_hop, lang) }
            </div>
            if let Some(q) = &r.quiz {
                <Predict quiz={q.clone()} trace={Rc::clone(t)} step={step} ondispatch={d.clone()} />
            }
            <div class="hop-list" id="hop-list" ref={v.list.clone()}>
                if v.every_hop {
                    <ol class="hops" aria-label={HOPS.get(lang)}>
                        { for t.hops.iter().enumerate().map(|(i, h)| hop_view(h, &hop_ctx(i, i + 1 == step))) }
                    </ol>
                } else {
                    <ol class="steps" aria-label={STEPS.get(lang)}>
                        { for groups.iter().enumerate().map(|(k, g)| step_view(t, g, k, cur == Some(k), &hop_ctx, lang)) }
                    </ol>
                }
            </div>
            if r.at_end() && !t.conntrack.is_empty() {
                <details class="conntrack" open=true>
                    <summary>{ CONNTRACK.get(lang) }</summary>
                    { for t.conntrack.iter().map(|(node, entries)| html! {
                        <div><h4>{ node }</h4><pre>{ for entries.iter().map(|e| html! { <>{ e }{ "\n" }</> }) }</pre></div>
                    }) }
                </details>
            }
            <p class="small muted evaluated">{ t.rules_evaluated }{ EVALUATED.get(lang) }{ " " }{ v.compare.clone() }</p>
        </>
    }
}

/// The address a step rewrote, as `dst A → B` (or `src`), from the
/// engine's before and after.
fn rewrite_line(h: &Hop) -> Html {
    let mut parts = Vec::new();
    if h.before.dst != h.after.dst {
        parts.push(("dst", h.before.dst, h.after.dst));
    }
    if h.before.src != h.after.src {
        parts.push(("src", h.before.src, h.after.src));
    }
    html! {
        <span class="rewrite"><span class="tag">{ "NAT" }</span>
            { for parts.iter().map(|(w, a, b)| html! {
                <>{ *w }{ " " }<code>{ a.to_string() }</code>{ " → " }<code>{ b.to_string() }</code>{ " " }</>
            }) }
        </span>
    }
}

/// One line under the player naming where the packet is now (the list may
/// be out of view on a phone).
fn now_view(
    t: &Trace,
    groups: &[Range<usize>],
    cur: Option<usize>,
    step: usize,
    every_hop: bool,
    lang: Lang,
) -> Html {
    let Some(k) = cur else {
        // Holds its place (the page would move when it appears).
        return html! { <p class="now" id="now"></p> };
    };
    let g = &groups[k];
    let last = if every_hop { step - 1 } else { g.end - 1 };
    let h = &t.hops[last];
    let nat = if every_hop {
        steps::rewrites(h).then_some(last)
    } else {
        steps::rewrite(&t.hops, g)
    };
    html! {
        <p class="now" id="now" data-device={h.device.clone()}>
            <span class="muted">{ NOW.get(lang) }</span>
            <span class="dev">{ &h.device }</span>{ " · " }
            { nat.map(|i| html! { <>{ rewrite_line(&t.hops[i]) }{ " · " }</> }).unwrap_or_default() }
            <span class="note">{ h.note_in(lang) }</span>
        </p>
    }
}

/// One device-level step: the device, what happened there in a line, and
/// its hops behind a disclosure.
fn step_view<'a>(
    t: &Trace,
    g: &Range<usize>,
    k: usize,
    current: bool,
    hop_ctx: &impl Fn(usize, bool) -> HopCtx<'a>,
    lang: Lang,
) -> Html {
    let first = &t.hops[g.start];
    let last = &t.hops[g.end - 1];
    let step = hop_ctx(0, false).step;
    let state = if current {
        "current"
    } else if g.end <= step {
        "done"
    } else {
        "later"
    };
    let nat = steps::rewrite(&t.hops, g);
    let end = (g.start..g.end).find_map(|i| hop_ctx(i, false).end.map(|v| (v, t.hops[i].leg)));
    let jump = {
        let d = hop_ctx(0, false).d.clone();
        let to = g.end;
        Callback::from(move |_: MouseEvent| d.emit(Action::StepTo(to)))
    };
    let reply_start = g.clone().any(|i| hop_ctx(i, false).reply_start);
    let count = g.len();
    html! {
        <li class={classes!("step", state, (first.leg == Leg::Reply).then_some("reply"), nat.is_some().then_some("nat"),
                end.map(|(v, _)| ["end", steps::verdict_class(v)]))}
            data-device={first.device.clone()} aria-current={current.then_some("step")}>
            if reply_start { <p class="leg">{ THE_ANSWER.get(lang) }</p> }
            <button type="button" class="hop-head" onclick={jump}>
                <span class="num">{ k + 1 }</span>
                <span class="dev">{ &first.device }</span>
            </button>
            if let Some((v, leg)) = end {
                { " " }<span class={classes!("mark", steps::verdict_class(v))}>{ end_word(v, leg).get(lang) }</span>
            }
            if let Some(i) = nat { <p class="summary">{ rewrite_line(&t.hops[i]) }</p> }
            <p class="note">{ last.note_in(lang) }</p>
            <details class="step-hops">
                <summary>{ if count == 1 { ONE_HOP.get(lang).to_string() } else { format!("{count}{}", HOPS_IN.get(lang)) } }</summary>
                <ol class="hops">
                    { for g.clone().map(|i| hop_view(&t.hops[i], &hop_ctx(i, false))) }
                </ol>
            </details>
        </li>
    }
}

struct HopCtx<'a> {
    i: usize,
    step: usize,
    /// Carries `aria-current` (every-hop mode's current hop).
    current: bool,
    reply_start: bool,
    /// The leg ended here, and the packet got this far.
    end: Option<Verdict>,
    d: &'a Callback<Action>,
    lang: Lang,
    /// The commands that show this hop on a real machine.
    commands: &'a [Command],
}

fn hop_view(h: &Hop, c: &HopCtx) -> Html {
    let (i, step, lang) = (c.i, c.step, c.lang);
    let state = if i < step {
        "done"
    } else if i == step {
        "next"
    } else {
        "later"
    };
    let nat = steps::rewrites(h);
    let jump = {
        let d = c.d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::StepTo(i + 1)))
    };
    html! {
        <li class={classes!("hop", state, (h.leg == Leg::Reply).then_some("reply"), nat.then_some("nat"),
                c.end.map(|v| ["end", steps::verdict_class(v)]))}
            data-device={h.device.clone()} aria-current={c.current.then_some("step")}>
            if c.reply_start { <p class="leg">{ THE_ANSWER.get(lang) }</p> }
            <button type="button" class="hop-head" onclick={jump}>
                <span class="num">{ i + 1 }</span>
                <span class="dev">{ &h.device }</span>{ " · " }<span class="at">{ h.at.to_string() }</span>
            </button>
            if let Some(v) = c.end {
                { " " }<span class={classes!("mark", steps::verdict_class(v))}>{ end_word(v, h.leg).get(lang) }</span>
            }
            <p class="note">{ h.note_in(lang) }</p>
            <p class="decision"><code>{ h.decision_in(lang) }</code></p>
            if nat {
                <p class="rewrite"><span class="tag">{ "NAT" }</span>
                    <code>{ h.before.to_string() }</code>{ " → " }<code>{ h.after.to_string() }</code></p>
            } else {
                <p class="packet"><code>{ h.after.to_string() }</code></p>
            }
            if !h.rules.is_empty() {
                { rules_hit(&h.rules.iter().collect::<Vec<_>>(), true) }
            }
            if !c.commands.is_empty() {
                { commands_view(&h.device, c.commands, lang) }
            }
        </li>
    }
}

/// What to type on the real node (or pod) to see this hop, with the
/// output the engine predicts, and a copy button for the commands.
/// The rules a step matched, in order: where each is (table, chain,
/// index), its text (`with_text`), the verdict map element it matched,
/// and what it did.
pub fn rules_hit(rules: &[&RuleRef], with_text: bool) -> Html {
    html! {
        <ol class="rules-hit">
            { for rules.iter().map(|r| html! {
                <li><code>{ format!("{} {} #{}", r.table, r.chain, r.index) }</code>
                    if with_text { { " " }<code class="rule">{ &r.rule }</code> }
                    if let Some(e) = &r.element { { " " }<code class="element">{ "{ " }{ e }{ " }" }</code> }
                    { " → " }<span class="effect">{ &r.effect_text }</span></li>
            }) }
        </ol>
    }
}

fn commands_view(device: &str, commands: &[Command], lang: Lang) -> Html {
    let typed: String = commands
        .iter()
        .map(|c| format!("{}\n", c.command))
        .collect();
    let copy = Callback::from(move |_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&typed);
        }
    });
    html! {
        <details class="commands">
            <summary>{ ON_THE_MACHINE.get(lang) }<code>{ device }</code></summary>
            <pre>{ for commands.iter().map(|c| html! {
                <><span class="cmd">{ "$ " }{ &c.command }</span>{ "\n" }{ &c.output }</>
            }) }</pre>
            <button type="button" class="copy" onclick={copy}>{ COPY_COMMANDS.get(lang) }</button>
        </details>
    }
}

/// A fraction in tenths of a percent, rounded (integer arithmetic: no
/// float formatting code in the page).
fn tenths(x: f64) -> u64 {
    (x.clamp(0.0, 1.0) * 1000.0 + 0.5) as u64
}

/// `0.4567` as `45.7%`.
pub fn percent(x: f64) -> String {
    let t = tenths(x);
    format!("{}.{}%", t / 10, t % 10)
}

/// A menu entry's label in `lang`.
pub fn label(l: &Label, lang: Lang) -> String {
    let ko = lang == Lang::Ko;
    match l {
        Label::Pod { name, ip } if ko => format!("파드 {name} ({ip})"),
        Label::Pod { name, ip } => format!("pod {name} ({ip})"),
        Label::Node { name, ip } if ko => format!("노드 {name} ({ip})"),
        Label::Node { name, ip } => format!("node {name} ({ip})"),
        Label::Internet(ip) if ko => format!("인터넷 클라이언트 ({ip})"),
        Label::Internet(ip) => format!("internet client ({ip})"),
        Label::Host(ip) if ko => format!("노드 네트워크의 호스트 ({ip})"),
        Label::Host(ip) => format!("host on the node network ({ip})"),
        Label::ServicePort { service, port } if ko => format!("서비스 {service} 포트 {port}"),
        Label::ServicePort { service, port } => format!("Service {service} port {port}"),
        Label::ClusterIp { service } if ko => format!("{service}의 ClusterIP"),
        Label::ClusterIp { service } => format!("ClusterIP of {service}"),
        Label::External { service } if ko => format!("{service}의 외부 주소"),
        Label::External { service } => format!("external address of {service}"),
        Label::NodePort { service, node } if ko => format!("{node}의 {service} NodePort"),
        Label::NodePort { service, node } => format!("NodePort of {service} on {node}"),
        Label::NodeWithServicePort { node } if ko => format!("{node}의 주소와 서비스 포트"),
        Label::NodeWithServicePort { node } => format!("{node}'s address with the Service port"),
        Label::PodDirect { name } if ko => format!("파드 {name}에 직접"),
        Label::PodDirect { name } => format!("pod {name} directly"),
    }
}

/// Where a "send N" connection ended, in `lang`.
pub fn outcome(o: &Outcome, lang: Lang) -> String {
    let ko = lang == Lang::Ko;
    match o {
        Outcome::At(d) => d.clone(),
        Outcome::ReplyLost(d) if ko => format!("{d}, 응답 유실"),
        Outcome::ReplyLost(d) => format!("{d}, reply lost"),
        Outcome::Ended(v) if ko => verdict_title(*v).ko.into(),
        Outcome::Ended(v) => verdict_word(*v).into(),
    }
}

/// The sentence above the "send N" tables.
pub fn spread_intro(s: &Spread, lang: Lang) -> String {
    let (n, from, to, seed) = (s.sample.n, &s.spec.from, &s.spec.to, s.spec.seed);
    match lang {
        Lang::En => format!("{n} connections {from} -> {to}, each a new one (seeds {seed} on); beside them the exact probabilities over every random choice."),
        Lang::Ko => format!("{from} -> {to}: 매번 새 연결로 {n}개를 보냈습니다(시드 {seed}부터). 옆은 모든 무작위 선택에 대한 정확한 확률입니다."),
    }
}

fn spread_rows<L>(
    title: &str,
    rows: &[SpreadRow<L>],
    n: u32,
    lang: Lang,
    word: impl Fn(&L) -> String,
) -> Html {
    html! {
        <table>
            <caption>{ title }</caption>
            <thead><tr><th scope="col">{ WHERE.get(lang) }</th><th scope="col">{ SENT.get(lang) }</th>
                <th scope="col">{ SHARE.get(lang) }</th><th scope="col">{ EXACT.get(lang) }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|r| {
                    let share = f64::from(r.count) / f64::from(n.max(1));
                    html! {
                        <tr>
                            <th scope="row">{ word(&r.label) }</th>
                            <td>{ r.count }</td>
                            <td><progress max="1000" value={tenths(share).to_string()}></progress>{ " " }{ percent(share) }</td>
                            <td>{ percent(r.probability) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

fn spread_view(s: &Spread, lang: Lang) -> Html {
    html! {
        <div class="spread" id="spread">
            <p>{ spread_intro(s, lang) }</p>
            { spread_rows(BY_END.get(lang), &s.sample.outcomes, s.sample.n, lang, |o| outcome(o, lang)) }
            { spread_rows(BY_NODE.get(lang), &s.sample.entries, s.sample.n, lang, String::clone) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_menu_offers_what_matches_the_typed_text_a_small_one_everything() {
        let small = crate::engine::addressing::sources(&crate::model::default_scenario());
        assert!(small.len() <= OPTIONS);
        assert_eq!(offered(&small, "node/node-1").count(), small.len());
        let mut s = crate::model::default_scenario();
        let node = s.nodes[0].clone();
        for i in 0..300 {
            let mut n = node.clone();
            n.name = format!("extra-{i}");
            s.nodes.push(n);
        }
        let big = crate::engine::addressing::sources(&s);
        assert!(big.len() > OPTIONS);
        assert_eq!(offered(&big, "").count(), OPTIONS);
        let hits: Vec<&str> = offered(&big, " node/extra-29")
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(
            hits,
            [
                "node/extra-29",
                "node/extra-290",
                "node/extra-291",
                "node/extra-292",
                "node/extra-293",
                "node/extra-294",
                "node/extra-295",
                "node/extra-296",
                "node/extra-297",
                "node/extra-298",
                "node/extra-299"
            ]
        );
        assert_eq!(
            offered(&big, "pod/client").next().map(|c| c.value.as_str()),
            Some("pod/client")
        );
    }

    #[test]
    fn verdicts_read_in_both_languages() {
        use crate::ui::state::{trace_spec, TraceSpec};
        let s = crate::model::default_scenario();
        let ok = trace_spec(&s, &TraceSpec::default()).unwrap();
        assert!(ok.succeeded());
        let en = verdict_sentence(&ok, Lang::En);
        assert!(en.starts_with("Delivered to pod/"), "{en}");
        assert!(en.contains(", which sees ") && en.ends_with('.'), "{en}");
        let ko = verdict_sentence(&ok, Lang::Ko);
        assert!(ko.starts_with("pod/") && ko.contains("에 전달됨"), "{ko}");
        assert!(ko.contains("서버가 보는 주소"), "{ko}");
        let p = crate::model::presets::preset("external-clusterip").unwrap();
        let s = crate::model::load(p.yaml).unwrap().scenario;
        let spec = TraceSpec::of_preset(p);
        let bad = trace_spec(&s, &spec).unwrap();
        assert!(!bad.succeeded());
        let en = verdict_sentence(&bad, Lang::En);
        assert!(en.starts_with("Dropped"), "{en}");
        let ko = verdict_sentence(&bad, Lang::Ko);
        assert!(ko.starts_with("드롭됨"), "{ko}");
        // The engine's reason, in each language.
        let r = bad.reason_in(Lang::En).expect("a reason");
        assert!(en.contains(r.as_str()), "{en}");
        let r_ko = bad.reason_in(Lang::Ko).expect("a Korean reason");
        assert!(
            ko.contains(r_ko.as_str()) && !ko.contains(r.as_str()),
            "{ko}"
        );
        // A ping reads without ports, and one to a ClusterIP says why no
        // echo reply comes.
        let s = crate::model::default_scenario();
        let ping = |to: &str| {
            let spec = TraceSpec {
                to: to.into(),
                proto: crate::model::Protocol::Icmp,
                ..TraceSpec::default()
            };
            trace_spec(&s, &spec).unwrap()
        };
        let en = verdict_sentence(&ping("10.0.2.2"), Lang::En);
        assert!(
            en.contains("10.0.1.2 -> 10.0.2.2") && !en.contains(":0"),
            "{en}"
        );
        let en = verdict_sentence(&ping("svc/web"), Lang::En);
        assert!(en.contains("is a ClusterIP, a virtual address"), "{en}");
        let ko = verdict_sentence(&ping("svc/web"), Lang::Ko);
        assert!(ko.contains("가상 주소"), "{ko}");
    }

    fn hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    }

    #[test]
    fn menu_labels_read_in_both_languages() {
        let s = crate::model::default_scenario();
        let all: Vec<Choice> = [
            crate::engine::addressing::sources(&s),
            crate::engine::addressing::destinations(&s),
        ]
        .concat();
        let en: Vec<String> = all.iter().map(|c| label(&c.label, Lang::En)).collect();
        for want in [
            "pod client (10.0.1.2)",
            "internet client (203.0.113.10)",
            "Service web port 80",
            "ClusterIP of web",
            "node-1's address with the Service port",
            "pod web-1 directly",
        ] {
            assert!(en.iter().any(|e| e == want), "{want}: {en:?}");
        }
        assert!(en
            .iter()
            .any(|e| e.starts_with("host on the node network (")));
        assert!(en.iter().any(|e| e.starts_with("node node-1 (")));
        for c in &all {
            let ko = label(&c.label, Lang::Ko);
            assert!(hangul(&ko), "{ko}");
            assert_ne!(ko, label(&c.label, Lang::En));
        }
        let l = Label::External {
            service: "web".into(),
        };
        assert_eq!(label(&l, Lang::En), "external address of web");
        assert_eq!(label(&l, Lang::Ko), "web의 외부 주소");
        let l = Label::NodePort {
            service: "web".into(),
            node: "node-1".into(),
        };
        assert_eq!(label(&l, Lang::En), "NodePort of web on node-1");
        assert_eq!(label(&l, Lang::Ko), "node-1의 web NodePort");
    }

    #[test]
    fn outcomes_and_the_spread_read_in_both_languages() {
        let d = || "pod/web-1".to_string();
        assert_eq!(outcome(&Outcome::At(d()), Lang::Ko), "pod/web-1");
        assert_eq!(
            outcome(&Outcome::ReplyLost(d()), Lang::En),
            "pod/web-1, reply lost"
        );
        assert!(hangul(&outcome(&Outcome::ReplyLost(d()), Lang::Ko)));
        for (v, en) in [
            (Verdict::Dropped, "dropped"),
            (Verdict::Rejected, "rejected"),
            (Verdict::Refused, "refused"),
        ] {
            assert_eq!(outcome(&Outcome::Ended(v), Lang::En), en);
            assert!(hangul(&outcome(&Outcome::Ended(v), Lang::Ko)));
        }
        let s = crate::model::default_scenario();
        let sp = crate::ui::state::spread(&s, &TraceSpec::default(), 4).unwrap();
        assert_eq!(
            spread_intro(&sp, Lang::En),
            format!(
                "4 connections {} -> {}, each a new one (seeds {} on); beside them the exact probabilities over every random choice.",
                sp.spec.from, sp.spec.to, sp.spec.seed
            )
        );
        let ko = spread_intro(&sp, Lang::Ko);
        assert!(hangul(&ko) && ko.contains(&sp.spec.to), "{ko}");
    }

    #[test]
    fn hop_decisions_translate_prose_and_keep_tool_output() {
        use crate::ui::state::trace_spec;
        let s = crate::model::default_scenario();
        let t = trace_spec(&s, &TraceSpec::default()).unwrap();
        let mut prose = 0;
        for h in &t.hops {
            let ko = h.decision_in(Lang::Ko);
            match &h.decision {
                crate::engine::trace::Decision::Said(_) => {
                    prose += 1;
                    assert!(hangul(&ko), "{ko}");
                }
                crate::engine::trace::Decision::Tool(tool) => assert_eq!(&ko, tool),
            }
        }
        assert!(prose > 0);
        assert!(t
            .hops
            .iter()
            .any(|h| h.decision_in(Lang::En) == "arrives on eth0"
                && h.decision_in(Lang::Ko) == "eth0에 도착"));
    }

    #[test]
    fn percentages_round_to_tenths() {
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.45678), "45.7%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(0.00049), "0.0%");
        assert_eq!(percent(0.0005), "0.1%");
    }
}
