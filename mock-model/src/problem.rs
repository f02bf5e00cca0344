//! A thing wrong with a request or an answer, as the pipeline, the journal,
//! the error templates and the proxy's violations all report it.

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where: `["path", "cvm_id"]`, `["body", "items", "0"]`.
    pub location: Vec<String>,
    /// What, for a person.
    pub message: String,
    /// What, for a program (`missing`, `int_parsing`, `string_too_long`, ...).
    pub kind: &'static str,
}

impl Problem {
    /// A problem at `location`.
    pub fn new(location: Vec<String>, message: impl Into<String>, kind: &'static str) -> Self {
        Self {
            location,
            message: message.into(),
            kind,
        }
    }

    /// The location as an RFC 6901 JSON pointer into the exchange:
    /// `/path/cvm_id`, `/header/content-type`, `/body/items/0`.
    pub fn pointer(&self) -> String {
        self.location
            .iter()
            .map(|part| specs::pointer::join("", part))
            .collect()
    }
}
