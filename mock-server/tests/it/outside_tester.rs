//! An outside tester nobody here wrote: schemathesis (from PyPI, pinned and
//! installed by `.ci/run`), property-based, every check on, against the mock
//! serving each vendored document. Any failure or error fails the test but
//! one kind: an undocumented status (ST103) on an operation the spec
//! library lists as a document gap (`specs::status::gaps`, also written to
//! `specs/golden/<name>.gaps.txt`) with exactly the status the mock answers
//! that gap with: the document declares no status for that refusal.
//!
//! One more kind is reported and let pass: an operation schemathesis
//! itself cannot generate cases for (Hypothesis' "inconsistent results"
//! inside its generation, before any request is sent).
//!
//! Runs where `SCHEMATHESIS` names the `st` program (`.ci/run` sets it) or
//! `st` is on the PATH; elsewhere it prints that it was skipped and how to
//! install it. With `SCHEMATHESIS` set, a program that does not run fails.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use mock_server::{Config, MockServer};

use crate::spec::Scratch;

const KEY: &str = "outside-tester-key";
/// Examples per operation and phase: this keeps all four providers within
/// about a minute here.
const EXAMPLES: &str = "2";
/// A document with more operations than this is tested by two schemathesis
/// processes at once, each given every other path: generation is Python
/// bound to one core, and Akua's alone took 95 of the 105 s of one run.
const SPLIT_ABOVE: usize = 40;
/// A fixed seed: the same cases every run, so a failure reproduces.
const SEED: &str = "20261206";

/// The `st` program to run, if any.
fn schemathesis() -> Option<PathBuf> {
    if let Some(program) = std::env::var_os("SCHEMATHESIS") {
        return Some(PathBuf::from(program));
    }
    let on_path = Command::new("st").arg("--version").output();
    on_path
        .is_ok_and(|output| output.status.success())
        .then(|| PathBuf::from("st"))
}

/// One thing schemathesis reported.
#[derive(Debug)]
struct Reported {
    /// `METHOD /path`, as its report names the operation.
    operation: String,
    /// The check's code (`ST103`), or `error`.
    code: String,
    /// For ST103, the status received.
    received: Option<u16>,
    /// Its text, for the failure message.
    text: String,
}

/// The failures and errors of a schemathesis JUnit report.
fn reported(junit: &str) -> Vec<Reported> {
    let mut found = Vec::new();
    for case in junit.split("<testcase ").skip(1) {
        let operation = attribute(case, "name").unwrap_or_default();
        let case = case.split("</testcase>").next().unwrap_or_default();
        let elements: Vec<(&str, &str)> = ["failure", "error"]
            .iter()
            .flat_map(|tag| {
                let opening = format!("<{tag} ");
                case.split(opening.as_str())
                    .skip(1)
                    .map(|element| (*tag, element))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (tag, element) in elements {
            let text = unescape(
                element
                    .split_once('>')
                    .map(|(_, rest)| rest)
                    .unwrap_or_default()
                    .split(&format!("</{tag}>"))
                    .next()
                    .unwrap_or_default(),
            );
            if tag == "error" {
                // Hypothesis failing to draw the same cases twice from a
                // document's examples fails inside schemathesis before any
                // request: the tester's, not the mock's.
                let code = if text.contains("Inconsistent results")
                    && text.contains("schemathesis/generation/")
                {
                    "generation"
                } else {
                    "error"
                };
                found.push(Reported {
                    operation: operation.clone(),
                    code: code.into(),
                    received: None,
                    text,
                });
                continue;
            }
            // Each check is a `- STnnn Title` line, then its details.
            let mut checks = text.split("\n- ST").skip(1).peekable();
            if checks.peek().is_none() {
                found.push(Reported {
                    operation: operation.clone(),
                    code: "unreadable".into(),
                    received: None,
                    text: text.clone(),
                });
            }
            for check in checks {
                let code = format!("ST{}", check.split_whitespace().next().unwrap_or_default());
                let received = check
                    .lines()
                    .find_map(|line| line.trim().strip_prefix("Received: "))
                    .and_then(|status| status.trim().parse().ok());
                found.push(Reported {
                    operation: operation.clone(),
                    code,
                    received,
                    text: check.chars().take(600).collect(),
                });
            }
        }
    }
    found
}

fn attribute(element: &str, name: &str) -> Option<String> {
    let start = element.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + element[start..].find('"')?;
    Some(unescape(&element[start..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A schemathesis configuration giving every security scheme of
/// `provider` the key, by the scheme's name: schemathesis then sends it
/// where the document says and also knows how to leave it out (its
/// `ignored_auth` check; a `--header` would be sent on every request).
fn auth_config(provider: &specs::Provider) -> String {
    use specs::CredentialKind::*;
    let mut schemes: Vec<(&str, &specs::CredentialKind)> = provider
        .operations
        .iter()
        .flat_map(|o| o.security.iter().flatten())
        .map(|c| (c.scheme.as_str(), &c.kind))
        .collect();
    schemes.sort_by_key(|(scheme, _)| *scheme);
    schemes.dedup_by_key(|(scheme, _)| *scheme);
    let mut config = String::new();
    for (scheme, kind) in schemes {
        let value = match kind {
            Bearer | OAuth2 => format!("bearer = \"{KEY}\""),
            Basic => format!(
                "username = \"{}\"\npassword = \"{KEY}\"",
                test_support::BASIC_USER
            ),
            ApiKeyHeader(_) | ApiKeyQuery(_) | ApiKeyCookie(_) => format!("api_key = \"{KEY}\""),
        };
        config.push_str(&format!("[auth.openapi.\"{scheme}\"]\n{value}\n"));
    }
    config
}

/// The operations of a path item.
fn operations_of(item: &serde_json::Value) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    METHODS.iter().filter(|m| item.get(**m).is_some()).count()
}

/// The paths one schemathesis process tests, and how many operations they hold.
#[derive(Debug, Default)]
struct PathGroup {
    /// A regular expression matching exactly these paths; `None`: all paths.
    pattern: Option<String>,
    operations: usize,
}

/// The document's paths (without `excluded`) for one process, or, above
/// `SPLIT_ABOVE` operations, in two groups, every other path in each.
fn path_groups(document: &serde_json::Value, excluded: &[String]) -> Vec<PathGroup> {
    let paths: Vec<(&String, usize)> = document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(path, _)| !excluded.contains(path))
        .map(|(path, item)| (path, operations_of(item)))
        .collect();
    let total = paths.iter().map(|(_, count)| count).sum();
    if total <= SPLIT_ABOVE {
        return vec![PathGroup {
            pattern: None,
            operations: total,
        }];
    }
    (0..2)
        .map(|part| {
            let group: Vec<&(&String, usize)> = paths.iter().skip(part).step_by(2).collect();
            let alternatives: Vec<String> =
                group.iter().map(|(path, _)| regex_escape(path)).collect();
            PathGroup {
                pattern: Some(format!("^({})$", alternatives.join("|"))),
                operations: group.iter().map(|(_, count)| count).sum(),
            }
        })
        .collect()
}

/// `text` as a regular expression (Python's `re`) matching only itself.
fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut escaped, c| {
        if "\\.^$|?*+()[]{}".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
        escaped
    })
}

/// Runs schemathesis on `document` (its paths matching `paths`, when given)
/// against `base`; the report's text.
fn run(
    st: &Path,
    document: &Path,
    paths: Option<&str>,
    base: &str,
    config: &Path,
    excluded: &[String],
    report_dir: &Path,
) -> String {
    let mut command = Command::new(st);
    // Its cache (`.schemathesis/`) goes beside the report, not in the tree.
    command.current_dir(report_dir);
    command.arg("--config-file").arg(config);
    command.args(["run"]).arg(document).args([
        "--url",
        base,
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        // One thread per process: the processes run side by side, and two
        // threads in one process can meet CPython 3.11's "AST constructor
        // recursion depth mismatch" inside Hypothesis (seen once in CI).
        "--workers",
        "1",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
    ]);
    command.arg(report_dir);
    if let Some(paths) = paths {
        command.args(["--include-path-regex", paths]);
    }
    for path in excluded {
        command.args(["--exclude-path", path]);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", st.display()));
    let report = std::fs::read_dir(report_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|e| e == "xml"));
    let Some(report) = report else {
        panic!(
            "schemathesis wrote no report:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    std::fs::read_to_string(report).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_but_the_listed_document_gaps() {
    let Some(st) = schemathesis() else {
        eprintln!(
            "skipped: schemathesis is not installed (`pip install schemathesis==4.32.5`, \
             or SCHEMATHESIS=/path/to/st); .ci/run installs it"
        );
        return;
    };
    let mock = MockServer::start(Config {
        api_keys: vec![KEY.to_string()],
        ..Config::default()
    })
    .await
    .unwrap();
    let scratch = Scratch::new("schemathesis");
    let mut unexpected = Vec::new();
    let mut summary = Vec::new();
    let mut runs = Vec::new();
    for provider in specs::load_providers(&specs::providers_dir()).unwrap() {
        let base = mock.base_url(&provider.name).unwrap();
        let gaps: BTreeSet<(String, u16)> =
            specs::status::gaps(&provider.operations, provider.invalid_input_status)
                .into_iter()
                .map(|gap| (gap.operation, gap.status))
                .collect();
        let config = scratch
            .dir("config")
            .join(format!("{}.toml", provider.name));
        std::fs::write(&config, auth_config(&provider)).unwrap();
        // A template schemathesis cannot read (`{path:*}`, a wildcard some
        // documents borrow from Google's APIs) names no parameter it knows.
        let excluded: Vec<String> = provider
            .operations
            .iter()
            .filter(|o| o.path.contains(":*}"))
            .map(|o| o.path.clone())
            .collect();
        for (index, document) in provider.documents.iter().enumerate() {
            let path = scratch.write(
                &format!("{}-{index}.json", provider.name),
                &document.resolved,
            );
            let groups = path_groups(&document.resolved, &excluded);
            for (part, group) in groups.into_iter().enumerate() {
                let label = format!("{} document {index} part {part}", provider.name);
                let reports = scratch.dir(&format!("{}-{index}-{part}-report", provider.name));
                let (st, path) = (st.clone(), path.clone());
                let (base, config, excluded) = (base.clone(), config.clone(), excluded.clone());
                // Every process starts now; their reports are read below.
                let pattern = group.pattern.clone();
                let junit = tokio::task::spawn_blocking(move || {
                    run(
                        &st,
                        &path,
                        pattern.as_deref(),
                        &base,
                        &config,
                        &excluded,
                        &reports,
                    )
                });
                runs.push((label, group.operations, gaps.clone(), junit));
            }
        }
    }
    for (label, operations, gaps, junit) in runs {
        let junit = junit.await.unwrap();
        // A group that matched no operation would pass by testing nothing.
        assert_eq!(
            junit.matches("<testcase ").count(),
            operations,
            "{label}: schemathesis tested another number of operations than the group holds"
        );
        let found = reported(&junit);
        let (gap, other): (Vec<_>, Vec<_>) = found.into_iter().partition(|r| {
            r.code == "ST103"
                && r.received
                    .is_some_and(|status| gaps.contains(&(r.operation.clone(), status)))
        });
        let (ungenerated, other): (Vec<_>, Vec<_>) =
            other.into_iter().partition(|r| r.code == "generation");
        summary.push(format!(
            "{label}: {} undocumented statuses, each a listed gap; \
             {} operations schemathesis could not generate for ({}); {} other",
            gap.len(),
            ungenerated.len(),
            ungenerated
                .iter()
                .map(|r| r.operation.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            other.len()
        ));
        unexpected.extend(other);
    }
    eprintln!("{}", summary.join("\n"));
    assert!(
        unexpected.is_empty(),
        "schemathesis found {} problems beyond the listed gaps:\n{unexpected:#?}",
        unexpected.len()
    );
}

#[test]
fn reports_are_read_check_by_check() {
    let junit = r#"<testsuites><testsuite name="schemathesis">
    <testcase name="GET /a/{id}" time="1"><failure type="failure" message="ST103, ST108">1. Test Case ID: x

- ST103 Undocumented status code

    Received: 400
    Documented: 200, 404

- ST108 Response violates schema

    &apos;id&apos; is a required property</failure></testcase>
    <testcase name="POST /b" time="1"><error type="error">Schema Error

Path parameter &apos;p:*&apos; is not defined</error></testcase>
    <testcase name="GET /c" time="1"></testcase>
    </testsuite></testsuites>"#;
    let found = reported(junit);
    let seen: Vec<_> = found
        .iter()
        .map(|r| (r.operation.as_str(), r.code.as_str(), r.received))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET /a/{id}", "ST103", Some(400)),
            ("GET /a/{id}", "ST108", None),
            ("POST /b", "error", None),
        ]
    );
    assert!(found[1].text.contains("'id' is a required property"));
}
