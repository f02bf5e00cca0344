//! `POST /__mock/webhooks`: the mock sends a provider's declared webhook
//! (or callback) to a URL the caller names, signed as the provider signs
//! (`webhook_signature` in `provider.yaml`): by default as Standard
//! Webhooks does (`webhook-id`, `webhook-timestamp`, `webhook-signature:
//! v1,<base64 HMAC-SHA256 of id.timestamp.body>`), else as Stripe
//! (`Stripe-Signature: t=<seconds>,v1=<hex of t.body>`) or GitHub
//! (`X-GitHub-Delivery`, `X-Hub-Signature-256: sha256=<hex of body>`) do,
//! those two keyed with the secret's text as given; retried on failure,
//! each delivery and its attempts listed by `GET /__mock/webhooks`.
//!
//! The payload is the caller's (`"payload"`), else the document's example
//! or one synthesised from the payload's schema (the model's). The secret is
//! `--webhook-secret whsec_...`, else [`TEST_SECRET`], printed at start-up.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::HeaderValue;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::model::{Provider, Webhook, WebhookSignature};
use crate::mount::Mount;
use crate::pipeline::request::truncate;

/// The secret deliveries are signed with when `--webhook-secret` is not given.
pub const TEST_SECRET: &str = "whsec_bW9jay1zZXJ2ZXIgd2ViaG9vayB0ZXN0IHNlY3JldA==";

/// [`TEST_SECRET`]'s key.
const TEST_KEY: &[u8] = b"mock-server webhook test secret";

/// Attempts per delivery, and the wait before each retry.
const RETRY_DELAYS: [Duration; 2] = [Duration::from_millis(500), Duration::from_secs(2)];

/// How long one attempt may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Deliveries listed; the oldest are forgotten first.
const KEPT_DELIVERIES: usize = 1000;

/// Why a webhook secret cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("--webhook-secret must be `whsec_` followed by base64 (Standard Webhooks' format)")]
pub struct InvalidSecret;

/// The signing key, the client that delivers, and what was delivered.
pub(crate) struct Webhooks {
    /// The HMAC keyed with the secret's bytes (Standard Webhooks' base64),
    /// cloned for each signature.
    key: Hmac<Sha256>,
    /// The HMAC keyed with the secret's text as given (Stripe's, GitHub's).
    text_key: Hmac<Sha256>,
    /// Built on the first delivery (a server that sends none builds none).
    client: OnceLock<Option<reqwest::Client>>,
    deliveries: Mutex<VecDeque<Arc<Mutex<Delivery>>>>,
    next: Mutex<u64>,
}

/// One delivery and its attempts, as listed.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Delivery {
    id: String,
    provider: &'static str,
    webhook: &'static str,
    /// The operation whose request named the URL, for a callback.
    #[serde(skip_serializing_if = "Option::is_none")]
    operation_id: Option<&'static str>,
    url: String,
    /// `pending`, `delivered` or `failed`.
    state: &'static str,
    attempts: Vec<Attempt>,
}

#[derive(Debug, Clone, Serialize)]
struct Attempt {
    /// The receiver's status, when it answered.
    status: Option<u16>,
    /// Why there is no (2xx) status.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Webhooks {
    /// Signing with [`TEST_SECRET`].
    pub(crate) fn test() -> Self {
        // HMAC pads a short key with zeros to the block size: keyed with the
        // padded block, it is the same MAC, built without a fallible call.
        let mut block = [0u8; 64];
        block[..TEST_KEY.len()].copy_from_slice(TEST_KEY);
        let mut text = [0u8; 64];
        text[..TEST_SECRET.len()].copy_from_slice(TEST_SECRET.as_bytes());
        Self::with_keys(Hmac::new(&block.into()), Hmac::new(&text.into()))
    }

    /// Signing with `secret` (`whsec_<base64>`), [`TEST_SECRET`] without one.
    pub(crate) fn new(secret: Option<&str>) -> Result<Self, InvalidSecret> {
        let Some(secret) = secret else {
            return Ok(Self::test());
        };
        let key = secret
            .strip_prefix("whsec_")
            .and_then(|encoded| STANDARD.decode(encoded).ok())
            .filter(|key| !key.is_empty())
            .ok_or(InvalidSecret)?;
        Ok(Self::with_keys(
            Hmac::new_from_slice(&key).map_err(|_| InvalidSecret)?,
            Hmac::new_from_slice(secret.as_bytes()).map_err(|_| InvalidSecret)?,
        ))
    }

    fn with_keys(key: Hmac<Sha256>, text_key: Hmac<Sha256>) -> Self {
        Self {
            key,
            text_key,
            client: OnceLock::new(),
            deliveries: Mutex::new(VecDeque::new()),
            next: Mutex::new(0),
        }
    }

    fn client(&self) -> Option<&reqwest::Client> {
        self.client
            .get_or_init(|| {
                crate::proxy::upstream::ensure_crypto_provider();
                // Deliveries are not redirected: a receiver's answer is its own.
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(ATTEMPT_TIMEOUT)
                    .build()
                    .ok()
            })
            .as_ref()
    }

    pub(crate) fn list(&self) -> Vec<Delivery> {
        lock(&self.deliveries)
            .iter()
            .map(|delivery| lock(delivery).clone())
            .collect()
    }

    fn signature(&self, id: &str, timestamp: u64, body: &[u8]) -> String {
        let mut mac = self.key.clone();
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// The headers that sign a delivery as `scheme` does.
    fn signed_headers(
        &self,
        scheme: WebhookSignature,
        id: &str,
        timestamp: u64,
        body: &[u8],
    ) -> Vec<(&'static str, String)> {
        let hex = |prefix: &[u8]| {
            let mut mac = self.text_key.clone();
            mac.update(prefix);
            mac.update(body);
            let bytes = mac.finalize().into_bytes();
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        match scheme {
            WebhookSignature::StandardWebhooks => vec![
                ("webhook-id", id.to_owned()),
                ("webhook-timestamp", timestamp.to_string()),
                ("webhook-signature", self.signature(id, timestamp, body)),
            ],
            WebhookSignature::Stripe => vec![(
                "stripe-signature",
                format!(
                    "t={timestamp},v1={}",
                    hex(format!("{timestamp}.").as_bytes())
                ),
            )],
            WebhookSignature::Github => vec![
                ("x-github-delivery", id.to_owned()),
                ("x-hub-signature-256", format!("sha256={}", hex(b""))),
            ],
        }
    }
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks").finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Webhooks {
    /// Forgets the deliveries (those under way go on).
    pub(crate) fn clear(&self) {
        lock(&self.deliveries).clear();
    }

    /// Starts the delivery `request` asks for (`{"provider", "webhook",
    /// "url", "payload"?}`, a provider of `mounts`) in the background: its
    /// id, provider and webhook, or why the request cannot be delivered.
    pub(crate) fn send(
        self: &Arc<Self>,
        mounts: &[Mount],
        request: &[u8],
    ) -> Result<Value, String> {
        let request: Value = match serde_json::from_slice(request) {
            Ok(Value::Object(request)) => Value::Object(request),
            _ => {
                return Err(
                    "the body must be a JSON object: {\"provider\", \"webhook\", \"url\", \"payload\"?}"
                        .into(),
                );
            }
        };
        let text = |name: &str| request.get(name).and_then(Value::as_str);
        let (Some(provider), Some(name), Some(url)) =
            (text("provider"), text("webhook"), text("url"))
        else {
            return Err("`provider`, `webhook` and `url` are required strings".into());
        };
        let Some(mount) = mounts.iter().find(|m| m.provider.name == provider) else {
            return Err(format!("no provider `{provider}` is served"));
        };
        let Some(webhook) = mount.provider.webhooks.iter().find(|w| w.name == name) else {
            let declared: Vec<&str> = mount.provider.webhooks.iter().map(|w| w.name).collect();
            return Err(format!(
                "`{provider}` declares no webhook `{name}`; declared: [{}]",
                declared.join(", ")
            ));
        };
        let url = http_url(url).map_err(|refused| refused.to_string())?;
        let payload = match request.get("payload") {
            Some(payload) => Bytes::from(payload.to_string()),
            None => documented_payload(webhook),
        };
        let id = self.deliver(mount.provider, webhook, url, payload, None);
        Ok(json!({ "id": id, "provider": provider, "webhook": name }))
    }

    /// Starts delivering `payload` as `provider`'s `webhook` to `url` in the
    /// background, listed from now on; its id. `operation_id`: the operation
    /// whose request named the URL, for a callback.
    pub(crate) fn deliver(
        self: &Arc<Self>,
        provider: &'static Provider,
        webhook: &'static Webhook,
        url: reqwest::Url,
        payload: Bytes,
        operation_id: Option<&'static str>,
    ) -> String {
        let id = {
            let mut next = lock(&self.next);
            *next += 1;
            format!("msg_mock{:016x}", *next)
        };
        let delivery = Arc::new(Mutex::new(Delivery {
            id: id.clone(),
            provider: provider.name,
            webhook: webhook.name,
            operation_id,
            url: url.to_string(),
            state: "pending",
            attempts: Vec::new(),
        }));
        {
            let mut deliveries = lock(&self.deliveries);
            if deliveries.len() == KEPT_DELIVERIES {
                deliveries.pop_front();
            }
            deliveries.push_back(delivery.clone());
        }
        let scheme = provider.webhook_signature;
        tokio::spawn(deliver(
            self.clone(),
            webhook,
            scheme,
            url,
            payload,
            delivery,
        ));
        id
    }
}

/// Why a URL is not one the mock sends a webhook or callback to.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum UrlRefused {
    /// Not an `http(s)` URL (cut to 256 characters).
    #[error("`{0}` is not an http(s) URL")]
    NotHttp(String),
    /// It holds a user name or password (not echoed: a secret).
    #[error("the URL holds a user name or password; the mock sends no credentials")]
    Credentials,
}

/// `text` as an `http(s)` URL without a user name or password.
pub(crate) fn http_url(text: &str) -> Result<reqwest::Url, UrlRefused> {
    match reqwest::Url::parse(text) {
        Ok(url) if !url.username().is_empty() || url.password().is_some() => {
            Err(UrlRefused::Credentials)
        }
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(UrlRefused::NotHttp(truncate(text, 256).to_string())),
    }
}

/// The document's first payload of `webhook` (its example, else one
/// synthesised from its schema).
pub(crate) fn documented_payload(webhook: &'static Webhook) -> Bytes {
    Bytes::from_static(webhook.payloads.first().map_or("{}", |p| p.body).as_bytes())
}

/// Sends `payload` until a 2xx answer or the attempts run out.
async fn deliver(
    webhooks: Arc<Webhooks>,
    webhook: &'static Webhook,
    scheme: WebhookSignature,
    url: reqwest::Url,
    payload: Bytes,
    delivery: Arc<Mutex<Delivery>>,
) {
    let (id, operation) = {
        let delivery = lock(&delivery);
        // A callback says which operation's request named its URL.
        (delivery.id.clone(), delivery.operation_id.unwrap_or("-"))
    };
    let method =
        reqwest::Method::from_bytes(webhook.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let delays = std::iter::once(Duration::ZERO).chain(RETRY_DELAYS);
    for delay in delays {
        tokio::time::sleep(delay).await;
        let attempt = match webhooks.client() {
            None => Attempt {
                status: None,
                error: Some("the mock's HTTP client could not be built".into()),
            },
            Some(client) => {
                // Each attempt is signed afresh: a retry's timestamp is its own.
                let timestamp = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                let content_type = HeaderValue::from_str(webhook.content_type)
                    .unwrap_or(HeaderValue::from_static("application/json"));
                let mut request = client
                    .request(method.clone(), url.clone())
                    .header("content-type", content_type);
                for (name, value) in webhooks.signed_headers(scheme, &id, timestamp, &payload) {
                    request = request.header(name, value);
                }
                let sent = request.body(payload.clone()).send().await;
                match sent {
                    Ok(answer) => Attempt {
                        status: Some(answer.status().as_u16()),
                        error: (!answer.status().is_success())
                            .then(|| "the receiver did not answer 2xx".into()),
                    },
                    Err(error) => Attempt {
                        status: None,
                        error: Some(error.without_url().to_string()),
                    },
                }
            }
        };
        let delivered = attempt.error.is_none();
        let mut record = lock(&delivery);
        record.attempts.push(attempt);
        if delivered {
            record.state = "delivered";
            tracing::info!(webhook = webhook.name, id = %id, operation, "webhook delivered");
            return;
        }
    }
    lock(&delivery).state = "failed";
    tracing::warn!(webhook = webhook.name, id = %id, operation, "webhook not delivered");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_as_standard_webhooks_specifies() {
        // The specification's own test vector.
        let webhooks = Webhooks::new(Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).unwrap();
        assert_eq!(
            webhooks.signature(
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        assert!(Webhooks::new(Some("not-a-secret")).is_err());
        // Stripe's and GitHub's, keyed with the text as given: the values
        // Python's `hmac` gives.
        let secret = Webhooks::new(Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).unwrap();
        assert_eq!(
            secret.signed_headers(WebhookSignature::Stripe, "id", 1614265330, b"{}"),
            [(
                "stripe-signature",
                "t=1614265330,v1=f0350121c22e0191dba7cbf90fa37bdb0dcf44bb6e9a1e1ef2e47d6191282643"
                    .to_owned()
            )]
        );
        assert_eq!(
            secret.signed_headers(WebhookSignature::Github, "d-1", 0, b"{}"),
            [
                ("x-github-delivery", "d-1".to_owned()),
                (
                    "x-hub-signature-256",
                    "sha256=6cbbcdf2c8016ca85b50543b19e8e121ef16137967bdfa3ce660972922bafaeb"
                        .to_owned()
                )
            ]
        );
        // The test secret keyed as text without a fallible call.
        let text = Webhooks::test().signed_headers(WebhookSignature::Github, "d", 0, b"{}");
        let given = Webhooks::new(Some(TEST_SECRET)).unwrap();
        assert_eq!(
            text,
            given.signed_headers(WebhookSignature::Github, "d", 0, b"{}")
        );
        let test = Webhooks::new(Some(TEST_SECRET)).unwrap();
        assert_eq!(
            test.signature("id", 1, b"{}"),
            Webhooks::test().signature("id", 1, b"{}")
        );
    }
}
