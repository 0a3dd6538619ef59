"""Voilà serves tutorial 07 as an app with the gograd kernel (issue 15).

Voilà (pinned in tests/requirements.txt) executes the notebook in a gograd
kernel on the server, sends the page with the outputs (widget views among
them), and the page's widget manager then talks to that kernel over the
server's websocket. This test plays the page's side: it fetches the page,
then on the kernel's websocket asks for every widget's state
(jupyter.widget.control, request_states, as the widget manager does) and
moves the tangent slider, and checks that the kernel echoes the value and
replaces the figure in the Output widget. Everything is on the loopback
interface; it takes about 10 s.
"""

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import pytest

from conftest import ROOT, need
from test_jupyter_client import jupyter_path  # noqa: F401  (fixture)

NOTEBOOK = ROOT / "notebooks" / "07-teaching-derivatives.ipynb"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def voila(jupyter_path):  # noqa: F811
    try:
        import voila as _  # noqa: F401
        import tornado.websocket  # noqa: F401
    except ImportError as e:
        need(False, f"Python package {e.name} (see tests/requirements.txt)")
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="gograd-voila-")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=os.path.join(tmp, "runtime"),
               JUPYTER_CONFIG_DIR=os.path.join(tmp, "config"), JUPYTER_DATA_DIR=os.path.join(tmp, "data"))
    log = open(os.path.join(tmp, "voila.log"), "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", str(NOTEBOOK)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, open(log.name).read()
                time.sleep(0.2)
        yield base, log.name
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class Channels:
    """The kernel's websocket on the Jupyter server (JSON messages)."""

    def __init__(self, ws):
        self.ws = ws

    async def send(self, msg_type, content):
        msg_id = uuid.uuid4().hex
        await self.ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "username": "test", "session": "voila-test",
                       "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": content, "buffers": [], "channel": "shell"}))
        return msg_id

    async def until_idle(self, msg_id, timeout=60):
        out = []
        deadline = time.time() + timeout
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), max(0.1, deadline - time.time()))
            assert raw is not None, "the websocket closed"
            m = json.loads(raw)
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return out
            out.append(m)


def test_voila_serves_tutorial_07(voila):
    base, log = voila
    with urllib.request.urlopen(base + "/", timeout=120) as r:
        page = r.read().decode()
    # The notebook ran in a gograd kernel: its three Interacts and the Play
    # animation are widget views, and no cell failed.
    views = re.findall(r'widget-view\+json": \{"model_id": "([0-9a-f]+)"', page)
    assert len(views) >= 3, open(log).read()[-2000:]
    assert '"ename"' not in page and "Traceback" not in page
    kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', page).group(1)

    async def play():
        from tornado.websocket import websocket_connect

        ws = await websocket_connect(base.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels")
        ch = Channels(ws)
        # As the widget manager does: every model's state at once.
        ctl = uuid.uuid4().hex
        await ch.until_idle(await ch.send("comm_open", {"comm_id": ctl, "target_name": "jupyter.widget.control", "data": {}}))
        got = await ch.until_idle(await ch.send("comm_msg", {"comm_id": ctl, "data": {"method": "request_states"}}))
        states = [m for m in got if m["msg_type"] == "comm_msg"][0]["content"]["data"]["states"]
        assert set(views) <= set(states), (views, list(states))
        slider = [mid for mid, s in states.items()
                  if s["model_name"] == "FloatSliderModel" and s["state"]["description"] == "a"][0]
        box = [mid for mid in views if "IPY_MODEL_" + slider in states[mid]["state"].get("children", [])][0]
        out = states[box]["state"]["children"][-1].removeprefix("IPY_MODEL_")
        assert states[out]["model_name"] == "OutputModel"

        # Move the slider: the value is echoed and the figure replaced.
        got = await ch.until_idle(await ch.send("comm_msg", {"comm_id": slider, "data": {
            "method": "update", "state": {"value": 2.75}, "buffer_paths": []}}))
        ws.close()
        return slider, out, got

    slider, out, got = asyncio.run(play())
    echo = [m for m in got if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == slider]
    assert echo and echo[0]["content"]["data"] == {"method": "echo_update", "state": {"value": 2.75}, "buffer_paths": []}
    outs = [m["content"]["data"]["state"]["outputs"] for m in got
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == out and "outputs" in m["content"]["data"].get("state", {})]
    assert outs, [m["msg_type"] for m in got]
    figure = [o for o in outs[-1] if o["output_type"] == "display_data" and "image/png" in o["data"]]
    assert figure and "tangent at a = 2.75" in figure[0]["data"]["text/plain"] + json.dumps(figure[0]["data"].get("image/svg+xml", "")), outs[-1]
