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
    /// Each struct's named fields in `mod types`: struct -> its fields.
    pub fields: HashMap<String, Vec<Field>>,
    /// Structs in `mod types` wrapping one `String` (typify's newtypes of
    /// string schemas: `Deref`, `Display`, `From<String>`).
    pub text_newtypes: HashSet<String>,
    /// Structs in `mod types` wrapping one `Vec` (typify's newtypes of
    /// array schemas): struct -> the `Vec`'s item type.
    pub array_newtypes: HashMap<String, syn::Type>,
    /// Each builder's fields in `mod builder`: builder -> (name, type).
    pub builder_fields: HashMap<String, Vec<(String, syn::Type)>>,
    /// Enums in `mod types` without variants: no value deserialises into them.
    pub uninhabited: Vec<String>,
    /// Names typify gave two types (an inline schema's derived name equal to
    /// a component's): the module would not compile.
    pub duplicated: Vec<String>,
}

/// What the builders get beyond progenitor's code, by builder name.
#[derive(Default)]
pub struct Additions {
    /// Builders that also get `send_raw_body()` (a body of any media type).
    pub raw_body_builders: HashSet<String>,
    /// Builders that also get `send_raw_events()` (`Accept: text/event-stream`).
    pub event_builders: HashSet<String>,
    /// Query parameters whose list travels joined, not as repeated names:
    /// builder -> parameter name -> separator.
    pub joined_lists: HashMap<String, HashMap<String, char>>,
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
/// What `additions` asks for is added to the builders.
pub fn take_apart(file: &mut syn::File, additions: &Additions) -> Result<Generated, String> {
    let Additions {
        raw_body_builders,
        event_builders,
        joined_lists,
    } = additions;
    RawReservedWords.visit_file_mut(file);
    crate::sdk::docs::DocText.visit_file_mut(file);
    SchemarsBehindFeature.visit_file_mut(file);
    crate::sdk::boxing::box_large_members(file);
    let mut generated = Generated {
        builders: HashSet::new(),
        setters: HashMap::new(),
        types: HashSet::new(),
        fields: HashMap::new(),
        builder_fields: HashMap::new(),
        text_newtypes: HashSet::new(),
        array_newtypes: HashMap::new(),
        uninhabited: Vec::new(),
        duplicated: Vec::new(),
    };
    for item in &mut file.items {
        if let syn::Item::Struct(client) = item
            && client.ident == "Client"
        {
            remove_derives(&mut client.attrs, "Debug");
            continue;
        }
        if let syn::Item::Impl(block) = item
            && block.trait_.is_none()
            && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            block
                .items
                .retain(|item| !matches!(item, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
            // Only the builder makes clients: a public constructor from a
            // URL and a `reqwest::Client` would skip its base-URL check,
            // redirect policy and timeouts.
            for item in &mut block.items {
                if let syn::ImplItem::Fn(function) = item
                    && function.sig.ident == "new_with_client"
                {
                    function.vis = syn::parse_quote!(pub(crate));
                }
            }
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
                            let mut fields = Vec::new();
                            for field in &mut s.fields {
                                field.vis = syn::parse_quote!(pub(super));
                                if let Some(name) = &field.ident {
                                    fields.push((name.to_string(), field.ty.clone()));
                                }
                            }
                            generated.builder_fields.insert(s.ident.to_string(), fields);
                        }
                        syn::Item::Impl(block) => {
                            let mut rename = RenameSend(Ok(()));
                            rename.visit_item_impl_mut(block);
                            rename.0?;
                            if let Some(lists) =
                                self_type_name(block).and_then(|name| joined_lists.get(&name))
                            {
                                JoinLists(lists).visit_item_impl_mut(block);
                            }
                            if self_type_in(block, raw_body_builders) {
                                add_send_raw_body(block);
                            }
                            if self_type_in(block, event_builders) {
                                add_send_raw_events(block, "send_raw", "send_raw_events");
                                // A form body and an event stream (Mistral's
                                // and OpenAI's transcriptions).
                                add_send_raw_events(block, "send_raw_body", "send_raw_body_events");
                            }
                            collect_setters(block, &mut generated.setters);
                        }
                        _ => {}
                    }
                }
            }
            "types" => {
                for item in items.iter_mut() {
                    let name = match item {
                        // typify writes generic helpers (`default_i64`) that
                        // a document may not use.
                        syn::Item::Mod(defaults) if defaults.ident == "defaults" => {
                            defaults.attrs.push(syn::parse_quote!(#[allow(dead_code)]));
                            continue;
                        }
                        syn::Item::Struct(s) => {
                            if let syn::Fields::Unnamed(fields) = &s.fields
                                && let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..]
                                && matches!(&field.ty, syn::Type::Path(p)
                                    if p.path.segments.last().is_some_and(|l| l.ident == "String"))
                            {
                                generated.text_newtypes.insert(s.ident.to_string());
                            }
                            if let syn::Fields::Unnamed(fields) = &s.fields
                                && let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..]
                                && let Some(item) =
                                    crate::sdk::typed::shapes::inner(&field.ty, "Vec")
                            {
                                generated
                                    .array_newtypes
                                    .insert(s.ident.to_string(), item.clone());
                            }
                            generated
                                .fields
                                .insert(s.ident.to_string(), struct_fields(s));
                            s.ident.to_string()
                        }
                        syn::Item::Enum(e) => {
                            if e.variants.is_empty() {
                                generated.uninhabited.push(e.ident.to_string());
                            }
                            e.ident.to_string()
                        }
                        _ => continue,
                    };
                    if !generated.types.insert(name.clone()) {
                        generated.duplicated.push(name);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(generated)
}

/// A named field of a struct in `mod types`.
#[derive(Clone)]
pub struct Field {
    /// The JSON member it (de)serialises as (`#[serde(rename)]`, else its name).
    pub member: String,
    /// The Rust field.
    pub ident: syn::Ident,
    /// Its type, as typify wrote it.
    pub ty: syn::Type,
}

fn struct_fields(item: &syn::ItemStruct) -> Vec<Field> {
    let mut fields = Vec::new();
    for field in &item.fields {
        let Some(ident) = &field.ident else {
            continue;
        };
        let mut member = ident.to_string().trim_start_matches("r#").to_string();
        for attribute in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            // Other serde arguments (`default`, `skip_serializing_if`) are
            // read and left alone.
            let _ = attribute.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let renamed: syn::LitStr = meta.value()?.parse()?;
                    member = renamed.value();
                } else if let Ok(value) = meta.value() {
                    value.parse::<syn::Expr>()?;
                }
                Ok(())
            });
        }
        fields.push(Field {
            member,
            ident: ident.clone(),
            ty: field.ty.clone(),
        });
    }
    fields
}

/// Every `JsonSchema` derive and impl (typify writes them for every type)
/// is compiled only under the crate's `schemars` feature: most applications
/// never ask a type for its schema, and the expansions are a large share of
/// a whole document's build.
struct SchemarsBehindFeature;

impl SchemarsBehindFeature {
    fn gate_derives(attributes: &mut Vec<syn::Attribute>) {
        if remove_derives(attributes, "JsonSchema") {
            attributes.push(syn::parse_quote!(
                #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
            ));
        }
    }
}

impl VisitMut for SchemarsBehindFeature {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        Self::gate_derives(&mut item.attrs);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        Self::gate_derives(&mut item.attrs);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        if item
            .trait_
            .as_ref()
            .is_some_and(|(_, path, _)| names(path, "JsonSchema"))
        {
            item.attrs
                .push(syn::parse_quote!(#[cfg(feature = "schemars")]));
        }
    }
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
            function
                .block
                .stmts
                .retain(|statement| !appends_header(statement, "header_map", "api-version"));
            // The closing `match response.status().as_u16() { .. }` wraps the
            // response in a `ResponseValue` (cloning its headers) only for the
            // typed layer to unwrap it again: hand the response over as it is.
            let ends_in_status_match = matches!(
                function.block.stmts.last(),
                Some(syn::Stmt::Expr(syn::Expr::Match(closing), None))
                    if is_status_of_response(&closing.expr)
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

/// Whether `block` implements one of `names`.
fn self_type_in(block: &syn::ItemImpl, names: &HashSet<String>) -> bool {
    self_type_name(block).is_some_and(|name| names.contains(&name))
}

/// The name of the type an `impl` block is for (`Create` of `Create<'a>`).
fn self_type_name(block: &syn::ItemImpl) -> Option<String> {
    match &*block.self_ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `map.append(HeaderName::from_static("name"), ...);` (or with the name as a
/// plain string) for the given map variable and header name.
fn appends_header(statement: &syn::Stmt, map: &str, name: &str) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), Some(_)) = statement else {
        return false;
    };
    let on_map = matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident(map));
    on_map && call.method == "append" && call.args.first().is_some_and(|a| is_name(a, name))
}

/// `"name"` or `HeaderName::from_static("name")`.
fn is_name(expression: &syn::Expr, name: &str) -> bool {
    match expression {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => text.value() == name,
        syn::Expr::Call(call) => {
            matches!(&*call.func, syn::Expr::Path(p)
                if p.path.segments.last().is_some_and(|s| s.ident == "from_static"))
                && call.args.first().is_some_and(|a| is_name(a, name))
        }
        _ => false,
    }
}

/// `response.status().as_u16()` (or `response.status()`).
fn is_status_of_response(expression: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(call) = expression else {
        return false;
    };
    if call.method == "as_u16" {
        return is_status_of_response(&call.receiver);
    }
    call.method == "status"
        && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("response"))
}

/// Beside a `send_raw()` that sends a JSON body, `send_raw_body(content_type,
/// body)`: the same request with the body as given, for the media types the
/// normalised document left out (`x-sdk-other-media-types`). A copy of
/// `send_raw()` without the JSON body's conversion, `.json(&body)` replaced.
fn add_send_raw_body(block: &mut syn::ItemImpl) {
    let Some(send_raw) = block.items.iter().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == "send_raw" => Some(f.clone()),
        _ => None,
    }) else {
        return;
    };
    let mut raw = send_raw;
    let mut swap = SwapJsonBody { swapped: false };
    swap.visit_impl_item_fn_mut(&mut raw);
    if !swap.swapped {
        // No typed body (none of its media types is JSON): the caller's
        // bytes go on the request before it is built.
        let mut insert = InsertBody { inserted: false };
        insert.visit_impl_item_fn_mut(&mut raw);
        if !insert.inserted {
            return;
        }
    }
    // The JSON body is neither converted nor checked: the caller's bytes go instead.
    for statement in &mut raw.block.stmts {
        if let syn::Stmt::Local(local) = statement
            && matches!(&local.pat, syn::Pat::Ident(p) if p.ident == "body")
        {
            *statement = syn::parse_quote!(let _ = body;);
        }
    }
    raw.sig.ident = syn::Ident::new("send_raw_body", raw.sig.ident.span());
    raw.sig
        .inputs
        .push(syn::parse_quote!(content_type: reqwest::header::HeaderValue));
    raw.sig
        .inputs
        .push(syn::parse_quote!(raw_body: reqwest::Body));
    block.items.push(syn::ImplItem::Fn(raw));
}

/// `target(.., __resume_event_id)`: `source()` (`send_raw`, or
/// `send_raw_body` where the builder has it) asking for `text/event-stream`
/// (any `Accept` progenitor sets is replaced), with `Last-Event-ID` when
/// resuming, for the operations whose success is an event stream. The
/// argument's name is one no parameter's can be: Mistral's stream
/// operations have a `last_event_id` query parameter of their own.
fn add_send_raw_events(block: &mut syn::ItemImpl, source: &str, target: &str) {
    let Some(mut raw) = block.items.iter().find_map(|item| match item {
        syn::ImplItem::Fn(f) if f.sig.ident == source => Some(f.clone()),
        _ => None,
    }) else {
        return;
    };
    let mut accept = AcceptEventStream { inserted: false };
    accept.visit_impl_item_fn_mut(&mut raw);
    if accept.inserted {
        raw.sig.ident = syn::Ident::new(target, raw.sig.ident.span());
        raw.sig.inputs.push(syn::parse_quote!(
            __resume_event_id: Option<reqwest::header::HeaderValue>
        ));
        block.items.push(syn::ImplItem::Fn(raw));
    }
}

/// Drops `.header(ACCEPT, ..)` calls; `<request builder>.build()` ->
/// `<request builder>.header(ACCEPT, "text/event-stream").headers(<Last-Event-ID>).build()`.
struct AcceptEventStream {
    inserted: bool,
}

impl VisitMut for AcceptEventStream {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        let sets_accept = call.method == "header"
            && matches!(call.args.first(), Some(syn::Expr::Path(p))
                if p.path.segments.last().is_some_and(|s| s.ident == "ACCEPT"));
        if sets_accept {
            *expr = (*call.receiver).clone();
        } else if !self.inserted && call.method == "build" && call.args.is_empty() {
            let receiver = &call.receiver;
            *expr = syn::parse_quote!(
                #receiver
                    .header(
                        reqwest::header::ACCEPT,
                        reqwest::header::HeaderValue::from_static("text/event-stream"),
                    )
                    .headers(crate::events::resume_headers(__resume_event_id))
                    .build()
            );
            self.inserted = true;
        }
    }
}

/// `progenitor_client::QueryParam::new("ids", &ids)` ->
/// `crate::query::JoinedList::new("ids", &ids, ',')` for the parameters
/// whose list travels joined (progenitor repeats a list's name).
struct JoinLists<'a>(&'a HashMap<String, char>);

impl VisitMut for JoinLists<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        syn::visit_mut::visit_expr_call_mut(self, call);
        let is_query_param = matches!(&*call.func, syn::Expr::Path(p)
            if p.path.segments.iter().rev().take(2).map(|s| s.ident.to_string()).eq(["new", "QueryParam"]));
        let separator = match call.args.first() {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            })) => self.0.get(&name.value()),
            _ => None,
        };
        if let (true, Some(separator), 2) = (is_query_param, separator, call.args.len()) {
            call.func = syn::parse_quote!(crate::query::JoinedList::new);
            call.args.push(syn::parse_quote!(#separator));
        }
    }
}

/// `.json(&body)` -> `.header(CONTENT_TYPE, content_type).body(raw_body)`.
struct SwapJsonBody {
    swapped: bool,
}

impl VisitMut for SwapJsonBody {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if call.method == "json" && call.args.len() == 1 {
            let receiver = &call.receiver;
            *call = syn::parse_quote!(
                #receiver
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(raw_body)
            );
            self.swapped = true;
        }
    }
}

/// `<request builder>.build()` -> `<request builder>.header(CONTENT_TYPE,
/// content_type).body(raw_body).build()`, for the one request `send_raw` builds.
struct InsertBody {
    inserted: bool,
}

impl VisitMut for InsertBody {
    fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
        syn::visit_mut::visit_expr_method_call_mut(self, call);
        if !self.inserted && call.method == "build" && call.args.is_empty() {
            let receiver = &call.receiver;
            *call = syn::parse_quote!(
                #receiver
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(raw_body)
                    .build()
            );
            self.inserted = true;
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

/// Whether `path` names `name` (`Debug`, `::schemars::JsonSchema`).
fn names(path: &syn::Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Removes the derive `name` from `#[derive(..)]` attributes; whether any had it.
fn remove_derives(attributes: &mut [syn::Attribute], name: &str) -> bool {
    use syn::punctuated::Punctuated;
    let mut removed = false;
    for attribute in attributes.iter_mut() {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let Ok(derives) =
            attribute.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        if !derives.iter().any(|path| names(path, name)) {
            continue;
        }
        let kept = derives.iter().filter(|path| !names(path, name));
        *attribute = syn::parse_quote!(#[derive(#(#kept),*)]);
        removed = true;
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder_impl() -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                pub struct Create<'a> { client: &'a super::Client, body: Result<types::Body, String> }
                impl<'a> Create<'a> {
                    /// Sends.
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let Self { client, body } = self;
                        let body = body.and_then(|v| types::Body::try_from(v).map_err(|e| e.to_string())).map_err(Error::InvalidRequest)?;
                        let url = format!("{}/things", client.baseurl,);
                        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                        header_map.append(::reqwest::header::HeaderName::from_static("api-version"), ::reqwest::header::HeaderValue::from_static(super::Client::api_version()));
                        header_map.append("x-other", ::reqwest::header::HeaderValue::from_static("kept"));
                        let mut request = client.client.post(url).json(&body).headers(header_map).build()?;
                        let response = client.exec(request, &info).await?;
                        match response.status().as_u16() {
                            200u16 => Ok(ResponseValue::empty(response)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_joined_list_replaces_progenitors_repeated_names() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct List<'a> { client: &'a super::Client }
                impl<'a> List<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<()>> {
                        let request = client.client.get(url)
                            .query(&progenitor_client::QueryParam::new("ids", &ids))
                            .query(&progenitor_client::QueryParam::new("after", &after))
                            .build()?;
                        let response = client.exec(request, &info).await?;
                        match response.status().as_u16() {
                            200u16 => Ok(ResponseValue::empty(response)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        };
        let additions = Additions {
            joined_lists: HashMap::from([(
                "List".to_string(),
                HashMap::from([("ids".to_string(), '|')]),
            )]),
            ..Additions::default()
        };
        take_apart(&mut file, &additions).unwrap();
        let send_raw = function(&file, "send_raw").unwrap();
        let text = quote::ToTokens::to_token_stream(send_raw).to_string();
        assert!(
            text.contains("crate :: query :: JoinedList :: new (\"ids\" , & ids , '|')"),
            "{text}"
        );
        assert!(
            text.contains("progenitor_client :: QueryParam :: new (\"after\" , & after)"),
            "{text}"
        );
    }

    fn function<'a>(file: &'a syn::File, name: &str) -> Option<&'a syn::ImplItemFn> {
        let syn::Item::Mod(module) = &file.items[0] else {
            return None;
        };
        module
            .content
            .as_ref()?
            .1
            .iter()
            .find_map(|item| match item {
                syn::Item::Impl(block) => block.items.iter().find_map(|item| match item {
                    syn::ImplItem::Fn(f) if f.sig.ident == name => Some(f),
                    _ => None,
                }),
                _ => None,
            })
    }

    #[test]
    fn send_becomes_send_raw_without_api_version_and_with_a_raw_body_twin() {
        let mut file = builder_impl();
        let generated = take_apart(
            &mut file,
            &Additions {
                raw_body_builders: HashSet::from(["Create".to_string()]),
                ..Additions::default()
            },
        )
        .unwrap();
        assert!(generated.builders.contains("Create"));
        let send_raw = function(&file, "send_raw").unwrap();
        let text = quote::ToTokens::to_token_stream(send_raw).to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("x-other"), "{text}");
        assert!(text.ends_with("Ok (response) }"), "{text}");
        assert!(text.contains(". json (& body)"), "{text}");
        let raw = function(&file, "send_raw_body").unwrap();
        let text = quote::ToTokens::to_token_stream(raw).to_string();
        assert!(!text.contains("json"), "{text}");
        assert!(text.contains("let _ = body ;"), "{text}");
        assert!(
            text.contains(
                ". header (reqwest :: header :: CONTENT_TYPE , content_type) . body (raw_body)"
            ),
            "{text}"
        );
        assert!(function(&file, "send").is_none());
    }

    #[test]
    fn a_send_of_another_shape_is_an_error_not_a_guess() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod builder {
                pub struct Odd;
                impl Odd { pub async fn send(self) -> u8 { 1 } }
            }
        };
        let error = take_apart(&mut file, &Additions::default()).err().unwrap();
        assert!(
            error.contains("does not end in a match on the status"),
            "{error}"
        );
    }

    #[test]
    fn enums_without_variants_are_listed() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub enum Never {} pub enum Some { A } pub struct Thing; }
        };
        let generated = take_apart(&mut file, &Additions::default()).unwrap();
        assert_eq!(generated.uninhabited, ["Never"]);
        assert_eq!(generated.types.len(), 3);
    }

    #[test]
    fn json_schema_is_behind_the_schemars_feature() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, ::schemars::JsonSchema, Debug)]
                pub struct Thing;
                #[derive(Clone)]
                pub enum Plain { A }
                impl ::schemars::JsonSchema for Other { }
            }
        };
        take_apart(&mut file, &Additions::default()).unwrap();
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        let expected = "# [derive (Clone , Debug)] # [cfg_attr (feature = \"schemars\" , derive (:: schemars :: JsonSchema))] pub struct Thing ;";
        assert!(text.contains(expected), "{text}");
        assert!(text.contains("# [derive (Clone)] pub enum Plain"), "{text}");
        assert!(
            text.contains(
                "# [cfg (feature = \"schemars\")] impl :: schemars :: JsonSchema for Other"
            ),
            "{text}"
        );
    }

    #[test]
    fn gen_is_written_raw() {
        let mut file: syn::File = syn::parse_quote! {
            fn schema(gen: &mut ::schemars::gen::SchemaGenerator) {}
        };
        take_apart(&mut file, &Additions::default()).unwrap();
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(
            text.contains("r#gen : & mut :: schemars :: r#gen :: SchemaGenerator"),
            "{text}"
        );
    }
}
