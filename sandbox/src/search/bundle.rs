//! The searchset Bundle (FHIR R4 §3.1.1.2 "Search results", §3.1.1.5.8 "Paging"): `total`,
//! `self` and `next` links as absolute URLs on this server, entries with `fullUrl` and
//! `search.mode` (`match`, or `include` for `_include`d resources). Simulations may bend
//! the `next` link ([`NextLinks`]).

use serde_json::{json, Value};

use super::query::Query;

/// Where `next` links point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextLinks<'a> {
    /// To the following page, while there is one.
    Honest,
    /// `paging_loop`: the first page to a second one, every later page back to the first
    /// (`paging_second_page_fails` uses its first link, and fails the second page).
    Loop,
    /// `paging_foreign_next`: the first page to the second one's path on the given origin.
    Foreign(&'a str),
    /// `paging_escaping_next`: the first page to the second one's query on a path that
    /// leaves the base once `%2F` is decoded (`{base}/..%2Foutside/{type}`).
    Escaping,
}

/// One page of `matches` for `query`, with `included` resources after the matches.
pub(crate) fn searchset(
    base: &str,
    query: &Query,
    matches: &[&Value],
    included: &[Value],
    next_links: NextLinks,
) -> Value {
    let total = matches.len();
    let page = page(query, matches);
    let link = |base: &str, offset: usize| {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        serializer.extend_pairs(query.pairs.iter());
        if offset > 0 {
            serializer.append_pair("_offset", &offset.to_string());
        }
        let params = serializer.finish();
        let ty = query.ty.name;
        if params.is_empty() {
            format!("{base}/{ty}")
        } else {
            format!("{base}/{ty}?{params}")
        }
    };
    let mut links = vec![json!({ "relation": "self", "url": link(base, query.offset) })];
    let following = query.offset + query.count;
    let first_page = query.offset == 0;
    let next = match next_links {
        NextLinks::Loop if first_page => Some(link(base, query.count)),
        NextLinks::Loop => Some(link(base, 0)),
        NextLinks::Foreign(origin) if first_page => {
            let path = url::Url::parse(base).map(|b| b.path().to_string());
            Some(link(
                &format!("{origin}{}", path.unwrap_or_default()),
                query.count,
            ))
        }
        NextLinks::Escaping if first_page => {
            Some(link(&format!("{base}/..%2Foutside"), query.count))
        }
        _ => (query.count > 0 && following < total).then(|| link(base, following)),
    };
    if let Some(next) = next {
        links.push(json!({ "relation": "next", "url": next }));
    }
    let entry = |resource: &Value, mode: &str| {
        let ty = resource["resourceType"].as_str().unwrap_or_default();
        let id = resource["id"].as_str().unwrap_or_default();
        json!({
            "fullUrl": format!("{base}/{ty}/{id}"),
            "resource": resource,
            "search": { "mode": mode },
        })
    };
    let entries: Vec<Value> = page
        .iter()
        .map(|r| entry(r, "match"))
        .chain(included.iter().map(|r| entry(r, "include")))
        .collect();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
    });
    if !entries.is_empty() {
        bundle["entry"] = json!(entries);
    }
    bundle
}

/// The page of `matches` the query asks for.
pub(crate) fn page<'a>(query: &Query, matches: &[&'a Value]) -> Vec<&'a Value> {
    matches
        .iter()
        .skip(query.offset)
        .take(query.count)
        .copied()
        .collect()
}
