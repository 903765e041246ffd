//! The command line: every subcommand, flag and help text.

use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

mod kubeseal;

pub(crate) use kubeseal::{KubesealArgs, KubesealCli};

/// The version, which RSA implementation this build uses, and what seeds AWS-LC's generator
/// (linked for TLS in every build): the OS when AWS-LC was built with
/// `AWS_LC_SYS_NO_JITTER_ENTROPY=1`, else its CPU-jitter source, which adds ~30 ms to each
/// process that draws from it (README "Install", BENCHMARKS.md). Tests check the build's.
fn version() -> &'static str {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    VERSION.get_or_init(|| {
        let rsa = if cfg!(feature = "aws-lc") {
            "aws-lc"
        } else {
            "rust"
        };
        // Reads AWS-LC's configuration; draws no random bytes.
        let entropy = match aws_lc_rs::try_fips_cpu_jitter_entropy() {
            Ok(()) => "CPU jitter",
            Err(_) => "OS",
        };
        format!(
            "{} (RSA: {rsa}; AWS-LC entropy: {entropy})",
            env!("CARGO_PKG_VERSION")
        )
    })
}

/// Seal secrets for the Bitnami sealed-secrets controller, offline: with only the
/// controller's public certificate, no cluster and no kubeconfig.
#[derive(Debug, Parser)]
#[command(name = "offseal", version = version(), max_term_width = 100)]
#[command(after_help = "Exit codes: 0 success; 1 error, or findings of check/verify; 2 bad usage.")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

// Deferred: each start builds only the subcommand that runs, not the whole tree. The `Args`
// structs here and in kubeseal.rs carry `//` comments, not doc comments: built late, a
// flattened struct's doc comment would replace the subcommand's own about (a test checks).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
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

    /// Seal Azure Key Vault credentials into Helm values files, in place (the main job).
    ///
    /// Seals the client id and secret into `external_secrets.keyvault_credentials` and writes
    /// the tenant id plain to `external_secrets.azure_tenant_id`, wherever the block sits;
    /// every other byte of the file stays as it was. A comment above `keyvault_credentials`
    /// records the target and certificate (nothing secret), so later runs need only --cert.
    ///
    /// Credentials, per part, from: --credentials (the JSON `az ad sp create-for-rbac` prints,
    /// with or without --sdk-auth), then --client-id / --tenant-id, then AZURE_CLIENT_ID,
    /// AZURE_CLIENT_SECRET and AZURE_TENANT_ID, then a hidden prompt on a terminal. The secret is
    /// never an argument. Without a tenant id from these, the file must already hold one (a
    /// GUID at azure_tenant_id).
    #[command(after_help = "Examples:
  az ad sp create-for-rbac -n app | offseal values values.yaml --cert controller.crt \\
      -n tenant-a --name azure-keyvault-credentials --credentials -
  AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... offseal values values.yaml --cert controller.crt")]
    Values(ValuesArgs),

    /// Seal (or, with --plain, write as is) one value at any path of a values file.
    ///
    /// The value is read from stdin, --from-file, or a hidden prompt on a terminal.
    #[command(after_help = "Example:
  printf '%s' \"$TOKEN\" | offseal set values.yaml app.token --cert controller.crt -n ns --name app")]
    Set(SetArgs),

    /// Lint values files without keys: plaintext, nothing or malformed data where a sealed
    /// value belongs, data sized for another key than --cert, a missing tenant id. Exit 1 on
    /// any problem.
    ///
    /// Made for pre-commit and CI: every value with an `# offseal:` comment must be sealed;
    /// files that are not values files (Helm templates, multi-document manifests) are noted
    /// and skipped; a chart's own values.yaml (beside Chart.yaml) may keep empty placeholders.
    Check(CheckArgs),

    /// Open every sealed value with the controller's private keys and report, per value,
    /// whether it opens for its target. Prints no plaintext. Exit 1 if any does not.
    ///
    /// Takes Helm values files (targets from provenance comments or the flags) and SealedSecret
    /// manifests (targets from their own metadata, as the controller does).
    Verify(VerifyArgs),

    /// Seal Secret manifests (YAML or JSON, several documents) into SealedSecrets, as kubeseal.
    ///
    /// `data` (base64) and `stringData` items are each sealed; the output is shaped like
    /// kubeseal's. YAML by default; JSON with -o json or a -w name ending in .json.
    #[command(
        after_help = "Examples:\n  offseal seal --cert controller.crt -f secret.yaml -w sealed.yaml\n  kubectl create secret generic app -n ns --from-literal=k=v --dry-run=client -o yaml | offseal seal --cert controller.crt\n  offseal seal --cert controller.crt -f more.yaml --merge-into sealed.yaml"
    )]
    Seal(SealArgs),

    /// Offline rotation: open every sealed value with the old private keys and seal it again
    /// for a new certificate and, if given, a new target.
    ///
    /// Works on Helm values files (targets from their provenance comments) and SealedSecret
    /// manifests (targets from their metadata) alike. Each file changes as a whole or not at
    /// all; prints counts, never a plaintext.
    #[command(
        after_help = "Examples:\n  offseal reseal values/*.yaml --recovery-private-key old-keys.yaml --cert new.crt\n  offseal reseal sealed.yaml --recovery-private-key k.pem --cert new.crt --namespace renamed"
    )]
    Reseal(ResealArgs),

    /// kubeseal's own command line, offline (also when this binary is invoked as `kubeseal`).
    ///
    /// Takes kubeseal's flags and SEALED_SECRETS_* variables with kubeseal's defaults and
    /// messages (JSON output by default). Flags that need a cluster say so and name the
    /// offline way.
    #[command(disable_help_flag = true)]
    Kubeseal(KubesealArgs),

    /// Show what a certificate is, whether it can be used today, and its fingerprint.
    Cert(CertArgs),

    /// Show which rule of which .offseal.yaml each file matches, and the certificate, pins and
    /// target it gives. For debugging a policy's path_regex.
    ///
    /// The policy file is found by walking up from each file's directory; a rule's path_regex
    /// is matched against the file's path relative to the policy file's directory.
    #[command(after_help = "Example:\n  offseal policy tenants/*/values.yaml")]
    Policy(PolicyArgs),

    /// Print a shell completion script.
    #[command(after_help = "Examples:
  offseal completions bash > ~/.local/share/bash-completion/completions/offseal
  offseal completions zsh > \"${fpath[1]}/_offseal\"
  offseal completions fish > ~/.config/fish/completions/offseal.fish")]
    Completions(CompletionsArgs),

    /// Print the man page (roff).
    #[command(after_help = "Example:\n  offseal man > ~/.local/share/man/man1/offseal.1")]
    Man,
}

#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    /// Files to resolve (they need not exist).
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<String>,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

// Where the controller's certificate comes from.
#[derive(Debug, Args)]
pub(crate) struct CertSource {
    /// The controller's certificate (PEM or DER, or a bare PUBLIC KEY): a file, - for stdin, or
    /// an http(s):// or file:// URL such as https://sealed-secrets.example.com/v1/cert.pem.
    #[arg(long, value_name = "FILE|URL", env = "SEALED_SECRETS_CERT")]
    pub(crate) cert: String,
}

// Where the certificate comes from for commands that follow a repository policy.
#[derive(Debug, Args)]
pub(crate) struct PolicyCertArgs {
    /// The controller's certificate (PEM or DER, or a bare PUBLIC KEY): a file, - for stdin, or
    /// an http(s):// or file:// URL such as https://sealed-secrets.example.com/v1/cert.pem.
    /// Default: the matching rule of a .offseal.yaml policy, then $SEALED_SECRETS_CERT.
    #[arg(long, value_name = "FILE|URL")]
    pub(crate) cert: Option<String>,

    /// Refuse a certificate whose fingerprint is not this one (`SHA256:...`, as `offseal cert`
    /// prints it). Repeat it, or separate with commas, to allow several during a key rotation.
    /// Replaces a policy rule's `fingerprint`.
    #[arg(long, value_name = "SHA256:...", value_delimiter = ',')]
    pub(crate) cert_fingerprint: Vec<String>,
}

impl PolicyCertArgs {
    /// The certificate the flag or `SEALED_SECRETS_CERT` names, before any policy.
    pub(crate) fn flag_or_variable(&self) -> Option<String> {
        self.cert
            .clone()
            .or_else(|| std::env::var("SEALED_SECRETS_CERT").ok())
            .filter(|c| !c.is_empty())
    }
}

// How a command reports: text for people, JSON Lines for programs, or only errors.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct OutputArgs {
    /// Print one JSON object per line to stdout, one per file (per value for verify), in the
    /// schema the README documents (`"version": 1`).
    #[arg(long)]
    pub(crate) json: bool,

    /// Print nothing on success; only errors (and check's findings).
    #[arg(short = 'q', long, conflicts_with = "json")]
    pub(crate) quiet: bool,
}

// What a value is sealed for.
#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// Namespace of the Secret the value is for (needed by strict and namespace-wide).
    #[arg(short = 'n', long, value_name = "NS", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) namespace: Option<String>,

    /// Name of the Secret the value is for (needed by strict).
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) name: Option<String>,

    /// Who may open the value: exactly namespace/name (strict, the default), any Secret in
    /// the namespace, or any Secret in the cluster.
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub(crate) scope: Option<ScopeArg>,
}

impl TargetArgs {
    /// Whether any target flag was given.
    pub(crate) fn any(&self) -> bool {
        self.namespace.is_some() || self.name.is_some() || self.scope.is_some()
    }
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

    /// Seal an empty value. Without it an empty value is refused: it is nearly always a
    /// command feeding stdin that failed.
    #[arg(long)]
    pub(crate) allow_empty: bool,
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

// How results are written by commands that edit values files.
#[derive(Debug, Args)]
pub(crate) struct WriteArgs {
    /// Print a unified diff (ciphertexts shortened) and change nothing.
    #[arg(long, conflicts_with = "output")]
    pub(crate) dry_run: bool,

    /// Write the result to this file (- for stdout) instead of editing the input in place.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(crate) output: Option<String>,

    /// Do not write the provenance comment (and remove an old one).
    #[arg(long)]
    pub(crate) no_provenance: bool,

    #[command(flatten)]
    pub(crate) report: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ValuesArgs {
    /// Helm values file(s) to edit in place.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<String>,

    #[command(flatten)]
    pub(crate) cert: PolicyCertArgs,

    /// What the credentials are sealed for. Default: the matching .offseal.yaml rule, then the
    /// file's provenance comment.
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    /// Path of the `external_secrets` mapping (such as `tenant.external_secrets`); default: the
    /// one in the file, or a new one at the top level. `\.` escapes a dot in a key.
    #[arg(long, value_name = "PATH")]
    pub(crate) at: Option<String>,

    /// The JSON that `az ad sp create-for-rbac` or `az ad sp credential reset` prints
    /// (`appId`, `password`, `tenant`), or the --sdk-auth form GitHub's AZURE_CREDENTIALS holds
    /// (`clientId`, `clientSecret`, `tenantId`), from a file or - for stdin (not with --cert -).
    #[arg(long, value_name = "FILE")]
    pub(crate) credentials: Option<String>,

    /// The application (client) id; not secret.
    #[arg(long, value_name = "ID", conflicts_with = "credentials")]
    pub(crate) client_id: Option<String>,

    /// The tenant id, written plain; not secret. Needed unless the credentials JSON,
    /// AZURE_TENANT_ID or the file (a GUID at azure_tenant_id) give it.
    #[arg(long, value_name = "ID", conflicts_with = "credentials")]
    pub(crate) tenant_id: Option<String>,

    #[command(flatten)]
    pub(crate) write: WriteArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The Helm values file to edit in place.
    #[arg(value_name = "FILE")]
    pub(crate) file: String,

    /// Dotted path of the value, such as `app.db.password` (`\.` escapes a dot in a key).
    #[arg(value_name = "PATH")]
    pub(crate) path: String,

    /// The certificate (not needed with --plain).
    #[command(flatten)]
    pub(crate) cert: PolicyCertArgs,

    /// What the value is sealed for. Default: the matching .offseal.yaml rule, then the
    /// provenance comment at or above PATH.
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    /// Read the value from this file instead of stdin.
    #[arg(long, value_name = "FILE")]
    pub(crate) from_file: Option<String>,

    /// Write the value as is, not sealed (it must be UTF-8 text).
    #[arg(long)]
    pub(crate) plain: bool,

    /// Remove one trailing newline (\n or \r\n) from the value.
    #[arg(long)]
    pub(crate) trim_newline: bool,

    /// Set an empty value. Without it an empty value is refused and the file left alone: it
    /// is nearly always a command feeding stdin that failed (`vault read ... | offseal set`).
    #[arg(long)]
    pub(crate) allow_empty: bool,

    #[command(flatten)]
    pub(crate) write: WriteArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Helm values file(s) to check.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<String>,

    /// The certificate to check values against: they must fit its key (its dates do not matter
    /// here), and values sealed with another are noted. Also from a .offseal.yaml rule (a
    /// file; check never fetches a rule's URL) or $SEALED_SECRETS_CERT.
    #[command(flatten)]
    pub(crate) cert: PolicyCertArgs,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Helm values files and SealedSecret manifests to verify.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<String>,

    /// The controller's private key(s): PEM, a key Secret, or a List backup.
    #[arg(long, value_name = "FILE", value_delimiter = ',', required = true)]
    pub(crate) recovery_private_key: Vec<PathBuf>,

    /// The target to open values for. Default: the matching .offseal.yaml rule, then each
    /// value's provenance comment.
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SealArgs {
    #[command(flatten)]
    pub(crate) cert: CertSource,

    /// Secret manifest(s) to seal; default stdin.
    #[arg(short = 'f', long = "secret-file", value_name = "FILE")]
    pub(crate) file: Option<String>,

    /// Write the SealedSecrets to this file (atomically) instead of stdout; a .yaml/.yml name
    /// means YAML, .json JSON.
    #[arg(
        short = 'w',
        long = "sealed-secret-file",
        value_name = "FILE",
        conflicts_with = "merge_into"
    )]
    pub(crate) output: Option<String>,

    /// Output format [default: yaml].
    #[arg(short = 'o', long = "format", value_enum)]
    pub(crate) format: Option<FormatArg>,

    /// Override the Secret's name and namespace, or set its scope (only a scope other than
    /// strict rewrites the input's scope annotations, as kubeseal).
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    /// Seal a Secret that has no data.
    #[arg(long)]
    pub(crate) allow_empty_data: bool,

    #[command(flatten)]
    pub(crate) report: OutputArgs,

    /// Seal into this existing SealedSecret file: its name and namespace are used, its items,
    /// template labels and annotations updated, and the file rewritten in its own format.
    #[arg(long, value_name = "FILE")]
    pub(crate) merge_into: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ResealArgs {
    /// Helm values files and SealedSecret manifests to reseal in place.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<String>,

    /// The old private key(s) that open the values now.
    #[arg(long, value_name = "FILE", value_delimiter = ',', required = true)]
    pub(crate) recovery_private_key: Vec<PathBuf>,

    /// The new certificate.
    #[command(flatten)]
    pub(crate) cert: PolicyCertArgs,

    /// A new target; each part given replaces the old one's. Values without a provenance
    /// comment are opened for this target too.
    #[command(flatten)]
    pub(crate) target: TargetArgs,

    #[command(flatten)]
    pub(crate) write: WriteArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CertArgs {
    /// The certificate: a file (PEM or DER) or an http(s):// or file:// URL; default
    /// $SEALED_SECRETS_CERT.
    #[arg(value_name = "CERT", env = "SEALED_SECRETS_CERT")]
    pub(crate) cert: String,

    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::{Cli, KubesealCli};

    #[test]
    fn both_command_lines_pass_clap_s_own_checks() {
        Cli::command().debug_assert();
        KubesealCli::command().debug_assert();
    }

    #[test]
    fn subcommands_built_late_keep_their_own_about() {
        let text = |s: Option<&clap::builder::StyledStr>| s.map(ToString::to_string);
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            let about = text(sub.get_about());
            assert!(about.is_some(), "`offseal {name}` has no about");
            let mut built = sub.clone();
            built.build();
            assert_eq!(text(built.get_about()), about, "about of `offseal {name}`");
            assert_eq!(
                text(built.get_long_about()),
                text(sub.get_long_about()),
                "long about of `offseal {name}`"
            );
        }
    }
}
