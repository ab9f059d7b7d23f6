//! The notices above the workbench: a message (with the problems it
//! names), a share link just made, and a share link waiting to be opened.
//! A view function: it holds no state (and a component costs wasm bytes).

use crate::ui::i18n::{t, Lang, Text};
use crate::ui::notice::{Notice, NoticeKind};
use crate::ui::problems::ProblemList;
use crate::ui::state::Action;
use yew::prelude::*;

const DISMISS: Text = t("Dismiss", "닫기");
const SHARE_BOX: Text = t(
    "Share link (copied to the clipboard): ",
    "공유 링크 (클립보드에 복사됨): ",
);
const PENDING: Text = t(
    "This link carries a scenario and a trace. Open it? Your current work stays one Undo away.",
    "이 링크에는 시나리오와 트레이스가 들어 있습니다. 열까요? 지금 작업은 실행 취소 한 번으로 돌아올 수 있습니다.",
);
const OPEN_LINK: Text = t("Open the link", "링크 열기");
const KEEP_WORK: Text = t("Keep my work", "내 작업 유지");

/// What the notices show.
pub struct NoticesProps<'a> {
    pub notice: Option<&'a Notice>,
    pub share_link: Option<&'a str>,
    /// A share link waits for the reader to open it or keep their work.
    pub pending: bool,
    pub ondispatch: &'a Callback<Action>,
}

/// The notices, in `lang`.
pub fn notices(p: NoticesProps, lang: Lang) -> Html {
    let w = |x: Text| x.get(lang);
    let act = |a: Action| {
        let d = p.ondispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    html! {
        <>
            if let Some(n) = p.notice {
                <div class={classes!("notice", (n.kind == NoticeKind::Error).then_some("bad"))} role="alert" id="notice">
                    <p>{ n.text.text(lang) }</p>
                    if !n.problems.is_empty() {
                        <ProblemList items={n.problems.iter().map(ToString::to_string).collect::<Vec<_>>()} />
                    }
                    <button type="button" class="dismiss" onclick={act(Action::Dismiss)} aria-label={w(DISMISS)}>{ "×" }</button>
                </div>
            }
            if let Some(url) = p.share_link {
                <div class="notice" id="share-box">
                    <label>{ w(SHARE_BOX) }
                        <input id="share-url" readonly=true value={url.to_string()} /></label>
                    <button type="button" class="dismiss" onclick={act(Action::Dismiss)} aria-label={w(DISMISS)}>{ "×" }</button>
                </div>
            }
            if p.pending {
                <div class="notice" role="alertdialog" id="pending" aria-labelledby="pending-t">
                    <p id="pending-t">{ w(PENDING) }</p>
                    <button type="button" class="primary" id="pending-open" onclick={act(Action::AcceptPending)}>{ w(OPEN_LINK) }</button>
                    <button type="button" id="pending-keep" onclick={act(Action::RejectPending)}>{ w(KEEP_WORK) }</button>
                </div>
            }
        </>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::ui::draw::render_in;
    use crate::ui::i18n::Lang;
    use crate::ui::state::{Action, State};

    #[test]
    fn notices_show_what_the_state_holds_in_the_page_language() {
        // A notice with problems: an import that fails.
        let mut s = State::new();
        s.apply(Action::Import("kind: Service\nmetadata: {}\n".into()));
        let notice = s.notice.clone().expect("a notice");
        let d = Callback::noop();
        let all = |lang| {
            let props = NoticesProps {
                notice: Some(&notice),
                share_link: Some("https://example.test/#s=1.x"),
                pending: true,
                ondispatch: &d,
            };
            render_in(lang, notices(props, lang))
        };
        let en = all(Lang::En);
        assert!(en.contains(r#"id="notice""#), "{en}");
        assert!(en.contains(r#"class="notice bad""#), "{en}");
        assert!(en.contains(&notice.text.text(Lang::En)), "{en}");
        assert!(
            en.contains(r#"value="https://example.test/#s=1.x""#),
            "{en}"
        );
        assert!(en.contains("Open the link"), "{en}");
        let ko = all(Lang::Ko);
        assert!(
            ko.contains("링크 열기") && ko.contains(&notice.text.text(Lang::Ko)),
            "{ko}"
        );
        let none = NoticesProps {
            notice: None,
            share_link: None,
            pending: false,
            ondispatch: &d,
        };
        assert_eq!(render_in(Lang::En, notices(none, Lang::En)), "");
    }
}
