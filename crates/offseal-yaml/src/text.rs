//! Line arithmetic on the source text. Line breaks are `\n`, `\r\n` and a lone `\r`, as in YAML.

/// The UTF-8 byte order mark.
pub(crate) const BOM: char = '\u{feff}';

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Start of the line that holds `pos`.
pub(crate) fn line_start(src: &str, pos: usize) -> usize {
    let bytes = src.as_bytes();
    let mut i = pos.min(bytes.len());
    while i > 0 {
        match bytes.get(i - 1) {
            Some(&b) if is_break(b) => return i,
            _ => i -= 1,
        }
    }
    0
}

/// Where the line content ends (the line break at or after `pos`, or the end of the text).
pub(crate) fn line_end(src: &str, pos: usize) -> usize {
    let bytes = src.as_bytes();
    let mut i = pos.min(bytes.len());
    while let Some(&b) = bytes.get(i) {
        if is_break(b) {
            return i;
        }
        i += 1;
    }
    bytes.len()
}

/// Start of the line after the one holding `pos` (the end of the text if there is none).
pub(crate) fn next_line_start(src: &str, pos: usize) -> usize {
    let end = line_end(src, pos);
    let bytes = src.as_bytes();
    match (bytes.get(end), bytes.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(_), _) => end + 1,
        (None, _) => end,
    }
}

/// End of the text of the line before the one that starts at `line_start` (`None` on the first
/// line).
pub(crate) fn previous_line_end(src: &str, line_start: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut end = line_start;
    if end > 0 && bytes.get(end - 1) == Some(&b'\n') {
        end -= 1;
    }
    if end > 0 && bytes.get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    (end != line_start).then_some(end)
}

/// Where a line's own text begins: after the byte order mark on the first line.
pub(crate) fn after_bom(src: &str, line_start: usize) -> usize {
    if line_start == 0 && src.starts_with(BOM) {
        BOM.len_utf8()
    } else {
        line_start
    }
}

/// The line ending of the first line (`\n` when the text has no line break).
pub(crate) fn line_ending(src: &str) -> &'static str {
    let bytes = src.as_bytes();
    match bytes.iter().position(|&b| is_break(b)) {
        Some(i) => match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'\r'), Some(b'\n')) => "\r\n",
            (Some(b'\r'), _) => "\r",
            _ => "\n",
        },
        None => "\n",
    }
}

/// The first line from `line_start` on, up to the next line with content other than a
/// comment, whose indentation holds a tab (its start).
pub(crate) fn tab_indented_blank(src: &str, line_start: usize) -> Option<usize> {
    let mut start = line_start;
    while start < src.len() {
        let end = line_end(src, start);
        let line = src.get(start..end)?;
        let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
        if line.get(..indent_len)?.contains('\t') {
            return Some(start);
        }
        if indent_len < line.len() && !line.get(indent_len..)?.starts_with('#') {
            return None;
        }
        start = next_line_start(src, start);
        if start == end {
            return None;
        }
    }
    None
}

/// Whether the text is only spaces and tabs.
pub(crate) fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Whether output ending with `text` is at the start of a line.
pub(crate) fn at_line_start(text: &str) -> bool {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    text.is_empty() || text.ends_with(['\n', '\r'])
}

/// The 1-based line number of byte `pos`.
pub(crate) fn line_number(src: &[u8], pos: usize) -> usize {
    let upto = src.get(..pos).unwrap_or(src);
    let mut line = 1;
    let mut previous = 0u8;
    for &b in upto {
        if b == b'\n' {
            if previous != b'\r' {
                line += 1;
            }
        } else if b == b'\r' {
            line += 1;
        }
        previous = b;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_indented_blank_lines() {
        assert_eq!(tab_indented_blank("a\n \t\nb", 2), Some(2));
        assert_eq!(tab_indented_blank("a\n  \n\t# c\nb", 2), Some(5));
        assert_eq!(tab_indented_blank("a\n  \nb:\n\t\n", 2), None);
        assert_eq!(tab_indented_blank("a\n  # c\t\n", 2), None);
        assert_eq!(tab_indented_blank("a\n  ", 2), None);
        assert_eq!(tab_indented_blank("a", 1), None);
    }

    #[test]
    fn lines() {
        let s = "ab\r\ncd\ne\rf";
        assert_eq!(line_start(s, 0), 0);
        assert_eq!(line_start(s, 5), 4);
        assert_eq!(line_start(s, 4), 4);
        assert_eq!(line_end(s, 0), 2);
        assert_eq!(next_line_start(s, 0), 4);
        assert_eq!(next_line_start(s, 4), 7);
        assert_eq!(next_line_start(s, 7), 9);
        assert_eq!(next_line_start(s, 9), 10);
        assert_eq!(line_ending(s), "\r\n");
        assert_eq!(line_ending("a\nb"), "\n");
        assert_eq!(line_ending("a"), "\n");
        assert_eq!(line_number(s.as_bytes(), 9), 4);
        assert_eq!(line_number(s.as_bytes(), 2), 1);
        assert_eq!(line_number(s.as_bytes(), 4), 2);
        assert!(at_line_start("\u{feff}"));
        assert!(at_line_start("a\n"));
        assert!(!at_line_start("a"));
        assert_eq!(after_bom("\u{feff}a", 0), 3);
    }
}
