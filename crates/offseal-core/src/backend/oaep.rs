//! RSA-OAEP in pure Rust, with SHA-256 and MGF1-SHA-256: EME-OAEP encoding (RFC 8017 §7.1.1)
//! and the public-key operation on crypto-bigint, and EME-OAEP decoding (§7.1.2 step 3) for the
//! pure-Rust backend's private-key operation.
//!
//! The `rsa` crate computes `m^e mod n` with a constant-time windowed exponentiation — right for
//! private exponents, about twice the work needed for a public one. Here the exponent is public,
//! so a plain square-and-multiply over it (17 operations for e = 65537) is safe: the sequence of
//! operations depends only on `e`, and each Montgomery operation is constant-time in the secret
//! base. The encoding draws its seed from the caller's RNG exactly as `rsa` does, and a test
//! checks that both produce the same bytes.
//!
//! The decoder is ours because `rsa` 0.10's skips the check that the block's first byte is zero:
//! a block with that byte set would open in the pure-Rust backend while AWS-LC and Go's
//! crypto/rsa (the controller) refuse it. Every check is combined in constant time and the
//! result is told only once, at the end, so timing shows no more than "valid or not".
//!
//! Secret copies: the encoded block is secret (whoever has it can unmask the session key), so
//! its byte buffer, its big-integer and Montgomery forms and the multiplier's scratch space
//! are all wiped after use. What crypto-bigint allocates inside one Montgomery step is wiped by
//! the multiplier too (its `Drop`, with crypto-bigint's `zeroize` feature).

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, MontyForm, MontyMultiplier as _, Odd};
use rsa::rand_core::TryCryptoRng;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable as _, ConstantTimeEq as _};
use zeroize::{Zeroize as _, Zeroizing};

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
        let em = encode(rng, k, label, message)?;
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

    /// `base^e mod n`, left-to-right over the bits of the public exponent, in place: one
    /// accumulator and one multiplier, both wiped before they are freed (the base is secret).
    fn pow_public(&self, base: BoxedUint) -> BoxedUint {
        // `new` converts the integer's own limbs: no unwiped copy is left behind.
        let mut base = BoxedMontyForm::new(base, &self.params);
        let mut acc = base.clone();
        {
            let mut multiplier = <BoxedMontyForm as MontyForm>::Multiplier::from(&self.params);
            for bit in (0..self.e.bit_width_vartime().saturating_sub(1)).rev() {
                multiplier.square_assign(&mut acc);
                if self.e.bit_vartime(bit) {
                    multiplier.mul_assign(&mut acc, &base);
                }
            }
            // The multiplier wipes its scratch space when dropped here.
        }
        let c = acc.retrieve();
        base.zeroize();
        acc.zeroize();
        c
    }
}

/// EME-OAEP encoding (RFC 8017 §7.1.1, step 2) of `message` into a `k`-byte block, the seed
/// drawn from `rng`.
fn encode<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
    k: usize,
    label: &[u8],
    message: &[u8],
) -> Result<Zeroizing<Vec<u8>>> {
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
    Ok(em)
}

/// EME-OAEP decoding (RFC 8017 §7.1.2, step 3) with SHA-256, MGF1-SHA-256 and `label`.
///
/// `em` is the `k`-byte output of the RSA private operation; it is unmasked in place, so the
/// caller must wipe it. Every check — `Y == 0`, `lHash' == lHash`, `PS` all zeros, the `0x01`
/// separator — is computed without a branch or an early return and combined into one result;
/// `None` says only that the block is not valid.
pub(crate) fn decode(em: &mut [u8], label: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    // The block's length is public (the modulus size).
    if em.len() < 2 * HASH_LEN + 2 {
        return None;
    }
    let l_hash = Sha256::digest(label);
    let (y, rest) = em.split_first_mut()?;
    let (seed, db) = rest.split_at_mut(HASH_LEN);
    mgf1_xor(seed, db);
    mgf1_xor(db, seed);
    let (l_hash_found, ps_and_message) = db.split_at(HASH_LEN);

    let mut valid = y.ct_eq(&0) & l_hash_found.ct_eq(l_hash.as_slice());
    // Past lHash': zero or more 0x00, then 0x01, then the message. `looking` stays set until
    // the first 0x01; any other nonzero byte before it makes the block invalid.
    let mut looking = Choice::from(1);
    let mut separator_at = 0u32;
    let mut stray = Choice::from(0);
    for (i, byte) in (0u32..).zip(ps_and_message) {
        let is_zero = byte.ct_eq(&0);
        let is_one = byte.ct_eq(&1);
        separator_at.conditional_assign(&i, looking & is_one);
        stray |= looking & !is_zero & !is_one;
        looking &= !is_one;
    }
    valid &= !looking & !stray;

    // The one branch: whether the block is valid is all that may be told.
    if !bool::from(valid) {
        return None;
    }
    let message_at = usize::try_from(separator_at).ok()?.checked_add(1)?;
    Some(Zeroizing::new(ps_and_message.get(message_at..)?.to_vec()))
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
            "{}/fixtures/controller-{bits}.crt.pem",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let der = x509_cert::der::pem::decode_vec(pem.as_bytes()).unwrap().1;
        let cert = <x509_cert::Certificate as x509_cert::der::Decode>::from_der(&der).unwrap();
        let spki = x509_cert::der::Encode::to_der(cert.tbs_certificate().subject_public_key_info())
            .unwrap();
        rsa::PublicKey::from_public_key_der(&spki).unwrap()
    }

    /// With the same RNG, `key`'s OAEP in the `rsa` crate and this code produce the same bytes,
    /// for messages from empty to the longest that fits.
    fn assert_matches_the_rsa_crate(key: &rsa::PublicKey, what: &str) {
        let ours = OaepEncryptor::new(&key.n_bytes(), &key.e_bytes()).unwrap();
        let longest = key.size() - 2 * HASH_LEN - 2;
        for (i, (label, message)) in [
            (&b""[..], &b""[..]),
            (b"ns/name", &[7u8; 32][..]),
            (b"ns", b"hello"),
            (b"a-long-namespace/a-long-name", &vec![0xFFu8; longest][..]),
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
            assert_eq!(got, expected, "{what}, case {i}");
        }
    }

    /// With the same RNG, the `rsa` crate and this code must produce the same bytes.
    #[test]
    fn matches_the_rsa_crate_bit_for_bit() {
        for bits in [2048, 3072, 4096] {
            assert_matches_the_rsa_crate(&controller_key(bits), &format!("{bits} bits"));
        }
    }

    /// Moduli whose size is not a whole number of bytes (the block's first byte is then the
    /// only one that may be short), and the small exponents 3 and 17 (one and four squarings):
    /// keys generated here by `rsa`'s key generation, from a seeded RNG.
    #[test]
    fn matches_the_rsa_crate_for_unaligned_moduli_and_small_exponents() {
        for (bits, e) in [
            (2049, 65537u64),
            (3071, 3),
            (4095, 17),
            (2051, 3),
            (2053, 17),
        ] {
            let mut rng = ChaCha8Rng::from_seed([u8::try_from(bits % 251).unwrap(); 32]);
            let key = rsa::PrivateKey::new_with_exp(&mut rng, bits, BoxedUint::from(e))
                .unwrap()
                .to_public_key();
            assert_eq!(key.n().bit_width_vartime(), u32::try_from(bits).unwrap());
            assert_matches_the_rsa_crate(&key, &format!("{bits} bits, e = {e}"));
        }
    }

    /// `first || maskedSeed || maskedDB` for a data block built by hand.
    fn mask(first: u8, seed: [u8; HASH_LEN], mut db: Vec<u8>) -> Vec<u8> {
        let mut seed = seed.to_vec();
        mgf1_xor(&mut db, &seed);
        mgf1_xor(&mut seed, &db);
        [vec![first], seed, db].concat()
    }

    /// `lHash || PS || separator || message` for a 256-byte block.
    fn data_block(label: &[u8], ps: &[u8], separator: u8, message: &[u8]) -> Vec<u8> {
        let db = [&Sha256::digest(label)[..], ps, &[separator], message].concat();
        assert_eq!(db.len(), 256 - HASH_LEN - 1);
        db
    }

    #[test]
    fn decodes_what_it_encodes() {
        let mut rng = ChaCha8Rng::from_seed([9; 32]);
        for (k, len) in [
            (256, 0),
            (256, 1),
            (256, 32),
            (256, 190),
            (257, 191),
            (512, 446),
        ] {
            let message: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let mut em = encode(&mut rng, k, b"ns/name", &message).unwrap();
            assert_eq!(
                decode(&mut em, b"ns/name").as_deref().map(Vec::as_slice),
                Some(&message[..]),
                "k {k}, message {len}"
            );
        }
    }

    /// Each way a block can be wrong (RFC 8017 §7.1.2 step 3g), alone in an otherwise valid block.
    #[test]
    fn refuses_every_malformed_block() {
        let label = b"ns/name";
        let key = [0xA7u8; 32];
        let ps_len = 256 - 2 * HASH_LEN - 2 - key.len();
        let seed = [0x5Cu8; HASH_LEN];
        let good = data_block(label, &vec![0; ps_len], 1, &key);
        assert_eq!(
            decode(&mut mask(0, seed, good.clone()), label).as_deref(),
            Some(&key.to_vec())
        );

        for first in 1..=u8::MAX {
            assert!(
                decode(&mut mask(first, seed, good.clone()), label).is_none(),
                "first byte {first:#04x}"
            );
        }
        assert!(
            decode(&mut mask(0, seed, good.clone()), b"ns/other").is_none(),
            "label"
        );
        let mut bad_hash = good.clone();
        bad_hash[HASH_LEN - 1] ^= 1;
        assert!(
            decode(&mut mask(0, seed, bad_hash), label).is_none(),
            "lHash"
        );
        for separator in [0, 2, 0x80, 0xFF] {
            let db = data_block(label, &vec![0; ps_len], separator, &key);
            assert!(
                decode(&mut mask(0, seed, db), label).is_none(),
                "separator {separator:#04x}"
            );
        }
        for at in [0, ps_len / 2, ps_len - 1] {
            let mut ps = vec![0; ps_len];
            ps[at] = 5;
            let db = data_block(label, &ps, 1, &key);
            assert!(
                decode(&mut mask(0, seed, db), label).is_none(),
                "PS byte {at}"
            );
        }
        // No 0x01 anywhere after lHash: the whole block is padding.
        let db = [&Sha256::digest(label)[..], &[0; 256 - 2 * HASH_LEN - 1]].concat();
        assert!(
            decode(&mut mask(0, seed, db), label).is_none(),
            "all padding"
        );
        // Too short to hold lHash, a separator and a leading byte.
        assert!(decode(&mut [0u8; 2 * HASH_LEN + 1], label).is_none());
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
