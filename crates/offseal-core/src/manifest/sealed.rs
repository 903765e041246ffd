//! What can be done with a SealedSecret: unseal it as the controller would, merge into it,
//! reseal it for a new key or target, verify it.

use std::collections::BTreeMap;

use rsa::rand_core::TryCryptoRng;
use secrecy::{ExposeSecret, SecretSlice};
use serde_json::Value;

use super::seal::set_scope_annotations;
use super::template;
use super::{
    SEALED_SECRET_API_VERSION, SEALED_SECRET_KIND, SKIP_SET_OWNER_REFERENCES_ANNOTATION,
    SealOptions, SealedSecret, Secret, Unsealed,
};
use crate::cert::SealingKey;
use crate::envelope::{self, Envelope};
use crate::error::{Error, Result};
use crate::keys::UnsealingKeys;
use crate::outcome::Outcome;
use crate::scope::{Retarget, Scope, Target, label_for};

impl SealedSecret {
    /// The scope the controller will open this SealedSecret's values for: the top-level
    /// annotations, cluster-wide first.
    #[must_use]
    pub fn scope(&self) -> Scope {
        self.metadata.scope()
    }

    /// The OAEP label the controller uses for this SealedSecret's values.
    #[must_use]
    pub fn label(&self) -> Vec<u8> {
        label_for(
            self.scope(),
            self.metadata.namespace.as_deref().unwrap_or_default(),
            self.metadata.name.as_deref().unwrap_or_default(),
        )
    }

    /// Opens every value as the controller does and returns the Secret it would create.
    ///
    /// The Secret takes the template's metadata, type and immutability, and the SealedSecret's
    /// own name and namespace. Template `data` entries are rendered as the controller renders
    /// them, Go templates over the opened values (the subset [`template`] supports); null
    /// entries remove the key. No owner reference is added.
    ///
    /// # Errors
    /// [`Error::Item`] naming every `encryptedData` key that could not be opened (the first
    /// error is the source); [`Error::Manifest`] for the deprecated `spec.data` form or a
    /// template entry offseal does not render (naming the entry, the construct and where).
    pub fn unseal(&self, keys: &UnsealingKeys) -> Result<Unsealed> {
        if self.spec.data.is_some() {
            return Err(Error::Manifest {
                source_name: self.describe(),
                reason: "uses the deprecated spec.data field, which offseal does not open"
                    .to_owned(),
            });
        }
        let label = self.label();
        let mut data = BTreeMap::new();
        let mut failed = Vec::new();
        for (key, sealed) in &self.spec.encrypted_data {
            match keys.open_base64(sealed, &label) {
                Ok(plaintext) => {
                    data.insert(key.clone(), plaintext);
                }
                Err(error) => failed.push((key.as_str(), error)),
            }
        }
        if !failed.is_empty() {
            let keys: Vec<_> = failed.iter().map(|(k, _)| format!("{k:?}")).collect();
            let context = format!(
                "{}: cannot open encryptedData {} (label for {})",
                self.describe(),
                keys.join(", "),
                self.scope()
            );
            let (_, first) = failed.swap_remove(0);
            return Err(first.at(context));
        }

        // Templates see the opened items only, never one another's output.
        let mut rendered = BTreeMap::new();
        for (key, template) in &self.spec.template.data {
            if let Some(text) = template {
                let value = template::render(text, &data).map_err(|e| {
                    Error::manifest(&self.describe(), format!("spec.template.data {key:?}: {e}"))
                })?;
                rendered.insert(key.clone(), SecretSlice::from(value.to_vec()));
            }
        }
        for (key, template) in &self.spec.template.data {
            if template.is_none() {
                data.remove(key);
            }
        }
        data.extend(rendered);

        let mut metadata = self.spec.template.metadata.clone();
        metadata.name.clone_from(&self.metadata.name);
        metadata.namespace.clone_from(&self.metadata.namespace);
        Ok(Unsealed {
            secret: Secret {
                kind: Some("Secret".to_owned()),
                api_version: Some("v1".to_owned()),
                metadata,
                immutable: self.spec.template.immutable,
                data,
                string_data: BTreeMap::new(),
                type_: self.spec.template.type_.clone(),
            },
        })
    }

    /// `SealedSecret "ns/name"`, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        let name = self.metadata.name.as_deref().unwrap_or("<unnamed>");
        match self.metadata.namespace.as_deref() {
            Some(ns) => format!("SealedSecret \"{ns}/{name}\""),
            None => format!("SealedSecret \"{name}\""),
        }
    }
}

impl SealedSecret {
    /// Merges a freshly sealed `update` into this SealedSecret, as kubeseal `--merge-into`
    /// does: its items overwrite same-named ones and its template labels, annotations and data
    /// entries are set; everything else stays.
    pub fn merge(&mut self, update: SealedSecret) {
        self.spec.encrypted_data.extend(update.spec.encrypted_data);
        let template = &mut self.spec.template;
        template
            .metadata
            .annotations
            .extend(update.spec.template.metadata.annotations);
        template
            .metadata
            .labels
            .extend(update.spec.template.metadata.labels);
        template.data.extend(update.spec.template.data);
    }

    /// Seals `secret` for this SealedSecret and merges it in, as kubeseal `--merge-into` does:
    /// this SealedSecret's name and namespace win over the Secret's (and `--name`), and
    /// `options.namespace` must agree with them. offseal adds that the values are sealed for
    /// this SealedSecret's scope: a Secret that declares no scope takes it, and one that
    /// declares another is refused, since its values would not open here.
    ///
    /// # Errors
    /// As [`Secret::seal`]; [`Error::Manifest`] for a scope that differs from this one's.
    pub fn seal_into(
        &mut self,
        secret: &Secret,
        key: &SealingKey,
        options: &SealOptions,
    ) -> Result<()> {
        let mut options = options.clone();
        if let Some(name) = self.metadata.name.clone().filter(|n| !n.is_empty()) {
            options.name = Some(name);
        }
        options.namespace_override = self.metadata.namespace.clone().filter(|n| !n.is_empty());
        let here = self.scope();
        let asked = options
            .scope
            .filter(|s| *s != Scope::Strict)
            .unwrap_or_else(|| secret.metadata.scope());
        if asked == Scope::Strict {
            options.scope = Some(here);
        } else if asked != here {
            return Err(Error::manifest(
                &secret.describe(),
                format!(
                    "it is {asked} but {} is {here}: merged values would not open",
                    self.describe()
                ),
            ));
        }
        let update = secret.seal(key, &options)?;
        self.merge(update);
        Ok(())
    }

    /// Opens every value with `keys` and seals it again with `key` for the target `retarget`
    /// makes of the current one: offline rotation. A new target moves the SealedSecret there:
    /// its name, namespace and scope annotations (top level and template) follow.
    ///
    /// # Errors
    /// [`Error::Item`] naming the first item no key opens (nothing is changed), or a target
    /// the changes make impossible.
    pub fn reseal(
        &self,
        keys: &UnsealingKeys,
        key: &SealingKey,
        retarget: &Retarget,
    ) -> Result<SealedSecret> {
        self.reseal_with_rng(&mut rand::rngs::SysRng, keys, key, retarget)
    }

    /// The public twin above, drawing randomness from `rng` (tests, and `hazmat`).
    pub(crate) fn reseal_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        keys: &UnsealingKeys,
        key: &SealingKey,
        retarget: &Retarget,
    ) -> Result<SealedSecret> {
        let label = self.label();
        let mut resealed = self.clone();
        if !retarget.is_empty() {
            let current = self.target().map_err(|e| e.at(self.describe()))?;
            let target = retarget
                .apply(Some(&current))
                .map_err(|e| e.at(self.describe()))?;
            for meta in [&mut resealed.metadata, &mut resealed.spec.template.metadata] {
                // A target without a name or namespace (cluster-wide) leaves them as they are.
                if let Some(name) = target.name() {
                    meta.name = Some(name.to_owned());
                }
                if let Some(namespace) = target.namespace() {
                    meta.namespace = Some(namespace.to_owned());
                }
                set_scope_annotations(&mut meta.annotations, target.scope());
            }
        }
        let new_label = resealed.label();
        for (item, sealed) in &mut resealed.spec.encrypted_data {
            let context = || format!("{}: encryptedData {item:?}", self.describe());
            let plaintext = keys
                .open_base64(sealed, &label)
                .map_err(|e| e.at(context()))?;
            *sealed = envelope::seal_with_rng(rng, key, &new_label, plaintext.expose_secret())
                .map_err(|e| e.at(context()))?
                .to_base64();
        }
        Ok(resealed)
    }

    /// What this SealedSecret's values are sealed for, from its metadata.
    ///
    /// # Errors
    /// As [`Target::new`]: a namespace or name the scope needs is missing or invalid.
    pub fn target(&self) -> Result<Target> {
        Target::new(
            self.scope(),
            self.metadata.namespace.as_deref(),
            self.metadata.name.as_deref(),
        )
    }

    /// Opens every `encryptedData` item for this SealedSecret's label and reports how each
    /// went, in key order. Never returns a plaintext.
    #[must_use]
    pub fn verify(&self, keys: &UnsealingKeys) -> Vec<(String, Outcome)> {
        let label = self.label();
        self.spec
            .encrypted_data
            .iter()
            .map(|(item, sealed)| {
                let outcome = match Envelope::from_base64(sealed) {
                    Ok(envelope) => Outcome::of_opening(keys, &envelope, &label, |_| None),
                    Err(error) => Outcome::Failed(error),
                };
                (item.clone(), outcome)
            })
            .collect()
    }

    /// The owner reference the controller puts on the Secret it makes — pointing back at this
    /// SealedSecret — unless the template's skip annotation is `"true"`.
    #[must_use]
    pub fn owner_reference(&self) -> Option<Value> {
        let skip = self
            .spec
            .template
            .metadata
            .annotations
            .get(SKIP_SET_OWNER_REFERENCES_ANNOTATION)
            .is_some_and(|v| v == "true");
        (!skip).then(|| {
            serde_json::json!({
                "apiVersion": SEALED_SECRET_API_VERSION,
                "kind": SEALED_SECRET_KIND,
                "name": self.metadata.name.clone().unwrap_or_default(),
                "uid": self.metadata.uid.clone().unwrap_or_default(),
                "controller": true,
            })
        })
    }

    /// Opens one `encryptedData` item for this SealedSecret's label.
    ///
    /// # Errors
    /// [`Error::Manifest`] if there is no such item; as [`UnsealingKeys::open`] otherwise.
    pub fn open_item(&self, keys: &UnsealingKeys, item: &str) -> Result<SecretSlice<u8>> {
        let sealed = self.spec.encrypted_data.get(item).ok_or_else(|| {
            Error::manifest(&self.describe(), format!("no encryptedData item {item:?}"))
        })?;
        keys.open_base64(sealed, &self.label())
    }
}
