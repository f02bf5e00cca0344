//! `Client::from_env()` and `Canceller::from_env()` through a real process
//! environment: this test binary runs itself again with each provider's key
//! and base URL variables pointing at an in-process mock server, as an
//! application's integration tests would, and the child calls every provider.

use std::process::Command;

use sdk::cancel::{CancelStatus, Canceller, Target};

/// Set only in the child process.
const CHILD: &str = "SDK_TEST_ENVIRONMENT_CHILD";
/// What the child prints after each call reached the mock.
const REACHED: &str = "reached the mock:";

#[tokio::test]
async fn from_env_reads_the_base_url_variables_of_the_process() {
    let mock = mock_server::MockServer::start(mock_server::Config::default())
        .await
        .unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap());
    child.args([
        "--exact",
        "environment::calls_every_provider_as_the_environment_says",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    child.env(CHILD, "1");
    for (provider, key, base_url) in [
        ("akua", "AKUA_API_TOKEN", "AKUA_BASE_URL"),
        ("chamelio", "CHAMELIO_API_KEY", "CHAMELIO_BASE_URL"),
        ("phala", "PHALA_CLOUD_API_KEY", "PHALA_CLOUD_BASE_URL"),
        ("promptlayer", "PROMPTLAYER_API_KEY", "PROMPTLAYER_BASE_URL"),
    ] {
        child.env(key, "env-test-key");
        child.env(base_url, mock.base_url(provider).unwrap());
    }
    // The mock keeps answering on this runtime while the child runs.
    let output = tokio::task::spawn_blocking(move || child.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    // Guards against the child's filter matching nothing.
    assert_eq!(stdout.matches(REACHED).count(), 5, "{stdout}");
}

#[tokio::test]
#[ignore = "run by from_env_reads_the_base_url_variables_of_the_process in a child process"]
async fn calls_every_provider_as_the_environment_says() {
    // `--include-ignored` runs it without the environment: nothing to check then.
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let chamelio_url = std::env::var("CHAMELIO_BASE_URL").unwrap();
    let client = sdk::chamelio::Client::from_env().unwrap();
    assert_eq!(client.base_url(), chamelio_url);
    let response = client.cancel_task().task_id(1).send().await.unwrap();
    assert_eq!(response.status(), 200);
    println!("{REACHED} chamelio {}", response.status());

    let canceller = Canceller::try_from_env().unwrap();
    let targets = [
        Target::AkuaOperation {
            operation_id: "op_1".into(),
        },
        Target::ChamelioTask { task_id: 1 },
        Target::PhalaCvmOperation {
            cvm_id: "cvm-1".into(),
        },
        Target::PromptLayerSheetOperation {
            table_id: "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10".into(),
            sheet_id: "0b9e2c57-3f2a-4b8e-9a55-1d1b7a3c2e10".into(),
            operation_id: "op".into(),
        },
    ];
    for target in &targets {
        let cancellation = canceller.cancel(target).await.unwrap();
        // The mock's default answers: Akua 202 RUNNING, the others their 200.
        let expected = match target {
            Target::AkuaOperation { .. } => CancelStatus::Requested,
            _ => CancelStatus::Cancelled,
        };
        assert_eq!(cancellation.status, expected, "{target:?}");
        println!("{REACHED} {target:?} {:?}", cancellation.status);
    }
}

/// Runs `test` (an ignored test of this module) in a child process with
/// exactly `vars` of the providers' variables set; its stdout.
fn child_with(test: &str, vars: &[(&str, &str)]) -> String {
    let mut child = Command::new(std::env::current_exe().unwrap());
    child.args([
        "--exact",
        &format!("environment::{test}"),
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ]);
    child.env(CHILD, "1");
    for variable in [
        "AKUA_API_TOKEN",
        "AKUA_BASE_URL",
        "CHAMELIO_API_KEY",
        "CHAMELIO_BASE_URL",
        "PHALA_CLOUD_API_KEY",
        "PHALA_CLOUD_BASE_URL",
        "PROMPTLAYER_API_KEY",
        "PROMPTLAYER_BASE_URL",
    ] {
        child.env_remove(variable);
    }
    child.envs(vars.iter().copied());
    let output = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn base_url_variables_derive_from_the_key_variables() {
    use sdk::Provider;
    use sdk::{akua, chamelio, phala, promptlayer};
    let variables = [
        (akua::Client::CREDENTIAL_ENV, akua::Client::BASE_URL_ENV),
        (phala::Client::CREDENTIAL_ENV, phala::Client::BASE_URL_ENV),
        (
            chamelio::Client::CREDENTIAL_ENV,
            chamelio::Client::BASE_URL_ENV,
        ),
        (
            promptlayer::Client::CREDENTIAL_ENV,
            promptlayer::Client::BASE_URL_ENV,
        ),
    ];
    assert_eq!(
        variables,
        [
            ("AKUA_API_TOKEN", "AKUA_BASE_URL"),
            ("PHALA_CLOUD_API_KEY", "PHALA_CLOUD_BASE_URL"),
            ("CHAMELIO_API_KEY", "CHAMELIO_BASE_URL"),
            ("PROMPTLAYER_API_KEY", "PROMPTLAYER_BASE_URL"),
        ]
    );
}

/// `Canceller::from_env()`: a client per provider with a key, at its base
/// URL unless that is empty; a base URL without a key makes none; a
/// provider whose variables cannot be used is left out (and
/// `try_from_env` says which variable), the others are not.
#[test]
fn the_canceller_takes_each_provider_the_environment_can_give() {
    let stdout = child_with(
        "canceller_from_this_environment",
        &[
            ("CHAMELIO_API_KEY", "k"),
            ("CHAMELIO_BASE_URL", "http://127.0.0.1:4010/chamelio/"),
            ("AKUA_API_TOKEN", "t"),
            ("AKUA_BASE_URL", ""),
            ("PROMPTLAYER_BASE_URL", "http://127.0.0.1:4010/promptlayer"),
            ("PHALA_CLOUD_API_KEY", "k"),
            ("PHALA_CLOUD_BASE_URL", "cloud-api.phala.com"),
        ],
    );
    assert_eq!(stdout.matches(REACHED).count(), 1, "{stdout}");
}

#[test]
#[ignore = "run by the_canceller_takes_each_provider_the_environment_can_give in a child process"]
fn canceller_from_this_environment() {
    use sdk::Provider;
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let canceller = Canceller::from_env();
    assert_eq!(
        canceller.chamelio.as_ref().unwrap().base_url(),
        "http://127.0.0.1:4010/chamelio"
    );
    // Empty is unset: the public server.
    assert_eq!(
        canceller.akua.as_ref().unwrap().base_url(),
        <sdk::akua::Client as Provider>::DEFAULT_BASE_URL
    );
    assert!(canceller.promptlayer.is_none(), "a base URL without a key");
    assert!(canceller.phala.is_none(), "a malformed base URL");
    let error = Canceller::try_from_env().unwrap_err().to_string();
    assert!(error.contains("PHALA_CLOUD_BASE_URL"), "{error}");
    println!("{REACHED} every provider as expected");
}
