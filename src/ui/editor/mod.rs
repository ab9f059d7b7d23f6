//! The editing panel: forms that change the cluster.
//!
//! Every form keeps its draft (the text the learner typed) in its own
//! state. On each input it builds the candidate objects from the draft,
//! runs the edit through [`edit::apply`] (the same validation as a loaded
//! file) and shows each problem under the field its path names, the others
//! at the top of the form. The app's scenario is never touched by a draft:
//! only a whole valid edit is dispatched, as [`Action::Edit`].
//!
//! Drafts are keyed by the fields' Kubernetes paths (`metadata.name`,
//! `spec.type`; table rows by column: `port`, `nodePort`), so that one key
//! names the draft's text, the input's id and the model's problems.

mod build;
mod draft;
mod form;

pub use build::*;
pub use draft::*;
use form::DraftForm;
pub use form::{Field, FieldProps};

use crate::model::edit::{self, Edit, Key};
use crate::model::k8s::{self, IntOrString, Object};
use crate::model::{Labels, Problem, Scenario, KUBE_PROXY_MODE_LABEL};
use crate::ui::by_addr::ByAddr;
use crate::ui::i18n::{t, use_lang, Lang, Text};
use crate::ui::problems::ProblemList;
use crate::ui::state::Action;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

// ---------------------------------------------------------------- components

#[derive(Properties, Clone, PartialEq)]
pub struct EditorProps {
    pub scenario: ByAddr<Scenario>,
    pub ondispatch: Callback<Action>,
    /// The section to open (and scroll to) first, the only one open; by
    /// default Services is open.
    #[prop_or_default]
    pub open: Option<Kind>,
}

const EDIT_CLUSTER: Text = t("Edit the cluster", "클러스터 편집");
const NO_NODE_PENDING: Text = t("no node (Pending)", "노드 없음 (Pending)");
const ON: Text = t(" on ", " 노드: ");
const AND_MORE: Text = t(" and ", " 외 ");
const MORE: Text = t(" more", "개");
const OWNED_BY: Text = t(": owned by Deployment ", ": 디플로이먼트 ");
const OWNED_END: Text = t(
    " (change its replicas instead)",
    "의 파드 (대신 replicas를 바꾸세요)",
);
const REPLICAS_OF: Text = t(" replicas of ", "개 복제본, 레이블 ");
const VIA: Text = t(" via ", " 경유 ");
const REMOVE_VM: Text = t("Remove (VM goes away)", "삭제 (VM이 사라짐)");
const REMOVE: Text = t("Remove", "삭제");
pub const EDIT: Text = t("Edit", "편집");
const CLOSE: Text = t("Close", "닫기");
const NOTE: Text = t("Note: ", "참고: ");
const ADD_A: Text = t("Add a ", "");
pub const ADD_A_END: Text = t("", " 추가");
pub const ADD: Text = t("Add ", "");
const EDIT_HEAD: Text = t("Edit ", "");
const EDIT_HEAD_END: Text = t("", " 편집");
const CANCEL: Text = t("Cancel", "취소");
pub const APPLY_CHANGES: Text = t("Apply changes", "변경 적용");
const PORT_N: Text = t("Port ", "포트 ");
const REMOVE_PORT: Text = t("Remove port ", "포트 삭제 ");
const PORTS: Text = t("Ports", "포트");
const ADD_PORT: Text = t("Add a port", "포트 추가");
pub const NAME_L: Text = t("Name", "이름");
const NAMESPACE_L: Text = t("Namespace", "네임스페이스");
pub const LABELS_L: Text = t("Labels (k=v, k2=v2)", "레이블 (k=v, k2=v2)");
const LABELS_DEPLOY: Text = t(
    "Labels (k=v, k2=v2; the selector uses the same)",
    "레이블 (k=v, k2=v2; 셀렉터도 같은 값)",
);
const ALLOCATED_NOTE: Text = t(
    "Its addresses and pod network are allocated.",
    "주소와 파드 네트워크는 자동으로 할당됩니다.",
);
const ANY_NODE: Text = t(
    "any node (the scheduler picks)",
    "아무 노드 (스케줄러가 고름)",
);
const PROXY_MODE_L: Text = t("kube-proxy mode", "kube-proxy 모드");
const CLUSTERS_MODE: Text = t("the cluster's: ", "클러스터 설정: ");
const REPLICAS_L: Text = t("Replicas", "복제본 수");
const NODE_L: Text = t("Node", "노드");
const NODE_SELECTOR_L: Text = t("Node selector (k=v)", "노드 셀렉터 (k=v)");
const NUMBER_L: Text = t("Number", "번호");
const PROTOCOL_L: Text = t("Protocol", "프로토콜");
const PORT_L: Text = t("Port", "포트");
const TARGET_PORT_L: Text = t(
    "Target port (number or name; blank = port)",
    "대상 포트 (번호 또는 이름; 비우면 포트와 같음)",
);
const NODE_PORT_L: Text = t(
    "NodePort (blank = allocated)",
    "NodePort (비우면 자동 할당)",
);
const TYPE_L: Text = t("Type", "유형");
pub const SELECTOR_L: Text = t(
    "Selector (k=v; blank = no selector)",
    "셀렉터 (k=v; 비우면 셀렉터 없음)",
);
pub const ETP_L: Text = t("External traffic policy", "외부 트래픽 정책");
const ITP_L: Text = t("Internal traffic policy", "내부 트래픽 정책");
const AFFINITY_L: Text = t("Session affinity", "세션 어피니티");
const TIMEOUT_L: Text = t(
    "Affinity timeout in seconds (blank = 10800)",
    "어피니티 제한 시간(초, 비우면 10800)",
);
const CLUSTER_IP_L: Text = t(
    "Cluster IP (blank = allocated)",
    "클러스터 IP (비우면 자동 할당)",
);
const SOURCE_RANGES_L: Text = t(
    "Load balancer source ranges (CIDRs, comma separated)",
    "로드 밸런서 소스 범위 (CIDR, 쉼표로 구분)",
);
const EXTERNAL_IPS_L: Text = t("External IPs (comma separated)", "외부 IP (쉼표로 구분)");
const NEXT_HOP_IP_L: Text = t("Next hop IP address", "다음 홉 IP 주소");
const AN_IP: Text = t("an IP address (below)", "IP 주소 (아래)");
pub const DESTINATION_L: Text = t("Destination (CIDR)", "목적지 (CIDR)");
pub const NEXT_HOP_L: Text = t("Next hop", "다음 홉");

/// The editing panel: one section per kind of object.
#[function_component(EditorPanel)]
pub fn editor_panel(p: &EditorProps) -> Html {
    let lang = use_lang();
    let section = |kind: Kind| {
        let (open, focus) = match p.open {
            Some(k) => (k == kind, k == kind),
            None => (kind == Kind::Service, false),
        };
        html! { <Section scenario={p.scenario.clone()} ondispatch={p.ondispatch.clone()} {kind} {open} {focus} /> }
    };
    html! {
        <section class="editor" aria-labelledby="editor-title">
            <h2 id="editor-title">{ EDIT_CLUSTER.get(lang) }</h2>
            { section(Kind::Node) }
            { section(Kind::Pod) }
            { section(Kind::Deployment) }
            { section(Kind::Service) }
            { section(Kind::Route) }
        </section>
    }
}

/// One object in a section's list.
struct Item {
    key: Key,
    text: String,
    editable: bool,
    removable: bool,
}

fn items(kind: Kind, s: &Scenario, lang: Lang) -> Vec<Item> {
    let w = |x: Text| x.get(lang);
    let item = |key: Key, text: String, editable: bool| Item {
        key,
        text,
        editable,
        removable: true,
    };
    let ns = |n: &str| Some(n.to_string());
    match kind {
        Kind::Node => s
            .nodes
            .iter()
            .map(|n| {
                item(
                    Key::new("Node", None, &n.name),
                    format!("{} {} {}", n.name, n.internal_ip, labels_text(&n.labels)),
                    true,
                )
            })
            .collect(),
        Kind::Pod => {
            let mut out: Vec<Item> = s
                .pods
                .iter()
                .filter(|p| p.owner.is_none())
                .map(|p| {
                    let at = p.node_name.as_deref().unwrap_or(w(NO_NODE_PENDING));
                    let ip = p.ip.map(|i| i.to_string()).unwrap_or_default();
                    item(
                        Key::new("Pod", Some(&p.namespace), &p.name),
                        format!(
                            "{}/{} {ip}{}{at} {}",
                            p.namespace,
                            p.name,
                            w(ON),
                            labels_text(&p.labels)
                        ),
                        false,
                    )
                })
                .collect();
            for d in &s.deployments {
                let owned: Vec<&str> = s
                    .pods
                    .iter()
                    .filter(|p| p.namespace == d.namespace && p.owner.as_deref() == Some(&d.name))
                    .map(|p| p.name.as_str())
                    .collect();
                if owned.is_empty() {
                    continue;
                }
                let more = owned.len().saturating_sub(5);
                let mut text = owned[..owned.len() - more].join(", ");
                if more > 0 {
                    text.push_str(&format!("{}{more}{}", w(AND_MORE), w(MORE)));
                }
                out.push(Item {
                    key: Key {
                        kind: "Deployment",
                        namespace: ns(&d.namespace),
                        name: d.name.clone(),
                    },
                    text: format!(
                        "{text}{}{}/{}{}",
                        w(OWNED_BY),
                        d.namespace,
                        d.name,
                        w(OWNED_END)
                    ),
                    editable: false,
                    removable: false,
                });
            }
            out
        }
        Kind::Deployment => s
            .deployments
            .iter()
            .map(|d| {
                item(
                    Key::new("Deployment", Some(&d.namespace), &d.name),
                    format!(
                        "{}/{}: {}{}{}",
                        d.namespace,
                        d.name,
                        d.replicas,
                        w(REPLICAS_OF),
                        labels_text(&d.template.labels)
                    ),
                    true,
                )
            })
            .collect(),
        Kind::Service => s
            .services
            .iter()
            .map(|v| {
                let mut text = format!(
                    "{}/{} {} {}",
                    v.namespace,
                    v.name,
                    v.kind.as_str(),
                    v.cluster_ip
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "None".into())
                );
                for p in &v.ports {
                    text.push_str(&format!(" {}/{}", p.port, p.protocol.as_k8s()));
                    if let Some(n) = p.node_port.filter(|_| v.kind.has_node_ports()) {
                        text.push_str(&format!(" (NodePort {n})"));
                    }
                }
                item(Key::new("Service", Some(&v.namespace), &v.name), text, true)
            })
            .collect(),
        Kind::Route => s
            .routes
            .iter()
            .map(|r| {
                item(
                    Key::new("Route", None, &r.name),
                    format!("{}: {}{}{}", r.name, r.destination, w(VIA), r.next_hop),
                    false,
                )
            })
            .collect(),
    }
}

/// A section's heading (lessons name it in their tasks).
pub fn section_title(kind: Kind) -> Text {
    match kind {
        Kind::Node => t("Nodes", "노드"),
        Kind::Pod => t("Pods", "파드"),
        Kind::Deployment => t("Deployments", "디플로이먼트"),
        Kind::Service => t("Services", "서비스"),
        Kind::Route => t("Static routes", "정적 라우팅"),
    }
}

#[derive(Properties, Clone, PartialEq)]
struct SectionProps {
    scenario: ByAddr<Scenario>,
    ondispatch: Callback<Action>,
    kind: Kind,
    /// Open at first.
    open: bool,
    /// Scrolled to the top of its scrolling panel when it appears.
    focus: bool,
}

/// Scrolls the nearest scrolling ancestor of `el` (never the page) so
/// that `el` is at its top.
fn scroll_into_panel(el: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;
    // The distance from the page's top, as laid out (scrolling aside).
    let page_top = |e: &web_sys::HtmlElement| {
        let mut top = 0;
        let mut at = Some(e.clone());
        while let Some(x) = at {
            top += x.offset_top();
            at = x.offset_parent().and_then(|p| p.dyn_into().ok());
        }
        top
    };
    let mut at = el.parent_element();
    while let Some(p) = at {
        if matches!(p.tag_name().as_str(), "BODY" | "HTML") {
            return;
        }
        if p.scroll_height() > p.client_height() {
            if let Some(h) = p.dyn_ref::<web_sys::HtmlElement>() {
                let want = (page_top(el) - page_top(h) - 8).max(0);
                let was = p.scroll_top();
                p.set_scroll_top(want);
                // Only a scrolling box moves; one that merely overflows
                // does not, and the search goes on.
                if p.scroll_top() != was || was == want {
                    return;
                }
            }
        }
        at = p.parent_element();
    }
}

/// One kind's list (edit and remove buttons), the open edit form, and the
/// form that adds one.
#[function_component(Section)]
fn section(p: &SectionProps) -> Html {
    let (kind, lang) = (p.kind, use_lang());
    let editing = use_state(|| None::<Key>);
    let details = use_node_ref();
    {
        let details = details.clone();
        use_effect_with(p.focus, move |focus| {
            if let Some(el) = focus
                .then(|| details.cast::<web_sys::HtmlElement>())
                .flatten()
            {
                scroll_into_panel(&el);
            }
        });
    }
    // Not memoized: a section renders again only when its props or its
    // open form change.
    let list = items(kind, &p.scenario, lang);
    let fresh = use_memo(p.scenario.clone(), |s| Rc::new(new_draft(kind, &s.0)));
    let current = use_memo((p.scenario.clone(), (*editing).clone()), |(s, key)| {
        let key = key.as_ref()?;
        let o = s.0.to_objects().into_iter().find(|o| Key::of(o) == *key)?;
        object_draft(&o).map(Rc::new)
    });
    let form = |replace: Option<Key>, initial: Rc<Draft>| {
        let close = editing.setter();
        let key = replace.as_ref().map(Key::label).unwrap_or_default();
        html! {
            <DraftForm
                {key}
                scenario={p.scenario.clone()}
                ondispatch={p.ondispatch.clone()}
                {kind}
                {replace}
                {initial}
                ondone={Callback::from(move |_| close.set(None))}
            />
        }
    };
    let rows = list.iter().map(|it| {
        let label = it.key.label();
        let remove = it.removable.then(|| {
            let d = p.ondispatch.clone();
            let edit = if kind == Kind::Node {
                Edit::RemoveNode(it.key.name.clone())
            } else {
                Edit::Delete(it.key.clone())
            };
            let text = if kind == Kind::Node { REMOVE_VM } else { REMOVE }.get(lang);
            html! {
                <button type="button" aria-label={[text, " ", &label].concat()}
                    onclick={Callback::from(move |_| d.emit(Action::Edit(edit.clone())))}>{ text }</button>
            }
        });
        let open = editing.as_ref() == Some(&it.key);
        let toggle = it.editable.then(|| {
            let set = editing.setter();
            let key = (!open).then(|| it.key.clone());
            html! {
                <button type="button" aria-expanded={if open { "true" } else { "false" }}
                    aria-label={[if open { CLOSE } else { EDIT }.get(lang), " ", &label].concat()}
                    onclick={Callback::from(move |_| set.set(key.clone()))}>
                    { if open { CLOSE } else { EDIT }.get(lang) }
                </button>
            }
        });
        let form = match (&*current, open) {
            (Some(d), true) => form(Some(it.key.clone()), d.clone()),
            _ => Html::default(),
        };
        html! {
            <li class="item">
                <span class="text">{ it.text.clone() }</span>
                { toggle }{ remove }
                { form }
            </li>
        }
    });
    html! {
        <details class="editor-section" ref={details} open={p.open} data-kind={kind.name()}>
            <summary>{ section_title(kind).get(lang) }{ " (" }{ list.iter().filter(|i| i.removable).count() }{ ")" }</summary>
            <ul class="items">{ for rows }</ul>
            { form(None, (*fresh).clone()) }
        </details>
    }
}
