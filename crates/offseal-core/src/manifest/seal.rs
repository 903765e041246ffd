//! Sealing a Secret into a SealedSecret shaped like kubeseal's.

use std::collections::BTreeMap;

use rsa::rand_core::TryCryptoRng;
use secrecy::ExposeSecret;

use super::{
    ObjectMeta, SEALED_SECRET_API_VERSION, SEALED_SECRET_KIND, SealedSecret, SealedSecretSpec,
    Secret, SecretTemplate,
};
use crate::cert::SealingKey;
use crate::envelope;
use crate::error::{Error, Result};
use crate::scope::{Scope, Target};

/// Annotations tools add that hold a full copy of the object (and so the plaintext): never
/// copied into a SealedSecret.
const LAST_APPLIED_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "kubecfg.ksonnet.io/last-applied-configuration",
];

/// How [`Secret::seal`] treats its input, as kubeseal's flags do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SealOptions {
    /// Replaces `metadata.name` (kubeseal `--name`).
    pub name: Option<String>,
    /// The namespace (kubeseal `-n`); refused if the input declares another one. Cluster-wide
    /// Secrets ignore it, as kubeseal does.
    pub namespace: Option<String>,
    /// The namespace for a Secret that declares none and is given no `namespace`: kubeseal
    /// takes the kubeconfig's. It never conflicts with a declared one; cluster-wide ignores it.
    pub default_namespace: Option<String>,
    /// A scope other than strict rewrites the scope annotations (kubeseal `--scope`); strict or
    /// `None` keeps what the input's annotations say.
    pub scope: Option<Scope>,
    /// Seal a Secret with no data at all (kubeseal `--allow-empty-data`).
    pub allow_empty_data: bool,
    /// Refuse a name or namespace Kubernetes would refuse (offseal's rule). kubeseal seals them
    /// anyway; without the check, [`SealedSecret::target`] tells the caller what to warn about.
    pub check_names: bool,
    /// Replaces `metadata.namespace` before `namespace` is compared with it: the SealedSecret
    /// being merged into (kubeseal `--merge-into`).
    pub(crate) namespace_override: Option<String>,
}

impl Default for SealOptions {
    fn default() -> SealOptions {
        SealOptions::new(None, None, None)
    }
}

impl SealOptions {
    /// Options with `name`, `namespace` and `scope` set; empty strings count as not given.
    #[must_use]
    pub fn new(name: Option<&str>, namespace: Option<&str>, scope: Option<Scope>) -> SealOptions {
        SealOptions {
            name: given(name),
            namespace: given(namespace),
            default_namespace: None,
            scope,
            allow_empty_data: false,
            check_names: true,
            namespace_override: None,
        }
    }

    /// Allows a Secret without data.
    #[must_use]
    pub fn allow_empty_data(mut self, allow: bool) -> SealOptions {
        self.allow_empty_data = allow;
        self
    }

    /// The namespace for Secrets that declare none (kubeseal: the kubeconfig's).
    #[must_use]
    pub fn default_namespace(mut self, namespace: Option<&str>) -> SealOptions {
        self.default_namespace = given(namespace);
        self
    }

    /// Whether invalid names are refused (the default) or sealed as kubeseal seals them.
    #[must_use]
    pub fn check_names(mut self, check: bool) -> SealOptions {
        self.check_names = check;
        self
    }
}

fn given(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_owned)
}

impl Secret {
    /// Seals every `data` and `stringData` item (stringData after data, so it wins a clash)
    /// for the Secret's scope (its annotations, or `options.scope`), namespace and name.
    ///
    /// The SealedSecret's metadata holds the name, namespace and scope annotation only; its
    /// template holds a copy of the Secret's metadata without last-applied annotations, owner
    /// references and server fields, and its type and immutability.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// use offseal_core::manifest::{SealOptions, read_secrets};
    /// use offseal_core::{SealingKey, UnsealingKeys};
    ///
    /// let cert = include_bytes!("../../fixtures/controller-2048.crt.pem");
    /// let key = SealingKey::from_certificate(cert, "controller.crt", SystemTime::now())?;
    /// let secrets = read_secrets(
    ///     b"apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: hunter2}\n",
    ///     "secret.yaml",
    /// )?;
    /// let sealed = secrets[0].seal(&key, &SealOptions::new(None, None, None))?;
    /// assert_eq!(sealed.kind.as_deref(), Some("SealedSecret"));
    /// assert!(sealed.spec.encrypted_data.contains_key("password"));
    ///
    /// // Recovery, with the controller's private key.
    /// let private = include_bytes!("../../fixtures/controller-2048.key.pem");
    /// let keys = UnsealingKeys::from_sources([("controller.key", &private[..])])?;
    /// let unsealed = sealed.unseal(&keys)?;
    /// assert_eq!(unsealed.secret.metadata.name.as_deref(), Some("db"));
    /// # Ok::<(), offseal_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Manifest`] with kubeseal's messages: empty data without `allow_empty_data`, no
    /// name, a namespace mismatch, no namespace for a scope that needs one; an invalid name.
    pub fn seal(&self, key: &SealingKey, options: &SealOptions) -> Result<SealedSecret> {
        self.seal_with_rng(&mut rand::rngs::SysRng, key, options)
    }

    /// The public twin above, drawing randomness from `rng` (tests, and `hazmat`).
    pub(crate) fn seal_with_rng<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        key: &SealingKey,
        options: &SealOptions,
    ) -> Result<SealedSecret> {
        let fail = |reason: String| Error::manifest(&self.describe(), reason);
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
        if let Some(namespace) = &options.namespace_override {
            meta.namespace = Some(namespace.clone());
        }
        if let Some(scope) = options.scope.filter(|s| *s != Scope::Strict) {
            set_scope_annotations(&mut meta.annotations, scope);
        }
        let scope = meta.scope();
        // kubeseal neither fills in nor compares a namespace for a cluster-wide Secret.
        if scope != Scope::ClusterWide {
            let declared = meta.namespace.clone().filter(|n| !n.is_empty());
            match (declared, &options.namespace) {
                (Some(declared), Some(given)) if declared != *given => {
                    return Err(Error::NamespaceMismatch {
                        source_name: self.describe(),
                        declared,
                        specified: given.clone(),
                    });
                }
                (Some(_), _) => {}
                (None, Some(given)) => meta.namespace = Some(given.clone()),
                (None, None) => meta.namespace.clone_from(&options.default_namespace),
            }
        }
        let namespace = meta.namespace.clone().filter(|n| !n.is_empty());
        if scope != Scope::ClusterWide && namespace.is_none() {
            return Err(fail(
                "secret must declare a namespace (or give --namespace)".to_owned(),
            ));
        }
        // offseal refuses names Kubernetes would refuse, since the values could never be
        // opened; kubeseal seals them, and its callers warn.
        let target = if options.check_names {
            Target::new(scope, namespace.as_deref(), Some(&name))?
        } else {
            Target::unchecked(scope, namespace.as_deref(), Some(&name))
        };

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
            if options.check_names && !is_valid_data_key(item) {
                return Err(fail(format!(
                    "item {item:?}: Kubernetes refuses it as a Secret's key (letters, digits, \
                     '-', '_' and '.', at most 253 characters)"
                )));
            }
            let sealed = envelope::seal_with_rng(rng, key, &label, plaintext)
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
pub(super) fn set_scope_annotations(annotations: &mut BTreeMap<String, String>, scope: Scope) {
    for other in Scope::ALL.iter().filter_map(|s| s.annotation()) {
        annotations.remove(other);
    }
    if let Some(annotation) = scope.annotation() {
        annotations.insert(annotation.to_owned(), "true".to_owned());
    }
}

/// Whether Kubernetes takes `key` as a key of a Secret's data: letters, digits, `-`, `_` and
/// `.`, 1 to 253 characters, and neither `.` nor `..`.
#[must_use]
pub fn is_valid_data_key(key: &str) -> bool {
    (1..=253).contains(&key.len())
        && key != "."
        && key != ".."
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}
