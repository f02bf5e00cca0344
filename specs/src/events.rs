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
    let branches: Vec<&Value> = match ["anyOf", "oneOf"]
        .iter()
        .find_map(|k| resolved.get(*k).and_then(Value::as_array))
    {
        Some(branches) => branches.iter().filter_map(|b| document.deref(b)).collect(),
        None => vec![resolved],
    };
    let data: Option<Vec<&Value>> = branches
        .iter()
        .map(|branch| {
            let properties = branch.get("properties")?.as_object()?;
            let is_event = properties.contains_key("data")
                && properties
                    .keys()
                    .all(|k| EVENT_FIELDS.contains(&k.as_str()));
            is_event.then(|| &properties["data"])
        })
        .collect();
    let Some(data) = data else {
        // Not event objects: the schema is each event's data.
        return EventData::Json(schema);
    };
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
}
