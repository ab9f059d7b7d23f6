//! Errors and warnings that name the object and the field.

use std::fmt;

/// One problem in a scenario: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The object, as `Kind namespace/name` (or `document N` when it has no
    /// name yet, or `line L` for a syntax error).
    pub object: String,
    /// The field path inside the object (`spec.ports[0].nodePort`), empty
    /// when the problem is the whole object.
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(
        object: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            object: object.into(),
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.object, self.message)
        } else {
            write!(f, "{}: {}: {}", self.object, self.field, self.message)
        }
    }
}

/// Every problem found in one scenario (never empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<Problem>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

/// Collects problems while a scenario is resolved, so that the user sees all
/// of them at once rather than one per attempt.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// What the loader inferred or chose for the user (said once).
    pub notes: Vec<Problem>,
}

impl Sink {
    pub fn error(&mut self, object: &str, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(Problem::new(object, field, message));
    }

    pub fn note(&mut self, object: &str, field: impl Into<String>, message: impl Into<String>) {
        self.notes.push(Problem::new(object, field, message));
    }

    pub fn warn(&mut self, object: &str, field: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Problem::new(object, field, message));
    }
}
