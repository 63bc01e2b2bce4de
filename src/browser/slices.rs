//! Reads a searchset page without holding the main thread: `fhir::slices::PageReader` reads it
//! a step at a time (a slice of entries cut and parsed, or skipped once the section is full)
//! and each step runs in a task of its own, so a 50 MB Bundle leaves the page responsive.

use super::world;
use crate::fhir::slices::{PageReader, ReadPage};

/// Reads `body`, keeping at most `room` matches; the flag says entries were left unread.
pub async fn read_page(body: &str, room: usize) -> ReadPage {
    let mut reader = PageReader::new(body, room);
    loop {
        // A page of a thousand resources takes tens of milliseconds to parse: in a task of
        // its own, not in one with other sections' pages that arrived at the same moment, and
        // after the answers waiting to be handled (one may ask for a next page).
        world::background_task().await;
        if let Some(read) = reader.step() {
            return read;
        }
    }
}
