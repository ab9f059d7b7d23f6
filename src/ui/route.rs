//! Which page the address asks for: the playground, an embedded widget
//! (`?embed`), a lesson (`?lesson=ID`) or the tutorial's index
//! (`?tutorial`). The query is read by the browser (`URLSearchParams`,
//! which decodes it); this is the pure part, tested natively.

/// Where an embedded widget's scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The default scenario (an empty `data-netlab`).
    Default,
    /// A preset by its stable id (`nodeport`).
    Preset(String),
    /// A share link's fragment (`s=1.…`), carried in the address's
    /// fragment.
    Share(String),
    /// A scenario file at this address (same origin: the page's
    /// Content-Security-Policy allows fetching only from its own origin).
    Url(String),
}

/// An embedded widget's options (`embed.js` writes them from the
/// element's `data-*` attributes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    pub source: Source,
    /// A request to show traced: SRC and DST in the CLI's forms.
    pub trace: Option<(String, String)>,
    /// Editing panels shown (otherwise trace and rules only).
    pub editable: bool,
    /// `en` or `ko`; `None` follows the browser.
    pub lang: Option<String>,
    /// The colours (embed.js resolves `auto` from the host page's
    /// `prefers-color-scheme`); `None` follows the widget's own.
    pub theme: Option<Theme>,
    /// The embedding page's origin (`https://docs.example`): the only
    /// one the widget takes commands from and sends its events to.
    pub origin: Option<String>,
}

/// A widget's forced colour theme (a class on the page's root element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn class(self) -> &'static str {
        match self {
            Theme::Light => "theme-light",
            Theme::Dark => "theme-dark",
        }
    }
}

/// An origin as `location.origin` gives it: a scheme, `://`, a host and
/// perhaps a port; nothing else.
pub fn origin(s: &str) -> Option<String> {
    let s = s.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| s.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Playground,
    Embed(EmbedOptions),
    Lesson(String),
    Tutorial,
}

/// `FROM -> TO`, `FROM TO` or `FROM,TO`.
pub fn parse_trace(s: &str) -> Option<(String, String)> {
    let s = s.trim();
    let (a, b) = s
        .split_once("->")
        .or_else(|| s.split_once(','))
        .or_else(|| s.split_once(char::is_whitespace))?;
    let (a, b) = (a.trim(), b.trim());
    (!a.is_empty() && !b.is_empty() && !b.contains(char::is_whitespace))
        .then(|| (a.to_string(), b.to_string()))
}

fn truthy(v: &str) -> bool {
    !matches!(v.trim(), "0" | "false" | "no" | "off")
}

/// The page for a query's decoded `(key, value)` pairs and the address's
/// fragment (without `#`).
pub fn page(params: &[(String, String)], fragment: &str) -> Page {
    let get = |k: &str| {
        params
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    if get("embed").is_some() {
        let fragment = fragment.trim_start_matches('#');
        let source = if fragment.starts_with(super::share::PARAM) || fragment.contains("&s=") {
            Source::Share(fragment.to_string())
        } else if let Some(p) = get("preset").filter(|p| !p.is_empty()) {
            Source::Preset(p.to_string())
        } else if let Some(u) = get("src").filter(|u| !u.is_empty()) {
            Source::Url(u.to_string())
        } else {
            Source::Default
        };
        return Page::Embed(EmbedOptions {
            source,
            trace: get("trace").and_then(parse_trace),
            editable: get("editable").is_some_and(truthy),
            lang: get("lang").map(str::to_string).filter(|l| !l.is_empty()),
            theme: match get("theme").map(str::trim) {
                Some("dark") => Some(Theme::Dark),
                Some("light") => Some(Theme::Light),
                _ => None,
            },
            origin: get("origin").and_then(origin),
        });
    }
    if let Some(id) = get("lesson").filter(|l| !l.is_empty()) {
        return Page::Lesson(id.to_string());
    }
    if get("tutorial").is_some() || get("lesson").is_some() {
        return Page::Tutorial;
    }
    Page::Playground
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pages() {
        assert_eq!(page(&q(&[]), ""), Page::Playground);
        assert_eq!(
            page(&q(&[]), "s=1.abc"),
            Page::Playground,
            "a share link opens the playground"
        );
        assert_eq!(
            page(&q(&[("lesson", "nodeport")]), ""),
            Page::Lesson("nodeport".into())
        );
        assert_eq!(page(&q(&[("tutorial", "")]), ""), Page::Tutorial);
        assert_eq!(page(&q(&[("lesson", "")]), ""), Page::Tutorial);
    }

    #[test]
    fn embeds() {
        let e = |pairs: &[(&str, &str)], frag: &str| match page(&q(pairs), frag) {
            Page::Embed(o) => o,
            p => panic!("{p:?}"),
        };
        let o = e(
            &[
                ("embed", ""),
                ("preset", "nodeport"),
                ("trace", "10.100.0.10 -> 10.100.0.3:30080"),
            ],
            "",
        );
        assert_eq!(o.source, Source::Preset("nodeport".into()));
        assert_eq!(
            o.trace,
            Some(("10.100.0.10".into(), "10.100.0.3:30080".into()))
        );
        assert!(!o.editable);
        assert_eq!(o.lang, None);
        assert_eq!(o.theme, None);
        assert_eq!(o.origin, None);
        let o = e(
            &[("embed", "1"), ("editable", "true"), ("lang", "ko")],
            "s=1.xyz",
        );
        assert_eq!(o.source, Source::Share("s=1.xyz".into()));
        assert!(o.editable);
        assert_eq!(o.lang.as_deref(), Some("ko"));
        assert!(!e(&[("embed", ""), ("editable", "0")], "").editable);
        let o = e(
            &[
                ("embed", "1"),
                ("theme", "dark"),
                ("origin", "https://docs.example:8443"),
            ],
            "",
        );
        assert_eq!(o.theme, Some(Theme::Dark));
        assert_eq!(o.origin.as_deref(), Some("https://docs.example:8443"));
        assert_eq!(
            e(&[("embed", ""), ("theme", "light")], "").theme,
            Some(Theme::Light)
        );
        assert_eq!(e(&[("embed", ""), ("theme", "sepia")], "").theme, None);
        for bad in [
            "*",
            "null",
            "javascript:alert(1)",
            "https://a/b",
            "https://",
            "ftp://x",
        ] {
            assert_eq!(
                e(&[("embed", ""), ("origin", bad)], "").origin,
                None,
                "{bad}"
            );
        }
        assert_eq!(e(&[("embed", "")], "").source, Source::Default);
        assert_eq!(
            e(&[("embed", ""), ("src", "scenarios/x.yaml")], "").source,
            Source::Url("scenarios/x.yaml".into())
        );
    }

    #[test]
    fn trace_forms() {
        let t = |s: &str| parse_trace(s);
        assert_eq!(
            t("pod/client svc/web:80"),
            Some(("pod/client".into(), "svc/web:80".into()))
        );
        assert_eq!(
            t("internet->svc/web:80"),
            Some(("internet".into(), "svc/web:80".into()))
        );
        assert_eq!(
            t(" internet , 1.2.3.4:80 "),
            Some(("internet".into(), "1.2.3.4:80".into()))
        );
        assert_eq!(t("internet"), None);
        assert_eq!(t("a b c"), None);
        assert_eq!(t(""), None);
    }
}
