//! Reading and adjusting the code progenitor generates.

use std::collections::{HashMap, HashSet};

use syn::visit_mut::VisitMut;

/// What the typed layer needs to know about progenitor's output.
pub struct Generated {
    /// Builder structs in `mod builder`, one per operation.
    pub builders: HashSet<String>,
    /// Each builder's setters: (builder, setter) -> the type the setter converts into.
    pub setters: HashMap<(String, String), syn::Type>,
    /// Type names in `mod types`.
    pub types: HashSet<String>,
}

/// Renames every builder's `send()` to a private `send_raw()` returning the
/// `reqwest::Response` as it is (the typed layer's `send()` calls it and
/// decodes by status itself), opens builder fields to the provider module,
/// drops `Client`'s derived `Debug` (the typed layer writes one that leaves
/// out the HTTP client) and progenitor's `Client::new` (it builds a bare
/// `reqwest::Client` and unwraps: that panics when reqwest has rustls
/// without a crypto provider, the SDK's default, and it skips the SDK's
/// configuration; `Client::builder()` is the constructor), and lists the
/// builders, their setters and the types.
pub fn take_apart(file: &mut syn::File) -> Result<Generated, String> {
    RawReservedWords.visit_file_mut(file);
    let mut generated = Generated {
        builders: HashSet::new(),
        setters: HashMap::new(),
        types: HashSet::new(),
    };
    for item in &mut file.items {
        if let syn::Item::Struct(client) = item
            && client.ident == "Client"
        {
            drop_derived_debug(&mut client.attrs);
            continue;
        }
        if let syn::Item::Impl(block) = item
            && block.trait_.is_none()
            && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            block
                .items
                .retain(|item| !matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            continue;
        }
        let syn::Item::Mod(module) = item else {
            continue;
        };
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        match module.ident.to_string().as_str() {
            "builder" => {
                for item in items.iter_mut() {
                    match item {
                        syn::Item::Struct(s) => {
                            generated.builders.insert(s.ident.to_string());
                            // The typed layer reads the client and fills in idempotency keys.
                            for field in &mut s.fields {
                                field.vis = syn::parse_quote!(pub(super));
                            }
                        }
                        syn::Item::Impl(block) => {
                            let mut rename = RenameSend(Ok(()));
                            rename.visit_item_impl_mut(block);
                            rename.0?;
                            collect_setters(block, &mut generated.setters);
                        }
                        _ => {}
                    }
                }
            }
            "types" => {
                for item in items.iter() {
                    match item {
                        syn::Item::Struct(s) => generated.types.insert(s.ident.to_string()),
                        syn::Item::Enum(e) => generated.types.insert(e.ident.to_string()),
                        _ => false,
                    };
                }
            }
            _ => {}
        }
    }
    Ok(generated)
}

/// typify names a parameter and a module `gen` (schemars 0.8's
/// `schemars::gen`), a keyword reserved since edition 2024: written raw.
struct RawReservedWords;

impl VisitMut for RawReservedWords {
    fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
        if ident == "gen" {
            *ident = proc_macro2::Ident::new_raw("gen", ident.span());
        }
    }
}

/// Rewrites `send()`; the first shape it does not recognise is the error.
struct RenameSend(Result<(), String>);

impl VisitMut for RenameSend {
    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        if function.sig.ident == "send" {
            // progenitor sends `api-version: <info.version>` (a Dropshot
            // convention); the providers document no such header.
            function.block.stmts.retain(|statement| {
                let text = quote::ToTokens::to_token_stream(statement).to_string();
                !(text.starts_with("header_map . append") && text.contains("\"api-version\""))
            });
            // The closing `match response.status().as_u16() { .. }` wraps the
            // response in a `ResponseValue` (cloning its headers) only for the
            // typed layer to unwrap it again: hand the response over as it is.
            let ends_in_status_match = matches!(
                function.block.stmts.last(),
                Some(syn::Stmt::Expr(syn::Expr::Match(closing), None))
                    if quote::ToTokens::to_token_stream(&closing.expr)
                        .to_string()
                        .starts_with("response . status ()")
            );
            match function.block.stmts.last_mut() {
                Some(closing) if ends_in_status_match => {
                    *closing = syn::Stmt::Expr(syn::parse_quote!(Ok(response)), None);
                }
                _ => {
                    self.0 = Err(format!(
                        "progenitor's `send()` of `{}` does not end in a match on the status",
                        quote::ToTokens::to_token_stream(&function.sig)
                    ));
                    return;
                }
            }
            function.sig.output =
                syn::parse_quote!(-> Result<reqwest::Response, Error<ByteStream>>);
            function.sig.ident = syn::Ident::new("send_raw", function.sig.ident.span());
            function.vis = syn::parse_quote!(pub(super));
            function.attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
}

/// `pub fn id<V>(mut self, value: V) -> Self where V: TryInto<T>`: records `T`.
fn collect_setters(block: &syn::ItemImpl, setters: &mut HashMap<(String, String), syn::Type>) {
    let syn::Type::Path(self_type) = &*block.self_ty else {
        return;
    };
    let Some(builder) = self_type.path.segments.last() else {
        return;
    };
    for item in &block.items {
        let syn::ImplItem::Fn(function) = item else {
            continue;
        };
        let Some(where_clause) = &function.sig.generics.where_clause else {
            continue;
        };
        for predicate in &where_clause.predicates {
            let syn::WherePredicate::Type(predicate) = predicate else {
                continue;
            };
            for bound in &predicate.bounds {
                let syn::TypeParamBound::Trait(bound) = bound else {
                    continue;
                };
                let Some(last) = bound.path.segments.last() else {
                    continue;
                };
                if last.ident != "TryInto" {
                    continue;
                }
                let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
                    continue;
                };
                if let Some(syn::GenericArgument::Type(target)) = arguments.args.first() {
                    setters.insert(
                        (builder.ident.to_string(), function.sig.ident.to_string()),
                        target.clone(),
                    );
                }
            }
        }
    }
}

/// Removes `Debug` from `#[derive(..)]` attributes.
fn drop_derived_debug(attributes: &mut [syn::Attribute]) {
    use syn::punctuated::Punctuated;
    for attribute in attributes.iter_mut() {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let Ok(derives) =
            attribute.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&syn::Path> = derives
            .iter()
            .filter(|path| path.segments.last().is_none_or(|s| s.ident != "Debug"))
            .collect();
        *attribute = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
