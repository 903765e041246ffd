//! Full-line comments above block-mapping keys: finding the key's line and the comment lines
//! directly above it.

use crate::text;
use crate::tree::{Kind, NodeId, Tree};

/// A full-line comment directly above a key.
pub(crate) struct CommentLine {
    /// Start of the comment's line (after a byte order mark).
    pub(crate) line_start: usize,
    /// Position of the `#`.
    pub(crate) hash: usize,
    /// End of the line's text (before its line break).
    pub(crate) end: usize,
    /// Start of the next line.
    pub(crate) next: usize,
}

/// The line of a block-mapping key, for comments above it.
pub(crate) struct KeyLine {
    /// Where the line's own text starts (after a byte order mark).
    pub(crate) start: usize,
    /// The key's indentation in spaces.
    pub(crate) indent: usize,
}

/// The comments of one parsed source text.
#[derive(Clone, Copy)]
pub(crate) struct Comments<'a> {
    src: &'a str,
    tree: &'a Tree,
}

impl<'a> Comments<'a> {
    /// `tree` must be the parse of `src`.
    pub(crate) fn new(src: &'a str, tree: &'a Tree) -> Self {
        Self { src, tree }
    }

    /// The line of a block-mapping key, which must start its line (after indentation).
    pub(crate) fn key_line(&self, key: NodeId, map: NodeId) -> Result<KeyLine, &'static str> {
        if matches!(self.tree.node(map).kind, Kind::Map { flow: true, .. }) {
            return Err("comments above keys in a flow mapping are not supported");
        }
        let start = self.tree.node(key).start;
        let line_start = text::after_bom(self.src, text::line_start(self.src, start));
        let prefix = self.src.get(line_start..start).unwrap_or("?");
        if !prefix.bytes().all(|b| b == b' ') {
            return Err("the key does not start its line");
        }
        Ok(KeyLine {
            start: line_start,
            indent: prefix.len(),
        })
    }

    /// The full-line comment on the line before `line_start`, if it has exactly `indent`
    /// spaces of indentation.
    fn comment_above(&self, line_start: usize, indent: usize) -> Option<CommentLine> {
        let src = self.src;
        let end = text::previous_line_end(src, line_start)?;
        let start = text::after_bom(src, text::line_start(src, end));
        let line = src.get(start..end)?;
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        let hash = start + spaces;
        if spaces != indent
            || !line.get(spaces..)?.starts_with('#')
            || !self.tree.is_comment_at(hash)
        {
            return None;
        }
        Some(CommentLine {
            line_start: start,
            hash,
            end,
            next: line_start,
        })
    }

    /// The nearest comment starting with `# {marker}` in the block of full-line comments
    /// directly above `line_start` (consecutive lines at `indent`); `skip` ignores the comment
    /// whose line starts there.
    pub(crate) fn marked_comment_above(
        &self,
        line_start: usize,
        indent: usize,
        marker: &str,
        skip: Option<usize>,
    ) -> Option<CommentLine> {
        let mut at = line_start;
        while let Some(comment) = self.comment_above(at, indent) {
            if Some(comment.line_start) != skip && self.comment_text(&comment, marker).is_some() {
                return Some(comment);
            }
            at = comment.line_start;
        }
        None
    }

    /// The comment's text after `# `, if it starts with `marker`.
    pub(crate) fn comment_text(&self, comment: &CommentLine, marker: &str) -> Option<&'a str> {
        let text = self
            .src
            .get(comment.hash..comment.end)?
            .strip_prefix("# ")?;
        text.starts_with(marker).then_some(text)
    }
}
