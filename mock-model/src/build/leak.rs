//! The builder's allocations: made once and kept for the process, so the
//! model built at run time has the `&'static` shape of the generated one.

pub(super) fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

pub(super) fn text(value: &str) -> &'static str {
    Box::leak(value.to_owned().into_boxed_str())
}

pub(super) fn slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// Each distinct string leaked once: names, media types and formats repeat
/// across a document's operations and schemas.
#[derive(Default)]
pub(super) struct Strings(std::collections::HashSet<&'static str>);

impl Strings {
    pub(super) fn get(&mut self, value: &str) -> &'static str {
        if let Some(kept) = self.0.get(value) {
            return kept;
        }
        let kept = text(value);
        self.0.insert(kept);
        kept
    }
}
