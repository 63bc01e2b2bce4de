//! sessionStorage holds two kinds of thing: in-flight authorization records, keyed by state,
//! taken (read and deleted) at the callback, each with the launch inspector's steps so far
//! beside it in debug mode; and the tab's last launch (its server and whether
//! it came from an EHR: no secret), so a reload can offer the way back. Tokens are never
//! written anywhere.

use crate::inspect::LaunchLog;
use crate::problem::UserFacing;
use crate::smart::authorize::{InFlightRecord, State};
use crate::smart::reentry::LastLaunch;
use serde::{Deserialize, Serialize};

/// What is stored under a state: the protocol's record and, beside it, the inspector's steps,
/// which cross the redirect too (they hold no secrets). One JSON object, the record's fields
/// and `inspector`, so a record stored before the two were apart still reads.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// The in-flight authorization record.
    #[serde(flatten)]
    pub record: InFlightRecord,
    /// The launch inspector's steps so far, in debug mode only.
    #[serde(default)]
    pub inspector: Option<LaunchLog>,
}

/// sessionStorage is unavailable (disabled, or a sandboxed frame without storage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageUnavailable;

impl UserFacing for StorageUnavailable {
    fn title(&self) -> String {
        "This browser blocks the storage Bedside needs".into()
    }

    fn message(&self) -> String {
        "Bedside keeps a one-time sign-in check in this tab's session storage while you sign in, \
         and this browser (or the page embedding Bedside) does not allow it."
            .into()
    }

    fn hint(&self) -> Option<String> {
        Some("Allow site data for this app, or open Bedside in its own tab.".into())
    }
}

fn session_storage() -> Result<web_sys::Storage, StorageUnavailable> {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .ok_or(StorageUnavailable)
}

/// Stores the record, and the inspector's steps when there are any, under the record's state
/// before the redirect.
pub fn save(
    record: &InFlightRecord,
    inspector: Option<&LaunchLog>,
) -> Result<(), StorageUnavailable> {
    #[derive(Serialize)]
    struct Saving<'a> {
        #[serde(flatten)]
        record: &'a InFlightRecord,
        inspector: Option<&'a LaunchLog>,
    }
    let text =
        serde_json::to_string(&Saving { record, inspector }).map_err(|_| StorageUnavailable)?;
    session_storage()?
        .set_item(&InFlightRecord::storage_key(&record.state), &text)
        .map_err(|_| StorageUnavailable)
}

/// Reads and deletes the record for `state`; a second take finds nothing, which is what
/// makes each state single-use. An unreadable record is deleted and treated as absent.
pub fn take(state: &State) -> Option<Stored> {
    let storage = session_storage().ok()?;
    let key = InFlightRecord::storage_key(state);
    let text = storage.get_item(&key).ok().flatten();
    let _ = storage.remove_item(&key);
    // Typed from a JSON value, the way the app reads all JSON (a smaller wasm).
    let value: serde_json::Value = serde_json::from_str(&text?).ok()?;
    serde::Deserialize::deserialize(&value).ok()
}

/// Takes the tab's in-flight record when there is exactly one. It is never used to complete a
/// sign-in (nothing ties an answer without `state` to it), only to carry the launch
/// inspector's steps onto the error page in debug mode.
pub fn take_sole() -> Option<Stored> {
    let storage = session_storage().ok()?;
    let keys = in_flight_keys(&storage);
    let [key] = keys.as_slice() else {
        return None;
    };
    let state = key.strip_prefix(InFlightRecord::KEY_PREFIX)?;
    take(&State::from_callback(state))
}

fn in_flight_keys(storage: &web_sys::Storage) -> Vec<String> {
    (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(InFlightRecord::KEY_PREFIX))
        .collect()
}

/// Deletes every in-flight record left in this tab. A tab has at most one authorization in
/// progress (starting one navigates away), so any other record is an abandoned attempt whose
/// verifier should not linger.
pub fn discard_abandoned() {
    let Ok(storage) = session_storage() else {
        return;
    };
    for key in in_flight_keys(&storage) {
        let _ = storage.remove_item(&key);
    }
}

/// Remembers the tab's last launch, replacing any earlier one. Best effort: without storage a
/// reload only cannot offer the same server again.
pub fn remember_launch(launch: &LastLaunch) {
    if let Ok(storage) = session_storage() {
        let _ = storage.set_item(LastLaunch::STORAGE_KEY, &launch.to_json());
    }
}

/// The stored text of the tab's last launch, for `smart::reentry` to read.
pub fn remembered_launch() -> Option<String> {
    session_storage()
        .ok()?
        .get_item(LastLaunch::STORAGE_KEY)
        .ok()
        .flatten()
}
