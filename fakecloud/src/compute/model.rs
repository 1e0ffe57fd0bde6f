//! Nova's state. (Being built.)

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Compute {}

impl Compute {
    pub fn server_id_named(&self, _name: &str) -> Option<String> {
        None
    }
}
