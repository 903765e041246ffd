//! Editing a document: the edits, one plan for a batch of them against one parse, splicing the
//! plan into the source, and verifying the result by parsing it again.
//!
//! Each kind of edit plans its splices in its own module: [`replace`] an existing scalar,
//! [`insert`] missing keys, and put or remove a [`comment`] above a key.

mod comment;
mod extent;
mod insert;
mod replace;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::document::Document;
use crate::error::Error;
use crate::locate::{self, Lookup};
use crate::path::Path;
use crate::text;
use crate::tree::{self, Node, NodeId, Tree};
use crate::verify::Expected;

use comment::CommentCheck;
use insert::SiteEdit;

impl Document {
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
        apply(self, edits)
    }
}

/// One change to apply with [`Document::edit`] or [`set_scalars`](crate::set_scalars).
///
/// `Debug` shows the length of a value, never the value itself.
///
/// ```
/// use offseal_yaml::{Document, Edit, Path};
///
/// let doc = Document::parse(b"a:\n  b: 1\n")?;
/// let a = Path::parse("a")?;
/// let output = doc.edit(&[
///     // A missing key is inserted, in the file's indentation.
///     Edit::set(a.join_key("c"), "yes"),
///     Edit::comment(a.join_key("b"), "note:", "note: kept"),
/// ])?;
/// assert_eq!(output, b"a:\n  # note: kept\n  b: 1\n  c: \"yes\"\n");
/// // Debug shows a value's length only.
/// assert!(!format!("{:?}", Edit::set(a, "s3cret")).contains("s3cret"));
/// # Ok::<(), offseal_yaml::Error>(())
/// ```
#[non_exhaustive]
#[derive(Clone, PartialEq, Eq)]
pub enum Edit {
    /// Replace the scalar at `path`, or insert the missing keys (and parents) with the value.
    Set {
        /// Where to write.
        path: Path,
        /// The new string.
        value: String,
    },
    /// Put, replace or remove one full-line comment `# {text}` directly above the key at
    /// `path` (which may be inserted by a [`Edit::Set`] in the same call).
    ///
    /// A comment line directly above the key, at the key's indentation, that starts with
    /// `# {marker}` is replaced (or removed when `text` is `None`); otherwise a new line is
    /// inserted, indented like the key. `text` must start with `marker` and hold no line
    /// break.
    SetComment {
        /// The key the comment belongs to.
        path: Path,
        /// How to recognise the comment, such as `offseal:`.
        marker: String,
        /// The new comment text (without `# `), or `None` to remove it.
        text: Option<String>,
    },
}

impl Edit {
    /// An [`Edit::Set`].
    pub fn set(path: Path, value: impl Into<String>) -> Self {
        Self::Set {
            path,
            value: value.into(),
        }
    }

    /// An [`Edit::SetComment`] that puts or replaces the comment.
    pub fn comment(path: Path, marker: impl Into<String>, text: impl Into<String>) -> Self {
        Self::SetComment {
            path,
            marker: marker.into(),
            text: Some(text.into()),
        }
    }

    /// An [`Edit::SetComment`] that removes the comment.
    pub fn remove_comment(path: Path, marker: impl Into<String>) -> Self {
        Self::SetComment {
            path,
            marker: marker.into(),
            text: None,
        }
    }

    /// The path the edit is about.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Self::Set { path, .. } | Self::SetComment { path, .. } => path,
        }
    }
}

impl fmt::Debug for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Set { path, value } => f
                .debug_struct("Set")
                .field("path", path)
                .field("value_len", &value.len())
                .finish(),
            Self::SetComment { path, marker, text } => f
                .debug_struct("SetComment")
                .field("path", path)
                .field("marker", marker)
                .field("text_len", &text.as_ref().map(String::len))
                .finish(),
        }
    }
}

/// A replacement of `src[start..end]`.
struct Splice {
    start: usize,
    end: usize,
    text: String,
    /// Splices at one offset go in this order: 0 a value added to its key (after the key's `:`,
    /// or as a `: value` line after an explicit key), 1 new keys (deepest mapping first, by
    /// `depth`), 2 new comment lines (directly above their key), 3 replaced or removed ranges.
    class: u8,
    depth: usize,
    /// The text must start a line: write a line break first if the output does not end in one.
    line_start: bool,
    path: Path,
}

/// The splices and the expected data for one batch of edits.
struct Plan<'d> {
    doc: &'d Document,
    src: &'d str,
    splices: Vec<Splice>,
    sites: Vec<SiteEdit>,
    expected: Expected<'d>,
    checks: Vec<CommentCheck>,
}

/// Applies `edits` to `doc` (see [`Document::edit`]).
fn apply(doc: &Document, edits: &[Edit]) -> Result<Vec<u8>, Error> {
    let mut plan = plan(doc, edits)?;
    let out = plan.splice()?;
    if out == plan.src {
        return Ok(out.into_bytes());
    }
    plan.verify(out)
}

/// Plans `edits` on `doc`: the splices, and the data and comments to expect after them.
fn plan<'d>(doc: &'d Document, edits: &[Edit]) -> Result<Plan<'d>, Error> {
    check_conflicts(edits)?;
    let mut plan = Plan {
        doc,
        src: doc.source(),
        splices: Vec::new(),
        sites: Vec::new(),
        expected: Expected::new(doc.tree()),
        checks: Vec::new(),
    };
    for edit in edits {
        if let Edit::Set { path, value } = edit {
            plan.set(path, value)?;
        }
    }
    for edit in edits {
        if let Edit::SetComment { path, marker, text } = edit {
            plan.comment(path, marker, text.as_deref())?;
        }
    }
    plan.place_sites()?;
    Ok(plan)
}

/// Refuses two edits of one key, and a value set where another edit needs a mapping.
fn check_conflicts(edits: &[Edit]) -> Result<(), Error> {
    let mut sets: Vec<&Path> = Vec::new();
    let mut comments: Vec<&Path> = Vec::new();
    for edit in edits {
        match edit {
            Edit::Set { path, .. } => sets.push(path),
            Edit::SetComment { path, .. } => comments.push(path),
        }
    }
    sets.sort();
    comments.sort();
    for pair in sets.windows(2) {
        if let [a, b] = pair
            && a.is_prefix_of(b)
        {
            return Err(Error::ConflictingEdits { path: (*a).clone() });
        }
    }
    for pair in comments.windows(2) {
        if let [a, b] = pair
            && a == b
        {
            return Err(Error::ConflictingEdits { path: (*a).clone() });
        }
    }
    Ok(())
}

impl Plan<'_> {
    fn tree(&self) -> &Tree {
        self.doc.tree()
    }

    fn node(&self, id: NodeId) -> &Node {
        self.doc.tree().node(id)
    }

    fn add(&mut self, start: usize, end: usize, text: String, path: &Path) {
        self.splices.push(Splice {
            start,
            end,
            text,
            class: if start == end { 0 } else { 3 },
            depth: 0,
            line_start: false,
            path: path.clone(),
        });
    }

    fn set(&mut self, path: &Path, value: &str) -> Result<(), Error> {
        match locate::walk(self.tree(), path)? {
            Lookup::Found { key, value: v, map } => {
                locate::referenced_anchor(self.tree(), path, path.len().saturating_sub(1))?;
                self.replace(path, key, v, map, value)
            }
            Lookup::Missing { at, site } => {
                locate::referenced_anchor(self.tree(), path, at)?;
                self.insert(path, at, site, value)
            }
        }
    }

    /// Applies the splices to the source.
    fn splice(&mut self) -> Result<String, Error> {
        let src = self.src;
        self.splices.sort_by(|a, b| {
            (a.start, a.class, std::cmp::Reverse(a.depth)).cmp(&(
                b.start,
                b.class,
                std::cmp::Reverse(b.depth),
            ))
        });
        let le = text::line_ending(src);
        let mut out = String::with_capacity(
            src.len() + self.splices.iter().map(|s| s.text.len() + 2).sum::<usize>(),
        );
        let mut cursor = 0;
        for splice in &self.splices {
            let Some(kept) = src.get(cursor..splice.start) else {
                return Err(Error::ConflictingEdits {
                    path: splice.path.clone(),
                });
            };
            out.push_str(kept);
            if splice.line_start && !splice.text.is_empty() && !text::at_line_start(&out) {
                out.push_str(le);
            }
            out.push_str(&splice.text);
            cursor = splice.end.max(cursor);
        }
        out.push_str(src.get(cursor..).unwrap_or(""));
        Ok(out)
    }

    /// Parses the result again and compares it with the expected data and comments, as it
    /// parses (no second tree); when they differ, parses it into a tree to say where.
    fn verify(&self, out: String) -> Result<Vec<u8>, Error> {
        tree::check_len(out.len())?;
        let same = self.reads_back(&out);
        // In tests, small results are also compared as trees (the old, slower check): the two
        // must agree. Large ones are not, so that tests/memory.rs sees what a release build does.
        debug_assert!(
            out.len() > 1 << 16
                || same == self.differences(out.clone()).is_some_and(|d| d.is_empty()),
            "the read-back and the comparison of trees disagree"
        );
        if same {
            Ok(out.into_bytes())
        } else {
            Err(self.explain(out))
        }
    }

    /// Whether `out` holds exactly the expected data, and the expected comments.
    fn reads_back(&self, out: &str) -> bool {
        let comments: Vec<(&Path, &str)> = self
            .checks
            .iter()
            .map(|c| (&c.path, c.marker.as_str()))
            .collect();
        self.expected
            .read_back(out, &comments)
            .is_some_and(|found| {
                found
                    .iter()
                    .zip(&self.checks)
                    .all(|(f, c)| *f == c.expected)
            })
    }

    /// The error for a result that does not read back as expected: where it differs, found on
    /// its tree.
    fn explain(&self, out: String) -> Error {
        match self.differences(out) {
            Some(paths) if !paths.is_empty() => Error::Verify { paths },
            // Unparseable; or the two readings disagree, which they must not: refuse anyway.
            _ => {
                let mut paths: Vec<Path> = self.splices.iter().map(|s| s.path.clone()).collect();
                paths.sort();
                paths.dedup();
                Error::Verify { paths }
            }
        }
    }

    /// Where `out` differs from the expected data and comments, found by comparing its tree
    /// (`None` if it does not parse as one document).
    fn differences(&self, out: String) -> Option<Vec<Path>> {
        let new = Document::from_string(out).ok()?;
        let mut diffs = self.expected.differences(new.tree());
        for check in &self.checks {
            if new.leading_comment(&check.path, &check.marker) != check.expected {
                diffs.push(check.path.clone());
            }
        }
        diffs.dedup();
        Some(diffs)
    }
}
