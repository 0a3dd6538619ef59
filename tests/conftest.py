"""Shared fixtures for the Python tests that drive gograd from outside.

Outside CI a test whose tool is missing skips with a message naming it;
with CI=true it fails instead.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need(condition, tool):
    """Skip (or, under CI, fail) unless condition holds; tool names what is missing."""
    if condition:
        return
    msg = f"{tool} is not available"
    if IN_CI:
        pytest.fail(msg + " (required when CI=true)")
    pytest.skip(msg)


@pytest.fixture(scope="session")
def gograd_bin(tmp_path_factory):
    """Path of a gograd executable: $GOGRAD_BIN, else built with go build."""
    env_bin = os.environ.get("GOGRAD_BIN")
    if env_bin:
        need(Path(env_bin).is_file(), f"GOGRAD_BIN={env_bin}")
        return Path(env_bin)
    need(shutil.which("go") is not None, "the go command")
    out = tmp_path_factory.mktemp("bin") / "gograd"
    subprocess.run(["go", "build", "-o", str(out), "./kernel/cmd/gograd"], cwd=ROOT, check=True)
    return out


@pytest.fixture(scope="session")
def python_has_jupyter():
    """Fail or skip unless jupyter_client, nbclient and nbformat import."""
    missing = []
    for mod in ("jupyter_client", "nbclient", "nbformat"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    need(not missing, "Python packages " + ", ".join(missing) + f" (for {sys.executable}; see tests/requirements.txt)")
