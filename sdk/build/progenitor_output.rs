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

/// Renames every builder's `send()` to a private `send_raw()` (the typed
/// layer's `send()` calls it), opens builder fields to the provider module,
/// drops `Client`'s derived `Debug` (the typed layer writes one that leaves
/// out the HTTP client and its credential header), and lists the builders,
/// their setters and the types.
pub fn take_apart(file: &mut syn::File) -> Generated {
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
                            RenameSend.visit_item_impl_mut(block);
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
    generated
}

struct RenameSend;

impl VisitMut for RenameSend {
    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        if function.sig.ident == "send" {
            // progenitor sends `api-version: <info.version>` (a Dropshot
            // convention); the providers document no such header.
            function.block.stmts.retain(|statement| {
                let text = quote::ToTokens::to_token_stream(statement).to_string();
                !(text.starts_with("header_map . append") && text.contains("\"api-version\""))
            });
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
