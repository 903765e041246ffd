//! How commands report, per file: a line for people, a JSON object per line for programs
//! (`--json`), or nothing but errors (`--quiet`).
//!
//! One schema for every command: `version` (of this schema), `command`, `file`, `status`,
//! `error` when it failed, and fields of the command's own. The README documents it.

use serde_json::{Map, Value, json};

use crate::cli::OutputArgs;
use crate::write;

/// The schema's version; bump it when a field changes meaning or goes away.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// How to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Lines for people.
    Text,
    /// JSON Lines on stdout.
    Json,
    /// Only errors.
    Quiet,
}

impl From<OutputArgs> for Mode {
    fn from(args: OutputArgs) -> Self {
        if args.json {
            Mode::Json
        } else if args.quiet {
            Mode::Quiet
        } else {
            Mode::Text
        }
    }
}

/// One unit's result (a file, or a value of one).
#[derive(Debug, Clone)]
pub(crate) struct Report {
    /// The file.
    pub(crate) file: String,
    /// What happened, one word for machines: `changed`, `unchanged`, `ok`, `failed`, ...
    pub(crate) status: &'static str,
    /// The line for people.
    pub(crate) text: String,
    /// The command's own fields.
    pub(crate) fields: Map<String, Value>,
}

impl Report {
    pub(crate) fn new(file: &str, status: &'static str, text: String) -> Self {
        Report {
            file: file.to_owned(),
            status,
            text,
            fields: Map::new(),
        }
    }

    /// Adds a field of the command's own.
    #[must_use]
    pub(crate) fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.fields.insert(key.to_owned(), value.into());
        self
    }

    /// The JSON line for `command`.
    pub(crate) fn to_json(&self, command: &str) -> String {
        line(command, &self.file, self.status, None, &self.fields)
    }
}

/// The JSON line for a unit that failed with `error`.
pub(crate) fn failure(command: &str, file: &str, error: &str) -> String {
    line(command, file, "failed", Some(error), &Map::new())
}

fn line(
    command: &str,
    file: &str,
    status: &str,
    error: Option<&str>,
    fields: &Map<String, Value>,
) -> String {
    let mut object = Map::new();
    object.insert("version".into(), json!(SCHEMA_VERSION));
    object.insert("command".into(), json!(command));
    object.insert("file".into(), json!(file));
    object.insert("status".into(), json!(status));
    if let Some(error) = error {
        object.insert("error".into(), json!(error));
    }
    for (key, value) in fields {
        object.entry(key.clone()).or_insert_with(|| value.clone());
    }
    let mut text = Value::Object(object).to_string();
    text.push('\n');
    text
}

/// Writes JSON lines to stdout.
pub(crate) fn print_json(lines: &str) -> anyhow::Result<()> {
    write::to_stdout(lines.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_carries_the_common_fields_and_they_cannot_be_overridden() {
        let report = Report::new("a.yaml", "changed", "a.yaml: sealed".into())
            .with("status", "hijacked")
            .with("values", 2);
        let value: Value = serde_json::from_str(&report.to_json("values")).unwrap();
        assert_eq!(
            value,
            json!({"version": 1, "command": "values", "file": "a.yaml", "status": "changed", "values": 2})
        );
        let value: Value = serde_json::from_str(&failure("check", "b", "boom")).unwrap();
        assert_eq!(value["status"], "failed");
        assert_eq!(value["error"], "boom");
        assert!(failure("check", "b", "line\nbreak").ends_with("}\n"));
        assert_eq!(failure("check", "b", "x").lines().count(), 1);
    }
}
