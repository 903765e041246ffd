//! Property tests: generated values files of assorted styles, random edits, and garbage input.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;

use common::Rng;
use offseal_yaml::{Document, Edit, Error, Path, Scalar, Segment, Style, set_scalars};
use proptest::prelude::*;

/// How a generated values file is laid out.
#[derive(Clone, Copy, Debug)]
struct Layout {
    indent: usize,
    crlf: bool,
    bom: bool,
    doc_start: bool,
    final_newline: bool,
    /// Block sequences at the key's column (`key:\n- a`) rather than indented.
    indentless_seq: bool,
}

enum Value {
    Plain(String),
    Single(String),
    Double(String),
    Literal {
        lines: Vec<String>,
        chomp: &'static str,
    },
    Folded {
        lines: Vec<String>,
    },
    Empty,
    Tilde,
    Null,
    Map(Vec<(Key, Value)>),
    FlowMap(Vec<(String, String)>),
    EmptyFlow,
    Seq(Vec<String>),
}

struct Key {
    name: String,
    /// How the key is written: 0 plain, 1 single-quoted, 2 double-quoted.
    quoting: usize,
    form: Form,
}

/// How an entry is introduced.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `key: value`.
    Implicit,
    /// `? key`, then `: value` on the next line.
    Explicit,
    /// `? key` and no `:` (the value is null; only with [`Value::Empty`]).
    ExplicitNoValue,
}

/// Keys that are fine plain, and keys that must be quoted.
const PLAIN_KEYS: &[&str] = &[
    "alpha",
    "beta",
    "client_id",
    "client_secret",
    "azure_tenant_id",
    "example.com/tenant",
    "with space",
    "ünï",
    "x",
];
const QUOTED_KEYS: &[&str] = &["yes", "123", "on", "a: b", "#hash", "~"];

const WORDS: &[&str] = &[
    "alpha",
    "beta",
    "gamma",
    "AgB4xk+/Q9==",
    "café",
    "kv-prod",
    "a.b.c",
    "x_y",
    "日本",
    "Zed",
];

/// Strings for quoted values: anything that a YAML 1.1 reader reads the same way.
const QUOTED_VALUES: &[&str] = &[
    "yes",
    "0777",
    "it's",
    "a: b",
    " lead",
    "trail ",
    "#x",
    "back\\slash",
    "",
    "ünïcødé ✓",
    "~",
];

/// Values to set.
fn new_value(rng: &mut Rng) -> String {
    match rng.below(20) {
        0..=5 => common::b64(1 + rng.below(800), rng.next_u64()),
        6..=7 => common::guid(rng.next_u64()),
        8 => "yes".into(),
        9 => "0777".into(),
        10 => "123456".into(),
        11 => "a: b".into(),
        12 => " leading space".into(),
        13 => "ünïcødé ✓ \"quoted\" \\ back".into(),
        14 => "line\nbreak\ttab\u{2028}sep\u{85}nel\u{feff}bom\u{1}ctl".into(),
        15 => String::new(),
        16 => "~".into(),
        17 => "{flow}, [x] - #y".into(),
        18 => "plain words".into(),
        _ => WORDS[rng.below(WORDS.len())].into(),
    }
}

fn gen_key(rng: &mut Rng, used: &mut Vec<String>) -> Option<Key> {
    for _ in 0..10 {
        let (name, quoting) = if rng.below(5) == 0 {
            (QUOTED_KEYS[rng.below(QUOTED_KEYS.len())], 1 + rng.below(2))
        } else {
            (
                PLAIN_KEYS[rng.below(PLAIN_KEYS.len())],
                rng.below(4).saturating_sub(1),
            )
        };
        if !used.iter().any(|u| u == name) {
            used.push(name.to_owned());
            return Some(Key {
                name: name.to_owned(),
                quoting,
                form: Form::Implicit,
            });
        }
    }
    None
}

fn gen_lines(rng: &mut Rng) -> Vec<String> {
    (0..1 + rng.below(3))
        .map(|_| {
            (0..1 + rng.below(3))
                .map(|_| WORDS[rng.below(WORDS.len())])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

fn gen_map(rng: &mut Rng, depth: usize) -> Vec<(Key, Value)> {
    let mut used = Vec::new();
    let mut entries = Vec::new();
    for _ in 0..1 + rng.below(4) {
        let Some(mut key) = gen_key(rng, &mut used) else {
            break;
        };
        let mut value = match rng.below(if depth < 3 { 16 } else { 12 }) {
            0..=2 => Value::Plain(WORDS[rng.below(WORDS.len())].to_owned()),
            3 => Value::Single(QUOTED_VALUES[rng.below(QUOTED_VALUES.len())].to_owned()),
            4 => Value::Double(QUOTED_VALUES[rng.below(QUOTED_VALUES.len())].to_owned()),
            5 => Value::Literal {
                lines: gen_lines(rng),
                chomp: ["", "-", "+"][rng.below(3)],
            },
            6 => Value::Folded {
                lines: gen_lines(rng),
            },
            7 => Value::Empty,
            8 => Value::Tilde,
            9 => Value::Null,
            10 => Value::FlowMap(vec![
                ("fa".into(), WORDS[rng.below(4)].into()),
                ("fb".into(), WORDS[rng.below(4)].into()),
            ]),
            11 => {
                if rng.below(2) == 0 {
                    Value::EmptyFlow
                } else {
                    Value::Seq(gen_lines(rng))
                }
            }
            _ => Value::Map(gen_map(rng, depth + 1)),
        };
        match rng.below(10) {
            0 => {
                key.form = Form::ExplicitNoValue;
                value = Value::Empty;
            }
            1 => key.form = Form::Explicit,
            _ => {}
        }
        entries.push((key, value));
    }
    entries
}

fn render(entries: &[(Key, Value)], layout: Layout, rng: &mut Rng) -> String {
    let mut out = String::new();
    if layout.bom {
        out.push('\u{feff}');
    }
    if layout.doc_start {
        out.push_str("--- # generated\n");
    }
    render_map(entries, 0, layout, rng, &mut out);
    if !layout.final_newline {
        while out.ends_with('\n') {
            out.pop();
        }
    }
    if layout.crlf {
        out = out.replace('\n', "\r\n");
    }
    out
}

fn comment(rng: &mut Rng) -> &'static str {
    match rng.below(6) {
        0 => "  # a comment",
        1 => " # ünïcødé",
        _ => "",
    }
}

fn render_map(
    entries: &[(Key, Value)],
    col: usize,
    layout: Layout,
    rng: &mut Rng,
    out: &mut String,
) {
    let pad = " ".repeat(col);
    let inner = " ".repeat(col + layout.indent);
    for (key, value) in entries {
        if rng.below(8) == 0 {
            out.push('\n');
        }
        if rng.below(6) == 0 {
            out.push_str(&format!("{pad}# about {}\n", key.name));
        }
        let key_text = match key.quoting {
            0 => key.name.clone(),
            1 => format!("'{}'", key.name.replace('\'', "''")),
            _ => serde_json::to_string(&key.name).unwrap(),
        };
        match key.form {
            Form::Implicit => out.push_str(&format!("{pad}{key_text}:")),
            Form::Explicit => out.push_str(&format!("{pad}? {key_text}\n{pad}:")),
            Form::ExplicitNoValue => {
                out.push_str(&format!("{pad}? {key_text}{}\n", comment(rng)));
                continue;
            }
        }
        match value {
            Value::Plain(v) => out.push_str(&format!(" {v}{}\n", comment(rng))),
            Value::Single(v) => {
                out.push_str(&format!(" '{}'{}\n", v.replace('\'', "''"), comment(rng)))
            }
            Value::Double(v) => out.push_str(&format!(
                " {}{}\n",
                serde_json::to_string(v).unwrap(),
                comment(rng)
            )),
            Value::Literal { lines, chomp } => {
                out.push_str(&format!(" |{chomp}{}\n", comment(rng)));
                for line in lines {
                    out.push_str(&format!("{inner}{line}\n"));
                }
            }
            Value::Folded { lines } => {
                out.push_str(&format!(" >{}\n", comment(rng)));
                for line in lines {
                    out.push_str(&format!("{inner}{line}\n"));
                }
            }
            Value::Empty => out.push_str(&format!("{}\n", comment(rng))),
            Value::Tilde => out.push_str(&format!(" ~{}\n", comment(rng))),
            Value::Null => out.push_str(&format!(" null{}\n", comment(rng))),
            Value::Map(children) => {
                out.push_str(&format!("{}\n", comment(rng)));
                render_map(children, col + layout.indent, layout, rng, out);
            }
            Value::FlowMap(pairs) => {
                let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                out.push_str(&format!(" {{{}}}{}\n", body.join(", "), comment(rng)));
            }
            Value::EmptyFlow => out.push_str(&format!(" {{}}{}\n", comment(rng))),
            Value::Seq(items) => {
                out.push('\n');
                let dash = if layout.indentless_seq { &pad } else { &inner };
                for item in items {
                    out.push_str(&format!("{dash}- {item}\n"));
                }
            }
        }
    }
}

/// Paths that can be set: existing string scalars, and missing keys under mappings, null
/// values and `{}`.
fn settable(entries: &[(Key, Value)], base: &Path, rng: &mut Rng, out: &mut Vec<Path>) {
    out.push(base.join_key("fresh_key"));
    if rng.below(2) == 0 {
        out.push(base.join_key("new parent").join_key("child"));
    }
    for (key, value) in entries {
        let path = base.join_key(key.name.clone());
        match value {
            Value::Map(children) => settable(children, &path, rng, out),
            // An explicit key does not start its line: its empty value stays a scalar.
            Value::Empty | Value::Tilde | Value::Null if key.form != Form::Implicit => {
                out.push(path)
            }
            Value::EmptyFlow if key.form != Form::Implicit => {}
            Value::EmptyFlow => out.push(path.join_key("inside")),
            Value::Empty | Value::Tilde | Value::Null => {
                if rng.below(2) == 0 {
                    out.push(path.join_key("inside"));
                } else {
                    out.push(path);
                }
            }
            Value::FlowMap(_) | Value::Seq(_) => {}
            _ => out.push(path),
        }
    }
}

fn pick_edits(rng: &mut Rng, candidates: &[Path], count: usize) -> Vec<Edit> {
    let mut chosen: Vec<Path> = Vec::new();
    for _ in 0..count * 3 {
        if chosen.len() == count || candidates.is_empty() {
            break;
        }
        let path = &candidates[rng.below(candidates.len())];
        if chosen
            .iter()
            .any(|c| c.is_prefix_of(path) || path.is_prefix_of(c))
        {
            continue;
        }
        chosen.push(path.clone());
    }
    chosen
        .into_iter()
        .map(|path| Edit::set(path, new_value(rng)))
        .collect()
}

fn by_path(scalars: Vec<Scalar>) -> HashMap<Path, Scalar> {
    scalars.into_iter().map(|s| (s.path.clone(), s)).collect()
}

fn layout_strategy() -> impl Strategy<Value = Layout> {
    (
        prop::sample::select(vec![2usize, 4]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.8),
        any::<bool>(),
    )
        .prop_map(
            |(indent, crlf, bom, doc_start, final_newline, indentless_seq)| Layout {
                indent,
                crlf,
                bom,
                doc_start,
                final_newline,
                indentless_seq,
            },
        )
}

/// 400 cases per property, unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 400;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    /// Random sets on generated files: values read back, nothing else changes, a second run
    /// changes nothing, and libyaml reads the input's data plus the edits.
    #[test]
    fn random_sets_on_generated_files(seed in any::<u64>(), layout in layout_strategy(), count in 1usize..4) {
        let mut rng = Rng::new(seed);
        let model = gen_map(&mut rng, 0);
        let input = render(&model, layout, &mut rng);
        let doc = Document::parse(input.as_bytes()).map_err(|e| TestCaseError::fail(format!("generated file does not parse: {e}\n{input}")))?;
        let mut candidates = Vec::new();
        settable(&model, &Path::new(), &mut rng, &mut candidates);
        let edits = pick_edits(&mut rng, &candidates, count);

        let out = match doc.edit(&edits) {
            Ok(out) => out,
            // Legitimately refused: inserting after a clip/keep block scalar at the end of a
            // file without a final line break.
            Err(Error::BlockScalarAtEof { .. }) if !layout.final_newline => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{input}\n{edits:?}"))),
        };
        let out_text = String::from_utf8(out.clone()).unwrap();
        let new = Document::parse(&out).unwrap();

        // Every set value reads back.
        for edit in &edits {
            let Edit::Set { path, value } = edit else { unreachable!() };
            let got = new.get(path).unwrap().unwrap();
            prop_assert_eq!(&got.value, value, "{}\n{}", path, out_text);
        }
        // Every other scalar is unchanged.
        let set_paths: Vec<&Path> = edits.iter().map(Edit::path).collect();
        let after = by_path(new.scalars());
        for old in doc.scalars() {
            if set_paths.iter().any(|p| old.path.is_prefix_of(p)) {
                continue;
            }
            let now = after.get(&old.path);
            prop_assert!(now.is_some(), "{} vanished\n{}", old.path, out_text);
            let now = now.unwrap();
            prop_assert_eq!(&now.value, &old.value, "{} changed\n{}", old.path, out_text);
            prop_assert_eq!(now.style, old.style, "{} changed style\n{}", old.path, out_text);
        }
        // The layout is kept.
        prop_assert_eq!(out_text.starts_with('\u{feff}'), layout.bom);
        if input.contains("\r\n") {
            prop_assert!(!out_text.replace("\r\n", "").contains('\n'), "LF in a CRLF file\n{}", out_text);
        }
        // Idempotent.
        let again = set_scalars(&out, &edits).unwrap();
        prop_assert!(again == out, "second run changed the file\n{}", out_text);
        // libyaml agrees.
        let mut expected = common::libyaml_read(input.as_bytes()).map_err(|e| TestCaseError::fail(format!("libyaml: {e}\n{input}")))?;
        common::apply_to_value(&mut expected, &edits);
        let got = common::libyaml_read(&out).map_err(|e| TestCaseError::fail(format!("libyaml: {e}\n{out_text}")))?;
        prop_assert_eq!(got, expected, "libyaml disagrees\n{}", out_text);
    }

    /// Comments put above random keys read back, and replacing or removing them works.
    #[test]
    fn comments_round_trip(seed in any::<u64>(), layout in layout_strategy()) {
        let mut rng = Rng::new(seed);
        let model = gen_map(&mut rng, 0);
        let input = render(&model, layout, &mut rng);
        let doc = Document::parse(input.as_bytes()).unwrap();
        let keys: Vec<Path> = doc.scalars().into_iter().map(|s| s.path).filter(|p| p.segments().iter().all(|s| matches!(s, Segment::Key(_))))
            // `fa` and `fb` only occur in flow mappings, where comments are refused.
            .filter(|p| !matches!(p.last_key(), Some("fa" | "fb")))
            .collect();
        prop_assume!(!keys.is_empty());
        let path = keys[rng.below(keys.len())].clone();
        let put = set_scalars(input.as_bytes(), &[Edit::comment(path.clone(), "offseal:", "offseal: first")]).unwrap();
        let put_doc = Document::parse(&put).unwrap();
        let got = put_doc.leading_comment(&path, "offseal:");
        prop_assert_eq!(got.as_deref(), Some("offseal: first"));
        let replaced = set_scalars(&put, &[Edit::comment(path.clone(), "offseal:", "offseal: second")]).unwrap();
        prop_assert_eq!(replaced.len(), put.len() + 1);
        let removed = set_scalars(&replaced, &[Edit::remove_comment(path.clone(), "offseal:")]).unwrap();
        prop_assert!(removed == input.as_bytes(), "remove did not restore the input");
    }

    /// Arbitrary bytes never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        exercise(&bytes);
    }

    /// YAML-ish noise never panics.
    #[test]
    fn yaml_noise_never_panics(chars in prop::collection::vec(prop::sample::select(YAML_CHARS.to_vec()), 0..200)) {
        let text: String = chars.into_iter().collect();
        exercise(text.as_bytes());
    }

    /// Generated files with random mutations never panic, and whatever is edited reads back.
    #[test]
    fn mutated_files_never_panic(seed in any::<u64>(), layout in layout_strategy(), mutations in 1usize..6) {
        let mut rng = Rng::new(seed);
        let model = gen_map(&mut rng, 0);
        let mut chars: Vec<char> = render(&model, layout, &mut rng).chars().collect();
        for _ in 0..mutations {
            let at = rng.below(chars.len() + 1);
            let c = YAML_CHARS[rng.below(YAML_CHARS.len())];
            match rng.below(3) {
                0 => chars.insert(at, c),
                1 if at < chars.len() => { chars.remove(at); }
                _ if at < chars.len() => chars[at] = c,
                _ => chars.push(c),
            }
        }
        let text: String = chars.into_iter().collect();
        exercise(text.as_bytes());
    }
}

const YAML_CHARS: &[char] = &[
    ' ', ' ', ' ', '\n', '\n', '\t', '\r', ':', '-', '?', '#', '{', '}', '[', ']', ',', '&', '*',
    '!', '|', '>', '\'', '"', '%', '@', '`', 'a', 'b', 'k', '0', '1', '.', '~', '\\', '\u{feff}',
    'é', '\u{2028}', '+',
];

/// Runs every query and some edits; checks only that nothing panics and that successful edits
/// read back.
fn exercise(bytes: &[u8]) {
    let Ok(doc) = Document::parse(bytes) else {
        return;
    };
    let _ = doc.find_keys("a");
    let scalars = doc.scalars();
    let mut paths: Vec<Path> = scalars
        .iter()
        .map(|s| s.path.clone())
        .filter(|p| p.segments().iter().all(|s| matches!(s, Segment::Key(_))))
        .take(3)
        .collect();
    paths.push(Path::parse("a.b").unwrap());
    paths.push(Path::parse("k").unwrap());
    for path in &paths {
        let _ = doc.get(path);
        let _ = doc.leading_comment(path, "x");
        for edit in [
            Edit::set(path.clone(), "AgB4+/=="),
            Edit::set(path.clone(), "yes\n\"q\""),
            Edit::comment(path.clone(), "x", "x y"),
            Edit::remove_comment(path.clone(), "x"),
        ] {
            if let Ok(out) = doc.edit(std::slice::from_ref(&edit)) {
                let new = Document::parse(&out).expect("edited output parses");
                if let Edit::Set { path, value } = &edit {
                    let got = new.get(path).expect("readable").expect("present");
                    assert_eq!(&got.value, value);
                }
            }
        }
    }
    if let (Some(first), Some(last)) = (paths.first(), paths.last())
        && !first.is_prefix_of(last)
        && !last.is_prefix_of(first)
        && let Ok(out) = doc.edit(&[
            Edit::set(first.clone(), "v1"),
            Edit::set(last.clone(), "v2"),
        ])
    {
        let new = Document::parse(&out).expect("edited output parses");
        let got = new.get(first).expect("readable").expect("present");
        assert_eq!(got.value, "v1");
        assert_ne!(got.style, Style::Null);
    }
}
