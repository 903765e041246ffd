//! `--dry-run`: a unified diff of what would change, with ciphertexts shortened and every
//! plaintext at a secret path hidden.

use std::collections::HashMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

/// Base64 runs at least this long are shown shortened.
const LONG_RUN: usize = 48;

/// What a hidden value shows as.
const HIDDEN: &str = "<hidden>";

/// A unified diff of `old` -> `new` for `name`, long base64 runs shortened to
/// `AgB4kL9q…(684 chars)`. The values that start at `hide_old` / `hide_new` (line and column,
/// from 1) show as `<hidden>`, continuation lines included. Empty when nothing changes.
pub(crate) fn unified(
    name: &str,
    old: &[u8],
    new: &[u8],
    hide_old: &[(usize, usize)],
    hide_new: &[(usize, usize)],
) -> String {
    let old = String::from_utf8_lossy(old);
    let new = String::from_utf8_lossy(new);
    let masked_old = masked_lines(&old, hide_old);
    let masked_new = masked_lines(&new, hide_new);
    let diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
    let mut out = String::new();
    for hunk in diff.unified_diff().context_radius(2).iter_hunks() {
        if out.is_empty() {
            let _ = writeln!(out, "--- {name}\n+++ {name}");
        }
        let _ = writeln!(out, "{}", hunk.header());
        for change in hunk.iter_changes() {
            let (sign, masked, index) = match change.tag() {
                ChangeTag::Delete => ('-', &masked_old, change.old_index()),
                ChangeTag::Insert => ('+', &masked_new, change.new_index()),
                ChangeTag::Equal => (' ', &masked_old, change.old_index()),
            };
            let text = index.and_then(|i| masked.get(&i)).map_or_else(
                || change.value().trim_end_matches(['\n', '\r']).to_owned(),
                Clone::clone,
            );
            let _ = writeln!(out, "{sign}{}", shorten_ciphertexts(&text));
            if change.missing_newline() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The lines (by index from 0) of `text` that show masked: from each position to the end of
/// its line, and the value's continuation lines (more indented than its first line, or
/// blank), whole. Where several values share a line (a flow mapping), the line is masked from
/// the first of them, so no value shows through another's mask.
fn masked_lines(text: &str, positions: &[(usize, usize)]) -> HashMap<usize, String> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    // Characters of each masked line shown before `<hidden>`: the fewest any value asks for.
    let mut keep: HashMap<usize, usize> = HashMap::new();
    let mut mask = |index: usize, shown: usize| {
        keep.entry(index)
            .and_modify(|k| *k = (*k).min(shown))
            .or_insert(shown);
    };
    for &(line, column) in positions {
        let Some((index, first_line)) = line
            .checked_sub(1)
            .and_then(|i| lines.get(i).map(|l| (i, *l)))
        else {
            continue;
        };
        mask(index, column.saturating_sub(1));
        // A value that begins its line (a block scalar's content) continues on lines indented
        // as much; one after its key, on lines indented more than the key.
        let begins_line = column.saturating_sub(1) <= indent(first_line);
        let min_indent = indent(first_line) + usize::from(!begins_line);
        for (i, next) in lines.iter().enumerate().skip(index + 1) {
            if !next.trim().is_empty() && indent(next) < min_indent {
                break;
            }
            if !next.trim().is_empty() {
                mask(i, indent(next));
            }
        }
    }
    keep.into_iter()
        .map(|(i, shown)| {
            let kept: String = lines[i].chars().take(shown).collect();
            (i, format!("{kept}{HIDDEN}"))
        })
        .collect()
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
        let diff = unified("v.yaml", b"a: 1\nb: 2\n", b"a: 1\nb: 3\n", &[], &[]);
        assert!(diff.starts_with("--- v.yaml\n+++ v.yaml\n@@"), "{diff}");
        assert!(diff.contains("-b: 2\n+b: 3\n"), "{diff}");
        assert_eq!(unified("v.yaml", b"a\n", b"a\n", &[], &[]), "");
        let diff = unified("v.yaml", b"a: 1", b"a: 2", &[], &[]);
        assert!(
            diff.ends_with("+a: 2\n\\ No newline at end of file\n"),
            "{diff}"
        );
    }

    #[test]
    fn hidden_values_never_show_whatever_their_style() {
        let old =
            b"s:\n  pw: hunter2  # note\n  block: |\n    line one\n\n    line two\n  next: 1\n";
        let new = b"s:\n  pw: AgB\n  block: ok\n  next: 2\n";
        let diff = unified("v.yaml", old, new, &[(2, 7), (4, 5)], &[]);
        for plaintext in ["hunter2", "note", "line one", "line two"] {
            assert!(!diff.contains(plaintext), "{plaintext} in\n{diff}");
        }
        assert!(diff.contains("-  pw: <hidden>\n"), "{diff}");
        assert!(
            diff.contains("-  block: |\n-    <hidden>\n-\n-    <hidden>\n-  next: 1\n"),
            "{diff}"
        );
        assert!(diff.contains("+  pw: AgB\n"), "{diff}");
    }

    #[test]
    fn values_sharing_a_line_hide_each_other_whatever_their_order() {
        // A flow mapping: the old client id and secret on one line.
        let old = b"c: {client_id: plain-id, client_secret: plain-secret}\nd: 1\n";
        let new = b"c: {client_id: AgA, client_secret: AgB}\nd: 1\n";
        for hide in [[(1, 16), (1, 42)], [(1, 42), (1, 16)]] {
            let diff = unified("v.yaml", old, new, &hide, &[]);
            for plaintext in ["plain-id", "plain-secret"] {
                assert!(!diff.contains(plaintext), "{plaintext} in\n{diff}");
            }
            assert!(diff.contains("-c: {client_id: <hidden>\n"), "{diff}");
        }
    }
}
