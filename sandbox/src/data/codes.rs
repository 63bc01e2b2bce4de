//! The code catalogs the generators draw from: SNOMED CT problems, procedures and allergies,
//! RxNorm medications, CVX vaccines, and LOINC vital signs and laboratory tests with their
//! UCUM units and reference ranges.

/// A chronic or acute problem.
pub(super) struct Problem {
    /// SNOMED CT code.
    pub(super) code: &'static str,
    /// SNOMED CT display.
    pub(super) display: &'static str,
    /// Youngest age it is given at.
    pub(super) min_age: f64,
    /// Acute problems resolve (with an abatement date); chronic ones stay active.
    pub(super) chronic: bool,
    /// Index into [`MEDICATIONS`] of its usual treatment.
    pub(super) treatment: Option<usize>,
}

const fn problem(
    code: &'static str,
    display: &'static str,
    min_age: f64,
    chronic: bool,
    treatment: Option<usize>,
) -> Problem {
    Problem {
        code,
        display,
        min_age,
        chronic,
        treatment,
    }
}

/// SNOMED CT problems.
pub(super) const PROBLEMS: &[Problem] = &[
    problem("38341003", "Hypertensive disorder", 30.0, true, Some(0)),
    problem("44054006", "Diabetes mellitus type 2", 30.0, true, Some(1)),
    problem("55822004", "Hyperlipidemia", 30.0, true, Some(2)),
    problem("195967001", "Asthma", 3.0, true, Some(3)),
    problem("35489007", "Depressive disorder", 14.0, true, Some(4)),
    problem("49436004", "Atrial fibrillation", 50.0, true, Some(5)),
    problem("239873007", "Osteoarthritis of knee", 45.0, true, Some(7)),
    problem("73430006", "Sleep apnea", 30.0, true, None),
    problem("271737000", "Anemia", 10.0, true, None),
    problem("444814009", "Viral sinusitis", 2.0, false, None),
    problem("10509002", "Acute bronchitis", 2.0, false, Some(8)),
    problem("65363002", "Otitis media", 0.5, false, Some(8)),
    problem(
        "68566005",
        "Urinary tract infectious disease",
        16.0,
        false,
        None,
    ),
    problem("39848009", "Whiplash injury to neck", 18.0, false, Some(7)),
    problem("22298006", "Myocardial infarction", 50.0, false, Some(9)),
];

/// An RxNorm medication with how it is usually taken.
pub(super) struct Drug {
    /// RxNorm code.
    pub(super) code: &'static str,
    /// RxNorm display.
    pub(super) display: &'static str,
    /// `dosageInstruction.text`.
    pub(super) sig: &'static str,
}

/// RxNorm medications.
pub(super) const MEDICATIONS: &[Drug] = &[
    Drug {
        code: "314076",
        display: "lisinopril 10 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily",
    },
    Drug {
        code: "860975",
        display: "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet",
        sig: "Take 1 tablet by mouth twice daily with meals",
    },
    Drug {
        code: "259255",
        display: "atorvastatin 80 MG Oral Tablet",
        sig: "Take 1 tablet by mouth at bedtime",
    },
    Drug {
        code: "745679",
        display: "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler",
        sig: "Inhale 2 puffs every 4 to 6 hours as needed for wheezing",
    },
    Drug {
        code: "312940",
        display: "sertraline 50 MG Oral Tablet",
        sig: "Take 1 tablet by mouth every morning",
    },
    Drug {
        code: "855332",
        display: "warfarin sodium 5 MG Oral Tablet",
        sig: "Take as directed by the anticoagulation clinic",
    },
    Drug {
        code: "197361",
        display: "amlodipine 5 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily",
    },
    Drug {
        code: "310965",
        display: "ibuprofen 200 MG Oral Tablet",
        sig: "Take 1 to 2 tablets every 6 hours as needed for pain",
    },
    Drug {
        code: "308182",
        display: "amoxicillin 250 MG Oral Capsule",
        sig: "Take 1 capsule by mouth three times daily for 10 days",
    },
    Drug {
        code: "243670",
        display: "aspirin 81 MG Oral Tablet",
        sig: "Take 1 tablet by mouth once daily",
    },
];

/// An allergy or intolerance.
pub(super) struct Allergen {
    /// SNOMED CT code of the allergy.
    pub(super) code: &'static str,
    /// Display.
    pub(super) display: &'static str,
    /// `food | medication | environment | biologic`.
    pub(super) category: &'static str,
    /// `low | high | unable-to-assess`.
    pub(super) criticality: &'static str,
    /// SNOMED CT code and display of the reaction's manifestation.
    pub(super) manifestation: (&'static str, &'static str),
    /// `mild | moderate | severe`.
    pub(super) severity: &'static str,
}

/// SNOMED CT allergies.
pub(super) const ALLERGENS: &[Allergen] = &[
    Allergen {
        code: "91936005",
        display: "Allergy to penicillin",
        category: "medication",
        criticality: "high",
        manifestation: ("247472004", "Wheal"),
        severity: "moderate",
    },
    Allergen {
        code: "91935009",
        display: "Allergy to peanut",
        category: "food",
        criticality: "high",
        manifestation: ("39579001", "Anaphylaxis"),
        severity: "severe",
    },
    Allergen {
        code: "300913006",
        display: "Shellfish allergy",
        category: "food",
        criticality: "low",
        manifestation: ("271807003", "Eruption of skin"),
        severity: "mild",
    },
    Allergen {
        code: "418689008",
        display: "Allergy to grass pollen",
        category: "environment",
        criticality: "low",
        manifestation: ("76067001", "Sneezing"),
        severity: "mild",
    },
    Allergen {
        code: "232347008",
        display: "Dander (animal) allergy",
        category: "environment",
        criticality: "low",
        manifestation: ("267036007", "Dyspnea"),
        severity: "moderate",
    },
    Allergen {
        code: "294505008",
        display: "Allergy to sulfonamide",
        category: "medication",
        criticality: "unable-to-assess",
        manifestation: ("271807003", "Eruption of skin"),
        severity: "moderate",
    },
];

/// A vaccine: CVX code, display, the age range it is given in, and years between doses
/// (0: a fixed series given in the first years).
pub(super) struct Vaccine {
    /// CVX code.
    pub(super) code: &'static str,
    /// CVX short description.
    pub(super) display: &'static str,
    /// Youngest age.
    pub(super) min_age: f64,
    /// Interval in years between doses.
    pub(super) every_years: f64,
}

/// CVX vaccines.
pub(super) const VACCINES: &[Vaccine] = &[
    Vaccine {
        code: "140",
        display: "Influenza, seasonal, injectable, preservative free",
        min_age: 0.5,
        every_years: 1.0,
    },
    Vaccine {
        code: "113",
        display: "Td (adult), 5 Lf tetanus toxoid, preservative free, adsorbed",
        min_age: 18.0,
        every_years: 10.0,
    },
    Vaccine {
        code: "33",
        display: "pneumococcal polysaccharide vaccine, 23 valent",
        min_age: 65.0,
        every_years: 50.0,
    },
    Vaccine {
        code: "187",
        display: "zoster vaccine recombinant",
        min_age: 50.0,
        every_years: 0.2,
    },
    Vaccine {
        code: "20",
        display: "DTaP",
        min_age: 0.2,
        every_years: 0.3,
    },
];

/// A procedure: SNOMED CT code, display, youngest age, and whether it spans a period.
pub(super) const PROCEDURES: &[(&str, &str, f64, bool)] = &[
    (
        "430193006",
        "Medication Reconciliation (procedure)",
        18.0,
        false,
    ),
    ("171207006", "Depression screening", 12.0, false),
    ("73761001", "Colonoscopy", 45.0, true),
    ("80146002", "Appendectomy", 5.0, true),
    ("117015009", "Throat culture", 2.0, false),
    ("71651007", "Mammography", 40.0, false),
];

/// A vital sign: LOINC code, display, UCUM unit.
pub(super) struct Vital {
    /// LOINC code.
    pub(super) code: &'static str,
    /// LOINC display.
    pub(super) display: &'static str,
    /// UCUM unit.
    pub(super) unit: &'static str,
}

/// Heart rate.
pub(super) const HEART_RATE: Vital = Vital {
    code: "8867-4",
    display: "Heart rate",
    unit: "/min",
};
/// Respiratory rate.
pub(super) const RESPIRATORY_RATE: Vital = Vital {
    code: "9279-1",
    display: "Respiratory rate",
    unit: "/min",
};
/// Body temperature.
pub(super) const TEMPERATURE: Vital = Vital {
    code: "8310-5",
    display: "Body temperature",
    unit: "Cel",
};
/// Body weight.
pub(super) const WEIGHT: Vital = Vital {
    code: "29463-7",
    display: "Body weight",
    unit: "kg",
};
/// Body height.
pub(super) const HEIGHT: Vital = Vital {
    code: "8302-2",
    display: "Body height",
    unit: "cm",
};
/// Body mass index.
pub(super) const BMI: Vital = Vital {
    code: "39156-5",
    display: "Body mass index (BMI) [Ratio]",
    unit: "kg/m2",
};

/// A laboratory test with its reference range.
pub(super) struct Lab {
    /// LOINC code.
    pub(super) code: &'static str,
    /// LOINC display.
    pub(super) display: &'static str,
    /// UCUM unit.
    pub(super) unit: &'static str,
    /// Reference range low and high.
    pub(super) range: (f64, f64),
    /// Decimals recorded.
    pub(super) places: i32,
}

const fn lab(
    code: &'static str,
    display: &'static str,
    unit: &'static str,
    range: (f64, f64),
    places: i32,
) -> Lab {
    Lab {
        code,
        display,
        unit,
        range,
        places,
    }
}

/// A laboratory panel: the DiagnosticReport code and its members.
pub(super) struct Panel {
    /// LOINC code of the panel.
    pub(super) code: &'static str,
    /// Display of the panel.
    pub(super) display: &'static str,
    /// Its tests.
    pub(super) tests: &'static [Lab],
}

/// The panels drawn at yearly check-ups.
pub(super) const PANELS: &[Panel] = &[
    Panel {
        code: "58410-2",
        display: "CBC panel - Blood by Automated count",
        tests: &[
            lab(
                "6690-2",
                "Leukocytes [#/volume] in Blood by Automated count",
                "10*3/uL",
                (4.0, 11.0),
                1,
            ),
            lab(
                "718-7",
                "Hemoglobin [Mass/volume] in Blood",
                "g/dL",
                (12.0, 17.5),
                1,
            ),
            lab(
                "777-3",
                "Platelets [#/volume] in Blood by Automated count",
                "10*3/uL",
                (150.0, 400.0),
                0,
            ),
        ],
    },
    Panel {
        code: "51990-0",
        display: "Basic metabolic panel - Blood",
        tests: &[
            lab(
                "2345-7",
                "Glucose [Mass/volume] in Serum or Plasma",
                "mg/dL",
                (70.0, 99.0),
                0,
            ),
            lab(
                "2160-0",
                "Creatinine [Mass/volume] in Serum or Plasma",
                "mg/dL",
                (0.6, 1.3),
                2,
            ),
            lab(
                "2951-2",
                "Sodium [Moles/volume] in Serum or Plasma",
                "mmol/L",
                (136.0, 145.0),
                0,
            ),
            lab(
                "2823-3",
                "Potassium [Moles/volume] in Serum or Plasma",
                "mmol/L",
                (3.5, 5.1),
                1,
            ),
        ],
    },
    Panel {
        code: "57698-3",
        display: "Lipid panel with direct LDL - Serum or Plasma",
        tests: &[
            lab(
                "2093-3",
                "Cholesterol [Mass/volume] in Serum or Plasma",
                "mg/dL",
                (0.0, 200.0),
                0,
            ),
            lab(
                "18262-6",
                "Cholesterol in LDL [Mass/volume] in Serum or Plasma by Direct assay",
                "mg/dL",
                (0.0, 130.0),
                0,
            ),
            lab(
                "2085-9",
                "Cholesterol in HDL [Mass/volume] in Serum or Plasma",
                "mg/dL",
                (40.0, 100.0),
                0,
            ),
            lab(
                "2571-8",
                "Triglyceride [Mass/volume] in Serum or Plasma",
                "mg/dL",
                (0.0, 150.0),
                0,
            ),
        ],
    },
    Panel {
        code: "4548-4",
        display: "Hemoglobin A1c/Hemoglobin.total in Blood",
        tests: &[lab(
            "4548-4",
            "Hemoglobin A1c/Hemoglobin.total in Blood",
            "%",
            (4.0, 5.6),
            1,
        )],
    },
];
