//! JSON pointers (RFC 6901), built as the walkers descend.

/// Appends one reference token to `base`, escaping `~` and `/`.
pub fn join(base: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

/// Appends an array index to `base`.
pub fn join_index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// The schema name a local `#/components/schemas/NAME` reference points at.
pub fn schema_ref_name(reference: &str) -> Option<String> {
    let token = reference.strip_prefix("#/components/schemas/")?;
    (!token.contains('/')).then(|| token.replace("~1", "/").replace("~0", "~"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_tokens() {
        assert_eq!(
            join("/paths", "/operations/{id}:cancel"),
            "/paths/~1operations~1{id}:cancel"
        );
        assert_eq!(join("", "a~b"), "/a~0b");
        assert_eq!(join_index("/x", 3), "/x/3");
    }

    #[test]
    fn reads_schema_refs() {
        assert_eq!(
            schema_ref_name("#/components/schemas/VM").as_deref(),
            Some("VM")
        );
        assert_eq!(schema_ref_name("other.yaml#/X"), None);
        assert_eq!(schema_ref_name("#/components/schemas/A/properties/b"), None);
    }
}
