//! Octavia's member bodies, typed as its API's wsme types declare them; unknown attributes are
//! refused. What a member may be against its pool and the cloud is the model's.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An integer as Octavia's API types read one: a JSON integer, or a string holding one (`"80"`).
fn integer_of<E: serde::de::Error>(v: Value) -> Result<i64, E> {
    match &v {
        Value::Number(n) => n.as_i64().ok_or_else(|| E::custom(format!("'{n}' is not an integer"))),
        Value::String(s) => s.trim().parse().map_err(|_| E::custom(format!("'{s}' is not an integer"))),
        other => Err(E::custom(format!("'{other}' is not an integer"))),
    }
}

pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    integer_of(Value::deserialize(d)?)
}

pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => integer_of(v).map(Some),
    }
}

/// For an attribute an update may clear with `null`: absent is None, null is Some(None).
pub fn opt_opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(Some(None)),
        v => integer_of(v).map(|i| Some(Some(i))),
    }
}

/// For an attribute an update may clear: absent is None, `null` is Some(None) (serde alone would
/// read `null` as absent).
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

fn bounded<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<T, D::Error> {
    let i = int(d)?;
    T::try_from(i).map_err(|_| serde::de::Error::custom(format!("'{i}' is out of range")))
}

fn opt_bounded<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    match opt_int(d)? {
        None => Ok(None),
        Some(i) => T::try_from(i).map(Some).map_err(|_| serde::de::Error::custom(format!("'{i}' is out of range"))),
    }
}

fn opt_opt_bounded<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    match opt_opt_int(d)? {
        Some(Some(i)) => T::try_from(i).map(|t| Some(Some(t))).map_err(|_| serde::de::Error::custom(format!("'{i}' is out of range"))),
        Some(None) => Ok(Some(None)),
        None => Ok(None),
    }
}

/// A `POST /pools/{id}/members` body (`{"member": {...}}`), and each entry of a batch update.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateMember {
    pub address: String,
    #[serde(deserialize_with = "bounded")]
    pub protocol_port: u16,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default, deserialize_with = "opt_bounded")]
    pub weight: Option<u32>,
    #[serde(default)]
    pub admin_state_up: Option<bool>,
    #[serde(default)]
    pub backup: Option<bool>,
    #[serde(default)]
    pub monitor_address: Option<String>,
    #[serde(default, deserialize_with = "opt_bounded")]
    pub monitor_port: Option<u16>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub project_id: Option<String>,
}

/// A `PUT /pools/{id}/members/{member}` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub admin_state_up: Option<bool>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "opt_bounded")]
    pub weight: Option<u32>,
    #[serde(default)]
    pub backup: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub monitor_address: Option<Option<String>>,
    #[serde(default, deserialize_with = "opt_opt_bounded")]
    pub monitor_port: Option<Option<u16>>,
}

/// A `PUT /pools/{id}/members` body: the pool's whole member list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchMembers {
    pub members: Vec<CreateMember>,
}
