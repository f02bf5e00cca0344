/// Corpus documents the generator takes whose output does not compile yet:
/// each is still generated (a generator error still fails the build) but
/// not included, with a warning naming why. Empty this list as the causes
/// go. Shared by `build.rs` and the tests.
const NOT_YET_COMPILED: &[(&str, &str)] = &[];

/// The documents compiled when `CORPUS_CHECK` is not set: the small ones, so
/// `cargo test --workspace` stays quick (Prefect's 179 operations, 5 MB of
/// generated code and a minute of every test build, are compiled by `cargo
/// xtask corpus`, with the rest; so is Polaris, 1.9 MB and about 20 s of CI,
/// whose token pages Akua's 45 lists in `tests/` cover). `CORPUS_CHECK=all`
/// (what `cargo xtask corpus` sets) or `CORPUS_CHECK=name,name` chooses
/// others.
const COMPILED_BY_DEFAULT: &[&str] = &[
    // Pages by page number in bodies that are bare arrays (`tests/streams.rs`).
    "museum",
    "petstore",
    // Pages (`tests/streams.rs`); Kuma's by offset.
    "kuma",
    "securityschemes",
    "swaggerpetstore",
    // Event streams (`tests/streams.rs`).
    "tgi",
    "webhooks",
];

/// Whether the corpus document `name` is generated and compiled in this build.
fn selected(name: &str) -> bool {
    match std::env::var("CORPUS_CHECK") {
        Ok(names) if names == "all" => true,
        Ok(names) => names.split(',').any(|n| n.trim() == name),
        Err(_) => COMPILED_BY_DEFAULT.contains(&name),
    }
}
