//! A parsed file and the read-only queries on it.

use std::fmt;

use crate::comments::Comments;
use crate::error::{Error, NodeKind};
use crate::locate::{self, Lookup};
use crate::path::{Path, Segment};
use crate::text;
use crate::tree::{self, Kind, NodeId, Tree};

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

/// A parsed single-document YAML file that owns its source text.
///
/// `Debug` does not show the source (it holds secrets).
#[derive(Clone)]
pub struct Document {
    src: String,
    tree: Tree,
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
        Ok(Self { src, tree })
    }

    /// The source text.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.src
    }

    pub(crate) fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The comments of the source text.
    pub(crate) fn comments(&self) -> Comments<'_> {
        Comments::new(&self.src, &self.tree)
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
        match locate::walk(&self.tree, path)? {
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
                        kind: locate::kind_of(&self.tree, value),
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
                        kind: locate::kind_of(&doc.tree, value),
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
        let Ok(Lookup::Found { key, map, .. }) = locate::walk(&self.tree, path) else {
            return None;
        };
        let comments = self.comments();
        let line = comments.key_line(key, map).ok()?;
        let above = comments.marked_comment_above(line.start, line.indent, marker, None)?;
        comments.comment_text(&above, marker).map(str::to_owned)
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
}
