//! Reading one JSON or YAML file into a `serde_json::Value`.

use std::path::Path;

use serde_json::Value;

use crate::SpecError;

/// Reads `path` as JSON (`.json`) or YAML (`.yaml`, `.yml`).
pub fn read_document(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse_document(path, &text)
}

/// Parses `text`, choosing the syntax by the extension of `path`.
pub fn parse_document(path: &Path, text: &str) -> Result<Value, SpecError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::from_str(text).map_err(|e| SpecError::Syntax {
            path: path.to_owned(),
            format: "JSON",
            message: e.to_string(),
        }),
        Some("yaml" | "yml") => serde_yaml_ng::from_str(text).map_err(|e| SpecError::Syntax {
            path: path.to_owned(),
            format: "YAML",
            message: e.to_string(),
        }),
        _ => Err(SpecError::Syntax {
            path: path.to_owned(),
            format: "JSON or YAML",
            message: "the file name must end in .json, .yaml or .yml".into(),
        }),
    }
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
    fn unknown_extension_is_an_error() {
        let err = parse_document(Path::new("spec.txt"), "{}").unwrap_err();
        assert!(matches!(err, SpecError::Syntax { .. }));
    }
}
