//! Security as documents declare it, enforced by the mock: alternatives,
//! combined requirements, API keys in headers, query parameters and
//! cookies, bearer and basic credentials, public operations; and what the
//! journal keeps of them. The provider is static `model` data shaped as
//! codegen writes it, served through the whole request handler.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mock_server::__private::REDACTED;
use mock_server::__private::{Mount, Shared, router};
use mock_server::Filter;
use mock_server::model::*;
use tower::ServiceExt;

const UNAUTHORIZED: ErrorReply = ErrorReply {
    status: 401,
    declared: true,
    content_type: None,
    body: None,
};

const OK: &[Response] = &[Response {
    status: 200,
    description: "ok",
    content_type: Some("application/json"),
    headers: &[],
    examples: &[Example {
        name: "default",
        body: "{}",
    }],
    matches: StatusMatch::Exact,
    schema: None,
    events: &[],
    event_ids: true,
}];

const fn operation(
    operation_id: &'static str,
    segments: &'static [Segment],
    security: &'static [&'static [Credential]],
) -> Operation {
    Operation {
        operation_id,
        method: "GET",
        path: operation_id,
        segments,
        parameters: &[],
        request_body: None,
        security,
        responses: OK,
        invalid_request: UNAUTHORIZED,
        invalid_path: UNAUTHORIZED,
        unauthorized: UNAUTHORIZED,
        lifecycle: None,
        paging: None,
        callbacks: &[],
    }
}

static PROVIDER: Provider = Provider {
    name: "demo",
    title: "Demo",
    server_path: "",
    documents: &[],
    resources: &[],
    operations: &[
        // `[{header}, {query}]`: either key.
        operation(
            "either",
            &[Segment::Literal("either")],
            &[
                &[Credential::Header("X-API-Key")],
                &[Credential::Query("api_key")],
            ],
        ),
        // `[{header, cookie}]`: both together.
        operation(
            "both",
            &[Segment::Literal("both")],
            &[&[
                Credential::Header("X-API-Key"),
                Credential::Cookie("session"),
            ]],
        ),
        operation(
            "basic",
            &[Segment::Literal("basic")],
            &[&[Credential::Basic]],
        ),
        operation(
            "bearer",
            &[Segment::Literal("bearer")],
            &[&[Credential::Bearer]],
        ),
        operation("public", &[Segment::Literal("public")], &[]),
    ],
    webhooks: &[],
    skipped: &[Skipped {
        operation: "GET /legacy",
        at: "api.yaml#/paths/~1legacy/get/parameters/0",
        reason: "`$ref: gone.yaml` cannot be bundled: `gone.yaml` does not exist",
    }],
    stream_switch: "stream",
    webhook_signature: mock_server::model::WebhookSignature::StandardWebhooks,
};

fn shared(api_keys: Option<&[&str]>) -> Arc<Shared> {
    let mounts = vec![Mount {
        provider: &PROVIDER,
        base_path: "/demo".into(),
    }];
    let api_keys = api_keys.map(|keys| keys.iter().map(|k| k.to_string()).collect::<HashSet<_>>());
    Arc::new(Shared::new(mounts, api_keys, 100, false, false))
}

/// The status of `GET /demo{target}` with `headers`.
async fn status(shared: &Arc<Shared>, target: &str, headers: &[(&str, &str)]) -> StatusCode {
    let mut request = Request::get(format!("/demo{target}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router(shared.clone())
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    response.status()
}

#[tokio::test]
async fn any_one_alternative_suffices() {
    let shared = shared(None);
    assert_eq!(
        status(&shared, "/either", &[]).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(&shared, "/either", &[("x-api-key", "k")]).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&shared, "/either?api_key=k", &[]).await,
        StatusCode::OK
    );
    // Empty values are no credential.
    assert_eq!(
        status(&shared, "/either?api_key=", &[]).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(&shared, "/either?other=k", &[("x-api-key", " ")]).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_combined_requirement_needs_all_its_credentials() {
    let shared = shared(None);
    let key = ("x-api-key", "k");
    assert_eq!(
        status(&shared, "/both", &[key]).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(&shared, "/both", &[("cookie", "session=s")]).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(
            &shared,
            "/both",
            &[key, ("cookie", "theme=dark; session=s")]
        )
        .await,
        StatusCode::OK
    );
    // Another cookie's name is not the credential's.
    assert_eq!(
        status(&shared, "/both", &[key, ("cookie", "sessions=s")]).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn basic_credentials_must_be_well_formed() {
    let shared = shared(None);
    let basic = |value: &'static str| [(header::AUTHORIZATION.as_str(), value)];
    // base64("aladdin:opensesame")
    let good = "Basic YWxhZGRpbjpvcGVuc2VzYW1l";
    assert_eq!(
        status(&shared, "/basic", &basic(good)).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&shared, "/basic", &basic("basic YWxhZGRpbjpvcGVuc2VzYW1l")).await,
        StatusCode::OK
    );
    for bad in [
        "Basic",
        "Basic !!!",
        // base64("aladdin"), base64("aladdin:"), base64(":pw")
        "Basic YWxhZGRpbg==",
        "Basic YWxhZGRpbjo=",
        "Basic OnB3",
        "Bearer YWxhZGRpbjpvcGVuc2VzYW1l",
    ] {
        assert_eq!(
            status(&shared, "/basic", &basic(bad)).await,
            StatusCode::UNAUTHORIZED,
            "{bad}"
        );
    }
    assert_eq!(
        status(&shared, "/bearer", &basic(good)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status(&shared, "/bearer", &basic("Bearer t")).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_public_operation_needs_nothing() {
    let shared = shared(Some(&["only-this"]));
    assert_eq!(status(&shared, "/public", &[]).await, StatusCode::OK);
    assert_eq!(
        status(&shared, "/public", &[("x-api-key", "wrong")]).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn configured_keys_are_the_only_valid_ones() {
    let shared = shared(Some(&["opensesame", "k"]));
    assert_eq!(
        status(&shared, "/either?api_key=k", &[]).await,
        StatusCode::OK
    );
    assert_eq!(
        status(&shared, "/either?api_key=other", &[]).await,
        StatusCode::UNAUTHORIZED
    );
    let authorization = header::AUTHORIZATION.as_str();
    // The password of basic credentials is the key.
    assert_eq!(
        status(
            &shared,
            "/basic",
            &[(authorization, "Basic YWxhZGRpbjpvcGVuc2VzYW1l")]
        )
        .await,
        StatusCode::OK
    );
    // base64("aladdin:k2")
    assert_eq!(
        status(
            &shared,
            "/basic",
            &[(authorization, "Basic YWxhZGRpbjprMg==")]
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_journal_keeps_no_credential() {
    let shared = shared(None);
    status(
        &shared,
        "/both?api_key=query-secret&page=2",
        &[
            ("x-api-key", "header-secret"),
            ("cookie", "session=cookie-secret"),
        ],
    )
    .await;
    status(
        &shared,
        "/basic",
        &[(
            header::AUTHORIZATION.as_str(),
            "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        )],
    )
    .await;
    let entries = shared.journal.entries(&Filter::default());
    assert_eq!(entries.len(), 2);
    let text = format!("{entries:?}");
    for secret in [
        "header-secret",
        "cookie-secret",
        "query-secret",
        "YWxhZGRpbjpvcGVuc2VzYW1l",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let both = entries
        .iter()
        .find(|e| e.operation_id == Some("both"))
        .unwrap();
    assert_eq!(both.headers.get("x-api-key").as_deref(), Some(REDACTED));
    assert_eq!(both.headers.get("cookie").as_deref(), Some(REDACTED));
    assert_eq!(
        both.query.as_deref(),
        Some(format!("api_key={REDACTED}&page=2").as_str())
    );
    let basic = entries
        .iter()
        .find(|e| e.operation_id == Some("basic"))
        .unwrap();
    assert_eq!(
        basic.headers.get("authorization").as_deref(),
        Some(REDACTED)
    );
}

/// The documents' operations the mock does not serve are listed, with why,
/// beside those it serves; the skipped one is not routed.
#[tokio::test]
async fn routes_list_skipped_operations() {
    let shared = shared(None);
    let response = router(shared.clone())
        .oneshot(Request::get("/__mock/routes").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let routes: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        routes["providers"][0]["skipped"],
        serde_json::json!([{
            "operation": "GET /legacy",
            "at": "api.yaml#/paths/~1legacy/get/parameters/0",
            "reason": "`$ref: gone.yaml` cannot be bundled: `gone.yaml` does not exist",
        }])
    );
    assert_eq!(status(&shared, "/legacy", &[]).await, StatusCode::NOT_FOUND);
}
