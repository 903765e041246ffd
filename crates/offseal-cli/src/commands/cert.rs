//! `offseal cert`: what a certificate is and whether it can be used today.

use std::process::ExitCode;
use std::time::SystemTime;

use crate::cli::CertArgs;
use crate::report::{Mode, Report, print_json};
use crate::{input, write};
use anyhow::Result;
use offseal_core::{Certificate, Validity};

pub(crate) fn run(args: &CertArgs) -> Result<ExitCode> {
    let cert = input::certificate(&args.cert)?;
    let now = SystemTime::now();
    let validity = cert.validity_at(now);
    if let Some(warning) = cert.warning_at(now) {
        write::to_stderr(&format!("warning: {warning}"));
    }
    match Mode::from(args.output) {
        Mode::Json => print_json(&report(&args.cert, &cert, validity).to_json("cert"))?,
        Mode::Text => write::to_stdout(text(&cert, validity).as_bytes())?,
        Mode::Quiet => {}
    }
    // Usable or not is the answer scripts want: exit 1 when sealing would be refused.
    match cert.sealing_key(now) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(err) => {
            write::to_stderr(&format!("error: {err}"));
            Ok(ExitCode::FAILURE)
        }
    }
}

fn status(validity: Validity) -> &'static str {
    match validity {
        Validity::Valid => "valid: can seal today",
        Validity::Expired => "EXPIRED: sealing is refused",
        Validity::NotYetValid => "NOT YET VALID (see not before): sealing works, with a warning",
        Validity::Unknown | _ => "a bare public key: no validity to check",
    }
}

fn text(cert: &Certificate, validity: Validity) -> String {
    let mut out = format!("certificate: {}\n", cert.source_name());
    if let Some(info) = cert.info() {
        let or_empty = |s: &str| {
            if s.is_empty() {
                "(empty)".to_owned()
            } else {
                s.to_owned()
            }
        };
        out += &format!("subject:     {}\n", or_empty(&info.subject));
        out += &format!("issuer:      {}\n", or_empty(&info.issuer));
        out += &format!("serial:      {}\n", info.serial);
        out += &format!("not before:  {}\n", info.not_before);
        out += &format!("not after:   {}\n", info.not_after);
    }
    out += &format!("status:      {}\n", status(validity));
    out += &format!("key:         RSA {} bits\n", cert.bits());
    out += &format!("fingerprint: {}\n", cert.fingerprint());
    out
}

/// The certificate's JSON line; `status` says whether it can seal today.
fn report(source: &str, cert: &Certificate, validity: Validity) -> Report {
    let info = cert.info();
    let status = match validity {
        Validity::Valid => "valid",
        Validity::Expired => "expired",
        Validity::NotYetValid => "not-yet-valid",
        Validity::Unknown | _ => "no-validity",
    };
    Report::new(source, status, String::new())
        .with("source", cert.source_name())
        .with("subject", info.map(|i| i.subject.clone()))
        .with("issuer", info.map(|i| i.issuer.clone()))
        .with("serial", info.map(|i| i.serial.clone()))
        .with("not_before", info.map(|i| i.not_before.to_string()))
        .with("not_after", info.map(|i| i.not_after.to_string()))
        .with("usable", !matches!(validity, Validity::Expired))
        .with("algorithm", "RSA")
        .with("bits", cert.bits())
        .with("fingerprint", cert.fingerprint())
}
