//! The trace in device-level steps: consecutive hops in the same device on
//! the same leg make one step (pod, node-1's netfilter and routing, the
//! VPC router...). A pure reading of the engine's hops, tested natively:
//! no networking logic here, only grouping and where each leg ended.

use crate::engine::trace::{Hop, Leg, Trace, Verdict};
use std::ops::Range;

/// The hops grouped into steps: consecutive hops with the same device and
/// leg. The ranges cover every hop, in order, without gaps.
pub fn groups(hops: &[Hop]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, h) in hops.iter().enumerate() {
        match out.last_mut() {
            Some(g) if hops[g.start].device == h.device && hops[g.start].leg == h.leg => {
                g.end = i + 1
            }
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// The step (index into `groups`) holding the last hop shown when `step`
/// hops are shown; `None` before the first hop.
pub fn current(groups: &[Range<usize>], step: usize) -> Option<usize> {
    let last = step.checked_sub(1)?;
    groups.iter().position(|g| g.contains(&last))
}

/// Where "one step forward" goes from `step` hops shown: to the end of the
/// next step (the whole device shown), or by one hop when `every_hop`.
pub fn forward(groups: &[Range<usize>], step: usize, every_hop: bool) -> usize {
    let n = groups.last().map_or(0, |g| g.end);
    if every_hop {
        return (step + 1).min(n);
    }
    groups
        .iter()
        .map(|g| g.end)
        .find(|&e| e > step)
        .unwrap_or(n)
}

/// Where "one step back" goes: to the end of the previous step (or to
/// nothing shown), or by one hop when `every_hop`.
pub fn back(groups: &[Range<usize>], step: usize, every_hop: bool) -> usize {
    if every_hop {
        return step.saturating_sub(1);
    }
    groups
        .iter()
        .rev()
        .map(|g| g.end)
        .find(|&e| e < step)
        .unwrap_or(0)
}

/// The first hop of a step that rewrote the packet (NAT or conntrack's
/// reverse NAT), as the engine recorded it (`before` != `after`).
pub fn rewrite(hops: &[Hop], g: &Range<usize>) -> Option<usize> {
    g.clone().find(|&i| rewrites(&hops[i]))
}

/// The hop changed the packet's addresses.
pub fn rewrites(h: &Hop) -> bool {
    h.before.src != h.after.src || h.before.dst != h.after.dst
}

/// Where each leg ended, with how: the request's last hop carries the
/// trace's verdict (delivered, or where it was dropped, refused or
/// rejected); the answer's last hop carries the reply's verdict when the
/// request was delivered (a refusal's RST going back is not another
/// failure).
pub fn ends(t: &Trace) -> Vec<(usize, Verdict)> {
    let last = |leg: Leg| t.hops.iter().rposition(|h| h.leg == leg);
    let mut out = Vec::new();
    if let Some(i) = last(Leg::Request) {
        out.push((i, t.verdict));
    }
    if t.verdict == Verdict::Delivered {
        if let (Some(i), Some(r)) = (last(Leg::Reply), &t.reply) {
            out.push((i, r.verdict));
        }
    }
    out
}

/// How a leg's end reads in a class name.
pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Delivered => "delivered",
        Verdict::Dropped => "dropped",
        Verdict::Rejected => "rejected",
        Verdict::Refused => "refused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::trace::Place;
    use crate::model::presets;
    use crate::ui::state::{trace_spec, TraceSpec};

    fn preset_trace(id: &str) -> Trace {
        let p = presets::preset(id).unwrap();
        let s = crate::model::load(p.yaml).unwrap().scenario;
        trace_spec(&s, &TraceSpec::of_preset(p)).unwrap()
    }

    fn story() -> Trace {
        trace_spec(&crate::model::default_scenario(), &TraceSpec::default()).unwrap()
    }

    fn check_cover(t: &Trace) {
        let g = groups(&t.hops);
        assert_eq!(g.first().map(|g| g.start), Some(0));
        assert_eq!(g.last().map(|g| g.end), Some(t.hops.len()));
        for w in g.windows(2) {
            assert_eq!(w[0].end, w[1].start, "no gap, no overlap");
            let (a, b) = (&t.hops[w[0].start], &t.hops[w[1].start]);
            assert!(a.device != b.device || a.leg != b.leg, "{:?}", w);
        }
        for r in &g {
            assert!(!r.is_empty());
            let first = &t.hops[r.start];
            assert!(t.hops[r.clone()]
                .iter()
                .all(|h| h.device == first.device && h.leg == first.leg));
        }
    }

    #[test]
    fn the_story_reads_in_device_steps_there_and_back() {
        let t = story();
        assert!(t.hops.len() >= 40, "{}", t.hops.len());
        check_cover(&t);
        let g = groups(&t.hops);
        assert!((6..=12).contains(&g.len()), "{} steps", g.len());
        let devices: Vec<(&str, Leg)> = g
            .iter()
            .map(|r| (t.hops[r.start].device.as_str(), t.hops[r.start].leg))
            .collect();
        // The reply starts a step of its own even in the same pod.
        let reply = devices.iter().position(|d| d.1 == Leg::Reply).unwrap();
        assert_eq!(devices[reply - 1].0, devices[reply].0);
        assert!(devices[..reply].iter().all(|d| d.1 == Leg::Request));
        assert!(devices[reply..].iter().all(|d| d.1 == Leg::Reply));
        // The DNAT happens in the first node's step, the reverse NAT on
        // the way back.
        let nat: Vec<usize> = (0..g.len())
            .filter(|&i| rewrite(&t.hops, &g[i]).is_some())
            .collect();
        assert_eq!(nat.len(), 2, "{devices:?}");
        assert!(nat[0] < reply && nat[1] >= reply);
        assert_eq!(devices[nat[0]].0, devices[nat[1]].0);
    }

    #[test]
    fn every_preset_groups_in_order() {
        for p in presets::PRESETS {
            check_cover(&preset_trace(p.id));
        }
    }

    #[test]
    fn steps_move_by_device_or_by_hop() {
        let t = story();
        let g = groups(&t.hops);
        let n = t.hops.len();
        // Forward through every step lands on each step's end.
        let mut at = 0;
        let mut seen = Vec::new();
        while at < n {
            at = forward(&g, at, false);
            seen.push(at);
        }
        assert_eq!(seen, g.iter().map(|r| r.end).collect::<Vec<_>>());
        assert_eq!(forward(&g, n, false), n);
        // And back again to nothing shown.
        let mut back_seen = Vec::new();
        while at > 0 {
            at = back(&g, at, false);
            back_seen.push(at);
        }
        let mut want: Vec<usize> = g.iter().map(|r| r.end).rev().skip(1).collect();
        want.push(0);
        assert_eq!(back_seen, want);
        // From the middle of a step: forward to its end, back to the
        // previous end.
        let mid = g.iter().find(|r| r.len() > 2).unwrap().clone();
        assert_eq!(forward(&g, mid.start + 1, false), mid.end);
        assert_eq!(back(&g, mid.start + 1, false), mid.start);
        // Every hop: one at a time, within bounds.
        assert_eq!(forward(&g, 3, true), 4);
        assert_eq!(back(&g, 3, true), 2);
        assert_eq!(forward(&g, n, true), n);
        assert_eq!(back(&g, 0, true), 0);
        // The current step holds the last hop shown.
        assert_eq!(current(&g, 0), None);
        assert_eq!(current(&g, 1), Some(0));
        assert_eq!(current(&g, mid.end), current(&g, mid.start + 1));
        assert_eq!(current(&g, n), Some(g.len() - 1));
    }

    #[test]
    fn legs_end_where_the_engine_stopped() {
        let t = story();
        let e = ends(&t);
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|(_, v)| *v == Verdict::Delivered));
        assert_eq!(e[1].0, t.hops.len() - 1);
        assert_eq!(t.hops[e[0].0].leg, Leg::Request);
        assert_eq!(t.hops[e[0].0 + 1].leg, Leg::Reply);

        // Refused: the node with no socket on the port; the RST going back
        // is not marked again.
        let t = preset_trace("nodeport-wrong-port");
        assert_eq!(t.verdict, Verdict::Refused);
        let e = ends(&t);
        assert_eq!(e.len(), 1);
        let (i, v) = e[0];
        assert_eq!(v, Verdict::Refused);
        assert_eq!(t.hops[i].leg, Leg::Request);
        assert_eq!(t.hops[i].at, Place::Socket);
        assert!(t.hops[i + 1..].iter().all(|h| h.leg == Leg::Reply));

        // Dropped: the last hop, at the router.
        let t = preset_trace("external-clusterip");
        assert_eq!(t.verdict, Verdict::Dropped);
        assert_eq!(ends(&t), vec![(t.hops.len() - 1, Verdict::Dropped)]);
        assert_eq!(t.hops.last().unwrap().device, "router/vpc");
    }
}
