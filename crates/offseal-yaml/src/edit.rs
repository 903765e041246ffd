//! Planning edits against one parse, splicing them into the source, and verifying the result.

use std::fmt;

use crate::document::{Document, Lookup, Site};
use crate::error::Error;
use crate::path::{Path, Segment};
use crate::render;
use crate::text;
use crate::tree::{Kind, Node, NodeId, Style, Tree};
use crate::verify::Expected;

/// One change to apply with [`Document::edit`] or [`set_scalars`](crate::set_scalars).
///
/// `Debug` shows the length of a value, never the value itself.
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
    /// Splices at one offset go in this order: 0 text inserted within a line (a value after
    /// its key's `:`), 1 new keys (deepest mapping first, by `depth`), 2 new comment lines
    /// (directly above their key), 3 replaced or removed ranges.
    class: u8,
    depth: usize,
    /// The text must start a line: write a line break first if the output does not end in one.
    line_start: bool,
    path: Path,
}

/// A key to insert.
struct NewEntry {
    key: String,
    comment: Option<String>,
    value: NewValue,
}

enum NewValue {
    Leaf(String),
    Map(Vec<NewEntry>),
}

/// Keys to insert at one site.
struct SiteEdit {
    site: Site,
    /// Path of the mapping the keys go into.
    base: Path,
    entries: Vec<NewEntry>,
}

/// A comment to look for after the edit.
struct CommentCheck {
    path: Path,
    marker: String,
    expected: Option<String>,
}

struct Plan<'d> {
    doc: &'d Document,
    src: &'d str,
    splices: Vec<Splice>,
    sites: Vec<SiteEdit>,
    expected: Expected<'d>,
    checks: Vec<CommentCheck>,
}

/// Applies `edits` to `doc` (see [`Document::edit`]).
pub(crate) fn apply(doc: &Document, edits: &[Edit]) -> Result<Vec<u8>, Error> {
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
    let out = plan.splice()?;
    if out == plan.src {
        return Ok(out.into_bytes());
    }
    plan.verify(out)
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
        match self.doc.walk(path)? {
            Lookup::Found { key, value: v, .. } => {
                self.doc
                    .referenced_anchor(path, path.len().saturating_sub(1))?;
                self.replace(path, key, v, value)
            }
            Lookup::Missing { at, site } => {
                self.doc.referenced_anchor(path, at)?;
                self.insert(path, at, site, value)
            }
        }
    }

    /// Plans the replacement of an existing value.
    fn replace(&mut self, path: &Path, key: NodeId, id: NodeId, new: &str) -> Result<(), Error> {
        let node = self.node(id).clone();
        let line = self.node(key).line;
        let (old, style, header) = match &node.kind {
            Kind::Scalar {
                value,
                style,
                header,
            } => (value.as_str(), *style, *header),
            Kind::Alias(_) => {
                return Err(Error::Alias {
                    path: path.clone(),
                    line,
                });
            }
            Kind::Map { .. } | Kind::Seq { .. } => {
                return Err(Error::NotAScalar {
                    path: path.clone(),
                    line,
                    kind: self.doc.kind_of(id),
                });
            }
        };
        let tag_is_str = match &node.tag {
            Some(tag) if !tag.is_str => {
                return Err(Error::Tagged {
                    path: path.clone(),
                    line,
                    tag: tag.written.clone(),
                });
            }
            Some(_) => true,
            None => false,
        };
        if node.anchor != 0 && self.tree().referenced.contains(&node.anchor) {
            return Err(Error::AnchorReferenced {
                path: path.clone(),
                line,
            });
        }
        let is_string = style != Style::Plain || tag_is_str || render::resolves_as_string(old);
        if !node.is_null() && old == new && is_string {
            return Ok(());
        }
        let plain = style == Style::Plain && render::plain_safe(new);
        let text = if plain {
            new.to_owned()
        } else {
            render::double_quoted(new)
        };
        let replacement = self.expected.push(Node {
            kind: Kind::Scalar {
                value: new.to_owned(),
                style: if plain {
                    Style::Plain
                } else {
                    Style::DoubleQuoted
                },
                header: None,
            },
            ..node.clone()
        });
        self.expected.replace(id, replacement);
        let src = self.src;
        // Where the lines after the new value start (for the tab check below).
        let mut after = text::next_line_start(src, node.end.max(node.start));
        match style {
            Style::Literal | Style::Folded => {
                let Some((h0, h1)) = header else {
                    return Err(Error::Unsupported {
                        path: path.clone(),
                        line,
                        what: "the block scalar's header was not found",
                    });
                };
                self.add(h0, h1, text, path);
                let content = src.get(node.start..node.end).unwrap_or("");
                if let Some(last) = content.rfind(|c: char| !matches!(c, ' ' | '\t' | '\r' | '\n'))
                {
                    let from = text::next_line_start(src, h1);
                    let to = text::next_line_start(src, node.start + last);
                    if to > from {
                        self.add(from, to, String::new(), path);
                        after = to;
                    } else {
                        after = from;
                    }
                } else {
                    after = text::next_line_start(src, h1);
                }
            }
            _ if node.start == node.end => {
                // An empty value: its span sits at the key's end (or after an anchor or tag).
                let Some(colon) = find_colon(src, self.node(key).end) else {
                    return Err(Error::Unsupported {
                        path: path.clone(),
                        line,
                        what: "the key's `:` was not found",
                    });
                };
                let at = if node.start > colon {
                    node.start
                } else {
                    colon + 1
                };
                self.add(at, at, format!(" {text}"), path);
            }
            _ => self.add(node.start, node.end, text, path),
        }
        if !plain && matches!(style, Style::Plain | Style::Literal | Style::Folded) {
            self.check_tabs(path, after)?;
        }
        Ok(())
    }

    /// Refuses when lines from `line_start` up to the next token are indented with a tab:
    /// libyaml-based readers accept them after a plain scalar (which swallows them) but not
    /// after a quoted scalar or new lines.
    fn check_tabs(&self, path: &Path, line_start: usize) -> Result<(), Error> {
        match text::tab_indented_blank(self.src, line_start) {
            Some(pos) => Err(Error::TabAfterEdit {
                path: path.clone(),
                line: text::line_number(self.src.as_bytes(), pos),
            }),
            None => Ok(()),
        }
    }

    /// Records keys to insert for `path[at..]` at `site`.
    fn insert(&mut self, path: &Path, at: usize, site: Site, value: &str) -> Result<(), Error> {
        let missing = path.prefix(at + 1);
        match site {
            Site::Empty => {}
            Site::Map(map) => {
                let node = self.node(map);
                if matches!(node.kind, Kind::Map { flow: true, .. }) {
                    return Err(Error::FlowInsert {
                        path: missing,
                        line: node.line,
                    });
                }
            }
            Site::Null { value: id, entry } => {
                let node = self.node(id);
                let line = entry.map_or(node.line, |(k, _)| self.node(k).line);
                if node.anchor != 0 || node.tag.is_some() {
                    return Err(Error::Unsupported {
                        path: path.prefix(at),
                        line,
                        what: "an anchored or tagged empty value cannot become a mapping",
                    });
                }
                if let Some((key, map)) = entry {
                    let m = self.node(map);
                    if matches!(m.kind, Kind::Map { flow: true, .. }) {
                        return Err(Error::FlowInsert {
                            path: missing,
                            line: m.line,
                        });
                    }
                    if self.doc.key_line(key, map).is_err() {
                        return Err(Error::Unsupported {
                            path: path.prefix(at),
                            line,
                            what: "the key does not start its line (an explicit `?` key); its empty value cannot become a mapping",
                        });
                    }
                }
            }
        }
        let index = match self.sites.iter().position(|s| s.site == site) {
            Some(i) => i,
            None => {
                self.sites.push(SiteEdit {
                    site,
                    base: path.prefix(at),
                    entries: Vec::new(),
                });
                self.sites.len() - 1
            }
        };
        let Some(site_edit) = self.sites.get_mut(index) else {
            return Err(Error::ConflictingEdits { path: path.clone() });
        };
        let keys: Vec<&str> = path
            .segments()
            .iter()
            .skip(at)
            .map(|s| match s {
                Segment::Key(k) => Ok(k.as_str()),
                Segment::Index(_) => Err(Error::InvalidPath {
                    path: path.to_string(),
                    reason: "sequence indices cannot be read or edited",
                }),
            })
            .collect::<Result<_, _>>()?;
        let mut entries = &mut site_edit.entries;
        let Some((last, parents)) = keys.split_last() else {
            return Err(Error::ConflictingEdits { path: path.clone() });
        };
        for key in parents {
            let i = match entries.iter().position(|e| e.key == *key) {
                Some(i) => i,
                None => {
                    entries.push(NewEntry {
                        key: (*key).to_owned(),
                        comment: None,
                        value: NewValue::Map(Vec::new()),
                    });
                    entries.len() - 1
                }
            };
            match entries.get_mut(i).map(|e| &mut e.value) {
                Some(NewValue::Map(children)) => entries = children,
                _ => return Err(Error::ConflictingEdits { path: path.clone() }),
            }
        }
        if entries.iter().any(|e| e.key == *last) {
            return Err(Error::ConflictingEdits { path: path.clone() });
        }
        entries.push(NewEntry {
            key: (*last).to_owned(),
            comment: None,
            value: NewValue::Leaf(value.to_owned()),
        });
        Ok(())
    }

    /// Plans a comment edit.
    fn comment(&mut self, path: &Path, marker: &str, text: Option<&str>) -> Result<(), Error> {
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
        match self.doc.walk(path)? {
            Lookup::Found { key, map, .. } => {
                let line = self
                    .doc
                    .key_line(key, map)
                    .map_err(|what| Error::Unsupported {
                        path: path.clone(),
                        line: self.node(key).line,
                        what,
                    })?;
                let matching = self
                    .doc
                    .marked_comment_above(line.start, line.indent, marker, None);
                let le = text::line_ending(self.src);
                match (matching.as_ref(), text) {
                    (Some(c), Some(text)) => {
                        let (hash, end) = (c.hash, c.end);
                        self.add(hash, end, format!("# {text}"), path);
                    }
                    (Some(c), None) => {
                        let (start, next) = (c.line_start, c.next);
                        // After removal, another marked line in the block (if any) is read.
                        let expected = self
                            .doc
                            .marked_comment_above(line.start, line.indent, marker, Some(start))
                            .and_then(|c| self.doc.comment_text(&c, marker).map(str::to_owned));
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

    /// Turns every insertion site into splices and updates the expected tree.
    fn place_sites(&mut self) -> Result<(), Error> {
        let sites = std::mem::take(&mut self.sites);
        let src = self.src;
        let le = text::line_ending(src);
        let step = self.doc.step();
        for site_edit in &sites {
            let first_path = first_path(site_edit);
            let depth = site_edit.base.len();
            let (offset, col) = match site_edit.site {
                Site::Empty => (src.len(), 0),
                Site::Map(map) => {
                    let col = match self.node(map).kind {
                        Kind::Map { indent, .. } => indent,
                        _ => 0,
                    };
                    (self.after_mapping(map, col, &first_path)?, col)
                }
                Site::Null { value, entry } => {
                    let col = match entry {
                        Some((_, map)) => match self.node(map).kind {
                            Kind::Map { indent, .. } => indent + step,
                            _ => step,
                        },
                        None => 0,
                    };
                    (self.clear_null(value, &site_edit.base), col)
                }
            };
            self.check_tabs(&first_path, offset)?;
            let mut lines = String::new();
            render_entries(&site_edit.entries, col, step, le, &mut lines);
            self.splices.push(Splice {
                start: offset,
                end: offset,
                text: lines,
                class: 1,
                depth,
                line_start: true,
                path: first_path,
            });
            self.expect_site(site_edit, col);
        }
        Ok(())
    }

    /// Where new keys of a non-empty block mapping go: after the line holding the end of its
    /// last value (descending to the last leaf).
    fn after_mapping(&self, map: NodeId, col: usize, path: &Path) -> Result<usize, Error> {
        let src = self.src;
        let (leaf, owner_col) = self.last_leaf(map, col);
        let node = self.node(leaf);
        let offset = match &node.kind {
            Kind::Scalar {
                style: Style::Literal | Style::Folded,
                header,
                ..
            } => {
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
                offset
            }
            _ => text::next_line_start(src, node.end),
        };
        Ok(offset)
    }

    /// The last leaf under `id`, with the key column of the mapping that owns it.
    fn last_leaf(&self, mut id: NodeId, mut owner_col: usize) -> (NodeId, usize) {
        loop {
            match &self.node(id).kind {
                Kind::Map {
                    flow: false,
                    entries,
                    indent,
                } => match entries.last() {
                    Some(&(_, v)) => {
                        owner_col = *indent;
                        id = v;
                    }
                    None => return (id, owner_col),
                },
                Kind::Seq {
                    flow: false, items, ..
                } => match items.last() {
                    Some(&v) => id = v,
                    None => return (id, owner_col),
                },
                _ => return (id, owner_col),
            }
        }
    }

    /// Removes a null token or `{}` that becomes a block mapping; returns where its keys go.
    fn clear_null(&mut self, id: NodeId, path: &Path) -> usize {
        let src = self.src;
        let node = self.node(id);
        let (start, end) = (node.start, node.end);
        if start == end {
            return text::next_line_start(src, start);
        }
        let line_end = text::line_end(src, end);
        if !text::is_blank(src.get(end..line_end).unwrap_or("x")) {
            self.add(start, end, String::new(), path);
            return text::next_line_start(src, end);
        }
        let bytes = src.as_bytes();
        let mut from = start;
        while from > 0 && matches!(bytes.get(from - 1), Some(b' ' | b'\t')) {
            from -= 1;
        }
        let ls = text::after_bom(src, text::line_start(src, start));
        if from == ls {
            // The token is alone on its line: the new keys take the line's place.
            let next = text::next_line_start(src, end);
            self.add(ls, next, String::new(), path);
            return ls;
        }
        self.add(from, line_end, String::new(), path);
        text::next_line_start(src, end)
    }

    /// Adds a site's new keys to the expected data.
    fn expect_site(&mut self, site_edit: &SiteEdit, col: usize) {
        let entries = build_entries(&mut self.expected, &site_edit.entries);
        match site_edit.site {
            Site::Empty => {
                let id = self.expected.push(map_node(entries, col));
                self.expected.set_root(id);
            }
            Site::Map(map) => self.expected.append(map, entries),
            Site::Null { value, .. } => {
                let id = self.expected.push(map_node(entries, col));
                self.expected.replace(value, id);
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

    /// Parses the result again and compares it with the expected data and comments.
    fn verify(&self, out: String) -> Result<Vec<u8>, Error> {
        let all_paths = || {
            let mut paths: Vec<Path> = self.splices.iter().map(|s| s.path.clone()).collect();
            paths.sort();
            paths.dedup();
            paths
        };
        let Ok(new) = Document::from_string(out) else {
            return Err(Error::Verify { paths: all_paths() });
        };
        let mut diffs = self.expected.differences(new.tree());
        for check in &self.checks {
            if new.leading_comment(&check.path, &check.marker) != check.expected {
                diffs.push(check.path.clone());
            }
        }
        if !diffs.is_empty() {
            diffs.dedup();
            return Err(Error::Verify { paths: diffs });
        }
        Ok(new.source().as_bytes().to_vec())
    }
}

/// The path of the first key inserted at a site (for messages).
fn first_path(site_edit: &SiteEdit) -> Path {
    let mut path = site_edit.base.clone();
    let mut entries = &site_edit.entries;
    while let Some(entry) = entries.first() {
        path.push_key(entry.key.clone());
        match &entry.value {
            NewValue::Map(children) => entries = children,
            NewValue::Leaf(_) => break,
        }
    }
    path
}

/// Finds the `:` after a key that ends at `from`, skipping white space and comments.
fn find_colon(src: &str, from: usize) -> Option<usize> {
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

/// Writes new keys as block-mapping lines at column `col`.
fn render_entries(entries: &[NewEntry], col: usize, step: usize, le: &str, out: &mut String) {
    for entry in entries {
        let pad = " ".repeat(col);
        if let Some(comment) = &entry.comment {
            out.push_str(&pad);
            out.push_str("# ");
            out.push_str(comment);
            out.push_str(le);
        }
        out.push_str(&pad);
        out.push_str(&render::plain_or_quoted(&entry.key).0);
        out.push(':');
        match &entry.value {
            NewValue::Leaf(value) => {
                out.push(' ');
                out.push_str(&render::plain_or_quoted(value).0);
                out.push_str(le);
            }
            NewValue::Map(children) => {
                out.push_str(le);
                render_entries(children, col + step, step, le, out);
            }
        }
    }
}

fn scalar_node(value: &str) -> Node {
    let style = if render::plain_safe(value) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Node::synthetic(Kind::Scalar {
        value: value.to_owned(),
        style,
        header: None,
    })
}

fn map_node(entries: Vec<(NodeId, NodeId)>, indent: usize) -> Node {
    Node::synthetic(Kind::Map {
        flow: false,
        entries,
        indent,
    })
}

/// Adds new keys to the expected data.
fn build_entries(tree: &mut Expected<'_>, entries: &[NewEntry]) -> Vec<(NodeId, NodeId)> {
    entries
        .iter()
        .map(|entry| {
            let key = tree.push(scalar_node(&entry.key));
            let value = match &entry.value {
                NewValue::Leaf(value) => tree.push(scalar_node(value)),
                NewValue::Map(children) => {
                    let children = build_entries(tree, children);
                    tree.push(map_node(children, 0))
                }
            };
            (key, value)
        })
        .collect()
}
