//! The runner behind `cargo test -p contract`: rows become libtest-mimic
//! trials, so filters, `--skip`, `--exact`, `--list`, `--ignored`,
//! `--format` and `--test-threads` behave as in libtest, and cargo-nextest
//! can list and run single rows.
//!
//! Our own flags are taken out of the arguments before libtest-mimic sees
//! them (each also has an environment variable; a flag wins):
//!
//! - `--live` (`CONTRACT_LIVE=1`): the live rows ([`crate::live`]) instead of
//!   the mock matrix;
//! - `--base-url NAME=URL`, repeatable (`CONTRACT_BASE_URL=a=URL,b=URL`):
//!   where live mode sends provider `NAME`'s requests;
//! - `--junit PATH` (`CONTRACT_JUNIT=PATH`): also write a JUnit XML report;
//! - `--require-keys a,b` (`CONTRACT_REQUIRE_KEYS=a,b`), repeatable: in live
//!   mode, a listed provider without its key (or server URL) is a failed
//!   row saying so, not a skipped line: a nightly job with a missing or
//!   renamed secret goes red.
//!
//! Rows run on one tokio runtime; libtest-mimic's threads (by default 8, as
//! rows wait on the network, not the CPU) bound how many run at once. A run
//! that selects no row from a non-empty catalogue without any filter fails.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use libtest_mimic::{Completion, Failed, Trial};
use tokio::runtime::Handle;

use crate::junit::{Record, Verdict};
use crate::live::{LiveEntry, plan};
use crate::rows::rows;
use crate::support::Suite;

/// How long one row may take.
const ROW_TIMEOUT: Duration = Duration::from_secs(60);

/// Rows running at once when `--test-threads` is not given.
const DEFAULT_THREADS: usize = 8;

/// A bad flag or environment variable of ours.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OptionsError {
    /// A flag without its value.
    #[error("{0} needs a value")]
    MissingValue(&'static str),
    /// A base URL not of the form `NAME=URL`.
    #[error("`{0}` is not NAME=URL with an http(s) URL")]
    BadBaseUrl(String),
    /// `CONTRACT_LIVE` with a value other than 1/true/0/false.
    #[error("CONTRACT_LIVE must be 1, true, 0 or false, not `{0}`")]
    BadLive(String),
    /// `--require-keys` with an empty name.
    #[error("`{0}` is not a comma-separated list of provider names")]
    BadRequiredKeys(String),
}

/// Our options, and the arguments left for libtest-mimic.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Run the live rows.
    pub live: bool,
    /// Base URLs by provider name.
    pub base_urls: BTreeMap<String, String>,
    /// Where to write a JUnit report.
    pub junit: Option<PathBuf>,
    /// Providers whose live rows must run: no key is a failure.
    pub require_keys: BTreeSet<String>,
    /// Everything else, program name first.
    pub libtest: Vec<String>,
}

impl Options {
    /// Reads our flags out of `args` (program name first) and our variables
    /// through `env`.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OptionsError> {
        let mut options = Options::default();
        match env("CONTRACT_LIVE").as_deref().map(str::trim) {
            None | Some("" | "0" | "false") => {}
            Some("1" | "true") => options.live = true,
            Some(other) => return Err(OptionsError::BadLive(other.to_string())),
        }
        if let Some(list) = env("CONTRACT_BASE_URL") {
            for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
                options.add_base_url(item)?;
            }
        }
        if let Some(list) = env("CONTRACT_REQUIRE_KEYS").filter(|l| !l.trim().is_empty()) {
            options.add_required_keys(&list)?;
        }
        options.junit = env("CONTRACT_JUNIT")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let mut value_of = |flag: &'static str| match arg.strip_prefix(flag) {
                Some("") => args
                    .next()
                    .map(Some)
                    .ok_or(OptionsError::MissingValue(flag)),
                Some(rest) => Ok(rest.strip_prefix('=').map(str::to_string)),
                None => Ok(None),
            };
            if arg == "--live" {
                options.live = true;
            } else if let Some(value) = value_of("--base-url")? {
                options.add_base_url(&value)?;
            } else if let Some(value) = value_of("--junit")? {
                options.junit = Some(PathBuf::from(value));
            } else if let Some(value) = value_of("--require-keys")? {
                options.add_required_keys(&value)?;
            } else {
                options.libtest.push(arg);
            }
        }
        Ok(options)
    }

    fn add_required_keys(&mut self, list: &str) -> Result<(), OptionsError> {
        for name in list.split(',').map(str::trim) {
            if name.is_empty() {
                return Err(OptionsError::BadRequiredKeys(list.to_string()));
            }
            self.require_keys.insert(name.to_string());
        }
        Ok(())
    }

    fn add_base_url(&mut self, item: &str) -> Result<(), OptionsError> {
        let bad = || OptionsError::BadBaseUrl(item.to_string());
        let (name, url) = item.split_once('=').ok_or_else(bad)?;
        if name.is_empty() || !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(bad());
        }
        self.base_urls.insert(name.to_string(), url.to_string());
        Ok(())
    }
}

/// Runs the suite as the process's arguments and environment say.
pub fn main() -> ExitCode {
    let args = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let options = match Options::parse(args, |name| std::env::var(name).ok()) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: Options) -> Result<ExitCode, String> {
    let mut arguments = libtest_mimic::Arguments::from_iter(options.libtest.iter());
    if arguments.test_threads.is_none() {
        arguments.test_threads = Some(DEFAULT_THREADS);
    }
    let providers: Vec<_> = specs::load_providers(&specs::providers_dir())
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(Arc::new)
        .collect();
    let known = || {
        let names: Vec<&str> = providers.iter().map(|p| p.name.as_str()).collect();
        names.join(", ")
    };
    for name in options.base_urls.keys() {
        if !providers.iter().any(|p| &p.name == name) {
            return Err(format!(
                "--base-url names no provider `{name}`; vendored: {}",
                known()
            ));
        }
    }
    for name in &options.require_keys {
        if !providers.iter().any(|p| &p.name == name) {
            return Err(format!(
                "--require-keys names no provider `{name}`; vendored: {}",
                known()
            ));
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("no tokio runtime: {e}"))?;
    let suite = Arc::new(Suite::new()?);
    let records = Records::default();
    let trials = if options.live {
        live_trials(&providers, &options, runtime.handle(), &suite, &records)
    } else {
        rows(&providers)
            .into_iter()
            .map(|row| {
                let suite = Arc::clone(&suite);
                trial(row.name.clone(), runtime.handle(), &records, async move {
                    row.run(&suite).await
                })
            })
            .collect()
    };

    let selected: Vec<(String, bool)> = trials
        .iter()
        .filter(|t| !arguments.is_filtered_out(t))
        .map(|t| (t.name().to_string(), arguments.is_ignored(t)))
        .collect();
    let operations: usize = providers.iter().map(|p| p.operations.len()).sum();
    if let Some(error) = nothing_selected(selected.len(), &arguments, operations) {
        return Err(error);
    }

    let conclusion = libtest_mimic::run(&arguments, trials);
    drop(runtime);
    if let Some(path) = options.junit.filter(|_| !arguments.list) {
        let report = records.report(&selected);
        std::fs::write(&path, crate::junit::render(&report))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(conclusion.exit_code())
}

/// Selecting no row is a failure, unless a filter asked for it (or the
/// catalogue is empty): a bug that loses every row must not pass.
pub fn nothing_selected(
    selected: usize,
    arguments: &libtest_mimic::Arguments,
    operations: usize,
) -> Option<String> {
    let filtered = arguments.filter.is_some() || !arguments.skip.is_empty() || arguments.ignored;
    (selected == 0 && !filtered && !arguments.list && operations > 0)
        .then(|| format!("no contract row selected from a catalogue of {operations} operations"))
}

/// Runs plain test functions as libtest would, our own flags taken out
/// first: `cargo test -p contract -- --live` hands `--live` to every test
/// target of the package, and libtest's own harness would refuse it.
pub fn run_tests(tests: Vec<(String, fn())>) -> ExitCode {
    let args = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let options = match Options::parse(args, |_| None) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let arguments = libtest_mimic::Arguments::from_iter(options.libtest.iter());
    let trials = tests
        .into_iter()
        .map(|(name, test)| {
            Trial::test(name, move || {
                test();
                Ok(())
            })
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit_code()
}

fn live_trials(
    providers: &[Arc<specs::Provider>],
    options: &Options,
    handle: &Handle,
    suite: &Arc<Suite>,
    records: &Records,
) -> Vec<Trial> {
    plan(providers, &options.base_urls, |name| {
        std::env::var(name).ok()
    })
    .into_iter()
    .map(|entry| match entry {
        LiveEntry::Row(row) => {
            let suite = Arc::clone(suite);
            trial(row.name.clone(), handle, records, async move {
                row.run(&suite).await
            })
        }
        LiveEntry::Skipped {
            name,
            provider,
            why,
        } if options.require_keys.contains(&provider) => {
            let message = format!("{why}, and --require-keys lists {provider}");
            trial(name, handle, records, async move { Err(message) })
        }
        LiveEntry::Skipped { name, why, .. } => {
            let reason = format!("skipped: {why}");
            let records = records.clone();
            Trial::ignorable_test(name.clone(), move || {
                records.push(name, Verdict::Skipped(Some(reason.clone())), Duration::ZERO);
                Ok(Completion::ignored_with(reason))
            })
        }
    })
    .collect()
}

/// A trial running `job` on the runtime, bounded by [`ROW_TIMEOUT`], and
/// recording its verdict for the report.
fn trial(
    name: String,
    handle: &Handle,
    records: &Records,
    job: impl Future<Output = Result<(), String>> + Send + 'static,
) -> Trial {
    let handle = handle.clone();
    let records = records.clone();
    Trial::test(name.clone(), move || {
        let started = Instant::now();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            handle.block_on(async {
                tokio::time::timeout(ROW_TIMEOUT, job)
                    .await
                    .unwrap_or_else(|_| Err(format!("timed out after {ROW_TIMEOUT:?}")))
            })
        }))
        .unwrap_or_else(|panic| {
            let text = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("");
            Err(format!("panicked: {text}"))
        });
        let verdict = match &result {
            Ok(()) => Verdict::Passed,
            Err(message) => Verdict::Failed(message.clone()),
        };
        records.push(name, verdict, started.elapsed());
        result.map_err(Failed::from)
    })
}

/// The verdicts of the trials that ran, from any thread.
#[derive(Clone, Default)]
struct Records(Arc<Mutex<BTreeMap<String, Record>>>);

impl Records {
    fn push(&self, name: String, verdict: Verdict, time: Duration) {
        let mut records = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        records.insert(
            name.clone(),
            Record {
                name,
                verdict,
                time,
            },
        );
    }

    /// The selected trials in order; those that did not run were ignored.
    fn report(&self, selected: &[(String, bool)]) -> Vec<Record> {
        let records = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        selected
            .iter()
            .map(|(name, _)| {
                records.get(name).cloned().unwrap_or_else(|| Record {
                    name: name.clone(),
                    verdict: Verdict::Skipped(None),
                    time: Duration::ZERO,
                })
            })
            .collect()
    }
}
