//! Property test: whatever a server sends back (any status, any headers,
//! truncated or endless bodies, invalid UTF-8, wrong content types, broken
//! framing, a connection closed mid-body, bytes that are not HTTP at all),
//! every operation of every provider answers with a typed outcome, never a
//! panic, and reads no more than the client's body limit.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::Value;
use specs::Status;
use test_support::raw_server::{RawServer, Reply};
use test_support::sdk::{Call, Clients, calls};

/// The body limit of the clients under test: small, so exceeding it is cheap.
const LIMIT: usize = 64 * 1024;
/// What the server may have written beyond the limit when the client stops
/// reading: buffers (see `response_size.rs`).
const SLACK: u64 = 8 * 1024 * 1024;

/// The status code on the status line.
#[derive(Debug, Clone)]
enum StatusChoice {
    /// Any code from 100 to 599.
    Any(u16),
    /// One the operation documents.
    Documented(Index),
}

#[derive(Debug, Clone)]
enum BodyChoice {
    Empty,
    Bytes(Vec<u8>),
    Json(Value),
    /// One of the document's examples for the operation, as it is or with
    /// one field replaced, cut after `cut` bytes when set.
    Example {
        which: Index,
        replace: Option<(Index, Value)>,
        cut: Option<Index>,
    },
    /// More than the limit.
    Huge(usize),
}

#[derive(Debug, Clone)]
enum Framing {
    ContentLength,
    /// Declares `n` more bytes than it sends, then closes.
    ContentLengthShort(usize),
    /// Declares `n` fewer bytes than it sends.
    ContentLengthLong(usize),
    Chunked(usize),
    /// Chunks without the last one, then closes.
    ChunkedTruncated(usize),
    /// A chunk size that is not hex.
    ChunkedInvalid,
    /// No length: the body ends when the connection closes.
    CloseDelimited,
    /// Chunks that never end.
    Endless,
}

#[derive(Debug, Clone)]
struct Case {
    operation: Index,
    version: &'static str,
    status: StatusChoice,
    reason: String,
    headers: Vec<(String, Vec<u8>)>,
    body: BodyChoice,
    framing: Framing,
    /// Replaces the whole reply: bytes that need not be HTTP.
    garbage: Option<Vec<u8>>,
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,10}", inner), 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

fn header() -> impl Strategy<Value = (String, Vec<u8>)> {
    let name = prop_oneof![
        6 => prop::sample::select(vec![
            "content-type",
            "retry-after",
            "location",
            "set-cookie",
            "content-encoding",
            "www-authenticate",
        ])
        .prop_map(String::from),
        2 => "x-[a-z-]{1,12}",
        // Names that are not tokens.
        1 => "[ -~]{0,6}",
    ];
    let value = prop_oneof![
        8 => prop::sample::select(vec![
            "application/json",
            "application/json; charset=utf-16",
            "text/html",
            "application/octet-stream",
            "application/problem+json",
            "gzip",
            "0",
            "3",
            "18446744073709551616",
            "-1",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "/moved",
            "http://localhost:9/elsewhere",
            "https://example.com/",
            "::not a url::",
            "",
        ])
        .prop_map(|v| v.as_bytes().to_vec()),
        // Any bytes but line breaks, which would end the header early.
        1 => prop::collection::vec(any::<u8>().prop_filter("no line break", |b| *b != b'\n'), 0..24),
    ];
    (name, value)
}

fn case() -> impl Strategy<Value = Case> {
    let status = prop_oneof![
        1 => (100u16..=599).prop_map(StatusChoice::Any),
        2 => any::<Index>().prop_map(StatusChoice::Documented),
    ];
    let body = prop_oneof![
        1 => Just(BodyChoice::Empty),
        1 => prop::collection::vec(any::<u8>(), 0..512).prop_map(BodyChoice::Bytes),
        1 => json().prop_map(BodyChoice::Json),
        3 => (
            any::<Index>(),
            proptest::option::weighted(0.3, (any::<Index>(), json())),
            proptest::option::weighted(0.3, any::<Index>()),
        )
            .prop_map(|(which, replace, cut)| BodyChoice::Example { which, replace, cut }),
        1 => (LIMIT + 1..LIMIT * 3).prop_map(BodyChoice::Huge),
    ];
    let framing = prop_oneof![
        3 => Just(Framing::ContentLength),
        1 => (1usize..2048).prop_map(Framing::ContentLengthShort),
        1 => (1usize..64).prop_map(Framing::ContentLengthLong),
        2 => (1usize..8192).prop_map(Framing::Chunked),
        1 => (1usize..512).prop_map(Framing::ChunkedTruncated),
        1 => Just(Framing::ChunkedInvalid),
        1 => Just(Framing::CloseDelimited),
        1 => Just(Framing::Endless),
    ];
    (
        any::<Index>(),
        prop_oneof![4 => Just("HTTP/1.1"), 1 => Just("HTTP/1.0")],
        status,
        prop::sample::select(vec!["", "OK", "Whatever", "Ünïcode"]).prop_map(String::from),
        prop::collection::vec(header(), 0..4),
        body,
        framing,
        proptest::option::weighted(0.05, prop::collection::vec(any::<u8>(), 0..256)),
    )
        .prop_map(
            |(operation, version, status, reason, headers, body, framing, garbage)| Case {
                operation,
                version,
                status,
                reason,
                headers,
                body,
                framing,
                garbage,
            },
        )
}

/// An operation to call (with valid arguments and body), with what the
/// document says about it.
struct Target {
    call: Call,
}

impl Target {
    fn codes(&self) -> Vec<u16> {
        self.call
            .operation
            .responses
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(code) => Some(code),
                _ => None,
            })
            .collect()
    }

    fn examples(&self) -> Vec<(u16, Value)> {
        self.call
            .operation
            .responses
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(code) => Some((code, r.body.as_ref()?)),
                _ => None,
            })
            .flat_map(|(code, body)| body.examples.iter().map(move |(_, e)| (code, e.clone())))
            .collect()
    }
}

/// The reply, the status it carries (`None`: not HTTP), and how many body
/// bytes a correct client delivers (`None`: the body never completes).
struct Built {
    reply: Reply,
    status: Option<u16>,
    delivered: Option<usize>,
}

fn build(case: &Case, target: &Target) -> Built {
    if let Some(garbage) = &case.garbage {
        return Built {
            reply: Reply::Bytes(garbage.clone()),
            status: None,
            delivered: None,
        };
    }
    let mut status = match &case.status {
        StatusChoice::Any(code) => *code,
        StatusChoice::Documented(index) => {
            let codes = target.codes();
            if codes.is_empty() {
                200
            } else {
                codes[index.index(codes.len())]
            }
        }
    };
    let body: Vec<u8> = match &case.body {
        BodyChoice::Empty => Vec::new(),
        BodyChoice::Bytes(bytes) => bytes.clone(),
        BodyChoice::Json(value) => value.to_string().into_bytes(),
        BodyChoice::Huge(size) => {
            let mut body = br#"{"detail":""#.to_vec();
            body.resize(*size - 2, b'x');
            body.extend(br#""}"#);
            body
        }
        BodyChoice::Example {
            which,
            replace,
            cut,
        } => {
            let examples = target.examples();
            if examples.is_empty() {
                b"{}".to_vec()
            } else {
                let (code, mut example) = examples[which.index(examples.len())].clone();
                if matches!(case.status, StatusChoice::Documented(_)) {
                    status = code;
                }
                if let (Some((field, value)), Some(object)) = (replace, example.as_object_mut())
                    && !object.is_empty()
                {
                    let key = object.keys().nth(field.index(object.len())).cloned();
                    if let Some(key) = key {
                        object.insert(key, value.clone());
                    }
                }
                let mut bytes = example.to_string().into_bytes();
                if let Some(cut) = cut {
                    bytes.truncate(cut.index(bytes.len() + 1));
                }
                bytes
            }
        }
    };
    let mut head = format!("{} {status} {}\r\n", case.version, case.reason).into_bytes();
    for (name, value) in &case.headers {
        head.extend(name.as_bytes());
        head.extend(b": ");
        head.extend(value);
        head.extend(b"\r\n");
    }
    let chunked = |piece: usize, body: &[u8], last: bool| {
        let mut out = Vec::new();
        for part in body.chunks(piece.max(1)) {
            out.extend(format!("{:x}\r\n", part.len()).bytes());
            out.extend(part);
            out.extend(b"\r\n");
        }
        if last {
            out.extend(b"0\r\n\r\n");
        }
        out
    };
    let (framing, rest, delivered) = match case.framing {
        Framing::ContentLength => (
            format!("content-length: {}\r\n", body.len()),
            body.clone(),
            Some(body.len()),
        ),
        Framing::ContentLengthShort(more) => (
            format!("content-length: {}\r\n", body.len() + more),
            body.clone(),
            None,
        ),
        Framing::ContentLengthLong(fewer) => {
            let declared = body.len().saturating_sub(fewer);
            (
                format!("content-length: {declared}\r\n"),
                body.clone(),
                Some(declared),
            )
        }
        Framing::Chunked(piece) => (
            "transfer-encoding: chunked\r\n".into(),
            chunked(piece, &body, true),
            Some(body.len()),
        ),
        Framing::ChunkedTruncated(piece) => (
            "transfer-encoding: chunked\r\n".into(),
            chunked(piece, &body, false),
            None,
        ),
        Framing::ChunkedInvalid => (
            "transfer-encoding: chunked\r\n".into(),
            [b"zz\r\n".as_slice(), &body].concat(),
            None,
        ),
        Framing::CloseDelimited => (String::new(), body.clone(), Some(body.len())),
        Framing::Endless => {
            head.extend(b"transfer-encoding: chunked\r\n\r\n");
            return Built {
                reply: Reply::Endless {
                    head,
                    chunk: format!("1000\r\n{}\r\n", "x".repeat(0x1000)).into_bytes(),
                },
                status: Some(status),
                delivered: Some(usize::MAX),
            };
        }
    };
    head.extend(framing.as_bytes());
    head.extend(b"\r\n");
    head.extend(rest);
    Built {
        reply: Reply::Bytes(head),
        status: Some(status),
        delivered,
    }
}

/// Headers a client reads as valid: tokens for names, visible bytes, spaces and tabs for values.
fn valid_headers(case: &Case) -> bool {
    case.headers.iter().all(|(name, value)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
            && value
                .iter()
                .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80)
    })
}

async fn check(server: &RawServer, targets: &[Target], case: Case) -> Result<(), TestCaseError> {
    let target = &targets[case.operation.index(targets.len())];
    let built = build(&case, target);
    let endless = matches!(built.reply, Reply::Endless { .. });
    server.set_reply(built.reply);
    let mut clients = Clients::new(&server.base_url, "key");
    clients.retries = 1;
    clients.max_response_bytes = LIMIT;
    let result = target.call.send(&clients).await;
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(error) => return Err(TestCaseError::fail(format!("not an outcome: {error}"))),
    };
    prop_assert!(
        !["Timeout", "InvalidRequest"].contains(&outcome.variant),
        "{outcome:?}"
    );
    if outcome.variant == "ResponseTooLarge" {
        let message = outcome.message.as_deref().unwrap_or_default();
        prop_assert!(message.contains(&format!("{LIMIT} bytes")), "{message}");
    }
    let has_body = built
        .status
        .is_some_and(|s| s >= 200 && s != 204 && s != 304);
    if let (Some(received), Some(sent)) = (outcome.status, built.status) {
        if sent >= 200 {
            prop_assert_eq!(received, sent, "{:?}", outcome);
        }
        // A whole response was read, so its body fitted within the limit.
        if has_body && valid_headers(&case) && built.delivered.is_some_and(|n| n > LIMIT) {
            prop_assert_eq!(outcome.variant, "ResponseTooLarge", "{:?}", outcome);
        }
    }
    if endless {
        let written = server.endless_written().await;
        prop_assert!(
            written < (LIMIT as u64 + SLACK),
            "the server wrote {written} bytes"
        );
    }
    Ok(())
}

#[test]
fn any_reply_to_any_operation_is_a_typed_outcome() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let targets: Vec<Target> = calls()
        .iter()
        .map(|call| Target { call: call.clone() })
        .collect();
    let server = runtime.block_on(RawServer::start(Reply::Bytes(Vec::new())));
    // `PROPTEST_CASES=5000` for a deeper search than the few seconds a test run allows.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(128);
    let mut runner = TestRunner::new(Config {
        cases,
        max_shrink_iters: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&case(), |case| {
        runtime.block_on(check(&server, &targets, case))
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
