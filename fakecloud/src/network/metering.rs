//! Metering labels and their rules (the metering extension, admin only): a rule counts traffic of
//! one direction to or from a prefix, and may not overlap another rule of its label with the same
//! direction and exclusion.

use super::error::{NResult, NeutronError};
use super::ipam::Cidr;
use super::model::*;
use crate::sim::Ids;
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LabelSpec {
    pub name: Option<String>,
    pub description: Option<String>,
    pub shared: Option<bool>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeteringRuleSpec {
    pub metering_label_id: String,
    pub direction: String,
    pub excluded: Option<bool>,
    pub remote_ip_prefix: Option<String>,
    pub source_ip_prefix: Option<String>,
    pub destination_ip_prefix: Option<String>,
}

pub fn label_not_found(id: &str) -> NeutronError {
    NeutronError::not_found("MeteringLabelNotFound", format!("Metering label {id} does not exist"))
}

pub fn rule_not_found(id: &str) -> NeutronError {
    NeutronError::not_found("MeteringLabelRuleNotFound", format!("Metering label rule {id} does not exist"))
}

fn prefix(attr: &str, text: Option<&String>) -> NResult<Option<Cidr>> {
    text.map(|t| Cidr::parse(t).map_err(|reason| NeutronError::invalid_attr(attr, reason))).transpose()
}

impl Network {
    pub fn create_metering_label(&mut self, ids: &mut Ids, project_id: &str, spec: LabelSpec) -> String {
        let id = ids.uuid();
        self.metering_labels.insert(
            id.clone(),
            MeteringLabel {
                id: id.clone(),
                name: spec.name.unwrap_or_default(),
                description: spec.description.unwrap_or_default(),
                project_id: project_id.to_string(),
                shared: spec.shared.unwrap_or(false),
            },
        );
        id
    }

    /// The label's rules go with it.
    pub fn delete_metering_label(&mut self, id: &str) -> NResult<()> {
        self.metering_labels.remove(id).ok_or_else(|| label_not_found(id))?;
        self.metering_rules.retain(|_, r| r.metering_label_id != id);
        Ok(())
    }

    pub fn create_metering_rule(&mut self, ids: &mut Ids, spec: MeteringRuleSpec) -> NResult<String> {
        let label = self.metering_labels.get(&spec.metering_label_id).ok_or_else(|| label_not_found(&spec.metering_label_id))?.clone();
        let remote = prefix("remote_ip_prefix", spec.remote_ip_prefix.as_ref())?;
        prefix("source_ip_prefix", spec.source_ip_prefix.as_ref())?;
        prefix("destination_ip_prefix", spec.destination_ip_prefix.as_ref())?;
        if remote.is_some() && (spec.source_ip_prefix.is_some() || spec.destination_ip_prefix.is_some()) {
            return Err(NeutronError::bad_request(
                "Cannot use 'remote-ip-prefix' in conjunction with 'source-ip-prefix' or 'destination-ip-prefix'.",
            ));
        }
        if remote.is_none() && spec.source_ip_prefix.is_none() && spec.destination_ip_prefix.is_none() {
            return Err(NeutronError::bad_request(
                "You must define at least one of the following parameters 'remote_ip_prefix', or 'source_ip_prefix' or 'destination_ip_prefix'.",
            ));
        }
        let excluded = spec.excluded.unwrap_or(false);
        if let Some(r) = &remote {
            let overlaps = self.metering_rules.values().any(|o| {
                o.metering_label_id == label.id
                    && o.direction == spec.direction
                    && o.excluded == excluded
                    && o.remote_ip_prefix.as_deref().and_then(|p| Cidr::parse(p).ok()).is_some_and(|c| c.overlaps(r))
            });
            if overlaps {
                return Err(NeutronError::conflict(
                    "MeteringLabelRuleOverlaps",
                    format!("Metering label rule with remote_ip_prefix {r} overlaps another."),
                ));
            }
        }
        let id = ids.uuid();
        self.metering_rules.insert(
            id.clone(),
            MeteringRule {
                id: id.clone(),
                metering_label_id: label.id,
                project_id: label.project_id,
                direction: spec.direction,
                excluded,
                remote_ip_prefix: remote.map(|c| c.to_string()),
                source_ip_prefix: spec.source_ip_prefix,
                destination_ip_prefix: spec.destination_ip_prefix,
            },
        );
        Ok(id)
    }

    pub fn delete_metering_rule(&mut self, id: &str) -> NResult<()> {
        self.metering_rules.remove(id).map(|_| ()).ok_or_else(|| rule_not_found(id))
    }
}
