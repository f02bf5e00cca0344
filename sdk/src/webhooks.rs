//! Webhook deliveries: the requests a provider sends the app, verified as
//! [Standard Webhooks](https://www.standardwebhooks.com/) signs them, then
//! read as the payload the document declares (each provider module's
//! `webhooks::Webhook`).
//!
//! A delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
//! `webhook-signature` (`v1,<base64>` items, space-separated) headers (the
//! `svix-` spellings are read too); the signature is HMAC-SHA256 over
//! `<id>.<timestamp>.<body>` with the secret (`whsec_<base64>`). A
//! [`Verifier`] rejects a forged delivery (no signature matches, compared in
//! constant time), a stale one (a timestamp outside the tolerance, five
//! minutes by default, either way) and a replayed one (an id it verified
//! within the tolerance).
//!
//! Providers that sign their own way name their [`Scheme`] in
//! `provider.yaml` (`webhook_signature`), and their module's
//! `webhooks::verifier(secret)` verifies that way: Stripe's
//! `Stripe-Signature: t=<seconds>,v1=<hex>` over `<t>.<body>`, GitHub's
//! `X-Hub-Signature-256: sha256=<hex>` over the body (its delivery id in
//! `X-GitHub-Delivery`, no timestamp), both keyed with the secret as given.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

/// How far a delivery's timestamp may be from now, by default.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// How many delivery ids a [`Verifier`] remembers to refuse replays; the
/// oldest are forgotten first (they are stale by then on any steady load).
const REMEMBERED_IDS: usize = 100_000;

/// Why a delivery was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is not `whsec_` followed by base64 (or is empty).
    #[error("the webhook secret is not `whsec_<base64>`")]
    InvalidSecret,
    /// A header the scheme needs is missing or not text.
    #[error("the delivery has no valid `{0}` header")]
    MissingHeader(&'static str),
    /// `webhook-timestamp` is not a number of seconds.
    #[error("the delivery's timestamp is not Unix seconds")]
    InvalidTimestamp,
    /// The timestamp is further from now than the tolerance.
    #[error("the delivery's timestamp is {seconds} s from now, beyond the tolerance")]
    Stale {
        /// How far it is, either way.
        seconds: u64,
    },
    /// No `v1` signature matches the body with any of the secrets.
    #[error("no signature of the delivery matches its body")]
    Forged,
    /// A delivery with this id was verified already.
    #[error("the delivery `{id}` was received before (a replay)")]
    Replayed {
        /// The `webhook-id`.
        id: String,
    },
    /// The body is not the declared payload of any (or the named) webhook.
    #[error("the payload is not {expected}: {source}")]
    InvalidPayload {
        /// What it was read as.
        expected: String,
        /// Why it does not fit.
        source: serde_json::Error,
    },
    /// The name is not one the provider declares.
    #[error("the provider declares no webhook `{0}`")]
    UnknownWebhook(String),
}

/// A verified delivery with its payload.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Delivery<T> {
    /// The `webhook-id`: the same on every retry of one message.
    pub id: String,
    /// When the provider signed it.
    pub timestamp: SystemTime,
    /// The payload.
    pub payload: T,
}

/// What [`Verifier::verify`] found in a delivery's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The `webhook-id`.
    pub id: String,
    /// When the provider signed it.
    pub timestamp: SystemTime,
}

/// How a provider signs the deliveries it sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// [Standard Webhooks](https://www.standardwebhooks.com/) (Svix, OpenAI,
    /// Resend): `webhook-id`, `webhook-timestamp`, `webhook-signature:
    /// v1,<base64>` over `<id>.<timestamp>.<body>`, keyed with the base64
    /// after `whsec_`.
    #[default]
    StandardWebhooks,
    /// Stripe's: `Stripe-Signature: t=<seconds>,v1=<hex>` over
    /// `<t>.<body>`, keyed with the secret as given (`whsec_...` whole). It
    /// carries no delivery id: the signature stands for one.
    Stripe,
    /// GitHub's: `X-Hub-Signature-256: sha256=<hex>` over the body, keyed
    /// with the secret as given; `X-GitHub-Delivery` is the id. It carries
    /// no timestamp, so nothing is stale: replays are refused by id.
    GitHub,
}

/// Checks deliveries' signatures with one or more secrets (several while a
/// secret is rotated), a timestamp tolerance, and the ids seen within it.
pub struct Verifier {
    /// How the provider signs.
    scheme: Scheme,
    /// One keyed HMAC per secret, cloned for each delivery.
    keys: Vec<Hmac<Sha256>>,
    tolerance: Duration,
    seen: Mutex<Seen>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("scheme", &self.scheme)
            .field("secrets", &format_args!("<{} redacted>", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Seen {
    order: VecDeque<(u64, String)>,
    ids: HashSet<String>,
}

impl Verifier {
    /// A Standard Webhooks verifier for the secret `whsec_<base64>` (as the
    /// provider shows it).
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        Self::with_scheme(Scheme::StandardWebhooks, secret)
    }

    /// A verifier of deliveries signed as `scheme` signs, with `secret`.
    pub fn with_scheme(scheme: Scheme, secret: &str) -> Result<Self, WebhookError> {
        Ok(Self {
            scheme,
            keys: vec![key(scheme, secret)?],
            tolerance: DEFAULT_TOLERANCE,
            seen: Mutex::new(Seen::default()),
        })
    }

    /// Also accepts deliveries signed with `secret` (while one is rotated).
    pub fn also(mut self, secret: &str) -> Result<Self, WebhookError> {
        self.keys.push(key(self.scheme, secret)?);
        Ok(self)
    }

    /// How far a timestamp may be from now (default [`DEFAULT_TOLERANCE`]).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery now: its signature, its timestamp, and that its
    /// id was not verified before.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Verified, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// [`Verifier::verify`] as if it were `now`.
    pub fn verify_at(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Verified, WebhookError> {
        let now_seconds = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let signed = self.signed_parts(headers)?;
        if let Some(timestamp) = signed.timestamp {
            let seconds = now_seconds.abs_diff(timestamp);
            if seconds > self.tolerance.as_secs() {
                return Err(WebhookError::Stale { seconds });
            }
        }
        let matches = self.keys.iter().any(|key| {
            signed.signatures.iter().any(|signature| {
                signed_content(key.clone(), &signed.prefix, body)
                    .verify_slice(signature)
                    .is_ok()
            })
        });
        if !matches {
            return Err(WebhookError::Forged);
        }
        self.remember(&signed.id, now_seconds)?;
        Ok(Verified {
            id: signed.id,
            timestamp: signed
                .timestamp
                .map_or(now, |timestamp| UNIX_EPOCH + Duration::from_secs(timestamp)),
        })
    }

    /// What the scheme's headers say: the id, the timestamp if it has one,
    /// the signatures (decoded) and what precedes the body when signed.
    fn signed_parts(&self, headers: &HeaderMap) -> Result<Signed, WebhookError> {
        let parse_timestamp = |text: &str| {
            text.trim()
                .parse::<u64>()
                .map_err(|_| WebhookError::InvalidTimestamp)
        };
        match self.scheme {
            Scheme::StandardWebhooks => {
                let id = header(headers, "id")?;
                let timestamp = parse_timestamp(header(headers, "timestamp")?)?;
                let signatures = header(headers, "signature")?
                    .split_whitespace()
                    .filter_map(|item| item.strip_prefix("v1,"))
                    .filter_map(|signature| STANDARD.decode(signature).ok())
                    .collect();
                Ok(Signed {
                    prefix: standard_prefix(id, timestamp),
                    id: id.to_owned(),
                    timestamp: Some(timestamp),
                    signatures,
                })
            }
            Scheme::Stripe => {
                let value = named_header(headers, "stripe-signature")?;
                let items = || {
                    value
                        .split(',')
                        .filter_map(|item| item.trim().split_once('='))
                };
                let timestamp = items()
                    .find(|(key, _)| *key == "t")
                    .ok_or(WebhookError::InvalidTimestamp)
                    .and_then(|(_, t)| parse_timestamp(t))?;
                let hex_signatures: Vec<&str> = items()
                    .filter(|(key, _)| *key == "v1")
                    .map(|(_, signature)| signature)
                    .collect();
                Ok(Signed {
                    prefix: stripe_prefix(timestamp),
                    // No delivery id: the first signature stands for one.
                    id: hex_signatures
                        .first()
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    timestamp: Some(timestamp),
                    signatures: hex_signatures.into_iter().filter_map(from_hex).collect(),
                })
            }
            Scheme::GitHub => {
                let id = named_header(headers, "x-github-delivery")?;
                let signature = named_header(headers, "x-hub-signature-256")?;
                Ok(Signed {
                    prefix: Vec::new(),
                    id: id.to_owned(),
                    timestamp: None,
                    signatures: signature
                        .strip_prefix("sha256=")
                        .and_then(from_hex)
                        .into_iter()
                        .collect(),
                })
            }
        }
    }

    /// Records `id`, or refuses it as a replay; forgets ids older than the
    /// tolerance (a replay of those is stale) and the oldest beyond a bound.
    fn remember(&self, id: &str, now: u64) -> Result<(), WebhookError> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let horizon = now.saturating_sub(2 * self.tolerance.as_secs());
        while let Some((at, _)) = seen.order.front() {
            if *at >= horizon && seen.order.len() < REMEMBERED_IDS {
                break;
            }
            if let Some((_, old)) = seen.order.pop_front() {
                seen.ids.remove(&old);
            }
        }
        if !seen.ids.insert(id.to_owned()) {
            return Err(WebhookError::Replayed { id: id.to_owned() });
        }
        seen.order.push_back((now, id.to_owned()));
        Ok(())
    }
}

/// The `webhook-signature` value for a delivery: `v1,<base64>`. For tests
/// of an app's own handler, and for the senders of deliveries.
pub fn sign(secret: &str, id: &str, timestamp: u64, body: &[u8]) -> Result<String, WebhookError> {
    let key = key(Scheme::StandardWebhooks, secret)?;
    let signature = signed_content(key, &standard_prefix(id, timestamp), body)
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(signature)))
}

/// The headers a delivery signed as `scheme` carries (names in lower case):
/// for tests of an app's own handler. A scheme without a timestamp
/// (GitHub's) or an id (Stripe's) leaves it out.
pub fn signed_headers(
    scheme: Scheme,
    secret: &str,
    id: &str,
    timestamp: u64,
    body: &[u8],
) -> Result<Vec<(&'static str, String)>, WebhookError> {
    let hmac = |prefix: &[u8]| {
        key(scheme, secret)
            .map(|key| to_hex(&signed_content(key, prefix, body).finalize().into_bytes()))
    };
    Ok(match scheme {
        Scheme::StandardWebhooks => vec![
            ("webhook-id", id.to_owned()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", sign(secret, id, timestamp, body)?),
        ],
        Scheme::Stripe => vec![(
            "stripe-signature",
            format!("t={timestamp},v1={}", hmac(&stripe_prefix(timestamp))?),
        )],
        Scheme::GitHub => vec![
            ("x-github-delivery", id.to_owned()),
            ("x-hub-signature-256", format!("sha256={}", hmac(b"")?)),
        ],
    })
}

/// A delivery's signed parts, as its scheme's headers give them.
struct Signed {
    id: String,
    timestamp: Option<u64>,
    signatures: Vec<Vec<u8>>,
    /// What precedes the body in the signed content.
    prefix: Vec<u8>,
}

/// A delivery of `payload`, as `verified` says (for generated code).
#[doc(hidden)]
pub fn delivery<T>(verified: Verified, payload: T) -> Delivery<T> {
    Delivery {
        id: verified.id,
        timestamp: verified.timestamp,
        payload,
    }
}

/// Reads `body` as `T`, naming `expected` when it does not fit.
pub fn payload<T: serde::de::DeserializeOwned>(
    body: &[u8],
    expected: &str,
) -> Result<T, WebhookError> {
    serde_json::from_slice(body).map_err(|source| WebhookError::InvalidPayload {
        expected: expected.to_owned(),
        source,
    })
}

/// The HMAC keyed with `secret` as `scheme` reads it: Standard Webhooks'
/// base64 (`whsec_<base64>`, or the base64 alone), the others' text as given.
fn key(scheme: Scheme, secret: &str) -> Result<Hmac<Sha256>, WebhookError> {
    if scheme != Scheme::StandardWebhooks {
        if secret.is_empty() {
            return Err(WebhookError::InvalidSecret);
        }
        return Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .map_err(|_| WebhookError::InvalidSecret);
    }
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .ok()
        .filter(|key| !key.is_empty())
        .ok_or(WebhookError::InvalidSecret)?;
    Hmac::<Sha256>::new_from_slice(&key).map_err(|_| WebhookError::InvalidSecret)
}

/// `mac` over the signed content: the scheme's `prefix`, then the body.
fn signed_content(mut mac: Hmac<Sha256>, prefix: &[u8], body: &[u8]) -> Hmac<Sha256> {
    mac.update(prefix);
    mac.update(body);
    mac
}

/// What precedes the body in a Standard Webhooks signature: `<id>.<timestamp>.`.
fn standard_prefix(id: &str, timestamp: u64) -> Vec<u8> {
    format!("{id}.{timestamp}.").into_bytes()
}

/// What precedes the body in a Stripe signature: `<timestamp>.`.
fn stripe_prefix(timestamp: u64) -> Vec<u8> {
    format!("{timestamp}.").into_bytes()
}

/// The text of the header `name` (lower case).
fn named_header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .ok_or(WebhookError::MissingHeader(name))
}

/// Lower-case hex of `bytes`.
fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of hex text (either case); `None` when it is not hex.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `webhook-<name>`, else Svix's `svix-<name>`.
fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WebhookError> {
    let (standard, svix) = match name {
        "id" => ("webhook-id", "svix-id"),
        "timestamp" => ("webhook-timestamp", "svix-timestamp"),
        _ => ("webhook-signature", "svix-signature"),
    };
    headers
        .get(standard)
        .or_else(|| headers.get(svix))
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty())
        .ok_or(WebhookError::MissingHeader(standard))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    /// Standard Webhooks' own test vector (its specification's reference
    /// implementations share it).
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TIMESTAMP: u64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn headers(signature: &str, timestamp: u64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("webhook-id", HeaderValue::from_static(ID));
        headers.insert("webhook-timestamp", timestamp.into());
        headers.insert("webhook-signature", signature.parse().unwrap());
        headers
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn signs_as_the_specification_does() {
        assert_eq!(sign(SECRET, ID, TIMESTAMP, BODY).unwrap(), SIGNATURE);
    }

    #[test]
    fn a_signed_delivery_is_verified_once() {
        let verifier = Verifier::new(SECRET).unwrap();
        let headers = headers(&format!("v1,bm90IGl0 {SIGNATURE}"), TIMESTAMP);
        let verified = verifier
            .verify_at(&headers, BODY, at(TIMESTAMP + 10))
            .unwrap();
        assert_eq!(verified.id, ID);
        assert_eq!(verified.timestamp, at(TIMESTAMP));
        assert!(matches!(
            verifier.verify_at(&headers, BODY, at(TIMESTAMP + 11)),
            Err(WebhookError::Replayed { id }) if id == ID
        ));
    }

    #[test]
    fn forged_stale_and_unsigned_deliveries_are_refused() {
        let verifier = Verifier::new(SECRET).unwrap();
        let now = at(TIMESTAMP);
        let forged = verifier.verify_at(&headers(SIGNATURE, TIMESTAMP), b"{\"test\": 1}", now);
        assert!(matches!(forged, Err(WebhookError::Forged)));
        let other = Verifier::new("whsec_c2Vjb25k").unwrap();
        let wrong_key = other.verify_at(&headers(SIGNATURE, TIMESTAMP), BODY, now);
        assert!(matches!(wrong_key, Err(WebhookError::Forged)));
        for skew in [-301i64, 301] {
            let stale = verifier.verify_at(
                &headers(SIGNATURE, TIMESTAMP),
                BODY,
                at(TIMESTAMP.checked_add_signed(skew).unwrap()),
            );
            assert!(matches!(stale, Err(WebhookError::Stale { seconds: 301 })));
        }
        let mut unsigned = headers(SIGNATURE, TIMESTAMP);
        unsigned.remove("webhook-signature");
        assert!(matches!(
            verifier.verify_at(&unsigned, BODY, now),
            Err(WebhookError::MissingHeader("webhook-signature"))
        ));
        assert!(matches!(
            Verifier::new("whsec_"),
            Err(WebhookError::InvalidSecret)
        ));
    }

    #[test]
    fn svix_headers_and_a_rotated_secret_are_accepted() {
        let verifier = Verifier::new("whsec_c2Vjb25k")
            .unwrap()
            .also(SECRET)
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("svix-id", HeaderValue::from_static(ID));
        headers.insert("svix-timestamp", TIMESTAMP.into());
        headers.insert("svix-signature", HeaderValue::from_static(SIGNATURE));
        assert!(verifier.verify_at(&headers, BODY, at(TIMESTAMP)).is_ok());
        assert!(!format!("{verifier:?}").contains("MfKQ"));
    }

    #[test]
    fn stripe_signatures_are_hex_over_the_timestamp_and_body() {
        // Computed independently: Python's `hmac` over `t.body`.
        let secret = "whsec_stripe_test_secret";
        let body = br#"{"id": "evt_1"}"#;
        let hex = "4893069427a27df96b1d60b559405cf6c0b74357aecc9f890da085945b263232";
        let signed = signed_headers(Scheme::Stripe, secret, "ignored", TIMESTAMP, body).unwrap();
        assert_eq!(
            signed,
            [("stripe-signature", format!("t={TIMESTAMP},v1={hex}"))]
        );
        let verifier = Verifier::with_scheme(Scheme::Stripe, secret).unwrap();
        let mut delivery = HeaderMap::new();
        // Stripe lists a signature per secret in use; one matching will do.
        let value = format!("t={TIMESTAMP},v1=00ff,v0=abc,v1={hex}");
        delivery.insert("stripe-signature", value.parse().unwrap());
        let verified = verifier.verify_at(&delivery, body, at(TIMESTAMP)).unwrap();
        assert_eq!(verified.timestamp, at(TIMESTAMP));
        assert!(matches!(
            verifier.verify_at(&delivery, body, at(TIMESTAMP)),
            Err(WebhookError::Replayed { .. })
        ));
        assert!(matches!(
            Verifier::with_scheme(Scheme::Stripe, secret)
                .unwrap()
                .verify_at(&delivery, b"{}", at(TIMESTAMP)),
            Err(WebhookError::Forged)
        ));
        assert!(matches!(
            Verifier::with_scheme(Scheme::Stripe, secret)
                .unwrap()
                .verify_at(&delivery, body, at(TIMESTAMP + 3600)),
            Err(WebhookError::Stale { seconds: 3600 })
        ));
        // Standard Webhooks' headers are not Stripe's.
        assert!(matches!(
            verifier.verify_at(&headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP)),
            Err(WebhookError::MissingHeader("stripe-signature"))
        ));
    }

    #[test]
    fn github_signatures_are_hex_over_the_body_with_no_timestamp() {
        // GitHub's documentation's own example.
        let secret = "It's a Secret to Everybody";
        let body = b"Hello, World!";
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        let signed = signed_headers(Scheme::GitHub, secret, "delivery-1", 0, body).unwrap();
        assert_eq!(
            signed,
            [
                ("x-github-delivery", "delivery-1".to_owned()),
                ("x-hub-signature-256", expected.to_owned())
            ]
        );
        let verifier = Verifier::with_scheme(Scheme::GitHub, secret).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-github-delivery", HeaderValue::from_static("delivery-1"));
        headers.insert("x-hub-signature-256", HeaderValue::from_static(expected));
        // No timestamp: a delivery of any age verifies once.
        let verified = verifier.verify_at(&headers, body, at(TIMESTAMP)).unwrap();
        assert_eq!(
            (verified.id.as_str(), verified.timestamp),
            ("delivery-1", at(TIMESTAMP))
        );
        assert!(matches!(
            verifier.verify_at(&headers, body, at(TIMESTAMP)),
            Err(WebhookError::Replayed { .. })
        ));
        headers.insert("x-github-delivery", HeaderValue::from_static("delivery-2"));
        assert!(matches!(
            verifier.verify_at(&headers, b"Hello, World?", at(TIMESTAMP)),
            Err(WebhookError::Forged)
        ));
        headers.remove("x-hub-signature-256");
        assert!(matches!(
            verifier.verify_at(&headers, body, at(TIMESTAMP)),
            Err(WebhookError::MissingHeader("x-hub-signature-256"))
        ));
        assert!(Verifier::with_scheme(Scheme::GitHub, "").is_err());
    }

    #[test]
    fn hex_is_read_in_either_case_and_nothing_else() {
        assert_eq!(from_hex("00fFa0"), Some(vec![0, 255, 160]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
        assert_eq!(to_hex(&[0, 255, 160]), "00ffa0");
    }

    #[test]
    fn old_ids_are_forgotten_once_stale() {
        let verifier = Verifier::new(SECRET).unwrap();
        verifier.remember("a", 1_000).unwrap();
        verifier.remember("b", 2_000).unwrap();
        let seen = verifier.seen.lock().unwrap();
        assert_eq!(seen.order.len(), 1);
        assert!(seen.ids.contains("b"));
    }
}
