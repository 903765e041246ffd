//! `check` sees credential slots that hold no scalar: an alias (to a plaintext anchored
//! elsewhere, say), a mapping or a sequence, or a `keyvault_credentials` that is no mapping.
//! So does a key that `offseal set` sealed (it carries a provenance comment) whose value became
//! an alias or a list. The scan reads scalars only, so these passed unseen.

#![allow(clippy::unwrap_used)]

use offseal_core::values::{Problem, Remedy, Severity, ValuesFile};

/// (problem, path, line) of each finding.
fn findings(text: &str) -> Vec<(Problem, String, usize)> {
    let values = ValuesFile::parse(text.as_bytes(), "values.yaml").unwrap();
    values
        .check(None)
        .into_iter()
        .inspect(|f| assert_eq!(f.severity, Severity::Error, "{f:?}"))
        .map(|f| (f.problem, f.path.to_string(), f.line))
        .collect()
}

const TENANT: &str = "  azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e\n";

#[test]
fn an_aliased_credential_is_an_error() {
    let text = format!(
        "defaults:\n  secret: &s hunter2\nexternal_secrets:\n{TENANT}  keyvault_credentials:\n    \
         client_id: *s\n    client_secret: *s\n"
    );
    let slot = |name: &str| format!("external_secrets.keyvault_credentials.{name}");
    assert_eq!(
        findings(&text),
        [
            (Problem::NotAValue, slot("client_id"), 6),
            (Problem::NotAValue, slot("client_secret"), 7)
        ]
    );
}

#[test]
fn an_aliased_credentials_mapping_is_one_error() {
    let text = format!(
        "creds: &c\n  client_id: a\n  client_secret: b\nexternal_secrets:\n{TENANT}  \
         keyvault_credentials: *c\n"
    );
    assert_eq!(
        findings(&text),
        [(
            Problem::NotAValue,
            "external_secrets.keyvault_credentials".to_owned(),
            6
        )]
    );
}

#[test]
fn collections_where_values_or_the_credentials_mapping_belong_are_errors() {
    let text = format!(
        "external_secrets:\n{TENANT}  keyvault_credentials:\n    client_id: [a]\n    client_secret: {{x: y}}\n"
    );
    let problems: Vec<_> = findings(&text).into_iter().map(|f| (f.0, f.2)).collect();
    assert_eq!(problems, [(Problem::NotAValue, 4), (Problem::NotAValue, 5)]);
    for credentials in ["hunter2", "[a, b]"] {
        let text = format!("external_secrets:\n{TENANT}  keyvault_credentials: {credentials}\n");
        assert_eq!(
            findings(&text),
            [(
                Problem::NotAValue,
                "external_secrets.keyvault_credentials".to_owned(),
                3
            )],
            "{credentials}"
        );
    }
}

#[test]
fn another_charts_external_secrets_list_or_flag_is_not_a_finding() {
    for text in [
        "external_secrets:\n  - name: a\n    client_secret: x\n",
        "other:\n  external_secrets: false\n",
        "external_secrets:\n  keyvault_credentials: ~\n",
    ] {
        assert_eq!(findings(text), [], "{text}");
    }
}

#[test]
fn an_alias_or_a_list_under_a_provenance_comment_is_an_error() {
    let record = "# offseal: scope=strict namespace=ns name=app cert=SHA256:x sealed=2026-12-01";
    let text = format!(
        "pw: &pw hunter2\napp:\n  {record}\n  password: *pw\n  {record}\n  tokens: [a, b]\n  \
         {record}\n  db:\n    user: admin\n  # offseal: not a record\n  other: *pw\n"
    );
    assert_eq!(
        findings(&text),
        [
            (Problem::NotAValue, "app.password".to_owned(), 4),
            (Problem::NotAValue, "app.tokens".to_owned(), 6)
        ]
    );
}

#[test]
fn a_recorded_value_under_a_list_is_checked_and_its_fix_is_raw() {
    let record = "# offseal: scope=strict namespace=ns name=app cert=SHA256:x sealed=2026-12-01";
    let text = format!(
        "tenants:\n  - name: a\n    {record}\n    password: hunter2\n    \
         external_secrets:\n      keyvault_credentials:\n        client_id: ''\n"
    );
    let values = ValuesFile::parse(text.as_bytes(), "values.yaml").unwrap();
    let found: Vec<_> = values
        .check(None)
        .into_iter()
        .map(|f| (f.problem, f.path.to_string(), f.line, f.remedy))
        .collect();
    assert_eq!(
        found,
        [
            (
                Problem::Plaintext,
                "tenants[0].password".to_owned(),
                4,
                Some(Remedy::SealRaw)
            ),
            (
                Problem::Empty,
                "tenants[0].external_secrets.keyvault_credentials.client_id".to_owned(),
                7,
                Some(Remedy::SealRaw)
            ),
        ]
    );
}
