//! Full-line comments above block-mapping keys: finding the key's line and the comment lines
//! directly above it.

use crate::text;
use crate::tree::{Content, NodeId, Tree};

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
    /// The key's indentation in spaces (for an explicit key, that of its `?`).
    pub(crate) indent: usize,
    /// Whether the line starts with the `?` of an explicit key (`? key`, or a bare `?`).
    pub(crate) explicit: bool,
}

/// Where a key's text starts, as its line is looked for.
#[derive(Clone, Copy)]
pub(crate) struct KeyAt {
    /// The start of its text: the header of a block scalar (`|`, `>-`, ...), else the node's.
    pub(crate) start: usize,
    /// Whether the key has no text (the empty key of a bare `?`): the parser puts it at the
    /// next token, lines below the `?`.
    pub(crate) empty: bool,
    /// Whether it is a key of a flow mapping.
    pub(crate) flow: bool,
    /// The column of the mapping's keys, if known: the `?` of an empty key is there.
    pub(crate) column: Option<usize>,
}

/// The comments of one parsed source text.
#[derive(Clone, Copy)]
pub(crate) struct Comments<'a> {
    src: &'a str,
    content: &'a Content,
}

impl<'a> Comments<'a> {
    /// `content` must be that of the parse of `src`.
    pub(crate) fn new(src: &'a str, content: &'a Content) -> Self {
        Self { src, content }
    }

    /// The comments of a parsed tree's source.
    pub(crate) fn of(tree: &'a Tree) -> Self {
        Self::new(tree.src(), tree.content())
    }

    /// The line of the key `key` of the mapping `map` of `tree`, which must be a block mapping
    /// key that starts its line (after indentation and, for an explicit key, its `?`).
    pub(crate) fn key_line(
        &self,
        tree: &Tree,
        key: NodeId,
        map: NodeId,
    ) -> Result<KeyLine, &'static str> {
        let node = tree.node(key);
        let header = tree.header(key);
        self.key_line_at(KeyAt {
            start: header.map_or(node.start(), |(h, _)| h),
            empty: node.start() == node.end() && header.is_none(),
            flow: tree.node(map).is_flow_map(),
            column: tree.node(map).indent(),
        })
    }

    /// The line of a key.
    pub(crate) fn key_line_at(&self, key: KeyAt) -> Result<KeyLine, &'static str> {
        if key.flow {
            return Err("comments above keys in a flow mapping are not supported");
        }
        let (line_start, text_end) = if key.empty {
            self.question_line(key.start)
                .ok_or("the key is empty and its `?` was not found")?
        } else {
            let start = text::after_bom(self.src, text::line_start(self.src, key.start));
            (start, key.start)
        };
        let prefix = self.src.get(line_start..text_end).unwrap_or("x");
        let indent = prefix.bytes().take_while(|&b| b == b' ').count();
        let rest = prefix.get(indent..).unwrap_or("x");
        let explicit = match (rest.strip_prefix('?'), key.empty) {
            (None, false) if rest.is_empty() => false,
            // `? key`: blanks between the `?` and the key.
            (Some(after), false) if !after.is_empty() && text::is_blank(after) => true,
            // A bare `?`: nothing after it but blanks and a comment; at the column of the
            // mapping's keys, and not text of a scalar over several lines. (An implicit empty
            // key, `: value`, is placed at its `:`, and the line above holds no such `?`.)
            (Some(after), true) => {
                let rest = after.trim_start_matches([' ', '\t']);
                let alone = rest.is_empty() || rest.len() < after.len() && rest.starts_with('#');
                let question = line_start + indent;
                if !alone || key.column != Some(indent) || !self.content.is_comment_at(question) {
                    return Err("the key does not start its line");
                }
                true
            }
            _ => return Err("the key does not start its line"),
        };
        Ok(KeyLine {
            start: line_start,
            indent,
            explicit,
        })
    }

    /// The last line before `at` with text other than a comment, where a bare `?` whose empty
    /// key the parser put at `at` is: its start (after a byte order mark) and the end of its
    /// text (`at` itself when it is on that line).
    pub(crate) fn question_line(&self, at: usize) -> Option<(usize, usize)> {
        let src = self.src;
        let mut end = at;
        loop {
            let start = text::after_bom(src, text::line_start(src, end));
            let line = src.get(start..end)?;
            let content = line.trim_start_matches([' ', '\t']);
            let comment =
                content.starts_with('#') && self.content.is_comment_at(end - content.len());
            if !content.is_empty() && !comment {
                return Some((start, end));
            }
            end = text::previous_line_end(src, text::line_start(src, end))?;
        }
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
            || !self.content.is_comment_at(hash)
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
