//! `cargo xtask bench`: the mock server against a bare axum handler (and
//! Prism, when Node is available), under the same load, in one table.
//!
//! Each server is started from its release binary; start-up is the time from
//! exec to its first answered request. Load: 32 keep-alive connections (one
//! thread each) for a fixed number of requests, from the load loop below, the
//! same for every server. It counts requests rather than running for a time
//! (as `wrk` does) so that resident memory is read, from `/proc`, after
//! exactly the number of requests asked for (default: a million).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Keep-alive connections, as in the performance targets.
const CONNECTIONS: usize = 32;

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

/// Builds, runs every scenario, prints the table.
pub fn run(requests: u64) -> Result<()> {
    let root = specs::repository_root();
    println!("building release binaries ...");
    let status = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "mock-server",
            "--bin",
            "mock-server",
            "--example",
            "bare_axum",
        ])
        .status()?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    let release = root.join("target/release");
    let request = |path: &str, headers: &str| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: {{host}}\r\nX-API-Key: bench-key\r\n{headers}Content-Length: 0\r\n\r\n"
        )
    };
    let mut scenarios = vec![
        Scenario {
            name: "bare axum, fixed body (baseline)".into(),
            command: with_port(Command::new(release.join("examples/bare_axum")), ""),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock, all providers, default 200".into(),
            command: mock(&release, &[]),
            request: request("/chamelio/tasks/12345/cancel", ""),
        },
        Scenario {
            name: "mock, all providers, Prefer: code=409".into(),
            command: mock(&release, &[]),
            request: request("/chamelio/tasks/12345/cancel", "Prefer: code=409\r\n"),
        },
        Scenario {
            name: "mock, all providers, Akua 202 (bearer, 4 params)".into(),
            command: mock(&release, &[]),
            request: "POST /akua/v1/operations/op_123:cancel HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer bench\r\nIdempotency-Key: k-1\r\nContent-Length: 0\r\n\r\n".into(),
        },
        Scenario {
            name: "mock --provider chamelio".into(),
            command: mock(&release, &["--provider", "chamelio"]),
            request: request("/tasks/12345/cancel", ""),
        },
    ];
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

fn mock(release: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(release.join("mock-server"));
    command.args(args).env("RUST_LOG", "warn");
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
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let program = scenario.command.get_program().to_owned();
    let args: Vec<String> = scenario
        .command
        .get_args()
        .map(|a| {
            a.to_string_lossy()
                .replace("{addr}", &addr.to_string())
                .replace("{port}", &port.to_string())
        })
        .collect();
    let mut command = Command::new(program);
    command
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in scenario.command.get_envs() {
        if let Some(value) = value {
            command.env(key, value);
        }
    }
    let request = scenario.request.replace("{host}", &addr.to_string());

    let started = Instant::now();
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", scenario.name))?;
    let mut child = KillOnDrop(child);
    let startup = first_answer(addr, &request, started, Duration::from_secs(60))?;

    let (count, errors, elapsed, mut latencies) = load(addr, &request, requests)?;
    let rss_kib = rss_kib(child.0.id()).unwrap_or(0);
    let _ = child.0.kill();
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(Duration::ZERO, |micros| {
                Duration::from_micros(u64::from(*micros))
            })
    };
    Ok(Measured {
        name: scenario.name,
        startup,
        requests: count,
        errors,
        per_second: count as f64 / elapsed.as_secs_f64(),
        p50: percentile(0.50),
        p99: percentile(0.99),
        rss_kib,
    })
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls (connect, send, read) until the server answers; no fixed sleeps.
fn first_answer(
    addr: SocketAddr,
    request: &str,
    started: Instant,
    limit: Duration,
) -> Result<Duration> {
    loop {
        if let Ok(mut stream) = TcpStream::connect(addr)
            && stream.write_all(request.as_bytes()).is_ok()
            && read_response(&mut stream, &mut Vec::new()).is_ok()
        {
            return Ok(started.elapsed());
        }
        if started.elapsed() > limit {
            bail!("no answer from {addr} within {limit:?}");
        }
        std::thread::yield_now();
    }
}

/// `requests` requests over [`CONNECTIONS`] keep-alive connections; returns
/// (answered, errors, elapsed, latencies in µs).
fn load(addr: SocketAddr, request: &str, requests: u64) -> Result<(u64, u64, Duration, Vec<u32>)> {
    let remaining = Arc::new(AtomicU64::new(requests));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let remaining = remaining.clone();
            let errors = errors.clone();
            let request = request.as_bytes().to_vec();
            std::thread::spawn(move || -> Vec<u32> {
                let mut latencies = Vec::new();
                let mut buffer = Vec::with_capacity(4096);
                let Ok(mut stream) = TcpStream::connect(addr) else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    return latencies;
                };
                let _ = stream.set_nodelay(true);
                while remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    let sent = Instant::now();
                    let ok = stream.write_all(&request).is_ok()
                        && read_response(&mut stream, &mut buffer).is_ok_and(|status| status < 500);
                    if ok {
                        latencies.push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                        match TcpStream::connect(addr) {
                            Ok(fresh) => stream = fresh,
                            Err(_) => return latencies,
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(requests as usize);
    for worker in workers {
        latencies.extend(worker.join().unwrap_or_default());
    }
    let elapsed = started.elapsed();
    Ok((
        latencies.len() as u64,
        errors.load(Ordering::Relaxed),
        elapsed,
        latencies,
    ))
}

/// Reads one HTTP/1.1 response (headers and a Content-Length body); returns its status.
fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<u16> {
    buffer.clear();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            bail!("connection closed");
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = std::str::from_utf8(&buffer[..header_end])?;
    let status: u16 = head.split(' ').nth(1).context("no status")?.parse()?;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let read = stream.read(&mut chunk)?;
        if read == 0 {
            bail!("connection closed mid-body");
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(status)
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/status"))).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
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
            m.requests + m.errors,
            m.rss_kib as f64 / 1024.0,
            m.startup.as_secs_f64() * 1000.0,
        );
    }
}
