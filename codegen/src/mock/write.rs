//! A built model written out as Rust static data: the same values
//! `mock-server --spec` builds at start-up, as code that builds nothing.
//!
//! Shared schemas and patterns become one named `static` each (a `static`
//! may refer to itself, so a recursive schema's [`Link`] becomes a plain
//! reference to its target's static); everything else is written inline.
//! Fields at their default are left out (`..Schema::ANY`), and so are
//! shared values nothing written refers to (the builder also shares the
//! schemas it checks non-JSON bodies with, which the model does not keep).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};

use mock_model::build::Shared;
use mock_model::model::{
    ArrayRules, Callback, Conditional, Credential, ErrorReply, Example, FieldEncoding,
    ListEncoding, Location, MediaType, NextHeader, NumberRules, ObjectRules, Operation,
    OperationLifecycle, PageEnd, Paging, Parameter, Pattern, Provider, RequestBody, Resource,
    Response, ResponseHeader, Schema, Segment, Skipped, StatusMatch, StringRules, Template,
    Transition, Types, Webhook, WebhookSignature,
};
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

/// Names the shared values, then writes what refers to them.
pub(super) struct Writer {
    schemas: HashMap<*const Schema, Ident>,
    patterns: HashMap<*const Pattern, Ident>,
    taken: BTreeSet<String>,
    /// The shared values referred to by what was written so far.
    used: RefCell<HashSet<Ident>>,
}

impl Writer {
    pub(super) fn new() -> Self {
        Self {
            schemas: HashMap::new(),
            patterns: HashMap::new(),
            taken: BTreeSet::new(),
            used: RefCell::new(HashSet::new()),
        }
    }

    /// `PROVIDER` and the shared statics after it.
    pub(super) fn provider(&mut self, provider: &Provider, shared: &[Shared]) -> TokenStream {
        // Names first: a static may be referred to before it is written.
        for item in shared {
            match item {
                Shared::Schema { target, schema } => {
                    let pointer = target.strip_prefix('#').unwrap_or(target);
                    let last = pointer.rsplit('/').next().unwrap_or("schema");
                    let ident = self.fresh(&format!("SCHEMA_{}", screaming(last)));
                    self.schemas.insert(*schema, ident);
                }
                Shared::Pattern(pattern) => {
                    let ident = self.fresh(&format!("PATTERN_{}", self.patterns.len()));
                    self.patterns.insert(*pattern, ident);
                }
            }
        }
        let Provider {
            name,
            title,
            server_path,
            documents,
            resources,
            operations,
            webhooks,
            skipped,
            stream_switch,
            webhook_signature,
        } = provider;
        let webhook_signature = match webhook_signature {
            WebhookSignature::StandardWebhooks => quote!(WebhookSignature::StandardWebhooks),
            WebhookSignature::Stripe => quote!(WebhookSignature::Stripe),
            WebhookSignature::Github => quote!(WebhookSignature::Github),
        };
        let resources = resources.iter().map(resource);
        let operations: Vec<_> = operations.iter().map(|o| self.operation(o)).collect();
        let webhooks = webhooks.iter().map(
            |Webhook {
                 name,
                 method,
                 content_type,
                 payloads,
             }| {
                let payloads = payloads.iter().map(|Example { name, body }| {
                    let body = raw_string(body);
                    quote!(Example { name: #name, body: #body })
                });
                quote!(Webhook { name: #name, method: #method, content_type: #content_type, payloads: &[#(#payloads),*] })
            },
        );
        let skipped = skipped.iter().map(
            |Skipped {
                 operation,
                 at,
                 reason,
             }| quote!(Skipped { operation: #operation, at: #at, reason: #reason }),
        );
        let items = self.shared_items(shared);
        quote! {
            /// The API as its documents declare it.
            pub static PROVIDER: Provider = Provider {
                name: #name,
                title: #title,
                server_path: #server_path,
                documents: &[#(#documents),*],
                resources: &[#(#resources),*],
                operations: &[#(#operations),*],
                webhooks: &[#(#webhooks),*],
                skipped: &[#(#skipped),*],
                stream_switch: #stream_switch,
                webhook_signature: #webhook_signature,
            };

            #(#items)*
        }
    }

    /// The statics of the shared values referred to, directly or through
    /// one another, in the builder's order.
    fn shared_items(&self, shared: &[Shared]) -> Vec<TokenStream> {
        let mut written: Vec<Option<TokenStream>> = vec![None; shared.len()];
        loop {
            let mut wrote = false;
            for (item, slot) in shared.iter().zip(&mut written) {
                if slot.is_some() {
                    continue;
                }
                let ident = match item {
                    Shared::Schema { schema, .. } => &self.schemas[&(*schema as *const Schema)],
                    Shared::Pattern(pattern) => &self.patterns[&(*pattern as *const Pattern)],
                };
                if !self.used.borrow().contains(ident) {
                    continue;
                }
                *slot = Some(match item {
                    Shared::Schema { target, schema } => {
                        let value = self.schema_value(schema);
                        let doc = format!(" `{target}`");
                        quote!(#[doc = #doc] static #ident: Schema = #value;)
                    }
                    Shared::Pattern(pattern) => {
                        let source = pattern.source;
                        let value = match pattern.regex {
                            Some(regex) => quote!(Pattern::new(#source, #regex)),
                            None => quote!(Pattern::ecma(#source)),
                        };
                        quote!(static #ident: Pattern = #value;)
                    }
                });
                wrote = true;
            }
            if !wrote {
                return written.into_iter().flatten().collect();
            }
        }
    }

    fn fresh(&mut self, base: &str) -> Ident {
        let mut name = base.to_string();
        let mut n = 2;
        while !self.taken.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        format_ident!("{}", name)
    }

    fn operation(&self, operation: &Operation) -> TokenStream {
        let Operation {
            operation_id,
            method,
            path,
            segments,
            parameters,
            request_body,
            security,
            responses,
            invalid_request,
            invalid_path,
            unauthorized,
            lifecycle,
            paging,
            callbacks,
        } = operation;
        let callbacks = callbacks
            .iter()
            .map(|Callback { webhook, url }| quote!(Callback { webhook: #webhook, url: #url }));
        let segments = segments.iter().map(|segment| match segment {
            Segment::Literal(text) => quote!(Segment::Literal(#text)),
            Segment::Param {
                name,
                prefix,
                suffix,
            } => {
                quote!(Segment::Param { name: #name, prefix: #prefix, suffix: #suffix })
            }
        });
        let parameters = parameters.iter().map(
            |Parameter {
                 name,
                 location,
                 required,
                 schema,
                 list,
             }| {
                let list = match list {
                    ListEncoding::Repeated => quote!(ListEncoding::Repeated),
                    ListEncoding::Joined(separator) => quote!(ListEncoding::Joined(#separator)),
                };
                let location = match location {
                    Location::Path => quote!(Location::Path),
                    Location::Query => quote!(Location::Query),
                    Location::Header => quote!(Location::Header),
                    Location::Cookie => quote!(Location::Cookie),
                };
                let schema = self.schema_ref(schema);
                quote!(Parameter { name: #name, location: #location, required: #required, schema: #schema, list: #list })
            },
        );
        let request_body = option(request_body.as_ref().map(
            |RequestBody {
                 required,
                 checked,
                 others,
             }| {
                let checked = checked.iter().map(
                    |MediaType {
                         media_type,
                         schema,
                         encoding,
                     }| {
                        let schema = self.schema_ref(schema);
                        let encoding = encoding.iter().map(
                            |FieldEncoding {
                                 name,
                                 content_type,
                                 deep_object,
                             }| {
                                let content_type = match content_type {
                                    Some(c) => quote!(Some(#c)),
                                    None => quote!(None),
                                };
                                quote!(FieldEncoding { name: #name, content_type: #content_type, deep_object: #deep_object })
                            },
                        );
                        quote!(MediaType { media_type: #media_type, schema: #schema, encoding: &[#(#encoding),*] })
                    },
                );
                quote!(RequestBody { required: #required, checked: &[#(#checked),*], others: &[#(#others),*] })
            },
        ));
        let security = security.iter().map(|alternative| {
            let credentials = alternative.iter().map(|credential| match credential {
                Credential::Header(name) => quote!(Credential::Header(#name)),
                Credential::Query(name) => quote!(Credential::Query(#name)),
                Credential::Cookie(name) => quote!(Credential::Cookie(#name)),
                Credential::Bearer => quote!(Credential::Bearer),
                Credential::Basic => quote!(Credential::Basic),
            });
            quote!(&[#(#credentials),*])
        });
        let responses = responses.iter().map(|r| self.response(r));
        let (invalid_request, invalid_path, unauthorized) = (
            error_reply(invalid_request),
            error_reply(invalid_path),
            error_reply(unauthorized),
        );
        let lifecycle = option(lifecycle.as_ref().map(
            |OperationLifecycle {
                 resource,
                 transitions,
             }| {
                let transitions = transitions.iter().map(
                    |Transition {
                         from,
                         to,
                         status,
                         body,
                     }| {
                        let to = option(to.map(|to| quote!(#to)));
                        let body = option(body.map(raw_string));
                        quote!(Transition { from: &[#(#from),*], to: #to, status: #status, body: #body })
                    },
                );
                quote!(OperationLifecycle { resource: #resource, transitions: &[#(#transitions),*] })
            },
        ));
        let paging = option(paging.as_ref().map(
            |Paging {
                 parameter,
                 limit,
                 items,
                 next,
                 header,
                 by_id,
                 first_page,
                 totals: (total_items, total_pages),
                 item,
                 more,
                 end,
                 vary,
             }| {
                let limit = option(limit.map(|l| quote!(#l)));
                let items = option(items.map(|i| quote!(#i)));
                let header = option(header.map(|header| match header {
                    NextHeader::Link => quote!(NextHeader::Link),
                    NextHeader::Named(name) => quote!(NextHeader::Named(#name)),
                }));
                let next = option(next.map(|n| quote!(#n)));
                let first_page = option(first_page.map(|n| quote!(#n)));
                let total_items = option(total_items.map(|n| quote!(#n)));
                let total_pages = option(total_pages.map(|n| quote!(#n)));
                let item = option(item.map(|i| quote!(#i)));
                let more = option(more.map(|(member, inverted)| quote!((#member, #inverted))));
                let end = match end {
                    PageEnd::Null => quote!(PageEnd::Null),
                    PageEnd::Absent => quote!(PageEnd::Absent),
                    PageEnd::Empty => quote!(PageEnd::Empty),
                };
                quote!(Paging {
                    parameter: #parameter,
                    limit: #limit,
                    items: #items,
                    next: #next,
                    header: #header,
                    by_id: #by_id,
                    first_page: #first_page,
                    totals: (#total_items, #total_pages),
                    item: #item,
                    more: #more,
                    end: #end,
                    vary: #vary,
                })
            },
        ));
        quote!(Operation {
            operation_id: #operation_id,
            method: #method,
            path: #path,
            segments: &[#(#segments),*],
            parameters: &[#(#parameters),*],
            request_body: #request_body,
            security: &[#(#security),*],
            responses: &[#(#responses),*],
            invalid_request: #invalid_request,
            invalid_path: #invalid_path,
            unauthorized: #unauthorized,
            lifecycle: #lifecycle,
            paging: #paging,
            callbacks: &[#(#callbacks),*],
        })
    }

    fn response(&self, response: &Response) -> TokenStream {
        let Response {
            status,
            description,
            content_type,
            headers,
            examples,
            matches,
            schema,
            events,
            event_ids,
        } = response;
        let content_type = option(content_type.map(|c| quote!(#c)));
        let headers = headers.iter().map(
            |ResponseHeader {
                 name,
                 value,
                 required,
                 schema,
             }| {
                let schema = self.schema_ref(schema);
                quote!(ResponseHeader { name: #name, value: #value, required: #required, schema: #schema })
            },
        );
        let example = |Example { name, body }: &Example| {
            let body = raw_string(body);
            quote!(Example { name: #name, body: #body })
        };
        let examples = examples.iter().map(example);
        let events = events.iter().map(example);
        let matches = match matches {
            StatusMatch::Exact => quote!(StatusMatch::Exact),
            StatusMatch::Class => quote!(StatusMatch::Class),
            StatusMatch::Default => quote!(StatusMatch::Default),
        };
        let schema = option(schema.map(|s| self.schema_ref(s)));
        quote!(Response {
            status: #status,
            description: #description,
            content_type: #content_type,
            headers: &[#(#headers),*],
            examples: &[#(#examples),*],
            matches: #matches,
            schema: #schema,
            events: &[#(#events),*],
            event_ids: #event_ids,
        })
    }

    /// A `&'static Schema` expression: a shared static's name, or the value.
    fn schema_ref(&self, schema: &Schema) -> TokenStream {
        let schema = schema.target();
        if let Some(ident) = self.schemas.get(&(schema as *const Schema)) {
            self.used.borrow_mut().insert(ident.clone());
            return quote!(&#ident);
        }
        let value = self.schema_value(schema);
        quote!(&#value)
    }

    fn schema_refs(&self, schemas: &[&Schema]) -> TokenStream {
        let schemas = schemas.iter().map(|s| self.schema_ref(s));
        quote!(&[#(#schemas),*])
    }

    fn pattern_ref(&self, pattern: &Pattern) -> TokenStream {
        let ident = &self.patterns[&(pattern as *const Pattern)];
        self.used.borrow_mut().insert(ident.clone());
        quote!(&#ident)
    }

    /// A `Schema` expression, fields at their default left out.
    fn schema_value(&self, schema: &Schema) -> TokenStream {
        let Schema {
            types,
            values,
            string,
            number,
            array,
            object,
            all_of,
            any_of,
            one_of,
            not,
            conditional,
            link: _,
        } = schema;
        let mut fields = Fields::default();
        if *types != Types::ANY {
            fields.push("types", types_expression(*types));
        }
        if let Some(values) = values {
            fields.push("values", quote!(Some(&[#(#values),*])));
        }
        if let Some(rules) = string {
            fields.push("string", self.string_rules(rules));
        }
        if let Some(rules) = number {
            fields.push("number", number_rules(rules));
        }
        if let Some(rules) = array {
            fields.push("array", self.array_rules(rules));
        }
        if let Some(rules) = object {
            fields.push("object", self.object_rules(rules));
        }
        for (name, list) in [("all_of", all_of), ("any_of", any_of), ("one_of", one_of)] {
            if !list.is_empty() {
                fields.push(name, self.schema_refs(list));
            }
        }
        if let Some(not) = not {
            let not = self.schema_ref(not);
            fields.push("not", quote!(Some(#not)));
        }
        if let Some(Conditional {
            when,
            then,
            otherwise,
        }) = conditional
        {
            let (when, then, otherwise) = (
                self.schema_ref(when),
                self.schema_ref(then),
                self.schema_ref(otherwise),
            );
            fields.push(
                "conditional",
                quote!(Some(&Conditional { when: #when, then: #then, otherwise: #otherwise })),
            );
        }
        if fields.0.is_empty() {
            return quote!(Schema::ANY);
        }
        if *types == Types::NONE && fields.0.len() == 1 {
            return quote!(Schema::NOTHING);
        }
        fields.into_struct(quote!(Schema), quote!(Schema::ANY))
    }

    fn string_rules(&self, rules: &StringRules) -> TokenStream {
        let StringRules {
            min_length,
            max_length,
            format,
            pattern,
        } = rules;
        let mut fields = Fields::default();
        fields.count("min_length", *min_length);
        fields.count("max_length", *max_length);
        if let Some(format) = format {
            fields.push("format", quote!(Some(#format)));
        }
        if let Some(pattern) = pattern {
            let pattern = self.pattern_ref(pattern);
            fields.push("pattern", quote!(Some(#pattern)));
        }
        let rules = fields.into_struct(quote!(StringRules), quote!(StringRules::NONE));
        quote!(Some(&#rules))
    }

    fn array_rules(&self, rules: &ArrayRules) -> TokenStream {
        let ArrayRules {
            prefix_items,
            items,
            min_items,
            max_items,
            unique_items,
            contains,
            min_contains,
            max_contains,
            unevaluated,
        } = rules;
        let mut fields = Fields::default();
        if !prefix_items.is_empty() {
            fields.push("prefix_items", self.schema_refs(prefix_items));
        }
        self.optional_schema(&mut fields, "items", *items);
        fields.count("min_items", *min_items);
        fields.count("max_items", *max_items);
        if *unique_items {
            fields.push("unique_items", quote!(true));
        }
        self.optional_schema(&mut fields, "contains", *contains);
        fields.count("min_contains", *min_contains);
        fields.count("max_contains", *max_contains);
        self.optional_schema(&mut fields, "unevaluated", *unevaluated);
        let rules = fields.into_struct(quote!(ArrayRules), quote!(ArrayRules::NONE));
        quote!(Some(&#rules))
    }

    fn object_rules(&self, rules: &ObjectRules) -> TokenStream {
        let ObjectRules {
            properties,
            pattern_properties,
            additional,
            required,
            min_properties,
            max_properties,
            property_names,
            dependent_required,
            dependent_schemas,
            unevaluated,
        } = rules;
        let mut fields = Fields::default();
        if !properties.is_empty() {
            let properties = properties.iter().map(|(name, schema)| {
                let schema = self.schema_ref(schema);
                quote!((#name, #schema))
            });
            fields.push("properties", quote!(&[#(#properties),*]));
        }
        if !pattern_properties.is_empty() {
            let properties = pattern_properties.iter().map(|(pattern, schema)| {
                let (pattern, schema) = (self.pattern_ref(pattern), self.schema_ref(schema));
                quote!((#pattern, #schema))
            });
            fields.push("pattern_properties", quote!(&[#(#properties),*]));
        }
        self.optional_schema(&mut fields, "additional", *additional);
        if !required.is_empty() {
            fields.push("required", quote!(&[#(#required),*]));
        }
        fields.count("min_properties", *min_properties);
        fields.count("max_properties", *max_properties);
        self.optional_schema(&mut fields, "property_names", *property_names);
        if !dependent_required.is_empty() {
            let pairs = dependent_required
                .iter()
                .map(|(name, names)| quote!((#name, &[#(#names),*])));
            fields.push("dependent_required", quote!(&[#(#pairs),*]));
        }
        if !dependent_schemas.is_empty() {
            let pairs = dependent_schemas.iter().map(|(name, schema)| {
                let schema = self.schema_ref(schema);
                quote!((#name, #schema))
            });
            fields.push("dependent_schemas", quote!(&[#(#pairs),*]));
        }
        self.optional_schema(&mut fields, "unevaluated", *unevaluated);
        let rules = fields.into_struct(quote!(ObjectRules), quote!(ObjectRules::NONE));
        quote!(Some(&#rules))
    }

    fn optional_schema(&self, fields: &mut Fields, name: &'static str, schema: Option<&Schema>) {
        if let Some(schema) = schema {
            let schema = self.schema_ref(schema);
            fields.push(name, quote!(Some(#schema)));
        }
    }
}

fn number_rules(rules: &NumberRules) -> TokenStream {
    let NumberRules {
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        multiple_of,
        format,
    } = rules;
    let mut fields = Fields::default();
    for (name, value) in [
        ("minimum", minimum),
        ("maximum", maximum),
        ("multiple_of", multiple_of),
    ] {
        if let Some(value) = value {
            let value = Literal::f64_suffixed(*value);
            fields.push(name, quote!(Some(#value)));
        }
    }
    for (name, set) in [
        ("exclusive_minimum", exclusive_minimum),
        ("exclusive_maximum", exclusive_maximum),
    ] {
        if *set {
            fields.push(name, quote!(true));
        }
    }
    if let Some(format) = format {
        fields.push("format", quote!(Some(#format)));
    }
    let rules = fields.into_struct(quote!(NumberRules), quote!(NumberRules::NONE));
    quote!(Some(&#rules))
}

/// `Types::A.or(Types::B)` for the set's members, in the model's order.
fn types_expression(types: Types) -> TokenStream {
    const NAMES: [(Types, &str); 7] = [
        (Types::NULL, "NULL"),
        (Types::BOOLEAN, "BOOLEAN"),
        (Types::INTEGER, "INTEGER"),
        (Types::NUMBER, "NUMBER"),
        (Types::STRING, "STRING"),
        (Types::ARRAY, "ARRAY"),
        (Types::OBJECT, "OBJECT"),
    ];
    let members: Vec<Ident> = NAMES
        .iter()
        .filter(|(member, _)| types.contains(*member))
        .map(|(_, name)| format_ident!("{}", name))
        .collect();
    match members.split_first() {
        None => quote!(Types::NONE),
        Some((first, rest)) => quote!(Types::#first #(.or(Types::#rest))*),
    }
}

fn resource(resource: &Resource) -> TokenStream {
    let Resource {
        name,
        key,
        initial,
        states,
    } = resource;
    quote!(Resource { name: #name, key: &[#(#key),*], initial: #initial, states: &[#(#states),*] })
}

fn error_reply(reply: &ErrorReply) -> TokenStream {
    let ErrorReply {
        status,
        declared,
        content_type,
        body,
    } = reply;
    let content_type = option(content_type.map(|c| quote!(#c)));
    let body = option(body.map(|body| {
        let body = template(body);
        quote!(&#body)
    }));
    quote!(ErrorReply {
        status: #status,
        declared: #declared,
        content_type: #content_type,
        body: #body,
    })
}

fn template(template: &Template) -> TokenStream {
    match template {
        Template::Json(json) => {
            let json = raw_string(json);
            quote!(Template::Json(#json))
        }
        Template::Object(members) => {
            let members = members.iter().map(|(name, member)| {
                let member = self::template(member);
                quote!((#name, #member))
            });
            quote!(Template::Object(&[#(#members),*]))
        }
        Template::EachProblem(item) => {
            let item = self::template(item);
            quote!(Template::EachProblem(&#item))
        }
        Template::Message => quote!(Template::Message),
        Template::Location => quote!(Template::Location),
        Template::LocationText => quote!(Template::LocationText),
        Template::Kind => quote!(Template::Kind),
        Template::Status => quote!(Template::Status),
    }
}

/// `r#"..."#`: JSON bodies stay readable in the generated files.
fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .expect("a raw string literal is a valid token")
}

fn option(value: Option<TokenStream>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// A struct expression's fields that are not at their default.
#[derive(Default)]
struct Fields(Vec<TokenStream>);

impl Fields {
    fn push(&mut self, name: &str, value: TokenStream) {
        let name = format_ident!("{}", name);
        self.0.push(quote!(#name: #value));
    }

    fn count(&mut self, name: &str, value: Option<u64>) {
        if let Some(value) = value {
            let value = Literal::u64_unsuffixed(value);
            self.push(name, quote!(Some(#value)));
        }
    }

    fn into_struct(self, name: TokenStream, default: TokenStream) -> TokenStream {
        let fields = self.0;
        quote!(#name { #(#fields,)* ..#default })
    }
}

/// `ApiErrorResponse` -> `API_ERROR_RESPONSE`, any other character `_`.
fn screaming(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        });
    }
    out
}
