//! The playground's header: the title, the presets, undo and redo, the
//! tutorial, sharing and the language switch. A view function: it holds
//! no state (and a component costs wasm bytes).

use crate::model::presets;
use crate::ui::i18n::{preset_title, t, Lang, Text};
use crate::ui::lessons;
use crate::ui::state::Action;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

const TAGLINE: Text = t(
    "How traffic reaches a pod: routing, netfilter and conntrack, hop by hop.",
    "트래픽이 파드에 닿는 길: 라우팅, netfilter, conntrack을 홉 단위로.",
);
const SCENARIO: Text = t("Scenario", "시나리오");
const LOAD_PRESET: Text = t("Load a lesson's scenario…", "레슨의 시나리오 불러오기…");
const UNDO: Text = t("Undo", "실행 취소");
const UNDO_TITLE: Text = t("Undo (Ctrl+Z)", "실행 취소 (Ctrl+Z)");
const REDO: Text = t("Redo", "다시 실행");
const REDO_TITLE: Text = t("Redo (Ctrl+Shift+Z)", "다시 실행 (Ctrl+Shift+Z)");
const TUTORIAL: Text = t("Tutorial", "튜토리얼");
const SHARE: Text = t("Share link", "공유 링크");
const SHARE_TITLE: Text = t(
    "A link that opens this scenario and trace",
    "이 시나리오와 트레이스를 여는 링크",
);

/// The button that switches to the other language, reporting it (the
/// app saves the choice and provides it).
pub fn lang_switch(lang: Lang, onlang: &Callback<Lang>) -> Html {
    let other = lang.other();
    let onlang = onlang.clone();
    let switch = Callback::from(move |_: MouseEvent| onlang.emit(other));
    let label = match lang {
        Lang::En => "한국어",
        Lang::Ko => "English",
    };
    html! { <button type="button" id="lang-switch" lang={other.code()} onclick={switch}>{ label }</button> }
}

/// What the header needs.
pub struct ToolbarProps {
    pub can_undo: bool,
    pub can_redo: bool,
    /// Makes a share link of the current work.
    pub onshare: Callback<()>,
    pub onlang: Callback<Lang>,
    pub ondispatch: Callback<Action>,
}

/// The header, in `lang`.
pub fn toolbar(p: ToolbarProps, lang: Lang) -> Html {
    let w = |x: Text| x.get(lang);
    let on_preset = {
        let d = p.ondispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                if !s.value().is_empty() {
                    d.emit(Action::LoadPreset(s.value()));
                    s.set_value("");
                }
            }
        })
    };
    let act = |a: Action| {
        let d = p.ondispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let share = {
        let onshare = p.onshare.clone();
        Callback::from(move |_: MouseEvent| onshare.emit(()))
    };
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ "k8s-netlab" }</h1>
                <p class="tagline">{ w(TAGLINE) }</p>
            </div>
            <nav class="toolbar" aria-label={w(SCENARIO)}>
                <label class="preset"><span class="visually-hidden">{ w(SCENARIO) }</span>
                    <select id="preset" onchange={on_preset}>
                        <option value="" selected=true>{ w(LOAD_PRESET) }</option>
                        // One numbering with the tutorial: a preset is
                        // the scenario of the lesson of the same id.
                        { for presets::PRESETS.iter().map(|p| html! {
                            <option value={p.id}>{ match lessons::lesson(p.id) {
                                Some((i, l)) => lessons::numbered(i, l.title, lang),
                                None => preset_title(p.id, lang).to_string(),
                            } }</option>
                        }) }
                    </select></label>
                <button type="button" id="undo" onclick={act(Action::Undo)} disabled={!p.can_undo}
                    title={w(UNDO_TITLE)}>{ w(UNDO) }</button>
                <button type="button" id="redo" onclick={act(Action::Redo)} disabled={!p.can_redo}
                    title={w(REDO_TITLE)}>{ w(REDO) }</button>
                <a href="?tutorial" id="to-tutorial" class="button-link">{ w(TUTORIAL) }</a>
                <button type="button" id="share" onclick={share} title={w(SHARE_TITLE)}>{ w(SHARE) }</button>
                { lang_switch(lang, &p.onlang) }
            </nav>
        </header>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::draw::render_in;

    fn toolbar(lang: Lang, can_undo: bool) -> String {
        let props = ToolbarProps {
            can_undo,
            can_redo: false,
            onshare: Callback::noop(),
            onlang: Callback::noop(),
            ondispatch: Callback::noop(),
        };
        render_in(lang, super::toolbar(props, lang))
    }

    #[test]
    fn the_toolbar_offers_every_preset_and_the_other_language() {
        let en = toolbar(Lang::En, true);
        for p in presets::PRESETS {
            assert!(
                en.contains(&format!(r#"<option value="{}">"#, p.id)),
                "{en}"
            );
        }
        assert!(en.contains(r#"id="lang-switch" lang="ko""#), "{en}");
        assert!(
            en.contains(r#"<button type="button" id="undo" title="Undo (Ctrl+Z)">"#),
            "{en}"
        );
        assert!(
            en.contains(r#"id="redo" title="Redo (Ctrl+Shift+Z)" disabled="disabled">"#),
            "{en}"
        );
        let ko = toolbar(Lang::Ko, false);
        assert!(ko.contains(r#"id="lang-switch" lang="en""#), "{ko}");
        assert!(
            ko.contains(r#"id="undo" title="실행 취소 (Ctrl+Z)" disabled="disabled">"#),
            "{ko}"
        );
    }
}
