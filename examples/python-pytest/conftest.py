"""A pytest fixture that gives each test a fresh fakecloud.

One fakecloud process serves the whole test session, on a free port with the manual clock; each
test starts from the fixture's beginning (the `cloud` fixture resets it first). Where it comes from:

* ``FAKECLOUD_URL`` set: that cloud is used as it is (it is not started or stopped here, but its
  clock is switched to manual and it is reset before each test);
* otherwise the binary named by ``FAKECLOUD_BIN``, else ``fakecloud`` on ``PATH``, is started with
  ``fakecloud serve --listen 127.0.0.1:0 --clock manual`` and stopped after the session.

Tests take the ``cloud`` fixture: ``cloud.conn`` is an openstacksdk Connection for the admin,
``cloud.connect("demo")`` one for another user of the default fixture, and ``advance``,
``add_fault``, ``remove_fault``, ``reset``, ``journal`` and ``clock`` drive the control API
(docs/control-api.md in the fakecloud repository).
"""

import os
import queue
import secrets
import shutil
import subprocess
import threading
import time

import openstack
import pytest
import requests

# The users of fakecloud's embedded default fixture (fixtures/default.yaml): password and the
# project each one logs in to.
USERS = {
    "admin": ("admin-secret", "admin"),
    "demo": ("demo-secret", "demo"),
    "alt_demo": ("alt-demo-secret", "alt_demo"),
    "observer": ("observer-secret", "demo"),
}
REGION = "RegionOne"
READY = "fakecloud ready: auth_url="


class FakeCloud:
    """One running fakecloud: its base URL, client connections and control API helpers."""

    def __init__(self, url, control_token=None):
        self.url = url.rstrip("/")
        self.auth_url = self.url + "/identity"
        self._http = requests.Session()
        # The control API's token, when the cloud was started with one (`--control-token`).
        if control_token:
            self._http.headers["Authorization"] = f"Bearer {control_token}"
        self._conns = {}

    # ---- OpenStack clients -------------------------------------------------------------------

    def connect(self, user="admin"):
        """An openstacksdk Connection logged in as a fixture user, to its project."""
        if user not in self._conns:
            password, project = USERS[user]
            self._conns[user] = openstack.connect(
                auth_url=self.auth_url,
                username=user,
                password=password,
                project_name=project,
                user_domain_name="Default",
                project_domain_name="Default",
                region_name=REGION,
                interface="public",
                identity_api_version="3",
            )
        return self._conns[user]

    @property
    def conn(self):
        return self.connect("admin")

    # ---- the control API (/_fakecloud) -------------------------------------------------------

    def _control(self, method, path, expect, **kwargs):
        resp = self._http.request(method, f"{self.url}/_fakecloud{path}", timeout=30, **kwargs)
        if resp.status_code != expect:
            raise AssertionError(f"{method} /_fakecloud{path}: {resp.status_code} {resp.text}")
        return resp.json() if resp.content else None

    def health(self):
        return self._control("GET", "/health", 200)

    def clock(self):
        """``{"now", "mode", "pending_events"}``."""
        return self._control("GET", "/clock", 200)

    def set_clock_mode(self, mode):
        return self._control("PUT", "/clock", 200, json={"mode": mode})

    def advance(self, by):
        """Moves simulated time forward (seconds, or a duration such as "5m") and applies
        whatever fell due. Returns the clock."""
        return self._control("POST", "/clock/advance", 200, json={"by": by})

    def add_fault(self, kind, **fields):
        """Installs a fault (``add_fault("host-down", host="compute-0")``); returns it, with its id."""
        return self._control("POST", "/faults", 201, json={"kind": kind, **fields})["fault"]

    def remove_fault(self, fault_id):
        self._control("DELETE", f"/faults/{fault_id}", 204)

    def faults(self):
        return self._control("GET", "/faults", 200)["faults"]

    def journal(self, kind=None, **filters):
        """Journal entries, oldest first; ``kind`` is api, transition, fault or control."""
        params = dict(filters, **({"kind": kind} if kind else {}))
        return self._control("GET", "/journal", 200, params=params)["entries"]

    def reset(self):
        """Back to the fixture's beginning: tokens, faults, journal and pending events go."""
        self._control("POST", "/reset", 204)
        # The old tokens are gone with the world: log in again on next use.
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def close(self):
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()
        self._http.close()


def _binary():
    path = os.environ.get("FAKECLOUD_BIN") or shutil.which("fakecloud")
    if not path:
        pytest.fail("no fakecloud to start: set FAKECLOUD_BIN, put `fakecloud` on PATH, or set FAKECLOUD_URL")
    return path


def _start(binary, log, control_token):
    """Starts ``fakecloud serve`` on a free port, its control API behind ``control_token``, and
    returns (process, base URL) once it is ready."""
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--clock", "manual"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "FAKECLOUD_CONTROL_TOKEN": control_token},
    )
    lines = queue.Queue()

    def pump():  # reads stdout to its end, so the pipe never fills
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        if line is None:
            break
        if line.startswith(READY):
            auth_url = line[len(READY):].strip()  # http://127.0.0.1:PORT/identity/v3
            return proc, auth_url.removesuffix("/identity/v3")
    proc.kill()
    proc.wait()
    log.flush()
    with open(log.name) as f:
        stderr = f.read()[-4000:]
    pytest.fail(f"{binary} did not print its ready line within 30 s (exit {proc.returncode}):\n{stderr}")


@pytest.fixture(scope="session")
def fakecloud_session(tmp_path_factory):
    """The session's fakecloud: the one at $FAKECLOUD_URL, or one started here."""
    url = os.environ.get("FAKECLOUD_URL")
    if url:
        cloud = FakeCloud(url, os.environ.get("FAKECLOUD_CONTROL_TOKEN"))
        cloud.health()
        cloud.set_clock_mode("manual")
        yield cloud
        cloud.close()
        return
    log = open(tmp_path_factory.mktemp("fakecloud") / "stderr.log", "w")
    control_token = secrets.token_urlsafe(24)
    proc, url = _start(_binary(), log, control_token)
    cloud = FakeCloud(url, control_token)
    try:
        assert cloud.health()["status"] == "ok"
        yield cloud
    finally:
        cloud.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def cloud(fakecloud_session):
    """A cloud at the fixture's beginning, with the manual clock stopped at its start time."""
    fakecloud_session.reset()
    return fakecloud_session
