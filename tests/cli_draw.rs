//! `netlab draw`: the playground's drawing as a standalone SVG. The output
//! is well-formed XML in the SVG namespace with a viewBox and a size; it
//! names the scenario's nodes and addresses; a request adds the trace's
//! trail; the themes and languages differ; bad input exits 2 with a
//! message.

use std::path::Path;
use std::process::{Command, Output};

fn netlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_netlab"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("netlab runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn draw(args: &[&str]) -> String {
    let mut all = vec!["draw"];
    all.extend_from_slice(args);
    let out = netlab(&all);
    assert!(
        out.status.success(),
        "netlab {all:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A small XML well-formedness check: every tag closes in order, every
/// attribute is quoted, no raw `<` or unknown entity in text, one root.
fn check_xml(s: &str) -> Result<String, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut root = None;
    let mut rest = s.trim();
    if let Some(r) = rest.strip_prefix("<?xml") {
        rest = &r[r.find("?>").ok_or("unclosed declaration")? + 2..];
    }
    let check_text = |t: &str| -> Result<(), String> {
        let mut t = t;
        while let Some(i) = t.find('&') {
            let end = t[i..].find(';').ok_or("bare &")?;
            let ent = &t[i + 1..i + end];
            let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
                || ent.starts_with('#') && ent.len() > 1;
            if !ok {
                return Err(format!("unknown entity &{ent};"));
            }
            t = &t[i + end..];
        }
        Ok(())
    };
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            check_text(rest)?;
            if !stack.is_empty() {
                return Err(format!("unclosed {stack:?}"));
            }
            break;
        };
        check_text(&rest[..lt])?;
        if !rest[..lt].trim().is_empty() && stack.is_empty() {
            return Err("text outside the root".into());
        }
        rest = &rest[lt..];
        // A tag: find its end outside quoted attribute values.
        let mut quote = None;
        let mut end = None;
        for (i, c) in rest.char_indices().skip(1) {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '<') => return Err(format!("< inside a tag: {}", &rest[..i])),
                (None, '>') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or("unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .ok_or(format!("</{name}> without an opening tag"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
        // Attributes: name="value" pairs.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs
                .find('=')
                .ok_or(format!("attribute without value in <{name}>"))?;
            let q = attrs[eq + 1..].chars().next().ok_or("attribute value")?;
            if q != '"' && q != '\'' {
                return Err(format!("unquoted attribute in <{name}>"));
            }
            let close = attrs[eq + 2..].find(q).ok_or("unclosed attribute value")?;
            check_text(&attrs[eq + 2..eq + 2 + close])?;
            attrs = attrs[eq + 2 + close + 1..].trim_start();
        }
        if stack.is_empty() {
            if root.is_some() {
                return Err("two roots".into());
            }
            root = Some(name.clone());
        }
        if !self_closing {
            stack.push(name);
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    root.ok_or_else(|| "no root".into())
}

#[test]
fn the_checker_catches_bad_xml() {
    assert_eq!(check_xml("<a x=\"1\"><b/></a>").as_deref(), Ok("a"));
    assert!(check_xml("<a><b></a>").is_err());
    assert!(check_xml("<a x=1></a>").is_err());
    assert!(check_xml("<a>&nbsp;</a>").is_err());
    assert!(check_xml("<a></a><b></b>").is_err());
}

fn attr<'a>(svg: &'a str, name: &str) -> &'a str {
    let open = &svg[..svg.find('>').unwrap()];
    let at = open
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("{name} in {open}"))
        + name.len()
        + 3;
    &open[at..at + open[at..].find('"').unwrap()]
}

#[test]
fn a_scenario_as_a_standalone_svg() {
    let svg = draw(&["static/scenarios/nodeport.yaml"]);
    assert_eq!(check_xml(&svg), Ok("svg".to_string()));
    assert_eq!(attr(&svg, "xmlns"), "http://www.w3.org/2000/svg");
    let vb: Vec<i32> = attr(&svg, "viewBox")
        .split(' ')
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(vb[..2], [0, 0]);
    assert!(vb[2] > 300 && vb[3] > 200, "{vb:?}");
    assert_eq!(attr(&svg, "width"), vb[2].to_string());
    assert_eq!(attr(&svg, "height"), vb[3].to_string());
    for name in [
        "node-1",
        "node-2",
        "node-3",
        "10.100.0.3",
        "web-",
        "VPC router",
    ] {
        assert!(svg.contains(name), "{name}");
    }
    // The style is inlined: the theme's variables and the drawing's rules.
    assert!(svg.contains("<style>") && svg.contains("--topo-request:"));
    assert!(svg.contains(".topology .node rect{"));
    // No request, no trail, no packet.
    assert!(!svg.contains("class=\"trail"));
    assert!(!svg.contains("class=\"packet"));
    // Interactive attributes of the page's drawing are harmless here, but
    // no event handler is written.
    assert!(!svg.contains("onclick"));
}

#[test]
fn a_request_draws_its_trail() {
    let svg = draw(&[
        "static/scenarios/nodeport.yaml",
        "--from",
        "10.100.0.10",
        "--to",
        "10.100.0.3:30080",
    ]);
    assert_eq!(check_xml(&svg), Ok("svg".to_string()));
    let trail = svg.find("<polyline ").expect("a trail");
    let tag = &svg[trail..trail + svg[trail..].find('>').unwrap()];
    assert!(tag.contains("class=\"trail"), "{tag}");
    let points = &tag[tag.find("points=\"").unwrap() + 8..];
    let points = &points[..points.find('"').unwrap()];
    assert!(points.split(' ').count() >= 4, "{points}");
    assert!(svg.contains("class=\"packet"));
    // The source host on the node network is drawn, and the source and the
    // pod it reached are emphasised.
    assert!(svg.contains("10.100.0.10"));
    assert!(svg.contains(" hl"), "emphasis");
}

#[test]
fn themes_and_languages() {
    let file = "static/scenarios/clusterip.yaml";
    let light = draw(&[file]);
    let dark = draw(&[file, "--theme", "dark"]);
    assert_ne!(light, dark);
    assert!(dark.contains("data-theme=\"dark\""));
    let var = |svg: &str, name: &str| {
        let at = svg.find(&format!("{name}:")).unwrap() + name.len() + 1;
        svg[at..at + svg[at..].find(';').unwrap()].to_string()
    };
    assert_ne!(var(&light, "--fg"), var(&dark, "--fg"));
    assert_ne!(var(&light, "--panel"), var(&dark, "--panel"));
    let ko = draw(&[file, "--lang", "ko"]);
    assert_eq!(check_xml(&ko), Ok("svg".to_string()));
    assert!(
        ko.contains("노드") && ko.contains("인터넷"),
        "Korean labels"
    );
    assert!(!light.contains("노드"));
}

#[test]
fn a_removed_node_is_drawn_terminated() {
    let svg = draw(&["static/scenarios/nodeport.yaml", "--remove-node", "node-2"]);
    assert_eq!(check_xml(&svg), Ok("svg".to_string()));
    assert!(svg.contains("class=\"ghost"), "the ghost of node-2");
    assert!(svg.contains("terminated"));
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let cases: &[(&[&str], &str)] = &[
        (&["draw", "no/such/file.yaml"], "no/such/file.yaml"),
        (
            &[
                "draw",
                "static/scenarios/nodeport.yaml",
                "--remove-node",
                "node-9",
            ],
            "node-9",
        ),
        (
            &[
                "draw",
                "static/scenarios/nodeport.yaml",
                "--from",
                "pod/nobody",
                "--to",
                "svc/web:80",
            ],
            "nobody",
        ),
        (
            &[
                "draw",
                "static/scenarios/nodeport.yaml",
                "--from",
                "internet",
            ],
            "--to",
        ),
        (
            &["draw", "static/scenarios/nodeport.yaml", "--theme", "sepia"],
            "sepia",
        ),
    ];
    for (args, says) in cases {
        let out = netlab(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert!(Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("static/scenarios/nodeport.yaml")
        .exists());
}
