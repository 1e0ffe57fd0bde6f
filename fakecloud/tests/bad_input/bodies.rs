//! What each body-taking route accepts: a minimal valid body per route, which the campaign mutates.
//! Keyed by the route's template with the aliases folded (`/load-balancer/v2.0` is `/v2`, Cinder's
//! `/v3/{project_id}/...` is `/v3/...`), so one entry serves each alias. `$name` strings are
//! placeholders filled with real ids from the default fixture at the start of the run.

use serde_json::{json, Value};

/// How a route takes its body.
pub enum Takes {
    /// A JSON document. `body` is a minimal valid one.
    Json(Spec),
    /// No body: the service ignores one (a DELETE-like action, a PUT that creates by name).
    Nothing { microversion: Option<&'static str> },
    /// Not JSON (an image file) or a whole snapshot: only the garbage bodies apply.
    /// `garbage_rejected`: whether arbitrary bytes must be refused.
    Opaque { garbage_rejected: bool },
}

pub struct Spec {
    pub body: Value,
    /// Every field of `body` is required: dropping one must be refused.
    pub all_required: bool,
    /// The service accepts unknown top-level attributes (Keystone's auth document, Glance's custom
    /// image properties); everywhere else an unknown attribute is a 400.
    pub extra_ok: bool,
    /// The `OpenStack-API-Version` value the body is valid at.
    pub microversion: Option<&'static str>,
    /// Pointers to maps whose keys the client chooses (Placement's `inventories`, keyed by resource
    /// class): dropping one of their entries leaves a valid request, even when `all_required`.
    pub open_maps: &'static [&'static str],
    /// An empty member object is a valid request (a schema with no required field and no
    /// `minProperties`, such as Keystone's OAuth1 consumer create).
    pub empty_ok: bool,
    /// Pointers to fields named like ids that the service takes as any string (Nova's assisted
    /// snapshot `snapshot_id`, which Cinder chose and Nova only passes on).
    pub free_ids: &'static [&'static str],
}

fn spec(body: Value, all_required: bool) -> Takes {
    Takes::Json(Spec { body, all_required, extra_ok: false, microversion: None, open_maps: &[], empty_ok: false, free_ids: &[] })
}

/// Keystone's resource bodies keep unknown attributes as extras (`additionalProperties: True`).
fn keystone(body: Value, all_required: bool) -> Takes {
    Takes::Json(Spec { body, all_required, extra_ok: true, microversion: None, open_maps: &[], empty_ok: false, free_ids: &[] })
}

/// A Nova body whose schema keeps unknown attributes.
fn nova_open(body: Value, all_required: bool) -> Takes {
    Takes::Json(Spec { body, all_required, extra_ok: true, microversion: None, open_maps: &[], empty_ok: false, free_ids: &[] })
}

/// A Glance body whose deserializer picks its fields and ignores the rest.
fn glance(body: Value) -> Takes {
    Takes::Json(Spec { body, all_required: true, extra_ok: true, microversion: None, open_maps: &[], empty_ok: false, free_ids: &[] })
}

fn at(microversion: &'static str, body: Value, all_required: bool) -> Takes {
    Takes::Json(Spec {
        body,
        all_required,
        extra_ok: false,
        microversion: Some(microversion),
        open_maps: &[],
        empty_ok: false,
        free_ids: &[],
    })
}

/// The folded template a route's entry is keyed by.
pub fn fold(path: &str) -> String {
    path.replace("/load-balancer/v2.0/", "/load-balancer/v2/").replace("/volume/v3/{project_id}/", "/volume/v3/")
}

/// The body a route takes, or None when the table has no entry for it (the campaign then fails).
pub fn takes(method: &str, path: &str) -> Option<Takes> {
    let nothing = Takes::Nothing { microversion: None };
    let t = match (method, fold(path).as_str()) {
        // Keystone: the auth document allows extra members (its schema is open).
        ("POST", "/identity/v3/auth/tokens") => Takes::Json(Spec {
            body: json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "domain": {"name": "Default"}, "password": "admin-secret"}}}}}),
            all_required: true,
            extra_ok: true,
            microversion: None,
            open_maps: &[],
            empty_ok: false,
            free_ids: &[],
        }),
        ("POST", "/identity/v3/domains") => keystone(json!({"domain": {"name": "bi-domain"}}), true),
        ("PATCH", "/identity/v3/domains/{id}") => keystone(json!({"domain": {"description": "bi"}}), false),
        ("POST", "/identity/v3/projects") => keystone(json!({"project": {"name": "bi-project"}}), true),
        ("PATCH", "/identity/v3/projects/{id}") => keystone(json!({"project": {"description": "bi"}}), false),
        // Keystone reads `tags` and nothing else from this body.
        ("PUT", "/identity/v3/projects/{id}/tags") => keystone(json!({"tags": ["bi"]}), true),
        ("PUT", "/identity/v3/projects/{id}/tags/{tag}") => nothing,
        ("POST", "/identity/v3/users") => keystone(json!({"user": {"name": "bi-user"}}), true),
        ("PATCH", "/identity/v3/users/{id}") => keystone(json!({"user": {"description": "bi"}}), false),
        // The campaign changes the observer's password here (see `Campaign::path`), never the admin's.
        ("POST", "/identity/v3/users/{id}/password") => {
            spec(json!({"user": {"original_password": "observer-secret", "password": "observer-secret"}}), true)
        }
        ("POST", "/identity/v3/groups") => keystone(json!({"group": {"name": "bi-group"}}), true),
        ("PATCH", "/identity/v3/groups/{id}") => keystone(json!({"group": {"description": "bi"}}), false),
        ("PUT", "/identity/v3/groups/{id}/users/{user}") => nothing,
        ("POST", "/identity/v3/roles") => keystone(json!({"role": {"name": "bi-role"}}), true),
        ("PATCH", "/identity/v3/roles/{id}") => keystone(json!({"role": {"description": "bi-role"}}), false),
        ("PUT", "/identity/v3/roles/{id}/implies/{implied}") => nothing,
        ("PUT", p) if p.starts_with("/identity/v3/") && (p.ends_with("/roles/{role}") || p.ends_with("/inherited_to_projects")) => nothing,
        ("POST", "/identity/v3/regions") => keystone(json!({"region": {"description": "bi-region"}}), false),
        ("PUT", "/identity/v3/regions/{id}") => keystone(json!({"region": {"description": "bi-region"}}), false),
        ("PATCH", "/identity/v3/regions/{id}") => keystone(json!({"region": {"description": "bi-region"}}), false),
        ("POST", "/identity/v3/services") => keystone(json!({"service": {"type": "bi-type", "name": "bi-service"}}), false),
        ("PATCH", "/identity/v3/services/{id}") => keystone(json!({"service": {"description": "bi-service"}}), false),
        ("POST", "/identity/v3/endpoints") => {
            keystone(json!({"endpoint": {"service_id": "$service", "interface": "public", "url": "http://bi.example:8080/v1"}}), true)
        }
        ("PATCH", "/identity/v3/endpoints/{id}") => keystone(json!({"endpoint": {"enabled": true}}), false),
        ("POST", "/identity/v3/credentials") => keystone(
            json!({"credential": {"user_id": "$user", "project_id": "$project", "type": "ec2",
                "blob": "{\"access\": \"bi-access\", \"secret\": \"bi-secret\"}"}}),
            true,
        ),
        ("PATCH", "/identity/v3/credentials/{id}") => keystone(json!({"credential": {"blob": "bi-blob"}}), false),
        ("POST", "/identity/v3/users/{id}/credentials/OS-EC2") => keystone(json!({"tenant_id": "$project"}), true),
        ("POST", "/identity/v3/users/{id}/application_credentials") => {
            keystone(json!({"application_credential": {"name": "bi-appcred"}}), false)
        }
        ("POST", "/identity/v3/policies") => keystone(json!({"policy": {"type": "application/json", "blob": "{}"}}), true),
        ("PATCH", "/identity/v3/policies/{id}") => keystone(json!({"policy": {"blob": "{}"}}), false),
        ("POST", "/identity/v3/OS-OAUTH1/consumers") => Takes::Json(Spec {
            body: json!({"consumer": {"description": "bi"}}),
            all_required: false,
            extra_ok: true,
            microversion: None,
            open_maps: &[],
            empty_ok: true,
            free_ids: &[],
        }),
        ("PATCH", "/identity/v3/OS-OAUTH1/consumers/{id}") => keystone(json!({"consumer": {"description": "bi"}}), false),
        // Keystone stores an option's value as any JSON, so the values here are null: no mutation of
        // a value can be wrong.
        ("PUT", "/identity/v3/domains/{id}/config") => spec(json!({"config": {"identity": {"driver": null}}}), true),
        ("PATCH", "/identity/v3/domains/{id}/config") => spec(json!({"config": {"identity": {"driver": null}}}), true),
        ("PATCH", "/identity/v3/domains/{id}/config/{group}") => spec(json!({"config": {"identity": {"driver": null}}}), true),
        ("PATCH", "/identity/v3/domains/{id}/config/{group}/{option}") => spec(json!({"config": {"driver": null}}), false),
        ("POST", "/identity/v3/OS-EP-FILTER/endpoint_groups") => {
            spec(json!({"endpoint_group": {"name": "bi-group", "filters": {"interface": "public"}}}), true)
        }
        ("PATCH", "/identity/v3/OS-EP-FILTER/endpoint_groups/{id}") => spec(json!({"endpoint_group": {"description": "bi"}}), false),
        ("PUT", p) if p.starts_with("/identity/v3/OS-EP-FILTER/") => nothing,
        ("POST", "/identity/v3/OS-TRUST/trusts") => keystone(
            json!({"trust": {"trustor_user_id": "$user", "trustee_user_id": "$user", "impersonation": false,
                "project_id": "$project", "roles": [{"name": "member"}]}}),
            false,
        ),

        // Nova.
        ("POST", "/compute/v2.1/servers") => {
            spec(json!({"server": {"name": "bi-server", "imageRef": "$image", "flavorRef": "$flavor"}}), true)
        }
        ("PUT", "/compute/v2.1/servers/{id}") => spec(json!({"server": {"name": "bi-renamed"}}), false),
        ("POST", "/compute/v2.1/servers/{id}/action") => spec(json!({"reboot": {"type": "SOFT"}}), true),
        ("POST", "/compute/v2.1/servers/{id}/os-interface") => spec(json!({"interfaceAttachment": {"net_id": "$network"}}), false),
        ("POST", "/compute/v2.1/servers/{id}/metadata") | ("PUT", "/compute/v2.1/servers/{id}/metadata") => {
            spec(json!({"metadata": {"bi": "1"}}), false)
        }
        ("PUT", "/compute/v2.1/servers/{id}/metadata/{key}") => spec(json!({"meta": {"bi": "1"}}), true),
        ("POST", "/compute/v2.1/images/{id}/metadata") | ("PUT", "/compute/v2.1/images/{id}/metadata") => {
            spec(json!({"metadata": {"bi": "1"}}), false)
        }
        ("PUT", "/compute/v2.1/images/{id}/metadata/{key}") => spec(json!({"meta": {"bi": "1"}}), true),
        ("PUT", "/compute/v2.1/servers/{id}/tags") => at("compute 2.26", json!({"tags": ["bi"]}), true),
        ("PUT", "/compute/v2.1/servers/{id}/tags/{tag}") => Takes::Nothing { microversion: Some("compute 2.26") },
        ("POST", "/compute/v2.1/os-keypairs") => spec(
            json!({"keypair": {"name": "bi-key", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyMaterial bi@example"}}),
            false,
        ),
        // Nova's schema names `pool` and keeps other members; the proxy is gone from 2.36.
        ("POST", "/compute/v2.1/os-floating-ips") => Takes::Json(Spec {
            body: json!({"pool": "public"}),
            all_required: false,
            extra_ok: true,
            microversion: Some("compute 2.35"),
            open_maps: &[],
            empty_ok: true,
            free_ids: &[],
        }),
        ("POST", "/compute/v2.1/os-server-groups") => {
            spec(json!({"server_group": {"name": "bi-group", "policies": ["anti-affinity"]}}), true)
        }
        ("PUT", "/compute/v2.1/os-services/{id}") => at("compute 2.53", json!({"status": "disabled"}), false),
        ("POST", "/compute/v2.1/flavors") => spec(json!({"flavor": {"name": "bi-flavor", "ram": 512, "vcpus": 1, "disk": 1}}), true),
        ("PUT", "/compute/v2.1/flavors/{id}") => at("compute 2.55", json!({"flavor": {"description": "bi"}}), true),
        ("POST", "/compute/v2.1/flavors/{id}/action") => spec(json!({"addTenantAccess": {"tenant": "$project"}}), true),
        ("POST", "/compute/v2.1/flavors/{id}/os-extra_specs") => Takes::Json(Spec {
            // The wrapper is itself the open map of specs: any well-formed key is a spec.
            body: json!({"extra_specs": {"bi:key": "bi"}}),
            all_required: true,
            extra_ok: true,
            microversion: None,
            open_maps: &["/extra_specs"],
            empty_ok: false,
            free_ids: &[],
        }),
        ("PUT", "/compute/v2.1/flavors/{id}/os-extra_specs/{key}") => spec(json!({"bi:key": "bi"}), true),
        ("PUT", "/compute/v2.1/os-quota-sets/{id}") => spec(json!({"quota_set": {"instances": 20}}), false),
        ("PUT", "/compute/v2.1/os-quota-class-sets/{id}") => spec(json!({"quota_class_set": {"instances": 20}}), false),
        ("POST", "/compute/v2.1/os-aggregates") => spec(json!({"aggregate": {"name": "bi-aggregate"}}), true),
        ("PUT", "/compute/v2.1/os-aggregates/{id}") => spec(json!({"aggregate": {"name": "bi-aggregate-renamed"}}), false),
        ("POST", "/compute/v2.1/os-aggregates/{id}/action") => Takes::Json(Spec {
            body: json!({"set_metadata": {"metadata": {"bi": "bi"}}}),
            all_required: true,
            extra_ok: false,
            microversion: None,
            open_maps: &["/set_metadata/metadata"],
            empty_ok: false,
            free_ids: &[],
        }),
        ("PUT", "/compute/v2.1/os-hosts/{host}") => spec(json!({"status": "enable"}), false),
        // Nova's security group schemas are open (`additionalProperties: True`).
        ("POST", "/compute/v2.1/servers/{id}/os-volume_attachments") => spec(json!({"volumeAttachment": {"volumeId": "$volume"}}), true),
        ("PUT", "/compute/v2.1/servers/{id}/os-volume_attachments/{volume_id}") => {
            at("compute 2.85", json!({"volumeAttachment": {"volumeId": "$volume"}}), true)
        }
        ("POST", "/compute/v2.1/os-volumes") => spec(json!({"volume": {"size": 1}}), true),
        ("POST", "/compute/v2.1/os-snapshots") => spec(json!({"snapshot": {"volume_id": "$volume"}}), true),
        ("POST", "/compute/v2.1/os-security-groups") => nova_open(json!({"security_group": {"name": "bi-sg", "description": "bi"}}), true),
        ("PUT", "/compute/v2.1/os-security-groups/{id}") => {
            nova_open(json!({"security_group": {"name": "bi-sg", "description": "bi"}}), true)
        }
        ("POST", "/compute/v2.1/os-security-group-rules") => nova_open(
            json!({"security_group_rule": {"parent_group_id": "$secgroup", "ip_protocol": "tcp", "from_port": 22, "to_port": 22}}),
            false,
        ),
        ("POST", "/compute/v2.1/os-assisted-volume-snapshots") => Takes::Json(Spec {
            body: json!({"snapshot": {"volume_id": "$volume", "create_info": {"snapshot_id": "bi-snap", "type": "qcow2", "new_file": "bi-file"}}}),
            all_required: true,
            extra_ok: false,
            microversion: None,
            open_maps: &[],
            empty_ok: false,
            free_ids: &["/snapshot/create_info/snapshot_id"],
        }),
        ("POST", "/compute/v2.1/os-server-external-events") => {
            spec(json!({"events": [{"name": "network-changed", "server_uuid": "9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b01"}]}), true)
        }

        // Placement.
        ("POST", "/placement/resource_providers") => spec(json!({"name": "bi-provider"}), true),
        ("PUT", "/placement/resource_providers/{uuid}") => spec(json!({"name": "bi-provider-renamed"}), true),
        ("PUT", "/placement/resource_providers/{uuid}/inventories") => Takes::Json(Spec {
            body: json!({"resource_provider_generation": "$generation", "inventories": {"VCPU": {"total": 64}}}),
            all_required: true,
            extra_ok: false,
            microversion: None,
            open_maps: &["/inventories"],
            empty_ok: false,
            free_ids: &[],
        }),
        ("POST", "/placement/resource_providers/{uuid}/inventories") => {
            spec(json!({"resource_provider_generation": "$generation", "resource_class": "CUSTOM_BI", "total": 4}), true)
        }
        ("PUT", "/placement/resource_providers/{uuid}/inventories/{rc}") => {
            spec(json!({"resource_provider_generation": "$generation", "total": 64}), true)
        }
        ("PUT", "/placement/resource_providers/{uuid}/traits") => {
            spec(json!({"resource_provider_generation": "$generation", "traits": ["HW_CPU_X86_AVX2"]}), true)
        }
        ("PUT", "/placement/resource_providers/{uuid}/aggregates") => at(
            "placement 1.19",
            json!({"resource_provider_generation": "$generation", "aggregates": ["5e1c6a4a-7d36-4a6e-8f5e-0c8f5f3f0a11"]}),
            true,
        ),
        ("POST", "/placement/resource_classes") => spec(json!({"name": "CUSTOM_BI_CLASS"}), true),
        ("PUT", "/placement/resource_classes/{name}") => Takes::Nothing { microversion: Some("placement 1.7") },
        ("PUT", "/placement/traits/{name}") => Takes::Nothing { microversion: Some("placement 1.6") },
        // Not all required: an empty `allocations` for a consumer is how POST /allocations removes them.
        ("POST", "/placement/allocations") => at(
            "placement 1.28",
            json!({"9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b01": {
                "allocations": {"$provider": {"resources": {"VCPU": 1}}},
                "project_id": "$project", "user_id": "$user", "consumer_generation": null}}),
            false,
        ),
        ("PUT", "/placement/allocations/{consumer}") => at(
            "placement 1.28",
            json!({"allocations": {"$provider": {"resources": {"VCPU": 1}}}, "project_id": "$project", "user_id": "$user",
                   "consumer_generation": null}),
            true,
        ),

        // Neutron.
        ("POST", "/network/v2.0/networks") => spec(json!({"network": {"name": "bi-net"}}), false),
        ("PUT", "/network/v2.0/networks/{id}") => spec(json!({"network": {"name": "bi-net-renamed"}}), false),
        ("POST", "/network/v2.0/subnets") => {
            spec(json!({"subnet": {"network_id": "$network", "cidr": "10.199.0.0/24", "ip_version": 4}}), true)
        }
        ("PUT", "/network/v2.0/subnets/{id}") => spec(json!({"subnet": {"name": "bi-subnet"}}), false),
        ("POST", "/network/v2.0/ports") => spec(json!({"port": {"network_id": "$network"}}), true),
        ("PUT", "/network/v2.0/ports/{id}") => spec(json!({"port": {"name": "bi-port"}}), false),
        ("POST", "/network/v2.0/floatingips") => spec(json!({"floatingip": {"floating_network_id": "$public"}}), true),
        ("PUT", "/network/v2.0/floatingips/{id}") => spec(json!({"floatingip": {"description": "bi"}}), false),
        ("POST", "/network/v2.0/routers") => spec(json!({"router": {"name": "bi-router"}}), false),
        ("PUT", "/network/v2.0/routers/{id}") => spec(json!({"router": {"name": "bi-router-renamed"}}), false),
        ("PUT", "/network/v2.0/routers/{id}/add_router_interface") => spec(json!({"subnet_id": "$subnet"}), true),
        ("PUT", "/network/v2.0/routers/{id}/remove_router_interface") => spec(json!({"subnet_id": "$subnet"}), true),
        ("POST", "/network/v2.0/subnetpools") => spec(json!({"subnetpool": {"name": "bi-pool", "prefixes": ["10.190.0.0/16"]}}), true),
        ("PUT", "/network/v2.0/subnetpools/{id}") => spec(json!({"subnetpool": {"name": "bi-pool-renamed"}}), false),
        ("POST", "/network/v2.0/security-groups") => spec(json!({"security_group": {"name": "bi-sg"}}), false),
        ("PUT", "/network/v2.0/security-groups/{id}") => spec(json!({"security_group": {"name": "bi-sg-renamed"}}), false),
        ("POST", "/network/v2.0/security-group-rules") => {
            spec(json!({"security_group_rule": {"security_group_id": "$secgroup", "direction": "ingress"}}), true)
        }
        ("POST", "/network/v2.0/metering/metering-labels") => spec(json!({"metering_label": {"name": "bi-label"}}), false),
        // The default fixture has no metering label: every variant is refused (the label is not
        // found if nothing else is wrong) and must change nothing.
        ("POST", "/network/v2.0/metering/metering-label-rules") => spec(
            json!({"metering_label_rule": {"metering_label_id": "0b1e3b0c-4d6f-4b8e-9c3a-2f1d5e6a7b8c", "direction": "ingress", "remote_ip_prefix": "10.0.0.0/24"}}),
            false,
        ),
        ("POST", "/network/v2.0/agents/{id}/dhcp-networks") => spec(json!({"network_id": "$network"}), true),
        ("PUT", "/network/v2.0/agents/{id}") => spec(json!({"agent": {"admin_state_up": true}}), false),
        ("PUT", "/network/v2.0/quotas/{project}") => spec(json!({"quota": {"port": 100}}), false),
        ("PUT", p) if p.starts_with("/network/v2.0/") && p.ends_with("/tags") => spec(json!({"tags": ["bi"]}), true),
        ("PUT", p) if p.starts_with("/network/v2.0/") && p.ends_with("/tags/{tag}") => nothing,

        // Glance: unknown attributes become custom image properties.
        ("POST", "/image/v2/images") => Takes::Json(Spec {
            body: json!({"name": "bi-image", "disk_format": "qcow2", "container_format": "bare"}),
            all_required: false,
            extra_ok: true,
            microversion: None,
            open_maps: &[],
            empty_ok: false,
            free_ids: &[],
        }),
        ("PUT", "/image/v2/images/{id}/file") => Takes::Opaque { garbage_rejected: false },
        ("PUT", "/image/v2/images/{id}/stage") => Takes::Opaque { garbage_rejected: false },
        // A JSON patch must come as Glance's patch media type: the campaign's `application/json`
        // is a 415 whatever the document.
        ("PATCH", "/image/v2/images/{id}") => Takes::Opaque { garbage_rejected: true },
        ("POST", "/image/v2/images/{id}/import") => spec(json!({"method": {"name": "glance-direct"}}), true),
        ("POST", "/image/v2/images/{id}/actions/deactivate") => nothing,
        ("POST", "/image/v2/images/{id}/actions/reactivate") => nothing,
        ("PUT", "/image/v2/images/{id}/tags/{tag}") => nothing,
        // Glance's member deserializer reads `member` (or `status`) and ignores anything else.
        ("POST", "/image/v2/images/{id}/members") => glance(json!({"member": "$project"})),
        ("PUT", "/image/v2/images/{id}/members/{member}") => glance(json!({"status": "accepted"})),
        ("POST", "/image/v2/tasks") => spec(
            json!({"type": "import", "input": {"import_from": "http://example.com/bi.qcow2", "import_from_format": "qcow2", "image_properties": {}}}),
            true,
        ),
        ("POST", "/image/v2/metadefs/namespaces") => spec(json!({"namespace": "bi-ns"}), true),
        ("PUT", "/image/v2/metadefs/namespaces/{ns}") => spec(json!({"namespace": "bi-ns"}), true),
        ("POST", "/image/v2/metadefs/namespaces/{ns}/resource_types") => spec(json!({"name": "OS::Glance::Image"}), true),
        ("POST", "/image/v2/metadefs/namespaces/{ns}/properties") => {
            spec(json!({"name": "bi-prop", "title": "bi", "type": "string"}), true)
        }
        ("PUT", "/image/v2/metadefs/namespaces/{ns}/properties/{name}") => {
            spec(json!({"name": "bi-prop", "title": "bi", "type": "string"}), true)
        }
        ("POST", "/image/v2/metadefs/namespaces/{ns}/objects") => spec(json!({"name": "bi-obj"}), true),
        ("PUT", "/image/v2/metadefs/namespaces/{ns}/objects/{name}") => spec(json!({"name": "bi-obj"}), true),
        ("POST", "/image/v2/metadefs/namespaces/{ns}/tags") => spec(json!({"tags": [{"name": "bi-tag"}]}), true),
        ("POST", "/image/v2/metadefs/namespaces/{ns}/tags/{name}") => nothing,
        ("PUT", "/image/v2/metadefs/namespaces/{ns}/tags/{name}") => spec(json!({"name": "bi-tag"}), true),

        // Cinder.
        // Cinder's volume schema leaves the volume object open (additionalProperties: True).
        ("POST", "/volume/v3/volumes") => Takes::Json(Spec {
            body: json!({"volume": {"size": 1}}),
            all_required: true,
            extra_ok: true,
            microversion: None,
            open_maps: &[],
            empty_ok: false,
            free_ids: &[],
        }),
        ("PUT", "/volume/v3/volumes/{volume_id}") => spec(json!({"volume": {"name": "bi-volume"}}), false),
        ("PUT", "/volume/v3/os-services/{action}") => spec(json!({"binary": "cinder-volume", "host": "hostgroup@tripleo_ceph"}), false),
        ("PUT", "/volume/v3/os-quota-sets/{target_project}") => spec(json!({"quota_set": {"volumes": 20}}), false),
        ("PUT", "/volume/v3/os-quota-class-sets/{class_name}") => spec(json!({"quota_class_set": {"volumes": 20}}), false),
        ("POST", "/volume/v3/volumes/{volume_id}/action") => spec(json!({"os-set_bootable": {"bootable": true}}), true),
        ("POST" | "PUT", "/volume/v3/volumes/{volume_id}/metadata") => spec(json!({"metadata": {"bi": "1"}}), false),
        ("PUT", "/volume/v3/volumes/{volume_id}/metadata/{key}") => spec(json!({"meta": {"bi": "1"}}), true),
        ("POST", "/volume/v3/types") => spec(json!({"volume_type": {"name": "bi-type"}}), true),
        ("PUT", "/volume/v3/types/{type_id}") => spec(json!({"volume_type": {"description": "bi"}}), false),
        ("POST", "/volume/v3/types/{type_id}/action") => spec(json!({"addProjectAccess": {"project": "$project"}}), true),
        ("POST", "/volume/v3/types/{type_id}/extra_specs") => spec(json!({"extra_specs": {"bi_key": "bi"}}), true),
        ("PUT", "/volume/v3/types/{type_id}/extra_specs/{key}") => spec(json!({"bi_key": "bi"}), false),
        ("POST", "/volume/v3/types/{type_id}/encryption") => {
            spec(json!({"encryption": {"provider": "luks", "control_location": "front-end"}}), false)
        }
        ("PUT", "/volume/v3/types/{type_id}/encryption/{key}") => spec(json!({"encryption": {"cipher": "aes-xts-plain64"}}), false),
        // QoS specs are open maps: any key beside name and consumer is a spec.
        ("POST", "/volume/v3/group_types") => at("volume 3.11", json!({"group_type": {"name": "bi-group-type"}}), true),
        ("PUT", "/volume/v3/group_types/{group_type_id}") => at("volume 3.11", json!({"group_type": {"description": "bi"}}), false),
        ("POST", "/volume/v3/group_types/{group_type_id}/group_specs") => at("volume 3.11", json!({"group_specs": {"bi_key": "bi"}}), true),
        ("PUT", "/volume/v3/group_types/{group_type_id}/group_specs/{key}") => at("volume 3.11", json!({"bi_key": "bi"}), false),
        ("POST", "/volume/v3/groups") => {
            // The default fixture has no group type: every body reaches the lookup, or a 400 before it.
            at(
                "volume 3.13",
                json!({"group": {"group_type": "9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b02", "volume_types": ["__DEFAULT__"]}}),
                true,
            )
        }
        ("PUT", "/volume/v3/groups/{group_id}") => at("volume 3.13", json!({"group": {"name": "bi-group"}}), false),
        ("POST", "/volume/v3/groups/action") => {
            at("volume 3.14", json!({"create-from-src": {"source_group_id": "9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b03"}}), true)
        }
        ("POST", "/volume/v3/groups/{group_id}/action") => at("volume 3.20", json!({"reset_status": {"status": "available"}}), true),
        ("POST", "/volume/v3/group_snapshots") => {
            at("volume 3.14", json!({"group_snapshot": {"group_id": "9a1f3e0c-51b6-4c3e-9d55-3f3c2b7a0b04"}}), true)
        }
        ("POST", "/volume/v3/group_snapshots/{group_snapshot_id}/action") => {
            at("volume 3.19", json!({"reset_status": {"status": "available"}}), true)
        }
        ("POST", "/volume/v3/qos-specs") => Takes::Json(Spec {
            body: json!({"qos_specs": {"name": "bi-qos"}}),
            all_required: true,
            extra_ok: true,
            microversion: None,
            open_maps: &[],
            empty_ok: false,
            free_ids: &[],
        }),
        ("PUT", "/volume/v3/qos-specs/{qos_id}") => Takes::Json(Spec {
            body: json!({"qos_specs": {"bi_key": "bi"}}),
            all_required: false,
            extra_ok: true,
            microversion: None,
            open_maps: &[],
            empty_ok: false,
            free_ids: &[],
        }),
        ("PUT", "/volume/v3/qos-specs/{qos_id}/delete_keys") => spec(json!({"keys": ["bi_key"]}), true),
        ("POST", "/volume/v3/snapshots") => spec(json!({"snapshot": {"volume_id": "$volume"}}), true),
        ("PUT", "/volume/v3/snapshots/{snapshot_id}") => spec(json!({"snapshot": {"name": "bi-snapshot"}}), false),
        ("POST", "/volume/v3/snapshots/{snapshot_id}/action") => spec(json!({"os-reset_status": {"status": "available"}}), true),
        ("POST" | "PUT", "/volume/v3/snapshots/{snapshot_id}/metadata") => spec(json!({"metadata": {"bi": "1"}}), false),
        ("PUT", "/volume/v3/snapshots/{snapshot_id}/metadata/{key}") => spec(json!({"meta": {"bi": "1"}}), true),
        ("POST", "/volume/v3/os-volume-transfer" | "/volume/v3/volume-transfers") => {
            spec(json!({"transfer": {"volume_id": "$volume"}}), true)
        }
        ("POST", "/volume/v3/os-volume-transfer/{transfer_id}/accept" | "/volume/v3/volume-transfers/{transfer_id}/accept") => {
            spec(json!({"accept": {"auth_key": "bi-key"}}), true)
        }

        // Octavia.
        ("POST", "/load-balancer/v2/lbaas/loadbalancers") => spec(json!({"loadbalancer": {"vip_subnet_id": "$subnet"}}), true),
        ("PUT", "/load-balancer/v2/lbaas/loadbalancers/{id}") => spec(json!({"loadbalancer": {"name": "bi-lb"}}), false),
        ("PUT", "/load-balancer/v2/lbaas/loadbalancers/{id}/failover") => nothing,
        ("POST", "/load-balancer/v2/lbaas/listeners") => {
            spec(json!({"listener": {"loadbalancer_id": "$lb", "protocol": "TCP", "protocol_port": 8443}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/listeners/{id}") => spec(json!({"listener": {"name": "bi-listener"}}), false),
        ("POST", "/load-balancer/v2/lbaas/pools") => {
            spec(json!({"pool": {"loadbalancer_id": "$lb", "protocol": "TCP", "lb_algorithm": "ROUND_ROBIN"}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/pools/{id}") => spec(json!({"pool": {"name": "bi-pool"}}), false),
        ("POST", "/load-balancer/v2/lbaas/pools/{id}/members") => {
            spec(json!({"member": {"address": "10.0.0.199", "protocol_port": 6443}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/pools/{id}/members") => {
            spec(json!({"members": [{"address": "10.0.0.198", "protocol_port": 6443}]}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/pools/{id}/members/{member}") => spec(json!({"member": {"name": "bi-member"}}), false),
        ("POST", "/load-balancer/v2/lbaas/healthmonitors") => {
            spec(json!({"healthmonitor": {"pool_id": "$pool", "type": "TCP", "delay": 5, "timeout": 3, "max_retries": 3}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/healthmonitors/{id}") => spec(json!({"healthmonitor": {"delay": 10}}), false),
        ("POST", "/load-balancer/v2/lbaas/l7policies") => {
            spec(json!({"l7policy": {"listener_id": "$http_listener", "action": "REJECT"}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/l7policies/{id}") => spec(json!({"l7policy": {"name": "bi-l7policy"}}), false),
        ("POST", "/load-balancer/v2/lbaas/l7policies/{id}/rules") => {
            spec(json!({"rule": {"type": "PATH", "compare_type": "STARTS_WITH", "value": "/bi"}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/l7policies/{id}/rules/{rule}") => spec(json!({"rule": {"value": "/bi2"}}), false),
        ("POST", "/load-balancer/v2/lbaas/flavors") => {
            spec(json!({"flavor": {"name": "bi-flavor", "flavor_profile_id": "$lb_flavor_profile"}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/flavors/{id}") => spec(json!({"flavor": {"description": "bi"}}), false),
        ("POST", "/load-balancer/v2/lbaas/flavorprofiles") => {
            spec(json!({"flavorprofile": {"name": "bi-profile", "provider_name": "amphora", "flavor_data": "{}"}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/flavorprofiles/{id}") => spec(json!({"flavorprofile": {"name": "bi-profile-2"}}), false),
        ("POST", "/load-balancer/v2/lbaas/availabilityzoneprofiles") => spec(
            json!({"availability_zone_profile": {"name": "bi-zone-profile", "provider_name": "amphora", "availability_zone_data": "{}"}}),
            true,
        ),
        ("PUT", "/load-balancer/v2/lbaas/availabilityzoneprofiles/{id}") => {
            spec(json!({"availability_zone_profile": {"name": "bi-zone-profile-2"}}), false)
        }
        ("POST", "/load-balancer/v2/lbaas/availabilityzones") => {
            spec(json!({"availability_zone": {"name": "bi-zone", "availability_zone_profile_id": "$lb_zone_profile"}}), true)
        }
        ("PUT", "/load-balancer/v2/lbaas/availabilityzones/{name}") => spec(json!({"availability_zone": {"description": "bi"}}), false),
        ("PUT", "/load-balancer/v2/lbaas/quotas/{project_id}" | "/load-balancer/v2/quotas/{project_id}") => {
            spec(json!({"quota": {"pool": -1}}), false)
        }
        ("PUT", "/load-balancer/v2/octavia/amphorae/{id}/failover") => nothing,
        ("PUT", "/load-balancer/v2/octavia/amphorae/{id}/config") => nothing,

        // Magnum.
        ("POST", "/container-infra/v1/clustertemplates") => {
            spec(json!({"name": "bi-template", "image_id": "$image", "external_network_id": "$public", "coe": "kubernetes"}), false)
        }
        ("POST", "/container-infra/v1/clusters") => spec(json!({"name": "bi-cluster", "cluster_template_id": "$template"}), false),
        ("PATCH", "/container-infra/v1/clusters/{id}") => spec(json!([{"op": "replace", "path": "/node_count", "value": 2}]), true),
        ("POST", "/container-infra/v1/clusters/{id}/actions/resize") => spec(json!({"node_count": 2}), true),
        ("POST", "/container-infra/v1/clusters/{id}/nodegroups") => {
            at("container-infra 1.9", json!({"name": "bi-ng", "node_count": 1}), false)
        }

        // The control API.
        ("POST", "/_fakecloud/reset") => nothing,
        ("PUT", "/_fakecloud/clock") => spec(json!({"mode": "manual"}), true),
        ("POST", "/_fakecloud/clock/advance") => spec(json!({"by": 1}), true),
        ("POST", "/_fakecloud/faults") => {
            spec(json!({"kind": "api-error", "status": 503, "match": {"path": "/nowhere"}, "count": 1}), false)
        }
        ("POST", "/_fakecloud/shell") => spec(json!({"argv": ["docker", "ps"]}), true),
        ("POST", "/_fakecloud/restore") => Takes::Opaque { garbage_rejected: true },
        _ => return None,
    };
    Some(t)
}
