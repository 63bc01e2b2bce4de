//! SMART scopes as a type (SMART App Launch 2.2 §"Scopes and Launch Context"): v1
//! (`patient/Observation.read`) and v2 (`patient/Observation.rs`, with granular
//! `?category=system|code` queries), context, identity and access scopes, and unknown vendor
//! scopes kept as written. A [`ScopeSet`] answers what a grant allows.

use crate::problem::UserFacing;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use thiserror::Error;

/// Whose data a resource scope covers: the `patient/`, `user/` or `system/` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compartment {
    /// `patient/`: the patient in context.
    Patient,
    /// `user/`: whatever the signed-in user may see.
    User,
    /// `system/`: a backend client's own access.
    System,
}

impl Compartment {
    /// The prefix as written, without the slash.
    pub fn as_str(self) -> &'static str {
        match self {
            Compartment::Patient => "patient",
            Compartment::User => "user",
            Compartment::System => "system",
        }
    }

    /// True when a scope of this compartment covers access in `wanted`. A `user/` grant covers
    /// the patient in context, because the user's access includes that patient's record (the
    /// IG's `user/` scopes are "resources that the current user can access"); `system/` covers
    /// only system access, since a user-facing launch is not a backend client.
    pub fn covers(self, wanted: Compartment) -> bool {
        self == wanted || (self == Compartment::User && wanted == Compartment::Patient)
    }

    fn parse(text: &str) -> Option<Compartment> {
        match text {
            "patient" => Some(Compartment::Patient),
            "user" => Some(Compartment::User),
            "system" => Some(Compartment::System),
            _ => None,
        }
    }
}

/// Which scope syntax a server understands (its `permission-v1` / `permission-v2` capability).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeSyntax {
    /// `.read`, `.write`, `.*`.
    V1,
    /// `.cruds` letters, optionally with a query.
    V2,
}

/// The v1 permission suffixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V1Access {
    /// `.read`, equivalent to v2 `.rs`.
    Read,
    /// `.write`, equivalent to v2 `.cud`.
    Write,
    /// `.*`, equivalent to v2 `.cruds`.
    All,
}

/// The v2 permission letters, each granted or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Cruds {
    /// `c`: create.
    pub create: bool,
    /// `r`: read one resource by id.
    pub read: bool,
    /// `u`: update.
    pub update: bool,
    /// `d`: delete.
    pub delete: bool,
    /// `s`: search.
    pub search: bool,
}

impl Cruds {
    /// `rs`: read and search, what Bedside needs.
    pub const READ_SEARCH: Cruds = Cruds::from_flags([false, true, false, false, true]);

    const LETTERS: [char; 5] = ['c', 'r', 'u', 'd', 's'];

    fn flags(self) -> [bool; 5] {
        [
            self.create,
            self.read,
            self.update,
            self.delete,
            self.search,
        ]
    }

    const fn from_flags(flags: [bool; 5]) -> Cruds {
        let [create, read, update, delete, search] = flags;
        Cruds {
            create,
            read,
            update,
            delete,
            search,
        }
    }

    /// Parses letters that must be a non-empty, in-order subset of `c r u d s`.
    pub fn parse(letters: &str) -> Result<Cruds, PermissionProblem> {
        let mut flags = [false; 5];
        let mut last = None;
        for letter in letters.chars() {
            let index = Self::LETTERS
                .iter()
                .position(|&l| l == letter)
                .ok_or(PermissionProblem::UnknownLetter(letter))?;
            if flags[index] {
                return Err(PermissionProblem::Repeated(letter));
            }
            if last.is_some_and(|previous| index < previous) {
                return Err(PermissionProblem::OutOfOrder(letter));
            }
            flags[index] = true;
            last = Some(index);
        }
        if last.is_none() {
            return Err(PermissionProblem::Empty);
        }
        Ok(Cruds::from_flags(flags))
    }

    /// Each granted permission on its own, in c-r-u-d-s order.
    pub fn single_letters(self) -> impl Iterator<Item = Cruds> {
        let flags = self.flags();
        (0..5).filter(move |&i| flags[i]).map(|i| {
            let mut one = [false; 5];
            one[i] = true;
            Cruds::from_flags(one)
        })
    }

    /// True when every permission in `other` is also in `self`.
    pub fn contains(self, other: Cruds) -> bool {
        self.flags()
            .iter()
            .zip(other.flags())
            .all(|(&mine, theirs)| mine || !theirs)
    }
}

impl fmt::Display for Cruds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (letter, set) in Self::LETTERS.iter().zip(self.flags()) {
            if set {
                write!(f, "{letter}")?;
            }
        }
        Ok(())
    }
}

/// A resource scope's permission part, kept in the syntax it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permissions {
    /// v1 `.read` / `.write` / `.*`.
    V1(V1Access),
    /// v2 letters.
    V2(Cruds),
}

impl Permissions {
    /// The equivalent v2 letters (SMART 2.2 §"Scope Equivalence": `.read`=`.rs`,
    /// `.write`=`.cud`, `.*`=`.cruds`).
    pub fn cruds(self) -> Cruds {
        match self {
            Permissions::V1(V1Access::Read) => Cruds::READ_SEARCH,
            Permissions::V1(V1Access::Write) => Cruds::from_flags([true, false, true, true, false]),
            Permissions::V1(V1Access::All) => Cruds::from_flags([true; 5]),
            Permissions::V2(cruds) => cruds,
        }
    }
}

/// `compartment/Type.permissions[?query]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceScope {
    /// `patient`, `user` or `system`.
    pub compartment: Compartment,
    /// A FHIR resource type, or `*` for all.
    pub resource_type: String,
    /// What may be done.
    pub permissions: Permissions,
    /// Granular restriction (v2 only): every pair must match the resource.
    pub query: Vec<(String, String)>,
}

impl ResourceScope {
    /// A `rs` (v2) or `read` (v1) scope for one type, without restriction.
    pub fn read(compartment: Compartment, resource_type: &str, syntax: ScopeSyntax) -> Self {
        ResourceScope {
            compartment,
            resource_type: resource_type.to_owned(),
            permissions: match syntax {
                ScopeSyntax::V1 => Permissions::V1(V1Access::Read),
                ScopeSyntax::V2 => Permissions::V2(Cruds::READ_SEARCH),
            },
            query: Vec::new(),
        }
    }

    /// True for `*` or the named type.
    pub fn covers_type(&self, resource_type: &str) -> bool {
        self.resource_type == "*" || self.resource_type == resource_type
    }

    /// True when this scope grants at least what `other` grants.
    pub fn covers(&self, other: &ResourceScope) -> bool {
        self.compartment.covers(other.compartment)
            && self.covers_type(&other.resource_type)
            && self.permissions.cruds().contains(other.permissions.cruds())
            && query_satisfied(&self.query, other.query.iter().map(pair_ref))
    }

    /// The same scope in v2 syntax.
    pub fn to_v2(&self) -> ResourceScope {
        ResourceScope {
            permissions: Permissions::V2(self.permissions.cruds()),
            ..self.clone()
        }
    }
}

fn pair_ref(pair: &(String, String)) -> (&str, &str) {
    (pair.0.as_str(), pair.1.as_str())
}

// A granular scope grants only resources matching every one of its pairs, so a search is
// within it only when the search carries each pair's parameter with a value no broader.
fn query_satisfied<'a>(
    restriction: &[(String, String)],
    search: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> bool {
    restriction.iter().all(|(name, allowed)| {
        search
            .clone()
            .any(|(param, value)| param == name && value_within(allowed, value))
    })
}

// Values are comma-separated alternatives (FHIR search OR). A token `system|code` in the
// scope admits only the same `system|code`: a bare `code` search could return codes of other
// systems. A bare `code` in the scope admits `code` and any `system|code`.
fn value_within(allowed: &str, searched: &str) -> bool {
    searched.split(',').all(|wanted| {
        allowed.split(',').any(|grant| {
            grant == wanted
                || (!grant.contains('|')
                    && wanted.rsplit_once('|').is_some_and(|(_, c)| c == grant))
        })
    })
}

/// A `launch/…` context request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContextRequest {
    /// `launch/patient`.
    Patient,
    /// `launch/encounter`.
    Encounter,
    /// Any other `launch/x`, kept as written after the slash.
    Other(String),
}

/// One parsed scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A clinical-data scope.
    Resource(ResourceScope),
    /// `launch`: EHR launch context.
    Launch,
    /// `launch/…`: standalone launch context.
    Context(ContextRequest),
    /// `openid`.
    OpenId,
    /// `fhirUser`.
    FhirUser,
    /// `profile` (SMART 1.0 identity).
    Profile,
    /// `offline_access`.
    OfflineAccess,
    /// `online_access`.
    OnlineAccess,
    /// A scope Bedside does not know (e.g. a vendor's), kept as written.
    Other(String),
}

impl Scope {
    /// Parses one scope. Text shaped like a resource scope must be valid; anything else that
    /// is not a known scope becomes [`Scope::Other`].
    pub fn parse(text: &str) -> Result<Scope, ScopeError> {
        if text.is_empty() || text.contains(char::is_whitespace) {
            return Err(ScopeError::NotOneScope(text.to_owned()));
        }
        Ok(match text {
            "launch" => Scope::Launch,
            "openid" => Scope::OpenId,
            "fhirUser" => Scope::FhirUser,
            "profile" => Scope::Profile,
            "offline_access" => Scope::OfflineAccess,
            "online_access" => Scope::OnlineAccess,
            "launch/patient" => Scope::Context(ContextRequest::Patient),
            "launch/encounter" => Scope::Context(ContextRequest::Encounter),
            _ => {
                if let Some(rest) = text.strip_prefix("launch/") {
                    return Ok(Scope::Context(ContextRequest::Other(rest.to_owned())));
                }
                match text.split_once('/') {
                    Some((prefix, rest)) => match Compartment::parse(prefix) {
                        Some(compartment) => parse_resource(text, compartment, rest)?,
                        None => Scope::Other(text.to_owned()),
                    },
                    None => Scope::Other(text.to_owned()),
                }
            }
        })
    }

    /// The same scope with v1 resource permissions rewritten as v2 letters.
    pub fn to_v2(&self) -> Scope {
        match self {
            Scope::Resource(resource) => Scope::Resource(resource.to_v2()),
            other => other.clone(),
        }
    }
}

fn parse_resource(text: &str, compartment: Compartment, rest: &str) -> Result<Scope, ScopeError> {
    let err = |problem| ScopeError::Malformed {
        scope: text.to_owned(),
        problem,
    };
    let (target, query) = match rest.split_once('?') {
        Some((target, query)) => (target, Some(query)),
        None => (rest, None),
    };
    let (resource_type, letters) = target
        .split_once('.')
        .ok_or(err(ScopeProblem::NoPermissions))?;
    let valid_type = resource_type == "*"
        || (resource_type.starts_with(|c: char| c.is_ascii_uppercase())
            && resource_type.chars().all(|c| c.is_ascii_alphabetic()));
    if !valid_type {
        return Err(err(ScopeProblem::ResourceType));
    }
    let permissions = match letters {
        "read" => Permissions::V1(V1Access::Read),
        "write" => Permissions::V1(V1Access::Write),
        "*" => Permissions::V1(V1Access::All),
        letters => {
            Permissions::V2(Cruds::parse(letters).map_err(|p| err(ScopeProblem::Permissions(p)))?)
        }
    };
    let query = match query {
        None => Vec::new(),
        Some(_) if matches!(permissions, Permissions::V1(_)) => {
            return Err(err(ScopeProblem::QueryOnV1))
        }
        Some(query) => query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if !name.is_empty() && !value.is_empty() => {
                    Ok((name.to_owned(), value.to_owned()))
                }
                _ => Err(err(ScopeProblem::Query)),
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(Scope::Resource(ResourceScope {
        compartment,
        resource_type: resource_type.to_owned(),
        permissions,
        query,
    }))
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Resource(r) => {
                write!(f, "{}/{}.", r.compartment.as_str(), r.resource_type)?;
                match r.permissions {
                    Permissions::V1(V1Access::Read) => f.write_str("read")?,
                    Permissions::V1(V1Access::Write) => f.write_str("write")?,
                    Permissions::V1(V1Access::All) => f.write_str("*")?,
                    Permissions::V2(cruds) => write!(f, "{cruds}")?,
                }
                for (i, (name, value)) in r.query.iter().enumerate() {
                    write!(f, "{}{name}={value}", if i == 0 { '?' } else { '&' })?;
                }
                Ok(())
            }
            Scope::Launch => f.write_str("launch"),
            Scope::Context(ContextRequest::Patient) => f.write_str("launch/patient"),
            Scope::Context(ContextRequest::Encounter) => f.write_str("launch/encounter"),
            Scope::Context(ContextRequest::Other(name)) => write!(f, "launch/{name}"),
            Scope::OpenId => f.write_str("openid"),
            Scope::FhirUser => f.write_str("fhirUser"),
            Scope::Profile => f.write_str("profile"),
            Scope::OfflineAccess => f.write_str("offline_access"),
            Scope::OnlineAccess => f.write_str("online_access"),
            Scope::Other(text) => f.write_str(text),
        }
    }
}

/// Scopes in first-seen order, without duplicates; printed space-separated (RFC 6749 §3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeSet(Vec<Scope>);

impl ScopeSet {
    /// Parses a space-separated list; runs of whitespace and trailing spaces are tolerated.
    pub fn parse(text: &str) -> Result<ScopeSet, ScopeError> {
        text.split_whitespace().map(Scope::parse).collect()
    }

    /// Parses what a server granted: a malformed entry is kept as [`Scope::Other`], which
    /// grants nothing, so one odd scope cannot end a session.
    pub fn parse_lenient(text: &str) -> ScopeSet {
        text.split_whitespace()
            .map(|s| Scope::parse(s).unwrap_or_else(|_| Scope::Other(s.to_owned())))
            .collect()
    }

    /// Adds a scope unless already present; true when it was added.
    pub fn insert(&mut self, scope: Scope) -> bool {
        let new = !self.0.contains(&scope);
        if new {
            self.0.push(scope);
        }
        new
    }

    /// True when this exact scope is in the set.
    pub fn contains(&self, scope: &Scope) -> bool {
        self.0.contains(scope)
    }

    /// True when the set grants at least what `scope` grants. Letters may come from different
    /// scopes: `Observation.rs` is interchangeable with `Observation.r Observation.s` (SMART 2.2
    /// §"Scope Equivalence").
    pub fn covers(&self, scope: &Scope) -> bool {
        let Scope::Resource(wanted) = scope else {
            return self.0.contains(scope);
        };
        wanted.permissions.cruds().single_letters().all(|letter| {
            let one = ResourceScope {
                permissions: Permissions::V2(letter),
                ..wanted.clone()
            };
            self.resources().any(|mine| mine.covers(&one))
        })
    }

    /// The scopes, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    /// How many scopes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every scope in v2 syntax.
    pub fn to_v2(&self) -> ScopeSet {
        self.0.iter().map(Scope::to_v2).collect()
    }

    fn resources(&self) -> impl Iterator<Item = &ResourceScope> {
        self.0.iter().filter_map(|scope| match scope {
            Scope::Resource(resource) => Some(resource),
            _ => None,
        })
    }

    /// May the app search `resource_type` with these parameters, in `compartment`? A granular
    /// scope counts only when the search is restricted to its values (see [`Compartment::covers`]
    /// for which compartments cover which).
    pub fn allows_search(
        &self,
        resource_type: &str,
        params: &[(&str, &str)],
        compartment: Compartment,
    ) -> bool {
        self.resources().any(|scope| {
            scope.compartment.covers(compartment)
                && scope.covers_type(resource_type)
                && scope.permissions.cruds().search
                && query_satisfied(&scope.query, params.iter().copied())
        })
    }

    /// May the app read any resource of this type by id, in any compartment? A granular
    /// scope does not count: whether a resource matches it is unknown before reading it.
    pub fn allows_read(&self, resource_type: &str) -> bool {
        self.resources().any(|scope| {
            scope.covers_type(resource_type)
                && scope.permissions.cruds().read
                && scope.query.is_empty()
        })
    }
}

impl FromIterator<Scope> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        let mut set = ScopeSet::default();
        set.extend(scopes);
        set
    }
}

impl Extend<Scope> for ScopeSet {
    fn extend<I: IntoIterator<Item = Scope>>(&mut self, scopes: I) {
        for scope in scopes {
            self.insert(scope);
        }
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, scope) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{scope}")?;
        }
        Ok(())
    }
}

// Stored (in the in-flight record) as the space-separated string a scope request is on the
// wire, and read back leniently, as what a server grants is read.
impl Serialize for ScopeSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ScopeSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| ScopeSet::parse_lenient(&text))
    }
}

/// What is wrong with a v2 permission string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionProblem {
    /// No letters.
    Empty,
    /// A letter outside `c r u d s`.
    UnknownLetter(char),
    /// A letter given twice.
    Repeated(char),
    /// A letter before one that must precede it.
    OutOfOrder(char),
}

/// What is wrong with a resource scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeProblem {
    /// No `.permissions` part.
    NoPermissions,
    /// The resource type is neither `*` nor a FHIR type name.
    ResourceType,
    /// The v2 letters are wrong.
    Permissions(PermissionProblem),
    /// A `?query` on a v1 scope, which v1 does not define.
    QueryOnV1,
    /// A query pair without a name or a value.
    Query,
}

/// Why scope text could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeError {
    /// Empty text, or text with spaces given as one scope.
    #[error("not a single scope: {0:?}")]
    NotOneScope(String),
    /// A resource scope that breaks the SMART syntax.
    #[error("malformed scope {scope}")]
    Malformed {
        /// The scope as written.
        scope: String,
        /// What is wrong.
        problem: ScopeProblem,
    },
}

impl UserFacing for ScopeError {
    fn title(&self) -> String {
        "A scope is malformed".into()
    }

    fn message(&self) -> String {
        let (scope, problem) = match self {
            ScopeError::NotOneScope(text) => {
                return format!("\u{201c}{text}\u{201d} is not a single scope.")
            }
            ScopeError::Malformed { scope, problem } => (scope, problem),
        };
        let why = match problem {
            ScopeProblem::NoPermissions => "it has no permission part (such as .rs)".to_owned(),
            ScopeProblem::ResourceType => "its resource type is not a FHIR type or *".to_owned(),
            ScopeProblem::Permissions(PermissionProblem::Empty) => "it grants nothing".to_owned(),
            ScopeProblem::Permissions(PermissionProblem::UnknownLetter(c)) => {
                format!("\u{201c}{c}\u{201d} is not one of c, r, u, d, s")
            }
            ScopeProblem::Permissions(PermissionProblem::Repeated(c)) => {
                format!("\u{201c}{c}\u{201d} is given twice")
            }
            ScopeProblem::Permissions(PermissionProblem::OutOfOrder(c)) => {
                format!("\u{201c}{c}\u{201d} is out of order (letters go c, r, u, d, s)")
            }
            ScopeProblem::QueryOnV1 => "a v1 scope cannot carry a ?query".to_owned(),
            ScopeProblem::Query => "its ?query has a pair without a name or value".to_owned(),
        };
        format!("The scope \u{201c}{scope}\u{201d} is not valid: {why}.")
    }

    fn hint(&self) -> Option<String> {
        Some("Check the scopes configured for this server in config.json.".into())
    }
}

#[cfg(test)]
#[path = "scope_tests.rs"]
mod tests;
