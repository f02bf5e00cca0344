//! Tests over every third-party document of `specs/corpus/`.

use std::fmt::Display;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// Runs `check` on every corpus document (there are at least four), on as
/// many threads as the machine has cores, then fails naming each that
/// failed, so one failure hides no other; `what` says what a passing
/// document's count counts.
pub fn check_every_document<E: Display>(
    what: &str,
    check: impl Fn(&Path) -> Result<usize, E> + Sync,
) {
    let dirs = specs::corpus_dirs().expect("specs/corpus/ is readable");
    assert!(
        dirs.len() >= 4,
        "specs/corpus/ should hold at least four documents, found {}",
        dirs.len()
    );
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for _ in 0..workers.min(dirs.len()) {
            scope.spawn(|| {
                while let Some((name, dir)) = dirs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match check(dir) {
                        Ok(count) => eprintln!("corpus {name}: {count} {what}"),
                        Err(why) => failures
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(format!("corpus {name}: {why}")),
                    }
                }
            });
        }
    });
    let mut failures = failures
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} corpus documents fail:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}
