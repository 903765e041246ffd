//! The values-file corpus (`testdata/values-cases`, see its README) run through the library:
//! `ValuesFile::seal_credentials`, the main job's one call.
//!
//! An edited case must match `out.yaml` once redacted, hold that many sealed values, carry the
//! provenance comment for its target (or none with `--no-provenance`); its `client_id` and
//! `client_secret` must open with `controller-4096.key.pem` for that target to the fixture's
//! credentials; libyaml (an independent reader) must read it as the input's data with only
//! the two sealed values and the tenant id set; and sealing it again must change nothing but
//! the sealed values. A refused case must fail with the message `error.txt` shows (or, for a
//! missing target, the typed error the binary turns into flag hints).
//!
//! offseal-cli's `values_cases` runs the same corpus through the binary for what a user sees.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::azure::{AzCredentials, Credentials};
use offseal_core::secrecy::ExposeSecret as _;
use offseal_core::values::{Path, Sealed, SealingParams, Segment, ValuesFile};
use offseal_core::{Envelope, Error, Retarget, Scope, Target, Timestamp, UnsealingKeys};
use offseal_testkit::cases::{self, AzFixture, Case, CaseTarget, FILE, FINGERPRINT};
use offseal_testkit::{diff, redact, sealed_values};
use serde_json::Value;

/// Edited cases whose input libyaml cannot read, so their data comparison is skipped; kept
/// exact. None today: libyaml reads every edited input (a byte order mark is dropped first).
const LIBYAML_CANNOT_READ: &[&str] = &[];

struct Fixture {
    key: offseal_core::SealingKey,
    keys: UnsealingKeys,
    az: AzFixture,
}

fn credentials() -> Credentials {
    let az = AzCredentials::from_json(&common::read("az-credentials.json")).unwrap();
    Credentials::new(az.app_id.unwrap(), az.password.unwrap(), az.tenant).unwrap()
}

/// Runs the main job on `input` with the flags of `target`, `at` and `no_provenance`.
fn seal(
    fixture: &Fixture,
    input: &[u8],
    at: Option<&[String]>,
    target: &CaseTarget,
    no_provenance: bool,
) -> Result<Sealed, Error> {
    let values = ValuesFile::parse(input, FILE)?;
    let at = at.map(|keys| Path::from_keys(keys.iter().cloned()));
    let scope = target.scope.as_deref().map(|s| s.parse::<Scope>().unwrap());
    let params = SealingParams::new(&fixture.key)
        .with_retarget(Retarget::new(
            scope,
            target.namespace.as_deref(),
            target.name.as_deref(),
        ))
        .with_provenance((!no_provenance).then(|| Timestamp::from(common::valid_day())));
    values.seal_credentials(&credentials(), at.as_ref(), &params)
}

/// Reads YAML with the independent, libyaml-based reader. It reads a byte order mark followed
/// by `---` as a second document, so the mark (no data) is dropped first.
fn libyaml_read(bytes: &[u8]) -> Result<Value, String> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    serde_norway::from_slice::<Value>(bytes).map_err(|e| e.to_string())
}

fn get<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(value, |v, k| v.as_object()?.get(*k))
}

/// Sets `keys` to `new`; missing or non-mapping parents become mappings.
fn set(value: &mut Value, keys: &[String], new: Value) {
    let mut current = value;
    for key in keys {
        if !current.is_object() {
            *current = Value::Object(serde_json::Map::new());
        }
        current = current
            .as_object_mut()
            .unwrap()
            .entry(key.clone())
            .or_insert(Value::Null);
    }
    *current = new;
}

/// Where `got` and `expected` first differ, for messages.
fn first_difference(got: &Value, expected: &Value, at: &str) -> String {
    if let (Value::Object(g), Value::Object(e)) = (got, expected) {
        for key in g.keys().chain(e.keys()) {
            let (a, b) = (g.get(key), e.get(key));
            if a != b {
                return match (a, b) {
                    (Some(a), Some(b)) => first_difference(a, b, &format!("{at}.{key}")),
                    _ => format!("{at}.{key}: got {a:?}, expected {b:?}"),
                };
            }
        }
    }
    format!("{at}: got {got}, expected {expected}")
}

/// The same target as offseal's own type, to open values with.
fn to_target(target: &CaseTarget) -> Target {
    Target::new(
        target.scope().parse().unwrap(),
        target.namespace.as_deref(),
        target.name.as_deref(),
    )
    .unwrap()
}

/// The checks of an edited case. Returns whether libyaml's reading was compared.
fn check_edited(
    fixture: &Fixture,
    case: &Case,
    sealed: &Sealed,
    problems: &mut Vec<String>,
) -> Option<bool> {
    let Ok(out) = String::from_utf8(sealed.bytes.clone()) else {
        problems.push("the output is not UTF-8".to_owned());
        return None;
    };
    if out.contains(&fixture.az.client_secret) {
        problems.push("the client secret appears in plain".to_owned());
    }
    problems.extend(cases::output_problems(case, &out, false));
    let found = sealed_values(&out);

    let target = case.target();
    if sealed.target.to_string() != target.display() {
        problems.push(format!(
            "sealed for {}, expected {}",
            sealed.target,
            target.display()
        ));
    }
    if case.flags.no_provenance {
        if out.lines().any(|l| CaseTarget::from_comment(l).is_some()) {
            problems.push("--no-provenance, but a provenance comment remains".to_owned());
        }
    } else if !out.contains(&target.comment(FINGERPRINT)) {
        problems.push(format!(
            "no provenance comment `{}<date>`",
            target.comment(FINGERPRINT)
        ));
    }

    let got = match libyaml_read(&sealed.bytes) {
        Ok(got) => got,
        Err(e) => {
            problems.push(format!("libyaml cannot read the output: {e}"));
            return None;
        }
    };
    let block: Vec<String> = sealed
        .path
        .segments()
        .iter()
        .map(|segment| match segment {
            Segment::Key(key) => key.clone(),
            other => panic!("the block's path goes through a list: {other:?}"),
        })
        .collect();
    if let Some(at) = &case.flags.at
        && *at != block
    {
        problems.push(format!("sealed at {block:?}, but --at says {at:?}"));
    }
    let keys: Vec<&str> = block.iter().map(String::as_str).collect();
    let Some(block_value) = get(&got, &keys) else {
        problems.push(format!("libyaml finds no `{}`", sealed.path));
        return None;
    };
    let tenant = get(block_value, &["azure_tenant_id"]);
    if tenant.and_then(Value::as_str) != Some(fixture.az.tenant.as_str()) {
        problems.push(format!("azure_tenant_id reads as {tenant:?}"));
    }
    let mut opened = Vec::new();
    for (field, plaintext) in [
        ("client_id", &fixture.az.client_id),
        ("client_secret", &fixture.az.client_secret),
    ] {
        let value = get(block_value, &["keyvault_credentials", field]);
        let Some(text) = value.and_then(Value::as_str) else {
            problems.push(format!("{field} reads as {value:?}, not a string"));
            continue;
        };
        if !found.iter().any(|s| s == text) {
            problems.push(format!("{field} is not a sealed value: {text:?}"));
            continue;
        }
        let envelope = Envelope::from_base64(text).unwrap();
        match fixture.keys.open(&envelope, &to_target(&target)) {
            Ok(bytes) if bytes.expose_secret() == plaintext.as_bytes() => {}
            Ok(_) => problems.push(format!(
                "{field} opens for {} to the wrong plaintext",
                target.display()
            )),
            Err(e) => problems.push(format!(
                "{field} does not open for {}: {e}",
                target.display()
            )),
        }
        opened.push((field, text.to_owned()));
    }

    // Sealing the output again (rotation) changes only the sealed values: no second comment.
    match seal(
        fixture,
        &sealed.bytes,
        case.flags.at.as_deref(),
        &target,
        case.flags.no_provenance,
    ) {
        Err(e) => problems.push(format!("sealing the output again fails: {e}")),
        Ok(again) => {
            let again = redact(&String::from_utf8_lossy(&again.bytes));
            if again != redact(&out) {
                problems.push(format!(
                    "sealing the output again changes more than the sealed values:\n{}",
                    diff(
                        redact(&out).as_bytes(),
                        again.as_bytes(),
                        "the second output"
                    )
                ));
            }
        }
    }

    // The input's data plus exactly these changes.
    let Ok(mut expected) = libyaml_read(&case.input) else {
        return Some(false);
    };
    for (field, sealed) in opened {
        let mut path = block.clone();
        path.extend(["keyvault_credentials".to_owned(), field.to_owned()]);
        set(&mut expected, &path, Value::String(sealed));
    }
    let mut path = block.clone();
    path.push("azure_tenant_id".to_owned());
    set(
        &mut expected,
        &path,
        Value::String(fixture.az.tenant.clone()),
    );
    if got != expected {
        problems.push(format!(
            "libyaml reads other changes than the credentials: {}",
            first_difference(&got, &expected, "")
        ));
    }
    Some(true)
}

/// The checks of a refused case: the library's message is what the binary prints, unless the
/// target is incomplete (the binary turns that typed error into flag hints).
fn check_refused(fixture: &Fixture, case: &Case, error: &Error, problems: &mut Vec<String>) {
    let message = format!("{error}");
    if message.contains(&fixture.az.client_secret) {
        problems.push("the client secret appears in the error".to_owned());
    }
    let expected = case.expected_error().unwrap_or_default();
    let missing_target = matches!(
        error.root(),
        Error::MissingNamespace { .. } | Error::MissingName { .. }
    );
    if missing_target {
        if !expected.contains("target needs --") {
            problems.push(format!("refused for a missing target part: {message}"));
        }
    } else if !expected.contains(&message) {
        problems.push(format!(
            "the error {message:?} is not what error.txt says: {expected:?}"
        ));
    }
}

#[test]
fn values_cases_through_the_library() {
    let cases = cases::cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let fixture = Fixture {
        key: common::sealing_key("controller-4096"),
        keys: common::unsealing_keys(&["controller-4096"]),
        az: cases::credentials(),
    };
    let mut failures = Vec::new();
    let (mut edited, mut refused, mut compared, mut unreadable) = (0, 0, 0, Vec::new());
    for case in &cases {
        let result = seal(
            &fixture,
            &case.input,
            case.flags.at.as_deref(),
            &case.flags.target,
            case.flags.no_provenance,
        );
        let mut problems = Vec::new();
        match (&result, case.expected_output().is_some()) {
            (Ok(sealed), true) => {
                edited += 1;
                match check_edited(&fixture, case, sealed, &mut problems) {
                    Some(true) => compared += 1,
                    Some(false) => unreadable.push(case.name.as_str()),
                    None => {}
                }
            }
            (Err(error), false) => {
                refused += 1;
                check_refused(&fixture, case, error, &mut problems);
            }
            (Ok(_), false) => problems.push(format!(
                "edited, but expected the error {:?}",
                case.expected_error().unwrap_or_default()
            )),
            (Err(error), true) => problems.push(format!("refused, but expected an edit: {error}")),
        }
        if case.known_bug {
            problems.push(if problems.is_empty() {
                "matches its expected file: the bug is fixed, remove `known-bug`".to_owned()
            } else {
                "(known bug)".to_owned()
            });
        }
        if !problems.is_empty() {
            failures.push(format!("{}:\n  {}", case.name, problems.join("\n  ")));
        }
    }
    eprintln!(
        "{} values cases: {edited} edited, {refused} refused; libyaml compared {compared}, could not read {unreadable:?}",
        cases.len()
    );
    if unreadable != LIBYAML_CANNOT_READ {
        failures.push(format!(
            "libyaml could not read the inputs {unreadable:?}; LIBYAML_CANNOT_READ says {LIBYAML_CANNOT_READ:?}"
        ));
    }
    cases::assert_all_passed(cases.len(), &failures);
}
