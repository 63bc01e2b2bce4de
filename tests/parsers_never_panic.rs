//! Hostile input never panics a parser: every parser that reads server or URL data returns an
//! error value instead. One property-test target per parser that reads what a server or the
//! address bar sends: the discovery documents, the token response, scope strings and the
//! callback (and launch) query, plus the resource, config and date parsers.
//!
//! Inputs are structure-aware rather than random bytes: valid documents with fields replaced
//! by arbitrary JSON, removed or spliced character by character; arbitrary JSON values keyed by
//! the fields each parser knows; scopes assembled from the SMART grammar's pieces; queries
//! assembled from the OAuth response parameters with percent-encoded (also broken) pieces.
//!
//! `BEDSIDE_FUZZ_CASES` sets the number of cases per target (default 2000), so a long fuzzing
//! run is `BEDSIDE_FUZZ_CASES=200000 cargo test --release --test parsers_never_panic TARGET`.
#![cfg(not(target_arch = "wasm32"))]

use bedside::config::AppConfig;
use bedside::fhir::capabilities::Capabilities;
use bedside::fhir::date::FhirDate;
use bedside::fhir::patient::Patient;
use bedside::fhir::FhirBaseUrl;
use bedside::http::{HttpResponse, HttpResult, NetworkFailure};
use bedside::smart::callback::{cleaned_url, parse_callback};
use bedside::smart::discovery::{resolve, SmartConfiguration};
use bedside::smart::launch::parse_ehr_launch;
use bedside::smart::scope::{Compartment, Scope, ScopeSet};
use bedside::smart::scope_plan::granted_vs_requested;
use bedside::smart::token::parse_token_response;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use url::Url;

const DISCOVERY: &str = r#"{"issuer":"https://e.example","jwks_uri":"https://e.example/jwks",
  "authorization_endpoint":"https://e.example/a","token_endpoint":"t",
  "revocation_endpoint":"/auth/revoke","grant_types_supported":["authorization_code"],
  "capabilities":["launch-ehr","permission-v2","context-passthrough-banner"],
  "code_challenge_methods_supported":["S256"],"scopes_supported":["launch","patient/*.rs"],
  "associated_endpoints":[{"url":"https://e.example/x","capabilities":["launch-ehr"]}]}"#;
const DISCOVERY_KEYS: &[&str] = &[
    "issuer",
    "jwks_uri",
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "management_endpoint",
    "registration_endpoint",
    "smart_app_state_endpoint",
    "grant_types_supported",
    "token_endpoint_auth_methods_supported",
    "scopes_supported",
    "response_types_supported",
    "capabilities",
    "code_challenge_methods_supported",
    "associated_endpoints",
    "user_access_brand_bundle",
    "user_access_brand_identifier",
    "url",
];
const CAPABILITY_STATEMENT: &str = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1",
  "rest":[{"mode":"server","security":{"extension":[{"url":
  "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris","extension":[
  {"url":"authorize","valueUri":"https://e.example/a"},{"url":"token","valueUri":"t"}]}]},
  "resource":[{"type":"Observation","searchParam":[{"name":"category","type":"token"}],
  "searchInclude":["Observation:patient"]}]}]}"#;
const CAPABILITY_KEYS: &[&str] = &[
    "resourceType",
    "fhirVersion",
    "rest",
    "mode",
    "security",
    "extension",
    "url",
    "valueUri",
    "resource",
    "type",
    "searchParam",
    "name",
    "searchInclude",
    "interaction",
    "code",
];
const TOKEN: &str = r#"{"access_token":"a","token_type":"Bearer","expires_in":3600,
  "scope":"launch patient/*.rs openid fhirUser","refresh_token":"r","id_token":"x.y.z",
  "patient":"p1","encounter":"e1","fhirContext":[{"reference":"Encounter/1"},
  {"canonical":"http://x/Q|1","type":"Questionnaire","role":"launch"}],
  "need_patient_banner":true,"smart_style_url":"https://e.example/style","intent":"x",
  "tenant":"t"}"#;
const TOKEN_KEYS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "refresh_token",
    "id_token",
    "patient",
    "encounter",
    "fhirContext",
    "need_patient_banner",
    "smart_style_url",
    "intent",
    "tenant",
    "error",
    "error_description",
    "error_uri",
    "reference",
    "canonical",
    "identifier",
    "type",
    "role",
];

fn cases() -> u32 {
    std::env::var("BEDSIDE_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2000)
}

/// Strings a server might send where a parser expects something particular.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "(https?|ftp|javascript|data)://[a-z.:0-9@\\[\\]]{0,20}(/[a-zA-Z%0-9.]{0,8}){0,3}",
        "/?(\\.\\./)?[a-z%/]{0,12}",
        "(patient|user|system|launch|openid|fhirUser)[/.a-zA-Z*?=|]{0,30}",
        prop::sample::select(vec![
            "",
            " ",
            "S256",
            "plain",
            "Bearer",
            "bearer",
            "launch-ehr",
            "permission-v2",
            "4.0.1",
            "3.0.2",
            "5.0.0",
            "true",
            "false",
            "0",
            "-1",
            "1e309",
            "\u{0}",
            "\u{feff}",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Arbitrary JSON, with object keys mostly drawn from `keys` so that nested values reach
/// the parser's field checks instead of being ignored as unknown fields.
fn json_value(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(keys), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn key(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(keys).prop_map(str::to_owned),
        1 => text(),
    ]
}

/// A field-level edit of a JSON object: set the key to a value, or remove it.
fn field_edits(
    keys: &'static [&'static str],
) -> impl Strategy<Value = Vec<(String, Option<Value>)>> {
    prop::collection::vec((key(keys), prop::option::of(json_value(keys))), 1..5)
}

fn edited(valid: &str, edits: Vec<(String, Option<Value>)>) -> String {
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(valid) else {
        panic!("the template is a JSON object");
    };
    for (name, value) in edits {
        match value {
            Some(value) => map.insert(name, value),
            None => map.remove(&name),
        };
    }
    Value::Object(map).to_string()
}

/// A character-level edit at a position given as a fraction of the length.
#[derive(Debug, Clone)]
enum Splice {
    Delete(f64, usize),
    Insert(f64, String),
    Replace(f64, char),
}

fn splices() -> impl Strategy<Value = Vec<Splice>> {
    let at = 0.0..1.0f64;
    let splice = prop_oneof![
        (at.clone(), 1..8usize).prop_map(|(a, n)| Splice::Delete(a, n)),
        (
            at.clone(),
            prop_oneof![
                "[{}\\[\\]\":,]{1,3}".boxed(),
                any::<String>().boxed(),
                Just("\\u0000".to_owned()).boxed(),
                Just("\\ud800".to_owned()).boxed(),
                Just("1e999".to_owned()).boxed(),
            ]
        )
            .prop_map(|(a, s)| Splice::Insert(a, s)),
        (at, any::<char>()).prop_map(|(a, c)| Splice::Replace(a, c)),
    ];
    prop::collection::vec(splice, 1..6)
}

fn spliced(text: &str, edits: &[Splice]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let index = |at: f64, len: usize| ((at * len as f64) as usize).min(len);
    for edit in edits {
        match edit {
            Splice::Delete(at, n) => {
                let start = index(*at, chars.len());
                let end = (start + n).min(chars.len());
                chars.drain(start..end);
            }
            Splice::Insert(at, s) => {
                let start = index(*at, chars.len());
                chars.splice(start..start, s.chars());
            }
            Splice::Replace(at, c) => {
                if !chars.is_empty() {
                    let i = index(*at, chars.len() - 1);
                    chars[i] = *c;
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// A body for a parser whose valid input looks like `valid` with fields from `keys`.
fn document(valid: &'static str, keys: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,a-z0-9 .-]{0,80}",
        json_value(keys).prop_map(|v| v.to_string()),
        field_edits(keys).prop_map(move |edits| edited(valid, edits)),
        splices().prop_map(move |edits| spliced(valid, &edits)),
        (field_edits(keys), splices())
            .prop_map(move |(fields, chars)| spliced(&edited(valid, fields), &chars)),
    ]
}

fn response(
    status: impl Strategy<Value = u16>,
    body: impl Strategy<Value = String>,
) -> impl Strategy<Value = HttpResult> {
    let content_type = prop::option::of(prop_oneof![
        Just("application/json".to_owned()),
        Just("application/fhir+json; charset=utf-8".to_owned()),
        Just("text/html".to_owned()),
        text(),
    ]);
    prop_oneof![
        9 => (status, content_type, body).prop_map(|(status, content_type, body)| {
            Ok(HttpResponse { status, content_type, body })
        }),
        1 => text().prop_map(|detail| Err(NetworkFailure { detail })),
    ]
}

fn any_status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(404),
        Just(400),
        Just(401),
        100u16..600,
        any::<u16>()
    ]
}

/// One SMART scope, assembled from the grammar's pieces (SMART App Launch 2.2 "Scopes and
/// Launch Context"), each piece sometimes replaced by arbitrary text.
fn scope_word() -> impl Strategy<Value = String> {
    let compartment = prop_oneof![
        prop::sample::select(vec!["patient", "user", "system", "Patient", ""])
            .prop_map(str::to_owned),
        "[a-z*]{0,6}",
    ];
    let resource = prop_oneof![
        prop::sample::select(vec![
            "*",
            "Observation",
            "Patient",
            "Procedure",
            "observation",
            ""
        ])
        .prop_map(str::to_owned),
        "[A-Za-z*]{0,12}",
    ];
    let permission = prop_oneof![
        prop::sample::select(vec![
            "read", "write", "*", "rs", "cruds", "sr", "rr", "rsx", ""
        ])
        .prop_map(str::to_owned),
        "[cruds*a-z]{0,6}",
    ];
    let query = prop::option::of(prop_oneof![
        "[a-z_:]{0,10}=[a-zA-Z0-9|:/.%]{0,40}(&[a-z]{0,6}=[a-z|%0-9]{0,10}){0,2}",
        Just(
            "category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory"
                .to_owned()
        ),
        Just("category=".to_owned()),
        Just("=x".to_owned()),
        text(),
    ]);
    let resource_scope = (
        compartment,
        "[/.]{0,2}",
        resource,
        "[.]{0,2}",
        permission,
        query,
    )
        .prop_map(|(c, slash, r, dot, p, q)| {
            let query = q.map(|q| format!("?{q}")).unwrap_or_default();
            format!("{c}{slash}{r}{dot}{p}{query}")
        });
    prop_oneof![
        6 => resource_scope,
        2 => prop::sample::select(vec![
            "launch", "launch/patient", "launch/encounter", "launch/x", "openid", "fhirUser",
            "profile", "online_access", "offline_access", "patient/*.*", "user/*.read",
        ])
        .prop_map(str::to_owned),
        1 => text(),
    ]
}

fn scope_string() -> impl Strategy<Value = String> {
    let separator = prop::sample::select(vec![" ", "  ", "\t", "\n", "+", "%20", ",", "\u{a0}"]);
    prop_oneof![
        4 => prop::collection::vec((scope_word(), separator), 0..8).prop_map(|words| {
            words.into_iter().map(|(w, s)| format!("{w}{s}")).collect::<String>()
        }),
        1 => any::<String>(),
    ]
}

/// A query value: plain text, valid and broken percent-encoding, `+`, and multi-byte pieces.
fn query_value() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9._~-]{0,12}",
        "%[0-9A-Fa-f]{2}",
        "%[0-9A-Za-z]{0,2}",
        Just("%E2%82".to_owned()),
        Just("%F0%9F%98%80".to_owned()),
        Just("%00".to_owned()),
        Just("+".to_owned()),
        Just("=".to_owned()),
        Just("%26".to_owned()),
        Just("#".to_owned()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|pieces| pieces.concat())
}

fn callback_query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "code",
            "state",
            "error",
            "error_description",
            "error_uri",
            "iss",
            "launch",
            "session_state",
            "Code",
            "",
        ])
        .prop_map(str::to_owned),
        query_value(),
    ];
    let pair = (name, prop::option::of(query_value())).prop_map(|(n, v)| match v {
        Some(v) => format!("{n}={v}"),
        None => n,
    });
    prop_oneof![
        4 => prop::collection::vec(pair, 0..8).prop_map(|pairs| pairs.join("&")),
        1 => "[a-z_=&%0-9A-F+:/.]{0,120}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(Config { cases: cases(), ..Config::default() })]

    #[test]
    fn discovery_documents_never_panic(
        well_known in response(any_status(), document(DISCOVERY, DISCOVERY_KEYS)),
        metadata in response(any_status(), document(CAPABILITY_STATEMENT, CAPABILITY_KEYS)),
    ) {
        let base = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
        if let Ok(response) = &well_known {
            let _ = SmartConfiguration::from_json(&response.body);
        }
        let _ = resolve(&base, well_known, metadata);
    }

    #[test]
    fn token_responses_never_panic(result in response(any_status(), document(TOKEN, TOKEN_KEYS))) {
        let endpoint = Url::parse("https://ehr.example/token").unwrap();
        let _ = parse_token_response(&endpoint, result);
    }

    #[test]
    fn scope_strings_never_panic(requested in scope_string(), granted in scope_string()) {
        for word in requested.split_whitespace() {
            let _ = Scope::parse(word).map(|scope| scope.to_v2());
        }
        let strict = ScopeSet::parse(&requested);
        let lenient = ScopeSet::parse_lenient(&requested);
        let granted = ScopeSet::parse_lenient(&granted);
        let _ = granted_vs_requested(&lenient, &granted);
        let _ = granted.allows_read("Observation");
        let _ = granted.allows_search(
            "Observation",
            &[("category", "laboratory")],
            Compartment::Patient,
        );
        // What Bedside prints of a scope set it parsed must parse again to the same set.
        if let Ok(parsed) = strict {
            let _ = parsed.to_v2();
            prop_assert_eq!(ScopeSet::parse(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn callback_and_launch_queries_never_panic(query in callback_query(), fragment in prop::option::of(query_value())) {
        let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        // Whatever the address bar holds is a URL already; text no URL parser accepts never
        // reaches these parsers.
        if let Ok(url) = Url::parse(&format!("https://app.example/callback?{query}{fragment}")) {
            let _ = parse_callback(&url);
            let _ = cleaned_url(&url);
            let _ = parse_ehr_launch(&url);
        }
    }

    #[test]
    fn resources_config_and_dates_never_panic(body in prop_oneof![
        document(CAPABILITY_STATEMENT, CAPABILITY_KEYS),
        document(TOKEN, TOKEN_KEYS),
    ]) {
        let _ = Patient::from_json(&body);
        let _ = Capabilities::from_json(&body);
        let _ = AppConfig::parse(&body, &Url::parse("https://app.example/").unwrap());
        let _ = FhirDate::parse(&body);
        let _ = FhirBaseUrl::parse(&body);
    }
}

// The JSON template strings are part of the generators: a typo in one would silently turn
// every mutated case into a mutation of nothing.
#[test]
fn every_template_is_a_json_object() {
    for template in [DISCOVERY, CAPABILITY_STATEMENT, TOKEN] {
        assert!(matches!(
            serde_json::from_str::<Value>(template),
            Ok(Value::Object(_))
        ));
    }
}
