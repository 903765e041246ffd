//! Property tests: whatever is sealed opens again, for its target only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use offseal_core::hazmat::seal_with_rng;
use offseal_core::rand_core::SeedableRng;
use offseal_core::secrecy::ExposeSecret;
use offseal_core::{Envelope, Scope, Target, open};

/// Bytes of the GCM tag after the ciphertext.
const TAG_LEN: usize = 16;

/// Seals with `rng` and reads the result back as an envelope.
fn seal_envelope(
    rng: &mut ChaCha8Rng,
    key: &offseal_core::SealingKey,
    target: &Target,
    plaintext: &[u8],
) -> Envelope {
    Envelope::from_base64(&seal_with_rng(rng, key, target, plaintext).unwrap()).unwrap()
}
use proptest::prelude::*;
use rand::rngs::ChaCha8Rng;

fn key_name() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("controller-2048"),
        Just("controller-3072"),
        Just("controller-4096")
    ]
}

fn scope() -> impl Strategy<Value = Scope> {
    prop_oneof![
        Just(Scope::Strict),
        Just(Scope::NamespaceWide),
        Just(Scope::ClusterWide)
    ]
}

fn plaintext() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 0..300),
        Just(vec![0xA5; 64 * 1024]),
        Just((0..=255).collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sealed_values_open_for_their_target_and_no_other(
        key in key_name(),
        scope in scope(),
        plaintext in plaintext(),
        seed in any::<[u8; 32]>(),
    ) {
        let sealing = common::sealing_key(key);
        let keys = common::unsealing_keys(&[key]);
        let target = Target::new(scope, Some("tenant-a"), Some("app")).unwrap();
        let mut rng = ChaCha8Rng::from_seed(seed);
        let envelope = seal_envelope(&mut rng, &sealing, &target, &plaintext);

        // Structure: the RSA block is the modulus size; GCM adds only its tag.
        prop_assert_eq!(envelope.rsa_size(), sealing.size());
        prop_assert_eq!(envelope.aes_ciphertext().len(), plaintext.len() + TAG_LEN);
        envelope.check_key_size(sealing.size()).unwrap();
        let b64 = envelope.to_base64();
        prop_assert_eq!(&Envelope::from_base64(&b64).unwrap(), &envelope);

        let opened = open(&keys, &target, &b64).unwrap();
        prop_assert_eq!(opened.expose_secret(), plaintext.as_slice());

        // Another namespace never opens it unless the value is cluster-wide.
        let moved = Target::new(scope, Some("tenant-b"), Some("app")).unwrap();
        prop_assert_eq!(open(&keys, &moved, &b64).is_ok(), scope == Scope::ClusterWide);
        // Another key never opens it.
        let other = common::unsealing_keys(&["rotated-4096"]);
        prop_assert!(open(&other, &target, &b64).is_err());
    }

    #[test]
    fn the_same_seed_seals_the_same_bytes(seed in any::<[u8; 32]>()) {
        let sealing = common::sealing_key("controller-2048");
        let target = Target::namespace_wide("l").unwrap();
        let a = seal_envelope(&mut ChaCha8Rng::from_seed(seed), &sealing, &target, b"x");
        let b = seal_envelope(&mut ChaCha8Rng::from_seed(seed), &sealing, &target, b"x");
        // The session key always comes from the caller's RNG, so the AES part repeats.
        prop_assert_eq!(a.aes_ciphertext(), b.aes_ciphertext());
        // AWS-LC draws the OAEP seed itself; the pure-Rust backend takes it from the RNG too.
        if offseal_core::RSA_BACKEND == "rust" {
            prop_assert_eq!(a, b);
        } else {
            prop_assert_ne!(a.rsa_ciphertext(), b.rsa_ciphertext());
        }
    }

    #[test]
    fn any_bytes_parse_or_fail_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..700)) {
        let _ = Envelope::parse(&bytes);
        let keys = common::unsealing_keys(&["controller-2048"]);
        prop_assert!(Envelope::parse(&bytes).and_then(|e| keys.open(&e, &Target::cluster_wide())).is_err());
    }

    #[test]
    fn one_flipped_bit_anywhere_is_refused(bit in 0usize..(2 + 256 + 5 + 16) * 8) {
        let sealing = common::sealing_key("controller-2048");
        let keys = common::unsealing_keys(&["controller-2048"]);
        let target = Target::strict("ns", "n").unwrap();
        let sealed = seal_envelope(&mut ChaCha8Rng::from_seed([7; 32]), &sealing, &target, b"hello");
        let mut bytes = sealed.as_bytes().to_vec();
        bytes[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(Envelope::parse(&bytes).and_then(|e| keys.open(&e, &target)).is_err());
    }
}

/// The danger `hazmat` exists to fence off: one seed, one session key and nonce, so the XOR
/// of two ciphertexts is the XOR of their plaintexts. The public API never does this.
#[test]
fn a_repeated_seed_repeats_the_keystream_and_the_public_api_never_does() {
    let key = common::sealing_key("controller-2048");
    let target = Target::strict("ns", "app").unwrap();
    let (a, b) = (b"attack at dawn!!", b"retreat at nine!");
    let seeded = |plaintext: &[u8]| {
        seal_envelope(
            &mut ChaCha8Rng::from_seed([7; 32]),
            &key,
            &target,
            plaintext,
        )
    };
    let (ea, eb) = (seeded(a), seeded(b));
    let xor = |x: &[u8], y: &[u8]| x.iter().zip(y).map(|(p, q)| p ^ q).collect::<Vec<u8>>();
    let (ca, cb) = (ea.aes_ciphertext(), eb.aes_ciphertext());
    assert_eq!(xor(&ca[..a.len()], &cb[..b.len()]), xor(a, b));
    // offseal_core::seal: a fresh key every time, so no such relation.
    let fresh = |plaintext: &[u8]| {
        Envelope::from_base64(&offseal_core::seal(&key, &target, plaintext).unwrap()).unwrap()
    };
    let (fa, fb) = (fresh(a), fresh(a));
    assert_ne!(fa.aes_ciphertext(), fb.aes_ciphertext());
    assert_ne!(
        xor(
            &fresh(a).aes_ciphertext()[..a.len()],
            &fresh(b).aes_ciphertext()[..b.len()]
        ),
        xor(a, b)
    );
}
