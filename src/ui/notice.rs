//! What the page says about itself, as data the state keeps
//! language-free and the view words in the reader's language: a notice
//! ([`Message`], [`Notice`]) and the scenario's title ([`ScenarioTitle`]).

use crate::model::Problem;
use crate::ui::i18n::{t, Lang, Text};

#[derive(Debug, Clone, PartialEq)]
pub enum NoticeKind {
    Info,
    Error,
}

/// What a notice says, worded by [`Message::text`] in the reader's
/// language. A `String` is a detail in someone else's words (an id, the
/// engine's reason, the browser's error, pod names), shown as it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// An edit was refused (its problems follow).
    EditRefused,
    /// A preset's scenario did not load (its problems follow).
    PresetFailed,
    /// No preset has this id.
    NoPreset(String),
    /// Imported, with the warnings that follow (then the notes).
    ImportWarnings,
    /// Imported, with the notes that follow: what the loader inferred
    /// (a pasted cluster's networks) or left out.
    ImportNotes,
    /// An import failed (its problems follow).
    ImportFailed,
    /// A share link's or saved scenario did not load.
    OpenFailed,
    /// Deployments replaced a removed node's pods: the new pods.
    Replaced(String),
    /// "Send N" could not run: why.
    SendFailed(String),
    /// Autosave failed.
    NotSaved(String),
    /// The saved workspace could not be read.
    SavedUnreadable(String),
    /// No share link was made.
    NoLink(String),
    /// A share link could not be opened.
    LinkUnreadable(String),
    /// An embedded widget's share link could not be read.
    WidgetLink(String),
    /// An embedded widget's scenario file did not load.
    WidgetLoad(String),
}

const EDIT_REFUSED: Text = t("That change was not made:", "변경하지 않았습니다:");
const PRESET_FAILED: Text = t("The preset did not load:", "프리셋을 불러오지 못했습니다:");
const NO_PRESET: Text = t("There is no preset ", "없는 프리셋입니다: ");
const IMPORT_WARNINGS: Text = t("Imported, with warnings:", "가져왔습니다. 경고:");
const IMPORT_NOTES: Text = t(
    "Imported. Inferred or left out:",
    "가져왔습니다. 추론하거나 제외한 것:",
);
const IMPORT_FAILED: Text = t(
    "Nothing was imported; the scenario is unchanged:",
    "가져오지 않았습니다. 시나리오는 그대로입니다:",
);
const OPEN_FAILED: Text = t(
    "That scenario did not load; yours is unchanged:",
    "그 시나리오를 불러오지 못했습니다. 작업은 그대로입니다:",
);
const REPLACED: Text = t(
    "The Deployments replaced the lost pods: ",
    "디플로이먼트가 잃은 파드를 새로 만들었습니다: ",
);
const SEND_FAILED: Text = t("Cannot send that: ", "보낼 수 없습니다: ");
const NOT_SAVED: Text = t(
    "Your work is not being saved in this browser: ",
    "작업이 이 브라우저에 저장되지 않고 있습니다: ",
);
const UNREADABLE: Text = t(
    "Your saved work could not be read (",
    "저장된 작업을 읽지 못했습니다 (",
);
const UNREADABLE_END: Text = t("); it is left as it is.", "). 저장된 작업은 그대로 둡니다.");
const NO_LINK: Text = t("No link was made: ", "링크를 만들지 못했습니다: ");
const LINK_UNREADABLE: Text = t("The link could not be opened: ", "링크를 열지 못했습니다: ");
const LINK_UNREADABLE_END: Text = t(". Your work is unchanged.", ". 작업은 그대로입니다.");
const WIDGET_LINK: Text = t(
    "This widget's link could not be read: ",
    "이 위젯의 링크를 읽지 못했습니다: ",
);
const WIDGET_LOAD: Text = t(
    "This widget's scenario did not load: ",
    "이 위젯의 시나리오를 불러오지 못했습니다: ",
);
const STOP: Text = t(".", ".");

impl Message {
    /// The words in `lang`: a sentence, the detail, its end.
    pub fn text(&self, lang: Lang) -> String {
        let (head, detail, end): (Text, &str, Option<Text>) = match self {
            Message::EditRefused => (EDIT_REFUSED, "", None),
            Message::PresetFailed => (PRESET_FAILED, "", None),
            Message::NoPreset(id) => (NO_PRESET, id, Some(STOP)),
            Message::ImportWarnings => (IMPORT_WARNINGS, "", None),
            Message::ImportNotes => (IMPORT_NOTES, "", None),
            Message::ImportFailed => (IMPORT_FAILED, "", None),
            Message::OpenFailed => (OPEN_FAILED, "", None),
            Message::Replaced(pods) => (REPLACED, pods, Some(STOP)),
            Message::SendFailed(e) => (SEND_FAILED, e, None),
            Message::NotSaved(e) => (NOT_SAVED, e, None),
            Message::SavedUnreadable(e) => (UNREADABLE, e, Some(UNREADABLE_END)),
            Message::NoLink(e) => (NO_LINK, e, None),
            Message::LinkUnreadable(e) => (LINK_UNREADABLE, e, Some(LINK_UNREADABLE_END)),
            Message::WidgetLink(e) => (WIDGET_LINK, e, None),
            Message::WidgetLoad(e) => (WIDGET_LOAD, e, None),
        };
        [head.get(lang), detail, end.map_or("", |e| e.get(lang))].concat()
    }
}

/// What the scenario is, worded by [`ScenarioTitle::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioTitle {
    /// A preset, by id.
    Preset(&'static str),
    /// A lesson's starting scenario, by lesson id.
    Lesson(&'static str),
    /// A preset changed since it was loaded.
    EditedPreset(&'static str),
    /// A lesson's scenario changed since it started.
    EditedLesson(&'static str),
    /// Something imported, opened or restored, changed since.
    Edited,
    Imported,
    Opened,
    /// The workspace saved in this browser.
    Saved,
}

const EDITED_MARK: Text = t(" (edited)", " (편집함)");

impl ScenarioTitle {
    /// The same scenario after a change: a preset or a lesson keeps its
    /// name, with an edited mark.
    pub fn edited(self) -> ScenarioTitle {
        match self {
            ScenarioTitle::Preset(id) | ScenarioTitle::EditedPreset(id) => {
                ScenarioTitle::EditedPreset(id)
            }
            ScenarioTitle::Lesson(id) | ScenarioTitle::EditedLesson(id) => {
                ScenarioTitle::EditedLesson(id)
            }
            _ => ScenarioTitle::Edited,
        }
    }

    pub fn text(self, lang: Lang) -> String {
        let lesson = |id: &str| {
            crate::ui::lessons::lesson(id).map_or_else(
                || id.to_string(),
                |(i, l)| crate::ui::lessons::numbered(i, l.title, lang),
            )
        };
        let edited = EDITED_MARK.get(lang);
        match self {
            ScenarioTitle::Preset(id) => crate::ui::i18n::preset_title(id, lang).to_string(),
            ScenarioTitle::Lesson(id) => lesson(id),
            ScenarioTitle::EditedPreset(id) => {
                [crate::ui::i18n::preset_title(id, lang), edited].concat()
            }
            ScenarioTitle::EditedLesson(id) => [lesson(id).as_str(), edited].concat(),
            ScenarioTitle::Edited => t("Edited", "편집함").get(lang).to_string(),
            ScenarioTitle::Imported => t("Imported", "가져옴").get(lang).to_string(),
            ScenarioTitle::Opened => t("Opened", "링크에서 엶").get(lang).to_string(),
            ScenarioTitle::Saved => t("Your saved work", "저장된 작업").get(lang).to_string(),
        }
    }
}

/// A message at the top of the page (an import that failed, a restored
/// session...). Problems are listed one per line.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: Message,
    pub problems: Vec<Problem>,
}

impl Notice {
    pub(super) fn info(text: Message) -> Notice {
        Notice {
            kind: NoticeKind::Info,
            text,
            problems: Vec::new(),
        }
    }

    pub(super) fn error(text: Message, problems: Vec<Problem>) -> Notice {
        Notice {
            kind: NoticeKind::Error,
            text,
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_reads_in_both_languages() {
        let d = || "DETAIL".to_string();
        let all = [
            Message::EditRefused,
            Message::PresetFailed,
            Message::NoPreset(d()),
            Message::ImportWarnings,
            Message::ImportNotes,
            Message::ImportFailed,
            Message::OpenFailed,
            Message::Replaced(d()),
            Message::SendFailed(d()),
            Message::NotSaved(d()),
            Message::SavedUnreadable(d()),
            Message::NoLink(d()),
            Message::LinkUnreadable(d()),
            Message::WidgetLink(d()),
            Message::WidgetLoad(d()),
        ];
        let hangul = |s: &str| s.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c));
        for m in &all {
            let (en, ko) = (m.text(Lang::En), m.text(Lang::Ko));
            assert!(!hangul(&en) && en.is_ascii(), "{en}");
            assert!(hangul(&ko), "{ko}");
            // A detail is carried, never dropped, in both.
            let carries = !matches!(
                m,
                Message::EditRefused
                    | Message::PresetFailed
                    | Message::ImportWarnings
                    | Message::ImportNotes
                    | Message::ImportFailed
                    | Message::OpenFailed
            );
            assert_eq!(en.contains("DETAIL"), carries, "{en}");
            assert_eq!(ko.contains("DETAIL"), carries, "{ko}");
        }
        assert_eq!(
            Message::SavedUnreadable("x".into()).text(Lang::En),
            "Your saved work could not be read (x); it is left as it is."
        );
        assert_eq!(
            Message::LinkUnreadable("x".into()).text(Lang::En),
            "The link could not be opened: x. Your work is unchanged."
        );
    }
}
