//! A list of problems, capped: a scenario with 250 errors shows the first
//! few and "and N more", which expands to all of them (and folds back).
//! Used wherever problems are listed (the notice, the YAML tab, the
//! editor's forms).

use super::i18n::{t, use_lang, Lang, Text};
use yew::prelude::*;

/// How many problems a folded list shows.
pub const SHOWN: usize = 10;

/// A list this long or shorter is never folded ("and 1 more" would take
/// the room of the one it hides).
pub const FOLD_ABOVE: usize = SHOWN + 2;

/// How many of `total` problems to show.
pub fn shown(total: usize, expanded: bool) -> usize {
    if expanded || total <= FOLD_ABOVE {
        total
    } else {
        SHOWN
    }
}

const MORE: Text = t("and ", "외 ");
const MORE_END: Text = t(" more", "개 더 보기");
const FEWER: Text = t("Show the first ", "처음 ");
const FEWER_END: Text = t(" only", "개만 보기");

/// The button that unfolds `hidden` more problems, in `lang`.
pub fn more_words(hidden: usize, lang: Lang) -> String {
    [MORE.get(lang), &hidden.to_string(), MORE_END.get(lang)].concat()
}

/// The button that folds the list back, in `lang`.
pub fn fewer_words(lang: Lang) -> String {
    [FEWER.get(lang), &SHOWN.to_string(), FEWER_END.get(lang)].concat()
}

#[derive(Properties, PartialEq)]
pub struct ProblemListProps {
    /// The problems, worded.
    pub items: Vec<String>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub role: Option<AttrValue>,
    #[prop_or_default]
    pub live: Option<AttrValue>,
}

/// A `<ul>` of the problems, folded past [`FOLD_ABOVE`].
#[function_component(ProblemList)]
pub fn problem_list(p: &ProblemListProps) -> Html {
    let lang = use_lang();
    let expanded = use_state_eq(|| false);
    let total = p.items.len();
    let n = shown(total, *expanded);
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    let button = (total > FOLD_ABOVE).then(|| {
        let label = if *expanded {
            fewer_words(lang)
        } else {
            more_words(total - n, lang)
        };
        html! {
            <li class="problems-more">
                <button type="button" class="link" aria-expanded={expanded.to_string()} onclick={toggle}>{ label }</button>
            </li>
        }
    });
    html! {
        <ul id={p.id.clone()} class={p.class.clone()} role={p.role.clone()} aria-live={p.live.clone()}
            data-total={total.to_string()}>
            { for p.items[..n].iter().map(|s| html! { <li>{ s }</li> }) }
            { button }
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lists_only() {
        assert_eq!(shown(0, false), 0);
        assert_eq!(shown(SHOWN, false), SHOWN);
        // "and 1 more" or "and 2 more" would hide less than it costs.
        assert_eq!(shown(FOLD_ABOVE, false), FOLD_ABOVE);
        assert_eq!(shown(FOLD_ABOVE + 1, false), SHOWN);
        assert_eq!(shown(250, false), SHOWN);
        assert_eq!(shown(250, true), 250);
        assert_eq!(shown(3, true), 3);
    }

    #[test]
    fn words_in_both_languages() {
        assert_eq!(more_words(240, Lang::En), "and 240 more");
        assert_eq!(more_words(240, Lang::Ko), "외 240개 더 보기");
        assert_eq!(fewer_words(Lang::En), "Show the first 10 only");
        assert_eq!(fewer_words(Lang::Ko), "처음 10개만 보기");
    }

    /// The list's button in the language the page provides (rendered as
    /// the posters are, natively).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_list_speaks_the_provided_language() {
        use crate::ui::draw::render_in;
        let items: Vec<String> = (0..20).map(|i| format!("problem {i}")).collect();
        let list = || html! { <ProblemList items={items.clone()} /> };
        let ko = render_in(Lang::Ko, list());
        assert!(ko.contains("외 10개 더 보기"), "{ko}");
        let en = render_in(Lang::En, list());
        assert!(en.contains("and 10 more"), "{en}");
        assert!(
            en.contains("problem 9") && !en.contains("problem 10"),
            "{en}"
        );
    }
}
