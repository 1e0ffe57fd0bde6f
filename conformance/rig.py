"""The conformance rig behind conformance/run: start fakecloud, write tempest.conf from it, run the
chosen Tempest suites, report per service, and check or update the committed pass lists.

Run it through conformance/run, which installs the pinned Tempest first.
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import results  # noqa: E402
import tempest_conf  # noqa: E402

# The suites, and the regex each runs. The fast set (what `--check` holds to the pass lists) is all
# but the load-balancer plugin, whose runs build a load balancer per test and take far longer.
SUITES = {
    "identity": r"^tempest\.api\.identity\.",
    "network": r"^tempest\.api\.network\.",
    "image": r"^tempest\.api\.image\.",
    "volume": r"^tempest\.api\.volume\.",
    "compute": r"^tempest\.api\.compute\.",
    "load-balancer": r"^octavia_tempest_plugin\.tests\.api\.",
}
FAST = ["identity", "network", "image", "volume", "compute"]

# One simulated second lasts this many real seconds: a server boots in about half a second and an
# amphora in a few, while a token (an hour of simulated time) lasts three real minutes, more than
# the minute before expiry at which Tempest logs in again (docs/conformance.md, "Time").
DEFAULT_CLOCK = "scaled:0.05"


def parse_args():
    p = argparse.ArgumentParser(prog="conformance/run", description="Tempest against fakecloud, per service.")
    p.add_argument("--root", required=True, help=argparse.SUPPRESS)
    p.add_argument("--suite", help="comma-separated: " + ",".join(SUITES) + " (default: the fast set)")
    p.add_argument("--long", action="store_true", help="every suite, the load-balancer plugin too")
    p.add_argument("--check", action="store_true",
                   help="exit 1 if a test listed in conformance/passing/ no longer passes")
    p.add_argument("--update", action="store_true", help="rewrite conformance/passing/ from this run")
    p.add_argument("--fixed-accounts", action="store_true",
                   help="use the fixture's users (Tempest's pre-provisioned accounts, concurrency 1) "
                        "instead of dynamic credentials")
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--clock", default=DEFAULT_CLOCK, help=f"fakecloud's --clock (default {DEFAULT_CLOCK})")
    p.add_argument("--regex", help="run only the selected tests that also match this regex")
    p.add_argument("--fakecloud", help="a fakecloud binary to use instead of building one")
    p.add_argument("--out", help="report directory (default reports/conformance)")
    return p.parse_args()


def say(*a):
    print("conformance:", *a, flush=True)


def build_fakecloud(root, given):
    if given:
        return pathlib.Path(given).resolve()
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR") or root / "target")
    if not target.is_absolute():
        target = root / target
    say("building fakecloud")
    # The selection of ci/install's and ci/test's build: cargo unifies features over the selected
    # packages and targets (the tests' dev-dependencies change the proc macros' features), so
    # `-p fakecloud --bin fakecloud` would build most crates again.
    subprocess.run(["cargo", "build", "--locked", "--workspace", "--all-targets"], cwd=root, check=True)
    return target / "debug" / "fakecloud"


class Fakecloud:
    """fakecloud serving the embedded default fixture on a free port, for the run."""

    def __init__(self, binary, clock, log_path):
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen([str(binary), "serve", "--listen", "127.0.0.1:0", "--clock", clock],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")})
        deadline = time.time() + 60
        line = ""
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line and self.proc.poll() is not None:
                break
            m = re.search(r"auth_url=(http://[^/\s]+)", line)
            if m:
                self.url = m.group(1)
                return
        self.stop()
        raise SystemExit(f"conformance: fakecloud did not start (see {log_path}): {line.strip()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def selected_regex(suites):
    """The stestr regex of the chosen suites."""
    return "|".join(f"(?:{SUITES[s]})" for s in suites)


def make_workspace(venv_bin, workspace):
    """What `tempest init` lays out, without registering it in ~/.tempest: etc/ and .stestr.conf."""
    (workspace / "etc").mkdir(parents=True)
    site = subprocess.run([str(venv_bin / "python"), "-c", "import os, tempest; print(os.path.dirname(tempest.__file__))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (workspace / ".stestr.conf").write_text(
        f"[DEFAULT]\ntest_path={site}/test_discover\ntop_dir={site}\ngroup_regex=([^\\.]*\\.)*\n")
    subprocess.run([str(venv_bin / "stestr"), "init"], cwd=workspace, check=True, capture_output=True)


def stestr(venv_bin, workspace, *args, log=None, check=False):
    """stestr in the workspace, with Tempest reading the workspace's etc/tempest.conf."""
    env = {**os.environ, "TEMPEST_CONFIG_DIR": str(workspace / "etc"), "TEMPEST_CONFIG": "tempest.conf",
           "OS_TEST_TIMEOUT": os.environ.get("OS_TEST_TIMEOUT", "300")}
    cmd = [str(venv_bin / "stestr"), *args]
    if log is None:
        return subprocess.run(cmd, cwd=workspace, env=env, check=check, capture_output=True)
    return subprocess.run(cmd, cwd=workspace, env=env, stdout=log, stderr=subprocess.STDOUT)


def list_tests(venv_bin, workspace, regex, extra):
    """The test ids stestr selects with `regex`, narrowed by the user's `extra` regex."""
    out = stestr(venv_bin, workspace, "list", regex, check=True).stdout.decode()
    tests = [t.strip() for t in out.splitlines() if t.strip() and not t.startswith(("running=", "{"))]
    tests = [t for t in tests if re.match(r"^[\w.]+(\[.*\])?$", t)]
    if extra:
        tests = [t for t in tests if re.search(extra, t)]
    return tests


def passing_file(root, suite):
    return root / "conformance" / "passing" / f"{suite}.txt"


CREDENTIALS_LINE = re.compile(r"^# credentials: (dynamic|fixed-accounts)$")


def read_list(path):
    """(test ids, the credentials mode the list was made with) of a pass list."""
    if not path.exists():
        return set(), None
    lines = path.read_text().splitlines()
    mode = next((m.group(1) for m in map(CREDENTIALS_LINE.match, lines) if m), None)
    return {l.strip() for l in lines if l.strip() and not l.startswith("#")}, mode


def write_list(path, ids, suite, mode):
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (f"# Tempest tests of the {suite} suite that pass against fakecloud (conformance/run --update).\n"
              f"# conformance/run --check fails when one of them no longer passes; it runs with the\n"
              f"# credentials the list was made with:\n"
              f"# credentials: {mode}\n")
    path.write_text(header + "".join(f"{t}\n" for t in sorted(ids)))


def listed_mode(root):
    """The credentials mode the pass lists were made with (they must agree), or None."""
    modes = {read_list(passing_file(root, s))[1] for s in FAST} - {None}
    if len(modes) > 1:
        raise SystemExit(f"conformance: the pass lists were made with different credentials ({', '.join(sorted(modes))}); "
                         "rewrite them with one conformance/run --update")
    return modes.pop() if modes else None


def suite_of(test_id):
    service = results.service_of(test_id)
    return service if service in SUITES else None


def print_report(summary, wall):
    say(f"results ({wall:.0f} s)")
    head = f"{'service':<14} {'run':>5} {'passed':>7} {'failed':>7} {'skipped':>8} {'pass rate':>10}"
    print(head)
    print("-" * len(head))
    total = {"run": 0, "passed": 0, "failed": 0, "skipped": 0}
    for name, s in summary.items():
        print(f"{name:<14} {s['run']:>5} {s['passed']:>7} {s['failed']:>7} {s['skipped']:>8} {s['pass_rate']:>9}%")
        for k in total:
            total[k] += s[k]
    executed = total["run"] - total["skipped"]
    rate = round(100.0 * total["passed"] / executed, 1) if executed else 0.0
    print(f"{'all':<14} {total['run']:>5} {total['passed']:>7} {total['failed']:>7} {total['skipped']:>8} {rate:>9}%")
    for name, s in summary.items():
        if not s["causes"]:
            continue
        print(f"\n{name}: failures by cause")
        for c in s["causes"]:
            print(f"  {c['count']:>4}  {c['cause']}")
            # The fault's own words, where they say more than the call does.
            d = c.get("details") or ""
            if d and not d.isdigit() and "could not be found" not in d and "HTTP response body is invalid" not in d:
                print(f"{'':8}{d[:110]}")


def main():
    args = parse_args()
    root = pathlib.Path(args.root)
    venv_bin = root / ".conformance" / "venv" / "bin"
    out = pathlib.Path(args.out) if args.out else root / "reports" / "conformance"
    suites = list(SUITES) if args.long and not args.suite else (args.suite.split(",") if args.suite else FAST)
    if args.check:
        suites, args.long = FAST, False
        # The lists are checked in the mode they were made in: fixed accounts while Keystone cannot
        # yet create Tempest's projects and users, dynamic credentials once it can.
        if listed_mode(root) == "fixed-accounts" and not args.fixed_accounts:
            say("the pass lists were made with --fixed-accounts: checking with the fixture's users")
            args.fixed_accounts = True
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise SystemExit(f"conformance: unknown suite(s) {','.join(unknown)}; known: {','.join(SUITES)}")
    concurrency = 1 if args.fixed_accounts else args.concurrency

    binary = build_fakecloud(root, args.fakecloud)
    workspace = out / "workspace"
    if workspace.exists():
        shutil.rmtree(workspace)
    out.mkdir(parents=True, exist_ok=True)
    make_workspace(venv_bin, workspace)

    cloud = Fakecloud(binary, args.clock, out / "fakecloud.log")
    started = time.time()
    try:
        say(f"fakecloud at {cloud.url} (clock {args.clock})")
        accounts = str(workspace / "etc" / "accounts.yaml") if args.fixed_accounts else None
        if accounts:
            pathlib.Path(accounts).write_text(tempest_conf.accounts_yaml())
        conf = tempest_conf.build(tempest_conf.Cloud(cloud.url), accounts, str(workspace / "tempest_lock"),
                                  str(workspace / "tempest.log"))
        conf_text = tempest_conf.render(conf)
        (workspace / "etc" / "tempest.conf").write_text(conf_text)
        (out / "tempest.conf").write_text(conf_text)

        regex = selected_regex(suites)
        selected = list_tests(venv_bin, workspace, regex, args.regex)
        say(f"{len(selected)} tests selected ({','.join(suites)}{', long' if args.long else ''}), "
            f"concurrency {concurrency}")
        (workspace / "selected.txt").write_text("".join(f"{t}\n" for t in selected))
        with open(out / "tempest-run.log", "w") as log:
            rc = stestr(venv_bin, workspace, "run", "--concurrency", str(concurrency),
                        "--load-list", str(workspace / "selected.txt"), log=log).returncode
    finally:
        cloud.stop()
    wall = time.time() - started

    stream = stestr(venv_bin, workspace, "last", "--subunit").stdout
    if not stream:
        raise SystemExit(f"conformance: tempest produced no results (exit {rc}); see {out / 'tempest-run.log'}")
    log_path = workspace / "tempest.log"
    requests = results.read_requests(log_path.read_text(errors="replace") if log_path.exists() else "")
    outs = results.outcomes(selected, results.read_subunit(stream), requests)
    summary = results.summarise(outs)
    print_report(summary, wall)

    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "suites": suites, "long": args.long, "clock": args.clock, "concurrency": concurrency,
        "credentials": "fixed accounts" if args.fixed_accounts else "dynamic", "wall_seconds": round(wall),
        "services": summary,
        "tests": {o.test_id: {"verdict": o.verdict, **({"cause": o.cause} if o.cause else {}),
                              **({"details": o.details} if o.details else {})} for o in outs},
    }
    (out / "summary.json").write_text(json.dumps(report, indent=1) + "\n")
    say(f"summary in {out / 'summary.json'}, tempest.conf and logs beside it")

    passed = {o.test_id for o in outs if o.verdict == "passed"}
    ran = set(selected)
    status = 0
    if args.check or args.update:
        kept = lost = 0
        mode = "fixed-accounts" if args.fixed_accounts else "dynamic"
        for suite in suites:
            listed, listed_as = read_list(passing_file(root, suite))
            in_run = {t for t in listed if t in ran}
            gone = sorted(in_run - passed)
            new = sorted({t for t in passed if suite_of(t) == suite} - listed)
            kept += len(in_run) - len(gone)
            lost += len(gone)
            for t in gone:
                say(f"{suite}: no longer passes: {t}")
            if new:
                say(f"{suite}: {len(new)} test(s) pass that the list does not name"
                    + ("" if args.update else " (conformance/run --update adds them)"))
            if args.update:
                # Tests this run did not select stay listed, unless the list was made in another mode.
                keep = {t for t in listed if t not in ran} if listed_as in (None, mode) else set()
                write_list(passing_file(root, suite), keep | {t for t in passed if suite_of(t) == suite}, suite, mode)
        if args.update:
            say("conformance/passing/ rewritten")
        else:
            # The plain closing line ci/test adds to its totals.
            print(f"conformance: {kept} passed, {lost} failed")
            status = 1 if lost else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
