//! The yew web app. It holds no networking logic: it calls the model and
//! the engine and draws what they return.

#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod by_addr;
pub mod chunks;
pub mod compare;
#[cfg(not(target_arch = "wasm32"))]
pub mod draw;
pub mod editor;
#[cfg(target_arch = "wasm32")]
pub mod embed;
pub mod i18n;
#[cfg(target_arch = "wasm32")]
pub mod keep;
pub mod layout;
pub mod lessons;
pub mod notice;
pub mod predict;
pub mod problems;
pub mod route;
pub mod rules;
pub mod share;
#[cfg(not(target_arch = "wasm32"))]
pub mod snippet;
pub mod state;
pub mod steps;
pub mod storage;
pub mod story;
pub mod tabs;
pub mod topology;
pub mod trace_view;
pub mod tutorial;
pub mod workbench;
pub mod worlds;
pub mod yaml;

#[cfg(target_arch = "wasm32")]
pub use app::App;
