//! Fresh worlds kept across edits: undo, redo and an edit made again give
//! back a scenario traced a moment ago; its topology and rulesets (on a
//! 1,000-node cluster most of a re-trace) are reused instead of rebuilt.
//! Kept by the scenario they were built from; a trace in a kept world is
//! the one a new world gives (`World::fresh`).
use crate::engine::netfilter::SeededChooser;
use crate::engine::trace::{Request, Trace, World};
use crate::model::Scenario;
use crate::ui::state::TraceSpec;
use std::cell::RefCell;
use std::rc::Rc;

/// The current scenario, the one undo goes back to, and one more.
const KEPT: usize = 3;

thread_local! {
    static KEPT_WORLDS: RefCell<Vec<(Rc<Scenario>, World)>> = const { RefCell::new(Vec::new()) };
}

/// One connection, as `netlab trace --seed` runs it (see
/// [`crate::ui::state::trace_spec`]), in a kept world of `scenario` when
/// there is one (the same scenario, or an equal one).
pub fn trace_spec(scenario: &Rc<Scenario>, spec: &TraceSpec) -> Result<Trace, String> {
    let req =
        Request::parse(scenario, spec.from.trim(), spec.to.trim(), spec.proto).map_err(|e| e.0)?;
    let kept = KEPT_WORLDS.with_borrow_mut(|kept| {
        let i = kept
            .iter()
            .position(|(s, _)| Rc::ptr_eq(s, scenario))
            .or_else(|| kept.iter().position(|(s, _)| **s == **scenario))?;
        Some(kept.remove(i).1)
    });
    let mut world = kept.unwrap_or_else(|| World::new((**scenario).clone()));
    let trace = world
        .trace(&req, &mut SeededChooser::from_seed(spec.seed))
        .map_err(|e| e.0);
    let fresh = world.fresh();
    KEPT_WORLDS.with_borrow_mut(|kept| {
        kept.insert(0, (Rc::clone(scenario), fresh));
        kept.truncate(KEPT);
    });
    trace
}
