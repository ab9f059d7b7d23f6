//! The tutorial's two languages: text kept as pairs of `&'static str`, one
//! per language, chosen at render time. Plain data, no formatting.

pub use crate::lang::Lang;

/// One piece of text in both languages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ko => self.ko,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_korean_only_for_ko() {
        for tag in ["ko", "ko-KR", "KO", "ko_KR", " ko-kr ", "ko-Kore-KR"] {
            assert_eq!(Lang::from_tag(tag), Lang::Ko, "{tag:?}");
        }
        for tag in ["en", "en-US", "", "k", "kok", "kor", "ja-JP", "-ko", "x-ko"] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag:?}");
        }
        assert_eq!(Lang::default(), Lang::En);
    }

    #[test]
    fn codes_read_back() {
        for lang in [Lang::En, Lang::Ko] {
            assert_eq!(Lang::from_tag(lang.code()), lang);
        }
        assert_eq!(Lang::En.code(), "en");
        assert_eq!(Lang::Ko.code(), "ko");
    }

    #[test]
    fn text_gives_each_language() {
        let t = Text {
            en: "Send",
            ko: "보내기",
        };
        assert_eq!(t.get(Lang::En), "Send");
        assert_eq!(t.get(Lang::Ko), "보내기");
    }
}
