//! What a client's clock sees of simulated time (docs/conformance.md, "Time"): the `Date` header
//! is the cloud's simulated time, like every timestamp in a body; a token's `issued_at` and
//! `expires_at` are shown on the client's own clock, so that a client that logs in again when its
//! clock passes `expires_at` never has a token refused first, under any clock mode.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{password_auth, Reply, TestCloud};
use fakecloud::sim::ClockMode;
use fakecloud::{CloudConfig, Fixture};
use reqwest::Method;

const TOKENS: &str = "/identity/v3/auth/tokens";

fn instant(v: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("a timestamp")).unwrap().with_timezone(&Utc)
}

fn date_header(r: &Reply) -> DateTime<Utc> {
    let text = r.headers["date"].to_str().unwrap();
    DateTime::parse_from_rfc2822(&text.replace("GMT", "+0000")).unwrap().with_timezone(&Utc)
}

async fn scaled(factor: f64) -> (fakecloud::RunningCloud, reqwest::Client) {
    let config = CloudConfig {
        fixture: Fixture::default_cloud(),
        seed: 7,
        clock: ClockMode::Scaled { factor },
        start: None,
        public_url: None,
        ..Default::default()
    };
    (fakecloud::start(config, "127.0.0.1:0".parse().unwrap()).await.unwrap(), reqwest::Client::new())
}

async fn issue(http: &reqwest::Client, base: &str) -> (Reply, String) {
    let r = http.post(format!("{base}{TOKENS}")).json(&password_auth("admin", "admin-secret", Some("admin"))).send().await.unwrap();
    let r = common::reply(r).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.headers["x-subject-token"].to_str().unwrap().to_string();
    (r, id)
}

async fn status_with(http: &reqwest::Client, base: &str, token: &str) -> u16 {
    http.get(format!("{base}/compute/v2.1/flavors")).header("x-auth-token", token).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn under_a_manual_clock_dates_and_token_instants_are_simulated_time() {
    let c = TestCloud::start().await;
    let r = c.send(Method::POST, TOKENS, None, Some(password_auth("admin", "admin-secret", Some("admin")))).await;
    assert_eq!(r.status, 201);
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    assert_eq!(date_header(&r), start);
    assert_eq!(instant(&r.body["token"]["issued_at"]), start);
    assert_eq!(instant(&r.body["token"]["expires_at"]), start + Duration::hours(1));
    c.advance("2h").await;
    let later = c.get("/compute/v2.1", None).await;
    assert_eq!(date_header(&later), start + Duration::hours(2));
}

#[tokio::test]
async fn under_a_scaled_clock_a_token_shows_when_the_clients_clock_will_see_it_expire() {
    // An hour of simulated time lasts three real minutes at 0.05.
    let (cloud, http) = scaled(0.05).await;
    let base = cloud.url();
    let (r, id) = issue(&http, &base).await;
    let wall = Utc::now();
    let t = &r.body["token"];
    let (issued, expires) = (instant(&t["issued_at"]), instant(&t["expires_at"]));
    assert!((issued - wall).num_seconds().abs() <= 3, "issued_at {issued} is not the wall clock's {wall}");
    assert!(((expires - issued) - Duration::minutes(3)).num_milliseconds().abs() <= 10, "expires_at {expires} is not 3 min after {issued}");
    // Validation shows the same instants.
    let v = http.get(format!("{base}{TOKENS}")).header("x-auth-token", &id).header("x-subject-token", &id).send().await.unwrap();
    let v = common::reply(v).await;
    assert_eq!(v.body["token"]["expires_at"], t["expires_at"]);
    // The Date header is the cloud's clock, which runs twenty times faster than the wall's (the
    // margin allows for a slow machine between the answer and this reading).
    let sim_now = cloud.cloud.world().now();
    assert!((sim_now - date_header(&v)).num_seconds().abs() <= 60, "Date is not simulated time");
    cloud.stop().await;
}

#[tokio::test]
async fn a_client_that_logs_in_again_at_expires_at_never_has_its_token_refused() {
    // An hour of simulated time lasts 3.6 real seconds.
    let (cloud, http) = scaled(0.001).await;
    let base = cloud.url();
    let (r, id) = issue(&http, &base).await;
    let expires = instant(&r.body["token"]["expires_at"]);
    let left = (expires - Utc::now()).to_std().expect("expires_at is ahead of the client's clock");
    assert!(left <= std::time::Duration::from_millis(3700), "{left:?}");
    // Shortly before its clock reaches expires_at the client still uses the token, and it is honoured.
    tokio::time::sleep(left.saturating_sub(std::time::Duration::from_millis(1500))).await;
    assert_eq!(status_with(&http, &base, &id).await, 200, "refused before the client's clock reached expires_at");
    // Once its clock has passed expires_at the token is refused, as a real cloud refuses it.
    let past = (expires - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(300);
    tokio::time::sleep(past).await;
    assert_eq!(status_with(&http, &base, &id).await, 401, "still honoured after expires_at");
    let (_, again) = issue(&http, &base).await;
    assert_eq!(status_with(&http, &base, &again).await, 200);
    cloud.stop().await;
}
