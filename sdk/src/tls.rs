//! The HTTPS stack of the clients the SDK builds, chosen by Cargo feature.
//!
//! - `rustls` (default): rustls with the `ring` crypto provider, verifying
//!   servers against the platform's root certificates (the same
//!   `rustls-platform-verifier` reqwest uses for its own default). No cmake,
//!   no aws-lc-sys C build.
//! - `aws-lc-rs`: reqwest's own rustls set-up, with aws-lc-rs.
//! - `native-tls`: the platform's TLS library (OpenSSL on Linux).
//!
//! When several are enabled (Cargo unifies features across a dependency
//! graph), the opt-in one wins: `native-tls`, then `aws-lc-rs`, then `rustls`.
//! With none, clients speak plain HTTP only and an `https://` base URL is a
//! [`ConfigError::HttpsWithoutTls`].

#[cfg(not(any(feature = "native-tls", feature = "aws-lc-rs", feature = "rustls")))]
use crate::ConfigError;

/// Sets up `builder`'s TLS. `extra_roots` (DER certificates trusted besides
/// the platform's) exists for tests' loopback servers and is honoured by the
/// `ring` set-up only.
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: &[&[u8]],
) -> Result<reqwest::ClientBuilder, crate::ConfigError> {
    #[cfg(feature = "native-tls")]
    {
        let _ = extra_roots;
        Ok(builder.tls_backend_native())
    }
    #[cfg(all(feature = "aws-lc-rs", not(feature = "native-tls")))]
    {
        let _ = extra_roots;
        Ok(builder.tls_backend_rustls())
    }
    #[cfg(all(
        feature = "rustls",
        not(feature = "aws-lc-rs"),
        not(feature = "native-tls")
    ))]
    {
        Ok(builder.tls_backend_preconfigured(ring::client_config(extra_roots)?))
    }
    #[cfg(not(any(feature = "native-tls", feature = "aws-lc-rs", feature = "rustls")))]
    {
        let _ = extra_roots;
        Ok(builder)
    }
}

/// Refuses an `https://` base URL when no TLS feature is compiled in, rather
/// than failing every call with a transport error.
pub(crate) fn check_scheme(url: &reqwest::Url) -> Result<(), crate::ConfigError> {
    #[cfg(not(any(feature = "native-tls", feature = "aws-lc-rs", feature = "rustls")))]
    if url.scheme() == "https" {
        return Err(ConfigError::HttpsWithoutTls);
    }
    let _ = url;
    Ok(())
}

#[cfg(all(
    feature = "rustls",
    not(feature = "aws-lc-rs"),
    not(feature = "native-tls")
))]
mod ring {
    use std::sync::{Arc, OnceLock};

    use rustls::pki_types::CertificateDer;

    use crate::ConfigError;

    /// A rustls configuration with the `ring` provider, the platform's roots
    /// (plus `extra_roots`), TLS 1.2 and 1.3, and ALPN offering HTTP/2 (with
    /// the `http2` feature) and HTTP/1.1: what reqwest sets on configurations
    /// it builds itself; a preconfigured one is used as it is.
    ///
    /// The provider is passed explicitly rather than installed process-wide,
    /// so an application's own choice of default provider is left alone.
    ///
    /// Without `extra_roots` the configuration is built once per process and
    /// cloned (a few `Arc`s): reading the platform's roots parses every
    /// certificate of the system store, which would otherwise be paid by
    /// every client built. Roots added to the system store later reach
    /// clients of a new process.
    pub(super) fn client_config(
        extra_roots: &[&[u8]],
    ) -> Result<rustls::ClientConfig, ConfigError> {
        static PLATFORM_ROOTS_ONLY: OnceLock<rustls::ClientConfig> = OnceLock::new();
        if !extra_roots.is_empty() {
            return build(extra_roots);
        }
        if let Some(config) = PLATFORM_ROOTS_ONLY.get() {
            return Ok(config.clone());
        }
        // A failure is not kept: the next client tries again.
        let config = build(&[])?;
        Ok(PLATFORM_ROOTS_ONLY.get_or_init(|| config).clone())
    }

    /// rustls's *ring* provider: no C build (aws-lc-sys needs cmake), at
    /// the cost of the post-quantum key exchange rustls 0.23.48 deprecates
    /// it for; an app that wants that builds with the `aws-lc-rs` feature.
    #[allow(deprecated)]
    fn provider() -> rustls::crypto::CryptoProvider {
        rustls::crypto::ring::default_provider()
    }

    fn build(extra_roots: &[&[u8]]) -> Result<rustls::ClientConfig, ConfigError> {
        let provider = Arc::new(provider());
        let extra_roots = extra_roots
            .iter()
            .map(|der| CertificateDer::from(der.to_vec()));
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider.clone())
                .map_err(|error| ConfigError::Tls(Box::new(error)))?;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| ConfigError::Tls(Box::new(error)))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        config.alpn_protocols = alpn_protocols();
        Ok(config)
    }

    /// What the client offers in ALPN: never HTTP/2 without the `http2`
    /// feature, or a server choosing it would get HTTP/1.1 bytes.
    fn alpn_protocols() -> Vec<Vec<u8>> {
        let mut protocols = Vec::new();
        if cfg!(feature = "http2") {
            protocols.push(b"h2".to_vec());
        }
        protocols.push(b"http/1.1".to_vec());
        protocols
    }

    #[cfg(test)]
    mod tests {
        use std::io::{Read, Write};
        use std::net::TcpListener;

        use rustls::pki_types::PrivateKeyDer;
        use rustls::pki_types::pem::PemObject;

        use super::*;
        use crate::test_client::TestClient;

        const CERT: &[u8] = include_bytes!("../tests/fixtures/localhost.cert.pem");
        const KEY: &[u8] = include_bytes!("../tests/fixtures/localhost.key.pem");

        /// A loopback HTTPS server with the self-signed `localhost` certificate
        /// answering one request with a JSON 200; the thread returns the
        /// request head, or why the connection failed.
        fn serve_once() -> (u16, std::thread::JoinHandle<Result<String, String>>) {
            let cert = CertificateDer::from_pem_slice(CERT).unwrap();
            let key = PrivateKeyDer::from_pem_slice(KEY).unwrap();
            let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(vec![cert], key)
                .unwrap();
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            let server = std::thread::spawn(move || {
                let (tcp, _) = listener.accept().map_err(|e| e.to_string())?;
                let connection =
                    rustls::ServerConnection::new(Arc::new(config)).map_err(|e| e.to_string())?;
                let mut tls = rustls::StreamOwned::new(connection, tcp);
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer) {
                        Ok(0) => return Err("closed before a request".into()),
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                        Err(error) => return Err(error.to_string()),
                    }
                }
                let body = br#"{"message":"Task cancelled","status":"cancelled","task_id":1}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                tls.write_all(head.as_bytes())
                    .and_then(|()| tls.write_all(body))
                    .map_err(|e| e.to_string())?;
                tls.conn.send_close_notify();
                tls.flush().map_err(|e| e.to_string())?;
                Ok(String::from_utf8_lossy(&request).into_owned())
            });
            (port, server)
        }

        fn client(port: u16, extra_roots: &[&[u8]]) -> TestClient {
            crate::ClientBuilder::<TestClient>::default()
                .base_url(format!("https://127.0.0.1:{port}"))
                .api_key("tls-test-key")
                .retries(0)
                .build_trusting(extra_roots)
                .unwrap()
        }

        #[test]
        fn the_default_stack_is_ring_with_roots_and_alpn() {
            let config = client_config(&[]).expect("the platform's roots load");
            let ring = provider();
            let suites = |suites: &[rustls::SupportedCipherSuite]| {
                suites.iter().map(|s| s.suite()).collect::<Vec<_>>()
            };
            assert_eq!(
                suites(&config.crypto_provider().cipher_suites),
                suites(&ring.cipher_suites)
            );
            let offered: &[&[u8]] = if cfg!(feature = "http2") {
                &[b"h2", b"http/1.1"]
            } else {
                &[b"http/1.1"]
            };
            assert_eq!(config.alpn_protocols, offered);
        }

        #[tokio::test]
        async fn https_through_the_default_stack_reaches_a_trusted_server() {
            let (port, server) = serve_once();
            let cert = CertificateDer::from_pem_slice(CERT).unwrap();
            let client = client(port, &[cert.as_ref()]);
            let response = client
                .client
                .post(format!("{}/tasks/1/cancel", client.base_url()))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["status"], "cancelled");
            let request = server.join().unwrap().unwrap().to_ascii_lowercase();
            assert!(
                request.starts_with("post /tasks/1/cancel http/1.1"),
                "{request}"
            );
        }

        #[tokio::test]
        async fn https_refuses_a_certificate_no_root_vouches_for() {
            let (port, server) = serve_once();
            let client = client(port, &[]);
            let error = client
                .client
                .post(format!("{}/tasks/1/cancel", client.base_url()))
                .send()
                .await
                .unwrap_err();
            assert!(error.is_connect(), "{error}");
            let mut chain = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                chain.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            // rustls's words for any refused certificate (which reason depends on the platform's roots).
            assert!(chain.contains("invalid peer certificate"), "{chain}");
            let refused = server.join().unwrap().unwrap_err();
            assert!(refused.contains("alert"), "{refused}");
        }
    }
}
