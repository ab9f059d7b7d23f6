//! The yew web app. It holds no networking logic: it calls the model (and,
//! later, the engine) and draws what they return.

mod app;
pub mod layout;
pub mod topology;

pub use app::App;
