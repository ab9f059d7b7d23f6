//! Dev-only size probe (not part of the app): links every model and engine
//! entry point the page will call behind one exported function, so the wasm
//! size of the non-UI code can be measured (`dev/size-probe/run.sh [label]`).

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn probe(text: &str, from: &str, to: &str, node: &str) -> String {
    use k8s_netlab::linux::netfilter::SeededChooser;
    use k8s_netlab::engine::paths::paths;
    use k8s_netlab::engine::request::Request;
    use k8s_netlab::engine::trace::World;
    use k8s_netlab::model::{self, Protocol};
    use std::fmt::Write;

    let mut out = String::new();
    let loaded = match model::load(text) {
        Ok(l) => l,
        Err(e) => return e.to_string(),
    };
    for w in &loaded.warnings {
        let _ = writeln!(out, "{w}");
    }
    let s = loaded.scenario;
    out.push_str(&s.to_yaml());
    let objects = s.to_objects();
    if let Err(e) = model::resolve(objects) {
        out.push_str(&e.to_string());
    }
    let mut world = World::new(s.clone());
    let proto = if from.len() % 2 == 0 {
        Protocol::Tcp
    } else {
        Protocol::Udp
    };
    match Request::parse(&s, from, to, proto) {
        Ok(req) => {
            let mut ch = SeededChooser::from_seed(text.len() as u64);
            match world.trace(&req, &mut ch) {
                Ok(t) => {
                    let _ = writeln!(out, "{} {}", t.request, t.rules_evaluated);
                    for h in &t.hops {
                        let _ = writeln!(
                            out,
                            "{} {} {} {} {} {}",
                            h.device, h.at, h.decision, h.before, h.after, h.note
                        );
                        for r in &h.rules {
                            let _ = writeln!(
                                out,
                                "{} {} {} {} {}",
                                r.table, r.chain, r.index, r.rule, r.effect
                            );
                        }
                    }
                    for (n, es) in &t.conntrack {
                        let _ = writeln!(out, "{n} {}", es.join(","));
                    }
                }
                Err(e) => out.push_str(&e.0),
            }
            if let Ok(ps) = paths(&world, &req) {
                for p in ps {
                    let _ = writeln!(out, "{} {}", p.trace.request, p.probability);
                }
            }
        }
        Err(e) => out.push_str(&e.0),
    }
    if let Some(rs) = world.ruleset(node) {
        out.push_str(&rs.to_iptables_restore());
        out.push_str(&rs.to_listing());
    }
    out.extend(world.conntrack(node));
    if let Some(r) = world.remove_node(node) {
        let _ = writeln!(out, "{}", r.pod_ips.len());
    }
    out
}
