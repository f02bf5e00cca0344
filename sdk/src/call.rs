//! One logical call: attempts, retries with backoff, timeouts, tracing.
//!
//! Every generated `send()` runs through [`execute`]. It retries only what is
//! safe and likely to succeed later: connection failures (nothing reached the
//! server) and `408`, `429`, `502`, `503`, `504`, the last five only when the
//! call is idempotent (its method is, or it carries an idempotency key that
//! stays the same on every attempt). It never retries other statuses. Waits
//! use exponential backoff with full jitter, capped, and honour `Retry-After`
//! (seconds or an HTTP date) up to a cap. One `tracing` span covers the call;
//! it records provider, operationId, method, path template, status, attempts
//! and latency, never credentials or idempotency keys.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ByteStream, ResponseValue};
use tracing::Instrument;

use crate::response::{Failed, Failure, RawResponse, collect};

/// Statuses worth another attempt.
pub const RETRYABLE_STATUSES: [u16; 5] = [408, 429, 502, 503, 504];

/// Retry defaults (see the README): 2 retries, so 3 attempts at most.
pub const DEFAULT_RETRIES: u32 = 2;
/// First backoff ceiling; doubles each retry.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Largest backoff ceiling.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Longest `Retry-After` honoured; a server asking for more gets no retry.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(20);

/// Waits between attempts; replaceable so tests (or other runtimes) need no real time.
pub trait Sleep: Send + Sync {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// [`Sleep`] on tokio's timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// How a client retries; set once with [`crate::ClientBuilder`].
#[derive(Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub retries: u32,
    /// The first backoff ceiling; it doubles per retry.
    pub initial_backoff: Duration,
    /// The largest backoff ceiling.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honoured.
    pub max_retry_after: Duration,
    /// Retry retryable statuses of non-idempotent calls without an idempotency key.
    pub retry_non_idempotent: bool,
    /// How to wait.
    pub sleep: Arc<dyn Sleep>,
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("retries", &self.retries)
            .field("initial_backoff", &self.initial_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("max_retry_after", &self.max_retry_after)
            .field("retry_non_idempotent", &self.retry_non_idempotent)
            .finish_non_exhaustive()
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            retries: DEFAULT_RETRIES,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            retry_non_idempotent: false,
            sleep: Arc::new(TokioSleep),
        }
    }
}

/// What every generated client carries besides its HTTP client (progenitor's "inner" value).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Retrying.
    pub retry: RetryPolicy,
    /// The per-attempt timeout, when it is shorter than the HTTP client's.
    pub timeout: Option<Duration>,
    /// The largest response body read, in bytes.
    pub max_response_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            timeout: None,
            max_response_bytes: crate::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// Per-call overrides: `builder.send_with(CallOptions { .. })`.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallOptions {
    /// This call's per-attempt timeout.
    pub timeout: Option<Duration>,
    /// This call's number of retries (0: a single attempt).
    pub retries: Option<u32>,
}

/// What the generated code tells [`execute`] about the operation.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    /// Provider name.
    pub provider: &'static str,
    /// The document's operationId.
    pub operation_id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// The path template.
    pub path: &'static str,
    /// Whether repeating the call is safe (idempotent method, or an idempotency key).
    pub idempotent: bool,
}

/// A fresh idempotency key for one logical call: `sdk-` and 32 random hex digits.
pub fn new_idempotency_key() -> String {
    format!("sdk-{:016x}{:016x}", random_u64(), random_u64())
}

/// Runs the attempts of one logical call; `attempt` sends one request.
pub async fn execute<F, Fut>(
    settings: &Settings,
    call: &Call,
    options: CallOptions,
    mut attempt: F,
) -> Result<RawResponse, Failed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<ByteStream>, progenitor_client::Error<ByteStream>>>,
{
    let span = tracing::info_span!(
        "sdk.call",
        provider = call.provider,
        operation_id = call.operation_id,
        method = call.method,
        path = call.path,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let policy = &settings.retry;
    let retries = options.retries.unwrap_or(policy.retries);
    let timeout = options.timeout.or(settings.timeout);
    let limit = settings.max_response_bytes;
    let started = Instant::now();
    async move {
        let mut attempts = 0;
        let outcome = loop {
            attempts += 1;
            let attempt_span = tracing::debug_span!("sdk.attempt", attempt = attempts);
            let sent = async {
                match timeout {
                    Some(timeout) => tokio::time::timeout(timeout, async {
                        collect(attempt().await, limit).await
                    })
                    .await
                    .unwrap_or(Err(Failure::Timeout(None))),
                    None => collect(attempt().await, limit).await,
                }
            }
            .instrument(attempt_span)
            .await;
            let wait = match &sent {
                _ if attempts > retries => None,
                Ok(raw) if RETRYABLE_STATUSES.contains(&raw.status.as_u16()) => {
                    if call.idempotent || policy.retry_non_idempotent {
                        retry_after(&raw.headers, policy)
                            .unwrap_or_else(|| Some(backoff(policy, attempts)))
                    } else {
                        tracing::warn!(
                            status = raw.status.as_u16(),
                            "not retried: {} without an idempotency key is not idempotent",
                            call.method
                        );
                        None
                    }
                }
                // Nothing reached the server: always safe to try again.
                Err(Failure::Transport(error)) if error.is_connect() => {
                    Some(backoff(policy, attempts))
                }
                _ => None,
            };
            match wait {
                Some(delay) => {
                    tracing::debug!(
                        attempt = attempts,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    policy.sleep.sleep(delay).await;
                }
                None => break sent,
            }
        };
        let span = tracing::Span::current();
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &outcome {
            Ok(raw) => {
                span.record("status", raw.status.as_u16());
            }
            Err(error) => tracing::debug!(%error, "call failed"),
        }
        outcome
            .map(|raw| RawResponse { attempts, ..raw })
            .map_err(|failure| failure.after(attempts))
    }
    .instrument(span)
    .await
}

/// Full jitter: uniformly random in `[0, min(max, initial * 2^(attempt-1))]`.
pub fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let ceiling = policy
        .initial_backoff
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
        .min(policy.max_backoff);
    let fraction = (random_u64() >> 11) as f64 / (1u64 << 53) as f64;
    // Rounding can carry a huge configured ceiling past `Duration::MAX`.
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * fraction).unwrap_or(ceiling)
}

/// The wait a `Retry-After` header asks for: `Some(Some(wait))` to honour,
/// `Some(None)` when it asks for longer than the cap (do not retry), `None`
/// without a (readable) header.
fn retry_after(
    headers: &reqwest::header::HeaderMap,
    policy: &RetryPolicy,
) -> Option<Option<Duration>> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
        }
    };
    Some((wait <= policy.max_retry_after).then_some(wait))
}

/// Random bits without a dependency: std's per-process random hasher keys,
/// mixed with a counter so consecutive calls differ.
fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_capped_ceiling() {
        let policy = RetryPolicy::default();
        for attempt in 1..=10 {
            let ceiling =
                (DEFAULT_INITIAL_BACKOFF * 2u32.pow(attempt - 1)).min(DEFAULT_MAX_BACKOFF);
            for _ in 0..50 {
                assert!(backoff(&policy, attempt) <= ceiling);
            }
        }
        // Full jitter: the waits are spread, not fixed.
        let waits: std::collections::HashSet<Duration> =
            (0..20).map(|_| backoff(&policy, 3)).collect();
        assert!(waits.len() > 10);
    }

    #[test]
    fn retry_after_seconds_dates_and_cap() {
        let policy = RetryPolicy::default();
        let mut headers = reqwest::header::HeaderMap::new();
        assert_eq!(retry_after(&headers, &policy), None);
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(
            retry_after(&headers, &policy),
            Some(Some(Duration::from_secs(3)))
        );
        headers.insert("retry-after", "3600".parse().unwrap());
        assert_eq!(retry_after(&headers, &policy), Some(None));
        let soon = chrono::Utc::now() + chrono::Duration::seconds(10);
        headers.insert(
            "retry-after",
            soon.to_rfc2822().replace("+0000", "GMT").parse().unwrap(),
        );
        let wait = retry_after(&headers, &policy).unwrap().unwrap();
        assert!(
            wait <= Duration::from_secs(10) && wait >= Duration::from_secs(8),
            "{wait:?}"
        );
        headers.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers, &policy), Some(Some(Duration::ZERO)));
    }

    #[test]
    fn idempotency_keys_are_fresh_and_fit_akua() {
        let (a, b) = (new_idempotency_key(), new_idempotency_key());
        assert_ne!(a, b);
        assert!(a.len() <= 64 && a.starts_with("sdk-"));
    }
}
