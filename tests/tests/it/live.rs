//! The runner and live mode for real, without a network: the suite's
//! program (`contract-suite`, the same runner as `cargo test -p contract`)
//! runs as a subprocess, with keys set and `--base-url` pointing at a local
//! provider stand-in in front of the in-process mock, faithful or planting
//! drifts.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};
use std::sync::Arc;

use contract::live::{LiveCheck, LiveEntry, LiveRow, plan};
use mock_server::{Config, MockServer};
use serde_json::Value;
use test_support::DeclaredBody;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::{SUITE, providers};
const KEY: &str = "live-test-key";

/// The suite with our variables cleared and `keys` set to [`KEY`].
fn suite(args: &[String], keys: bool) -> Command {
    let mut command = Command::new(SUITE);
    command.args(args);
    for variable in [
        "CONTRACT_LIVE",
        "CONTRACT_BASE_URL",
        "CONTRACT_JUNIT",
        "CONTRACT_REQUIRE_KEYS",
    ] {
        command.env_remove(variable);
    }
    for provider in providers() {
        if keys {
            command.env(&provider.credential_env, KEY);
        } else {
            command.env_remove(&provider.credential_env);
        }
    }
    command
}

/// Runs the suite off the async threads (the servers it calls run on them).
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// `name -> (event, failure message)` from `--format json` output.
fn events(output: &Output) -> BTreeMap<String, (String, String)> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["type"] == "test" && event["name"].is_string())
        .map(|event| {
            let name = event["name"].as_str().unwrap_or_default().to_string();
            let kind = event["event"].as_str().unwrap_or_default().to_string();
            let message = event["stdout"].as_str().unwrap_or_default().to_string();
            (name, (kind, message))
        })
        .collect()
}

/// `--base-url` arguments pointing every provider at `origin`, under the
/// mock's own prefixes.
fn base_urls(mock: &MockServer, origin: &str) -> BTreeMap<String, String> {
    providers()
        .iter()
        .filter_map(|p| {
            let base = mock.base_url(&p.name)?;
            let prefix = base.strip_prefix(&mock.uri())?.to_string();
            Some((p.name.clone(), format!("{origin}{prefix}")))
        })
        .collect()
}

fn live_args(bases: &BTreeMap<String, String>) -> Vec<String> {
    let mut args = vec!["--live".to_string(), "--format".into(), "json".into()];
    for (name, url) in bases {
        args.extend(["--base-url".to_string(), format!("{name}={url}")]);
    }
    args
}

fn live_rows(bases: &BTreeMap<String, String>) -> Vec<LiveRow> {
    plan(&providers(), bases, |_| Some(KEY.to_string()))
        .into_iter()
        .filter_map(|entry| match entry {
            LiveEntry::Row(row) => Some(*row),
            LiveEntry::Skipped { .. } => None,
        })
        .collect()
}

/// A path template under the stand-in's origin, a segment at a time:
/// `Literal` must be equal; `Templated` holds a parameter between a literal
/// prefix and suffix (AIP-136 `{id}:cancel` is prefix ``, suffix `:cancel`).
#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Templated { prefix: String, suffix: String },
}

impl Segment {
    fn matches(&self, segment: &str) -> bool {
        match self {
            Segment::Literal(literal) => literal == segment,
            Segment::Templated { prefix, suffix } => {
                segment.len() > prefix.len() + suffix.len()
                    && segment.starts_with(prefix.as_str())
                    && segment.ends_with(suffix.as_str())
            }
        }
    }
}

/// What the stand-in knows of the providers' routes, from the documents
/// (never from the rows): the `GET`s that name a resource by id and declare
/// a `404`, and every all-literal path (which names no resource, even where
/// a template would also match it).
#[derive(Debug, Default)]
struct Routes {
    by_id: Vec<Vec<Segment>>,
    literal: BTreeSet<String>,
}

impl Routes {
    fn new(mock: &MockServer) -> Self {
        let mut routes = Routes::default();
        for provider in providers() {
            let Some(base) = mock.base_url(&provider.name) else {
                continue;
            };
            let prefix = base.strip_prefix(&mock.uri()).unwrap_or_default();
            for operation in &provider.operations {
                let path = format!("{prefix}{}", operation.path);
                if !path.contains('{') {
                    routes.literal.insert(path);
                    continue;
                }
                if operation.method == "GET" && operation.response(404).is_some() {
                    let segments = path
                        .split('/')
                        .map(|segment| match (segment.find('{'), segment.rfind('}')) {
                            (Some(open), Some(close)) => Segment::Templated {
                                prefix: segment[..open].to_string(),
                                suffix: segment[close + 1..].to_string(),
                            },
                            _ => Segment::Literal(segment.to_string()),
                        })
                        .collect();
                    routes.by_id.push(segments);
                }
            }
        }
        routes
    }

    /// Whether `GET path` asks for one resource by id.
    fn names_a_resource(&self, path: &str) -> bool {
        if self.literal.contains(path) {
            return false;
        }
        let segments: Vec<&str> = path.split('/').collect();
        self.by_id.iter().any(|template| {
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t.matches(s))
        })
    }
}

/// How the stand-in behaves, beside forwarding to the mock.
#[derive(Debug, Default)]
struct Account {
    /// Requests (method and path, sent without credentials) answered with a
    /// planted drift.
    planted: BTreeMap<(String, String), Planted>,
    /// The key was revoked: credentials are taken off every request, so the
    /// mock's own authentication answers.
    revoked: bool,
}

async fn live_rows_pass_against_the_mock() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let origin = stand_in(&mock, Account::default()).await;
    let bases = base_urls(&mock, &origin);
    let junit = format!("{}/live-mock.xml", env!("CARGO_TARGET_TMPDIR"));
    let mut args = live_args(&bases);
    args.extend(["--junit".to_string(), junit.clone()]);
    let output = run(suite(&args, true)).await;
    let events = events(&output);
    let rows = live_rows(&bases);
    // The safety rule: a credential only ever goes with a GET.
    for row in rows.iter().filter(|r| r.sends_credential()) {
        assert_eq!(row.target.operation().method, "GET", "{}", row.name);
    }
    let expected: Vec<String> = rows.into_iter().map(|r| r.name).collect();
    assert!(!expected.is_empty(), "the catalogue gives no live row");
    assert_eq!(
        events.keys().cloned().collect::<Vec<_>>(),
        {
            let mut sorted = expected.clone();
            sorted.sort();
            sorted
        },
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let failed: Vec<_> = events.iter().filter(|(_, (e, _))| e != "ok").collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(output.status.success());
    let report = std::fs::read_to_string(&junit).unwrap();
    assert!(
        report.contains(&format!("tests=\"{}\" failures=\"0\"", expected.len())),
        "{report}"
    );
    // Every provider with a secured operation declaring 401 or 403 was
    // called without a key.
    for provider in providers() {
        if provider.operations.iter().any(|o| {
            !o.security.is_empty() && (o.response(401).is_some() || o.response(403).is_some())
        }) {
            assert!(
                expected
                    .iter()
                    .any(|n| n.starts_with(&format!("live::{}::", provider.name))
                        && n.ends_with("::no-credential")),
                "{}: no no-credential row",
                provider.name
            );
        }
    }
}

/// A drift planted on one request: the answer to send instead of the mock's.
#[derive(Debug, Clone)]
struct Planted {
    row: String,
    status: u16,
    body: Vec<u8>,
    /// What the failure must mention (the pointer or the status).
    says: String,
}

/// Plants one drift of each kind on no-credential rows (the only rows a
/// POST can have): an undeclared status, a body missing a required member,
/// a member of the wrong type. Candidates come from the catalogue; each
/// planted body is checked to break the document before it is used.
async fn plant(mock: &MockServer, rows: &[LiveRow]) -> BTreeMap<(String, String), Planted> {
    let client = sdk::reqwest_client_builder().unwrap().build().unwrap();
    let mut planted = BTreeMap::new();
    let mut kinds = vec!["wrong-type", "missing-member", "undeclared-status"];
    for row in rows.iter().filter(|r| !r.sends_credential()) {
        let Some(kind) = kinds.last().copied() else {
            break;
        };
        let operation = row.target.operation();
        let mock_base = mock.base_url(&row.target.provider.name).unwrap();
        let prefix = mock_base.strip_prefix(&mock.uri()).unwrap();
        let path = format!("{prefix}{}", row.path());
        let key = (operation.method.clone(), path.clone());
        if planted.contains_key(&key) {
            continue;
        }
        if kind == "undeclared-status" {
            let status = (418..500)
                .find(|s| operation.response(*s).is_none())
                .unwrap();
            planted.insert(
                key,
                Planted {
                    row: row.name.clone(),
                    status,
                    body: b"{}".to_vec(),
                    says: format!("status {status}: not declared"),
                },
            );
            kinds.pop();
            continue;
        }
        // The mock's own answer, broken in one member.
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
        let response = client
            .request(method, format!("{}{path}", mock.uri()))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let Ok(Value::Object(body)) = response.json::<Value>().await else {
            continue;
        };
        let Ok(DeclaredBody::Json(validator)) =
            test_support::declared_body(&row.target.provider, operation, status)
        else {
            continue;
        };
        for (member, value) in &body {
            let mut broken = body.clone();
            let says = if kind == "missing-member" {
                broken.remove(member);
                format!("status {status}: at ``: \"{member}\" is a required property")
            } else {
                let wrong = if value.is_string() {
                    Value::from(12345)
                } else {
                    Value::from("drift")
                };
                broken.insert(member.clone(), wrong);
                format!("status {status}: at `/{member}`")
            };
            let broken = Value::Object(broken);
            if validator.is_valid(&broken) {
                continue;
            }
            planted.insert(
                key,
                Planted {
                    row: row.name.clone(),
                    status,
                    body: broken.to_string().into_bytes(),
                    says,
                },
            );
            kinds.pop();
            break;
        }
    }
    assert!(kinds.is_empty(), "no row to plant {kinds:?} on");
    planted
}

/// A provider stand-in for a fresh account, which holds no resource: a
/// `GET` naming one by id answers the document's `404` (its body rendered by
/// the mock, asked with `Prefer: code=404`), whatever asked for it; anything
/// else is forwarded to the mock as sent. How it tells a resource from a
/// list comes from the documents' routes, never from the rows under test.
async fn stand_in(mock: &MockServer, account: Account) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let upstream = mock.uri();
    let routes = Arc::new(Routes::new(mock));
    let account = Arc::new(account);
    let client = sdk::reqwest_client_builder().unwrap().build().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let routes = Arc::clone(&routes);
            let account = Arc::clone(&account);
            let client = client.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let mut lines = text.split("\r\n");
                let mut request_line = lines.next().unwrap_or_default().split(' ');
                let method = request_line.next().unwrap_or_default().to_string();
                let target = request_line.next().unwrap_or_default().to_string();
                let headers: Vec<(String, String)> = lines
                    .take_while(|l| !l.is_empty())
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
                    .collect();
                let credentialed = headers.iter().any(|(_, v)| v.contains(KEY));
                let path = target.split('?').next().unwrap_or_default().to_string();
                let request_key = (method.clone(), path);
                let (status, content_type, body) = match account.planted.get(&request_key) {
                    Some(drift) if !credentialed => (
                        drift.status,
                        "application/json".to_string(),
                        drift.body.clone(),
                    ),
                    _ => {
                        let mut request = client.request(
                            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                            format!("{upstream}{target}"),
                        );
                        for (name, value) in &headers {
                            let revoked = account.revoked && value.contains(KEY);
                            if !revoked
                                && !["host", "connection", "content-length"]
                                    .contains(&name.as_str())
                            {
                                request = request.header(name, value);
                            }
                        }
                        if method == "GET" && routes.names_a_resource(&request_key.1) {
                            request = request.header("prefer", "code=404");
                        }
                        test_support::read_answer(request.send().await.unwrap()).await
                    }
                };
                let mut reply = format!(
                    "HTTP/1.1 {status} Drift\r\ncontent-length: {}\r\nconnection: close\r\n",
                    body.len()
                );
                if !content_type.is_empty() {
                    reply.push_str(&format!("content-type: {content_type}\r\n"));
                }
                reply.push_str("\r\n");
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    origin
}

async fn a_drifting_server_fails_exactly_the_planted_rows() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let rows = live_rows(&base_urls(&mock, &mock.uri()));
    let planted = plant(&mock, &rows).await;
    let origin = stand_in(
        &mock,
        Account {
            planted: planted.clone(),
            revoked: false,
        },
    )
    .await;
    let bases = base_urls(&mock, &origin);
    let output = run(suite(&live_args(&bases), true)).await;
    let events = events(&output);
    assert!(!output.status.success());
    let planted: BTreeMap<&str, &Planted> = planted.values().map(|p| (p.row.as_str(), p)).collect();
    assert_eq!(events.len(), rows.len(), "{events:#?}");
    for (name, (event, message)) in &events {
        match planted.get(name.as_str()) {
            Some(drift) => {
                assert_eq!(event, "failed", "{name}");
                let (provider, operation) = {
                    let mut parts = name.split("::").skip(1);
                    (parts.next().unwrap(), parts.next().unwrap())
                };
                let expected = format!("drift: {provider} {operation} {}", drift.says);
                assert!(
                    message.contains(&expected),
                    "{name}: {message}\nwanted: {expected}"
                );
            }
            None => assert_eq!(event, "ok", "{name}: {message}"),
        }
    }
}

/// Strict live mode: with a key that the provider refuses, every row sent
/// with it fails saying so, reads included; rows without a key still pass.
async fn a_refused_key_fails_every_row_that_sends_it() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let origin = stand_in(
        &mock,
        Account {
            revoked: true,
            ..Account::default()
        },
    )
    .await;
    let bases = base_urls(&mock, &origin);
    let output = run(suite(&live_args(&bases), true)).await;
    let events = events(&output);
    assert!(!output.status.success());
    let rows = live_rows(&bases);
    assert!(rows.iter().any(|r| r.check == LiveCheck::Read));
    assert_eq!(events.len(), rows.len(), "{events:#?}");
    for row in rows {
        let (event, message) = &events[&row.name];
        if row.sends_credential() && !row.target.operation().security.is_empty() {
            assert_eq!(event, "failed", "{}", row.name);
            assert!(
                message.contains("the key was refused:")
                    && message.contains(&row.target.provider.credential_env),
                "{}: {message}",
                row.name
            );
        } else {
            assert_eq!(event, "ok", "{}: {message}", row.name);
        }
    }
}

/// `--require-keys`: a listed provider without its key fails the run with
/// a row that says which variable is missing; the others stay skipped.
fn a_required_key_that_is_missing_fails_the_run() {
    let providers = providers();
    let required = &providers[0];
    let output = suite(
        &[
            "--live".to_string(),
            "--require-keys".to_string(),
            required.name.clone(),
        ],
        false,
    )
    .output()
    .unwrap();
    assert!(!output.status.success());
    let stdout: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ") + "\n")
        .collect();
    assert!(
        stdout.contains(&format!("test live::{} ... FAILED", required.name)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "{} not set, and --require-keys lists {}",
            required.credential_env, required.name
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "0 passed; 1 failed; {} ignored",
            providers.len() - 1
        )),
        "{stdout}"
    );
    // A name that is no provider is an error, not a silent pass.
    let output = suite(
        &[
            "--live".to_string(),
            "--require-keys=nosuchprovider".to_string(),
        ],
        false,
    )
    .output()
    .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("--require-keys names no provider `nosuchprovider`")
    );
}

fn providers_without_keys_are_one_skipped_line_each() {
    let output = suite(&["--live".to_string()], false).output().unwrap();
    assert!(output.status.success());
    // libtest pads names to one width: compare with single spaces.
    let stdout: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ") + "\n")
        .collect();
    let providers = providers();
    for provider in &providers {
        let line = format!(
            "test live::{} ... ignored (skipped: {} not set)",
            provider.name, provider.credential_env
        );
        assert_eq!(stdout.matches(&line).count(), 1, "{line}\n{stdout}");
        assert!(
            !stdout.contains(&format!("live::{}::", provider.name)),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains(&format!("0 passed; 0 failed; {} ignored", providers.len())),
        "{stdout}"
    );
}

/// This module's tests, for the binary's `main`.
pub fn tests() -> Vec<(&'static str, fn())> {
    vec![
        ("live_rows_pass_against_the_mock", || {
            block_on(live_rows_pass_against_the_mock())
        }),
        ("a_drifting_server_fails_exactly_the_planted_rows", || {
            block_on(a_drifting_server_fails_exactly_the_planted_rows())
        }),
        (
            "providers_without_keys_are_one_skipped_line_each",
            providers_without_keys_are_one_skipped_line_each,
        ),
        ("a_refused_key_fails_every_row_that_sends_it", || {
            block_on(a_refused_key_fails_every_row_that_sends_it())
        }),
        (
            "a_required_key_that_is_missing_fails_the_run",
            a_required_key_that_is_missing_fails_the_run,
        ),
    ]
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
        .block_on(future)
}
