//! Per paginated operation (`specs::pagination`), `.pages()` and
//! `.stream()` on its builder, over `crate::pages`. Written only where
//! progenitor's types have the shapes the runtime reads (a `Vec` of items;
//! a text, number or UUID position; a boolean flag; a text, number or
//! UUID setter); elsewhere the operation stays a plain call.

use proc_macro2::TokenStream;
use quote::quote;
use specs::Operation;
use specs::pagination::Next;

use super::names::{ident, progenitor_snake};
use super::shapes::{inner, inner_result, is_count, is_flag, last_ident};
use super::{Generated, success_type};
use crate::sdk::progenitor_output::Field;

/// What the generated pager needs, read from progenitor's types.
pub struct Plan {
    /// `types::Page`.
    page: TokenStream,
    /// The item type, as named from the provider's module.
    item: TokenStream,
    /// `page.data`, as a `Vec`.
    items: TokenStream,
    /// How the next position follows from a page: a `crate::pages::Next`
    /// (read inside `pages_with`, where `self` is the first request).
    next: TokenStream,
    /// The request with `position` set: `|builder, position| #at`.
    at: TokenStream,
    /// What `operation.pagination` says, for the docs.
    pagination: specs::pagination::Pagination,
}

/// How `operation`'s builder pages, if it does and the types allow it.
pub fn plan(operation: &Operation, builder: &str, generated: &Generated) -> Option<Plan> {
    let pagination = operation.pagination.as_ref()?;
    let page = success_type(operation, generated).ok()?;
    let page_type: syn::Type = syn::parse2(page.clone()).ok()?;
    let page_items = page_items(&pagination.items, &page_type, generated)?;
    let no_fields = Vec::new();
    let fields = page_items.fields.unwrap_or(&no_fields);
    let member = |name: &str| fields.iter().find(|f| f.member == name);

    let setter_name = progenitor_snake(&pagination.parameter);
    let setter_type = generated
        .setters
        .get(&(builder.to_string(), setter_name.clone()))?;
    let setter_text = last_ident(setter_type)?;
    let setter = ident(&setter_name);
    let at = if setter_text == "String" || generated.text_newtypes.contains(&setter_text) {
        quote!(builder.#setter(position))
    } else if is_count(setter_type) || setter_text == "Uuid" {
        // A number (a page number or offset) or an id: parsed, and a
        // position that is not one fails the next call as an invalid request.
        let optional = generated
            .builder_fields
            .get(builder)?
            .iter()
            .find(|(name, _)| *name == setter_name)
            .and_then(|(_, ty)| inner_result(ty))
            .is_some_and(|ty| inner(ty, "Option").is_some());
        let wrap = if optional {
            quote!(.map(Some))
        } else {
            quote!()
        };
        quote! {{
            let mut builder = builder;
            builder.#setter = position
                .parse::<#setter_type>()
                #wrap
                .map_err(|error| format!("position `{position}`: {error}"));
            builder
        }}
    } else {
        return None;
    };

    let item = named_from_module(page_items.item, generated)?;
    let slice = &page_items.slice;
    let flag = match &pagination.more {
        Some(more) => Some((
            member(&more.member)
                .filter(|f| is_flag(&f.ty))?
                .ident
                .clone(),
            more.inverted,
        )),
        None => None,
    };

    let next = match &pagination.next {
        Next::Member(_) | Next::LastItem(_) => {
            let named =
                named_position(&pagination.next, &member, slice, page_items.item, generated)?;
            let named = match &flag {
                Some((flag, inverted)) => {
                    // `has_more: false` or `done: true`: the last page, whatever else it says.
                    quote! {
                        if crate::pages::Flag::flag(&page.#flag) == Some(#inverted) {
                            None
                        } else {
                            #named
                        }
                    }
                }
                None => named,
            };
            quote!(crate::pages::Next::Named(|page: &#page| #named))
        }
        Next::Header(header) => quote!(crate::pages::Next::Header(#header)),
        Next::Link { .. } => {
            let parameter = &pagination.parameter;
            quote!(crate::pages::Next::Linked(#parameter))
        }
        Next::Offset { first } | Next::Page { first } => {
            // Counted: the builder's own position first, and what each page says.
            if !is_count(setter_type) {
                return None;
            }
            let pages = matches!(pagination.next, Next::Page { .. });
            let more = match &flag {
                Some((flag, inverted)) => {
                    quote!(crate::pages::Flag::flag(&page.#flag).map(|flag| flag != #inverted))
                }
                None => quote!(None),
            };
            let total = |name: &Option<String>| match name.as_deref().and_then(member) {
                Some(field) if is_count(&field.ty) => {
                    let ident = &field.ident;
                    quote!(crate::pages::Count::count(&page.#ident))
                }
                _ => quote!(None),
            };
            let (total_items, total_pages) = (
                total(&pagination.totals.items),
                total(&pagination.totals.pages),
            );
            quote! {
                crate::pages::Next::Counted(crate::pages::Counted {
                    pages: #pages,
                    start: self
                        .#setter
                        .as_ref()
                        .ok()
                        .and_then(crate::pages::Count::count)
                        .unwrap_or(#first),
                    first: #first,
                    facts: |page: &#page| crate::pages::Facts {
                        items: #slice.len(),
                        more: #more,
                        total_items: #total_items,
                        total_pages: #total_pages,
                    },
                })
            }
        }
    };
    Some(Plan {
        page,
        item,
        items: page_items.owned,
        next,
        at,
        pagination: pagination.clone(),
    })
}

/// Where a page's items are, in progenitor's types.
struct PageItems<'g> {
    /// The item type, as progenitor wrote it.
    item: &'g syn::Type,
    /// The items of `page: P`, taken: a `Vec`.
    owned: TokenStream,
    /// The items of `page: &P`: a slice.
    slice: TokenStream,
    /// The page struct's fields, where the page is a struct with members.
    fields: Option<&'g Vec<Field>>,
}

/// Where the items of a `page_type` are: its field holding the member
/// `items` (perhaps optional), else the page itself (a `Vec`) or the `Vec`
/// typify's newtype wraps.
fn page_items<'g>(
    items: &Option<String>,
    page_type: &'g syn::Type,
    generated: &'g Generated,
) -> Option<PageItems<'g>> {
    let Some(items) = items else {
        if let Some(item) = inner(page_type, "Vec") {
            return Some(PageItems {
                item,
                owned: quote!(page),
                slice: quote!(page.as_slice()),
                fields: None,
            });
        }
        let item = generated.array_newtypes.get(&types_name(page_type)?)?;
        return Some(PageItems {
            item,
            owned: quote!(page.0),
            slice: quote!(page.0.as_slice()),
            fields: None,
        });
    };
    let fields = generated.fields.get(&types_name(page_type)?)?;
    let field = fields.iter().find(|f| f.member == *items)?;
    let ident = &field.ident;
    Some(match inner(&field.ty, "Option") {
        Some(vec) => PageItems {
            item: inner(vec, "Vec")?,
            owned: quote!(page.#ident.unwrap_or_default()),
            slice: quote!(page.#ident.as_deref().unwrap_or_default()),
            fields: Some(fields),
        },
        None => PageItems {
            item: inner(&field.ty, "Vec")?,
            owned: quote!(page.#ident),
            slice: quote!(page.#ident.as_slice()),
            fields: Some(fields),
        },
    })
}

/// `Name` of the type `types::Name`.
fn types_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    match path.path.segments.iter().collect::<Vec<_>>()[..] {
        [module, name] if module.ident == "types" => Some(name.ident.to_string()),
        _ => None,
    }
}

/// The next position a page names (`Next::Member`, `Next::LastItem`), as an
/// `Option<String>` read from `page`, whose items are `slice` of `item_type`s.
fn named_position<'f>(
    next: &Next,
    member: &impl Fn(&str) -> Option<&'f Field>,
    slice: &TokenStream,
    item_type: &syn::Type,
    generated: &Generated,
) -> Option<TokenStream> {
    let position = match next {
        Next::Member(name) => {
            let field = member(name)?;
            let ident = &field.ident;
            position(&field.ty, quote!(page.#ident), generated)?
        }
        Next::LastItem(name) => {
            let item_fields = generated.fields.get(&last_ident(item_type)?)?;
            let id = item_fields.iter().find(|f| f.member == *name)?;
            let id_position = position(
                &id.ty,
                {
                    let id = &id.ident;
                    quote!(item.#id)
                },
                generated,
            )?;
            quote!(#slice.last().and_then(|item| #id_position))
        }
        Next::Offset { .. } | Next::Page { .. } | Next::Header(_) | Next::Link { .. } => {
            return None;
        }
    };
    Some(position)
}

impl Plan {
    /// The items of `page` (the page type's value) as a `Vec`.
    pub fn items_of_page(&self) -> &TokenStream {
        &self.items
    }
}

/// `.pages()`, `.pages_with()`, `.stream()` and `.stream_with()` on the builder.
pub fn pages_impl(builder: &str, plan: &Plan) -> TokenStream {
    let builder_ident = ident(builder);
    let error = ident(&format!("{builder}Error"));
    let Plan {
        page,
        item,
        items,
        next,
        at,
        pagination,
    } = plan;
    let how = match &pagination.next {
        Next::Member(member) => format!("the page's `{member}`"),
        Next::LastItem(member) => format!("the last item's `{member}`"),
        Next::Offset { .. } => "the offset after the page's items".to_string(),
        Next::Page { .. } => "the next page number".to_string(),
        Next::Header(header) => format!("the response's `{header}` header"),
        Next::Link { .. } => "its value in the `Link` header's `rel=\"next\"` target".to_string(),
    };
    let pages_doc = format!(
        " Every page, fetched as the stream is read.\n\n \
         The first page is this builder's request; each next one sets `{}` to\n \
         {how}. The stream ends after the last page or the first error; a\n \
         position the server names twice ends it with `Pagination`.",
        pagination.parameter
    );
    let stream_doc = match &pagination.items {
        Some(items) => {
            format!(" The items (`{items}`) of every page, in order: see [`Self::pages`].")
        }
        None => " The items of every page, in order: see [`Self::pages`].".to_string(),
    };
    quote! {
        impl<'a> builder::#builder_ident<'a> {
            #[doc = #pages_doc]
            pub fn pages(self) -> crate::pages::Pages<'a, #page, errors::#error> {
                self.pages_with(crate::CallOptions::default())
            }

            /// [`Self::pages`] with every page's own timeout or retry count.
            pub fn pages_with(self, options: crate::CallOptions) -> crate::pages::Pages<'a, #page, errors::#error> {
                let next = #next;
                crate::pages::pages(crate::pages::Pager {
                    first: self,
                    options,
                    send: |builder, options| Box::pin(builder.send_with(options)),
                    at: |builder, position| #at,
                    next,
                    failed: errors::#error::Pagination,
                })
            }

            #[doc = #stream_doc]
            pub fn stream(self) -> crate::pages::Items<'a, #item, errors::#error> {
                self.stream_with(crate::CallOptions::default())
            }

            /// [`Self::stream`] with every page's own timeout or retry count.
            pub fn stream_with(self, options: crate::CallOptions) -> crate::pages::Items<'a, #item, errors::#error> {
                crate::pages::items(self.pages_with(options), |page| #items)
            }
        }
    }
}

/// The position `value` (a field of type `ty`) holds, as an
/// `Option<String>`: text or a number (`crate::pages::Position`'s impls),
/// or typify's newtype of a string, each perhaps optional.
fn position(ty: &syn::Type, value: TokenStream, generated: &Generated) -> Option<TokenStream> {
    let (optional, base) = match inner(ty, "Option") {
        Some(base) => (true, base),
        None => (false, ty),
    };
    let syn::Type::Path(path) = base else {
        return None;
    };
    let name = last_ident(base)?;
    let primitive = (path.path.segments.len() == 1 || path.path.leading_colon.is_some())
        && [
            "String",
            "i32",
            "i64",
            "u32",
            "u64",
            "f64",
            "NonZeroU64",
            "Uuid",
        ]
        .contains(&name.as_str());
    if primitive {
        return Some(quote!(crate::pages::Position::position(&#value)));
    }
    if path.path.get_ident().is_some() && generated.text_newtypes.contains(&name) {
        return Some(if optional {
            quote!(crate::pages::Position::position(&#value.as_ref().map(|v| v.to_string())))
        } else {
            quote!(crate::pages::Position::position(&#value.to_string()))
        });
    }
    None
}

/// A type as `mod types` writes it, named from the provider's module:
/// `Snippet` -> `types::Snippet`; a path from the root or `types::` stays
/// as it is.
fn named_from_module(ty: &syn::Type, generated: &Generated) -> Option<TokenStream> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_none() && path.path.leading_colon.is_some() || types_name(ty).is_some() {
        return Some(quote!(#ty));
    }
    let name = path.path.get_ident()?.to_string();
    generated.types.contains(&name).then(|| {
        let name = ident(&name);
        quote!(types::#name)
    })
}
