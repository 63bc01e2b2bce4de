//! A long list shown a page at a time, so a history of thousands renders only what is asked
//! for; the rest stays out of the DOM until "Show more", whose label says how many the list
//! holds.

use leptos::prelude::*;

/// Rows shown at first.
pub const FIRST_PAGE: usize = 10;

/// One row: a title, a secondary line, and whether it is a warning (a do-not-give order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The first line.
    pub title: String,
    /// The secondary line.
    pub details: Option<String>,
    /// Shown in the alert colour.
    pub alert: bool,
}

impl From<(String, Option<String>)> for ListItem {
    fn from((title, details): (String, Option<String>)) -> Self {
        ListItem {
            title,
            details,
            alert: false,
        }
    }
}

/// `items`, newest first; `empty` is said when there are none; `first` rows are shown at
/// first, and each "Show more" adds twice as many.
#[component]
pub fn PagedList(
    items: Vec<ListItem>,
    #[prop(into)] empty: String,
    #[prop(default = FIRST_PAGE)] first: usize,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    let total = items.len();
    let shown = RwSignal::new(first.min(total));
    let items = StoredValue::new(items);
    view! {
        <ul class="items">
            {move || items.with_value(|all| all.iter().take(shown.get()).map(|item| view! {
                <li class:alert=item.alert>
                    <span class="item-name">{item.title.clone()}</span>
                    {item.details.clone().map(|d| view! { <span class="item-meta">{d}</span> })}
                </li>
            }).collect_view())}
        </ul>
        <ShowMore shown=shown first=first total=total />
    }
    .into_any()
}

/// "Show more" below a paged list or table of `total` rows, of which `shown` are drawn; each
/// click adds twice `first`. Gone once every row is drawn; its label says how many there are.
#[component]
pub fn ShowMore(shown: RwSignal<usize>, first: usize, total: usize) -> impl IntoView {
    move || {
        (shown.get() < total).then(|| {
            view! {
                <button class="link more" on:click=move |_| shown.update(|n| *n = (*n + first * 2).min(total))>
                    {format!("Show more ({} of {total} shown)", shown.get())}
                </button>
            }
        })
    }
}
