//! The data an edited file must hold, and the comparison with what it does hold.
//!
//! The expected data is the old tree plus a small overlay (replaced nodes and appended
//! entries), with no copy of the old tree. The edited text is compared with it while it is
//! parsed ([`Expected::read_back`]), node by node, without building its tree: verifying costs
//! one parse and no memory beyond the parser's. Only when something differs is the edited text
//! parsed into a tree, to name where ([`Expected::differences`]).

use crate::comments::{Comments, KeyAt};
use crate::locate::MAX_PATH_LEN;
use crate::path::{Path, Segment};
use crate::tree::{Content, Item, ItemKind, Items, Kind, NodeId, Style, Tree};

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

    /// Where new nodes go.
    pub(crate) fn new_tree(&mut self) -> &mut Tree {
        &mut self.new
    }

    /// The old scalar `old` is to read as `value` written in `style` (keeping its anchor and
    /// tag).
    pub(crate) fn replace_scalar(&mut self, old: NodeId, value: &str, style: Style) {
        let id = self.new.push_scalar(value, style, Some((self.old, old)));
        self.replace(old, id);
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

    /// The tree and id of a node, and whether it is new.
    fn resolve(&self, r: Ref) -> (&Tree, NodeId, bool) {
        match r {
            Ref::Old(id) => match self.replaced.binary_search_by_key(&id, |&(o, _)| o) {
                Ok(i) => {
                    let new = self.replaced.get(i).map_or(NodeId::MAX, |&(_, n)| n);
                    (&self.new, new, true)
                }
                Err(_) => (self.old, id, false),
            },
            Ref::New(id) => (&self.new, id, true),
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

    /// The root of the expected data.
    fn expected_root(&self) -> Option<Ref> {
        self.root.map(Ref::New).or(self.old.root.map(Ref::Old))
    }

    /// The entries of an expected mapping: its own, then the appended ones.
    fn map_entries(&self, r: Ref) -> impl Iterator<Item = (Ref, Ref)> + '_ {
        let (tree, id, is_new) = self.resolve(r);
        let child = move |id: NodeId| if is_new { Ref::New(id) } else { Ref::Old(id) };
        let own = tree
            .entries(id)
            .iter()
            .map(move |&(k, v)| (child(k), child(v)));
        let added = self
            .appended_to(r)
            .iter()
            .map(|&(k, v)| (Ref::New(k), Ref::New(v)));
        own.chain(added)
    }

    /// Compares `actual` with the expected data; returns the paths where they differ.
    pub(crate) fn differences(&self, actual: &Tree) -> Vec<Path> {
        let mut diffs = Vec::new();
        match (self.expected_root(), actual.root) {
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
        let (xt, x, x_is_new) = self.resolve(expected);
        let (xn, y) = (xt.node(x), actual.node(a));
        let mut differ = || diffs.push(to_path(path));
        let tags_equal = xt.tag(x).map(|t| &t.resolved) == actual.tag(a).map(|t| &t.resolved);
        if !tags_equal || xt.anchor(x) != actual.anchor(a) {
            differ();
            return;
        }
        let child = |id: NodeId| if x_is_new { Ref::New(id) } else { Ref::Old(id) };
        match (xn.kind, y.kind) {
            (Kind::Scalar { style: s1, .. }, Kind::Scalar { style: s2, .. }) => {
                if xt.value(x) != actual.value(a) || (s1 == Style::Plain) != (s2 == Style::Plain) {
                    differ();
                }
            }
            (Kind::Alias(p), Kind::Alias(q)) => {
                if p != q {
                    differ();
                }
            }
            (Kind::Map { .. }, Kind::Map { .. }) => {
                let e2 = actual.entries(a);
                if xt.entries(x).len() + self.appended_to(expected).len() != e2.len() {
                    differ();
                    return;
                }
                for ((k1, v1), &(k2, v2)) in self.map_entries(expected).zip(e2) {
                    self.compare(k1, actual, k2, path, diffs);
                    let name = actual.value(k2).unwrap_or("?");
                    path.push(Step::Key(name));
                    self.compare(v1, actual, v2, path, diffs);
                    path.pop();
                }
            }
            (Kind::Seq { .. }, Kind::Seq { .. }) => {
                let (i1, i2) = (xt.items(x), actual.items(a));
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

    /// Parses `text` and compares it with the expected data as it goes, as
    /// [`Expected::differences`] does with its tree, stopping at the first difference.
    ///
    /// Returns `None` when `text` does not parse (or holds several documents) or differs from
    /// the expected data. Otherwise returns, for each of `comments` (a key's path and a
    /// marker), what `Document::leading_comment` reads in `text`.
    pub(crate) fn read_back(
        &self,
        text: &str,
        comments: &[(&Path, &str)],
    ) -> Option<Vec<Option<String>>> {
        let mut reader = Reader {
            items: Items::new(text),
            src: text,
            content: Content::default(),
            steps: Vec::new(),
            in_key: 0,
            last_key: KeyAt {
                start: 0,
                empty: false,
                flow: false,
                column: None,
            },
            failed: false,
            probes: comments.iter().map(|(path, _)| Probe::new(path)).collect(),
        };
        let same = match self.expected_root() {
            Some(root) => self.matches(root, &mut reader),
            None => true,
        };
        // Nothing may follow the root: no other node, no parse error.
        if !same || reader.next().is_some() || reader.failed {
            return None;
        }
        reader.content.finish();
        let notes = Comments::new(text, &reader.content);
        let found = reader
            .probes
            .iter()
            .zip(comments)
            .map(|(probe, (_, marker))| {
                let line = notes.key_line_at(probe.found()?).ok()?;
                let above = notes.marked_comment_above(line.start, line.indent, marker, None)?;
                notes.comment_text(&above, marker).map(str::to_owned)
            });
        Some(found.collect())
    }

    /// Whether the next node of `reader` (and all below it) is the expected node `x`.
    fn matches<'e>(&'e self, x: Ref, reader: &mut Reader<'_, 'e>) -> bool {
        let Some(item) = reader.next() else {
            return false;
        };
        let (tree, id, is_new) = self.resolve(x);
        let node = tree.node(id);
        let tag = tree.tag(id).map(|t| t.resolved.as_str());
        if tag != item.tag.as_ref().map(|t| t.resolved.as_str()) || tree.anchor(id) != item.anchor {
            return false;
        }
        match (node.kind, item.kind) {
            (
                Kind::Scalar { style: s1, .. },
                ItemKind::Scalar {
                    value, style: s2, ..
                },
            ) => tree.value(id) == Some(&*value) && (s1 == Style::Plain) == (s2 == Style::Plain),
            (Kind::Alias(p), ItemKind::Alias(q)) => usize::try_from(p).ok() == Some(q),
            (Kind::Map { .. }, ItemKind::MapStart { flow }) => {
                for (k, v) in self.map_entries(x) {
                    reader.in_key += 1;
                    let key = self.matches(k, reader);
                    reader.in_key -= 1;
                    if !key {
                        return false;
                    }
                    let (kt, kid, _) = self.resolve(k);
                    let name = kt.value(kid);
                    reader.steps.push(name);
                    if name.is_some() && reader.in_key == 0 {
                        reader.hit(flow);
                    }
                    if !self.matches(v, reader) {
                        return false;
                    }
                    reader.steps.pop();
                }
                matches!(reader.next().map(|i| i.kind), Some(ItemKind::End))
            }
            (Kind::Seq { .. }, ItemKind::SeqStart { .. }) => {
                let child = |id: NodeId| if is_new { Ref::New(id) } else { Ref::Old(id) };
                for &item in tree.items(id) {
                    reader.steps.push(None);
                    if !self.matches(child(item), reader) {
                        return false;
                    }
                    reader.steps.pop();
                }
                matches!(reader.next().map(|i| i.kind), Some(ItemKind::End))
            }
            _ => false,
        }
    }
}

/// The edited text being read by [`Expected::read_back`].
struct Reader<'s, 'e> {
    items: Items<'s>,
    src: &'s str,
    /// The spans of its scalars that may hold a line-initial `#`.
    content: Content,
    /// The keys from the root to the current node (`None` for a sequence item or a key that
    /// is not a scalar), borrowed from the expected data, which the text matches so far.
    steps: Vec<Option<&'e str>>,
    /// How many keys the current node is inside (a key's own mappings are not on any path).
    in_key: usize,
    /// Where the last scalar read starts.
    last_key: KeyAt,
    failed: bool,
    probes: Vec<Probe<'e>>,
}

impl<'s> Reader<'s, '_> {
    /// The next node or end of collection; `None` at the end or at a parse error.
    fn next(&mut self) -> Option<Item<'s>> {
        match self.items.next()? {
            Ok(item) => {
                if let ItemKind::Scalar { style, header, .. } = item.kind {
                    self.content.note(self.src, item.start, item.end, style);
                    self.last_key = KeyAt {
                        start: header.map_or(item.start, |(h, _)| h),
                        empty: item.start == item.end && header.is_none(),
                        flow: false,
                        column: item.indent,
                    };
                }
                Some(item)
            }
            Err(_) => {
                self.failed = true;
                None
            }
        }
    }

    /// The scalar key just read (in a `flow` or block mapping) ends `steps`: counts it for the
    /// probes whose path it is on.
    fn hit(&mut self, flow: bool) {
        let depth = self.steps.len();
        for probe in &mut self.probes {
            let Some(keys) = &probe.keys else {
                continue;
            };
            let on_path = depth <= keys.len()
                && self
                    .steps
                    .iter()
                    .rev()
                    .zip(keys.get(..depth).unwrap_or(&[]).iter().rev())
                    .all(|(step, key)| *step == Some(*key));
            if !on_path {
                continue;
            }
            if let Some(hits) = probe.hits.get_mut(depth - 1) {
                *hits += 1;
            }
            if depth == keys.len() {
                probe.key = Some(KeyAt {
                    flow,
                    ..self.last_key
                });
            }
        }
    }
}

/// Where the key at a path is in the edited text, for the comments above it.
struct Probe<'p> {
    /// The path's keys (`None` if it has a sequence index: no key is found there).
    keys: Option<Vec<&'p str>>,
    /// How many keys were read at each length of the path.
    hits: Vec<u32>,
    /// Where the key is, once read.
    key: Option<KeyAt>,
}

impl<'p> Probe<'p> {
    fn new(path: &'p Path) -> Self {
        let keys: Option<Vec<&str>> = path
            .segments()
            .iter()
            .map(|s| match s {
                Segment::Key(k) => Some(k.as_str()),
                Segment::Index(_) => None,
            })
            .collect();
        Self {
            hits: vec![0; path.len()],
            keys,
            key: None,
        }
    }

    /// The key, if the path leads to it alone, as a walk from the root finds it: one key at
    /// each step (a second one is a duplicate key).
    fn found(&self) -> Option<KeyAt> {
        let walkable = !self.hits.is_empty()
            && self.hits.len() <= MAX_PATH_LEN
            && self.hits.iter().all(|&h| h == 1);
        walkable.then_some(self.key).flatten()
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
