//! The runner behaves as libtest does (what cargo and cargo-nextest rely
//! on): listing, filters, `--skip`, `--exact`, exit codes; and writes the
//! JUnit report it is asked for.

use std::process::{Command, Output};

use crate::{SUITE, providers};

fn suite(args: &[&str]) -> Output {
    let mut command = Command::new(SUITE);
    command.args(args);
    for variable in ["CONTRACT_LIVE", "CONTRACT_BASE_URL", "CONTRACT_JUNIT"] {
        command.env_remove(variable);
    }
    command.output().unwrap()
}

fn listed(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

fn list_names_every_row_and_runs_none() {
    let rows: Vec<String> = contract::rows::rows(&providers())
        .into_iter()
        .map(|r| r.name)
        .collect();
    for format in [&["--list"][..], &["--list", "--format", "terse"]] {
        let output = suite(format);
        assert!(output.status.success());
        assert_eq!(listed(&output), rows);
        assert!(!String::from_utf8_lossy(&output.stdout).contains("test result"));
    }
    // Every provider with operations and every kind has rows.
    for provider in providers().iter().filter(|p| !p.operations.is_empty()) {
        for kind in ["status", "routes", "request"] {
            let prefix = format!("{kind}::{}::", provider.name);
            assert!(rows.iter().any(|r| r.starts_with(&prefix)), "{prefix}");
        }
    }
}

fn skip_and_filters_select_as_libtest_does() {
    let all = listed(&suite(&["--list"]));
    let skipped = listed(&suite(&["--list", "--skip", "chamelio"]));
    let expected: Vec<_> = all
        .iter()
        .filter(|n| !n.contains("chamelio"))
        .cloned()
        .collect();
    assert!(!expected.is_empty() && expected.len() < all.len());
    assert_eq!(skipped, expected);
    // A filter is a substring, as in libtest (`param::…::status::…` too).
    let only = listed(&suite(&["--list", "status::"]));
    assert!(only.iter().any(|n| n.starts_with("status::")));
    assert!(only.iter().all(|n| n.contains("status::")));
    assert_eq!(
        only.len(),
        all.iter().filter(|n| n.contains("status::")).count()
    );
}

fn exact_runs_one_row() {
    let all = listed(&suite(&["--list"]));
    let name = all.iter().find(|n| n.starts_with("routes::")).unwrap();
    let output = suite(&["--exact", name]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains(&format!("test {name} ... ok")), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "1 passed; 0 failed; 0 ignored; 0 measured; {} filtered out",
            all.len() - 1
        )),
        "{stdout}"
    );
    // A filter that matches nothing is a choice, not a failure.
    let output = suite(&["no-such-row"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 passed"));
}

fn junit_report_of_the_rows_that_ran() {
    let all = listed(&suite(&["--list"]));
    let name = all.iter().find(|n| n.starts_with("auth::")).unwrap();
    let path = format!("{}/runner-junit.xml", env!("CARGO_TARGET_TMPDIR"));
    let output = suite(&["--exact", name, "--junit", &path]);
    assert!(output.status.success());
    let report = std::fs::read_to_string(&path).unwrap();
    let (class, case) = name.rsplit_once("::").unwrap();
    assert!(report.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"contract\" tests=\"1\" failures=\"0\""), "{report}");
    assert!(
        report.contains(&format!("<testcase classname=\"{class}\" name=\"{case}\"")),
        "{report}"
    );
    assert_eq!(report.matches("<testcase ").count(), 1, "{report}");
}

fn bad_options_are_refused() {
    let output = suite(&["--base-url", "nobody=http://127.0.0.1:1"]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--base-url names no provider `nobody`")
    );
    let output = suite(&["--base-url", "broken"]);
    assert_eq!(output.status.code(), Some(2));
}

/// This module's tests, for the binary's `main`.
pub fn tests() -> Vec<(&'static str, fn())> {
    vec![
        (
            "list_names_every_row_and_runs_none",
            list_names_every_row_and_runs_none,
        ),
        (
            "skip_and_filters_select_as_libtest_does",
            skip_and_filters_select_as_libtest_does,
        ),
        ("exact_runs_one_row", exact_runs_one_row),
        (
            "junit_report_of_the_rows_that_ran",
            junit_report_of_the_rows_that_ran,
        ),
        ("bad_options_are_refused", bad_options_are_refused),
    ]
}
