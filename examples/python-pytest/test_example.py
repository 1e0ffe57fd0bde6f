"""What fakecloud gives a Python test: a cloud whose time moves only when the test says so, and
failures on demand. Each test gets the `cloud` fixture from conftest.py, reset to the fixture."""

import openstack.exceptions
import pytest


def server_transitions(cloud, server_id):
    return [(e["from"], e["to"]) for e in cloud.journal(kind="transition") if e.get("resource") == "server" and e.get("id") == server_id]


def test_a_new_server_is_active_only_once_simulated_time_has_passed(cloud):
    demo = cloud.connect("demo")
    server = demo.compute.create_server(
        name="example-vm",
        flavor_id=demo.compute.find_flavor("m1.tiny", ignore_missing=False).id,
        image_id=demo.image.find_image("cirros-0.6.2-x86_64-disk", ignore_missing=False).id,
        networks=[{"uuid": demo.network.find_network("private", ignore_missing=False).id}],
    )

    # The clock is manual: however long the test takes, the server stays in BUILD.
    assert demo.compute.get_server(server.id).status == "BUILD"
    assert server_transitions(cloud, server.id) == [(None, "BUILD")]

    cloud.advance(60)  # scheduling and spawning take a few simulated seconds

    assert demo.compute.get_server(server.id).status == "ACTIVE"
    assert server_transitions(cloud, server.id) == [(None, "BUILD"), ("BUILD", "ACTIVE")]


def test_a_compute_host_that_loses_power_is_reported_down_a_minute_later(cloud):
    def nova_compute_state():
        (svc,) = [s for s in cloud.conn.compute.services() if s.host == "compute-0" and s.binary == "nova-compute"]
        return svc.state

    assert nova_compute_state() == "up"
    fault = cloud.add_fault("host-down", host="compute-0")

    # Nova notices only when the service has missed its reports for 60 s.
    cloud.advance(30)
    assert nova_compute_state() == "up"
    cloud.advance(31)
    assert nova_compute_state() == "down"

    # Powering the host on again (removing the fault) brings the service back at its next report.
    cloud.remove_fault(fault["id"])
    cloud.advance(15)
    assert nova_compute_state() == "up"


def test_an_injected_error_reaches_the_client_once_and_reset_clears_what_the_test_did(cloud):
    demo = cloud.connect("demo")
    cloud.add_fault(
        "api-error",
        status=503,
        match={"service": "compute", "method": "GET", "path": "/compute/v2.1/servers*"},
        count=1,
    )
    with pytest.raises(openstack.exceptions.HttpException) as refused:
        list(demo.compute.servers())
    assert refused.value.status_code == 503

    # The fault fired its one time and removed itself: the next call works.
    assert cloud.faults() == []
    assert sorted(s.name for s in demo.compute.servers()) == ["db-0", "web-0", "web-1"]

    demo.compute.delete_server(demo.compute.find_server("web-0", ignore_missing=False).id)
    assert demo.compute.find_server("web-0") is None

    cloud.reset()

    demo = cloud.connect("demo")  # a reset drops every token: log in again
    assert sorted(s.name for s in demo.compute.servers()) == ["db-0", "web-0", "web-1"]
    assert [e["action"] for e in cloud.journal(kind="control")] == ["reset"]
