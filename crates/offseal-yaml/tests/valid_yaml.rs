//! Valid YAML the editor once refused (its read-back check caught wrong plans; nothing was
//! written): a bare `?` key, a file ending in a block scalar whose last line holds only spaces
//! and no line break, and comments above explicit keys. Found by the `yaml_edit` fuzz target
//! (FUZZING.md).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use offseal_yaml::{Document, Edit, Error, Path};

fn path(text: &str) -> Path {
    Path::parse(text).unwrap()
}

/// Applies `edits` to `input`, checks that the result reads back (values and comments) and
/// that the same edits leave it as it is; returns it.
fn edit(input: &str, edits: &[Edit]) -> String {
    let doc = Document::parse(input.as_bytes()).unwrap();
    let out = doc
        .edit(edits)
        .unwrap_or_else(|e| panic!("{input:?} {edits:?}: {e}"));
    let new = Document::parse(&out).unwrap();
    for edit in edits {
        match edit {
            Edit::Set { path, value } => {
                assert_eq!(new.get(path).unwrap().unwrap().value, *value);
            }
            Edit::SetComment { path, marker, text } => {
                assert_eq!(new.leading_comment(path, marker), *text);
            }
            _ => unreachable!(),
        }
    }
    assert_eq!(new.edit(edits).unwrap(), out, "a second run changed it");
    String::from_utf8(out).unwrap()
}

/// The empty key of a bare `?` reads as `~` in a path.
fn null_key(parent: &str) -> Path {
    if parent.is_empty() {
        Path::from_keys(["~".to_owned()])
    } else {
        path(parent).join_key("~")
    }
}

#[test]
fn a_bare_question_mark_key_takes_a_value_and_a_comment_in_one_call() {
    for (input, parent, expected) in [
        ("?\n", "", "# offseal: x\n?\n: v\n"),
        (
            "? # why\n\nz: 1\n",
            "",
            "# offseal: x\n? # why\n: v\n\nz: 1\n",
        ),
        (
            "m:\n  ?\n  # below\nz: 1\n",
            "m",
            "m:\n  # offseal: x\n  ?\n  : v\n  # below\nz: 1\n",
        ),
    ] {
        let key = null_key(parent);
        let set = Edit::set(key.clone(), "v");
        let comment = Edit::comment(key.clone(), "offseal:", "offseal: x");
        assert_eq!(edit(input, &[set.clone(), comment.clone()]), expected);
        // Each alone, and the comment replaced and removed again.
        let commented = edit(input, std::slice::from_ref(&comment));
        assert!(commented.contains("offseal: x\n"), "{commented:?}");
        edit(input, &[set]);
        let replaced = edit(
            &commented,
            &[Edit::comment(key.clone(), "offseal:", "offseal: y")],
        );
        assert_eq!(
            edit(&replaced, &[Edit::remove_comment(key, "offseal:")]),
            input
        );
    }
}

#[test]
fn an_explicit_keys_empty_value_does_not_become_a_mapping() {
    for (input, at) in [("?\n", "~.inner"), ("m:\n  ?\nz: 1\n", "m.~.inner")] {
        let doc = Document::parse(input.as_bytes()).unwrap();
        let err = doc.edit(&[Edit::set(path(at), "v")]).unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{input:?}: {err}");
    }
}

#[test]
fn keys_go_before_a_last_line_of_spaces_without_a_line_break() {
    for (input, new, expected) in [
        ("a:\n  b: |+\n ", "a.new", "a:\n  b: |+\n  new: v\n "),
        ("a:\n  b: |+\n\n ", "a.new", "a:\n  b: |+\n\n  new: v\n "),
        ("a:\n  b: |\n ", "a.new", "a:\n  b: |\n  new: v\n "),
        ("a:\n  b: |+\n   ", "a.new", "a:\n  b: |+\n  new: v\n   "),
        ("b: |+\n  ", "new", "b: |+\nnew: v\n  "),
        ("b: >+ # c\n\n  ", "new", "b: >+ # c\n\nnew: v\n  "),
        (
            "a:\n  b: |+\n    x\n ",
            "a.new",
            "a:\n  b: |+\n    x\n  new: v\n ",
        ),
        (
            "a:\n  b: |+\n ",
            "external_secrets.keyvault_credentials.client_id",
            "a:\n  b: |+\nexternal_secrets:\n  keyvault_credentials:\n    client_id: v\n ",
        ),
    ] {
        assert_eq!(edit(input, &[Edit::set(path(new), "v")]), expected);
    }
    // The block scalar itself is replaced; a line of spaces that may be content (deeper than
    // the explicit indentation, or than content lines) still ends the file refused.
    assert_eq!(
        edit("a:\n  b: |+\n ", &[Edit::set(path("a.b"), "v")]),
        "a:\n  b: \"v\"\n "
    );
    for input in ["b: |+1\n  ", "b: |+\n  x\n   "] {
        let doc = Document::parse(input.as_bytes()).unwrap();
        let err = doc.edit(&[Edit::set(path("new"), "v")]).unwrap_err();
        assert!(
            matches!(err, Error::BlockScalarAtEof { line: 1, .. }),
            "{input:?}: {err}"
        );
    }
}

#[test]
fn comments_go_above_the_question_mark_of_an_explicit_key() {
    for (input, key, expected) in [
        (
            "a:\n  ? |\n    x\n",
            Path::from_keys(["a".to_owned(), "x\n".to_owned()]),
            "a:\n  # offseal: x\n  ? |\n    x\n",
        ),
        ("? k\n: v\n", path("k"), "# offseal: x\n? k\n: v\n"),
        (
            "m:\n  x: 1\n  ?\t'k'\nz: 1\n",
            path("m.k"),
            "m:\n  x: 1\n  # offseal: x\n  ?\t'k'\nz: 1\n",
        ),
    ] {
        let comment = Edit::comment(key.clone(), "offseal:", "offseal: x");
        assert_eq!(edit(input, std::slice::from_ref(&comment)), expected);
        edit(input, &[comment, Edit::set(key, "v")]);
    }
    // A key after other text on its line is still refused.
    let doc = Document::parse(b"- ? k\n  : v\n").unwrap();
    assert!(doc.leading_comment(&path("k"), "offseal:").is_none());
    let doc = Document::parse(b"? &a k\n: v\n").unwrap();
    let err = doc
        .edit(&[Edit::comment(path("k"), "offseal:", "offseal: x")])
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
}

/// Found by the stricter fuzz target: an implicit empty key (`: value`) below a line that
/// looked like a bare `?` (here the text of a plain scalar over two lines) took that line for
/// its own. Its comment is refused; its value is set.
#[test]
fn an_implicit_empty_key_does_not_take_a_question_mark_line_above_it() {
    let input = "a:\n :  x1\n  ?   # note\n:\nb: 1\n";
    let doc = Document::parse(input.as_bytes()).unwrap();
    let err = doc
        .edit(&[Edit::comment(null_key(""), "offseal:", "offseal: x")])
        .unwrap_err();
    assert!(matches!(err, Error::Unsupported { line: 4, .. }), "{err}");
    assert_eq!(doc.leading_comment(&null_key(""), "offseal:"), None);
    assert_eq!(
        edit(input, &[Edit::set(null_key(""), "v")]),
        "a:\n :  x1\n  ?   # note\n: v\nb: 1\n"
    );
    // A bare `?` of an inner mapping is not that of a root key below it.
    let doc = Document::parse(b"a:\n  ?\n: v\n").unwrap();
    assert!(
        doc.edit(&[Edit::comment(null_key(""), "offseal:", "offseal: x")])
            .is_err()
    );
}

/// Found by the stricter fuzz target: an explicit key without a value, followed by a root key
/// that is an implicit empty key (`: value`), took that key's `:` for its own value indicator.
#[test]
fn an_explicit_key_without_a_value_does_not_take_a_colon_of_an_outer_key() {
    let input = "a:\n  ? w\n  : old\n  ? k\n  \n:  ? t\n";
    assert_eq!(
        edit(input, &[Edit::set(path("a.k"), "a: b # c")]),
        "a:\n  ? w\n  : old\n  ? k\n  : \"a: b # c\"\n  \n:  ? t\n"
    );
}

/// Found by the stricter fuzz target: the same with a bare `?`, whose empty key the parser puts
/// at that outer `:`.
#[test]
fn a_bare_question_mark_does_not_take_a_colon_of_an_outer_key() {
    let input = "a:\n ? 1\n ?\n\n:\n ? 1\nb: 1\n";
    assert_eq!(
        edit(input, &[Edit::set(path("a").join_key("~"), "yes")]),
        "a:\n ? 1\n ?\n : \"yes\"\n\n:\n ? 1\nb: 1\n"
    );
}

/// Found by the stricter fuzz target: a block scalar *key* ending the file in a line of spaces.
/// Moving that line would change the key as the parser reads it, so a value for it is refused.
#[test]
fn a_block_scalar_key_ending_in_a_line_of_spaces_keeps_its_name() {
    let input = "a:\n  ? |+\n   ";
    let doc = Document::parse(input.as_bytes()).unwrap();
    let key = Path::from_keys(["a".to_owned(), "\n".to_owned()]);
    assert_eq!(doc.get(&key).unwrap().unwrap().value, "");
    let err = doc.edit(&[Edit::set(key, "v")]).unwrap_err();
    assert!(
        matches!(err, Error::BlockScalarAtEof { line: 2, .. }),
        "{err}"
    );
}

/// Found by the stricter fuzz target: an empty block scalar key (`? |`) ends at the start of
/// the next line, so an outer key's `:` there looked like its value indicator.
#[test]
fn an_empty_block_scalar_key_does_not_take_a_colon_of_an_outer_key() {
    let key = Path::from_keys(["a".to_owned(), String::new()]);
    for (input, expected) in [
        ("a:\n  ? |\n:", "a:\n  ? |\n  : \"yes\"\n:"),
        ("a:\n  ?\n  ? |\n:", "a:\n  ?\n  ? |\n  : \"yes\"\n:"),
    ] {
        assert_eq!(edit(input, &[Edit::set(key.clone(), "yes")]), expected);
        edit(
            input,
            &[Edit::comment(key.clone(), "offseal:", "offseal: x")],
        );
    }
}

/// Found by the stricter fuzz target: a block mapping as an explicit key (`? :`) ends at the
/// next token, which was an outer key's `:`.
#[test]
fn a_block_collection_key_does_not_take_a_colon_of_an_outer_key() {
    let input = "external_secrets:\n ? :\n:";
    assert_eq!(
        edit(
            input,
            &[Edit::set(
                path("external_secrets.keyvault_credentials.client_id"),
                "AgB4"
            )]
        ),
        "external_secrets:\n ? :\n keyvault_credentials:\n  client_id: AgB4\n:"
    );
}
