//! Upstream mode (`Options::upstream`, `--upstream URL`): the FHIR endpoints of every profile
//! answer from another FHIR R4 server, one without authorization, instead of the in-process
//! store, and the EHR page and the sign-in page's patient picker list that server's patients.
//! The sandbox stays in front of it: the authorization server, tokens, scope checks, CORS and
//! each profile's quirks are the sandbox's own (see `fhir` for what is checked before and
//! after a request is relayed).
//!
//! Every string in an upstream answer that is the upstream base or starts with it followed by
//! `/` or `?` (Bundle `link[].url`, `entry[].fullUrl`, absolute references) is rewritten to
//! the base of the profile that relayed it, so the app never learns the upstream's address and
//! its `next` links come back through the sandbox's checks.
//!
//! Paging links are relayed by provenance: the parameters of an upstream's `next` link are its
//! own business (`_getpages` on HAPI, `_cursor` on helios-hfs, `_page_token`…), so the sandbox
//! does not judge them by its own search rules. It remembers each link it handed out, for the
//! profile and token family it handed it to, and relays exactly those; any other query still
//! meets the sandbox's strict search parser, so no parameter can be smuggled upstream.
//!
//! Only `http://` upstreams: the sandbox has no TLS client.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use axum::response::Response;
use serde_json::Value;
use url::Url;

use crate::data::{summarize, PatientSummary};
use crate::html;

/// How many patients the EHR page and the consent page list (`Patient?_count=`).
const PATIENT_LIST_COUNT: usize = 100;
/// A closed port fails at once; this bounds a host that does not answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Long enough for a big page from a slow public server.
const TIMEOUT: Duration = Duration::from_secs(60);
/// How long a handed-out paging link stays usable: a long reading session, not forever.
const LINK_LIFETIME: Duration = Duration::from_secs(3600);

/// The FHIR server a sandbox stands in front of.
#[derive(Debug)]
pub(crate) struct Upstream {
    /// The base URL without a trailing `/`.
    base: String,
    client: reqwest::Client,
    /// The paging links handed out, with the upstream path each stands for.
    links: Mutex<HashMap<LinkKey, (String, Instant)>>,
}

/// Who a paging link was handed to: a profile, and on a secured one the token family (so a
/// link works with the token that got it, or one refreshed from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct LinkHolder {
    /// The profile that relayed the answer.
    pub(crate) profile: &'static str,
    /// The token family, `None` on an open profile.
    pub(crate) family: Option<u64>,
}

/// A handed-out link as it comes back: its holder, the resource type segment (`None` for a
/// link on the base itself, as HAPI's `?_getpages=`) and its decoded query parameters, so
/// that a client re-encoding the URL still finds it.
#[derive(Debug, PartialEq, Eq, Hash)]
struct LinkKey {
    holder: LinkHolder,
    resource_type: Option<String>,
    params: Vec<(String, String)>,
}

impl LinkKey {
    fn new(holder: LinkHolder, resource_type: Option<&str>, query: &str) -> LinkKey {
        LinkKey {
            holder,
            resource_type: resource_type.map(str::to_owned),
            params: url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        }
    }
}

/// Why the upstream gave no usable answer, in words for an OperationOutcome or a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unusable(pub(crate) String);

impl Unusable {
    /// The 502 page of the sandbox's own pages (EHR page, sign-in) when the upstream fails.
    pub(crate) fn page(&self) -> Response {
        html::error_page(
            StatusCode::BAD_GATEWAY,
            "The upstream FHIR server did not answer",
            &self.0,
        )
    }
}

impl Upstream {
    /// An upstream at `base`; the error says what is wrong with the URL.
    pub(crate) fn new(base: &str) -> Result<Upstream, String> {
        let url = Url::parse(base).map_err(|e| format!("upstream \"{base}\" is not a URL: {e}"))?;
        if url.scheme() != "http" {
            return Err(format!(
                "upstream \"{base}\": only http:// servers can be fronted (the sandbox has no TLS client)"
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "upstream \"{base}\": give the FHIR base URL, without a query or fragment"
            ));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            // A redirect could lead anywhere; the sandbox relays only its upstream's answers.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("no HTTP client for the upstream: {e}"))?;
        Ok(Upstream {
            base: url.as_str().trim_end_matches('/').to_string(),
            client,
            links: Mutex::default(),
        })
    }

    /// `GET {upstream base}/{path}`, or `{upstream base}{path}` for a path that is only a
    /// query (`?…`): the status and the FHIR JSON body, with the upstream's URLs rewritten to
    /// `own_base`.
    pub(crate) async fn get(
        &self,
        path: &str,
        own_base: &str,
    ) -> Result<(StatusCode, Value), Unusable> {
        let url = if path.is_empty() || path.starts_with('?') {
            format!("{}{path}", self.base)
        } else {
            format!("{}/{path}", self.base)
        };
        let unreachable = |e: reqwest::Error| {
            Unusable(format!(
                "The upstream FHIR server {} did not answer: {e}.",
                self.base
            ))
        };
        let response = self
            .client
            .get(&url)
            .header(header::ACCEPT, "application/fhir+json")
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unreachable)?;
        let mut json: Value = serde_json::from_slice(&body).map_err(|_| {
            Unusable(format!(
                "The upstream FHIR server answered {url} with HTTP {status} and no FHIR JSON."
            ))
        })?;
        rewrite(&mut json, &self.base, own_base);
        Ok((status, json))
    }

    /// The first patients of the upstream (`Patient?_count=100`), for the EHR page.
    pub(crate) async fn patients(&self) -> Result<Vec<PatientSummary>, Unusable> {
        let path = format!("Patient?_count={PATIENT_LIST_COUNT}");
        let (status, bundle) = self.get(&path, &self.base).await?;
        if !status.is_success() {
            return Err(Unusable(format!(
                "The upstream FHIR server {} answered its patient list with HTTP {status}.",
                self.base
            )));
        }
        let entries = bundle["entry"].as_array().into_iter().flatten();
        Ok(entries
            .map(|entry| &entry["resource"])
            .filter(|resource| resource["resourceType"] == "Patient")
            .map(summarize)
            .collect())
    }

    /// The upstream's patient `id` (a FHIR id, checked by the caller), or `None` when the
    /// upstream does not know it.
    pub(crate) async fn patient(&self, id: &str) -> Result<Option<PatientSummary>, Unusable> {
        let (status, patient) = self.get(&format!("Patient/{id}"), &self.base).await?;
        match status {
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(None),
            status if status.is_success() && patient["resourceType"] == "Patient" => {
                Ok(Some(summarize(&patient)))
            }
            status => Err(Unusable(format!(
                "The upstream FHIR server {} answered Patient/{id} with HTTP {status}.",
                self.base
            ))),
        }
    }

    /// Remembers the paging links (every `link` but `self`) of `bundle`, an answer already
    /// rewritten to `own_base`, as handed out to `holder`. Links elsewhere are left for the
    /// app to refuse.
    pub(crate) fn hand_out_links(&self, bundle: &Value, own_base: &str, holder: LinkHolder) {
        let links = bundle["link"].as_array().into_iter().flatten();
        let paging = links.filter(|link| link["relation"] != "self");
        let handed: Vec<(LinkKey, String)> = paging
            .filter_map(|link| link["url"].as_str()?.strip_prefix(own_base))
            .filter_map(|rest| {
                let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
                let resource_type = match path {
                    "" => None,
                    path => Some(path.strip_prefix('/')?),
                };
                if resource_type.is_some_and(|ty| ty.contains('/')) {
                    return None;
                }
                let upstream_path = rest.strip_prefix('/').unwrap_or(rest).to_owned();
                Some((LinkKey::new(holder, resource_type, query), upstream_path))
            })
            .collect();
        let now = Instant::now();
        let mut links = self.lock_links();
        links.retain(|_, (_, expires)| *expires > now);
        for (key, path) in handed {
            links.insert(key, (path, now + LINK_LIFETIME));
        }
    }

    /// The upstream path of the paging link `{own base}/{resource_type}?{query}` (or
    /// `{own base}?{query}`) if it was handed out to `holder` and is still usable.
    pub(crate) fn handed_out(
        &self,
        holder: LinkHolder,
        resource_type: Option<&str>,
        query: &str,
    ) -> Option<String> {
        let key = LinkKey::new(holder, resource_type, query);
        let links = self.lock_links();
        let (path, expires) = links.get(&key)?;
        (*expires > Instant::now()).then(|| path.clone())
    }

    fn lock_links(&self) -> std::sync::MutexGuard<'_, HashMap<LinkKey, (String, Instant)>> {
        self.links
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Replaces `from` at the start of every string in `value` by `to`, where `from` is the whole
/// string or is followed by `/` or `?` (so `http://h/fhir2` is not taken for `http://h/fhir`).
fn rewrite(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(text) => {
            if let Some(rest) = text.strip_prefix(from) {
                if rest.is_empty() || rest.starts_with(['/', '?']) {
                    *text = format!("{to}{rest}");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, from, to)),
        Value::Object(fields) => fields.values_mut().for_each(|v| rewrite(v, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_full_urls_and_references_under_the_upstream_base_are_rewritten() {
        let mut bundle = json!({
            "link": [{ "relation": "next", "url": "http://up/fhir?_getpages=x" }],
            "entry": [{
                "fullUrl": "http://up/fhir/Condition/1",
                "resource": { "subject": { "reference": "http://up/fhir/Patient/p" } },
            }],
            "other": ["http://up/fhir", "http://up/fhir2/Patient/p", "see http://up/fhir"],
        });
        rewrite(
            &mut bundle,
            "http://up/fhir",
            "http://localhost:9000/reference/fhir",
        );
        assert_eq!(
            bundle,
            json!({
                "link": [{ "relation": "next", "url": "http://localhost:9000/reference/fhir?_getpages=x" }],
                "entry": [{
                    "fullUrl": "http://localhost:9000/reference/fhir/Condition/1",
                    "resource": { "subject": { "reference": "http://localhost:9000/reference/fhir/Patient/p" } },
                }],
                "other": ["http://localhost:9000/reference/fhir", "http://up/fhir2/Patient/p", "see http://up/fhir"],
            })
        );
    }

    #[test]
    fn a_paging_link_is_known_only_to_its_holder_however_its_query_is_encoded() {
        let upstream = Upstream::new("http://up/fhir").expect("an upstream");
        let holder = LinkHolder {
            profile: "reference",
            family: Some(1),
        };
        let own = "http://localhost:9000/reference/fhir";
        let bundle = json!({ "link": [
            { "relation": "self", "url": format!("{own}/Observation?code=a") },
            { "relation": "next", "url": format!("{own}/Observation?_cursor=a%2Fb%3D&code=x|y") },
        ]});
        upstream.hand_out_links(&bundle, own, holder);
        let reencoded = "_cursor=a/b%3D&code=x%7Cy";
        assert_eq!(
            upstream.handed_out(holder, Some("Observation"), reencoded),
            Some("Observation?_cursor=a%2Fb%3D&code=x|y".to_string())
        );
        let other_family = LinkHolder {
            family: Some(2),
            ..holder
        };
        assert_eq!(
            upstream.handed_out(other_family, Some("Observation"), reencoded),
            None
        );
        assert_eq!(
            upstream.handed_out(holder, Some("Condition"), reencoded),
            None
        );
        assert_eq!(upstream.handed_out(holder, None, reencoded), None);
        assert_eq!(
            upstream.handed_out(holder, Some("Observation"), "code=a"),
            None
        );
    }

    #[test]
    fn only_plain_http_base_urls_are_accepted() {
        assert!(Upstream::new("http://localhost:8080/fhir/").is_ok());
        for bad in [
            "https://hapi.example/fhir",
            "not a url",
            "http://h/fhir?x=1",
        ] {
            assert!(Upstream::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_base_is_kept_without_its_trailing_slash() {
        let upstream = Upstream::new("http://localhost:8080/fhir/").ok();
        assert_eq!(
            upstream.map(|u| u.base),
            Some("http://localhost:8080/fhir".to_string())
        );
    }
}
