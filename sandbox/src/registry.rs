//! The resource types the FHIR server serves and the search parameters of each, named and
//! typed as in the FHIR R4 search parameter registry. The CapabilityStatement and the search
//! engine both read this table, so the statement cannot claim what the server does not do.

/// The type of a search parameter (FHIR R4 §3.1.1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `reference`: `Patient/x`, `x` or an absolute URL.
    Reference,
    /// `token`: `code`, `system|code`, `|code` or `system|`.
    Token,
    /// `date`: a FHIR date with an optional prefix.
    Date,
    /// `string`: matches when a word of the element starts with the value, ignoring case
    /// (FHIR R4 §3.1.1.4.13; accents are not folded).
    String,
}

impl Kind {
    /// The name of the type in a CapabilityStatement.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Reference => "reference",
            Kind::Token => "token",
            Kind::Date => "date",
            Kind::String => "string",
        }
    }
}

/// One search parameter: its name, type and the element(s) it searches (a `[x]` element is
/// given as its prefix, e.g. `effective`).
#[derive(Debug)]
pub(crate) struct Param {
    /// The parameter name.
    pub(crate) name: &'static str,
    /// Its type.
    pub(crate) kind: Kind,
    /// The element it searches.
    pub(crate) path: &'static str,
}

const fn p(name: &'static str, kind: Kind, path: &'static str) -> Param {
    Param { name, kind, path }
}

/// A resource type the server serves.
#[derive(Debug)]
pub(crate) struct Type {
    /// The resource type name.
    pub(crate) name: &'static str,
    /// The element that names the patient, if the type is in the patient compartment.
    pub(crate) patient_path: Option<&'static str>,
    /// Its search parameters besides `_id`.
    pub(crate) params: &'static [Param],
    /// The `_include` values it supports.
    pub(crate) includes: &'static [&'static str],
}

use Kind::{Date, Reference, Token};

const PATIENT: Param = p("patient", Reference, "subject");
const SUBJECT: Param = p("subject", Reference, "subject");
const STATUS: Param = p("status", Token, "status");
const CODE: Param = p("code", Token, "code");
const CATEGORY: Param = p("category", Token, "category");
// HumanName searches (FHIR R4 `individual-given`, `individual-family`, `Patient-name`): the
// path names the HumanName list, then the parts searched.
const NAME: Param = p("name", Kind::String, "name.text.family.given.prefix.suffix");
const GIVEN: Param = p("given", Kind::String, "name.given");
const FAMILY: Param = p("family", Kind::String, "name.family");

/// Every served type, in CapabilityStatement order.
pub(crate) const TYPES: &[Type] = &[
    Type {
        name: "Patient",
        patient_path: Some("id"),
        params: &[NAME, GIVEN, FAMILY],
        includes: &[],
    },
    Type {
        name: "AllergyIntolerance",
        patient_path: Some("patient"),
        params: &[
            p("patient", Reference, "patient"),
            p("clinical-status", Token, "clinicalStatus"),
            CODE,
        ],
        includes: &[],
    },
    Type {
        name: "Condition",
        patient_path: Some("subject"),
        params: &[
            PATIENT,
            SUBJECT,
            CATEGORY,
            CODE,
            p("clinical-status", Token, "clinicalStatus"),
            p("onset-date", Date, "onset"),
        ],
        includes: &[],
    },
    Type {
        name: "MedicationRequest",
        patient_path: Some("subject"),
        params: &[
            PATIENT,
            SUBJECT,
            STATUS,
            p("code", Token, "medicationCodeableConcept"),
            p("authoredon", Date, "authoredOn"),
        ],
        includes: &["MedicationRequest:medication"],
    },
    Type {
        name: "MedicationStatement",
        patient_path: Some("subject"),
        params: &[
            PATIENT,
            SUBJECT,
            STATUS,
            p("code", Token, "medicationCodeableConcept"),
        ],
        includes: &[],
    },
    Type {
        name: "Medication",
        patient_path: None,
        params: &[CODE],
        includes: &[],
    },
    Type {
        name: "Immunization",
        patient_path: Some("patient"),
        params: &[
            p("patient", Reference, "patient"),
            STATUS,
            p("vaccine-code", Token, "vaccineCode"),
            p("date", Date, "occurrence"),
        ],
        includes: &[],
    },
    Type {
        name: "Observation",
        patient_path: Some("subject"),
        params: &[
            PATIENT,
            SUBJECT,
            CATEGORY,
            CODE,
            STATUS,
            p("date", Date, "effective"),
        ],
        includes: &[],
    },
    Type {
        name: "Encounter",
        patient_path: Some("subject"),
        params: &[
            PATIENT,
            SUBJECT,
            STATUS,
            p("class", Token, "class"),
            p("date", Date, "period"),
        ],
        includes: &[],
    },
    Type {
        name: "Procedure",
        patient_path: Some("subject"),
        params: &[PATIENT, SUBJECT, STATUS, CODE, p("date", Date, "performed")],
        includes: &[],
    },
    Type {
        name: "DiagnosticReport",
        patient_path: Some("subject"),
        params: &[
            PATIENT,
            SUBJECT,
            CATEGORY,
            CODE,
            STATUS,
            p("date", Date, "effective"),
        ],
        includes: &[],
    },
    Type {
        name: "Practitioner",
        patient_path: None,
        params: &[NAME, GIVEN, FAMILY],
        includes: &[],
    },
];

/// The `_id` parameter every type has.
pub(crate) const ID: Param = p("_id", Token, "id");

impl Type {
    /// The parameter `name` of this type, `_id` included.
    pub(crate) fn param(&self, name: &str) -> Option<&'static Param> {
        if name == "_id" {
            return Some(&ID);
        }
        self.params.iter().find(|p| p.name == name)
    }

    /// The date and string parameters, which are also the `_sort` keys.
    pub(crate) fn sort_params(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| matches!(p.kind, Date | Kind::String))
    }
}

/// The served type named `name`.
pub(crate) fn type_named(name: &str) -> Option<&'static Type> {
    TYPES.iter().find(|t| t.name == name)
}
