//! Cinder's state. SKELETON: the signatures are the contract World and host events use.

use crate::fixture::Fixture;
use crate::identity::Identity;
use crate::sim::{Ids, SimTime};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Volumes {}

impl Volumes {
    /// Services (cinder-scheduler on each controller, cinder-volume on the backend host) and the
    /// fixture's volumes; `server_id` maps a fixture server name to its id for attachments.
    pub fn from_fixture(
        _f: &Fixture,
        _idn: &Identity,
        _ids: &mut Ids,
        _now: SimTime,
        _server_id: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Volumes> {
        Ok(Volumes::default())
    }

    /// Host events: a volume service stops (or resumes) reporting. `binary` e.g. `cinder-volume`.
    pub fn set_service_alive(&mut self, _binary: &str, _host: &str, _alive: bool, _now: SimTime) -> bool {
        false
    }
}
