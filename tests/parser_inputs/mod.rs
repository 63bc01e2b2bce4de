//! Structure-aware inputs for the parser property tests: text a server might send, arbitrary
//! JSON keyed by a parser's fields, field- and character-level edits of valid documents, HTTP
//! results around them, SMART scopes built from the grammar's pieces, and callback queries
//! with valid and broken percent-encoding.

use bedside::http::{HttpResponse, HttpResult, NetworkFailure};
use proptest::prelude::*;
use serde_json::Value;

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
pub fn document(
    valid: &'static str,
    keys: &'static [&'static str],
) -> impl Strategy<Value = String> {
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

/// An HTTP result carrying `body`: a response with `status` and a content type that may or
/// may not be JSON, or now and then a network failure.
pub fn response(
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
        1 => text().prop_map(|detail| Err(NetworkFailure::unreachable(detail))),
    ]
}

/// Mostly 200, so that most bodies get past the status check into the parser proper.
pub fn any_status() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => Just(200u16),
        1 => Just(404),
        1 => Just(400),
        1 => Just(401),
        1 => 100u16..600,
        1 => any::<u16>(),
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

/// A scope parameter: scopes joined by spaces and by separators servers should not use.
pub fn scope_string() -> impl Strategy<Value = String> {
    let separator = prop::sample::select(vec![" ", "  ", "\t", "\n", "+", "%20", ",", "\u{a0}"]);
    prop_oneof![
        4 => prop::collection::vec((scope_word(), separator), 0..8).prop_map(|words| {
            words.into_iter().map(|(w, s)| format!("{w}{s}")).collect::<String>()
        }),
        1 => any::<String>(),
    ]
}

/// A query value: plain text, valid and broken percent-encoding, `+`, and multi-byte pieces.
pub fn query_value() -> impl Strategy<Value = String> {
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

/// The query of a redirect back to the app: OAuth response parameters, repeated, empty or
/// unknown, with percent-encoded values.
pub fn callback_query() -> impl Strategy<Value = String> {
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
