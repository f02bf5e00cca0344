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
pub use breaking::SdkHandling;
pub use documents::{DeclaredBody, InvalidSchema, Violation, declared_body, violations};
pub use expect::{BASIC_USER, Credentials, check_refusal, credentials, names_exactly};
pub use values::{
    BadValue, bad_values, decode_segment, expected_segments, fill_path, nonexistent_value,
    query_values, request_target, request_target_as, valid_arguments, valid_header_value,
    valid_value,
};

/// A reqwest client for loopback servers, which speak plain HTTP: its TLS
/// configuration trusts no root, built once per process. reqwest's own
/// (`Client::new()`) reads and parses the platform's whole certificate
/// store for every client, about 30 ms in a debug build, which was four
/// fifths of a test sending a thousand requests; and under the workspace's
/// `rustls-no-provider` it panics without a process-wide crypto provider.
pub fn http_client() -> reqwest::Client {
    static TLS: std::sync::OnceLock<rustls::ClientConfig> = std::sync::OnceLock::new();
    let tls = TLS.get_or_init(|| {
        // *ring* needs no C build; rustls 0.23.48 deprecates it for lacking
        // a post-quantum key exchange, which loopback tests do not need.
        #[allow(deprecated)]
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports TLS 1.2 and 1.3")
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    });
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls.clone())
        .build()
        .expect("a client with a preconfigured rustls configuration builds")
}

/// What the tests compare of an answer: its status, its `content-type`
/// (empty when it has none) and its whole body.
pub async fn read_answer(response: reqwest::Response) -> (u16, String, Vec<u8>) {
    let status = response.status().as_u16();
    let content_type = match response.headers().get(reqwest::header::CONTENT_TYPE) {
        Some(value) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
        None => String::new(),
    };
    let body = response.bytes().await.map(Vec::from).unwrap_or_default();
    (status, content_type, body)
}
