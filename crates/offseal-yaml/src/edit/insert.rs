//! Inserting missing keys (and their missing parents): where they go in the file, how they are
//! written, and what the file then holds.

use std::collections::HashMap;

use super::{Plan, Splice};
use crate::error::Error;
use crate::locate::Site;
use crate::path::{Path, Segment};
use crate::render;
use crate::text;
use crate::tree::{Kind, NodeId, Style, Tree};
use crate::verify::Expected;

/// A key to insert.
pub(super) struct NewEntry {
    pub(super) key: String,
    /// A comment line to write above the key.
    pub(super) comment: Option<String>,
    pub(super) value: NewValue,
}

/// What an inserted key holds.
pub(super) enum NewValue {
    Leaf(String),
    Map(Vec<NewEntry>),
}

/// Keys to insert at one site.
pub(super) struct SiteEdit {
    pub(super) site: Site,
    /// Path of the mapping the keys go into.
    base: Path,
    pub(super) entries: Vec<NewEntry>,
}

impl Plan<'_> {
    /// Records keys to insert for `path[at..]` at `site`.
    pub(super) fn insert(
        &mut self,
        path: &Path,
        at: usize,
        site: Site,
        value: &str,
    ) -> Result<(), Error> {
        let missing = path.prefix(at + 1);
        match site {
            Site::Empty => {}
            Site::Map(map) => {
                let node = self.node(map);
                if node.is_flow_map() {
                    return Err(Error::FlowInsert {
                        path: missing,
                        line: node.line(),
                    });
                }
            }
            Site::Null { value: id, entry } => {
                let node = self.node(id);
                let line = entry.map_or(node.line(), |(k, _)| self.node(k).line());
                if self.tree().anchor(id) != 0 || self.tree().tag(id).is_some() {
                    return Err(Error::Unsupported {
                        path: path.prefix(at),
                        line,
                        what: "an anchored or tagged empty value cannot become a mapping",
                    });
                }
                if let Some((key, map)) = entry {
                    let m = self.node(map);
                    if m.is_flow_map() {
                        return Err(Error::FlowInsert {
                            path: missing,
                            line: m.line(),
                        });
                    }
                    let plain_key = self
                        .doc
                        .comments()
                        .key_line(self.tree(), key, map)
                        .is_ok_and(|l| !l.explicit);
                    if !plain_key || !self.has_value(key, id, m.indent().unwrap_or(0)) {
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

    /// Turns every insertion site into splices and updates the expected tree.
    pub(super) fn place_sites(&mut self) -> Result<(), Error> {
        let sites = std::mem::take(&mut self.sites);
        let src = self.src;
        let le = text::line_ending(src);
        let step = indent_step(self.tree());
        for site_edit in &sites {
            let first_path = first_path(site_edit);
            let depth = site_edit.base.len();
            let (offset, col) = match site_edit.site {
                Site::Empty => (src.len(), 0),
                Site::Map(map) => {
                    let col = self.node(map).indent().unwrap_or(0);
                    // After the mapping's last entry, however deeply nested.
                    (self.after_node(map, col, &first_path)?, col)
                }
                Site::Null { value, entry } => {
                    let col = match entry {
                        Some((_, map)) => self.node(map).indent().unwrap_or(0) + step,
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

    /// Removes a null token or `{}` that becomes a block mapping; returns where its keys go.
    fn clear_null(&mut self, id: NodeId, path: &Path) -> usize {
        let src = self.src;
        let node = self.node(id);
        let (start, end) = (node.start(), node.end());
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
                let id = self.expected.new_tree().push_map(&entries, col);
                self.expected.set_root(id);
            }
            Site::Map(map) => self.expected.append(map, entries),
            Site::Null { value, .. } => {
                let id = self.expected.new_tree().push_map(&entries, col);
                self.expected.replace(value, id);
            }
        }
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

/// Adds a new scalar, in the style it is written in.
fn push_scalar(tree: &mut Tree, value: &str) -> NodeId {
    let style = if render::plain_safe(value) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    tree.push_scalar(value, style, None)
}

/// Adds new keys to the expected data.
fn build_entries(expected: &mut Expected<'_>, entries: &[NewEntry]) -> Vec<(NodeId, NodeId)> {
    entries
        .iter()
        .map(|entry| {
            let key = push_scalar(expected.new_tree(), &entry.key);
            let value = match &entry.value {
                NewValue::Leaf(value) => push_scalar(expected.new_tree(), value),
                NewValue::Map(children) => {
                    let children = build_entries(expected, children);
                    expected.new_tree().push_map(&children, 0)
                }
            };
            (key, value)
        })
        .collect()
}

/// The file's indentation step: the most common indentation of a block mapping nested in a
/// block mapping (2 if none).
fn indent_step(tree: &Tree) -> usize {
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for (id, node) in tree.all() {
        let (Kind::Map { flow: false, .. }, Some(parent)) = (node.kind, node.indent()) else {
            continue;
        };
        for &(k, v) in tree.entries(id) {
            let child = tree.node(v);
            if let (Kind::Map { flow: false, .. }, Some(indent)) = (child.kind, child.indent())
                && child.line() > tree.node(k).line()
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
