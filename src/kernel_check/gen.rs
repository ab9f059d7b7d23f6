//! A seeded random scenario: 1-3 nodes, a client pod and 1-5 server pods
//! (some not Ready), 1-3 Services of every type and traffic policy, named
//! and numbered target ports, TCP and UDP, session affinity, source
//! ranges, sometimes a static Route or a node-port style load balancer.
//! Written as the YAML a user would write (addresses and NodePorts left to
//! the allocator), so a failing case can be saved as a fixed test.

use rand_core::{Rng, SeedableRng};
use std::fmt::Write;

struct Dice(rand_pcg::Pcg32);

impl Dice {
    fn below(&mut self, n: u32) -> u32 {
        self.0.next_u32() % n
    }
    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u32) as usize]
    }
}

const APPS: [&str; 3] = ["web", "dns", "api"];

/// The scenario for `seed`, as YAML.
pub fn scenario(seed: u64) -> String {
    let mut d = Dice(rand_pcg::Pcg32::seed_from_u64(seed));
    let mut y = String::new();
    let style = if d.chance(25) {
        "nodePort"
    } else {
        "passThrough"
    };
    let _ = writeln!(
        y,
        "# kernel-check random scenario, seed {seed}\napiVersion: netlab/v1\nkind: Cluster\nmetadata:\n  name: random\nspec:\n  loadBalancerStyle: {style}"
    );
    let nodes = 1 + d.below(3);
    for n in 1..=nodes {
        let _ = writeln!(
            y,
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-{n}"
        );
    }
    let _ = writeln!(
        y,
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\n  labels:\n    app: client\nspec:\n  nodeName: node-1\n  containers:\n  - name: main\n    image: example"
    );
    let servers = 1 + d.below(5);
    for i in 1..=servers {
        let app = *d.pick(&APPS);
        let node = 1 + d.below(nodes);
        let _ = write!(
            y,
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {app}-{i}\n  labels:\n    app: {app}\nspec:\n  nodeName: node-{node}\n  containers:\n  - name: main\n    image: example\n    ports:\n"
        );
        // Named ports with per-pod numbers, so a named targetPort resolves
        // differently on different pods.
        let http = if d.chance(30) { 8081 } else { 8080 };
        let _ = writeln!(y, "    - name: http\n      containerPort: {http}");
        if d.chance(60) {
            let _ = writeln!(
                y,
                "    - name: dns\n      containerPort: 5353\n      protocol: UDP"
            );
        }
        if d.chance(15) {
            let _ = writeln!(
                y,
                "status:\n  conditions:\n  - type: Ready\n    status: \"False\""
            );
        }
    }
    let services = 1 + d.below(3);
    for i in 1..=services {
        let kind = *d.pick(&["ClusterIP", "NodePort", "LoadBalancer"]);
        // Sometimes a selector no pod matches: a Service without endpoints.
        let app = if d.chance(10) {
            "nothing"
        } else {
            *d.pick(&APPS)
        };
        let _ = write!(
            y,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  type: {kind}\n  selector:\n    app: {app}\n"
        );
        if kind != "ClusterIP" {
            let policy = if d.chance(40) { "Local" } else { "Cluster" };
            let _ = writeln!(y, "  externalTrafficPolicy: {policy}");
        }
        if d.chance(15) {
            let _ = writeln!(y, "  internalTrafficPolicy: Local");
        }
        if d.chance(15) {
            let _ = writeln!(y, "  sessionAffinity: ClientIP");
        }
        if kind == "LoadBalancer" && d.chance(25) {
            let range = d.pick(&["203.0.113.0/24", "192.0.2.0/24"]);
            let _ = writeln!(y, "  loadBalancerSourceRanges:\n  - {range}");
        }
        let _ = writeln!(y, "  ports:");
        let target = if d.chance(50) { "http" } else { "8080" };
        let _ = writeln!(
            y,
            "  - name: http\n    port: {}\n    targetPort: {target}",
            *d.pick(&[80u16, 8080])
        );
        if d.chance(40) {
            let _ = writeln!(
                y,
                "  - name: dns\n    port: 53\n    targetPort: dns\n    protocol: UDP"
            );
        }
    }
    if nodes > 1 && d.chance(20) {
        let via = 1 + d.below(nodes);
        let _ = writeln!(
            y,
            "---\napiVersion: netlab/v1\nkind: Route\nmetadata:\n  name: services\nspec:\n  destination: 10.3.240.0/20\n  nextHop: node-{via}"
        );
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_scenarios_are_reproducible_and_valid() {
        for seed in 0..200 {
            let text = scenario(seed);
            assert_eq!(text, scenario(seed));
            if let Err(e) = crate::model::load(&text) {
                panic!("seed {seed}: {e:?}\n{text}");
            }
        }
    }
}
