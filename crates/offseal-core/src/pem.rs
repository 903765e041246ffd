//! PEM blocks in files that may hold several, with text between them.

/// One decoded PEM block.
pub(crate) struct PemBlock {
    pub(crate) label: String,
    pub(crate) der: zeroize::Zeroizing<Vec<u8>>,
}

/// Whether `bytes` look like PEM rather than DER.
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    bytes.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Every `-----BEGIN X-----` ... `-----END X-----` block, in order. Text outside blocks (such
/// as OpenSSL's "Bag Attributes") is skipped; a block that does not decode is an error naming
/// its label and position.
pub(crate) fn blocks(bytes: &[u8]) -> Result<Vec<PemBlock>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "PEM text is not UTF-8".to_owned())?;
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after_begin = &rest[start + "-----BEGIN ".len()..];
        let Some(label_end) = after_begin.find("-----") else {
            return Err("unterminated PEM header".to_owned());
        };
        let label = &after_begin[..label_end];
        let footer = format!("-----END {label}-----");
        let Some(footer_at) = rest[start..].find(&footer) else {
            return Err(format!("PEM block {label:?} has no END line"));
        };
        let block_end = start + footer_at + footer.len();
        let (decoded_label, der) =
            x509_cert::der::pem::decode_vec(&rest.as_bytes()[start..block_end])
                .map_err(|e| format!("PEM block {label:?} does not decode: {e}"))?;
        found.push(PemBlock {
            label: decoded_label.to_owned(),
            der: zeroize::Zeroizing::new(der),
        });
        rest = &rest[block_end..];
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_between_text_and_reports_bad_ones() {
        let pem = "Bag Attributes\n-----BEGIN A-----\nAQID\n-----END A-----\njunk\n-----BEGIN B-----\nBAU=\n-----END B-----\n";
        let found = blocks(pem.as_bytes()).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].label, "A");
        assert_eq!(found[0].der.as_slice(), &[1, 2, 3]);
        assert_eq!(found[1].der.as_slice(), &[4, 5]);
        assert!(blocks(b"-----BEGIN A-----\nAQID\n").is_err_and(|e| e.contains("no END")));
        assert!(blocks(b"-----BEGIN A-----\n!!!\n-----END A-----\n").is_err());
        assert!(blocks(b"no pem here").unwrap().is_empty());
    }
}
