//! Proof Key for Code Exchange with the S256 method (RFC 7636), the only method SMART App
//! Launch 2.x allows.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::fmt;

/// The `code_verifier`: 43–128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`
/// (RFC 7636 §4.1). It is moved into the token request, never cloned.
#[derive(PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct CodeVerifier(String);

/// Why stored text is not a valid verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidVerifier;

impl fmt::Display for InvalidVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a PKCE code verifier must be 43 to 128 unreserved characters")
    }
}

impl CodeVerifier {
    /// A verifier from 32 random bytes: base64url without padding gives 43 characters, the
    /// RFC 7636 §4.1 recommendation (256 bits of entropy).
    pub fn from_random(bytes: [u8; 32]) -> Self {
        CodeVerifier(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Checks text read back from storage.
    pub fn parse(text: &str) -> Result<Self, InvalidVerifier> {
        let unreserved =
            |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        if (43..=128).contains(&text.len()) && text.bytes().all(unreserved) {
            Ok(CodeVerifier(text.to_owned()))
        } else {
            Err(InvalidVerifier)
        }
    }

    /// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The verifier text, for the token request only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier(***)")
    }
}

impl TryFrom<String> for CodeVerifier {
    type Error = InvalidVerifier;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CodeVerifier::parse(&value)
    }
}

// Serialized only into the in-flight record, which SMART allows to hold the verifier.
impl serde::Serialize for CodeVerifier {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 7636 Appendix B.
    const APPENDIX_B_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];

    #[test]
    fn rfc7636_appendix_b_verifier_is_built_from_its_octets() {
        let verifier = CodeVerifier::from_random(APPENDIX_B_OCTETS);
        assert_eq!(
            verifier.expose(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
    }

    #[test]
    fn rfc7636_appendix_b_challenge_matches() {
        let verifier = CodeVerifier::parse("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(
            verifier.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_outside_43_to_128_unreserved_characters_are_refused() {
        assert!(CodeVerifier::parse(&"a".repeat(42)).is_err());
        assert!(CodeVerifier::parse(&"a".repeat(129)).is_err());
        assert!(CodeVerifier::parse(&format!("{}+", "a".repeat(43))).is_err());
        assert!(CodeVerifier::parse(&"a~._-".repeat(10)).is_ok());
    }

    #[test]
    fn verifier_debug_is_redacted() {
        assert_eq!(
            format!("{:?}", CodeVerifier::from_random([0; 32])),
            "CodeVerifier(***)"
        );
    }
}
