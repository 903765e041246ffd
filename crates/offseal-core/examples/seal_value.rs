//! Seal one value for one Secret, as `kubeseal --raw` does, then check that only the
//! controller's private key opens it, and only for that Secret.
//!
//! ```sh
//! cargo run -p offseal-core --example seal_value                  # the crate's fixtures
//! cargo run -p offseal-core --example seal_value -- CERT NAMESPACE NAME < value-file
//! ```
//!
//! With arguments the value comes from stdin and only the sealed value is printed (no private
//! key is needed).

use std::error::Error;
use std::io::Read as _;
use std::path::Path;
use std::time::SystemTime;

use offseal_core::secrecy::ExposeSecret as _;
use offseal_core::{SealingKey, Target, UnsealingKeys};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [cert, namespace, name] = args.as_slice() {
        let key = SealingKey::from_certificate(&std::fs::read(cert)?, cert, SystemTime::now())?;
        let mut value = Vec::new();
        std::io::stdin().read_to_end(&mut value)?;
        // The base64 text the controller opens, as the value of a SealedSecret's encryptedData.
        println!(
            "{}",
            offseal_core::seal(&key, &Target::strict(namespace, name)?, &value)?
        );
        return Ok(());
    }
    if !args.is_empty() {
        return Err("usage: seal_value [CERT NAMESPACE NAME < value-file]".into());
    }

    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let cert = std::fs::read(fixtures.join("controller-4096.crt.pem"))?;
    // Expired or not-yet-valid certificates are refused, as kubeseal does: pass today's date.
    let key = SealingKey::from_certificate(&cert, "controller-4096.crt.pem", SystemTime::now())?;
    let target = Target::strict("tenant-a", "azure-keyvault-credentials")?;

    let sealed = offseal_core::seal(&key, &target, b"an example secret")?;
    println!("sealed for {target} with {}:", key.fingerprint());
    println!("{sealed}");

    // Recovery: the controller's private key opens it for this target...
    let private = std::fs::read(fixtures.join("controller-4096.key.pem"))?;
    let keys = UnsealingKeys::from_sources([("controller-4096.key.pem", &private[..])])?;
    let opened = offseal_core::open(&keys, &target, &sealed)?;
    if opened.expose_secret() != b"an example secret" {
        return Err("the opened value differs from the sealed one".into());
    }
    // ... and for no other Secret: the target is bound into the ciphertext.
    let other = Target::strict("tenant-b", "azure-keyvault-credentials")?;
    if offseal_core::open(&keys, &other, &sealed).is_ok() {
        return Err("a value sealed for tenant-a opened for tenant-b".into());
    }
    println!("opens for {target} only");
    Ok(())
}
