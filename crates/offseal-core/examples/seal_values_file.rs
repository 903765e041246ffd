//! The main job on a Helm values file: seal a service principal's client id and secret into
//! `external_secrets.keyvault_credentials`, write the tenant id plain, record a provenance
//! comment, and change no other byte. Then check the result with the controller's private key.
//!
//! ```sh
//! cargo run -p offseal-core --example seal_values_file            # the crate's fixtures
//! cargo run -p offseal-core --example seal_values_file -- VALUES CERT CREDENTIALS_JSON
//! ```
//!
//! The edited file goes to stdout; the input is not changed (the `offseal` binary writes in
//! place, atomically). With arguments, the credentials file is the JSON `az ad sp
//! create-for-rbac` prints, and the result is not opened (no private key is needed).

use std::error::Error;
use std::io::Write as _;
use std::path::Path;
use std::time::SystemTime;

use offseal_core::azure::{AzCredentials, Credentials};
use offseal_core::values::{SealingParams, ValuesFile};
use offseal_core::{Retarget, SealingKey, Timestamp, UnsealingKeys};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let (values_path, cert_path, credentials_path) = match args.as_slice() {
        [] => (
            fixtures.join("tenant-a.yaml"),
            fixtures.join("controller-4096.crt.pem"),
            fixtures.join("az-credentials.json"),
        ),
        [values, cert, credentials] => (values.into(), cert.into(), credentials.into()),
        _ => return Err("usage: seal_values_file [VALUES CERT CREDENTIALS_JSON]".into()),
    };
    let name = |path: &Path| path.display().to_string();

    let input = std::fs::read(&values_path)?;
    let values = ValuesFile::parse(&input, &name(&values_path))?;
    let now = SystemTime::now();
    let key = SealingKey::from_certificate(&std::fs::read(&cert_path)?, &name(&cert_path), now)?;

    // `az ad sp create-for-rbac` output; messages name fields, never values.
    let az = AzCredentials::from_json(&std::fs::read(&credentials_path)?)?;
    let (Some(client_id), Some(client_secret)) = (az.app_id, az.password) else {
        return Err(format!("{}: no client id or secret", name(&credentials_path)).into());
    };
    let credentials = Credentials::new(client_id, client_secret, az.tenant)?;

    // The target: these flags over whatever the file's provenance comment recorded.
    let params = SealingParams::new(&key)
        .with_retarget(Retarget::new(
            None,
            Some("tenant-a"),
            Some("azure-keyvault-credentials"),
        ))
        .with_provenance(Some(Timestamp::from(now)));
    let sealed = values.seal_credentials(&credentials, None, &params)?;
    std::io::stdout().write_all(&sealed.bytes)?;

    if args.is_empty() {
        eprintln!("sealed {} for {}", sealed.path, sealed.target);
        // Each sealed value opens with the controller's private key, for the recorded target.
        let private = std::fs::read(fixtures.join("controller-4096.key.pem"))?;
        let keys = UnsealingKeys::from_sources([("controller-4096.key.pem", &private[..])])?;
        let edited = ValuesFile::parse(&sealed.bytes, "edited")?;
        let checks = edited.verify(&keys, &Retarget::default());
        if checks.len() != 2 || !checks.iter().all(|check| check.outcome.is_ok()) {
            return Err(format!("the sealed values do not open: {checks:?}").into());
        }
        eprintln!("both values open for {}", sealed.target);
    }
    Ok(())
}
