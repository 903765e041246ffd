//! Kubernetes `Secret` and `SealedSecret` manifests: reading, writing, unsealing.
//!
//! Input is YAML or JSON with any number of documents (empty ones skipped), or a `v1.List`.
//! Output follows kubeseal: JSON in Go's field order, pretty-printed with two spaces; YAML with
//! keys sorted, each document preceded by `---`.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::cert::SealingKey;
use crate::error::{Error, Result};
use crate::format;
use crate::keys::UnsealingKeys;
use crate::scope::{Retarget, Scope, Target, label_for};
use crate::values::{Outcome, Role, notes};
use rsa::rand_core::TryCryptoRng;

/// `apiVersion` of a SealedSecret.
pub const SEALED_SECRET_API_VERSION: &str = "bitnami.com/v1alpha1";
/// `kind` of a SealedSecret.
pub const SEALED_SECRET_KIND: &str = "SealedSecret";
/// Template annotation that stops the controller from adding an owner reference.
pub const SKIP_SET_OWNER_REFERENCES_ANNOTATION: &str =
    "sealedsecrets.bitnami.com/skip-set-owner-references";

/// Kubernetes object metadata, in Go's field order (which JSON output follows).
///
/// Fields offseal does not know are kept in `other` and written back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ObjectMeta {
    /// Object name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Name prefix for generated names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    /// Namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Server field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// Server field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Server field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Server field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// Server field (a timestamp, or null).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Value>,
    /// Server field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Value>,
    /// Server field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Owner references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_references: Option<Value>,
    /// Finalizers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finalizers: Option<Value>,
    /// Managed fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_fields: Option<Value>,
    /// Anything else, kept as is.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl ObjectMeta {
    /// The scope the annotations declare, as the controller reads it.
    #[must_use]
    pub fn scope(&self) -> Scope {
        Scope::from_annotations(|k| self.annotations.get(k).map(String::as_str))
    }
}

/// A Kubernetes `v1` Secret. `Debug` never shows its values.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Secret {
    /// `Secret` (not checked on input, as kubeseal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Whether the Secret is immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Binary values (base64 in the manifest).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "secret_bytes_map"
    )]
    pub data: BTreeMap<String, SecretSlice<u8>>,
    /// Text values.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "secret_text_map"
    )]
    pub string_data: BTreeMap<String, SecretString>,
    /// Secret type, such as `Opaque`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

impl Secret {
    /// Whether the document held nothing at all (kubeseal skips such documents).
    fn is_blank(&self) -> bool {
        self.kind.is_none()
            && self.api_version.is_none()
            && self.metadata == ObjectMeta::default()
            && self.immutable.is_none()
            && self.data.is_empty()
            && self.string_data.is_empty()
            && self.type_.is_none()
    }
}

/// A Bitnami `SealedSecret`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SealedSecret {
    /// `SealedSecret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `bitnami.com/v1alpha1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Metadata; its namespace, name and scope annotations decide the label.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The sealed data and the template of the Secret to make.
    #[serde(default)]
    pub spec: SealedSecretSpec,
    /// Status written by the controller; kept as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}

/// `spec` of a SealedSecret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SealedSecretSpec {
    /// What the Secret will look like, apart from its data.
    #[serde(default)]
    pub template: SecretTemplate,
    /// The deprecated whole-Secret blob of very old SealedSecrets (not supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Key -> sealed value (base64).
    #[serde(default)]
    pub encrypted_data: BTreeMap<String, String>,
}

/// `spec.template` of a SealedSecret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretTemplate {
    /// Metadata of the Secret to make.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Type of the Secret to make.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Whether the Secret is immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Extra entries, rendered by the controller as Go templates over the opened values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, Option<String>>,
}

/// The Secret that unsealing produced, and what could not be reproduced offline.
#[derive(Debug)]
#[non_exhaustive]
pub struct Unsealed {
    /// The Secret, with the opened values in `data`.
    pub secret: Secret,
    /// `spec.template.data` keys holding Go templates, which the controller renders and offseal
    /// does not: they are left out of `secret`, and the caller should say so.
    pub unrendered_templates: Vec<String>,
}

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
    /// own name and namespace. Template `data` entries that are plain text are copied; those
    /// holding Go templates are listed in [`Unsealed::unrendered_templates`]; null entries
    /// remove the key, as the controller does. No owner reference is added.
    ///
    /// # Errors
    /// [`Error::Item`] naming every `encryptedData` key that could not be opened (the first
    /// error is the source), or the deprecated `spec.data` form.
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
            match format::open(keys, &label, sealed) {
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

        let mut unrendered_templates = Vec::new();
        for (key, template) in &self.spec.template.data {
            match template {
                None => {
                    data.remove(key);
                }
                Some(text) if text.contains("{{") => unrendered_templates.push(key.clone()),
                Some(text) => {
                    data.insert(key.clone(), SecretSlice::from(text.as_bytes().to_vec()));
                }
            }
        }

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
            unrendered_templates,
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

/// Annotations tools add that hold a full copy of the object (and so the plaintext): never
/// copied into a SealedSecret.
const LAST_APPLIED_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];

/// How [`Secret::seal`] treats its input, as kubeseal's flags do.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SealOptions {
    /// Replaces `metadata.name` (kubeseal `--name`).
    pub name: Option<String>,
    /// The namespace (kubeseal `-n`); refused if the input declares another one.
    pub namespace: Option<String>,
    /// A scope other than strict rewrites the scope annotations (kubeseal `--scope`); strict or
    /// `None` keeps what the input's annotations say.
    pub scope: Option<Scope>,
    /// Seal a Secret with no data at all (kubeseal `--allow-empty-data`).
    pub allow_empty_data: bool,
}

impl SealOptions {
    /// Options with `name`, `namespace` and `scope` set; empty strings count as not given.
    #[must_use]
    pub fn new(name: Option<&str>, namespace: Option<&str>, scope: Option<Scope>) -> SealOptions {
        let given = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        SealOptions {
            name: given(name),
            namespace: given(namespace),
            scope,
            allow_empty_data: false,
        }
    }

    /// Allows a Secret without data.
    #[must_use]
    pub fn allow_empty_data(mut self, allow: bool) -> SealOptions {
        self.allow_empty_data = allow;
        self
    }
}

impl Secret {
    /// Seals every `data` and `stringData` item into a SealedSecret shaped like kubeseal's,
    /// with the system's random number generator. See [`Secret::seal_with_rng`].
    ///
    /// # Errors
    /// As [`Secret::seal_with_rng`].
    pub fn seal(&self, key: &SealingKey, options: &SealOptions) -> Result<SealedSecret> {
        self.seal_with_rng(&mut rand::rngs::SysRng, key, options)
    }

    /// Seals every `data` and `stringData` item (stringData after data, so it wins a clash)
    /// for the Secret's scope (its annotations, or `options.scope`), namespace and name.
    ///
    /// The SealedSecret's metadata holds the name, namespace and scope annotation only; its
    /// template holds a copy of the Secret's metadata without last-applied annotations, owner
    /// references and server fields, and its type and immutability.
    ///
    /// # Errors
    /// [`Error::Manifest`] with kubeseal's messages: empty data without `allow_empty_data`, no
    /// name, a namespace mismatch, no namespace for a scope that needs one; an invalid name.
    pub fn seal_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        key: &SealingKey,
        options: &SealOptions,
    ) -> Result<SealedSecret> {
        let fail = |reason: String| manifest_error(&self.describe(), reason);
        if self.data.is_empty() && self.string_data.is_empty() && !options.allow_empty_data {
            return Err(fail("secret.data is empty in input Secret, assuming this is an error and aborting. To work with empty data, --allow-empty-data can be used".to_owned()));
        }
        let mut meta = self.metadata.clone();
        if let Some(name) = &options.name {
            meta.name = Some(name.clone());
        }
        let name = meta
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| fail("missing metadata.name in input Secret".to_owned()))?;
        if let Some(namespace) = &options.namespace {
            match meta.namespace.as_deref() {
                Some(declared) if !declared.is_empty() && declared != namespace => {
                    return Err(fail(format!(
                        "namespace mismatch: input secret is in namespace {declared:?} but {namespace:?} was specified"
                    )));
                }
                _ => meta.namespace = Some(namespace.clone()),
            }
        }
        if let Some(scope) = options.scope.filter(|s| *s != Scope::Strict) {
            set_scope_annotations(&mut meta.annotations, scope);
        }
        let scope = meta.scope();
        let namespace = meta.namespace.clone().filter(|n| !n.is_empty());
        if scope != Scope::ClusterWide && namespace.is_none() {
            return Err(fail(
                "secret must declare a namespace (or give --namespace)".to_owned(),
            ));
        }
        // The names must be ones Kubernetes accepts, or the values could never be opened.
        let target = Target::new(scope, namespace.as_deref(), Some(&name))?;

        // Strip what the server sets and what would leak or tie the Secret to an owner.
        meta.self_link = None;
        meta.uid = None;
        meta.resource_version = None;
        meta.generation = None;
        meta.creation_timestamp = None;
        meta.deletion_timestamp = None;
        meta.deletion_grace_period_seconds = None;
        meta.owner_references = None;
        for annotation in LAST_APPLIED_ANNOTATIONS {
            meta.annotations.remove(annotation);
        }

        let label = target.label();
        let mut encrypted_data = BTreeMap::new();
        let items = self.data.iter().map(|(k, v)| (k, v.expose_secret())).chain(
            self.string_data
                .iter()
                .map(|(k, v)| (k, v.expose_secret().as_bytes())),
        );
        for (item, plaintext) in items {
            let sealed = format::seal_with_rng(rng, key, &label, plaintext)
                .map_err(|e| e.at(format!("{}: item {item:?}", self.describe())))?;
            encrypted_data.insert(item.clone(), sealed.to_base64());
        }

        let mut top_annotations = BTreeMap::new();
        set_scope_annotations(&mut top_annotations, scope);
        Ok(SealedSecret {
            kind: Some(SEALED_SECRET_KIND.to_owned()),
            api_version: Some(SEALED_SECRET_API_VERSION.to_owned()),
            metadata: ObjectMeta {
                name: Some(name),
                namespace,
                annotations: top_annotations,
                ..ObjectMeta::default()
            },
            spec: SealedSecretSpec {
                template: SecretTemplate {
                    metadata: meta,
                    type_: self.type_.clone(),
                    immutable: self.immutable,
                    data: BTreeMap::new(),
                },
                data: None,
                encrypted_data,
            },
            status: None,
        })
    }

    /// `Secret "ns/name"`, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        let name = self.metadata.name.as_deref().unwrap_or("<unnamed>");
        match self.metadata.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => format!("Secret \"{ns}/{name}\""),
            _ => format!("Secret \"{name}\""),
        }
    }
}

/// Removes both scope annotations and adds the one `scope` needs, as the controller does.
fn set_scope_annotations(annotations: &mut BTreeMap<String, String>, scope: Scope) {
    for other in Scope::ALL.iter().filter_map(|s| s.annotation()) {
        annotations.remove(other);
    }
    if let Some(annotation) = scope.annotation() {
        annotations.insert(annotation.to_owned(), "true".to_owned());
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

    /// Opens every value with `keys` and seals it again with `key` for the target `retarget`
    /// makes of the current one: offline rotation. A new target moves the SealedSecret there:
    /// its name, namespace and scope annotations (top level and template) follow.
    ///
    /// # Errors
    /// [`Error::Item`] naming the first item no key opens (nothing is changed), or a target
    /// the changes make impossible.
    pub fn reseal_with_rng<R: TryCryptoRng + ?Sized>(
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
            let plaintext = format::open(keys, &label, sealed).map_err(|e| e.at(context()))?;
            *sealed = format::seal_with_rng(rng, key, &new_label, plaintext.expose_secret())
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
                let outcome = match format::open(keys, &label, sealed) {
                    Ok(plaintext) => Outcome::Opened {
                        len: plaintext.expose_secret().len(),
                        notes: notes(Role::Other, plaintext.expose_secret()),
                    },
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
    /// [`Error::Manifest`] if there is no such item; as [`format::open`] otherwise.
    pub fn open_item(&self, keys: &UnsealingKeys, item: &str) -> Result<SecretSlice<u8>> {
        let sealed = self.spec.encrypted_data.get(item).ok_or_else(|| {
            manifest_error(&self.describe(), format!("no encryptedData item {item:?}"))
        })?;
        format::open(keys, &self.label(), sealed)
    }
}

/// Whether the bytes hold SealedSecret manifests (rather than, say, a Helm values file).
#[must_use]
pub fn holds_sealed_secrets(bytes: &[u8]) -> bool {
    documents(bytes, "").is_ok_and(|docs| {
        flatten_lists(docs)
            .iter()
            .any(|d| d.get("kind").and_then(Value::as_str) == Some(SEALED_SECRET_KIND))
    })
}

/// The format a manifest file is written in: JSON if it starts with `{`, else YAML.
#[must_use]
pub fn detect_format(bytes: &[u8]) -> Format {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.trim_ascii_start().starts_with(b"{") {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// Reads every SealedSecret in a YAML or JSON stream (also inside `List`s).
///
/// # Errors
/// [`Error::Manifest`]: unreadable input, a document of another kind, or no SealedSecret.
pub fn read_sealed_secrets(bytes: &[u8], source_name: &str) -> Result<Vec<SealedSecret>> {
    let mut found = Vec::new();
    for (index, doc) in flatten_lists(documents(bytes, source_name)?)
        .into_iter()
        .enumerate()
    {
        let kind = doc.get("kind").and_then(Value::as_str);
        if kind.is_some_and(|k| k != SEALED_SECRET_KIND) {
            return Err(manifest_error(
                source_name,
                format!(
                    "document {}: expected a SealedSecret, found kind {:?}",
                    index + 1,
                    kind.unwrap_or_default()
                ),
            ));
        }
        found.push(typed::<SealedSecret>(doc, source_name, index)?);
    }
    if found.is_empty() {
        return Err(manifest_error(
            source_name,
            "no SealedSecret found".to_owned(),
        ));
    }
    Ok(found)
}

/// Reads every Secret in a YAML or JSON stream; empty documents are skipped and `kind` is not
/// checked, as kubeseal does.
///
/// # Errors
/// [`Error::Manifest`]: unreadable input, a value that is not a string or not base64 (named by
/// key, never shown), or no Secret at all.
pub fn read_secrets(bytes: &[u8], source_name: &str) -> Result<Vec<Secret>> {
    let mut found = Vec::new();
    for (index, doc) in documents(bytes, source_name)?.into_iter().enumerate() {
        let secret = typed::<Secret>(doc, source_name, index)?;
        if !secret.is_blank() {
            found.push(secret);
        }
    }
    if found.is_empty() {
        return Err(manifest_error(
            source_name,
            "no secrets found. Ensure the input is valid and UTF-8 encoded".to_owned(),
        ));
    }
    Ok(found)
}

/// Output formats for manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Keys sorted, each document preceded by `---`.
    #[default]
    Yaml,
    /// Go field order, two-space indent, a newline after each document.
    Json,
}

/// Writes manifests as kubeseal does. The result may hold secrets (an unsealed Secret), so it
/// is wiped from memory when dropped.
///
/// # Errors
/// [`Error::Manifest`] if serialisation fails (it does not for these types).
pub fn to_string<T: Serialize>(objects: &[T], format: Format) -> Result<Zeroizing<String>> {
    let fail = |e: String| manifest_error("output", e);
    let mut out = Zeroizing::new(String::new());
    for object in objects {
        match format {
            Format::Json => {
                let text = Zeroizing::new(
                    serde_json::to_string_pretty(object).map_err(|e| fail(e.to_string()))?,
                );
                out.push_str(&text);
                out.push('\n');
            }
            Format::Yaml => {
                // Through a JSON value, whose maps are sorted: kubeseal's YAML sorts keys.
                let value = serde_json::to_value(object).map_err(|e| fail(e.to_string()))?;
                let options = serde_saphyr::ser_options! { prefer_block_scalars: false };
                let text = Zeroizing::new(
                    serde_saphyr::to_string_with_options(&value, options)
                        .map_err(|e| fail(e.to_string()))?,
                );
                out.push_str("---\n");
                out.push_str(&text);
                if !text.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    Ok(out)
}

/// Splits a YAML or JSON stream into documents, skipping empty ones. JSON streams (objects one
/// after another, as `kubectl` writes them) are read as JSON; everything else as YAML.
pub(crate) fn documents(bytes: &[u8], source_name: &str) -> Result<Vec<Value>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        manifest_error(
            source_name,
            format!("not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    if text.trim_start().starts_with('{') {
        let json: std::result::Result<Vec<Value>, _> = serde_json::Deserializer::from_str(text)
            .into_iter()
            .collect();
        if let Ok(docs) = json {
            return Ok(docs.into_iter().filter(|d| !d.is_null()).collect());
        }
    }
    let options = serde_saphyr::options! { with_snippet: false };
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options)
        .map_err(|e| manifest_error(source_name, format!("invalid YAML or JSON: {e}")))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Replaces every `List` document by its items.
fn flatten_lists(docs: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::with_capacity(docs.len());
    for mut doc in docs {
        let is_list = doc
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && doc.get("items").is_some_and(Value::is_array);
        match doc.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) if is_list => out.extend(items),
            _ => out.push(doc),
        }
    }
    out
}

fn typed<T: serde::de::DeserializeOwned>(doc: Value, source_name: &str, index: usize) -> Result<T> {
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // YAML 1.1, like Kubernetes, reads unquoted y/n/yes/no/on/off as booleans.
        let hint = if message.contains("expected a string")
            && (message.contains("boolean") || message.contains("integer") || message.contains("floating"))
        {
            " (quote it: YAML reads unquoted y, n, yes, no, on, off as booleans and digits as numbers)"
        } else {
            ""
        };
        manifest_error(
            source_name,
            format!("document {}: {path}: {message}{hint}", index + 1),
        )
    })
}

fn manifest_error(source_name: &str, reason: String) -> Error {
    Error::Manifest {
        source_name: source_name.to_owned(),
        reason,
    }
}

/// `data`: key -> base64 of bytes. Errors name the key, never the value.
mod secret_bytes_map {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<String, SecretSlice<u8>>,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(map.iter().map(|(k, v)| (k, Base64(v.expose_secret()))))
    }

    /// Encodes while serialising, so the base64 text lives only as long as it must.
    struct Base64<'a>(&'a [u8]);

    impl Serialize for Base64<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
            serializer.serialize_str(&Zeroizing::new(STANDARD.encode(self.0)))
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<BTreeMap<String, SecretSlice<u8>>, D::Error> {
        let raw = secret_strings(deserializer)?;
        raw.into_iter()
            .map(|(k, v)| {
                let bytes = STANDARD
                    .decode(v.as_bytes())
                    .map_err(|_| D::Error::custom(format!("{k:?} is not valid base64")))?;
                Ok((k, SecretSlice::from(bytes)))
            })
            .collect()
    }
}

/// `stringData`: key -> text. Errors name the key, never the value.
mod secret_text_map {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<String, SecretString>,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_map(map.iter().map(|(k, v)| (k, v.expose_secret())))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<BTreeMap<String, SecretString>, D::Error> {
        Ok(secret_strings(deserializer)?
            .into_iter()
            .map(|(k, v)| (k, SecretString::from(v.as_str())))
            .collect())
    }
}

/// A map of strings whose values must not appear in errors: anything but a string (or null,
/// read as empty) is refused by key only.
fn secret_strings<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Vec<(String, Zeroizing<String>)>, D::Error> {
    let raw = Option::<BTreeMap<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
    raw.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, Zeroizing::new(s))),
            Value::Null => Ok((k, Zeroizing::new(String::new()))),
            _ => Err(D::Error::custom(format!(
                "{k:?} must be a string (quote it in YAML)"
            ))),
        })
        .collect()
}
