//! The credentials offseal seals: the JSON `az` prints, in both shapes, read strictly and
//! without echoing a value; and the tenant id, which the credentials or the values file must
//! give.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::azure::{AzCredentials, Credentials, TenantInFile};
use offseal_core::secrecy::{ExposeSecret as _, SecretString};
use offseal_core::values::{Path, SealingParams, ValuesFile};
use offseal_core::{Error, Retarget};

const APP_ID: &str = "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10";
const TENANT: &str = "d93d3d23-50e3-46db-b3ad-8c6c281b431e";
/// The password of both fixtures; no message may contain it, or any value.
const PASSWORD: &str = "Xy9~Q2abcdEFGHijklMNOPqrstUVwxyz012345._";

/// `az ad sp create-for-rbac`'s shape.
fn az_json(password: &str) -> String {
    format!(
        r#"{{"appId": "{APP_ID}", "displayName": "reader", "password": "{password}", "tenant": "{TENANT}"}}"#
    )
}

/// The message `from_json` refuses `json` with, checked to show none of the fixture's values.
fn refusal(json: &[u8]) -> String {
    let err = AzCredentials::from_json(json).unwrap_err();
    assert!(matches!(err, Error::InvalidCredentials(_)), "{err:?}");
    let message = err.to_string();
    for value in [PASSWORD, APP_ID, TENANT, "hunter2"] {
        assert!(!message.contains(value), "{message}");
    }
    message
}

fn assert_fixture_parts(az: &AzCredentials) {
    assert_eq!(az.app_id.as_ref().unwrap().expose_secret(), APP_ID);
    assert_eq!(az.password.as_ref().unwrap().expose_secret(), PASSWORD);
    assert_eq!(az.tenant.as_deref(), Some(TENANT));
}

#[test]
fn both_shapes_az_prints_are_read() {
    for fixture in [
        "az-credentials.json",
        "az-credentials-sdk-auth.json",
        "az-credentials-powershell.json",
    ] {
        let az = AzCredentials::from_json(&common::read(fixture)).unwrap();
        assert_fixture_parts(&az);
    }
    // Each part is optional; the rest comes from elsewhere.
    let az = AzCredentials::from_json(br#"{"tenantId": "x", "subscriptionId": "y"}"#).unwrap();
    assert!(az.app_id.is_none() && az.password.is_none());
    assert_eq!(az.tenant.as_deref(), Some("x"));
    // `null` is no value.
    let az = AzCredentials::from_json(br#"{"password": null, "clientSecret": "s"}"#).unwrap();
    assert_eq!(az.password.unwrap().expose_secret(), "s");
}

#[test]
fn a_byte_order_mark_and_whitespace_around_the_object_are_fine() {
    let json = az_json(PASSWORD);
    for input in [
        format!("\u{feff}{json}"),
        format!("\u{feff}\r\n {json}\r\n\t \n"),
        format!("{json}\n\n"),
    ] {
        assert_fixture_parts(&AzCredentials::from_json(input.as_bytes()).unwrap());
    }
    // Only one mark, and only at the start.
    assert!(
        refusal(format!("\u{feff}\u{feff}{json}").as_bytes())
            .starts_with("invalid credentials: not valid JSON: expected value at line 1 column 1"),
    );
}

#[test]
fn trailing_data_is_refused_saying_what_it_is() {
    let one = az_json(PASSWORD);
    let second = az_json("hunter2");
    let several = |line: usize, column: usize| {
        format!(
            "invalid credentials: the input holds more than one JSON value (the second starts \
             at line {line} column {column}); give the output of one `az` command"
        )
    };
    // Two `az` outputs appended to one file: `az ... >> sp.json` twice.
    assert_eq!(
        refusal(format!("{one}{second}").as_bytes()),
        several(1, one.len() + 1)
    );
    assert_eq!(
        refusal(format!("{one}\n{second}\n").as_bytes()),
        several(2, 1)
    );
    assert_eq!(
        refusal(format!("\u{feff}{one}\r\n\r\n  {second}").as_bytes()),
        several(3, 3)
    );
    assert_eq!(
        refusal(format!("{one} 42").as_bytes()),
        several(1, one.len() + 2)
    );
    for (tail, line, column) in [
        (" garbage", 1, one.len() + 2),
        ("\n\n  hunter2 ", 3, 3),
        ("}", 1, one.len() + 1),
        (",", 1, one.len() + 1),
        ("\n{\"password\": \"hunter2\"", 2, 1),
    ] {
        assert_eq!(
            refusal(format!("{one}{tail}").as_bytes()),
            format!(
                "invalid credentials: trailing data after the JSON object at line {line} column {column}"
            ),
            "{tail:?}"
        );
    }
}

#[test]
fn both_shapes_in_one_object_must_agree() {
    let mixed = format!(
        r#"{{"appId": "{APP_ID}", "clientId": "{APP_ID}", "password": "{PASSWORD}", "clientSecret": "{PASSWORD}", "tenantId": "{TENANT}"}}"#
    );
    assert_fixture_parts(&AzCredentials::from_json(mixed.as_bytes()).unwrap());
    let conflicting = format!(
        r#"{{"appId": "{APP_ID}", "clientId": "11111111-2222-3333-4444-555555555555", "password": "{PASSWORD}", "clientSecret": "hunter2", "tenant": "{TENANT}", "tenantId": "{TENANT}"}}"#
    );
    assert_eq!(
        refusal(conflicting.as_bytes()),
        "invalid credentials: it mixes both shapes and they disagree: `appId` and `clientId`, \
         `password` and `clientSecret` differ"
    );
    let conflicting = format!(r#"{{"tenant": "{TENANT}", "tenantId": "hunter2"}}"#);
    assert_eq!(
        refusal(conflicting.as_bytes()),
        "invalid credentials: it mixes both shapes and they disagree: `tenant` and `tenantId` differ"
    );
}

#[test]
fn an_object_without_the_fields_names_its_keys_and_the_shapes() {
    let shapes = "expected `appId`, `password`, `tenant` (from `az ad sp create-for-rbac`) or \
                  `clientId`, `clientSecret`, `tenantId` (from `az ad sp create-for-rbac \
                  --sdk-auth`, GitHub's AZURE_CREDENTIALS)";
    assert_eq!(
        refusal(br#"{"client_id": "hunter2", "secret": {"value": "hunter2"}, "Tenant": null}"#),
        format!(
            "invalid credentials: the JSON object has none of the fields offseal reads (its \
             keys: `client_id`, `secret`, `Tenant`); {shapes}"
        )
    );
    assert_eq!(
        refusal(b" {} "),
        format!(
            "invalid credentials: the JSON object has none of the fields offseal reads (it has \
             no keys); {shapes}"
        )
    );
    // Many keys: the first few, and how many more; odd ones escaped.
    let many: Vec<String> = (0..20).map(|i| format!(r#""k{i}": "hunter2""#)).collect();
    let message = refusal(format!("{{\"a\\nb\": 1, {}}}", many.join(", ")).as_bytes());
    assert!(
        message.contains("(its keys: `a\\nb`, `k0`, ") && message.contains("`k10`, and 9 more);"),
        "{message}"
    );
}

#[test]
fn what_is_not_an_object_is_called_what_it_is() {
    for (input, what) in [
        (&b"[\"hunter2\"]"[..], "an array"),
        (b"\"hunter2\"", "a string"),
        (b" 1234567 ", "a number"),
        (b"null", "null"),
        (b"true", "a boolean"),
    ] {
        let message = refusal(input);
        assert!(
            message.starts_with(&format!(
                "invalid credentials: the JSON is {what}, not an object; expected `appId`"
            )),
            "{message}"
        );
    }
    assert_eq!(
        refusal(b"appId: hunter2\n"),
        "invalid credentials: not valid JSON: expected value at line 1 column 1"
    );
    assert_eq!(
        refusal(b"{\"password\": \"hunter2\" oops}"),
        "invalid credentials: not valid JSON: expected `,` or `}` at line 1 column 24"
    );
    assert_eq!(
        refusal(b"{\"password\": \"hunter2\""),
        "invalid credentials: not valid JSON: EOF while parsing an object at line 1 column 22"
    );
    assert_eq!(
        refusal(
            "\u{feff}{\"password\": \"hunter2\"}"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
                .as_slice()
        ),
        "invalid credentials: the input is UTF-16 (byte order mark); only UTF-8 is supported (in \
         PowerShell 5, save it with `Out-File -Encoding utf8`)"
    );
}

#[test]
fn empty_input_and_empty_or_wrong_fields_are_named() {
    let empty = "invalid credentials: the input is empty; expected the JSON object `az ad sp \
                 create-for-rbac` prints";
    for input in [&b""[..], b"\xEF\xBB\xBF", b" \r\n\t\n"] {
        assert_eq!(refusal(input), empty, "{input:?}");
    }
    for field in ["appId", "password", "tenant", "clientSecret"] {
        assert_eq!(
            refusal(format!(r#"{{"displayName": "", "{field}": ""}}"#).as_bytes()),
            format!("invalid credentials: `{field}` is empty")
        );
    }
    assert_eq!(
        refusal(br#"{"password": 1234567}"#),
        "invalid credentials: `password` must be a string (line 1, column 20)"
    );
    assert_eq!(
        refusal(br#"{"tenantId": ["hunter2"]}"#),
        "invalid credentials: `tenantId` must be a string (line 1, column 13)"
    );
    assert_eq!(
        refusal(br#"{"password": "hunter2", "password": "hunter2"}"#),
        "invalid credentials: `password` appears more than once"
    );
}

#[test]
fn debug_shows_no_secret() {
    let az = AzCredentials::from_json(&common::read("az-credentials-sdk-auth.json")).unwrap();
    let debug = format!("{az:?}");
    assert!(
        !debug.contains(PASSWORD) && !debug.contains(APP_ID),
        "{debug}"
    );
}

/// The fixture's id and secret, with `tenant`.
fn credentials(tenant: Option<&str>) -> Credentials {
    Credentials::new(
        SecretString::from(APP_ID),
        SecretString::from(PASSWORD),
        tenant.map(str::to_owned),
    )
    .unwrap()
}

/// Seals `credentials` into `input` for strict `ns/app`.
fn seal(input: &str, credentials: &Credentials) -> Result<String, Error> {
    let key = common::sealing_key("controller-2048");
    let params =
        SealingParams::new(&key).with_retarget(Retarget::new(None, Some("ns"), Some("app")));
    let sealed = ValuesFile::parse(input.as_bytes(), "values.yaml")?.seal_credentials(
        credentials,
        None,
        &params,
    )?;
    Ok(String::from_utf8(sealed.bytes).unwrap())
}

#[test]
fn without_a_tenant_id_in_the_credentials_the_file_must_hold_one() {
    let none = credentials(None);
    for (input, line, in_file) in [
        (
            "replicas: 1\n",
            "`external_secrets.azure_tenant_id` is not in the file",
            TenantInFile::Missing,
        ),
        (
            "external_secrets:\n  keyvault_credentials: {}\n",
            "`external_secrets.azure_tenant_id` is not in the file",
            TenantInFile::Missing,
        ),
        (
            "external_secrets:\n  azure_tenant_id: \"\"\n",
            "`external_secrets.azure_tenant_id` (line 2) is empty",
            TenantInFile::Empty { line: 2 },
        ),
        (
            "external_secrets:\n  azure_tenant_id:\n",
            "`external_secrets.azure_tenant_id` (line 2) is empty",
            TenantInFile::Empty { line: 2 },
        ),
        (
            "a: 1\nexternal_secrets:\n  azure_tenant_id: changeme  # fill in\n",
            "`external_secrets.azure_tenant_id` (line 3) is not a GUID",
            TenantInFile::NotAGuid { line: 3 },
        ),
    ] {
        let err = seal(input, &none).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("values.yaml: no tenant id: the credentials give none, and {line}"),
            "{input:?}"
        );
        assert_eq!(err.source_name(), Some("values.yaml"));
        match err {
            Error::NoTenantId {
                path, in_file: got, ..
            } => {
                assert_eq!(
                    path,
                    Path::parse("external_secrets.azure_tenant_id").unwrap()
                );
                assert_eq!(got, in_file, "{input:?}");
            }
            other => panic!("{other:?}"),
        }
    }
    // An alias where the tenant belongs is the editor's to refuse, as when writing one.
    let err = seal("t: &t x\nexternal_secrets:\n  azure_tenant_id: *t\n", &none).unwrap_err();
    assert!(matches!(err, Error::Values { .. }), "{err:?}");

    // A GUID in the file is kept, byte for byte.
    let input = format!("external_secrets:\n  azure_tenant_id: \"{TENANT}\"  # by hand\n");
    let out = seal(&input, &none).unwrap();
    assert!(out.starts_with(&input), "{out}");
    // A tenant id in the credentials is written over whatever the file holds.
    let out = seal(
        "external_secrets:\n  azure_tenant_id: changeme\n",
        &credentials(Some(TENANT)),
    )
    .unwrap();
    assert!(
        out.starts_with(&format!("external_secrets:\n  azure_tenant_id: {TENANT}\n")),
        "{out}"
    );
}

#[test]
fn credentials_refuse_an_empty_tenant_id() {
    let err = Credentials::new(
        SecretString::from(APP_ID),
        SecretString::from(PASSWORD),
        Some(String::new()),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid credentials: the tenant id is empty"
    );
}
