//! `offseal kubeseal ...` and the binary run as `kubeseal`: kubeseal's command line, offline.
//!
//! The order of checks follows kubeseal's own, so the same mistake gets the same message.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use offseal_core::manifest::{self, Format, SealOptions, SealedSecret};
use offseal_core::{Outcome, UnsealingKeys};
use serde_json::json;

use crate::cli::KubesealArgs;
use crate::manifests::{emit, merge_into, output_format, seal_all, unseal_all};
use crate::{fetch, input, kubeconfig, target, write};

/// A value sealed with `--raw`, from `--from-file` or stdin.
const SECRET: input::Limit = input::Limit::secret("--from-file");

/// The kubeseal release whose command line and behaviour this mode follows.
const KUBESEAL_VERSION: &str = "0.36.6";

/// Runs kubeseal's command line; errors read as kubeseal's where scripts match them.
pub(crate) fn run(args: &KubesealArgs) -> Result<ExitCode> {
    run_inner(args).map_err(as_kubeseal)
}

/// `--version`: kubeseal's form, which version parsers read as the kubeseal release followed,
/// with offseal and its version as semver build metadata.
fn version() -> String {
    format!(
        "kubeseal version: v{KUBESEAL_VERSION}+offseal.{}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// kubeseal prints some messages whole, without offseal's "which Secret" prefix.
fn as_kubeseal(err: anyhow::Error) -> anyhow::Error {
    let mismatch = err.chain().find_map(|cause| match core_error(cause) {
        Some(offseal_core::Error::NamespaceMismatch {
            declared,
            specified,
            ..
        }) => Some(format!(
            "namespace mismatch: input secret is in namespace {declared:?} but {specified:?} was specified"
        )),
        _ => None,
    });
    match mismatch {
        Some(message) => anyhow!(message),
        None => err,
    }
}

fn run_inner(args: &KubesealArgs) -> Result<ExitCode> {
    if !args.from_file.is_empty() && !args.raw {
        bail!("--from-file requires --raw");
    }
    if args.version {
        write::to_stdout(version().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.re_encrypt {
        bail!(
            "--re-encrypt needs the cluster's controller; offline, reseal with the old private keys: \
             offseal reseal FILE --recovery-private-key OLD_KEYS --cert NEW_CERT"
        );
    }
    warn_ignored(args);
    let mut format = parse_format(&args.format)?;
    if let Some(out) = &args.sealed_secret_file {
        format = output_format(Some(out), Some(format), format);
    }
    let out = args.sealed_secret_file.as_deref();
    let read_input = |expecting: &str| {
        let limit = input::Limit::manifests("--secret-file");
        input::read_input(args.secret_file.as_deref(), expecting, limit)
    };

    if args.recovery_unseal {
        let bytes = read_input("json/yaml k8s resource")?;
        return recovery_unseal(args, &bytes, format, out);
    }
    if !args.recovery_private_key.is_empty() && std::io::stderr().is_terminal() {
        write::to_stderr(
            "warning: ignoring --recovery-private-key because unseal command not chosen with --recovery-unseal",
        );
    }
    if args.validate {
        bail!(
            "--validate needs the cluster's controller; offline, open the values with the private keys: \
             offseal verify FILE --recovery-private-key KEYS"
        );
    }
    let Some(cert) = args.cert.as_deref() else {
        bail!(
            "no certificate: fetching it from the cluster ({}/{}) needs a connection, and offseal works offline; \
             give --cert FILE|URL (such as https://CONTROLLER/v1/cert.pem) or set SEALED_SECRETS_CERT",
            args.controller_namespace,
            args.controller_name
        );
    };
    check_cert_file(cert)?;
    if args.fetch_cert {
        let bytes = input::certificate_bytes(cert)?;
        return write_out(&bytes, out);
    }
    let key = input::sealing_key(cert)?;
    // kubeseal asks the kubeconfig only when -n is not given; `None`: there is no kubeconfig.
    let namespace_given = args.namespace.as_deref().filter(|n| !n.is_empty());
    let from_kubeconfig = match namespace_given {
        Some(_) => None,
        None => kubeconfig::namespace(args.kubeconfig.as_deref(), args.context.as_deref()),
    };
    let options = SealOptions::new(args.name.as_deref(), namespace_given, args.scope)
        .allow_empty_data(args.allow_empty_data)
        .default_namespace(Some(
            from_kubeconfig
                .as_deref()
                .unwrap_or(offseal_core::kubeconfig::DEFAULT_NAMESPACE),
        ))
        .check_names(false);

    if let Some(target) = &args.merge_into {
        let bytes = read_input("json/yaml k8s resource")?;
        // kubeseal rewrites the file in the -o format (JSON by default).
        merge_into(
            target,
            &bytes,
            source_name(args),
            &key,
            &options,
            Some(format),
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.raw {
        // Without any kubeconfig kubeseal has no namespace for --raw: it still asks for -n.
        let target = target::raw_target(
            args.scope.unwrap_or_default(),
            namespace_given.or(from_kubeconfig.as_deref()),
            args.name.as_deref(),
            target::Names::Warned,
        )?;
        let data = match args.from_file.as_slice() {
            [] => input::read_input(None, "a secret to encrypt", SECRET)?,
            [one] => {
                let path = input::from_file_path(one);
                input::read_input(Some(path), "a secret to encrypt", SECRET)?
            }
            _ => {
                bail!("must provide only one --from-file when encrypting a single item with --raw")
            }
        };
        let sealed = offseal_core::seal(&key, &target, &data)?;
        return write_out(sealed.as_bytes(), out);
    }
    let bytes = read_input("json/yaml k8s resource")?;
    let sealed = seal_all(&bytes, source_name(args), &key, &options)?;
    emit(write::Readers::Anyone, &sealed, format, out)?;
    Ok(ExitCode::SUCCESS)
}

fn source_name(args: &KubesealArgs) -> &str {
    args.secret_file.as_deref().unwrap_or("stdin")
}

/// kubeseal's `-o`: json or yaml, any case.
fn parse_format(format: &str) -> Result<Format> {
    match format.to_ascii_lowercase().as_str() {
        "json" | "" => Ok(Format::Json),
        "yaml" => Ok(Format::Yaml),
        _ => bail!("unsupported output format: {format}"),
    }
}

/// kubeseal opens a `--cert` file with Go's `os.Open`, whose message scripts match.
fn check_cert_file(cert: &str) -> Result<()> {
    let path = match fetch::classify(cert)? {
        fetch::CertSource::File("-") | fetch::CertSource::Http(_) => return Ok(()),
        fetch::CertSource::File(path) => std::path::PathBuf::from(path),
        fetch::CertSource::FileUrl(path) => std::path::PathBuf::from(path),
    };
    match std::fs::metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("open {}: no such file or directory", path.display())
        }
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            bail!("open {}: permission denied", path.display())
        }
        _ => Ok(()),
    }
}

/// Flags that only matter with a cluster connection (`--kubeconfig` and `--context` are read
/// for the namespace).
fn warn_ignored(args: &KubesealArgs) {
    let given = [
        ("--cluster", args.cluster.is_some()),
        ("--user", args.user.is_some()),
        ("--server", args.server.is_some()),
        ("--token", args.token.is_some()),
    ];
    for (flag, _) in given.iter().filter(|(_, set)| *set) {
        write::to_stderr(&format!(
            "warning: {flag} is ignored: offseal works offline and contacts no cluster"
        ));
    }
}

/// Bytes to `-w` (atomically) or stdout, as they are.
fn write_out(bytes: &[u8], out: Option<&str>) -> Result<ExitCode> {
    write::to(out, bytes, write::Readers::Anyone)?;
    Ok(ExitCode::SUCCESS)
}

/// `--recovery-unseal`: the Secrets the controller would make, with its owner reference.
fn recovery_unseal(
    args: &KubesealArgs,
    bytes: &[u8],
    format: Format,
    out: Option<&str>,
) -> Result<ExitCode> {
    let keys = input::unsealing_keys(&args.recovery_private_key)?;
    let sealed = manifest::read_sealed_secrets(bytes, source_name(args))?;
    let mut secrets =
        unseal_all(&sealed, &keys).map_err(|err| no_key_could_decrypt(err, &sealed, &keys))?;
    for (secret, sealed) in secrets.iter_mut().zip(&sealed) {
        if let Some(owner) = sealed.owner_reference() {
            secret.metadata.owner_references = Some(json!([owner]));
        }
    }
    // Recovered Secrets hold the plaintexts: readable by their owner only.
    emit(write::Readers::OwnerOnly, &secrets, format, out)?;
    Ok(ExitCode::SUCCESS)
}

/// The library's error in an error chain (a boxed source included).
fn core_error<'e>(cause: &'e (dyn std::error::Error + 'static)) -> Option<&'e offseal_core::Error> {
    cause.downcast_ref::<offseal_core::Error>().or_else(|| {
        cause
            .downcast_ref::<Box<offseal_core::Error>>()
            .map(AsRef::as_ref)
    })
}

/// kubeseal's message when no key opens some items (or none was given): "no key could decrypt
/// secret (a, b)", which scripts match; other errors pass through.
fn no_key_could_decrypt(
    err: anyhow::Error,
    sealed: &[SealedSecret],
    keys: &UnsealingKeys,
) -> anyhow::Error {
    let no_key = err.chain().any(|cause| {
        matches!(
            core_error(cause),
            Some(offseal_core::Error::NoKeyCouldDecrypt | offseal_core::Error::NoPrivateKeys)
        )
    });
    if !no_key {
        return err;
    }
    for sealed_secret in sealed {
        let failed: Vec<String> = sealed_secret
            .verify(keys)
            .into_iter()
            .filter(|(_, outcome)| {
                matches!(
                    outcome,
                    Outcome::Failed(
                        offseal_core::Error::NoKeyCouldDecrypt | offseal_core::Error::NoPrivateKeys
                    )
                )
            })
            .map(|(item, _)| item)
            .collect();
        if !failed.is_empty() {
            return anyhow!("no key could decrypt secret ({})", failed.join(", "));
        }
    }
    err
}
