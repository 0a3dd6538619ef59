"""The gograd kernel driven by jupyter_client (libzmq), as JupyterLab drives it.

Covers what the conformance suite does not: standard input, interrupts through
the KernelManager (kernelspec interrupt_mode "message"), the heartbeat, two
clients on one kernel, restart and shutdown.
"""

import os
import shutil
import subprocess
import tempfile
import time

import pytest

from conftest import ROOT, need


@pytest.fixture(scope="module")
def jupyter_path():
    need(shutil.which("go") is not None, "the go command")
    try:
        import jupyter_client  # noqa: F401
        import zmq  # noqa: F401
    except ImportError as e:
        need(False, f"Python package {e.name} (see tests/requirements.txt)")
    prefix = tempfile.mkdtemp(prefix="gograd-jc-")
    subprocess.run(["go", "run", "./install", "--prefix", prefix], cwd=ROOT, check=True, capture_output=True)
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter") + os.pathsep + (old or "")
    yield
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old
    shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture
def kernel(jupyter_path):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="gograd")
    yield km, kc
    kc.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=False)


def outputs_until_idle(kc, msg_id, timeout=10):
    out = []
    while True:
        m = kc.get_iopub_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return out
        out.append(m)


def test_stdin_scanln(kernel):
    km, kc = kernel
    code = 'var name string\nfmt.Print("name? ")\nfmt.Scanln(&name)\nfmt.Println("hello", name)'
    msg_id = kc.execute(code, allow_stdin=True)
    req = kc.get_stdin_msg(timeout=10)
    assert req["msg_type"] == "input_request"
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("Ada")
    reply = kc.get_shell_msg(timeout=10)
    assert reply["content"]["status"] == "ok"
    text = "".join(m["content"]["text"] for m in outputs_until_idle(kc, msg_id) if m["msg_type"] == "stream")
    assert "hello Ada" in text


def test_stdin_not_allowed(kernel):
    km, kc = kernel
    # Reading stdin fails at once instead of waiting for input nobody can give.
    msg_id = kc.execute('var s string\n_, err := fmt.Scanln(&s)\nerr != nil', allow_stdin=False)
    reply = kc.get_shell_msg(timeout=10)
    assert reply["content"]["status"] == "ok", reply["content"]
    results = [m for m in outputs_until_idle(kc, msg_id) if m["msg_type"] == "execute_result"]
    assert results and results[0]["content"]["data"]["text/plain"] == "true"


def test_interrupt_through_kernel_manager(kernel):
    km, kc = kernel
    msg_id = kc.execute('fmt.Println("spinning")\nfor {}')
    while True:  # wait until the loop runs
        m = kc.get_iopub_msg(timeout=10)
        if m["msg_type"] == "stream" and m["parent_header"].get("msg_id") == msg_id:
            break
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=10)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    assert km.is_alive()
    assert kc.execute_interactive("40 + 2", timeout=10)["content"]["status"] == "ok"


def test_heartbeat_and_second_client(kernel):
    km, kc = kernel
    time.sleep(1.5)
    assert kc.hb_channel.is_beating()
    kc.execute_interactive("shared := 7", timeout=10)
    kc2 = km.client()
    kc2.start_channels()
    try:
        kc2.wait_for_ready(timeout=10)
        msg_id = kc2.execute("shared * 6")
        reply = kc2.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == msg_id
        results = [m for m in outputs_until_idle(kc2, msg_id) if m["msg_type"] == "execute_result"]
        assert results and results[0]["content"]["data"]["text/plain"] == "42"
    finally:
        kc2.stop_channels()


def test_restart_and_shutdown(kernel):
    km, kc = kernel
    kc.execute_interactive("before := 1", timeout=10)
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    reply = kc.execute_interactive("before", timeout=10)
    assert reply["content"]["status"] == "error"  # a fresh process: the variable is gone
    assert kc.execute_interactive("after := 2\nafter", timeout=10)["content"]["status"] == "ok"
    t0 = time.time()
    km.shutdown_kernel(now=False)
    assert not km.is_alive()
    assert time.time() - t0 < 5


def test_no_kernel_log_in_nbconvert_output(jupyter_path, tmp_path):
    """The kernel's own log stays out of a front end's output (issue 14):
    nbconvert shows the kernel's standard error, which is quiet unless
    something is wrong."""
    import sys

    import nbformat

    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "gograd", "display_name": "Go (gograd)", "language": "go"}})
    nb.cells = [nbformat.v4.new_code_cell('fmt.Println("hi")'), nbformat.v4.new_code_cell("x := ad.Scalar(2)\nad.Mul(x, x)")]
    src = tmp_path / "quiet.ipynb"
    nbformat.write(nb, src)
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    need(os.path.exists(jupyter + "-nbconvert"), "jupyter nbconvert")
    res = subprocess.run([jupyter, "nbconvert", "--to", "notebook", "--execute", str(src), "--output", str(tmp_path / "out.ipynb")],
                         capture_output=True, text=True, timeout=120, env=os.environ)
    assert res.returncode == 0, res.stderr
    kernel_lines = [line for line in (res.stdout + res.stderr).splitlines() if "level=" in line or "gograd kernel" in line]
    assert not kernel_lines, "the kernel's log reached nbconvert's output:\n" + "\n".join(kernel_lines)
