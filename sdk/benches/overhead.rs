//! What the SDK adds to one call: Chamelio's `cancel_task` through the SDK
//! against the in-process mock server on loopback, versus the same request
//! made with bare reqwest.
//!
//! Both sides get the same: a `reqwest::Client` built the same way (the
//! SDK's TLS set-up, redirect policy, user agent and timeouts, one
//! connection pool kept warm), the same request on the wire (`POST
//! /tasks/1/cancel` with `X-API-Key`, the URL built from the task id on each
//! call, as an application cancelling different tasks would), the whole
//! body read and parsed into the same type. The SDK's share is the rest: its
//! call span, retry loop, per-request headers, bounded body collection and
//! status dispatch. No tracing subscriber is installed. One current-thread
//! runtime drives client and server, so the two do not race for the
//! machine's cores, and every iteration makes both calls, timing one, so
//! both are measured under the same conditions.
//!
//! `cargo bench -p sdk --bench overhead`

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sdk::chamelio::types::CancelTaskResponse;

const KEY: &str = "bench-key";

fn overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mock = runtime
        .block_on(mock_server::MockServer::start(
            mock_server::Config::default(),
        ))
        .unwrap();
    let base_url = mock.base_url("chamelio").unwrap();

    let client = sdk::chamelio::Client::builder()
        .base_url(&base_url)
        .api_key(KEY)
        .build()
        .unwrap();
    let http = sdk::reqwest_client_builder()
        .unwrap()
        .connect_timeout(sdk::DEFAULT_CONNECT_TIMEOUT)
        .timeout(sdk::DEFAULT_TIMEOUT)
        .build()
        .unwrap();
    let task_id = black_box(1i64);

    let sdk_call = || async {
        let response = client.cancel_task().task_id(task_id).send().await.unwrap();
        black_box(response.into_inner())
    };
    let bare_call = || async {
        let response = http
            .post(format!("{base_url}/tasks/{task_id}/cancel"))
            .header("x-api-key", KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body = response.bytes().await.unwrap();
        black_box(serde_json::from_slice::<CancelTaskResponse>(&body).unwrap())
    };

    // Every iteration makes both calls: criterion reports the one each
    // function is named after, and both are added to `pairs`. A shared
    // machine drifts by more than the difference sought between two
    // functions measured one after the other; the totals over the same
    // interleaved pairs (in both orders) do not.
    // [bare first, sdk first]: (sdk total, bare total, pairs).
    let pairs = [(); 2].map(|()| Cell::new((Duration::ZERO, Duration::ZERO, 0u64)));
    let pair = |sdk_first: bool| {
        let time = |call: &dyn Fn()| {
            let started = Instant::now();
            call();
            started.elapsed()
        };
        let sdk = || runtime.block_on(sdk_call());
        let bare = || runtime.block_on(bare_call());
        let (sdk, bare) = if sdk_first {
            let sdk = time(&|| drop(sdk()));
            (sdk, time(&|| drop(bare())))
        } else {
            let bare = time(&|| drop(bare()));
            (time(&|| drop(sdk())), bare)
        };
        let order = &pairs[usize::from(sdk_first)];
        let (sdk_total, bare_total, count) = order.get();
        order.set((sdk_total + sdk, bare_total + bare, count + 1));
        (sdk, bare)
    };
    let mut group = c.benchmark_group("cancel_task");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("sdk", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| pair(false).0).sum())
    });
    group.bench_function("bare reqwest", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| pair(true).1).sum())
    });
    group.finish();
    let report = |name: &str, (sdk, bare, count): (Duration, Duration, u64)| {
        println!(
            "cancel_task, {name}, {count} pairs: sdk {:.2} µs, bare reqwest {:.2} µs, \
             sdk / bare = {:.3}",
            sdk.as_secs_f64() * 1e6 / count as f64,
            bare.as_secs_f64() * 1e6 / count as f64,
            sdk.as_secs_f64() / bare.as_secs_f64(),
        );
    };
    let [bare_first, sdk_first] = pairs.map(Cell::into_inner);
    report("bare first", bare_first);
    report("sdk first", sdk_first);
    report(
        "all",
        (
            bare_first.0 + sdk_first.0,
            bare_first.1 + sdk_first.1,
            bare_first.2 + sdk_first.2,
        ),
    );
}

criterion_group!(benches, overhead);
criterion_main!(benches);
