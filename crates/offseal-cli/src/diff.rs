//! `--dry-run`: a unified diff of what would change, with ciphertexts shortened.

use similar::TextDiff;

/// Base64 runs at least this long are shown shortened.
const LONG_RUN: usize = 48;

/// A unified diff of `old` -> `new` for `name`, long base64 runs shortened to
/// `AgB4kL9q…(684 chars)`. Empty when nothing changes.
pub(crate) fn unified(name: &str, old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(name, name)
        .to_string();
    text.lines()
        .map(shorten_ciphertexts)
        .fold(String::new(), |mut out, line| {
            out.push_str(&line);
            out.push('\n');
            out
        })
}

fn is_base64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// Replaces each run of [`LONG_RUN`] or more base64 characters by its start and its length.
fn shorten_ciphertexts(line: &str) -> String {
    let mut out = String::with_capacity(line.len().min(200));
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= LONG_RUN {
            let head: String = run.chars().take(8).collect();
            out.push_str(&format!("{head}…({} chars)", run.chars().count()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if is_base64(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_only_long_base64_runs() {
        let long = "A".repeat(700);
        assert_eq!(
            shorten_ciphertexts(&format!("+    client_id: {long}  # c")),
            "+    client_id: AAAAAAAA…(700 chars)  # c"
        );
        assert_eq!(shorten_ciphertexts("-  a: short"), "-  a: short");
    }

    #[test]
    fn diff_has_headers_and_only_changed_hunks() {
        let diff = unified("v.yaml", b"a: 1\nb: 2\n", b"a: 1\nb: 3\n");
        assert!(diff.starts_with("--- v.yaml\n+++ v.yaml\n@@"), "{diff}");
        assert!(diff.contains("-b: 2\n+b: 3\n"), "{diff}");
        assert_eq!(unified("v.yaml", b"a\n", b"a\n"), "");
    }
}
