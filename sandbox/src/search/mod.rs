//! FHIR search (FHIR R4 §3.1.1 "Search"): parsing a query strictly against the registry and
//! the profile, running it over the store, and the searchset Bundle with paging links.
//!
//! Result parameters: `_count` (default 50, capped at the profile's maximum), `_summary=count`
//! (the total without entries), `_sort` (`date`- and `string`-typed parameters, `-` for
//! descending; resources without a value last), `_include`
//! (`MedicationRequest:medication`) and `_offset`, the page cursor the `next` links carry.
//! A parameter the type does not have, a modifier, or a result parameter the profile does
//! not support is refused (strict handling, §3.1.1.3 "Handling errors").

mod bundle;
mod matching;
mod query;

pub(crate) use bundle::{page, searchset, NextLinks};
pub(crate) use query::{parse, satisfies, within, Query};
