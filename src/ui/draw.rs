//! The playground's drawing as a standalone SVG file (`netlab draw`, the
//! embeds' posters): the same [`TopologyView`] component the page shows,
//! rendered to a string by yew's server-side renderer (native only), with
//! the stylesheet's colours for one theme inlined in a `<style>`.
//!
//! There is one source of colours: the variables and rules come from
//! `static/style.css` (its `:root` blocks, light and
//! `prefers-color-scheme: dark`, and its marked `topology` section), read
//! at compile time.

use super::i18n::Lang;
use super::layout::{GhostNode, Layout, LayoutOptions};
use super::topology::{TopologyProps, TopologyView};
use crate::engine::trace::Trace;
use crate::model::Scenario;
use std::net::Ipv4Addr;
use std::rc::Rc;
use yew::context::ContextProviderProps;
use yew::{html, Callback, ContextProvider, Html, LocalServerRenderer};

/// The site's stylesheet.
pub const STYLE_CSS: &str = include_str!("../../static/style.css");

const SECTION_START: &str = "/* topology:";
const SECTION_END: &str = "/* end topology */";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// What to draw: a scenario (after any node removals), the nodes just
/// removed, and optionally a trace to show whole.
pub struct Picture<'a> {
    pub scenario: &'a Scenario,
    /// Nodes removed, drawn as terminated (as the playground does).
    pub ghosts: Vec<GhostNode>,
    /// A source address on the node network (the trace's source when it
    /// is an IP): drawn as a host, as the playground does.
    pub host: Option<Ipv4Addr>,
    pub trace: Option<&'a Trace>,
    pub theme: Theme,
    pub lang: Lang,
}

/// The drawing's layout, with the playground's options.
pub fn layout_of(p: &Picture) -> Layout {
    super::story::drawing(
        p.scenario,
        p.host,
        p.trace,
        LayoutOptions {
            ghosts: p.ghosts.clone(),
            lang: p.lang,
            ..LayoutOptions::default()
        },
    )
}

/// The standalone SVG document.
pub fn svg(p: &Picture) -> String {
    let layout = Rc::new(layout_of(p));
    // The trace at its end, as the playground shows it after "To the end":
    // its path by outcome, the callouts and the words.
    let trace = p.trace.map(|t| Rc::new(t.clone()));
    let step = p.trace.map_or(0, |t| t.hops.len());
    let highlight = p.trace.map(super::story::highlight).unwrap_or_default();
    let onpick = Callback::noop();
    let ontoggle = Callback::noop();
    let props = yew::props!(TopologyProps {
        layout,
        trace,
        step,
        highlight,
        onpick,
        ontoggle,
    });
    let body = render_in(p.lang, html! { <TopologyView ..props /> });
    standalone(&body, p.theme)
}

/// `body` rendered to a string in `lang`, provided as the app provides
/// it (a `ContextProvider<Lang>`, which adds no markup of its own).
pub fn render_in(lang: Lang, body: Html) -> String {
    block_on(
        LocalServerRenderer::<ContextProvider<Lang>>::with_props(ContextProviderProps {
            context: lang,
            children: body,
        })
        .hydratable(false)
        .render(),
    )
}

/// Makes the component's `<svg>` a document: the SVG namespace, the
/// theme's style and a backdrop in the panel's colour (so a dark drawing
/// stays legible on a light page).
fn standalone(body: &str, theme: Theme) -> String {
    let body = body.trim();
    let open_end = body
        .find('>')
        .filter(|_| body.starts_with("<svg "))
        .expect("TopologyView renders one <svg> element");
    let (open, rest) = body.split_at(open_end);
    let mut out = String::with_capacity(body.len() + 4096);
    out.push_str("<svg");
    // The component's `<svg>` names its namespace; a document must name
    // it exactly once (a second `xmlns` is a duplicate attribute, which
    // strict XML parsers such as Firefox's refuse).
    if !open.contains(" xmlns=") {
        out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
    }
    out.push_str(&open[4..]);
    out.push_str(&format!(" data-theme=\"{}\">", theme.name()));
    out.push_str("<style>");
    out.push_str(&style(theme, body));
    out.push_str("</style><rect class=\"backdrop\" width=\"100%\" height=\"100%\"></rect>");
    out.push_str(&picture_only(&rest[1..]));
    out.push('\n');
    out
}

/// The drawing's elements without what only the live page uses: the
/// boxes' `<title>` tooltips and their button roles, labels, tab stops
/// and device ids (a picture is shown by `<img>`, which shows none of
/// them; the root keeps its label). A quarter less markup to parse
/// before an embed's poster is painted.
fn picture_only(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = rest.find("<title>") {
        out.push_str(&rest[..i]);
        let end = rest[i..]
            .find("</title>")
            .expect("a <title> the renderer closed");
        rest = &rest[i + end + "</title>".len()..];
    }
    out.push_str(rest);
    for attr in [
        " role=\"",
        " aria-label=\"",
        " tabindex=\"",
        " data-device=\"",
    ] {
        let mut kept = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(attr) {
            kept.push_str(&rest[..i]);
            let value = &rest[i + attr.len()..];
            // Values are escaped: the next quote closes it.
            rest = &value[value.find('"').expect("a quoted attribute") + 1..];
        }
        kept.push_str(rest);
        out = kept;
    }
    out
}

/// The drawing's CSS for one theme, as a picture of `body` needs it:
/// the stylesheet's topology rules whose selectors can match `body` (its
/// classes and elements; no `:hover` or `:focus`), the theme's colours
/// written in instead of custom properties, and no declarations that act
/// only on a live page (`cursor`, `transition`, `pointer-events`,
/// `outline`). An embed's poster is an `<img>`: the browser resolves this
/// sheet before it first paints the page, so less of it is a sooner
/// poster (about a third less CSS and no `var()` to resolve).
pub fn style(theme: Theme, body: &str) -> String {
    let vars = theme_vars(STYLE_CSS, theme);
    let classes = classes_in(body);
    // The backdrop `standalone` puts under the drawing. A picture is
    // shown at other sizes than its own (an embed's column, a slide):
    // with geometric precision its text is laid out once at the size
    // written and scaled as outlines, where the default lays it out again
    // at each on-screen size, each a new font strike to look up (a
    // poster's paint spent ~70 ms there on a 4x-slowed CPU).
    let mut out = format!(
        "svg.topology{{text-rendering:geometricPrecision}}\n.topology rect.backdrop{{fill:{};stroke:none}}\n",
        resolve_vars("var(--panel)", &vars)
    );
    for (prelude, decls) in blocks(&section_rules(STYLE_CSS)) {
        let selectors: Vec<&str> = prelude
            .split(',')
            .map(str::trim)
            .filter(|sel| can_match(sel, &classes, body))
            .collect();
        if selectors.is_empty() {
            continue;
        }
        let decls: Vec<String> = decls
            .split(';')
            .filter_map(|d| d.split_once(':'))
            .map(|(k, v)| (k.trim(), v.trim()))
            .filter(|(k, _)| !LIVE_ONLY.contains(k))
            .map(|(k, v)| format!("{k}:{}", resolve_vars(v, &vars)))
            .collect();
        if decls.is_empty() {
            continue;
        }
        out.push_str(&selectors.join(","));
        out.push('{');
        out.push_str(&decls.join(";"));
        out.push_str("}\n");
    }
    out
}

/// Properties that do nothing in a static picture.
const LIVE_ONLY: [&str; 4] = ["cursor", "transition", "pointer-events", "outline"];

/// Every class named in a `class="..."` attribute of `body`.
fn classes_in(body: &str) -> Vec<&str> {
    let mut out: Vec<&str> = body
        .split(" class=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .flat_map(str::split_whitespace)
        .collect();
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

/// Whether `selector` (a compound of elements, classes and combinators)
/// could match something in `body`: no pseudo-class or pseudo-element,
/// and each class and element it names is there.
fn can_match(selector: &str, classes: &[&str], body: &str) -> bool {
    if selector.contains(':') {
        return false;
    }
    selector
        .split(|c: char| c.is_whitespace() || c == '>')
        .filter(|part| !part.is_empty())
        .all(|part| {
            let mut names = part.split('.');
            let element = names.next().unwrap_or_default();
            (element.is_empty() || body.contains(&format!("<{element}")))
                && names.all(|c| classes.binary_search(&c).is_ok())
        })
}

/// `value` with each `var(--name)` replaced by the theme's value.
fn resolve_vars(value: &str, vars: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find("var(") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find(')').map_or(rest.len(), |j| i + j);
        let name = rest[i + 4..end].trim();
        match vars.iter().find(|(n, _)| n == name) {
            Some((_, v)) => out.push_str(v),
            None => panic!("style.css: {name} is used in the topology section but never set"),
        }
        rest = &rest[(end + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

/// Removes `/* ... */` comments.
fn strip_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        match rest[i + 2..].find("*/") {
            Some(j) => rest = &rest[i + 2 + j + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The top-level blocks of a stylesheet (comments removed): each rule or
/// at-rule's prelude and the text between its braces.
pub fn blocks(css: &str) -> Vec<(String, String)> {
    let css = strip_comments(css);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let (mut start, mut open) = (0usize, 0usize);
    for (i, c) in css.char_indices() {
        match c {
            '{' => {
                if depth == 0 {
                    open = i;
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push((
                        css[start..open].trim().to_string(),
                        css[open + 1..i].to_string(),
                    ));
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// The `--name: value` declarations of a block's body.
fn declarations(body: &str) -> Vec<(String, String)> {
    body.split(';')
        .filter_map(|d| d.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| k.starts_with("--"))
        .collect()
}

/// Every custom property the stylesheet sets on `:root`, with the values
/// of `theme` (dark: the light values overridden by those of the
/// `prefers-color-scheme: dark` blocks).
pub fn theme_vars(css: &str, theme: Theme) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = Vec::new();
    let set = |vars: &mut Vec<(String, String)>, (k, v): (String, String)| match vars
        .iter_mut()
        .find(|(name, _)| *name == k)
    {
        Some(slot) => slot.1 = v,
        None => vars.push((k, v)),
    };
    let all = blocks(css);
    for (prelude, body) in &all {
        if prelude == ":root" {
            for d in declarations(body) {
                set(&mut vars, d);
            }
        }
    }
    if theme == Theme::Dark {
        for (prelude, body) in &all {
            if is_dark_media(prelude) {
                for (inner, b) in blocks(body) {
                    if inner == ":root" {
                        for d in declarations(&b) {
                            set(&mut vars, d);
                        }
                    }
                }
            }
        }
    }
    vars
}

fn is_dark_media(prelude: &str) -> bool {
    prelude.starts_with("@media")
        && prelude
            .replace(' ', "")
            .contains("prefers-color-scheme:dark")
}

/// The rules of the stylesheet's topology section, minified a little:
/// without its variables (`:root`) and its media blocks.
fn section_rules(css: &str) -> String {
    let start = css
        .find(SECTION_START)
        .expect("style.css: topology section");
    let end = css[start..]
        .find(SECTION_END)
        .expect("style.css: end of the topology section")
        + start;
    let section = &css[start..end];
    let mut out = String::new();
    for (prelude, body) in blocks(section) {
        if prelude == ":root" || prelude.starts_with('@') {
            continue;
        }
        let body: Vec<&str> = body
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .collect();
        out.push_str(&prelude);
        out.push('{');
        out.push_str(&body.join(";"));
        out.push_str("}\n");
    }
    out
}

/// Runs a future that never waits on anything outside itself (the
/// server renderer of components without effects) to completion on this
/// thread.
pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    loop {
        match f.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_come_from_the_stylesheet() {
        let light = theme_vars(STYLE_CSS, Theme::Light);
        let dark = theme_vars(STYLE_CSS, Theme::Dark);
        let get = |v: &[(String, String)], k: &str| {
            v.iter()
                .find(|(n, _)| n == k)
                .map(|(_, x)| x.clone())
                .unwrap_or_default()
        };
        assert!(!get(&light, "--topo-request").is_empty());
        assert_ne!(get(&light, "--topo-request"), get(&dark, "--topo-request"));
        assert_ne!(get(&light, "--fg"), get(&dark, "--fg"));
        let body = r#"<svg class="topology"><g class="trail"><polyline></polyline></g><text class="t">x</text></svg>"#;
        let s = style(Theme::Dark, body);
        assert!(
            s.contains(&format!(".topology text{{fill:{}", get(&dark, "--fg"))),
            "{s}"
        );
        assert!(s.contains(".topology .trail{"), "{s}");
        assert!(!s.contains("@media") && !s.contains("var("), "{s}");
        // Only what can match the picture: no hover or focus states, no
        // classes it lacks, nothing a static image ignores.
        assert!(!s.contains(":hover") && !s.contains(".callout"), "{s}");
        assert!(
            !s.contains("transition") && !s.contains("pointer-events"),
            "{s}"
        );
        assert!(s.contains(".topology rect.backdrop{fill:"), "{s}");
        assert!(!style(Theme::Dark, "<svg class=\"topology\"></svg>").contains(".trail"));
    }

    /// The embeds' forced themes (`:root.theme-dark`, and `.theme-light`
    /// on a dark system) repeat the `:root` values: the same set, the
    /// same values.
    #[test]
    fn forced_themes_match() {
        let all = blocks(STYLE_CSS);
        let find = |sel: &str| -> Vec<(String, String)> {
            for (prelude, body) in &all {
                if prelude == sel {
                    return declarations(body);
                }
                if is_dark_media(prelude) {
                    for (inner, b) in blocks(body) {
                        if inner == sel {
                            return declarations(&b);
                        }
                    }
                }
            }
            panic!("style.css: no {sel} block")
        };
        let sorted = |mut v: Vec<(String, String)>| {
            crate::sort::sort(&mut v);
            v
        };
        assert_eq!(
            sorted(find(":root.theme-dark")),
            sorted(theme_vars(STYLE_CSS, Theme::Dark))
        );
        assert_eq!(
            sorted(find(":root.theme-light")),
            sorted(theme_vars(STYLE_CSS, Theme::Light))
        );
    }

    #[test]
    fn a_picture_keeps_no_live_page_markup() {
        let body = r#"<g data-device="pod/a" role="button" aria-label="pod a &quot;x&quot;" tabindex="0" class="pod pick"><title>pod a</title><rect x="1"></rect><text class="t">a</text></g>"#;
        assert_eq!(
            picture_only(body),
            r#"<g class="pod pick"><rect x="1"></rect><text class="t">a</text></g>"#
        );
    }

    #[test]
    fn css_blocks() {
        let b = blocks("/* x { */ a { b: c; } @media q { :root { --x: 1; } } d{}");
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].0, "a");
        assert_eq!(b[1].0, "@media q");
        assert_eq!(blocks(&b[1].1)[0].0, ":root");
    }
}
