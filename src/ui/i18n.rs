//! The interface's two languages: text kept as pairs of `&'static str`,
//! one per language, chosen at render time. Plain data, no formatting.
//!
//! The page's language is provided once, at the app's root, as a
//! `ContextProvider<Lang>` (`app.rs`; `draw.rs` for the posters);
//! components read it with [`use_lang`] rather than take it as a prop, and
//! switching it re-renders every component that reads it.

pub use crate::lang::Lang;
use yew::prelude::*;

/// The page's language, from the nearest `ContextProvider<Lang>`; English
/// where none is provided.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// A [`Text`] in a `const`.
pub const fn t(en: &'static str, ko: &'static str) -> Text {
    Text { en, ko }
}

/// Korean titles of the presets (the English ones are
/// `model::presets`'s), by preset id.
const PRESET_KO: &[(&str, &str)] = &[
    ("clusterip", "파드가 ClusterIP로 서비스에 닿는다"),
    ("external-clusterip", "ClusterIP는 클러스터 안에서만 통한다"),
    (
        "static-route",
        "정적 라우팅이 서비스 네트워크를 한 노드로 보낸다",
    ),
    (
        "node-removed",
        "노드는 사라진다: 라우팅이 가리키는 곳이 없다",
    ),
    (
        "load-balancer",
        "로드 밸런서가 클라이언트를 노드들에 나눈다",
    ),
    (
        "nodeport-wrong-port",
        "노드 주소에 서비스 포트로 보내면 거부된다",
    ),
    ("nodeport", "NodePort가 노드 네트워크와 서비스를 잇는다"),
    (
        "lb-traffic-policy",
        "헬스 체크와 클라이언트 주소: externalTrafficPolicy",
    ),
    (
        "no-endpoints",
        "엔드포인트 없는 서비스: 아무것도 고르지 못하는 셀렉터, Ready가 아닌 파드",
    ),
    (
        "ports",
        "port, targetPort, nodePort: 어느 규칙이 무엇을 잇는가",
    ),
    (
        "one-pod",
        "연결 하나는 파드 하나로: kube-proxy는 연결을 나눈다",
    ),
    (
        "client-ip",
        "클라이언트 IP는 어디로 가나: NodePort와 externalTrafficPolicy",
    ),
    (
        "hairpin",
        "파드가 자기 서비스를 거쳐 자신에게 닿는다(헤어핀)",
    ),
    ("nftables", "kube-proxy의 nftables 모드에서 달라지는 것"),
    ("ping", "ClusterIP는 ping에 응답하지 않는다"),
];

/// A preset's title in `lang` (the id itself for an unknown one).
pub fn preset_title(id: &str, lang: Lang) -> &str {
    let en = crate::model::presets::preset(id).map(|p| p.title);
    let ko = PRESET_KO.iter().find(|(i, _)| *i == id).map(|(_, k)| *k);
    match lang {
        Lang::En => en,
        Lang::Ko => ko.or(en),
    }
    .unwrap_or(id)
}

/// One piece of text in both languages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ko => self.ko,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_korean_only_for_ko() {
        for tag in ["ko", "ko-KR", "KO", "ko_KR", " ko-kr ", "ko-Kore-KR"] {
            assert_eq!(Lang::from_tag(tag), Lang::Ko, "{tag:?}");
        }
        for tag in ["en", "en-US", "", "k", "kok", "kor", "ja-JP", "-ko", "x-ko"] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag:?}");
        }
        assert_eq!(Lang::default(), Lang::En);
    }

    #[test]
    fn codes_read_back() {
        for lang in [Lang::En, Lang::Ko] {
            assert_eq!(Lang::from_tag(lang.code()), lang);
        }
        assert_eq!(Lang::En.code(), "en");
        assert_eq!(Lang::Ko.code(), "ko");
    }

    #[test]
    fn every_preset_has_a_title_in_both_languages() {
        for p in crate::model::presets::PRESETS {
            assert_eq!(preset_title(p.id, Lang::En), p.title);
            let ko = preset_title(p.id, Lang::Ko);
            assert_ne!(ko, p.title, "{} has no Korean title", p.id);
            assert!(
                ko.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)),
                "{ko}"
            );
        }
        for (id, _) in PRESET_KO {
            assert!(
                crate::model::presets::preset(id).is_some(),
                "{id} is no preset"
            );
        }
        assert_eq!(preset_title("nope", Lang::Ko), "nope");
        assert_eq!(Lang::En.other(), Lang::Ko);
        assert_eq!(Lang::Ko.other(), Lang::En);
    }

    /// A component reads the provided language; with none provided,
    /// English.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn components_read_the_provided_language() {
        const SEND: Text = t("Send", "보내기");
        #[function_component(Says)]
        fn says() -> Html {
            let lang = use_lang();
            html! { <p>{ SEND.get(lang) }</p> }
        }
        use crate::ui::draw::{block_on, render_in};
        assert_eq!(render_in(Lang::Ko, html! { <Says /> }), "<p>보내기</p>");
        assert_eq!(render_in(Lang::En, html! { <Says /> }), "<p>Send</p>");
        let alone = block_on(
            yew::LocalServerRenderer::<Says>::new()
                .hydratable(false)
                .render(),
        );
        assert_eq!(alone, "<p>Send</p>");
    }

    #[test]
    fn text_gives_each_language() {
        let t = Text {
            en: "Send",
            ko: "보내기",
        };
        assert_eq!(t.get(Lang::En), "Send");
        assert_eq!(t.get(Lang::Ko), "보내기");
    }
}
