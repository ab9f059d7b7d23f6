//! Checking a long text again after a small edit: [`Reparser::load`] gives
//! what [`super::load`] gives, but parses only the YAML documents that
//! changed since the last call.
//!
//! Parsing is nearly all of a load's time (a 2 MB cluster: about 95% in
//! the YAML parser, the rest resolving), and an edit touches one document.
//! The text is cut before each line that is a document marker (`---` at
//! the start of a line, then a space, a tab or the line's end: YAML never
//! lets such a line be content), each piece is parsed on its own and its
//! values kept; the next call reuses the pieces the new text begins and
//! ends with (compared as text, no hashing) and parses the run between
//! them, then numbers the documents, unpacks and resolves everything as
//! `load` does. A text with directives (`%YAML`, `%TAG`: they reach across
//! a marker) or in JSON is loaded whole.
//!
//! For a valid text the result is `load`'s (tested on every preset and on
//! edits). A syntax error is reported in the piece it is in, with the
//! line counted in the whole text; its wording can differ from `load`'s
//! when the error runs past a document marker (an unclosed bracket), so
//! what is applied is loaded with `load` or checked to be the same text.

use super::error::{Errors, Problem, Sink};
use super::parse::{read_values, unpack, Located};
use super::{finish, load, Loaded};
use serde_json::Value;

/// The last text's pieces and their parsed documents.
#[derive(Debug, Default)]
pub struct Reparser {
    last: Vec<(String, Result<Vec<Value>, Problem>)>,
}

/// How much of the last call was parsed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reuse {
    /// Pieces (documents, with the comments before the next marker).
    pub pieces: usize,
    /// Pieces parsed in this call.
    pub parsed: usize,
}

/// Whether `line` (without its end) is a document start marker.
fn is_marker(line: &str) -> bool {
    line.strip_prefix("---")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
}

/// The text cut before each document marker, each piece with the number
/// of lines before it.
pub fn pieces(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut start, mut start_line, mut line) = (0, 0, 0);
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if at > 0 && is_marker(l.trim_end_matches('\n')) {
            out.push((start_line, &text[start..at]));
            start = at;
            start_line = line;
        }
        at += l.len();
        line += 1;
    }
    if start < text.len() || out.is_empty() {
        out.push((start_line, &text[start..]));
    }
    out
}

/// `p` from a piece that starts `lines` lines and `documents` documents
/// into the whole text, placed in the whole text.
fn placed(mut p: Problem, lines: usize, documents: usize) -> Problem {
    let shift = |object: &str, prefix: &str, by: usize| {
        object
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
            .map(|n| format!("{prefix}{}", n + by))
    };
    if let Some(o) =
        shift(&p.object, "line ", lines).or_else(|| shift(&p.object, "document ", documents))
    {
        p.object = o;
    }
    p
}

impl Reparser {
    pub fn new() -> Reparser {
        Reparser::default()
    }

    /// [`super::load`] of `text`, parsing only the pieces not parsed in
    /// the last call.
    pub fn load(&mut self, text: &str) -> Result<Loaded, Errors> {
        self.load_counted(text).0
    }

    /// [`Reparser::load`], and how much it parsed. The pieces the last
    /// text began and ended with are reused (an edit changes a run of
    /// pieces in between: typing, a paste, a deletion); the rest is
    /// parsed.
    pub fn load_counted(&mut self, text: &str) -> (Result<Loaded, Errors>, Reuse) {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with(['{', '[']) || text.lines().any(|l| l.starts_with('%')) {
            self.last.clear();
            return (load(text), Reuse::default());
        }
        let cut = pieces(text);
        let mut last = std::mem::take(&mut self.last);
        let same = |a: &(usize, &str), b: &(String, _)| a.1 == b.0;
        let head = cut
            .iter()
            .zip(&last)
            .take_while(|(a, b)| same(a, b))
            .count();
        let most = cut.len().min(last.len()) - head;
        let tail = cut
            .iter()
            .rev()
            .zip(last.iter().rev())
            .take(most)
            .take_while(|(a, b)| same(a, b))
            .count();
        let reused_tail = last.split_off(last.len() - tail);
        last.truncate(head);
        let mut kept = last;
        let reuse = Reuse {
            pieces: cut.len(),
            parsed: cut.len() - head - tail,
        };
        for (_, piece) in &cut[head..cut.len() - tail] {
            kept.push((piece.to_string(), read_values(piece)));
        }
        kept.extend(reused_tail);

        let mut sink = Sink::default();
        let mut objects: Vec<Located> = Vec::new();
        let mut documents = 0;
        let mut failed = None;
        for ((lines, _), (_, parsed)) in cut.iter().zip(&kept) {
            match parsed {
                Ok(values) => {
                    for v in values {
                        documents += 1;
                        if !v.is_null() {
                            unpack(v.clone(), documents, &mut objects, &mut sink);
                        }
                    }
                }
                Err(p) => {
                    failed = Some(placed(p.clone(), *lines, documents));
                    break;
                }
            }
        }
        self.last = kept;
        let result = match failed {
            Some(p) => Err(Errors(vec![p])),
            None => finish(objects, sink),
        };
        (result, reuse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::presets::PRESETS;

    fn same(text: &str) {
        let whole = load(text);
        let mut r = Reparser::new();
        assert_eq!(r.load(text), whole, "fresh: {text:?}");
        // And again, from what it kept.
        let (again, reuse) = r.load_counted(text);
        assert_eq!(again, whole, "kept: {text:?}");
        assert_eq!(reuse.parsed, 0, "{text:?}");
    }

    #[test]
    fn cuts_before_each_marker() {
        assert_eq!(pieces(""), vec![(0, "")]);
        assert_eq!(pieces("a: 1\n"), vec![(0, "a: 1\n")]);
        assert_eq!(
            pieces("# c\n---\na: 1\n--- \nb: 2\n---\t# x\r\nc: 3\n----\n--- {d: 4}\n---"),
            vec![
                (0, "# c\n"),
                (1, "---\na: 1\n"),
                (3, "--- \nb: 2\n"),
                (5, "---\t# x\r\nc: 3\n----\n"),
                (8, "--- {d: 4}\n"),
                (9, "---"),
            ]
        );
        // Not markers: indented, or more than three dashes, or text after.
        assert_eq!(pieces("a: |\n  ---\n---x\n").len(), 1);
        // A marker on the first line starts the first piece.
        assert_eq!(pieces("---\na: 1\n"), vec![(0, "---\na: 1\n")]);
    }

    #[test]
    fn gives_what_load_gives_for_every_preset() {
        for p in PRESETS {
            assert!(load(p.yaml).is_ok(), "{}", p.id);
            same(p.yaml);
            // CRLF line ends, and a BOM.
            same(&p.yaml.replace('\n', "\r\n"));
            same(&format!("\u{feff}{}", p.yaml));
        }
    }

    #[test]
    fn gives_what_load_gives_for_odd_documents() {
        for text in [
            "",
            "# only a comment\n",
            "---\n---\n",
            "---\n...\n---\napiVersion: v1\nkind: Node\nmetadata: {name: a}\n",
            "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n...\n",
            "--- {apiVersion: v1, kind: Node, metadata: {name: a}}\n--- {apiVersion: v1, kind: Node, metadata: {name: b}}\n",
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: a}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b}\n",
            // Problems that are not syntax: the same list, same documents.
            "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\n- 1\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - port: 99999\n",
            "---\nkind: Node\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: x}\n",
            // Directives and JSON are loaded whole.
            "%YAML 1.2\n---\napiVersion: v1\nkind: Node\nmetadata: {name: a}\n",
            "{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": \"a\"}}",
            "[{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": \"a\"}}]",
        ] {
            same(text);
        }
    }

    #[test]
    fn a_syntax_error_names_its_line_in_the_whole_text() {
        let text = "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: b\n   bad: [\n";
        let whole = load(text).unwrap_err();
        let mut r = Reparser::new();
        let piecewise = r.load(text).unwrap_err();
        assert_eq!(piecewise.0.len(), 1);
        assert_eq!(whole.0.len(), 1);
        assert_eq!(
            piecewise.0[0].object, whole.0[0].object,
            "{piecewise:?} vs {whole:?}"
        );
        // In the middle: a bad document between good ones.
        let middle = "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\nkey: \"open\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b}\n";
        let p = r.load(middle).unwrap_err();
        assert_eq!(p.0.len(), 1);
        assert!(p.0[0].object.starts_with("line "), "{p:?}");
        let line: usize = p.0[0].object[5..].parse().unwrap();
        assert!((5..=6).contains(&line), "{p:?}");
    }

    #[test]
    fn parses_only_what_an_edit_changed() {
        let base = PRESETS[0].yaml;
        let mut r = Reparser::new();
        let (first, reuse) = r.load_counted(base);
        assert!(first.is_ok());
        assert!(
            reuse.pieces > 5 && reuse.parsed == reuse.pieces,
            "{reuse:?}"
        );
        // One document edited: one piece parsed, the result as load's.
        let edited = base.replacen("name: node-2", "name: node-2 # the second", 1);
        assert_ne!(edited, base);
        let (second, reuse) = r.load_counted(&edited);
        assert_eq!(reuse.parsed, 1, "{reuse:?}");
        assert_eq!(second, load(&edited));
        // Broken, then mended: the broken piece is the one parsed.
        let broken = edited.replacen("name: node-2", "name: [node-2", 1);
        let (third, reuse) = r.load_counted(&broken);
        assert_eq!(reuse.parsed, 1);
        assert!(third.is_err());
        let (fourth, reuse) = r.load_counted(&edited);
        assert_eq!(reuse.parsed, 1);
        assert_eq!(fourth, load(&edited));
        // A document added at the front renumbers the rest as load does.
        let front = format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\n---\n{edited}");
        let (fifth, _) = r.load_counted(&front);
        assert_eq!(fifth, load(&front));
        assert!(fifth
            .unwrap()
            .warnings
            .iter()
            .any(|w| w.to_string().contains("Secret")));
    }

    #[test]
    fn a_big_cluster_is_the_same_and_cheap_to_check_again() {
        // 60 nodes, 600 pods as separate documents, 60 Services.
        let mut text = String::from("apiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: big\nspec:\n  nodeCIDR: 10.128.0.0/18\n  podCIDR: 10.0.0.0/11\n  nodePodCIDRMask: 24\n  serviceCIDR: 10.96.0.0/16\n");
        for n in 0..60 {
            text += &format!("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}\n");
        }
        for p in 0..600 {
            let s = p / 10;
            if p % 10 == 0 {
                text += &format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{s}\nspec:\n  selector:\n    app: svc-{s}\n  ports:\n  - port: 80\n    targetPort: http\n");
            }
            text += &format!("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-{p}\n  labels:\n    app: svc-{s}\nspec:\n  nodeName: node-{}\n  containers:\n  - name: app\n    ports:\n    - name: http\n      containerPort: 8080\n", p % 60);
        }
        let mut r = Reparser::new();
        assert_eq!(r.load(&text), load(&text));
        let typed = format!("{text}# a comment typed at the end\n");
        let (again, reuse) = r.load_counted(&typed);
        assert_eq!(reuse.parsed, 1);
        assert_eq!(reuse.pieces, 1 + 60 + 60 + 600);
        assert_eq!(again, load(&typed));
    }
}
