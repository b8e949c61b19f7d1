"""Run a command in a network namespace of its own: loopback up and a veth pair on 10.213.7.1/.2.

aioice (aiortc's ICE) gathers no loopback candidates, so WebRTC needs an interface with an
address; the namespace gives it one that reaches nothing outside the test.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

_SETUP = ("ip link set lo up && ip link add igv0 type veth peer name igv1 && "
          "ip addr add 10.213.7.1/24 dev igv0 && ip addr add 10.213.7.2/24 dev igv1 && "
          "ip link set igv0 up && ip link set igv1 up")


def require_netns() -> None:
    """Skip (with the reason) where a namespace cannot be made: no unshare, no ip, not root."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("needs unshare and ip (util-linux, iproute2) for a private network namespace")
    probe = subprocess.run(["unshare", "-n", "sh", "-c", _SETUP], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot create a network namespace here (needs root): {probe.stderr.strip()[:200]}")


def run_in_netns(argv: list[str], timeout: float, cwd: str | None = None) -> subprocess.CompletedProcess:
    script = _SETUP + ' && exec "$@"'
    return subprocess.run(["unshare", "-n", "sh", "-c", script, "netns", *argv], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)
