//! The dotted text form of a path (`a.b\.c`): parsing it and writing it back.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;
use crate::path::{Path, Segment};

impl Path {
    /// Parses the dotted text form (`a.b\.c` is `["a", "b.c"]`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPath`] when the text is empty, has an empty key (`a..b`, a leading or
    /// trailing dot), ends in a lone backslash, or uses a backslash before anything other than
    /// `.` or `\`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let invalid = |reason: &'static str| Error::InvalidPath {
            path: text.to_owned(),
            reason,
        };
        if text.is_empty() {
            return Err(invalid("the path is empty"));
        }
        let mut segments = Vec::new();
        let mut key = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(escaped @ ('.' | '\\')) => key.push(escaped),
                    Some(_) => return Err(invalid("only `\\.` and `\\\\` are escapes")),
                    None => return Err(invalid("the path ends in a lone backslash")),
                },
                '.' => {
                    if key.is_empty() {
                        return Err(invalid("the path has an empty key"));
                    }
                    segments.push(Segment::Key(std::mem::take(&mut key)));
                }
                other => key.push(other),
            }
        }
        if key.is_empty() {
            return Err(invalid("the path has an empty key"));
        }
        segments.push(Segment::Key(key));
        Ok(Self::from(segments))
    }
}

impl FromStr for Path {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        Self::parse(text)
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Key(key) => write_escaped(f, key),
            Self::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments().iter().enumerate() {
            if i > 0 && matches!(segment, Segment::Key(_)) {
                f.write_str(".")?;
            }
            segment.fmt(f)?;
        }
        Ok(())
    }
}

fn write_escaped(f: &mut fmt::Formatter<'_>, key: &str) -> fmt::Result {
    for c in key.chars() {
        if matches!(c, '.' | '\\') {
            f.write_str("\\")?;
        }
        write!(f, "{c}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(path: &Path) -> Vec<&str> {
        path.segments()
            .iter()
            .map(|s| match s {
                Segment::Key(k) => k.as_str(),
                Segment::Index(_) => "#",
            })
            .collect()
    }

    #[test]
    fn parses_plain_and_escaped_keys() {
        assert_eq!(keys(&Path::parse("a").unwrap()), ["a"]);
        assert_eq!(keys(&Path::parse("a.b.c").unwrap()), ["a", "b", "c"]);
        assert_eq!(keys(&Path::parse(r"a.b\.c").unwrap()), ["a", "b.c"]);
        assert_eq!(keys(&Path::parse(r"a\\.b").unwrap()), ["a\\", "b"]);
        assert_eq!(keys(&Path::parse(r"a\\\.b").unwrap()), ["a\\.b"]);
        assert_eq!(keys(&Path::parse("a b.ü").unwrap()), ["a b", "ü"]);
        assert_eq!(keys(&"x.y".parse::<Path>().unwrap()), ["x", "y"]);
    }

    #[test]
    fn rejects_malformed_paths() {
        for bad in ["", ".", "a.", ".a", "a..b", "a\\", r"a\b", r"a\n"] {
            let err = Path::parse(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidPath { .. }), "{bad:?}: {err:?}");
        }
        assert_eq!(
            Path::parse("a..b").unwrap_err().to_string(),
            "invalid path `a..b`: the path has an empty key"
        );
    }

    #[test]
    fn display_escapes_and_round_trips() {
        let path = Path::from_keys(["a.b", "c\\d", "e"]);
        assert_eq!(path.to_string(), r"a\.b.c\\d.e");
        assert_eq!(Path::parse(&path.to_string()).unwrap(), path);
        let mut with_index = Path::from_keys(["items"]);
        with_index.push(Segment::Index(0));
        with_index.push_key("name");
        assert_eq!(with_index.to_string(), "items[0].name");
        let mut nested = Path::new();
        nested.push(Segment::Index(1));
        nested.push(Segment::Index(2));
        assert_eq!(nested.to_string(), "[1][2]");
    }
}
