//! Containers on the clock: restart, stop and start as docker/podman do them, the health check
//! after a start, and the link to the APIs: an API service container (nova_scheduler,
//! nova_conductor, cinder_scheduler, nova_compute, cinder-volume) that is stopped, unhealthy or on
//! an offline node stops reporting, so the service shows down in `openstack compute service list`
//! and `volume service list` after the real timeouts.
//!
//! Kolla's COPY_ALWAYS copies the host's config into the container at start: `applied` keeps that
//! copy, so a file edited on the host takes effect in the container only after a restart.

/// TripleO's health check interval; `unhealthy` after this many failures in a row.
pub const HEALTH_INTERVAL_SECS: i64 = 30;
pub const HEALTH_RETRIES: u32 = 3;
