//! Glance (glance/policies/image.py, metadef.py, tasks.py).

use crate::Hidden::NotFound as H404;
use crate::Rule::*;
use crate::{capi, req, row, Row};
use serde_json::json;

const PATCH: &str = "application/openstack-images-v2.1-json-patch";

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/image", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/image/versions", Public, "version discovery (unauthenticated)", |_, _| req()),
        row("GET", "/image/v2/images", OwnProjectReader, "get_images", |_, _| req()),
        row("POST", "/image/v2/images", OwnProjectMember, "add_image", |_, _| {
            req().json(json!({"name": "pm-new", "disk_format": "qcow2", "container_format": "bare"}))
        }),
        row("GET", "/image/v2/images/{id}", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("PATCH", "/image/v2/images/{id}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).h("content-type", PATCH).raw(br#"[{"op": "replace", "path": "/name", "value": "pm-renamed"}]"#)
        }),
        row("DELETE", "/image/v2/images/{id}", ProjectMember(H404), "delete_image", |x, _| req().p("id", &x.image)),
        row("GET", "/image/v2/images/{id}/file", ProjectReader(H404), "download_image", |x, _| req().p("id", &x.image_active)),
        row("PUT", "/image/v2/images/{id}/file", ProjectMember(H404), "upload_image", |x, _| {
            req().p("id", &x.image).raw(b"not really an image").h("content-type", "application/octet-stream")
        }),
        // Nova's image proxy (before 2.36), with Glance's policy underneath.
        row("GET", "/compute/v2.1/images", OwnProjectReader, "get_images", |_, _| req()),
        row("GET", "/compute/v2.1/images/detail", OwnProjectReader, "get_images", |_, _| req()),
        row("GET", "/compute/v2.1/images/{id}", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("DELETE", "/compute/v2.1/images/{id}", ProjectMember(H404), "delete_image", |x, _| req().p("id", &x.image)),
        row("GET", "/compute/v2.1/images/{id}/metadata", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image)),
        row("POST", "/compute/v2.1/images/{id}/metadata", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).json(json!({"metadata": {"pm_more": "2"}}))
        }),
        row("PUT", "/compute/v2.1/images/{id}/metadata", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).json(json!({"metadata": {"pm_prop": "3"}}))
        }),
        row("GET", "/compute/v2.1/images/{id}/metadata/{key}", ProjectReader(H404), "get_image", |x, _| {
            req().p("id", &x.image).p("key", "pm_prop")
        }),
        row("PUT", "/compute/v2.1/images/{id}/metadata/{key}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).p("key", "pm_prop").json(json!({"meta": {"pm_prop": "4"}}))
        }),
        row("DELETE", "/compute/v2.1/images/{id}/metadata/{key}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).p("key", "pm_prop")
        }),
        row("PUT", "/image/v2/images/{id}/stage", ProjectMember(H404), "upload_image", |x, _| {
            req().p("id", &x.image).raw(b"staged bytes").h("content-type", "application/octet-stream")
        }),
        // The image is not staged: a caller past the policy check gets Glance's 409.
        row("POST", "/image/v2/images/{id}/import", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).json(json!({"method": {"name": "glance-direct"}})).also(409)
        }),
        row("GET", "/image/v2/images/{id}/tasks", ProjectReader(H404), "get_image", |x, _| req().p("id", &x.image_active)),
        row("POST", "/image/v2/images/{id}/actions/deactivate", ProjectMember(H404), "deactivate", |x, _| req().p("id", &x.image_active)),
        row("POST", "/image/v2/images/{id}/actions/reactivate", ProjectMember(H404), "reactivate", |x, _| req().p("id", &x.image_active)),
        row("PUT", "/image/v2/images/{id}/tags/{tag}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).p("tag", "pm-new-tag")
        }),
        row("DELETE", "/image/v2/images/{id}/tags/{tag}", ProjectMember(H404), "modify_image", |x, _| {
            req().p("id", &x.image).p("tag", "pm-tag")
        }),
        row("GET", "/image/v2/images/{id}/members", ProjectReader(H404), "get_members", |x, _| req().p("id", &x.image)),
        row("POST", "/image/v2/images/{id}/members", ProjectMember(H404), "add_member", |x, _| {
            req().p("id", &x.image).json(json!({"member": x.admin_p}))
        }),
        row("GET", "/image/v2/images/{id}/members/{member}", ProjectReader(H404), "get_member", |x, _| {
            req().p("id", &x.image).p("member", &x.cm_p)
        }),
        // The member project (capi-mgmt) answers the offer; `modify_member` targets it.
        capi(row("PUT", "/image/v2/images/{id}/members/{member}", ProjectMember(H404), "modify_member", |x, _| {
            req().p("id", &x.image).p("member", &x.cm_p).json(json!({"status": "accepted"}))
        })),
        row("DELETE", "/image/v2/images/{id}/members/{member}", ProjectMember(H404), "delete_member", |x, _| {
            req().p("id", &x.image).p("member", &x.cm_p)
        }),
        row("DELETE", "/image/v2/stores/{store}/{id}", Admin, "delete_image_location", |x, _| {
            req().p("store", "fast").p("id", &x.image_active)
        }),
        row("GET", "/image/v2/info/import", AnyToken, "get_import_info", |_, _| req()),
        row("GET", "/image/v2/info/stores", AnyToken, "get_stores_info", |_, _| req()),
        row("GET", "/image/v2/schemas/{name}", AnyToken, "get_schema", |_, _| req().p("name", "image")),
        row("GET", "/image/v2/schemas/metadefs/{name}", AnyToken, "get_schema", |_, _| req().p("name", "namespace")),
        row("GET", "/image/v2/tasks", Admin, "get_tasks", |_, _| req()),
        row("POST", "/image/v2/tasks", Admin, "add_task", |_, _| {
            req().json(json!({"type": "import", "input": {"import_from": "http://example.com/pm.qcow2", "import_from_format": "qcow2",
                "image_properties": {"disk_format": "qcow2", "container_format": "bare"}}}))
        }),
        row("GET", "/image/v2/tasks/{id}", Admin, "get_task", |x, _| req().p("id", &x.image_task)),
        row("GET", "/image/v2/metadefs/resource_types", AnyToken, "list_metadef_resource_types", |_, _| req()),
        row("GET", "/image/v2/metadefs/namespaces", AnyToken, "get_metadef_namespaces", |_, _| req()),
        row("POST", "/image/v2/metadefs/namespaces", Admin, "add_metadef_namespace", |_, _| {
            req().json(json!({"namespace": "pm-ns-new", "visibility": "public"}))
        }),
        row("GET", "/image/v2/metadefs/namespaces/{ns}", AnyToken, "get_metadef_namespace", |_, _| req().p("ns", "pm-ns")),
        row("PUT", "/image/v2/metadefs/namespaces/{ns}", Admin, "modify_metadef_namespace", |_, _| {
            req().p("ns", "pm-ns").json(json!({"namespace": "pm-ns", "visibility": "public", "description": "changed"}))
        }),
        row("DELETE", "/image/v2/metadefs/namespaces/{ns}", Admin, "delete_metadef_namespace", |_, _| req().p("ns", "pm-ns")),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/resource_types", AnyToken, "list_metadef_resource_types", |_, _| {
            req().p("ns", "pm-ns")
        }),
        row("POST", "/image/v2/metadefs/namespaces/{ns}/resource_types", Admin, "add_metadef_resource_type_association", |_, _| {
            req().p("ns", "pm-ns").json(json!({"name": "OS::Nova::Flavor"}))
        }),
        row(
            "DELETE",
            "/image/v2/metadefs/namespaces/{ns}/resource_types/{name}",
            Admin,
            "remove_metadef_resource_type_association",
            |_, _| req().p("ns", "pm-ns").p("name", "OS::Glance::Image"),
        ),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/properties", AnyToken, "get_metadef_properties", |_, _| req().p("ns", "pm-ns")),
        row("POST", "/image/v2/metadefs/namespaces/{ns}/properties", Admin, "add_metadef_property", |_, _| {
            req().p("ns", "pm-ns").json(json!({"name": "pm-prop-new", "title": "new", "type": "string"}))
        }),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/properties/{name}", AnyToken, "get_metadef_property", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-prop")
        }),
        row("PUT", "/image/v2/metadefs/namespaces/{ns}/properties/{name}", Admin, "modify_metadef_property", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-prop").json(json!({"name": "pm-prop", "title": "changed", "type": "string"}))
        }),
        row("DELETE", "/image/v2/metadefs/namespaces/{ns}/properties/{name}", Admin, "remove_metadef_property", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-prop")
        }),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/objects", AnyToken, "get_metadef_objects", |_, _| req().p("ns", "pm-ns")),
        row("POST", "/image/v2/metadefs/namespaces/{ns}/objects", Admin, "add_metadef_object", |_, _| {
            req().p("ns", "pm-ns").json(json!({"name": "pm-obj-new"}))
        }),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/objects/{name}", AnyToken, "get_metadef_object", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-obj")
        }),
        row("PUT", "/image/v2/metadefs/namespaces/{ns}/objects/{name}", Admin, "modify_metadef_object", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-obj").json(json!({"name": "pm-obj", "description": "changed"}))
        }),
        row("DELETE", "/image/v2/metadefs/namespaces/{ns}/objects/{name}", Admin, "delete_metadef_object", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-obj")
        }),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/tags", AnyToken, "get_metadef_tags", |_, _| req().p("ns", "pm-ns")),
        row("POST", "/image/v2/metadefs/namespaces/{ns}/tags", Admin, "add_metadef_tags", |_, _| {
            req().p("ns", "pm-ns").json(json!({"tags": [{"name": "pm-a"}, {"name": "pm-b"}]}))
        }),
        row("DELETE", "/image/v2/metadefs/namespaces/{ns}/tags", Admin, "delete_metadef_tags", |_, _| req().p("ns", "pm-ns")),
        row("GET", "/image/v2/metadefs/namespaces/{ns}/tags/{name}", AnyToken, "get_metadef_tag", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-tag")
        }),
        row("POST", "/image/v2/metadefs/namespaces/{ns}/tags/{name}", Admin, "add_metadef_tag", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-tag-new")
        }),
        row("PUT", "/image/v2/metadefs/namespaces/{ns}/tags/{name}", Admin, "modify_metadef_tag", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-tag").json(json!({"name": "pm-tag-renamed"}))
        }),
        row("DELETE", "/image/v2/metadefs/namespaces/{ns}/tags/{name}", Admin, "delete_metadef_tag", |_, _| {
            req().p("ns", "pm-ns").p("name", "pm-tag")
        }),
    ]
}
