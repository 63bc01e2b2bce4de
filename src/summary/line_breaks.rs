//! Where a long clinical name may break across lines. LOINC names join their parts with `.` and
//! `/` and no space ("Hemoglobin.gastrointestinal", "Hemoglobin A1c/Hemoglobin.total"), so a
//! narrow column (an EHR side panel of 480 px) would otherwise break them mid-word.

/// `name` in pieces, each ending after a `.` or `/` that joins two words; a decimal point
/// ("1.73") is no joint. Joined again, the pieces are `name`.
pub fn name_pieces(name: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    for window in chars.windows(2) {
        let ((at, joint), (next_at, next)) = (window[0], window[1]);
        let joins_words = matches!(joint, '.' | '/')
            && next.is_alphabetic()
            && name[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        if joins_words {
            pieces.push(&name[start..next_at]);
            start = next_at;
        }
    }
    pieces.push(&name[start..]);
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loinc_name_breaks_after_the_joints_between_its_parts() {
        assert_eq!(
            name_pieces("Hemoglobin.gastrointestinal [Presence] in Stool"),
            ["Hemoglobin.", "gastrointestinal [Presence] in Stool"]
        );
        assert_eq!(
            name_pieces("Hemoglobin A1c/Hemoglobin.total in Blood"),
            ["Hemoglobin A1c/", "Hemoglobin.", "total in Blood"]
        );
    }

    #[test]
    fn a_decimal_point_and_a_trailing_joint_are_no_break() {
        assert_eq!(
            name_pieces("Glomerular filtration rate/1.73 sq M.predicted"),
            ["Glomerular filtration rate/1.73 sq M.", "predicted"]
        );
        assert_eq!(name_pieces("Sodium."), ["Sodium."]);
        assert_eq!(name_pieces(""), [""]);
    }
}
