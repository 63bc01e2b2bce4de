//! The launch inspector's running timeline, kept in this page's memory while debug mode is
//! on; every request the shell sends is recorded by `http::exchange`. It crosses the
//! authorization redirect inside the in-flight record (it holds no secrets: `inspect`).

use crate::inspect::{Entry, LaunchLog};
use std::cell::RefCell;

thread_local! {
    static LOG: RefCell<Option<LaunchLog>> = const { RefCell::new(None) };
}

/// Turns the inspector on, continuing `carried` (the steps before the redirect).
pub fn enable(carried: LaunchLog) {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        if log.is_none() {
            *log = Some(carried);
        }
    });
}

/// Whether debug mode is on.
pub fn enabled() -> bool {
    LOG.with(|log| log.borrow().is_some())
}

/// Adds a step, when debug mode is on.
pub fn record(entry: impl FnOnce() -> Entry) {
    LOG.with(|log| {
        if let Some(log) = log.borrow_mut().as_mut() {
            log.push(entry());
        }
    });
}

/// The timeline so far, when debug mode is on.
pub fn snapshot() -> Option<LaunchLog> {
    LOG.with(|log| log.borrow().clone())
}
