//! The app's one state and its reducer. Everything the page shows comes
//! from here; components dispatch [`Action`]s and never change anything
//! themselves. The reducer calls the model and the engine and holds no
//! networking logic of its own. It is plain Rust, tested natively.

use crate::engine::addressing::{destination_for_proto, destination_in};
use crate::engine::paths;
use crate::engine::quiz::Question;
use crate::engine::request::Request;
use crate::engine::trace::{Trace, World};
use crate::linux::netfilter::SeededChooser;
use crate::model::edit::Edit;
use crate::model::{self, presets, Protocol, Scenario};
pub use crate::ui::notice::{Message, Notice, NoticeKind, ScenarioTitle};
use std::net::Ipv4Addr;
use std::rc::Rc;

/// How many edits undo remembers.
pub const UNDO_DEPTH: usize = 100;
/// The most connections "send N" runs at once.
pub const MAX_SEND: u32 = 10_000;

/// A request to trace, in the CLI's forms (`pod/client`, `internet`,
/// `svc/web:80`, `10.100.0.3:30080`) plus the seed of its random choices:
/// the same spec on the same scenario gives the same trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceSpec {
    pub from: String,
    pub to: String,
    pub proto: Protocol,
    pub seed: u64,
}

impl TraceSpec {
    /// The request a preset is about, with the first seed.
    pub fn of_preset(p: &presets::Preset) -> TraceSpec {
        TraceSpec {
            from: p.from.into(),
            to: p.to.into(),
            proto: Protocol::Tcp,
            seed: 1,
        }
    }
}

impl Default for TraceSpec {
    /// The default scenario's request.
    fn default() -> Self {
        TraceSpec::of_preset(&presets::PRESETS[0])
    }
}

/// A node that was just removed, still drawn as terminated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ghost {
    pub name: String,
    pub internal_ip: Ipv4Addr,
    /// Its place in the node list before it went.
    pub index: usize,
}

/// A trace being shown: how far the playback is.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub trace: Result<Rc<Trace>, String>,
    /// How many hops are shown (0..=hops.len()).
    pub step: usize,
    pub playing: bool,
    /// The user sent it (Send, Send another), rather than the trace
    /// re-running by itself after a preset loaded or the scenario changed.
    /// The tutorial's checks ask for a trace the learner sent.
    pub sent: bool,
    /// Predict mode: the questions of this trace and the answers so far.
    pub quiz: Option<Quiz>,
    /// Per hop, the commands that show it on a real node, with their
    /// predicted output ([`crate::engine::commands`]).
    pub commands: Rc<Vec<Vec<crate::engine::commands::Command>>>,
}

/// Predict mode's progress through a trace: each question
/// ([`crate::engine::quiz`]) holds the player back before its hop until it
/// is answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    pub questions: Rc<Vec<Question>>,
    /// The choice made for each question answered so far, in order.
    pub answers: Vec<usize>,
}

impl Quiz {
    /// The question waiting for an answer.
    pub fn pending(&self) -> Option<&Question> {
        self.questions.get(self.answers.len())
    }

    /// The last question answered and whether the answer was right.
    pub fn last(&self) -> Option<(&Question, usize, bool)> {
        let i = self.answers.len().checked_sub(1)?;
        let q = self.questions.get(i)?;
        let chosen = self.answers[i];
        Some((q, chosen, chosen == q.answer))
    }

    /// Right answers and answers given.
    pub fn score(&self) -> (usize, usize) {
        let right = self
            .answers
            .iter()
            .zip(self.questions.iter())
            .filter(|(a, q)| **a == q.answer)
            .count();
        (right, self.answers.len())
    }

    pub fn done(&self) -> bool {
        self.answers.len() >= self.questions.len()
    }
}

/// How fast the player moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    Slow,
    #[default]
    Normal,
    Fast,
}

impl Speed {
    pub const ALL: [Speed; 3] = [Speed::Slow, Speed::Normal, Speed::Fast];

    /// The name a saved preference and the menu use.
    pub fn code(self) -> &'static str {
        match self {
            Speed::Slow => "slow",
            Speed::Normal => "normal",
            Speed::Fast => "fast",
        }
    }

    pub fn from_code(s: &str) -> Option<Speed> {
        Speed::ALL.into_iter().find(|x| x.code() == s)
    }

    /// How long one step is shown while playing: a device-level step
    /// (several hops) longer than a single hop.
    pub fn tick_ms(self, every_hop: bool) -> u32 {
        let hop = match self {
            Speed::Slow => 900,
            Speed::Normal => 450,
            Speed::Fast => 200,
        };
        if every_hop {
            hop
        } else {
            hop * 2
        }
    }
}

impl Run {
    /// The hops in device-level steps ([`super::steps::groups`]).
    pub fn groups(&self) -> Vec<std::ops::Range<usize>> {
        self.trace
            .as_ref()
            .map(|t| super::steps::groups(&t.hops))
            .unwrap_or_default()
    }

    pub fn hops(&self) -> usize {
        self.trace.as_ref().map(|t| t.hops.len()).unwrap_or(0)
    }

    pub fn at_end(&self) -> bool {
        self.step >= self.hops()
    }

    /// In predict mode, no hop at or past the pending question's is shown
    /// (playing stops before it until it is answered).
    fn hold_for_question(&mut self) {
        if let Some(q) = self.quiz.as_ref().and_then(Quiz::pending) {
            if self.step >= q.hop {
                self.step = q.hop;
                self.playing = false;
            }
        }
    }
}

/// The result of "send N" for a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    pub spec: TraceSpec,
    pub sample: paths::Sample,
}

/// A scenario and the trace on show: what a share link carries, what
/// the browser keeps, what a page opens.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    /// The scenario, as the user wrote it.
    pub yaml: String,
    /// The trace on show, if any.
    pub trace: Option<TraceSpec>,
}

#[derive(Debug, Clone, PartialEq)]
struct Snapshot {
    scenario: Rc<Scenario>,
    title: ScenarioTitle,
    ghosts: Vec<Ghost>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub scenario: Rc<Scenario>,
    /// What the scenario is: a preset, "Imported", "Edited".
    pub title: ScenarioTitle,
    pub ghosts: Vec<Ghost>,
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    pub spec: TraceSpec,
    pub run: Option<Run>,
    pub spread: Option<Rc<Spread>>,
    pub selected_node: Option<String>,
    /// Nodes whose pods are all drawn (beyond the collapse threshold).
    pub expanded: Vec<String>,
    pub notice: Option<Notice>,
    /// Something from a share link waiting for the user to accept it
    /// (it would replace their work).
    pub pending: Option<Shared>,
    /// A share link just made, shown until dismissed or the scenario
    /// changes.
    pub share_link: Option<String>,
    /// Bumped whenever the scenario or the trace request changes: the
    /// autosave effect is keyed on it.
    pub revision: u64,
    /// The player shows every hop; otherwise device-level steps
    /// ([`super::steps`]), each opening onto its hops.
    pub every_hop: bool,
    pub speed: Speed,
    /// Predict mode: each trace asks before it shows certain hops.
    pub predict: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Edit(Edit),
    LoadPreset(String),
    /// YAML (or JSON) text: imported when valid, otherwise a notice names
    /// every problem and nothing changes.
    Import(String),
    /// Opens a share link's content without asking (the previous scenario
    /// stays one undo away).
    Open(Shared),
    /// Brings back the saved workspace at start-up: no undo entry, and an
    /// unreadable one leaves the default scenario with a notice.
    Restore(Shared),
    /// A message for the user (from the browser side: a storage failure,
    /// a link that cannot be read).
    Say {
        error: bool,
        text: Message,
    },
    /// A share link was made (it reproduces the scenario and the trace).
    ShareLink(String),
    /// A share link's content: waits in `pending` for the user.
    Offer(Shared),
    AcceptPending,
    RejectPending,
    Undo,
    Redo,
    SetSpec(TraceSpec),
    /// Traces the current spec and plays it from the start.
    Send,
    /// Traces the current spec with the next seed (another connection).
    SendAnother,
    /// Shows the first `n` hops.
    StepTo(usize),
    /// One step forward: to the end of the next device-level step, or one
    /// hop with `every_hop` (pauses).
    Forward,
    /// One step back (pauses).
    Back,
    /// Play, or pause while playing.
    TogglePlay,
    /// Device-level steps (false) or every hop (true).
    SetEveryHop(bool),
    SetSpeed(Speed),
    /// Predict mode on or off (the trace on show starts again from its
    /// first question, or shows all).
    SetPredict(bool),
    /// The choice made for the pending question: its hop is shown.
    Answer(usize),
    Play,
    Pause,
    /// The player's clock: one more step (a device's hops, or one hop
    /// with `every_hop`) while playing.
    Tick,
    ClearTrace,
    SendN(u32),
    SelectNode(Option<String>),
    /// A box of the drawing was clicked (its pick: `pod/NAME`,
    /// `node/NAME`, `internet`, an IP): it becomes the request's source,
    /// or its destination (see [`destination_for`]); a node is also
    /// selected for the rules panel.
    Pick {
        pick: String,
        source: bool,
    },
    ToggleExpanded(String),
    Dismiss,
    /// Loads a preset's scenario with its request filled in but nothing
    /// traced (a lesson asks before it answers), under `title`.
    Begin {
        preset: String,
        title: ScenarioTitle,
    },
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

impl State {
    /// The default scenario (the story's cluster), nothing traced yet.
    pub fn new() -> State {
        let p = &presets::PRESETS[0];
        State {
            scenario: Rc::new(model::default_scenario()),
            title: ScenarioTitle::Preset(p.id),
            ghosts: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            spec: TraceSpec::default(),
            run: None,
            spread: None,
            selected_node: None,
            expanded: Vec::new(),
            notice: None,
            pending: None,
            share_link: None,
            revision: 0,
            every_hop: false,
            speed: Speed::Normal,
            predict: false,
        }
    }

    /// A fresh state on a preset's scenario, its request filled in,
    /// nothing traced and nothing to undo (see [`Action::Begin`]).
    pub fn begin(preset: &str, title: ScenarioTitle) -> State {
        let mut s = State::new();
        s.apply(Action::Begin {
            preset: preset.into(),
            title,
        });
        s.undo.clear();
        s.revision = 0;
        s
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The engine's view of the current scenario, fresh (no connections).
    pub fn world(&self) -> World {
        World::new((*self.scenario).clone())
    }

    /// The trace currently shown, if it ran.
    pub fn trace(&self) -> Option<&Trace> {
        self.run
            .as_ref()
            .and_then(|r| r.trace.as_ref().ok())
            .map(|t| &**t)
    }

    /// Applies one action (the reducer's body).
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Edit(e) => match crate::ui::worlds::apply_edit(&self.scenario, &e) {
                Ok((scenario, removal)) => {
                    let ghosts = match (&e, &removal) {
                        (Edit::RemoveNode(name), Some(_)) => self
                            .scenario
                            .nodes
                            .iter()
                            .position(|n| n.name == *name)
                            .map(|index| Ghost {
                                name: name.clone(),
                                internal_ip: self.scenario.nodes[index].internal_ip,
                                index,
                            })
                            .into_iter()
                            .collect(),
                        _ => Vec::new(),
                    };
                    let notice = match &removal {
                        Some(r) if !r.replacements.is_empty() => {
                            Some(Notice::info(Message::Replaced(r.replacements.join(", "))))
                        }
                        _ => None,
                    };
                    self.replace(scenario, self.title.edited(), ghosts);
                    self.notice = notice;
                }
                Err(errors) => {
                    self.notice = Some(Notice::error(Message::EditRefused, errors.0));
                }
            },
            Action::LoadPreset(id) => {
                self.load_preset(&id, None);
            }
            Action::Begin { preset, title } => {
                self.load_preset(&preset, Some(title));
            }
            Action::Import(text) => match model::load(&text) {
                Ok(l) => {
                    self.replace(Rc::new(l.scenario), ScenarioTitle::Imported, Vec::new());
                    // Warnings first, then the notes (each said once).
                    let message = if l.warnings.is_empty() {
                        Message::ImportNotes
                    } else {
                        Message::ImportWarnings
                    };
                    let mut problems = l.warnings;
                    problems.extend(l.notes);
                    self.notice = (!problems.is_empty()).then(|| Notice {
                        problems,
                        ..Notice::info(message)
                    });
                }
                Err(e) => self.notice = Some(Notice::error(Message::ImportFailed, e.0)),
            },
            Action::Open(incoming) => self.open(incoming),
            Action::Restore(incoming) => {
                self.open(incoming);
                if self.notice.is_none() {
                    self.undo.clear();
                    self.title = ScenarioTitle::Saved;
                }
            }
            Action::Say { error, text } => {
                self.notice = Some(if error {
                    Notice::error(text, Vec::new())
                } else {
                    Notice::info(text)
                })
            }
            Action::Offer(incoming) => self.pending = Some(incoming),
            Action::AcceptPending => {
                if let Some(i) = self.pending.take() {
                    self.open(i);
                }
            }
            Action::RejectPending => self.pending = None,
            Action::Undo => self.travel(true),
            Action::Redo => self.travel(false),
            Action::SetSpec(mut spec) => {
                // A new protocol carries the destination over (a ping's is
                // a bare address).
                if spec.proto != self.spec.proto {
                    spec.to = destination_in(&self.scenario, &spec.to, spec.proto);
                }
                if spec != self.spec {
                    self.spec = spec;
                    self.revision += 1;
                }
            }
            Action::Send => {
                self.retrace(true);
                self.revision += 1;
            }
            Action::SendAnother => {
                self.spec.seed = self.spec.seed.wrapping_add(1);
                self.retrace(true);
                self.revision += 1;
            }
            Action::StepTo(n) => {
                if let Some(r) = &mut self.run {
                    r.step = n.min(r.hops());
                    r.playing = false;
                    r.hold_for_question();
                }
            }
            a @ (Action::Forward | Action::Back) => {
                if let Some(r) = &mut self.run {
                    let g = r.groups();
                    r.step = if a == Action::Forward {
                        super::steps::forward(&g, r.step, self.every_hop)
                    } else {
                        super::steps::back(&g, r.step, self.every_hop)
                    };
                    r.playing = false;
                    r.hold_for_question();
                }
            }
            Action::TogglePlay => {
                let playing = self.run.as_ref().is_some_and(|r| r.playing);
                self.apply(if playing { Action::Pause } else { Action::Play });
            }
            Action::SetEveryHop(b) => self.every_hop = b,
            Action::SetSpeed(v) => self.speed = v,
            Action::SetPredict(on) => {
                self.predict = on;
                let scenario = Rc::clone(&self.scenario);
                if let Some(r) = &mut self.run {
                    r.quiz = if on { quiz_for(&scenario, r) } else { None };
                    if on {
                        r.step = 0;
                        r.playing = false;
                    }
                }
            }
            Action::Answer(choice) => {
                if let Some(r) = &mut self.run {
                    if let Some(quiz) = &mut r.quiz {
                        if let Some(q) = quiz.pending() {
                            let hop = q.hop;
                            if choice < q.choices.len() && r.step <= hop {
                                quiz.answers.push(choice);
                                // Show the hop, unless another question
                                // waits on it too, and play on to the
                                // next question.
                                if quiz.pending().is_none_or(|n| n.hop > hop) {
                                    r.step = hop + 1;
                                }
                                r.playing = !r.at_end();
                                r.hold_for_question();
                            }
                        }
                    }
                }
            }
            Action::Play => {
                if let Some(r) = &mut self.run {
                    if r.at_end() {
                        r.step = 0;
                    }
                    r.playing = r.hops() > 0;
                }
            }
            Action::Pause => {
                if let Some(r) = &mut self.run {
                    r.playing = false;
                }
            }
            Action::Tick => {
                if let Some(r) = &mut self.run {
                    if r.playing {
                        r.step = super::steps::forward(&r.groups(), r.step, self.every_hop);
                        r.playing = !r.at_end();
                        r.hold_for_question();
                    }
                }
            }
            Action::ClearTrace => {
                self.run = None;
                self.spread = None;
            }
            Action::SendN(n) => self.send_n(n),
            Action::SelectNode(n) => self.selected_node = n,
            Action::Pick { pick, source } => {
                if let Some(n) = crate::engine::topology::node_of(&pick) {
                    self.selected_node = Some(n.to_string());
                }
                let mut spec = self.spec.clone();
                if source {
                    spec.from = pick;
                } else if let Some(to) = destination_for_proto(&self.scenario, &pick, spec.proto) {
                    spec.to = to;
                }
                self.apply(Action::SetSpec(spec));
            }
            Action::ToggleExpanded(n) => {
                if let Some(i) = self.expanded.iter().position(|e| *e == n) {
                    self.expanded.remove(i);
                } else {
                    self.expanded.push(n);
                }
            }
            Action::ShareLink(url) => self.share_link = Some(url),
            Action::Dismiss => {
                self.notice = None;
                self.share_link = None;
            }
        }
    }

    /// Loads a preset with its request: traced and shown at once, or,
    /// under a title of its own (a lesson's), not traced at all.
    fn load_preset(&mut self, id: &str, untraced: Option<ScenarioTitle>) {
        let Some(p) = presets::preset(id) else {
            self.notice = Some(Notice::error(Message::NoPreset(format!("{id:?}")), vec![]));
            return;
        };
        match model::load(p.yaml) {
            Ok(l) => {
                self.spec = TraceSpec::of_preset(p);
                if untraced.is_some() {
                    self.run = None;
                }
                self.replace(
                    Rc::new(l.scenario),
                    untraced.unwrap_or(ScenarioTitle::Preset(p.id)),
                    Vec::new(),
                );
                if untraced.is_none() {
                    self.retrace(false);
                }
            }
            Err(e) => self.notice = Some(Notice::error(Message::PresetFailed, e.0)),
        }
    }

    fn open(&mut self, incoming: Shared) {
        match model::load(&incoming.yaml) {
            Ok(l) => {
                self.replace(Rc::new(l.scenario), ScenarioTitle::Opened, Vec::new());
                if let Some(spec) = incoming.trace {
                    self.spec = spec;
                    self.retrace(false);
                }
            }
            Err(e) => self.notice = Some(Notice::error(Message::OpenFailed, e.0)),
        }
    }

    /// A new current scenario, the old one on the undo stack; an open
    /// trace re-runs on the new one.
    fn replace(&mut self, scenario: Rc<Scenario>, title: ScenarioTitle, ghosts: Vec<Ghost>) {
        let old = Snapshot {
            scenario: std::mem::replace(&mut self.scenario, scenario),
            title: std::mem::replace(&mut self.title, title),
            ghosts: std::mem::replace(&mut self.ghosts, ghosts),
        };
        self.undo.push(old);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.after_change();
    }

    fn travel(&mut self, back: bool) {
        let (from, to) = if back {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(snap) = from.pop() else { return };
        to.push(Snapshot {
            scenario: std::mem::replace(&mut self.scenario, snap.scenario),
            title: std::mem::replace(&mut self.title, snap.title),
            ghosts: std::mem::replace(&mut self.ghosts, snap.ghosts),
        });
        self.notice = None;
        self.after_change();
    }

    fn after_change(&mut self) {
        self.revision += 1;
        self.share_link = None;
        if let Some(n) = &self.selected_node {
            if self.scenario.node(n).is_none() {
                self.selected_node = None;
            }
        }
        self.expanded
            .retain(|n| self.scenario.nodes.iter().any(|x| x.name == *n));
        self.spread = None;
        if self.run.is_some() {
            self.retrace(false);
        }
    }

    /// Traces the current spec; `play` starts the playback from the first
    /// hop, otherwise the whole trace is shown at once (a re-run after an
    /// edit shows what changed without replaying).
    fn retrace(&mut self, play: bool) {
        let trace = crate::ui::worlds::trace_spec(&self.scenario, &self.spec).map(Rc::new);
        let hops = trace.as_ref().map(|t| t.hops.len()).unwrap_or(0);
        self.spread = None;
        let mut run = Run {
            trace,
            step: if play { 0 } else { hops },
            playing: play && hops > 0,
            sent: play,
            quiz: None,
            commands: Rc::new(Vec::new()),
        };
        if let Ok(t) = &run.trace {
            run.commands = Rc::new(crate::ui::worlds::commands(&self.scenario, t));
        }
        if self.predict {
            run.quiz = quiz_for(&self.scenario, &run);
            run.hold_for_question();
        }
        self.run = Some(run);
    }

    fn send_n(&mut self, n: u32) {
        let n = n.clamp(1, MAX_SEND);
        match spread(&self.scenario, &self.spec, n) {
            Ok(s) => self.spread = Some(Rc::new(s)),
            Err(e) => {
                self.spread = None;
                self.notice = Some(Notice::error(Message::SendFailed(e), Vec::new()));
            }
        }
    }
}

/// Predict mode's questions for a run's trace (none for a request that
/// could not be traced).
fn quiz_for(scenario: &Rc<Scenario>, run: &Run) -> Option<Quiz> {
    let trace = run.trace.as_ref().ok()?;
    Some(Quiz {
        questions: Rc::new(crate::ui::worlds::quiz(scenario, trace)),
        answers: Vec::new(),
    })
}

impl yew::Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

fn request(s: &Scenario, spec: &TraceSpec) -> Result<Request, String> {
    Request::parse(s, spec.from.trim(), spec.to.trim(), spec.proto).map_err(|e| e.0)
}

/// One connection, as `netlab trace --seed` runs it.
pub fn trace_spec(s: &Scenario, spec: &TraceSpec) -> Result<Trace, String> {
    let req = request(s, spec)?;
    World::new(s.clone())
        .trace(&req, &mut SeededChooser::from_seed(spec.seed))
        .map_err(|e| e.0)
}

/// "Send N": `n` independent connections from `spec`'s seed on
/// ([`paths::sample`]).
pub fn spread(s: &Scenario, spec: &TraceSpec, n: u32) -> Result<Spread, String> {
    let req = request(s, spec)?;
    let sample = paths::sample(&World::new(s.clone()), &req, n, spec.seed).map_err(|e| e.0)?;
    Ok(Spread {
        spec: spec.clone(),
        sample,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::edit::Key;
    use crate::ui::i18n::Lang;

    fn send(state: &mut State, from: &str, to: &str) -> Rc<Trace> {
        state.apply(Action::SetSpec(TraceSpec {
            from: from.into(),
            to: to.into(),
            ..TraceSpec::default()
        }));
        state.apply(Action::Send);
        state.run.as_ref().unwrap().trace.clone().unwrap()
    }

    #[test]
    fn send_plays_hop_by_hop_and_steps_back() {
        let mut s = State::new();
        let t = send(&mut s, "pod/client", "svc/web:80");
        assert!(t.succeeded());
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.playing), (0, true));
        // By default the clock moves a device at a time.
        let g = crate::ui::steps::groups(&t.hops);
        s.apply(Action::Tick);
        s.apply(Action::Tick);
        assert_eq!(s.run.as_ref().unwrap().step, g[1].end);
        // Every hop: one hop a tick.
        s.apply(Action::SetEveryHop(true));
        s.apply(Action::Tick);
        assert_eq!(s.run.as_ref().unwrap().step, g[1].end + 1);
        s.apply(Action::SetEveryHop(false));
        s.apply(Action::StepTo(1));
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.playing), (1, false));
        s.apply(Action::Play);
        for _ in 0..1000 {
            s.apply(Action::Tick);
        }
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.playing), (t.hops.len(), false));
        s.apply(Action::StepTo(usize::MAX));
        assert_eq!(s.run.as_ref().unwrap().step, t.hops.len());
    }

    #[test]
    fn predict_mode_holds_each_hop_until_its_question_is_answered() {
        let mut s = State::new();
        s.apply(Action::SetPredict(true));
        let t = send(&mut s, "pod/client", "svc/web:80");
        let quiz = s.run.as_ref().unwrap().quiz.clone().expect("questions");
        let qs = quiz.questions.clone();
        assert!(qs.len() > 5, "{qs:?}");
        // Playing stops before the first question's hop.
        for _ in 0..100 {
            s.apply(Action::Tick);
        }
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.playing), (qs[0].hop, false));
        // "To the end" stops there too, and so does a step forward.
        s.apply(Action::StepTo(usize::MAX));
        s.apply(Action::Forward);
        assert_eq!(s.run.as_ref().unwrap().step, qs[0].hop);
        // A wrong answer is recorded as wrong and shows the hop.
        let wrong = (qs[0].answer + 1) % qs[0].choices.len();
        s.apply(Action::Answer(wrong));
        let quiz = s.run.as_ref().unwrap().quiz.clone().unwrap();
        assert_eq!(quiz.last().map(|(_, c, ok)| (c, ok)), Some((wrong, false)));
        assert_eq!(s.run.as_ref().unwrap().step, qs[0].hop + 1);
        // An answer out of range changes nothing.
        s.apply(Action::Answer(99));
        assert_eq!(
            s.run.as_ref().unwrap().quiz.as_ref().unwrap().answers.len(),
            1
        );
        // Right answers from here on; two questions on one hop (how it
        // ends, what the server sees) keep it hidden until both are
        // answered.
        for (i, q) in qs.iter().enumerate().skip(1) {
            s.apply(Action::StepTo(usize::MAX));
            assert_eq!(s.run.as_ref().unwrap().step, q.hop, "question {i}");
            s.apply(Action::Answer(q.answer));
            let shown = s.run.as_ref().unwrap().step;
            match qs.get(i + 1) {
                Some(n) if n.hop == q.hop => assert_eq!(shown, q.hop),
                _ => assert_eq!(shown, q.hop + 1),
            }
        }
        let quiz = s.run.as_ref().unwrap().quiz.clone().unwrap();
        assert!(quiz.done());
        assert_eq!(quiz.score(), (qs.len() - 1, qs.len()));
        s.apply(Action::StepTo(usize::MAX));
        assert_eq!(s.run.as_ref().unwrap().step, t.hops.len());
        // Off: the whole trace plays again without questions; on again
        // starts from the first question.
        s.apply(Action::SetPredict(false));
        assert!(s.run.as_ref().unwrap().quiz.is_none());
        s.apply(Action::SetPredict(true));
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.quiz.unwrap().answers.len()), (0, 0));
    }

    #[test]
    fn a_run_carries_the_command_behind_each_hop() {
        let mut s = State::new();
        let t = send(&mut s, "pod/client", "svc/web:80");
        let run = s.run.clone().unwrap();
        assert_eq!(run.commands.len(), t.hops.len());
        let dnat = t
            .hops
            .iter()
            .position(|h| h.before.dst != h.after.dst)
            .expect("a DNAT hop");
        assert!(run.commands[dnat]
            .iter()
            .any(|c| c.command.starts_with("iptables -t nat -S KUBE-SEP-")
                && c.output.contains("-j DNAT --to-destination")));
        assert_eq!(run.commands[1][0].command, "ip route get 10.3.241.152");
        // Where the packet is on an interface: tcpdump there, the packet
        // already DNATed on the client's node's cbr0.
        let cbr0 = t
            .hops
            .iter()
            .position(|h| h.device == "node/node-1" && h.at.to_string() == "cbr0 in")
            .expect("node-1's cbr0");
        let c = &run.commands[cbr0][0];
        assert!(
            c.command
                .starts_with("tcpdump -nqt -i cbr0 -c 1 tcp and src 10.0.1.2 and dst ")
                && c.output.starts_with("IP 10.0.1.2.")
                && c.output.ends_with(".8080: tcp 0\n"),
            "{c:?}"
        );
    }

    #[test]
    fn forward_and_back_move_by_step_or_hop_and_pause() {
        let mut s = State::new();
        // Nothing to step without a trace.
        s.apply(Action::Forward);
        s.apply(Action::TogglePlay);
        assert!(s.run.is_none());
        let t = send(&mut s, "pod/client", "svc/web:80");
        let g = crate::ui::steps::groups(&t.hops);
        assert!(s.run.as_ref().unwrap().playing);
        s.apply(Action::Forward);
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.playing), (g[0].end, false));
        s.apply(Action::Forward);
        s.apply(Action::Forward);
        assert_eq!(s.run.as_ref().unwrap().step, g[2].end);
        s.apply(Action::Back);
        assert_eq!(s.run.as_ref().unwrap().step, g[1].end);
        s.apply(Action::SetEveryHop(true));
        s.apply(Action::Back);
        assert_eq!(s.run.as_ref().unwrap().step, g[1].end - 1);
        s.apply(Action::Forward);
        s.apply(Action::Forward);
        assert_eq!(s.run.as_ref().unwrap().step, g[1].end + 1);
        // Space's toggle: play, pause.
        s.apply(Action::TogglePlay);
        assert!(s.run.as_ref().unwrap().playing);
        s.apply(Action::TogglePlay);
        assert!(!s.run.as_ref().unwrap().playing);
        // Playing from the end starts again.
        s.apply(Action::StepTo(usize::MAX));
        s.apply(Action::TogglePlay);
        let run = s.run.clone().unwrap();
        assert_eq!((run.step, run.playing), (0, true));
        // The mode and the speed outlive a new trace.
        s.apply(Action::SetSpeed(Speed::Fast));
        s.apply(Action::Send);
        assert!(s.every_hop);
        assert_eq!(s.speed, Speed::Fast);
        assert!(Speed::Fast.tick_ms(true) < Speed::Normal.tick_ms(true));
        assert!(Speed::Normal.tick_ms(true) < Speed::Slow.tick_ms(true));
        assert!(Speed::Normal.tick_ms(true) < Speed::Normal.tick_ms(false));
        for v in Speed::ALL {
            assert_eq!(Speed::from_code(v.code()), Some(v));
        }
        assert_eq!(Speed::from_code("warp"), None);
    }

    #[test]
    fn the_same_seed_gives_the_same_trace_and_another_may_differ() {
        let mut a = State::new();
        let mut b = State::new();
        assert_eq!(
            send(&mut a, "pod/client", "svc/web:80"),
            send(&mut b, "pod/client", "svc/web:80")
        );
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..20 {
            a.apply(Action::SendAnother);
            seen.insert(a.trace().unwrap().delivered_to.clone());
        }
        assert_eq!(seen.len(), 2, "both backends over 20 connections: {seen:?}");
    }

    #[test]
    fn removing_a_node_re_traces_and_undo_brings_it_back() {
        let mut s = State::new();
        s.apply(Action::LoadPreset("static-route".into()));
        assert!(s.trace().unwrap().succeeded(), "the static route works");
        let target = match &s.scenario.routes[0].next_hop {
            model::NextHop::Node(n) => n.clone(),
            model::NextHop::Ip(_) => unreachable!(),
        };
        s.apply(Action::Edit(Edit::RemoveNode(target.clone())));
        assert!(s.scenario.node(&target).is_none());
        assert_eq!(s.ghosts[0].name, target);
        let t = s.trace().unwrap();
        assert!(!t.succeeded(), "re-traced automatically: {:?}", t.verdict);
        assert!(t.reason.is_some());
        s.apply(Action::Undo);
        assert!(s.scenario.node(&target).is_some());
        assert!(s.ghosts.is_empty());
        assert!(s.trace().unwrap().succeeded());
        s.apply(Action::Redo);
        assert!(s.scenario.node(&target).is_none());
        assert!(!s.trace().unwrap().succeeded());
    }

    #[test]
    fn a_run_knows_whether_it_was_sent() {
        let mut s = State::new();
        s.apply(Action::LoadPreset("clusterip".into()));
        assert!(!s.run.as_ref().unwrap().sent, "shown by loading, not sent");
        s.apply(Action::Send);
        assert!(s.run.as_ref().unwrap().sent);
        s.apply(Action::StepTo(usize::MAX));
        assert!(s.run.as_ref().unwrap().sent);
        s.apply(Action::Edit(Edit::RemoveNode("node-3".into())));
        assert!(!s.run.as_ref().unwrap().sent, "re-run by the edit");
        s.apply(Action::SendAnother);
        assert!(s.run.as_ref().unwrap().sent);
        s.apply(Action::Undo);
        assert!(!s.run.as_ref().unwrap().sent);
    }

    #[test]
    fn a_pasted_cluster_imports_with_its_notes_and_a_refused_mode_loses_nothing() {
        let kind = include_str!("../../tests/data/clusters/kind.yaml");
        let mut s = State::new();
        s.apply(Action::Import(kind.into()));
        assert_eq!(s.scenario.cluster.node_cidr.to_string(), "172.18.0.0/24");
        let n = s.notice.clone().expect("the notes are shown");
        assert_eq!(n.kind, NoticeKind::Info);
        assert_eq!(n.text, Message::ImportNotes);
        let fields: Vec<&str> = n.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "spec.nodeCIDR",
                "spec.podCIDR",
                "spec.serviceCIDR",
                "spec.hostNetwork"
            ]
        );
        s.apply(Action::Dismiss);
        assert!(s.notice.is_none());
        // kube-proxy's IPVS mode is refused, naming the field; the
        // imported cluster stays.
        let before = s.scenario.clone();
        s.apply(Action::Import(format!(
            "{kind}---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\n"
        )));
        assert_eq!(s.scenario, before);
        let n = s.notice.clone().unwrap();
        assert_eq!(n.kind, NoticeKind::Error);
        assert_eq!(n.problems.len(), 1);
        assert_eq!(n.problems[0].field, "mode");
    }

    #[test]
    fn a_bad_import_names_the_problem_and_keeps_the_scenario() {
        let mut s = State::new();
        let before = s.scenario.clone();
        s.apply(Action::Import("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n  - port: 99999\n".into()));
        assert_eq!(s.scenario, before);
        let n = s.notice.clone().unwrap();
        assert_eq!(n.kind, NoticeKind::Error);
        assert_eq!(n.text, Message::ImportFailed);
        assert_eq!(
            n.text.text(Lang::En),
            "Nothing was imported; the scenario is unchanged:"
        );
        assert!(n.text.text(Lang::Ko).contains("가져오지 않았습니다"));
        assert!(n.problems.iter().any(|p| p.field.contains("port")), "{n:?}");
        assert!(!s.can_undo());
        s.apply(Action::Import("{ not yaml".into()));
        assert_eq!(s.scenario, before);
        assert!(s.notice.as_ref().unwrap().problems[0]
            .object
            .contains("line"));
    }

    #[test]
    fn an_edit_that_fails_changes_nothing_and_says_why() {
        let mut s = State::new();
        let before = s.clone();
        s.apply(Action::Edit(Edit::Delete(Key::new("Node", None, "node-9"))));
        assert_eq!(s.scenario, before.scenario);
        assert_eq!(s.revision, before.revision);
        assert!(s.notice.unwrap().problems[0].to_string().contains("node-9"));
    }

    #[test]
    fn undo_is_bounded_and_redo_clears_on_a_new_edit() {
        let mut s = State::new();
        for i in 0..(UNDO_DEPTH + 5) {
            s.apply(Action::Edit(Edit::RenameNode {
                from: if i == 0 {
                    "node-3".into()
                } else {
                    format!("n{}", i - 1)
                },
                to: format!("n{i}"),
            }));
        }
        let mut undone = 0;
        while s.can_undo() {
            s.apply(Action::Undo);
            undone += 1;
        }
        assert_eq!(undone, UNDO_DEPTH);
        assert!(s.can_redo());
        s.apply(Action::Edit(Edit::RenameNode {
            from: "n4".into(),
            to: "x".into(),
        }));
        assert!(!s.can_redo());
    }

    #[test]
    fn a_share_link_waits_for_the_user() {
        let mut s = State::new();
        let incoming = Shared {
            yaml: presets::preset("nodeport").unwrap().yaml.into(),
            trace: Some(TraceSpec {
                from: "10.100.0.10".into(),
                to: "10.100.0.3:30080".into(),
                proto: Protocol::Tcp,
                seed: 7,
            }),
        };
        s.apply(Action::Offer(incoming.clone()));
        assert_eq!(*s.scenario, model::default_scenario());
        s.apply(Action::RejectPending);
        assert!(s.pending.is_none());
        assert_eq!(*s.scenario, model::default_scenario());
        s.apply(Action::Offer(incoming));
        s.apply(Action::AcceptPending);
        assert_eq!(s.spec.seed, 7);
        assert!(s.trace().unwrap().succeeded());
        assert!(s.can_undo(), "the previous work is one undo away");
    }

    #[test]
    fn restoring_saved_work_leaves_nothing_to_undo_and_a_bad_save_is_reported() {
        let mut s = State::new();
        let yaml = presets::preset("nodeport").unwrap().yaml.to_string();
        s.apply(Action::Restore(Shared {
            yaml: yaml.clone(),
            trace: None,
        }));
        assert_eq!(s.title, ScenarioTitle::Saved);
        assert_eq!(s.title.text(Lang::En), "Your saved work");
        assert_eq!(s.title.text(Lang::Ko), "저장된 작업");
        assert!(!s.can_undo());
        assert_eq!(*s.scenario, model::load(&yaml).unwrap().scenario);
        let mut t = State::new();
        t.apply(Action::Restore(Shared {
            yaml: "kind: Node\nmetadata: [\n".into(),
            trace: None,
        }));
        assert_eq!(*t.scenario, model::default_scenario());
        assert_eq!(t.notice.unwrap().kind, NoticeKind::Error);
    }

    #[test]
    fn send_n_spreads_over_both_pods_near_the_exact_probabilities() {
        let s = model::default_scenario();
        let spec = TraceSpec::default();
        let sp = spread(&s, &spec, 1000).unwrap();
        assert_eq!(sp.sample.outcomes.len(), 2, "{sp:?}");
        let total: u32 = sp.sample.outcomes.iter().map(|r| r.count).sum();
        assert_eq!(total, 1000);
        let p: f64 = sp.sample.outcomes.iter().map(|r| r.probability).sum();
        assert!((p - 1.0).abs() < 1e-9);
        for r in &sp.sample.outcomes {
            assert!(
                matches!(&r.label, paths::Ending::At(d) if d.starts_with("pod/web-")),
                "{r:?}"
            );
            assert!((r.probability - 0.5).abs() < 1e-9);
            assert!((400..600).contains(&r.count), "{r:?}");
        }
        assert_eq!(sp.sample.entries.len(), 1);
        assert_eq!(sp.sample.entries[0].label, "node-1");
    }

    #[test]
    fn send_n_through_a_load_balancer_counts_entry_nodes() {
        let l = model::load(presets::preset("load-balancer").unwrap().yaml).unwrap();
        let p = presets::preset("load-balancer").unwrap();
        let spec = TraceSpec::of_preset(p);
        let sp = spread(&l.scenario, &spec, 300).unwrap();
        assert!(sp.sample.entries.len() >= 2, "{sp:?}");
        let p: f64 = sp.sample.entries.iter().map(|r| r.probability).sum();
        assert!((p - 1.0).abs() < 1e-9);
        assert_eq!(sp.sample.entries.iter().map(|r| r.count).sum::<u32>(), 300);
    }

    #[test]
    fn a_spec_the_scenario_cannot_carry_shows_the_reason() {
        let mut s = State::new();
        s.apply(Action::SetSpec(TraceSpec {
            from: "pod/nobody".into(),
            ..TraceSpec::default()
        }));
        s.apply(Action::Send);
        let err = s.run.as_ref().unwrap().trace.clone().unwrap_err();
        assert!(err.contains("nobody"), "{err}");
    }

    #[test]
    fn clicking_sets_source_or_destination_and_selects_nodes() {
        let mut s = State::new();
        s.apply(Action::Pick {
            pick: "internet".into(),
            source: true,
        });
        s.apply(Action::Pick {
            pick: "node/node-3".into(),
            source: false,
        });
        assert_eq!(s.spec.from, "internet");
        assert_eq!(s.spec.to, "10.100.0.4:80");
        assert_eq!(s.selected_node.as_deref(), Some("node-3"));
        s.apply(Action::Pick {
            pick: "internet".into(),
            source: false,
        });
        assert_eq!(s.spec.to, "10.100.0.4:80", "not a destination: unchanged");
    }

    #[test]
    fn choosing_ping_takes_a_bare_address_and_traces_an_echo() {
        let mut s = State::new();
        assert_eq!(s.spec.to, "svc/web:80");
        s.apply(Action::SetSpec(TraceSpec {
            proto: Protocol::Icmp,
            ..s.spec.clone()
        }));
        assert_eq!(s.spec.to, "svc/web");
        s.apply(Action::Pick {
            pick: "pod/web-1".into(),
            source: false,
        });
        assert_eq!(s.spec.to, "10.0.2.2");
        s.apply(Action::Send);
        let t = s.run.as_ref().unwrap().trace.clone().unwrap();
        assert!(t.succeeded(), "{:?}", t.reason);
        assert_eq!(t.request, "ICMP pod/client -> 10.0.2.2");
        // Back to TCP: the pod's port again.
        s.apply(Action::SetSpec(TraceSpec {
            proto: Protocol::Tcp,
            ..s.spec.clone()
        }));
        assert_eq!(s.spec.to, "10.0.2.2:8080");
    }

    #[test]
    fn an_edited_scenario_keeps_its_name() {
        let mut s = State::new();
        s.apply(Action::LoadPreset("nodeport".into()));
        let rename = |s: &mut State, from: &str, to: &str| {
            s.apply(Action::Edit(Edit::RenameNode {
                from: from.into(),
                to: to.into(),
            }))
        };
        rename(&mut s, "node-3", "node-9");
        assert_eq!(s.title, ScenarioTitle::EditedPreset("nodeport"));
        assert_eq!(
            s.title.text(Lang::En),
            "NodePort bridges the node network and the Service (edited)"
        );
        assert_eq!(
            s.title.text(Lang::Ko),
            "NodePort가 노드 네트워크와 서비스를 잇는다 (편집함)"
        );
        rename(&mut s, "node-9", "node-8");
        assert_eq!(
            s.title,
            ScenarioTitle::EditedPreset("nodeport"),
            "marked once"
        );
        s.apply(Action::Undo);
        s.apply(Action::Undo);
        assert_eq!(s.title, ScenarioTitle::Preset("nodeport"));
        // Imported work, edited, says so.
        s.apply(Action::Import(
            presets::preset("nodeport").unwrap().yaml.into(),
        ));
        rename(&mut s, "node-3", "node-9");
        assert_eq!(s.title.text(Lang::En), "Edited");
        // A refused edit changes nothing, the name included.
        s.apply(Action::LoadPreset("clusterip".into()));
        rename(&mut s, "nobody", "x");
        assert_eq!(s.title, ScenarioTitle::Preset("clusterip"));
    }

    #[test]
    fn begin_fills_in_the_request_and_traces_nothing() {
        let s = State::begin("static-route", ScenarioTitle::Lesson("node-removed"));
        assert!(s.run.is_none() && s.notice.is_none() && !s.can_undo());
        assert_eq!(
            s.spec,
            TraceSpec::of_preset(presets::preset("static-route").unwrap())
        );
        assert_eq!(s.title.text(Lang::En), "Lesson 4. Nodes come and go");
        // An edit before any send traces nothing either.
        let mut s = s;
        s.apply(Action::Edit(Edit::RemoveNode("node-2".into())));
        assert!(s.run.is_none());
        let mut t = State::new();
        t.apply(Action::Begin {
            preset: "nope".into(),
            title: ScenarioTitle::Lesson("x"),
        });
        assert!(t.notice.is_some());
        assert_eq!(t.title, ScenarioTitle::Preset("clusterip"), "unchanged");
    }

    #[test]
    fn presets_load_with_their_request() {
        for p in presets::PRESETS {
            let mut s = State::new();
            s.apply(Action::LoadPreset(p.id.into()));
            assert_eq!(s.title, ScenarioTitle::Preset(p.id));
            assert_eq!(s.title.text(Lang::En), p.title);
            assert_ne!(s.title.text(Lang::Ko), p.title);
            assert!(s.run.as_ref().unwrap().trace.is_ok(), "{}", p.id);
        }
        let mut s = State::new();
        s.apply(Action::LoadPreset("nope".into()));
        let n = s.notice.unwrap();
        assert_eq!(n.kind, NoticeKind::Error);
        assert_eq!(n.text.text(Lang::En), "There is no preset \"nope\".");
        assert_eq!(n.text.text(Lang::Ko), "없는 프리셋입니다: \"nope\".");
    }

    #[test]
    fn a_removed_node_names_the_replacement_pods() {
        let yaml = crate::model::testing::with_deployment(6);
        let mut s = State::new();
        s.apply(Action::Import(yaml));
        assert!(s.notice.is_none(), "{:?}", s.notice);
        let node = s
            .scenario
            .pods
            .iter()
            .find_map(|p| p.owner.as_ref().and(p.node_name.clone()));
        s.apply(Action::Edit(Edit::RemoveNode(
            node.expect("a Deployment pod on a node"),
        )));
        let n = s.notice.expect("the replacements are named");
        let Message::Replaced(pods) = &n.text else {
            panic!("{n:?}")
        };
        assert!(pods.contains("api-"), "{pods}");
        assert_eq!(
            n.text.text(Lang::En),
            ["The Deployments replaced the lost pods: ", pods, "."].concat()
        );
        assert!(n.text.text(Lang::Ko).starts_with("디플로이먼트가"));
    }
}
