//! `cargo xtask bench --wrk ROUNDS`: the mock with its defaults (info logs,
//! journal on) and with `RUST_LOG=warn` against bare axum, each under `wrk`
//! (`-t1 -c32`, a second of warm-up, then `--wrk-seconds`), in turn, round
//! after round, as issue 21's per-request target asks: `wrk` is a C load
//! generator that needs a fraction of the CPU this crate's own load loop
//! takes, so on two cores the servers' costs show. Each server's CPU time
//! per request is read from `/proc/PID/stat` around the run.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::{Server, mock_and_bare_axum, mock_logging, with_port};

/// The request, as the other scenarios send it.
const SCRIPT: &str = "wrk.method = \"POST\"\nwrk.headers[\"X-API-Key\"] = \"bench-key\"\n";
pub(super) const PATH: &str = "/chamelio/tasks/12345/cancel";

/// One server's run under `wrk`.
struct Run {
    per_second: f64,
    cpu_micros_per_request: f64,
}

/// Builds, runs `rounds` rounds of every server for `seconds` each, prints
/// the table; says so and returns when `wrk` is not installed.
pub fn run(rounds: u32, seconds: u32) -> Result<()> {
    if Command::new("wrk").arg("--version").output().is_err() {
        println!(
            "wrk not found: `apt-get install wrk` (or your system's package) to measure with it"
        );
        return Ok(());
    }
    let (mock, bare_axum) = mock_and_bare_axum()?;
    let script = write_script()?;
    let servers = [
        ("bare axum", with_port(Command::new(&bare_axum), "")),
        (
            "mock, defaults (info logs, journal)",
            mock_logging(&mock, &[], "info"),
        ),
        ("mock, RUST_LOG=warn", mock_logging(&mock, &[], "warn")),
    ];
    println!("wrk -t1 -c32 -d{seconds}s, POST {PATH}, {rounds} rounds");
    println!(
        "| round | server | requests/s | ratio to bare axum | CPU per request |\n|---:|---|---:|---:|---:|"
    );
    let mut ratios = vec![Vec::new(); servers.len()];
    for round in 1..=rounds {
        let mut baseline = None;
        for ((name, command), ratios) in servers.iter().zip(&mut ratios) {
            let server = Server::start(name, command, Stdio::null())?;
            let measured = measure(&server, &script, seconds)?;
            let base = *baseline.get_or_insert(measured.per_second);
            ratios.push(measured.per_second / base);
            println!(
                "| {round} | {name} | {:.0} | {:.2} | {:.1} µs |",
                measured.per_second,
                measured.per_second / base,
                measured.cpu_micros_per_request
            );
        }
    }
    // One round is one sample of a two-core machine's scheduling: the
    // median says more than any round.
    for ((name, _), ratios) in servers.iter().zip(&mut ratios).skip(1) {
        println!("median ratio, {name}: {:.2}", median(ratios));
    }
    Ok(())
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Writes the `wrk` script that sends the request (`target/bench/wrk-post.lua`).
pub(super) fn write_script() -> Result<PathBuf> {
    let script = specs::repository_root().join("target/bench/wrk-post.lua");
    std::fs::create_dir_all(script.parent().context("a parent")?)?;
    std::fs::write(&script, SCRIPT).with_context(|| format!("writing {}", script.display()))?;
    Ok(script)
}

fn measure(server: &Server, script: &Path, seconds: u32) -> Result<Run> {
    let url = format!("http://{}{PATH}", server.addr);
    wrk(&url, script, 1)?;
    let before = cpu_ticks(server)?;
    let output = wrk(&url, script, seconds)?;
    let after = cpu_ticks(server)?;
    let number = |prefix: &str| {
        output
            .lines()
            .find_map(|line| line.trim().strip_prefix(prefix))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
            .with_context(|| format!("no `{prefix}` in wrk's output:\n{output}"))
    };
    let per_second = number("Requests/sec:")?;
    let requests = requests(&output)? as f64;
    if output.contains("Non-2xx") {
        bail!("the server answered other than 2xx under load:\n{output}");
    }
    Ok(Run {
        per_second,
        cpu_micros_per_request: (after - before) as f64 * 1e6 / TICKS_PER_SECOND / requests,
    })
}

/// How many requests `wrk`'s output says it sent (`N requests in ...`).
pub(super) fn requests(output: &str) -> Result<u64> {
    output
        .lines()
        .find(|line| line.contains("requests in"))
        .and_then(|line| line.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .with_context(|| format!("no request count in wrk's output:\n{output}"))
}

fn wrk(url: &str, script: &Path, seconds: u32) -> Result<String> {
    wrk_with(url, script, seconds, 32)
}

/// `wrk` with one thread and `connections` connections, its output.
pub(super) fn wrk_with(url: &str, script: &Path, seconds: u32, connections: u32) -> Result<String> {
    let output = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .context("running wrk")?;
    if !output.status.success() {
        bail!("wrk failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Linux's clock ticks per second for `/proc/PID/stat` (`USER_HZ`, 100 on
/// every mainstream architecture).
const TICKS_PER_SECOND: f64 = 100.0;

/// The server's user and system CPU time so far, in clock ticks.
fn cpu_ticks(server: &Server) -> Result<u64> {
    let path = format!("/proc/{}/stat", server.pid());
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    // After the command name (in parentheses, which may hold spaces):
    // fields 3 onwards; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    match (field(14), field(15)) {
        (Some(user), Some(system)) => Ok(user + system),
        _ => bail!("no CPU times in {path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_the_middle_of_the_sorted_values() {
        assert_eq!(median(&mut [0.9, 0.7, 0.8]), 0.8);
        assert_eq!(median(&mut [0.9, 0.7, 0.8, 0.6]), 0.75);
        assert!(median(&mut []).is_nan());
    }
}
