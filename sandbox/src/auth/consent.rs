//! The consent page of a standalone launch: sign-in, the requested scopes, a patient picker
//! and Allow / Deny, posted to `{profile}/auth/authorize/decision`. An EHR launch whose
//! pages refuse framing shows it too, with the launch's patient instead of the picker. The
//! page works inside an iframe unless the launch refuses framing. The pending request is
//! held in memory under an unguessable `request_id`, which also guards the form against
//! cross-site posts.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::redirect::{redirect_with_code, redirect_with_error};
use crate::html::{self, escape};
use crate::params::Params;
use crate::state::Ctx;
use crate::state::{AuthorizationRequest, LaunchContext};

/// The sandbox's one account.
const USERNAME: &str = "clinician";
const PASSWORD: &str = "demo";

/// Renders the consent page for a held request, with an optional message.
pub(super) async fn page(
    ctx: &Ctx,
    request_id: &str,
    request: &AuthorizationRequest,
    context: Option<&LaunchContext>,
    message: Option<&str>,
    username: &str,
) -> Response {
    let client = &ctx.sandbox.client;
    let scopes: String = request
        .scope
        .tokens()
        .map(|s| {
            format!(
                "<li><code>{}</code> <span class=\"muted\">{}</span></li>",
                escape(s),
                escape(&describe(s))
            )
        })
        .collect();
    let launched = match context.and_then(|c| c.patient.as_deref()) {
        Some(id) => ctx.sandbox.patient(id).await,
        None => Ok(None),
    };
    let launched = match launched {
        Ok(launched) => launched,
        Err(unusable) => return html::framing(unusable.page(), request.options.refuse_framing),
    };
    let summaries = match launched {
        Some(_) => Vec::new(),
        None => match ctx.sandbox.patient_list().await {
            Ok(summaries) => summaries,
            Err(unusable) => return html::framing(unusable.page(), request.options.refuse_framing),
        },
    };
    let picker: String = summaries
        .iter()
        .map(|p| {
            let id = escape(&p.id);
            let born = p.birth_date.as_deref().unwrap_or("unknown");
            format!(
                "<div class=\"patient-option\"><input type=\"radio\" name=\"patient\" value=\"{id}\" id=\"patient-{id}\">\
<label for=\"patient-{id}\" style=\"display:inline\"><bdi>{}</bdi> <span class=\"muted\">born {}</span></label></div>\n",
                escape(&p.display_name),
                escape(born)
            )
        })
        .collect();
    let patients = match launched {
        Some(p) => format!(
            "<fieldset id=\"launch-patient\" data-patient=\"{}\"><legend>Patient from the EHR</legend><bdi>{}</bdi></fieldset>\n",
            escape(&p.id),
            escape(&p.display_name)
        ),
        None => format!(
            "<fieldset id=\"patient-picker\"><legend>Choose a patient</legend>\n{picker}</fieldset>\n"
        ),
    };
    let message = message
        .map(|m| {
            format!(
                "<p class=\"message\" id=\"consent-message\" role=\"alert\">{}</p>",
                escape(m)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<header class=\"ehr\"><span class=\"brand\">Sandbox EHR</span><span>{profile}</span></header>\n\
<main><div class=\"card\">\n<h1 id=\"consent-title\">Sign in to let <span id=\"client-name\">{name}</span> open patient records</h1>\n\
<p>The app <strong>{name}</strong> (client id <code>{client_id}</code>) asks for:</p>\n<ul id=\"requested-scopes\">{scopes}</ul>\n\
{message}\n<form id=\"consent-form\" method=\"post\" action=\"{action}\">\n\
<input type=\"hidden\" name=\"request_id\" value=\"{request_id}\">\n\
<fieldset id=\"sign-in\"><legend>Sign in</legend>\
<label for=\"username\">User name</label><input type=\"text\" id=\"username\" name=\"username\" value=\"{username}\" autocomplete=\"username\">\
<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" value=\"{PASSWORD}\" autocomplete=\"current-password\">\
<p class=\"muted\">Sandbox account: {USERNAME} / {PASSWORD}</p></fieldset>\n\
{patients}\
<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>\n\
<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>\n</form></div></main>",
        profile = escape(ctx.profile.title),
        name = escape(&client.name),
        client_id = escape(&client.id),
        action = escape(&ctx.decision_endpoint()),
        request_id = escape(request_id),
        username = escape(username),
    );
    html::framing(
        html::respond(
            StatusCode::OK,
            html::page("Sign in - Sandbox EHR", &body),
            None,
        ),
        request.options.refuse_framing,
    )
}

/// A plain-words line for a scope on the consent page.
fn describe(scope: &str) -> String {
    match scope {
        "launch" => "use the EHR's launch context".into(),
        "launch/patient" => "know which patient you choose".into(),
        "launch/encounter" => "know the current encounter".into(),
        "offline_access" => "keep access after you sign out (refresh token)".into(),
        "online_access" => "keep access while you are signed in (refresh token)".into(),
        _ => {
            let (who, what) = scope.split_once('/').unwrap_or(("", scope));
            let (ty, _) = what.split_once('.').unwrap_or((what, ""));
            let ty = if ty == "*" { "all" } else { ty };
            match who {
                "patient" => format!("{ty} records of the chosen patient"),
                _ => format!("{ty} records of any patient you can see"),
            }
        }
    }
}

/// `POST {profile}/auth/authorize/decision`: the user's answer on the consent page.
pub(crate) async fn decision(State(ctx): State<Ctx>, body: Bytes) -> Response {
    let params = Params::parse(&body);
    let expired = || {
        html::framing(
            html::error_page(
                StatusCode::BAD_REQUEST,
                "This sign-in has expired",
                "The authorization request is unknown, expired or already answered. Start again from the app or the EHR.",
            ),
            ctx.sandbox.defaults.refuse_framing,
        )
    };
    let Some(request_id) = params.get("request_id") else {
        return expired();
    };
    let pending = ctx
        .sandbox
        .grants()
        .pending_request(request_id)
        .map(|(request, context)| (request.clone(), context.cloned()));
    let Some((request, launched)) = pending.filter(|(r, _)| r.profile == ctx.profile.name) else {
        return expired();
    };
    let username = params.get("username").unwrap_or_default();
    let again = |message: &'static str| {
        page(
            &ctx,
            request_id,
            &request,
            launched.as_ref(),
            Some(message),
            username,
        )
    };
    match params.get("decision") {
        Some("deny") => {
            ctx.sandbox.grants().finish_request(request_id);
            let state = Some(request.state.as_str());
            let description = "The user denied the app access.";
            return redirect_with_error(
                &ctx,
                &request.redirect_uri,
                state,
                "access_denied",
                description,
                StatusCode::SEE_OTHER,
            );
        }
        Some("allow") => {}
        _ => return again("Choose Allow or Deny.").await,
    }
    if username != USERNAME || params.get("password") != Some(PASSWORD) {
        return again(
            "The user name or password is not right (the sandbox account is clinician / demo).",
        )
        .await;
    }
    let context = match launched {
        Some(context) => context,
        None => {
            let Some(patient) = params.get("patient") else {
                return again("Choose a patient to continue.").await;
            };
            match ctx.sandbox.patient(patient).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return again("That patient is not in this EHR; choose one from the list.")
                        .await
                }
                Err(unusable) => {
                    return html::framing(unusable.page(), request.options.refuse_framing)
                }
            }
            LaunchContext {
                patient: Some(patient.to_string()),
                encounter: None,
            }
        }
    };
    let mut grants = ctx.sandbox.grants();
    let Some(request) = grants.finish_request(request_id) else {
        return expired();
    };
    let code = grants.issue_code(request.clone(), context, ctx.sandbox.lifetimes.code);
    redirect_with_code(&ctx, &request, &code, StatusCode::SEE_OTHER)
}
