//! Cinder over HTTP (`/volume`): the routes only. Every versioned route answers under
//! `/v3/{project_id}` and, as 3.67 allows, under `/v3` alone. Microversions come from
//! `OpenStack-API-Version: volume 3.x`.

mod actions;
mod common;
mod group_snapshots;
mod group_types;
mod groups;
mod misc;
mod qos;
mod quotas;
mod snapshots;
mod transfers;
mod types;
mod volumes;

use crate::http::routes::{get, post, put, Endpoint, Routes};

/// Mounts an endpoint under both URL forms.
fn both(r: Routes, tail: &str, endpoint: fn() -> Endpoint) -> Routes {
    r.route(&format!("/v3/{{project_id}}{tail}"), endpoint()).route(&format!("/v3{tail}"), endpoint())
}

pub fn router() -> Routes {
    let mut r = Routes::new().route("/", get(misc::versions)).route("/v3", get(misc::version_v3)).route("/v3/", get(misc::version_v3));
    let table: &[(&str, fn() -> Endpoint)] = &[
        ("/os-services", || get(misc::list_services)),
        ("/os-services/{action}", || put(misc::update_service)),
        ("/os-hosts", || get(misc::list_hosts)),
        ("/os-hosts/{host}", || get(misc::show_host)),
        ("/os-availability-zone", || get(misc::availability_zones)),
        ("/extensions", || get(misc::list_extensions)),
        ("/scheduler-stats/get_pools", || get(misc::get_pools)),
        ("/capabilities/{host}", || get(misc::capabilities)),
        ("/limits", || get(quotas::limits)),
        ("/messages", || get(misc::list_messages)),
        ("/messages/{message_id}", || get(misc::show_message).delete(misc::delete_message)),
        ("/os-quota-sets/{target_project}", || get(quotas::show_quota).put(quotas::update_quota).delete(quotas::delete_quota)),
        ("/os-quota-sets/{target_project}/defaults", || get(quotas::show_quota_defaults)),
        ("/os-quota-class-sets/{class_name}", || get(quotas::show_quota_class).put(quotas::update_quota_class)),
        ("/volumes", || get(volumes::list_volumes).post(volumes::create_volume)),
        ("/volumes/detail", || get(volumes::list_volumes_detail)),
        ("/volumes/summary", || get(volumes::volume_summary)),
        ("/volumes/{volume_id}", || get(volumes::show_volume).put(volumes::update_volume).delete(volumes::delete_volume)),
        ("/volumes/{volume_id}/action", || post(actions::volume_action)),
        ("/volumes/{volume_id}/metadata", || get(volumes::show_metadata).post(volumes::create_metadata).put(volumes::replace_metadata)),
        ("/volumes/{volume_id}/metadata/{key}", || {
            get(volumes::show_metadata_item).put(volumes::update_metadata_item).delete(volumes::delete_metadata_item)
        }),
        ("/types", || get(types::list_types).post(types::create_type)),
        ("/types/{type_id}", || get(types::show_type).put(types::update_type).delete(types::delete_type)),
        ("/types/{type_id}/action", || post(types::type_action)),
        ("/types/{type_id}/os-volume-type-access", || get(types::list_type_access)),
        ("/types/{type_id}/extra_specs", || get(types::list_extra_specs).post(types::create_extra_specs)),
        ("/types/{type_id}/extra_specs/{key}", || {
            get(types::show_extra_spec).put(types::update_extra_spec).delete(types::delete_extra_spec)
        }),
        ("/types/{type_id}/encryption", || get(types::show_encryption).post(types::create_encryption)),
        ("/types/{type_id}/encryption/{key}", || {
            get(types::show_encryption_item).put(types::update_encryption).delete(types::delete_encryption)
        }),
        ("/group_types", || get(group_types::list_group_types).post(group_types::create_group_type)),
        ("/group_types/{group_type_id}", || {
            get(group_types::show_group_type).put(group_types::update_group_type).delete(group_types::delete_group_type)
        }),
        ("/group_types/{group_type_id}/group_specs", || get(group_types::list_group_specs).post(group_types::create_group_specs)),
        ("/group_types/{group_type_id}/group_specs/{key}", || {
            get(group_types::show_group_spec).put(group_types::update_group_spec).delete(group_types::delete_group_spec)
        }),
        ("/group_snapshots", || get(group_snapshots::list_group_snapshots).post(group_snapshots::create_group_snapshot)),
        ("/group_snapshots/detail", || get(group_snapshots::list_group_snapshots_detail)),
        ("/group_snapshots/{group_snapshot_id}", || {
            get(group_snapshots::show_group_snapshot).delete(group_snapshots::delete_group_snapshot)
        }),
        ("/group_snapshots/{group_snapshot_id}/action", || post(group_snapshots::group_snapshot_action)),
        ("/groups", || get(groups::list_groups).post(groups::create_group)),
        ("/groups/detail", || get(groups::list_groups_detail)),
        ("/groups/action", || post(groups::groups_action)),
        ("/groups/{group_id}", || get(groups::show_group).put(groups::update_group)),
        ("/groups/{group_id}/action", || post(groups::group_action)),
        ("/qos-specs", || get(qos::list_qos).post(qos::create_qos)),
        ("/qos-specs/{qos_id}", || get(qos::show_qos).put(qos::set_qos).delete(qos::delete_qos)),
        ("/qos-specs/{qos_id}/delete_keys", || put(qos::unset_qos)),
        ("/qos-specs/{qos_id}/associations", || get(qos::qos_associations)),
        ("/qos-specs/{qos_id}/associate", || get(qos::associate_qos)),
        ("/qos-specs/{qos_id}/disassociate", || get(qos::disassociate_qos)),
        ("/qos-specs/{qos_id}/disassociate_all", || get(qos::disassociate_all_qos)),
        ("/snapshots", || get(snapshots::list_snapshots).post(snapshots::create_snapshot)),
        ("/snapshots/detail", || get(snapshots::list_snapshots_detail)),
        ("/snapshots/{snapshot_id}", || get(snapshots::show_snapshot).put(snapshots::update_snapshot).delete(snapshots::delete_snapshot)),
        ("/snapshots/{snapshot_id}/action", || post(snapshots::snapshot_action)),
        ("/snapshots/{snapshot_id}/metadata", || {
            get(snapshots::show_snapshot_metadata).post(snapshots::create_snapshot_metadata).put(snapshots::replace_snapshot_metadata)
        }),
        ("/snapshots/{snapshot_id}/metadata/{key}", || {
            get(snapshots::show_snapshot_metadata_item)
                .put(snapshots::update_snapshot_metadata_item)
                .delete(snapshots::delete_snapshot_metadata_item)
        }),
        ("/os-volume-transfer", || get(transfers::list_transfers).post(transfers::create_transfer)),
        ("/os-volume-transfer/detail", || get(transfers::list_transfers_detail)),
        ("/os-volume-transfer/{transfer_id}", || get(transfers::show_transfer).delete(transfers::delete_transfer)),
        ("/os-volume-transfer/{transfer_id}/accept", || post(transfers::accept)),
        ("/volume-transfers", || get(transfers::list_transfers).post(transfers::create_transfer)),
        ("/volume-transfers/detail", || get(transfers::list_transfers_detail)),
        ("/volume-transfers/{transfer_id}", || get(transfers::show_transfer).delete(transfers::delete_transfer)),
        ("/volume-transfers/{transfer_id}/accept", || post(transfers::accept)),
    ];
    for (tail, endpoint) in table {
        r = both(r, tail, *endpoint);
    }
    r
}
