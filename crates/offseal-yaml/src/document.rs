//! A parsed file and the read-only queries on it.

use std::collections::HashMap;
use std::fmt;

use crate::edit::{self, Edit};
use crate::error::{Error, NodeKind};
use crate::path::{Path, Segment};
use crate::text;
use crate::tree::{self, Kind, NodeId, Tree};

/// The most keys a path may have (deeper YAML is refused by the parser anyway).
const MAX_PATH_LEN: usize = 256;

/// How a scalar is written in the file.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Unquoted (`key: value`).
    Plain,
    /// `'value'`.
    SingleQuoted,
    /// `"value"`.
    DoubleQuoted,
    /// A literal block scalar (`|`).
    Literal,
    /// A folded block scalar (`>`).
    Folded,
    /// A null value: empty (`key:`), `~` or `null` (any case the YAML core schema allows).
    Null,
}

/// A scalar value of a mapping key.
///
/// `Debug` shows the length of [`value`](Self::value), never the value itself.
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub struct Scalar {
    /// Where the scalar is.
    pub path: Path,
    /// The decoded text (empty for [`Style::Null`]).
    pub value: String,
    /// Line of the value, from 1.
    pub line: usize,
    /// Column of the value, from 1, in characters.
    pub column: usize,
    /// How the value is written.
    pub style: Style,
    /// The explicit tag as written (such as `!!str`), if any.
    pub tag: Option<String>,
}

impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scalar")
            .field("path", &self.path)
            .field("value_len", &self.value.len())
            .field("line", &self.line)
            .field("column", &self.column)
            .field("style", &self.style)
            .field("tag", &self.tag)
            .finish()
    }
}

/// A mapping key found by [`Document::find_keys`].
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Full path of the key (with [`Segment::Index`] steps through sequences).
    pub path: Path,
    /// Line of the key, from 1.
    pub line: usize,
    /// Column of the key, from 1, in characters.
    pub column: usize,
    /// What the key's value is.
    pub kind: NodeKind,
}

/// Where a path ends up.
pub(crate) enum Lookup {
    /// The key exists: its node, its value and the mapping holding them.
    Found {
        key: NodeId,
        value: NodeId,
        map: NodeId,
    },
    /// `path[at]` is the first missing key, to be inserted at `site`.
    Missing { at: usize, site: Site },
}

/// Where missing keys go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// The file has no document (empty or comments only).
    Empty,
    /// A mapping that lacks the key.
    Map(NodeId),
    /// A null scalar or empty flow mapping that becomes a block mapping; `entry` is its key and
    /// the mapping holding it (`None` at the root).
    Null {
        value: NodeId,
        entry: Option<(NodeId, NodeId)>,
    },
}

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

/// A parsed single-document YAML file that owns its source text.
///
/// `Debug` does not show the source (it holds secrets).
#[derive(Clone)]
pub struct Document {
    src: String,
    tree: Tree,
    step: usize,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("bytes", &self.src.len())
            .field("nodes", &self.tree.nodes.len())
            .finish_non_exhaustive()
    }
}

impl Document {
    /// Parses a file.
    ///
    /// # Errors
    ///
    /// [`Error::Utf16`] for a UTF-16 or UTF-32 byte order mark, [`Error::NotUtf8`] for other
    /// bytes that are not UTF-8, [`Error::Parse`] for invalid YAML and
    /// [`Error::MultipleDocuments`] when the file holds more than one document.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(Error::Utf16);
        }
        if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
            return Err(Error::Utf16);
        }
        let src = match std::str::from_utf8(bytes) {
            Ok(src) => src.to_owned(),
            Err(e) => {
                let byte = e.valid_up_to();
                return Err(Error::NotUtf8 {
                    byte,
                    line: text::line_number(bytes, byte),
                });
            }
        };
        Self::from_string(src)
    }

    pub(crate) fn from_string(src: String) -> Result<Self, Error> {
        let tree = Tree::parse(&src)?;
        let step = indent_step(&tree);
        Ok(Self { src, tree, step })
    }

    /// The source text.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.src
    }

    pub(crate) fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The file's indentation step: the most common indentation of a block mapping inside
    /// another, 2 when there is none.
    pub(crate) fn step(&self) -> usize {
        self.step
    }

    /// Reads the scalar at `path`.
    ///
    /// Returns `Ok(None)` when a key on the path is missing (or a parent is null). A merge key
    /// (`<<: *base`) is not followed: keys that only come from a merge are missing.
    ///
    /// # Errors
    ///
    /// When the path is empty, goes through a sequence, an alias or a (non-null) scalar, has a
    /// duplicated key, or ends at a mapping, sequence or alias.
    pub fn get(&self, path: &Path) -> Result<Option<Scalar>, Error> {
        match self.walk(path)? {
            Lookup::Missing { .. } => Ok(None),
            Lookup::Found { value, key, .. } => {
                let node = self.tree.node(value);
                let line = self.tree.node(key).line;
                match &node.kind {
                    Kind::Scalar { .. } => Ok(self.scalar(path.clone(), value)),
                    Kind::Alias(_) => Err(Error::Alias {
                        path: path.clone(),
                        line,
                    }),
                    Kind::Map { .. } | Kind::Seq { .. } => Err(Error::NotAScalar {
                        path: path.clone(),
                        line,
                        kind: self.kind_of(value),
                    }),
                }
            }
        }
    }

    /// Every mapping key whose decoded text is `name`, anywhere in the file (through sequences
    /// too, but not through aliases), in file order.
    #[must_use]
    pub fn find_keys(&self, name: &str) -> Vec<Found> {
        let mut found = Vec::new();
        if let Some(root) = self.tree.root {
            let mut path = Path::new();
            self.visit(root, &mut path, &mut |doc, path, key, value| {
                if doc.tree.node(key).scalar_value() == Some(name) {
                    let k = doc.tree.node(key);
                    found.push(Found {
                        path: path.clone(),
                        line: k.line,
                        column: k.col + 1,
                        kind: doc.kind_of(value),
                    });
                }
            });
        }
        found
    }

    /// Every scalar value of a mapping key reachable through mappings and sequences, in file
    /// order (null values included, with [`Style::Null`]). Scalars that are sequence items or
    /// keys are not listed.
    #[must_use]
    pub fn scalars(&self) -> Vec<Scalar> {
        let mut scalars = Vec::new();
        if let Some(root) = self.tree.root {
            let mut path = Path::new();
            self.visit(root, &mut path, &mut |doc, path, _key, value| {
                if let Some(scalar) = doc.scalar(path.clone(), value) {
                    scalars.push(scalar);
                }
            });
        }
        scalars
    }

    /// The text of the full-line comment `# <marker>...` above the key at `path`, without the
    /// leading `# `: the nearest such line in the block of comment lines directly above the
    /// key (consecutive lines at the key's indentation, no blank line between), so other
    /// comments may sit between it and the key.
    ///
    /// Returns `None` when there is no such comment or no such key.
    #[must_use]
    pub fn leading_comment(&self, path: &Path, marker: &str) -> Option<String> {
        let Ok(Lookup::Found { key, map, .. }) = self.walk(path) else {
            return None;
        };
        let line = self.key_line(key, map).ok()?;
        let above = self.marked_comment_above(line.start, line.indent, marker, None)?;
        self.comment_text(&above, marker).map(str::to_owned)
    }

    /// Applies all `edits` at once and returns the new file; `self` is unchanged.
    ///
    /// The result is parsed again and must hold exactly the old data plus the edits;
    /// otherwise nothing is returned. Setting a value to what it already is changes no byte.
    ///
    /// # Errors
    ///
    /// Any refusal listed on [`Error`] (the path goes through a sequence or alias, the target
    /// is not a plain string scalar, duplicate keys, ...), naming the path and line;
    /// [`Error::Verify`] when the result would not read back as intended.
    pub fn edit(&self, edits: &[Edit]) -> Result<Vec<u8>, Error> {
        edit::apply(self, edits)
    }

    /// Follows `path` from the root.
    pub(crate) fn walk(&self, path: &Path) -> Result<Lookup, Error> {
        if path.is_empty() {
            return Err(Error::InvalidPath {
                path: String::new(),
                reason: "the path is empty",
            });
        }
        if path.len() > MAX_PATH_LEN {
            return Err(Error::InvalidPath {
                path: path.prefix(3).to_string() + "...",
                reason: "the path has more than 256 keys",
            });
        }
        let tree = &self.tree;
        let Some(root) = tree.root else {
            return Ok(Lookup::Missing {
                at: 0,
                site: Site::Empty,
            });
        };
        let mut current = root;
        let mut entry: Option<(NodeId, NodeId)> = None;
        for (i, segment) in path.segments().iter().enumerate() {
            let node = tree.node(current);
            let line = entry.map_or(node.line, |(k, _)| tree.node(k).line);
            match &node.kind {
                Kind::Seq { .. } => {
                    return Err(Error::SequenceOnPath {
                        path: path.prefix(i),
                        line,
                    });
                }
                Kind::Alias(_) => {
                    return Err(Error::Alias {
                        path: path.prefix(i),
                        line,
                    });
                }
                Kind::Scalar { .. } => {
                    if node.is_null() {
                        return Ok(Lookup::Missing {
                            at: i,
                            site: Site::Null {
                                value: current,
                                entry,
                            },
                        });
                    }
                    return Err(Error::ScalarParent {
                        path: path.prefix(i),
                        line,
                    });
                }
                Kind::Map { entries, .. } => {
                    if node.is_empty_flow_map() {
                        return Ok(Lookup::Missing {
                            at: i,
                            site: Site::Null {
                                value: current,
                                entry,
                            },
                        });
                    }
                    let Segment::Key(name) = segment else {
                        return Err(Error::InvalidPath {
                            path: path.to_string(),
                            reason: "sequence indices cannot be read or edited",
                        });
                    };
                    let mut found: Option<(NodeId, NodeId)> = None;
                    for &(k, v) in entries {
                        if tree.node(k).scalar_value() != Some(name.as_str()) {
                            continue;
                        }
                        if let Some((first, _)) = found {
                            return Err(Error::DuplicateKey {
                                path: path.prefix(i + 1),
                                first_line: tree.node(first).line,
                                second_line: tree.node(k).line,
                            });
                        }
                        found = Some((k, v));
                    }
                    let Some((k, v)) = found else {
                        return Ok(Lookup::Missing {
                            at: i,
                            site: Site::Map(current),
                        });
                    };
                    entry = Some((k, current));
                    current = v;
                }
            }
        }
        match entry {
            Some((key, map)) => Ok(Lookup::Found {
                key,
                value: current,
                map,
            }),
            None => Err(Error::InvalidPath {
                path: path.to_string(),
                reason: "the path is empty",
            }),
        }
    }

    /// The first node among the root and the values along the first `depth` keys of `path`
    /// that has an anchor some alias refers to: an edit there would change the alias too.
    /// Only call this for a prefix that [`Self::walk`] has followed successfully.
    pub(crate) fn referenced_anchor(&self, path: &Path, depth: usize) -> Result<(), Error> {
        let tree = &self.tree;
        let Some(mut current) = tree.root else {
            return Ok(());
        };
        let mut line = tree.node(current).line;
        for i in 0..=depth {
            let node = tree.node(current);
            if node.anchor != 0 && tree.referenced.contains(&node.anchor) {
                return Err(Error::AnchorReferenced {
                    path: path.prefix(i),
                    line,
                });
            }
            let (Some(Segment::Key(name)), Kind::Map { entries, .. }) =
                (path.segments().get(i), &node.kind)
            else {
                break;
            };
            let Some(&(k, v)) = entries
                .iter()
                .find(|(k, _)| tree.node(*k).scalar_value() == Some(name.as_str()))
            else {
                break;
            };
            line = tree.node(k).line;
            current = v;
        }
        Ok(())
    }

    /// What a value node is.
    pub(crate) fn kind_of(&self, id: NodeId) -> NodeKind {
        let node = self.tree.node(id);
        match &node.kind {
            Kind::Scalar { .. } if node.is_null() => NodeKind::Null,
            Kind::Scalar { .. } => NodeKind::Scalar,
            Kind::Alias(_) => NodeKind::Alias,
            Kind::Map { .. } => NodeKind::Mapping,
            Kind::Seq { .. } => NodeKind::Sequence,
        }
    }

    fn scalar(&self, path: Path, id: NodeId) -> Option<Scalar> {
        let node = self.tree.node(id);
        let Kind::Scalar { value, style, .. } = &node.kind else {
            return None;
        };
        let (value, style) = if node.is_null() {
            (String::new(), Style::Null)
        } else {
            let style = match style {
                tree::Style::Plain => Style::Plain,
                tree::Style::SingleQuoted => Style::SingleQuoted,
                tree::Style::DoubleQuoted => Style::DoubleQuoted,
                tree::Style::Literal => Style::Literal,
                tree::Style::Folded => Style::Folded,
            };
            (value.clone(), style)
        };
        Some(Scalar {
            path,
            value,
            line: node.line,
            column: node.col + 1,
            style,
            tag: node.tag.as_ref().map(|t| t.written.clone()),
        })
    }

    /// Calls `f(doc, path, key, value)` for every mapping entry with a scalar key, depth first
    /// in file order, descending into mappings and sequences.
    fn visit<F>(&self, id: NodeId, path: &mut Path, f: &mut F)
    where
        F: FnMut(&Self, &Path, NodeId, NodeId),
    {
        match &self.tree.node(id).kind {
            Kind::Map { entries, .. } => {
                for &(k, v) in entries {
                    let Some(name) = self.tree.node(k).scalar_value() else {
                        continue;
                    };
                    path.push_key(name);
                    f(self, path, k, v);
                    self.visit(v, path, f);
                    path.pop();
                }
            }
            Kind::Seq { items, .. } => {
                for (i, &item) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    self.visit(item, path, f);
                    path.pop();
                }
            }
            Kind::Scalar { .. } | Kind::Alias(_) => {}
        }
    }

    /// The line of a block-mapping key, which must start its line (after indentation).
    pub(crate) fn key_line(&self, key: NodeId, map: NodeId) -> Result<KeyLine, &'static str> {
        if matches!(self.tree.node(map).kind, Kind::Map { flow: true, .. }) {
            return Err("comments above keys in a flow mapping are not supported");
        }
        let start = self.tree.node(key).start;
        let line_start = text::after_bom(&self.src, text::line_start(&self.src, start));
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
    pub(crate) fn comment_above(&self, line_start: usize, indent: usize) -> Option<CommentLine> {
        let bytes = self.src.as_bytes();
        let mut end = line_start;
        if end > 0 && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > 0 && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        if end == line_start {
            return None;
        }
        let start = text::after_bom(&self.src, text::line_start(&self.src, end));
        let line = self.src.get(start..end)?;
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
    pub(crate) fn comment_text(&self, comment: &CommentLine, marker: &str) -> Option<&str> {
        let text = self
            .src
            .get(comment.hash..comment.end)?
            .strip_prefix("# ")?;
        text.starts_with(marker).then_some(text)
    }
}

/// The most common indentation step of a block mapping nested in a block mapping (2 if none).
fn indent_step(tree: &Tree) -> usize {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for node in &tree.nodes {
        let Kind::Map {
            flow: false,
            entries,
            indent: parent,
        } = &node.kind
        else {
            continue;
        };
        for &(k, v) in entries {
            let child = tree.node(v);
            if let Kind::Map {
                flow: false,
                indent,
                ..
            } = &child.kind
                && child.line > tree.node(k).line
                && indent > parent
            {
                *counts.entry(indent - parent).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map_or(2, |(step, _)| step)
}
