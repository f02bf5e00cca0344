//! The SDK generator's output for the small vendored providers, against
//! golden files in `tests/output/` (as progenitor's own `tests/output`): a
//! change to the generator, to progenitor or to a document shows in the
//! diff as the code an application compiles. `UPDATE_GOLDEN=1 cargo test -p
//! codegen --test output` rewrites them.
//!
//! Every vendored provider's public surface (types, variants, fields,
//! methods with their signatures: `codegen::sdk::surface`) has its golden
//! listing in `tests/surface/`, Akua's too: a renamed variant or a changed
//! setter is a reviewed line there.

use std::path::PathBuf;

/// Akua's module is left out: 232 operations make a golden nobody reads;
/// its normalised document has its own golden in `specs/golden/`.
const PROVIDERS: [&str; 3] = ["chamelio", "phala", "promptlayer"];

#[test]
fn generated_sdk_modules_match_their_golden_files() {
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for name in PROVIDERS {
        let provider = providers
            .iter()
            .find(|provider| provider.name == name)
            .unwrap_or_else(|| panic!("{name} is vendored"));
        let generated = codegen::sdk::generate(provider).unwrap();
        assert!(
            generated.findings.is_empty(),
            "{name}: {}",
            generated.findings.report()
        );
        let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/output")
            .join(format!("{name}.rs"));
        if update {
            std::fs::write(&golden, &generated.code).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(&generated.code) {
            stale.push(golden.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {}; run `UPDATE_GOLDEN=1 cargo test -p codegen --test output` and review the diff",
        stale.join(", ")
    );
}

#[test]
fn public_sdk_surfaces_match_their_golden_listings() {
    let providers = specs::load_providers(&specs::providers_dir()).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for provider in &providers {
        let generated = codegen::sdk::generate(provider).unwrap();
        let listing = codegen::sdk::surface(&generated.code).unwrap();
        let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/surface")
            .join(format!("{}.txt", provider.name));
        if update {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &listing).unwrap();
        } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(&listing) {
            stale.push(golden.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale: {}; run `UPDATE_GOLDEN=1 cargo test -p codegen --test output` and review the diff",
        stale.join(", ")
    );
}
