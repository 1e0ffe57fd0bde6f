//! Octavia's member bodies, typed as its API's wsme types declare them; unknown attributes are
//! refused. What a member may be against its pool and the cloud is the model's.

use serde::Deserialize;

/// A `POST /pools/{id}/members` body (`{"member": {...}}`), and each entry of a batch update.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateMember {
    pub address: String,
    pub protocol_port: u16,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub weight: Option<u32>,
    #[serde(default)]
    pub admin_state_up: Option<bool>,
    #[serde(default)]
    pub backup: Option<bool>,
    #[serde(default)]
    pub monitor_address: Option<String>,
    #[serde(default)]
    pub monitor_port: Option<u16>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub project_id: Option<String>,
}

/// A `PUT /pools/{id}/members` body: the pool's whole member list.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchMembers {
    pub members: Vec<CreateMember>,
}
