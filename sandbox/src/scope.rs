//! SMART scopes (SMART App Launch 2.2, "Scopes and Launch Context"): parsing the `scope`
//! parameter once, and deciding from the parsed set what a token may read.
//!
//! Accepted: `launch`, `launch/patient`, `launch/encounter`, `offline_access`,
//! `online_access`, and resource scopes `{patient|user|system}/{Type|*}.{perm}` where `perm`
//! is a v1 permission (`read`, `write`, `*`) or a v2 one (a non-empty, in-order subset of
//! `cruds`), optionally restricted by a query in v2 (`patient/Observation.rs?category=
//! http://terminology.hl7.org/CodeSystem/observation-category|laboratory`), and the OpenID
//! Connect scopes `openid`, `fhirUser` and `profile` (refused by profiles without OpenID
//! Connect). Anything else is unknown to this server and refused with `invalid_scope`.
//! `narrow` removes what a client may not get.

use std::fmt;

mod narrow;

/// Whose data a resource scope reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compartment {
    /// Only the patient in context.
    Patient,
    /// Whatever the signed-in user may see (here: every patient).
    User,
    /// Whatever the client system may see (here: every patient).
    System,
}

/// Bit set of v2 permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Permissions(u8);

impl Permissions {
    /// Create.
    pub(crate) const CREATE: Permissions = Permissions(1);
    /// Read (the `read` interaction).
    pub(crate) const READ: Permissions = Permissions(2);
    /// Update.
    pub(crate) const UPDATE: Permissions = Permissions(4);
    /// Delete.
    pub(crate) const DELETE: Permissions = Permissions(8);
    /// Search.
    pub(crate) const SEARCH: Permissions = Permissions(16);

    const ORDER: [(u8, Permissions); 5] = [
        (b'c', Self::CREATE),
        (b'r', Self::READ),
        (b'u', Self::UPDATE),
        (b'd', Self::DELETE),
        (b's', Self::SEARCH),
    ];

    /// Parses a v1 (`read`, `write`, `*`) or v2 (`cruds` subset, in order) permission.
    fn parse(text: &str) -> Option<Permissions> {
        match text {
            // SMART 2.x maps v1 `read` to `rs`, `write` to `cud`, `*` to `cruds`.
            "read" => return Some(Permissions(Self::READ.0 | Self::SEARCH.0)),
            "write" => {
                return Some(Permissions(
                    Self::CREATE.0 | Self::UPDATE.0 | Self::DELETE.0,
                ))
            }
            "*" => return Some(Permissions(31)),
            _ => {}
        }
        let mut bits = 0u8;
        let mut next = 0usize;
        for byte in text.bytes() {
            let offset = Self::ORDER[next..].iter().position(|(c, _)| *c == byte)?;
            bits |= Self::ORDER[next + offset].1 .0;
            next += offset + 1;
        }
        (bits != 0).then_some(Permissions(bits))
    }

    /// True when every permission in `other` is in `self`.
    pub(crate) fn contains(self, other: Permissions) -> bool {
        self.0 & other.0 == other.0
    }
}

/// One parsed scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `launch`: an EHR launch; context comes from the launch parameter.
    Launch,
    /// `launch/patient`: standalone launch asking for a patient to be chosen.
    LaunchPatient,
    /// `launch/encounter`: standalone launch asking for an encounter.
    LaunchEncounter,
    /// `offline_access`: a refresh token that outlives the session.
    OfflineAccess,
    /// `online_access`: a refresh token for the session.
    OnlineAccess,
    /// `openid`: an OpenID Connect id_token.
    OpenId,
    /// `fhirUser`: the user's FHIR resource, as the id_token's `fhirUser` claim.
    FhirUser,
    /// `profile`: the user's name in the id_token.
    Profile,
    /// A resource scope such as `patient/Observation.rs`.
    Resource {
        /// Whose data.
        compartment: Compartment,
        /// The resource type, or `None` for `*`.
        resource_type: Option<String>,
        /// What may be done.
        permissions: Permissions,
        /// Written with v2 syntax (`cruds` letters).
        v2: bool,
        /// A v2 query restriction: every pair must hold for the resources reached.
        query: Vec<(String, String)>,
    },
}

impl Scope {
    fn parse(text: &str) -> Option<Scope> {
        match text {
            "launch" => return Some(Scope::Launch),
            "launch/patient" => return Some(Scope::LaunchPatient),
            "launch/encounter" => return Some(Scope::LaunchEncounter),
            "offline_access" => return Some(Scope::OfflineAccess),
            "online_access" => return Some(Scope::OnlineAccess),
            "openid" => return Some(Scope::OpenId),
            "fhirUser" => return Some(Scope::FhirUser),
            "profile" => return Some(Scope::Profile),
            _ => {}
        }
        let (compartment, rest) = text.split_once('/')?;
        let compartment = match compartment {
            "patient" => Compartment::Patient,
            "user" => Compartment::User,
            "system" => Compartment::System,
            _ => return None,
        };
        let (rest, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
        };
        let (resource_type, permissions) = rest.split_once('.')?;
        let v2 = !matches!(permissions, "read" | "write" | "*");
        let query: Vec<(String, String)> = match query {
            Some(_) if !v2 => return None,
            Some(query) => url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            None => Vec::new(),
        };
        if query.iter().any(|(k, v)| k.is_empty() || v.is_empty()) {
            return None;
        }
        let resource_type = match resource_type {
            "*" => None,
            name if is_resource_type_name(name) => Some(name.to_string()),
            _ => return None,
        };
        Some(Scope::Resource {
            compartment,
            resource_type,
            permissions: Permissions::parse(permissions)?,
            v2,
            query,
        })
    }
}

fn is_resource_type_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase()) && bytes.all(|b| b.is_ascii_alphanumeric())
}

/// A parsed `scope` parameter: the scopes in request order, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScopeSet {
    entries: Vec<(String, Scope)>,
}

impl ScopeSet {
    /// Parses a space-separated scope list (RFC 6749 §3.3); the error names the first
    /// scope this server does not know.
    pub(crate) fn parse(text: &str) -> Result<ScopeSet, String> {
        let mut entries: Vec<(String, Scope)> = Vec::new();
        for token in text.split(' ').filter(|t| !t.is_empty()) {
            let scope = Scope::parse(token).ok_or_else(|| token.to_string())?;
            if !entries.iter().any(|(t, _)| t == token) {
                entries.push((token.to_string(), scope));
            }
        }
        Ok(ScopeSet { entries })
    }

    /// True when `scope` was requested.
    pub(crate) fn has(&self, scope: &Scope) -> bool {
        self.entries.iter().any(|(_, s)| s == scope)
    }

    /// True when the set asks for a refresh token.
    pub(crate) fn wants_refresh_token(&self) -> bool {
        self.has(&Scope::OfflineAccess) || self.has(&Scope::OnlineAccess)
    }

    /// True when every scope of `self` is also in `other` (RFC 6749 §6: a refresh may
    /// narrow the scope, never widen it).
    pub(crate) fn is_subset_of(&self, other: &ScopeSet) -> bool {
        self.entries
            .iter()
            .all(|(token, _)| other.entries.iter().any(|(t, _)| t == token))
    }

    /// True when no scope was given.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What a token may do with one resource type for one kind of interaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Access {
    /// Reaches every patient (`user/` or `system/`), not only the one in context.
    pub(crate) any_patient: bool,
    /// Query restrictions, one per granting scope; empty when some scope has none.
    pub(crate) restrictions: Vec<Vec<(String, String)>>,
}

impl ScopeSet {
    /// What the scopes allow for `permission` on `resource_type`; `None` when nothing.
    pub(crate) fn access(&self, resource_type: &str, permission: Permissions) -> Option<Access> {
        let mut access: Option<Access> = None;
        let mut unrestricted = false;
        for (_, scope) in &self.entries {
            let Scope::Resource {
                compartment,
                resource_type: ty,
                permissions,
                query,
                ..
            } = scope
            else {
                continue;
            };
            if ty.as_deref().is_some_and(|t| t != resource_type)
                || !permissions.contains(permission)
            {
                continue;
            }
            let entry = access.get_or_insert(Access {
                any_patient: false,
                restrictions: Vec::new(),
            });
            entry.any_patient |= *compartment != Compartment::Patient;
            unrestricted |= query.is_empty();
            if !query.is_empty() {
                entry.restrictions.push(query.clone());
            }
        }
        if unrestricted {
            if let Some(access) = access.as_mut() {
                access.restrictions.clear();
            }
        }
        access
    }

    /// The first scope written in v2 syntax, if any.
    pub(crate) fn first_v2(&self) -> Option<&str> {
        self.entries
            .iter()
            .find(|(_, s)| matches!(s, Scope::Resource { v2: true, .. }))
            .map(|(t, _)| t.as_str())
    }

    /// The first OpenID Connect scope (`openid`, `fhirUser`, `profile`), if any.
    pub(crate) fn first_identity(&self) -> Option<&str> {
        self.entries
            .iter()
            .find(|(_, s)| matches!(s, Scope::OpenId | Scope::FhirUser | Scope::Profile))
            .map(|(t, _)| t.as_str())
    }

    /// The first scope whose resource type is `*`, if any.
    pub(crate) fn first_wildcard(&self) -> Option<&str> {
        self.entries
            .iter()
            .find(|(_, s)| {
                matches!(
                    s,
                    Scope::Resource {
                        resource_type: None,
                        ..
                    }
                )
            })
            .map(|(t, _)| t.as_str())
    }
}

impl fmt::Display for ScopeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (token, _) in &self.entries {
            if !first {
                f.write_str(" ")?;
            }
            f.write_str(token)?;
            first = false;
        }
        Ok(())
    }
}

impl ScopeSet {
    /// The scopes as the strings that were requested, in order.
    pub(crate) fn tokens(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(t, _)| t.as_str())
    }
}

#[cfg(test)]
mod tests;
