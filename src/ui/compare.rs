//! The request of the trace view under both kube-proxy modes, side by
//! side: how each ends, how many rules the kernel evaluated, and each
//! device-level step with the rules it met in either mode, marked alike
//! or different. The engine traces and aligns ([`engine::compare`]); this
//! draws it.
//!
//! [`engine::compare`]: crate::engine::compare

use crate::engine::compare::{compare, Comparison, Row};
use crate::engine::trace::{Leg, Request};
use crate::model::{ProxyMode, Scenario};
use crate::ui::i18n::{t, use_lang, Lang, Text};
use crate::ui::state::TraceSpec;
use crate::ui::trace_view::{rules_hit, verdict_sentence};
use std::rc::Rc;
use yew::prelude::*;

pub const OPEN: Text = t("iptables ⇄ nftables", "iptables ⇄ nftables");
pub const OPEN_TITLE: Text = t(
    "This request under both kube-proxy modes, side by side",
    "이 요청을 kube-proxy의 두 모드에서 나란히 봅니다",
);
const HEAD: Text = t(
    "One request, both kube-proxy modes",
    "한 요청, kube-proxy의 두 모드",
);
const SAME_END: Text = t(
    "Both modes end the same way; what differs is the rules that got it there.",
    "두 모드의 결과는 같습니다. 다른 것은 거기까지 이끈 규칙입니다.",
);
const OTHER_END: Text = t("The modes end differently.", "두 모드의 결과가 다릅니다.");
const ALIKE: Text = t("alike", "같음");
const DIFFERS: Text = t("differs", "다름");
const NOT_REACHED: Text = t("not reached in this mode", "이 모드에서는 거치지 않음");
const NO_RULES: Text = t("no netfilter rule", "netfilter 규칙 없음");
const EVALUATED: Text = t(" netfilter rules evaluated", "개 netfilter 규칙 평가");
const REPLY: Text = t("reply", "응답");
const REPICKED: Text = t(
    "Each mode picks an endpoint at random in its own way: the nftables side shows the connection that reached the same endpoint.",
    "두 모드는 엔드포인트를 각자의 방식으로 무작위로 고릅니다. nftables 쪽은 같은 엔드포인트에 닿은 연결을 보여 줍니다.",
);
const CANNOT: Text = t("Cannot compare: ", "비교할 수 없습니다: ");
const CLOSE: Text = t("Close", "닫기");

const MODES: [ProxyMode; 2] = [ProxyMode::Iptables, ProxyMode::Nftables];

/// One mode's side of a step: what happened there and the rules it met.
fn side(c: &Comparison, r: &Row, mode: ProxyMode, lang: Lang) -> Html {
    let hops = c.hops(r, mode);
    let class = classes!("side", mode.as_str());
    let Some(last) = hops.last() else {
        return html! {
            <div {class}><span class="mode-tag">{ mode.as_str() }</span>
                <span class="muted">{ NOT_REACHED.get(lang) }</span></div>
        };
    };
    let rules: Vec<_> = hops.iter().flat_map(|h| &h.rules).collect();
    html! {
        <div {class}>
            <span class="mode-tag">{ mode.as_str() }</span>
            <p class="note">{ last.note_in(lang) }</p>
            if rules.is_empty() {
                <p class="small muted">{ NO_RULES.get(lang) }</p>
            } else {
                { rules_hit(&rules, false) }
            }
        </div>
    }
}

/// The comparison, in `lang`.
pub fn comparison_view(c: &Comparison, lang: Lang) -> Html {
    let w = |x: Text| x.get(lang);
    let summary = if c.same_outcome() {
        SAME_END
    } else {
        OTHER_END
    };
    html! {
        <>
            <p class={classes!("compare-summary", if c.same_outcome() { "same" } else { "changed" })}>{ w(summary) }</p>
            <div class="sides outcomes">
                { for MODES.iter().map(|&m| {
                    let t = c.trace(m);
                    let good = if t.succeeded() { "good" } else { "bad" };
                    html! {
                        <div class={classes!("side", m.as_str(), good)} data-mode={m.as_str()}>
                            <span class="mode-tag">{ m.as_str() }</span>
                            <p class="verdict">{ verdict_sentence(t, lang) }</p>
                            <p class="small muted evaluated">{ t.rules_evaluated }{ w(EVALUATED) }</p>
                        </div>
                    }
                }) }
            </div>
            if c.repicked { <p class="small muted">{ w(REPICKED) }</p> }
            <ol class="compare-rows">
                { for c.rows.iter().map(|r| html! {
                    <li class={classes!("compare-row", if r.same { "same" } else { "changed" })} data-device={r.device.clone()}>
                        <div class="row-head">
                            <span class="device">{ &r.device }</span>
                            if r.leg == Leg::Reply { <span class="leg">{ w(REPLY) }</span> }
                            <span class="tag">{ w(if r.same { ALIKE } else { DIFFERS }) }</span>
                        </div>
                        <div class="sides">{ for MODES.iter().map(|&m| side(c, r, m, lang)) }</div>
                    </li>
                }) }
            </ol>
        </>
    }
}

/// The comparison of `spec`'s request in `s` (its seed in both modes).
pub fn compared(s: &Scenario, spec: &TraceSpec) -> Result<Comparison, String> {
    let req = Request::parse(s, spec.from.trim(), spec.to.trim(), spec.proto).map_err(|e| e.0)?;
    compare(s, &req, spec.seed).map_err(|e| e.0)
}

#[derive(Properties, PartialEq)]
pub struct CompareProps {
    pub scenario: Rc<Scenario>,
    pub spec: TraceSpec,
    pub onclose: Callback<()>,
}

#[function_component(CompareModes)]
pub fn compare_modes(p: &CompareProps) -> Html {
    let lang = use_lang();
    let c = use_memo((p.scenario.clone(), p.spec.clone()), |(s, spec)| {
        compared(s, spec)
    });
    let close = p.onclose.reform(|_: MouseEvent| ());
    html! {
        <section class="compare" id="compare" aria-labelledby="compare-h">
            <div class="compare-head">
                <h3 id="compare-h">{ HEAD.get(lang) }</h3>
                <button type="button" id="compare-close" onclick={close}>{ CLOSE.get(lang) }</button>
            </div>
            { match &*c {
                Ok(c) => comparison_view(c, lang),
                Err(e) => html! { <p class="banner bad">{ CANNOT.get(lang) }{ e }</p> },
            } }
        </section>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::{load, presets, Protocol};
    use crate::ui::draw::render_in;

    fn nodeport() -> Scenario {
        load(presets::preset("nodeport").unwrap().yaml)
            .unwrap()
            .scenario
    }

    fn spec(from: &str, to: &str) -> TraceSpec {
        TraceSpec {
            from: from.into(),
            to: to.into(),
            proto: Protocol::Tcp,
            seed: 1,
        }
    }

    #[test]
    fn the_view_shows_both_modes_each_step_and_what_differs() {
        let s = nodeport();
        let c = compared(&s, &spec("node/node-1", "127.0.0.1:30080")).unwrap();
        let html = render_in(Lang::En, comparison_view(&c, Lang::En));
        assert!(html.contains("The modes end differently."), "{html}");
        assert!(
            html.contains(r#"data-mode="iptables""#) && html.contains(r#"data-mode="nftables""#)
        );
        assert!(html.contains("Refused"), "{html}");
        assert!(html.contains("not reached in this mode"), "{html}");
        assert_eq!(
            html.matches(r#"class="compare-row "#).count(),
            c.rows.len(),
            "{html}"
        );
        assert!(html.contains(&format!(
            "{} netfilter rules evaluated",
            c.nftables.rules_evaluated
        )));
        let ko = render_in(Lang::Ko, comparison_view(&c, Lang::Ko));
        assert!(ko.contains("두 모드의 결과가 다릅니다."), "{ko}");
        assert!(ko.contains("이 모드에서는 거치지 않음"), "{ko}");
        // Alike: a ClusterIP request, its map element on the nft side.
        let c = compared(&s, &spec("pod/client", "svc/web:80")).unwrap();
        let html = render_in(Lang::En, comparison_view(&c, Lang::En));
        assert!(html.contains("Both modes end the same way"), "{html}");
        assert!(html.contains(r#"class="element""#), "{html}");
        assert!(!html.contains(r#"compare-row changed"#), "{html}");
        // A request that cannot be made says why.
        assert!(compared(&s, &spec("pod/nope", "svc/web:80")).is_err());
    }
}
