//! Secrets as newtypes: their `Debug` prints `Name(***)`, so a token cannot reach a log or a
//! panic message by accident, and the raw text is reachable only through `expose()`.

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps the secret text.
            pub fn new(text: impl Into<String>) -> Self {
                $name(text.into())
            }

            /// The secret text, for the one place that must send it.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

secret!(
    /// An OAuth access token (RFC 6749 §1.4).
    AccessToken
);
secret!(
    /// An OAuth refresh token (RFC 6749 §1.5).
    RefreshToken
);
secret!(
    /// An authorization code from the callback (RFC 6749 §4.1.2).
    AuthorizationCode
);
secret!(
    /// An OpenID Connect id_token, kept until it is validated.
    IdToken
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_of_secrets_is_redacted() {
        assert_eq!(
            format!("{:?}", AccessToken::new("abc.def")),
            "AccessToken(***)"
        );
        assert_eq!(format!("{:?}", RefreshToken::new("r")), "RefreshToken(***)");
        assert_eq!(
            format!("{:?}", AuthorizationCode::new("c")),
            "AuthorizationCode(***)"
        );
        assert_eq!(AccessToken::new("abc").expose(), "abc");
    }
}
