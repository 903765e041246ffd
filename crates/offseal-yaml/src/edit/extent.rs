//! Where an entry or a node ends in the text: the start of the line after it, where new lines
//! (inserted keys, a value for an explicit key) go.

use super::Plan;
use crate::document::Document;
use crate::error::Error;
use crate::path::Path;
use crate::text;
use crate::tree::{Kind, NodeId, Style};

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
        &mut self,
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
        &mut self,
        key: NodeId,
        value: NodeId,
        indent: usize,
        path: &Path,
    ) -> Result<usize, Error> {
        match self.entry_tail(key, value, indent) {
            Some(tail) => self.after_node(tail, indent, path),
            None => Ok(self.after_question(key)),
        }
    }

    /// Whether an entry of a block mapping with key column `indent` has a value in the text.
    /// An explicit key may have none (`? key` and no `:`); the parser then reports an empty
    /// value at the next token, which may be lines below: past comments, or at a key of an
    /// outer mapping, which may be an implicit empty key (`: value`) with a `:` of its own.
    pub(super) fn has_value(&self, key: NodeId, value: NodeId, indent: usize) -> bool {
        if !self.is_empty(value) {
            return true;
        }
        let src = self.src;
        let node = self.node(value);
        let mut key_end = self.node(key).end();
        if self.is_empty(key) {
            // The empty key of a bare `?` sits at the next token, which may be the `:` of an
            // outer key: its own line is that of the `?`.
            if let Some((_, end)) = self.doc.comments().question_line(key_end) {
                key_end = end;
            }
        }
        // In a block mapping the value indicator is followed by white space (`:x` starts a key);
        // it is on the key's line, or starts a line at the key column (after `? key`).
        find_colon(src, key_end).is_some_and(|colon| {
            let line_start = text::line_start(src, colon);
            // A block scalar or block collection key (after a `?`) ends at the start of a line
            // after it, or at the next token; its `:` is never on its line.
            let block = matches!(
                self.node(key).kind,
                Kind::Scalar {
                    style: Style::Literal | Style::Folded,
                    ..
                } | Kind::Map { flow: false, .. }
                    | Kind::Seq { flow: false, .. }
            );
            let placed = line_start <= key_end && !block
                || colon - line_start == indent
                    && src
                        .get(line_start..colon)
                        .is_some_and(|p| p.bytes().all(|b| b == b' '));
            placed
                && colon <= node.start()
                && matches!(
                    src.as_bytes().get(colon + 1),
                    None | Some(b' ' | b'\t' | b'\r' | b'\n')
                )
        })
    }

    /// The node an entry's text ends with: its value, or the key of an explicit key without a
    /// value; `None` for a bare `?`.
    fn entry_tail(&self, key: NodeId, value: NodeId, indent: usize) -> Option<NodeId> {
        if self.has_value(key, value, indent) {
            Some(value)
        } else if self.is_empty(key) {
            None
        } else {
            Some(key)
        }
    }

    /// The last leaf in the text of `id`, descending through block collections.
    fn last_of(&self, mut id: NodeId, mut owner_col: usize) -> Last {
        loop {
            match self.node(id).kind {
                Kind::Map { flow: false, .. } => {
                    let Some(&(k, v)) = self.tree().entries(id).last() else {
                        return Last::Leaf(id, owner_col);
                    };
                    owner_col = self.node(id).indent().unwrap_or(owner_col);
                    match self.entry_tail(k, v, owner_col) {
                        Some(tail) => id = tail,
                        None => return Last::Question(k),
                    }
                }
                Kind::Seq { flow: false, .. } => match self.tree().items(id).last() {
                    Some(&v) => id = v,
                    None => return Last::Leaf(id, owner_col),
                },
                _ => return Last::Leaf(id, owner_col),
            }
        }
    }

    /// Where the line after a leaf starts. A block scalar's text runs to the start of the line
    /// after its content (with a keep chomp `|+`, after its trailing blank lines too).
    fn after_leaf(&mut self, leaf: NodeId, owner_col: usize, path: &Path) -> Result<usize, Error> {
        let src = self.src;
        let node = *self.node(leaf);
        let Kind::Scalar {
            style: style @ (Style::Literal | Style::Folded),
            ..
        } = node.kind
        else {
            return Ok(text::next_line_start(src, node.end()));
        };
        let header = self.tree().header(leaf);
        let ls = text::line_start(src, node.end());
        let before = src.get(ls..node.end()).unwrap_or("x");
        let header_text = header.and_then(|(a, b)| src.get(a..b)).unwrap_or("");
        // The last line of the file, with no line break after it.
        let last_unbroken = node.end() == src.len() && ls < src.len() && !text::at_line_start(src);
        // Without content lines or an indentation indicator, libyaml takes no text from a last
        // line without a line break, whatever its indentation.
        let no_content = header.is_some_and(|(_, h)| {
            !header_text.contains(|c: char| c.is_ascii_digit())
                && src
                    .get(text::next_line_start(src, h)..ls)
                    .is_some_and(|t| t.bytes().all(|b| matches!(b, b' ' | b'\r' | b'\n')))
        });
        let offset = if before.bytes().all(|b| b == b' ')
            && (before.len() <= owner_col || last_unbroken && no_content)
        {
            ls
        } else {
            text::next_line_start(src, node.end())
        };
        let strip = header_text.contains('-');
        let header_line = header.map_or(node.line(), |(h, _)| text::line_number(src.as_bytes(), h));
        let unbroken_end = !text::at_line_start(src) && !self.expected.is_replaced(leaf);
        if offset == src.len() && unbroken_end && !strip {
            return Err(Error::BlockScalarAtEof {
                path: path.clone(),
                line: header_line,
            });
        }
        if offset == ls && last_unbroken && !self.expected.is_replaced(leaf) {
            // The file ends in a line of spaces that is no content, with no line break, and the
            // new lines go before it. libyaml-based readers take no text from such
            // a line; the parser here reads it as an empty line of the scalar (a keep chomp
            // `|+` then ends in one more line break). Once the line is moved after the new
            // lines, the parser reads what libyaml did all along: the scalar as it reads in the
            // file without that line.
            let value = Document::from_string(src.get(..ls).unwrap_or("").to_owned())
                .ok()
                .and_then(|prefix| {
                    let tree = prefix.tree();
                    let same = tree.node(leaf).start() == node.start()
                        && tree.node(leaf).style() == Some(style);
                    same.then(|| tree.value(leaf).map(str::to_owned)).flatten()
                });
            // A key that would read differently is not renamed: the path would lead nowhere.
            let renamed_key = self.tree().value(leaf) != value.as_deref() && self.is_key(leaf);
            let Some(value) = value.filter(|_| !renamed_key) else {
                return Err(Error::BlockScalarAtEof {
                    path: path.clone(),
                    line: header_line,
                });
            };
            self.expected.replace_scalar(leaf, &value, style);
        }
        Ok(offset)
    }

    /// Whether a node is a mapping key (a search of every mapping: only for rare cases).
    fn is_key(&self, id: NodeId) -> bool {
        let tree = self.tree();
        tree.all()
            .any(|(map, _)| tree.entries(map).iter().any(|&(k, _)| k == id))
    }

    /// Whether a node has no text: an empty scalar (null) that the parser made up.
    fn is_empty(&self, id: NodeId) -> bool {
        let node = self.node(id);
        node.start() == node.end() && self.tree().is_null(id)
    }

    /// Where the line after a bare `?` starts. The parser puts its empty key at the next token,
    /// below any blank and comment lines (or at the end of the file), so the `?` is on the last
    /// line before that key with other text.
    fn after_question(&self, key: NodeId) -> usize {
        let at = self.node(key).start();
        let end = self
            .doc
            .comments()
            .question_line(at)
            .map_or(at, |(_, end)| end);
        text::next_line_start(self.src, end)
    }
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
