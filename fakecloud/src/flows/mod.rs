//! The flows that truly cross services, as methods on the `World`: each step touches the state of
//! more than one service, so none of them can live in one service's model. A module here is named
//! for its flow; everything a single service decides stays in that service's folder.

pub mod capi_plane;
pub mod host_events;
pub mod loadbalancer_boot;
pub mod loadbalancer_health;
pub mod loadbalancer_worker;
pub mod magnum_boot;
pub mod magnum_conductor;
pub mod overcloud_containers;
pub mod overcloud_faults;
pub mod server_interfaces;
pub mod server_snapshots;
pub mod servers;
pub mod volume_attachments;
