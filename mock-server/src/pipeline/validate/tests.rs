use serde_json::json;

use super::*;
use crate::model::{
    ArrayRules, Conditional, MediaType, NumberRules, ObjectRules, Pattern, StringRules,
};

static BODY: RequestBody = RequestBody {
    required: true,
    checked: &[MediaType {
        media_type: "application/json",
        schema: &Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[(
                    "name",
                    &Schema {
                        types: Types::STRING,
                        string: Some(&StringRules {
                            min_length: Some(1),
                            ..StringRules::NONE
                        }),
                        ..Schema::ANY
                    },
                )],
                required: &["name"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        },
        encoding: &[],
    }],
    others: &["application/xml"],
};

fn kinds(content_type: Option<&str>, body: &[u8]) -> Vec<&'static str> {
    let mut headers = HeaderMap::new();
    if let Some(content_type) = content_type {
        headers.insert(
            CONTENT_TYPE,
            axum::http::HeaderValue::from_str(content_type).unwrap(),
        );
    }
    let mut problems = Vec::new();
    let request = Incoming::posted(headers, axum::body::Bytes::copy_from_slice(body));
    check_body(&BODY, &request, &mut problems);
    problems.into_iter().map(|p| p.kind).collect()
}

#[test]
fn request_bodies_are_checked() {
    let json = Some("application/json; charset=utf-8");
    assert!(kinds(json, br#"{"name": "x"}"#).is_empty());
    assert_eq!(kinds(json, b""), ["missing"]);
    assert_eq!(
        kinds(Some("text/plain"), br#"{"name": "x"}"#),
        ["content_type"]
    );
    assert_eq!(kinds(None, br#"{"name": "x"}"#), ["content_type"]);
    assert_eq!(kinds(json, br#"{"name": "#), ["json_invalid"]);
    assert_eq!(kinds(json, &[0x7b, 0xff, 0xfe, 0x7d]), ["json_invalid"]);
    assert_eq!(kinds(json, br#"{"name": ""}"#), ["string_too_short"]);
    assert_eq!(kinds(json, br#"{}"#), ["missing"]);
    // Another declared media type is taken as it is.
    assert!(kinds(Some("application/xml"), b"<pet/>").is_empty());
}

const ID: Schema = Schema {
    types: Types::STRING,
    string: Some(&StringRules {
        min_length: Some(1),
        max_length: Some(5),
        ..StringRules::NONE
    }),
    ..Schema::ANY
};
const COUNT: Schema = Schema {
    types: Types::INTEGER,
    number: Some(&NumberRules {
        minimum: Some(0.0),
        format: Some("int32"),
        ..NumberRules::NONE
    }),
    ..Schema::ANY
};

fn parameter(schema: &Schema, raw: Option<&str>) -> Vec<(String, &'static str)> {
    let mut problems = Vec::new();
    check_parameter(Location::Path, "p", raw, schema, &mut problems);
    problems.into_iter().map(|p| (p.message, p.kind)).collect()
}

#[test]
fn strings_lengths_and_formats() {
    assert!(parameter(&ID, Some("abc")).is_empty());
    assert_eq!(parameter(&ID, Some("abcdef"))[0].1, "string_too_long");
    assert_eq!(
        parameter(&ID, Some(""))[0],
        (
            "String should have at least 1 character".into(),
            "string_too_short"
        )
    );
    static UUID_SCHEMA: Schema = Schema {
        types: Types::STRING,
        string: Some(&StringRules {
            format: Some("uuid"),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(parameter(&UUID_SCHEMA, Some("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10")).is_empty());
    assert_eq!(
        parameter(&UUID_SCHEMA, Some("not-a-uuid"))[0].1,
        "uuid_parsing"
    );
    assert_eq!(parameter(&ID, None)[0].1, "string_unicode");
    assert_eq!(
        parameter(&UUID_SCHEMA, Some("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e1g"))[0].1,
        "uuid_parsing"
    );
}

#[test]
fn int64_and_int32_are_exact() {
    static INT64_SCHEMA: Schema = Schema {
        types: Types::INTEGER,
        number: Some(&NumberRules {
            format: Some("int64"),
            ..NumberRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(parameter(&INT64_SCHEMA, Some("9223372036854775807")).is_empty());
    assert!(parameter(&INT64_SCHEMA, Some("-9223372036854775808")).is_empty());
    assert_eq!(
        parameter(&INT64_SCHEMA, Some("9223372036854775808"))[0].1,
        "int_overflow"
    );
    assert_eq!(
        parameter(&INT64_SCHEMA, Some("-9223372036854775809"))[0].1,
        "int_overflow"
    );
    assert_eq!(
        parameter(&INT64_SCHEMA, Some("9.3e18"))[0].1,
        "int_overflow"
    );
    assert!(parameter(&INT64_SCHEMA, Some("1e3")).is_empty());
    assert!(parameter(&COUNT, Some("2147483647")).is_empty());
    assert_eq!(parameter(&COUNT, Some("2147483648"))[0].1, "int_overflow");
}

#[test]
fn integers_parse_and_respect_bounds() {
    assert!(parameter(&COUNT, Some("12345")).is_empty());
    assert_eq!(parameter(&COUNT, Some("abc"))[0].1, "int_parsing");
    assert_eq!(parameter(&COUNT, Some("1.5"))[0].1, "int_parsing");
    assert_eq!(parameter(&COUNT, Some("-1"))[0].1, "greater_than_equal");
    assert_eq!(parameter(&COUNT, Some("4294967296"))[0].1, "int_overflow");
}

#[test]
fn bodies_report_every_problem_with_its_location() {
    static ITEM: Schema = Schema {
        types: Types::OBJECT,
        object: Some(&ObjectRules {
            properties: &[("id", &ID), ("count", &COUNT)],
            required: &["id"],
            additional: Some(&Schema::NOTHING),
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    static SCHEMA_SCHEMA: Schema = Schema {
        types: Types::ARRAY,
        array: Some(&ArrayRules {
            items: Some(&ITEM),
            ..ArrayRules::NONE
        }),
        ..Schema::ANY
    };
    let mut problems = Vec::new();
    check_value(
        &SCHEMA_SCHEMA,
        &json!([{"id": "a"}, {"count": "x", "extra": 1}]),
        &["body".into()],
        &mut problems,
    );
    let found: Vec<(Vec<String>, &str)> =
        problems.into_iter().map(|p| (p.location, p.kind)).collect();
    assert_eq!(
        found,
        [
            (vec!["body".into(), "1".into(), "id".into()], "missing"),
            (
                vec!["body".into(), "1".into(), "count".into()],
                "int_parsing"
            ),
            (
                vec!["body".into(), "1".into(), "extra".into()],
                "extra_forbidden"
            ),
        ]
    );
}

#[test]
fn unions_and_enums() {
    static SCHEMA_SCHEMA: Schema = Schema {
        one_of: &[
            &Schema {
                values: Some(&["\"a\""]),
                ..Schema::ANY
            },
            &Schema {
                types: Types::BOOLEAN.or(Types::NULL),
                ..Schema::ANY
            },
        ],
        ..Schema::ANY
    };
    let mut problems = Vec::new();
    check_value(&SCHEMA_SCHEMA, &json!("a"), &[], &mut problems);
    check_value(&SCHEMA_SCHEMA, &json!(null), &[], &mut problems);
    assert!(problems.is_empty());
    check_value(&SCHEMA_SCHEMA, &json!("b"), &[], &mut problems);
    assert_eq!(problems[0].kind, "union_tag_invalid");
}

#[test]
fn enums_compare_numbers_by_value() {
    static SPAN: Schema = Schema {
        values: Some(&["1", "[2]"]),
        ..Schema::ANY
    };
    for allowed in [json!(1), json!(1.0), json!([2.0])] {
        assert!(kinds_of(&SPAN, allowed.clone()).is_empty(), "{allowed}");
    }
    for refused in [json!(1.5), json!("1"), json!([2, 2])] {
        assert_eq!(kinds_of(&SPAN, refused.clone()), ["enum"], "{refused}");
    }
}

fn kinds_of(schema: &Schema, value: Value) -> Vec<&'static str> {
    let mut problems = Vec::new();
    check_value(schema, &value, &[], &mut problems);
    problems.into_iter().map(|p| p.kind).collect()
}

#[test]
fn patterns_are_unanchored_searches() {
    static ORG_ID: Pattern = Pattern::new("^orgi_[a-z0-9]+$", "^orgi_[a-z0-9]+$");
    static SCHEME: Pattern = Pattern::new("^oci:\\/\\/", "^oci:/");
    static ORG_SCHEMA: Schema = Schema {
        types: Types::STRING,
        string: Some(&StringRules {
            pattern: Some(&ORG_ID),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&ORG_SCHEMA, json!("orgi_a1")).is_empty());
    assert_eq!(
        kinds_of(&ORG_SCHEMA, json!("orgi_A")),
        ["string_pattern_mismatch"]
    );
    assert_eq!(
        kinds_of(&ORG_SCHEMA, json!("xorgi_a")),
        ["string_pattern_mismatch"]
    );
    static SCHEME_SCHEMA: Schema = Schema {
        string: Some(&StringRules {
            pattern: Some(&SCHEME),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&SCHEME_SCHEMA, json!("oci://registry/x")).is_empty());
    // Type-specific keywords ignore other types.
    assert!(kinds_of(&SCHEME_SCHEMA, json!(3)).is_empty());
    static BROKEN: Pattern = Pattern::new("(", "(");
    static BROKEN_SCHEMA: Schema = Schema {
        string: Some(&StringRules {
            pattern: Some(&BROKEN),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    assert_eq!(kinds_of(&BROKEN_SCHEMA, json!("x")), ["pattern_invalid"]);
}

#[test]
fn numbers_multiples_and_type_lists() {
    static EVEN_SCHEMA: Schema = Schema {
        types: Types::INTEGER.or(Types::STRING),
        number: Some(&NumberRules {
            multiple_of: Some(2.0),
            exclusive_minimum: true,
            minimum: Some(0.0),
            ..NumberRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&EVEN_SCHEMA, json!(4)).is_empty());
    assert!(kinds_of(&EVEN_SCHEMA, json!(4.0)).is_empty());
    assert!(kinds_of(&EVEN_SCHEMA, json!("four")).is_empty());
    assert_eq!(kinds_of(&EVEN_SCHEMA, json!(3)), ["multiple_of"]);
    assert_eq!(kinds_of(&EVEN_SCHEMA, json!(0)), ["greater_than"]);
    assert_eq!(kinds_of(&EVEN_SCHEMA, json!(2.5)), ["type"]);
    assert_eq!(kinds_of(&EVEN_SCHEMA, json!(null)), ["type"]);
    static CENTS_SCHEMA: Schema = Schema {
        number: Some(&NumberRules {
            multiple_of: Some(0.01),
            ..NumberRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&CENTS_SCHEMA, json!(19.99)).is_empty());
    assert_eq!(kinds_of(&CENTS_SCHEMA, json!(19.999)), ["multiple_of"]);
}

#[test]
fn arrays_objects_and_negation() {
    static TAGS_SCHEMA: Schema = Schema {
        types: Types::ARRAY,
        array: Some(&ArrayRules {
            unique_items: true,
            prefix_items: &[&Schema {
                types: Types::INTEGER,
                ..Schema::ANY
            }],
            items: Some(&Schema {
                types: Types::STRING,
                ..Schema::ANY
            }),
            ..ArrayRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&TAGS_SCHEMA, json!([1, "a", "b"])).is_empty());
    assert_eq!(
        kinds_of(&TAGS_SCHEMA, json!([1, "a", "a"])),
        ["unique_items"]
    );
    assert_eq!(kinds_of(&TAGS_SCHEMA, json!(["a"])), ["int_parsing"]);
    static LABEL: Pattern = Pattern::new("^x-", "^x-");
    static LABELS_SCHEMA: Schema = Schema {
        object: Some(&ObjectRules {
            pattern_properties: &[(
                &LABEL,
                &Schema {
                    types: Types::STRING,
                    ..Schema::ANY
                },
            )],
            additional: Some(&Schema {
                types: Types::INTEGER,
                ..Schema::ANY
            }),
            min_properties: Some(1),
            max_properties: Some(2),
            ..ObjectRules::NONE
        }),
        not: Some(&Schema {
            object: Some(&ObjectRules {
                required: &["forbidden"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&LABELS_SCHEMA, json!({"x-a": "b", "n": 1})).is_empty());
    assert_eq!(kinds_of(&LABELS_SCHEMA, json!({"x-a": 1})), ["string_type"]);
    assert_eq!(kinds_of(&LABELS_SCHEMA, json!({"n": "1"})), ["int_parsing"]);
    assert_eq!(kinds_of(&LABELS_SCHEMA, json!({})), ["too_short"]);
    assert_eq!(
        kinds_of(&LABELS_SCHEMA, json!({"a": 1, "b": 2, "c": 3})),
        ["too_long"]
    );
    assert_eq!(
        kinds_of(&LABELS_SCHEMA, json!({"forbidden": 1})),
        ["not_forbidden"]
    );
}

#[test]
fn one_of_with_sibling_keywords() {
    // `additionalProperties: false` beside a oneOf tagged by `type`.
    const KIND_A: Schema = Schema {
        object: Some(&ObjectRules {
            properties: &[(
                "type",
                &Schema {
                    values: Some(&["\"a\""]),
                    ..Schema::ANY
                },
            )],
            required: &["type"],
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    const ANY_OBJECT: Schema = Schema {
        types: Types::OBJECT,
        ..Schema::ANY
    };
    static SCHEMA_SCHEMA: Schema = Schema {
        types: Types::OBJECT,
        object: Some(&ObjectRules {
            properties: &[("type", &Schema::ANY), ("a", &Schema::ANY)],
            additional: Some(&Schema::NOTHING),
            ..ObjectRules::NONE
        }),
        one_of: &[&KIND_A, &ANY_OBJECT],
        ..Schema::ANY
    };
    assert!(kinds_of(&SCHEMA_SCHEMA, json!({"type": "b"})).is_empty());
    assert_eq!(
        kinds_of(&SCHEMA_SCHEMA, json!({"type": "a"})),
        ["union_ambiguous"]
    );
    assert_eq!(
        kinds_of(&SCHEMA_SCHEMA, json!({"type": "b", "extra": 1})),
        ["extra_forbidden"]
    );
    assert_eq!(kinds_of(&SCHEMA_SCHEMA, json!([])), ["dict_type"]);
}

static STRING: Schema = Schema {
    types: Types::STRING,
    ..Schema::ANY
};
static INTEGER: Schema = Schema {
    types: Types::INTEGER,
    ..Schema::ANY
};

#[test]
fn unevaluated_properties_see_through_valid_subschemas_only() {
    // {allOf: [{properties: {a}}], anyOf: [{properties: {b}, required: [b]}, {}],
    //  unevaluatedProperties: false}
    static A: Schema = Schema {
        object: Some(&ObjectRules {
            properties: &[("a", &STRING)],
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    static B: Schema = Schema {
        object: Some(&ObjectRules {
            properties: &[("b", &STRING)],
            required: &["b"],
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    static CLOSED: Schema = Schema {
        types: Types::OBJECT,
        object: Some(&ObjectRules {
            unevaluated: Some(&Schema::NOTHING),
            ..ObjectRules::NONE
        }),
        all_of: &[&A],
        any_of: &[&B, &Schema::ANY],
        ..Schema::ANY
    };
    assert!(kinds_of(&CLOSED, json!({"a": "x", "b": "y"})).is_empty());
    assert_eq!(
        kinds_of(&CLOSED, json!({"a": "x", "c": 1})),
        ["extra_forbidden"]
    );
    // `b` is not a string: its branch fails, so it evaluates nothing.
    assert!(kinds_of(&CLOSED, json!({"b": 1})).contains(&"extra_forbidden"));
    // A nested `unevaluatedProperties` evaluates every member for its parent.
    static OPEN_INSIDE: Schema = Schema {
        object: Some(&ObjectRules {
            unevaluated: Some(&Schema::ANY),
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    static OUTER: Schema = Schema {
        object: Some(&ObjectRules {
            unevaluated: Some(&Schema::NOTHING),
            ..ObjectRules::NONE
        }),
        all_of: &[&OPEN_INSIDE],
        ..Schema::ANY
    };
    assert!(kinds_of(&OUTER, json!({"anything": 1})).is_empty());
    // A declared `additionalProperties` evaluates the rest; a typed
    // `unevaluatedProperties` checks what is left.
    static TYPED: Schema = Schema {
        object: Some(&ObjectRules {
            properties: &[("a", &STRING)],
            unevaluated: Some(&INTEGER),
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&TYPED, json!({"a": "x", "n": 1})).is_empty());
    assert_eq!(kinds_of(&TYPED, json!({"n": "1"})), ["int_parsing"]);
}

#[test]
fn conditionals_apply_then_or_else() {
    // if {properties: {kind: {const: "card"}}} then {required: [number]} else {required: [iban]}
    static KIND_CARD: Schema = Schema {
        object: Some(&ObjectRules {
            properties: &[(
                "kind",
                &Schema {
                    values: Some(&["\"card\""]),
                    ..Schema::ANY
                },
            )],
            required: &["kind"],
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    static PAYMENT: Schema = Schema {
        conditional: Some(&Conditional {
            when: &KIND_CARD,
            then: &Schema {
                object: Some(&ObjectRules {
                    required: &["number"],
                    ..ObjectRules::NONE
                }),
                ..Schema::ANY
            },
            otherwise: &Schema {
                object: Some(&ObjectRules {
                    required: &["iban"],
                    ..ObjectRules::NONE
                }),
                ..Schema::ANY
            },
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&PAYMENT, json!({"kind": "card", "number": "4"})).is_empty());
    assert_eq!(kinds_of(&PAYMENT, json!({"kind": "card"})), ["missing"]);
    assert!(kinds_of(&PAYMENT, json!({"kind": "sepa", "iban": "x"})).is_empty());
    assert_eq!(
        kinds_of(&PAYMENT, json!({"kind": "sepa", "number": "4"})),
        ["missing"]
    );
}

#[test]
fn dependencies_and_contains_bounds() {
    static BILLING: Schema = Schema {
        object: Some(&ObjectRules {
            dependent_required: &[("credit_card", &["billing_address"])],
            dependent_schemas: &[(
                "name",
                &Schema {
                    object: Some(&ObjectRules {
                        required: &["surname"],
                        ..ObjectRules::NONE
                    }),
                    ..Schema::ANY
                },
            )],
            ..ObjectRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&BILLING, json!({"billing_address": "x"})).is_empty());
    assert_eq!(kinds_of(&BILLING, json!({"credit_card": 1})), ["missing"]);
    assert_eq!(kinds_of(&BILLING, json!({"name": "a"})), ["missing"]);
    assert!(kinds_of(&BILLING, json!({"name": "a", "surname": "b"})).is_empty());

    static TWO_OR_THREE_INTEGERS: Schema = Schema {
        array: Some(&ArrayRules {
            contains: Some(&INTEGER),
            min_contains: Some(2),
            max_contains: Some(3),
            ..ArrayRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&TWO_OR_THREE_INTEGERS, json!([1, "a", 2])).is_empty());
    assert_eq!(
        kinds_of(&TWO_OR_THREE_INTEGERS, json!([1, "a"])),
        ["contains"]
    );
    assert_eq!(
        kinds_of(&TWO_OR_THREE_INTEGERS, json!([1, 2, 3, 4])),
        ["contains"]
    );
    static NONE_NEEDED: Schema = Schema {
        array: Some(&ArrayRules {
            contains: Some(&INTEGER),
            min_contains: Some(0),
            ..ArrayRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&NONE_NEEDED, json!(["a"])).is_empty());
}

#[test]
fn unevaluated_items_after_prefix_and_contains() {
    // {prefixItems: [integer], contains: {type: string}, unevaluatedItems: false}
    static TUPLE: Schema = Schema {
        array: Some(&ArrayRules {
            prefix_items: &[&INTEGER],
            contains: Some(&STRING),
            min_contains: Some(0),
            unevaluated: Some(&Schema::NOTHING),
            ..ArrayRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&TUPLE, json!([1, "a", "b"])).is_empty());
    assert_eq!(kinds_of(&TUPLE, json!([1, "a", true])), ["too_long"]);
}

#[test]
fn ecma_patterns_with_lookaround_and_backreferences() {
    static NO_DOUBLE_DASH: Pattern = Pattern::ecma("^(?!.*--)[a-z-]+$");
    static REPEATED: Pattern = Pattern::ecma("^(\\w)\\1$");
    static PASSWORD: Schema = Schema {
        string: Some(&StringRules {
            pattern: Some(&NO_DOUBLE_DASH),
            ..StringRules::NONE
        }),
        ..Schema::ANY
    };
    assert!(kinds_of(&PASSWORD, json!("a-b")).is_empty());
    assert_eq!(
        kinds_of(&PASSWORD, json!("a--b")),
        ["string_pattern_mismatch"]
    );
    assert_eq!(REPEATED.is_match("aa"), Some(true));
    assert_eq!(REPEATED.is_match("ab"), Some(false));
    // ECMA-262's `\d` is ASCII in the ECMA engine too.
    assert_eq!(Pattern::ecma("^\\d(?=x)").is_match("١x"), Some(false));
}

#[test]
fn parameter_text_is_read_as_its_schema_expects() {
    let typed = |types| Schema {
        types,
        ..Schema::ANY
    };
    static STRINGS: Schema = Schema {
        types: Types::ARRAY,
        array: Some(&ArrayRules {
            items: Some(&Schema {
                types: Types::STRING,
                ..Schema::ANY
            }),
            ..ArrayRules::NONE
        }),
        ..Schema::ANY
    };
    assert_eq!(parameter_value(&STRINGS, "a,b"), json!(["a", "b"]));
    assert_eq!(parameter_value(&STRINGS, r#"["a"]"#), json!(["a"]));
    assert_eq!(
        parameter_value(&typed(Types::OBJECT), r#"{"a":1}"#),
        json!({"a": 1})
    );
    assert_eq!(parameter_value(&typed(Types::INTEGER), "12"), json!(12));
    assert_eq!(parameter_value(&typed(Types::BOOLEAN), "true"), json!(true));
    // Text stays text where the schema names no number (or names none).
    assert_eq!(parameter_value(&typed(Types::STRING), "12"), json!("12"));
    assert_eq!(parameter_value(&Schema::ANY, "12"), json!("12"));
    assert_eq!(parameter_value(&typed(Types::INTEGER), "x"), json!("x"));
    // A type given by an `allOf` part.
    static PART: Schema = Schema {
        types: Types::INTEGER,
        ..Schema::ANY
    };
    static COMPOSED: Schema = Schema {
        all_of: &[&Schema::ANY, &PART],
        ..Schema::ANY
    };
    assert_eq!(parameter_value(&COMPOSED, "12"), json!(12));
}

#[test]
fn query_lists_are_read_as_their_style_says() {
    use ListEncoding::{Joined, Repeated};
    assert_eq!(list_items(Repeated, &["a", "b,c"]), Ok(vec!["a", "b,c"]));
    assert_eq!(list_items(Repeated, &[]), Ok(vec![]));
    assert_eq!(list_items(Joined(','), &["a,b,c"]), Ok(vec!["a", "b", "c"]));
    assert_eq!(list_items(Joined(' '), &["a b"]), Ok(vec!["a", "b"]));
    assert_eq!(list_items(Joined('|'), &["a|b,c"]), Ok(vec!["a", "b,c"]));
    assert_eq!(list_items(Joined(','), &[""]), Ok(vec![]));
    assert_eq!(list_items(Joined(','), &[]), Ok(vec![]));
    assert_eq!(list_items(Joined('|'), &["a", "b"]), Err('|'));
}
