//! Predict mode's questions (`engine::quiz`) over every scenario the tests
//! and the story know and every request the kernel check derives from
//! them, branch by branch: each question's marked answer is what the
//! trace shows at that hop, its choices are distinct, and no wrong choice
//! is what another branch with the same history so far shows there (so
//! the learner could have known: exactly one right answer).

mod common;

use common::{files, load_named, read};
use k8s_netlab::engine::checks;
use k8s_netlab::engine::paths::branches;
use k8s_netlab::engine::quiz::{self, Ask, Choice, Question, MAX_CHOICES};
use k8s_netlab::engine::topology::Topology;
use k8s_netlab::engine::trace::{Request, Trace, World};
use k8s_netlab::linux::netfilter::{Effect, SeededChooser};
use k8s_netlab::model::Protocol;

/// What `trace` shows where `q` asks, worked out here independently of
/// the quiz; `None` when the trace has no such hop.
fn truth(q: &Question, trace: &Trace) -> Option<Choice> {
    let hop = trace.hops.get(q.hop)?;
    Some(match &q.ask {
        Ask::NextDevice => Choice::Device(hop.device.clone()),
        Ask::NewDestination => Choice::Addr(hop.after.dst),
        Ask::NewSource => Choice::Addr(hop.after.src),
        Ask::ServerSees => Choice::Addr(trace.server_sees.as_ref()?.src),
        Ask::Outcome => Choice::Verdict(trace.verdict),
        Ask::Decider { table } => {
            let hit = hop.rules.iter().rev().find(|r| {
                r.index != 0
                    && matches!(
                        r.effect,
                        Effect::Accept
                            | Effect::Drop
                            | Effect::Reject
                            | Effect::Nat(_)
                            | Effect::Loop(_)
                    )
            })?;
            assert_eq!(&hit.table.to_string(), table);
            Choice::Chain(hit.chain.clone())
        }
    })
}

#[test]
fn every_question_has_exactly_one_right_answer() {
    let mut asked = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for dir in ["static/scenarios", "tests/data/engine"] {
        for file in files(dir, "yaml") {
            let name = file.display().to_string();
            let s = load_named(&name, &read(&file)).scenario;
            let world = World::new(s.clone());
            let taken: Vec<_> = Topology::build(&s, &[])
                .lb_vpc_addrs
                .values()
                .copied()
                .collect();
            let host = checks::host_address(&s, &taken).expect("a free host address");
            for r in checks::derive(&s, host) {
                let Ok(req) = Request::parse(&s, &r.from, &r.to, r.proto) else {
                    continue;
                };
                let all = branches(&world, &req).unwrap();
                for b in &all {
                    let qs = quiz::for_world(&mut world.clone(), &b.trace);
                    for q in &qs {
                        let what = format!("{name}: {r}: {q:?}");
                        assert!(
                            (2..=MAX_CHOICES).contains(&q.choices.len()),
                            "{what}: choices"
                        );
                        let mut unique = q.choices.clone();
                        unique.dedup();
                        assert_eq!(unique.len(), q.choices.len(), "{what}: repeated choice");
                        assert_eq!(
                            truth(q, &b.trace).as_ref(),
                            q.choices.get(q.answer),
                            "{what}: the marked answer is not what the trace shows"
                        );
                        for other in &all {
                            if other.trace.hops.get(..q.hop) != b.trace.hops.get(..q.hop) {
                                continue;
                            }
                            if let Some(t) = truth(q, &other.trace) {
                                assert!(
                                    t == q.choices[q.answer] || !q.choices.contains(&t),
                                    "{what}: {t:?} is offered as wrong, but another branch with the same history shows it"
                                );
                            }
                        }
                        kinds.insert(
                            format!("{:?}", q.ask)
                                .split([' ', '{'])
                                .next()
                                .unwrap_or("")
                                .to_string(),
                        );
                        asked += 1;
                    }
                    // In hop order, on hops that exist.
                    assert!(qs.windows(2).all(|w| w[0].hop <= w[1].hop));
                    assert!(qs.iter().all(|q| q.hop < b.trace.hops.len()));
                }
            }
        }
    }
    assert!(asked > 1000, "only {asked} questions");
    assert_eq!(kinds.len(), 6, "every kind of question is asked somewhere");
    println!("{asked} questions");
}

/// The story's first request, question by question, as a learner meets
/// them (reviewed: the wrong choices are the mix-ups the story's lessons
/// talk about).
#[test]
fn the_storys_clusterip_request() {
    let file = common::root("static/scenarios/clusterip.yaml");
    let s = load_named("clusterip.yaml", &read(&file)).scenario;
    let mut world = World::new(s.clone());
    let req = Request::parse(&s, "pod/client", "svc/web:80", Protocol::Tcp).unwrap();
    let trace = world
        .clone()
        .trace(&req, &mut SeededChooser::from_seed(1))
        .unwrap();
    let text: Vec<String> = quiz::for_world(&mut world, &trace)
        .iter()
        .map(|q| {
            let hop = &trace.hops[q.hop];
            let choices: Vec<String> = q
                .choices
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let c = match c {
                        Choice::Device(d) => d.clone(),
                        Choice::Chain(c) => c.clone(),
                        Choice::Addr(a) => a.to_string(),
                        Choice::Verdict(v) => format!("{v:?}"),
                    };
                    if i == q.answer {
                        format!("[{c}]")
                    } else {
                        c
                    }
                })
                .collect();
            format!(
                "hop {} {:?} {} {}: {:?}: {}",
                q.hop,
                q.leg,
                hop.device,
                hop.at,
                q.ask,
                choices.join(" | ")
            )
        })
        .collect();
    insta::assert_snapshot!(text.join("\n"));
}
