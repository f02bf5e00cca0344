//! `cargo xtask soak`: the release mock server (all providers) under a long
//! mixed load on loopback, then many connections held open at once. Bounded
//! in requests and time; a check to run by hand, not a test.
//!
//! The requests come from the spec library's catalogue: every operation with
//! every declared status (`Prefer: code=N`, which must answer exactly N), and
//! invalid ones (a bad path-parameter value, no credentials, a wrong method,
//! unknown and over-long paths, too many headers, an oversized header), which
//! must answer a 4xx. Phase 1 drives them through the load loop of
//! `cargo xtask bench` and reads resident memory after a warm-up (a tenth of
//! the requests) and at the end; phase 2 opens many keep-alive connections,
//! sends a request on each, keeps them all open, and sends another on each.
//! Any other answer, a lost connection, or RSS growth of 1 MiB or more after
//! warm-up fails the run.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use specs::{Operation, ParameterLocation, Status};

use crate::bench::{self, EXAMPLES, Expect, Load, Probe, Server};

/// RSS may grow less than this after warm-up.
const GROWTH_BOUND_KIB: u64 = 1024;

/// The valid credential sent.
const KEY: &str = "soak-key";

/// What to run (flags: `main.rs`).
pub struct Options {
    pub requests: u64,
    pub connections: usize,
    pub open: usize,
    pub seconds: u64,
}

/// Builds and starts the mock, runs both phases, prints the figures.
pub fn run(options: Options) -> Result<()> {
    println!("building the release mock server ...");
    let binaries = bench::build_release(&["-p", "mock-server", "--bin", "mock-server"])?;
    let binary = binaries
        .get("mock-server")
        .context("cargo built no `mock-server`")?;
    let mut command = Command::new(binary);
    command.env("RUST_LOG", "warn").args(["--addr", "{addr}"]);
    let server = Server::start("mock-server", &command, Stdio::inherit())?;
    let addr = server.addr;
    let probes = probes(addr)?;
    let valid: Vec<Probe> = probes
        .iter()
        .filter(|p| p.kind == "valid")
        .cloned()
        .collect();
    println!(
        "mock server on {addr}; {} distinct requests, {} of them valid (every operation x every declared status)",
        probes.len(),
        valid.len()
    );

    // Phase 1: the mixed load, RSS after a warm-up and at the end.
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let warm_up = options.requests / 10;
    println!(
        "phase 1: {} requests over {} keep-alive connections (warm-up {warm_up}), at most {} s",
        options.requests, options.connections, options.seconds
    );
    let mut total = bench::load(addr, &probes, warm_up, options.connections, Some(deadline));
    let rss_warm = rss(&server);
    let rest = bench::load(
        addr,
        &probes,
        options.requests - warm_up,
        options.connections,
        Some(deadline),
    );
    let rss_end = rss(&server);
    total.merge(rest);
    let unexpected = total.failures();
    print_kinds(&probes, &total);
    print_examples(&total.examples);
    if total.requests() < options.requests {
        println!(
            "stopped at the time limit after {} of {} requests",
            total.requests(),
            options.requests
        );
    }
    let growth = rss_warm
        .zip(rss_end)
        .map(|(warm, end)| end as i64 - warm as i64);
    let growth_ok = growth.is_some_and(|growth| growth < GROWTH_BOUND_KIB as i64);
    println!(
        "wall {:.1} s, {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, unexpected answers: {unexpected}",
        total.elapsed.as_secs_f64(),
        total.per_second(),
        total.percentile(0.50).as_secs_f64() * 1000.0,
        total.percentile(0.99).as_secs_f64() * 1000.0,
    );
    println!(
        "RSS after warm-up {}, at the end {}: growth {} (bound {GROWTH_BOUND_KIB} KiB) {}",
        kib(rss_warm),
        kib(rss_end),
        growth.map_or("unknown".into(), |growth| format!("{growth:+} KiB")),
        verdict(growth_ok)
    );

    // Phase 2: many connections open at once.
    let held = hold_open(addr, &valid, options.open, &server)?;
    print_examples(&held.examples);
    println!(
        "phase 2: {} connections open at once, {} of {} requests answered as expected, errors {}, RSS with them open {} {}",
        held.open,
        held.answered,
        2 * options.open,
        held.errors,
        kib(held.rss_kib),
        verdict(held.errors == 0),
    );

    let pass = unexpected == 0 && growth_ok && held.errors == 0;
    println!("soak: {}", verdict(pass));
    if !pass {
        bail!("soak failed");
    }
    Ok(())
}

/// The server's RSS in KiB; `None` (and the reason printed) if unreadable.
fn rss(server: &Server) -> Option<u64> {
    server.rss_kib().inspect_err(|e| println!("  {e:#}")).ok()
}

fn kib(value: Option<u64>) -> String {
    value.map_or("unreadable".into(), |value| format!("{value} KiB"))
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "FAIL" }
}

/// Requests sent and unexpected answers per kind of request.
fn print_kinds(probes: &[Probe], load: &Load) {
    let mut kinds: Vec<(&str, usize, u64, u64)> = Vec::new();
    for (index, probe) in probes.iter().enumerate() {
        let (sent, failed) = (load.sent[index], load.failed[index]);
        match kinds.iter_mut().find(|k| k.0 == probe.kind) {
            Some(kind) => {
                kind.1 += 1;
                kind.2 += sent;
                kind.3 += failed;
            }
            None => kinds.push((probe.kind, 1, sent, failed)),
        }
    }
    println!("| request kind | variants | requests | unexpected |");
    println!("|---|---:|---:|---:|");
    for (kind, variants, sent, failed) in kinds {
        println!("| {kind} | {variants} | {sent} | {failed} |");
    }
}

fn print_examples(examples: &[String]) {
    for example in examples {
        println!("  unexpected: {example}");
    }
}

/// The mock's base paths (from `GET /__mock/routes`) and the catalogue's
/// operations, as requests with expectations.
fn probes(addr: SocketAddr) -> Result<Vec<Probe>> {
    let host = addr.to_string();
    let mut stream = bench::connect(addr)?;
    stream.write_all(format!("GET /__mock/routes HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())?;
    let mut buffer = Vec::new();
    let answer = bench::read_response(&mut stream, &mut buffer)?;
    let routes: Value = serde_json::from_slice(&buffer[answer.body..])
        .with_context(|| format!("GET /__mock/routes answered {}", answer.status))?;
    let base_path = |name: &str| -> Result<String> {
        let base_url = routes["providers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["name"] == name)
            .and_then(|p| p["base_url"].as_str())
            .with_context(|| format!("/__mock/routes lists no provider `{name}`"))?;
        Ok(base_url
            .strip_prefix(&format!("http://{host}"))
            .unwrap_or(base_url)
            .to_string())
    };

    let probe = |kind, name: String, call: &Call, expect| Probe {
        kind,
        name,
        request: call.request(&host),
        expect,
    };
    let mut probes = Vec::new();
    let mut first = None;
    for provider in specs::load_providers(&specs::providers_dir())? {
        let base = base_path(&provider.name)?;
        for operation in &provider.operations {
            let call = Call::valid(&base, operation);
            let name = format!("{}.{}", provider.name, operation.sdk_name);
            for response in &operation.responses {
                if let Status::Code(code) = response.status {
                    let mut preferred = call.clone();
                    preferred
                        .headers
                        .push(("Prefer".into(), format!("code={code}")));
                    probes.push(probe(
                        "valid",
                        format!("{name} Prefer: code={code}"),
                        &preferred,
                        Expect::Status(code),
                    ));
                    first.get_or_insert(preferred);
                }
            }
            for parameter in &operation.parameters {
                if parameter.location != ParameterLocation::Path {
                    continue;
                }
                if let Some(bad) = bad_value(&parameter.schema) {
                    let mut bad_call = call.clone();
                    bad_call
                        .path_values
                        .insert(parameter.name.clone(), bad.clone());
                    let label = format!("{name} {}={}", parameter.name, shorten(&bad));
                    probes.push(probe(
                        "bad-path-param",
                        label,
                        &bad_call,
                        Expect::ClientError,
                    ));
                }
            }
            if !call.credentials.is_empty() {
                let mut anonymous = call.clone();
                anonymous.credentials.clear();
                let label = format!("{name} without credentials");
                probes.push(probe(
                    "no-credential",
                    label,
                    &anonymous,
                    Expect::ClientError,
                ));
            }
            let declared: Vec<&str> = provider
                .operations
                .iter()
                .filter(|o| o.path == operation.path)
                .map(|o| o.method.as_str())
                .collect();
            if let Some(method) = ["GET", "PUT", "POST", "DELETE", "PATCH"]
                .into_iter()
                .find(|m| !declared.contains(m))
            {
                let mut wrong = call.clone();
                wrong.method = method.into();
                let label = format!("{name} as {method}");
                probes.push(probe("wrong-method", label, &wrong, Expect::ClientError));
            }
        }
        let unknown = Call::raw("GET", format!("{base}/soak/unknown/path"));
        let label = format!("{} unknown path", provider.name);
        probes.push(probe("unknown-path", label, &unknown, Expect::ClientError));
    }
    let first = first.context("the catalogue declares no status code")?;
    let unknown = Call::raw("GET", "/soak/unknown/path".into());
    probes.push(probe(
        "unknown-path",
        "no API's prefix".into(),
        &unknown,
        Expect::ClientError,
    ));
    let long = Call::raw("GET", format!("/{}", "a".repeat(9 * 1024)));
    probes.push(probe(
        "path-too-long",
        "9 KiB path".into(),
        &long,
        Expect::ClientError,
    ));
    let mut many = first.clone();
    many.headers
        .extend((0..100).map(|i| (format!("X-Soak-{i}"), "1".into())));
    probes.push(probe(
        "too-many-headers",
        "100 extra headers".into(),
        &many,
        Expect::ClientError,
    ));
    let mut large = first;
    large
        .headers
        .push(("X-Soak-Large".into(), "a".repeat(40 * 1024)));
    probes.push(probe(
        "oversized-header",
        "one 40 KiB header".into(),
        &large,
        Expect::ClientError,
    ));
    Ok(probes)
}

/// A request before it is written out.
#[derive(Debug, Clone)]
struct Call {
    method: String,
    /// The path template, under the provider's base path.
    path: String,
    path_values: BTreeMap<String, String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    /// Credential headers and query parameters: `(in query?, name, value)`.
    credentials: Vec<(bool, String, String)>,
    body: Option<(String, String)>,
}

impl Call {
    fn raw(method: &str, path: String) -> Self {
        Call {
            method: method.into(),
            path,
            path_values: BTreeMap::new(),
            query: Vec::new(),
            headers: Vec::new(),
            credentials: Vec::new(),
            body: None,
        }
    }

    /// Valid values for every path and required parameter, the first
    /// security alternative's credentials, and the first example body.
    fn valid(base: &str, operation: &Operation) -> Self {
        let mut call = Call::raw(&operation.method, format!("{base}{}", operation.path));
        let credentials = test_support::credentials(operation, KEY);
        let in_query = credentials.query.into_iter().map(|(n, v)| (true, n, v));
        let in_headers = credentials.headers.into_iter().map(|(n, v)| (false, n, v));
        call.credentials.extend(in_query.chain(in_headers));
        for parameter in &operation.parameters {
            let value = valid_value(&parameter.schema);
            let is_credential =
                |(_, name, _): &(bool, String, String)| name.eq_ignore_ascii_case(&parameter.name);
            match parameter.location {
                ParameterLocation::Path => {
                    call.path_values.insert(parameter.name.clone(), value);
                }
                _ if !parameter.required || call.credentials.iter().any(is_credential) => {}
                ParameterLocation::Query => call.query.push((parameter.name.clone(), value)),
                ParameterLocation::Header => call.headers.push((parameter.name.clone(), value)),
                ParameterLocation::Cookie => call
                    .headers
                    .push(("Cookie".into(), format!("{}={value}", parameter.name))),
            }
        }
        call.body = operation
            .request_body
            .as_ref()
            .and_then(|body| body.content.first())
            .and_then(|body| {
                Some((
                    body.media_type.clone(),
                    body.examples.first()?.1.to_string(),
                ))
            });
        call
    }

    /// The request as bytes on the wire.
    fn request(&self, host: &str) -> Vec<u8> {
        let mut target = self.path.clone();
        for (name, value) in &self.path_values {
            target = target.replace(&format!("{{{name}}}"), &specs::uri::encode(value));
        }
        let mut query = self.query.clone();
        let mut headers = self.headers.clone();
        for (in_query, name, value) in &self.credentials {
            let pair = (name.clone(), value.clone());
            if *in_query {
                query.push(pair);
            } else {
                headers.push(pair);
            }
        }
        let query: Vec<String> = query
            .iter()
            .map(|(name, value)| {
                format!("{}={}", specs::uri::encode(name), specs::uri::encode(value))
            })
            .collect();
        if !query.is_empty() {
            target = format!("{target}?{}", query.join("&"));
        }
        let mut request = format!("{} {target} HTTP/1.1\r\nHost: {host}\r\n", self.method);
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        let (media_type, body) = self.body.clone().unwrap_or_default();
        if !body.is_empty() {
            request.push_str(&format!("Content-Type: {media_type}\r\n"));
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        request.into_bytes()
    }
}

/// A value `schema` accepts.
fn valid_value(schema: &Value) -> String {
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first
            .as_str()
            .map_or_else(|| first.to_string(), str::to_string);
    }
    let number = |key| schema.get(key).and_then(Value::as_u64);
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (_, Some("uuid")) => "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10".into(),
        (Some("integer" | "number"), _) => number("minimum").unwrap_or(1).max(1).to_string(),
        (Some("boolean"), _) => "true".into(),
        _ => {
            let length = 8.clamp(
                number("minLength").unwrap_or(1),
                number("maxLength").unwrap_or(64),
            );
            "s".repeat(length as usize)
        }
    }
}

/// A value `schema` rejects, if one is simple to make.
fn bad_value(schema: &Value) -> Option<String> {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => return Some("abc".into()),
        Some("boolean") => return Some("maybe".into()),
        _ => {}
    }
    if schema.get("format").and_then(Value::as_str) == Some("uuid") {
        return Some("not-a-uuid".into());
    }
    if schema.get("enum").is_some() {
        return Some("not-in-the-enum".into());
    }
    let max = schema.get("maxLength").and_then(Value::as_u64)?;
    Some("x".repeat(max as usize + 1))
}

fn shorten(value: &str) -> String {
    match value.len() {
        0..=16 => value.into(),
        length => format!("{}... ({length} bytes)", &value[..8]),
    }
}

/// What phase 2 saw.
struct Held {
    open: usize,
    answered: u64,
    errors: u64,
    examples: Vec<String>,
    rss_kib: Option<u64>,
}

/// Opens `count` connections, sends a request on each (cycling through
/// `probes`), reads every answer, then does it again on the same connections;
/// reads the server's RSS while all are still open.
fn hold_open(addr: SocketAddr, probes: &[Probe], count: usize, server: &Server) -> Result<Held> {
    let mut held = Held {
        open: 0,
        answered: 0,
        errors: 0,
        examples: Vec::new(),
        rss_kib: None,
    };
    let fail = |held: &mut Held, what: String| {
        held.errors += 1;
        if held.examples.len() < EXAMPLES {
            held.examples.push(what);
        }
    };
    let mut streams: Vec<Option<TcpStream>> = Vec::with_capacity(count);
    for _ in 0..count {
        match bench::connect(addr) {
            Ok(stream) => streams.push(Some(stream)),
            Err(error) => {
                fail(&mut held, format!("{error:#}"));
                streams.push(None);
            }
        }
    }
    held.open = streams.iter().flatten().count();
    let mut buffer = Vec::new();
    for round in 1..=2 {
        // Every request is sent before any answer is read.
        for (index, slot) in streams.iter_mut().enumerate() {
            let probe = &probes[index % probes.len()];
            if let Some(stream) = slot
                && let Err(error) = stream.write_all(&probe.request)
            {
                fail(
                    &mut held,
                    format!("round {round}, connection {index}: writing: {error}"),
                );
                *slot = None;
            }
        }
        for (index, slot) in streams.iter_mut().enumerate() {
            let probe = &probes[index % probes.len()];
            let Some(stream) = slot else { continue };
            let problem = match bench::read_response(stream, &mut buffer) {
                Ok(answer) if answer.close => {
                    format!("status {}, then the server closed", answer.status)
                }
                Ok(answer) if probe.expect.accepts(answer.status) => {
                    held.answered += 1;
                    continue;
                }
                Ok(answer) => format!("status {}", answer.status),
                Err(error) => format!("{error:#}"),
            };
            fail(
                &mut held,
                format!(
                    "round {round}, {}: expected {}, got {problem}",
                    probe.name, probe.expect
                ),
            );
            *slot = None;
        }
    }
    held.rss_kib = rss(server);
    Ok(held)
}
