//! A provider module's public surface as text: every public type with its
//! fields or variants, every public function and method with its
//! signature, every trait implementation, one line each, in the module's
//! order. The golden listings in `codegen/tests/surface/` are this, so a
//! change of names or signatures (a union's variant, a setter's type) shows
//! in review as the lines an application would have to change.
//!
//! Items marked `#[doc(hidden)]` and private ones are not surface.

use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

/// The public surface of a generated module's source.
pub fn surface(code: &str) -> Result<String, syn::Error> {
    let file = syn::parse_file(code)?;
    let mut lines = Vec::new();
    items(&file.items, "", &mut lines);
    let mut text = lines.join("\n");
    text.push('\n');
    Ok(text)
}

fn items(items: &[Item], module: &str, lines: &mut Vec<String>) {
    for item in items {
        match item {
            Item::Mod(m) if public(&m.vis) && !hidden(&m.attrs) => {
                let path = format!("{module}{}::", m.ident);
                if let Some((_, inner)) = &m.content {
                    self::items(inner, &path, lines);
                }
            }
            Item::Struct(s) if public(&s.vis) && !hidden(&s.attrs) => {
                lines.push(format!("struct {module}{}{}", s.ident, text(&s.generics)));
                fields(&s.fields, "    ", false, lines);
            }
            Item::Enum(e) if public(&e.vis) && !hidden(&e.attrs) => {
                lines.push(format!("enum {module}{}{}", e.ident, text(&e.generics)));
                for variant in &e.variants {
                    lines.push(format!("    {}", variant.ident));
                    fields(&variant.fields, "        ", true, lines);
                }
            }
            Item::Type(t) if public(&t.vis) && !hidden(&t.attrs) => {
                lines.push(format!("type {module}{} = {}", t.ident, text(&t.ty)));
            }
            Item::Const(c) if public(&c.vis) && !hidden(&c.attrs) => {
                lines.push(format!("const {module}{}: {}", c.ident, text(&c.ty)));
            }
            Item::Static(s) if public(&s.vis) && !hidden(&s.attrs) => {
                lines.push(format!("static {module}{}: {}", s.ident, text(&s.ty)));
            }
            Item::Fn(f) if public(&f.vis) && !hidden(&f.attrs) => {
                let signature = text(&f.sig);
                lines.push(signature.replacen("fn ", &format!("fn {module}"), 1));
            }
            Item::Trait(t) if public(&t.vis) && !hidden(&t.attrs) => {
                lines.push(format!("trait {module}{}", t.ident));
            }
            Item::Use(u) if public(&u.vis) && !hidden(&u.attrs) => {
                lines.push(format!("{}use {}", within(module), text(&u.tree)));
            }
            Item::Impl(i) if !hidden(&i.attrs) => {
                let target = text(&i.self_ty);
                if let Some((_, trait_, _)) = &i.trait_ {
                    lines.push(format!(
                        "{}impl {} for {target}",
                        within(module),
                        text(trait_)
                    ));
                    continue;
                }
                let methods: Vec<String> = i
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        ImplItem::Fn(f) if public(&f.vis) && !hidden(&f.attrs) => {
                            Some(format!("    {}", text(&f.sig)))
                        }
                        ImplItem::Const(c) if public(&c.vis) && !hidden(&c.attrs) => {
                            Some(format!("    const {}: {}", c.ident, text(&c.ty)))
                        }
                        _ => None,
                    })
                    .collect();
                if !methods.is_empty() {
                    lines.push(format!("{}impl {target}", within(module)));
                    lines.extend(methods);
                }
            }
            _ => {}
        }
    }
}

/// A struct's public fields (a tuple struct's all: they are its shape), or
/// all of a variant's.
fn fields(fields: &Fields, indent: &str, variant: bool, lines: &mut Vec<String>) {
    for (index, field) in fields.iter().enumerate() {
        if !variant && !matches!(fields, Fields::Unnamed(_)) && !public(&field.vis) {
            continue;
        }
        let name = field
            .ident
            .as_ref()
            .map_or_else(|| index.to_string(), ToString::to_string);
        lines.push(format!("{indent}{name}: {}", text(&field.ty)));
    }
}

/// What an `impl` or a `use` (whose paths are relative) is prefixed with.
fn within(module: &str) -> String {
    match module.strip_suffix("::") {
        Some(path) => format!("in {path}: "),
        None => String::new(),
    }
}

fn public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("doc")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "hidden")
    })
}

/// Tokens as a person writes them: `Option<String>`, not
/// `:: std :: option :: Option < :: std :: string :: String >`.
fn text(tokens: &impl ToTokens) -> String {
    let mut out = tokens.to_token_stream().to_string();
    // A bound's colon first, so it is not read as half of a path's `::`.
    out = out.replace(" : ", "\u{1}");
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" ,", ","),
        (",)", ")"),
        (",>", ">"),
        ("& ", "&"),
        ("' ", "'"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        (" ;", ";"),
        (" !", "!"),
        ("{ ", "{"),
        (" }", "}"),
    ] {
        out = out.replace(from, to);
    }
    out = out.replace('\u{1}', ": ");
    for prelude in [
        "::std::string::",
        "::std::option::",
        "::std::vec::",
        "::std::result::",
        "::std::boxed::",
        "std::string::",
        "std::option::",
        "std::vec::",
        "std::result::",
    ] {
        out = out.replace(prelude, "");
    }
    let out = out.replace("->", " -> ").replace("  ", " ");
    out.trim_end_matches(',').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_public_items_with_their_signatures() {
        let code = r#"
            pub mod types {
                pub enum Shape {
                    Circle { radius: ::std::option::Option<f64> },
                    Named(::std::string::String),
                    Empty,
                }
                pub struct Point { pub x: i64, y: i64 }
                struct Private;
                impl From<i64> for Point {}
                pub fn make<T>(value: T,) -> ::std::result::Result<Point, String>
                where T: ::std::convert::TryInto<i64>, { todo!() }
            }
            pub struct Client { baseurl: String }
            impl Client {
                pub async fn get<'a>(&'a self, id: &str,) -> ::std::vec::Vec<u8> { todo!() }
                fn private(&self) {}
                #[doc(hidden)]
                pub fn hidden(&self) {}
            }
            impl ::std::fmt::Debug for Client {}
            #[doc(hidden)]
            pub mod internals { pub fn no() {} }
        "#;
        assert_eq!(
            surface(code).unwrap(),
            "enum types::Shape\n    Circle\n        radius: Option<f64>\n    Named\n        0: String\n    Empty\n\
             struct types::Point\n    x: i64\n\
             in types: impl From<i64> for Point\n\
             fn types::make<T>(value: T) -> Result<Point, String> where T: ::std::convert::TryInto<i64>\n\
             struct Client\n\
             impl Client\n    async fn get<'a>(&'a self, id: &str) -> Vec<u8>\n\
             impl ::std::fmt::Debug for Client\n"
        );
    }
}
