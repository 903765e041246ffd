//! A repository policy through the library: a rule resolves a file's target and pins, and
//! `check_policy` and `verify` hold sealed values to it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::azure::Credentials;
use offseal_core::policy::Policy;
use offseal_core::values::{PolicyRule, Problem, SealingParams, Severity, ValuesFile};
use offseal_core::{Outcome, Retarget, Scope, Timestamp};

const POLICY: &str = "rules:
  - path_regex: ^tenants/(?P<tenant>[a-z0-9-]+)/values\\.yaml$
    fingerprint: SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns
    namespace: \"{tenant}\"
    name: azure-keyvault-credentials
";

/// A values file with credentials sealed by `key_name` for `retarget`.
fn sealed(key_name: &str, retarget: Retarget) -> ValuesFile {
    let key = common::sealing_key(key_name);
    let credentials = Credentials::new(
        "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10".into(),
        "s3cret".to_owned().into(),
        Some("d93d3d23-50e3-46db-b3ad-8c6c281b431e".into()),
    )
    .unwrap();
    let params = SealingParams::new(&key)
        .with_retarget(retarget)
        .with_provenance(Some(Timestamp::from(common::valid_day())));
    let out = ValuesFile::parse(b"external_secrets: {}\n", "values.yaml")
        .unwrap()
        .seal_credentials(&credentials, None, &params)
        .unwrap();
    ValuesFile::parse(&out.bytes, "values.yaml").unwrap()
}

#[test]
fn values_sealed_as_the_rule_says_pass_and_others_are_errors() {
    let policy = Policy::parse(POLICY, ".offseal.yaml").unwrap();
    let rule = policy.resolve("tenants/blue/values.yaml").unwrap().unwrap();
    let check = |values: &ValuesFile| {
        values.check_policy(&PolicyRule {
            target: &rule.target,
            fingerprints: &rule.fingerprints,
            name: "rule 1",
        })
    };
    // As the rule says: the policy's target alone is enough to seal.
    let good = sealed("controller-4096", rule.target.clone());
    assert!(check(&good).is_empty());

    let other_namespace = sealed(
        "controller-4096",
        Retarget::new(
            Some(Scope::Strict),
            Some("green"),
            Some("azure-keyvault-credentials"),
        ),
    );
    let findings = check(&other_namespace);
    assert_eq!(findings.len(), 2, "client id and secret");
    assert!(findings.iter().all(|f| f.problem == Problem::PolicyTarget
        && f.severity == Severity::Error
        && f.message
            == "was sealed for strict green/azure-keyvault-credentials, but rule 1 wants strict blue/azure-keyvault-credentials"));

    let other_key = sealed("rotated-4096", rule.target.clone());
    let findings = check(&other_key);
    assert_eq!(findings.len(), 2);
    assert!(
        findings
            .iter()
            .all(|f| f.problem == Problem::PolicyCertificate
                && f.message.contains("but rule 1 wants SHA256:NfQ6GANZ"))
    );

    // A namespace-wide rule accepts any name in the namespace, not another scope.
    let wide = Retarget::new(Some(Scope::NamespaceWide), Some("blue"), None);
    let findings = other_namespace.check_policy(&PolicyRule {
        target: &wide,
        fingerprints: &[],
        name: "rule 2",
    });
    assert!(findings.iter().all(|f| f.problem == Problem::PolicyTarget));
    assert!(
        findings[0]
            .message
            .ends_with("rule 2 wants namespace-wide blue")
    );
}

#[test]
fn verify_takes_the_rules_target_over_the_recorded_one_part_by_part() {
    let keys = common::unsealing_keys(&["controller-4096"]);
    let values = sealed(
        "controller-4096",
        Retarget::new(
            Some(Scope::Strict),
            Some("blue"),
            Some("azure-keyvault-credentials"),
        ),
    );
    let opened = |retarget: &Retarget| {
        values
            .verify(&keys, retarget)
            .iter()
            .all(|v| matches!(v.outcome, Outcome::Opened { .. }))
    };
    assert!(opened(&Retarget::default()), "the recorded target");
    assert!(opened(&Retarget::new(None, Some("blue"), None)));
    assert!(!opened(&Retarget::new(None, Some("green"), None)));
}
