//! Paths of mapping keys from the document root.

/// One step of a [`Path`]: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// A mapping key, matched on its decoded value (so `"a"`, `'a'` and `a` are the same key).
    Key(String),
    /// A position in a sequence. Only reported (by [`Document::scalars`](crate::Document::scalars)
    /// and [`Document::find_keys`](crate::Document::find_keys)); paths through sequences cannot be
    /// read or edited.
    Index(usize),
}

/// A path of mapping keys from the document root, such as
/// `external_secrets.keyvault_credentials.client_id`.
///
/// In the text form, `.` separates keys, `\.` is a dot inside a key and `\\` a backslash
/// (as in Helm's `--set`). [`Display`](std::fmt::Display) writes the same form back; sequence
/// indices are shown as `[0]`, as in `items[0].name`.
///
/// ```
/// use offseal_yaml::{Path, Segment};
///
/// let path = Path::parse(r"a.b\.c")?;
/// assert_eq!(path.segments(), [Segment::Key("a".into()), Segment::Key("b.c".into())]);
/// assert_eq!(path.to_string(), r"a.b\.c");
/// # Ok::<(), offseal_yaml::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    segments: Vec<Segment>,
}

impl Path {
    /// The empty path: the document root.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a path from keys, taken literally (no escapes).
    pub fn from_keys<I, K>(keys: I) -> Self
    where
        I: IntoIterator<Item = K>,
        K: Into<String>,
    {
        Self {
            segments: keys.into_iter().map(|k| Segment::Key(k.into())).collect(),
        }
    }

    /// The steps of the path, root first.
    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Number of steps.
    #[must_use]
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// Whether this is the root path.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// Appends a step.
    pub fn push(&mut self, segment: Segment) {
        self.segments.push(segment);
    }

    /// Appends a key, taken literally.
    pub fn push_key(&mut self, key: impl Into<String>) {
        self.segments.push(Segment::Key(key.into()));
    }

    /// Removes and returns the last step.
    pub fn pop(&mut self) -> Option<Segment> {
        self.segments.pop()
    }

    /// A new path with `segment` appended.
    #[must_use]
    pub fn join(&self, segment: Segment) -> Self {
        let mut path = self.clone();
        path.push(segment);
        path
    }

    /// A new path with the key appended, taken literally.
    #[must_use]
    pub fn join_key(&self, key: impl Into<String>) -> Self {
        self.join(Segment::Key(key.into()))
    }

    /// The path without its last step (`None` for the root).
    #[must_use]
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.segments.split_last()?;
        Some(Self {
            segments: rest.to_vec(),
        })
    }

    /// The first `len` steps.
    #[must_use]
    pub fn prefix(&self, len: usize) -> Self {
        Self {
            segments: self.segments.iter().take(len).cloned().collect(),
        }
    }

    /// Whether `self` is `other` or one of its ancestors.
    #[must_use]
    pub fn is_prefix_of(&self, other: &Self) -> bool {
        other.segments.starts_with(&self.segments)
    }

    /// The last key, if the path ends in a key.
    #[must_use]
    pub fn last_key(&self) -> Option<&str> {
        match self.segments.last() {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }
}

impl From<Vec<Segment>> for Path {
    fn from(segments: Vec<Segment>) -> Self {
        Self { segments }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        let path = Path::parse("a.b.c").unwrap();
        assert_eq!(path.parent().unwrap().to_string(), "a.b");
        assert_eq!(path.prefix(1).to_string(), "a");
        assert!(path.prefix(2).is_prefix_of(&path));
        assert!(!path.is_prefix_of(&path.prefix(2)));
        assert_eq!(path.last_key(), Some("c"));
        assert_eq!(path.join_key("d.e").to_string(), r"a.b.c.d\.e");
        assert!(Path::new().is_empty());
        assert_eq!(Path::new().parent(), None);
    }
}
