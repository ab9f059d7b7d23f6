//! The yew web app. It holds no networking logic: it calls the model and
//! the engine and draws what they return.

mod app;
pub mod editor;
pub mod state;

pub use app::App;
