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
use std::time::{Duration, Instant, SystemTime};

use progenitor_client::ByteStream;
use tracing::Instrument;

use crate::response::{Failed, Failure, RawResponse, Received, collect, collect_or_open};

/// Statuses worth another attempt.
pub const RETRYABLE_STATUSES: [u16; 5] = [408, 429, 502, 503, 504];

/// Retry defaults (see `docs/sdk.md`): 2 retries, so 3 attempts at most.
pub const DEFAULT_RETRIES: u32 = 2;
/// First backoff ceiling; doubles each retry.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);
/// Largest backoff ceiling.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);
/// Longest `Retry-After` honoured; a server asking for more gets no retry.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(20);

/// Default cap on a response body: 4 MiB.
///
/// The providers' answers are small JSON documents (well under 64 KiB); a
/// body far larger is a broken or hostile server, and reading it whole would
/// let that server decide how much memory the caller spends. 4 MiB leaves a
/// wide margin over any documented answer while bounding each call in flight.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

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

/// What every generated client carries besides its HTTP client (progenitor's
/// "inner" value). Only [`crate::ClientBuilder`] makes clients (progenitor's
/// `Client::new_with_client` is private to the crate), so a client always
/// has its builder's checks; `Settings::default()` sends no credential.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Retrying.
    pub retry: RetryPolicy,
    /// A per-attempt timeout enforced around each attempt, besides the HTTP
    /// client's own (set when the client was given, whose timeout the SDK cannot change).
    pub timeout: Option<Duration>,
    /// The largest response body read, in bytes.
    pub max_response_bytes: usize,
    /// The largest event of an event stream, in bytes.
    pub max_event_bytes: usize,
    /// The credential and extra headers, added to every request.
    pub(crate) headers: crate::secret::RequestHeaders,
    /// The credentials per security scheme, added as each operation requires.
    pub(crate) credentials: crate::auth::Credentials,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            timeout: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_event_bytes: crate::events::DEFAULT_MAX_EVENT_BYTES,
            headers: crate::secret::RequestHeaders::default(),
            credentials: crate::auth::Credentials::default(),
        }
    }
}

impl Settings {
    /// Adds the client's credential and extra headers to a request about to
    /// be sent (every generated client's progenitor `pre` hook).
    #[doc(hidden)]
    pub fn add_headers(&self, request: &mut reqwest::Request) {
        self.headers.add_to(request.headers_mut());
    }

    /// Whether the client holds the credentials of one of `requirements`
    /// (always, for a public operation): checked before a request is built,
    /// for the operation's typed error.
    pub fn check_credentials(
        &self,
        operation: &'static str,
        requirements: crate::auth::Requirements,
    ) -> Result<(), crate::auth::AuthError> {
        self.credentials
            .requirement(operation, requirements)
            .map(|_| ())
    }

    /// Adds the credentials of the first of `requirements` (the operation's,
    /// static data) the client can satisfy; see [`crate::auth`].
    pub fn authorize(
        &self,
        request: &mut reqwest::Request,
        operation: &'static str,
        requirements: crate::auth::Requirements,
    ) -> Result<(), crate::auth::AuthError> {
        self.credentials.authorize(request, operation, requirements)
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

/// A fresh idempotency key for one logical call: a random (version 4) UUID,
/// 36 characters (Akua's `idempotency-key` takes 1 to 64, any characters).
pub fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// What an attempt's reading gives the retry loop.
pub(crate) trait Attempted {
    /// The status received.
    fn status(&self) -> reqwest::StatusCode;
    /// The headers received.
    fn headers(&self) -> &reqwest::header::HeaderMap;
    /// With the call's attempt count.
    fn after(self, attempts: u32) -> Self;
}

impl Attempted for RawResponse {
    fn status(&self) -> reqwest::StatusCode {
        self.status
    }
    fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }
    fn after(self, attempts: u32) -> Self {
        RawResponse { attempts, ..self }
    }
}

impl Attempted for Received {
    fn status(&self) -> reqwest::StatusCode {
        match self {
            Received::Whole(raw) => raw.status,
            Received::Open(response) => response.status(),
        }
    }
    fn headers(&self) -> &reqwest::header::HeaderMap {
        match self {
            Received::Whole(raw) => &raw.headers,
            Received::Open(response) => response.headers(),
        }
    }
    fn after(self, attempts: u32) -> Self {
        match self {
            Received::Whole(raw) => Received::Whole(raw.after(attempts)),
            open => open,
        }
    }
}

/// Runs the attempts of one logical call; `attempt` sends one request.
pub async fn execute<F, Fut>(
    settings: &Settings,
    call: &Call,
    options: CallOptions,
    attempt: F,
) -> Result<RawResponse, Failed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<reqwest::Response, progenitor_client::Error<ByteStream>>>,
{
    run(settings, call, options, attempt, collect).await
}

/// [`execute`], leaving a success's body open to be read as it arrives;
/// the timeout covers the attempt until the response head.
pub async fn execute_open<F, Fut>(
    settings: &Settings,
    call: &Call,
    options: CallOptions,
    attempt: F,
) -> Result<Received, Failed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<reqwest::Response, progenitor_client::Error<ByteStream>>>,
{
    run(settings, call, options, attempt, collect_or_open).await
}

async fn run<F, Fut, R, Read, ReadFut>(
    settings: &Settings,
    call: &Call,
    options: CallOptions,
    mut attempt: F,
    read: Read,
) -> Result<R, Failed>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<reqwest::Response, progenitor_client::Error<ByteStream>>>,
    R: Attempted,
    Read: Fn(Result<reqwest::Response, progenitor_client::Error<ByteStream>>, usize) -> ReadFut,
    ReadFut: Future<Output = Result<R, Failure>>,
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
    // Only a recorded span needs the clock.
    let recorded = (!span.is_disabled()).then(|| (span.clone(), Instant::now()));
    async move {
        let mut attempts = 0;
        let outcome = loop {
            attempts += 1;
            let attempt_span = tracing::debug_span!("sdk.attempt", attempt = attempts);
            let sent = async {
                match timeout {
                    Some(timeout) => {
                        tokio::time::timeout(timeout, async { read(attempt().await, limit).await })
                            .await
                            .unwrap_or(Err(Failure::Timeout(None)))
                    }
                    None => read(attempt().await, limit).await,
                }
            }
            .instrument(attempt_span)
            .await;
            let wait = match &sent {
                _ if attempts > retries => None,
                Ok(raw) if RETRYABLE_STATUSES.contains(&raw.status().as_u16()) => {
                    if call.idempotent || policy.retry_non_idempotent {
                        retry_after(raw.headers(), policy)
                            .unwrap_or_else(|| Some(backoff(policy, attempts)))
                    } else {
                        tracing::warn!(
                            status = raw.status().as_u16(),
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
        if let Some((span, started)) = &recorded {
            span.record("attempts", attempts);
            span.record("latency_ms", started.elapsed().as_millis() as u64);
            if let Ok(raw) = &outcome {
                span.record("status", raw.status().as_u16());
            }
        }
        if let Err(error) = &outcome {
            tracing::debug!(%error, "call failed");
        }
        outcome
            .map(|raw| raw.after(attempts))
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
        // The three forms RFC 9110 requires a recipient to read: IMF-fixdate,
        // RFC 850 and asctime. A date in the past means now.
        Err(_) => httpdate::parse_http_date(value)
            .ok()?
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
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
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    /// Waits for nothing, counting the waits asked for.
    #[derive(Default)]
    struct NoWait(AtomicU32);

    impl Sleep for NoWait {
        fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {})
        }
    }

    /// A call with `retries` whose attempts are answered `statuses` in
    /// turn (the last one again after): its status and attempt count, the
    /// requests sent and the waits between them.
    async fn answered(statuses: &[u16], idempotent: bool, retries: u32) -> (u16, u32, u32, u32) {
        let sleep = Arc::new(NoWait::default());
        let settings = Settings {
            retry: RetryPolicy {
                retries,
                sleep: sleep.clone(),
                ..RetryPolicy::default()
            },
            ..Settings::default()
        };
        let call = Call {
            provider: "p",
            operation_id: "op",
            method: if idempotent { "GET" } else { "POST" },
            path: "/x",
            idempotent,
        };
        let sent = AtomicU32::new(0);
        let raw = execute(&settings, &call, CallOptions::default(), || {
            let index = sent.fetch_add(1, Ordering::SeqCst) as usize;
            let status = statuses[index.min(statuses.len() - 1)];
            let response = http::Response::builder()
                .status(status)
                .body(Vec::<u8>::new())
                .expect("a valid response");
            async move { Ok(reqwest::Response::from(response)) }
        })
        .await
        .expect("an answer");
        (
            raw.status.as_u16(),
            raw.attempts,
            sent.load(Ordering::SeqCst),
            sleep.0.load(Ordering::SeqCst),
        )
    }

    #[tokio::test]
    async fn retryable_statuses_are_tried_again_as_many_times_as_allowed() {
        // (status, attempts, requests, waits)
        assert_eq!(answered(&[503, 503, 200], true, 2).await, (200, 3, 3, 2));
        assert_eq!(answered(&[503], true, 1).await, (503, 2, 2, 1));
        assert_eq!(answered(&[429, 200], true, 0).await, (429, 1, 1, 0));
        // Other statuses are answers, and an unkeyed POST is not repeated.
        assert_eq!(answered(&[400, 200], true, 3).await, (400, 1, 1, 0));
        assert_eq!(answered(&[503, 200], false, 3).await, (503, 1, 1, 0));
    }

    #[test]
    fn a_retry_policy_shows_its_settings() {
        let shown = format!("{:?}", RetryPolicy::default());
        assert!(shown.starts_with("RetryPolicy { retries: "), "{shown}");
        assert!(shown.contains("retry_non_idempotent: false"), "{shown}");
    }

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

    fn wait_for(value: &str) -> Option<Option<Duration>> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("retry-after", value.parse().unwrap());
        retry_after(&headers, &RetryPolicy::default())
    }

    /// `at` in RFC 9110's three date forms: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
    fn http_dates(at: SystemTime) -> [String; 3] {
        let imf = httpdate::fmt_http_date(at);
        let [weekday, day, month, year, time, _gmt] =
            <[&str; 6]>::try_from(imf.split(' ').collect::<Vec<_>>()).unwrap();
        let weekday = weekday.trim_end_matches(',');
        let long_weekday = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        .into_iter()
        .find(|long| long.starts_with(weekday))
        .unwrap();
        let rfc850 = format!("{long_weekday}, {day}-{month}-{} {time} GMT", &year[2..]);
        let asctime = format!(
            "{weekday} {month} {:>2} {time} {year}",
            day.trim_start_matches('0')
        );
        [imf, rfc850, asctime]
    }

    #[test]
    fn retry_after_seconds_and_cap() {
        assert_eq!(
            retry_after(&Default::default(), &RetryPolicy::default()),
            None
        );
        assert_eq!(wait_for("3"), Some(Some(Duration::from_secs(3))));
        assert_eq!(wait_for("3600"), Some(None));
        assert_eq!(wait_for("soon"), None);
        assert_eq!(wait_for("-1"), None);
    }

    #[test]
    fn retry_after_dates_in_all_three_forms() {
        assert_eq!(
            http_dates(SystemTime::UNIX_EPOCH + Duration::from_secs(784111777)),
            [
                "Sun, 06 Nov 1994 08:49:37 GMT",
                "Sunday, 06-Nov-94 08:49:37 GMT",
                "Sun Nov  6 08:49:37 1994"
            ]
        );
        for past in http_dates(SystemTime::UNIX_EPOCH + Duration::from_secs(784111777)) {
            assert_eq!(wait_for(&past), Some(Some(Duration::ZERO)), "{past}");
        }
        // Whole seconds: the wait is up to a second short of the 10 asked for.
        for soon in http_dates(SystemTime::now() + Duration::from_secs(10)) {
            let wait = wait_for(&soon).unwrap().unwrap();
            assert!(
                (Duration::from_secs(8)..=Duration::from_secs(10)).contains(&wait),
                "{soon}: {wait:?}"
            );
        }
        for late in http_dates(SystemTime::now() + Duration::from_secs(3600)) {
            assert_eq!(wait_for(&late), Some(None), "{late}");
        }
    }

    #[test]
    fn idempotency_keys_are_fresh_v4_uuids_that_fit_akua() {
        let (a, b) = (new_idempotency_key(), new_idempotency_key());
        assert_ne!(a, b);
        let uuid = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(uuid.get_version(), Some(uuid::Version::Random));
        // Akua's `idempotency-key`: a string of 1 to 64 characters.
        assert!((1..=64).contains(&a.len()), "{a}");
    }
}
