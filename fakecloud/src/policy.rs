//! The policy table: one place where every service declares who may call each action, following
//! the upstream defaults (admin / member / reader, project scope, self-service). Handlers call
//! `enforce` with the action name the upstream policy file uses, so 403s name the same rule.

use crate::auth::Caller;
use crate::http::error::ApiError;
use crate::http::service::Service;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Any valid token.
    Authenticated,
    /// The admin role (legacy cloud admin, any scope) or a system-scoped reader.
    AdminOrSystemReader,
    /// The admin role.
    Admin,
    /// Admin, or the token's own user (`user_id:%(target.user.id)s`).
    AdminOrSelf,
    /// Admin, a system-scoped reader, or the target user (Keystone's
    /// `ADMIN_OR_SYSTEM_READER_OR_OWNER` and `..._OR_CRED_OWNER`).
    AdminOrSystemReaderOrSelf,
    /// Admin, or a member acting for itself (`ADMIN_OR_MEMBER_AND_CRED_OWNER`).
    AdminOrMemberSelf,
    /// The target user only, admin or not (`rule:owner`, a trust's trustor).
    SelfOnly,
    /// A system-scoped reader, or the target user (access rules).
    SystemReaderOrSelf,
    /// A system-scoped admin, or the target user (access rules).
    SystemAdminOrSelf,
    /// Admin, or the `service` role (`rule:service_or_admin`).
    AdminOrService,
    /// Admin, or any role on the target project (`project_id:%(target.project.id)s`).
    AdminOrProjectMember,
    /// Admin, or a reader (member implies reader) on the target project.
    ProjectReader,
    /// Admin, or a member on the target project.
    ProjectMember,
    /// Keystone's `ADMIN_OR_SYSTEM_READER_OR_DOMAIN_READER`: admin, a system reader, or a reader
    /// scoped to the target's domain (`role:reader and domain_id:%(target.domain_id)s`).
    AdminOrSystemReaderOrDomainReader,
    /// `ADMIN_OR_SYSTEM_READER_OR_DOMAIN_READER_OR_PROJECT_USER`: the above, or any role on the
    /// target project (`project_id:%(target.project.id)s`).
    AdminOrSystemReaderOrDomainReaderOrProjectUser,
    /// `ADMIN_OR_SYSTEM_READER_OR_DOMAIN_READER_OR_OWNER`: the above, or the target user itself
    /// (`user_id:%(target.user.id)s`).
    AdminOrSystemReaderOrDomainReaderOrOwner,
    /// `ADMIN_OR_SYSTEM_USER_OR_DOMAIN_USER_OR_PROJECT_USER` (get_domain): admin, a system reader,
    /// or any token scoped to the domain or to one of its projects.
    AdminOrSystemUserOrDomainUserOrProjectUser,
}

/// (action, rule). Later services append their actions here.
pub const POLICY: &[(&str, Rule)] = &[
    // Keystone (keystone/common/policies, 2024.1 defaults).
    ("identity:validate_token", Rule::AdminOrSelf),
    ("identity:check_token", Rule::AdminOrSelf),
    ("identity:revoke_token", Rule::AdminOrSelf),
    // Domains, projects, users and groups (domain.py, project.py, user.py, group.py, 2024.1).
    ("identity:get_domain", Rule::AdminOrSystemUserOrDomainUserOrProjectUser),
    ("identity:list_domains", Rule::AdminOrSystemReaderOrDomainReader),
    ("identity:create_domain", Rule::Admin),
    ("identity:update_domain", Rule::Admin),
    ("identity:delete_domain", Rule::Admin),
    ("identity:get_project", Rule::AdminOrSystemReaderOrDomainReaderOrProjectUser),
    ("identity:list_projects", Rule::AdminOrSystemReaderOrDomainReader),
    ("identity:list_user_projects", Rule::AdminOrSystemReaderOrDomainReaderOrOwner),
    ("identity:create_project", Rule::Admin),
    ("identity:update_project", Rule::Admin),
    ("identity:delete_project", Rule::Admin),
    ("identity:list_project_tags", Rule::AdminOrSystemReaderOrDomainReaderOrProjectUser),
    ("identity:get_project_tag", Rule::AdminOrSystemReaderOrDomainReaderOrProjectUser),
    ("identity:update_project_tags", Rule::Admin),
    ("identity:create_project_tag", Rule::Admin),
    ("identity:delete_project_tag", Rule::Admin),
    ("identity:delete_project_tags", Rule::Admin),
    ("identity:get_user", Rule::AdminOrSystemReaderOrDomainReaderOrOwner),
    ("identity:list_users", Rule::AdminOrSystemReaderOrDomainReader),
    ("identity:create_user", Rule::Admin),
    ("identity:update_user", Rule::Admin),
    ("identity:delete_user", Rule::Admin),
    ("identity:get_group", Rule::AdminOrSystemReaderOrDomainReader),
    ("identity:list_groups", Rule::AdminOrSystemReaderOrDomainReader),
    ("identity:list_groups_for_user", Rule::AdminOrSystemReaderOrDomainReaderOrOwner),
    ("identity:list_users_in_group", Rule::AdminOrSystemReaderOrDomainReader),
    // Also a domain reader only when the group and the user are both in the reader's domain.
    ("identity:check_user_in_group", Rule::AdminOrSystemReaderOrDomainReader),
    ("identity:create_group", Rule::Admin),
    ("identity:update_group", Rule::Admin),
    ("identity:delete_group", Rule::Admin),
    ("identity:add_user_to_group", Rule::Admin),
    ("identity:remove_user_from_group", Rule::Admin),
    // Roles and implied roles (keystone/common/policies/role.py, implied_role.py, 2024.1).
    ("identity:list_roles", Rule::AdminOrSystemReader),
    ("identity:get_role", Rule::AdminOrSystemReader),
    ("identity:create_role", Rule::Admin),
    ("identity:update_role", Rule::Admin),
    ("identity:delete_role", Rule::Admin),
    ("identity:list_domain_roles", Rule::AdminOrSystemReader),
    ("identity:get_domain_role", Rule::AdminOrSystemReader),
    ("identity:create_domain_role", Rule::Admin),
    ("identity:update_domain_role", Rule::Admin),
    ("identity:delete_domain_role", Rule::Admin),
    ("identity:list_implied_roles", Rule::AdminOrSystemReader),
    ("identity:get_implied_role", Rule::AdminOrSystemReader),
    ("identity:check_implied_role", Rule::AdminOrSystemReader),
    ("identity:create_implied_role", Rule::Admin),
    ("identity:delete_implied_role", Rule::Admin),
    ("identity:list_role_inference_rules", Rule::AdminOrSystemReader),
    // Grants (grant.py, role_assignment.py). Upstream also lets a domain-scoped reader (or admin)
    // of the actor's and target's domain read (or make) them; fakecloud issues no such token.
    ("identity:check_grant", Rule::AdminOrSystemReader),
    ("identity:list_grants", Rule::AdminOrSystemReader),
    ("identity:create_grant", Rule::Admin),
    ("identity:revoke_grant", Rule::Admin),
    ("identity:list_system_grants_for_user", Rule::AdminOrSystemReader),
    ("identity:check_system_grant_for_user", Rule::AdminOrSystemReader),
    ("identity:create_system_grant_for_user", Rule::Admin),
    ("identity:revoke_system_grant_for_user", Rule::Admin),
    ("identity:list_system_grants_for_group", Rule::AdminOrSystemReader),
    ("identity:check_system_grant_for_group", Rule::AdminOrSystemReader),
    ("identity:create_system_grant_for_group", Rule::Admin),
    ("identity:revoke_system_grant_for_group", Rule::Admin),
    ("identity:list_role_assignments", Rule::AdminOrSystemReader),
    ("identity:list_role_assignments_for_tree", Rule::AdminOrSystemReader),
    // The catalog (region.py, service.py, endpoint.py).
    ("identity:list_regions", Rule::Authenticated),
    ("identity:get_region", Rule::Authenticated),
    ("identity:create_region", Rule::Admin),
    ("identity:update_region", Rule::Admin),
    ("identity:delete_region", Rule::Admin),
    ("identity:list_services", Rule::AdminOrSystemReader),
    ("identity:get_service", Rule::AdminOrSystemReader),
    ("identity:create_service", Rule::Admin),
    ("identity:update_service", Rule::Admin),
    ("identity:delete_service", Rule::Admin),
    ("identity:list_endpoints", Rule::AdminOrSystemReader),
    ("identity:get_endpoint", Rule::AdminOrSystemReader),
    ("identity:create_endpoint", Rule::Admin),
    ("identity:update_endpoint", Rule::Admin),
    ("identity:delete_endpoint", Rule::Admin),
    // Credentials (credential.py, ec2_credential.py): the target user is the credential's.
    ("identity:list_credentials", Rule::AdminOrSystemReaderOrSelf),
    ("identity:get_credential", Rule::AdminOrSystemReaderOrSelf),
    ("identity:create_credential", Rule::AdminOrSelf),
    ("identity:update_credential", Rule::AdminOrSelf),
    ("identity:delete_credential", Rule::AdminOrSelf),
    ("identity:ec2_list_credentials", Rule::AdminOrSystemReaderOrSelf),
    ("identity:ec2_get_credential", Rule::AdminOrSystemReaderOrSelf),
    ("identity:ec2_create_credential", Rule::AdminOrMemberSelf),
    ("identity:ec2_delete_credential", Rule::AdminOrMemberSelf),
    // Application credentials and access rules (application_credential.py, access_rule.py).
    ("identity:list_application_credentials", Rule::AdminOrSystemReaderOrSelf),
    ("identity:get_application_credential", Rule::AdminOrSystemReaderOrSelf),
    ("identity:create_application_credential", Rule::SelfOnly),
    ("identity:delete_application_credential", Rule::AdminOrSelf),
    ("identity:list_access_rules", Rule::SystemReaderOrSelf),
    ("identity:get_access_rule", Rule::SystemReaderOrSelf),
    ("identity:delete_access_rule", Rule::SystemAdminOrSelf),
    // Trusts (trust.py): the target user is the trustor (or, where upstream says so, the trustee).
    ("identity:create_trust", Rule::SelfOnly),
    ("identity:list_trusts", Rule::AdminOrSystemReader),
    ("identity:list_trusts_for_trustor", Rule::AdminOrSystemReaderOrSelf),
    ("identity:list_trusts_for_trustee", Rule::AdminOrSystemReaderOrSelf),
    ("identity:get_trust", Rule::AdminOrSystemReaderOrSelf),
    ("identity:list_roles_for_trust", Rule::AdminOrSystemReaderOrSelf),
    ("identity:get_role_for_trust", Rule::AdminOrSystemReaderOrSelf),
    ("identity:delete_trust", Rule::AdminOrSelf),
    // Policy blobs (policy.py).
    ("identity:list_policies", Rule::AdminOrSystemReader),
    ("identity:get_policy", Rule::AdminOrSystemReader),
    ("identity:create_policy", Rule::Admin),
    ("identity:update_policy", Rule::Admin),
    ("identity:delete_policy", Rule::Admin),
    // OAuth1 consumers (consumer.py).
    ("identity:list_consumers", Rule::AdminOrSystemReader),
    ("identity:get_consumer", Rule::AdminOrSystemReader),
    ("identity:create_consumer", Rule::Admin),
    ("identity:update_consumer", Rule::Admin),
    ("identity:delete_consumer", Rule::Admin),
    // Domain configuration (domain_config.py); the security-compliance part is open to any token.
    ("identity:get_domain_config", Rule::AdminOrSystemReader),
    ("identity:get_domain_config_default", Rule::AdminOrSystemReader),
    ("identity:get_security_compliance_domain_config", Rule::Authenticated),
    ("identity:create_domain_config", Rule::Admin),
    ("identity:update_domain_config", Rule::Admin),
    ("identity:delete_domain_config", Rule::Admin),
    // Endpoint filtering (endpoint_group.py, project_endpoint.py).
    ("identity:list_endpoint_groups", Rule::AdminOrSystemReader),
    ("identity:get_endpoint_group", Rule::AdminOrSystemReader),
    ("identity:create_endpoint_group", Rule::Admin),
    ("identity:update_endpoint_group", Rule::Admin),
    ("identity:delete_endpoint_group", Rule::Admin),
    ("identity:list_projects_associated_with_endpoint_group", Rule::AdminOrSystemReader),
    ("identity:list_endpoints_associated_with_endpoint_group", Rule::AdminOrSystemReader),
    ("identity:get_endpoint_group_in_project", Rule::AdminOrSystemReader),
    ("identity:list_endpoint_groups_for_project", Rule::AdminOrSystemReader),
    ("identity:add_endpoint_group_to_project", Rule::Admin),
    ("identity:remove_endpoint_group_from_project", Rule::Admin),
    ("identity:list_projects_for_endpoint", Rule::AdminOrSystemReader),
    ("identity:check_endpoint_in_project", Rule::AdminOrSystemReader),
    ("identity:list_endpoints_for_project", Rule::AdminOrSystemReader),
    ("identity:add_endpoint_to_project", Rule::Admin),
    ("identity:remove_endpoint_from_project", Rule::Admin),
    // Revocation events (revoke_event.py).
    ("identity:list_revoke_events", Rule::AdminOrService),
    // Glance (glance/policies/image.py, secure RBAC defaults): the target project is the caller's
    // for reads and creates, the image owner's for delete.
    ("get_images", Rule::ProjectReader),
    ("get_image", Rule::ProjectReader),
    ("add_image", Rule::ProjectMember),
    ("delete_image", Rule::ProjectMember),
    ("upload_image", Rule::ProjectMember),
    ("modify_image", Rule::ProjectMember),
    ("download_image", Rule::ProjectReader),
    ("deactivate", Rule::ProjectMember),
    ("reactivate", Rule::ProjectMember),
    ("copy_image", Rule::Admin),
    ("delete_image_location", Rule::Admin),
    // Members: reads by any reader who can see the image; the owner adds and removes; the member
    // itself answers (`modify_member` targets the member's project).
    ("get_members", Rule::ProjectReader),
    ("get_member", Rule::ProjectReader),
    ("add_member", Rule::ProjectMember),
    ("delete_member", Rule::ProjectMember),
    ("modify_member", Rule::ProjectMember),
    // Discovery is open to any token; the tasks API is admin-only (`tasks_api_access`).
    ("get_schema", Rule::Authenticated),
    ("get_import_info", Rule::Authenticated),
    ("get_stores_info", Rule::Authenticated),
    ("get_tasks", Rule::Admin),
    ("get_task", Rule::Admin),
    ("add_task", Rule::Admin),
    // Metadata definitions (glance/policies/metadef.py): reads `metadef_default` (any token),
    // writes `metadef_admin`.
    ("get_metadef_namespaces", Rule::Authenticated),
    ("get_metadef_namespace", Rule::Authenticated),
    ("list_metadef_resource_types", Rule::Authenticated),
    ("get_metadef_objects", Rule::Authenticated),
    ("get_metadef_object", Rule::Authenticated),
    ("get_metadef_properties", Rule::Authenticated),
    ("get_metadef_property", Rule::Authenticated),
    ("get_metadef_tags", Rule::Authenticated),
    ("get_metadef_tag", Rule::Authenticated),
    ("add_metadef_namespace", Rule::Admin),
    ("modify_metadef_namespace", Rule::Admin),
    ("delete_metadef_namespace", Rule::Admin),
    ("add_metadef_resource_type_association", Rule::Admin),
    ("remove_metadef_resource_type_association", Rule::Admin),
    ("add_metadef_object", Rule::Admin),
    ("modify_metadef_object", Rule::Admin),
    ("delete_metadef_object", Rule::Admin),
    ("add_metadef_property", Rule::Admin),
    ("modify_metadef_property", Rule::Admin),
    ("remove_metadef_property", Rule::Admin),
    ("add_metadef_tags", Rule::Admin),
    ("delete_metadef_tags", Rule::Admin),
    ("add_metadef_tag", Rule::Admin),
    ("modify_metadef_tag", Rule::Admin),
    ("delete_metadef_tag", Rule::Admin),
    // Cinder (cinder/policies): services are admin-only; volume actions need the volume's project.
    ("volume_extension:services:index", Rule::Admin),
    ("volume:get_all", Rule::ProjectReader),
    ("volume:get", Rule::ProjectReader),
    ("volume:create", Rule::ProjectMember),
    ("volume:update", Rule::ProjectMember),
    ("volume:delete", Rule::ProjectMember),
    ("volume_extension:services:update", Rule::Admin),
    ("volume_extension:hosts", Rule::Admin),
    ("volume_extension:capabilities", Rule::Admin),
    ("scheduler_extension:scheduler_stats:get_pools", Rule::Admin),
    ("limits_extension:used_limits", Rule::ProjectReader),
    ("volume_extension:quotas:show", Rule::ProjectReader),
    ("volume_extension:quotas:update", Rule::Admin),
    ("volume_extension:quotas:delete", Rule::Admin),
    ("volume_extension:quota_classes:get", Rule::Admin),
    ("volume_extension:quota_classes:update", Rule::Admin),
    // Volume metadata and actions (volume_metadata.py, volume_actions.py): the volume's project.
    ("volume:get_volume_metadata", Rule::ProjectReader),
    ("volume:create_volume_metadata", Rule::ProjectMember),
    ("volume:update_volume_metadata", Rule::ProjectMember),
    ("volume:delete_volume_metadata", Rule::ProjectMember),
    ("volume_extension:volume_image_metadata:show", Rule::ProjectReader),
    ("volume_extension:volume_image_metadata:set", Rule::ProjectMember),
    ("volume_extension:volume_image_metadata:remove", Rule::ProjectMember),
    ("volume:extend", Rule::ProjectMember),
    ("volume:retype", Rule::ProjectMember),
    ("volume:update_readonly_flag", Rule::ProjectMember),
    ("volume_extension:volume_admin_actions:reset_status", Rule::Admin),
    ("volume_extension:volume_admin_actions:force_delete", Rule::Admin),
    ("volume_extension:volume_admin_actions:force_detach", Rule::Admin),
    ("volume_extension:volume_actions:reserve", Rule::ProjectMember),
    ("volume_extension:volume_actions:unreserve", Rule::ProjectMember),
    ("volume_extension:volume_actions:begin_detaching", Rule::ProjectMember),
    ("volume_extension:volume_actions:roll_detaching", Rule::ProjectMember),
    ("volume_extension:volume_actions:attach", Rule::ProjectMember),
    ("volume_extension:volume_actions:detach", Rule::ProjectMember),
    ("volume_extension:volume_actions:initialize_connection", Rule::ProjectMember),
    ("volume_extension:volume_actions:terminate_connection", Rule::ProjectMember),
    // Volume types (volume_type.py, type_extra_specs.py, volume_access.py): reads for readers,
    // changes for admins.
    ("volume_extension:type_get_all", Rule::ProjectReader),
    ("volume_extension:type_get", Rule::ProjectReader),
    ("volume_extension:type_create", Rule::Admin),
    ("volume_extension:type_update", Rule::Admin),
    ("volume_extension:type_delete", Rule::Admin),
    ("volume_extension:types_extra_specs:index", Rule::ProjectReader),
    ("volume_extension:types_extra_specs:show", Rule::ProjectReader),
    ("volume_extension:types_extra_specs:create", Rule::Admin),
    ("volume_extension:types_extra_specs:update", Rule::Admin),
    ("volume_extension:types_extra_specs:delete", Rule::Admin),
    ("volume_extension:volume_type_access:get_all_for_type", Rule::Admin),
    ("volume_extension:volume_type_access:addProjectAccess", Rule::Admin),
    ("volume_extension:volume_type_access:removeProjectAccess", Rule::Admin),
    ("volume_extension:volume_type_encryption:get", Rule::Admin),
    ("volume_extension:volume_type_encryption:create", Rule::Admin),
    ("volume_extension:volume_type_encryption:update", Rule::Admin),
    ("volume_extension:volume_type_encryption:delete", Rule::Admin),
    // Group types and their specs (group_types.py): admin only; reads need no rule.
    ("group:group_types:create", Rule::Admin),
    ("group:group_types:update", Rule::Admin),
    ("group:group_types:delete", Rule::Admin),
    ("group:group_types_specs:get", Rule::Admin),
    ("group:group_types_specs:get_all", Rule::Admin),
    ("group:group_types_specs:create", Rule::Admin),
    ("group:group_types_specs:update", Rule::Admin),
    ("group:group_types_specs:delete", Rule::Admin),
    // Generic volume groups (group_actions.py, groups.py).
    ("group:get_all", Rule::ProjectReader),
    ("group:get", Rule::ProjectReader),
    ("group:create", Rule::ProjectMember),
    ("group:update", Rule::ProjectMember),
    ("group:delete", Rule::ProjectMember),
    ("group:reset_status", Rule::Admin),
    ("group:get_all_group_snapshots", Rule::ProjectReader),
    ("group:get_group_snapshot", Rule::ProjectReader),
    ("group:create_group_snapshot", Rule::ProjectMember),
    ("group:delete_group_snapshot", Rule::ProjectMember),
    ("group:reset_group_snapshot_status", Rule::Admin),
    // QoS specs (qos_specs.py): admin only.
    ("volume_extension:qos_specs_manage:get_all", Rule::Admin),
    ("volume_extension:qos_specs_manage:get", Rule::Admin),
    ("volume_extension:qos_specs_manage:create", Rule::Admin),
    ("volume_extension:qos_specs_manage:update", Rule::Admin),
    ("volume_extension:qos_specs_manage:delete", Rule::Admin),
    // Snapshots (snapshots.py, snapshot_metadata.py, snapshot_actions.py).
    ("volume:get_all_snapshots", Rule::ProjectReader),
    ("volume:get_snapshot", Rule::ProjectReader),
    ("volume:create_snapshot", Rule::ProjectMember),
    ("volume:update_snapshot", Rule::ProjectMember),
    ("volume:delete_snapshot", Rule::ProjectMember),
    ("volume:get_snapshot_metadata", Rule::ProjectReader),
    ("volume:update_snapshot_metadata", Rule::ProjectMember),
    ("volume:delete_snapshot_metadata", Rule::ProjectMember),
    ("volume_extension:snapshot_admin_actions:reset_status", Rule::Admin),
    ("volume_extension:snapshot_admin_actions:force_delete", Rule::Admin),
    ("snapshot_extension:snapshot_actions:update_snapshot_status", Rule::ProjectMember),
    // Transfers (volume_transfer.py): accepting is open to any member of the receiving project.
    ("message:get_all", Rule::ProjectReader),
    ("message:get", Rule::ProjectReader),
    ("message:delete", Rule::ProjectMember),
    ("volume:get_all_transfers", Rule::ProjectReader),
    ("volume:get_transfer", Rule::ProjectReader),
    ("volume:create_transfer", Rule::ProjectMember),
    ("volume:accept_transfer", Rule::ProjectMember),
    ("volume:delete_transfer", Rule::ProjectMember),
    // Nova (nova/policies, 2024.1 defaults: project reader/member or admin; the admin views admin-only).
    ("os_compute_api:servers:index", Rule::ProjectReader),
    ("os_compute_api:servers:detail", Rule::ProjectReader),
    ("os_compute_api:servers:index:get_all_tenants", Rule::Admin),
    ("os_compute_api:servers:detail:get_all_tenants", Rule::Admin),
    ("os_compute_api:servers:show", Rule::ProjectReader),
    ("os_compute_api:servers:create", Rule::ProjectMember),
    ("os_compute_api:servers:update", Rule::ProjectMember),
    ("compute:servers:create:requested_destination", Rule::Admin),
    ("os_compute_api:servers:delete", Rule::ProjectMember),
    ("os_compute_api:servers:start", Rule::ProjectMember),
    ("os_compute_api:servers:stop", Rule::ProjectMember),
    ("os_compute_api:servers:reboot", Rule::ProjectMember),
    ("os_compute_api:servers:resize", Rule::ProjectMember),
    ("os_compute_api:servers:confirm_resize", Rule::ProjectMember),
    ("os_compute_api:servers:revert_resize", Rule::ProjectMember),
    ("os_compute_api:servers:rebuild", Rule::ProjectMember),
    ("os_compute_api:servers:trigger_crash_dump", Rule::ProjectMember),
    ("os_compute_api:os-pause-server:pause", Rule::ProjectMember),
    ("os_compute_api:os-pause-server:unpause", Rule::ProjectMember),
    ("os_compute_api:os-suspend-server:suspend", Rule::ProjectMember),
    ("os_compute_api:os-suspend-server:resume", Rule::ProjectMember),
    ("os_compute_api:os-shelve:shelve", Rule::ProjectMember),
    ("os_compute_api:os-shelve:unshelve", Rule::ProjectMember),
    ("os_compute_api:os-shelve:shelve_offload", Rule::Admin),
    ("os_compute_api:os-rescue", Rule::ProjectMember),
    ("os_compute_api:os-unrescue", Rule::ProjectMember),
    ("os_compute_api:os-lock-server:lock", Rule::ProjectMember),
    ("os_compute_api:os-lock-server:unlock", Rule::ProjectMember),
    ("os_compute_api:os-admin-actions:reset_state", Rule::Admin),
    ("os_compute_api:os-admin-actions:inject_network_info", Rule::Admin),
    ("os_compute_api:os-security-groups:add", Rule::ProjectMember),
    ("os_compute_api:os-security-groups:remove", Rule::ProjectMember),
    ("os_compute_api:os-deferred-delete:force", Rule::ProjectMember),
    ("os_compute_api:os-deferred-delete:restore", Rule::ProjectMember),
    ("os_compute_api:os-console-output", Rule::ProjectMember),
    ("os_compute_api:servers:create_image", Rule::ProjectMember),
    ("os_compute_api:servers:create_image:allow_volume_backed", Rule::ProjectMember),
    ("os_compute_api:os-create-backup", Rule::ProjectMember),
    ("os_compute_api:os-attach-interfaces:list", Rule::ProjectReader),
    ("os_compute_api:os-attach-interfaces:show", Rule::ProjectReader),
    ("os_compute_api:os-attach-interfaces:create", Rule::ProjectMember),
    ("os_compute_api:os-attach-interfaces:delete", Rule::ProjectMember),
    ("os_compute_api:server-metadata:index", Rule::ProjectReader),
    ("os_compute_api:server-metadata:show", Rule::ProjectReader),
    ("os_compute_api:server-metadata:create", Rule::ProjectMember),
    ("os_compute_api:server-metadata:update", Rule::ProjectMember),
    ("os_compute_api:server-metadata:update_all", Rule::ProjectMember),
    ("os_compute_api:server-metadata:delete", Rule::ProjectMember),
    ("os_compute_api:os-server-tags:index", Rule::ProjectReader),
    ("os_compute_api:os-server-tags:show", Rule::ProjectReader),
    ("os_compute_api:os-server-tags:update", Rule::ProjectMember),
    ("os_compute_api:os-server-tags:update_all", Rule::ProjectMember),
    ("os_compute_api:os-server-tags:delete", Rule::ProjectMember),
    ("os_compute_api:os-server-tags:delete_all", Rule::ProjectMember),
    ("os_compute_api:ips:index", Rule::ProjectReader),
    ("os_compute_api:ips:show", Rule::ProjectReader),
    ("os_compute_api:os-server-diagnostics", Rule::Admin),
    ("os_compute_api:os-security-groups:list", Rule::ProjectReader),
    ("os_compute_api:os-floating-ips:list", Rule::ProjectReader),
    ("os_compute_api:os-floating-ips:show", Rule::ProjectReader),
    ("os_compute_api:os-floating-ips:create", Rule::ProjectMember),
    ("os_compute_api:os-floating-ips:delete", Rule::ProjectMember),
    ("os_compute_api:os-floating-ips:add", Rule::ProjectMember),
    ("os_compute_api:os-floating-ips:remove", Rule::ProjectMember),
    ("os_compute_api:os-floating-ip-pools", Rule::Authenticated),
    ("os_compute_api:os-instance-actions:list", Rule::ProjectReader),
    ("os_compute_api:os-migrations:index", Rule::Admin),
    ("os_compute_api:os-evacuate", Rule::Admin),
    ("os_compute_api:os-shelve:unshelve_to_host", Rule::Admin),
    ("os_compute_api:os-migrate-server:migrate", Rule::Admin),
    ("os_compute_api:os-migrate-server:migrate:host", Rule::Admin),
    ("os_compute_api:os-instance-actions:show", Rule::ProjectReader),
    ("os_compute_api:os-instance-actions:events", Rule::Admin),
    ("os_compute_api:os-instance-actions:events:details", Rule::ProjectReader),
    ("os_compute_api:os-server-password:show", Rule::ProjectReader),
    ("os_compute_api:os-server-password:clear", Rule::ProjectMember),
    ("os_compute_api:os-volumes-attachments:index", Rule::ProjectReader),
    ("os_compute_api:os-volumes-attachments:show", Rule::ProjectReader),
    ("os_compute_api:os-volumes-attachments:create", Rule::ProjectMember),
    ("os_compute_api:os-volumes-attachments:update", Rule::ProjectMember),
    ("os_compute_api:os-volumes-attachments:swap", Rule::AdminOrService),
    ("os_compute_api:os-volumes-attachments:delete", Rule::ProjectMember),
    ("os_compute_api:os-volumes:list", Rule::ProjectReader),
    ("os_compute_api:os-volumes:detail", Rule::ProjectReader),
    ("os_compute_api:os-volumes:show", Rule::ProjectReader),
    ("os_compute_api:os-volumes:create", Rule::ProjectMember),
    ("os_compute_api:os-volumes:delete", Rule::ProjectMember),
    ("os_compute_api:os-volumes:snapshots:list", Rule::ProjectReader),
    ("os_compute_api:os-volumes:snapshots:detail", Rule::ProjectReader),
    ("os_compute_api:os-volumes:snapshots:show", Rule::ProjectReader),
    ("os_compute_api:os-volumes:snapshots:create", Rule::ProjectMember),
    ("os_compute_api:os-volumes:snapshots:delete", Rule::ProjectMember),
    ("os_compute_api:flavors:index", Rule::Authenticated),
    ("os_compute_api:flavors:show", Rule::Authenticated),
    ("os_compute_api:os-flavor-extra-specs:index", Rule::Authenticated),
    ("os_compute_api:os-flavor-access", Rule::Admin),
    ("os_compute_api:os-flavor-access:add_tenant_access", Rule::Admin),
    ("os_compute_api:os-flavor-access:remove_tenant_access", Rule::Admin),
    ("os_compute_api:os-flavor-manage:create", Rule::Admin),
    ("os_compute_api:os-flavor-manage:update", Rule::Admin),
    ("os_compute_api:os-flavor-manage:delete", Rule::Admin),
    ("os_compute_api:os-flavor-extra-specs:show", Rule::Authenticated),
    ("os_compute_api:os-flavor-extra-specs:create", Rule::Admin),
    ("os_compute_api:os-flavor-extra-specs:update", Rule::Admin),
    ("os_compute_api:os-flavor-extra-specs:delete", Rule::Admin),
    ("os_compute_api:os-keypairs:index", Rule::AdminOrSelf),
    ("os_compute_api:os-keypairs:show", Rule::AdminOrSelf),
    ("os_compute_api:os-keypairs:create", Rule::AdminOrSelf),
    ("os_compute_api:os-keypairs:delete", Rule::AdminOrSelf),
    ("os_compute_api:os-server-groups:index", Rule::ProjectReader),
    ("os_compute_api:os-server-groups:show", Rule::ProjectReader),
    ("os_compute_api:os-server-groups:create", Rule::ProjectMember),
    ("os_compute_api:os-server-groups:delete", Rule::ProjectMember),
    ("os_compute_api:os-availability-zone:list", Rule::Authenticated),
    ("os_compute_api:os-availability-zone:detail", Rule::Admin),
    ("os_compute_api:os-hypervisors:list", Rule::Admin),
    ("os_compute_api:os-hypervisors:list-detail", Rule::Admin),
    ("os_compute_api:os-hypervisors:show", Rule::Admin),
    ("os_compute_api:os-hypervisors:search", Rule::Admin),
    ("os_compute_api:os-hypervisors:servers", Rule::Admin),
    ("os_compute_api:os-hypervisors:statistics", Rule::Admin),
    ("os_compute_api:os-hypervisors:uptime", Rule::Admin),
    ("os_compute_api:os-services:list", Rule::Admin),
    ("os_compute_api:os-services:update", Rule::Admin),
    ("os_compute_api:limits", Rule::Authenticated),
    ("os_compute_api:limits:other_project", Rule::Admin),
    ("os_compute_api:os-quota-sets:show", Rule::ProjectReader),
    ("os_compute_api:os-quota-sets:detail", Rule::ProjectReader),
    ("os_compute_api:os-quota-sets:defaults", Rule::Authenticated),
    ("os_compute_api:os-quota-sets:update", Rule::Admin),
    ("os_compute_api:os-quota-sets:delete", Rule::Admin),
    ("os_compute_api:os-quota-class-sets:show", Rule::Admin),
    ("os_compute_api:os-quota-class-sets:update", Rule::Admin),
    ("os_compute_api:os-aggregates:index", Rule::Admin),
    ("os_compute_api:os-aggregates:show", Rule::Admin),
    ("os_compute_api:os-aggregates:create", Rule::Admin),
    ("os_compute_api:os-aggregates:update", Rule::Admin),
    ("os_compute_api:os-aggregates:delete", Rule::Admin),
    ("os_compute_api:os-aggregates:add_host", Rule::Admin),
    ("os_compute_api:os-aggregates:remove_host", Rule::Admin),
    ("os_compute_api:os-aggregates:set_metadata", Rule::Admin),
    ("os_compute_api:os-hosts:list", Rule::Admin),
    ("os_compute_api:os-simple-tenant-usage:list", Rule::Admin),
    ("os_compute_api:os-simple-tenant-usage:show", Rule::ProjectReader),
    ("os_compute_api:os-instance-usage-audit-log:list", Rule::Admin),
    ("os_compute_api:os-instance-usage-audit-log:show", Rule::Admin),
    ("os_compute_api:extensions", Rule::Authenticated),
    ("os_compute_api:os-networks:list", Rule::ProjectReader),
    ("os_compute_api:os-networks:show", Rule::ProjectReader),
    ("os_compute_api:os-tenant-networks:list", Rule::ProjectReader),
    ("os_compute_api:os-tenant-networks:show", Rule::ProjectReader),
    // The service role upstream; an admin passes through the deprecated `admin_api` rule, which the
    // services that send these events used before they had the role.
    ("os_compute_api:os-server-external-events:create", Rule::AdminOrService),
    ("os_compute_api:os-security-groups:get", Rule::ProjectReader),
    ("os_compute_api:os-security-groups:show", Rule::ProjectReader),
    ("os_compute_api:os-security-groups:create", Rule::ProjectMember),
    ("os_compute_api:os-security-groups:update", Rule::ProjectMember),
    ("os_compute_api:os-security-groups:delete", Rule::ProjectMember),
    ("os_compute_api:os-security-groups:rule:create", Rule::ProjectMember),
    ("os_compute_api:os-security-groups:rule:delete", Rule::ProjectMember),
    ("os_compute_api:os-hosts:show", Rule::Admin),
    ("os_compute_api:os-hosts:update", Rule::Admin),
    ("os_compute_api:os-hosts:start", Rule::Admin),
    ("os_compute_api:os-hosts:shutdown", Rule::Admin),
    ("os_compute_api:os-hosts:reboot", Rule::Admin),
    // Placement (placement/policies, 2023.x defaults): nearly everything is admin_or_service_api
    // ("role:admin or role:service"; fakecloud has no service-role users, so Admin); GET /usages is
    // admin_or_project_reader_or_service_api, with the queried project as the target.
    ("placement:resource_providers:list", Rule::Admin),
    ("placement:resource_providers:create", Rule::Admin),
    ("placement:resource_providers:show", Rule::Admin),
    ("placement:resource_providers:update", Rule::Admin),
    ("placement:resource_providers:delete", Rule::Admin),
    ("placement:resource_providers:inventories:list", Rule::Admin),
    ("placement:resource_providers:inventories:create", Rule::Admin),
    ("placement:resource_providers:inventories:show", Rule::Admin),
    ("placement:resource_providers:inventories:update", Rule::Admin),
    ("placement:resource_providers:inventories:delete", Rule::Admin),
    ("placement:resource_providers:usages", Rule::Admin),
    ("placement:resource_providers:allocations:list", Rule::Admin),
    ("placement:resource_providers:traits:list", Rule::Admin),
    ("placement:resource_providers:traits:update", Rule::Admin),
    ("placement:resource_providers:traits:delete", Rule::Admin),
    ("placement:resource_providers:aggregates:list", Rule::Admin),
    ("placement:resource_providers:aggregates:update", Rule::Admin),
    ("placement:resource_classes:list", Rule::Admin),
    ("placement:resource_classes:create", Rule::Admin),
    ("placement:resource_classes:show", Rule::Admin),
    ("placement:resource_classes:update", Rule::Admin),
    ("placement:resource_classes:delete", Rule::Admin),
    ("placement:traits:list", Rule::Admin),
    ("placement:traits:show", Rule::Admin),
    ("placement:traits:update", Rule::Admin),
    ("placement:traits:delete", Rule::Admin),
    ("placement:allocations:list", Rule::Admin),
    ("placement:allocations:manage", Rule::Admin),
    ("placement:allocations:update", Rule::Admin),
    ("placement:allocations:delete", Rule::Admin),
    ("placement:allocation_candidates:list", Rule::Admin),
    ("placement:usages", Rule::ProjectReader),
    // Neutron (neutron/conf/policies, 2023.x defaults). Which resources a caller sees (its own
    // project's, shared and external networks) is the model's; these gate writes to the owning
    // project and the admin-only attributes and APIs.
    ("create_network", Rule::ProjectMember),
    ("update_network", Rule::ProjectMember),
    ("delete_network", Rule::ProjectMember),
    ("create_network:shared", Rule::Admin),
    ("create_network:router:external", Rule::Admin),
    ("create_network:provider:network_type", Rule::Admin),
    ("create_network:provider:physical_network", Rule::Admin),
    ("create_network:provider:segmentation_id", Rule::Admin),
    ("update_network:shared", Rule::Admin),
    ("update_network:router:external", Rule::Admin),
    ("create_subnet", Rule::ProjectMember),
    ("update_subnet", Rule::ProjectMember),
    ("delete_subnet", Rule::ProjectMember),
    ("create_subnet:service_types", Rule::Admin),
    ("update_subnet:service_types", Rule::Admin),
    ("create_subnetpool", Rule::ProjectMember),
    ("update_subnetpool", Rule::ProjectMember),
    ("delete_subnetpool", Rule::ProjectMember),
    ("create_subnetpool:shared", Rule::Admin),
    ("create_subnetpool:is_default", Rule::Admin),
    ("update_subnetpool:is_default", Rule::Admin),
    ("create_port", Rule::ProjectMember),
    ("update_port", Rule::ProjectMember),
    ("delete_port", Rule::ProjectMember),
    ("create_port:binding:host_id", Rule::Admin),
    ("create_port:binding:profile", Rule::Admin),
    ("update_port:binding:host_id", Rule::Admin),
    ("update_port:binding:profile", Rule::Admin),
    // Admin or the network's owner (the target is the network's project).
    ("create_port:fixed_ips:ip_address", Rule::AdminOrProjectMember),
    ("create_port:mac_address", Rule::AdminOrProjectMember),
    ("create_port:port_security_enabled", Rule::AdminOrProjectMember),
    ("create_port:allowed_address_pairs", Rule::AdminOrProjectMember),
    ("create_port:device_owner", Rule::AdminOrProjectMember),
    ("update_port:fixed_ips:ip_address", Rule::AdminOrProjectMember),
    ("update_port:mac_address", Rule::Admin),
    ("update_port:port_security_enabled", Rule::AdminOrProjectMember),
    ("update_port:allowed_address_pairs", Rule::AdminOrProjectMember),
    ("update_port:device_owner", Rule::AdminOrProjectMember),
    ("create_floatingip", Rule::ProjectMember),
    ("update_floatingip", Rule::ProjectMember),
    ("delete_floatingip", Rule::ProjectMember),
    ("create_floatingip:floating_ip_address", Rule::Admin),
    ("create_router", Rule::ProjectMember),
    ("update_router", Rule::ProjectMember),
    ("delete_router", Rule::ProjectMember),
    ("add_router_interface", Rule::ProjectMember),
    ("remove_router_interface", Rule::ProjectMember),
    ("create_router:distributed", Rule::Admin),
    ("create_router:ha", Rule::Admin),
    ("create_router:external_gateway_info:enable_snat", Rule::Admin),
    ("create_router:external_gateway_info:external_fixed_ips", Rule::Admin),
    ("update_router:distributed", Rule::Admin),
    ("update_router:ha", Rule::Admin),
    ("update_router:external_gateway_info:enable_snat", Rule::Admin),
    ("update_router:external_gateway_info:external_fixed_ips", Rule::Admin),
    ("update_security_group", Rule::ProjectMember),
    ("create_security_group", Rule::ProjectMember),
    ("delete_security_group", Rule::ProjectMember),
    ("create_security_group_rule", Rule::ProjectMember),
    ("delete_security_group_rule", Rule::ProjectMember),
    ("get_metering_label", Rule::Admin),
    ("create_metering_label", Rule::Admin),
    ("delete_metering_label", Rule::Admin),
    ("get_metering_label_rule", Rule::Admin),
    ("create_metering_label_rule", Rule::Admin),
    ("delete_metering_label_rule", Rule::Admin),
    ("get_agent", Rule::Admin),
    ("update_agent", Rule::Admin),
    ("delete_agent", Rule::Admin),
    ("get_dhcp-networks", Rule::Admin),
    ("get_l3-routers", Rule::Admin),
    ("get_dhcp-agents", Rule::Admin),
    ("create_dhcp-network", Rule::Admin),
    ("delete_dhcp-network", Rule::Admin),
    ("get_l3-agents", Rule::Admin),
    ("get_network_ip_availability", Rule::Admin),
    ("get_quota", Rule::ProjectReader),
    ("update_quota", Rule::Admin),
    ("delete_quota", Rule::Admin),
    // Octavia (octavia/policies, secure RBAC defaults): project readers read, project members
    // write; amphorae, failover and other projects' objects are admin-only.
    ("os_load-balancer_api:loadbalancer:get_all", Rule::ProjectReader),
    ("os_load-balancer_api:loadbalancer:get_one", Rule::ProjectReader),
    ("os_load-balancer_api:loadbalancer:post", Rule::ProjectMember),
    ("os_load-balancer_api:loadbalancer:put", Rule::ProjectMember),
    ("os_load-balancer_api:loadbalancer:delete", Rule::ProjectMember),
    ("os_load-balancer_api:loadbalancer:get_stats", Rule::ProjectReader),
    ("os_load-balancer_api:loadbalancer:get_status", Rule::ProjectReader),
    ("os_load-balancer_api:loadbalancer:put_failover", Rule::Admin),
    ("os_load-balancer_api:child:get_one", Rule::ProjectReader),
    ("os_load-balancer_api:child:post", Rule::ProjectMember),
    ("os_load-balancer_api:child:put", Rule::ProjectMember),
    ("os_load-balancer_api:child:delete", Rule::ProjectMember),
    ("os_load-balancer_api:provider:get_all", Rule::ProjectReader),
    ("os_load-balancer_api:flavor:get_all", Rule::ProjectReader),
    ("os_load-balancer_api:flavor:get_one", Rule::ProjectReader),
    ("os_load-balancer_api:flavor:post", Rule::Admin),
    ("os_load-balancer_api:flavor:put", Rule::Admin),
    ("os_load-balancer_api:flavor:delete", Rule::Admin),
    ("os_load-balancer_api:flavor-profile:get_all", Rule::Admin),
    ("os_load-balancer_api:flavor-profile:get_one", Rule::Admin),
    ("os_load-balancer_api:flavor-profile:post", Rule::Admin),
    ("os_load-balancer_api:flavor-profile:put", Rule::Admin),
    ("os_load-balancer_api:flavor-profile:delete", Rule::Admin),
    ("os_load-balancer_api:provider-flavor:get_all", Rule::Admin),
    ("os_load-balancer_api:provider-availability-zone:get_all", Rule::Admin),
    ("os_load-balancer_api:availability-zone:get_all", Rule::ProjectReader),
    ("os_load-balancer_api:availability-zone:get_one", Rule::ProjectReader),
    ("os_load-balancer_api:availability-zone:post", Rule::Admin),
    ("os_load-balancer_api:availability-zone:put", Rule::Admin),
    ("os_load-balancer_api:availability-zone:delete", Rule::Admin),
    ("os_load-balancer_api:availability-zone-profile:get_all", Rule::Admin),
    ("os_load-balancer_api:availability-zone-profile:get_one", Rule::Admin),
    ("os_load-balancer_api:availability-zone-profile:post", Rule::Admin),
    ("os_load-balancer_api:availability-zone-profile:put", Rule::Admin),
    ("os_load-balancer_api:availability-zone-profile:delete", Rule::Admin),
    ("os_load-balancer_api:amphora:get_all", Rule::Admin),
    ("os_load-balancer_api:amphora:get_one", Rule::Admin),
    ("os_load-balancer_api:amphora:delete", Rule::Admin),
    ("os_load-balancer_api:amphora:put_failover", Rule::Admin),
    ("os_load-balancer_api:amphora:put_config", Rule::Admin),
    ("os_load-balancer_api:amphora:get_stats", Rule::Admin),
    ("os_load-balancer_api:quota:get_all", Rule::ProjectReader),
    ("os_load-balancer_api:quota:get_all-global", Rule::Admin),
    ("os_load-balancer_api:quota:get_one", Rule::ProjectReader),
    ("os_load-balancer_api:quota:put", Rule::Admin),
    ("os_load-balancer_api:quota:delete", Rule::Admin),
    ("os_load-balancer_api:quota:get_defaults", Rule::ProjectReader),
    // Magnum (magnum/common/policies, secure RBAC defaults): readers read, members change, and
    // admins see every project's clusters and may set their health.
    ("cluster:get_all", Rule::ProjectReader),
    ("cluster:detail", Rule::ProjectReader),
    ("cluster:get", Rule::ProjectReader),
    ("cluster:create", Rule::ProjectMember),
    ("cluster:update", Rule::ProjectMember),
    ("cluster:resize", Rule::ProjectMember),
    ("cluster:delete", Rule::ProjectMember),
    ("cluster:update_health_status", Rule::Admin),
    ("clustertemplate:get_all", Rule::ProjectReader),
    ("clustertemplate:detail", Rule::ProjectReader),
    ("clustertemplate:get", Rule::ProjectReader),
    ("clustertemplate:create", Rule::ProjectMember),
    ("clustertemplate:delete", Rule::ProjectMember),
    ("clustertemplate:publish", Rule::Admin),
    ("nodegroup:get_all", Rule::ProjectReader),
    ("nodegroup:get", Rule::ProjectReader),
    ("nodegroup:create", Rule::ProjectMember),
    ("nodegroup:delete", Rule::ProjectMember),
];

/// What an action is aimed at, for owner checks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Target<'a> {
    pub project_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
}

pub fn rule_for(action: &str) -> Option<Rule> {
    POLICY.iter().find(|(a, _)| *a == action).map(|(_, r)| *r)
}

pub fn allows(rule: Rule, caller: &Caller, target: Target) -> bool {
    allows_in_domain(rule, caller, target, None)
}

/// `allows`, for the rules that also look at the target's domain (`domain`: the domain the target
/// object lives in, or the domain itself).
pub fn allows_in_domain(rule: Rule, caller: &Caller, target: Target, domain: Option<&str>) -> bool {
    let on_project = || target.project_id.is_some() && caller.project_id.as_deref() == target.project_id;
    let system_reader = || caller.system && caller.has_role("reader");
    let domain_reader = || domain.is_some() && caller.domain_scope.as_deref() == domain && caller.has_role("reader");
    let admin_or_readers = || caller.is_admin() || system_reader() || domain_reader();
    let is_self = || target.user_id == Some(caller.user_id.as_str());
    match rule {
        Rule::AdminOrSystemReaderOrDomainReader => admin_or_readers(),
        Rule::AdminOrSystemReaderOrDomainReaderOrProjectUser => admin_or_readers() || on_project(),
        Rule::AdminOrSystemReaderOrDomainReaderOrOwner => admin_or_readers() || is_self(),
        Rule::AdminOrSystemUserOrDomainUserOrProjectUser => {
            caller.is_admin()
                || system_reader()
                || (domain.is_some() && (caller.domain_scope.as_deref() == domain || caller.project_domain_id.as_deref() == domain))
        }
        Rule::Authenticated => true,
        Rule::Admin => caller.is_admin(),
        Rule::AdminOrSystemReader => caller.is_admin() || system_reader(),
        Rule::AdminOrSelf => caller.is_admin() || is_self(),
        Rule::AdminOrSystemReaderOrSelf => caller.is_admin() || system_reader() || is_self(),
        Rule::AdminOrMemberSelf => caller.is_admin() || (caller.has_role("member") && is_self()),
        Rule::SelfOnly => is_self(),
        Rule::SystemReaderOrSelf => system_reader() || is_self(),
        Rule::SystemAdminOrSelf => (caller.system && caller.is_admin()) || is_self(),
        Rule::AdminOrService => caller.is_admin() || caller.has_role("service"),
        Rule::AdminOrProjectMember => caller.is_admin() || on_project(),
        Rule::ProjectReader => caller.is_admin() || (on_project() && caller.has_role("reader")),
        Rule::ProjectMember => caller.is_admin() || (on_project() && caller.has_role("member")),
    }
}

/// Allows or refuses `action` for `caller` with the service's own 403. An action missing from the
/// table is refused: a route must be declared to be reachable.
pub fn enforce(service: Service, caller: &Caller, action: &str, target: Target) -> Result<(), ApiError> {
    enforce_in_domain(service, caller, action, target, None)
}

/// `enforce`, with the domain the target lives in for the rules that admit domain-scoped callers.
pub fn enforce_in_domain(service: Service, caller: &Caller, action: &str, target: Target, domain: Option<&str>) -> Result<(), ApiError> {
    match rule_for(action) {
        Some(rule) if allows_in_domain(rule, caller, target, domain) => Ok(()),
        _ => Err(ApiError::forbidden(service, action)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(roles: &[&str], project: Option<&str>, system: bool) -> Caller {
        Caller {
            token_id: "t".into(),
            user_id: "u1".into(),
            user_name: "n".into(),
            domain_id: "default".into(),
            project_id: project.map(str::to_string),
            project_name: None,
            project_domain_id: project.map(|_| "default".to_string()),
            domain_scope: None,
            system,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn member_cannot_list_projects_but_admin_and_system_reader_can() {
        let t = Target::default();
        assert!(!allows(Rule::AdminOrSystemReader, &caller(&["member", "reader"], Some("p"), false), t));
        assert!(allows(Rule::AdminOrSystemReader, &caller(&["admin"], Some("p"), false), t));
        assert!(allows(Rule::AdminOrSystemReader, &caller(&["reader"], None, true), t));
    }

    #[test]
    fn project_rules_need_the_same_project() {
        let mine = Target { project_id: Some("p"), user_id: None };
        let theirs = Target { project_id: Some("q"), user_id: None };
        let member = caller(&["member", "reader"], Some("p"), false);
        let reader = caller(&["reader"], Some("p"), false);
        assert!(allows(Rule::ProjectMember, &member, mine));
        assert!(!allows(Rule::ProjectMember, &member, theirs));
        assert!(!allows(Rule::ProjectMember, &reader, mine));
        assert!(allows(Rule::ProjectReader, &reader, mine));
    }

    #[test]
    fn domain_readers_read_only_their_own_domain() {
        let mut reader = caller(&["reader"], None, false);
        reader.domain_scope = Some("d1".into());
        let t = Target::default();
        assert!(allows_in_domain(Rule::AdminOrSystemReaderOrDomainReader, &reader, t, Some("d1")));
        assert!(!allows_in_domain(Rule::AdminOrSystemReaderOrDomainReader, &reader, t, Some("d2")));
        assert!(!allows_in_domain(Rule::AdminOrSystemReaderOrDomainReader, &reader, t, None));
        assert!(!allows_in_domain(Rule::Admin, &reader, t, Some("d1")));
    }

    #[test]
    fn any_token_of_a_domain_or_its_projects_reads_the_domain() {
        let member = caller(&["member"], Some("p"), false);
        assert!(allows_in_domain(Rule::AdminOrSystemUserOrDomainUserOrProjectUser, &member, Target::default(), Some("default")));
        assert!(!allows_in_domain(Rule::AdminOrSystemUserOrDomainUserOrProjectUser, &member, Target::default(), Some("other")));
    }

    #[test]
    fn undeclared_actions_are_refused() {
        let admin = caller(&["admin"], Some("p"), false);
        assert!(enforce(crate::identity::SERVICE, &admin, "identity:launch_rockets", Target::default()).is_err());
    }
}
