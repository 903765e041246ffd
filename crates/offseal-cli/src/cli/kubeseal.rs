//! kubeseal's own command line (v0.36), offline: its flags, defaults and `SEALED_SECRETS_*`
//! variables, kept apart so that offseal's flags and kubeseal's contract change independently.

use clap::{Args, Parser};

// kubeseal's flags, as kubeseal v0.36 defines them.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct KubesealArgs {
    /// Certificate / public key file/URL to use for encryption. Overrides --controller-*
    #[arg(long, env = "SEALED_SECRETS_CERT", value_name = "CERT")]
    pub(crate) cert: Option<String>,
    /// Namespace of sealed-secrets controller (needs a cluster; ignored with --cert).
    #[arg(
        long,
        env = "SEALED_SECRETS_CONTROLLER_NAMESPACE",
        default_value = "kube-system"
    )]
    pub(crate) controller_namespace: String,
    /// Name of sealed-secrets controller (needs a cluster; ignored with --cert).
    #[arg(
        long,
        env = "SEALED_SECRETS_CONTROLLER_NAME",
        default_value = "sealed-secrets-controller"
    )]
    pub(crate) controller_name: String,
    /// Output format for sealed secret. Either json or yaml
    #[arg(
        short = 'o',
        long,
        env = "SEALED_SECRETS_FORMAT",
        default_value = "json"
    )]
    pub(crate) format: String,
    /// Sealed-secret (output) file
    #[arg(short = 'w', long, env = "SEALED_SECRETS_SEALED_SECRET_FILE")]
    pub(crate) sealed_secret_file: Option<String>,
    /// Secret (input) file
    #[arg(short = 'f', long, env = "SEALED_SECRETS_SECRET_FILE")]
    pub(crate) secret_file: Option<String>,
    /// Write certificate to stdout. Useful for later use with --cert
    #[arg(long, env = "SEALED_SECRETS_FETCH_CERT", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) fetch_cert: bool,
    /// Allow empty data in the secret object
    #[arg(long, env = "SEALED_SECRETS_ALLOW_EMPTY_DATA", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) allow_empty_data: bool,
    /// Print version information and exit
    #[arg(long, value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) version: bool,
    /// Validate that the sealed secret can be decrypted (needs a cluster)
    #[arg(long, env = "SEALED_SECRETS_VALIDATE", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) validate: bool,
    /// Merge items from secret into an existing sealed secret file, updating the file in-place instead of writing to stdout.
    #[arg(long, env = "SEALED_SECRETS_MERGE_INTO")]
    pub(crate) merge_into: Option<String>,
    /// Encrypt a raw value passed via the --from-* flags instead of the whole secret object
    #[arg(long, env = "SEALED_SECRETS_RAW", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) raw: bool,
    /// Name of the sealed secret (required with --raw and default (strict) scope)
    #[arg(long, env = "SEALED_SECRETS_NAME")]
    pub(crate) name: Option<String>,
    /// (only with --raw) Secret items can be sourced from files. Pro-tip: you can use /dev/stdin to read pipe input. This flag tries to follow the same syntax as in kubectl
    #[arg(long, env = "SEALED_SECRETS_FROM_FILE", value_delimiter = ',')]
    pub(crate) from_file: Vec<String>,
    /// Path to a kube config: read only for the namespace of a Secret that declares none (no cluster is contacted)
    #[arg(long, env = "SEALED_SECRETS_KUBECONFIG")]
    pub(crate) kubeconfig: Option<String>,
    /// Set the scope of the sealed secret: strict, namespace-wide, cluster-wide (defaults to strict).
    #[arg(long, env = "SEALED_SECRETS_SCOPE", value_parser = parse_kubeseal_scope)]
    pub(crate) scope: Option<offseal_core::Scope>,
    /// Re-encrypt the given sealed secret to use the latest cluster key (needs a cluster).
    #[arg(long, alias = "rotate", env = "SEALED_SECRETS_RE_ENCRYPT", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) re_encrypt: bool,
    /// Decrypt a sealed secrets file obtained from stdin, using the private key passed with --recovery-private-key.
    #[arg(long, env = "SEALED_SECRETS_RECOVERY_UNSEAL", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub(crate) recovery_unseal: bool,
    /// Private key filename used by the --recovery-unseal command. Multiple files accepted either via comma separated list or by repetition of the flag.
    #[arg(
        long,
        env = "SEALED_SECRETS_RECOVERY_PRIVATE_KEY",
        value_delimiter = ','
    )]
    pub(crate) recovery_private_key: Vec<String>,
    /// If present, the namespace scope for this CLI request
    #[arg(short = 'n', long, env = "SEALED_SECRETS_NAMESPACE")]
    pub(crate) namespace: Option<String>,
    /// The kubeconfig context whose namespace a Secret without one gets (default: the current context)
    #[arg(long)]
    pub(crate) context: Option<String>,
    /// kubectl connection flags: accepted so scripts run, but they need a cluster.
    #[arg(long, hide = true)]
    pub(crate) cluster: Option<String>,
    #[arg(long, hide = true)]
    pub(crate) user: Option<String>,
    #[arg(short = 's', long, hide = true)]
    pub(crate) server: Option<String>,
    #[arg(long, hide = true)]
    pub(crate) token: Option<String>,
    /// Print help
    #[arg(short = 'h', long, action = clap::ArgAction::Help)]
    pub(crate) help: Option<bool>,
}

/// kubeseal's `--scope` values; "" is the default (strict).
fn parse_kubeseal_scope(value: &str) -> Result<offseal_core::Scope, String> {
    if value.is_empty() {
        return Ok(offseal_core::Scope::Strict);
    }
    value
        .parse()
        .map_err(|_| "must be one of: strict, namespace-wide, cluster-wide".to_owned())
}

/// The command line when this binary runs as `kubeseal`.
#[derive(Debug, Parser)]
#[command(name = "kubeseal", disable_help_flag = true, max_term_width = 100)]
#[command(
    about = "kubeseal, offline (offseal): seal secrets with the controller's certificate, no cluster needed"
)]
pub(crate) struct KubesealCli {
    #[command(flatten)]
    pub(crate) args: KubesealArgs,
}
