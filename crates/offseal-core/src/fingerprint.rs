//! The key identity kubeseal and the controller use: the OpenSSH `SHA256:` fingerprint of the
//! RSA public key in SSH wire format, as `ssh-keygen -l` prints it.

use crate::backend::Sha256;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

/// `SHA256:` + unpadded base64 of SHA-256 over `string "ssh-rsa" || mpint e || mpint n`.
pub(crate) fn ssh_rsa(e: &[u8], n: &[u8]) -> String {
    let mut hasher = Sha256::new();
    ssh_string(&mut hasher, b"ssh-rsa");
    ssh_mpint(&mut hasher, e);
    ssh_mpint(&mut hasher, n);
    format!("SHA256:{}", STANDARD_NO_PAD.encode(hasher.finalize()))
}

fn ssh_string(hasher: &mut Sha256, bytes: &[u8]) {
    // Keys are at most a few KiB, far below u32::MAX.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    hasher.update(&len.to_be_bytes());
    hasher.update(bytes);
}

/// SSH mpint: big-endian, minimal, with a 0x00 in front when the top bit is set.
fn ssh_mpint(hasher: &mut Sha256, magnitude: &[u8]) {
    let trimmed = match magnitude.iter().position(|&b| b != 0) {
        Some(first) => &magnitude[first..],
        None => &[],
    };
    if trimmed.first().is_some_and(|&b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(trimmed.len() + 1);
        padded.push(0);
        padded.extend_from_slice(trimmed);
        ssh_string(hasher, &padded);
    } else {
        ssh_string(hasher, trimmed);
    }
}
