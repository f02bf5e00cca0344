//! `.pages()` and `.stream()` against servers that page well, and ones
//! that do not: a repeated cursor ends the stream with `Pagination`
//! instead of looping, an error ends it, `has_more: false` wins over a
//! cursor.

use futures_util::{StreamExt, TryStreamExt};
use sdk::akua::errors::ClustersListError;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client_for(server: &MockServer) -> sdk::akua::Client {
    sdk::akua::Client::builder()
        .base_url(server.uri())
        .api_key("sk_akua_test")
        .retries(0)
        .build()
        .unwrap()
}

fn page(has_more: bool, next_cursor: Option<&str>) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"data": [], "has_more": has_more, "next_cursor": next_cursor}))
}

#[tokio::test]
async fn pages_follow_next_cursor_and_keep_the_builders_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/clusters"))
        .and(query_param_is_missing("cursor"))
        .and(query_param("limit", "7"))
        .respond_with(page(true, Some("c2")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/clusters"))
        .and(query_param("cursor", "c2"))
        .and(query_param("limit", "7"))
        .respond_with(page(true, Some("c3")))
        .expect(1)
        .mount(&server)
        .await;
    // `has_more: false` ends the walk whatever the cursor says.
    Mock::given(method("GET"))
        .and(path("/clusters"))
        .and(query_param("cursor", "c3"))
        .respond_with(page(false, Some("c4")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let limit = std::num::NonZeroU64::new(7).unwrap();
    let pages: Vec<_> = client
        .clusters_list()
        .limit(limit)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].next_cursor.as_deref(), Some("c4"));
}

#[tokio::test]
async fn a_cursor_named_twice_ends_the_stream_with_pagination() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/clusters"))
        .respond_with(page(true, Some("again")))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let mut pages = client.clusters_list().pages();
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok());
    let error = pages.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, ClustersListError::Pagination(_)),
        "{error:?}"
    );
    assert_eq!(error.variant(), "Pagination");
    assert!(error.to_string().contains("`again`"), "{error}");
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn an_error_page_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/clusters"))
        .and(query_param_is_missing("cursor"))
        .respond_with(page(true, Some("c2")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/clusters"))
        .and(query_param("cursor", "c2"))
        .respond_with(ResponseTemplate::new(418))
        .mount(&server)
        .await;
    let client = client_for(&server).await;
    let items: Vec<_> = client.clusters_list().stream().collect().await;
    assert_eq!(items.len(), 1, "{items:?}");
    let error = items.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
}
