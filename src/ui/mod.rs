//! The yew web app. It holds no networking logic: it calls the model and
//! the engine and draws what they return.

mod app;
pub mod layout;
pub mod rules;
pub mod share;
pub mod state;
pub mod storage;
pub mod topology;
pub mod trace_view;
pub mod yaml;

pub use app::App;
