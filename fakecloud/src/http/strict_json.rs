//! JSON into typed values without serde's leniencies: the services' schemas are stricter than
//! serde's derived structs, and a body they refuse must not be accepted here.

use serde::de::DeserializeOwned;

/// `serde_json::from_value`, except that a JSON array is refused wherever a struct is expected.
/// serde's derived structs also accept their fields by position (`{"server": ["a name"]}`);
/// the services' schemas never do, so a body of that shape must be a 400, not a silent accept.
pub fn from_value_strict<T: DeserializeOwned>(v: &serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(strict::Strict(v))
}

mod strict {
    use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
    use serde_json::{Error, Value};

    /// A `&Value` deserializer that hands nested values on wrapped, so the rule holds at any depth.
    pub struct Strict<'de>(pub &'de Value);

    impl<'de> Deserializer<'de> for Strict<'de> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Array(items) => visitor.visit_seq(Seq(items.iter())),
                Value::Object(map) => visitor.visit_map(Map(map.iter(), None)),
                scalar => scalar.deserialize_any(visitor),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Value::Object(map) => visitor.visit_map(Map(map.iter(), None)),
                Value::Array(_) => Err(de::Error::invalid_type(Unexpected::Seq, &visitor)),
                other => other.deserialize_any(visitor),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            self.0.deserialize_enum(name, variants, visitor)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
            unit_struct seq tuple tuple_struct map identifier ignored_any
        }
    }

    struct Seq<'de>(std::slice::Iter<'de, Value>);

    impl<'de> SeqAccess<'de> for Seq<'de> {
        type Error = Error;
        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
            self.0.next().map(|v| seed.deserialize(Strict(v))).transpose()
        }
    }

    struct Map<'de>(serde_json::map::Iter<'de>, Option<&'de Value>);

    impl<'de> MapAccess<'de> for Map<'de> {
        type Error = Error;
        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
            match self.0.next() {
                Some((k, v)) => {
                    self.1 = Some(v);
                    seed.deserialize(k.as_str().into_deserializer()).map(Some)
                }
                None => Ok(None),
            }
        }
        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            let v = self.1.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
            seed.deserialize(Strict(v))
        }
    }
}
