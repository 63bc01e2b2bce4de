//! What a section says when it lists nothing. "No problems recorded" is a clinical statement;
//! it is made only when every record the server sent was read. When some could not be read,
//! the section says that instead, so a list it could not read never passes for an empty one.

/// "No {what} recorded." when every record was read, else that none can be shown and why.
pub fn nothing_listed(what: &str, unreadable: usize) -> String {
    match unreadable {
        0 => format!("No {what} recorded."),
        1 => format!("No {what} can be shown: 1 record could not be read (listed below)."),
        n => format!("No {what} can be shown: {n} records could not be read (listed below)."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_list_is_claimed_only_when_every_record_was_read() {
        assert_eq!(
            nothing_listed("current problems", 0),
            "No current problems recorded."
        );
        let partial = nothing_listed("current problems", 11);
        assert!(!partial.contains("recorded"), "{partial}");
        assert!(
            partial.contains("11 records could not be read"),
            "{partial}"
        );
    }
}
