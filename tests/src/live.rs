//! Live mode: the non-destructive rows against real providers (or whatever
//! `--base-url` points them at), checking their answers against the
//! verbatim documents.
//!
//! **The safety rule.** A live row never sends a request that could cancel,
//! stop or change a real resource: a request carrying a valid credential is
//! always a `GET` (a safe method, RFC 9110 §9.2.1). Calls with other methods
//! are only ever sent *without* credentials, on ids that cannot exist.
//! [`LiveRow::run`] enforces this before sending, whatever the plan says.
//!
//! Rows, for a provider whose key is set:
//! - `no-credential`: any secured operation declaring a `401` or `403`, no
//!   credential: one of them, in its documented shape;
//! - `unknown-id`: a `GET` with path parameters, ids no resource can have:
//!   the declared `404` and its shape;
//! - `param::<name>::<case>`: a `GET` with one parameter breaking one
//!   constraint (or a required one left out): a declared client error and
//!   its shape;
//! - `read`: a `GET` without path parameters: a declared 2xx, with its
//!   documented shape.
//!
//! Any row sent with the key that gets a 401 or 403 fails saying the key was
//! refused. A provider without a key (or without a server URL) is one
//! ignored line, `live::<provider>`, saying why: never a silent pass; with
//! `--require-keys` naming it, that line is a failure instead.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;
use specs::{ParameterLocation, Provider, Status};
use test_support::DeclaredBody;

use crate::support::{RawResponse, Suite, Target, declared_body, raw_request};

/// What a live row checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveCheck {
    /// A call without credentials.
    NoCredential,
    /// A `GET` on ids that cannot exist.
    UnknownId,
    /// A `GET` with one bad parameter.
    BadParam {
        /// The parameter's index in the operation.
        index: usize,
        /// The bad value; `None` leaves a required parameter out.
        value: Option<String>,
    },
    /// A `GET` without path parameters.
    Read,
}

/// A credential that never shows in `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// One live row.
#[derive(Debug, Clone)]
pub struct LiveRow {
    /// `live::provider::operationId::check`.
    pub name: String,
    /// Where its operation is.
    pub target: Target,
    /// What it checks.
    pub check: LiveCheck,
    /// The provider's base URL.
    pub base_url: String,
    /// The statuses that pass (all declared by the operation).
    pub allowed: Vec<u16>,
    key: Secret,
}

/// A line of the live plan.
#[derive(Debug, Clone)]
pub enum LiveEntry {
    /// A row to run.
    Row(Box<LiveRow>),
    /// A provider that is not checked, and why (one ignored line).
    Skipped {
        /// `live::provider`.
        name: String,
        /// The provider.
        provider: String,
        /// Why, e.g. `AKUA_API_TOKEN not set`.
        why: String,
    },
}

/// The live plan: per provider, its rows, or one skipped line. `key_of`
/// reads a credential variable (the process environment in the runner).
pub fn plan(
    providers: &[Arc<Provider>],
    base_urls: &BTreeMap<String, String>,
    key_of: impl Fn(&str) -> Option<String>,
) -> Vec<LiveEntry> {
    let mut entries = Vec::new();
    for provider in providers {
        let skipped = |why: String| LiveEntry::Skipped {
            name: format!("live::{}", provider.name),
            provider: provider.name.clone(),
            why,
        };
        let Some(key) = key_of(&provider.credential_env).filter(|k| !k.is_empty()) else {
            entries.push(skipped(format!("{} not set", provider.credential_env)));
            continue;
        };
        let base_url = base_urls
            .get(&provider.name)
            .cloned()
            .or_else(|| provider.server_url());
        let Some(base_url) = base_url else {
            entries.push(skipped(format!(
                "no server URL; pass --base-url {}=URL",
                provider.name
            )));
            continue;
        };
        for (index, operation) in provider.operations.iter().enumerate() {
            let target = Target {
                provider: Arc::clone(provider),
                operation: index,
            };
            for (detail, check, allowed) in checks(&target) {
                entries.push(LiveEntry::Row(Box::new(LiveRow {
                    name: format!(
                        "live::{}::{}::{detail}",
                        provider.name, operation.operation_id
                    ),
                    target: target.clone(),
                    check,
                    base_url: base_url.trim_end_matches('/').to_string(),
                    allowed,
                    key: Secret(key.clone()),
                })));
            }
        }
    }
    entries
}

/// The live checks of an operation: name, check, the statuses that pass.
fn checks(target: &Target) -> Vec<(String, LiveCheck, Vec<u16>)> {
    let operation = target.operation();
    let declared = |codes: &[u16]| -> Vec<u16> {
        codes
            .iter()
            .copied()
            .filter(|code| operation.response(*code).is_some())
            .collect()
    };
    let mut checks = Vec::new();
    // Missing credentials are a 401 or 403 (RFC 9110 §15.5.2); where the
    // document declares neither, any right answer is undeclared: no row.
    if !operation.security.is_empty() {
        let allowed = declared(&[401, 403]);
        if !allowed.is_empty() {
            checks.push(("no-credential".into(), LiveCheck::NoCredential, allowed));
        }
    }
    if !is_safe(&operation.method) {
        return checks;
    }
    let path_parameters: Vec<_> = operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
        .collect();
    if path_parameters.is_empty() {
        // With a key, a read must succeed: a declared 401 or 403 is the key
        // refused, which a nightly job must report, not pass.
        let successes: Vec<u16> = operation
            .responses
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(code) if (200..300).contains(&code) => Some(code),
                _ => None,
            })
            .collect();
        if !successes.is_empty() {
            checks.push(("read".into(), LiveCheck::Read, successes));
        }
    } else if operation.response(404).is_some()
        && path_parameters
            .iter()
            .all(|p| test_support::nonexistent_value(target.document(), &p.schema).is_some())
    {
        checks.push(("unknown-id".into(), LiveCheck::UnknownId, vec![404]));
    }
    // A bad value gets a declared status that RFC 9110 gives invalid input:
    // 400 or 422, and 404 for a path parameter (no resource has that id);
    // which of them is the provider's choice. An operation declaring none
    // has no row: any answer would be undeclared.
    let invalid_input = |location: ParameterLocation| -> Vec<u16> {
        operation
            .responses
            .iter()
            .filter_map(|r| match r.status {
                Status::Code(code @ (400 | 422)) => Some(code),
                Status::Code(404) if location == ParameterLocation::Path => Some(404),
                _ => None,
            })
            .collect()
    };
    let credentials = target.credentials("");
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let allowed = invalid_input(parameter.location);
        if allowed.is_empty() || credentials.carries(parameter.location, &parameter.name) {
            continue;
        }
        // A style mistake is left out: real servers often read a list in
        // either style, and the document does not say they must refuse one.
        let bad_values = test_support::bad_values(target.document(), parameter)
            .into_iter()
            .filter(|bad| bad.sent_as.is_none());
        for bad in bad_values {
            checks.push((
                format!("param::{}::{}", parameter.name, bad.case),
                LiveCheck::BadParam {
                    index,
                    value: bad.value,
                },
                allowed.clone(),
            ));
        }
    }
    checks
}

/// Methods that change nothing on the server (RFC 9110 §9.2.1): the only
/// ones ever sent with a valid credential.
fn is_safe(method: &str) -> bool {
    method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("HEAD")
}

impl LiveRow {
    /// Whether the row sends the provider's credential.
    pub fn sends_credential(&self) -> bool {
        self.check != LiveCheck::NoCredential
    }

    /// The path (under the base URL) the row requests, ids encoded.
    pub fn path(&self) -> String {
        test_support::fill_path(self.target.operation(), &self.arguments())
    }

    /// The arguments: ids no resource can have where the check is about
    /// absence (or could touch a resource), valid values elsewhere.
    fn arguments(&self) -> sdk::dynamic::Arguments {
        let operation = self.target.operation();
        let mut arguments = self.target.valid_arguments();
        if matches!(self.check, LiveCheck::NoCredential | LiveCheck::UnknownId) {
            for parameter in operation
                .parameters
                .iter()
                .filter(|p| p.location == ParameterLocation::Path)
            {
                if let Some(id) =
                    test_support::nonexistent_value(self.target.document(), &parameter.schema)
                {
                    arguments.insert(parameter.name.clone(), id);
                }
            }
        }
        if let LiveCheck::BadParam { index, value } = &self.check {
            let name = operation.parameters[*index].name.clone();
            match value {
                Some(value) => arguments.insert(name, value.clone()),
                None => arguments.remove(&name),
            };
        }
        arguments
    }

    /// Sends the row's request and checks the answer against the document.
    pub async fn run(&self, suite: &Suite) -> Result<(), String> {
        let operation = self.target.operation();
        // The safety rule, enforced here whatever built the row.
        if self.sends_credential() && !is_safe(&operation.method) {
            return Err(format!(
                "refused: {} {} would be sent with a valid credential",
                operation.method, operation.path
            ));
        }
        let credentials = if self.sends_credential() {
            self.target.credentials(&self.key.0)
        } else {
            Default::default()
        };
        let raw = raw_request(
            suite.http(),
            &self.target,
            &self.base_url,
            &self.arguments(),
            &credentials,
            &[],
        )
        .await?;
        if self.sends_credential() && matches!(raw.status, 401 | 403) {
            return Err(format!(
                "the key was refused: {} {} answered {} to a request carrying {}; \
                 is the key expired, revoked or for another account?",
                self.target.provider.name,
                operation.operation_id,
                raw.status,
                self.target.provider.credential_env
            ));
        }
        conforms(&self.target, &self.allowed, &raw)
    }
}

/// `Ok` when the answer's status is allowed and its body has the declared
/// shape; else a drift naming provider, operation, status and pointer.
pub fn conforms(target: &Target, allowed: &[u16], raw: &RawResponse) -> Result<(), String> {
    let operation = target.operation();
    let drift = |detail: String| {
        format!(
            "drift: {} {} status {}: {detail}",
            target.provider.name, operation.operation_id, raw.status
        )
    };
    let declared = declared_body(target, raw.status)?;
    if let DeclaredBody::Undeclared = declared {
        let statuses: Vec<String> = operation
            .responses
            .iter()
            .map(|r| r.status.to_string())
            .collect();
        return Err(drift(format!(
            "not declared (declared: {})",
            statuses.join(", ")
        )));
    }
    if !allowed.contains(&raw.status) {
        return Err(drift(format!(
            "declared, but this call expects {allowed:?}"
        )));
    }
    let content_type = raw.content_type.as_deref().unwrap_or("");
    match declared {
        DeclaredBody::Json(validator) => {
            if !specs::is_json(content_type.split(';').next().unwrap_or("").trim()) {
                return Err(drift(format!(
                    "at ``: content type `{content_type}` is not the declared JSON"
                )));
            }
            let body: Value = serde_json::from_slice(&raw.body)
                .map_err(|e| drift(format!("at ``: the body is not JSON: {e}")))?;
            let violations = test_support::violations(&validator, &body);
            match violations.first() {
                None => Ok(()),
                Some(first) => Err(drift(format!(
                    "at `{}`: {} ({} violation(s) in all)",
                    first.pointer,
                    first.message,
                    violations.len()
                ))),
            }
        }
        DeclaredBody::Empty if !raw.body.is_empty() => Err(drift(format!(
            "at ``: declared without a body, got {} bytes of `{content_type}`",
            raw.body.len()
        ))),
        DeclaredBody::Other(media)
            if !media.iter().any(|m| content_type.starts_with(m.as_str())) =>
        {
            Err(drift(format!(
                "at ``: content type `{content_type}`, declared {media:?}"
            )))
        }
        _ => Ok(()),
    }
}
