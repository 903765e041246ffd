//! The public API: queries, edit semantics and refusals.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use offseal_yaml::{Document, Edit, Error, NodeKind, Path, Segment, Style, set_scalars};

const VALUES: &str = "\
# Defaults.
external_secrets:
  azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e
  # offseal: sealed 2026-11-30
  keyvault_credentials:
    client_id: 'AgB4'
    client_secret: \"AgCx\"
    note: |
      line
    empty:
    tilde: ~
  stores:
    - name: kv
      client_id: AgSeq
  shared: &s {client_id: AgFlow}
  copy: *s
";

fn path(text: &str) -> Path {
    Path::parse(text).unwrap()
}

fn doc() -> Document {
    Document::parse(VALUES.as_bytes()).unwrap()
}

#[test]
fn get_reads_scalars_with_position_and_style() {
    let doc = doc();
    let s = doc
        .get(&path("external_secrets.keyvault_credentials.client_id"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.value.as_str(), s.line, s.column, s.style),
        ("AgB4", 6, 16, Style::SingleQuoted)
    );
    let s = doc
        .get(&path("external_secrets.keyvault_credentials.client_secret"))
        .unwrap()
        .unwrap();
    assert_eq!(s.style, Style::DoubleQuoted);
    let s = doc
        .get(&path("external_secrets.keyvault_credentials.note"))
        .unwrap()
        .unwrap();
    assert_eq!((s.value.as_str(), s.style), ("line\n", Style::Literal));
    for null in ["empty", "tilde"] {
        let s = doc
            .get(&path(&format!(
                "external_secrets.keyvault_credentials.{null}"
            )))
            .unwrap()
            .unwrap();
        assert_eq!((s.value.as_str(), s.style), ("", Style::Null));
    }
    assert_eq!(doc.get(&path("external_secrets.missing")).unwrap(), None);
    assert_eq!(doc.get(&path("nothing.at.all")).unwrap(), None);
    // A null parent reads as missing: setting below it makes it a mapping.
    assert_eq!(
        doc.get(&path("external_secrets.keyvault_credentials.empty.x"))
            .unwrap(),
        None
    );
}

#[test]
fn get_refuses_sequences_aliases_scalars_and_collections() {
    let doc = doc();
    assert!(matches!(
        doc.get(&path("external_secrets.stores.name")),
        Err(Error::SequenceOnPath { line: 12, .. })
    ));
    assert!(matches!(
        doc.get(&path("external_secrets.copy")),
        Err(Error::Alias { line: 16, .. })
    ));
    assert!(matches!(
        doc.get(&path("external_secrets.copy.client_id")),
        Err(Error::Alias { .. })
    ));
    assert!(matches!(
        doc.get(&path("external_secrets.azure_tenant_id.x")),
        Err(Error::ScalarParent { line: 3, .. })
    ));
    assert!(matches!(
        doc.get(&path("external_secrets.keyvault_credentials")),
        Err(Error::NotAScalar {
            kind: NodeKind::Mapping,
            ..
        })
    ));
    assert!(matches!(
        doc.get(&path("external_secrets.stores")),
        Err(Error::NotAScalar {
            kind: NodeKind::Sequence,
            ..
        })
    ));
    assert!(matches!(
        doc.get(&Path::new()),
        Err(Error::InvalidPath { .. })
    ));
    let dup = Document::parse(b"a: 1\nb: 2\na: 3\n").unwrap();
    assert_eq!(
        dup.get(&path("a")).unwrap_err().to_string(),
        "key `a` appears more than once (lines 1 and 3)"
    );
}

#[test]
fn find_keys_looks_everywhere() {
    let doc = doc();
    let found = doc.find_keys("client_id");
    let paths: Vec<String> = found.iter().map(|f| f.path.to_string()).collect();
    assert_eq!(
        paths,
        [
            "external_secrets.keyvault_credentials.client_id",
            "external_secrets.stores[0].client_id",
            "external_secrets.shared.client_id",
        ]
    );
    assert_eq!(
        (found[0].line, found[0].column, found[0].kind),
        (6, 5, NodeKind::Scalar)
    );
    assert_eq!(
        doc.find_keys("keyvault_credentials")[0].kind,
        NodeKind::Mapping
    );
    assert_eq!(doc.find_keys("stores")[0].kind, NodeKind::Sequence);
    assert_eq!(doc.find_keys("copy")[0].kind, NodeKind::Alias);
    assert_eq!(doc.find_keys("tilde")[0].kind, NodeKind::Null);
    assert!(doc.find_keys("nope").is_empty());
}

#[test]
fn scalars_lists_values_of_keys() {
    let doc = doc();
    let scalars = doc.scalars();
    let paths: Vec<String> = scalars.iter().map(|s| s.path.to_string()).collect();
    assert_eq!(
        paths,
        [
            "external_secrets.azure_tenant_id",
            "external_secrets.keyvault_credentials.client_id",
            "external_secrets.keyvault_credentials.client_secret",
            "external_secrets.keyvault_credentials.note",
            "external_secrets.keyvault_credentials.empty",
            "external_secrets.keyvault_credentials.tilde",
            "external_secrets.stores[0].name",
            "external_secrets.stores[0].client_id",
            "external_secrets.shared.client_id",
        ]
    );
    assert_eq!(
        scalars[6].path.segments()[2],
        Segment::Index(0),
        "sequence steps are indices"
    );
}

#[test]
fn leading_comment_reads_the_line_directly_above() {
    let doc = doc();
    let creds = path("external_secrets.keyvault_credentials");
    assert_eq!(
        doc.leading_comment(&creds, "offseal:").as_deref(),
        Some("offseal: sealed 2026-11-30")
    );
    assert_eq!(doc.leading_comment(&creds, "other:"), None);
    assert_eq!(
        doc.leading_comment(&path("external_secrets"), "Defaults"),
        Some("Defaults.".into())
    );
    assert_eq!(
        doc.leading_comment(&path("external_secrets.azure_tenant_id"), "offseal:"),
        None
    );
    assert_eq!(doc.leading_comment(&path("missing"), "offseal:"), None);
    // A comment at another indentation, or with a blank line between, does not count.
    let other = Document::parse(b"a:\n# offseal: x\n  b: 1\n# offseal: y\n\nc: 2\n").unwrap();
    assert_eq!(other.leading_comment(&path("a.b"), "offseal:"), None);
    assert_eq!(other.leading_comment(&path("c"), "offseal:"), None);
    // A `#` line that is scalar content is no comment.
    let content = b"a: \"foo\n# offseal: x\"\nb: 1\nc: |\n  # offseal: y\nd:\n  e: 1\n";
    let doc = Document::parse(content).unwrap();
    assert_eq!(
        doc.get(&path("a")).unwrap().unwrap().value,
        "foo # offseal: x"
    );
    assert_eq!(doc.leading_comment(&path("b"), "offseal:"), None);
    let out = set_scalars(
        content,
        &[Edit::comment(path("b"), "offseal:", "offseal: z")],
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "a: \"foo\n# offseal: x\"\n# offseal: z\nb: 1\nc: |\n  # offseal: y\nd:\n  e: 1\n"
    );
}

#[test]
fn keys_with_comment_lists_every_marked_key_whatever_its_value() {
    let text =
        b"base: &b x\n# offseal: one\na: *b\nlist:\n  - j: 1\n    # offseal: two\n    k: [1]\n\
                 # note\n# offseal: three\nm:\n  n: 1\n# offseal: not above a key\n\nz: 1\n";
    let doc = Document::parse(text).unwrap();
    let found: Vec<(String, usize, usize, NodeKind, String)> = doc
        .keys_with_comment("offseal:")
        .into_iter()
        .map(|(k, text)| (k.path.to_string(), k.line, k.column, k.kind, text))
        .collect();
    let row = |p: &str, line, column, kind, text: &str| {
        (p.to_owned(), line, column, kind, text.to_owned())
    };
    assert_eq!(
        found,
        [
            row("a", 3, 1, NodeKind::Alias, "offseal: one"),
            row("list[0].k", 7, 5, NodeKind::Sequence, "offseal: two"),
            row("m", 10, 1, NodeKind::Mapping, "offseal: three"),
        ]
    );
    assert!(doc.keys_with_comment("sops:").is_empty());
}

#[test]
fn comments_go_above_block_keys_only_and_removing_none_is_no_edit() {
    let text = b"a:\n  b: 1\nf: {g: {h: 1}}\nl:\n  - k: 1\n";
    let doc = Document::parse(text).unwrap();
    let can = |p: &str| doc.can_comment_above(&path(p));
    assert_eq!(
        [
            can("a"),
            can("a.b"),
            can("f"),
            can("f.g"),
            can("f.g.h"),
            can("x")
        ],
        [
            Some(true),
            Some(true),
            Some(true),
            Some(false),
            Some(false),
            None
        ]
    );
    // There is nothing to remove above a key of a flow mapping; putting a comment there fails.
    assert_eq!(
        doc.edit(&[Edit::remove_comment(path("f.g.h"), "offseal:")])
            .unwrap(),
        text
    );
    assert!(matches!(
        doc.edit(&[Edit::comment(path("f.g"), "offseal:", "offseal: x")]),
        Err(Error::Unsupported { line: 3, .. })
    ));
}

#[test]
fn edits_are_planned_together_and_verified_once() {
    let doc = doc();
    let creds = path("external_secrets.keyvault_credentials");
    let out = doc
        .edit(&[
            Edit::set(creds.join_key("client_id"), "AgNew1"),
            Edit::set(creds.join_key("tilde").join_key("inner"), "v"),
            Edit::set(creds.join_key("empty"), "0777"),
            Edit::set(path("external_secrets.new.deep.key"), "yes"),
            Edit::set(path("external_secrets.new.deep.other"), "no"),
            Edit::comment(path("external_secrets.new"), "offseal:", "offseal: new"),
            Edit::comment(creds.clone(), "offseal:", "offseal: sealed again"),
        ])
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "\
# Defaults.
external_secrets:
  azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e
  # offseal: sealed again
  keyvault_credentials:
    client_id: \"AgNew1\"
    client_secret: \"AgCx\"
    note: |
      line
    empty: \"0777\"
    tilde:
      inner: v
  stores:
    - name: kv
      client_id: AgSeq
  shared: &s {client_id: AgFlow}
  copy: *s
  # offseal: new
  new:
    deep:
      key: \"yes\"
      other: \"no\"
"
    );
    // The document itself is unchanged.
    assert_eq!(doc.source(), VALUES);
}

#[test]
fn unchanged_values_leave_bytes_alone() {
    let doc = doc();
    let same = [
        Edit::set(
            path("external_secrets.keyvault_credentials.client_id"),
            "AgB4",
        ),
        Edit::set(path("external_secrets.keyvault_credentials.note"), "line\n"),
        Edit::comment(
            path("external_secrets.keyvault_credentials"),
            "offseal:",
            "offseal: sealed 2026-11-30",
        ),
    ];
    assert_eq!(doc.edit(&same).unwrap(), VALUES.as_bytes());
    assert_eq!(doc.edit(&[]).unwrap(), VALUES.as_bytes());
    // A plain `yes` is a boolean for Helm: setting the string "yes" quotes it.
    let out = set_scalars(b"a: yes\n", &[Edit::set(path("a"), "yes")]).unwrap();
    assert_eq!(out, b"a: \"yes\"\n");
    // An empty value is null, not the empty string.
    let out = set_scalars(b"a:\n", &[Edit::set(path("a"), "")]).unwrap();
    assert_eq!(out, b"a: \"\"\n");
}

#[test]
fn conflicting_and_malformed_edits_are_refused() {
    let doc = doc();
    let p = path("external_secrets.azure_tenant_id");
    let twice = [Edit::set(p.clone(), "a"), Edit::set(p.clone(), "b")];
    assert!(matches!(
        doc.edit(&twice),
        Err(Error::ConflictingEdits { .. })
    ));
    let nested = [Edit::set(path("x"), "a"), Edit::set(path("x.y"), "b")];
    assert!(matches!(
        doc.edit(&nested),
        Err(Error::ConflictingEdits { .. })
    ));
    let comments = [
        Edit::comment(p.clone(), "m", "m 1"),
        Edit::comment(p.clone(), "m", "m 2"),
    ];
    assert!(matches!(
        doc.edit(&comments),
        Err(Error::ConflictingEdits { .. })
    ));
    for (marker, text, reason) in [
        ("m", "m a\nb", "the text holds a line break"),
        ("m", "m a\u{2028}b", "the text holds a line break"),
        ("m", "m \u{7}", "the text holds a control character"),
        ("m", "x", "the text does not start with the marker"),
        ("", "x", "the marker is empty"),
    ] {
        let err = doc
            .edit(&[Edit::comment(p.clone(), marker, text)])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("invalid comment for `external_secrets.azure_tenant_id`: {reason}")
        );
    }
    let deep = Path::from_keys((0..300).map(|i| format!("k{i}")));
    assert!(matches!(
        doc.edit(&[Edit::set(deep, "v")]),
        Err(Error::InvalidPath { .. })
    ));
}

/// An explicit key (`? key`) with or without a value, anywhere in a block mapping: setting
/// its value and inserting keys after it read back, and no other value changes.
#[test]
fn explicit_keys_with_and_without_values() {
    // (file, the mapping holding `k`)
    let files = [
        ("m:\n  ? k\nz: 1\n", "m"),
        ("m:\n  ? k\n  x: 1\nz: 1\n", "m"),
        ("m:\n  x: 1\n  ? k\n  y: 2\nz: 1\n", "m"),
        ("m:\n  ? k # after\n  # below\n\n# root\nz: 1\n", "m"),
        ("m:\n  ? k\n  : v\nz: 1\n", "m"),
        ("m:\n  ? k\n  :\n  ? j\nz: 1\n", "m"),
        ("m:\n  ? k\n  # between\n  : v\nz: 1\n", "m"),
        ("m:\n  n:\n    ? k\n  ? j\nz: 1\n", "m.n"),
        ("m:\n  n:\n    ? k\nz: 1\n", "m.n"),
        ("m:\n    ? j\n    ? k\nz: 1\n", "m"),
        ("? k\nm:\n  x: 1\n", "m"),
        ("m:\n  ? |\n    block key\n  ? k\nz: 1\n", "m"),
        ("m:\r\n  ? k\r\nz: 1\r\n", "m"),
        ("m:\n  ? k", "m"),
    ];
    for (input, map) in files {
        let doc = Document::parse(input.as_bytes()).unwrap();
        let at = path(map);
        for edits in [
            vec![Edit::set(at.join_key("k"), "AgNew")],
            vec![Edit::set(at.join_key("fresh"), "AgFresh")],
            vec![Edit::set(path("m.new.deep"), "yes")],
            vec![
                Edit::set(at.join_key("k"), "AgNew"),
                Edit::set(at.join_key("fresh"), "AgFresh"),
                Edit::comment(at.join_key("fresh"), "offseal:", "offseal: x"),
            ],
        ] {
            let out = doc
                .edit(&edits)
                .unwrap_or_else(|e| panic!("{input:?} {edits:?}: {e}"));
            let text = String::from_utf8(out.clone()).unwrap();
            let new = Document::parse(&out).unwrap();
            for edit in &edits {
                match edit {
                    Edit::Set { path, value } => {
                        let got = new.get(path).unwrap();
                        assert_eq!(got.map(|s| s.value).as_ref(), Some(value), "{text}");
                    }
                    Edit::SetComment {
                        path,
                        marker,
                        text: comment,
                    } => {
                        let got = new.leading_comment(path, marker);
                        assert_eq!(got.as_ref(), comment.as_ref(), "{text}");
                    }
                    _ => unreachable!(),
                }
            }
            for old in doc.scalars() {
                if edits.iter().any(|e| e.path() == &old.path) {
                    continue;
                }
                let now = new.get(&old.path).unwrap().unwrap();
                assert_eq!((&now.value, now.style), (&old.value, old.style), "{text}");
            }
            assert_eq!(doc.edit(&edits).unwrap(), out, "not deterministic");
            assert_eq!(
                new.edit(&edits).unwrap(),
                out,
                "a second run changed {text}"
            );
        }
    }

    // Flow mappings: explicit keys with a value are edited in place; a key without one is not
    // given one, and no key is inserted into a non-empty flow mapping.
    let flow = Document::parse(b"m: {? k, ? j: old}\n").unwrap();
    let out = flow.edit(&[Edit::set(path("m.j"), "new")]).unwrap();
    assert_eq!(out, b"m: {? k, ? j: new}\n");
    assert_eq!(
        flow.edit(&[Edit::set(path("m.k"), "v")])
            .unwrap_err()
            .to_string(),
        "cannot edit `m.k` at line 1: the key has no `:` and no value in its flow mapping; adding one there is not supported"
    );
    assert!(matches!(
        flow.edit(&[Edit::set(path("m.fresh"), "v")]),
        Err(Error::FlowInsert { .. })
    ));
    // An explicit key does not start its line, so its empty value does not become a mapping.
    let block = Document::parse(b"m:\n  ? k\nz: 1\n").unwrap();
    assert!(matches!(
        block.edit(&[Edit::set(path("m.k.inner"), "v")]),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn nothing_is_partially_applied() {
    // The second edit is refused, so the first is not applied either.
    let input = b"a: 1\nb: [x]\n";
    let err = set_scalars(
        input,
        &[Edit::set(path("a"), "2"), Edit::set(path("b"), "y")],
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "`b` at line 2 is a sequence, not a scalar");
}

#[test]
fn parse_errors_are_reported_with_position() {
    assert_eq!(Document::parse(b"\xFF\xFEa\0").unwrap_err(), Error::Utf16);
    assert_eq!(
        Document::parse(b"a: 1\nb: caf\xE9\n")
            .unwrap_err()
            .to_string(),
        "file is not valid UTF-8 (byte 11, line 2)"
    );
    assert_eq!(
        Document::parse(b"a: 1\nb: [1, 2\n")
            .unwrap_err()
            .to_string(),
        "invalid YAML at line 2, column 4: unclosed bracket '['"
    );
    assert_eq!(
        Document::parse(b"a: 1\n---\nb: 2\n")
            .unwrap_err()
            .to_string(),
        "file holds several YAML documents (another starts at line 2); only one is supported"
    );
}

#[test]
fn indentation_step_is_learned_from_the_file() {
    // Mostly 3 spaces, with one 2-space outlier.
    let input = b"a:\n   b:\n      c: 1\n   d:\n     e: 1\nf:\n   g: 1\n";
    let out = set_scalars(input, &[Edit::set(path("f.h.i"), "v")]).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "a:\n   b:\n      c: 1\n   d:\n     e: 1\nf:\n   g: 1\n   h:\n      i: v\n"
    );
}

#[test]
fn long_comment_blocks_parse() {
    let comments: String = (0..500).map(|i| format!("# line {i}\n")).collect();
    let input = format!("a:\n{comments}- x\n{comments}b: 1\n");
    let out = set_scalars(input.as_bytes(), &[Edit::set(path("b"), "2")]).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out == input.replace("b: 1", "b: \"2\""), "{out}");
}
