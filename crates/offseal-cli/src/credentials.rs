//! Gathering Azure credentials for `offseal values`, never from a command-line argument.

use std::io::{BufRead as _, IsTerminal as _, Read as _, Write as _};

use anyhow::{Context, Result, anyhow, bail};
use offseal_core::Error;
use offseal_core::azure::{AzCredentials, Credentials};
use offseal_core::secrecy::SecretString;

use crate::cli::ValuesArgs;
use crate::input;

/// Refuses, before anything is read, a command line on which two inputs ask for stdin: the
/// first would read it to its end and leave the second nothing.
pub(crate) fn refuse_stdin_twice(args: &ValuesArgs) -> Result<()> {
    // A values file is read from stdin only when it is not edited in place.
    let file_from_stdin =
        (args.write.dry_run || args.write.output.is_some()) && args.files.iter().any(|f| f == "-");
    input::refuse_stdin_twice(&[
        (args.credentials.as_deref() == Some("-"), "--credentials -"),
        (
            args.cert.flag_or_variable().as_deref() == Some("-"),
            "--cert -",
        ),
        (file_from_stdin, "the values file -"),
    ])
}

/// Per part, first found wins: --credentials JSON, then --client-id / --tenant-id, then the
/// Azure SDK environment variables, then (on a terminal) a prompt. The tenant id may be left
/// to the values file (see [`explain`]).
pub(crate) fn gather(args: &ValuesArgs) -> Result<Credentials> {
    let az = match &args.credentials {
        Some(source) => {
            let shown = if source == "-" { "stdin" } else { source };
            let bytes = input::read_input(
                Some(source),
                "the JSON of `az ad sp create-for-rbac`",
                input::Limit::CREDENTIALS,
            )?;
            AzCredentials::from_json(&bytes).with_context(|| format!("cannot read {shown}"))?
        }
        None => AzCredentials::default(),
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    // A prompt needs a terminal that is not already feeding --credentials -.
    let can_prompt = std::io::stdin().is_terminal() && args.credentials.as_deref() != Some("-");

    let client_id = match az
        .app_id
        .or_else(|| args.client_id.clone().map(SecretString::from))
        .or_else(|| env("AZURE_CLIENT_ID").map(SecretString::from))
    {
        Some(id) => id,
        None if can_prompt => SecretString::from(prompt_line("client id (application id): ")?),
        None => bail!(missing("client id", "--client-id ID or AZURE_CLIENT_ID")),
    };
    let client_secret = match az
        .password
        .or_else(|| env("AZURE_CLIENT_SECRET").map(SecretString::from))
    {
        Some(secret) => secret,
        None if can_prompt => SecretString::from(
            rpassword::prompt_password("client secret (hidden): ")
                .context("cannot read the client secret from the terminal")?,
        ),
        None => bail!(missing("client secret", "AZURE_CLIENT_SECRET")),
    };
    let tenant_id = az
        .tenant
        .or_else(|| args.tenant_id.clone())
        .or_else(|| env("AZURE_TENANT_ID"));
    Ok(Credentials::new(client_id, client_secret, tenant_id)?)
}

/// Adds where a tenant id can be given to the error saying that neither the credentials nor
/// the file hold one; other errors pass through.
pub(crate) fn explain(error: anyhow::Error) -> anyhow::Error {
    match error.downcast_ref::<Error>() {
        Some(no_tenant @ Error::NoTenantId { .. }) => anyhow!(
            "{no_tenant}; give it with --tenant-id ID or AZURE_TENANT_ID, or in the --credentials \
             JSON (`tenant`, or `tenantId` from --sdk-auth)"
        ),
        _ => error,
    }
}

fn missing(what: &str, how: &str) -> String {
    format!(
        "no {what}: give it with {how}, or pass --credentials FILE|- (the JSON `az ad sp \
         create-for-rbac` prints, or its --sdk-auth form), or run on a terminal to be prompted"
    )
}

/// A visible one-line prompt on stderr, answered on the terminal.
fn prompt_line(prompt: &str) -> Result<String> {
    let mut stderr = std::io::stderr().lock();
    // Ignored: the prompt is a courtesy, and the answer is read either way.
    let _ = stderr
        .write_all(prompt.as_bytes())
        .and_then(|()| stderr.flush());
    let mut line = String::new();
    // A line typed at a terminal; a bounded read, should stdin be something endless.
    std::io::stdin()
        .lock()
        .take(4096)
        .read_line(&mut line)
        .context("cannot read from the terminal")?;
    Ok(line.trim().to_owned())
}
