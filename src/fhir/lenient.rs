//! Reading an element leniently without copying it: a value of the wrong shape is read as
//! absent and passed over, so one malformed element makes that element unknown, never its whole
//! record unreadable. The element is visited once, in place (no intermediate JSON value), so a
//! long record parses as fast as a strict reader would.

use serde::de::value::{BoolDeserializer, F64Deserializer, I64Deserializer, U64Deserializer};
use serde::de::value::{MapAccessDeserializer, StrDeserializer, StringDeserializer};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// `T` when the element had its shape, else `None`.
pub struct Lenient<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor(PhantomData))
    }
}

struct LenientVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for LenientVisitor<T> {
    type Value = Lenient<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Lenient(T::deserialize(BoolDeserializer::<E>::new(v)).ok()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Lenient(T::deserialize(I64Deserializer::<E>::new(v)).ok()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Lenient(T::deserialize(U64Deserializer::<E>::new(v)).ok()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Lenient(T::deserialize(F64Deserializer::<E>::new(v)).ok()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Lenient(T::deserialize(StrDeserializer::<E>::new(v)).ok()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Lenient(
            T::deserialize(StringDeserializer::<E>::new(v)).ok(),
        ))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        Lenient::deserialize(deserializer)
    }

    // A single element is never an array in FHIR JSON (repeating ones are read by
    // `lenient_list`): reading one positionally into a structure would invent a value.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let read = T::deserialize(MapAccessDeserializer::new(&mut map)).ok();
        // What the element's reader left unread (all of it, when the shape was wrong).
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Lenient(read))
    }
}

/// A repeating element: the items that had their shape, in order; a single item written
/// without its array is read as a list of one.
pub struct LenientList<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LenientList<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

fn one<T>(item: Lenient<T>) -> LenientList<T> {
    LenientList(item.0.into_iter().collect())
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = LenientList<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Lenient(item)) = seq.next_element::<Lenient<T>>()? {
            items.extend(item);
        }
        Ok(LenientList(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        LenientVisitor(PhantomData).visit_map(map).map(one)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        LenientVisitor(PhantomData).visit_bool(v).map(one)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        LenientVisitor(PhantomData).visit_i64(v).map(one)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        LenientVisitor(PhantomData).visit_u64(v).map(one)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        LenientVisitor(PhantomData).visit_f64(v).map(one)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        LenientVisitor(PhantomData).visit_str(v).map(one)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        LenientVisitor(PhantomData).visit_string(v).map(one)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(LenientList(Vec::new()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(LenientList(Vec::new()))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        LenientList::deserialize(deserializer)
    }
}
