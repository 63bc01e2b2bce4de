//! Scope negotiation (RFC 6749 §3.3: the server may grant less than asked and says so in
//! the token response's `scope`): removes the scopes a client may not get.

use super::{Scope, ScopeSet};

impl ScopeSet {
    /// The set without what `denied` names. An entry with a `/` is an exact scope; any
    /// other entry is a resource type, which removes every scope naming it and, within a
    /// `*` scope, is left out by writing the scope out for each type in `types` but it.
    pub(crate) fn narrow(&self, denied: &[String], types: &[&str]) -> ScopeSet {
        if denied.is_empty() {
            return self.clone();
        }
        let denied_type = |ty: &str| denied.iter().any(|d| d == ty);
        let mut entries: Vec<(String, Scope)> = Vec::new();
        let mut push = |token: String, scope: Scope| {
            if !entries.iter().any(|(t, _)| *t == token) {
                entries.push((token, scope));
            }
        };
        for (token, scope) in &self.entries {
            if denied.iter().any(|d| d == token) {
                continue;
            }
            match scope {
                Scope::Resource {
                    resource_type: Some(ty),
                    ..
                } if denied_type(ty) => {}
                Scope::Resource {
                    resource_type: None,
                    ..
                } if types.iter().any(|ty| denied_type(ty)) => {
                    for ty in types.iter().filter(|ty| !denied_type(ty)) {
                        let written = token.replacen("/*.", &format!("/{ty}."), 1);
                        if let Some(scope) = Scope::parse(&written) {
                            push(written, scope);
                        }
                    }
                }
                _ => push(token.clone(), scope.clone()),
            }
        }
        ScopeSet { entries }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn narrow(scope: &str, denied: &[&str]) -> String {
        let denied: Vec<String> = denied.iter().map(|d| d.to_string()).collect();
        let set = ScopeSet::parse(scope).unwrap_or_else(|e| panic!("{e}"));
        set.narrow(&denied, &["Patient", "Procedure", "Observation"])
            .to_string()
    }

    #[test]
    fn a_denied_type_removes_the_scopes_naming_it() {
        assert_eq!(
            narrow(
                "launch patient/Patient.rs patient/Procedure.rs patient/Procedure.r",
                &["Procedure"]
            ),
            "launch patient/Patient.rs"
        );
    }

    #[test]
    fn a_wildcard_scope_is_written_out_for_every_type_but_the_denied_one() {
        assert_eq!(
            narrow("launch patient/*.rs", &["Procedure"]),
            "launch patient/Patient.rs patient/Observation.rs"
        );
    }

    #[test]
    fn an_exact_scope_is_removed_and_others_of_its_type_stay() {
        assert_eq!(
            narrow(
                "patient/Procedure.rs user/Procedure.rs",
                &["user/Procedure.rs"]
            ),
            "patient/Procedure.rs"
        );
    }

    #[test]
    fn nothing_denied_keeps_the_set() {
        assert_eq!(narrow("launch patient/*.rs", &[]), "launch patient/*.rs");
    }
}
