//! Following a path through the parsed tree: where a key is, or where a missing one would go.

use crate::error::{Error, NodeKind};
use crate::path::{Path, Segment};
use crate::tree::{Kind, NodeId, Tree};

/// The most keys a path may have (deeper YAML is refused by the parser anyway).
const MAX_PATH_LEN: usize = 256;

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

/// Follows `path` from the root.
pub(crate) fn walk(tree: &Tree, path: &Path) -> Result<Lookup, Error> {
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
        if node.is_null() || node.is_empty_flow_map() {
            return Ok(Lookup::Missing {
                at: i,
                site: Site::Null {
                    value: current,
                    entry,
                },
            });
        }
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
                return Err(Error::ScalarParent {
                    path: path.prefix(i),
                    line,
                });
            }
            Kind::Map { entries, .. } => {
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

/// The first node among the root and the values along the first `depth` keys of `path` that
/// has an anchor some alias refers to: an edit there would change the alias too. Only call this
/// for a prefix that [`walk`] has followed successfully.
pub(crate) fn referenced_anchor(tree: &Tree, path: &Path, depth: usize) -> Result<(), Error> {
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
pub(crate) fn kind_of(tree: &Tree, id: NodeId) -> NodeKind {
    let node = tree.node(id);
    match &node.kind {
        Kind::Scalar { .. } if node.is_null() => NodeKind::Null,
        Kind::Scalar { .. } => NodeKind::Scalar,
        Kind::Alias(_) => NodeKind::Alias,
        Kind::Map { .. } => NodeKind::Mapping,
        Kind::Seq { .. } => NodeKind::Sequence,
    }
}
