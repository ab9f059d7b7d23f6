//! The rules panel: one node's netfilter rules as its tools list them
//! (`iptables-save` in iptables mode, `nft list ruleset` in nftables
//! mode), with the rules the current trace matched on that node marked in
//! the order they matched (in nftables mode also the verdict map element
//! that matched). Lines are matched to the trace's rules by position
//! (table, chain, index, element), never by their text.

use super::i18n::{t, use_lang, Text};
use super::state::Action;
use crate::engine::trace::{RuleRef, Trace, World};
use crate::linux::netfilter::nftables::list::LinePos;
use crate::linux::netfilter::nftables::{Expr, Table};
use crate::linux::netfilter::TableId;
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
const NFT_LISTING: Text = t("nft list ruleset listing", "nft list ruleset 목록");
const NO_NODE: Text = t("No node selected.", "선택한 노드가 없습니다.");

/// One line of a node's listing and the order numbers (1-based) of the
/// trace's matches it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Marked {
    pub text: String,
    pub marks: Vec<usize>,
}

/// A node's listing, marked.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeListing {
    pub lines: Vec<Marked>,
    /// The trace's matches on the node.
    pub hits: usize,
    /// kube-proxy's nftables table (else iptables).
    pub nft: bool,
}

/// The order numbers of `hits` that `matches`.
fn orders(hits: &[&RuleRef], matches: impl Fn(&RuleRef) -> bool) -> Vec<usize> {
    (hits.iter().enumerate())
        .filter(|(_, r)| matches(r))
        .map(|(i, _)| i + 1)
        .collect()
}

/// The map a rule's `vmap @MAP` looks up (for the element it matched).
fn vmap_of<'t>(t: &'t Table, r: &RuleRef) -> Option<&'t str> {
    let rule = t.chain(&r.chain)?.rules.get(r.index.checked_sub(1)?)?;
    rule.exprs.iter().find_map(|e| match e {
        Expr::VmapNamed { map, .. } => Some(map.as_str()),
        _ => None,
    })
}

/// The listing of `node` with the trace's matches on it marked: the
/// iptables rules, then the nftables table, whichever the node has.
pub fn marked_listing(s: &Scenario, node: &str, trace: Option<&Trace>) -> Option<NodeListing> {
    s.node(node)?;
    let mut w = World::new(s.clone());
    let device = format!("node/{node}");
    let hits: Vec<&RuleRef> = trace
        .into_iter()
        .flat_map(|t| &t.hops)
        .filter(|h| h.device == device)
        .flat_map(|h| &h.rules)
        .collect();
    let mut lines = Vec::new();
    if let Some(rs) = w.ruleset(node) {
        for l in rs.listing_lines() {
            let marks = match &l.rule {
                Some(p) => orders(&hits, |r| {
                    r.table == p.table && r.chain == p.chain && r.index == p.index
                }),
                None => Vec::new(),
            };
            lines.push(Marked {
                text: l.text,
                marks,
            });
        }
    }
    let mut nft = false;
    if let Some(t) = w.nft_table(node) {
        nft = true;
        let id = TableId::Nftables {
            family: t.family,
            name: t.name.clone(),
        };
        for l in t.listing_lines() {
            let marks = match &l.at {
                Some(LinePos::Rule { chain, index }) => orders(&hits, |r| {
                    r.table == id && r.chain == *chain && r.index == *index
                }),
                Some(LinePos::Element { set, element }) => orders(&hits, |r| {
                    r.table == id
                        && r.element.as_ref() == Some(element)
                        && vmap_of(t, r) == Some(set.as_str())
                }),
                None => Vec::new(),
            };
            lines.push(Marked {
                text: l.text,
                marks,
            });
        }
    }
    Some(NodeListing {
        lines,
        hits: hits.len(),
        nft,
    })
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
            .map(|l| {
                l.lines
                    .iter()
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
    let hit_count: usize = listing.as_ref().as_ref().map_or(0, |l| l.hits);
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
                Some(l) => html! {
                    <pre class={classes!("listing", l.nft.then_some("nft"))} id="listing" tabindex="0"
                        aria-label={if l.nft { NFT_LISTING } else { LISTING }.get(lang)}>
                        { for l.lines.iter().filter(|l| !*only_hits || !l.marks.is_empty()).map(|l| {
                            let m = &l.marks;
                            // nft indents with tabs: drawn as four spaces,
                            // so that a marked line's number does not move
                            // it to the next tab stop (Copy keeps the tabs).
                            let text = l.text.replace('\t', "    ");
                            if m.is_empty() {
                                html! { <span class="line">{ text }{ "\n" }</span> }
                            } else {
                                let order = m.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
                                html! { <mark class="line hit" data-order={order.clone()}>
                                    <span class="order">{ order }</span>{ text }{ "\n" }</mark> }
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
        let l = marked_listing(&s, "node-1", Some(&t)).unwrap();
        assert!(!l.nft);
        let expected: usize = t
            .hops
            .iter()
            .filter(|h| h.device == "node/node-1")
            .map(|h| h.rules.len())
            .sum();
        assert!(expected > 3);
        assert_eq!(l.hits, expected);
        let marked: Vec<usize> = l.lines.iter().flat_map(|l| l.marks.clone()).collect();
        assert_eq!(marked.len(), expected, "every match found its line");
        // The DNAT to a backend is among them.
        assert!(l
            .lines
            .iter()
            .any(|l| !l.marks.is_empty() && l.text.contains("DNAT")));
        // A node the packet did not pass has nothing marked.
        let none = marked_listing(&s, "node-3", Some(&t)).unwrap();
        let through_3 = t.hops.iter().any(|h| h.device == "node/node-3");
        assert_eq!(none.lines.iter().all(|l| l.marks.is_empty()), !through_3);
        assert!(marked_listing(&s, "nope", None).is_none());
    }

    #[test]
    fn in_nftables_mode_the_nft_listing_marks_rules_and_map_elements() {
        use crate::model::edit::{apply, Edit};
        use crate::model::ProxyMode;
        let s = crate::model::default_scenario();
        let nft = Edit::SetProxyMode {
            node: None,
            mode: Some(ProxyMode::Nftables),
        };
        let s = apply(&s, &nft).unwrap().scenario;
        let t = trace_spec(&s, &TraceSpec::default()).unwrap();
        let hits: Vec<&RuleRef> = (t.hops.iter())
            .filter(|h| h.device == "node/node-1")
            .flat_map(|h| &h.rules)
            .collect();
        assert!(hits.iter().all(|r| r.backend == "nftables"));
        let l = marked_listing(&s, "node-1", Some(&t)).unwrap();
        assert!(l.nft);
        assert_eq!(l.hits, hits.len());
        assert!(l.lines[0].text.starts_with("table ip kube-proxy {"));
        // Every match marks its rule line (or its base chain's policy
        // line), in order; a verdict map's also the element it matched.
        let with = |k: usize| l.lines.iter().filter(move |l| l.marks.contains(&k));
        for (i, r) in hits.iter().enumerate() {
            let lines: Vec<&Marked> = with(i + 1).collect();
            let on_element = usize::from(r.element.is_some() && r.rule.contains("vmap @"));
            assert_eq!(lines.len(), 1 + on_element, "{r:?}");
            if on_element == 1 {
                let e = r.element.as_deref().unwrap();
                assert!(lines
                    .iter()
                    .any(|l| l.text.contains(e) && l.text.starts_with("\t\t")));
            }
        }
        // The service-ips element of the Service's ClusterIP is among them.
        let svc = &s.services[0];
        let ip = svc.cluster_ip.unwrap().to_string();
        assert!(
            l.lines.iter().any(|m| !m.marks.is_empty()
                && m.text.contains(&format!("{ip} . tcp . 80 : goto service-"))),
            "{:#?}",
            l.lines
                .iter()
                .filter(|m| !m.marks.is_empty())
                .collect::<Vec<_>>()
        );
        // A node in iptables mode beside it shows iptables.
        let mixed = Edit::SetProxyMode {
            node: Some("node-3".into()),
            mode: Some(ProxyMode::Iptables),
        };
        let m = apply(&s, &mixed).unwrap().scenario;
        assert!(!marked_listing(&m, "node-3", None).unwrap().nft);
        assert!(marked_listing(&m, "node-2", None).unwrap().nft);
    }
}
