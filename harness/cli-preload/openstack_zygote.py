"""The real `openstack` CLI, imported once and forked per command.

Starting python-openstackclient costs about 0.9 s of CPU, most of it importing the client, its
plugins and openstacksdk. The incident library starts it hundreds of times, so on two cores that
start-up, not the scenarios, sets the library's wall time. This server imports the pinned,
unmodified CLI once, then forks for each command: the child takes the caller's stdin, stdout and
stderr (passed as file descriptors), argv, environment and working directory, calls the same
console-script entry point `openstack` calls, and reports the exit status.

Protocol, over a Unix stream socket (the client is `bin/openstack` beside this file):
- the client sends 4 bytes (big-endian length N) with its fds 0, 1 and 2 attached (SCM_RIGHTS),
  then N bytes of JSON: {"argv": [...], "env": {...}, "cwd": "...", "umask": 18};
- the server answers b"X" when the command must run in a fresh interpreter instead (the client
  then execs the real CLI), or, once the command is done, b"R" and its exit status (4 bytes).

What a fresh start does that this must redo, in the child:
- the interpreter's own settings (PYTHON* variables, the locale) are fixed at start-up, so a
  command whose environment differs there from this server's gets b"X";
- the time module reads TZ at import, so the child calls tzset after taking the environment;
- cliff names the program from argv[0] at import time, so the imports happen with the console
  script's path as argv[0];
- `openstack.config.loader` reads the working directory and home at import time (where clouds.yaml
  is looked for), so the child reloads it after taking the caller's cwd and environment;
- stevedore keeps the entry-point scan in memory; packages do not change during a run.

The server exits when its stdin reaches end of file, i.e. when the harness that started it goes.
"""

import array
import atexit
import gc
import importlib
import importlib.metadata
import io
import json
import os
import selectors
import signal
import socket
import struct
import sys
import threading
import time
import traceback

# Entry-point groups whose modules the CLI may load for a command: the command plugins and the
# keystoneauth plugins it lists for its options.
PRELOAD_GROUPS = ("openstack.", "keystoneauth1.plugin", "cliff.formatter.")
# Variables the interpreter reads only when it starts.
STARTUP_VARIABLES = ("PYTHON", "LANG", "LC_")
HEADER = struct.Struct(">I")
STATUS = struct.Struct(">i")
MAX_REQUEST = 8 << 20


def console_entry():
    """The function the `openstack` console script calls (openstackclient.shell:main)."""
    eps = importlib.metadata.entry_points(group="console_scripts", name="openstack")
    for ep in eps:
        return ep.load()
    raise SystemExit("the openstack console script is not installed in this interpreter")


def preload():
    entry = console_entry()
    seen = set()
    eps = (ep for dist in importlib.metadata.distributions() for ep in dist.entry_points)
    for ep in eps:
        if ep.group.startswith(PRELOAD_GROUPS) and ep.module not in seen:
            seen.add(ep.module)
            try:
                importlib.import_module(ep.module)
            except Exception:  # a plugin that cannot import fails the same way in the child
                pass
    # Warm stevedore's entry-point cache (held in memory per sys.path).
    try:
        from stevedore import _cache

        _cache.get_group_all("openstack.cli")
    except Exception:
        pass
    return entry


def startup_settings(env):
    return {k: v for k, v in env.items() if k.startswith(STARTUP_VARIABLES)}


def receive_request(conn):
    conn.settimeout(10)
    fds = array.array("i")
    header, ancdata, _flags, _addr = conn.recvmsg(HEADER.size, socket.CMSG_SPACE(3 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    if len(header) != HEADER.size or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("a request carries a length and exactly three file descriptors")
    try:
        (length,) = HEADER.unpack(header)
        if length > MAX_REQUEST:
            raise ValueError("request too large")
        body = bytearray()
        while len(body) < length:
            chunk = conn.recv(length - len(body))
            if not chunk:
                raise ValueError("the client went away mid-request")
            body += chunk
        conn.settimeout(None)
        return list(fds), json.loads(body)
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


# The parent's stdio objects stay referenced so that dropping them never closes fds 0-2 in a child.
_parent_stdio = []


def take_stdio(fds):
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    _parent_stdio.extend([sys.stdin, sys.stdout, sys.stderr])
    sys.stdin = sys.__stdin__ = fresh_stdio(0, sys.stdin, "<stdin>")
    sys.stdout = sys.__stdout__ = fresh_stdio(1, sys.stdout, "<stdout>")
    sys.stderr = sys.__stderr__ = fresh_stdio(2, sys.stderr, "<stderr>")


def fresh_stdio(fd, like, name):
    """A standard stream built as the interpreter builds it at start-up (CPython's create_stdio),
    with this server's encoding and errors (its start-up settings equal the caller's)."""
    # -u or PYTHONUNBUFFERED left this server's own stdout without a buffer (there is no flag).
    buffered = not isinstance(_parent_stdio[1].buffer, io.RawIOBase)
    writing = fd != 0
    buf = io.open(fd, "wb" if writing else "rb", buffering=-1 if buffered or not writing else 0, closefd=False)
    raw = buf.raw if hasattr(buf, "raw") else buf
    raw.name = name
    text = io.TextIOWrapper(
        buf,
        encoding=like.encoding,
        errors=like.errors,
        newline="\n",
        line_buffering=buffered and (raw.isatty() or fd == 2),
        write_through=not buffered,
    )
    text.mode = "w" if writing else "r"
    return text


def shut_down(status):
    """What interpreter shutdown does after the program: atexit callbacks, then the standard
    streams flushed; a failed flush is reported and makes the status 120."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception as e:
            try:
                print(f"Exception ignored in: {stream!r}", file=sys.stderr)
                print("".join(traceback.format_exception_only(type(e), e)), end="", file=sys.stderr)
                sys.stderr.flush()
            except Exception:
                pass
            status = 120
    return status


def exit_status(code):
    """What `sys.exit(code)` makes the process's exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def watch_client(conn):
    """The command dies with its client, as a command run in the client's process would."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    os._exit(143)


def run_command(conn, fds, request, entry):
    """In the forked child: become the command, run it, report, exit."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    take_stdio(fds)
    os.chdir(request["cwd"])
    os.umask(request["umask"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()  # the time module read TZ when this server imported it
    sys.argv = list(request["argv"])
    loader = sys.modules.get("openstack.config.loader")
    if loader is not None:
        importlib.reload(loader)
    threading.Thread(target=watch_client, args=(conn,), daemon=True).start()
    try:
        status = exit_status(entry())
    except SystemExit as e:
        status = exit_status(e.code)
    except BaseException:
        sys.excepthook(*sys.exc_info())
        status = 1
    status = shut_down(status)
    try:
        conn.sendall(b"R" + STATUS.pack(status))
    finally:
        os._exit(status)


def serve(socket_path, real_script):
    # Modules read argv[0] at import time (cliff's App.NAME): import them as the script would,
    # with the script's directory first on sys.path, not this file's.
    sys.argv = [real_script]
    sys.path[0] = os.path.dirname(os.path.abspath(real_script))
    entry = preload()
    own_settings = startup_settings(os.environ)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    # A fork copies only the thread that calls it: an import that started a thread would leave
    # every command with a half-copied one.
    if threading.active_count() != 1:
        print(f"openstack_zygote: importing the CLI started threads: {threading.enumerate()}", file=sys.stderr, flush=True)
    # What is imported now lives as long as the server: leave it out of every child's collections,
    # so that they do not write to (and copy) the shared pages.
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # Only this user may hand the server a command (connecting needs write access to the socket).
    umask = os.umask(0o177)
    try:
        listener.bind(socket_path)
    finally:
        os.umask(umask)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    print("ready", flush=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nobody reads the ready pipe after this line
    os.close(devnull)
    while True:
        for key, _ in selector.select():
            if key.fileobj is sys.stdin:
                if not os.read(0, 4096):
                    os.unlink(socket_path)
                    return
                continue
            conn, _ = listener.accept()
            fds = []
            try:
                fds, request = receive_request(conn)
                if not valid_request(request):
                    raise ValueError("a request needs argv (a list of strings), env (strings) and cwd")
                if startup_settings(request["env"]) != own_settings:
                    conn.sendall(b"X")
                    continue
                request["argv"] = [real_script, *request["argv"][1:]]
                sys.stdout.flush()
                sys.stderr.flush()
                if os.fork() == 0:
                    try:
                        selector.close()
                        listener.close()
                        run_command(conn, fds, request, entry)
                    finally:
                        os._exit(1)
            except (OSError, ValueError) as e:
                # One bad or vanished client never takes the server down; its command did not run.
                print(f"openstack_zygote: refused a request: {e}", file=sys.stderr, flush=True)
            finally:
                for fd in fds:
                    os.close(fd)
                conn.close()


def valid_request(request):
    return (
        isinstance(request, dict)
        and isinstance(request.get("argv"), list)
        and all(isinstance(a, str) for a in request["argv"])
        and isinstance(request.get("env"), dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in request["env"].items())
        and isinstance(request.get("cwd"), str)
        and isinstance(request.get("umask"), int)
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: openstack_zygote.py SOCKET REAL_OPENSTACK_SCRIPT")
    serve(sys.argv[1], sys.argv[2])
