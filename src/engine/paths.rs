//! Every outcome of a request over all random branches (kube-proxy's
//! probabilities, the load balancer's pick), each with its exact
//! probability: the distribution "send 1000" samples from.

use super::trace::{ClientSees, Request, RequestError, Trace, Verdict, World};
use crate::linux::netfilter::enumerate;
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
