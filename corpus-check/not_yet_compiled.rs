/// Corpus documents the generator takes whose output does not compile yet:
/// each is still generated (a generator error still fails the build) but
/// not included, with a warning naming why. Empty this list as the causes
/// go. Shared by `build.rs` and the tests.
const NOT_YET_COMPILED: &[(&str, &str)] = &[];
