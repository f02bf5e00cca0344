//! Values that break exactly one keyword of a schema: what the `param` rows
//! send as a parameter and the `body` rows put in a request body. A
//! candidate is kept only when the schema rejects it and the schema without
//! that keyword accepts it (both decided by the caller, with the document's
//! own dialect), so a failing row names the constraint the server missed.

use serde_json::{Map, Value};

/// What the SDK does with a bad argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SdkHandling {
    /// It refuses before sending: the value does not parse into the
    /// parameter's type (a wrong type, a bad `uuid`).
    Refuses,
    /// It sends it and reports the server's answer: the SDK's types leave
    /// string lengths to the server (narrowing keywords, see
    /// `specs::normalise`).
    Sends,
    /// Either, as the generated type decides (an enum or a bounded integer
    /// may be a type of its own, or a plain one): it never reports success.
    Either,
    /// It fills the parameter in itself: a missing idempotency key is made
    /// per call (and kept across retries). The call succeeds.
    Supplies,
    /// It writes a list in the declared style whatever the mistake made by
    /// hand ([`crate::BadValue::sent_as`]): the same items succeed.
    Encodes,
}

/// A value breaking one keyword, and what the SDK does with it.
pub(crate) struct Breaking {
    /// What it breaks, e.g. `below-minimum`.
    pub case: &'static str,
    pub value: Value,
    pub sdk: SdkHandling,
}

/// How a value travels, which decides what "the wrong type" can be.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Carrier {
    /// As text (a parameter): a number or boolean is text that parses as
    /// one, so the only wrong type is text that does not; the SDK's typed
    /// argument refuses it.
    Text,
    /// As JSON (a body member): any other JSON type is wrong.
    Json,
}

/// How the caller decides a candidate.
pub(crate) struct Judge<'a> {
    /// Whether the value is refused, and for the reason wanted (a body
    /// member's value: refused at that member and nowhere else).
    pub rejects: &'a dyn Fn(&Value) -> bool,
    /// Whether the schema without these keywords accepts the value.
    pub accepts_without: &'a dyn Fn(&[&str], &Value) -> bool,
    /// Whether a case is still wanted (a body wants each case once: its
    /// other members are not tried for it, which on large bodies is most
    /// of the cost).
    pub wanted: &'a dyn Fn(&str) -> bool,
}

impl Judge<'_> {
    /// `value` breaks the schema, and only through `keywords`, for a case
    /// still wanted (the
    /// loosened schema, usually the smaller, is asked first).
    fn breaks_only(&self, case: &str, keywords: &[&str], value: &Value) -> bool {
        (self.wanted)(case) && (self.accepts_without)(keywords, value) && (self.rejects)(value)
    }
}

/// One value per keyword `schema` states (type, `enum`, bounds, exclusive
/// too, `multipleOf`, `pattern`, the formats the mock checks, the integer
/// formats' ranges, lengths, and for JSON item counts); `current` is a
/// valid value, from which an over-long array is made.
pub(crate) fn breaking_values(
    schema: &Map<String, Value>,
    carrier: Carrier,
    current: Option<&Value>,
    judge: &Judge<'_>,
) -> Vec<Breaking> {
    let mut found = Vec::new();
    let mut push = |case, value, sdk| found.push(Breaking { case, value, sdk });
    let object = Value::Object(schema.clone());
    let declared = single_type(&object);
    let integer = declared == Some("integer");
    let text = |s: &str| Value::String(s.to_string());
    // The wrong type: text that is no number or boolean is pushed
    // unchecked (its failing the type is the point, whatever else it
    // fails); a JSON member gets another type that breaks nothing else.
    match (carrier, declared) {
        (Carrier::Text, Some("integer")) => {
            push("not-an-integer", text("abc"), SdkHandling::Refuses)
        }
        (Carrier::Text, Some("number")) => push("not-a-number", text("abc"), SdkHandling::Refuses),
        (Carrier::Text, Some("boolean")) => {
            push("not-a-boolean", text("maybe"), SdkHandling::Refuses)
        }
        (Carrier::Json, Some(declared)) => {
            let (case, candidates) = match declared {
                "integer" => ("not-an-integer", vec![text("abc"), Value::Bool(true)]),
                "number" => ("not-a-number", vec![text("abc"), Value::Bool(true)]),
                "boolean" => ("not-a-boolean", vec![text("maybe"), Value::from(1)]),
                "string" => ("not-a-string", vec![Value::Bool(true), Value::from(12345)]),
                "object" => ("not-an-object", vec![text("abc"), Value::Bool(true)]),
                "array" => ("not-an-array", vec![text("abc"), Value::Bool(true)]),
                _ => ("", Vec::new()),
            };
            if let Some(candidate) = candidates
                .into_iter()
                .find(|candidate| judge.breaks_only(case, &["type"], candidate))
            {
                push(case, candidate, SdkHandling::Refuses);
            }
        }
        _ => {}
    }
    let number = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    let render = |n: f64| {
        if integer || (n.fract() == 0.0 && n.abs() < 1e15) {
            Value::from(n as i64)
        } else {
            Value::from(n)
        }
    };
    if let Some(members) = schema.get("enum").and_then(Value::as_array) {
        let candidate = if members.iter().all(Value::is_number) {
            let top = members.iter().filter_map(Value::as_f64).fold(0.0, f64::max);
            render(top + 1.0)
        } else {
            text("contract-suite-not-a-member")
        };
        if judge.breaks_only("not-in-enum", &["enum"], &candidate) {
            push("not-in-enum", candidate, SdkHandling::Either);
        }
    }
    // A bound below (or above) by one, or the bound itself when exclusive:
    // OpenAPI 3.0 says `exclusiveMinimum: true` beside `minimum`, 3.1 gives
    // the bound as the keyword's value.
    let step = if integer { 1.0 } else { 0.5 };
    let bounds = [
        ("below-minimum", "minimum", "exclusiveMinimum", -step),
        ("above-maximum", "maximum", "exclusiveMaximum", step),
    ];
    let factor = number("multipleOf").filter(|f| *f > 0.0);
    for (case, inclusive, exclusive, beyond) in bounds {
        let bound = match (number(inclusive), schema.get(exclusive)) {
            (Some(bound), Some(Value::Bool(true))) => Some((bound, true)),
            (_, Some(Value::Number(bound))) => bound.as_f64().map(|b| (b, true)),
            (Some(bound), _) => Some((bound, false)),
            (None, _) => None,
        };
        let Some((bound, exclusive_bound)) = bound else {
            continue;
        };
        let mut candidates = vec![if exclusive_bound {
            bound
        } else {
            bound + beyond
        }];
        // Beside `multipleOf`, the first multiple past the bound.
        if let Some(factor) = factor {
            let multiples = bound / factor;
            let next = if beyond < 0.0 {
                multiples.floor() - 1.0
            } else {
                multiples.ceil() + 1.0
            };
            candidates.push(next * factor);
        }
        if let Some(candidate) = candidates
            .into_iter()
            .map(render)
            .find(|candidate| judge.breaks_only(case, &[inclusive, exclusive], candidate))
        {
            push(case, candidate, SdkHandling::Either);
        }
    }
    if let Some(factor) = factor {
        let lowest = number("minimum").unwrap_or(0.0).max(0.0);
        let candidate = render((lowest / factor).ceil() * factor + factor / 2.0);
        if judge.breaks_only("not-a-multiple", &["multipleOf"], &candidate) {
            push("not-a-multiple", candidate, SdkHandling::Either);
        }
    }
    let length = |keyword: &str| schema.get(keyword).and_then(Value::as_u64);
    if schema.contains_key("pattern") {
        let fitting = |candidate: &str| {
            let chars = candidate.chars().count() as u64;
            length("minLength").is_none_or(|min| chars >= min)
                && length("maxLength").is_none_or(|max| chars <= max)
        };
        let min = length("minLength").unwrap_or(1).min(4096) as usize;
        let candidate = ["~", "~~~~~~~~", "0", "00000000", "A", "a b", "-"]
            .map(str::to_string)
            .into_iter()
            .chain([format!("{}a b", "~".repeat(min))])
            .find(|candidate| {
                fitting(candidate)
                    && judge.breaks_only("breaks-pattern", &["pattern"], &text(candidate))
            });
        if let Some(candidate) = candidate {
            push("breaks-pattern", text(&candidate), SdkHandling::Either);
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    let formatted = match format {
        Some("uuid") => Some(("not-a-uuid", "not-a-uuid", SdkHandling::Refuses)),
        Some("date-time") => Some((
            "not-a-date-time",
            "2026-13-45T99:00:00Z",
            SdkHandling::Either,
        )),
        Some("date") => Some(("not-a-date", "2026-13-45", SdkHandling::Either)),
        Some("email") => Some(("not-an-email", "contract-suite", SdkHandling::Either)),
        Some("uri" | "url") => Some(("not-a-uri", "not a uri", SdkHandling::Either)),
        _ => None,
    };
    if let Some((case, candidate, sdk)) = formatted
        && judge.breaks_only(case, &["format"], &text(candidate))
    {
        push(case, text(candidate), sdk);
    }
    // JSON Schema validators ignore the integer formats; the range is the
    // format's own (OpenAPI's data types), so only "nothing else breaks"
    // can be checked.
    if integer {
        let beyond = match format {
            Some("int32") => Some(("beyond-int32", Value::from(2_147_483_648_i64))),
            Some("int64") => Some(("beyond-int64", Value::from(9_223_372_036_854_775_808_u64))),
            _ => None,
        };
        if let Some((case, candidate)) = beyond
            && (judge.wanted)(case)
            && (judge.accepts_without)(&["format"], &candidate)
        {
            push(case, candidate, SdkHandling::Either);
        }
    }
    if let Some(max) = length("maxLength")
        && let Ok(max) = usize::try_from(max)
        && max < 4096
    {
        let candidate = text(&"x".repeat(max + 1));
        if judge.breaks_only("too-long", &["maxLength"], &candidate) {
            push("too-long", candidate, SdkHandling::Sends);
        }
    }
    if length("minLength").is_some_and(|m| m > 0)
        && judge.breaks_only("too-short", &["minLength"], &text(""))
    {
        push("too-short", text(""), SdkHandling::Sends);
    }
    if carrier == Carrier::Json {
        if length("minItems").is_some_and(|m| m > 0)
            && judge.breaks_only("too-few-items", &["minItems"], &Value::Array(Vec::new()))
        {
            push(
                "too-few-items",
                Value::Array(Vec::new()),
                SdkHandling::Either,
            );
        }
        if let Some(max) = length("maxItems")
            && let Ok(max) = usize::try_from(max)
            && max < 4096
            && let Some(first) = current.and_then(Value::as_array).and_then(|a| a.first())
        {
            let candidate = Value::Array(vec![first.clone(); max + 1]);
            if judge.breaks_only("too-many-items", &["maxItems"], &candidate) {
                push("too-many-items", candidate, SdkHandling::Either);
            }
        }
    }
    found
}

/// The schema's type, or the first non-null one of a type list.
pub(crate) fn single_type(schema: &Value) -> Option<&str> {
    match schema.get("type") {
        Some(Value::String(name)) => Some(name),
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|n| *n != "null"),
        _ => None,
    }
}
