//! `cargo xtask bench --spec PATH`: the release mock serving a document
//! given at start-up, beside Prism serving the same document when it is
//! installed: start-up (exec to first answer, the document's load
//! included), throughput, p50/p99 and resident memory, as a table and an
//! SVG chart.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use mock_model::model::{Credential, Operation, Provider};

use super::{Measured, Scenario, build_release, measure, mock_logging, print_table};

/// Measures `spec` with `requests` requests per server (Prism gets a
/// tenth), and writes the chart to `chart`.
pub fn run(spec: &Path, requests: u64, chart: &Path) -> Result<()> {
    let provider = model(spec)?;
    let operation = chosen(provider).context("the document has no operation to drive")?;
    println!(
        "driving {} {} of {} ({} operations)",
        operation.method,
        operation.path,
        provider.title,
        provider.operations.len()
    );
    println!("building the release mock ...");
    let binaries = build_release(&["-p", "mock-server", "--bin", "mock-server"])?;
    let binary = binaries
        .get("mock-server")
        .context("cargo built no `mock-server`")?;
    let spec_arg = spec.display().to_string();
    // One document alone is served at the root, after its server URL's path.
    let mock_request = request(operation, provider.server_path);
    let mut scenarios = vec![
        Scenario {
            name: "mock --spec, RUST_LOG=warn".into(),
            command: mock_logging(binary, &["--spec", &spec_arg], "warn"),
            request: mock_request.clone(),
        },
        Scenario {
            name: "mock --spec, info logs (the default)".into(),
            command: mock_logging(binary, &["--spec", &spec_arg], "info"),
            request: mock_request,
        },
    ];
    match prism(provider) {
        Some(command) => scenarios.push(Scenario {
            name: "Prism 5, same document".into(),
            command,
            // Prism matches the document's paths without the server's.
            request: request(operation, ""),
        }),
        None => println!(
            "Prism not measured: `npm install --prefix target/prism @stoplight/prism-cli@5` (needs Node), or `prism` on the PATH"
        ),
    }
    let mut results = Vec::new();
    for scenario in scenarios {
        let count = if scenario.name.starts_with("Prism") {
            (requests / 10).max(1)
        } else {
            requests
        };
        let measured = measure(scenario, count).context("measuring")?;
        println!("  measured {}", measured.name);
        results.push(measured);
    }
    print_table(&results);
    if let Some(parent) = chart.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let title = format!(
        "{} ({} operations, {:.1} MB)",
        provider.title,
        provider.operations.len(),
        std::fs::metadata(spec).map_or(0.0, |m| m.len() as f64 / 1e6)
    );
    std::fs::write(chart, svg(&title, &results))
        .with_context(|| format!("writing {}", chart.display()))?;
    println!("\nchart: {}", chart.display());
    Ok(())
}

/// The document's model, built the way `mock-server --spec` builds it.
fn model(spec: &Path) -> Result<&'static Provider> {
    let provider = if spec.is_dir() {
        specs::load_provider_for(spec, specs::Purpose::Mock)
    } else {
        specs::load_file(spec, None, specs::Purpose::Mock)
    }
    .with_context(|| format!("loading {}", spec.display()))?;
    Ok(mock_model::build::provider(&provider).provider)
}

/// The operation to drive: the first `GET` that needs no parameter but its
/// path's, else the first operation.
fn chosen(provider: &Provider) -> Option<&Operation> {
    provider
        .operations
        .iter()
        .find(|o| {
            o.method == "GET"
                && o.parameters
                    .iter()
                    .all(|p| !p.required || p.location == mock_model::model::Location::Path)
        })
        .or_else(|| provider.operations.first())
}

/// The operation's request on the wire (`{host}` filled in later): path
/// parameters `1`, the first security alternative's credentials.
fn request(operation: &Operation, base: &str) -> String {
    let mut path = operation.path_with(base, |_| "1".to_string());
    let mut headers = String::new();
    let mut query = Vec::new();
    for credential in operation.security.first().copied().unwrap_or_default() {
        match credential {
            Credential::Header(name) => headers.push_str(&format!("{name}: bench-key\r\n")),
            Credential::Query(name) => query.push(format!("{name}=bench-key")),
            Credential::Cookie(name) => headers.push_str(&format!("Cookie: {name}=bench-key\r\n")),
            Credential::Bearer => headers.push_str("Authorization: Bearer bench-key\r\n"),
            Credential::Basic => headers.push_str("Authorization: Basic YmVuY2g6a2V5\r\n"),
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    format!(
        "{} {path} HTTP/1.1\r\nHost: {{host}}\r\n{headers}Content-Length: 0\r\n\r\n",
        operation.method
    )
}

/// Prism 5 serving `provider`'s first document: `target/prism` (as the
/// other bench installs it) or `prism` on the PATH.
fn prism(provider: &Provider) -> Option<Command> {
    let installed = specs::repository_root().join("target/prism/node_modules/.bin/prism");
    let binary = if installed.exists() {
        installed
    } else {
        let on_path = Command::new("prism").arg("--version").output().ok()?;
        on_path.status.success().then(|| PathBuf::from("prism"))?
    };
    // As given, or (inside the repository) relative to its root.
    let named = Path::new(provider.documents.first()?);
    let document = if named.exists() {
        named.to_owned()
    } else {
        specs::repository_root().join(named)
    };
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
        .arg(document);
    Some(command)
}

/// One figure of a measurement, as a chart draws it.
type Figure = fn(&Measured) -> f64;

/// Three bar charts side by side: requests per second, start-up, memory.
fn svg(title: &str, results: &[Measured]) -> String {
    const PANEL: f64 = 300.0;
    const LABEL: f64 = 230.0;
    const BAR: f64 = 22.0;
    let panels: [(&str, Figure); 3] = [
        ("requests/s (p99 in brackets)", |m| m.per_second),
        ("start-up, ms", |m| m.startup.as_secs_f64() * 1000.0),
        ("resident memory after load, MB", |m| {
            m.rss_kib as f64 / 1024.0
        }),
    ];
    let height = 60.0 + results.len() as f64 * (BAR + 8.0) + 20.0;
    let width = LABEL + 3.0 * (PANEL + 20.0);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">
<text x="8" y="20" font-size="15" font-weight="bold">{}</text>
"#,
        escape(title)
    );
    for (row, result) in results.iter().enumerate() {
        let y = 50.0 + row as f64 * (BAR + 8.0);
        out.push_str(&format!(
            "<text x=\"8\" y=\"{}\">{}</text>\n",
            y + BAR * 0.7,
            escape(&result.name)
        ));
    }
    for (index, (heading, value)) in panels.iter().enumerate() {
        let x = LABEL + index as f64 * (PANEL + 20.0);
        out.push_str(&format!(
            "<text x=\"{x}\" y=\"40\" font-weight=\"bold\">{heading}</text>\n"
        ));
        let most = results
            .iter()
            .map(value)
            .fold(0.0, f64::max)
            .max(f64::MIN_POSITIVE);
        for (row, result) in results.iter().enumerate() {
            let y = 50.0 + row as f64 * (BAR + 8.0);
            let shown = value(result);
            let length = (shown / most * (PANEL - 90.0)).max(1.0);
            let text = if index == 0 {
                format!("{shown:.0} ({:.2} ms)", result.p99.as_secs_f64() * 1000.0)
            } else {
                format!("{shown:.1}")
            };
            out.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{length:.1}\" height=\"{BAR}\" fill=\"{}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\">{text}</text>\n",
                if result.name.starts_with("Prism") { "#c9803a" } else { "#3a78c9" },
                x + length + 4.0,
                y + BAR * 0.7
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_chart_has_a_bar_per_server_and_figure_scaled_to_the_largest() {
        let measured = |name: &str, per_second: f64, startup: u64, rss_kib: u64| Measured {
            name: name.into(),
            startup: Duration::from_millis(startup),
            requests: 10,
            errors: 0,
            per_second,
            p50: Duration::from_micros(400),
            p99: Duration::from_millis(1),
            rss_kib,
        };
        let chart = svg(
            "A <b> & c",
            &[
                measured("mock", 70_000.0, 130, 37 * 1024),
                measured("Prism 5", 600.0, 2_600, 174 * 1024),
            ],
        );
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>\n"));
        assert_eq!(chart.matches("<rect").count(), 6);
        assert!(chart.contains("A &lt;b&gt; &amp; c"), "{chart}");
        assert!(chart.contains("70000 (1.00 ms)"), "{chart}");
        // The largest of each figure gets the whole width.
        assert_eq!(chart.matches("width=\"210.0\"").count(), 3, "{chart}");
    }
}
