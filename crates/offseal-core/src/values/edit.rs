//! The edits: seal the credentials into their block, seal or write one value at any path, and
//! reseal every sealed value. Each returns the new file bytes; writing them is the caller's.
//!
//! The target is decided here, in one place: what the caller asks for ([`Retarget`], such as
//! command-line flags) over what the file's provenance comment records.

use offseal_yaml::{Edit, Path};
use rsa::rand_core::TryCryptoRng;
use secrecy::{ExposeSecret, SecretString};

use super::provenance::{PROVENANCE_MARKER, Provenance, provenance_edit};
use super::scan::Role;
use super::{Block, ValuesFile};
use crate::azure::{Credentials, TenantInFile, is_guid};
use crate::cert::SealingKey;
use crate::envelope;
use crate::error::{Error, Result};
use crate::keys::UnsealingKeys;
use crate::outcome::ValueState;
use crate::scope::{Retarget, Target};
use crate::time::Timestamp;

/// How values are sealed: the key, the target asked for, and whether (and when) to record it.
#[derive(Debug, Clone)]
pub struct SealingParams<'a> {
    key: &'a SealingKey,
    retarget: Retarget,
    provenance: Option<Timestamp>,
}

impl<'a> SealingParams<'a> {
    /// Seal with `key`, for the target the file's provenance comment records, without writing
    /// a provenance comment (an old one is removed: it would describe a previous sealing).
    #[must_use]
    pub fn new(key: &'a SealingKey) -> SealingParams<'a> {
        SealingParams {
            key,
            retarget: Retarget::default(),
            provenance: None,
        }
    }

    /// The target asked for: each part given replaces the recorded target's (a strict target
    /// when neither gives a scope).
    #[must_use]
    pub fn with_retarget(mut self, retarget: Retarget) -> SealingParams<'a> {
        self.retarget = retarget;
        self
    }

    /// Record the sealing in a provenance comment dated `date` (`None`: remove an old one).
    #[must_use]
    pub fn with_provenance(mut self, date: Option<Timestamp>) -> SealingParams<'a> {
        self.provenance = date;
        self
    }

    /// The target a value recorded as sealed for `recorded` is sealed for now.
    fn target(&self, recorded: Option<&Target>) -> Result<Target> {
        self.retarget.apply(recorded)
    }
}

/// What a sealing edit did.
#[derive(Debug)]
#[non_exhaustive]
pub struct Sealed {
    /// The new file bytes.
    pub bytes: Vec<u8>,
    /// The credentials block ([`ValuesFile::seal_credentials`]) or the value
    /// ([`ValuesFile::set_sealed`]) that was sealed.
    pub path: Path,
    /// What the values were sealed for.
    pub target: Target,
}

/// The outcome of [`ValuesFile::reseal`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Resealed {
    /// The new file bytes.
    pub bytes: Vec<u8>,
    /// How many values were resealed.
    pub count: usize,
}

impl ValuesFile {
    /// The main job in one call: seals the credentials into the block (see
    /// [`ValuesFile::block`]) for the target `params` give over the recorded one, and writes
    /// the tenant id plain. Credentials without a tenant id leave the file's, which must be a
    /// GUID. Uses the system's random number generator.
    ///
    /// # Errors
    /// As [`ValuesFile::block`]; [`Error::NoTenantId`] when neither the credentials nor the
    /// file give a tenant id (the file's is missing, empty or not a GUID);
    /// [`Error::MissingNamespace`], [`Error::MissingName`] or
    /// [`Error::InvalidName`] when no complete target is given or recorded; [`Error::Values`]
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use offseal_core::azure::Credentials;
    /// use offseal_core::values::{SealingParams, ValuesFile};
    /// use offseal_core::{Retarget, SealingKey, Timestamp};
    ///
    /// let text = "# kept\nexternal_secrets:\n  azure_tenant_id: \"\"  # plain\n  keyvault_credentials:\n    client_id: \"\"\n    client_secret: \"\"\n";
    /// let values = ValuesFile::parse(text.as_bytes(), "values.yaml")?;
    /// let cert = include_bytes!("../../fixtures/controller-2048.crt.pem");
    /// let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
    /// let credentials = Credentials::new(
    ///     "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10".into(),
    ///     "s3cret".into(),
    ///     Some("d93d3d23-50e3-46db-b3ad-8c6c281b431e".to_owned()),
    /// )?;
    /// let params = SealingParams::new(&key)
    ///     .with_retarget(Retarget::new(None, Some("tenant-a"), Some("azure-keyvault-credentials")))
    ///     .with_provenance(Some(Timestamp::from(SystemTime::now())));
    ///
    /// let sealed = values.seal_credentials(&credentials, None, &params)?;
    /// let out = String::from_utf8(sealed.bytes).unwrap();
    /// assert!(out.starts_with("# kept\nexternal_secrets:\n  azure_tenant_id: \"d93d3d23-50e3-46db-b3ad-8c6c281b431e\"  # plain\n"));
    /// assert!(out.contains("# offseal: scope=strict namespace=tenant-a name=azure-keyvault-credentials"));
    /// assert!(!out.contains("s3cret"));
    /// assert_eq!(sealed.target.to_string(), "strict tenant-a/azure-keyvault-credentials");
    /// # Ok::<(), offseal_core::Error>(())
    /// ```
    /// when the editor refuses (a list or alias on the path, a target that is a mapping,
    /// duplicate keys, ...).
    pub fn seal_credentials(
        &self,
        credentials: &Credentials,
        at: Option<&Path>,
        params: &SealingParams<'_>,
    ) -> Result<Sealed> {
        self.seal_credentials_with_rng(&mut rand::rngs::SysRng, credentials, at, params)
    }

    /// [`ValuesFile::seal_credentials`] drawing randomness from `rng`.
    ///
    /// # Errors
    /// As [`ValuesFile::seal_credentials`].
    pub(crate) fn seal_credentials_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        credentials: &Credentials,
        at: Option<&Path>,
        params: &SealingParams<'_>,
    ) -> Result<Sealed> {
        let block = self.block(at)?;
        let credentials_path = block.credentials_path();
        let recorded = self.provenance(&credentials_path).map(|p| p.target);
        let target = params.target(recorded.as_ref())?;
        let tenant = self.tenant_edit(&block, credentials)?;
        let label = target.label();
        let seal = |rng: &mut R, secret: &SecretString| {
            envelope::seal_with_rng(rng, params.key, &label, secret.expose_secret().as_bytes())
                .map(|e| e.to_base64())
        };
        let mut edits = vec![
            Edit::set(block.client_id_path(), seal(rng, credentials.client_id())?),
            Edit::set(
                block.client_secret_path(),
                seal(rng, credentials.client_secret())?,
            ),
        ];
        edits.extend(tenant);
        // Provenance stays where a comment already is (on the credentials or above them).
        let comment_at = self
            .comment_owner(&credentials_path)
            .unwrap_or_else(|| self.comment_site(credentials_path));
        edits.push(provenance_edit(
            comment_at,
            params.key,
            &target,
            params.provenance,
        ));
        let bytes = self.apply(&edits)?;
        Ok(Sealed {
            bytes,
            path: block.path,
            target,
        })
    }

    /// The edit writing the credentials' tenant id, or none when the file already holds one
    /// (a GUID) and the credentials give none.
    fn tenant_edit(&self, block: &Block, credentials: &Credentials) -> Result<Option<Edit>> {
        let path = block.tenant_id_path();
        if let Some(tenant) = credentials.tenant_id() {
            return Ok(Some(Edit::set(path, tenant)));
        }
        let in_file = match self.doc.get(&path).map_err(|e| self.yaml_error(e))? {
            Some(scalar) if is_guid(&scalar.value) => return Ok(None),
            Some(scalar) if scalar.value.is_empty() => TenantInFile::Empty { line: scalar.line },
            Some(scalar) => TenantInFile::NotAGuid { line: scalar.line },
            None => TenantInFile::Missing,
        };
        Err(Error::NoTenantId {
            source_name: self.source_name.clone(),
            path,
            in_file,
        })
    }

    /// Seals `plaintext` at `path` (inserting missing keys) for the target `params` give over
    /// the one recorded at or above `path`, with a provenance comment on that key. Uses the
    /// system's random number generator.
    ///
    /// # Errors
    /// As [`ValuesFile::seal_credentials`].
    pub fn set_sealed(
        &self,
        path: &Path,
        plaintext: &[u8],
        params: &SealingParams<'_>,
    ) -> Result<Sealed> {
        self.set_sealed_with_rng(&mut rand::rngs::SysRng, path, plaintext, params)
    }

    /// [`ValuesFile::set_sealed`] drawing randomness from `rng`.
    ///
    /// # Errors
    /// As [`ValuesFile::seal_credentials`].
    pub(crate) fn set_sealed_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        path: &Path,
        plaintext: &[u8],
        params: &SealingParams<'_>,
    ) -> Result<Sealed> {
        self.refuse_credentials_mapping(path)?;
        let recorded = self.provenance(path).map(|p| p.target);
        let target = params.target(recorded.as_ref())?;
        let sealed = envelope::seal_with_rng(rng, params.key, &target.label(), plaintext)?;
        let edits = [
            Edit::set(path.clone(), sealed.to_base64()),
            provenance_edit(path.clone(), params.key, &target, params.provenance),
        ];
        let bytes = self.apply(&edits)?;
        Ok(Sealed {
            bytes,
            path: path.clone(),
            target,
        })
    }

    /// Writes `text` as is at `path` (quoted where YAML readers would otherwise change it).
    ///
    /// # Errors
    /// [`Error::Values`] when the editor refuses.
    pub fn set_plain(&self, path: &Path, text: &str) -> Result<Vec<u8>> {
        self.refuse_credentials_mapping(path)?;
        // A plaintext over a sealed value is most likely a secret in the wrong place.
        let recorded = self
            .doc
            .leading_comment(path, PROVENANCE_MARKER)
            .is_some_and(|c| Provenance::parse(&c).is_some());
        let sealed = matches!(
            self.doc.get(path),
            Ok(Some(s)) if matches!(ValueState::of(&s.value), ValueState::Sealed(_))
        );
        if recorded || sealed {
            return Err(self.content_error(format!(
                "`{path}` holds a sealed value{}: a plain value there would be a plaintext where \
                 check expects a sealed one; seal it (offseal set without --plain), or, if it is \
                 no secret, remove the sealed value{} first",
                if recorded {
                    " (its provenance comment records it)"
                } else {
                    ""
                },
                if recorded { " and its comment" } else { "" }
            )));
        }
        self.doc
            .edit(&[Edit::set(path.clone(), text)])
            .map_err(|e| self.yaml_error(e))
    }

    /// Offline rotation to a new certificate, a new target, or both: opens every sealed value
    /// with `keys` — for the target its provenance records, or, without one, for the complete
    /// target `params` give — and seals it again with the new key for the target `params`
    /// make of the old one. Provenance comments follow the new sealing. Uses the system's
    /// random number generator.
    ///
    /// # Errors
    /// [`Error::Item`] naming the first value that cannot be opened or retargeted (nothing is
    /// changed), [`Error::ValuesContent`] for a value no target is known for, or
    /// [`Error::Values`] if the editor refuses.
    pub fn reseal(&self, keys: &UnsealingKeys, params: &SealingParams<'_>) -> Result<Resealed> {
        self.reseal_with_rng(&mut rand::rngs::SysRng, keys, params)
    }

    /// [`ValuesFile::reseal`] drawing randomness from `rng`.
    ///
    /// # Errors
    /// As [`ValuesFile::reseal`].
    pub(crate) fn reseal_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        keys: &UnsealingKeys,
        params: &SealingParams<'_>,
    ) -> Result<Resealed> {
        // Values without provenance are opened for the target asked for, if it is complete.
        let asked = params.target(None).ok();
        let mut edits = Vec::new();
        let mut commented: Vec<Path> = Vec::new();
        let mut count = 0;
        for value in self.sealed_values() {
            let where_ = format!("`{}` (line {})", value.path, value.line);
            let envelope = match value.state {
                ValueState::Sealed(envelope) => envelope,
                ValueState::Empty | ValueState::NotSealed => continue,
                ValueState::Malformed(reason) => {
                    return Err(Error::Malformed(reason).at_in(&self.source_name, where_));
                }
            };
            let old_target = value
                .provenance
                .as_ref()
                .map(|p| p.target.clone())
                .or_else(|| asked.clone());
            let Some(old_target) = old_target else {
                return Err(self.content_error(format!(
                    "{where_}: no target known to open it (no provenance comment); give --namespace, --name and --scope"
                )));
            };
            let new_target = params
                .target(Some(&old_target))
                .map_err(|e| e.at_in(&self.source_name, where_.clone()))?;
            let plaintext = keys
                .open_label(&envelope, &old_target.label())
                .map_err(|e| {
                    e.at_in(
                        &self.source_name,
                        format!("{where_}, sealed for {old_target}"),
                    )
                })?;
            let sealed = envelope::seal_with_rng(
                rng,
                params.key,
                &new_target.label(),
                plaintext.expose_secret(),
            )?;
            edits.push(Edit::set(value.path.clone(), sealed.to_base64()));
            count += 1;
            // Provenance goes where it was, else on the credentials mapping or the key itself.
            let comment_at = self
                .comment_owner(&value.path)
                .unwrap_or_else(|| match value.role {
                    Role::ClientId | Role::ClientSecret => {
                        self.comment_site(value.path.parent().unwrap_or_default())
                    }
                    Role::Recorded | Role::Other => value.path.clone(),
                });
            if !commented.contains(&comment_at) {
                edits.push(provenance_edit(
                    comment_at.clone(),
                    params.key,
                    &new_target,
                    params.provenance,
                ));
                commented.push(comment_at);
            }
        }
        if count == 0 {
            return Ok(Resealed {
                bytes: self.as_bytes().to_vec(),
                count,
            });
        }
        let bytes = self.apply(&edits)?;
        Ok(Resealed { bytes, count })
    }

    /// Refuses one value at a block's path or its credentials' path: the mapping that
    /// `offseal values` writes would become a scalar.
    fn refuse_credentials_mapping(&self, path: &Path) -> Result<()> {
        let blocks = self.blocks();
        match blocks
            .iter()
            .find(|b| b.path == *path || b.credentials_path() == *path)
        {
            Some(block) => Err(self.content_error(format!(
                "`{path}` holds the mapping that offseal values writes, not one value: seal \
                 the credentials with offseal values{}",
                if blocks.len() > 1 {
                    format!(" --at {}", block.path)
                } else {
                    String::new()
                }
            ))),
            None => Ok(()),
        }
    }

    /// Applies `edits`; a provenance comment that cannot go where it must (above a key of a
    /// flow mapping, with no block key above it) is refused with the ways out.
    fn apply(&self, edits: &[Edit]) -> Result<Vec<u8>> {
        let puts_comment = |at: &Path| {
            edits.iter().any(
                |edit| matches!(edit, Edit::SetComment { path, text: Some(_), .. } if path == at),
            )
        };
        self.doc.edit(edits).map_err(|error| match &error {
            offseal_yaml::Error::Unsupported { path, line, what } if puts_comment(path) => self
                .content_error(format!(
                    "cannot write the provenance comment above `{path}` at line {line}: {what}; \
                     write that mapping in block style, or give --no-provenance"
                )),
            _ => self.yaml_error(error),
        })
    }
}
