//! Synthetic patients: fixed people (names in many scripts, one with hostile markup, one
//! with almost nothing recorded) whose ids, birth dates, MRNs and phone numbers come from
//! the seed. The list order never depends on the seed.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::random::SplitMix64;

/// The year ages count back from; fixed so that data never depends on today's date.
const BASE_YEAR: u64 = 2025;

/// One fixed person; `None` fields are simply not recorded.
struct Template {
    prefix: &'static [&'static str],
    given: &'static [&'static str],
    family: Option<&'static str>,
    suffix: &'static [&'static str],
    /// Only for the patient whose name has nothing but text.
    text: Option<&'static str>,
    gender: Option<&'static str>,
    age: Option<u64>,
    /// Street line, city, postal code, country; `None` records no address or telecom.
    address: Option<[&'static str; 4]>,
    email: &'static str,
}

const fn person(
    given: &'static [&'static str],
    family: &'static str,
    gender: &'static str,
    age: u64,
    address: [&'static str; 4],
    email: &'static str,
) -> Template {
    Template {
        prefix: &[],
        given,
        family: Some(family),
        suffix: &[],
        text: None,
        gender: Some(gender),
        age: Some(age),
        address: Some(address),
        email,
    }
}

const PEOPLE: [Template; 15] = [
    person(
        &["Zoë"],
        "Ångström",
        "female",
        34,
        ["Storgatan 12", "Stockholm", "114 51", "SE"],
        "zoe.angstrom",
    ),
    person(
        &["Ольга"],
        "Смирнова",
        "female",
        67,
        ["ул. Тверская, 7", "Москва", "125009", "RU"],
        "olga.smirnova",
    ),
    person(
        &["太郎"],
        "山田",
        "male",
        72,
        ["千代田区丸の内1-1", "東京", "100-0005", "JP"],
        "taro.yamada",
    ),
    Template {
        prefix: &["Dr."],
        ..person(
            &["Αλέξανδρος"],
            "Παπαδόπουλος",
            "male",
            58,
            ["Οδός Ερμού 20", "Αθήνα", "105 63", "GR"],
            "alexandros.p",
        )
    },
    person(
        &["محمد"],
        "الأحمد",
        "male",
        45,
        ["شارع الملك حسين 3", "عمّان", "11118", "JO"],
        "mohammad.alahmad",
    ),
    person(
        &["प्रिया"],
        "शर्मा",
        "female",
        29,
        ["12 MG Road", "नई दिल्ली", "110001", "IN"],
        "priya.sharma",
    ),
    Template {
        suffix: &["Jr."],
        ..person(
            &["José"],
            "Núñez",
            "male",
            81,
            ["Calle de Alcalá 45", "Madrid", "28014", "ES"],
            "jose.nunez",
        )
    },
    person(
        &["Thị", "Lan"],
        "Nguyễn",
        "female",
        52,
        ["15 Phố Huế", "Hà Nội", "100000", "VN"],
        "lan.nguyen",
    ),
    Template {
        prefix: &["Ms."],
        ..person(
            &["Siobhán"],
            "O'Connor",
            "female",
            39,
            ["4 Grafton Street", "Dublin", "D02 X285", "IE"],
            "siobhan.oconnor",
        )
    },
    person(
        &["<b>Bold</b>"],
        "& \"quotes\"",
        "other",
        47,
        [
            "<script>alert('x')</script> 1 Test Lane",
            "Springfield",
            "99999",
            "US",
        ],
        "hostile.input",
    ),
    Template {
        prefix: &["Mrs."],
        ..person(
            &["Margaret", "Ann"],
            "Thompson",
            "female",
            88,
            ["22 Acacia Avenue", "Leeds", "LS1 4AP", "GB"],
            "m.thompson",
        )
    },
    Template {
        suffix: &["III"],
        ..person(
            &["Kwame"],
            "Mensah",
            "male",
            61,
            ["7 Independence Ave", "Accra", "GA-123", "GH"],
            "kwame.mensah",
        )
    },
    person(
        &["Mateo"],
        "Kowalski-Ruiz",
        "unknown",
        8,
        ["ul. Długa 5", "Gdańsk", "80-827", "PL"],
        "kowalski.family",
    ),
    Template {
        prefix: &[],
        given: &[],
        family: None,
        suffix: &[],
        text: Some("Baby Doe"),
        gender: None,
        age: None,
        address: None,
        email: "",
    },
    person(
        &["Maximilian"],
        "Vielfach",
        "male",
        74,
        ["Hauptstraße 100", "Wien", "1010", "AT"],
        "max.vielfach",
    ),
];

/// List positions of the patients that carry documented edge cases (see `data`).
pub(super) mod index {
    /// Zoë Ångström: an explicit "No known allergy".
    pub(in super::super) const ZOE: usize = 0;
    /// Ольга Смирнова: partial dates.
    pub(in super::super) const OLGA: usize = 1;
    /// 太郎 山田: medications named in all three ways.
    pub(in super::super) const TARO: usize = 2;
    /// José Núñez: text-only CodeableConcepts.
    pub(in super::super) const JOSE: usize = 6;
    /// Thị Lan Nguyễn: valueString and valueCodeableConcept observations.
    pub(in super::super) const LAN: usize = 7;
    /// The patient with markup in the name: hostile narratives and 2000-character strings.
    pub(in super::super) const HOSTILE: usize = 9;
    /// Margaret Ann Thompson: a not-done immunization and an entered-in-error condition.
    pub(in super::super) const MARGARET: usize = 10;
    /// Kwame Mensah: an observation without an effective date.
    pub(in super::super) const KWAME: usize = 11;
    /// Maximilian Vielfach: more than 10,000 observations.
    pub(in super::super) const MAXIMILIAN: usize = 14;
}

/// The Patient resources for `seed`, in list order.
pub(super) fn generate(seed: u64) -> Vec<Value> {
    let mut rng = SplitMix64::new(seed);
    let mut ids = HashSet::new();
    let mut mrns = HashSet::new();
    PEOPLE
        .iter()
        .map(|person| {
            let id = unique(&mut ids, || {
                format!("p-{}", base36(rng.below(36u64.pow(6)), 6))
            });
            let mrn = unique(&mut mrns, || {
                format!("MRN-{}", 100_000 + rng.below(900_000))
            });
            patient(person, id, mrn, &mut rng)
        })
        .collect()
}

fn unique(seen: &mut HashSet<String>, mut make: impl FnMut() -> String) -> String {
    loop {
        let candidate = make();
        if seen.insert(candidate.clone()) {
            return candidate;
        }
    }
}

fn base36(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    out.into_iter().map(char::from).collect()
}

fn patient(person: &Template, id: String, mrn: String, rng: &mut SplitMix64) -> Value {
    let mut name = Map::new();
    if let Some(text) = person.text {
        name.insert("text".into(), json!(text));
    } else {
        name.insert("use".into(), json!("official"));
        if let Some(family) = person.family {
            name.insert("family".into(), json!(family));
        }
        name.insert("given".into(), json!(person.given));
        if !person.prefix.is_empty() {
            name.insert("prefix".into(), json!(person.prefix));
        }
        if !person.suffix.is_empty() {
            name.insert("suffix".into(), json!(person.suffix));
        }
    }
    let mut resource = json!({
        "resourceType": "Patient",
        "id": id,
        "meta": { "lastUpdated": "2025-01-01T00:00:00Z" },
        "name": [name],
    });
    // The template's recorded fields decide what exists; the generator draws from the PRNG
    // for every patient anyway so that one template's shape never shifts another's values.
    let member = 1_000_000 + rng.below(9_000_000);
    let birth = birth_date(person.age.unwrap_or(0), rng);
    let phone = rng.below(100);
    if person.text.is_some() {
        return resource;
    }
    resource["identifier"] = json!([
        {
            "use": "usual",
            "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR", "display": "Medical record number" }], "text": "MRN" },
            "system": "urn:oid:2.16.840.1.113883.19.5",
            "value": mrn,
        },
        {
            "use": "secondary",
            "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB", "display": "Member Number" }], "text": "Insurance member number" },
            "system": "urn:oid:2.16.840.1.113883.19.5.99",
            "value": format!("MB-{member}"),
        },
    ]);
    resource["active"] = json!(true);
    if let Some(gender) = person.gender {
        resource["gender"] = json!(gender);
    }
    if person.age.is_some() {
        resource["birthDate"] = json!(birth);
    }
    if let Some([line, city, postal, country]) = person.address {
        resource["telecom"] = json!([
            { "system": "phone", "value": format!("+1-555-01{phone:02}"), "use": "home" },
            { "system": "email", "value": format!("{}@example.org", person.email) },
        ]);
        resource["address"] = json!([{ "use": "home", "line": [line], "city": city, "postalCode": postal, "country": country }]);
    }
    resource
}

fn birth_date(age: u64, rng: &mut SplitMix64) -> String {
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    format!("{:04}-{month:02}-{day:02}", BASE_YEAR.saturating_sub(age))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_p_dash_six_base36_characters() {
        for patient in generate(42) {
            let id = patient["id"].as_str().unwrap_or_default().to_string();
            assert_eq!(id.len(), 8, "{id}");
            assert!(id.starts_with("p-"));
            assert!(id[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()));
        }
    }

    #[test]
    fn the_hostile_name_is_stored_as_plain_text() {
        let hostile = generate(7)
            .into_iter()
            .find(|p| p["gender"] == "other")
            .unwrap_or_default();
        assert_eq!(hostile["name"][0]["given"][0], "<b>Bold</b>");
        assert_eq!(hostile["name"][0]["family"], "& \"quotes\"");
    }
}
