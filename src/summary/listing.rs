//! What a section says when it lists nothing. "No problems recorded" is a clinical statement;
//! it is made only when every record the server sent was read and the grant let it send them
//! all. When some could not be read, or the grant may have withheld some, the section says
//! that instead, so a list it could not read or was not given never passes for an empty one.

/// Whether the launch's grant reaches every record a section searches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantReach {
    /// Every record: an empty answer is an empty record.
    Whole,
    /// Not records coded another way than the grant names: the server may withhold them.
    Narrowed,
}

/// "No {what} recorded." when every record was read and the grant reached them all, else
/// that none can be shown and why.
pub fn nothing_listed(what: &str, unreadable: usize, reach: GrantReach) -> String {
    match (unreadable, reach) {
        (0, GrantReach::Whole) => format!("No {what} recorded."),
        (0, GrantReach::Narrowed) => {
            format!("No {what} were shared: the grant may have withheld some (see below).")
        }
        (1, _) => format!("No {what} can be shown: 1 record could not be read (listed below)."),
        (n, _) => format!("No {what} can be shown: {n} records could not be read (listed below)."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_is_claimed_only_when_every_record_was_read() {
        assert_eq!(
            nothing_listed("current problems", 0, GrantReach::Whole),
            "No current problems recorded."
        );
        let partial = nothing_listed("current problems", 11, GrantReach::Whole);
        assert!(!partial.contains("recorded"), "{partial}");
        assert!(
            partial.contains("11 records could not be read"),
            "{partial}"
        );
    }

    // SMART 2.2 granular scopes: a server shares only records matching the scope's query, so
    // an empty answer under a narrowed grant says nothing about the record.
    #[test]
    fn an_empty_list_is_not_claimed_when_the_grant_may_have_withheld_records() {
        let empty = nothing_listed("vital signs", 0, GrantReach::Narrowed);
        assert!(!empty.contains("recorded"), "{empty}");
        assert!(empty.contains("may have withheld"), "{empty}");
    }
}
