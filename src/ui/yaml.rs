//! The scenario as YAML: read it, paste or type a whole new one (checked
//! as you type; nothing changes until it is valid and applied), import a
//! file, export a file.

use super::i18n::{t, Lang, Text};
use super::state::Action;
use crate::model::{self, Scenario};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct YamlProps {
    pub scenario: Rc<Scenario>,
    pub ondispatch: Callback<Action>,
    #[prop_or_default]
    pub lang: Lang,
}

const TITLE: Text = t("Scenario as YAML", "시나리오 YAML");
const HELP: Text = t(
    "Kubernetes objects (Nodes, Pods, Deployments, Services, EndpointSlices) plus netlab/v1 Cluster and Route. Paste kubectl get -o yaml output, or edit here; it is checked as you type and applied only when valid.",
    "쿠버네티스 오브젝트(Node, Pod, Deployment, Service, EndpointSlice)와 netlab/v1 Cluster, Route. kubectl get -o yaml 출력을 붙여 넣거나 여기서 편집하세요. 입력하는 동안 검사하고, 유효할 때만 적용합니다.",
);
const APPLY: Text = t("Apply", "적용");
const REVERT: Text = t("Revert", "되돌리기");
const EXPORT: Text = t("Export file", "파일로 내보내기");
const IMPORT: Text = t("Import file ", "파일 가져오기 ");
const VALID: Text = t(
    "Valid: Apply to use it.",
    "유효합니다. 적용을 누르면 사용합니다.",
);
const YAML_LABEL: Text = t("Scenario YAML", "시나리오 YAML");

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[function_component(YamlPanel)]
pub fn yaml_panel(p: &YamlProps) -> Html {
    let current = use_memo(p.scenario.clone(), |s| s.to_yaml());
    let lang = p.lang;
    // The draft: None while the text shows the current scenario.
    let draft = use_state(|| None::<String>);
    let text = (*draft).clone().unwrap_or_else(|| (*current).clone());
    let check = use_memo(draft.clone(), |d| {
        d.as_ref()
            .map(|t| model::load(t).err().map(|e| e.0).unwrap_or_default())
    });
    let on_input = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                draft.set(Some(t.value()));
            }
        })
    };
    let apply = {
        let d = p.ondispatch.clone();
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = (*draft).clone() {
                d.emit(Action::Import(t));
                draft.set(None);
            }
        })
    };
    let revert = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| draft.set(None))
    };
    let export = {
        let current = current.clone();
        Callback::from(move |_: MouseEvent| download("scenario.yaml", &current))
    };
    let on_file = {
        let d = p.ondispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(v) => d.emit(Action::Import(v.as_string().unwrap_or_default())),
                    Err(_) => d.emit(Action::Import(String::new())),
                }
            });
        })
    };
    let problems = check.as_ref().clone().unwrap_or_default();
    let dirty = draft.is_some();
    html! {
        <section class="panel yaml" aria-labelledby="yaml-h">
            <h2 id="yaml-h">{ TITLE.get(lang) }</h2>
            <p class="muted small">{ HELP.get(lang) }</p>
            <div class="buttons">
                <button type="button" class="primary" id="yaml-apply" onclick={apply} disabled={!dirty || !problems.is_empty()}>{ APPLY.get(lang) }</button>
                <button type="button" onclick={revert} disabled={!dirty}>{ REVERT.get(lang) }</button>
                <button type="button" id="export" onclick={export}>{ EXPORT.get(lang) }</button>
                <label class="file">{ IMPORT.get(lang) }<input type="file" id="import-file" accept=".yaml,.yml,.json,text/yaml,application/json" onchange={on_file} /></label>
            </div>
            if dirty && !problems.is_empty() {
                <ul class="problems" id="yaml-problems" role="alert">
                    { for problems.iter().map(|p| html! { <li>{ p.to_string() }</li> }) }
                </ul>
            } else if dirty {
                <p class="ok small" role="status">{ VALID.get(lang) }</p>
            }
            <textarea id="yaml-text" spellcheck="false" aria-label={YAML_LABEL.get(lang)} aria-invalid={(!problems.is_empty()).to_string()}
                value={text} oninput={on_input} rows="24" />
        </section>
    }
}
