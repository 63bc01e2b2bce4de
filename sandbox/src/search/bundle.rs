//! The searchset Bundle (FHIR R4 §3.1.1.2 "Search results", §3.1.1.5.8 "Paging"): `total`,
//! `self` and `next` links as absolute URLs on this server, entries with `fullUrl` and
//! `search.mode` (`match`, or `include` for `_include`d resources).

use serde_json::{json, Value};

use super::Query;

/// One page of `matches` for `query`, with `included` resources after the matches.
pub(crate) fn searchset(
    base: &str,
    query: &Query,
    matches: &[&Value],
    included: &[Value],
) -> Value {
    let total = matches.len();
    let page = page(query, matches);
    let url = |offset: Option<usize>| {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        serializer.extend_pairs(query.pairs.iter());
        if let Some(offset) = offset.filter(|o| *o > 0) {
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
    let mut links = vec![json!({ "relation": "self", "url": url(Some(query.offset)) })];
    let next = query.offset + query.count;
    if query.count > 0 && next < total {
        links.push(json!({ "relation": "next", "url": url(Some(next)) }));
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
