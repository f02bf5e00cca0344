//! What the workspace's tests share about the documents, so the contract
//! suite and the mock server's HTTP tests check against one reading of them:
//!
//! - [`bodies`]: a valid JSON request body per operation (the document's
//!   example, else generated), checked against the verbatim document;
//! - [`documents`]: validators for declared bodies, built from the corrected (`resolved`)
//!   documents (JSON Schema 2020-12, formats asserted), and violations with
//!   their JSON pointers;
//! - [`values`]: parameter values a schema accepts (also ids no resource can
//!   have) and values it rejects, arguments and paths built from them;
//! - [`bad_bodies`]: request bodies breaking one constraint of one member;
//! - [`expect`]: expectations derived from HTTP and the documents, never from
//!   the generators: credentials, the validation status;
//! - [`corpus`]: a check run over every third-party document;
//! - [`raw_server`]: a loopback server sending whatever bytes a test sets;
//! - [`sdk`] (feature `sdk`): the generated SDK called generically, with
//!   valid calls of the whole catalogue.

mod bad_bodies;
pub mod bodies;
mod breaking;
pub mod corpus;
pub mod documents;
pub mod expect;
pub mod raw_server;
#[cfg(feature = "sdk")]
pub mod sdk;
pub mod values;

pub use bad_bodies::{BadBody, UNKNOWN_MEMBER, bad_bodies};
pub use bodies::{BodyError, check_sent_body, form_body, request_body};
pub use documents::{DeclaredBody, InvalidSchema, Violation, declared_body, violations};
pub use expect::{BASIC_USER, Credentials, check_refusal, credentials, names_exactly};
pub use values::{
    BadValue, SdkHandling, bad_values, decode_segment, expected_segments, fill_path,
    nonexistent_value, query_values, request_target, request_target_as, valid_arguments,
    valid_header_value, valid_value,
};

/// A reqwest client for loopback servers. When the workspace is built as a
/// whole, reqwest carries the sdk crate's `rustls-no-provider` and panics on
/// `Client::new()` unless a rustls crypto provider is installed, even for
/// plain `http://`; ring's is (an error only means one already is).
pub fn http_client() -> reqwest::Client {
    // *ring* needs no C build; rustls 0.23.48 deprecates it for lacking a
    // post-quantum key exchange, which loopback tests do not need.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
