//! Where an entry or a node ends in the text: the start of the line after it, where new lines
//! (inserted keys, a value for an explicit key) go.

use super::Plan;
use crate::error::Error;
use crate::path::Path;
use crate::text;
use crate::tree::{Kind, Node, NodeId, Style};

/// What the text of a node ends with.
enum Last {
    /// A leaf (anything but a non-empty block collection), with the key column of the block
    /// mapping that holds it.
    Leaf(NodeId, usize),
    /// A bare `?`: an explicit entry with neither key nor value. Holds the (empty) key.
    Question(NodeId),
}

impl Plan<'_> {
    /// Where the line after the text of node `id` starts; `owner_col` is the key column of the
    /// block mapping that holds it. `path` is named when this is refused.
    pub(super) fn after_node(
        &self,
        id: NodeId,
        owner_col: usize,
        path: &Path,
    ) -> Result<usize, Error> {
        match self.last_of(id, owner_col) {
            Last::Leaf(leaf, owner_col) => self.after_leaf(leaf, owner_col, path),
            Last::Question(key) => Ok(self.after_question(key)),
        }
    }

    /// Where the line after the entry `key: value` of a block mapping with key column `indent`
    /// starts.
    pub(super) fn after_entry(
        &self,
        key: NodeId,
        value: NodeId,
        indent: usize,
        path: &Path,
    ) -> Result<usize, Error> {
        match self.entry_tail(key, value) {
            Some(tail) => self.after_node(tail, indent, path),
            None => Ok(self.after_question(key)),
        }
    }

    /// Whether an entry of a block mapping has a value in the text. An explicit key may have
    /// none (`? key` and no `:`); the parser then reports an empty value at the next token,
    /// which may be lines below: past comments, or at a key of an outer mapping.
    pub(super) fn has_value(&self, key: NodeId, value: NodeId) -> bool {
        let node = self.node(value);
        if !is_empty(node) {
            return true;
        }
        // In a block mapping the value indicator is followed by white space (`:x` starts a key).
        find_colon(self.src, self.node(key).end).is_some_and(|colon| {
            colon <= node.start
                && matches!(
                    self.src.as_bytes().get(colon + 1),
                    None | Some(b' ' | b'\t' | b'\r' | b'\n')
                )
        })
    }

    /// The node an entry's text ends with: its value, or the key of an explicit key without a
    /// value; `None` for a bare `?`.
    fn entry_tail(&self, key: NodeId, value: NodeId) -> Option<NodeId> {
        if self.has_value(key, value) {
            Some(value)
        } else if is_empty(self.node(key)) {
            None
        } else {
            Some(key)
        }
    }

    /// The last leaf in the text of `id`, descending through block collections.
    fn last_of(&self, mut id: NodeId, mut owner_col: usize) -> Last {
        loop {
            match &self.node(id).kind {
                Kind::Map {
                    flow: false,
                    entries,
                    indent,
                } => {
                    let Some(&(k, v)) = entries.last() else {
                        return Last::Leaf(id, owner_col);
                    };
                    owner_col = *indent;
                    match self.entry_tail(k, v) {
                        Some(tail) => id = tail,
                        None => return Last::Question(k),
                    }
                }
                Kind::Seq {
                    flow: false, items, ..
                } => match items.last() {
                    Some(&v) => id = v,
                    None => return Last::Leaf(id, owner_col),
                },
                _ => return Last::Leaf(id, owner_col),
            }
        }
    }

    /// Where the line after a leaf starts. A block scalar's text runs to the start of the line
    /// after its content (with a keep chomp `|+`, after its trailing blank lines too).
    fn after_leaf(&self, leaf: NodeId, owner_col: usize, path: &Path) -> Result<usize, Error> {
        let src = self.src;
        let node = self.node(leaf);
        let Kind::Scalar {
            style: Style::Literal | Style::Folded,
            header,
            ..
        } = &node.kind
        else {
            return Ok(text::next_line_start(src, node.end));
        };
        let ls = text::line_start(src, node.end);
        let before = src.get(ls..node.end).unwrap_or("x");
        let offset = if before.bytes().all(|b| b == b' ') && before.len() <= owner_col {
            ls
        } else {
            text::next_line_start(src, node.end)
        };
        let strip = header
            .and_then(|(a, b)| src.get(a..b))
            .is_some_and(|h| h.contains('-'));
        if offset == src.len()
            && !text::at_line_start(src)
            && !strip
            && !self.expected.is_replaced(leaf)
        {
            let header_line =
                header.map_or(node.line, |(h, _)| text::line_number(src.as_bytes(), h));
            return Err(Error::BlockScalarAtEof {
                path: path.clone(),
                line: header_line,
            });
        }
        Ok(offset)
    }

    /// Where the line after a bare `?` starts. The parser puts its empty key at the next token,
    /// below any blank and comment lines (or at the end of the file), so the `?` is on the last
    /// line before that key with other text.
    fn after_question(&self, key: NodeId) -> usize {
        let src = self.src;
        let at = self.node(key).start;
        let mut end = at;
        loop {
            let start = text::after_bom(src, text::line_start(src, end));
            let line = src.get(start..end).unwrap_or("");
            let content = line.trim_start_matches([' ', '\t']);
            let comment =
                content.starts_with('#') && self.tree().is_comment_at(end - content.len());
            if !content.is_empty() && !comment {
                return text::next_line_start(src, end);
            }
            match text::previous_line_end(src, text::line_start(src, end)) {
                Some(previous) => end = previous,
                None => return text::next_line_start(src, at),
            }
        }
    }
}

/// Whether a node has no text: an empty scalar (null) that the parser made up.
fn is_empty(node: &Node) -> bool {
    node.start == node.end && node.is_null()
}

/// Finds the `:` after a key that ends at `from`, skipping white space and comments.
pub(super) fn find_colon(src: &str, from: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = from;
    loop {
        match *bytes.get(i)? {
            b':' => return Some(i),
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'#' => i = text::line_end(src, i),
            _ => return None,
        }
    }
}
