//! The yew web app. It holds no networking logic: it calls the model (and,
//! later, the engine) and draws what they return.

mod app;
pub mod share;
pub mod storage;

pub use app::App;
