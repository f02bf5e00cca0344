//! The runner's options and report, through the library's public API:
//! our flags and variables, the no-row rule, the JUnit XML.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use contract::junit::{Record, Verdict, render};
use contract::runner::{Options, OptionsError};

/// This module's tests, for the binary's `main`.
pub fn tests() -> Vec<(&'static str, fn())> {
    vec![
        (
            "our_flags_are_taken_out_and_the_rest_is_libtests",
            our_flags_are_taken_out_and_the_rest_is_libtests,
        ),
        (
            "environment_variables_and_flags",
            environment_variables_and_flags,
        ),
        (
            "selecting_nothing_fails_only_without_a_filter",
            selecting_nothing_fails_only_without_a_filter,
        ),
        ("bad_options_are_errors", bad_options_are_errors),
        ("records_become_testcases", records_become_testcases),
    ]
}

fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Options, OptionsError> {
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Options::parse(args.iter().map(|a| a.to_string()), |k| env.get(k).cloned())
}

fn our_flags_are_taken_out_and_the_rest_is_libtests() {
    let options = parse(
        &[
            "contract",
            "--live",
            "--base-url",
            "akua=http://127.0.0.1:1/v1",
            "--skip",
            "x",
            "--base-url=phala=https://p.example",
            "--junit=out.xml",
            "--exact",
            "a::b",
        ],
        &[],
    )
    .unwrap();
    assert!(options.live);
    assert_eq!(options.junit, Some(PathBuf::from("out.xml")));
    assert_eq!(
        options.base_urls,
        BTreeMap::from([
            ("akua".to_string(), "http://127.0.0.1:1/v1".to_string()),
            ("phala".to_string(), "https://p.example".to_string()),
        ])
    );
    assert_eq!(
        options.libtest,
        ["contract", "--skip", "x", "--exact", "a::b"]
    );
}

fn environment_variables_and_flags() {
    let options = parse(
        &["contract", "--base-url", "akua=http://flag"],
        &[
            ("CONTRACT_LIVE", "1"),
            ("CONTRACT_BASE_URL", "akua=http://env, chamelio=http://c"),
            ("CONTRACT_JUNIT", "r.xml"),
        ],
    )
    .unwrap();
    assert!(options.live);
    assert_eq!(options.base_urls["akua"], "http://flag");
    assert_eq!(options.base_urls["chamelio"], "http://c");
    assert_eq!(options.junit, Some(PathBuf::from("r.xml")));
    assert!(!parse(&["c"], &[("CONTRACT_LIVE", "0")]).unwrap().live);
    let required = parse(
        &["c", "--require-keys", "phala", "--require-keys=chamelio"],
        &[("CONTRACT_REQUIRE_KEYS", "akua, phala")],
    )
    .unwrap()
    .require_keys;
    assert_eq!(
        required.into_iter().collect::<Vec<_>>(),
        ["akua", "chamelio", "phala"]
    );
}

fn selecting_nothing_fails_only_without_a_filter() {
    let arguments = |args: &[&str]| libtest_mimic::Arguments::from_iter(args.iter().copied());
    assert_eq!(
        contract::runner::nothing_selected(0, &arguments(&["c"]), 5).as_deref(),
        Some("no contract row selected from a catalogue of 5 operations")
    );
    assert_eq!(
        contract::runner::nothing_selected(3, &arguments(&["c"]), 5),
        None
    );
    assert_eq!(
        contract::runner::nothing_selected(0, &arguments(&["c"]), 0),
        None
    );
    assert_eq!(
        contract::runner::nothing_selected(0, &arguments(&["c", "nothing"]), 5),
        None
    );
    assert_eq!(
        contract::runner::nothing_selected(0, &arguments(&["c", "--skip", "a"]), 5),
        None
    );
    assert_eq!(
        contract::runner::nothing_selected(0, &arguments(&["c", "--ignored"]), 5),
        None
    );
    assert_eq!(
        contract::runner::nothing_selected(0, &arguments(&["c", "--list"]), 5),
        None
    );
}

fn bad_options_are_errors() {
    assert_eq!(
        parse(&["c", "--base-url"], &[]),
        Err(OptionsError::MissingValue("--base-url"))
    );
    assert_eq!(
        parse(&["c", "--base-url", "akua"], &[]),
        Err(OptionsError::BadBaseUrl("akua".into()))
    );
    assert_eq!(
        parse(&["c", "--base-url=akua=ftp://x"], &[]),
        Err(OptionsError::BadBaseUrl("akua=ftp://x".into()))
    );
    assert_eq!(
        parse(&["c"], &[("CONTRACT_LIVE", "yes")]),
        Err(OptionsError::BadLive("yes".into()))
    );
    assert_eq!(
        parse(&["c", "--require-keys", "akua,,phala"], &[]),
        Err(OptionsError::BadRequiredKeys("akua,,phala".into()))
    );
    // A flag that only starts like ours is libtest's.
    assert_eq!(
        parse(&["c", "--junitx"], &[]).unwrap().libtest,
        ["c", "--junitx"]
    );
}

fn records_become_testcases() {
    let records = [
        Record {
            name: "status::akua::operations.cancel::404".into(),
            verdict: Verdict::Passed,
            time: Duration::from_millis(12),
        },
        Record {
            name: "live::akua::x::no-credential".into(),
            verdict: Verdict::Failed("drift: <a> & \"b\"\nmore\u{1}".into()),
            time: Duration::ZERO,
        },
        Record {
            name: "live::chamelio".into(),
            verdict: Verdict::Skipped(Some("skipped: CHAMELIO_API_KEY not set".into())),
            time: Duration::ZERO,
        },
    ];
    let xml = render(&records);
    assert!(
        xml.contains(r#"<testsuite name="contract" tests="3" failures="1" errors="0" skipped="1""#),
        "{xml}"
    );
    assert!(
        xml.contains(
            r#"<testcase classname="status::akua::operations.cancel" name="404" time="0.012"/>"#
        ),
        "{xml}"
    );
    assert!(xml.contains(r#"<failure message="drift: &lt;a&gt; &amp; &quot;b&quot;">drift: &lt;a&gt; &amp; &quot;b&quot;
more�</failure>"#), "{xml}");
    assert!(
        xml.contains(
            r#"<testcase classname="live" name="chamelio" time="0.000">
      <skipped message="skipped: CHAMELIO_API_KEY not set"/>"#
        ),
        "{xml}"
    );
}
