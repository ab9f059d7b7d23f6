//! The browser entry point, built by Trunk (`index.html`).

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<k8s_netlab::ui::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netlab-web runs in the browser: build it with `trunk build` (see README.md)");
    std::process::exit(2);
}
