//! Tests over every third-party document of `specs/corpus/`.

use std::fmt::Display;
use std::path::Path;

/// Runs `check` on every corpus document (there are at least four), then
/// fails naming each that failed, so one failure hides no other; `what`
/// says what a passing document's count counts.
pub fn check_every_document<E: Display>(what: &str, check: impl Fn(&Path) -> Result<usize, E>) {
    let dirs = specs::corpus_dirs().expect("specs/corpus/ is readable");
    assert!(
        dirs.len() >= 4,
        "specs/corpus/ should hold at least four documents, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        match check(dir) {
            Ok(count) => eprintln!("corpus {name}: {count} {what}"),
            Err(why) => failures.push(format!("corpus {name}: {why}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus documents fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
