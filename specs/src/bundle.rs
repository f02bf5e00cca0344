//! Multi-file documents: every relative `$ref` to another file of the
//! provider's directory is bundled into the one document, so the rest of
//! the pipeline only ever follows local (`#/...`) references.
//!
//! What a reference names decides where its target lands, as Redocly's and
//! swagger-cli's bundlers do: a schema, parameter, response, request body,
//! header, example, link, callback or security scheme is hoisted into
//! `components` under the name its pointer (or file) gives it, once per
//! target, so shared and recursive targets stay shared; a path item is
//! inlined where it is referenced (OpenAPI 3.0 has no `components.pathItems`);
//! an entry of the root's own `components` that is only a reference to a file
//! becomes the file's content under its own name.
//!
//! References by `$anchor` or by a schema's `$id` are rewritten to JSON
//! pointers ([`local_identifiers`]). A reference that cannot be bundled (a
//! URL: builds have no network; a file outside the provider's directory, or
//! missing, or unreadable) is left as written, with the reason returned for
//! the repair pass to report (see [`crate::repair`]).
//!
//! `x-` extensions and example values are data: never followed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::findings::{Findings, Outcome};
use crate::load::read_document_repairing;
use crate::walk::{Kind, Single, child_kind};
use crate::{Location, pointer, refs};

/// Why each reference that could not be bundled was left, by the
/// reference as written.
pub(crate) type Unbundled = HashMap<String, String>;

/// At most this many files are read for one document (a bound on hostile
/// input: a chain of files referring on and on).
const MAX_FILES: usize = 2_000;

/// How deep inlined path items and other inlined nodes may nest.
const MAX_INLINE_DEPTH: usize = 32;

/// Bundles the document read from `file` (a path on disk) in place; files
/// outside `boundary` (the provider's directory) are not read.
///
/// A referenced YAML file's closing brackets are re-indented as the root
/// document's are (see `load::read_document_repairing`), each a finding
/// located in `shown_dir`, the provider's directory as messages show it.
pub(crate) fn bundle(
    document: &mut Value,
    file: &Path,
    boundary: &Path,
    shown_dir: &Path,
    findings: &mut Findings,
) -> Unbundled {
    let mut bundler = Bundler {
        root: normal(file),
        boundary: normal(boundary),
        files: HashMap::new(),
        hoisted: HashMap::new(),
        taken: HashMap::new(),
        pending: BTreeMap::new(),
        order: Vec::new(),
        unbundled: HashMap::new(),
        reindented: Vec::new(),
        depth: 0,
    };
    let root = bundler.root.clone();
    for (section, names) in document
        .get("components")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let names = names.as_object().into_iter().flatten();
        bundler
            .taken
            .entry(section.clone())
            .or_default()
            .extend(names.map(|(name, _)| name.clone()));
    }
    bundler.inline_root_components(document);
    bundler.walk(document, Kind::Document, &root);
    bundler.finish(document);
    local_identifiers(document);
    inline_path_items(document);
    hoist_definitions(document);
    for (file, line) in bundler.reindented {
        let file = file.strip_prefix(&bundler.boundary).unwrap_or(&file);
        findings.push(
            Location::new(shown_dir.join(file), ""),
            Outcome::Repaired,
            None,
            crate::load::reindented_message(line),
        );
    }
    bundler.unbundled
}

struct Bundler {
    /// The root document's file, lexically normalised.
    root: PathBuf,
    boundary: PathBuf,
    /// Every file read, or why it could not be.
    files: HashMap<PathBuf, Result<Value, String>>,
    /// `(section, file, pointer)` → the component name it was hoisted as.
    hoisted: HashMap<(&'static str, PathBuf, String), String>,
    /// Every name used in each `components` section.
    taken: HashMap<String, HashSet<String>>,
    /// Hoisted components, by section, to add when the walk is done.
    pending: BTreeMap<&'static str, Map<String, Value>>,
    /// The order components were hoisted in (names within `pending`).
    order: Vec<(&'static str, String)>,
    unbundled: Unbundled,
    /// Lines of referenced files read as if indented further.
    reindented: Vec<(PathBuf, usize)>,
    depth: usize,
}

/// Where a reference leads.
enum Target {
    /// Inside the root document: `#pointer`, kept local.
    Local(String),
    /// Another file, and the pointer inside it.
    File(PathBuf, String),
    /// Cannot be followed here.
    Unbundled(String),
}

impl Bundler {
    /// The root's `components` entries that are only a reference to another
    /// file become that file's content, under their own name.
    fn inline_root_components(&mut self, document: &mut Value) {
        let root = self.root.clone();
        let mut entries = Vec::new();
        for (section, names) in document
            .get("components")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let (Some(single), Some(names)) = (Single::of_section(section), names.as_object())
            else {
                continue;
            };
            let Some(section) = single.section() else {
                continue;
            };
            for (name, entry) in names {
                let Some(reference) = entry.get("$ref").and_then(Value::as_str) else {
                    continue;
                };
                if let Target::File(file, at) = self.target(reference, &root) {
                    let key = (section, file.clone(), at.clone());
                    if self.hoisted.contains_key(&key) {
                        continue;
                    }
                    // One that cannot be read stays a reference, for the repair pass.
                    if self.load(&file, &at).is_none() {
                        self.note_unreadable(reference, &file, &at);
                        continue;
                    }
                    self.hoisted.insert(key, name.clone());
                    entries.push((section, single, name.clone(), file, at));
                }
            }
        }
        for (section, single, name, file, at) in entries {
            let Some(mut content) = self.load(&file, &at) else {
                continue;
            };
            self.walk(&mut content, Kind::One(single), &file);
            if let Some(slot) = document.pointer_mut(&pointer::join(
                &pointer::join("/components", section),
                &name,
            )) {
                *slot = content;
            }
        }
    }

    /// Bundles every reference under `node`, whose references are relative to `file`.
    fn walk(&mut self, node: &mut Value, kind: Kind, file: &Path) {
        if kind == Kind::Data {
            return;
        }
        match node {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    let reference = reference.to_string();
                    if self.reference(map, &reference, kind, file) {
                        return;
                    }
                }
                for (key, child) in map.iter_mut() {
                    if key != "$ref" {
                        self.walk(child, child_kind(kind, key), file);
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    self.walk(item, child_kind(kind, &index.to_string()), file);
                }
            }
            _ => {}
        }
    }

    /// Rewrites or inlines the reference of `map`; `true` when the node was
    /// replaced (and already walked).
    fn reference(
        &mut self,
        map: &mut Map<String, Value>,
        reference: &str,
        kind: Kind,
        file: &Path,
    ) -> bool {
        match self.target(reference, file) {
            // Local to the root: already where the pipeline follows it.
            Target::Local(_) if file == self.root => false,
            // Local to another file: that file's node.
            Target::Local(at) => self.bundled(map, reference, kind, file.to_owned(), at),
            Target::File(file, at) => self.bundled(map, reference, kind, file, at),
            Target::Unbundled(why) => {
                self.unbundled.insert(reference.to_string(), why);
                false
            }
        }
    }

    fn bundled(
        &mut self,
        map: &mut Map<String, Value>,
        reference: &str,
        kind: Kind,
        file: PathBuf,
        at: String,
    ) -> bool {
        let section = match kind {
            Kind::One(single) => single.section(),
            _ => None,
        };
        match section {
            Some(section) => {
                let key = (section, file.clone(), at.clone());
                let name = match self.hoisted.get(&key) {
                    Some(name) => name.clone(),
                    None => {
                        let Some(mut content) = self.load(&file, &at) else {
                            self.note_unreadable(reference, &file, &at);
                            return false;
                        };
                        let name = self.fresh_name(section, &file, &at);
                        self.hoisted.insert(key, name.clone());
                        self.walk(&mut content, kind, &file);
                        self.pending
                            .entry(section)
                            .or_default()
                            .insert(name.clone(), content);
                        self.order.push((section, name.clone()));
                        name
                    }
                };
                let local = format!(
                    "#{}",
                    pointer::join(&format!("/components/{section}"), &name)
                );
                map.insert("$ref".into(), Value::String(local));
                false
            }
            None => {
                // Inlined: a path item (or a node of no reusable kind).
                if self.depth >= MAX_INLINE_DEPTH {
                    self.unbundled.insert(
                        reference.to_string(),
                        format!("inlined references nest deeper than {MAX_INLINE_DEPTH}"),
                    );
                    return false;
                }
                let Some(mut content) = self.load(&file, &at) else {
                    self.note_unreadable(reference, &file, &at);
                    return false;
                };
                self.depth += 1;
                self.walk(&mut content, kind, &file);
                self.depth -= 1;
                map.shift_remove("$ref");
                if let Value::Object(content) = content {
                    inline(map, content);
                } else {
                    self.unbundled.insert(
                        reference.to_string(),
                        "the referenced node is not an object".into(),
                    );
                }
                true
            }
        }
    }

    fn note_unreadable(&mut self, reference: &str, file: &Path, at: &str) {
        let why = match self.files.get(file) {
            Some(Err(why)) => why.clone(),
            _ => format!("`{}` has nothing at `#{at}`", self.shown(file)),
        };
        self.unbundled.insert(reference.to_string(), why);
    }

    /// A name for a hoisted target in `section`: its pointer's last token,
    /// else the file's stem, made unique.
    fn fresh_name(&mut self, section: &str, file: &Path, at: &str) -> String {
        let last = at.rsplit('/').next().unwrap_or_default();
        let last = pointer::unescape(last);
        let base = if last.is_empty() {
            file.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            last
        };
        unique_name(&base, self.taken.entry(section.to_string()).or_default())
    }

    /// Where `reference`, written in `file`, leads.
    fn target(&self, reference: &str, file: &Path) -> Target {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let Some(at) = refs::percent_decode(fragment) else {
            return Target::Unbundled(format!("`#{fragment}` has a bad `%` escape"));
        };
        if path.is_empty() {
            return Target::Local(at);
        }
        let has_scheme = path.split_once(':').is_some_and(|(scheme, _)| {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        if has_scheme || path.starts_with("//") {
            return Target::Unbundled(
                "a URL: builds have no network, so only files of the provider's directory are bundled (vendor the file beside the document)".into(),
            );
        }
        if !at.is_empty() && !at.starts_with('/') {
            return Target::Unbundled(format!(
                "`#{at}` in another file is an anchor; only JSON pointers are followed across files"
            ));
        }
        let Some(decoded) = refs::percent_decode(path) else {
            return Target::Unbundled(format!("`{path}` has a bad `%` escape"));
        };
        let base = file.parent().unwrap_or(Path::new(""));
        let target = normal(&base.join(decoded));
        if !target.starts_with(&self.boundary) {
            return Target::Unbundled(format!("`{path}` is outside the provider's directory"));
        }
        if target == self.root {
            return Target::Local(at);
        }
        Target::File(target, at)
    }

    /// The node at `at` in `file`, read once; `None` (with the reason kept)
    /// when the file cannot be read or has nothing there.
    fn load(&mut self, file: &Path, at: &str) -> Option<Value> {
        if !self.files.contains_key(file) {
            let read = if self.files.len() >= MAX_FILES {
                Err(format!("more than {MAX_FILES} files referenced"))
            } else {
                // A symbolic link may not lead outside the provider's directory.
                let inside = std::fs::canonicalize(file)
                    .ok()
                    .zip(std::fs::canonicalize(&self.boundary).ok())
                    .is_some_and(|(file, boundary)| file.starts_with(boundary));
                if inside {
                    read_document_repairing(file)
                        .map(|(document, lines)| {
                            let file = file.to_path_buf();
                            self.reindented
                                .extend(lines.into_iter().map(|l| (file.clone(), l)));
                            document
                        })
                        .map_err(|e| e.to_string())
                } else if file.exists() {
                    Err(format!(
                        "`{}` leads outside the provider's directory",
                        self.shown(file)
                    ))
                } else {
                    Err(format!("`{}` does not exist", self.shown(file)))
                }
            };
            self.files.insert(file.to_owned(), read);
        }
        match self.files.get(file) {
            Some(Ok(document)) => document.pointer(at).cloned(),
            _ => None,
        }
    }

    /// `file` relative to the provider's directory, for messages.
    fn shown(&self, file: &Path) -> String {
        file.strip_prefix(&self.boundary)
            .unwrap_or(file)
            .display()
            .to_string()
    }

    /// Adds the hoisted components to the document, in the order they were met.
    fn finish(&mut self, document: &mut Value) {
        if self.order.is_empty() {
            return;
        }
        let Some(root) = document.as_object_mut() else {
            return;
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else {
            return;
        };
        for (section, name) in std::mem::take(&mut self.order) {
            let Some(content) = self
                .pending
                .get_mut(section)
                .and_then(|s| s.shift_remove(&name))
            else {
                continue;
            };
            if let Some(group) = components
                .entry(section)
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
            {
                group.insert(name, content);
            }
        }
        // A bundled schema's `$defs` member that was hoisted on its own
        // (something referred to it) is not kept twice.
        let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) else {
            return;
        };
        for ((section, file, at), name) in &self.hoisted {
            let Some(object) = schemas.get_mut(name).and_then(Value::as_object_mut) else {
                continue;
            };
            if *section != "schemas" {
                continue;
            }
            for keyword in ["$defs", "definitions"] {
                if let Some(Value::Object(definitions)) = object.get_mut(keyword) {
                    let keyword_at = pointer::join(at, keyword);
                    definitions.retain(|member, _| {
                        let key = ("schemas", file.clone(), pointer::join(&keyword_at, member));
                        !self.hoisted.contains_key(&key)
                    });
                }
            }
        }
    }
}

/// `map` (a reference's node, its `$ref` removed) becomes `content`; its
/// other members stay where `content` has none of the same name.
fn inline(map: &mut Map<String, Value>, content: Map<String, Value>) {
    let siblings = std::mem::replace(map, content);
    for (key, value) in siblings {
        map.entry(key).or_insert(value);
    }
}

/// `raw` as a component name (`^[a-zA-Z0-9._-]+$`), made unique in
/// `taken` with a number (`Error2`), and taken.
fn unique_name(raw: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if base.is_empty() {
        base = "Bundled".into();
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// `path` with `.` and `..` resolved lexically (files need not exist).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Rewrites references by `$anchor` (`#name`) and by a schema's `$id` (the
/// `$id` itself, or it followed by `#/pointer` or `#anchor`) into JSON
/// pointers within the document.
fn local_identifiers(document: &mut Value) {
    let mut ids = HashMap::new();
    let mut anchors: HashMap<String, Option<String>> = HashMap::new();
    collect_identifiers(
        document,
        Kind::Document,
        &mut String::new(),
        &mut ids,
        &mut anchors,
    );
    if ids.is_empty() && anchors.is_empty() {
        return;
    }
    rewrite_identifiers(document, Kind::Document, &ids, &anchors);
}

fn collect_identifiers(
    node: &Value,
    kind: Kind,
    at: &mut String,
    ids: &mut HashMap<String, String>,
    anchors: &mut HashMap<String, Option<String>>,
) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Object(map) => {
            if kind == Kind::One(Single::Schema) {
                if let Some(id) = map.get("$id").and_then(Value::as_str) {
                    ids.entry(id.trim_end_matches('#').to_string())
                        .or_insert_with(|| at.clone());
                }
                for keyword in ["$anchor", "$dynamicAnchor"] {
                    if let Some(anchor) = map.get(keyword).and_then(Value::as_str) {
                        // An anchor defined twice is ambiguous: left unresolved.
                        anchors
                            .entry(anchor.to_string())
                            .and_modify(|known| {
                                if known.as_deref() != Some(at.as_str()) {
                                    *known = None;
                                }
                            })
                            .or_insert_with(|| Some(at.clone()));
                    }
                }
            }
            for (key, child) in map {
                let length = at.len();
                *at = pointer::join(at, key);
                collect_identifiers(child, child_kind(kind, key), at, ids, anchors);
                at.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = at.len();
                *at = pointer::join_index(at, index);
                collect_identifiers(item, child_kind(kind, &index.to_string()), at, ids, anchors);
                at.truncate(length);
            }
        }
        _ => {}
    }
}

fn rewrite_identifiers(
    node: &mut Value,
    kind: Kind,
    ids: &HashMap<String, String>,
    anchors: &HashMap<String, Option<String>>,
) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
                let base_at = if base.is_empty() {
                    Some(String::new())
                } else {
                    ids.get(base).cloned()
                };
                let resolved = base_at.and_then(|base_at| {
                    if fragment.is_empty() || fragment.starts_with('/') {
                        // `#/x` alone is already a pointer.
                        (!base.is_empty()).then(|| format!("{base_at}{fragment}"))
                    } else {
                        anchors.get(fragment).cloned().flatten()
                    }
                });
                if let Some(at) = resolved {
                    *reference = format!("#{at}");
                }
            }
            for (key, child) in map.iter_mut() {
                rewrite_identifiers(child, child_kind(kind, key), ids, anchors);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                rewrite_identifiers(item, child_kind(kind, &index.to_string()), ids, anchors);
            }
        }
        _ => {}
    }
}

/// Path items that refer to `#/components/pathItems/...` (OpenAPI 3.1)
/// become their content, so every consumer finds operations under `paths`
/// and `webhooks` alone (3.0 has no reusable path items).
fn inline_path_items(document: &mut Value) {
    let Some(items) = document.pointer("/components/pathItems").cloned() else {
        return;
    };
    let shared = serde_json::json!({"components": {"pathItems": items}});
    for section in ["paths", "webhooks"] {
        let Some(entries) = document.get_mut(section).and_then(Value::as_object_mut) else {
            continue;
        };
        for item in entries.values_mut() {
            let is_shared = item
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("#/components/pathItems/"));
            if !is_shared {
                continue;
            }
            // A reference that cannot be followed is left to the repair pass.
            let Some(Value::Object(content)) = refs::Document(&shared).deref(item).cloned() else {
                continue;
            };
            if let Value::Object(map) = item {
                map.shift_remove("$ref");
                inline(map, content);
            }
        }
    }
    if let Some(components) = document
        .get_mut("components")
        .and_then(Value::as_object_mut)
    {
        components.shift_remove("pathItems");
    }
}

/// Schemas defined in `$defs` (or draft-4 `definitions`) inside other
/// schemas move to `components.schemas`, and references to them follow:
/// OpenAPI 3.0 (the SDK's copy) has no `$defs`, and a generator names types
/// only from `components.schemas`.
fn hoist_definitions(document: &mut Value) {
    // A round moves the outermost definitions; nested ones move with them
    // and are found at their new place next round.
    for _ in 0..16 {
        let mut found = Vec::new();
        find_definitions(document, Kind::Document, &mut String::new(), &mut found);
        if found.is_empty() {
            return;
        }
        let mut taken: HashSet<String> = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        let mut moved = Vec::new();
        for (defs_at, name) in found {
            let entry_at = pointer::join(&defs_at, &name);
            if moved
                .iter()
                .any(|(old, _): &(String, String)| entry_at.starts_with(&format!("{old}/")))
            {
                continue;
            }
            let Some(defs) = document
                .pointer_mut(&defs_at)
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let Some(schema) = defs.shift_remove(&name) else {
                continue;
            };
            let fresh = unique_name(&name, &mut taken);
            let Some(root) = document.as_object_mut() else {
                return;
            };
            let schemas = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .map(|c| {
                    c.entry("schemas")
                        .or_insert_with(|| Value::Object(Map::new()))
                });
            if let Some(Value::Object(schemas)) = schemas {
                schemas.insert(fresh.clone(), schema);
            }
            moved.push((entry_at, pointer::join("/components/schemas", &fresh)));
        }
        remove_empty_definitions(document, Kind::Document);
        rewrite_moved(document, Kind::Document, &moved);
    }
}

fn find_definitions(node: &Value, kind: Kind, at: &mut String, found: &mut Vec<(String, String)>) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                let length = at.len();
                *at = pointer::join(at, key);
                let is_definitions = kind == Kind::One(Single::Schema)
                    && matches!(key.as_str(), "$defs" | "definitions");
                match child.as_object() {
                    Some(defs) if is_definitions => {
                        found.extend(defs.keys().map(|name| (at.clone(), name.clone())));
                    }
                    _ => find_definitions(child, child_kind(kind, key), at, found),
                }
                at.truncate(length);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let length = at.len();
                *at = pointer::join_index(at, index);
                find_definitions(item, child_kind(kind, &index.to_string()), at, found);
                at.truncate(length);
            }
        }
        _ => {}
    }
}

fn remove_empty_definitions(node: &mut Value, kind: Kind) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Object(map) => {
            if kind == Kind::One(Single::Schema) {
                map.retain(|key, value| {
                    !(matches!(key.as_str(), "$defs" | "definitions")
                        && value.as_object().is_some_and(Map::is_empty))
                });
            }
            for (key, child) in map.iter_mut() {
                remove_empty_definitions(child, child_kind(kind, key));
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                remove_empty_definitions(item, child_kind(kind, &index.to_string()));
            }
        }
        _ => {}
    }
}

/// Rewrites local references into a moved node (`old` or below it) to its new place.
fn rewrite_moved(node: &mut Value, kind: Kind, moved: &[(String, String)]) {
    if kind == Kind::Data {
        return;
    }
    match node {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(at) = reference.strip_prefix('#').and_then(refs::percent_decode)
                && let Some((old, new)) = moved
                    .iter()
                    .find(|(old, _)| at == *old || at.starts_with(&format!("{old}/")))
            {
                *reference = format!("#{new}{}", &at[old.len()..]);
            }
            for (key, child) in map.iter_mut() {
                rewrite_moved(child, child_kind(kind, key), moved);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                rewrite_moved(item, child_kind(kind, &index.to_string()), moved);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Writes `files` under a fresh directory and bundles `api.yaml`.
    fn bundled(test: &str, files: &[(&str, &str)]) -> (Value, Unbundled) {
        let dir = std::env::temp_dir().join(format!("bundle-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let root = dir.join("api.yaml");
        let mut document = crate::read_document(&root).unwrap();
        let unbundled = bundle(&mut document, &root, &dir, &dir, &mut Findings::default());
        std::fs::remove_dir_all(&dir).unwrap();
        (document, unbundled)
    }

    #[test]
    fn files_are_bundled_by_what_they_are() {
        let (document, unbundled) = bundled(
            "kinds",
            &[
                (
                    "api.yaml",
                    "openapi: 3.1.0\npaths:\n  /pets: {$ref: paths/pets.yaml}\n  /owners:\n    get:\n      x-codeSamples: [{$ref: samples/get.sh}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: ./schemas/Owner.yaml}}}}\ncomponents:\n  schemas:\n    Pet: {$ref: schemas/Pet.yaml}\n",
                ),
                (
                    "paths/pets.yaml",
                    "get:\n  parameters: [{$ref: '../common/params.yaml#/components/parameters/Limit'}]\n  responses:\n    '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: ../schemas/Pet.yaml}}}}}\n",
                ),
                (
                    "schemas/Pet.yaml",
                    "type: object\nproperties:\n  owner: {$ref: Owner.yaml}\n  tags: {type: array, items: {$ref: '#/$defs/Tag'}}\n  example: {type: string, example: {$ref: not-followed.yaml}}\n$defs:\n  Tag: {type: string}\n  Unused: {type: integer}\n",
                ),
                (
                    "schemas/Owner.yaml",
                    "type: object\nproperties:\n  pets: {type: array, items: {$ref: ./Pet.yaml}}\n  best: {$ref: '#'}\n",
                ),
                (
                    "common/params.yaml",
                    "components:\n  parameters:\n    Limit: {name: limit, in: query, schema: {$ref: '#/components/schemas/Count'}}\n  schemas:\n    Count: {type: integer}\n",
                ),
            ],
        );
        assert!(unbundled.is_empty(), "{unbundled:?}");
        assert_eq!(
            document["paths"]["/pets"]["get"]["parameters"][0],
            json!({"$ref": "#/components/parameters/Limit"})
        );
        assert_eq!(
            document
                .pointer("/paths/~1pets/get/responses/200/content/application~1json/schema/items"),
            Some(&json!({"$ref": "#/components/schemas/Pet"})),
            "the root's own component keeps its name"
        );
        assert_eq!(
            document["paths"]["/owners"]["get"]["x-codeSamples"],
            json!([{"$ref": "samples/get.sh"}]),
            "extensions are annotations"
        );
        let schemas = &document["components"]["schemas"];
        let names: Vec<&String> = schemas.as_object().unwrap().keys().collect();
        // `Unused` was not referenced: it moves out of `$defs` on its own.
        assert_eq!(names, ["Pet", "Owner", "Tag", "Count", "Unused"]);
        assert_eq!(
            schemas["Owner"]["properties"],
            json!({
                "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                "best": {"$ref": "#/components/schemas/Owner"},
            })
        );
        assert_eq!(
            schemas["Pet"]["properties"]["tags"]["items"],
            json!({"$ref": "#/components/schemas/Tag"})
        );
        assert_eq!(
            schemas["Pet"]["properties"]["example"]["example"],
            json!({"$ref": "not-followed.yaml"})
        );
        assert!(schemas["Pet"].get("$defs").is_none());
        assert_eq!(
            document["components"]["parameters"]["Limit"]["schema"],
            json!({"$ref": "#/components/schemas/Count"})
        );
        assert!(refs::problems(&document).is_empty());
    }

    #[test]
    fn names_do_not_collide_and_bad_references_say_why() {
        let (document, unbundled) = bundled(
            "collide",
            &[
                (
                    "api.yaml",
                    "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'other.yaml#/components/responses/Error'}\n        '400': {$ref: 'https://example.com/e.yaml'}\n        '404': {$ref: 'gone.yaml#/x'}\n        '500': {$ref: 'other.yaml#anchor'}\ncomponents:\n  schemas:\n    Error: {type: string}\n",
                ),
                (
                    "other.yaml",
                    "components:\n  responses:\n    Error: {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/Error'}}}}\n  schemas:\n    Error: {type: object}\n",
                ),
            ],
        );
        assert_eq!(
            document.pointer("/components/responses/Error/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/Error2"}))
        );
        assert_eq!(
            document["components"]["schemas"]["Error2"],
            json!({"type": "object"})
        );
        assert!(unbundled["https://example.com/e.yaml"].starts_with("a URL"));
        assert_eq!(unbundled["gone.yaml#/x"], "`gone.yaml` does not exist");
        assert!(unbundled["other.yaml#anchor"].contains("anchor"));
    }

    #[test]
    fn anchors_ids_path_items_and_definitions_become_pointers() {
        let mut document = json!({
            "paths": {"/a": {"$ref": "#/components/pathItems/A", "summary": "kept"}},
            "components": {
                "pathItems": {"A": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#node"}}}}}}}},
                "schemas": {
                    "Tree": {"$anchor": "node", "properties": {"leaf": {"$ref": "https://example.com/leaf"}, "kind": {"$ref": "#/components/schemas/Tree/$defs/Kind"}}, "$defs": {"Kind": {"type": "string"}}},
                    "Leaf": {"$id": "https://example.com/leaf", "type": "string"},
                },
            },
        });
        local_identifiers(&mut document);
        inline_path_items(&mut document);
        hoist_definitions(&mut document);
        assert_eq!(document["paths"]["/a"]["summary"], "kept");
        assert_eq!(
            document.pointer("/paths/~1a/get/responses/200/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/Tree"}))
        );
        assert!(document["components"].get("pathItems").is_none());
        let tree = &document["components"]["schemas"]["Tree"];
        assert_eq!(
            tree["properties"]["leaf"],
            json!({"$ref": "#/components/schemas/Leaf"})
        );
        assert_eq!(
            tree["properties"]["kind"],
            json!({"$ref": "#/components/schemas/Kind"})
        );
        assert_eq!(
            document["components"]["schemas"]["Kind"],
            json!({"type": "string"})
        );
        assert!(refs::problems(&document).is_empty());
    }
}
