//! Planning the `scope` parameter from what the app needs to read (least privilege, SMART
//! App Launch 2.2 §"Wildcard scopes": "request only the scopes and permissions they need"),
//! and comparing what was granted with what was asked for. Per-issuer overrides from
//! `config.json` are applied by the caller; this is a pure function of its inputs.

use super::authorize::LaunchKind;
use super::discovery::{Capability, Discovery};
use super::scope::{Compartment, ContextRequest, ResourceScope, Scope, ScopeSet, ScopeSyntax};

/// How the app uses a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedKind {
    /// One resource by id (e.g. `Patient/123`).
    Read,
    /// A type-level search.
    Search,
}

/// One kind of data the app wants for the patient in context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataNeed {
    /// A FHIR resource type, e.g. `Observation`.
    pub resource_type: String,
    /// Read by id or search.
    pub kind: NeedKind,
    /// A search restriction, e.g. `("category", "system|laboratory")`.
    pub filter: Option<(String, String)>,
    /// Other values of the filter's parameter naming the same records another way (the same
    /// category coded in an older code system). Granular scopes ask for them beside the
    /// filter, so a server honouring them shares those records too; the search is covered
    /// without them, but a grant without them may withhold such records.
    pub also: Vec<String>,
}

impl DataNeed {
    /// A read of one resource of this type.
    pub fn read(resource_type: &str) -> Self {
        DataNeed {
            resource_type: resource_type.to_owned(),
            kind: NeedKind::Read,
            filter: None,
            also: Vec::new(),
        }
    }

    /// An unrestricted search of this type.
    pub fn search(resource_type: &str) -> Self {
        DataNeed {
            kind: NeedKind::Search,
            ..DataNeed::read(resource_type)
        }
    }

    /// A search restricted to `param=value`.
    pub fn search_where(resource_type: &str, param: &str, value: &str) -> Self {
        DataNeed {
            filter: Some((param.to_owned(), value.to_owned())),
            ..DataNeed::search(resource_type)
        }
    }

    /// The same need, with `value` as another spelling of its filter's value (see `also`).
    pub fn or_also(mut self, value: &str) -> Self {
        self.also.push(value.to_owned());
        self
    }
}

/// Whether, and how long, the app asks to renew its access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshAccess {
    /// No refresh scope.
    None,
    /// `online_access`: renewable while the user is signed in.
    Online,
    /// `offline_access`: renewable after the user leaves.
    Offline,
}

/// Everything the planner decides from.
#[derive(Debug, Clone, Copy)]
pub struct ScopeRequest<'a> {
    /// The app's data needs, in the order sections appear.
    pub needs: &'a [DataNeed],
    /// What the server understands; see [`syntax_for`].
    pub syntax: ScopeSyntax,
    /// Ask for `?param=value` scopes where every need of a type is restricted (v2 only).
    pub granular: bool,
    /// EHR launch asks for `launch`, standalone for `launch/patient`.
    pub launch: &'a LaunchKind,
    /// Ask for `openid fhirUser`.
    pub identity: bool,
    /// Ask for a refresh token.
    pub refresh: RefreshAccess,
}

/// v2 syntax when the server advertises `permission-v2`, v1 otherwise (SMART 2.2
/// §"Capabilities").
pub fn syntax_for(discovery: &Discovery) -> ScopeSyntax {
    if discovery.has(&Capability::PermissionV2) {
        ScopeSyntax::V2
    } else {
        ScopeSyntax::V1
    }
}

/// The smallest scope set that covers the needs: context, identity, refresh, then one
/// `patient/` scope per resource type in first-seen order. A type gets granular scopes only
/// when every need of it carries a filter; one unrestricted need makes it plain. A granular
/// need asks for one scope per spelling of its filter (the filter, then `also`): SMART 2.2
/// grants the union of the scopes, and a value list in one scope is not something servers
/// must understand. Read-only needs still ask for `rs`, the unit servers list in
/// `scopes_supported`.
pub fn plan_scopes(request: &ScopeRequest) -> ScopeSet {
    let mut scopes = ScopeSet::default();
    scopes.insert(match request.launch {
        LaunchKind::Ehr { .. } => Scope::Launch,
        LaunchKind::Standalone => Scope::Context(ContextRequest::Patient),
    });
    if request.identity {
        scopes.insert(Scope::OpenId);
        scopes.insert(Scope::FhirUser);
    }
    let refresh = match request.refresh {
        RefreshAccess::None => None,
        RefreshAccess::Online => Some(Scope::OnlineAccess),
        RefreshAccess::Offline => Some(Scope::OfflineAccess),
    };
    scopes.extend(refresh);
    let granular = request.granular && request.syntax == ScopeSyntax::V2;
    for need in request.needs {
        let of_type = || {
            request
                .needs
                .iter()
                .filter(|other| other.resource_type == need.resource_type)
        };
        let scope = ResourceScope::read(Compartment::Patient, &need.resource_type, request.syntax);
        match &need.filter {
            Some((param, value)) if granular && of_type().all(|other| other.filter.is_some()) => {
                for value in std::iter::once(value).chain(&need.also) {
                    let mut narrowed = scope.clone();
                    narrowed.query.push((param.clone(), value.clone()));
                    scopes.insert(Scope::Resource(narrowed));
                }
            }
            _ => {
                scopes.insert(Scope::Resource(scope));
            }
        }
    }
    scopes
}

/// What the server did not grant of what was asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeDifference {
    /// Requested scopes that no granted scope (or combination of letters) covers.
    pub not_granted: Vec<Scope>,
}

impl ScopeDifference {
    /// True when everything asked for was granted.
    pub fn is_empty(&self) -> bool {
        self.not_granted.is_empty()
    }
}

/// Lists the requested scopes the grant does not cover. A broader grant covers a narrower
/// request (`patient/*.rs` covers `patient/Observation.read`); v1 and v2 spellings compare
/// by meaning. Other scopes compare exactly, so a `launch` the server did not echo is listed;
/// callers judging data access should look at the resource scopes.
pub fn granted_vs_requested(requested: &ScopeSet, granted: &ScopeSet) -> ScopeDifference {
    ScopeDifference {
        not_granted: requested
            .iter()
            .filter(|scope| !granted.covers(scope))
            .cloned()
            .collect(),
    }
}

/// Whether this launch may fetch a need's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// The grant covers it: fetch.
    Shared,
    /// The grant covers the search, but not every spelling of its filter (a need's `also`):
    /// fetch, knowing the server may withhold records that spell it another way.
    Narrowed,
    /// Not granted: show the section as not shared and send no request.
    NotShared,
}

impl Coverage {
    /// The words a section shows when its data is not shared.
    pub const NOT_SHARED_TEXT: &'static str = "Not shared by this launch.";
}

/// Does the grant cover this need for the patient in context?
pub fn coverage(granted: &ScopeSet, need: &DataNeed) -> Coverage {
    let covered = |filter: Option<(&str, &str)>| match need.kind {
        NeedKind::Read => granted.allows_read(&need.resource_type),
        NeedKind::Search => {
            granted.allows_search(&need.resource_type, filter.as_slice(), Compartment::Patient)
        }
    };
    let filter = need
        .filter
        .as_ref()
        .map(|(name, value)| (name.as_str(), value.as_str()));
    if !covered(filter) {
        Coverage::NotShared
    } else if filter.is_some_and(|(name, _)| {
        need.also
            .iter()
            .any(|value| !covered(Some((name, value.as_str()))))
    }) {
        Coverage::Narrowed
    } else {
        Coverage::Shared
    }
}

#[cfg(test)]
#[path = "scope_plan_tests.rs"]
mod tests;
