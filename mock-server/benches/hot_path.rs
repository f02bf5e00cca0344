//! The per-request pieces of the mock server (`cargo bench -p mock-server`):
//! routing, parameter validation, status selection, error-body rendering,
//! and one whole request through the router without a socket.

use std::hint::black_box;

use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use mock_server::__private::error_body;
use mock_server::__private::{Preference, select};
use mock_server::__private::{Problem, check_parameter};
use mock_server::__private::{RouteMatch, find};
use mock_server::model::{Location, Operation};
use mock_server::{Config, PROVIDERS};
use tower::ServiceExt;

fn operation(provider: &str) -> &'static Operation {
    &PROVIDERS
        .iter()
        .find(|p| p.name == provider)
        .expect("vendored")
        .operations[0]
}

fn hot_path(c: &mut Criterion) {
    let akua = PROVIDERS
        .iter()
        .find(|p| p.name == "akua")
        .expect("vendored");
    c.bench_function("route akua custom method, encoded id", |b| {
        b.iter(|| {
            match find(
                akua.operations,
                "POST",
                black_box("/operations/op_a%2Fb:c:cancel"),
            ) {
                RouteMatch::Found(op, params) => black_box((op, params)),
                _ => unreachable!(),
            }
        })
    });

    let id = &operation("akua").parameters[0];
    c.bench_function("validate akua id (length)", |b| {
        b.iter(|| {
            let mut problems = Vec::new();
            check_parameter(
                Location::Path,
                id.name,
                Some(black_box("op_123")),
                id.schema,
                &mut problems,
            );
            black_box(problems)
        })
    });
    let table = &operation("promptlayer").parameters[1];
    c.bench_function("validate promptlayer table_id (uuid)", |b| {
        b.iter(|| {
            let mut problems = Vec::new();
            let value = black_box("0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10");
            check_parameter(
                Location::Path,
                table.name,
                Some(value),
                table.schema,
                &mut problems,
            );
            black_box(problems)
        })
    });

    let chamelio = operation("chamelio");
    c.bench_function("select status from Prefer: code=409", |b| {
        b.iter(|| {
            select(
                chamelio,
                &Preference::read(Some(black_box("code=409")), None),
            )
            .map(|(r, _)| r.status)
        })
    });

    let phala = operation("phala");
    let problems = vec![
        Problem::new(
            vec!["path".into(), "cvm_id".into()],
            "Input should be a valid UTF-8 string",
            "string_unicode",
        ),
        Problem::new(
            vec!["header".into(), "x-api-key".into()],
            "Field required",
            "missing",
        ),
    ];
    c.bench_function("render phala 422 body (2 problems)", |b| {
        b.iter(|| error_body(&phala.invalid_request, black_box(&problems)))
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    // A browser-like request: the journal copies every header.
    let mut whole = |name: &str, config: Config| {
        let router = mock_server::router(&config).expect("router");
        c.bench_function(name, |b| {
            b.iter(|| {
                let request = Request::post("/chamelio/tasks/12345/cancel")
                    .header("host", "127.0.0.1:4010")
                    .header("x-api-key", "bench")
                    .header("user-agent", "sdk/0.1.0")
                    .header("accept", "*/*")
                    .header("content-length", "0")
                    .body(Body::empty())
                    .expect("request");
                runtime
                    .block_on(router.clone().oneshot(request))
                    .expect("infallible")
            })
        });
    };
    whole(
        "whole request: chamelio 200 through the router (journal, CORS)",
        Config::default(),
    );
    whole(
        "whole request: chamelio 200, journal, no CORS",
        Config {
            cors: false,
            ..Config::default()
        },
    );
    whole(
        "whole request: chamelio 200, no journal, no CORS",
        Config {
            journal: 0,
            cors: false,
            ..Config::default()
        },
    );
}

criterion_group!(benches, hot_path);
criterion_main!(benches);
