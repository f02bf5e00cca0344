//! Choosing the answer through HTTP with Prism's conventions: `Prefer:
//! dynamic=true` and the `__example` / `__dynamic` query parameters, beside
//! `Prefer: code=`, `Prefer: example=` and `__code`.

use mock_server::__private::GENERATED_EXAMPLE;
use mock_server::{Config, MockServer, PROVIDERS};
use serde_json::Value;

/// `POST url` with `headers`: status, `X-Mock-Error`, body.
async fn post(url: &str, headers: &[(&str, &str)]) -> (u16, Option<String>, String) {
    let mut request = test_support::http_client().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let marked = response
        .headers()
        .get("x-mock-error")
        .map(|v| v.to_str().unwrap().to_string());
    (status, marked, response.text().await.unwrap())
}

/// The body of the example `name` for `status` of `provider`'s operation `path`.
fn example(provider: &str, path: &str, status: u16, name: &str) -> Value {
    let provider = PROVIDERS.iter().find(|p| p.name == provider).unwrap();
    let operation = provider.operations.iter().find(|o| o.path == path).unwrap();
    let response = operation
        .responses
        .iter()
        .find(|r| r.status == status)
        .unwrap();
    let example = response.examples.iter().find(|e| e.name == name).unwrap();
    serde_json::from_str(example.body).unwrap()
}

const CHAMELIO_CANCEL: &str = "/tasks/{task_id}/cancel";
const AKUA_CANCEL: &str = "/operations/{id}:cancel";

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn example_by_name_in_the_query() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    let url = format!("{}/tasks/1/cancel", mock.base_url("chamelio").unwrap());
    let key = ("X-API-Key", "k");

    // Without a status, the first response holding the example.
    let (status, _, body) = post(&format!("{url}?__example=default"), &[key]).await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body),
        example("chamelio", CHAMELIO_CANCEL, 200, "default")
    );
    // With one, that response's example; the query wins over the header.
    let (status, _, body) = post(
        &format!("{url}?__code=404&__example=default"),
        &[key, ("Prefer", "example=nope")],
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(
        json(&body),
        example("chamelio", CHAMELIO_CANCEL, 404, "default")
    );

    // An unknown name keeps its clear error.
    let (status, marked, body) = post(&format!("{url}?__example=nope"), &[key]).await;
    assert_eq!((status, marked.as_deref()), (400, Some("mock_selection")));
    assert_eq!(
        json(&body)["message"],
        "operation cancelTask has no example named `nope`; examples: 200:default, 200:generated, 401:default, 401:generated, 404:default, 404:generated, 409:default, 409:generated, 500:default, 500:generated"
    );
}

#[tokio::test]
async fn dynamic_answers_with_data_synthesised_from_the_schema() {
    let mock = MockServer::start(Config::default()).await.unwrap();
    // Akua's document has no examples: its bodies are the generated ones.
    let url = format!("{}/operations/op_1:cancel", mock.base_url("akua").unwrap());
    let bearer = ("Authorization", "Bearer k");
    for (query, prefer) in [
        ("", "dynamic=true"),
        ("?__dynamic=true", ""),
        ("", "code=202; dynamic=true"),
    ] {
        let (status, _, body) = post(&format!("{url}{query}"), &[bearer, ("Prefer", prefer)]).await;
        assert_eq!(status, 202, "{query} {prefer}: {body}");
        assert_eq!(
            json(&body),
            example("akua", AKUA_CANCEL, 202, GENERATED_EXAMPLE)
        );
    }
    let (status, _, body) = post(&format!("{url}?__dynamic=true&__code=404"), &[bearer]).await;
    assert_eq!(status, 404);
    assert_eq!(
        json(&body),
        example("akua", AKUA_CANCEL, 404, GENERATED_EXAMPLE)
    );

    // Chamelio's document has examples: they stay the default answer, and
    // dynamic sends the data synthesised from the schema instead.
    let url = format!("{}/tasks/1/cancel", mock.base_url("chamelio").unwrap());
    let (status, _, body) = post(&url, &[("X-API-Key", "k"), ("Prefer", "dynamic=true")]).await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body),
        example("chamelio", CHAMELIO_CANCEL, 200, GENERATED_EXAMPLE)
    );
    assert_ne!(
        json(&body),
        example("chamelio", CHAMELIO_CANCEL, 200, "default")
    );
    let (_, _, body) = post(&url, &[("X-API-Key", "k")]).await;
    assert_eq!(
        json(&body),
        example("chamelio", CHAMELIO_CANCEL, 200, "default")
    );
}
