//! `cargo run -p mock-server -- [--addr 127.0.0.1:4010] [--provider NAME] [--header-timeout SECONDS] [--log-format text|json]`

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use mock_server::serve::Limits;
use mock_server::{Config, MockServer};

/// Mock server for the vendored APIs: every operation, every declared status.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4010")]
    addr: SocketAddr,
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
    /// Request log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match args.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }

    // Listen for signals before serving, so an early SIGTERM still shuts down cleanly.
    let shutdown = shutdown_signal()?;
    let server = MockServer::start(Config {
        addr: args.addr,
        provider: args.provider,
        api_keys: args.api_keys,
        limits: Limits {
            header_read_timeout: Duration::from_secs(args.header_timeout),
        },
    })
    .await?;
    print_routes(&server);
    shutdown.await;
    tracing::info!("shutting down");
    server.shutdown().await.context("server error")?;
    Ok(())
}

/// The same as `GET /__mock/routes`, as a short table.
fn print_routes(server: &MockServer) {
    let routes = server.routes();
    println!("mock server listening on {}", server.url());
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
    }
    println!(
        "\nGET {}/__mock/routes lists the same as JSON.",
        server.url()
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
