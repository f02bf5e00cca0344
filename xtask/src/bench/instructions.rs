//! `cargo xtask bench --instructions`: user-space instructions per request
//! of bare axum and the mock (defaults: info logs, journal on), counted by
//! callgrind while `wrk` sends `--wrk`'s request. Unlike a rate, the count
//! does not move with the machine's load, so a change on the request path
//! shows in it (issue 21 measured its per-request work this way).
//! Instrumentation starts after a warm-up (`callgrind_control -i on`); the
//! count is the dump's total over `wrk`'s requests.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::wrk::{PATH, requests, write_script, wrk_with};
use super::{Server, mock_and_bare_axum, mock_logging, with_port};

/// Connections `wrk` keeps open: few, as a server under callgrind is slow.
const CONNECTIONS: u32 = 4;

/// Builds, counts each server's instructions per request over `seconds`
/// of load, prints them; says so and returns when a tool is missing.
pub fn run(seconds: u32) -> Result<()> {
    for tool in ["valgrind", "callgrind_control", "wrk"] {
        if Command::new(tool).arg("--version").output().is_err() {
            println!("{tool} not found: `apt-get install valgrind wrk` to count instructions");
            return Ok(());
        }
    }
    let (mock, bare_axum) = mock_and_bare_axum()?;
    let script = write_script()?;
    let out = specs::repository_root().join("target/bench");
    let servers = [
        ("bare axum", with_port(Command::new(&bare_axum), "")),
        (
            "mock, defaults (info logs, journal)",
            mock_logging(&mock, &[], "info"),
        ),
    ];
    println!("callgrind, wrk -t1 -c{CONNECTIONS} -d{seconds}s, POST {PATH}");
    println!("| server | requests | instructions per request |\n|---|---:|---:|");
    for (index, (name, command)) in servers.iter().enumerate() {
        let dump = out.join(format!("callgrind.{index}.out"));
        let (requests, instructions) = count(name, command, &dump, &script, seconds)?;
        println!(
            "| {name} | {requests} | {:.0} |",
            instructions as f64 / requests as f64
        );
    }
    Ok(())
}

/// Runs `command` under callgrind, loads it, and returns `wrk`'s request
/// count and the instructions counted meanwhile.
fn count(
    name: &str,
    command: &Command,
    dump: &Path,
    script: &Path,
    seconds: u32,
) -> Result<(u64, u64)> {
    // A dump of an earlier run must not be read as this one's.
    let written = dump.with_extension("out.1");
    for file in [dump, written.as_path()] {
        let _ = std::fs::remove_file(file);
    }
    let mut valgrind = Command::new("valgrind");
    valgrind
        .args(["--tool=callgrind", "--instr-atstart=no"])
        .arg(format!("--callgrind-out-file={}", dump.display()))
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            valgrind.env(key, value);
        }
    }
    let server = Server::start(name, &valgrind, Stdio::null())?;
    let url = format!("http://{}{PATH}", server.addr);
    wrk_with(&url, script, 3, CONNECTIONS)?;
    control(&server, "-i", Some("on"))?;
    let output = wrk_with(&url, script, seconds, CONNECTIONS)?;
    // `-d` writes the counts so far into `<dump>.1`, the next dump's name.
    control(&server, "-d", None)?;
    let requests = requests(&output)?;
    let text = std::fs::read_to_string(&written)
        .with_context(|| format!("reading callgrind's dump {}", written.display()))?;
    let instructions = text
        .lines()
        .find_map(|line| {
            line.strip_prefix("summary:")
                .or_else(|| line.strip_prefix("totals:"))
        })
        .and_then(|total| total.trim().parse::<u64>().ok())
        .with_context(|| format!("no total in {}", written.display()))?;
    if requests == 0 {
        bail!("{name} answered no request under callgrind");
    }
    Ok((requests, instructions))
}

fn control(server: &Server, flag: &str, value: Option<&str>) -> Result<()> {
    // Its chatter ("sending command ...") is shown only when it fails.
    let output = Command::new("callgrind_control")
        .arg(flag)
        .args(value)
        .arg(server.pid().to_string())
        .output()
        .context("running callgrind_control")?;
    if !output.status.success() {
        bail!(
            "callgrind_control {flag} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
