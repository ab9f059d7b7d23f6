//! Fresh worlds kept across edits: undo, redo and an edit made again give
//! back a scenario traced a moment ago; its topology and rulesets (on a
//! 1,000-node cluster most of a re-trace) are reused instead of rebuilt.
//! Kept by the scenario they were built from (the same `Rc`: an edit made
//! again on the same scenario gives back the same `Rc`, [`apply_edit`]); a
//! trace in a kept world is the one a new world gives (`World::fresh`).
use crate::engine::trace::{Request, Trace, World};
use crate::linux::netfilter::SeededChooser;
use crate::model::edit::{self, Edit};
use crate::model::{Errors, Removal, Scenario};
use crate::ui::state::TraceSpec;
use std::cell::RefCell;
use std::rc::Rc;

/// The current scenario, the one undo goes back to, and one more.
const KEPT: usize = 3;

thread_local! {
    static KEPT_WORLDS: RefCell<Vec<(Rc<Scenario>, World)>> = const { RefCell::new(Vec::new()) };
    static KEPT_EDITS: RefCell<Vec<KeptEdit>> = const { RefCell::new(Vec::new()) };
}

/// A node removal that was applied: to which scenario, what it gave.
struct KeptEdit {
    before: Rc<Scenario>,
    node: String,
    after: Rc<Scenario>,
    removal: Option<Removal>,
}

/// [`edit::apply`], with node removals remembered: removing the same node
/// of the same scenario again (undo, then the removal again) gives back
/// the scenario it gave before (its world is then kept too). An edit is a
/// pure function of the two. (Only removals: comparing every kind of edit
/// would cost the page more code than it saves.)
pub fn apply_edit(
    scenario: &Rc<Scenario>,
    e: &Edit,
) -> Result<(Rc<Scenario>, Option<Removal>), Errors> {
    let Edit::RemoveNode(node) = e else {
        let applied = edit::apply(scenario, e)?;
        return Ok((Rc::new(applied.scenario), applied.removal));
    };
    let kept = KEPT_EDITS.with_borrow(|kept| {
        kept.iter()
            .find(|k| Rc::ptr_eq(&k.before, scenario) && k.node == *node)
            .map(|k| (Rc::clone(&k.after), k.removal.clone()))
    });
    if let Some(done) = kept {
        return Ok(done);
    }
    let applied = edit::apply(scenario, e)?;
    let after = Rc::new(applied.scenario);
    KEPT_EDITS.with_borrow_mut(|kept| {
        kept.insert(
            0,
            KeptEdit {
                before: Rc::clone(scenario),
                node: node.clone(),
                after: Rc::clone(&after),
                removal: applied.removal.clone(),
            },
        );
        kept.truncate(KEPT);
    });
    Ok((after, applied.removal))
}

/// One connection, as `netlab trace --seed` runs it (see
/// [`crate::ui::state::trace_spec`]), in a kept world of `scenario` when
/// there is one.
pub fn trace_spec(scenario: &Rc<Scenario>, spec: &TraceSpec) -> Result<Trace, String> {
    let req =
        Request::parse(scenario, spec.from.trim(), spec.to.trim(), spec.proto).map_err(|e| e.0)?;
    let kept = KEPT_WORLDS.with_borrow_mut(|kept| {
        let i = kept.iter().position(|(s, _)| Rc::ptr_eq(s, scenario))?;
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

/// `f` on the kept world of `scenario` (where the rulesets the trace met
/// are built already), else on a new one.
fn in_kept_world<T>(scenario: &Rc<Scenario>, f: impl FnOnce(&mut World) -> T) -> T {
    KEPT_WORLDS.with_borrow_mut(|kept| {
        match kept.iter_mut().find(|(s, _)| Rc::ptr_eq(s, scenario)) {
            Some((_, world)) => f(world),
            None => f(&mut World::new((**scenario).clone())),
        }
    })
}

/// Predict mode's questions for `trace` of `scenario` (`engine::quiz`).
pub fn quiz(scenario: &Rc<Scenario>, trace: &Trace) -> Vec<crate::engine::quiz::Question> {
    in_kept_world(scenario, |w| crate::engine::quiz::for_world(w, trace))
}

/// The commands behind each hop of `trace` of `scenario`
/// (`engine::commands`).
pub fn commands(
    scenario: &Rc<Scenario>,
    trace: &Trace,
) -> Vec<Vec<crate::engine::commands::Command>> {
    in_kept_world(scenario, |w| crate::engine::commands::for_trace(w, trace))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::default_scenario;

    #[test]
    fn an_edit_made_again_gives_back_its_scenario_and_world() {
        let s = Rc::new(default_scenario());
        let e = Edit::RemoveNode("node-3".into());
        let (a, removal) = apply_edit(&s, &e).unwrap();
        let want = edit::apply(&s, &e).unwrap();
        assert_eq!(*a, want.scenario);
        assert_eq!(removal, want.removal);
        let (b, _) = apply_edit(&s, &e).unwrap();
        assert!(Rc::ptr_eq(&a, &b), "the same scenario, not a copy");
        let spec = TraceSpec::default();
        let first = trace_spec(&b, &spec).unwrap();
        let again = trace_spec(&a, &spec).unwrap();
        assert_eq!(first, again);
        assert_eq!(again, crate::ui::state::trace_spec(&a, &spec).unwrap());
    }
}
