//! The provenance comment: what a sealed value was sealed for and with, written above its key
//! (`# offseal: scope=... namespace=... name=... cert=SHA256:... sealed=DATE`). Never secret.

use offseal_yaml::{Edit, Path};

use super::ValuesFile;
use crate::cert::SealingKey;
use crate::scope::{Scope, Target};
use crate::time::Timestamp;

/// How provenance comments begin.
pub const PROVENANCE_MARKER: &str = "offseal:";

/// What a sealed value was sealed for and with, as recorded in its provenance comment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Provenance {
    /// The target.
    pub target: Target,
    /// The certificate's fingerprint (`SHA256:...`).
    pub fingerprint: String,
    /// The date of sealing (`2026-11-30`).
    pub date: String,
}

impl Provenance {
    /// `offseal: scope=strict namespace=ns name=app cert=SHA256:... sealed=2026-11-30`.
    #[must_use]
    pub fn to_comment(&self) -> String {
        // Only what the scope binds: a name means nothing to a namespace-wide value.
        let scope = self.target.scope();
        let mut text = format!("{PROVENANCE_MARKER} scope={scope}");
        if let Some(ns) = self
            .target
            .namespace()
            .filter(|_| scope != Scope::ClusterWide)
        {
            text += &format!(" namespace={ns}");
        }
        if let Some(name) = self.target.name().filter(|_| scope == Scope::Strict) {
            text += &format!(" name={name}");
        }
        text += &format!(" cert={} sealed={}", self.fingerprint, self.date);
        text
    }

    /// Reads a comment written by [`Provenance::to_comment`]; `None` if it is not one.
    #[must_use]
    pub fn parse(comment: &str) -> Option<Provenance> {
        let rest = comment.trim().strip_prefix(PROVENANCE_MARKER)?;
        let (mut scope, mut namespace, mut name, mut cert, mut date) =
            (None, None, None, None, None);
        for part in rest.split_whitespace() {
            let (key, value) = part.split_once('=')?;
            match key {
                "scope" => scope = Some(value.parse::<Scope>().ok()?),
                "namespace" => namespace = Some(value),
                "name" => name = Some(value),
                "cert" => cert = Some(value),
                "sealed" => date = Some(value),
                _ => {}
            }
        }
        Some(Provenance {
            target: Target::new(scope?, namespace, name).ok()?,
            fingerprint: cert?.to_owned(),
            date: date.unwrap_or_default().to_owned(),
        })
    }
}

/// The edit that records sealing for `target` with `key` on `date` above the key at `path`,
/// or, with no date, removes an old record (it would describe a previous sealing).
pub(super) fn provenance_edit(
    path: Path,
    key: &SealingKey,
    target: &Target,
    date: Option<Timestamp>,
) -> Edit {
    match date {
        Some(now) => Edit::comment(
            path,
            PROVENANCE_MARKER,
            Provenance {
                target: target.clone(),
                fingerprint: key.fingerprint().to_owned(),
                date: now.date(),
            }
            .to_comment(),
        ),
        None => Edit::remove_comment(path, PROVENANCE_MARKER),
    }
}

impl ValuesFile {
    /// The provenance recorded for `path`: the nearest comment on its key or an ancestor's.
    #[must_use]
    pub fn provenance(&self, path: &Path) -> Option<Provenance> {
        let mut at = Some(path.clone());
        while let Some(path) = at {
            if path.is_empty() {
                break;
            }
            if let Some(p) = self
                .doc
                .leading_comment(&path, PROVENANCE_MARKER)
                .as_deref()
                .and_then(Provenance::parse)
            {
                return Some(p);
            }
            at = path.parent();
        }
        None
    }

    /// Where a new provenance comment for the values under `path` goes: above `path`'s key, or,
    /// where no comment line can go there (a key of a flow mapping), above the nearest
    /// ancestor's key that takes one; the record is read from an ancestor as well. `path`
    /// itself when none does (the editor then says why).
    pub(super) fn comment_site(&self, path: Path) -> Path {
        let mut at = path.clone();
        while self.doc.can_comment_above(&at) == Some(false) {
            match at.parent() {
                Some(parent) if parent.last_key().is_some() => at = parent,
                _ => return path,
            }
        }
        at
    }

    /// The key (the value's or an ancestor's) that carries the provenance comment for `path`.
    pub(super) fn comment_owner(&self, path: &Path) -> Option<Path> {
        let mut at = Some(path.clone());
        while let Some(path) = at {
            if path.is_empty() {
                return None;
            }
            if self.doc.leading_comment(&path, PROVENANCE_MARKER).is_some() {
                return Some(path);
            }
            at = path.parent();
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_round_trips_for_every_scope() {
        for target in [
            Target::strict("tenant-a", "creds").unwrap(),
            Target::namespace_wide("tenant-a").unwrap(),
            Target::cluster_wide(),
        ] {
            let p = Provenance {
                target,
                fingerprint: "SHA256:NfQ6GANZ5ZSZ45GsFMFEsYJbj4rlqJiSarri7KWL6ns".to_owned(),
                date: "2026-11-30".to_owned(),
            };
            assert_eq!(Provenance::parse(&p.to_comment()), Some(p));
        }
        assert_eq!(
            Provenance {
                target: Target::strict("a", "b").unwrap(),
                fingerprint: "SHA256:x".into(),
                date: "2026-11-30".into()
            }
            .to_comment(),
            "offseal: scope=strict namespace=a name=b cert=SHA256:x sealed=2026-11-30"
        );
        assert_eq!(
            Provenance::parse("offseal: scope=strict cert=x"),
            None,
            "strict needs names"
        );
        assert_eq!(Provenance::parse("offseal: hello"), None);
        assert_eq!(Provenance::parse("something else"), None);
    }
}
