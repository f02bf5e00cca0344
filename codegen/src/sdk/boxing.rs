//! Boxes the members of `mod types` that would make values too large to
//! move around: typify writes a nested object inline in its parent (it boxes
//! only what recursion needs), so a document whose objects embed other
//! objects through many optional members gets huge types. Stripe's
//! `PaymentMethod` took 1.8 MB and its error body 386 KB; every `Result`
//! carrying one, and every unoptimised frame that moves one, is that large,
//! and a call overflowed a 2 MiB thread stack (the size of tokio's worker
//! threads). A struct field or enum variant whose type is a generated type
//! of more than [`LARGE`] bytes becomes a `Box` of it, the way typify boxes a
//! recursive member (field, builder field and setter bound alike).

use std::collections::HashMap;

use syn::visit_mut::VisitMut;

/// Above this estimated size (bytes) a member's type is boxed.
pub const LARGE: usize = 1024;

/// Boxes the large members of `file`'s `mod types` (and its `mod builder`).
pub fn box_large_members(file: &mut syn::File) {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let items = &mut types.1;
    let definitions: HashMap<String, syn::Item> = items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) => Some((s.ident.to_string(), item.clone())),
            syn::Item::Enum(e) => Some((e.ident.to_string(), item.clone())),
            _ => None,
        })
        .collect();
    let mut sizes = Sizes {
        definitions: &definitions,
        known: HashMap::new(),
    };
    // Which members of which type to box: (type, member) for struct fields
    // by name and enum variants by name.
    let mut boxed: HashMap<String, Vec<String>> = HashMap::new();
    for (name, item) in &definitions {
        let members: Vec<(String, &syn::Type)> = match item {
            syn::Item::Struct(s) => s
                .fields
                .iter()
                .filter(|f| !has_serde_default_fn(&f.attrs))
                .filter_map(|f| Some((f.ident.as_ref()?.to_string(), &f.ty)))
                .collect(),
            syn::Item::Enum(e) => e
                .variants
                .iter()
                .filter_map(|v| match &v.fields {
                    syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                        Some((v.ident.to_string(), &fields.unnamed[0].ty))
                    }
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        for (member, ty) in members {
            if sizes.is_large_named(ty) {
                boxed.entry(name.clone()).or_default().push(member);
            }
        }
    }
    if boxed.is_empty() {
        return;
    }
    let mut boxer = Boxer {
        boxed: &boxed,
        definitions: &definitions,
    };
    for item in items.iter_mut() {
        boxer.item(item);
    }
}

/// Whether a field has `#[serde(default = "...")]`: its function returns
/// the unboxed type, so the field stays as it is.
fn has_serde_default_fn(attributes: &[syn::Attribute]) -> bool {
    attributes
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|a| {
            let mut found = false;
            let _ = a.parse_nested_meta(|meta| {
                if meta.path.is_ident("default") && meta.input.peek(syn::Token![=]) {
                    found = true;
                }
                if let Ok(value) = meta.value() {
                    value.parse::<syn::Expr>()?;
                }
                Ok(())
            });
            found
        })
}

/// Estimated sizes of the generated types, each as it is after boxing.
struct Sizes<'a> {
    definitions: &'a HashMap<String, syn::Item>,
    known: HashMap<String, usize>,
}

impl Sizes<'_> {
    /// Whether `ty` (or the `T` of `Option<T>`) is a generated type larger than [`LARGE`].
    fn is_large_named(&mut self, ty: &syn::Type) -> bool {
        let ty = option_inner(ty).unwrap_or(ty);
        generated_name(ty, self.definitions).is_some_and(|name| self.named(&name) > LARGE)
    }

    fn named(&mut self, name: &str) -> usize {
        if let Some(size) = self.known.get(name) {
            return *size;
        }
        // Recursion goes through a `Box` or a collection (typify's rule), so
        // a type is not reached again inline; the guard keeps it finite.
        self.known.insert(name.to_string(), POINTER);
        let size = match self.definitions.get(name) {
            Some(syn::Item::Struct(s)) => s.fields.iter().map(|f| self.member(&f.ty)).sum(),
            Some(syn::Item::Enum(e)) => {
                TAG + e
                    .variants
                    .iter()
                    .map(|v| v.fields.iter().map(|f| self.member(&f.ty)).sum::<usize>())
                    .max()
                    .unwrap_or(0)
            }
            _ => OTHER,
        };
        self.known.insert(name.to_string(), size);
        size
    }

    /// A member's size once boxed where it is large.
    fn member(&mut self, ty: &syn::Type) -> usize {
        if self.is_large_named(ty) {
            return POINTER;
        }
        self.of(ty)
    }

    fn of(&mut self, ty: &syn::Type) -> usize {
        if let Some(inner) = option_inner(ty) {
            return TAG + self.of(inner);
        }
        if let Some(name) = generated_name(ty, self.definitions) {
            return self.named(&name);
        }
        match ty {
            syn::Type::Tuple(tuple) => tuple.elems.iter().map(|t| self.of(t)).sum(),
            syn::Type::Array(array) => {
                let length = match &array.len {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(n),
                        ..
                    }) => n.base10_parse().unwrap_or(1),
                    _ => 1,
                };
                length * self.of(&array.elem)
            }
            syn::Type::Path(path) => {
                let last = path
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                match last.as_str() {
                    "bool" | "u8" | "i8" => 1,
                    "u16" | "i16" => 2,
                    "u32" | "i32" | "f32" | "char" | "NaiveDate" => 4,
                    "u64" | "i64" | "f64" | "usize" | "isize" | "NonZeroU64" | "Box" => 8,
                    "DateTime" => 12,
                    "u128" | "i128" | "Uuid" => 16,
                    "Value" | "Map" | "IndexMap" => 80,
                    "HashMap" | "HashSet" => 48,
                    _ => OTHER,
                }
            }
            _ => OTHER,
        }
    }
}

const POINTER: usize = 8;
/// An enum's or an `Option`'s discriminant, with padding.
const TAG: usize = 8;
/// `String`, `Vec` and anything else not listed: three words.
const OTHER: usize = 24;

/// `T` of `Option<T>` (`::std::option::Option<T>` as typify writes it).
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(arguments) => match arguments.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// The name of the generated type `ty` is (`Name`, `super::Name`,
/// `types::Name`), if it is one.
fn generated_name(ty: &syn::Type, definitions: &HashMap<String, syn::Item>) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let last = path.path.segments.last()?;
    let local = match segments.as_slice() {
        [_] => true,
        [first, _] => first == "super" || first == "types",
        _ => false,
    };
    (local && last.arguments.is_none())
        .then(|| last.ident.to_string())
        .filter(|name| definitions.contains_key(name))
}

/// Rewrites the boxed members in `mod types` and its `mod builder`.
struct Boxer<'a> {
    boxed: &'a HashMap<String, Vec<String>>,
    definitions: &'a HashMap<String, syn::Item>,
}

impl Boxer<'_> {
    fn members(&self, owner: &syn::Ident) -> Option<&Vec<String>> {
        self.boxed.get(&owner.to_string())
    }

    /// The types of the fields of `item` (a type, or its builder) to box.
    fn boxed_fields<'s>(&self, item: &'s mut syn::ItemStruct) -> Vec<&'s mut syn::Type> {
        let Some(members) = self.members(&item.ident) else {
            return Vec::new();
        };
        item.fields
            .iter_mut()
            .filter(|f| {
                f.ident
                    .as_ref()
                    .is_some_and(|i| members.contains(&i.to_string()))
            })
            .map(|f| &mut f.ty)
            .collect()
    }

    fn item(&mut self, item: &mut syn::Item) {
        match item {
            syn::Item::Struct(s) => {
                for ty in self.boxed_fields(s) {
                    *ty = boxed(ty);
                }
            }
            syn::Item::Enum(e) => {
                if let Some(members) = self.members(&e.ident) {
                    for variant in &mut e.variants {
                        if members.contains(&variant.ident.to_string())
                            && let syn::Fields::Unnamed(fields) = &mut variant.fields
                            && let Some(field) = fields.unnamed.first_mut()
                        {
                            field.ty = boxed(&field.ty);
                        }
                    }
                }
            }
            // `impl From<Payload> for Enum { fn from(value: Payload) -> Self
            // { Self::Variant(value) } }`: typify's conversion into a
            // variant takes the box, as for its own boxed variants.
            syn::Item::Impl(block) => self.variant_from(block),
            syn::Item::Mod(module) if module.ident == "builder" => {
                if let Some((_, items)) = &mut module.content {
                    for item in items {
                        self.builder_item(item);
                    }
                }
            }
            _ => {}
        }
    }

    fn variant_from(&self, block: &mut syn::ItemImpl) {
        let Some((_, trait_path, _)) = &mut block.trait_ else {
            return;
        };
        let Some(last) = trait_path.segments.last_mut() else {
            return;
        };
        if last.ident != "From" {
            return;
        }
        let syn::Type::Path(owner) = &*block.self_ty else {
            return;
        };
        let Some(owner) = owner.path.get_ident() else {
            return;
        };
        let Some(members) = self.members(owner) else {
            return;
        };
        let Some(syn::ImplItem::Fn(function)) = block.items.first() else {
            return;
        };
        // The body is `Self::Variant(value)`: which variant.
        let Some(syn::Stmt::Expr(syn::Expr::Call(call), None)) = function.block.stmts.first()
        else {
            return;
        };
        let syn::Expr::Path(callee) = &*call.func else {
            return;
        };
        let Some(variant) = callee.path.segments.last() else {
            return;
        };
        if !members.contains(&variant.ident.to_string()) {
            return;
        }
        let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments else {
            return;
        };
        let Some(syn::GenericArgument::Type(payload)) = arguments.args.first_mut() else {
            return;
        };
        if generated_name(payload, self.definitions).is_none() {
            return;
        }
        *payload = boxed(payload);
        if let Some(syn::ImplItem::Fn(function)) = block.items.first_mut()
            && let Some(syn::FnArg::Typed(argument)) = function.sig.inputs.first_mut()
        {
            *argument.ty = boxed(&argument.ty);
        }
    }

    /// A builder struct's `Result<T, String>` field and its setter's
    /// `TryInto<T>` bound, for each boxed field of the type it builds.
    fn builder_item(&self, item: &mut syn::Item) {
        match item {
            syn::Item::Struct(s) => {
                for ty in self.boxed_fields(s) {
                    BoxResultOk.visit_type_mut(ty);
                }
            }
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(owner) = &*block.self_ty else {
                    return;
                };
                let Some(members) = owner.path.get_ident().and_then(|o| self.members(o)) else {
                    return;
                };
                for item in &mut block.items {
                    if let syn::ImplItem::Fn(setter) = item
                        && members.contains(&setter.sig.ident.to_string())
                        && let Some(clause) = &mut setter.sig.generics.where_clause
                    {
                        BoxTryInto.visit_where_clause_mut(clause);
                    }
                }
            }
            _ => {}
        }
    }
}

/// `T` as `Box<T>`, `Option<T>` as `Option<Box<T>>`.
fn boxed(ty: &syn::Type) -> syn::Type {
    if let Some(inner) = option_inner(ty) {
        return syn::parse_quote!(::std::option::Option<::std::boxed::Box<#inner>>);
    }
    syn::parse_quote!(::std::boxed::Box<#ty>)
}

/// Boxes `T` in `Result<T, String>`.
struct BoxResultOk;

impl VisitMut for BoxResultOk {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        if let syn::Type::Path(path) = ty
            && let Some(last) = path.path.segments.last_mut()
            && last.ident == "Result"
            && let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments
            && let Some(syn::GenericArgument::Type(ok)) = arguments.args.first_mut()
        {
            *ok = boxed(ok);
        }
    }
}

/// Boxes `X` in the bound `T: TryInto<X>`.
struct BoxTryInto;

impl VisitMut for BoxTryInto {
    fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
        if segment.ident == "TryInto"
            && let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments
            && let Some(syn::GenericArgument::Type(target)) = arguments.args.first_mut()
        {
            *target = boxed(target);
            return;
        }
        syn::visit_mut::visit_path_segment_mut(self, segment);
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    /// A typify-shaped file: `Big` is 200 `u64`s (1,600 bytes), `Small` one.
    fn file() -> syn::File {
        let fields = (0..200).map(|i| quote::format_ident!("f{i}"));
        syn::parse_quote! {
            pub mod types {
                pub struct Big { #(pub #fields: u64,)* }
                pub struct Small { pub a: u64 }
                pub struct Parent {
                    pub big: Big,
                    pub maybe: ::std::option::Option<Big>,
                    #[serde(default = "defaults::parent_kept")]
                    pub kept: Big,
                    pub small: Small,
                    pub list: ::std::vec::Vec<Big>,
                }
                pub enum Either { Text(::std::string::String), Big(Big), Small(Small) }
                impl ::std::convert::From<Big> for Either {
                    fn from(value: Big) -> Self { Self::Big(value) }
                }
                impl ::std::convert::From<Small> for Either {
                    fn from(value: Small) -> Self { Self::Small(value) }
                }
                pub mod builder {
                    pub struct Parent {
                        big: ::std::result::Result<super::Big, ::std::string::String>,
                        maybe: ::std::result::Result<::std::option::Option<super::Big>, ::std::string::String>,
                        small: ::std::result::Result<super::Small, ::std::string::String>,
                    }
                    impl Parent {
                        pub fn big<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<super::Big>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.big = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                        pub fn small<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<super::Small>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.small = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                    }
                }
            }
        }
    }

    fn text(file: &syn::File) -> String {
        file.to_token_stream().to_string().replace(' ', "")
    }

    #[test]
    fn a_large_member_is_boxed_with_its_builder_field_and_setter_and_a_small_one_is_not() {
        let mut file = file();
        box_large_members(&mut file);
        let text = text(&file);
        for expected in [
            "pubbig:::std::boxed::Box<Big>",
            "pubmaybe:::std::option::Option<::std::boxed::Box<Big>>",
            "pubkept:Big",
            "pubsmall:Small",
            "publist:::std::vec::Vec<Big>",
            "big:::std::result::Result<::std::boxed::Box<super::Big>,",
            "maybe:::std::result::Result<::std::option::Option<::std::boxed::Box<super::Big>>,",
            "small:::std::result::Result<super::Small,",
            "T:::std::convert::TryInto<::std::boxed::Box<super::Big>>",
            "T:::std::convert::TryInto<super::Small>",
            "Big(::std::boxed::Box<Big>)",
            "Small(Small)",
            "From<::std::boxed::Box<Big>>forEither{fnfrom(value:::std::boxed::Box<Big>)",
            "From<Small>forEither{fnfrom(value:Small)",
        ] {
            assert!(text.contains(expected), "no `{expected}` in {text}");
        }
    }

    #[test]
    fn nothing_changes_where_every_type_is_small() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Small { pub a: u64, pub b: ::std::string::String }
                pub struct Parent { pub small: Small, pub other: ::std::option::Option<Small> }
            }
        };
        let before = text(&file);
        box_large_members(&mut file);
        assert_eq!(text(&file), before);
    }

    #[test]
    fn a_boxed_member_counts_as_a_pointer_in_its_owner() {
        // `Parent` holds two `Big`s boxed and a `Small`: small itself, so a
        // `Grand` holding it inline keeps it inline.
        let mut file: syn::File = {
            let fields = (0..200).map(|i| quote::format_ident!("f{i}"));
            syn::parse_quote! {
                pub mod types {
                    pub struct Big { #(pub #fields: u64,)* }
                    pub struct Parent { pub one: Big, pub two: Big, pub a: u64 }
                    pub struct Grand { pub parent: Parent }
                }
            }
        };
        box_large_members(&mut file);
        let text = text(&file);
        assert!(text.contains("pubone:::std::boxed::Box<Big>"), "{text}");
        assert!(text.contains("pubparent:Parent"), "{text}");
    }
}
