//! Reads a searchset page without holding the main thread: the page is cut at its entries
//! (`fhir::slices`) and each slice of entries is parsed in a task of its own, so a 50 MB Bundle
//! leaves the page responsive; reading stops once the section has all it keeps.

use super::world;
use crate::fhir::bundle::{parse_search_page, BundleError, SearchPage};
use crate::fhir::slices::{cut_entries, parse_entries, SLICE};

/// Reads `body`, keeping at most `room` matches; the flag says entries were left unread.
pub async fn read_page(body: &str, room: usize) -> Result<(SearchPage, bool), BundleError> {
    // A page of a thousand resources takes tens of milliseconds to parse: in a task of its
    // own, not in one with other sections' pages that arrived at the same moment.
    world::sleep(0).await;
    let Some(cut) = cut_entries(body).filter(|cut| cut.entries.len() > SLICE) else {
        let mut page = parse_search_page(body)?;
        let cut_short = page.matches.len() > room;
        page.matches.truncate(room);
        return Ok((page, cut_short));
    };
    let mut page = parse_search_page(&cut.envelope)?;
    for slice in cut.entries.chunks(SLICE) {
        if page.matches.len() >= room {
            page.matches.truncate(room);
            return Ok((page, true));
        }
        world::sleep(0).await;
        let part = parse_entries(slice)?;
        page.matches.extend(part.matches);
        page.included.extend(part.included);
        page.warnings.extend(part.warnings);
    }
    let cut_short = page.matches.len() > room;
    page.matches.truncate(room);
    Ok((page, cut_short))
}
