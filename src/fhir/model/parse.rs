//! Reading one resource, or a search result's worth, into a model: the [`Resource`] trait every
//! model implements and the [`MalformedResource`] a value that is not one becomes.

use crate::problem::UserFacing;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// A resource type Bedside can parse.
pub trait Resource: DeserializeOwned {
    /// The `resourceType` this model reads, e.g. `Observation`.
    const RESOURCE_TYPE: &'static str;
    /// The logical id, if the server sent one.
    fn id(&self) -> Option<&str>;
}

// Implements [`Resource`] for models with an `id: Option<String>` field.
macro_rules! resource {
    ($model:ident) => {
        impl $crate::fhir::model::parse::Resource for $model {
            const RESOURCE_TYPE: &'static str = stringify!($model);
            fn id(&self) -> Option<&str> {
                self.id.as_deref()
            }
        }
    };
}
pub(crate) use resource;

/// A resource that could not be read: which one, and what was wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedResource {
    /// The type that was expected, e.g. `Condition`.
    pub resource_type: String,
    /// Its id, when one could be read.
    pub id: Option<String>,
    /// What was wrong, in the parser's words.
    pub problem: String,
}

impl fmt::Display for MalformedResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.id.as_deref().unwrap_or("(no id)");
        write!(f, "{}/{id}: {}", self.resource_type, self.problem)
    }
}

impl UserFacing for MalformedResource {
    fn title(&self) -> String {
        "A record could not be read".into()
    }

    fn message(&self) -> String {
        let id = self.id.as_deref().unwrap_or("without an id");
        format!(
            "The {} {id} could not be read, so it is not shown: {}.",
            self.resource_type, self.problem
        )
    }

    fn hint(&self) -> Option<String> {
        Some("Check this record in the EHR itself.".into())
    }
}

/// Reads one resource of type `T` from JSON, checking `resourceType`.
pub fn parse_resource<T: Resource>(value: &Value) -> Result<T, MalformedResource> {
    let malformed = |problem: String| MalformedResource {
        resource_type: T::RESOURCE_TYPE.into(),
        id: value.get("id").and_then(Value::as_str).map(str::to_owned),
        problem,
    };
    match value.get("resourceType").and_then(Value::as_str) {
        Some(found) if found == T::RESOURCE_TYPE => {}
        Some(found) => return Err(malformed(format!("it is a {found}"))),
        None => return Err(malformed("it has no resourceType".into())),
    }
    T::deserialize(value).map_err(|error| malformed(error.to_string()))
}

/// The resources of type `T` among `values`, and those of type `T` that could not be read.
/// Values of other types are passed over: a section is handed a whole search result, which may
/// hold included resources of other types.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    /// Readable resources, in the order given.
    pub resources: Vec<T>,
    /// Unreadable ones, in the order given.
    pub malformed: Vec<MalformedResource>,
}

impl<T: Resource> Parsed<T> {
    /// Nothing read yet.
    pub fn none() -> Self {
        Parsed {
            resources: Vec::new(),
            malformed: Vec::new(),
        }
    }

    /// Reads `values` after those read before, as one [`parse_all`] of them all would: so a
    /// search's pages can be read as each arrives.
    pub fn read_more(&mut self, values: &[Value]) {
        let of_type = values
            .iter()
            .filter(|v| v.get("resourceType").and_then(Value::as_str) == Some(T::RESOURCE_TYPE));
        for value in of_type {
            match parse_resource(value) {
                Ok(resource) => self.resources.push(resource),
                Err(malformed) => self.malformed.push(malformed),
            }
        }
    }
}

/// Parses every value whose `resourceType` is `T`'s.
pub fn parse_all<T: Resource>(values: &[Value]) -> Parsed<T> {
    let mut parsed = Parsed::none();
    parsed.read_more(values);
    parsed
}

/// The contained resource of type `T` with this local id (`#id` references point at it). A
/// contained resource that cannot be read counts as absent.
pub fn find_contained<T: Resource>(contained: &[Value], local_id: &str) -> Option<T> {
    contained
        .iter()
        .filter(|value| value.get("id").and_then(Value::as_str) == Some(local_id))
        .find_map(|value| parse_resource(value).ok())
}
