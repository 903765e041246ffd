//! Where the credentials block is: the chart's `external_secrets` mapping, anywhere in the
//! file or at an explicit path.

use offseal_yaml::{NodeKind, Path};

use super::ValuesFile;
use crate::error::Result;

/// The key of the credentials block.
pub const BLOCK_KEY: &str = "external_secrets";
/// The mapping under the block that holds the sealed credentials.
pub const CREDENTIALS_KEY: &str = "keyvault_credentials";
/// The sealed application (client) id.
pub const CLIENT_ID_KEY: &str = "client_id";
/// The sealed client secret.
pub const CLIENT_SECRET_KEY: &str = "client_secret";
/// The plain tenant id.
pub const TENANT_ID_KEY: &str = "azure_tenant_id";

/// Where the `external_secrets` block is (or will be created).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Block {
    /// The block's path, such as `external_secrets` or `tenant.external_secrets`.
    pub path: Path,
    /// Its line, when it exists.
    pub line: Option<usize>,
}

impl Block {
    fn child(&self, keys: &[&str]) -> Path {
        keys.iter().fold(self.path.clone(), |p, k| p.join_key(*k))
    }

    /// `<block>.keyvault_credentials`.
    #[must_use]
    pub fn credentials_path(&self) -> Path {
        self.child(&[CREDENTIALS_KEY])
    }

    /// `<block>.keyvault_credentials.client_id`.
    #[must_use]
    pub fn client_id_path(&self) -> Path {
        self.child(&[CREDENTIALS_KEY, CLIENT_ID_KEY])
    }

    /// `<block>.keyvault_credentials.client_secret`.
    #[must_use]
    pub fn client_secret_path(&self) -> Path {
        self.child(&[CREDENTIALS_KEY, CLIENT_SECRET_KEY])
    }

    /// `<block>.azure_tenant_id`.
    #[must_use]
    pub fn tenant_id_path(&self) -> Path {
        self.child(&[TENANT_ID_KEY])
    }
}

impl ValuesFile {
    /// Every `external_secrets` key in the file, with where it is.
    #[must_use]
    pub fn blocks(&self) -> Vec<Block> {
        self.doc
            .find_keys(BLOCK_KEY)
            .into_iter()
            .map(|found| Block {
                path: found.path,
                line: Some(found.line),
            })
            .collect()
    }

    /// The credentials block: at `at` when given; else the one `external_secrets` key in the
    /// file, wherever it is; else a new one at the top level.
    ///
    /// # Errors
    /// [`Error::ValuesContent`](crate::Error::ValuesContent) when there are several (naming
    /// their paths and lines), or `at` is a list or lies inside another block's credentials;
    /// [`Error::Values`](crate::Error::Values) when the editor cannot follow `at`.
    pub fn block(&self, at: Option<&Path>) -> Result<Block> {
        if let Some(path) = at {
            // Inside another block's credentials, a new block would nest in them and leave
            // the real slots as they were.
            if let Some(inside) = self
                .blocks()
                .into_iter()
                .find(|b| b.credentials_path().is_prefix_of(path))
            {
                return Err(self.content_error(format!(
                    "--at `{path}` lies in the credentials of the block at `{block}`: --at \
                     names the `{BLOCK_KEY}` mapping itself (--at {block})",
                    block = inside.path
                )));
            }
            return match self.doc.get(path) {
                Ok(_) => Ok(Block {
                    path: path.clone(),
                    line: None,
                }),
                // A mapping (or a missing key) is what we want; the editor names anything else.
                Err(offseal_yaml::Error::NotAScalar {
                    kind: NodeKind::Mapping,
                    line,
                    ..
                }) => Ok(Block {
                    path: path.clone(),
                    line: Some(line),
                }),
                Err(offseal_yaml::Error::NotAScalar { kind, line, .. }) => {
                    Err(self.content_error(format!(
                        "--at `{path}` (line {line}) is a {kind}, not the `{BLOCK_KEY}` mapping"
                    )))
                }
                Err(error) => Err(self.yaml_error(error)),
            };
        }
        let found = self.blocks();
        // The same path twice is a duplicate key, which no --at can choose between.
        if let Some(dup) = found
            .iter()
            .enumerate()
            .find_map(|(i, b)| found[..i].iter().any(|a| a.path == b.path).then_some(b))
        {
            return Err(match self.doc.get(&dup.path) {
                Err(error) => self.yaml_error(error),
                Ok(_) => self.content_error(format!("key `{}` appears more than once", dup.path)),
            });
        }
        match found.as_slice() {
            [] => Ok(Block {
                path: Path::from_keys([BLOCK_KEY]),
                line: None,
            }),
            [one] => Ok(one.clone()),
            several => {
                let list: Vec<String> = several
                    .iter()
                    .map(|b| format!("`{}` (line {})", b.path, b.line.unwrap_or_default()))
                    .collect();
                Err(self.content_error(format!(
                    "{} `{BLOCK_KEY}` keys: {}; choose one with --at PATH",
                    several.len(),
                    list.join(", ")
                )))
            }
        }
    }
}
