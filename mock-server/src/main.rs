//! `cargo run -p mock-server -- [--addr 127.0.0.1:4010] [--spec [NAME=]PATH]... [--watch] [--provider NAME] [--api-key KEY]... [--header-timeout SECONDS] [--max-body BYTES] [--journal N] [--no-cors] [--stateful] [--proxy [PROVIDER=]URL]... [--proxy-timeout SECONDS] [--record DIR | --replay DIR] [--log-format text|json] [--check-health]`

use std::io::{IsTerminal, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use mock_server::{Config, Limits, MockServer, Spec};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

mod logs;

/// How long `--check-health` waits to connect, send and read.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// Mock server for OpenAPI documents: every operation, every declared status,
/// requests validated. Serves the vendored APIs, or your own with --spec.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on (with --check-health: the server to ask).
    #[arg(long, env = "MOCK_SERVER_ADDR", default_value = "127.0.0.1:4010")]
    addr: SocketAddr,
    /// Serve this OpenAPI document (3.0 or 3.1, JSON or YAML) instead of the
    /// vendored APIs, read at start-up; or a provider directory with its
    /// provider.yaml; or a directory of documents. Repeatable: several are
    /// served under their names (NAME=PATH names one); one alone at the root.
    #[arg(long = "spec", value_name = "[NAME=]PATH")]
    specs: Vec<Spec>,
    /// Reload the --spec documents when a file under them changes (checked
    /// twice a second), keeping connections, the journal and states; a
    /// change that does not load keeps the documents served before.
    #[arg(long, requires = "specs")]
    watch: bool,
    /// Serve only this provider, at the root (a drop-in for its real host).
    #[arg(long)]
    provider: Option<String>,
    /// A credential that counts as valid (repeatable); default: any non-empty one.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Seconds a client has to send a request's headers (also the longest a
    /// keep-alive connection may idle).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_timeout: u64,
    /// The largest request body read, in bytes; a larger one gets 413 (each
    /// request in flight may hold this much).
    #[arg(long, value_name = "BYTES", env = "MOCK_MAX_BODY", default_value_t = Limits::default().max_body_bytes)]
    max_body: usize,
    /// The largest multipart/form-data upload, in bytes, read as it arrives
    /// (files counted, not kept); a larger one gets 413.
    #[arg(long, value_name = "BYTES", env = "MOCK_MAX_UPLOAD", default_value_t = Limits::default().max_upload_bytes)]
    max_upload: usize,
    /// Requests kept in the journal (GET /__mock/requests); 0 turns it off.
    #[arg(long, value_name = "N", default_value_t = Config::default().journal)]
    journal: usize,
    /// Do not answer CORS preflights or add Access-Control-* headers.
    #[arg(long)]
    no_cors: bool,
    /// Keep resource states: answers follow each API's lifecycle.yaml
    /// (cancelling twice gets the document's "already cancelled" answer).
    #[arg(long)]
    stateful: bool,
    /// Forward PROVIDER's requests to its real API at URL (its base URL, e.g.
    /// `akua=https://api.akua.dev/v1`) and report where requests and answers
    /// depart from the documents (GET /__mock/violations, warnings, a summary
    /// at shutdown). Repeatable; a bare URL proxies the --provider one.
    #[arg(long = "proxy", value_name = "[PROVIDER=]URL")]
    proxies: Vec<String>,
    /// Seconds a proxied upstream has to answer, body included.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    proxy_timeout: u64,
    /// Write each proxied exchange into DIR as a JSON file, credentials removed.
    #[arg(long, value_name = "DIR", requires = "proxies")]
    record: Option<PathBuf>,
    /// Answer requests recorded in DIR (by --record) from the recordings,
    /// others as usual; stale recordings are reported as violations.
    #[arg(long, value_name = "DIR", conflicts_with = "proxies")]
    replay: Option<PathBuf>,
    /// Sign the webhooks POST /__mock/webhooks sends with this secret
    /// (`whsec_<base64>`, as Standard Webhooks and Svix show it); without
    /// it, a fixed test secret printed at start-up.
    #[arg(
        long,
        value_name = "whsec_...",
        env = "MOCK_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    webhook_secret: Option<String>,
    /// Do not send the callbacks an operation declares (OpenAPI `callbacks`)
    /// when a request names their URL and gets a success.
    #[arg(long)]
    no_callbacks: bool,
    /// Request log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Do not serve: ask the server at --addr for GET /__mock/health and exit
    /// 0 if it answers 200, else 1 (a container health check).
    #[arg(long)]
    check_health: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.check_health {
        return check_health(args.addr);
    }
    // Dropped when main returns, after the server has stopped: writes the
    // lines still waiting (for at most a second: stderr may be stuck).
    let _logs = init_logs(args.log_format)?;
    tokio::runtime::Runtime::new()
        .context("starting the tokio runtime")?
        .block_on(serve(args))
}

async fn serve(args: Args) -> anyhow::Result<()> {
    // Listen for signals before serving, so an early SIGTERM still shuts down cleanly.
    let shutdown = shutdown_signal()?;
    let proxy = proxies(&args.proxies, args.provider.as_deref())?;
    let server = MockServer::start(Config {
        addr: args.addr,
        provider: args.provider,
        specs: args.specs,
        watch: args.watch.then_some(Duration::from_millis(500)),
        api_keys: args.api_keys,
        limits: Limits {
            header_read_timeout: Duration::from_secs(args.header_timeout),
            max_body_bytes: args.max_body,
            max_upload_bytes: args.max_upload,
        },
        journal: args.journal,
        cors: !args.no_cors,
        stateful: args.stateful,
        proxy: proxy.clone(),
        proxy_timeout: Duration::from_secs(args.proxy_timeout),
        record: args.record,
        replay: args.replay,
        webhook_secret: args.webhook_secret.clone(),
        callbacks: !args.no_callbacks,
    })
    .await?;
    print_routes(&server);
    if args.webhook_secret.is_none() {
        // The fixed test secret only: one given is never printed.
        println!(
            "webhooks (POST /__mock/webhooks) are signed with the test secret {}",
            mock_server::WEBHOOK_TEST_SECRET
        );
    }
    for (provider, url) in &proxy {
        // Start-up refused any URL with user info: nothing secret here.
        println!("{provider}: proxied to {url}, checked against its documents");
    }
    shutdown.await;
    tracing::info!("shutting down");
    server.shutdown().await.context("server error")?;
    Ok(())
}

/// `--proxy` values as (provider, URL): `NAME=URL`, or a bare URL for the
/// `--provider` one.
fn proxies(values: &[String], provider: Option<&str>) -> anyhow::Result<Vec<(String, String)>> {
    values
        .iter()
        .map(|value| {
            let named = value
                .split_once('=')
                .filter(|(name, _)| !name.contains("://") && !name.contains('/'));
            match (named, provider) {
                (Some((name, url)), _) => Ok((name.to_string(), url.to_string())),
                (None, Some(provider)) => Ok((provider.to_string(), value.clone())),
                (None, None) => {
                    bail!("--proxy needs PROVIDER=URL, or a URL together with --provider PROVIDER")
                }
            }
        })
        .collect()
}

/// Logs to stderr through a writer thread (`logs.rs`), so no request
/// waits for the terminal or pipe. Colour only at a terminal, and not with
/// `NO_COLOR` set.
fn init_logs(format: LogFormat) -> anyhow::Result<logs::LogGuard> {
    let stderr = std::io::stderr();
    let ansi = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (writer, guard) = logs::BatchedLog::new(stderr).context("starting the log writer")?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match format {
        LogFormat::Text => tracing_subscriber::registry()
            .with(filter)
            .with(logs::TextLog {
                line: logs::TextLine { ansi },
                log: writer,
            })
            .init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(writer)
            .json()
            .init(),
    }
    Ok(guard)
}

/// `GET /__mock/health` on `addr` (on loopback when `addr` is unspecified,
/// like `0.0.0.0:4010`); an error unless the answer is `200`.
fn check_health(mut addr: SocketAddr) -> anyhow::Result<()> {
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
        });
    }
    let mut stream = TcpStream::connect_timeout(&addr, HEALTH_TIMEOUT)
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(HEALTH_TIMEOUT))?;
    stream.set_write_timeout(Some(HEALTH_TIMEOUT))?;
    write!(
        stream,
        "GET /__mock/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .with_context(|| format!("asking {addr}"))?;
    let mut status_line = [0u8; 12];
    stream
        .read_exact(&mut status_line)
        .with_context(|| format!("reading the answer of {addr}"))?;
    if &status_line != b"HTTP/1.1 200" {
        bail!(
            "{addr} answered `{}`, not 200",
            String::from_utf8_lossy(&status_line)
        );
    }
    Ok(())
}

/// The same as `GET /__mock/routes`, as a short table.
fn print_routes(server: &MockServer) {
    let routes = server.routes();
    println!("mock server listening on {}", server.uri());
    for provider in routes["providers"].as_array().into_iter().flatten() {
        println!(
            "\n{}  {}",
            provider["title"].as_str().unwrap_or_default(),
            provider["base_url"].as_str().unwrap_or_default()
        );
        for operation in provider["operations"].as_array().into_iter().flatten() {
            let statuses: Vec<String> = operation["statuses"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|s| s.to_string())
                .collect();
            println!(
                "  {:<7}{:<72} {}",
                operation["method"].as_str().unwrap_or_default(),
                operation["path"].as_str().unwrap_or_default(),
                statuses.join(" ")
            );
        }
        let skipped = provider["skipped"].as_array().map_or(0, Vec::len);
        if skipped > 0 {
            // A warning on the log too: a CI job's missing route is found here.
            tracing::warn!(
                provider = provider["name"].as_str().unwrap_or_default(),
                skipped,
                "operations of the documents not served (listed in /__mock/routes)"
            );
            println!("  ({skipped} operations of the documents not served: see /__mock/routes)");
        }
    }
    println!(
        "\nGET {}/__mock/routes lists the same as JSON.",
        server.uri()
    );
}

/// Ctrl-C, or SIGTERM on Unix; the handlers are installed when this is called.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_values_name_a_provider_or_take_the_served_one() {
        let values = [
            "akua=https://api.akua.dev/v1".to_string(),
            "https://host/x?a=b".to_string(),
        ];
        assert_eq!(
            proxies(&values, Some("chamelio")).unwrap(),
            [
                ("akua".into(), "https://api.akua.dev/v1".into()),
                ("chamelio".into(), "https://host/x?a=b".into()),
            ]
        );
        assert!(proxies(&values[1..], None).is_err());
    }
}
