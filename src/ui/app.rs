//! The app shell: loads the default scenario through the model and shows
//! the cluster it describes.

use crate::model::{self, Scenario, ServiceType, TargetPort};
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let loaded = use_memo((), |_| model::load(model::DEFAULT_SCENARIO));
    let body = match &*loaded {
        Ok(l) => cluster_view(&l.scenario),
        Err(e) => html! {
            <p class="error" role="alert">{ format!("The default scenario did not load: {e}") }</p>
        },
    };
    html! {
        <>
            <header class="top">
                <h1>{ "k8s-netlab" }</h1>
                <p class="tagline">{ "How traffic reaches a pod: routing, netfilter and conntrack, hop by hop." }</p>
            </header>
            <main id="cluster">{ body }</main>
        </>
    }
}

fn cluster_view(s: &Scenario) -> Html {
    let by_node = s.pods_by_node();
    html! {
        <>
            <section class="plan" aria-label="Address plan">
                <dl>
                    <dt>{ "Node network" }</dt><dd>{ s.cluster.node_cidr.to_string() }</dd>
                    <dt>{ "Pod network" }</dt><dd>{ s.cluster.pod_cidr.to_string() }</dd>
                    <dt>{ "Service network" }</dt><dd>{ s.cluster.service_cidr.to_string() }</dd>
                    <dt>{ "NodePorts" }</dt><dd>{ s.cluster.node_port_range.to_string() }</dd>
                </dl>
            </section>
            <section class="nodes" aria-label="Nodes">
                { for s.nodes.iter().map(|n| html! {
                    <article class="node" data-node={n.name.clone()}>
                        <h2>{ &n.name }</h2>
                        <p class="iface">{ format!("eth0 {}", n.internal_ip) }</p>
                        <p class="iface">{ format!("cbr0 {}/{}", n.bridge_ip(), n.pod_cidr.prefix_len()) }</p>
                        <ul class="pods">
                            { for by_node.get(n.name.as_str()).into_iter().flatten().map(|p| html! {
                                <li class="pod" data-pod={p.name.clone()}>
                                    <span class="name">{ &p.name }</span>
                                    <span class="ip">{ p.ip.map(|i| i.to_string()).unwrap_or_default() }</span>
                                </li>
                            }) }
                        </ul>
                    </article>
                }) }
            </section>
            <section class="services" aria-label="Services">
                <h2>{ "Services" }</h2>
                <ul>
                    { for s.services.iter().map(|svc| html! {
                        <li class="service" data-service={svc.name.clone()}>
                            <span class="name">{ svc.key() }</span>
                            { " " }<span class="kind">{ svc.kind.as_str() }</span>
                            { " " }<span class="ip">{ svc.cluster_ip.map(|i| i.to_string()).unwrap_or_else(|| "None".into()) }</span>
                            { for svc.ports.iter().map(|p| html! {
                                <span class="port">{ format!(" {}/{} -> {}{}", p.port, p.protocol.as_k8s(),
                                    match &p.target_port { TargetPort::Number(n) => n.to_string(), TargetPort::Name(n) => n.clone() },
                                    match (svc.kind, p.node_port) {
                                        (ServiceType::NodePort | ServiceType::LoadBalancer, Some(np)) => format!(", NodePort {np}"),
                                        _ => String::new(),
                                    }) }</span>
                            }) }
                        </li>
                    }) }
                </ul>
            </section>
        </>
    }
}
