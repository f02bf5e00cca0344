//! Reading one JSON or YAML file into a `serde_json::Value`.
//!
//! YAML is read by `saphyr` (pure Rust, YAML 1.2 core schema: `yes` and `on`
//! stay strings, `0x1F` is 31, `~` is null). Mappings keep their order, and
//! their scalar keys become JSON strings as written (`200:` is `"200"`).

use std::collections::HashMap;
use std::path::Path;

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::{Event, Parser, SpannedEventReceiver};
use serde_json::{Map, Number, Value};

use crate::SpecError;

/// Reads `path` as JSON (`.json`) or YAML (`.yaml`, `.yml`).
pub fn read_document(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_document(path, &text)
}

/// At most this many re-indenting attempts are made on one file.
const MAX_REINDENTED: usize = 256;

/// [`read_document`], repairing the one YAML slip real documents make that
/// YAML 1.2 refuses and other parsers (PyYAML, libyaml) accept: a flow
/// collection's closing `]` or `}` on its own line, no more indented than
/// the key that opened it. Such a line is indented further, which changes
/// no value; the line numbers re-indented are returned, for the findings.
pub(crate) fn read_document_repairing(path: &Path) -> Result<(Value, Vec<usize>), SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    let first = match parse_document(path, &text) {
        Ok(document) => return Ok((document, Vec::new())),
        Err(error) => error,
    };
    if !matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    ) {
        return Err(first);
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut repaired = Vec::new();
    let mut latest = None;
    // Each attempt indents one line by one more space.
    for _ in 0..MAX_REINDENTED {
        let message = match latest.as_ref().unwrap_or(&first) {
            SpecError::Syntax { message, .. } if message.contains("invalid indentation") => message,
            _ => break,
        };
        let closing = line_of(message).filter(|line| {
            line.checked_sub(1)
                .and_then(|index| lines.get(index))
                .is_some_and(|text| text.trim_start().starts_with([']', '}']))
        });
        let Some(line) = closing else {
            break;
        };
        lines[line - 1].insert(0, ' ');
        if !repaired.contains(&line) {
            repaired.push(line);
        }
        match parse_document(path, &(lines.join("\n") + "\n")) {
            Ok(document) => return Ok((document, repaired)),
            Err(next) => latest = Some(next),
        }
    }
    // The repair did not help: the error is the document's own.
    Err(first)
}

/// The finding for a line [`read_document_repairing`] re-indented.
pub(crate) fn reindented_message(line: usize) -> String {
    format!(
        "line {line}: a flow collection's closing bracket is no more indented than its key, which YAML 1.2 refuses; read as if indented further"
    )
}

/// The line number in a parser message's `line N`.
fn line_of(message: &str) -> Option<usize> {
    let rest = &message[message.find("line ")? + 5..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// Parses `text`, choosing the syntax by the extension of `path`.
pub fn parse_document(path: &Path, text: &str) -> Result<Value, SpecError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str(text).map_err(|e| SpecError::Syntax {
            path: path.to_owned(),
            format: "JSON",
            message: e.to_string(),
        }),
        Some("yaml" | "yml") => parse_yaml(text).map_err(|message| SpecError::Syntax {
            path: path.to_owned(),
            format: "YAML",
            message,
        }),
        _ => Err(SpecError::Syntax {
            path: path.to_owned(),
            format: "JSON or YAML",
            message: "the file name must end in .json, .yaml or .yml".into(),
        }),
    }
}

/// As deep as `serde_json` nests. saphyr builds and drops its tree
/// recursively, so a deeper document (`- - - ... x`) would exhaust the stack.
const MAX_DEPTH: usize = 128;

/// Parses a file holding one YAML document (an empty file is `null`).
fn parse_yaml(text: &str) -> Result<Value, String> {
    let mut loader = YamlLoader::<MarkedYaml>::default();
    // Scalars stay text until `to_json`, so keys keep their spelling.
    loader.early_parse(false);
    // Each open collection's anchor and the height of its tallest child so
    // far, and each anchored collection's height: an alias repeats it.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut heights = HashMap::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        let height = match &event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                open.push((*anchor, 0));
                0
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, tallest) = open.pop().unwrap_or_default();
                if anchor > 0 {
                    heights.insert(anchor, tallest + 1);
                }
                tallest + 1
            }
            Event::Alias(anchor) => heights.get(anchor).copied().unwrap_or(1),
            Event::Scalar(..) => 1,
            _ => 0,
        };
        if let Some((_, tallest)) = open.last_mut() {
            *tallest = (*tallest).max(height);
        }
        if open.len() + height > MAX_DEPTH {
            let at = span.start;
            return Err(format!(
                "nested deeper than {MAX_DEPTH} at line {} column {}",
                at.line(),
                at.col() + 1
            ));
        }
        loader.on_event(event, span);
    }
    if let Some(e) = loader.error() {
        return Err(e.to_string());
    }
    match loader.into_documents().as_slice() {
        [] => Ok(Value::Null),
        [document] => to_json(document),
        [_, second, ..] => Err(format!("a second document at {}", place(second))),
    }
}

fn to_json(node: &MarkedYaml) -> Result<Value, String> {
    Ok(match &node.data {
        YamlData::Representation(text, style, tag) => {
            match Scalar::parse_from_cow_and_metadata(text.clone(), *style, tag.as_ref()) {
                Some(Scalar::Null) => Value::Null,
                Some(Scalar::Boolean(b)) => Value::Bool(b),
                Some(Scalar::Integer(i)) => Value::from(i),
                // An integer beyond i64 stays exact, as in JSON documents.
                Some(Scalar::FloatingPoint(f)) => match text.parse::<u64>() {
                    Ok(u) => Value::from(u),
                    Err(_) => Number::from_f64(f.0)
                        .map(Value::Number)
                        .ok_or_else(|| format!("`{text}` has no JSON form at {}", place(node)))?,
                },
                Some(Scalar::String(s)) => Value::String(s.into_owned()),
                None => return Err(format!("`{text}` does not fit its tag at {}", place(node))),
            }
        }
        YamlData::Sequence(items) => items.iter().map(to_json).collect::<Result<_, _>>()?,
        YamlData::Mapping(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (key, value) in entries {
                let YamlData::Representation(name, ..) = &key.data else {
                    return Err(format!(
                        "a mapping key that is not a scalar at {}",
                        place(key)
                    ));
                };
                if map.contains_key(name.as_ref()) {
                    return Err(format!("duplicate key `{name}` at {}", place(key)));
                }
                map.insert(name.to_string(), to_json(value)?);
            }
            Value::Object(map)
        }
        YamlData::Tagged(tag, _) => {
            return Err(format!("unsupported tag `{tag}` at {}", place(node)));
        }
        YamlData::Value(_) | YamlData::Alias(_) | YamlData::BadValue => {
            return Err(format!("an unreadable node at {}", place(node)));
        }
    })
}

fn place(node: &MarkedYaml) -> String {
    let start = node.span.start;
    format!("line {} column {}", start.line(), start.col() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_agree() {
        let yaml = parse_document(Path::new("a.yaml"), "a: [1, 'x']\n'200': {}\n").unwrap();
        let json = parse_document(Path::new("a.json"), r#"{"a": [1, "x"], "200": {}}"#).unwrap();
        assert_eq!(yaml, json);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = parse_document(Path::new("specs/bad.yaml"), "a: [1\nb: 2\n").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("specs/bad.yaml: not valid YAML"), "{text}");
        assert!(text.contains("line"), "{text}");

        let err = parse_document(Path::new("bad.json"), "{\"a\": }").unwrap_err();
        assert!(
            err.to_string().contains("bad.json: not valid JSON"),
            "{err}"
        );
        assert!(err.to_string().contains("column"), "{err}");
    }

    #[test]
    fn yaml_follows_the_yaml_1_2_core_schema() {
        let text =
            "a: [yes, on, 0x1F, ~, 1e3, '12', 18446744073709551615]\n200: x\n~: y\nTrue: z\n";
        assert_eq!(
            parse_document(Path::new("a.yaml"), text)
                .unwrap()
                .to_string(),
            r#"{"a":["yes","on",31,null,1000.0,"12",18446744073709551615],"200":"x","~":"y","True":"z"}"#
        );
    }

    #[test]
    fn odd_yaml_is_an_error_with_its_line() {
        let deep = "- ".repeat(100_000) + "x";
        let (open, close) = ("[".repeat(100), "]".repeat(100));
        let alias_chain = format!("a: &a {open}1{close}\nb: {open}*a{close}\n");
        let laughs = concat!(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n",
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
        );
        for (text, expected) in [
            (deep.as_str(), "nested deeper than 128 at line 1"),
            (&alias_chain, "nested deeper than 128 at line 2"),
            (laughs, "alias expansion exceeded"),
            ("a: .inf", "`.inf` has no JSON form at line 1 column 4"),
            ("'200': a\n200: b", "duplicate key `200` at line 2 column 1"),
            (
                "a: 1\na: 2",
                "duplicated key in mapping at byte 5 line 2 column 1",
            ),
            (
                "? [a]\n: b",
                "a mapping key that is not a scalar at line 1 column 3",
            ),
            ("a: !x {b: 1}", "unsupported tag `!x` at line 1 column 4"),
            ("a: !!int x", "`x` does not fit its tag at line 1 column 4"),
            ("a: *b", "unknown anchor at byte 3 line 1 column 4"),
            ("a: 1\n---\nb: 2", "a second document at line 3 column 1"),
        ] {
            let err = parse_document(Path::new("x.yaml"), text).unwrap_err();
            let err = err.to_string();
            assert!(err.starts_with("x.yaml: not valid YAML: "), "{err}");
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn a_closing_bracket_no_more_indented_than_its_key_is_reindented() {
        let dir = std::env::temp_dir().join(format!("load-reindent-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.yaml");
        let text = "a:\n  b:\n    type: string\n    enum: [\n      \"x\",\n      \"y\"\n    ]\n    example: x\n  c: {\n    \"d\": 1\n  }\n";
        std::fs::write(&path, text).unwrap();
        assert!(parse_document(&path, text).is_err(), "YAML 1.2 refuses it");
        let (document, lines) = read_document_repairing(&path).unwrap();
        assert_eq!(
            document.to_string(),
            r#"{"a":{"b":{"type":"string","enum":["x","y"],"example":"x"},"c":{"d":1}}}"#
        );
        assert_eq!(lines, [7]);
        std::fs::write(&path, "a: [1\nb: 2\n").unwrap();
        assert!(
            read_document_repairing(&path).is_err(),
            "other slips stay errors"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_extension_is_an_error() {
        let err = parse_document(Path::new("spec.txt"), "{}").unwrap_err();
        assert!(matches!(err, SpecError::Syntax { .. }));
    }
}
