//! The runner behaves as libtest does (what cargo and cargo-nextest rely
//! on): listing, filters, `--skip`, `--exact`, exit codes; and writes the
//! JUnit report it is asked for.

use std::collections::{BTreeMap, BTreeSet};
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
    let mut rows = Vec::new();
    for format in [&["--list"][..], &["--list", "--format", "terse"]] {
        let output = suite(format);
        assert!(output.status.success());
        assert!(!String::from_utf8_lossy(&output.stdout).contains("test result"));
        rows = listed(&output);
    }
    let unique: BTreeSet<&String> = rows.iter().collect();
    assert_eq!(unique.len(), rows.len(), "row names are not unique");
    // Every provider with operations has these kinds of rows.
    for provider in providers().iter().filter(|p| !p.operations.is_empty()) {
        for kind in ["status", "routes", "request"] {
            let prefix = format!("{kind}::{}::", provider.name);
            assert!(rows.iter().any(|r| r.starts_with(&prefix)), "{prefix}");
        }
    }
    // The counts per kind and provider are the table in
    // docs/contract-suite.md: a change in what the suite checks shows in
    // review (`UPDATE_GOLDEN=1` rewrites the table).
    let path = format!("{}/../docs/contract-suite.md", env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = docs
        .split_once(COUNTS_BEGIN)
        .expect("the table's start marker");
    let (table, after) = rest.split_once(COUNTS_END).expect("the table's end marker");
    let counted = counts_table(&rows);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(
            &path,
            format!("{before}{COUNTS_BEGIN}{counted}{COUNTS_END}{after}"),
        )
        .unwrap();
    } else {
        assert_eq!(
            table, counted,
            "docs/contract-suite.md's row counts are stale: rerun with UPDATE_GOLDEN=1 and review"
        );
    }
}

const COUNTS_BEGIN: &str =
    "<!-- row counts (UPDATE_GOLDEN=1 cargo test -p contract -- runner::list) -->\n";
const COUNTS_END: &str = "<!-- end of row counts -->";

/// A Markdown table of rows per kind (columns) and provider (lines).
fn counts_table(rows: &[String]) -> String {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for row in rows {
        let mut parts = row.split("::");
        let (Some(kind), Some(provider)) = (parts.next(), parts.next()) else {
            panic!("row `{row}` is not named kind::provider::…");
        };
        *counts.entry((provider, kind)).or_default() += 1;
    }
    let kinds: BTreeSet<&str> = counts.keys().map(|(_, kind)| *kind).collect();
    let providers: BTreeSet<&str> = counts.keys().map(|(provider, _)| *provider).collect();
    let mut table = format!(
        "| provider | {} | all |\n|---|{}---:|\n",
        kinds
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---:|".repeat(kinds.len())
    );
    let line = |name: &str, count: &dyn Fn(&str) -> usize| {
        let cells: Vec<String> = kinds.iter().map(|kind| count(kind).to_string()).collect();
        let all: usize = kinds.iter().map(|kind| count(kind)).sum();
        format!("| {name} | {} | {all} |\n", cells.join(" | "))
    };
    for provider in &providers {
        table += &line(provider, &|kind| {
            counts.get(&(*provider, kind)).copied().unwrap_or(0)
        });
    }
    table += &line("all", &|kind| {
        counts
            .iter()
            .filter(|((_, k), _)| *k == kind)
            .map(|(_, n)| n)
            .sum()
    });
    table
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
