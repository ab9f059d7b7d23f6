//! `netlab embed`: the HTML a documentation author pastes for one widget,
//! with its poster already in it. `embed.js` alone (docs/embedding.md)
//! makes the same widget, but only once the script has arrived and run;
//! this markup is the widget's first screen without any script: the
//! height the live widget will keep (no layout shift) and the poster
//! inline as a `data:` image (no round trip of its own), so the poster is
//! painted with the page's first paint and `embed.js` can load `async`.
//! `embed.js` adopts the box when it runs (`.netlab-box` inside the
//! `data-netlab` element) instead of building its own.
//!
//! The `style` attributes are the same few strings in every snippet
//! ([`STYLES`]): a page with a Content-Security-Policy allows them by hash
//! ([`csp_style_sources`]), as `static/demo.html` does.

use data_encoding::BASE64;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use sha2::{Digest, Sha256};

/// The box, its height spelled out after it.
macro_rules! boxed {
    ($height:expr) => {
        concat!("position:relative;overflow:hidden;height:", $height)
    };
}
/// The box at the reserved height: the drawing's usual aspect ratio at
/// the widget's width plus the verdict and current hop under it
/// (embed.js's `RATIO`, `BELOW` and `MIN`); in the element's own width
/// units (`cqi`), so that nothing has to measure it.
const AUTO_BOX: &str = boxed!("max(320px,calc(56cqi + 300px))");
/// The element as a size container (for `cqi`).
const CONTAINER: &str = "container-type:inline-size";
/// The poster's `<img>`: the box's width, the drawing's aspect, leaving
/// room under it for embed.js's "Loading…" line.
const PICTURE: &str =
    "display:block;width:100%;height:calc(100% - 2.5rem);object-fit:contain;object-position:center top";

/// Every `style` attribute value a snippet can hold, for a page's CSP
/// (`'unsafe-hashes'` with their hashes): the container, the box with the
/// automatic height, the picture. A fixed `height` adds its own box style
/// ([`box_style`]).
pub const STYLES: [&str; 3] = [CONTAINER, PICTURE, AUTO_BOX];

/// The box's style for an automatic (`None`) or fixed height in pixels.
pub fn box_style(height: Option<u32>) -> String {
    match height {
        None => AUTO_BOX.to_string(),
        Some(px) => format!("{}{px}px", boxed!("")),
    }
}

/// `'sha256-…'` of a `style` attribute value or a `<style>` element's
/// text, as CSP's `style-src` names it.
pub fn csp_hash(text: &str) -> String {
    format!(
        "'sha256-{}'",
        BASE64.encode(&Sha256::digest(text.as_bytes()))
    )
}

/// What a page's `style-src` needs for snippets with automatic heights.
pub fn csp_style_sources() -> String {
    let mut s = String::from("'unsafe-hashes'");
    for style in STYLES {
        s.push(' ');
        s.push_str(&csp_hash(style));
    }
    s
}

/// The widget's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    /// The page's `prefers-color-scheme`: both posters, in a `<picture>`.
    Auto,
}

/// Where the poster comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poster {
    /// The SVG text, light and dark (only the theme's one is used when it
    /// is fixed), written into the page as `data:` URLs.
    Inline { light: String, dark: String },
    /// Links to the site's poster files, fetched when the widget comes
    /// near the view (`loading="lazy"`): for widgets further down a page.
    Link { light: String, dark: String },
}

/// One widget: its `data-*` attributes and its poster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Widget {
    /// The element's `id`.
    pub id: Option<String>,
    /// `data-netlab`: a preset id or a scenario file's URL.
    pub netlab: String,
    /// `data-trace`: "SRC -> DST", when not the preset's own.
    pub trace: Option<String>,
    pub editable: bool,
    /// `data-lang`: "en" or "ko"; `None`, the reader's browser.
    pub lang: Option<&'static str>,
    pub theme: Theme,
    /// `data-height` in pixels; `None`, from the width.
    pub height: Option<u32>,
    /// `data-load="click"`.
    pub click: bool,
    /// The poster's alternative text.
    pub alt: String,
    pub poster: Poster,
}

/// Characters a `data:` URL in an attribute (and in `srcset`, which ends a
/// URL at white space) cannot hold as they are: controls, space, `"` `#`
/// `%` `&` `<` `>` and, for the tidiness of the markup, nothing else.
const DATA_URL: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'<')
    .add(b'>')
    .add(b',');

/// An SVG document as a `data:` URL.
pub fn data_url(svg: &str) -> String {
    format!("data:image/svg+xml,{}", utf8_percent_encode(svg, DATA_URL))
}

/// Text for a double-quoted attribute value.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The widget's markup: one line, the `data-netlab` element with its box
/// and poster.
pub fn widget_html(w: &Widget) -> String {
    let mut h = String::from("<div");
    if let Some(id) = &w.id {
        h.push_str(&format!(" id=\"{}\"", attr(id)));
    }
    h.push_str(&format!(" data-netlab=\"{}\"", attr(&w.netlab)));
    if let Some(t) = &w.trace {
        h.push_str(&format!(" data-trace=\"{}\"", attr(t)));
    }
    if w.editable {
        h.push_str(" data-editable");
    }
    if let Some(px) = w.height {
        h.push_str(&format!(" data-height=\"{px}\""));
    }
    if let Some(l) = w.lang {
        h.push_str(&format!(" data-lang=\"{l}\""));
    }
    match w.theme {
        Theme::Light => h.push_str(" data-theme=\"light\""),
        Theme::Dark => h.push_str(" data-theme=\"dark\""),
        Theme::Auto => {}
    }
    if w.click {
        h.push_str(" data-load=\"click\"");
    }
    if w.height.is_none() {
        h.push_str(&format!(" style=\"{CONTAINER}\""));
    }
    h.push_str(&format!(
        "><div class=\"netlab-box\" style=\"{}\">",
        box_style(w.height)
    ));
    let (light, dark, lazy) = match &w.poster {
        Poster::Inline { light, dark } => (data_url(light), data_url(dark), false),
        Poster::Link { light, dark } => (light.clone(), dark.clone(), true),
    };
    let img = |src: &str| {
        format!(
            "<img class=\"netlab-picture\" elementtiming=\"netlab-poster\" alt=\"{}\"{} src=\"{}\" style=\"{PICTURE}\">",
            attr(&w.alt),
            // A linked poster is fetched near the view and decoded off the
            // main thread; an inline one is painted with the page's first
            // paint (decoding="async" would let that paint go without it).
            if lazy {
                " loading=\"lazy\" decoding=\"async\""
            } else {
                ""
            },
            attr(src)
        )
    };
    match w.theme {
        Theme::Light => h.push_str(&img(&light)),
        Theme::Dark => h.push_str(&img(&dark)),
        Theme::Auto => {
            h.push_str(&format!(
                "<picture><source media=\"(prefers-color-scheme: dark)\" srcset=\"{}\">{}</picture>",
                attr(&dark),
                img(&light)
            ));
        }
    }
    h.push_str("</div></div>");
    h
}

/// The script tag, once per page, from the site's address (its directory,
/// ending in `/`, or empty for the page's own directory).
pub fn script_tag(site: &str) -> String {
    format!("<script async src=\"{}embed.js\"></script>", attr(site))
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;

    fn widget(theme: Theme, poster: Poster) -> Widget {
        Widget {
            id: None,
            netlab: "clusterip".into(),
            trace: Some("pod/client -> svc/web:80".into()),
            editable: false,
            lang: None,
            theme,
            height: None,
            click: false,
            alt: "k8s-netlab: \"clusterip\"".into(),
            poster,
        }
    }

    const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\"><style>.a{fill:#fff}</style><text>50% & <b></text>,\n</svg>";

    #[test]
    fn a_data_url_decodes_to_the_svg_and_has_no_space_quote_or_hash() {
        let u = data_url(SVG);
        let body = u.strip_prefix("data:image/svg+xml,").unwrap();
        for c in [' ', '"', '#', '&', '<', '>', '\n', ','] {
            assert!(!body.contains(c), "{c:?} in {body}");
        }
        assert_eq!(percent_decode_str(body).decode_utf8().unwrap(), SVG);
        // Korean text passes as UTF-8 bytes, escaped.
        let ko = data_url("<text>노드</text>");
        assert_eq!(
            percent_decode_str(ko.strip_prefix("data:image/svg+xml,").unwrap())
                .decode_utf8()
                .unwrap(),
            "<text>노드</text>"
        );
    }

    #[test]
    fn auto_gives_a_picture_with_both_posters_and_a_fixed_theme_one_image() {
        let inline = Poster::Inline {
            light: "<svg>L</svg>".into(),
            dark: "<svg>D</svg>".into(),
        };
        let auto = widget_html(&widget(Theme::Auto, inline.clone()));
        assert!(auto.starts_with("<div data-netlab=\"clusterip\" data-trace=\"pod/client -&gt; svc/web:80\" style=\"container-type:inline-size\"><div class=\"netlab-box\""), "{auto}");
        assert!(auto.contains("<source media=\"(prefers-color-scheme: dark)\" srcset=\"data:image/svg+xml,%3Csvg%3ED%3C/svg%3E\">"), "{auto}");
        assert!(
            auto.contains("src=\"data:image/svg+xml,%3Csvg%3EL%3C/svg%3E\""),
            "{auto}"
        );
        assert!(auto.contains("alt=\"k8s-netlab: &quot;clusterip&quot;\""));
        assert!(!auto.contains("loading=\"lazy\"") && !auto.contains("decoding"));
        assert!(auto.ends_with("</picture></div></div>"));
        let dark = widget_html(&widget(Theme::Dark, inline));
        assert!(
            !dark.contains("<picture>")
                && dark.contains("%3Csvg%3ED")
                && !dark.contains("%3Csvg%3EL")
        );
        assert!(dark.contains(" data-theme=\"dark\""));
    }

    #[test]
    fn linked_posters_load_lazily_and_a_fixed_height_needs_no_container() {
        let mut w = widget(
            Theme::Light,
            Poster::Link {
                light: "https://x.test/netlab/posters/clusterip-light.svg".into(),
                dark: "https://x.test/netlab/posters/clusterip-dark.svg".into(),
            },
        );
        w.height = Some(420);
        w.id = Some("w-1".into());
        w.editable = true;
        w.click = true;
        w.lang = Some("ko");
        let h = widget_html(&w);
        assert!(h.contains(" data-editable data-height=\"420\" data-lang=\"ko\" data-theme=\"light\" data-load=\"click\"><div class=\"netlab-box\" style=\"position:relative;overflow:hidden;height:420px\">"), "{h}");
        assert!(!h.contains("container-type"));
        assert!(
            h.starts_with("<div id=\"w-1\" data-netlab=\"clusterip\""),
            "{h}"
        );
        assert!(h.contains("loading=\"lazy\" decoding=\"async\" src=\"https://x.test/netlab/posters/clusterip-light.svg\""));
    }

    #[test]
    fn every_style_attribute_is_one_of_the_hashed_styles() {
        let h = widget_html(&widget(
            Theme::Auto,
            Poster::Inline {
                light: SVG.into(),
                dark: SVG.into(),
            },
        ));
        let mut seen = 0;
        for part in h.split(" style=\"").skip(1) {
            let value = &part[..part.find('"').unwrap()];
            assert!(STYLES.contains(&value), "{value} is not in STYLES");
            seen += 1;
        }
        assert_eq!(seen, 3);
        assert_eq!(box_style(None), AUTO_BOX);
        // The hash of a known text (openssl dgst -sha256 -binary | base64).
        assert_eq!(
            csp_hash("container-type:inline-size"),
            "'sha256-Gjkf5SaEhcf6NoKJV6cYLeAh/cCeSk3h6eW/pYrsdCw='"
        );
        assert!(csp_style_sources().starts_with("'unsafe-hashes' 'sha256-"));
    }

    #[test]
    fn the_script_tag_is_async() {
        assert_eq!(
            script_tag("https://x.test/n/"),
            "<script async src=\"https://x.test/n/embed.js\"></script>"
        );
        assert_eq!(script_tag(""), "<script async src=\"embed.js\"></script>");
    }
}
