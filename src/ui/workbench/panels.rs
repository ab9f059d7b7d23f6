//! The panels beside the drawing, as tabs: the trace, the rules, and (on
//! pages that edit) the editor and the YAML.

use crate::engine::addressing;
use crate::engine::trace::Trace;
use crate::model::Scenario;
use crate::ui::editor::{EditorPanel, Kind as EditKind};
use crate::ui::i18n::{t, use_lang, Text};
use crate::ui::rules::RulesPanel;
use crate::ui::state::{Action, Run, Speed, Spread, TraceSpec};
use crate::ui::tabs::{TabItem, Tabs};
use crate::ui::trace_view::TracePanel;
use crate::ui::yaml::YamlPanel;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tab {
    Trace,
    Rules,
    Edit,
    Yaml,
}

const PANELS: Text = t("Panels", "패널");
const TAB_TRACE: Text = t("Trace", "트레이스");
const TAB_RULES: Text = t("Rules", "규칙");
const TAB_EDIT: Text = t("Edit", "편집");

impl Tab {
    /// The tabs a page shows: all four where it edits, else Trace and
    /// Rules.
    pub fn shown(edit: bool) -> &'static [Tab] {
        if edit {
            &[Tab::Trace, Tab::Rules, Tab::Edit, Tab::Yaml]
        } else {
            &[Tab::Trace, Tab::Rules]
        }
    }

    /// The tab button's id (the e2e tests and the panel's
    /// `aria-labelledby` name it).
    pub fn id(self) -> &'static str {
        match self {
            Tab::Trace => "tab-trace",
            Tab::Rules => "tab-rules",
            Tab::Edit => "tab-edit",
            Tab::Yaml => "tab-yaml",
        }
    }

    fn label(self) -> Text {
        match self {
            Tab::Trace => TAB_TRACE,
            Tab::Rules => TAB_RULES,
            Tab::Edit => TAB_EDIT,
            Tab::Yaml => t("YAML", "YAML"),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct PanelsProps {
    pub tab: Tab,
    pub ontab: Callback<Tab>,
    /// The Edit and YAML tabs are offered.
    pub edit: bool,
    pub scenario: Rc<Scenario>,
    pub spec: TraceSpec,
    pub run: Option<Run>,
    pub spread: Option<Rc<Spread>>,
    pub trace: Option<Rc<Trace>>,
    pub selected_node: Option<String>,
    pub every_hop: bool,
    pub speed: Speed,
    /// The editor's section to open first.
    pub open_section: Option<EditKind>,
    pub keep_draft: bool,
    pub ondispatch: Callback<Action>,
}

#[function_component(Panels)]
pub fn panels(p: &PanelsProps) -> Html {
    let lang = use_lang();
    let sources = use_memo(p.scenario.clone(), |s| addressing::sources(s));
    let destinations = use_memo(p.scenario.clone(), |s| addressing::destinations(s));
    let shown = Tab::shown(p.edit);
    let selected = shown.iter().position(|t| *t == p.tab).unwrap_or(0);
    let tabs: Vec<TabItem> = shown
        .iter()
        .map(|t| TabItem {
            id: t.id(),
            label: t.label().get(lang),
        })
        .collect();
    let onselect = {
        let ontab = p.ontab.clone();
        Callback::from(move |i: usize| ontab.emit(shown[i]))
    };
    let d = &p.ondispatch;
    html! {
        <aside class="side">
            <Tabs label={PANELS.get(lang)} {tabs} {selected} controls="tab-panel" {onselect} />
            <div role="tabpanel" id="tab-panel" aria-labelledby={shown[selected].id()}>
            { match shown[selected] {
                Tab::Trace => html! { <TracePanel spec={p.spec.clone()} run={p.run.clone()}
                    spread={p.spread.clone()} sources={sources.clone()} destinations={destinations.clone()}
                    ondispatch={d.clone()} every_hop={p.every_hop} speed={p.speed} /> },
                Tab::Rules => html! { <RulesPanel scenario={p.scenario.clone()} node={p.selected_node.clone()}
                    trace={p.trace.clone()} ondispatch={d.clone()} /> },
                Tab::Edit => html! { <EditorPanel scenario={p.scenario.clone()} ondispatch={d.clone()}
                    open={p.open_section} /> },
                Tab::Yaml => html! { <YamlPanel scenario={p.scenario.clone()} ondispatch={d.clone()} keep_draft={p.keep_draft} /> },
            } }
            </div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_that_edit_offer_four_tabs_with_their_ids() {
        let ids: Vec<&str> = Tab::shown(true).iter().map(|t| t.id()).collect();
        assert_eq!(ids, ["tab-trace", "tab-rules", "tab-edit", "tab-yaml"]);
        let ids: Vec<&str> = Tab::shown(false).iter().map(|t| t.id()).collect();
        assert_eq!(ids, ["tab-trace", "tab-rules"]);
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_selected_tab_labels_the_panel() {
        use crate::ui::draw::render_in;
        use crate::ui::i18n::Lang;
        use crate::ui::state::State;
        let s = State::new();
        let panels = |tab: Tab, edit: bool, lang: Lang| {
            let props = PanelsProps {
                tab,
                ontab: Callback::noop(),
                edit,
                scenario: s.scenario.clone(),
                spec: s.spec.clone(),
                run: None,
                spread: None,
                trace: None,
                selected_node: None,
                every_hop: false,
                speed: s.speed,
                open_section: None,
                keep_draft: false,
                ondispatch: Callback::noop(),
            };
            render_in(lang, html! { <Panels ..props /> })
        };
        let html = panels(Tab::Rules, true, Lang::En);
        assert!(
            html.contains(r#"<div role="tabpanel" id="tab-panel" aria-labelledby="tab-rules">"#),
            "{html}"
        );
        assert!(html.contains(r#"id="rules-h""#), "{html}");
        assert!(html.contains(r#"id="tab-yaml""#), "{html}");
        // A tab the page does not offer falls back to the trace.
        let html = panels(Tab::Yaml, false, Lang::Ko);
        assert!(!html.contains(r#"id="tab-yaml""#), "{html}");
        assert!(html.contains(r#"aria-labelledby="tab-trace""#), "{html}");
        assert!(html.contains("패킷 보내기"), "{html}");
    }
}
