//! `check` sees credential slots that hold no scalar: an alias (to a plaintext anchored
//! elsewhere, say), a mapping or a sequence, or a `keyvault_credentials` that is no mapping.
//! So does a key that `offseal set` sealed (it carries a provenance comment) whose value became
//! an alias, a list or a mapping, a merge key (`<<`) that may supply the credentials, and one
//! credential missing beside a sealed other. The scan reads scalars only, so these passed
//! unseen.

#![allow(clippy::unwrap_used)]

mod common;

use offseal_core::values::{Problem, Remedy, Severity, ValuesFile};
use offseal_core::{Target, seal};

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
fn an_alias_a_list_or_a_mapping_under_a_provenance_comment_is_an_error() {
    let record = "# offseal: scope=strict namespace=ns name=app cert=SHA256:x sealed=2026-12-01";
    let text = format!(
        "pw: &pw hunter2\napp:\n  {record}\n  password: *pw\n  {record}\n  tokens: [a, b]\n  \
         {record}\n  db:\n    user: admin\n  # offseal: not a record\n  other: *pw\n"
    );
    assert_eq!(
        findings(&text),
        [
            (Problem::NotAValue, "app.password".to_owned(), 4),
            (Problem::NotAValue, "app.tokens".to_owned(), 6),
            (Problem::NotAValue, "app.db".to_owned(), 8)
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

/// A client id sealed for the 2048-bit test key.
fn sealed() -> String {
    let key = common::sealing_key("controller-2048");
    let target = Target::strict("tenant-a", "azure-keyvault-credentials").unwrap();
    seal(&key, &target, b"0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10").unwrap()
}

#[test]
fn a_merge_key_that_may_supply_credentials_is_an_error() {
    let merged = [
        (
            "kc: &kc\n  client_id: a\n  client_secret: hunter2\nexternal_secrets:\n  \
             keyvault_credentials:\n    <<: *kc\n",
            "external_secrets.keyvault_credentials.<<",
            6,
        ),
        (
            "b: &b\n  keyvault_credentials: {client_id: a, client_secret: hunter2}\n\
             external_secrets:\n  <<: *b\n",
            "external_secrets.<<",
            4,
        ),
        (
            "external_secrets:\n  keyvault_credentials:\n    <<: {client_id: a, client_secret: b}\n",
            "external_secrets.keyvault_credentials.<<",
            3,
        ),
    ];
    for (text, path, line) in merged {
        let text = format!("{text}{TENANT_AT_END}");
        assert_eq!(
            findings(&text),
            [(Problem::NotAValue, path.to_owned(), line)],
            "{text}"
        );
    }
    // One slot sealed, the other from a merge: the merge is what check cannot see.
    let text = format!(
        "kc: &kc\n  client_secret: hunter2\nexternal_secrets:\n  keyvault_credentials:\n    \
         <<: *kc\n    client_id: {}\n{TENANT_AT_END}",
        sealed()
    );
    assert_eq!(
        findings(&text),
        [(
            Problem::NotAValue,
            "external_secrets.keyvault_credentials.<<".to_owned(),
            5
        )]
    );
    // A merge that can supply no credential (both slots are the mapping's own) is fine.
    let text = format!(
        "b: &b {{enabled: true}}\nexternal_secrets:\n  <<: *b\n  keyvault_credentials:\n    \
         client_id: {s}\n    client_secret: {s}\n{TENANT_AT_END}",
        s = sealed()
    );
    assert_eq!(findings(&text), []);
}

const TENANT_AT_END: &str = "  azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e\n";

#[test]
fn a_credential_missing_beside_a_sealed_one_is_an_error() {
    let text = format!(
        "external_secrets:\n{TENANT}  keyvault_credentials:\n    client_id: {}\n",
        sealed()
    );
    let values = ValuesFile::parse(text.as_bytes(), "values.yaml").unwrap();
    let found = values.check(None);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].problem, found[0].path.to_string(), found[0].line),
        (
            Problem::Missing,
            "external_secrets.keyvault_credentials.client_secret".to_owned(),
            3
        )
    );
    assert_eq!(found[0].remedy, Some(Remedy::SealCredentials));
    // Missing credentials alone are no finding: a values file layered over this one may
    // hold them.
    for credentials in [
        "",
        "  keyvault_credentials:\n",
        "  keyvault_credentials: {}\n",
    ] {
        let text = format!("external_secrets:\n{TENANT}{credentials}");
        assert_eq!(findings(&text), [], "{text}");
    }
}

#[test]
fn a_record_above_a_mapping_is_an_error_unless_it_holds_credentials() {
    let record = "# offseal: scope=strict namespace=ns name=app cert=SHA256:x sealed=2026-12-01";
    let text = format!("app:\n  {record}\n  token:\n    nested: hunter2\n");
    assert_eq!(
        findings(&text),
        [(Problem::NotAValue, "app.token".to_owned(), 3)]
    );
    // The record of credentials in a flow mapping stands above the nearest block key.
    let text = format!(
        "{record}\nglobal: {{external_secrets: {{keyvault_credentials: {{client_id: {s}, \
         client_secret: {s}}}, azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e}}}}\n",
        s = sealed()
    );
    assert_eq!(findings(&text), []);
    // A record above null credentials is theirs, not a value's that must be sealed.
    let text = format!("external_secrets:\n{TENANT}  {record}\n  keyvault_credentials:\n");
    assert_eq!(findings(&text), []);
}

#[test]
fn the_fix_names_the_block_where_there_are_several() {
    let text = "a:\n  external_secrets:\n    keyvault_credentials:\n      client_id: x\n\
                b:\n  external_secrets:\n    azure_tenant_id: nope\n";
    let values = ValuesFile::parse(text.as_bytes(), "values.yaml").unwrap();
    let blocks: Vec<_> = values
        .check(None)
        .into_iter()
        .map(|f| (f.path.to_string(), f.block.map(|b| b.to_string())))
        .collect();
    assert_eq!(
        blocks,
        [
            (
                "a.external_secrets.keyvault_credentials.client_id".to_owned(),
                Some("a.external_secrets".to_owned())
            ),
            (
                "b.external_secrets.azure_tenant_id".to_owned(),
                Some("b.external_secrets".to_owned())
            ),
        ]
    );
    let one = "external_secrets:\n  keyvault_credentials:\n    client_id: x\n";
    let values = ValuesFile::parse(one.as_bytes(), "values.yaml").unwrap();
    assert_eq!(values.check(None)[0].block, None);
}
