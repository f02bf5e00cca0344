//! Form bodies over real HTTP, on a document written here: a multipart
//! upload whose file part must be an image, and a urlencoded form with a
//! `deepObject` member. The mock parses and checks each, refuses what its
//! schema or `encoding` does not allow, and journals a multipart body's
//! parts, not its bytes.

use mock_server::{Config, MockServer, Spec};
use serde_json::{Value, json};

use crate::spec::{Scratch, get};

fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Uploads", "version": "1"},
        "paths": {
            "/images": {"post": {
                "operationId": "uploadImage",
                "requestBody": {"required": true, "content": {"multipart/form-data": {
                    "schema": {"type": "object", "required": ["file", "width"], "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "width": {"type": "integer", "minimum": 1},
                        "tags": {"type": "array", "items": {"type": "string"}}
                    }},
                    "encoding": {"file": {"contentType": "image/png, image/jpeg"}}
                }}},
                "responses": {"201": {"description": "stored",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
                    "422": {"description": "invalid"}}
            }},
            "/subscriptions": {"post": {
                "operationId": "createSubscription",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "required": ["plan"], "properties": {
                        "plan": {"type": "string", "enum": ["basic", "pro"]},
                        "seats": {"type": "integer"},
                        "address": {"type": "object", "required": ["city"],
                                    "properties": {"city": {"type": "string"}}}
                    }},
                    "encoding": {"address": {"style": "deepObject", "explode": true}}
                }}},
                "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
                    "422": {"description": "invalid"}}
            }}
        }
    })
}

fn multipart(file_type: &str, width: &str) -> String {
    format!(
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\n\
         Content-Type: {file_type}\r\n\r\nPNGDATA\r\n\
         --B\r\nContent-Disposition: form-data; name=\"width\"\r\n\r\n{width}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\na\r\n\
         --B\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\nb\r\n--B--\r\n"
    )
}

async fn post(url: String, content_type: &str, body: String) -> u16 {
    test_support::http_client()
        .post(url)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn form_bodies_are_parsed_checked_and_journaled_by_part() {
    let scratch = Scratch::new("forms");
    let path = scratch.write("uploads.json", &document());
    let mock = MockServer::start(Config {
        specs: vec![Spec { name: None, path }],
        ..Config::default()
    })
    .await
    .unwrap();
    let base = mock.uri();
    let multipart_type = "multipart/form-data; boundary=B";

    assert_eq!(
        post(
            format!("{base}/images"),
            multipart_type,
            multipart("image/png", "64")
        )
        .await,
        201
    );
    // The part's media type is not one `encoding` allows; the width is no integer.
    assert_eq!(
        post(
            format!("{base}/images"),
            multipart_type,
            multipart("text/html", "64")
        )
        .await,
        422
    );
    assert_eq!(
        post(
            format!("{base}/images"),
            multipart_type,
            multipart("image/png", "wide")
        )
        .await,
        422
    );
    assert_eq!(
        post(
            format!("{base}/images"),
            multipart_type,
            "--B\r\nbroken".into()
        )
        .await,
        422
    );

    let form = "application/x-www-form-urlencoded";
    let subscriptions = format!("{base}/subscriptions");
    assert_eq!(
        post(
            subscriptions.clone(),
            form,
            "plan=pro&seats=3&address%5Bcity%5D=Oslo".into()
        )
        .await,
        200
    );
    assert_eq!(
        post(subscriptions.clone(), form, "plan=gold".into()).await,
        422
    );
    assert_eq!(
        post(
            subscriptions.clone(),
            form,
            "plan=pro&address%5Bstreet%5D=x".into()
        )
        .await,
        422
    );
    // A media type the operation does not declare.
    assert_eq!(
        post(
            subscriptions,
            "application/json",
            r#"{"plan": "pro"}"#.into()
        )
        .await,
        422
    );

    let (_, journal) = get(&format!("{base}/__mock/requests")).await;
    let first = &journal["requests"][0];
    assert_eq!(first["body"], "", "the file's bytes are not journaled");
    assert_eq!(
        first["parts"],
        json!([
            {"name": "file", "file_name": "cat.png", "content_type": "image/png", "bytes": 7},
            {"name": "width", "bytes": 2},
            {"name": "tags", "bytes": 1},
            {"name": "tags", "bytes": 1}
        ])
    );
    let refused = &journal["requests"][1]["problems"][0];
    assert_eq!(refused["loc"], json!(["body", "file"]), "{refused}");
    let deep = &journal["requests"][6]["problems"][0];
    assert_eq!(deep["loc"], json!(["body", "address", "city"]), "{deep}");
}

/// A multipart upload is read as it arrives: a file far larger than the
/// body limit is counted, not held, and answered as the document says; its
/// other fields stay within the body limit, and the upload within its own.
#[tokio::test]
async fn uploads_larger_than_the_body_limit_are_read_as_they_arrive() {
    let scratch = Scratch::new("uploads");
    let path = scratch.write("uploads.json", &document());
    let mock = MockServer::start(Config {
        specs: vec![Spec { name: None, path }],
        limits: mock_server::Limits {
            max_body_bytes: 64 * 1024,
            max_upload_bytes: 8 * 1024 * 1024,
            ..mock_server::Limits::default()
        },
        ..Config::default()
    })
    .await
    .unwrap();
    let url = format!("{}/images", mock.uri());
    let multipart_type = "multipart/form-data; boundary=B";
    let upload = |file: usize, width: String| {
        let mut body =
            b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n\
                         Content-Type: image/png\r\n\r\n"
                .to_vec();
        body.resize(body.len() + file, b'x');
        body.extend_from_slice(
            format!(
                "\r\n--B\r\nContent-Disposition: form-data; name=\"width\"\r\n\r\n{width}\r\n--B--\r\n"
            )
            .as_bytes(),
        );
        body
    };
    let send = |body: Vec<u8>| {
        let url = url.clone();
        async move {
            let response = test_support::http_client()
                .post(url)
                .header("content-type", multipart_type)
                .body(body)
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        }
    };
    // 5 MiB, a body limit of 64 KiB.
    assert_eq!(send(upload(5 * 1024 * 1024, "64".into())).await, 201);
    // Still checked: the width is no integer.
    assert_eq!(send(upload(5 * 1024 * 1024, "wide".into())).await, 422);
    // A text field is held: over the body limit, 413.
    assert_eq!(send(upload(10, "9".repeat(70 * 1024))).await, 413);
    // The upload's own limit.
    assert_eq!(send(upload(9 * 1024 * 1024, "64".into())).await, 413);

    let (_, journal) = get(&format!("{}/__mock/requests", mock.uri())).await;
    let first = &journal["requests"][0];
    assert_eq!(first["status"], 201, "{first}");
    assert_eq!(
        first["parts"],
        json!([
            {"name": "file", "file_name": "big.png", "content_type": "image/png", "bytes": 5 * 1024 * 1024},
            {"name": "width", "bytes": 2}
        ])
    );
    assert_eq!(first["body"], "");
    assert_eq!(first["body_bytes"], 5 * 1024 * 1024 + 2);
}
