//! Predict mode's card: the question waiting before the next hop, the
//! choices as buttons (keys 1-4 pick one; the first has the focus when a
//! question appears), what the last answer was worth with the hop's own
//! sentence as the reason, and the score at the end. The questions and
//! their right answers are the engine's (`engine::quiz`); this draws them.

use super::i18n::{t, use_lang, Lang, Text};
use super::state::{Action, Quiz};
use crate::engine::quiz::{Ask, Choice, Question};
use crate::engine::trace::{Trace, Verdict};
use std::rc::Rc;
use yew::prelude::*;

const TITLE: Text = t("Predict", "예측");
const NEXT_DEVICE: Text = t(
    "Where does the packet go next?",
    "패킷은 다음에 어디로 갈까요?",
);
const DECIDER: Text = t(
    "Which chain's rule decides here?",
    "여기서는 어느 체인의 규칙이 결정할까요?",
);
const NEW_DESTINATION: Text = t(
    "What does the destination become here?",
    "여기서 목적지는 무엇으로 바뀔까요?",
);
const NEW_SOURCE: Text = t(
    "What does the source become here?",
    "여기서 출발지는 무엇으로 바뀔까요?",
);
const SERVER_SEES: Text = t(
    "Which source does the server's socket see?",
    "서버의 소켓은 어떤 출발지를 볼까요?",
);
const OUTCOME: Text = t("How does this request end?", "이 요청은 어떻게 끝날까요?");
const TABLE: Text = t(" table", " 테이블");
const RIGHT: Text = t("Right. ", "맞습니다. ");
const WRONG: Text = t("Not quite: it is ", "아쉽네요. 정답은 ");
const WRONG_END: Text = t(". ", "입니다. ");
const SCORE: Text = t("Predicted right: ", "맞힌 예측: ");
const OF: Text = t(" of ", " / ");
const KEYS: Text = t("Keys 1 to 4 choose.", "숫자 키 1~4로 고를 수 있습니다.");

fn verdict_text(v: Verdict) -> Text {
    match v {
        Verdict::Delivered => t("delivered", "전달됨"),
        Verdict::Dropped => t("dropped", "버려짐"),
        Verdict::Rejected => t("rejected by a rule", "규칙이 거부함"),
        Verdict::Refused => t("refused: nothing listens", "연결 거부: 듣는 소켓 없음"),
    }
}

/// The question in `lang`.
pub fn prompt(q: &Question, lang: Lang) -> String {
    match &q.ask {
        Ask::NextDevice => NEXT_DEVICE.get(lang).to_string(),
        Ask::Decider { table } => {
            format!("{} ({table}{})", DECIDER.get(lang), TABLE.get(lang))
        }
        Ask::NewDestination => NEW_DESTINATION.get(lang).to_string(),
        Ask::NewSource => NEW_SOURCE.get(lang).to_string(),
        Ask::ServerSees => SERVER_SEES.get(lang).to_string(),
        Ask::Outcome => OUTCOME.get(lang).to_string(),
    }
}

/// A choice as the card shows it (an address as the trace reads it: bare
/// for a ping).
pub fn label(c: &Choice, t: &Trace, lang: Lang) -> String {
    match c {
        Choice::Device(d) => d.clone(),
        Choice::Chain(c) => c.clone(),
        Choice::Addr(a) => t.addr_text(*a),
        Choice::Verdict(v) => verdict_text(*v).get(lang).to_string(),
    }
}

#[derive(Properties, PartialEq)]
pub struct PredictProps {
    pub quiz: Quiz,
    pub trace: Rc<Trace>,
    /// How many hops are shown: the pending question is asked once the
    /// player has stopped before its hop.
    pub step: usize,
    pub ondispatch: Callback<Action>,
}

#[function_component(Predict)]
pub fn predict(p: &PredictProps) -> Html {
    let lang = use_lang();
    let first = use_node_ref();
    let answered = p.quiz.answers.len();
    let pending = p.quiz.pending().filter(|q| q.hop == p.step).cloned();
    {
        // A question asked: its first choice takes the focus, so the
        // keyboard plays on.
        let first = first.clone();
        let waiting = pending.is_some();
        use_effect_with((answered, waiting), move |_| {
            if waiting {
                if let Some(b) = first.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        });
    }
    let feedback = p.quiz.last().map(|(q, _, right)| {
        let why = p
            .trace
            .hops
            .get(q.hop)
            .map(|h| h.note_in(lang))
            .unwrap_or_default();
        html! {
            <p class={classes!("predict-feedback", if right { "good" } else { "bad" })}
               data-right={right.to_string()}>
                if right {
                    { RIGHT.get(lang) }
                } else {
                    { WRONG.get(lang) }<code>{ label(&q.choices[q.answer], &p.trace, lang) }</code>{ WRONG_END.get(lang) }
                }
                { why }
            </p>
        }
    });
    let (right, total) = p.quiz.score();
    let on_key = {
        let d = p.ondispatch.clone();
        let n = pending.as_ref().map_or(0, |q| q.choices.len());
        Callback::from(move |e: KeyboardEvent| {
            if let Some(k) = e
                .key()
                .parse::<usize>()
                .ok()
                .filter(|k| (1..=n).contains(k))
            {
                e.prevent_default();
                d.emit(Action::Answer(k - 1));
            }
        })
    };
    html! {
        <section class="predict" id="predict-card" aria-label={TITLE.get(lang)} onkeydown={on_key}>
            { feedback.unwrap_or_default() }
            if let Some(q) = pending {
                <div role="group" aria-labelledby="predict-q" class="predict-q">
                    <p id="predict-q"><strong>{ TITLE.get(lang) }{ ": " }</strong>{ prompt(&q, lang) }</p>
                    <div class="choices">
                        { for q.choices.iter().enumerate().map(|(i, c)| {
                            let d = p.ondispatch.clone();
                            let onclick = Callback::from(move |_: MouseEvent| d.emit(Action::Answer(i)));
                            html! {
                                <button type="button" class="choice" data-choice={i.to_string()}
                                    ref={if i == 0 { first.clone() } else { NodeRef::default() }}
                                    onclick={onclick}>
                                    <span class="key" aria-hidden="true">{ i + 1 }</span>
                                    <code>{ label(c, &p.trace, lang) }</code>
                                </button>
                            }
                        }) }
                    </div>
                    <p class="small muted">{ KEYS.get(lang) }</p>
                </div>
            } else if p.quiz.done() && total > 0 {
                <p class="predict-score" id="predict-score">{ SCORE.get(lang) }{ right }{ OF.get(lang) }{ total }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{default_scenario, Protocol};
    use crate::ui::state::{trace_spec, TraceSpec};

    #[test]
    fn an_address_choice_reads_bare_for_a_ping_and_with_its_port_otherwise() {
        let s = default_scenario();
        let a = Choice::Addr("10.0.1.2:40000".parse().unwrap());
        let ping = TraceSpec {
            to: "10.0.2.2".into(),
            proto: Protocol::Icmp,
            ..TraceSpec::default()
        };
        let t = trace_spec(&s, &ping).unwrap();
        assert_eq!(label(&a, &t, Lang::En), "10.0.1.2");
        let t = trace_spec(&s, &TraceSpec::default()).unwrap();
        assert_eq!(label(&a, &t, Lang::En), "10.0.1.2:40000");
    }
}
