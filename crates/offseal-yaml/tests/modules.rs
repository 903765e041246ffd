//! The crate's top-level modules import each other in one direction only: the graph of
//! `crate::<module>` and `super::` references between them (comments aside) has no cycle.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every `.rs` file under `dir`, with its module path below the crate root (`edit/mod.rs` is
/// `["edit"]`, `edit/insert.rs` is `["edit", "insert"]`).
fn sources(dir: &Path, module: &[String], out: &mut Vec<(Vec<String>, String)>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut inner = module.to_vec();
            inner.push(name);
            sources(&path, &inner, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut own = module.to_vec();
            if name != "mod" && name != "lib" {
                own.push(name);
            }
            out.push((own, fs::read_to_string(&path).unwrap()));
        }
    }
}

fn ident(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules that a file's code names through `crate::` or `super::`.
fn references(module: &[String], source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            match rest.strip_prefix('{') {
                // `crate::{a, b::C}`: every name in the braces may be a module.
                Some(group) => found.extend(
                    group
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .map(str::to_owned),
                ),
                None => {
                    found.insert(ident(rest).to_owned());
                }
            }
        }
        // `super::` from a file: its parent module (in a `mod tests` block it is the file's
        // own module, which this reads as its parent; harmless, since that is never a cycle).
        for (at, _) in code.match_indices("super::") {
            if code[..at].ends_with("super::") {
                continue;
            }
            let mut rest = &code[at..];
            let mut up = 0;
            while let Some(r) = rest.strip_prefix("super::") {
                rest = r;
                up += 1;
            }
            let base = &module[..module.len().saturating_sub(up)];
            match base.first() {
                Some(top) => found.insert(top.clone()),
                None => found.insert(ident(rest).to_owned()),
            };
        }
    }
    found
}

#[test]
fn top_level_modules_form_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &[], &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|(m, _)| m.first().cloned())
        .collect();
    assert!(
        modules.contains("document") && modules.contains("edit"),
        "{modules:?}"
    );

    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, source) in &files {
        let Some(top) = module.first() else {
            continue; // lib.rs: the root may name every module.
        };
        let edges = graph.entry(top.clone()).or_default();
        for target in references(module, source) {
            if modules.contains(&target) && target != *top {
                edges.insert(target);
            }
        }
    }

    // Depth-first search; a module met again while still on the stack closes a cycle.
    fn visit<'g>(
        module: &'g str,
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<&'g str>,
        done: &mut BTreeSet<&'g str>,
    ) {
        if done.contains(module) {
            return;
        }
        if let Some(at) = stack.iter().position(|m| *m == module) {
            panic!("import cycle: {} -> {module}", stack[at..].join(" -> "));
        }
        stack.push(module);
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, stack, done);
        }
        stack.pop();
        done.insert(module);
    }
    let mut done = BTreeSet::new();
    for module in graph.keys() {
        visit(module, &graph, &mut Vec::new(), &mut done);
    }
    for (module, edges) in &graph {
        eprintln!(
            "{module} -> {}",
            Vec::from_iter(edges.iter().cloned()).join(", ")
        );
    }
}
