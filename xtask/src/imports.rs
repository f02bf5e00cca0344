//! No module of a workspace crate imports, directly or around a loop, a
//! module that imports it back (ARCHITECTURE.md, "Key decisions"). Read
//! from the source text: every `crate::…` and `super::…` path outside
//! comments and `#[cfg(test)]` code names the deepest module it reaches;
//! a name the crate root re-exports (`pub use builder::{ClientBuilder}`)
//! counts as its defining module. A parent's `pub use child::Item` facade
//! is not read (it names `child::`, not `crate::`), so the loop a facade
//! makes with its children is allowed, as in any Rust crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module's path below its crate root (`["ci", "webhooks"]`; `[]` the root).
type Module = Vec<String>;

/// Every module of the crate whose sources are `files` (path below `src/`,
/// text), and the modules each one names.
fn graph(files: &[(String, String)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeMap<Module, String> = files
        .iter()
        .map(|(path, text)| (module_of(path), code_of(text)))
        .collect();
    let reexports = modules.get(&Vec::new()).map(|root| reexports(root));
    let reexports = reexports.unwrap_or_default();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, code) in &modules {
        let named = edges.entry(module.clone()).or_default();
        for path in paths(code) {
            let mut path = path.into_iter();
            let mut absolute = match path.next().as_deref() {
                Some("crate") => Vec::new(),
                Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
                _ => continue,
            };
            let mut rest: Vec<String> = path.collect();
            while rest.first().is_some_and(|s| s == "super") {
                absolute.pop();
                rest.remove(0);
            }
            if absolute.is_empty()
                && let Some(defining) = rest.first().and_then(|name| reexports.get(name))
            {
                // Another crate's item (`pub use mock_model::model`) is no module of this one.
                if !modules.contains_key(&defining[..1]) {
                    continue;
                }
                rest.splice(0..1, defining.iter().cloned());
            }
            absolute.extend(rest);
            // The deepest module the path reaches.
            let target = (0..=absolute.len())
                .rev()
                .map(|n| absolute[..n].to_vec())
                .find(|m| modules.contains_key(m));
            if let Some(target) = target
                && &target != module
            {
                named.insert(target);
            }
        }
    }
    edges
}

/// `a/b.rs` and `a/b/mod.rs` are `a::b`; `lib.rs` and `main.rs` the root.
fn module_of(path: &str) -> Module {
    let mut parts: Vec<String> = path
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if parts
        .last()
        .is_some_and(|last| ["mod", "lib", "main"].contains(&last.as_str()))
    {
        parts.pop();
    }
    parts
}

/// The text that builds the crate: without comment lines (doc links name
/// modules without importing them) and without the items under
/// `#[cfg(test)]` (a `mod x;` line, or a block to its closing brace).
fn code_of(text: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"));
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            kept.push(line);
            continue;
        }
        let mut depth = 0usize;
        for item in lines.by_ref() {
            depth += item.matches('{').count();
            depth = depth.saturating_sub(item.matches('}').count());
            if depth == 0 && (item.trim_end().ends_with(';') || item.trim_end().ends_with('}')) {
                break;
            }
        }
    }
    kept.join("\n")
}

/// The names the root re-exports from a module of its own, and that module.
fn reexports(root: &str) -> BTreeMap<String, Module> {
    let mut found = BTreeMap::new();
    for statement in root.split(';') {
        let statement = statement.trim();
        let Some(used) = ["pub use ", "pub(crate) use "]
            .iter()
            .find_map(|prefix| statement.strip_prefix(prefix))
        else {
            continue;
        };
        let (module, names) = match used.split_once("::{") {
            Some((module, names)) => (module, names.trim_end_matches('}')),
            None => match used.rsplit_once("::") {
                Some((module, name)) => (module, name),
                None => continue,
            },
        };
        if module.starts_with("crate") || module.contains(char::is_whitespace) {
            continue;
        }
        let module: Module = module.split("::").map(str::to_string).collect();
        for name in names.split(',') {
            let name = name.split_whitespace().next().unwrap_or_default();
            if !name.is_empty() && !name.contains("::") {
                found.insert(name.to_string(), module.clone());
            }
        }
    }
    found
}

/// Every path starting with `crate` or `super`, as its segments; a group
/// (`crate::{a, b::c}`) gives a path for each of its members.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"]
        .iter()
        .flat_map(|prefix| code.match_indices(prefix).map(|(at, _)| at))
    {
        let word_before = start > 0 && is_ident(bytes[start - 1]);
        if word_before {
            continue;
        }
        let mut segments = Vec::new();
        let mut at = start;
        loop {
            let end = at + bytes[at..].iter().take_while(|b| is_ident(**b)).count();
            segments.push(code[at..end].to_string());
            if !code[end..].starts_with("::") {
                break;
            }
            at = end + 2;
            if bytes.get(at) == Some(&b'{') {
                let close = code[at..].find('}').map_or(code.len(), |c| at + c);
                for member in code[at + 1..close].split(',') {
                    let member: Vec<String> = member
                        .trim()
                        .split("::")
                        .map(|s| s.trim().to_string())
                        .take_while(|s| !s.is_empty() && s.bytes().all(is_ident))
                        .collect();
                    let mut path = segments.clone();
                    path.extend(member);
                    found.push(path);
                }
                segments.clear();
                break;
            }
        }
        if !segments.is_empty() {
            found.push(segments);
        }
    }
    found
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// The loops of `edges`: its strongly connected components of two modules or more.
fn loops(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    // Two modules are in one loop when each reaches the other.
    let reach = |from: &Module| {
        let mut seen = BTreeSet::new();
        let mut next = vec![from.clone()];
        while let Some(module) = next.pop() {
            for target in edges.get(&module).into_iter().flatten() {
                if seen.insert(target.clone()) {
                    next.push(target.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&Module, BTreeSet<Module>> =
        edges.keys().map(|module| (module, reach(module))).collect();
    let mut placed = BTreeSet::new();
    let mut found = Vec::new();
    for (module, reaches) in &reached {
        if placed.contains(*module) || !reaches.contains(*module) {
            continue;
        }
        let component: Vec<Module> = reaches
            .iter()
            .filter(|other| reached.get(other).is_some_and(|r| r.contains(*module)))
            .cloned()
            .collect();
        placed.extend(component.iter().cloned());
        found.push(component);
    }
    found
}

/// The `.rs` files under `src` (generated code aside), as (path below `src`, text).
fn sources(src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut directories = vec![src.to_path_buf()];
    while let Some(directory) = directories.pop() {
        let entries = std::fs::read_dir(&directory).expect("a readable source directory");
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "generated") {
                    directories.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).expect("below src");
                let text = std::fs::read_to_string(&path).expect("readable source");
                files.push((relative.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    files
}

fn names(modules: &[Module]) -> Vec<String> {
    modules
        .iter()
        .map(|m| {
            if m.is_empty() {
                "crate".into()
            } else {
                m.join("::")
            }
        })
        .collect()
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let root = specs::repository_root();
    let mut crates = 0;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&root).expect("the repository root reads") {
        let src = entry.expect("a directory entry").path().join("src");
        if !src.join("../Cargo.toml").is_file() || !src.is_dir() {
            continue;
        }
        crates += 1;
        let name = src.parent().and_then(Path::file_name).unwrap_or_default();
        for component in loops(&graph(&sources(&src))) {
            found.push(format!(
                "{}: {}",
                name.to_string_lossy(),
                names(&component).join(", ")
            ));
        }
    }
    assert!(
        crates >= 8,
        "only {crates} crates found under {}",
        root.display()
    );
    assert!(found.is_empty(), "import loops:\n{}", found.join("\n"));
}

#[test]
fn loops_through_a_reexport_or_super_are_found() {
    let files = |sources: &[(&str, &str)]| -> Vec<(String, String)> {
        sources
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect()
    };
    // `call` names the root's re-export of `builder`'s item; `builder` names `call`.
    let looped = files(&[
        (
            "lib.rs",
            "mod builder;\nmod call;\npub use builder::{Builder, DEFAULT};",
        ),
        (
            "builder.rs",
            "use crate::call::Settings;\npub const DEFAULT: u8 = 1;",
        ),
        ("call.rs", "fn f() -> u8 { crate::DEFAULT }"),
    ]);
    assert_eq!(
        loops(&graph(&looped))
            .iter()
            .map(|c| names(c))
            .collect::<Vec<_>>(),
        [["builder", "call"]]
    );
    // A child naming its parent through `super`, the parent a sibling, the sibling the child.
    let looped = files(&[
        ("lib.rs", "mod a;\nmod b;"),
        ("a/mod.rs", "mod child;\nuse crate::b::X;"),
        ("a/child.rs", "use super::Y;"),
        ("b.rs", "use crate::{a::child::Z, c};"),
    ]);
    assert_eq!(
        loops(&graph(&looped))
            .iter()
            .map(|c| names(c))
            .collect::<Vec<_>>(),
        [["a", "a::child", "b"]]
    );
    // Doc links, tests and one-way imports make no loop.
    let clean = files(&[
        ("lib.rs", "mod a;\nmod b;"),
        ("a.rs", "/// See [`crate::b`].\nuse crate::b::X;"),
        (
            "b.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests { use crate::a::Y; }",
        ),
    ]);
    assert!(loops(&graph(&clean)).is_empty());
}
