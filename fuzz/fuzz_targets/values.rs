//! The main job in the library (`offseal_core::values::ValuesFile`): a values file is parsed,
//! linted, and has the credentials sealed into its `external_secrets` block (with the 2048-bit
//! test certificate and a provenance comment), twice, as `offseal values` run twice would.
//!
//! An `Err` is fine; a panic is a bug, and so is a sealed file that does not read back with
//! both values sealed for the target and the provenance that was asked for, or that the main
//! job refuses the second time.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::azure::Credentials;
use offseal_core::hazmat;
use offseal_core::secrecy::SecretString;
use offseal_core::values::{Role, SealingParams, ValuesFile};
use offseal_core::{Retarget, ValueState};
use offseal_fuzz::{CERTIFICATE, SEALING_KEY, now, rng};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = ValuesFile::parse(data, "values.yaml") else {
        return;
    };
    let _ = file.blocks();
    let _ = file.check(None);
    let _ = file.check(Some(&CERTIFICATE));
    let Ok(block) = file.block(None) else {
        return;
    };
    let _ = file.provenance(&block.credentials_path());
    let _ = file.set_plain(
        &block.tenant_id_path(),
        "d93d3d23-50e3-46db-b3ad-8c6c281b431e",
    );

    let credentials = match Credentials::new(
        SecretString::from("0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10"),
        SecretString::from("Xy9~Q2abcdEFGHijklMNOPqrstUVwxyz012345._"),
        Some("d93d3d23-50e3-46db-b3ad-8c6c281b431e".to_owned()),
    ) {
        Ok(credentials) => credentials,
        Err(e) => panic!("the credentials are valid: {e}"),
    };
    let params = SealingParams::new(&SEALING_KEY)
        .with_retarget(Retarget::new(
            None,
            Some("tenant-a"),
            Some("azure-keyvault-credentials"),
        ))
        .with_provenance(Some(now()));
    let mut rng = rng();
    let Ok(sealed) =
        hazmat::seal_credentials_with_rng(&file, &mut rng, &credentials, None, &params)
    else {
        return;
    };
    let again = match ValuesFile::parse(&sealed.bytes, "values.yaml") {
        Ok(again) => again,
        Err(e) => panic!("the sealed file does not parse: {e}"),
    };
    let values = again.sealed_values();
    for (role, path) in [
        (Role::ClientId, block.client_id_path()),
        (Role::ClientSecret, block.client_secret_path()),
    ] {
        match values
            .iter()
            .find(|v| v.path == path)
            .map(|v| (v.role, &v.state, &v.provenance))
        {
            Some((found, ValueState::Sealed(envelope), Some(provenance))) => {
                assert_eq!(found, role, "{path}");
                assert_eq!(envelope.rsa_size(), SEALING_KEY.size());
                // What the controller reads: the scope and the label (a cluster-wide target
                // may carry a namespace and name that the comment rightly leaves out).
                let recorded = &provenance.target;
                assert_eq!(recorded.scope(), sealed.target.scope());
                assert_eq!(recorded.label(), sealed.target.label());
                assert_eq!(provenance.fingerprint, SEALING_KEY.fingerprint());
            }
            other => panic!("{path} is not sealed with provenance: {other:?}"),
        }
    }
    if let Err(e) = hazmat::seal_credentials_with_rng(&again, &mut rng, &credentials, None, &params)
    {
        panic!("the main job refuses its own output: {e}");
    }
});
