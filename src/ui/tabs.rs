//! A WAI-ARIA tab list: the selected tab alone in the Tab order; the
//! arrows (wrapping), Home and End select and focus another. The panel the
//! tabs control is the caller's (`aria-controls` names it). A view
//! function rather than a component: it holds no state, and each
//! component costs wasm bytes (ARCHITECTURE.md, "Size").

use yew::prelude::*;

/// The tab a key moves to from tab `i` of `n` (ArrowLeft/ArrowRight wrap
/// around, Home, End); `None` for other keys.
pub fn tab_key(n: usize, i: usize, key: &str) -> Option<usize> {
    if n == 0 {
        return None;
    }
    match key {
        "ArrowRight" => Some((i + 1) % n),
        "ArrowLeft" => Some((i + n - 1) % n),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

/// One tab: its element id (which the panel's `aria-labelledby` names)
/// and its label.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TabItem {
    pub id: &'static str,
    pub label: &'static str,
}

/// A tab list: its tabs, which is selected, and where a choice goes.
pub struct TabsProps {
    /// The tab list's accessible name.
    pub label: &'static str,
    pub tabs: Vec<TabItem>,
    /// The selected tab's place in `tabs`.
    pub selected: usize,
    /// The id of the panel the tabs control.
    pub controls: &'static str,
    /// A tab was chosen (clicked, or moved to with a key): its place.
    pub onselect: Callback<usize>,
}

/// The tab buttons in a `role="tablist"`.
pub fn tabs(p: TabsProps) -> Html {
    let onkeydown = {
        let (tabs, selected, onselect) = (p.tabs.clone(), p.selected, p.onselect.clone());
        Callback::from(move |e: KeyboardEvent| {
            if let Some(j) = tab_key(tabs.len(), selected, &e.key()) {
                e.prevent_default();
                onselect.emit(j);
                focus(tabs[j].id);
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label={p.label} {onkeydown}>
            { for p.tabs.iter().enumerate().map(|(i, t)| {
                let selected = i == p.selected;
                let onselect = p.onselect.clone();
                html! {
                    <button type="button" role="tab" id={t.id} aria-selected={selected.to_string()}
                        aria-controls={p.controls} tabindex={if selected { "0" } else { "-1" }}
                        class={classes!("tab", selected.then_some("on"))}
                        onclick={Callback::from(move |_: MouseEvent| onselect.emit(i))}>{ t.label }</button>
                }
            }) }
        </div>
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_keys_move_and_wrap() {
        assert_eq!(tab_key(4, 0, "ArrowRight"), Some(1));
        assert_eq!(tab_key(4, 3, "ArrowRight"), Some(0));
        assert_eq!(tab_key(4, 0, "ArrowLeft"), Some(3));
        assert_eq!(tab_key(4, 2, "ArrowLeft"), Some(1));
        assert_eq!(tab_key(2, 1, "Home"), Some(0));
        assert_eq!(tab_key(2, 0, "End"), Some(1));
        assert_eq!(tab_key(4, 1, "Enter"), None);
        assert_eq!(tab_key(0, 0, "ArrowRight"), None);
    }

    /// The markup the page's CSS and the browser tests read: only the
    /// selected tab is in the Tab order, and each names the panel.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn only_the_selected_tab_is_in_the_tab_order() {
        use crate::ui::draw::render_in;
        use crate::ui::i18n::Lang;
        let tabs = vec![
            TabItem {
                id: "tab-a",
                label: "A",
            },
            TabItem {
                id: "tab-b",
                label: "B",
            },
        ];
        let html = render_in(
            Lang::En,
            super::tabs(TabsProps {
                label: "Panels",
                tabs,
                selected: 1,
                controls: "tab-panel",
                onselect: Callback::noop(),
            }),
        );
        assert!(
            html.starts_with(r#"<div role="tablist" aria-label="Panels" class="tabs">"#),
            "{html}"
        );
        assert!(html.contains(
            r#"<button type="button" role="tab" id="tab-a" aria-selected="false" aria-controls="tab-panel" tabindex="-1" class="tab">A</button>"#
        ), "{html}");
        assert!(html.contains(
            r#"<button type="button" role="tab" id="tab-b" aria-selected="true" aria-controls="tab-panel" tabindex="0" class="tab on">B</button>"#
        ), "{html}");
    }
}
