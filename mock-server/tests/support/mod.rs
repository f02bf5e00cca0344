//! What the HTTP tests share.

/// A reqwest client for the loopback mock. When the workspace is built as a
/// whole, reqwest carries the sdk crate's `rustls-no-provider` and panics on
/// `Client::new()` unless a rustls crypto provider is installed, even for
/// plain `http://`; ring's is (an error only means one already is).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
