//! `--watch`: the `--spec` documents are reloaded when a file under them
//! changes, without dropping a connection, the journal, faults or resource
//! states. A change that no longer loads keeps the documents served so far
//! and says why.
//!
//! Files are polled (their size and modification time), which needs no
//! platform API and sees files on mounted volumes too; a change is acted on
//! once two polls in a row agree, so a half-written file is not loaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::Config;
use crate::shared::Shared;

/// Files looked at under one directory, at most (a directory of documents
/// is small; this bounds a mistaken `--spec /`).
const MAX_FILES: usize = 10_000;

/// What the watcher did last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reload {
    /// How many reloads were attempted (0: none yet).
    pub attempts: u64,
    /// Why the last attempt kept the documents served before; `None` when
    /// it replaced them (or none was attempted).
    pub error: Option<String>,
}

/// The files `config.specs` covers, as they are now: taken before they
/// are first loaded, so no change after that goes unseen.
pub(crate) async fn before_loading(config: &Config) -> Snapshot {
    snapshot(config.specs.iter().map(|s| s.path.clone()).collect()).await
}

/// Starts polling `config.specs` every `interval`, from `served` (what the
/// files were when the served documents were loaded); each reload attempt
/// is announced on the returned channel.
pub(crate) fn spawn(
    shared: Arc<Shared>,
    config: Config,
    interval: Duration,
    mut served: Snapshot,
) -> (JoinHandle<()>, watch::Receiver<Reload>) {
    let (announce, reloads) = watch::channel(Reload {
        attempts: 0,
        error: None,
    });
    let task = tokio::spawn(async move {
        let roots: Vec<PathBuf> = config.specs.iter().map(|s| s.path.clone()).collect();
        let mut seen = served.clone();
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut attempts = 0;
        loop {
            ticks.tick().await;
            let now = snapshot(roots.clone()).await;
            // Act once the files have stopped changing.
            let settled = now == seen;
            seen = now;
            if !settled || seen == served {
                continue;
            }
            served = seen.clone();
            attempts += 1;
            let reload_config = config.clone();
            let loaded = tokio::task::spawn_blocking(move || crate::mounts(&reload_config)).await;
            let error = match loaded {
                Ok(Ok(mounts)) => {
                    let operations: usize =
                        mounts.iter().map(|m| m.provider.operations.len()).sum();
                    shared.replace(mounts);
                    tracing::info!(operations, "reloaded the documents");
                    None
                }
                Ok(Err(error)) => Some(error.to_string()),
                Err(panicked) => Some(format!("the reload stopped: {panicked}")),
            };
            if let Some(error) = &error {
                tracing::warn!("still serving the documents loaded before: {error}");
            }
            announce.send_replace(Reload { attempts, error });
        }
    });
    (task, reloads)
}

/// Each file under `roots` with its size and modification time.
pub(crate) type Snapshot = Vec<(PathBuf, Option<(u64, SystemTime)>)>;

async fn snapshot(roots: Vec<PathBuf>) -> Snapshot {
    tokio::task::spawn_blocking(move || {
        let mut files = Vec::new();
        for root in &roots {
            list(root, &mut files);
        }
        files.sort();
        files
            .into_iter()
            .map(|path| {
                let stamp = std::fs::metadata(&path)
                    .ok()
                    .and_then(|m| Some((m.len(), m.modified().ok()?)));
                (path, stamp)
            })
            .collect()
    })
    .await
    .unwrap_or_default()
}

/// `path` itself if it is not a directory, else the files under it.
fn list(path: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(path) else {
        files.push(path.to_owned());
        return;
    };
    for entry in entries.flatten() {
        if files.len() >= MAX_FILES {
            return;
        }
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => list(&path, files),
            Ok(_) => files.push(path),
            Err(_) => {}
        }
    }
}
