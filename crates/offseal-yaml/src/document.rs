//! A parsed file and the read-only queries on it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
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
///
/// ```
/// use offseal_yaml::{Document, Path, Style};
///
/// let doc = Document::parse(b"db:\n  password: \"AgB4\"\n  port: 5432\n")?;
/// let password = doc.get(&Path::parse("db.password")?)?.expect("present");
/// assert_eq!((password.value.as_str(), password.line, password.style), ("AgB4", 2, Style::DoubleQuoted));
/// assert_eq!(doc.get(&Path::parse("db.user")?)?, None);
/// assert_eq!(doc.scalars().len(), 2);
/// // Debug output never shows the text (it may hold secrets).
/// assert!(!format!("{doc:?}").contains("AgB4"));
///
/// assert!(Document::parse(b"a: 1\n---\nb: 2\n").is_err(), "several documents");
/// # Ok::<(), offseal_yaml::Error>(())
/// ```
#[derive(Clone)]
pub struct Document {
    tree: Tree,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("bytes", &self.tree.src().len())
            .field("nodes", &self.tree.node_count())
            .finish_non_exhaustive()
    }
}

/// The mapping key (and its mapping) of each step of a path being walked; `None` for a step
/// into a sequence.
type Chain = [Option<(NodeId, NodeId)>];

impl Document {
    /// Parses a file.
    ///
    /// # Errors
    ///
    /// [`Error::Utf16`] for a UTF-16 or UTF-32 byte order mark, [`Error::NotUtf8`] for other
    /// bytes that are not UTF-8, [`Error::Parse`] for invalid YAML,
    /// [`Error::MultipleDocuments`] when the file holds more than one document and
    /// [`Error::TooLarge`] for a file of 4 GiB or more.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(Error::Utf16);
        }
        if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
            return Err(Error::Utf16);
        }
        tree::check_len(bytes.len())?;
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
        Ok(Self {
            tree: Tree::parse(src)?,
        })
    }

    /// The source text.
    #[must_use]
    pub fn source(&self) -> &str {
        self.tree.src()
    }

    pub(crate) fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The comments of the source text.
    pub(crate) fn comments(&self) -> Comments<'_> {
        Comments::of(&self.tree)
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
                let line = self.tree.node(key).line();
                match &self.tree.node(value).kind {
                    Kind::Scalar { .. } => Ok(Some(self.scalar_ref(path, &[], value).to_scalar())),
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
        self.visit(&mut |path, chain, value| {
            let Some(Some((key, _))) = chain.last() else {
                return;
            };
            if self.tree.value(*key) == Some(name) {
                let k = self.tree.node(*key);
                found.push(Found {
                    path: path.clone(),
                    line: k.line(),
                    column: k.col() + 1,
                    kind: locate::kind_of(&self.tree, value),
                });
            }
        });
        found
    }

    /// Every mapping key (reached as [`Document::find_keys`] reaches them) whose block of
    /// comment lines directly above holds `# <marker>...`, in file order, with that comment's
    /// text as [`Document::leading_comment`] gives it. Whatever the key's value is: an alias
    /// or a collection under such a comment is listed too.
    #[must_use]
    pub fn keys_with_comment(&self, marker: &str) -> Vec<(Found, String)> {
        let mut found = Vec::new();
        if !self.source().contains(marker) {
            return found;
        }
        self.visit(&mut |path, chain, value| {
            let Some(Some((key, map))) = chain.last() else {
                return;
            };
            if let Some(text) = self.comment_above(*key, *map, marker) {
                let k = self.tree.node(*key);
                let key = Found {
                    path: path.clone(),
                    line: k.line(),
                    column: k.col() + 1,
                    kind: locate::kind_of(&self.tree, value),
                };
                found.push((key, text.to_owned()));
            }
        });
        found
    }

    /// Every scalar value of a mapping key reachable through mappings and sequences, in file
    /// order (null values included, with [`Style::Null`]). Scalars that are sequence items or
    /// keys are not listed.
    ///
    /// [`Document::visit_scalars`] lends the same scalars one at a time, without copying them.
    #[must_use]
    pub fn scalars(&self) -> Vec<Scalar> {
        let mut scalars = Vec::new();
        self.visit_scalars(|scalar| scalars.push(scalar.to_scalar()));
        scalars
    }

    /// Calls `f` with every scalar that [`Document::scalars`] lists, in the same order, lent
    /// rather than copied: memory stays flat however large the file.
    pub fn visit_scalars<F>(&self, mut f: F)
    where
        F: FnMut(&ScalarRef<'_>),
    {
        let distinct = RefCell::new(HashMap::new());
        self.visit(&mut |path, chain, value| {
            if let Some(Some(_)) = chain.last()
                && matches!(self.tree.node(value).kind, Kind::Scalar { .. })
            {
                f(&ScalarRef {
                    distinct: Some(&distinct),
                    ..self.scalar_ref(path, chain, value)
                });
            }
        });
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
        self.comment_above(key, map, marker).map(str::to_owned)
    }

    /// Whether a comment line can be written above the key at `path` ([`Edit::comment`]):
    /// `None` when there is no such key, `Some(false)` for a key of a flow mapping
    /// (`{a: 1}`) or one that does not start its line (`- a: 1`, `a: {b: 1}`).
    ///
    /// [`Edit::comment`]: crate::Edit::comment
    #[must_use]
    pub fn can_comment_above(&self, path: &Path) -> Option<bool> {
        match locate::walk(&self.tree, path) {
            Ok(Lookup::Found { key, map, .. }) => {
                Some(self.comments().key_line(&self.tree, key, map).is_ok())
            }
            _ => None,
        }
    }

    /// The text of the comment `# <marker>...` above the key `key` of `map`.
    fn comment_above(&self, key: NodeId, map: NodeId, marker: &str) -> Option<&str> {
        let comments = self.comments();
        let line = comments.key_line(&self.tree, key, map).ok()?;
        let above = comments.marked_comment_above(line.start, line.indent, marker, None)?;
        comments.comment_text(&above, marker)
    }

    fn scalar_ref<'a>(&'a self, path: &'a Path, chain: &'a Chain, value: NodeId) -> ScalarRef<'a> {
        ScalarRef {
            doc: self,
            path,
            chain,
            value,
            distinct: None,
        }
    }

    /// Calls `f(path, chain, value)` for every mapping entry with a scalar key and every
    /// sequence item, depth first in file order, descending into mappings and sequences.
    fn visit<F>(&self, f: &mut F)
    where
        F: FnMut(&Path, &Chain, NodeId),
    {
        if let Some(root) = self.tree.root {
            self.visit_from(root, &mut Path::new(), &mut Vec::new(), &mut Vec::new(), f);
        }
    }

    fn visit_from<F>(
        &self,
        id: NodeId,
        path: &mut Path,
        chain: &mut Vec<Option<(NodeId, NodeId)>>,
        spare: &mut Vec<String>,
        f: &mut F,
    ) where
        F: FnMut(&Path, &Chain, NodeId),
    {
        match &self.tree.node(id).kind {
            Kind::Map { .. } => {
                for &(k, v) in self.tree.entries(id) {
                    let Some(name) = self.tree.value(k) else {
                        continue;
                    };
                    path.push_key_reusing(name, spare);
                    chain.push(Some((k, id)));
                    f(path, chain, v);
                    self.visit_from(v, path, chain, spare, f);
                    chain.pop();
                    path.pop_keeping(spare);
                }
            }
            Kind::Seq { .. } => {
                for (i, &item) in self.tree.items(id).iter().enumerate() {
                    path.push(Segment::Index(i));
                    chain.push(None);
                    f(path, chain, item);
                    self.visit_from(item, path, chain, spare, f);
                    chain.pop();
                    path.pop();
                }
            }
            Kind::Scalar { .. } | Kind::Alias(_) => {}
        }
    }

    /// Whether no two scalar keys of the mapping `map` are the same, or else whether `key` is
    /// the only one of its name; `distinct` caches the first answer per mapping.
    fn only_key(
        &self,
        key: NodeId,
        map: NodeId,
        distinct: Option<&RefCell<HashMap<NodeId, bool>>>,
    ) -> bool {
        let all_distinct = || {
            let mut seen = HashSet::new();
            self.tree
                .entries(map)
                .iter()
                .filter_map(|&(k, _)| self.tree.value(k))
                .all(|name| seen.insert(name))
        };
        let cached =
            distinct.map(|cache| *cache.borrow_mut().entry(map).or_insert_with(all_distinct));
        if cached == Some(true) {
            return true;
        }
        let name = self.tree.value(key);
        self.tree
            .entries(map)
            .iter()
            .filter(|&&(k, _)| self.tree.value(k) == name)
            .count()
            == 1
    }
}

/// A scalar value of a mapping key, lent by [`Document::visit_scalars`].
///
/// `Debug` shows the length of the value, never the value itself.
pub struct ScalarRef<'a> {
    doc: &'a Document,
    path: &'a Path,
    chain: &'a Chain,
    value: NodeId,
    distinct: Option<&'a RefCell<HashMap<NodeId, bool>>>,
}

impl fmt::Debug for ScalarRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScalarRef")
            .field("path", &self.path)
            .field("value_len", &self.value().len())
            .field("line", &self.line())
            .finish_non_exhaustive()
    }
}

impl<'a> ScalarRef<'a> {
    /// Where the scalar is.
    #[must_use]
    pub fn path(&self) -> &'a Path {
        self.path
    }

    /// The decoded text (empty for [`Style::Null`]).
    #[must_use]
    pub fn value(&self) -> &'a str {
        if self.doc.tree.is_null(self.value) {
            ""
        } else {
            self.doc.tree.value(self.value).unwrap_or("")
        }
    }

    /// Line of the value, from 1.
    #[must_use]
    pub fn line(&self) -> usize {
        self.doc.tree.node(self.value).line()
    }

    /// Column of the value, from 1, in characters.
    #[must_use]
    pub fn column(&self) -> usize {
        self.doc.tree.node(self.value).col() + 1
    }

    /// How the value is written.
    #[must_use]
    pub fn style(&self) -> Style {
        if self.doc.tree.is_null(self.value) {
            return Style::Null;
        }
        match self.doc.tree.node(self.value).style() {
            Some(tree::Style::SingleQuoted) => Style::SingleQuoted,
            Some(tree::Style::DoubleQuoted) => Style::DoubleQuoted,
            Some(tree::Style::Literal) => Style::Literal,
            Some(tree::Style::Folded) => Style::Folded,
            Some(tree::Style::Plain) | None => Style::Plain,
        }
    }

    /// The explicit tag as written (such as `!!str`), if any.
    #[must_use]
    pub fn tag(&self) -> Option<&'a str> {
        self.doc.tree.tag(self.value).map(|t| t.written.as_str())
    }

    /// An owned copy.
    #[must_use]
    pub fn to_scalar(&self) -> Scalar {
        Scalar {
            path: self.path.clone(),
            value: self.value().to_owned(),
            line: self.line(),
            column: self.column(),
            style: self.style(),
            tag: self.tag().map(str::to_owned),
        }
    }

    /// The text of the comment `# <marker>...` above the scalar's own key, as
    /// [`Document::leading_comment`] reads it, wherever the key is: under a sequence, or
    /// beside a key of the same name, too.
    #[must_use]
    pub fn own_comment(&self, marker: &str) -> Option<&'a str> {
        let (key, map) = (*self.chain.last()?)?;
        self.doc.comment_above(key, map, marker)
    }

    /// What [`Document::leading_comment`] returns for the first `depth` keys of
    /// [`path`](Self::path) (the scalar's own key for the whole length, else an ancestor's),
    /// found without a search from the document root.
    #[must_use]
    pub fn leading_comment(&self, depth: usize, marker: &str) -> Option<String> {
        if depth == 0 || depth > locate::MAX_PATH_LEN {
            return None;
        }
        let links = self.chain.get(..depth)?;
        let (key, map) = (*links.last()?)?;
        let text = self.doc.comment_above(key, map, marker)?;
        // Only where the path leads to this key alone (no sequence on it, and no key on it
        // that its mapping holds twice), as a search from the root would find it.
        let unique = links
            .iter()
            .all(|link| link.is_some_and(|(k, m)| self.doc.only_key(k, m, self.distinct)));
        unique.then(|| text.to_owned())
    }
}
