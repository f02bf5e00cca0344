//! Form bodies: `multipart/form-data` (parsed by `multer`, axum's own
//! multipart parser) and `application/x-www-form-urlencoded`, each read
//! into the JSON object its schema describes (a field's text as the type
//! its property expects, a repeated field as an array, `deepObject`'s
//! `name[key]` as an object member) and checked against it; each part's
//! media type against the property's `encoding.contentType`.

use serde_json::{Map, Value};

use super::media_range_matches;
use super::{array_value, expects_array, parameter_value};
use crate::model::{FieldEncoding, MediaType, Schema};
use crate::pipeline::multipart::{MULTIPART, Part};
use crate::pipeline::request::{Incoming, form_decode};
use mock_model::problem::Problem;

/// `application/x-www-form-urlencoded`.
pub const URLENCODED: &str = "application/x-www-form-urlencoded";

/// Checks a form body against `expected`, adding what is wrong to `problems`.
pub fn check(
    expected: &MediaType,
    content_type: &str,
    request: &Incoming,
    problems: &mut Vec<Problem>,
) {
    let fields: Vec<(String, Value)> = if expected.media_type == MULTIPART {
        match request.multipart(content_type).as_ref() {
            Ok(parts) => parts
                .iter()
                .map(|(part, data)| {
                    check_part_type(expected.encoding, part, problems);
                    (
                        part.name.clone(),
                        Value::String(String::from_utf8_lossy(data).into_owned()),
                    )
                })
                .collect(),
            Err(error) => {
                problems.push(Problem::new(
                    vec!["body".into()],
                    format!("the body is not multipart/form-data: {error}"),
                    "multipart_invalid",
                ));
                return;
            }
        }
    } else {
        String::from_utf8_lossy(&request.body)
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (
                    form_decode(name).into_owned(),
                    Value::String(form_decode(value).into_owned()),
                )
            })
            .collect()
    };
    let object = object_of(expected.schema, expected.encoding, fields);
    mock_model::evaluate::check_value(expected.schema, &object, &["body".into()], problems);
}

/// A part whose media type is not among its property's `encoding.contentType`.
fn check_part_type(encoding: &[FieldEncoding], part: &Part, problems: &mut Vec<Problem>) {
    let Some(declared) = encoding
        .iter()
        .find(|e| e.name == part.name)
        .and_then(|e| e.content_type)
    else {
        return;
    };
    let sent = part.content_type.as_deref().unwrap_or("text/plain");
    let essence = sent
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let fits = declared
        .split(',')
        .any(|allowed| media_range_matches(&allowed.trim().to_ascii_lowercase(), &essence));
    if !fits {
        problems.push(Problem::new(
            vec!["body".into(), part.name.clone()],
            format!("the part's Content-Type should be {declared}, not {sent}"),
            "content_type",
        ));
    }
}

/// The fields as the object the schema describes.
fn object_of(schema: &Schema, encoding: &[FieldEncoding], fields: Vec<(String, Value)>) -> Value {
    let mut texts: Vec<(String, Vec<String>)> = Vec::new();
    let mut deep: Map<String, Value> = Map::new();
    for (name, value) in fields {
        let text = value.as_str().unwrap_or_default().to_owned();
        // `deepObject` (declared, or for any object, as Stripe-style
        // clients send them): `filter[status]=on` is `filter`'s `status`.
        if let Some((base, key)) = name.split_once('[').and_then(|(base, rest)| {
            let key = rest.strip_suffix(']')?;
            let deep = encoding.iter().any(|e| e.name == base && e.deep_object)
                || property(schema, base)
                    .is_some_and(|s| s.target().types.contains(crate::model::Types::OBJECT));
            deep.then_some((base, key))
        }) {
            let member = property(schema, base)
                .and_then(|object| property(object, key))
                .map_or(Value::String(text.clone()), |s| parameter_value(s, &text));
            if let Value::Object(members) = deep
                .entry(base.to_owned())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                members.insert(key.to_owned(), member);
            }
            continue;
        }
        match texts.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) => values.push(text),
            None => texts.push((name, vec![text])),
        }
    }
    let mut object = deep;
    for (name, values) in texts {
        let value = match property(schema, &name) {
            Some(property) if expects_array(property) => {
                let items: Vec<&str> = values.iter().map(String::as_str).collect();
                array_value(property, &items)
            }
            Some(property) if values.len() == 1 => parameter_value(property, &values[0]),
            None if values.len() == 1 => Value::String(values[0].clone()),
            // Repeated where one value is expected: the schema says why not.
            _ => Value::Array(values.into_iter().map(Value::String).collect()),
        };
        object.insert(name, value);
    }
    // A form cannot say "an empty list" (its items are its pairs): a
    // required list that is absent is read as empty, so `minItems` judges it.
    for required in required_members(schema) {
        if !object.contains_key(required) && property(schema, required).is_some_and(expects_array) {
            object.insert(required.to_owned(), Value::Array(Vec::new()));
        }
    }
    Value::Object(object)
}

/// The members an object schema (or its `allOf` parts) requires.
fn required_members(schema: &Schema) -> Vec<&'static str> {
    let schema = schema.target();
    let own = schema
        .object
        .map(|rules| rules.required)
        .unwrap_or_default();
    own.iter()
        .copied()
        .chain(schema.all_of.iter().flat_map(|part| required_members(part)))
        .collect()
}

/// The schema of member `name` of an object schema (or of its `allOf`
/// parts, else of the first `anyOf`/`oneOf` branch that has it: Stripe's
/// `billing_thresholds` is an object or `""`).
fn property<'a>(schema: &'a Schema, name: &str) -> Option<&'a Schema> {
    let schema = schema.target();
    schema
        .object
        .and_then(|rules| {
            rules
                .properties
                .iter()
                .find(|(member, _)| *member == name)
                .map(|(_, schema)| *schema)
        })
        .or_else(|| {
            (schema.all_of.iter())
                .chain(schema.any_of)
                .chain(schema.one_of)
                .find_map(|part| property(part, name))
        })
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;

    use super::*;
    use crate::model::{ObjectRules, Types};
    use crate::pipeline::multipart::parts;

    static FILE: Schema = Schema {
        types: Types::STRING,
        ..Schema::ANY
    };
    static COUNT: Schema = Schema {
        types: Types::INTEGER,
        ..Schema::ANY
    };
    static UPLOAD: MediaType = MediaType {
        media_type: MULTIPART,
        schema: &Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("file", &FILE), ("count", &COUNT)],
                required: &["file", "count"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        },
        encoding: &[FieldEncoding {
            name: "file",
            content_type: Some("image/png, image/jpeg"),
            deep_object: false,
        }],
    };

    fn body(file_type: &str, count: &str) -> Bytes {
        Bytes::from(format!(
            "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\
             Content-Type: {file_type}\r\n\r\n\x01\x02\x03\r\n\
             --XX\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n{count}\r\n--XX--\r\n"
        ))
    }

    fn problems(body: &Bytes) -> Vec<String> {
        let mut problems = Vec::new();
        let request = Incoming::posted(Default::default(), body.clone());
        check(
            &UPLOAD,
            "multipart/form-data; boundary=XX",
            &request,
            &mut problems,
        );
        problems
            .iter()
            .map(|p| format!("{}: {}", p.pointer(), p.message))
            .collect()
    }

    #[test]
    fn multipart_parts_are_read_and_checked_against_schema_and_encoding() {
        assert_eq!(problems(&body("image/png", "3")), Vec::<String>::new());
        let parts = parts("multipart/form-data; boundary=XX", &body("image/png", "3")).unwrap();
        assert_eq!(
            parts[0].0,
            Part {
                name: "file".into(),
                file_name: Some("a.png".into()),
                content_type: Some("image/png".into()),
                bytes: 3
            }
        );
        let wrong = problems(&body("text/html", "three"));
        assert_eq!(wrong.len(), 2, "{wrong:?}");
        assert!(
            wrong[0].contains("image/png, image/jpeg, not text/html"),
            "{wrong:?}"
        );
        assert!(wrong[1].starts_with("/body/count"), "{wrong:?}");
        let broken = problems(&Bytes::from_static(b"--XX\r\nno end"));
        assert!(broken[0].contains("not multipart/form-data"), "{broken:?}");
    }

    #[test]
    fn urlencoded_fields_take_their_properties_types_and_deep_objects_nest() {
        static FILTER: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("limit", &COUNT)],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        static FORM: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("count", &COUNT), ("filter", &FILTER)],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        let encoding = [FieldEncoding {
            name: "filter",
            content_type: None,
            deep_object: true,
        }];
        let fields = vec![
            ("count".to_string(), Value::String("3".into())),
            ("filter[limit]".to_string(), Value::String("10".into())),
            ("name".to_string(), Value::String("a b".into())),
        ];
        assert_eq!(
            object_of(&FORM, &encoding, fields),
            serde_json::json!({"count": 3, "filter": {"limit": 10}, "name": "a b"})
        );
        // An object or `""` (Stripe's way to unset): the object branch types it.
        static EMPTY: Schema = Schema {
            types: Types::STRING,
            values: Some(&["\"\""]),
            ..Schema::ANY
        };
        static UNSETTABLE: Schema = Schema {
            any_of: &[&FILTER, &EMPTY],
            ..Schema::ANY
        };
        static BRANCHED: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("filter", &UNSETTABLE)],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        let fields = vec![("filter[limit]".to_string(), Value::String("10".into()))];
        assert_eq!(
            object_of(&BRANCHED, &encoding, fields),
            serde_json::json!({"filter": {"limit": 10}})
        );
        static TAGS: Schema = Schema {
            types: Types::ARRAY,
            ..Schema::ANY
        };
        static LISTED: Schema = Schema {
            types: Types::OBJECT,
            object: Some(&ObjectRules {
                properties: &[("tags", &TAGS)],
                required: &["tags"],
                ..ObjectRules::NONE
            }),
            ..Schema::ANY
        };
        // No pair of a required list: the list is empty, not missing.
        assert_eq!(
            object_of(&LISTED, &[], Vec::new()),
            serde_json::json!({"tags": []})
        );
    }
}
