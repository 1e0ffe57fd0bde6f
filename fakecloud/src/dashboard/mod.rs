//! Horizon as an operator's service-level check reaches it, behind HAProxy on the public VIP:
//! `curl -IL https://ENDPOINT/dashboard` is a 302 to the login page and a 200 there, answered by
//! whichever controller HAProxy picks (its `SERVERID` cookie), and HAProxy's own 503 when no
//! controller's horizon container can serve. There is no Horizon beyond those pages.

pub mod api;
pub mod service;

pub use service::SERVICE;
