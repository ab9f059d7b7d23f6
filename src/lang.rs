//! The two languages the app speaks, shared by the engine (its trace
//! sentences) and the UI. Plain data: no web crate.

/// A language the app is written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    /// The language of a BCP 47 tag (`ko`, `ko-KR`, `KO_kr`): Korean for
    /// the `ko` language subtag, English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }

    /// The tag for `lang` attributes and links: `en` or `ko`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// The language the switch offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Ko,
            Lang::Ko => Lang::En,
        }
    }
}
