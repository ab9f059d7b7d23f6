//! The rules panel: one node's netfilter rules as `iptables-save` lists
//! them, with the rules the current trace matched on that node marked in
//! the order they matched.

use super::i18n::{t, use_lang, Text};
use super::state::Action;
use crate::engine::trace::{Trace, World};
use crate::linux::netfilter::iptables::ListingLine;
use crate::model::Scenario;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RulesProps {
    pub scenario: Rc<Scenario>,
    pub node: Option<String>,
    pub trace: Option<Rc<Trace>>,
    pub ondispatch: Callback<Action>,
}

const RULES: Text = t("Rules", "규칙");
const NODE: Text = t("Node ", "노드 ");
const ONLY_HITS: Text = t(" only what the trace matched", " 트레이스가 일치한 규칙만");
const COPY: Text = t("Copy", "복사");
const MATCHES: Text = t(" matches on this node", "개 일치 (이 노드)");
const LISTING: Text = t("iptables-save listing", "iptables-save 목록");
const NO_NODE: Text = t("No node selected.", "선택한 노드가 없습니다.");

/// The listing of `node` and, per line, the order numbers (1-based) of
/// the trace's matches on it.
pub fn marked_listing(
    s: &Scenario,
    node: &str,
    trace: Option<&Trace>,
) -> Option<(Vec<ListingLine>, Vec<Vec<usize>>)> {
    let mut w = World::new(s.clone());
    let lines = w.ruleset(node)?.listing_lines();
    let device = format!("node/{node}");
    let mut marks = vec![Vec::new(); lines.len()];
    let hits = trace
        .into_iter()
        .flat_map(|t| &t.hops)
        .filter(|h| h.device == device)
        .flat_map(|h| &h.rules);
    for (order, r) in hits.enumerate() {
        let at = lines.iter().position(|l| {
            l.rule
                .as_ref()
                .is_some_and(|p| r.table == p.table && p.chain == r.chain && p.index == r.index)
        });
        if let Some(i) = at {
            marks[i].push(order + 1);
        }
    }
    Some((lines, marks))
}

#[function_component(RulesPanel)]
pub fn rules_panel(p: &RulesProps) -> Html {
    let only_hits = use_state(|| false);
    let lang = use_lang();
    let node = p
        .node
        .clone()
        .or_else(|| p.scenario.nodes.first().map(|n| n.name.clone()));
    let listing = use_memo(
        (p.scenario.clone(), node.clone(), p.trace.clone()),
        |(s, node, t)| {
            node.as_deref()
                .and_then(|n| marked_listing(s, n, t.as_deref()))
        },
    );
    let on_node = {
        let d = p.ondispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                d.emit(Action::SelectNode(Some(s.value())));
            }
        })
    };
    let on_filter = {
        let only_hits = only_hits.clone();
        Callback::from(move |e: Event| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                only_hits.set(i.checked());
            }
        })
    };
    let text: Rc<String> = Rc::new(
        listing
            .as_ref()
            .as_ref()
            .map(|(l, _)| {
                l.iter()
                    .map(|l| l.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
    );
    let copy = {
        let text = text.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
            }
        })
    };
    let hit_count: usize = listing
        .as_ref()
        .as_ref()
        .map(|(_, m)| m.iter().map(Vec::len).sum())
        .unwrap_or(0);
    html! {
        <section class="panel rules" aria-labelledby="rules-h">
            <h2 id="rules-h">{ RULES.get(lang) }</h2>
            <div class="rules-bar">
                <label>{ NODE.get(lang) }
                    <select id="rules-node" onchange={on_node}>
                        { for p.scenario.nodes.iter().map(|n| html! {
                            <option value={n.name.clone()} selected={Some(&n.name) == node.as_ref()}>{ &n.name }</option>
                        }) }
                    </select></label>
                <label><input type="checkbox" checked={*only_hits} onchange={on_filter} />{ ONLY_HITS.get(lang) }</label>
                <button type="button" onclick={copy}>{ COPY.get(lang) }</button>
                <span class="muted">{ hit_count }{ MATCHES.get(lang) }</span>
            </div>
            { match listing.as_ref() {
                Some((lines, marks)) => html! {
                    <pre class="listing" id="listing" tabindex="0" aria-label={LISTING.get(lang)}>
                        { for lines.iter().zip(marks).filter(|(_, m)| !*only_hits || !m.is_empty()).map(|(l, m)| {
                            if m.is_empty() {
                                html! { <span class="line">{ &l.text }{ "\n" }</span> }
                            } else {
                                let order = m.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
                                html! { <mark class="line hit" data-order={order.clone()}>
                                    <span class="order">{ order }</span>{ &l.text }{ "\n" }</mark> }
                            }
                        }) }
                    </pre>
                },
                None => html! { <p class="muted">{ NO_NODE.get(lang) }</p> },
            } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::state::{trace_spec, TraceSpec};

    #[test]
    fn the_traces_matches_are_marked_in_order_on_their_node() {
        let s = crate::model::default_scenario();
        let t = trace_spec(&s, &TraceSpec::default()).unwrap();
        let (lines, marks) = marked_listing(&s, "node-1", Some(&t)).unwrap();
        let expected: usize = t
            .hops
            .iter()
            .filter(|h| h.device == "node/node-1")
            .map(|h| h.rules.len())
            .sum();
        assert!(expected > 3);
        let marked: Vec<usize> = marks.iter().flatten().copied().collect();
        assert_eq!(marked.len(), expected, "every match found its line");
        // The DNAT to a backend is among them.
        assert!(lines
            .iter()
            .zip(&marks)
            .any(|(l, m)| !m.is_empty() && l.text.contains("DNAT")));
        // A node the packet did not pass has nothing marked.
        let (_, none) = marked_listing(&s, "node-3", Some(&t)).unwrap();
        let through_3 = t.hops.iter().any(|h| h.device == "node/node-3");
        assert_eq!(none.iter().all(Vec::is_empty), !through_3);
        assert!(marked_listing(&s, "nope", None).is_none());
    }
}
