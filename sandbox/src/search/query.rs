//! A search query: parsed strictly against the registry and the profile, run over the store,
//! and checked against v2 scope restrictions.

use serde_json::Value;

use super::matching::{self, SearchValue};
use crate::data::Store;
use crate::profile::Profile;
use crate::registry::{Kind, Param, Type};

/// Default page size.
const DEFAULT_COUNT: usize = 50;

/// A parsed search.
#[derive(Debug)]
pub(crate) struct Query {
    /// The searched type.
    pub(crate) ty: &'static Type,
    /// AND-ed criteria, each with its OR-ed values and the text it came from.
    criteria: Vec<(&'static Param, Vec<SearchValue>)>,
    /// Page size.
    pub(crate) count: usize,
    /// Index of the first match on this page.
    pub(crate) offset: usize,
    /// Sort key and whether descending.
    sort: Option<(&'static Param, bool)>,
    /// `_include=MedicationRequest:medication` was asked for.
    pub(crate) include_medication: bool,
    /// The query's parameters without `_offset`, in order, for the paging links.
    pub(crate) pairs: Vec<(String, String)>,
    /// `_summary=count`: the total alone, no entries.
    summary_count: bool,
}

/// Parses the query string of a search on `ty`; the error names the parameter at fault.
pub(crate) fn parse(ty: &'static Type, raw: &str, profile: &Profile) -> Result<Query, String> {
    let mut query = Query {
        ty,
        criteria: Vec::new(),
        count: DEFAULT_COUNT.min(profile.max_count),
        offset: 0,
        sort: None,
        include_medication: false,
        pairs: Vec::new(),
        summary_count: false,
    };
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        // §3.1.1.5: a parameter with an empty value is ignored.
        if value.is_empty() {
            continue;
        }
        if name != "_offset" {
            query.pairs.push((name.to_string(), value.to_string()));
        }
        match name.as_ref() {
            "_count" if query.summary_count => {}
            "_count" => query.count = number(&name, &value)?.min(profile.max_count),
            // §3.1.1.5.7: `count` asks for the total alone; other summaries are not offered.
            "_summary" if value == "count" => {
                query.summary_count = true;
                query.count = 0;
            }
            "_summary" => {
                return Err(format!(
                    "_summary={value} is not supported by this server; only _summary=count is."
                ))
            }
            "_offset" => query.offset = number(&name, &value)?,
            "_sort" if profile.sort => query.sort = Some(sort_key(ty, &value)?),
            "_include" if profile.include => {
                if !ty.includes.contains(&value.as_ref()) {
                    return Err(format!(
                        "_include={value} is not supported on {}; supported: {}.",
                        ty.name,
                        list(ty.includes.iter().copied())
                    ));
                }
                query.include_medication = true;
            }
            "_sort" | "_include" => {
                return Err(format!(
                    "The search parameter {name} is not supported by this server."
                ))
            }
            _ => {
                let Some(param) = ty.param(&name) else {
                    return Err(unknown(ty, &name));
                };
                let values = value
                    .split(',')
                    .map(|v| matching::parse_value(param.kind, v))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("{name}: {e}."))?;
                query.criteria.push((param, values));
            }
        }
    }
    if profile.observation_needs_category && ty.name == "Observation" && !query.has("category") {
        return Err(
            "An Observation search must name a category (e.g. category=vital-signs).".into(),
        );
    }
    Ok(query)
}

fn number(name: &str, value: &str) -> Result<usize, String> {
    value
        .parse()
        .map_err(|_| format!("{name} must be a whole number, not \"{value}\"."))
}

fn sort_key(ty: &Type, value: &str) -> Result<(&'static Param, bool), String> {
    let (name, descending) = match value.strip_prefix('-') {
        Some(name) => (name, true),
        None => (value, false),
    };
    match ty
        .param(name)
        .filter(|p| matches!(p.kind, Kind::Date | Kind::String))
    {
        Some(param) => Ok((param, descending)),
        None => Err(format!(
            "_sort={value} is not supported on {}; sort keys: {}.",
            ty.name,
            list(ty.sort_params().map(|p| p.name))
        )),
    }
}

/// A resource's place in a `_sort` by `param`: the start of a date, or the first string
/// lower-cased; resources without one sort last either way.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Date(i64),
    Text(String),
}

fn sort_value(resource: &Value, param: &Param) -> Option<SortKey> {
    match param.kind {
        Kind::String => matching::strings(resource, param.path)
            .first()
            .map(|text| SortKey::Text(text.to_lowercase())),
        _ => matching::date_range(resource, param.path).map(|d| SortKey::Date(d.start)),
    }
}

fn unknown(ty: &Type, name: &str) -> String {
    let names = std::iter::once("_id").chain(ty.params.iter().map(|p| p.name));
    format!(
        "Unknown search parameter \"{name}\" for {}. Supported: {}, _count, _sort, _include.",
        ty.name,
        list(names)
    )
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

impl Query {
    /// True when the query has a criterion named `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.criteria.iter().any(|(p, _)| p.name == name)
    }

    /// The patients a `patient` or `subject` criterion names (ids), if there is one.
    pub(crate) fn named_patients(&self) -> Option<Vec<String>> {
        let (_, values) = self
            .criteria
            .iter()
            .find(|(p, _)| p.kind == Kind::Reference)?;
        Some(
            values
                .iter()
                .filter_map(|v| match v {
                    SearchValue::Reference(r) => {
                        Some(r.strip_prefix("Patient/").unwrap_or(r).to_string())
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    /// The values given for parameter `name` (the raw text), comma-split.
    pub(crate) fn raw_values(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .flat_map(|(_, v)| v.split(','))
            .collect()
    }

    /// Every match, in store order or sorted.
    pub(crate) fn run<'a>(&self, store: &'a Store, compartment: Option<&str>) -> Vec<&'a Value> {
        let candidates = match (compartment, self.named_patients()) {
            (Some(patient), _) if self.ty.patient_path.is_some() => {
                store.of_patient(patient, self.ty.name)
            }
            (_, Some(ids)) => ids
                .iter()
                .flat_map(|id| store.of_patient(id, self.ty.name))
                .collect(),
            _ => store.all(self.ty.name),
        };
        let mut matches: Vec<&Value> = candidates.into_iter().filter(|r| self.matches(r)).collect();
        if let Some((param, descending)) = self.sort {
            let key = |r: &Value| sort_value(r, param);
            matches.sort_by(|a, b| match (key(a), key(b)) {
                (Some(x), Some(y)) if descending => y.cmp(&x),
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            });
        }
        matches
    }

    /// True when `resource` meets every criterion.
    pub(crate) fn matches(&self, resource: &Value) -> bool {
        self.criteria
            .iter()
            .all(|(param, values)| matching::matches_any(resource, param, values))
    }
}

/// True when `resource` of type `ty` satisfies one of the scope `restrictions` (SMART v2
/// granular scopes: each pair is a search parameter and value); true when there are none.
pub(crate) fn satisfies(
    ty: &'static Type,
    resource: &Value,
    restrictions: &[Vec<(String, String)>],
) -> bool {
    restrictions.is_empty()
        || restrictions.iter().any(|pairs| {
            pairs.iter().all(|(name, value)| {
                let Some(param) = ty.param(name) else {
                    return false;
                };
                matching::parse_value(param.kind, value)
                    .is_ok_and(|v| matching::matches_any(resource, param, &[v]))
            })
        })
}

/// True when the query stays inside one of the scope `restrictions`: it names every
/// restricted parameter, each of its values equal to the granted one (or its code alone).
pub(crate) fn within(query: &Query, restrictions: &[Vec<(String, String)>]) -> bool {
    restrictions.is_empty()
        || restrictions.iter().any(|pairs| {
            pairs.iter().all(|(name, granted)| {
                let asked = query.raw_values(name);
                let code = granted.rsplit('|').next().unwrap_or(granted);
                !asked.is_empty() && asked.iter().all(|a| a == granted || *a == code)
            })
        })
}
