//! Reading and adjusting the code progenitor generates.

use std::collections::HashSet;

use syn::visit_mut::VisitMut;

/// What the typed layer needs to know about progenitor's output.
pub struct Generated {
    /// Builder structs in `mod builder`, one per operation.
    pub builders: HashSet<String>,
    /// Type names in `mod types`.
    pub types: HashSet<String>,
}

/// Renames every builder's `send()` to a private `send_raw()` (the typed
/// layer's `send()` calls it) and lists the builders and types.
pub fn take_apart(file: &mut syn::File) -> Generated {
    let mut generated = Generated {
        builders: HashSet::new(),
        types: HashSet::new(),
    };
    for item in &mut file.items {
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
                        }
                        syn::Item::Impl(block) => RenameSend.visit_item_impl_mut(block),
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
            function.sig.ident = syn::Ident::new("send_raw", function.sig.ident.span());
            function.vis = syn::parse_quote!(pub(super));
            function.attrs.retain(|a| !a.path().is_ident("doc"));
        }
    }
}
