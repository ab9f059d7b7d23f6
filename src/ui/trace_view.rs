//! The trace panel: what to send, the player, the verdict in one sentence,
//! the hops as an ordered list (request, then reply), conntrack, and
//! "send N" beside the exact probabilities.

use super::state::{Action, Choice, Run, Spread, SpreadRow, TraceSpec};
use crate::engine::trace::{Hop, Leg, Trace, Verdict};
use crate::model::Protocol;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TracePanelProps {
    pub spec: TraceSpec,
    pub run: Option<Run>,
    pub spread: Option<Rc<Spread>>,
    pub sources: Rc<Vec<Choice>>,
    pub destinations: Rc<Vec<Choice>>,
    pub ondispatch: Callback<Action>,
}

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

fn options(id: &'static str, choices: &[Choice]) -> Html {
    html! {
        <datalist {id}>
            { for choices.iter().map(|c| html! { <option value={c.value.clone()}>{ &c.label }</option> }) }
        </datalist>
    }
}

#[function_component(TracePanel)]
pub fn trace_panel(p: &TracePanelProps) -> Html {
    let n = use_state(|| 1000u32);
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
        s.proto = if v == "UDP" {
            Protocol::Udp
        } else {
            Protocol::Tcp
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
    html! {
        <section class="panel trace" aria-labelledby="trace-h">
            <h2 id="trace-h">{ "Send a packet" }</h2>
            <form class="request" onsubmit={send}>
                <label>{ "From" }
                    <input id="from" list="sources" value={spec.from.clone()} oninput={on_from.reform(InputEvent::into)}
                        autocomplete="off" spellcheck="false" /></label>
                <label>{ "To" }
                    <input id="to" list="destinations" value={spec.to.clone()} oninput={on_to.reform(InputEvent::into)}
                        autocomplete="off" spellcheck="false" /></label>
                <label>{ "Protocol" }
                    <select id="proto" onchange={on_proto}>
                        <option selected={spec.proto == Protocol::Tcp}>{ "TCP" }</option>
                        <option selected={spec.proto == Protocol::Udp}>{ "UDP" }</option>
                    </select></label>
                { options("sources", &p.sources) }
                { options("destinations", &p.destinations) }
                <div class="buttons">
                    <button type="submit" class="primary">{ "Send" }</button>
                    <button type="button" onclick={act(Action::SendAnother)}
                        title="A new connection: kube-proxy's random choice may differ">{ "Another connection" }</button>
                </div>
            </form>
            { p.run.as_ref().map(|r| run_view(r, &p.ondispatch)).unwrap_or_default() }
            <form class="send-n" onsubmit={{
                let d = p.ondispatch.clone();
                let n = *n;
                Callback::from(move |e: SubmitEvent| { e.prevent_default(); d.emit(Action::SendN(n)) })
            }}>
                <label>{ "Connections" }
                    <input id="send-n" type="number" min="1" max="10000" value={n.to_string()} onchange={on_n} /></label>
                <button type="submit">{ format!("Send {}", *n) }</button>
            </form>
            { p.spread.as_ref().map(|s| spread_view(s)).unwrap_or_default() }
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

/// The verdict in one sentence.
pub fn verdict_sentence(t: &Trace) -> String {
    if t.succeeded() {
        let to = t.delivered_to.as_deref().unwrap_or("?");
        let mut s = format!("Delivered to {to}");
        if let Some(seen) = &t.server_sees {
            s += &format!(", which sees {} -> {}", seen.src, seen.dst);
        }
        if let Some(cs) = t.reply.as_ref().and_then(|r| r.client_sees.as_ref()) {
            s += &format!("; the answer reaches the client from {}", cs.src);
        }
        s + "."
    } else {
        let mut s = match (&t.delivered_to, t.verdict) {
            (Some(d), Verdict::Delivered) => format!("Delivered to {d}, but the answer is lost"),
            _ => {
                let mut w = verdict_word(t.verdict).to_string();
                w[..1].make_ascii_uppercase();
                w
            }
        };
        if let Some(r) = &t.reason {
            s += ": ";
            s += r;
        }
        s + "."
    }
}

fn run_view(r: &Run, d: &Callback<Action>) -> Html {
    let t = match &r.trace {
        Ok(t) => t,
        Err(e) => {
            return html! { <p class="banner bad" role="alert" id="verdict">{ format!("Cannot send that: {e}") }</p> }
        }
    };
    let n = t.hops.len();
    let step = r.step;
    let go = |a: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let (class, sentence) = if !r.at_end() {
        (
            "banner pending",
            "Sending… (step through the hops, or let it play)".to_string(),
        )
    } else if t.succeeded() {
        ("banner good", verdict_sentence(t))
    } else {
        ("banner bad", verdict_sentence(t))
    };
    let reply_start = t.hops.iter().position(|h| h.leg == Leg::Reply);
    html! {
        <>
            <p class={class} id="verdict" role="status" aria-live="polite"
               data-verdict={if r.at_end() { verdict_word(t.verdict) } else { "pending" }}>{ sentence }</p>
            <div class="player" role="group" aria-label="Playback">
                <button type="button" onclick={go(Action::StepTo(0))} disabled={step == 0} aria-label="To the start">{ "⇤" }</button>
                <button type="button" onclick={go(Action::StepTo(step.saturating_sub(1)))} disabled={step == 0} aria-label="Back one hop">{ "←" }</button>
                if r.playing {
                    <button type="button" onclick={go(Action::Pause)} aria-label="Pause">{ "❚❚" }</button>
                } else {
                    <button type="button" onclick={go(Action::Play)} aria-label="Play">{ "▶" }</button>
                }
                <button type="button" onclick={go(Action::StepTo(step + 1))} disabled={step >= n} aria-label="Forward one hop">{ "→" }</button>
                <button type="button" onclick={go(Action::StepTo(n))} disabled={step >= n} aria-label="To the end">{ "⇥" }</button>
                <span class="count">{ format!("hop {step} of {n}") }</span>
            </div>
            <ol class="hops" aria-label="Hops">
                { for t.hops.iter().enumerate().map(|(i, h)| hop_view(i, h, step, reply_start == Some(i), d)) }
            </ol>
            if r.at_end() && !t.conntrack.is_empty() {
                <details class="conntrack" open=true>
                    <summary>{ "Conntrack entries this connection left" }</summary>
                    { for t.conntrack.iter().map(|(node, entries)| html! {
                        <div><h4>{ node }</h4><pre>{ for entries.iter().map(|e| html! { <>{ e }{ "\n" }</> }) }</pre></div>
                    }) }
                </details>
            }
            <p class="small muted">{ format!("{} netfilter rules evaluated along both ways.", t.rules_evaluated) }</p>
        </>
    }
}

fn hop_view(i: usize, h: &Hop, step: usize, reply_start: bool, d: &Callback<Action>) -> Html {
    let state = if i < step {
        "done"
    } else if i == step {
        "next"
    } else {
        "later"
    };
    let nat = h.before.src != h.after.src || h.before.dst != h.after.dst;
    let jump = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::StepTo(i + 1)))
    };
    html! {
        <li class={classes!("hop", state, (h.leg == Leg::Reply).then_some("reply"), nat.then_some("nat"))}
            data-device={h.device.clone()} aria-current={(i + 1 == step).then_some("step")}>
            if reply_start { <p class="leg">{ "The answer" }</p> }
            <button type="button" class="hop-head" onclick={jump}>
                <span class="dev">{ &h.device }</span>{ " · " }<span class="at">{ &h.at }</span>
            </button>
            <p class="note">{ &h.note }</p>
            <p class="decision"><code>{ &h.decision }</code></p>
            if nat {
                <p class="rewrite"><span class="tag">{ "NAT" }</span>
                    <code>{ h.before.to_string() }</code>{ " → " }<code>{ h.after.to_string() }</code></p>
            } else {
                <p class="packet"><code>{ h.after.to_string() }</code></p>
            }
            if !h.rules.is_empty() {
                <ol class="rules-hit">
                    { for h.rules.iter().map(|r| html! {
                        <li><code>{ format!("{} {} #{}", r.table, r.chain, r.index) }</code>{ " " }
                            <code class="rule">{ &r.rule }</code>{ " → " }<span class="effect">{ &r.effect }</span></li>
                    }) }
                </ol>
            }
        </li>
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

fn spread_rows(title: &str, rows: &[SpreadRow], n: u32) -> Html {
    html! {
        <table>
            <caption>{ title }</caption>
            <thead><tr><th scope="col">{ "Where" }</th><th scope="col">{ "Sent" }</th><th scope="col">{ "Share" }</th><th scope="col">{ "Exact" }</th></tr></thead>
            <tbody>
                { for rows.iter().map(|r| {
                    let share = f64::from(r.count) / f64::from(n.max(1));
                    html! {
                        <tr>
                            <th scope="row">{ &r.label }</th>
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

fn spread_view(s: &Spread) -> Html {
    html! {
        <div class="spread" id="spread">
            <p>{ format!("{} connections {} -> {}, each a new one (seeds {} on); beside them the exact probabilities over every random choice.",
                s.n, s.spec.from, s.spec.to, s.spec.seed) }</p>
            { spread_rows("By where they ended", &s.outcomes, s.n) }
            { spread_rows("By the node they entered", &s.entries, s.n) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
