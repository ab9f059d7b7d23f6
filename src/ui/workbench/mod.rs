//! The workbench: the drawing, the trace and the panels over one state,
//! shared by the playground, the embed view and the lessons (`Chrome` says
//! which panels a page shows), with the effects every page needs: the
//! player's clock and keyboard shortcuts. Its areas have modules of their
//! own: `toolbar` (the header) and `notices`, view functions, and `stage`
//! (the drawing and the lists under it) and `panels` (the tabs beside
//! it), components with state of their own (each component costs wasm
//! bytes: ARCHITECTURE.md, "Size"). The areas render natively too (their
//! tests use yew's server-side renderer); the `Workbench` that wires them
//! to the page's state (`shell.rs`) is browser-only.

pub mod notices;
pub mod panels;
pub mod stage;
pub mod toolbar;

pub use toolbar::lang_switch;

#[cfg(target_arch = "wasm32")]
mod shell;

#[cfg(target_arch = "wasm32")]
pub use shell::Workbench;

/// What a page shows around the drawing and the trace.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Chrome {
    /// The header: presets, undo/redo, sharing.
    pub toolbar: bool,
    /// The Edit and YAML panels (otherwise Trace and Rules only).
    pub edit: bool,
    /// The drawing is fitted whole into the frame the page gives it (an
    /// embed's compact view), rather than fitted to the width and panned.
    pub contain: bool,
}

impl Chrome {
    pub const FULL: Chrome = Chrome {
        toolbar: true,
        edit: true,
        contain: false,
    };
}
