"""The network trap the whole journey runs under (tests/test_journey.py), and proof it works.

``offline_site/sitecustomize.py`` on PYTHONPATH (imported by every Python process the run
starts: make's stages, the notebook's kernel, any worker) replaces ``socket.socket.connect``,
``connect_ex`` and ``socket.getaddrinfo``: a connection to anything but loopback or a Unix
socket, or a name lookup of another host, is appended to a log and refused. The journey's data
is a local source, so nothing has a reason to connect: its log must stay empty (the profiler's
usage analytics included). The tests here prove the trap works, so an empty log means something.
"""

import json
import subprocess
from pathlib import Path

from conftest import PYTHON, project_env

SITE = Path(__file__).parent / "offline_site"  # its sitecustomize.py is the trap


def offline_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """The environment that runs a command under the trap, and the log the trap writes."""
    log = tmp_path / "network.log"
    log.touch()
    return {"PYTHONPATH": str(SITE), "NETWORK_LOG": str(log)}, log


def attempts(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_the_trap_catches_a_connection_and_telemetry(tmp_path):
    env, log = offline_env(tmp_path)
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
    assert [a["kind"] for a in attempts(log)] == ["lookup", "connect"]


def test_the_trap_sees_the_profilers_telemetry_unless_switched_off(tmp_path):
    """Without the CLI's switch the profiler looks up its vendor's host: the trap sees it."""
    env, log = offline_env(tmp_path)
    build = (
        "import pandas as pd\n"
        "from data_profiling import ProfileReport\n"
        "ProfileReport(pd.DataFrame({'a': [1, 2, 3]}), minimal=True, progress_bar=False).to_html()"
    )
    environment = project_env(**env)
    environment.pop("YDATA_PROFILING_NO_ANALYTICS", None)
    subprocess.run([PYTHON, "-c", build], env=environment, capture_output=True, timeout=300)
    assert attempts(log), "the profiler made no attempt: the trap proves nothing"
