//! What an event of a `text/event-stream` body carries, read from its
//! schema: documents describe either the whole event (an object of
//! `event`, `data`, `id`, `retry`: Akua, Mistral's workflow streams) or
//! only its `data` (a JSON payload per event: OpenAI, TGI, Together).

use serde_json::Value;

use crate::refs::Document;

/// The members of an event object, as the event-stream format names its fields.
const EVENT_FIELDS: &[&str] = &["event", "data", "id", "retry"];

/// What each event's `data` is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventData<'a> {
    /// Text (a `data` member of type string, or no schema at all).
    Text,
    /// JSON of this schema (as the resolved document has it: references stay).
    Json(&'a Value),
}

/// The data of the events `schema` (an event-stream body's) describes.
pub fn event_data<'a>(document: &'a Value, schema: &'a Value) -> EventData<'a> {
    let document = Document(document);
    let Some(resolved) = document.deref(schema) else {
        return EventData::Text;
    };
    if resolved.as_object().is_none_or(|o| o.is_empty()) {
        return EventData::Text;
    }
    let Some(branches) = whole_events(&document, resolved) else {
        // Not event objects: the schema is each event's data.
        return EventData::Json(schema);
    };
    let data: Vec<&Value> = branches
        .iter()
        .filter_map(|branch| branch.get("properties").and_then(|p| p.get("data")))
        .collect();
    let text = |s: &&Value| {
        document.deref(s).is_some_and(|s| {
            Document::types(s) == ["string"] || s.as_object().is_some_and(|o| o.is_empty())
        })
    };
    match data.as_slice() {
        _ if data.iter().all(text) => EventData::Text,
        [one] => EventData::Json(one),
        _ => EventData::Text,
    }
}

/// Whether the events `schema` describes may carry an `id` field (the mock
/// numbers its events with one): the schema describes only the data, or
/// every branch of the whole event declares a text `id` or leaves other
/// members open. Akua's events, `{event, data}` closed, take none.
pub fn takes_ids(document: &Value, schema: &Value) -> bool {
    let document = Document(document);
    let Some(resolved) = document.deref(schema) else {
        return true;
    };
    let Some(branches) = whole_events(&document, resolved) else {
        return true;
    };
    branches.iter().all(|branch| {
        let declared = branch
            .get("properties")
            .and_then(|p| p.get("id"))
            .map(|id| document.deref(id).unwrap_or(id));
        match declared {
            Some(id) => {
                let types = Document::types(id);
                types.is_empty() || types.contains(&"string")
            }
            None => ["additionalProperties", "unevaluatedProperties"]
                .iter()
                .all(|key| branch.get(*key).is_none_or(|v| v == &Value::Bool(true))),
        }
    })
}

/// The branches of `resolved` when it describes whole events (objects of
/// `data` and other event fields only), each resolved; `None` when it
/// describes each event's data.
fn whole_events<'a>(document: &Document<'a>, resolved: &'a Value) -> Option<Vec<&'a Value>> {
    let branches: Vec<&Value> = match ["anyOf", "oneOf"]
        .iter()
        .find_map(|k| resolved.get(*k).and_then(Value::as_array))
    {
        Some(branches) => branches.iter().filter_map(|b| document.deref(b)).collect(),
        None => vec![resolved],
    };
    branches
        .iter()
        .all(|branch| {
            branch
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|properties| {
                    properties.contains_key("data")
                        && properties
                            .keys()
                            .all(|k| EVENT_FIELDS.contains(&k.as_str()))
                })
        })
        .then_some(branches)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn whole_events_or_their_data() {
        let document = json!({"components": {"schemas": {
            "Chunk": {"type": "object", "properties": {"id": {"type": "string"}, "choices": {"type": "array"}}},
            "Payload": {"type": "object", "properties": {"n": {"type": "integer"}}},
        }}});
        // OpenAI: the schema is the data.
        let chunk = json!({"$ref": "#/components/schemas/Chunk"});
        assert_eq!(event_data(&document, &chunk), EventData::Json(&chunk));
        // Akua: events whose data is (JSON-encoded) text.
        let akua = json!({"anyOf": [
            {"type": "object", "properties": {"event": {"type": "string", "enum": ["message"]}, "data": {"type": "string"}}},
            {"type": "object", "properties": {"event": {"enum": ["end"]}, "data": {"type": "string"}}}]});
        assert_eq!(event_data(&document, &akua), EventData::Text);
        // Mistral's workflow streams: events whose data is a payload.
        let payload = json!({"$ref": "#/components/schemas/Payload"});
        let mistral = json!({"type": "object", "properties": {
            "event": {"type": "string"}, "data": payload, "id": {"type": "string"}}});
        assert_eq!(event_data(&document, &mistral), EventData::Json(&payload));
        assert_eq!(event_data(&document, &json!({})), EventData::Text);
    }

    #[test]
    fn ids_fit_data_schemas_and_events_that_declare_or_allow_them() {
        let document = json!({"components": {"schemas": {
            "Chunk": {"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": false},
        }}});
        let takes = |schema: Value| takes_ids(&document, &schema);
        // The schema is the data: the event's own fields are free.
        assert!(takes(json!({"$ref": "#/components/schemas/Chunk"})));
        assert!(takes(json!({})));
        // Akua: closed events without `id`.
        assert!(!takes(json!({"anyOf": [
            {"type": "object", "properties": {"event": {"enum": ["message"]}, "data": {"type": "string"}}, "required": ["data"], "additionalProperties": false},
            {"type": "object", "properties": {"event": {"enum": ["end"]}, "data": {"type": "string"}}}]})));
        // Open, or declaring a text `id`.
        assert!(takes(
            json!({"type": "object", "properties": {"data": {"type": "string"}}})
        ));
        assert!(takes(
            json!({"type": "object", "properties": {"data": {}, "id": {"type": "string"}}, "additionalProperties": false})
        ));
        // An `id` that is not text, or closed by `unevaluatedProperties`.
        assert!(!takes(
            json!({"type": "object", "properties": {"data": {}, "id": {"type": "integer"}}})
        ));
        assert!(!takes(
            json!({"type": "object", "properties": {"data": {}}, "unevaluatedProperties": false})
        ));
    }
}
