//! Every outcome of a request over all random branches (kube-proxy's
//! probabilities, the load balancer's pick), each with its exact
//! probability: the distribution "send 1000" samples from.

use super::trace::{ClientSees, Leg, Request, RequestError, Trace, Verdict, World};
use crate::linux::netfilter::{enumerate, SeededChooser};
use crate::sort::sort_by;
use serde::Serialize;

/// One distinct outcome and how likely it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    #[serde(flatten)]
    pub trace: Trace,
    pub probability: f64,
}

/// All outcomes of `req` sent into a copy of `world` (which is left as it
/// is), merged where they end the same way (same verdict, same server,
/// same addresses seen, same reason), most likely first.
pub fn paths(world: &World, req: &Request) -> Result<Vec<Outcome>, RequestError> {
    let mut out: Vec<Outcome> = Vec::new();
    for b in branches(world, req)? {
        match out.iter_mut().find(|o| same_outcome(&o.trace, &b.trace)) {
            Some(o) => o.probability += b.probability,
            None => out.push(b),
        }
    }
    sort_by(&mut out, |a, b| b.probability.total_cmp(&a.probability));
    Ok(out)
}

/// Every random branch of `req` on its own, not merged: two branches that
/// end at the same pod through different entry nodes stay apart (what
/// "send 1000" groups by entry node needs). Probabilities sum to 1.
pub fn branches(world: &World, req: &Request) -> Result<Vec<Outcome>, RequestError> {
    // Surface request errors once, before enumerating.
    world
        .clone()
        .trace(req, &mut crate::linux::netfilter::ConstChooser(true))?;
    Ok(enumerate(|chooser| {
        let mut w = world.clone();
        w.trace(req, chooser)
            .expect("the request was checked above")
    })
    .into_iter()
    .map(|b| Outcome {
        trace: b.value,
        probability: b.probability,
    })
    .collect())
}

/// The first node a request entered (the node a load balancer or a route
/// picked, or the client pod's own node).
pub fn entry_node(t: &Trace) -> Option<&str> {
    t.hops
        .iter()
        .filter(|h| h.leg == Leg::Request)
        .find_map(|h| h.node())
}

/// Where a connection of "send N" ended, worded by the view.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ending {
    /// Delivered to the device (`pod/web-1`) and answered.
    At(String),
    /// Delivered to the device, but the answer was lost.
    ReplyLost(String),
    /// The request ended on its way (never `Delivered`).
    Ended(Verdict),
}

impl Ending {
    pub fn of(t: &Trace) -> Ending {
        match (&t.delivered_to, t.verdict) {
            (Some(d), Verdict::Delivered) if t.succeeded() => Ending::At(d.clone()),
            (Some(d), Verdict::Delivered) => Ending::ReplyLost(d.clone()),
            (_, v) => Ending::Ended(v),
        }
    }
}

/// One row of a "send N" result: how many connections ended this way, and
/// how likely it is exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<L = String> {
    /// An [`Ending`], or the node's name.
    pub label: L,
    pub count: u32,
    pub probability: f64,
}

/// The result of "send N".
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub n: u32,
    /// By where the connection ended, most likely first.
    pub outcomes: Vec<Row<Ending>>,
    /// By the first node the request entered (`none` when it entered
    /// none).
    pub entries: Vec<Row>,
}

fn add<L: PartialEq>(rows: &mut Vec<Row<L>>, label: L, count: u32, probability: f64) {
    match rows.iter_mut().find(|r| r.label == label) {
        Some(r) => {
            r.count += count;
            r.probability += probability;
        }
        None => rows.push(Row {
            label,
            count,
            probability,
        }),
    }
}

/// "Send N": `n` new connections from the same client, one after another
/// in one copy of `world` (seeds `seed`, `seed + 1`, ...; each from the
/// next ephemeral port), counted by where they ended and by entry node,
/// beside the exact probabilities of every branch (a first connection's).
/// The nodes keep what a real burst leaves behind: conntrack entries and
/// session affinity's memory, so with `sessionAffinity: ClientIP` every
/// connection after the first goes where the first went, as on a real
/// node within the timeout.
pub fn sample(world: &World, req: &Request, n: u32, seed: u64) -> Result<Sample, RequestError> {
    let mut outcomes = Vec::new();
    let mut entries = Vec::new();
    for b in branches(world, req)? {
        let entry = entry_node(&b.trace).unwrap_or("none").to_string();
        add(&mut outcomes, Ending::of(&b.trace), 0, b.probability);
        add(&mut entries, entry, 0, b.probability);
    }
    let mut w = world.clone();
    for i in 0..n {
        let t = w.trace(
            req,
            &mut SeededChooser::from_seed(seed.wrapping_add(u64::from(i))),
        )?;
        let entry = entry_node(&t).unwrap_or("none").to_string();
        add(&mut outcomes, Ending::of(&t), 1, 0.0);
        add(&mut entries, entry, 1, 0.0);
    }
    order(&mut outcomes);
    order(&mut entries);
    Ok(Sample {
        n,
        outcomes,
        entries,
    })
}

/// Most likely first; ties by label.
fn order<L: Ord>(rows: &mut [Row<L>]) {
    sort_by(rows, |a, b| {
        b.probability
            .total_cmp(&a.probability)
            .then_with(|| a.label.cmp(&b.label))
    })
}

/// Whether two traces end the same way: same verdict, server, addresses
/// seen (both ways) and reason. (Compared field by field rather than
/// through a `{:?}` key, which pulled Debug impls into the wasm build.)
fn same_outcome(a: &Trace, b: &Trace) -> bool {
    fn reply(t: &Trace) -> Option<(Verdict, &Option<ClientSees>)> {
        t.reply.as_ref().map(|r| (r.verdict, &r.client_sees))
    }
    a.verdict == b.verdict
        && a.delivered_to == b.delivered_to
        && a.server_sees == b.server_sees
        && reply(a) == reply(b)
        && a.reason == b.reason
}
