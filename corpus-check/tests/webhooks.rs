//! Every webhook and callback of each compiled corpus document, end to end:
//! `mock-server --spec` sends it (`POST /__mock/webhooks`) to a loopback
//! receiver, signed with its test secret; the document's generated SDK
//! verifies the delivery and reads it as that webhook's payload. The same
//! delivery with one byte changed is refused as forged, and sent again as a
//! replay.

use std::time::Duration;

use mock_server::{Config, MockServer, Spec, WEBHOOK_TEST_SECRET};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sdk::webhooks::{Verifier, WebhookError};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_declared_webhook_is_delivered_signed_and_read_typed() {
    let http = test_support::http_client();
    let mut delivered = 0;
    let mut failures = Vec::new();
    for &name in corpus_check::WITH_WEBHOOKS {
        let dir = specs::repository_root().join("specs/corpus").join(name);
        let provider = specs::load_provider(&dir).expect("build.rs loaded it");
        let mock = MockServer::start(Config::serving([Spec::named(name, dir)]))
            .await
            .unwrap_or_else(|e| panic!("{name}: the mock does not start: {e}"));
        let (url, mut received) = receiver().await;
        let verifier = Verifier::new(WEBHOOK_TEST_SECRET).expect("the test secret is valid");
        for webhook in &provider.webhooks {
            let row = format!("{name} {}", webhook.name);
            let sent = http
                .post(format!("{}/__mock/webhooks", mock.uri()))
                .json(&serde_json::json!({"provider": name, "webhook": webhook.name, "url": url}))
                .send()
                .await
                .expect("the mock answers");
            if sent.status() != 202 {
                failures.push(format!(
                    "{row}: /__mock/webhooks answered {}",
                    sent.status()
                ));
                continue;
            }
            let Ok(Some((headers, body))) =
                tokio::time::timeout(Duration::from_secs(30), received.recv()).await
            else {
                failures.push(format!("{row}: nothing was delivered"));
                continue;
            };
            let read = corpus_check::parse_webhook(name, &verifier, &webhook.name, &headers, &body)
                .expect("the module has webhooks");
            match read {
                Ok(read) if read == webhook.name => delivered += 1,
                Ok(other) => failures.push(format!("{row}: read as `{other}`")),
                Err(error) => failures.push(format!("{row}: {error}")),
            }
            let mut forged = body.clone();
            forged.push(b' ');
            let refused =
                corpus_check::parse_webhook(name, &verifier, &webhook.name, &headers, &forged);
            if !matches!(refused, Some(Err(WebhookError::Forged))) {
                failures.push(format!(
                    "{row}: a changed body was not refused as forged: {refused:?}"
                ));
            }
            let replayed =
                corpus_check::parse_webhook(name, &verifier, &webhook.name, &headers, &body);
            if !matches!(replayed, Some(Err(WebhookError::Replayed { .. }))) {
                failures.push(format!("{row}: a replay was not refused: {replayed:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if !corpus_check::WITH_WEBHOOKS.is_empty() {
        assert!(delivered > 0, "no webhook was delivered");
    }
    eprintln!("webhooks: {delivered} delivered, verified and read");
}

/// A loopback receiver answering `204` to each request, handing its headers
/// and body to the test as they arrive.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}/hooks", listener.local_addr().expect("bound"));
    let (sender, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                while let Some(request) = test_support::raw_server::read_request(&mut stream).await
                {
                    let _ = stream
                        .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    let _ = sender.send(split(&request));
                }
            });
        }
    });
    (url, received)
}

/// A raw request's headers and body.
fn split(request: &[u8]) -> (HeaderMap, Vec<u8>) {
    let end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(request.len(), |at| at + 4);
    let head = String::from_utf8_lossy(&request[..end]);
    let mut headers = HeaderMap::new();
    for line in head.lines().skip(1) {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(name, value);
        }
    }
    (headers, request[end..].to_vec())
}
