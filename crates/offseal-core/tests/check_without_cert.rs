//! `check` without a certificate: a value counts as sealed only if its RSA block has the size
//! of a key offseal seals for, since nothing else says which key it should fit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::values::{Problem, ValuesFile};
use offseal_core::{Target, seal};

fn findings(client_secret: &str) -> Vec<Problem> {
    let key = common::sealing_key("controller-2048");
    let target = Target::strict("tenant-a", "azure-keyvault-credentials").unwrap();
    let client_id = seal(&key, &target, b"0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10").unwrap();
    let text = format!(
        "external_secrets:\n  azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e\n  \
         keyvault_credentials:\n    client_id: {client_id}\n    client_secret: {client_secret}\n"
    );
    let values = ValuesFile::parse(text.as_bytes(), "values.yaml").unwrap();
    values.check(None).into_iter().map(|f| f.problem).collect()
}

#[test]
fn base64_that_parses_as_a_tiny_envelope_is_plaintext() {
    // 20 bytes of base64: a 1-byte "RSA block" and a 17-byte "GCM part".
    assert_eq!(
        findings("AAEAAAAAAAAAAAAAAAAAAAAAAAA="),
        [Problem::Plaintext]
    );
}

#[test]
fn long_data_with_an_rsa_block_of_no_key_size_is_malformed() {
    let mut bytes = 100u16.to_be_bytes().to_vec();
    bytes.resize(300, 0x41);
    let text = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    assert_eq!(findings(&text), [Problem::Malformed]);
}

#[test]
fn a_real_sealed_value_passes() {
    let key = common::sealing_key("controller-4096");
    let target = Target::strict("tenant-a", "azure-keyvault-credentials").unwrap();
    assert_eq!(findings(&seal(&key, &target, b"secret").unwrap()), []);
}
