//! Criterion benchmarks of offseal; see `benches/` and `cargo xtask bench`.
//!
//! This library holds the fixtures both use, generated deterministically in code (nothing big
//! is committed): realistic Helm values files of any length and base64-like sealed values.
//! It has no dependencies, so `xtask` can use it too.

use std::fmt::Write as _;

/// The namespace values are sealed for in the benchmarks.
pub const NAMESPACE: &str = "tenant-a";
/// The Secret name values are sealed for in the benchmarks.
pub const NAME: &str = "azure-keyvault-credentials";
/// The strict label (`namespace/name`) the benchmarks seal and open with.
pub const LABEL: &[u8] = b"tenant-a/azure-keyvault-credentials";

/// Path of the sealed client id in a generated values file.
pub const CLIENT_ID_PATH: &str = "external_secrets.keyvault_credentials.client_id";
/// Path of the sealed client secret in a generated values file.
pub const CLIENT_SECRET_PATH: &str = "external_secrets.keyvault_credentials.client_secret";
/// Path of the plain tenant id in a generated values file.
pub const TENANT_ID_PATH: &str = "external_secrets.azure_tenant_id";

/// A client id (GUID), as `az ad sp create-for-rbac` prints it.
pub const CLIENT_ID: &str = "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10";
/// A 40-character client secret, as Azure makes them.
pub const CLIENT_SECRET: &str = "Xy9~Q2abcdEFGHijklMNOPqrstUVwxyz012345._";
/// A tenant id (GUID).
pub const TENANT_ID: &str = "d93d3d23-50e3-46db-b3ad-8c6c281b431e";

/// Lines of the header comment of a generated values file.
const HEADER_LINES: usize = 3;
/// Lines of the `external_secrets` block of a generated values file (its blank line included).
const BLOCK_LINES: usize = 9;
/// Lines of one generated component section (its blank line included).
const COMPONENT_LINES: usize = 25;

/// The smallest values file [`values_file`] makes: the header and the credentials block.
pub const MIN_LINES: usize = HEADER_LINES + BLOCK_LINES;

/// A realistic Helm values file of exactly `max(lines, MIN_LINES)` lines, the same for the same
/// arguments.
///
/// A header comment, then component sections (nested mappings, block and flow sequences,
/// quoted and plain scalars, trailing comments, a literal block scalar), with the
/// `external_secrets` block (empty `client_id`, `client_secret` and `azure_tenant_id`, as in
/// `testdata/values/tenant-a.yaml`) two thirds of the way down, and a last mapping of plain
/// settings filling up to the exact line count. `seed` varies names and numbers.
#[must_use]
pub fn values_file(lines: usize, seed: u64) -> String {
    let lines = lines.max(MIN_LINES);
    let body = lines - MIN_LINES;
    let components = body / COMPONENT_LINES;
    let filler = body % COMPONENT_LINES;
    let block_after = (components * 2).div_ceil(3);
    let mut rng = SplitMix(seed);
    let mut out = String::with_capacity(lines * 40);
    out.push_str("# Values for the OpenShift tenant chart (generated for benchmarks).\n");
    out.push_str("# Kept by people: offseal changes only the sealed credentials.\n\n");
    for i in 0..components {
        if i == block_after {
            push_block(&mut out);
        }
        push_component(&mut out, i, &mut rng);
    }
    if block_after == components {
        push_block(&mut out);
    }
    if filler > 0 {
        out.push_str("settings:\n");
        for i in 1..filler {
            let _ = writeln!(out, "  setting_{i:03}: {}", rng.below(100_000));
        }
    }
    out
}

/// The `external_secrets` block with empty credentials, then a blank line.
fn push_block(out: &mut String) {
    out.push_str(
        "\
external_secrets:
  enabled: true
  # The Key Vault the tenant reads its secrets from.
  keyvault_url: https://tenant-a-kv.vault.azure.net/
  azure_tenant_id: \"\"              # the Azure AD tenant (plain)
  keyvault_credentials:
    client_id: \"\"                  # sealed by offseal
    client_secret: \"\"              # sealed by offseal

",
    );
}

/// One component section of [`COMPONENT_LINES`] lines.
fn push_component(out: &mut String, i: usize, rng: &mut SplitMix) {
    const WORDS: [&str; 8] = [
        "api", "worker", "gateway", "cache", "indexer", "mailer", "billing", "search",
    ];
    let word = WORDS[usize::try_from(rng.below(8)).unwrap_or(0)];
    let name = format!("{word}{i}");
    let _ = write!(
        out,
        "\
# --- component {i}: {name} ---
{name}:
  enabled: {enabled}
  replicaCount: {replicas}
  image:
    repository: registry.example.com/team-{team}/{name}
    tag: \"1.{minor}.{patch}\"          # pinned
    pullPolicy: IfNotPresent
  resources:
    requests: {{cpu: {cpu}m, memory: {memory}Mi}}
    limits:
      cpu: \"{cpu_limit}m\"
      memory: {memory_limit}Mi
  env:
    - name: LOG_LEVEL
      value: info
    - name: FEATURE_FLAGS
      value: 'alpha,beta,{word}-{flag}'
  service:
    type: ClusterIP
    ports: [80, 443, {port}]
  config: |
    listen = 0.0.0.0:{port}
    workers = {workers}

",
        enabled = rng.below(4) != 0,
        replicas = 1 + rng.below(5),
        team = rng.below(40),
        minor = rng.below(30),
        patch = rng.below(10),
        cpu = 100 + 50 * rng.below(10),
        memory = 128 * (1 + rng.below(8)),
        cpu_limit = 1000 + 250 * rng.below(8),
        memory_limit = 512 * (1 + rng.below(8)),
        flag = rng.below(1000),
        port = 8000 + rng.below(1000),
        workers = 1 + rng.below(16),
    );
}

/// A sealed-value-like string of `len` characters: `Ag` and standard base64 characters, the
/// same for the same `seed`. A 4096-bit sealed client id is about 750 characters.
#[must_use]
pub fn sealed_like(len: usize, seed: u64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut rng = SplitMix(seed);
    let mut out = String::with_capacity(len);
    out.push_str(&"Ag"[..len.min(2)]);
    while out.len() < len {
        let sextet = usize::try_from(rng.below(64)).unwrap_or(0);
        out.push(char::from(ALPHABET[sextet]));
    }
    out
}

/// SplitMix64: a tiny deterministic generator for fixture contents (not for cryptography).
struct SplitMix(u64);

impl SplitMix {
    /// The next 64 bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0; the slight modulo bias does not matter here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_files_have_exactly_the_lines_asked_for() {
        for lines in [0, MIN_LINES, 13, 40, 300, 301, 10_000] {
            let text = values_file(lines, 7);
            assert_eq!(text.lines().count(), lines.max(MIN_LINES), "{lines}");
            assert_eq!(text.matches("external_secrets:").count(), 1);
            assert_eq!(text, values_file(lines, 7));
        }
        assert_ne!(values_file(300, 1), values_file(300, 2));
    }

    #[test]
    fn values_files_parse_and_take_the_three_edits() {
        use offseal_yaml::{Edit, Path};
        for lines in [MIN_LINES, 40, 300, 10_000] {
            let text = values_file(lines, 3);
            let edits = [
                Edit::set(Path::parse(CLIENT_ID_PATH).unwrap(), sealed_like(700, 1)),
                Edit::set(
                    Path::parse(CLIENT_SECRET_PATH).unwrap(),
                    sealed_like(700, 2),
                ),
                Edit::set(Path::parse(TENANT_ID_PATH).unwrap(), TENANT_ID),
            ];
            let edited = offseal_yaml::set_scalars(text.as_bytes(), &edits).unwrap();
            let edited = String::from_utf8(edited).unwrap();
            assert!(edited.contains(&sealed_like(700, 2)));
            assert_eq!(edited.lines().count(), text.lines().count());
            let values =
                offseal_core::values::ValuesFile::parse(text.as_bytes(), "values.yaml").unwrap();
            assert_eq!(
                values.block(None).unwrap().path.to_string(),
                "external_secrets"
            );
        }
    }

    #[test]
    fn sealed_like_values_have_the_length_asked_for() {
        assert_eq!(sealed_like(700, 1).len(), 700);
        assert!(sealed_like(700, 1).starts_with("Ag"));
        assert_eq!(sealed_like(1, 1), "A");
        assert_ne!(sealed_like(700, 1), sealed_like(700, 2));
    }
}
