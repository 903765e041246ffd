//! Putting, replacing or removing a marked full-line comment above a key.

use super::insert::NewValue;
use super::{Plan, Splice};
use crate::error::Error;
use crate::locate::{self, Lookup};
use crate::path::{Path, Segment};
use crate::text;

/// A comment to look for after the edit.
pub(super) struct CommentCheck {
    pub(super) path: Path,
    pub(super) marker: String,
    pub(super) expected: Option<String>,
}

impl Plan<'_> {
    /// Plans a comment edit.
    pub(super) fn comment(
        &mut self,
        path: &Path,
        marker: &str,
        text: Option<&str>,
    ) -> Result<(), Error> {
        let invalid = |reason| Error::InvalidComment {
            path: path.clone(),
            reason,
        };
        if marker.is_empty() {
            return Err(invalid("the marker is empty"));
        }
        if let Some(text) = text {
            if !text.starts_with(marker) {
                return Err(invalid("the text does not start with the marker"));
            }
            if text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
                return Err(invalid("the text holds a line break"));
            }
            if text
                .chars()
                .any(|c| c != '\t' && c.is_control() || c == '\u{feff}')
            {
                return Err(invalid("the text holds a control character"));
            }
        }
        self.checks.push(CommentCheck {
            path: path.clone(),
            marker: marker.to_owned(),
            expected: text.map(str::to_owned),
        });
        match locate::walk(self.tree(), path)? {
            Lookup::Found { key, map, .. } => {
                let comments = self.doc.comments();
                let line = match comments.key_line(self.tree(), key, map) {
                    Ok(line) => line,
                    // No comment can be read above such a key, so there is none to remove.
                    Err(_) if text.is_none() => {
                        if let Some(check) = self.checks.last_mut() {
                            check.expected = None;
                        }
                        return Ok(());
                    }
                    Err(what) => {
                        return Err(Error::Unsupported {
                            path: path.clone(),
                            line: self.node(key).line(),
                            what,
                        });
                    }
                };
                let matching = comments.marked_comment_above(line.start, line.indent, marker, None);
                let le = text::line_ending(self.src);
                match (matching.as_ref(), text) {
                    (Some(c), Some(text)) => {
                        let (hash, end) = (c.hash, c.end);
                        self.add(hash, end, format!("# {text}"), path);
                    }
                    (Some(c), None) => {
                        let (start, next) = (c.line_start, c.next);
                        // After removal, another marked line in the block (if any) is read.
                        let expected = comments
                            .marked_comment_above(line.start, line.indent, marker, Some(start))
                            .and_then(|c| comments.comment_text(&c, marker).map(str::to_owned));
                        if let Some(check) = self.checks.last_mut() {
                            check.expected = expected;
                        }
                        self.add(start, next, String::new(), path);
                    }
                    (None, Some(text)) => self.splices.push(Splice {
                        start: line.start,
                        end: line.start,
                        text: format!("{}# {text}{le}", " ".repeat(line.indent)),
                        class: 2,
                        depth: 0,
                        line_start: false,
                        path: path.clone(),
                    }),
                    (None, None) => {
                        if let Some(check) = self.checks.last_mut() {
                            check.expected = None;
                        }
                    }
                }
                Ok(())
            }
            Lookup::Missing { at, site } => {
                let Some(site_edit) = self.sites.iter_mut().find(|s| s.site == site) else {
                    return Err(Error::CommentTargetMissing { path: path.clone() });
                };
                let mut entries = &mut site_edit.entries;
                let mut found = None;
                for (i, segment) in path.segments().iter().enumerate().skip(at) {
                    let Segment::Key(key) = segment else {
                        return Err(Error::CommentTargetMissing { path: path.clone() });
                    };
                    let Some(entry) = entries.iter_mut().find(|e| e.key == *key) else {
                        return Err(Error::CommentTargetMissing { path: path.clone() });
                    };
                    if i + 1 == path.len() {
                        found = Some(entry);
                        break;
                    }
                    match &mut entry.value {
                        NewValue::Map(children) => entries = children,
                        NewValue::Leaf(_) => {
                            return Err(Error::CommentTargetMissing { path: path.clone() });
                        }
                    }
                }
                let Some(entry) = found else {
                    return Err(Error::CommentTargetMissing { path: path.clone() });
                };
                entry.comment = text.map(str::to_owned);
                Ok(())
            }
        }
    }
}
