"""A Tempest run's results, per service, with the failures grouped by cause.

Reads the subunit stream stestr kept, the list of tests the run selected, and tempest.log (whose
`Request (Class:test): STATUS METHOD URL` lines say which call a failure met). A class whose
setUpClass failed or skipped runs none of its tests; each of them counts as failed (or skipped) with
the class's cause, so that `run` is always the number of tests selected.
"""

import collections
import io
import re

import subunit
import testtools

# Which service a test id belongs to.
SERVICES = [
    ("identity", "tempest.api.identity."),
    ("compute", "tempest.api.compute."),
    ("network", "tempest.api.network."),
    ("image", "tempest.api.image."),
    ("volume", "tempest.api.volume."),
    ("load-balancer", "octavia_tempest_plugin.tests.api."),
]

PASSED = {"success", "xfail"}
SKIPPED = {"skip"}

CLASS_FIXTURE = re.compile(r"^(setUpClass|tearDownClass) \((?P<cls>[\w.]+)\)$")
REQUEST_LINE = re.compile(
    r"Request \((?P<cls>\w+):(?P<test>\w+)\): (?P<status>\d{3}) (?P<method>[A-Z]+) (?P<url>\S+)")
UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
HEX_ID = re.compile(r"\b[0-9a-f]{32}\b")
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")


def service_of(test_id):
    for name, prefix in SERVICES:
        if test_id.startswith(prefix):
            return name
    return "other"


def base_id(test_id):
    """The id without its `[attrs]` tail."""
    return test_id.split("[", 1)[0]


def class_and_method(test_id):
    cls_path, _, method = base_id(test_id).rpartition(".")
    return cls_path, method


def read_subunit(data):
    """{test id: (status, traceback text)} from a subunit v2 stream."""
    out = {}

    def on_test(t):
        details = t.get("details", {})
        trace = details.get("traceback")
        text = trace.as_text() if trace is not None else ""
        if not text and "reason" in details:
            text = details["reason"].as_text()
        out[t["id"]] = (t["status"], text)

    stream = subunit.ByteStreamToStreamResult(io.BytesIO(data), non_subunit_name="stdout")
    result = testtools.StreamToDict(on_test)
    result.startTestRun()
    stream.run(result)
    result.stopTestRun()
    return out


# Where a test's own cleanups and per-test fixtures log their calls.
TEST_HELPERS = ("_run_cleanups", "setUp", "tearDown")


def read_requests(log_text):
    """{(class name, test method): [(status, method, path)]} from tempest.log. A test's list also
    holds the calls its cleanups and setUp/tearDown made after it started (logged under those
    names), since a failing cleanup fails the test."""
    calls = collections.defaultdict(list)
    current = {}
    for m in REQUEST_LINE.finditer(log_text):
        status, method, path = int(m["status"]), m["method"], normalise_url(m["url"])
        cls, test = m["cls"], m["test"]
        if test in TEST_HELPERS:
            if cls in current:
                calls[(cls, current[cls])].append((status, method, path, False))
            continue
        if test.startswith("test"):
            current[cls] = test
        calls[(cls, test)].append((status, method, path, True))
    return calls


def normalise_url(url):
    path = re.sub(r"^https?://[^/]+", "", url).split("?", 1)[0]
    path = UUID.sub("{id}", path)
    path = HEX_ID.sub("{id}", path)
    # Tempest's random names (tempest-tag-1273200272) and bare numbers.
    path = re.sub(r"\d{6,}", "{n}", path)
    return NUMBER.sub("{n}", path)


def normalise_message(text):
    text = re.sub(r"\b0x[0-9a-f]+\b", "0x?", text)
    text = UUID.sub("{id}", text)
    text = HEX_ID.sub("{id}", text)
    text = re.sub(r"https?://[^/\s]+", "", text)
    text = re.sub(r"\b\d+(\.\d+)?s\b", "{t}s", text)
    return text.strip()[:140]


def exception_of(trace):
    """(short exception type, first line of its message): the line after the last traceback's frames."""
    lines = trace.splitlines()
    start = max((i for i, l in enumerate(lines) if l.startswith("Traceback (most recent call last)")), default=-1)
    for i, line in enumerate(lines[start + 1:], start + 1):
        if not line.strip() or line.startswith((" ", "\t")):
            continue
        name, _, message = line.partition(":")
        if not re.fullmatch(r"[A-Za-z_][\w.]*", name):
            return "Error", line.strip()
        # tempest.lib's exceptions put the specifics on a `Details:` line (a schema failure's
        # reason, a fault body); that line says more than the class's fixed message.
        details = next((l for l in lines[i + 1:i + 3] if l.startswith("Details: ")), None)
        if details and name.endswith(("InvalidHTTPResponseBody", "InvalidHTTPResponseHeader")):
            message = details[len("Details: "):]
        return name.rsplit(".", 1)[-1], message.strip()
    rest = [l.strip() for l in lines if l.strip()]
    return "Error", (rest[-1] if rest else "")


# The status each of tempest.lib's REST exceptions stands for.
EXCEPTION_STATUS = {"BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404, "Conflict": 409,
                    "Gone": 410, "OverLimit": 413, "RateLimitExceeded": 413, "InvalidContentType": 415,
                    "UnprocessableEntity": 422, "ServerFault": 500, "NotImplemented": 501}


def cause(trace, requests):
    """The cluster key of a failure: exception type, then the failing call or the message."""
    exc, message = exception_of(trace)
    failing = [r[:3] for r in requests if r[0] >= 400]
    own = [r[:3] for r in requests if r[3]]
    # The call that raised is the last one with the exception's status (a test may meet an
    # expected refusal before it).
    status = EXCEPTION_STATUS.get(exc)
    if exc == "UnexpectedResponseCode":
        details = details_of(trace) or ""
        status = int(details) if details.isdigit() else None
    if status is not None and any(r[0] == status for r in failing):
        failing = [r for r in failing if r[0] == status]
    if failing and exc not in ("InvalidHTTPResponseBody", "InvalidHTTPResponseHeader"):
        status, method, path = failing[-1]
        if exc in ("AssertionError", "MismatchError"):
            return f"{exc}: {normalise_message(message)} (after {status} {method} {path})"
        return f"{exc}: {status} {method} {path}"
    if own and exc in ("InvalidHTTPResponseBody", "ValidationError", "InvalidHTTPResponseHeader"):
        # A schema failure follows a call that succeeded: the test's own last call.
        _, method, path = own[-1]
        return f"{exc}: {normalise_message(message)} ({method} {path})"
    return f"{exc}: {normalise_message(message)}" if message else exc


def skip_reason(text):
    """A skip's reason, first line (the `reason` detail, or the SkipTest message)."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    if any(l.startswith("Traceback") for l in lines):
        return normalise_message(exception_of(text)[1]) or "skipped"
    return normalise_message(lines[0]) if lines else "skipped"


def details_of(trace):
    """The first `Details:` line of a traceback (a fault body, a schema failure), normalised."""
    line = next((l for l in trace.splitlines() if l.startswith("Details: ")), "")
    return normalise_message(line[len("Details: "):]) if line else None


class Outcome:
    """One test's verdict: passed, failed or skipped, and for a failure its cause and details."""

    def __init__(self, test_id, verdict, cause=None, details=None):
        self.test_id, self.verdict, self.cause, self.details = test_id, verdict, cause, details


def outcomes(selected, results, requests):
    """An Outcome per selected test, class fixtures expanded to the tests of their class."""
    by_base = {base_id(t): t for t in selected}
    class_fixture = {}
    for rid, (status, trace) in results.items():
        m = CLASS_FIXTURE.match(rid)
        if m and status not in PASSED:
            cls = m["cls"]
            verdict = "skipped" if status in SKIPPED else "failed"
            if verdict == "failed":
                key = cause(trace, requests.get((cls.rsplit(".", 1)[-1], m.group(1)), []))
            else:
                key = skip_reason(trace)
            # A failing tearDownClass does not undo tests that passed; a setUpClass decides them all.
            if m.group(1) == "setUpClass" or cls not in class_fixture:
                class_fixture[cls] = (verdict, key, m.group(1), details_of(trace))
    done = {}
    for rid, (status, trace) in results.items():
        tid = by_base.get(base_id(rid), rid if rid in selected else None)
        if tid is None:
            continue
        cls_path, method = class_and_method(tid)
        if status in PASSED:
            done[tid] = Outcome(tid, "passed")
        elif status in SKIPPED:
            done[tid] = Outcome(tid, "skipped", skip_reason(trace))
        else:
            done[tid] = Outcome(tid, "failed", cause(trace, requests.get((cls_path.rsplit(".", 1)[-1], method), [])),
                                details_of(trace))
    out = []
    for tid in selected:
        if tid in done:
            out.append(done[tid])
            continue
        cls_path, _ = class_and_method(tid)
        fixture = class_fixture.get(cls_path)
        if fixture and fixture[2] == "setUpClass":
            reason = fixture[1] if fixture[0] == "skipped" else f"setUpClass: {fixture[1]}"
            out.append(Outcome(tid, fixture[0], reason, fixture[3]))
        else:
            out.append(Outcome(tid, "failed", "did not run (no result in the stream)"))
    return out


def summarise(outs):
    """{service: {run, passed, failed, skipped, pass_rate, causes: [(cause, count, examples)]}}."""
    per = collections.OrderedDict()
    for name, _ in SERVICES + [("other", "")]:
        mine = [o for o in outs if service_of(o.test_id) == name]
        if not mine:
            continue
        counts = collections.Counter(o.verdict for o in mine)
        clusters = collections.defaultdict(list)
        details = {}
        skips = collections.Counter()
        for o in mine:
            if o.verdict == "failed":
                clusters[o.cause].append(o.test_id)
                details.setdefault(o.cause, o.details)
            elif o.verdict == "skipped":
                skips[o.cause or "skipped"] += 1
        run = len(mine)
        executed = run - counts["skipped"]
        per[name] = {
            "run": run,
            "passed": counts["passed"],
            "failed": counts["failed"],
            "skipped": counts["skipped"],
            # Of the tests that were not skipped, the share that passed.
            "pass_rate": round(100.0 * counts["passed"] / executed, 1) if executed else 0.0,
            "causes": sorted(
                ({"cause": c, "count": len(ts), "details": details.get(c), "examples": sorted(ts)[:3]}
                 for c, ts in clusters.items()),
                key=lambda c: (-c["count"], c["cause"])),
            "skip_reasons": [{"reason": r, "count": n} for r, n in sorted(skips.items(), key=lambda x: (-x[1], x[0]))],
        }
    return per
