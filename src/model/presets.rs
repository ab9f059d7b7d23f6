//! The story's steps as ready scenarios (`static/scenarios/`), compiled in
//! so that the app works offline. Ids are stable: tutorials, embeds and
//! share links refer to them.

/// One step of `seed/STORY.md` as a scenario plus the request to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    /// The STORY.md step it shows (10: where the series goes next; 11 and
    /// on: the tutorial's lessons past the story).
    pub step: u8,
    pub title: &'static str,
    /// The scenario, multi-document YAML.
    pub yaml: &'static str,
    /// The request the step is about, in the CLI's SRC and DST forms.
    pub from: &'static str,
    pub to: &'static str,
}

macro_rules! scenario {
    ($file:literal) => {
        include_str!(concat!("../../static/scenarios/", $file))
    };
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "clusterip",
        step: 2,
        title: "A pod reaches a Service through its ClusterIP",
        yaml: scenario!("clusterip.yaml"),
        from: "pod/client",
        to: "svc/web:80",
    },
    Preset {
        id: "external-clusterip",
        step: 3,
        title: "The ClusterIP works only inside the cluster",
        yaml: scenario!("external-clusterip.yaml"),
        from: "internet",
        to: "svc/web:80",
    },
    Preset {
        id: "static-route",
        step: 4,
        title: "A static route sends the service network to one node",
        yaml: scenario!("static-route.yaml"),
        from: "internet",
        to: "svc/web:80",
    },
    Preset {
        id: "node-removed",
        step: 5,
        title: "Nodes are ephemeral: the route points at nothing",
        yaml: scenario!("node-removed.yaml"),
        from: "internet",
        to: "svc/web:80",
    },
    Preset {
        id: "load-balancer",
        step: 6,
        title: "A load balancer spreads clients over the nodes",
        yaml: scenario!("load-balancer.yaml"),
        from: "internet",
        to: "198.51.100.10:80",
    },
    Preset {
        id: "nodeport-wrong-port",
        step: 7,
        title: "A node's address with the service port is refused",
        yaml: scenario!("nodeport-wrong-port.yaml"),
        from: "10.100.0.10",
        to: "10.100.0.3:80",
    },
    Preset {
        id: "nodeport",
        step: 9,
        title: "NodePort bridges the node network and the Service",
        yaml: scenario!("nodeport.yaml"),
        from: "10.100.0.10",
        to: "10.100.0.3:30080",
    },
    Preset {
        id: "lb-traffic-policy",
        step: 10,
        title: "Health checks and the client's address: externalTrafficPolicy",
        yaml: scenario!("lb-traffic-policy.yaml"),
        from: "internet",
        to: "198.51.100.10:80",
    },
    Preset {
        id: "no-endpoints",
        step: 11,
        title: "My Service has no endpoints: a selector that matches nothing, a pod not Ready",
        yaml: scenario!("no-endpoints.yaml"),
        from: "pod/client",
        to: "svc/web:80",
    },
    Preset {
        id: "ports",
        step: 12,
        title: "port, targetPort and nodePort: which rule maps which",
        yaml: scenario!("ports.yaml"),
        from: "pod/client",
        to: "svc/web:80",
    },
    Preset {
        id: "one-pod",
        step: 13,
        title: "One connection, one pod: kube-proxy balances connections",
        yaml: scenario!("one-pod.yaml"),
        from: "pod/client",
        to: "svc/web:80",
    },
    Preset {
        id: "client-ip",
        step: 14,
        title: "Where the client's IP goes: NodePort with externalTrafficPolicy",
        yaml: scenario!("client-ip.yaml"),
        from: "10.100.0.10",
        to: "10.100.0.3:30080",
    },
    Preset {
        id: "hairpin",
        step: 15,
        title: "A pod reaches itself through its own Service (hairpin)",
        yaml: scenario!("hairpin.yaml"),
        from: "pod/web-1",
        to: "svc/web:80",
    },
    Preset {
        id: "nftables",
        step: 16,
        title: "What changes in kube-proxy's nftables mode",
        yaml: scenario!("nftables.yaml"),
        from: "pod/client",
        to: "10.3.241.152:8080",
    },
    Preset {
        id: "ping",
        step: 17,
        title: "A ClusterIP does not answer ping",
        yaml: scenario!("ping.yaml"),
        from: "pod/client",
        to: "10.3.241.152:80",
    },
];

pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}
