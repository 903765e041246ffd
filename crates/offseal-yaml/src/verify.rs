//! The data an edited file must hold, and the comparison with what it does hold.
//!
//! The expected data is the old tree plus a small overlay (replaced nodes and appended
//! entries), so verifying costs one parse and one walk, with no copy of the old tree.

use crate::path::{Path, Segment};
use crate::tree::{Kind, Node, NodeId, Style, Tree};

/// How many differences to report at most.
const MAX_DIFFS: usize = 5;

/// A node of the expected data: from the old tree, or new.
#[derive(Clone, Copy)]
enum Ref {
    Old(NodeId),
    New(NodeId),
}

/// The old tree plus the edits.
pub(crate) struct Expected<'t> {
    old: &'t Tree,
    /// New nodes (values, keys, mappings).
    new: Tree,
    /// Old nodes replaced by new ones, sorted by old id.
    replaced: Vec<(NodeId, NodeId)>,
    /// Entries appended to old mappings, sorted by old id.
    appended: Vec<(NodeId, Vec<(NodeId, NodeId)>)>,
    /// A root for a file that had none.
    root: Option<NodeId>,
}

/// A step of a path while walking, borrowed from the trees.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'t> Expected<'t> {
    pub(crate) fn new(old: &'t Tree) -> Self {
        Self {
            old,
            new: Tree::default(),
            replaced: Vec::new(),
            appended: Vec::new(),
            root: None,
        }
    }

    /// Adds a new node.
    pub(crate) fn push(&mut self, node: Node) -> NodeId {
        self.new.push(node)
    }

    /// The old node `old` is to read as the new node `new`.
    pub(crate) fn replace(&mut self, old: NodeId, new: NodeId) {
        match self.replaced.binary_search_by_key(&old, |&(o, _)| o) {
            Ok(i) => {
                if let Some(slot) = self.replaced.get_mut(i) {
                    slot.1 = new;
                }
            }
            Err(i) => self.replaced.insert(i, (old, new)),
        }
    }

    /// New entries at the end of the old mapping `map`.
    pub(crate) fn append(&mut self, map: NodeId, entries: Vec<(NodeId, NodeId)>) {
        match self.appended.binary_search_by_key(&map, |(m, _)| *m) {
            Ok(i) => {
                if let Some((_, list)) = self.appended.get_mut(i) {
                    list.extend(entries);
                }
            }
            Err(i) => self.appended.insert(i, (map, entries)),
        }
    }

    /// The root of a file that had none.
    pub(crate) fn set_root(&mut self, root: NodeId) {
        self.root = Some(root);
    }

    /// Whether the old node `id` is replaced.
    pub(crate) fn is_replaced(&self, id: NodeId) -> bool {
        self.replaced.binary_search_by_key(&id, |&(o, _)| o).is_ok()
    }

    fn resolve(&self, r: Ref) -> (&Node, bool) {
        match r {
            Ref::Old(id) => match self.replaced.binary_search_by_key(&id, |&(o, _)| o) {
                Ok(i) => {
                    let new = self.replaced.get(i).map_or(usize::MAX, |&(_, n)| n);
                    (self.new.node(new), true)
                }
                Err(_) => (self.old.node(id), false),
            },
            Ref::New(id) => (self.new.node(id), true),
        }
    }

    fn appended_to(&self, r: Ref) -> &[(NodeId, NodeId)] {
        match r {
            Ref::Old(id) if !self.is_replaced(id) => self
                .appended
                .binary_search_by_key(&id, |(m, _)| *m)
                .ok()
                .and_then(|i| self.appended.get(i))
                .map_or(&[], |(_, list)| list.as_slice()),
            _ => &[],
        }
    }

    /// Compares `actual` with the expected data; returns the paths where they differ.
    pub(crate) fn differences(&self, actual: &Tree) -> Vec<Path> {
        let mut diffs = Vec::new();
        let root = self.root.map(Ref::New).or(self.old.root.map(Ref::Old));
        match (root, actual.root) {
            (Some(e), Some(a)) => self.compare(e, actual, a, &mut Vec::new(), &mut diffs),
            (None, None) => {}
            _ => diffs.push(Path::new()),
        }
        diffs
    }

    fn compare<'a>(
        &'a self,
        expected: Ref,
        actual: &'a Tree,
        a: NodeId,
        path: &mut Vec<Step<'a>>,
        diffs: &mut Vec<Path>,
    ) {
        if diffs.len() >= MAX_DIFFS {
            return;
        }
        let (x, x_is_new) = self.resolve(expected);
        let y = actual.node(a);
        let mut differ = || diffs.push(to_path(path));
        let tags_equal = x.tag.as_ref().map(|t| &t.resolved) == y.tag.as_ref().map(|t| &t.resolved);
        if !tags_equal || x.anchor != y.anchor {
            differ();
            return;
        }
        let child = |id: NodeId| if x_is_new { Ref::New(id) } else { Ref::Old(id) };
        match (&x.kind, &y.kind) {
            (
                Kind::Scalar {
                    value: v1,
                    style: s1,
                    ..
                },
                Kind::Scalar {
                    value: v2,
                    style: s2,
                    ..
                },
            ) => {
                if v1 != v2 || (*s1 == Style::Plain) != (*s2 == Style::Plain) {
                    differ();
                }
            }
            (Kind::Alias(p), Kind::Alias(q)) => {
                if p != q {
                    differ();
                }
            }
            (Kind::Map { entries: e1, .. }, Kind::Map { entries: e2, .. }) => {
                let extra = self.appended_to(expected);
                if e1.len() + extra.len() != e2.len() {
                    differ();
                    return;
                }
                let own = e1.iter().map(|&(k, v)| (child(k), child(v)));
                let added = extra.iter().map(|&(k, v)| (Ref::New(k), Ref::New(v)));
                for ((k1, v1), &(k2, v2)) in own.chain(added).zip(e2) {
                    self.compare(k1, actual, k2, path, diffs);
                    let name = actual.node(k2).scalar_value().unwrap_or("?");
                    path.push(Step::Key(name));
                    self.compare(v1, actual, v2, path, diffs);
                    path.pop();
                }
            }
            (Kind::Seq { items: i1, .. }, Kind::Seq { items: i2, .. }) => {
                if i1.len() != i2.len() {
                    differ();
                    return;
                }
                for (n, (&p, &q)) in i1.iter().zip(i2).enumerate() {
                    path.push(Step::Index(n));
                    self.compare(child(p), actual, q, path, diffs);
                    path.pop();
                }
            }
            _ => differ(),
        }
    }
}

fn to_path(steps: &[Step<'_>]) -> Path {
    Path::from(
        steps
            .iter()
            .map(|s| match s {
                Step::Key(k) => Segment::Key((*k).to_owned()),
                Step::Index(i) => Segment::Index(*i),
            })
            .collect::<Vec<_>>(),
    )
}
