//! One cargo feature per provider, for `sdk/build.rs`.
//!
//! Cargo features must be declared in `Cargo.toml`, but a new provider must
//! stay a new directory. So: the `all-providers` feature (on by default)
//! generates every directory under `specs/providers/`, declared or not;
//! without it, only the providers whose feature is on. A directory without a
//! declared feature is a build warning telling the developer which line to
//! add, never an error, so the workspace still builds and tests it.

use std::collections::BTreeSet;

/// The feature that selects every provider directory.
pub const ALL: &str = "all-providers";

/// The features `[features]` of a manifest declares, and what `all-providers`
/// lists (a plain line-based read: `name = [...]` lines of that table).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Declared {
    /// Every feature name.
    pub features: BTreeSet<String>,
    /// The members of `all-providers = [...]`.
    pub all: BTreeSet<String>,
}

/// Reads the `[features]` table of `manifest` (a `Cargo.toml`'s text).
pub fn declared(manifest: &str) -> Declared {
    let mut declared = Declared::default();
    let mut in_features = false;
    let mut in_all = false;
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.starts_with('[') && !in_all {
            in_features = line == "[features]";
            continue;
        }
        if !in_features || line.is_empty() {
            continue;
        }
        let (list, rest) = match line.split_once('=') {
            Some((name, rest)) if !in_all => {
                let name = name.trim().trim_matches('"').to_string();
                in_all = name == ALL;
                declared.features.insert(name);
                (in_all, rest)
            }
            _ => (in_all, line),
        };
        if list {
            declared.all.extend(
                rest.split(',')
                    .map(|m| {
                        m.trim()
                            .trim_matches(|c| c == '[' || c == ']')
                            .trim()
                            .trim_matches('"')
                    })
                    .filter(|m| !m.is_empty())
                    .map(str::to_string),
            );
            if rest.contains(']') {
                in_all = false;
            }
        }
    }
    declared
}

/// Which providers to generate, and the warnings for the developer.
pub fn select<'a>(
    providers: impl IntoIterator<Item = &'a str>,
    declared: &Declared,
    enabled: impl Fn(&str) -> bool,
) -> (Vec<&'a str>, Vec<String>) {
    let all = enabled(ALL);
    let mut selected = Vec::new();
    let mut warnings = Vec::new();
    for name in providers {
        if !declared.features.contains(name) {
            warnings.push(format!(
                "provider `{name}` has no cargo feature: add `{name} = []` to `[features]` in sdk/Cargo.toml and \"{name}\" to `{ALL}`, so an application can build it alone"
            ));
        } else if !declared.all.contains(name) {
            warnings.push(format!(
                "the `{ALL}` feature of sdk/Cargo.toml does not list \"{name}\"; add it"
            ));
        }
        if all || enabled(name) {
            selected.push(name);
        }
    }
    (selected, warnings)
}

/// `CARGO_FEATURE_<NAME>`: upper case, `-` as `_`.
pub fn env_var(feature: &str) -> String {
    format!("CARGO_FEATURE_{}", feature.to_uppercase().replace('-', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "sdk"

[features]
default = ["rustls", "all-providers"] # comment
all-providers = [
    "akua",
    "phala", # trailing
]
akua = []
phala = []
dynamic = []

[dependencies]
bytes = "1"
"#;

    #[test]
    fn reads_the_features_table() {
        let declared = declared(MANIFEST);
        assert_eq!(
            declared
                .features
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["akua", "all-providers", "default", "dynamic", "phala"]
        );
        assert_eq!(
            declared.all.iter().map(String::as_str).collect::<Vec<_>>(),
            ["akua", "phala"]
        );
    }

    #[test]
    fn all_providers_selects_every_directory_and_warns_of_undeclared_ones() {
        let declared = declared(MANIFEST);
        let (selected, warnings) = select(["akua", "newcomer", "phala"], &declared, |f| f == ALL);
        assert_eq!(selected, ["akua", "newcomer", "phala"]);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0]
                .starts_with("provider `newcomer` has no cargo feature: add `newcomer = []`"),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn without_all_providers_only_enabled_ones() {
        let declared = declared(MANIFEST);
        let (selected, warnings) = select(["akua", "phala"], &declared, |f| f == "phala");
        assert_eq!(selected, ["phala"]);
        assert!(warnings.is_empty());
        assert_eq!(env_var("all-providers"), "CARGO_FEATURE_ALL_PROVIDERS");
    }
}
