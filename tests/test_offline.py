"""A whole `make all` with every non-loopback connection refused at the socket level.

A ``sitecustomize.py`` on PYTHONPATH (imported by every Python process the run starts: make's
stages, the notebook's kernel, any worker) replaces ``socket.socket.connect``/``connect_ex`` and
``socket.getaddrinfo``: a connection to anything but loopback or a Unix socket, or a name lookup
of another host, is appended to a log and refused. The data is a local source, so nothing has a
reason to connect: the log must stay empty (the profiler's usage analytics included). A first
check proves the trap works, so an empty log means something.
"""

import json
import subprocess

from conftest import PYTHON, make, project_env, render

SITE = r"""
import ipaddress, json, os, socket

_LOG = os.environ["NETWORK_LOG"]
_LOCAL_NAMES = {None, "", "localhost", "ip6-localhost", socket.gethostname()}


def _record(kind, target):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps({"pid": os.getpid(), "kind": kind, "target": repr(target)}) + "\n")


def _loopback(host):
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
        _record("connect", address)
        raise OSError(101, "Network is unreachable (refused by the offline test)")


_connect, _connect_ex, _getaddrinfo = (
    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo
)


def connect(self, address):
    _check(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if not _loopback(name):
        _record("lookup", name)
        raise socket.gaierror(socket.EAI_NONAME, "lookup refused by the offline test")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = (
    connect, connect_ex, getaddrinfo
)
"""


def _offline_env(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE)
    log = tmp_path / "network.log"
    log.touch()
    return {"PYTHONPATH": str(site), "NETWORK_LOG": str(log)}, log


def _attempts(log):
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_the_trap_catches_a_connection_and_telemetry(tmp_path):
    env, log = _offline_env(tmp_path)
    probe = (
        "import urllib.request\n"
        "try:\n    urllib.request.urlopen('http://example.com', timeout=5)\n"
        "except OSError as exc:\n    print('refused', exc)\n"
        "import socket; s = socket.socket(); s.settimeout(1)\n"
        "try:\n    s.connect(('93.184.216.34', 80))\n"
        "except OSError as exc:\n    print('refused', exc)\n"
    )
    result = subprocess.run(
        [PYTHON, "-c", probe], env=project_env(**env), capture_output=True, text=True, timeout=60
    )
    refused = [line for line in result.stdout.splitlines() if line.startswith("refused ")]
    assert len(refused) == 2, result.stdout + result.stderr
    assert [a["kind"] for a in _attempts(log)] == ["lookup", "connect"]


def test_the_trap_sees_the_profilers_telemetry_unless_switched_off(tmp_path):
    """Without the CLI's switch the profiler looks up its vendor's host: the trap sees it."""
    env, log = _offline_env(tmp_path)
    build = (
        "import pandas as pd\n"
        "from data_profiling import ProfileReport\n"
        "ProfileReport(pd.DataFrame({'a': [1, 2, 3]}), minimal=True, progress_bar=False).to_html()"
    )
    environment = project_env(**env)
    environment.pop("YDATA_PROFILING_NO_ANALYTICS", None)
    subprocess.run([PYTHON, "-c", build], env=environment, capture_output=True, timeout=300)
    assert _attempts(log), "the profiler made no attempt: the trap proves nothing"


def test_make_all_makes_no_connection(tmp_path):
    from kaggle_fixtures import build_competition

    data = build_competition("binary", tmp_path / "source")
    project = render(tmp_path, data_source="local", dataset=str(data), project_name="Offline")
    env, log = _offline_env(tmp_path)
    result = make(project, "all", **env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert (project / "reports/profile.html").is_file() and (project / "reports/eda.html").is_file()
    assert "results:start" in (project / "README.md").read_text()
    assert _attempts(log) == []
