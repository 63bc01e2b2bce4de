// The callback page: `ready` exchanges the code for a token, then the app sends the same FHIR
// queries Bedside sends to the sandbox's `reference` profile, all at once, following the pages
// Bedside follows (every page of the lists and labs; the first page of the newest vital signs
// and lab reports), and draws each answer as a plain table. The `comparator:*` marks are what
// the benchmark reads.
import FHIR from "fhirclient";

performance.mark("comparator:callback");

const LOINC = "http://loinc.org|";
// One search per vital sign, newest 50 readings: Bedside's per-code plan on this server.
const VITAL_SIGNS = {
  "Blood pressure": ["85354-9", "55284-4", "8480-6", "8462-4"],
  "Heart rate": ["8867-4"],
  "Respiratory rate": ["9279-1"],
  Temperature: ["8310-5", "8331-1", "8332-9", "8333-7", "8328-7", "75539-7", "76010-8"],
  "Oxygen saturation": ["59408-5", "2708-6"],
  Weight: ["29463-7", "3141-9"],
  Height: ["8302-2", "8306-3"],
  BMI: ["39156-5"],
  "Head circumference": ["9843-4", "8287-5"],
  Pain: ["72514-3"],
};

// Search name → [query, pages to follow (0: all)].
function searches(patient) {
  const p = encodeURIComponent(patient);
  const all = {
    Problems: `Condition?patient=${p}&_count=100`,
    "Medication requests": `MedicationRequest?patient=${p}&_include=MedicationRequest:medication&_count=100`,
    "Medication statements": `MedicationStatement?patient=${p}&_count=100`,
    Allergies: `AllergyIntolerance?patient=${p}&_count=100`,
    Labs: `Observation?patient=${p}&category=laboratory&_sort=-date&_count=500`,
    "Lab reports": [`DiagnosticReport?patient=${p}&_sort=-date&_count=100`, 1],
    Immunizations: `Immunization?patient=${p}&_count=100`,
    Encounters: `Encounter?patient=${p}&_sort=-date&_count=100`,
    Procedures: `Procedure?patient=${p}&_sort=-date&_count=100`,
  };
  const list = Object.fromEntries(
    Object.entries(all).map(([name, query]) => [name, Array.isArray(query) ? query : [query, 0]])
  );
  for (const [name, codes] of Object.entries(VITAL_SIGNS)) {
    const code = codes.map((c) => encodeURIComponent(LOINC + c)).join(",");
    list[name] = [`Observation?patient=${p}&category=vital-signs&code=${code}&_sort=-date&_count=50`, 1];
  }
  return list;
}

function text(concept) {
  if (!concept) return "";
  if (concept.text) return concept.text;
  const coding = (concept.coding || [])[0] || {};
  return coding.display || coding.code || "";
}

function when(resource) {
  return (
    resource.effectiveDateTime || resource.onsetDateTime || resource.recordedDate ||
    resource.authoredOn || resource.occurrenceDateTime || resource.performedDateTime ||
    (resource.period && resource.period.start) || resource.issued || resource.date || ""
  );
}

function value(resource) {
  const q = resource.valueQuantity;
  if (q) return `${q.value} ${q.unit || ""}`;
  if (resource.component) {
    return resource.component
      .map((c) => (c.valueQuantity ? c.valueQuantity.value : ""))
      .join("/");
  }
  return resource.valueString || text(resource.valueCodeableConcept) || "";
}

function cell(row, content) {
  const td = document.createElement("td");
  td.textContent = content;
  row.append(td);
}

function table(title, resources) {
  const section = document.createElement("section");
  const heading = document.createElement("h2");
  heading.textContent = `${title} (${resources.length})`;
  const t = document.createElement("table");
  for (const r of resources) {
    const row = t.insertRow();
    cell(row, r.resourceType);
    cell(row, when(r));
    cell(row, text(r.code || r.medicationCodeableConcept || r.vaccineCode || r.type?.[0]));
    cell(row, value(r));
    cell(row, (r.clinicalStatus && text(r.clinicalStatus)) || r.status || "");
  }
  section.append(heading, t);
  return section;
}

function banner(patient) {
  const name = (patient.name || [])[0] || {};
  const heading = document.createElement("h1");
  heading.textContent = [(name.given || []).join(" "), name.family].join(" ") +
    ` · ${patient.birthDate || ""} · ${patient.gender || ""}`;
  return heading;
}

async function main() {
  const client = await FHIR.oauth2.ready();
  performance.mark("comparator:token");
  const summary = document.getElementById("summary");
  summary.textContent = "";
  const patient = client.request(`Patient/${client.patient.id}`).then((p) => {
    summary.prepend(banner(p));
  });
  const sections = Object.entries(searches(client.patient.id)).map(([title, [url, pageLimit]]) =>
    client.request(url, { pageLimit, flat: true }).then((resources) => {
      summary.append(table(title, resources));
    })
  );
  await Promise.all([patient, ...sections]);
  performance.mark("comparator:all-sections");
}

main().catch((error) => {
  document.getElementById("summary").textContent = "Failed: " + error;
  performance.mark("comparator:failed");
});
