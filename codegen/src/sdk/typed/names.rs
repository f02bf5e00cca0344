//! The names progenitor and typify derive, and the SDK's own (variants).

use heck::ToPascalCase;
use proc_macro2::{Ident, Span};

pub use specs::status::variant_name;

/// The snake-case identifier progenitor derives from a name (methods, setters).
pub fn progenitor_snake(name: &str) -> String {
    use heck::ToSnakeCase;
    let name = match name {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => progenitor_words(name).to_snake_case(),
    };
    // typify's `sanitize`: an `x` before what cannot start an identifier,
    // an `_` after a keyword (`type` -> `type_`).
    let name = if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name
    } else {
        format!("x{name}")
    };
    if name == "gen" || syn::parse_str::<Ident>(&name).is_err() {
        format!("{name}_")
    } else {
        name
    }
}

/// The type identifier progenitor and typify derive from a name.
pub fn progenitor_name(name: &str) -> String {
    let name = match name {
        "+1" => "plus1".to_pascal_case(),
        "-1" => "minus1".to_pascal_case(),
        _ => progenitor_words(name).to_pascal_case(),
    };
    // typify's `sanitize`: a name that cannot start an identifier (`400`)
    // gets an `X` in front.
    if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name
    } else {
        format!("X{name}")
    }
}

/// progenitor's and typify's `sanitize` before the case change: quotes go,
/// anything that cannot be in an identifier separates words.
fn progenitor_words(name: &str) -> String {
    name.replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify() {
        assert_eq!(progenitor_name("cancel-flow_run"), "CancelFlowRun");
        assert_eq!(progenitor_name("400"), "X400");
        assert_eq!(progenitor_name("+1"), "Plus1");
        assert_eq!(progenitor_snake("type"), "type_");
        assert_eq!(progenitor_snake("page-size"), "page_size");
        assert_eq!(progenitor_snake("2fa"), "x2fa");
    }
}
