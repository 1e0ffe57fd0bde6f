"""Writes tempest.conf for a running fakecloud, from what its APIs answer.

Everything a deployment would hand-edit comes from the cloud itself: the auth URL and region, the
catalog's service types, the newest microversions, the image, flavor and network refs, and the
network extensions Neutron lists. Feature flags say what fakecloud models; each flag set to false
is in FALSE_FLAGS with the reason, and docs/conformance.md lists them all.

    python tempest_conf.py URL OUT [--fixed-accounts ACCOUNTS_YAML] [--lock-dir DIR]
"""

import argparse
import json
import sys
import urllib.error
import urllib.request

# The fixture's cloud admin (README.md, fixtures/default.yaml).
ADMIN = {"username": "admin", "password": "admin-secret", "project": "admin", "domain": "Default"}

# The fixture's users as Tempest's pre-provisioned accounts (--fixed-accounts). The admin user
# holds admin in three projects, so it stands for three admin accounts.
FIXED_ACCOUNTS = [
    {"username": "demo", "project_name": "demo", "password": "demo-secret", "roles": ["member"],
     "resources": {"network": "private"}},
    {"username": "alt_demo", "project_name": "alt_demo", "password": "alt-demo-secret", "roles": ["member"],
     "resources": {"network": "alt-private"}},
    {"username": "observer", "project_name": "demo", "password": "observer-secret", "roles": ["reader"]},
    {"username": "admin", "project_name": "admin", "password": "admin-secret", "roles": ["admin"]},
    {"username": "admin", "project_name": "service", "password": "admin-secret", "roles": ["admin"]},
]

# (section, option): why fakecloud does not model it. Written as false into tempest.conf.
FALSE_FLAGS = {
    ("validation", "run_validation"): "servers are simulated: there is no guest to ping or SSH into",
    ("compute-feature-enabled", "live_migration"): "Nova's os-migrateLive action is not served",
    ("compute-feature-enabled", "metadata_service"): "servers are simulated: no metadata service answers a guest",
    ("compute-feature-enabled", "attach_encrypted_volume"): "Barbican is not served, so no encryption key for a volume",
    ("compute-feature-enabled", "config_drive"): "servers are simulated: no config drive is built",
    ("compute-feature-enabled", "disk_config"): "Nova's OS-DCF disk config is not modelled",
    ("compute-feature-enabled", "ide_bus"): "servers are simulated: no guest bus to attach a device to",
    ("volume-feature-enabled", "backup"): "Cinder's backup API is not served",
    ("volume-feature-enabled", "enable_volume_image_dep_tests"): "Cinder's upload-to-image and image-backed volumes are not served",
    ("service_available", "swift"): "fakecloud serves no object storage",
    ("service_available", "horizon"): "/dashboard only answers as Horizon does behind HAProxy; there is no Horizon to log in to",
    ("load_balancer", "test_with_ipv6"): "fakecloud's Octavia places VIPs and members on IPv4 subnets only",
    ("loadbalancer-feature-enabled", "terminated_tls_enabled"): "Barbican is not served, so no TLS listener can get its certificate",
    ("loadbalancer-feature-enabled", "prometheus_listener_enabled"): "the PROMETHEUS listener protocol is not modelled",
}


# How long Tempest waits for a status, in real seconds. Under the rig's clock (scaled:0.05) a server
# boots in under a second and an amphora in about five, so a wait that outlasts this is waiting for
# something fakecloud does not do (a deletion it refuses, a status it never reaches); Tempest's
# defaults (300 s, 900 s for a load balancer) would spend that on each such wait.
WAIT = "30"
LB_WAIT = "60"
# How often the load-balancer plugin polls, in real seconds. Its intervals are floats (Tempest's own
# are whole seconds): every test waits for its load balancer to leave PENDING_UPDATE several times,
# and a status that changes a fraction of a real second after the call is seen at once rather than
# after a whole second's sleep. 0.1 s is two simulated seconds at the rig's clock.
LB_POLL = "0.1"


class Cloud:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.token, self.body = self._login()

    def _login(self):
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": ADMIN["username"], "domain": {"name": ADMIN["domain"]}, "password": ADMIN["password"]}}},
            "scope": {"project": {"name": ADMIN["project"], "domain": {"name": ADMIN["domain"]}}}}}
        req = urllib.request.Request(self.url + "/identity/v3/auth/tokens", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.headers["X-Subject-Token"], json.load(r)["token"]

    def get(self, url, headers=None):
        """The JSON at `url` (absolute, or a path under the cloud), or None on an HTTP error."""
        if url.startswith("/"):
            url = self.url + url
        req = urllib.request.Request(url, headers={"X-Auth-Token": self.token, **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError:
            return None

    def endpoint(self, service_type):
        """The public URL of a catalog entry, with its type as the catalog spells it."""
        for entry in self.body["catalog"]:
            if entry["type"] == service_type:
                for ep in entry["endpoints"]:
                    if ep["interface"] == "public":
                        return ep["url"], ep["region"]
        return None, None


def newest_version(doc):
    """The `version` of a version document ({"version": {...}} or {"versions": [...]})."""
    if not doc:
        return None
    versions = [doc["version"]] if "version" in doc else doc.get("versions", [])
    current = [v for v in versions if v.get("status") == "CURRENT"] or versions
    return (current[0].get("version") or current[0].get("max_version") or None) if current else None


def build(cloud, fixed_accounts=None, lock_dir=None, log_file=None):
    """The tempest.conf sections as {section: {option: value}}."""
    conf = {}

    def put(section, **options):
        conf.setdefault(section, {}).update(options)

    identity_url, region = cloud.endpoint("identity")
    volume_type = "block-storage" if cloud.endpoint("block-storage")[0] else "volumev3"
    put("DEFAULT", log_file=log_file or "tempest.log", use_stderr="false")
    put("oslo_concurrency", lock_path=lock_dir or "tempest_lock")
    put("auth", admin_username=ADMIN["username"], admin_password=ADMIN["password"],
        admin_project_name=ADMIN["project"], admin_domain_name=ADMIN["domain"],
        default_credentials_domain_name=ADMIN["domain"])
    if fixed_accounts:
        put("auth", use_dynamic_credentials="false", test_accounts_file=fixed_accounts, create_isolated_networks="false")
    else:
        put("auth", use_dynamic_credentials="true", create_isolated_networks="true")
    put("identity", uri_v3=identity_url + "/v3", auth_version="v3", region=region, catalog_type="identity",
        v3_endpoint_type="public", default_domain_id=cloud.body["project"]["domain"]["id"], admin_role="admin")
    put("identity-feature-enabled", api_v2="false", api_v3="true")

    # Compute: the fixture's first two public flavors and its public CirrOS-like images.
    compute_url, _ = cloud.endpoint("compute")
    flavors = sorted((cloud.get("/compute/v2.1/flavors/detail") or {}).get("flavors", []),
                     key=lambda f: (f.get("ram", 0), f.get("vcpus", 0)))
    images = [i for i in (cloud.get("/image/v2/images") or {}).get("images", [])
              if i.get("status") == "active" and i.get("visibility") == "public"]
    images.sort(key=lambda i: (i.get("size") or 0, i["name"]))
    networks = (cloud.get("/network/v2.0/networks") or {}).get("networks", [])
    public = next((n for n in networks if n.get("router:external")), None)
    private = next((n for n in networks if not n.get("router:external") and n.get("name") == "private"), None)
    put("compute", catalog_type="compute", region=region, endpoint_type="publicURL",
        image_ref=images[0]["id"], image_ref_alt=images[-1]["id"] if len(images) > 1 else images[0]["id"],
        flavor_ref=flavors[0]["id"], flavor_ref_alt=flavors[1]["id"] if len(flavors) > 1 else flavors[0]["id"],
        min_compute_nodes=str(len((cloud.get("/compute/v2.1/os-hypervisors") or {}).get("hypervisors", [])) or 1),
        min_microversion="2.1", max_microversion=newest_version(cloud.get(compute_url)) or "2.1",
        build_interval="1", build_timeout=WAIT)
    if private and fixed_accounts:
        put("compute", fixed_network_name=private["name"])
    # Tempest assumes no resize unless told; fakecloud's Nova resizes (with confirm and revert).
    put("compute-feature-enabled", resize="true")
    put("placement", catalog_type="placement", region=region, min_microversion="1.0",
        max_microversion=newest_version(cloud.get("/placement", {"OpenStack-API-Version": "placement latest"})) or "1.0")

    # Network: the external network, and the extensions Neutron lists.
    extensions = sorted(e["alias"] for e in (cloud.get("/network/v2.0/extensions") or {}).get("extensions", []))
    put("network", catalog_type="network", region=region, endpoint_type="publicURL",
        project_network_cidr="10.100.0.0/16", project_network_mask_bits="28", build_timeout=WAIT)
    if public:
        put("network", public_network_id=public["id"], floating_network_name=public["name"])
    put("network-feature-enabled", api_extensions=",".join(extensions) or "", floating_ips="true",
        port_security="true" if "port-security" in extensions else "false",
        port_admin_state_change="true", ipv6_subnet_attributes="true")

    put("image", catalog_type="image", region=region, endpoint_type="publicURL", build_timeout=WAIT,
        container_formats="bare,ami,ari,aki,ovf,ova", disk_formats="qcow2,raw,ami,ari,aki,vhd,vmdk,vdi,iso,vhdx")
    put("image-feature-enabled", api_v2="true")

    volume_url, _ = cloud.endpoint(volume_type)
    volume_root = volume_url.split("/v3")[0] if volume_url else cloud.url + "/volume"
    put("volume", catalog_type=volume_type, region=region, endpoint_type="publicURL", volume_size="1",
        build_timeout=WAIT,
        min_microversion="3.0", max_microversion=newest_version(cloud.get(volume_root + "/v3")) or "3.0")
    # The backend's protocol and vendor, as a deployment's tempest.conf names them (the volume type
    # tests ask the scheduler for a backend with these capabilities).
    pools = (cloud.get(volume_url + "/scheduler-stats/get_pools?detail=True") or {}).get("pools", []) if volume_url else []
    caps = (pools[0].get("capabilities") or {}) if pools else {}
    if caps.get("storage_protocol"):
        put("volume", storage_protocol=caps["storage_protocol"], vendor_name=caps.get("vendor_name", "Open Source"))
    volume_extensions = (cloud.get(volume_url + "/extensions") or {}).get("extensions", []) if volume_url else []
    put("volume-feature-enabled", api_extensions=",".join(sorted(e["alias"] for e in volume_extensions)))

    put("service_available", nova="true", neutron="true", glance="true", cinder="true",
        load_balancer="true" if cloud.endpoint("load-balancer")[0] else "false")
    provider_list = (cloud.get("/load-balancer/v2/lbaas/providers") or {}).get("providers", [])
    providers = [p["name"] for p in provider_list]
    put("load_balancer", catalog_type="load-balancer", region=region, endpoint_type="publicURL",
        provider="amphora" if "amphora" in providers else (providers[0] if providers else "octavia"),
        # The providers the cloud serves, as "name:description,..." (the plugin checks the list).
        enabled_provider_drivers=",".join(f"{p['name']}:{p.get('description', '')}" for p in provider_list),
        RBAC_test_type="keystone_default_roles", enforce_new_defaults="true",
        build_interval=LB_POLL, check_interval=LB_POLL, lb_build_interval=LB_POLL, build_timeout=LB_WAIT,
        check_timeout=WAIT, lb_build_timeout=LB_WAIT)
    # The Nova zones the amphorae may boot in, for the availability zone (profile) tests: the
    # plugin wants three names and takes them as compute_zone values; a cloud with fewer zones
    # repeats them (each must only exist in Nova).
    zones = sorted(z["zoneName"] for z in (cloud.get("/compute/v2.1/os-availability-zone") or {}).get("availabilityZoneInfo", [])
                   if (z.get("zoneState") or {}).get("available"))
    if zones:
        put("load_balancer", availability_zone=zones[0], availability_zone2=zones[1 % len(zones)],
            availability_zone3=zones[2 % len(zones)])
    put("loadbalancer-feature-enabled", not_implemented_is_error="true")

    # [enforce_scope] keeps Tempest's defaults (false): fakecloud's policy (policy.rs) takes the
    # admin role in any scope, as a cloud with the new defaults but without scope enforcement does.
    for (section, option) in FALSE_FLAGS:
        put(section, **{option: "false"})
    return conf


def render(conf):
    lines = ["# Written by conformance/tempest_conf.py from the running cloud's APIs."]
    for section, options in conf.items():
        lines.append(f"\n[{section}]")
        lines.extend(f"{k} = {v}" for k, v in options.items())
    return "\n".join(lines) + "\n"


def accounts_yaml():
    out = []
    for a in FIXED_ACCOUNTS:
        out.append(f"- username: '{a['username']}'")
        out.append(f"  project_name: '{a['project_name']}'")
        out.append(f"  password: '{a['password']}'")
        out.append(f"  roles: [{', '.join(repr(r) for r in a['roles'])}]")
        for kind, name in a.get("resources", {}).items():
            out.append(f"  resources:\n    {kind}: '{name}'")
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--fixed-accounts", metavar="ACCOUNTS_YAML", help="write the fixture's users there and use them")
    p.add_argument("--lock-dir")
    args = p.parse_args()
    if args.fixed_accounts:
        with open(args.fixed_accounts, "w") as f:
            f.write(accounts_yaml())
    conf = build(Cloud(args.url), args.fixed_accounts, args.lock_dir)
    with open(args.out, "w") as f:
        f.write(render(conf))


if __name__ == "__main__":
    sys.exit(main())
