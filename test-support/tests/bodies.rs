//! Every operation of every vendored provider that takes a JSON request body
//! gets one its verbatim document accepts.

use test_support::request_body;

#[test]
fn every_json_request_body_of_the_catalogue_has_a_valid_instance() {
    let providers =
        specs::load_providers(&specs::providers_dir()).expect("the vendored documents load");
    let mut bodies = 0;
    let mut failures = Vec::new();
    for provider in &providers {
        for operation in &provider.operations {
            match request_body(provider, operation) {
                Ok(Some(_)) => bodies += 1,
                Ok(None) => assert!(
                    operation.request_body.as_ref().is_none_or(|body| body
                        .content
                        .iter()
                        .all(|media| !specs::is_json(&media.media_type))),
                    "{} {} declares a JSON body but got none",
                    provider.name,
                    operation.operation_id
                ),
                Err(error) => failures.push(error.to_string()),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        bodies > 0,
        "no operation of the catalogue takes a JSON body"
    );
}
