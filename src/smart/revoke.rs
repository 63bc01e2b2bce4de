//! Sign-out (RFC 7009): the session is consumed, and what it held is revoked at the
//! authorization server when discovery listed a `revocation_endpoint`.

use super::session::Session;
use crate::http::{HttpRequest, Purpose};
use url::Url;

impl Session {
    /// Ends the session and returns the revocation requests to send, in order: the refresh
    /// token first (RFC 7009 §2.1: revoking it may also revoke the access tokens of its grant,
    /// and it is the longer-lived secret), then the access token. Each is a form POST of
    /// `token`, `token_type_hint` and, for a public client, `client_id`. Without a revocation
    /// endpoint nothing is sent. Either way the tokens are gone from memory once the
    /// requests are sent, since the session was moved in.
    pub fn sign_out(self) -> Vec<HttpRequest> {
        let Some(endpoint) = &self.revocation_endpoint else {
            return Vec::new();
        };
        let refresh = self
            .refresh_token
            .as_ref()
            .map(|token| (token.expose(), "refresh_token"));
        let access = Some((self.access_token.expose(), "access_token"));
        refresh
            .into_iter()
            .chain(access)
            .map(|(token, hint)| revocation(endpoint, token, hint, self.client_id.as_str()))
            .collect()
    }
}

fn revocation(endpoint: &Url, token: &str, hint: &str, client_id: &str) -> HttpRequest {
    HttpRequest::post_form(
        Purpose::Revoke,
        endpoint.clone(),
        &[
            ("token", token),
            ("token_type_hint", hint),
            ("client_id", client_id),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use crate::smart::session::test_session as session;
    use std::collections::HashMap;

    const REVOKE: &str = "https://ehr.example/auth/revoke";

    fn with_refresh() -> Session {
        session(
            r#"{"access_token":"at-1","token_type":"Bearer","refresh_token":"rt-1","patient":"p"}"#,
            Some(REVOKE),
        )
    }

    fn form(request: &HttpRequest) -> HashMap<String, String> {
        url::form_urlencoded::parse(request.body.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn sign_out_revokes_the_refresh_token_before_the_access_token() {
        let requests = with_refresh().sign_out();
        let tokens: Vec<_> = requests.iter().map(|r| form(r)["token"].clone()).collect();
        assert_eq!(tokens, ["rt-1", "at-1"]);
    }

    #[test]
    fn each_revocation_names_its_token_type_and_the_client() {
        // RFC 7009 §2.1: token, optional token_type_hint; a public client sends client_id.
        let requests = with_refresh().sign_out();
        let hints: Vec<_> = requests
            .iter()
            .map(|r| form(r)["token_type_hint"].clone())
            .collect();
        assert_eq!(hints, ["refresh_token", "access_token"]);
        assert!(requests.iter().all(|r| form(r)["client_id"] == "bedside"));
    }

    #[test]
    fn revocations_are_form_posts_to_the_revocation_endpoint_without_a_bearer_token() {
        for request in with_refresh().sign_out() {
            assert_eq!(request.method, Method::Post);
            assert_eq!(request.url.as_str(), REVOKE);
            assert_eq!(
                request.header("content-type"),
                Some("application/x-www-form-urlencoded")
            );
            assert_eq!(request.header("authorization"), None);
        }
    }

    #[test]
    fn without_a_refresh_token_only_the_access_token_is_revoked() {
        let body = r#"{"access_token":"at-1","token_type":"Bearer","patient":"p"}"#;
        let requests = session(body, Some(REVOKE)).sign_out();
        assert_eq!(requests.len(), 1);
        assert_eq!(form(&requests[0])["token_type_hint"], "access_token");
    }

    #[test]
    fn without_a_revocation_endpoint_sign_out_sends_nothing() {
        let body =
            r#"{"access_token":"at-1","token_type":"Bearer","refresh_token":"r","patient":"p"}"#;
        assert!(session(body, None).sign_out().is_empty());
    }
}
