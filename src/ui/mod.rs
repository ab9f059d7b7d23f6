//! The yew web app. It holds no networking logic: it calls the model (and,
//! later, the engine) and draws what they return.

mod app;

pub use app::App;
