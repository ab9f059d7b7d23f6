//! `netlab draw`: the playground's drawing as a standalone SVG. The output
//! is well-formed XML in the SVG namespace with a viewBox and a size; it
//! names the scenario's nodes and addresses; a request adds the trace's
//! trail; the themes and languages differ; bad input exits 2 with a
//! message.

mod common;
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

use common::check_xml;

#[test]
fn the_checker_catches_bad_xml() {
    assert_eq!(check_xml("<a x=\"1\"><b/></a>").as_deref(), Ok("a"));
    assert!(check_xml("<a><b></a>").is_err());
    assert!(check_xml("<a x=1></a>").is_err());
    assert!(check_xml("<a>&nbsp;</a>").is_err());
    assert!(check_xml("<a></a><b></b>").is_err());
    assert!(check_xml("<a x=\"1\" x=\"2\"></a>").is_err());
    assert!(check_xml("<a xmlns=\"u\" xmlns=\"u\"></a>").is_err());
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
    // The style is inlined: the drawing's rules with the theme's colours
    // written in, only those that can match the picture.
    assert!(svg.contains("<style>") && !svg.contains("var(--"));
    assert!(svg.contains(".topology .node rect{fill:#"));
    assert!(
        !svg.contains(".topology .trail{"),
        "no trail, no rule for one"
    );
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
    // The theme's colours are written into the rules.
    let fill = |svg: &str, rule: &str| {
        let at = svg.find(&format!("{rule}{{fill:")).unwrap() + rule.len() + 6;
        svg[at..at + svg[at..].find([';', '}']).unwrap()].to_string()
    };
    assert_ne!(
        fill(&light, ".topology text"),
        fill(&dark, ".topology text")
    );
    assert_ne!(
        fill(&light, ".topology rect.backdrop"),
        fill(&dark, ".topology rect.backdrop")
    );
    // Shown at other sizes than its own, its text scales as outlines
    // rather than being laid out again per size (see draw::style).
    for svg in [&light, &dark] {
        assert!(svg.contains("svg.topology{text-rendering:geometricPrecision}"));
    }
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
