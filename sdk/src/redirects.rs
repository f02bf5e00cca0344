//! Which redirects a client follows: same origin only by default, so a
//! credential never reaches another host.

/// Default number of same-origin redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// Which redirects a client follows.
///
/// Every request carries the credential, and reqwest strips only
/// `Authorization` and cookies when a redirect leaves the origin, not other
/// headers such as `X-API-Key`. Following a redirect to another origin would
/// hand the key to whichever host the `Location` names, and following
/// `https` to `http` would send it in clear. So the default follows only
/// redirects to the same origin (scheme, host and port equal to the original
/// request's), a few hops at most. Any other redirect is not followed: its
/// `3xx` response is the call's answer (an `UnexpectedStatus`, or the
/// documented variant where the document declares that status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Redirects {
    /// Follow redirects within the original request's origin, at most `max`
    /// of them (default, with [`DEFAULT_MAX_REDIRECTS`]).
    SameOrigin {
        /// Redirects followed at most in one request; the next one is returned as it is.
        max: usize,
    },
    /// Follow no redirect: every `3xx` is returned as it is.
    None,
}

impl Default for Redirects {
    fn default() -> Self {
        Self::SameOrigin {
            max: DEFAULT_MAX_REDIRECTS,
        }
    }
}

impl Redirects {
    /// Whether to follow a redirect to `next` after the requests to
    /// `previous` (the original request first, the one redirected last).
    fn follows(self, previous: &[reqwest::Url], next: &reqwest::Url) -> bool {
        match self {
            Self::None => false,
            Self::SameOrigin { max } => {
                previous.len() <= max
                    && previous
                        .first()
                        .is_some_and(|original| same_origin(original, next))
            }
        }
    }
}

/// The SDK's redirect policy as a [`reqwest::redirect::Policy`], for a
/// `reqwest::Client` given to [`crate::ClientBuilder::reqwest_client`].
///
/// A client the SDK did not build keeps its own redirect policy, which the
/// SDK cannot change. reqwest's default policy follows up to 10 redirects
/// to any origin, and on a redirect that leaves the origin it strips only
/// `Authorization`, `Cookie`, `Proxy-Authorization` and `WWW-Authenticate`:
/// an API key in any other header (`X-API-Key` for Phala Cloud and Chamelio,
/// `X-API-KEY` for PromptLayer) goes along to whichever host the `Location`
/// names, and over `http://` if it says so. Install this policy on the
/// client you give, so it follows redirects as the SDK's own clients do
/// (see [`Redirects`]):
///
/// ```no_run
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // The application's own set-up (its reqwest with a TLS feature of its own;
/// // `sdk::reqwest_client_builder()` is one with the SDK's TLS and this policy).
/// let http = reqwest::Client::builder()
///     .redirect(sdk::redirect_policy(sdk::Redirects::default()))
///     .build()?;
/// let client = sdk::chamelio::Client::builder()
///     .reqwest_client(http)
///     .api_key("ca_...")
///     .build()?;
/// # Ok(()) }
/// ```
pub fn redirect_policy(redirects: Redirects) -> reqwest::redirect::Policy {
    match redirects {
        Redirects::None => reqwest::redirect::Policy::none(),
        Redirects::SameOrigin { .. } => reqwest::redirect::Policy::custom(move |attempt| {
            if redirects.follows(attempt.previous(), attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        }),
    }
}

/// RFC 6454 origin equality: scheme, host and port (default ports made explicit).
fn same_origin(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> reqwest::Url {
        reqwest::Url::parse(text).unwrap()
    }

    #[test]
    fn same_origin_means_scheme_host_and_port() {
        let origin = url("https://api.example.com/v1/x");
        assert!(same_origin(
            &origin,
            &url("https://api.example.com/other?q")
        ));
        assert!(same_origin(&origin, &url("https://API.example.com:443/")));
        assert!(!same_origin(&origin, &url("http://api.example.com/v1/x")));
        assert!(!same_origin(&origin, &url("https://api.example.com:8443/")));
        assert!(!same_origin(&origin, &url("https://evil.example.com/")));
        assert!(!same_origin(
            &url("http://127.0.0.1:4030/"),
            &url("http://localhost:4030/")
        ));
    }

    #[test]
    fn the_default_follows_a_few_same_origin_hops_and_nothing_else() {
        let policy = Redirects::default();
        let original = url("https://api.example.com/v1/tasks/1/cancel");
        let hops = |n: usize| vec![original.clone(); n];
        assert!(policy.follows(&hops(1), &url("https://api.example.com/v2/tasks/1")));
        assert!(policy.follows(&hops(DEFAULT_MAX_REDIRECTS), &original));
        assert!(!policy.follows(&hops(DEFAULT_MAX_REDIRECTS + 1), &original));
        // A downgrade on the same host, another host, another port.
        assert!(!policy.follows(&hops(1), &url("http://api.example.com/v1/tasks/1/cancel")));
        assert!(!policy.follows(&hops(1), &url("https://example.net/")));
        assert!(!policy.follows(&hops(1), &url("https://api.example.com:444/")));
        // The original origin counts, not the last hop's.
        let wandered = vec![original.clone(), url("https://other.example.com/")];
        assert!(!policy.follows(&wandered, &url("https://other.example.com/x")));
        assert!(!Redirects::None.follows(&hops(1), &original));
        assert!(!Redirects::SameOrigin { max: 0 }.follows(&hops(1), &original));
        assert!(!policy.follows(&[], &original));
    }
}
