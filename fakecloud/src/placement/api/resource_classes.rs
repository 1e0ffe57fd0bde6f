//! Resource classes.

use super::common::*;
use crate::auth::Caller;
use crate::cloud::AppState;
use crate::http::extract::BaseUrl;
use crate::placement::fault::{Fault, JsonInput, Mv, Reply, Seg};
use crate::placement::schema::{self};
use crate::placement::views;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

pub(super) async fn list_resource_classes(caller: Caller, Mv(v): Mv, State(s): State<AppState>) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:list")?;
    let world = s.world();
    ok(v, &world, views::resource_classes(&world.placement.resource_classes()))
}

pub(super) async fn show_resource_class(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:show")?;
    let world = s.world();
    if !world.placement.resource_class_exists(&name) {
        return Err(Fault::not_found(format!("No such resource class {name}.")));
    }
    ok(v, &world, views::resource_class(&name))
}

pub(super) async fn create_resource_class(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    body: JsonInput,
) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:create")?;
    let data = body.validated(&schema::RESOURCE_CLASS)?;
    let name = data["name"].as_str().unwrap_or_default();
    s.world().placement.create_resource_class(name)?;
    Ok(with_location(StatusCode::CREATED.into_response(), &format!("{base}{}/resource_classes/{name}", views::prefix())))
}

/// `PUT /resource_classes/{name}`: renames a custom class (body `{"name"}`) from 1.2 to 1.6; from
/// 1.7 it is a bodiless create-or-check (201 created, 204 already there).
pub(super) async fn put_resource_class(
    caller: Caller,
    Mv(v): Mv,
    State(s): State<AppState>,
    BaseUrl(base): BaseUrl,
    Seg(name): Seg<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:update")?;
    if !v.at_least(1, 7) {
        let body = body.map_err(|e| match e.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Fault::new(StatusCode::PAYLOAD_TOO_LARGE, "Request is too large."),
            _ => Fault::bad_request(format!("Could not read the request body: {e}")),
        })?;
        let data = JsonInput(body).validated(&schema::RESOURCE_CLASS)?;
        let new = data["name"].as_str().unwrap_or_default();
        let mut world = s.world();
        world.placement.rename_resource_class(&name, new)?;
        return ok(v, &world, views::resource_class(new));
    }
    schema::validate(&json!({"name": name}), &schema::RESOURCE_CLASS)
        .map_err(|e| Fault::bad_request(format!("JSON does not validate: {e}")))?;
    let created = s.world().placement.ensure_resource_class(&name);
    let status = if created { StatusCode::CREATED } else { StatusCode::NO_CONTENT };
    Ok(with_location(status.into_response(), &format!("{base}{}/resource_classes/{name}", views::prefix())))
}

pub(super) async fn delete_resource_class(caller: Caller, Mv(v): Mv, State(s): State<AppState>, Seg(name): Seg<String>) -> Reply {
    since(v, 1, 2)?;
    can(&caller, "placement:resource_classes:delete")?;
    s.world().placement.delete_resource_class(&name)?;
    no_content()
}
