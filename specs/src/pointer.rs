//! JSON pointers (RFC 6901), built as the walkers descend.

/// One reference token as a pointer writes it: `~` as `~0`, `/` as `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// One reference token as it was before [`escape`].
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends one reference token to `base`, escaping `~` and `/`.
pub fn join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape(token))
}

/// Appends an array index to `base`.
pub fn join_index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// The schema name a local `#/components/schemas/NAME` reference points at.
pub fn schema_ref_name(reference: &str) -> Option<String> {
    let token = reference.strip_prefix("#/components/schemas/")?;
    (!token.contains('/')).then(|| unescape(token))
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
        assert_eq!(unescape(&escape("a/~1b")), "a/~1b");
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
