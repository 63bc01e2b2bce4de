//! The registration sheet: what an EHR's app registration form asks for, read from
//! `config.json`, so a team can register Bedside without reading its code.

use crate::config::AppConfig;
use crate::sections::{resource_types, summary_needs};
use crate::smart::authorize::LaunchKind;
use crate::smart::launch::summary_scope;
use crate::smart::scope::ScopeSyntax;
use std::fmt::Write;
use url::Url;

/// Why each scope is requested, in one line.
fn justification(scope: &str) -> String {
    match scope {
        "launch" => {
            "receive the patient (and encounter) the EHR has open when it launches Bedside".into()
        }
        "launch/patient" => {
            "let the user pick a patient at sign-in when Bedside is opened on its own".into()
        }
        "launch/encounter" => "receive the encounter in context".into(),
        "openid" | "fhirUser" => "identify the signed-in user, to show who is using the app".into(),
        "profile" => "identify the signed-in user (older servers)".into(),
        "online_access" => {
            "renew access silently while the user stays signed in, instead of asking for a relaunch"
                .into()
        }
        "offline_access" => {
            "renew access after the browser session ends (not recommended for Bedside)".into()
        }
        s if s.starts_with("patient/") => format!(
            "read the patient's record to build the summary ({})",
            if s.contains("*.") {
                "all resource types the summary shows"
            } else {
                "this resource type"
            }
        ),
        _ => "configured for this server in config.json".into(),
    }
}

fn scope_lines(sheet: &mut String, label: &str, scope: &str) {
    let _ = writeln!(sheet, "  {label}: {scope}");
    for token in scope.split_whitespace() {
        let _ = writeln!(sheet, "    - {token}: {}", justification(token));
    }
}

/// Renders the sheet for every configured server; `app_url` is where Bedside is deployed
/// (its base URL, ending in `/`).
pub fn registration_sheet(config: &AppConfig, app_url: &Url) -> String {
    let launch_url = app_url.join("launch").map(String::from).unwrap_or_default();
    let mut sheet = String::new();
    let _ = writeln!(sheet, "Bedside: SMART on FHIR app registration");
    let _ = writeln!(sheet, "=======================================");
    let _ = writeln!(
        sheet,
        "App type:        public client (no secret), PKCE S256 required"
    );
    let _ = writeln!(sheet, "Launch URL:      {launch_url}");
    let _ = writeln!(
        sheet,
        "Redirect URI:    {} (must match exactly; for servers without one of their own)",
        config.redirect_uri
    );
    let _ = writeln!(sheet, "FHIR version:    R4 (4.0.x; R4B and R5 also read)");
    let _ = writeln!(
        sheet,
        "Launch types:    EHR launch (in an iframe or tab) and standalone launch"
    );
    let _ = writeln!(sheet, "Resources read:  {}", resource_types().join(", "));
    let _ = writeln!(sheet, "Writes:          none (read-only app)");
    let _ = writeln!(
        sheet,
        "Refresh tokens:  optional. With online_access Bedside renews access silently; without it, \
         the clinician relaunches from the EHR when the access token expires."
    );
    for server in &config.servers {
        let _ = writeln!(sheet);
        let _ = writeln!(sheet, "Server: {} ({})", server.label(), server.iss);
        let _ = writeln!(sheet, "  client_id: {}", server.client_id);
        match &server.redirect_uri {
            Some(own) => {
                let _ = writeln!(
                    sheet,
                    "  redirect_uri: {own} (this server's own; must match exactly)"
                );
            }
            None => {
                let suggested = app_url.join("callback/my-ehr").map(String::from);
                let _ = writeln!(
                    sheet,
                    "  redirect_uri: {} (shared). Recommended: register a redirect URI for this \
                     server alone, e.g. {}, and name it in config.json, so that Bedside can \
                     tell which server answered (mix-up defence, docs/DEPLOYMENT.md)",
                    config.redirect_uri,
                    suggested.unwrap_or_default()
                );
            }
        }
        let kinds = [
            (
                "EHR launch",
                LaunchKind::Ehr {
                    launch: String::new(),
                },
                &server.scope.ehr,
                true,
            ),
            (
                "standalone launch",
                LaunchKind::Standalone,
                &server.scope.standalone,
                server.standalone,
            ),
        ];
        for (label, kind, configured, offered) in kinds {
            match (offered, configured) {
                (false, _) => {}
                (true, Some(scope)) => scope_lines(&mut sheet, &format!("Scopes, {label}"), scope),
                (true, None) => {
                    let needs = summary_needs();
                    let v2 = summary_scope(&needs, &kind, ScopeSyntax::V2, true, true);
                    let v1 = summary_scope(&needs, &kind, ScopeSyntax::V1, false, false);
                    scope_lines(
                        &mut sheet,
                        &format!("Scopes, {label} (SMART v2 servers)"),
                        &v2,
                    );
                    scope_lines(
                        &mut sheet,
                        &format!("Scopes, {label} (SMART v1 servers)"),
                        &v1,
                    );
                }
            }
        }
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_names_launch_url_redirect_uri_client_and_justified_scopes() {
        let config = AppConfig::parse(
            r#"{"servers":[{"iss":"https://ehr.example/fhir","name":"Main","client_id":"abc"}],
               "redirect_uri":"https://apps.example/bedside/callback"}"#,
            &Url::parse("https://apps.example/bedside/").unwrap(),
        )
        .unwrap();
        let sheet = registration_sheet(
            &config,
            &Url::parse("https://apps.example/bedside/").unwrap(),
        );
        assert!(sheet.contains("Launch URL:      https://apps.example/bedside/launch"));
        assert!(sheet.contains(
            "Redirect URI:    https://apps.example/bedside/callback (must match exactly; for \
             servers without one of their own)"
        ));
        assert!(sheet.contains("Recommended: register a redirect URI for this server alone"));
        assert!(sheet.contains("client_id: abc"));
        assert!(sheet.contains("- launch: receive the patient"));
        assert!(sheet.contains("- launch/patient: let the user pick a patient"));
        assert!(sheet.contains("- patient/Condition.rs: read the patient's record"));
        assert!(sheet.contains("- patient/Condition.read: read the patient's record"));
        assert!(sheet.contains("- online_access: renew access silently"));
        assert!(sheet.contains("PKCE S256"));
    }

    #[test]
    fn a_server_with_its_own_redirect_uri_is_listed_with_it() {
        let config = AppConfig::parse(
            r#"{"servers":[{"iss":"https://ehr.example/fhir","client_id":"abc",
               "redirect_uri":"https://apps.example/bedside/callback/main"}]}"#,
            &Url::parse("https://apps.example/bedside/").unwrap(),
        )
        .unwrap();
        let sheet = registration_sheet(
            &config,
            &Url::parse("https://apps.example/bedside/").unwrap(),
        );
        assert!(sheet.contains(
            "  redirect_uri: https://apps.example/bedside/callback/main (this server's own; must \
             match exactly)"
        ));
    }
}
