//! Writing scalars: when plain style is safe, and double-quoted escaping.
//!
//! Helm reads values with go-yaml, which resolves plain scalars much like YAML 1.1. A string is
//! only written plain when every YAML 1.1 or 1.2 reader takes it for that same string.

use std::fmt::Write as _;

/// Plain scalars that YAML 1.1 or 1.2 readers resolve to something other than a string
/// (compared case-insensitively).
const SPECIAL: &[&str] = &[
    "~", "null", "y", "n", "yes", "no", "on", "off", "true", "false", "<<", "=", ".inf", "+.inf",
    "-.inf", ".nan",
];

/// Characters that may not start a plain scalar (some may in YAML 1.2, but not everywhere).
const INDICATORS: &str = "-?:,[]{}#&*!|>'\"%@`";

/// Whether `value` can be written as a plain scalar, in block or flow context, and read back
/// as the same string by YAML 1.1 and 1.2 readers.
pub(crate) fn plain_safe(value: &str) -> bool {
    plain_syntax_ok(value) && resolves_as_string(value)
}

/// Whether the characters of `value` allow a one-line plain scalar in any context.
fn plain_syntax_ok(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if INDICATORS.contains(first) || value.starts_with(' ') || value.ends_with(' ') {
        return false;
    }
    if value.starts_with("...") || value.contains(": ") || value.contains(" #") {
        return false;
    }
    if value.ends_with(':') {
        return false;
    }
    value
        .chars()
        .all(|c| c == ' ' || !needs_escape(c) && !c.is_whitespace() && !",[]{}".contains(c))
}

/// Whether a plain scalar with this text is a string (not null, bool, number, date or merge
/// key) for YAML 1.1 and 1.2 readers.
pub(crate) fn resolves_as_string(value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    !SPECIAL.contains(&lower.as_str()) && !number_like(value)
}

/// Generously recognises ints (decimal, `0x`, `0o`, `0b`, leading-zero octal, `1_000`), floats
/// (`1.5`, `.5`, `1e3`), sexagesimal numbers (`12:30`) and dates/timestamps (`2001-12-14...`).
fn number_like(value: &str) -> bool {
    let t = value.strip_prefix(['+', '-']).unwrap_or(value);
    if t.is_empty() {
        return false;
    }
    let bytes = t.as_bytes();
    if let (Some(b'0'), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B'), Some(rest)) =
        (bytes.first(), bytes.get(1), bytes.get(2..))
        && !rest.is_empty()
        && rest.iter().all(|b| b.is_ascii_hexdigit() || *b == b'_')
    {
        return true;
    }
    if bytes.iter().any(u8::is_ascii_digit)
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || b"_.:eE+-".contains(b))
    {
        return true;
    }
    // Dates and timestamps: four digits and a dash, whatever follows.
    matches!(bytes.get(..5), Some([a, b, c, d, b'-']) if [a, b, c, d].iter().all(|x| x.is_ascii_digit()))
}

/// Characters that are always escaped in double quotes and never written plain: controls
/// (including tab and line breaks), DEL, C1 controls (including NEL), the byte order mark,
/// the line and paragraph separators, and the non-characters U+FFFE and U+FFFF.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// `value` as a one-line double-quoted scalar.
pub(crate) fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` plain when that is safe, double-quoted otherwise.
pub(crate) fn plain_or_quoted(value: &str) -> (String, bool) {
    if plain_safe(value) {
        (value.to_owned(), true)
    } else {
        (double_quoted(value), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_safe_accepts_ordinary_strings() {
        for ok in [
            "d93d3d23-50e3-46db-b3ad-8c6c281b431e",
            "AgB4xk+/Q9==",
            "+abc",
            "/etc/x",
            "hello world",
            "a:b",
            "a#b",
            "ünïcødé ✓",
            "x=1",
            "1234abcd",
            "e",
            "yesterday",
            "nullable",
            "0xZZ",
            "a'b\"c",
            "v1.2.3-beta",
        ] {
            assert!(plain_safe(ok), "{ok:?} should be plain-safe");
        }
    }

    #[test]
    fn plain_safe_rejects_specials_numbers_and_syntax() {
        for bad in [
            "",
            "~",
            "null",
            "NULL",
            "Null",
            "y",
            "Y",
            "n",
            "yes",
            "Yes",
            "YES",
            "no",
            "No",
            "on",
            "ON",
            "off",
            "Off",
            "true",
            "True",
            "FALSE",
            "<<",
            "=",
            ".inf",
            "-.Inf",
            "+.INF",
            ".nan",
            ".NaN",
            "0777",
            "0x1F",
            "0o17",
            "0b101",
            "1e3",
            "1E-3",
            ".5",
            "-.5",
            "+1",
            "1_000",
            "12:30",
            "190:20:30.15",
            "123456",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "1.5",
            "1.",
            "- a",
            "-a",
            "?a",
            ":a",
            "a: b",
            "a #b",
            "a:",
            " a",
            "a ",
            "#a",
            "&a",
            "*a",
            "!a",
            "|a",
            ">a",
            "'a",
            "\"a",
            "%a",
            "@a",
            "`a",
            "a,b",
            "a[b",
            "a]b",
            "a{b",
            "a}b",
            "[a]",
            "{a}",
            "a\tb",
            "a\nb",
            "a\rb",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{2029}b",
            "a\u{feff}b",
            "a\u{7f}b",
            "a\u{a0}b",
            "...a",
            "---",
        ] {
            assert!(!plain_safe(bad), "{bad:?} should not be plain-safe");
        }
    }

    #[test]
    fn digits_only_base64_is_quoted() {
        assert!(!plain_safe("12345678901234567890"));
        assert_eq!(plain_or_quoted("1234"), ("\"1234\"".to_owned(), false));
        assert_eq!(plain_or_quoted("abcd"), ("abcd".to_owned(), true));
    }

    #[test]
    fn double_quoting_escapes() {
        assert_eq!(double_quoted("plain"), "\"plain\"");
        assert_eq!(double_quoted(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(double_quoted("\t\n\r"), r#""\t\n\r""#);
        assert_eq!(
            double_quoted("\u{0}\u{7}\u{1b}\u{7f}"),
            r#""\u0000\u0007\u001B\u007F""#
        );
        assert_eq!(
            double_quoted("\u{85}\u{2028}\u{2029}\u{feff}\u{fffe}"),
            r#""\u0085\u2028\u2029\uFEFF\uFFFE""#
        );
        assert_eq!(double_quoted("ünï ✓ 😀"), "\"ünï ✓ 😀\"");
        assert_eq!(double_quoted(""), "\"\"");
        assert_eq!(double_quoted(" lead"), "\" lead\"");
    }
}
