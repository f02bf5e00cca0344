//! A path template variable with a router's modifier (`{path:*}`, Akua's
//! kube proxy) becomes the plain `{path}` when the operation declares a
//! path parameter `path`: progenitor looks each path parameter up in the
//! template by name and panics when it is missing. The original template
//! is kept in the path item's `x-sdk-template`.

use serde_json::{Map, Value, json};

/// The member keeping the template as written.
pub const TEMPLATE: &str = "x-sdk-template";

/// Renames the modified variables of every path template.
pub fn plain_variables(document: &mut Value) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let renamed: Vec<(String, String)> = paths
        .keys()
        .filter_map(|template| {
            let plain = plain(template);
            (plain != *template && !paths.contains_key(&plain)).then(|| (template.clone(), plain))
        })
        .collect();
    if renamed.is_empty() {
        return;
    }
    let old = std::mem::take(paths);
    let mut rebuilt = Map::new();
    for (template, item) in old {
        match renamed.iter().find(|(from, _)| *from == template) {
            Some((_, plain)) => {
                let mut item = item;
                if let Some(object) = item.as_object_mut() {
                    object.insert(TEMPLATE.into(), json!(template));
                }
                rebuilt.insert(plain.clone(), item);
            }
            None => {
                rebuilt.insert(template, item);
            }
        }
    }
    *paths = rebuilt;
}

/// `/a/{id}/{path:*}` -> `/a/{id}/{path}`.
fn plain(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else {
            break;
        };
        let variable = &rest[..close];
        let name = variable
            .split_once(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .map_or(variable, |(name, _)| name);
        out.push_str(if name.is_empty() { variable } else { name });
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_go_and_the_template_is_kept() {
        let mut document = json!({"paths": {
            "/c/{id}/proxy/{path:*}": {"get": {}},
            "/operations/{id}:cancel": {"post": {}}
        }});
        plain_variables(&mut document);
        assert_eq!(
            document["paths"],
            json!({
                "/c/{id}/proxy/{path}": {"get": {}, "x-sdk-template": "/c/{id}/proxy/{path:*}"},
                "/operations/{id}:cancel": {"post": {}}
            })
        );
        assert_eq!(plain("/a/{x+}/b"), "/a/{x}/b");
        assert_eq!(plain("/a/{unclosed"), "/a/{unclosed");
    }
}
