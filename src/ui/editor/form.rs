//! The form over a draft (`DraftForm`), its labelled fields (`Field`)
//! and the field helpers (`Ctx`).

use super::*;

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    #[prop_or_default]
    pub error: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

pub(super) fn error_id(id: &str) -> String {
    [id, "-error"].concat()
}

/// A labelled control and its problems (the control carries `id`, and
/// `aria-describedby` the error's id when there is one).
#[function_component(Field)]
pub fn field(p: &FieldProps) -> Html {
    html! {
        <div class="field">
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            { p.children.clone() }
            if let Some(e) = &p.error {
                <p class="error" id={error_id(&p.id)}>{ e.clone() }</p>
            }
        </div>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub(super) struct FormProps {
    pub(super) scenario: ByAddr<Scenario>,
    pub(super) ondispatch: Callback<Action>,
    pub(super) kind: Kind,
    pub(super) replace: Option<Key>,
    pub(super) initial: ByAddr<Draft>,
    #[prop_or_default]
    pub(super) ondone: Callback<()>,
}

/// A form over a draft: validates on every input, submits only valid edits.
#[function_component(DraftForm)]
pub(super) fn draft_form(p: &FormProps) -> Html {
    let lang = use_lang();
    let init = p.initial.clone();
    let draft = use_reducer(move || (*init).clone());
    let base = use_memo((p.scenario.clone(), p.replace.clone()), |(s, key)| {
        let key = key.as_ref()?;
        s.0.to_objects().into_iter().find(|o| Key::of(o) == *key)
    });
    let pristine = *draft == *p.initial;
    let result = {
        let (kind, replace, base) = (p.kind, p.replace.clone(), base.clone());
        use_memo(
            ((*draft).clone(), p.scenario.clone(), pristine, lang),
            move |(d, s, pristine, lang)| {
                if *pristine {
                    return Check::default();
                }
                check(
                    &s.0,
                    build_in(kind, d, replace.as_ref(), base.as_ref().as_ref(), *lang),
                )
            },
        )
    };
    let onsubmit = {
        let (result, ondispatch, ondone) = (result.clone(), p.ondispatch.clone(), p.ondone.clone());
        let (tx, initial) = (draft.dispatcher(), p.initial.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if result.ok() {
                for edit in &result.edits {
                    ondispatch.emit(Action::Edit(edit.clone()));
                }
                tx.dispatch(Msg::Reset(initial.0.clone()));
                ondone.emit(());
            }
        })
    };
    let editing = p.replace.is_some();
    let id = ["ed-", p.kind.name(), if editing { "-edit" } else { "-new" }].concat();
    let c = Ctx {
        id: &id,
        d: &draft,
        tx: draft.dispatcher(),
        object: &result.object,
        problems: &result.errors,
        shown: RefCell::new(vec![false; result.errors.len()]),
        scenario: &p.scenario,
        lang,
    };
    let w = |x: Text| x.get(lang);
    let fields = match p.kind {
        Kind::Node => c.node_fields(editing),
        Kind::Pod => c.template_fields(&POD),
        Kind::Deployment => c.template_fields(&DEPLOYMENT),
        Kind::Service => c.service_fields(),
        Kind::Route => c.route_fields(),
    };
    let shown = c.shown.into_inner();
    let top: Vec<String> = result
        .errors
        .iter()
        .zip(shown)
        .filter(|(_, seen)| !seen)
        .map(|(p, _)| p.to_string())
        .chain(
            result
                .warnings
                .iter()
                .map(|n| [w(NOTE), &n.to_string()].concat()),
        )
        .collect();
    let heading = match &p.replace {
        Some(k) => [w(EDIT_HEAD), &k.label(), w(EDIT_HEAD_END)].concat(),
        None => [w(ADD_A), w(p.kind.word()), w(ADD_A_END)].concat(),
    };
    let cancel = editing.then(|| {
        let done = p.ondone.clone();
        html! { <button type="button" onclick={Callback::from(move |_| done.emit(()))}>{ w(CANCEL) }</button> }
    });
    html! {
        <form class="editor-form" aria-label={heading.clone()} {onsubmit} novalidate=true>
            <h3>{ heading }</h3>
            <ProblemList class="problems" live="polite" items={top} />
            { fields }
            <div class="actions">
                <button type="submit" disabled={!result.ok()}>
                    { if editing { w(APPLY_CHANGES).to_string() } else { [w(ADD), w(p.kind.word()), w(ADD_A_END)].concat() } }
                </button>
                { cancel }
            </div>
        </form>
    }
}

/// What the field helpers need: the draft, where to send changes, and the
/// problems still to show.
pub(super) struct Ctx<'a> {
    id: &'a str,
    d: &'a Draft,
    tx: UseReducerDispatcher<Draft>,
    object: &'a str,
    problems: &'a [Problem],
    shown: RefCell<Vec<bool>>,
    scenario: &'a Scenario,
    lang: Lang,
}

pub(super) type Options<'a> = &'a [(&'a str, &'a str)];

pub(super) const PROTOCOLS: Options = &[("TCP", "TCP"), ("UDP", "UDP"), ("SCTP", "SCTP")];
pub(super) const POLICIES: Options = &[("Cluster", "Cluster"), ("Local", "Local")];

/// The value of the input (or select: `value` is read by name) of an event.
pub(super) fn value_of(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

impl Ctx<'_> {
    fn claim(&self, key: &str) -> Option<AttrValue> {
        claim(
            self.problems,
            &mut self.shown.borrow_mut(),
            self.object,
            key,
        )
        .map(AttrValue::from)
    }

    /// A labelled text input (or a select when `options`), showing the
    /// problems at field path `err`.
    fn control(
        &self,
        label: Text,
        id: String,
        err: &str,
        value: &str,
        options: Option<Options>,
        on: Callback<String>,
    ) -> Html {
        let error = self.claim(err);
        let invalid = error.is_some().then_some("true");
        let described = error.is_some().then(|| error_id(&id));
        let control = match options {
            None => html! {
                <input type="text" id={id.clone()} value={value.to_string()}
                    aria-invalid={invalid} aria-describedby={described}
                    oninput={Callback::from(move |e: InputEvent| on.emit(value_of(&e)))} />
            },
            Some(options) => html! {
                <select id={id.clone()} aria-invalid={invalid} aria-describedby={described}
                    onchange={Callback::from(move |e: Event| on.emit(value_of(&e)))}>
                    { for options.iter().map(|&(v, t)| html! {
                        <option value={v.to_string()} selected={v == value}>{ t.to_string() }</option>
                    }) }
                </select>
            },
        };
        html! { <Field {id} label={label.get(self.lang)} {error}>{ control }</Field> }
    }

    fn input(&self, label: Text, key: &'static str, err: &str, options: Option<Options>) -> Html {
        let tx = self.tx.clone();
        self.control(
            label,
            [self.id, "-", key].concat(),
            err,
            self.d.get(key),
            options,
            Callback::from(move |v| tx.dispatch(Msg::Set(key, v))),
        )
    }

    fn text(&self, label: Text, key: &'static str) -> Html {
        self.input(label, key, key, None)
    }

    fn select(&self, label: Text, key: &'static str, options: Options) -> Html {
        self.input(label, key, key, Some(options))
    }

    /// Node names, after `first` (the empty choice).
    fn node_options(&self, first: Text) -> Vec<(&str, &str)> {
        std::iter::once(("", first.get(self.lang)))
            .chain(
                self.scenario
                    .nodes
                    .iter()
                    .map(|n| (n.name.as_str(), n.name.as_str())),
            )
            .collect()
    }

    /// The ports table: one fieldset per row, `cols` as (column, label,
    /// options), problems under `{path}[i].{column}`.
    fn rows(&self, path: &str, cols: &[(&'static str, Text, Option<Options>)]) -> Html {
        let w = |x: Text| x.get(self.lang);
        // The cells claim their problems before the table takes the rest.
        let rows: Vec<Html> = self.d.rows.iter().enumerate().map(|(i, r)| {
            let n = (i + 1).to_string();
            let cells = cols.iter().map(|&(col, label, options)| {
                let tx = self.tx.clone();
                let field = format!("{path}[{i}].{col}");
                self.control(
                    label,
                    [self.id, "-", &field].concat(),
                    &field,
                    cell(r, col),
                    options,
                    Callback::from(move |v| tx.dispatch(Msg::SetCell(i, col, v))),
                )
            });
            let tx = self.tx.clone();
            html! {
                <fieldset class="row">
                    <legend>{ w(PORT_N) }{ &n }</legend>
                    { for cells }
                    <button type="button" onclick={Callback::from(move |_| tx.dispatch(Msg::DelRow(i)))}>
                        { w(REMOVE_PORT) }{ n }
                    </button>
                </fieldset>
            }
        }).collect();
        let tx = self.tx.clone();
        let error = self.claim(path);
        html! {
            <fieldset class="rows">
                <legend>{ w(PORTS) }</legend>
                if let Some(e) = error { <p class="error">{ e }</p> }
                { rows }
                <button type="button" onclick={Callback::from(move |_| tx.dispatch(Msg::AddRow))}>{ w(ADD_PORT) }</button>
            </fieldset>
        }
    }

    fn node_fields(&self, editing: bool) -> Html {
        let clusters = [
            CLUSTERS_MODE.get(self.lang),
            self.scenario.proxy_config().mode.as_str(),
        ]
        .concat();
        let modes = [
            ("", clusters.as_str()),
            ("iptables", "iptables"),
            ("nftables", "nftables"),
        ];
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(LABELS_L, "metadata.labels") }
                { self.select(PROXY_MODE_L, PROXY_MODE, &modes) }
                if !editing {
                    <p class="note">{ ALLOCATED_NOTE.get(self.lang) }</p>
                }
            </>
        }
    }

    /// A Pod's fields, or a Deployment's (its template's).
    fn template_fields(&self, p: &'static Paths) -> Html {
        let deployment = p.ports == DEPLOYMENT.ports;
        let nodes = self.node_options(ANY_NODE);
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(NAMESPACE_L, NAMESPACE) }
                if deployment { { self.text(REPLICAS_L, REPLICAS) } }
                { self.text(if deployment { LABELS_DEPLOY } else { LABELS_L }, p.labels) }
                { self.select(NODE_L, p.node_name, &nodes) }
                { self.text(NODE_SELECTOR_L, p.node_selector) }
                { self.rows(p.ports, &[
                    ("name", NAME_L, None),
                    ("containerPort", NUMBER_L, None),
                    ("protocol", PROTOCOL_L, Some(PROTOCOLS)),
                ]) }
            </>
        }
    }

    fn service_fields(&self) -> Html {
        let d = self.d;
        let kind = d.get(TYPE);
        let lb = kind == "LoadBalancer";
        let node_ports = lb || kind == "NodePort";
        let mut cols = vec![
            ("name", NAME_L, None),
            ("protocol", PROTOCOL_L, Some(PROTOCOLS)),
            ("port", PORT_L, None),
            ("targetPort", TARGET_PORT_L, None),
        ];
        if node_ports {
            cols.push(("nodePort", NODE_PORT_L, None));
        }
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(NAMESPACE_L, NAMESPACE) }
                { self.select(TYPE_L, TYPE, &[
                    ("ClusterIP", "ClusterIP"),
                    ("NodePort", "NodePort"),
                    ("LoadBalancer", "LoadBalancer"),
                ]) }
                { self.text(SELECTOR_L, SELECTOR) }
                { self.rows("spec.ports", &cols) }
                if node_ports || !d.get(EXTERNAL_IPS).trim().is_empty() {
                    { self.select(ETP_L, ETP, POLICIES) }
                }
                { self.select(ITP_L, ITP, POLICIES) }
                { self.select(AFFINITY_L, AFFINITY, &[("None", "None"), ("ClientIP", "ClientIP")]) }
                if d.get(AFFINITY) == "ClientIP" {
                    { self.text(TIMEOUT_L, TIMEOUT) }
                }
                { self.text(CLUSTER_IP_L, CLUSTER_IP) }
                if lb {
                    { self.text(SOURCE_RANGES_L, SOURCE_RANGES) }
                }
                { self.text(EXTERNAL_IPS_L, EXTERNAL_IPS) }
            </>
        }
    }

    fn route_fields(&self) -> Html {
        let by_ip = self.d.get(NEXT_HOP).is_empty();
        // The IP input, when shown, takes the next hop's problems.
        let ip = by_ip.then(|| self.input(NEXT_HOP_IP_L, NEXT_HOP_IP, NEXT_HOP, None));
        let nodes = self.node_options(AN_IP);
        html! {
            <>
                { self.text(NAME_L, NAME) }
                { self.text(DESTINATION_L, DESTINATION) }
                { self.select(NEXT_HOP_L, NEXT_HOP, &nodes) }
                { ip }
            </>
        }
    }
}
