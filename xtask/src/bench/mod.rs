//! `cargo xtask bench`: the mock server against a bare axum handler (and
//! Prism, when Node is available), under the same load, in one table.
//!
//! Each server is started from its release binary; start-up is the time from
//! exec to its first answered request. Load: 32 keep-alive connections (one
//! thread each) for a fixed number of requests, from the load loop below, the
//! same for every server (and for `cargo xtask soak`). It counts requests
//! rather than running for a time (as `wrk` does) so that resident memory is
//! read, from `/proc`, after exactly the number of requests asked for
//! (default: a million).

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

mod instructions;
mod spec;
mod wrk;
pub use instructions::run as run_instructions;
pub use spec::run as run_spec;
pub use wrk::run as run_wrk;

/// Keep-alive connections, as in the performance targets.
pub const CONNECTIONS: usize = 32;

/// The longest the load loop waits for one read or write.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// One server to measure.
struct Scenario {
    name: String,
    command: Command,
    /// The request, as bytes on the wire (`{host}` filled in later).
    request: String,
}

/// What one run measured.
struct Measured {
    name: String,
    startup: Duration,
    requests: u64,
    errors: u64,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    rss_kib: u64,
}

/// Builds, runs every scenario, prints the table. `other_mock`: a mock
/// binary built from another revision (e.g. the five-operation build), run
/// under the same load as this one's default row.
pub fn run(requests: u64, other_mock: Option<&Path>) -> Result<()> {
    let root = specs::repository_root();
    let (mock_binary, bare_axum) = mock_and_bare_axum()?;
    let mock_binary = mock_binary.as_path();
    let request = |path: &str, headers: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {{host}}\r\nX-API-Key: bench-key\r\n{headers}Content-Length: 0\r\n\r\n"
        )
    };
    let mut scenarios = vec![
        Scenario {
            name: "bare axum, fixed body (baseline)".into(),
            command: with_port(Command::new(&bare_axum), ""),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock, all providers, default 200".into(),
            command: mock(mock_binary, &[]),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
    ];
    if let Some(other) = other_mock {
        if !other.is_file() {
            bail!("--other-mock {}: no such file", other.display());
        }
        scenarios.push(Scenario {
            name: format!("mock at {}, default 200", other.display()),
            command: mock(other, &[]),
            request: request("/chamelio/tasks/12345/cancel", ""),
        });
    }
    scenarios.extend([
        Scenario {
            name: "mock, default 200, info logs (the default)".into(),
            command: mock_logging(mock_binary, &[], "info"),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock --journal 0, default 200".into(),
            command: mock(mock_binary, &["--journal", "0"]),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock --journal 10000, default 200".into(),
            command: mock(mock_binary, &["--journal", "10000"]),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock, all providers, Prefer: code=409".into(),
            command: mock(mock_binary, &[]),
            request: request("/chamelio/tasks/12345/cancel", "Prefer: code=409\r\n"),
        },
        Scenario {
            name: "mock, all providers, Akua 202 (bearer, 4 params)".into(),
            command: mock(mock_binary, &[]),
            request: "POST /akua/v1/operations/op_123:cancel HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer bench\r\nIdempotency-Key: k-1\r\nContent-Length: 0\r\n\r\n".into(),
        },
        Scenario {
            name: "mock --provider chamelio".into(),
            command: mock(mock_binary, &["--provider", "chamelio"]),
            request: request("/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock --stateful (one task: 200, then 409)".into(),
            command: mock(mock_binary, &["--stateful"]),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
    ]);
    match prism(&root) {
        Some(command) => scenarios.push(Scenario {
            name: "Prism 5 (same document)".into(),
            command,
            request: request("/tasks/12345/cancel", ""),
        }),
        None => println!(
            "Prism not measured: `npm install --prefix target/prism @stoplight/prism-cli@5` (needs Node) to include it"
        ),
    }

    println!("load: {CONNECTIONS} keep-alive connections, {requests} requests per server");
    let mut results = Vec::new();
    for scenario in scenarios {
        // Prism is far slower; give it a tenth of the requests.
        let count = if scenario.name.starts_with("Prism") {
            requests / 10
        } else {
            requests
        };
        let measured = measure(scenario, count).context("measuring")?;
        println!("  measured {}", measured.name);
        results.push(measured);
    }
    print_table(&results);
    Ok(())
}

/// `cargo build --release ARGS` in the workspace, through the target directory
/// cargo picks for this run (so `CARGO_TARGET_DIR` is honoured); returns each
/// built executable by target name.
/// The release mock server and bare axum (`examples/bare_axum.rs`), built:
/// their paths, in that order.
fn mock_and_bare_axum() -> Result<(PathBuf, PathBuf)> {
    println!("building release binaries ...");
    let binaries = build_release(&[
        "-p",
        "mock-server",
        "--bin",
        "mock-server",
        "--example",
        "bare_axum",
    ])?;
    let binary = |name: &str| {
        binaries
            .get(name)
            .cloned()
            .with_context(|| format!("cargo built no `{name}`"))
    };
    Ok((binary("mock-server")?, binary("bare_axum")?))
}

pub fn build_release(args: &[&str]) -> Result<BTreeMap<String, PathBuf>> {
    let output = Command::new(env!("CARGO"))
        .current_dir(specs::repository_root())
        .args([
            "build",
            "--release",
            "--message-format=json-render-diagnostics",
        ])
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .context("running cargo build --release")?;
    if !output.status.success() {
        bail!("cargo build --release failed");
    }
    let mut executables = BTreeMap::new();
    for line in output.stdout.split(|&b| b == b'\n') {
        let Ok(message) = serde_json::from_slice::<Value>(line) else {
            continue;
        };
        if let (Some(name), Some(path)) = (
            message.pointer("/target/name").and_then(Value::as_str),
            message.get("executable").and_then(Value::as_str),
        ) {
            executables.insert(name.to_string(), PathBuf::from(path));
        }
    }
    Ok(executables)
}

/// The mock with request logging off (`RUST_LOG=warn`).
fn mock(binary: &Path, args: &[&str]) -> Command {
    mock_logging(binary, args, "warn")
}

/// The mock logging at `level` (its stderr goes to /dev/null: lines are
/// still formatted and written).
fn mock_logging(binary: &Path, args: &[&str], level: &str) -> Command {
    let mut command = Command::new(binary);
    command.args(args).env("RUST_LOG", level);
    with_port(command, "--addr")
}

/// Marks where the port goes: `--addr ADDR`, or the first argument when `flag` is empty.
fn with_port(mut command: Command, flag: &str) -> Command {
    if !flag.is_empty() {
        command.arg(flag);
    }
    command.arg("{addr}");
    command
}

fn prism(root: &Path) -> Option<Command> {
    let binary = root.join("target/prism/node_modules/.bin/prism");
    if !binary.exists() || Command::new("node").arg("--version").output().is_err() {
        return None;
    }
    let mut command = Command::new(binary);
    command
        .args([
            "mock",
            "--errors",
            "false",
            "-h",
            "127.0.0.1",
            "-p",
            "{port}",
        ])
        .arg(root.join("specs/providers/chamelio/cancel-task.yaml"));
    Some(command)
}

fn measure(scenario: Scenario, requests: u64) -> Result<Measured> {
    let server = Server::start(&scenario.name, &scenario.command, Stdio::null())?;
    let probe = Probe {
        kind: "bench",
        name: scenario.name.clone(),
        request: scenario
            .request
            .replace("{host}", &server.addr.to_string())
            .into_bytes(),
        expect: Expect::NotServerError,
    };
    let mut load = load(server.addr, &[probe], requests, CONNECTIONS, None);
    Ok(Measured {
        name: scenario.name,
        startup: server.startup,
        requests: load.requests(),
        errors: load.failures(),
        per_second: load.per_second(),
        p50: load.percentile(0.50),
        p99: load.percentile(0.99),
        rss_kib: server.rss_kib().unwrap_or(0),
    })
}

/// A server process on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// From exec to its first answer.
    pub startup: Duration,
}

impl Server {
    /// Runs `template` with `{addr}` and `{port}` in its arguments filled in,
    /// and waits (polling, no fixed sleeps) until it answers a request.
    pub fn start(name: &str, template: &Command, stderr: Stdio) -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
        let mut command = Command::new(template.get_program());
        command
            .args(template.get_args().map(|a| {
                a.to_string_lossy()
                    .replace("{addr}", &addr.to_string())
                    .replace("{port}", &port.to_string())
            }))
            .stdout(Stdio::null())
            .stderr(stderr);
        for (key, value) in template.get_envs() {
            if let Some(value) = value {
                command.env(key, value);
            }
        }
        let started = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {name}"))?;
        let mut server = Server {
            child,
            addr,
            startup: Duration::ZERO,
        };
        let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        loop {
            if let Ok(mut stream) = TcpStream::connect(addr)
                && stream.write_all(request.as_bytes()).is_ok()
                && read_response(&mut stream, &mut Vec::new()).is_ok()
            {
                server.startup = started.elapsed();
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("{name} exited before answering: {status}");
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("no answer from {name} on {addr} within 60 s");
            }
            std::thread::yield_now();
        }
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its resident memory (`VmRSS`), in KiB.
    pub fn rss_kib(&self) -> Result<u64> {
        let path = format!("/proc/{}/status", self.child.id());
        let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .with_context(|| format!("no VmRSS in {path} (has the server exited?)"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a request must be answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this status.
    Status(u16),
    /// Some 4xx.
    ClientError,
    /// Anything below 500.
    NotServerError,
}

impl Expect {
    /// Whether `status` is what was expected.
    pub fn accepts(self, status: u16) -> bool {
        match self {
            Expect::Status(expected) => status == expected,
            Expect::ClientError => (400..500).contains(&status),
            Expect::NotServerError => status < 500,
        }
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expect::Status(status) => write!(f, "{status}"),
            Expect::ClientError => f.write_str("a 4xx"),
            Expect::NotServerError => f.write_str("a status below 500"),
        }
    }
}

/// One request of a load, with what it must get back.
#[derive(Debug, Clone)]
pub struct Probe {
    /// What sort of request it is, for reports (`valid`, `wrong-method`, ...).
    pub kind: &'static str,
    /// What exactly it is, for reports.
    pub name: String,
    /// The request, as bytes on the wire.
    pub request: Vec<u8>,
    /// The answer it must get.
    pub expect: Expect,
}

/// What a load (or one of its connections) did; counts are per probe.
#[derive(Debug, Default)]
pub struct Load {
    /// Wall time.
    pub elapsed: Duration,
    /// Requests sent, per probe.
    pub sent: Vec<u64>,
    /// Requests answered otherwise than expected (or not at all), per probe.
    pub failed: Vec<u64>,
    /// Latencies of the requests answered as expected, in µs.
    pub latencies: Vec<u32>,
    /// The first few failures, described.
    pub examples: Vec<String>,
}

/// How many failures [`Load::examples`] keeps.
pub const EXAMPLES: usize = 5;

impl Load {
    /// Adds `other`'s counts to these (elapsed times add up too).
    pub fn merge(&mut self, other: Load) {
        self.elapsed += other.elapsed;
        for (counts, more) in [
            (&mut self.sent, other.sent),
            (&mut self.failed, other.failed),
        ] {
            counts.resize(counts.len().max(more.len()), 0);
            counts.iter_mut().zip(more).for_each(|(n, m)| *n += m);
        }
        self.latencies.extend(other.latencies);
        self.examples.extend(other.examples);
        self.examples.truncate(EXAMPLES);
    }

    /// Requests sent.
    pub fn requests(&self) -> u64 {
        self.sent.iter().sum()
    }

    /// Requests not answered as expected.
    pub fn failures(&self) -> u64 {
        self.failed.iter().sum()
    }

    /// Requests answered as expected, per second of wall time.
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency below which a fraction `p` of the answered requests fall.
    pub fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort_unstable();
        let index = ((self.latencies.len() as f64 * p) as usize)
            .min(self.latencies.len().saturating_sub(1));
        self.latencies.get(index).map_or(Duration::ZERO, |&micros| {
            Duration::from_micros(u64::from(micros))
        })
    }
}

/// `requests` requests over `connections` keep-alive connections (a thread
/// each), cycling through `probes` in order, until done or past `deadline`.
/// A connection that fails or that the server closes is replaced.
pub fn load(
    addr: SocketAddr,
    probes: &[Probe],
    requests: u64,
    connections: usize,
    deadline: Option<Instant>,
) -> Load {
    let remaining = AtomicU64::new(requests);
    let started = Instant::now();
    let mut total = Load::default();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..connections)
            .map(|_| scope.spawn(|| connection_load(addr, probes, &remaining, deadline)))
            .collect();
        for worker in workers {
            if let Ok(load) = worker.join() {
                total.merge(load);
            }
        }
    });
    total.elapsed = started.elapsed();
    total
}

/// One connection's share of [`load`].
fn connection_load(
    addr: SocketAddr,
    probes: &[Probe],
    remaining: &AtomicU64,
    deadline: Option<Instant>,
) -> Load {
    let mut load = Load {
        sent: vec![0; probes.len()],
        failed: vec![0; probes.len()],
        ..Load::default()
    };
    let mut buffer = Vec::with_capacity(4096);
    let mut connection = None;
    while deadline.is_none_or(|deadline| Instant::now() < deadline)
        && let Ok(n) =
            remaining.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
    {
        let index = (n % probes.len() as u64) as usize;
        let probe = &probes[index];
        load.sent[index] += 1;
        let sent = Instant::now();
        let failure = match exchange(&mut connection, addr, &probe.request, &mut buffer) {
            Ok(status) if probe.expect.accepts(status) => {
                let micros = sent.elapsed().as_micros();
                load.latencies.push(micros.min(u128::from(u32::MAX)) as u32);
                continue;
            }
            Ok(status) => format!("status {status}"),
            Err(error) => format!("{error:#}"),
        };
        load.failed[index] += 1;
        if load.examples.len() < EXAMPLES {
            load.examples.push(format!(
                "{}: expected {}, got {failure}",
                probe.name, probe.expect
            ));
        }
    }
    load
}

/// Sends `request` on `connection` (connecting first if there is none) and
/// reads the answer's status. The connection is dropped after an error or
/// an answer with `Connection: close`.
fn exchange(
    connection: &mut Option<TcpStream>,
    addr: SocketAddr,
    request: &[u8],
    buffer: &mut Vec<u8>,
) -> Result<u16> {
    let stream = match connection {
        Some(stream) => stream,
        None => connection.insert(connect(addr)?),
    };
    let answer = stream
        .write_all(request)
        .context("writing")
        .and_then(|()| read_response(stream, buffer));
    if !matches!(answer, Ok(Answer { close: false, .. })) {
        *connection = None;
    }
    Ok(answer?.status)
}

/// A connection for a load: no Nagle delay, reads and writes time out.
pub fn connect(addr: SocketAddr) -> Result<TcpStream> {
    let stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(stream)
}

/// The head of a response read by [`read_response`].
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Whether the server closes the connection after it.
    pub close: bool,
    /// Where the body starts in the buffer.
    pub body: usize,
}

/// Reads one HTTP/1.1 response (headers and a Content-Length body) into `buffer`.
pub fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Answer> {
    buffer.clear();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk).context("reading")?;
        if read == 0 {
            bail!("connection closed");
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = std::str::from_utf8(&buffer[..header_end])?;
    let status: u16 = head.split(' ').nth(1).context("no status")?.parse()?;
    let header = |wanted: &str| {
        head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case(wanted).then(|| value.trim())
        })
    };
    if header("transfer-encoding").is_some() {
        bail!("a Transfer-Encoding body (only Content-Length bodies are read)");
    }
    let length: usize = header("content-length").map_or(Ok(0), str::parse)?;
    let close = header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    while buffer.len() < header_end + length {
        let read = stream.read(&mut chunk).context("reading")?;
        if read == 0 {
            bail!("connection closed mid-body");
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(Answer {
        status,
        close,
        body: header_end,
    })
}

fn print_table(results: &[Measured]) {
    let baseline = results.first().map_or(1.0, |m| m.per_second);
    println!();
    println!(
        "| server | requests/s | ratio to baseline | p50 | p99 | errors | RSS after load | start-up |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for m in results {
        println!(
            "| {} | {:.0} | {:.2} | {:.2} ms | {:.2} ms | {} of {} | {:.1} MB | {:.1} ms |",
            m.name,
            m.per_second,
            m.per_second / baseline,
            m.p50.as_secs_f64() * 1000.0,
            m.p99.as_secs_f64() * 1000.0,
            m.errors,
            m.requests,
            m.rss_kib as f64 / 1024.0,
            m.startup.as_secs_f64() * 1000.0,
        );
    }
}
