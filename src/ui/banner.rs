//! The patient banner.

use crate::summary::banner::Banner;
use leptos::prelude::*;

/// Renders the banner view model; every value is text, never markup.
#[component]
pub fn PatientBanner(banner: Banner) -> impl IntoView {
    let Banner {
        name,
        birth_date,
        age,
        gender,
        deceased,
        identifiers,
        contact,
    } = banner;
    let born = birth_date.map(|date| match age {
        Some(age) => format!("{date} ({age})"),
        None => date,
    });
    view! {
        <section class="patient-banner" data-testid="patient-banner" aria-label="Patient">
            <h1 class="patient-name" data-testid="patient-name">{name}</h1>
            {deceased.map(|text| view! { <p class="deceased" data-testid="patient-deceased">{text}</p> })}
            <dl class="patient-facts">
                <div>
                    <dt>"Born"</dt>
                    <dd data-testid="patient-birth">{born.unwrap_or_else(|| "Not recorded".into())}</dd>
                </div>
                <div>
                    <dt>"Gender"</dt>
                    <dd data-testid="patient-gender">{gender.unwrap_or_else(|| "Not recorded".into())}</dd>
                </div>
                {identifiers
                    .into_iter()
                    .map(|line| {
                        view! {
                            <div data-testid="patient-identifier">
                                <dt>{line.label}</dt>
                                <dd>{line.value}</dd>
                            </div>
                        }
                    })
                    .collect_view()}
                {contact.map(|text| view! { <div><dt>"Contact"</dt><dd>{text}</dd></div> })}
            </dl>
        </section>
    }
}
