//! The panels beside the drawing, as tabs: the trace, the rules, and (on
//! pages that edit) the editor and the YAML. A view function over the
//! page's state (a component costs wasm bytes; the panels are components).

use crate::engine::addressing::Choice;
use crate::ui::editor::{EditorPanel, Kind as EditKind};
use crate::ui::i18n::{t, Lang, Text};
use crate::ui::rules::RulesPanel;
use crate::ui::state::{Action, State};
use crate::ui::tabs::{tabs, TabItem, TabsProps};
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

/// What the panels show: the page's state and its menus.
pub struct PanelsProps<'a> {
    pub tab: Tab,
    pub ontab: Callback<Tab>,
    /// The Edit and YAML tabs are offered.
    pub edit: bool,
    pub state: &'a State,
    /// The request menus (the caller keeps them per scenario).
    pub sources: Rc<Vec<Choice>>,
    pub destinations: Rc<Vec<Choice>>,
    /// The editor's section to open first.
    pub open_section: Option<EditKind>,
    pub keep_draft: bool,
    pub ondispatch: &'a Callback<Action>,
}

/// The tabs and the selected tab's panel, in `lang`.
pub fn panels(p: PanelsProps, lang: Lang) -> Html {
    let s = p.state;
    let shown = Tab::shown(p.edit);
    let selected = shown.iter().position(|t| *t == p.tab).unwrap_or(0);
    let items: Vec<TabItem> = shown
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
    let d = p.ondispatch;
    let trace = s.run.as_ref().and_then(|r| r.trace.clone().ok());
    html! {
        <aside class="side">
            { tabs(TabsProps { label: PANELS.get(lang), tabs: items, selected, controls: "tab-panel", onselect }) }
            <div role="tabpanel" id="tab-panel" aria-labelledby={shown[selected].id()}>
            { match shown[selected] {
                Tab::Trace => html! { <TracePanel scenario={s.scenario.clone()} spec={s.spec.clone()} run={s.run.clone()}
                    spread={s.spread.clone()} sources={p.sources} destinations={p.destinations}
                    ondispatch={d.clone()} every_hop={s.every_hop} speed={s.speed} predict={s.predict} /> },
                Tab::Rules => html! { <RulesPanel scenario={s.scenario.clone()} node={s.selected_node.clone()}
                    {trace} ondispatch={d.clone()} /> },
                Tab::Edit => html! { <EditorPanel scenario={s.scenario.clone()} ondispatch={d.clone()}
                    open={p.open_section} /> },
                Tab::Yaml => html! { <YamlPanel scenario={s.scenario.clone()} ondispatch={d.clone()} keep_draft={p.keep_draft} /> },
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
        let d = Callback::noop();
        let panels = |tab: Tab, edit: bool, lang: Lang| {
            let props = PanelsProps {
                tab,
                ontab: Callback::noop(),
                edit,
                state: &s,
                sources: Rc::new(crate::engine::addressing::sources(&s.scenario)),
                destinations: Rc::new(vec![]),
                open_section: None,
                keep_draft: false,
                ondispatch: &d,
            };
            render_in(lang, super::panels(props, lang))
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
