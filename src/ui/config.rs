//! The configuration every page shares: fetched once per tab, when a page first asks for it,
//! and handed to pages through Leptos context so no page fetches it again.

use crate::browser::flow::ConfigSource;
use leptos::prelude::*;

/// Makes the shared configuration available to every page below the caller.
pub fn provide_config() {
    provide_context(StoredValue::new_local(ConfigSource::new()));
}

/// The configuration every page shares (provided by [`provide_config`]).
pub fn config() -> ConfigSource {
    expect_context::<StoredValue<ConfigSource, LocalStorage>>().get_value()
}
