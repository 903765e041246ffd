//! The command line: every subcommand, flag and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Seal secrets for the Bitnami sealed-secrets controller, offline: with only the
/// controller's public certificate, no cluster and no kubeconfig.
#[derive(Debug, Parser)]
#[command(name = "offseal", version, max_term_width = 100)]
#[command(after_help = "Exit codes: 0 success; 1 error, or findings of check/verify; 2 bad usage.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Seal one value and print it as base64, like `kubeseal --raw`.
    ///
    /// The value is read from stdin or --from-file and sealed exactly as read: a trailing
    /// newline is sealed too (offseal warns; use `printf`, not `echo`, or --trim-newline).
    /// The result has no trailing newline.
    #[command(
        after_help = "Example:\n  printf '%s' \"$VALUE\" | offseal raw --cert controller.crt -n tenant-a --name creds"
    )]
    Raw(RawArgs),

    /// Open SealedSecrets (or one raw value) with the controller's private keys.
    ///
    /// For recovery: prints the Secrets the controller would create, with the plaintexts as
    /// base64 `data`. With --raw, opens one sealed value and prints its plaintext bytes.
    #[command(
        after_help = "Examples:\n  offseal unseal --recovery-private-key backup.yaml -f sealed.yaml\n  printf '%s' \"$SEALED\" | offseal unseal --raw --recovery-private-key k.pem -n ns --name app"
    )]
    Unseal(UnsealArgs),

    /// Show what a certificate is, whether it can be used today, and its fingerprint.
    Cert(CertArgs),
}

/// Where the controller's certificate comes from.
#[derive(Debug, Args)]
pub(crate) struct CertSource {
    /// The controller's certificate (PEM or DER, or a bare PUBLIC KEY): a file, or - for stdin.
    #[arg(long, value_name = "FILE", env = "SEALED_SECRETS_CERT")]
    pub(crate) cert: String,
}

/// What a value is sealed for.
#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// Namespace of the Secret the value is for (needed by strict and namespace-wide).
    #[arg(short = 'n', long, value_name = "NS")]
    pub(crate) namespace: Option<String>,

    /// Name of the Secret the value is for (needed by strict).
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// Who may open the value: exactly namespace/name, any Secret in the namespace, or any
    /// Secret in the cluster.
    #[arg(long, value_enum, value_name = "SCOPE", default_value_t = ScopeArg::Strict)]
    pub(crate) scope: ScopeArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScopeArg {
    /// Only a Secret with this namespace and name (the default).
    Strict,
    /// Any Secret in this namespace.
    NamespaceWide,
    /// Any Secret in any namespace.
    ClusterWide,
}

impl From<ScopeArg> for offseal_core::Scope {
    fn from(scope: ScopeArg) -> Self {
        match scope {
            ScopeArg::Strict => offseal_core::Scope::Strict,
            ScopeArg::NamespaceWide => offseal_core::Scope::NamespaceWide,
            ScopeArg::ClusterWide => offseal_core::Scope::ClusterWide,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct RawArgs {
    #[command(flatten)]
    pub(crate) cert: CertSource,

    #[command(flatten)]
    pub(crate) target: TargetArgs,

    /// Read the value from this file instead of stdin (`key=FILE` is accepted, as kubeseal;
    /// the key is ignored).
    #[arg(long, value_name = "FILE")]
    pub(crate) from_file: Option<String>,

    /// Remove one trailing newline (\n or \r\n) from the value before sealing it.
    #[arg(long)]
    pub(crate) trim_newline: bool,
}

#[derive(Debug, Args)]
pub(crate) struct UnsealArgs {
    /// The controller's private key(s): PEM (PKCS#1 or PKCS#8), a key Secret, or a List backup
    /// (`kubectl get secret -n kube-system -l sealedsecrets.bitnami.com/sealed-secrets-key -o yaml`).
    #[arg(long, value_name = "FILE", value_delimiter = ',', required = true)]
    pub(crate) recovery_private_key: Vec<PathBuf>,

    /// Open one raw sealed value (base64) instead of SealedSecret manifests.
    #[arg(long)]
    pub(crate) raw: bool,

    /// SealedSecret manifest(s) to open (YAML or JSON); default stdin.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "raw"
    )]
    pub(crate) file: Option<PathBuf>,

    /// Output format for the Secrets.
    #[arg(short = 'o', long = "format", value_enum, default_value_t = FormatArg::Yaml, conflicts_with = "raw")]
    pub(crate) format: FormatArg,

    /// With --raw: read the sealed value from this file instead of stdin.
    #[arg(long, value_name = "FILE", requires = "raw")]
    pub(crate) from_file: Option<String>,

    /// With --raw: what the value was sealed for.
    #[command(flatten)]
    pub(crate) target: TargetArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// YAML, keys sorted, each document after `---`.
    Yaml,
    /// JSON as kubeseal writes it.
    Json,
}

impl From<FormatArg> for offseal_core::manifest::Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Yaml => offseal_core::manifest::Format::Yaml,
            FormatArg::Json => offseal_core::manifest::Format::Json,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct CertArgs {
    /// The certificate file (PEM or DER); default $SEALED_SECRETS_CERT.
    #[arg(value_name = "CERT", env = "SEALED_SECRETS_CERT")]
    pub(crate) cert: String,

    /// Print a JSON report instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}
