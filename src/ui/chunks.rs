//! The YAML tab's text box, built for megabytes (issue 11).
//!
//! A browser's `<textarea>` lays out its whole text on every key: with 2 MB
//! in it each key costs 350-500 ms in chromium, whatever the page does. So
//! a text up to [`BIG`] is one textarea (`#yaml-text`), and a bigger one is
//! cut into parts of whole lines ([`split`]: at `---` document lines, and
//! within a long document at any line), each in its own textarea, stacked
//! seamlessly in one scroll box (`#yaml-editor.parts`). Each part is
//! `contain: strict` and sized by its own `rows`/`cols`, so a key lays out
//! one part of ~16 KB, not the text. The whole text is the parts joined by
//! newlines ([`Editor::text`]).
//!
//! What an editor is expected to do still works: typing, paste, undo
//! (within a part), input methods (a part is a real textarea), the
//! browser's find (it searches textareas); the keys that cross a part's
//! edge are handled here: arrows up/down/left/right at the edge,
//! Ctrl/Cmd+Home/End, Backspace at a part's start and Delete at its end (the two
//! parts are joined). Ctrl/Cmd+A selects the whole text (every part is
//! shown selected); copy and cut then take the whole text, and typing,
//! paste or delete replace it. Parts are cut again at the pause in typing
//! ([`Editor::tidy_text`]) when one has grown past [`PART_MAX`] or the text
//! has shrunk to one part, keeping the caret.

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{
    ClipboardEvent, Element, HtmlElement, HtmlTextAreaElement, InputEvent, KeyboardEvent,
};
use yew::Callback;

/// A text longer than this (UTF-16 units, as the browser counts) is cut
/// into parts; a shorter one is one textarea.
pub const BIG: usize = 96 * 1024;
/// A part's size: a part ends before a `---` line once it is this long.
pub const PART: usize = 16 * 1024;
/// A part ends before any line at this size (a long document).
pub const PART_LONG: usize = 32 * 1024;
/// A part grown past this (a paste into it) is cut again at the pause.
pub const PART_MAX: usize = 64 * 1024;

/// `text` cut into parts of whole lines; `parts.join("\n") == text`. A
/// part ends before a `---` line once it holds [`PART`] bytes, or before
/// any line at [`PART_LONG`].
pub fn split(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split('\n') {
        let size = pos - start;
        if pos > start && ((size >= PART && line.starts_with("---")) || size >= PART_LONG) {
            parts.push(&text[start..pos - 1]);
            start = pos;
        }
        pos += line.len() + 1;
    }
    parts.push(&text[start..]);
    parts
}

/// The length of `s` in UTF-16 units (the browser's offsets).
pub fn u16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The byte index of the UTF-16 offset `at` in `s` (clamped to its end).
pub fn byte_at(s: &str, at: usize) -> usize {
    let mut n = 0;
    for (i, c) in s.char_indices() {
        if n >= at {
            return i;
        }
        n += c.len_utf16();
    }
    s.len()
}

/// The part holding the text's UTF-16 offset `at`, and the offset in it,
/// for parts of these UTF-16 lengths (joined by one newline each).
pub fn locate(lens: &[usize], at: usize) -> (usize, usize) {
    let mut start = 0;
    for (i, len) in lens.iter().enumerate() {
        if at <= start + len || i + 1 == lens.len() {
            return (i, at.saturating_sub(start).min(*len));
        }
        start += len + 1;
    }
    (0, 0)
}

/// A part's size in the box: its lines, and its widest line in columns
/// (wide, e.g. Korean, characters count two).
pub fn extent(s: &str) -> (usize, usize) {
    let mut lines = 0;
    let mut widest = 0;
    for line in s.split('\n') {
        lines += 1;
        let w: usize = line
            .chars()
            .map(|c| if c >= '\u{1100}' { 2 } else { 1 })
            .sum();
        widest = widest.max(w);
    }
    (lines.max(1), widest)
}

/// The caret's line and column (UTF-16) at `at` in `s`, and how many lines
/// `s` has.
fn line_col(s: &str, at: usize) -> (usize, usize, usize) {
    let b = byte_at(s, at);
    let before = &s[..b];
    let line = before.matches('\n').count();
    let col = u16_len(&before[before.rfind('\n').map_or(0, |i| i + 1)..]);
    (line, col, s.matches('\n').count() + 1)
}

/// The UTF-16 offset of `line`, column `col` (clamped to the line) in `s`.
fn offset_of(s: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for (i, l) in s.split('\n').enumerate() {
        if i == line {
            return start + col.min(u16_len(l));
        }
        start += u16_len(l) + 1;
    }
    u16_len(s)
}

/// The text box: one textarea, or the parts of a big text.
pub struct Editor {
    root: HtmlElement,
    /// The textareas, in order (one when the text is small).
    areas: Vec<HtmlTextAreaElement>,
    /// The text is cut into parts.
    parted: bool,
    /// Ctrl/Cmd+A selected the whole text.
    all: bool,
    /// An input method is composing.
    composing: bool,
    /// The part that takes Tab focus.
    active: usize,
    label: String,
    invalid: bool,
    listeners: Vec<EventListener>,
    /// Itself, for what runs later.
    me: Weak<RefCell<Editor>>,
}

pub type Shared = Rc<RefCell<Editor>>;

/// What an event does to the editor; true: the text changed.
type Handler = Box<dyn Fn(&mut Editor, &web_sys::Event) -> bool>;

fn area_of(target: Option<web_sys::EventTarget>) -> Option<HtmlTextAreaElement> {
    target.and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
}

impl Editor {
    /// The editor in `root` (an empty element the page keeps), named
    /// `label`; `on_edit` is called after each change to the text made by
    /// the user.
    pub fn new(root: HtmlElement, label: &str, on_edit: Callback<()>) -> Shared {
        let ed = Rc::new(RefCell::new(Editor {
            root: root.clone(),
            areas: Vec::new(),
            parted: false,
            all: false,
            composing: false,
            active: 0,
            label: label.to_string(),
            invalid: false,
            listeners: Vec::new(),
            me: Weak::new(),
        }));
        ed.borrow_mut().me = Rc::downgrade(&ed);
        let weak = Rc::downgrade(&ed);
        let on = |name: &'static str, f: Handler| {
            let weak: Weak<RefCell<Editor>> = weak.clone();
            let on_edit = on_edit.clone();
            EventListener::new_with_options(
                &root,
                name,
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    // Events the editor itself causes (a focused part
                    // removed: focusout) find it busy, and are let be.
                    let changed = match weak.upgrade() {
                        Some(ed) => match ed.try_borrow_mut() {
                            Ok(mut ed) => f(&mut ed, e),
                            Err(_) => false,
                        },
                        None => false,
                    };
                    if changed {
                        on_edit.emit(());
                    }
                },
            )
        };
        let listeners = vec![
            on("input", Box::new(|ed, e| ed.on_input(e))),
            on(
                "keydown",
                Box::new(|ed, e| match e.dyn_ref::<KeyboardEvent>() {
                    Some(k) => ed.on_key(k),
                    None => false,
                }),
            ),
            on(
                "beforeinput",
                Box::new(|ed, e| match e.dyn_ref::<InputEvent>() {
                    Some(i) => ed.on_before_input(i),
                    None => false,
                }),
            ),
            on("copy", Box::new(|ed, e| ed.on_copy(e, false))),
            on("cut", Box::new(|ed, e| ed.on_copy(e, true))),
            on(
                "compositionstart",
                Box::new(|ed, _| {
                    ed.composing = true;
                    ed.select_none();
                    false
                }),
            ),
            on(
                "compositionend",
                Box::new(|ed, _| {
                    ed.composing = false;
                    false
                }),
            ),
            on(
                "mousedown",
                Box::new(|ed, _| {
                    ed.select_none();
                    false
                }),
            ),
            on(
                "focusin",
                Box::new(|ed, e| {
                    ed.on_focus(e);
                    false
                }),
            ),
            on(
                "focusout",
                Box::new(|ed, e| {
                    let inside = e
                        .dyn_ref::<web_sys::FocusEvent>()
                        .and_then(|f| f.related_target())
                        .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
                        .is_some_and(|n| ed.root.contains(Some(&n)));
                    if !inside {
                        ed.select_none();
                    }
                    false
                }),
            ),
        ];
        ed.borrow_mut().listeners = listeners;
        ed
    }

    /// The whole text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, a) in self.areas.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&a.value());
        }
        out
    }

    /// Whether the text is cut into parts.
    pub fn parted(&self) -> bool {
        self.parted
    }

    /// Shows `text` (small: one textarea; big: parts), the caret kept at
    /// its offset when the box had the focus.
    pub fn set_text(&mut self, text: &str) {
        let caret = self.caret();
        self.select_none();
        if !self.parted && u16_len_at_most(text, BIG) {
            if let Some(a) = self.areas.first() {
                a.set_value(text);
                return;
            }
        }
        self.build(text, caret);
    }

    /// The whole text for a check, after cutting the parts again when one
    /// has grown too big or the text fits one textarea (not while an input
    /// method composes).
    pub fn tidy_text(&mut self) -> String {
        let text = self.text();
        if self.parted && !self.composing {
            let too_big = self
                .areas
                .iter()
                .any(|a| a.text_length() as usize > PART_MAX);
            let small = u16_len_at_most(&text, BIG / 2);
            if too_big || small {
                let caret = self.caret();
                let top = self.root.scroll_top();
                self.build(&text, caret);
                if caret.is_none() {
                    self.root.set_scroll_top(top);
                }
            }
        }
        text
    }

    pub fn set_label(&mut self, label: &str) {
        if self.label != label {
            self.label = label.to_string();
            self.name_areas();
        }
    }

    /// Marks the text invalid (`aria-invalid`) or not.
    pub fn set_invalid(&mut self, invalid: bool) {
        self.invalid = invalid;
        let v = if invalid { "true" } else { "false" };
        let _ = self.root.set_attribute("data-invalid", v);
        for a in &self.areas {
            let _ = a.set_attribute("aria-invalid", v);
        }
    }

    /// The caret's offset in the whole text, when a textarea has the focus.
    fn caret(&self) -> Option<usize> {
        let focused = web_sys::window()?.document()?.active_element()?;
        let mut start = 0;
        for a in &self.areas {
            let el: &Element = a.as_ref();
            if el == &focused {
                return Some(start + a.selection_end().ok().flatten().unwrap_or(0) as usize);
            }
            start += a.text_length() as usize + 1;
        }
        None
    }

    fn index_of(&self, area: &HtmlTextAreaElement) -> Option<usize> {
        self.areas.iter().position(|a| a == area)
    }

    /// Builds the textareas for `text`, placing the caret at `caret` (and
    /// focusing it) when given.
    fn build(&mut self, text: &str, caret: Option<usize>) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        // Emptied first: removing a focused textarea that holds megabytes
        // makes chromium lay its text out (seconds), an empty one not.
        for a in &self.areas {
            if a.text_length() as usize > PART_MAX {
                a.set_value("");
            }
        }
        self.root.set_text_content(None);
        self.areas.clear();
        self.all = false;
        let _ = self.root.class_list().remove_1("all");
        self.parted = !u16_len_at_most(text, BIG);
        let parts = if self.parted { split(text) } else { vec![text] };
        let _ = self
            .root
            .class_list()
            .toggle_with_force("parts", self.parted);
        let frag = doc.create_document_fragment();
        for part in &parts {
            let Some(a) = doc
                .create_element("textarea")
                .ok()
                .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return;
            };
            a.set_spellcheck(false);
            let _ = a.set_attribute("autocomplete", "off");
            let _ = a.set_attribute("autocapitalize", "off");
            let _ = a.set_attribute("autocorrect", "off");
            a.set_wrap("off");
            a.set_value(part);
            if self.parted {
                a.set_class_name("yaml-part");
                size(&a, part);
                a.set_tab_index(-1);
            } else {
                a.set_id("yaml-text");
                a.set_rows(24);
            }
            let _ = frag.append_child(&a);
            self.areas.push(a);
        }
        let _ = self.root.append_child(&frag);
        self.active = 0;
        if let Some(a) = self.areas.first() {
            a.set_tab_index(0);
        }
        self.name_areas();
        self.set_invalid(self.invalid);
        if let Some(at) = caret {
            let lens: Vec<usize> = self
                .areas
                .iter()
                .map(|a| a.text_length() as usize)
                .collect();
            let (i, off) = locate(&lens, at);
            self.caret_to(i, off);
            if self.parted {
                self.reveal_later(Some((i, off)));
            }
        }
    }

    fn name_areas(&self) {
        let n = self.areas.len();
        for (i, a) in self.areas.iter().enumerate() {
            let name = if n > 1 {
                format!("{} ({}/{})", self.label, i + 1, n)
            } else {
                self.label.clone()
            };
            let _ = a.set_attribute("aria-label", &name);
        }
        if n > 1 {
            let _ = self.root.set_attribute("role", "group");
            let _ = self.root.set_attribute("aria-label", &self.label);
        } else {
            let _ = self.root.remove_attribute("role");
            let _ = self.root.remove_attribute("aria-label");
        }
    }

    /// Focuses part `i` with the caret at `off`, and scrolls the box just
    /// enough to show the caret's line (`center`: in the middle).
    fn place(&mut self, i: usize, off: usize, center: bool) {
        self.caret_to(i, off);
        self.reveal(i, off, center);
    }

    /// Focuses part `i` with the caret at `off` (no layout needed).
    fn caret_to(&self, i: usize, off: usize) {
        let Some(a) = self.areas.get(i) else { return };
        let opts = web_sys::FocusOptions::new();
        opts.set_prevent_scroll(true);
        let _ = a.focus_with_options(&opts);
        let _ = a.set_selection_range(off as u32, off as u32);
    }

    /// Scrolls the box to show the caret at `off` in part `i`. It reads
    /// the layout: right after the parts are built, only once they have
    /// been drawn (then the parts out of view are skipped,
    /// `content-visibility: auto`; before, all 2 MB would be laid out).
    fn reveal(&self, i: usize, off: usize, center: bool) {
        let Some(a) = self.areas.get(i) else { return };
        if !self.parted {
            return;
        }
        let value = a.value();
        let (line, _, _) = line_col(&value, off);
        let lh = line_height(a);
        let y = a.offset_top() as f64 + line as f64 * lh;
        let top = self.root.scroll_top() as f64;
        let h = self.root.client_height() as f64;
        let want = if center {
            y - h / 2.0
        } else if y < top {
            y - lh
        } else if y + 2.0 * lh > top + h {
            y + 2.0 * lh - h
        } else {
            return;
        };
        self.root.set_scroll_top(want.max(0.0) as i32);
    }

    /// [`Editor::reveal`] after the next frame: the caret at `off` in part
    /// `i`, centred, or (no place given) wherever it is then, only if out
    /// of view (a part focused by the browser's find, say).
    fn reveal_later(&self, at: Option<(usize, usize)>) {
        let me = self.me.clone();
        let after_frame = Closure::once_into_js(move || {
            Timeout::new(0, move || {
                let Some(ed) = me.upgrade() else { return };
                let Ok(ed) = ed.try_borrow() else { return };
                match at {
                    Some((i, off)) => ed.reveal(i, off, true),
                    None => {
                        if let Some(c) = ed.caret() {
                            let lens: Vec<usize> =
                                ed.areas.iter().map(|a| a.text_length() as usize).collect();
                            let (i, off) = locate(&lens, c);
                            ed.reveal(i, off, false);
                        }
                    }
                }
            })
            .forget();
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(after_frame.unchecked_ref());
        }
    }

    fn select_none(&mut self) {
        if self.all {
            self.all = false;
            let _ = self.root.class_list().remove_1("all");
        }
    }

    fn on_focus(&mut self, e: &web_sys::Event) {
        let Some(i) = area_of(e.target()).and_then(|a| self.index_of(&a)) else {
            return;
        };
        if i != self.active && self.parted {
            if let Some(a) = self.areas.get(self.active) {
                a.set_tab_index(-1);
            }
            self.areas[i].set_tab_index(0);
            self.active = i;
        }
        if self.parted {
            self.reveal_later(None);
        }
    }

    fn on_input(&mut self, e: &web_sys::Event) -> bool {
        let Some(a) = area_of(e.target()) else {
            return false;
        };
        if !self.parted {
            // A paste made the text big: cut it now (one layout of the
            // whole, instead of one per key).
            if a.text_length() as usize > BIG && !self.composing {
                let caret = self.caret();
                let text = a.value();
                self.build(&text, caret);
            }
        } else {
            size(&a, &a.value());
        }
        true
    }

    fn on_key(&mut self, k: &KeyboardEvent) -> bool {
        if !self.parted || k.is_composing() {
            return false;
        }
        let Some(a) = area_of(k.target()) else {
            return false;
        };
        let Some(i) = self.index_of(&a) else {
            return false;
        };
        let key = k.key();
        let cmd = k.ctrl_key() || k.meta_key();
        if cmd && !k.alt_key() && !k.shift_key() && key.eq_ignore_ascii_case("a") {
            k.prevent_default();
            self.all = true;
            let _ = self.root.class_list().add_1("all");
            a.select();
            return false;
        }
        if self.all {
            match key.as_str() {
                "Control" | "Meta" | "Shift" | "Alt" => return false,
                _ if cmd => return false,
                "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Home" | "End"
                | "PageUp" | "PageDown" | "Escape" | "Tab" => {
                    self.select_none();
                }
                // Editing keys replace the whole text (beforeinput).
                _ => return false,
            }
        }
        if k.shift_key() || k.alt_key() {
            return false;
        }
        let (Ok(Some(s)), Ok(Some(e))) = (a.selection_start(), a.selection_end()) else {
            return false;
        };
        let collapsed = s == e;
        let at = e as usize;
        let len = a.text_length() as usize;
        let last = self.areas.len() - 1;
        let value = || a.value();
        match key.as_str() {
            "Home" if cmd => {
                k.prevent_default();
                self.place(0, 0, false);
            }
            "End" if cmd => {
                k.prevent_default();
                let end = self.areas[last].text_length() as usize;
                self.place(last, end, false);
            }
            _ if cmd => {}
            "ArrowUp" if i > 0 && collapsed => {
                let (line, col, _) = line_col(&value(), at);
                if line == 0 {
                    k.prevent_default();
                    let prev = self.areas[i - 1].value();
                    let lines = prev.matches('\n').count();
                    self.place(i - 1, offset_of(&prev, lines, col), false);
                }
            }
            "ArrowDown" if i < last && collapsed => {
                let (line, col, lines) = line_col(&value(), at);
                if line + 1 == lines {
                    k.prevent_default();
                    let next = self.areas[i + 1].value();
                    self.place(i + 1, offset_of(&next, 0, col), false);
                }
            }
            "ArrowLeft" if i > 0 && collapsed && at == 0 => {
                k.prevent_default();
                let end = self.areas[i - 1].text_length() as usize;
                self.place(i - 1, end, false);
            }
            "ArrowRight" if i < last && collapsed && at == len => {
                k.prevent_default();
                self.place(i + 1, 0, false);
            }
            "Backspace" if i > 0 && collapsed && at == 0 => {
                k.prevent_default();
                self.join(i - 1);
                return true;
            }
            "Delete" if i < last && collapsed && at == len => {
                k.prevent_default();
                self.join(i);
                return true;
            }
            _ => {}
        }
        false
    }

    /// Joins part `i + 1` onto part `i` (the newline between them goes),
    /// the caret at the join.
    fn join(&mut self, i: usize) {
        let (a, b) = (&self.areas[i], &self.areas[i + 1]);
        let at = a.text_length() as usize;
        let joined = [a.value(), b.value()].concat();
        a.set_value(&joined);
        size(a, &joined);
        b.remove();
        self.areas.remove(i + 1);
        if self.active > i {
            self.active = i;
            self.areas[i].set_tab_index(0);
        }
        self.name_areas();
        self.place(i, at, false);
    }

    /// With the whole text selected, an edit replaces it.
    fn on_before_input(&mut self, e: &InputEvent) -> bool {
        if !self.all {
            return false;
        }
        let kind = e.input_type();
        let new = match kind.as_str() {
            "insertText" => e.data().unwrap_or_default(),
            "insertLineBreak" | "insertParagraph" => "\n".to_string(),
            "insertFromPaste" | "insertFromDrop" | "insertReplacementText" => e
                .data_transfer()
                .and_then(|d| d.get_data("text/plain").ok())
                .or_else(|| e.data())
                .unwrap_or_default(),
            k if k.starts_with("delete") => String::new(),
            _ => {
                self.select_none();
                return false;
            }
        };
        e.prevent_default();
        self.replace_all(&new);
        true
    }

    fn replace_all(&mut self, new: &str) {
        self.select_none();
        self.build(new, Some(u16_len(new)));
    }

    /// Copy and cut of the whole text, when it is selected.
    fn on_copy(&mut self, e: &web_sys::Event, cut: bool) -> bool {
        if !self.all {
            return false;
        }
        let Some(data) = e
            .dyn_ref::<ClipboardEvent>()
            .and_then(|c| c.clipboard_data())
        else {
            return false;
        };
        if data.set_data("text/plain", &self.text()).is_err() {
            return false;
        }
        e.prevent_default();
        if cut {
            self.replace_all("");
        }
        cut
    }
}

/// Whether `s` is at most `n` UTF-16 units long (without counting all of
/// a long one).
fn u16_len_at_most(s: &str, n: usize) -> bool {
    s.len() <= n || u16_len(s) <= n
}

/// Sizes a part's textarea to its text: a row per line, a column per
/// character of its widest line.
fn size(a: &HtmlTextAreaElement, text: &str) {
    let (rows, cols) = extent(text);
    if a.rows() as usize != rows {
        a.set_rows(rows as u32);
    }
    let cols = cols.max(20) + 1;
    if a.cols() as usize != cols {
        a.set_cols(cols as u32);
    }
}

/// A textarea's line height in CSS pixels.
fn line_height(a: &HtmlTextAreaElement) -> f64 {
    web_sys::window()
        .and_then(|w| w.get_computed_style(a).ok().flatten())
        .and_then(|s| s.get_property_value("line-height").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(18.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(i: usize, lines: usize) -> String {
        let mut s = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p-{i}\n");
        for l in 0..lines {
            s.push_str(&format!("  # line {l} of some padding text\n"));
        }
        s
    }

    #[test]
    fn parts_join_back_to_the_text_and_stay_small() {
        let text: String = (0..400)
            .map(|i| doc(i, 20))
            .collect::<Vec<_>>()
            .join("---\n");
        let parts = split(&text);
        assert_eq!(parts.join("\n"), text);
        assert!(parts.len() > 10, "{} parts", parts.len());
        for p in &parts[1..] {
            assert!(
                p.starts_with("---"),
                "a part starts at a document: {:?}",
                &p[..20]
            );
        }
        for p in &parts {
            assert!(p.len() < PART + 2_000, "{}", p.len());
        }
        // A trailing newline and an empty text survive.
        let t = format!("{text}\n");
        assert_eq!(split(&t).join("\n"), t);
        assert_eq!(split(""), vec![""]);
    }

    #[test]
    fn one_long_document_is_cut_at_lines() {
        let text = doc(0, 5_000);
        let parts = split(&text);
        assert_eq!(parts.join("\n"), text);
        assert!(parts.len() >= 4);
        assert!(parts.iter().all(|p| p.len() <= PART_LONG + 100));
    }

    #[test]
    fn offsets_in_parts() {
        // "ab" "cdé" "" "f": offsets 0..=2 in part 0, 3..=6 in part 1, ...
        let lens = [2, 3, 0, 1];
        assert_eq!(locate(&lens, 0), (0, 0));
        assert_eq!(locate(&lens, 2), (0, 2));
        assert_eq!(locate(&lens, 3), (1, 0));
        assert_eq!(locate(&lens, 6), (1, 3));
        assert_eq!(locate(&lens, 7), (2, 0));
        assert_eq!(locate(&lens, 8), (3, 0));
        assert_eq!(locate(&lens, 99), (3, 1));
        let s = "가나\n다😀x";
        assert_eq!(u16_len(s), 7);
        assert_eq!(byte_at(s, 3), "가나\n".len());
        assert_eq!(byte_at(s, 6), "가나\n다😀".len());
        assert_eq!(line_col(s, 6), (1, 3, 2));
        assert_eq!(offset_of(s, 1, 99), 7);
        assert_eq!(offset_of(s, 0, 1), 1);
        assert_eq!(extent(s), (2, 5));
    }
}
