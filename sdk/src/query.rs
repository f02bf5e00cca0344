//! Query parameters whose items travel joined in one value (`?ids=1,2`, a
//! document's `explode: false`): progenitor writes every list as repeated
//! names (`?ids=1&ids=2`), so the generator swaps its `QueryParam` for
//! [`JoinedList`] on those parameters.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// One query pair: `name` with `value`'s items joined by `separator`, an
/// object's members as `key,value` pairs (OpenAPI's unexploded `form`);
/// nothing for `None`, and a scalar as its text.
pub struct JoinedList<'a, T> {
    name: &'a str,
    value: &'a T,
    separator: char,
}

impl<'a, T> JoinedList<'a, T> {
    /// The parameter `name` with `value`, its items separated by `separator`.
    pub fn new(name: &'a str, value: &'a T, separator: char) -> Self {
        Self {
            name,
            value,
            separator,
        }
    }
}

impl<T: Serialize> Serialize for JoinedList<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(self.value).map_err(serde::ser::Error::custom)?;
        let separator = self.separator.to_string();
        let joined = match &value {
            Value::Null => None,
            Value::Array(items) => {
                Some(items.iter().map(text).collect::<Vec<_>>().join(&separator))
            }
            Value::Object(members) => Some(
                members
                    .iter()
                    .flat_map(|(key, value)| [key.clone(), text(value)])
                    .collect::<Vec<_>>()
                    .join(&separator),
            ),
            scalar => Some(text(scalar)),
        };
        joined
            .map(|joined| (self.name, joined))
            .into_iter()
            .collect::<Vec<_>>()
            .serialize(serializer)
    }
}

/// A value's text in a query: a string as it is, anything else as JSON.
fn text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::JoinedList;

    fn query<T: serde::Serialize>(value: &T, separator: char) -> String {
        let url = reqwest::Url::parse("http://h/p").unwrap();
        let request = crate::reqwest_client_builder()
            .unwrap()
            .build()
            .unwrap()
            .get(url)
            .query(&JoinedList::new("ids", value, separator))
            .query(&[("after", "x")])
            .build()
            .unwrap();
        request.url().query().unwrap_or("").to_string()
    }

    #[test]
    fn items_travel_in_one_value() {
        assert_eq!(query(&vec![1, 2, 3], ','), "ids=1%2C2%2C3&after=x");
        assert_eq!(query(&Some(vec!["a", "b"]), '|'), "ids=a%7Cb&after=x");
        assert_eq!(query(&vec!["a b", "c"], ' '), "ids=a+b+c&after=x");
        assert_eq!(query(&Vec::<u8>::new(), ','), "ids=&after=x");
        assert_eq!(query(&None::<Vec<u8>>, ','), "after=x");
        assert_eq!(query(&"one", ','), "ids=one&after=x");
        assert_eq!(
            query(&json!({"a": 1, "b": "x"}), ','),
            "ids=a%2C1%2Cb%2Cx&after=x"
        );
    }
}
