//! RSA-OAEP encryption in pure Rust: EME-OAEP encoding (RFC 8017 §7.1.1) with SHA-256 and
//! MGF1-SHA-256, and the public-key operation on crypto-bigint.
//!
//! The `rsa` crate computes `m^e mod n` with a constant-time windowed exponentiation — right for
//! private exponents, about twice the work needed for a public one. Here the exponent is public,
//! so a plain square-and-multiply over it (17 operations for e = 65537) is safe: the sequence of
//! operations depends only on `e`, and each Montgomery operation is constant-time in the secret
//! base. The encoding draws its seed from the caller's RNG exactly as `rsa` does, and a test
//! checks that both produce the same bytes.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use rsa::rand_core::TryCryptoRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const HASH_LEN: usize = 32;

/// A public key prepared for encryption: the modulus's Montgomery parameters computed once.
#[derive(Clone)]
pub(crate) struct OaepEncryptor {
    e: BoxedUint,
    params: BoxedMontyParams,
    /// Modulus size in bytes (`k` in RFC 8017).
    size: usize,
}

impl OaepEncryptor {
    /// From the big-endian modulus and public exponent; `None` for an even modulus.
    pub(crate) fn new(n: &[u8], e: &[u8]) -> Option<OaepEncryptor> {
        let n = BoxedUint::from_be_slice_vartime(n);
        let size = usize::try_from(n.bit_width_vartime().div_ceil(8)).ok()?;
        let n = Odd::new(n).into_option()?;
        Some(OaepEncryptor {
            e: BoxedUint::from_be_slice_vartime(e),
            // The modulus is public: variable time is fine and much faster.
            params: BoxedMontyParams::new_vartime(n),
            size,
        })
    }

    /// RSAES-OAEP-ENCRYPT with SHA-256, MGF1-SHA-256 and `label`.
    pub(crate) fn encrypt<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        label: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>> {
        let k = self.size;
        if message.len() + 2 * HASH_LEN + 2 > k {
            return Err(Error::Encrypt("message too long for RSA-OAEP"));
        }
        // EM = 0x00 || maskedSeed || maskedDB, DB = lHash || PS || 0x01 || M.
        let mut em = Zeroizing::new(vec![0u8; k]);
        let (seed, db) = em[1..].split_at_mut(HASH_LEN);
        rng.try_fill_bytes(seed).map_err(|_| Error::Rng)?;
        db[..HASH_LEN].copy_from_slice(&Sha256::digest(label));
        let message_at = db.len() - message.len();
        db[message_at - 1] = 1;
        db[message_at..].copy_from_slice(message);
        mgf1_xor(db, seed);
        mgf1_xor(seed, db);

        let precision = self.params.bits_precision();
        let m = BoxedUint::from_be_slice(&em, precision)
            .map_err(|_| Error::Encrypt("RSA-OAEP encoding does not fit the modulus"))?;
        let c = self.pow_public(m);
        let bytes = c.to_be_bytes();
        let out = bytes
            .get(bytes.len().saturating_sub(k)..)
            .ok_or(Error::Encrypt("RSA result larger than the modulus"))?;
        Ok(out.to_vec())
    }

    /// `base^e mod n`, left-to-right over the bits of the public exponent.
    fn pow_public(&self, base: BoxedUint) -> BoxedUint {
        let base = BoxedMontyForm::new(base, &self.params);
        let mut acc = base.clone();
        for bit in (0..self.e.bit_width_vartime().saturating_sub(1)).rev() {
            acc = acc.square();
            if self.e.bit_vartime(bit) {
                acc = acc.mul(&base);
            }
        }
        acc.retrieve()
    }
}

/// `out ^= MGF1-SHA-256(seed, out.len())`.
fn mgf1_xor(out: &mut [u8], seed: &[u8]) {
    for (counter, chunk) in (0u32..).zip(out.chunks_mut(HASH_LEN)) {
        let mask = Sha256::new()
            .chain_update(seed)
            .chain_update(counter.to_be_bytes())
            .finalize();
        chunk.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;
    use rand::rngs::ChaCha8Rng;
    use rsa::pkcs8::DecodePublicKey as _;
    use rsa::traits::PublicKeyParts as _;

    fn controller_key(bits: usize) -> rsa::PublicKey {
        let pem = std::fs::read_to_string(format!(
            "{}/../../testdata/keys/controller-{bits}.crt.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let der = x509_cert::der::pem::decode_vec(pem.as_bytes()).unwrap().1;
        let cert = <x509_cert::Certificate as x509_cert::der::Decode>::from_der(&der).unwrap();
        let spki = x509_cert::der::Encode::to_der(cert.tbs_certificate().subject_public_key_info())
            .unwrap();
        rsa::PublicKey::from_public_key_der(&spki).unwrap()
    }

    /// With the same RNG, the `rsa` crate and this code must produce the same bytes.
    #[test]
    fn matches_the_rsa_crate_bit_for_bit() {
        for bits in [2048, 3072, 4096] {
            let key = controller_key(bits);
            let ours = OaepEncryptor::new(&key.n_bytes(), &key.e_bytes()).unwrap();
            for (i, (label, message)) in [
                (&b""[..], &b""[..]),
                (b"ns/name", &[7u8; 32][..]),
                (b"ns", b"hello"),
                (b"a-long-namespace/a-long-name", &[0xFFu8; 190][..]),
            ]
            .into_iter()
            .enumerate()
            {
                let seed = [u8::try_from(i).unwrap(); 32];
                let expected = key
                    .encrypt(
                        &mut ChaCha8Rng::from_seed(seed),
                        rsa::Oaep::<Sha256>::new_with_label(label),
                        message,
                    )
                    .unwrap();
                let got = ours
                    .encrypt(&mut ChaCha8Rng::from_seed(seed), label, message)
                    .unwrap();
                assert_eq!(got, expected, "{bits} bits, case {i}");
            }
        }
    }

    #[test]
    fn refuses_what_does_not_fit() {
        let key = controller_key(2048);
        let ours = OaepEncryptor::new(&key.n_bytes(), &key.e_bytes()).unwrap();
        let mut rng = ChaCha8Rng::from_seed([0; 32]);
        assert!(ours.encrypt(&mut rng, b"", &[0u8; 256 - 66 + 1]).is_err());
        assert!(ours.encrypt(&mut rng, b"", &[0u8; 256 - 66]).is_ok());
        assert!(
            OaepEncryptor::new(&[0x10, 0x00], &[3]).is_none(),
            "even modulus"
        );
    }
}
