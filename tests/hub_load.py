#!/usr/bin/env python3
"""Load test of a gograd class on JupyterHub: simulated students, end to end.

Starts the hub that deploy/install.sh installed (PREFIX/bin/gograd-hub, its
configuration and configurable-http-proxy) on loopback ports, with the
dummy authenticator and an admin service token, then for every simulated
student, all at once, as a browser would through the proxy:

  1. creates the user and a token for it (hub REST API, admin token);
  2. starts the student's server and waits until the hub says it is ready;
  3. opens a kernel (jupyter-server's kernels REST API) and its websocket
     channels, and times the first kernel_info_reply;
  4. gograd students run every code cell of tutorial 1 (the students' copy,
     PREFIX/share/gograd/notebooks/01-tanh.ipynb), in order;
  5. after a barrier, every student runs a burst of small cells (k*k+1,
     valid Go and Python), checking each result.

ipykernel students (--ipykernel-students) do the same except tutorial 1,
in the same run, as the reference. Then it measures the RSS of every
student's server and kernel and of the hub (hub, proxy, culler), the idle
CPU of every kernel over --idle-seconds, stops every other student's
server through the REST API (as the idle culler does), stops the hub
(which stops the rest) and prints a report. Every request is bounded
(count and --timeout); nothing leaves the loopback interface. Exit status
1 if any student failed anything or any server or kernel outlived its
stop.

  PREFIX/bin/python tests/hub_load.py --prefix /opt/gograd --students 30
"""

import argparse
import asyncio
import datetime
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

TEST_CONFIG = """
import os
load_subconfig({base!r})
c.JupyterHub.services.append({{"name": "hub-load", "api_token": os.environ["HUB_LOAD_TOKEN"]}})
c.JupyterHub.load_roles.append({{
    "name": "hub-load",
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
    "services": ["hub-load"],
}})
c.JupyterHub.concurrent_spawn_limit = {spawn_limit}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, p):
    """The p-th percentile (nearest rank) of values, None if empty."""
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100 * len(v) + 0.5)) - 1))
    return v[k]


class Failure(Exception):
    pass


class Student:
    def __init__(self, name, kind):
        self.name = name
        self.kind = kind  # "gograd" or "python3"
        self.token = None
        self.server_s = None
        self.kernel_info_s = None
        self.tutorial_s = []
        self.burst_s = []
        self.error = None
        self.stage = "created"
        self.server_pid = None
        self.kernel_pid = None
        self.server_rss = None
        self.kernel_rss = None
        self.kernel_cpu_s = None


class Kernel:
    """A kernel's websocket channels, as JupyterLab uses them (JSON frames)."""

    def __init__(self, ws, session):
        self.ws = ws
        self.session = session
        self.pending = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        while True:
            raw = await self.ws.read_message()
            if raw is None:
                for p in self.pending.values():
                    if not p["done"].done():
                        p["done"].set_exception(Failure("websocket closed"))
                return
            msg = json.loads(raw)
            pid = msg.get("parent_header", {}).get("msg_id")
            p = self.pending.get(pid)
            if p is None:
                continue
            t = msg["header"]["msg_type"]
            ch = msg.get("channel")
            if ch == "shell" and t.endswith("_reply"):
                p["reply"] = msg["content"]
            elif t == "status" and msg["content"].get("execution_state") == "idle":
                p["idle"] = True
            elif t == "stream":
                p["stream"].append(msg["content"]["text"])
            elif t == "execute_result":
                p["result"] = msg["content"]["data"].get("text/plain")
            elif t == "error":
                p["errors"].append(f'{msg["content"]["ename"]}: {msg["content"]["evalue"]}')
            if p["reply"] is not None and (p["idle"] or not p["wait_idle"]) and not p["done"].done():
                p["done"].set_result(None)

    async def request(self, msg_type, content, timeout, wait_idle=True):
        msg_id = uuid.uuid4().hex
        p = {"reply": None, "idle": False, "stream": [], "result": None, "errors": [],
             "wait_idle": wait_idle, "done": asyncio.get_running_loop().create_future()}
        self.pending[msg_id] = p
        msg = {
            "header": {"msg_id": msg_id, "username": "student", "session": self.session,
                       "msg_type": msg_type, "version": "5.3",
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat()},
            "parent_header": {}, "metadata": {}, "content": content,
            "channel": "shell", "buffers": [],
        }
        t0 = time.monotonic()
        await self.ws.write_message(json.dumps(msg))
        try:
            await asyncio.wait_for(p["done"], timeout)
        except asyncio.TimeoutError:
            raise Failure(f"{msg_type}: no reply within {timeout:.0f} s")
        finally:
            del self.pending[msg_id]
        return time.monotonic() - t0, p

    async def execute(self, code, timeout):
        dt, p = await self.request("execute_request", {
            "code": code, "silent": False, "store_history": True,
            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True,
        }, timeout)
        if p["reply"].get("status") != "ok" or p["errors"]:
            raise Failure(f"cell failed: {p['errors'] or p['reply']}\n--- cell ---\n{code}")
        return dt, p

    def close(self):
        self.reader.cancel()
        self.ws.close()


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.prefix = os.path.abspath(args.prefix)
        self.token = secrets.token_hex(32)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.http = AsyncHTTPClient(max_clients=1000)
        self.hub = None
        self.hub_api_url = None
        self.log_path = None
        self.kernel_pids = set()
        self.server_pids = set()
        self.barrier_count = 0
        self.barrier = None
        self.students = []

    # --- the hub -------------------------------------------------------------
    def start_hub(self, workdir):
        self.hub_api_url = f"http://127.0.0.1:{free_port()}"
        conf = os.path.join(workdir, "hub_load_config.py")
        with open(conf, "w") as f:
            f.write(TEST_CONFIG.format(
                base=os.path.join(self.prefix, "etc", "gograd-hub", "jupyterhub_config.py"),
                spawn_limit=max(100, 2 * len(self.students))))
        env = dict(os.environ)
        env.update({
            "HUB_LOAD_TOKEN": self.token,
            "GOGRAD_HUB_CONFIG": conf,
            "GOGRAD_HUB_AUTH": "dummy",
            "GOGRAD_HUB_SPAWNER": self.args.spawner,
            "GOGRAD_HUB_STATE": os.path.join(workdir, "state"),
            "GOGRAD_HUB_URL": self.base,
            "GOGRAD_HUB_API_URL": self.hub_api_url,
            "GOGRAD_HUB_PROXY_API_URL": f"http://127.0.0.1:{free_port()}",
        })
        if self.args.spawner == "simple":
            # The simple spawner runs the servers as this user, root in CI.
            env["GOGRAD_HUB_ALLOW_ROOT_SERVERS"] = "1"
        else:
            # System users for the students, made by the hub configuration
            # and deleted again by this test (see main).
            env["GOGRAD_HUB_CREATE_USERS"] = "1"
        if self.args.start_timeout:
            env["GOGRAD_HUB_START_TIMEOUT"] = str(int(self.args.start_timeout))
        for name, value in (("GOGRAD_KERNEL_GOMAXPROCS", self.args.gomaxprocs),
                            ("GOGRAD_KERNEL_GOMEMLIMIT", self.args.gomemlimit),
                            ("GOGRAD_KERNEL_GOGC", self.args.gogc)):
            if value is not None:
                env[name] = value
        self.log_path = os.path.join(workdir, "hub.log")
        self.hub_log = open(self.log_path, "w")
        self.hub = subprocess.Popen(
            [os.path.join(self.prefix, "bin", "gograd-hub")], env=env,
            stdout=self.hub_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)

    async def wait_hub(self, deadline):
        while time.monotonic() < deadline:
            if self.hub.poll() is not None:
                raise Failure(f"the hub exited with status {self.hub.returncode} (log: {self.log_path})")
            try:
                await self.api("GET", "/hub/api/")
                return
            except (HTTPClientError, OSError):
                await asyncio.sleep(0.5)
        raise Failure("the hub did not answer in time")

    def stop_hub(self):
        """Stops the hub (it stops the servers), then anything it left."""
        leftovers = self.our_servers()
        if self.hub and self.hub.poll() is None:
            self.hub.send_signal(signal.SIGTERM)
            try:
                self.hub.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.hub.pid, signal.SIGKILL)
                self.hub.wait(10)
        if self.hub:
            try:
                os.killpg(self.hub.pid, signal.SIGKILL)  # the proxy, the culler
            except ProcessLookupError:
                pass
        left = [p for p in leftovers if p.is_running()]
        for p in left:
            for q in [p] + p.children(recursive=True):
                try:
                    q.kill()
                except psutil.NoSuchProcess:
                    pass
        # Kernels whose server is gone are nobody's children any more: they
        # must notice and exit by themselves (10 s), or they count as left.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(self.alive(p) for p in self.kernel_pids):
            time.sleep(0.2)
        stray = [pid for pid in self.kernel_pids if self.alive(pid)]
        for pid in stray:
            try:
                psutil.Process(pid).kill()
            except psutil.NoSuchProcess:
                pass
        return len(left) + len(stray)

    def our_servers(self):
        """The single-user server processes of this hub, by user name."""
        out = []
        for p in psutil.process_iter(["cmdline"]):
            try:
                if not any("jupyterhub-singleuser" in a for a in (p.info["cmdline"] or [])):
                    continue
                e = p.environ()
                if self.hub_api_url and e.get("JUPYTERHUB_API_URL", "").startswith(self.hub_api_url):
                    out.append(p)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return out

    # --- REST ----------------------------------------------------------------
    async def api(self, method, path, body=None, token=None, timeout=None):
        req = HTTPRequest(
            self.base + path, method=method,
            headers={"Authorization": f"token {token or self.token}", "Content-Type": "application/json"},
            body=None if body is None and method in ("GET", "DELETE") else json.dumps(body or {}),
            request_timeout=timeout or self.args.timeout, connect_timeout=30)
        resp = await self.http.fetch(req)
        return json.loads(resp.body) if resp.body else None

    # --- one student ---------------------------------------------------------
    async def run_student(self, s, tutorial, deadline):
        kernel = None
        arrived = False
        try:
            s.stage = "token"
            tok = await self.api("POST", f"/hub/api/users/{s.name}/tokens",
                                 {"expires_in": 7200, "note": "hub_load"})
            s.token = tok["token"]
            s.stage = "server"
            t0 = time.monotonic()
            await self.api("POST", f"/hub/api/users/{s.name}/server")
            while True:
                u = await self.api("GET", f"/hub/api/users/{s.name}")
                srv = u.get("servers", {}).get("")
                if srv and srv.get("ready"):
                    break
                if not srv or (not srv.get("pending") and not srv.get("ready")):
                    raise Failure(f"server not running: {srv}")
                if time.monotonic() > deadline:
                    raise Failure("server not ready before the deadline")
                await asyncio.sleep(0.5)
            s.server_s = time.monotonic() - t0
            s.stage = "kernel"
            t0 = time.monotonic()
            k = await self.api("POST", f"/user/{s.name}/api/kernels", {"name": s.kind}, token=s.token)
            ws_url = self.base.replace("http", "ws") + f"/user/{s.name}/api/kernels/{k['id']}/channels"
            session = uuid.uuid4().hex
            ws = await websocket_connect(HTTPRequest(
                ws_url + f"?session_id={session}", headers={"Authorization": f"token {s.token}"},
                request_timeout=self.args.timeout, connect_timeout=30), max_message_size=64 << 20)
            kernel = Kernel(ws, session)
            # The first kernel_info_request can race the kernel's start-up:
            # JupyterLab retries it, and so do we (every 5 s).
            while True:
                try:
                    await kernel.request("kernel_info_request", {}, 5, wait_idle=False)
                    break
                except Failure:
                    if time.monotonic() > deadline:
                        raise
            s.kernel_info_s = time.monotonic() - t0
            if s.kind == "gograd":
                s.stage = "tutorial 1"
                for code in tutorial:
                    dt, _ = await kernel.execute(code, self.args.cell_timeout)
                    s.tutorial_s.append(dt)
            s.stage = "barrier"
            arrived = True
            await self.arrive()
            await self.barrier.wait()
            s.stage = "burst"
            for i in range(self.args.burst):
                k = 1000 * (hash(s.name) % 1000) + i
                dt, p = await kernel.execute(f"{k} * {k} + 1", self.args.cell_timeout)
                got = (p["result"] or "").strip()
                if got != str(k * k + 1):
                    raise Failure(f"burst cell {i}: {k} * {k} + 1 gave {got!r}")
                s.burst_s.append(dt)
            if s.kind == "gograd":
                # One matrix product, so that the gemm helper goroutines have
                # run before the idle-CPU window (they must park again).
                await kernel.execute("_ = ad.MatMul(ad.Ones(256, 256), ad.Ones(256, 256))",
                                     self.args.cell_timeout)
            s.stage = "done"
            return kernel
        except Exception as e:  # noqa: BLE001 — every failure is reported
            s.error = f"{s.stage}: {type(e).__name__}: {e}"
            if kernel:
                kernel.close()
            return None
        finally:
            if not arrived:
                await self.arrive()

    async def arrive(self):
        self.barrier_count += 1
        if self.barrier_count == len(self.students):
            self.barrier.set()

    # --- measurements ---------------------------------------------------------
    def processes(self):
        """psutil processes: each student's server and kernel; the hub's own."""
        servers = {}
        for p in self.our_servers():
            try:
                servers[p.environ()["JUPYTERHUB_USER"]] = p
            except (psutil.NoSuchProcess, KeyError):
                pass
        for s in self.students:
            p = servers.get(s.name)
            if p is None:
                continue
            s.server_pid = p.pid
            kids = p.children()
            if kids:
                s.kernel_pid = kids[0].pid
        # The hub's own processes: the hub, the proxy, the culler; not the
        # servers (its children too) nor their kernels.
        students = set()
        for p in servers.values():
            students.add(p.pid)
            students.update(c.pid for c in p.children(recursive=True))
        hub = psutil.Process(self.hub.pid)
        hub_procs = [hub] + [c for c in hub.children(recursive=True) if c.pid not in students]
        return servers, hub_procs

    @staticmethod
    def rss(pid):
        try:
            return psutil.Process(pid).memory_info().rss
        except (psutil.NoSuchProcess, TypeError, ValueError):
            return None

    @staticmethod
    def cpu_ticks(pid):
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    async def idle_cpu(self, seconds):
        pids = {s.name: s.kernel_pid for s in self.students if s.kernel_pid}
        t0 = {n: self.cpu_ticks(p) for n, p in pids.items()}
        await asyncio.sleep(seconds)
        hz = os.sysconf("SC_CLK_TCK")
        out = {}
        for n, p in pids.items():
            try:
                out[n] = (self.cpu_ticks(p) - t0[n]) / hz / seconds * 100
            except FileNotFoundError:
                out[n] = None
        return out

    # --- the run -------------------------------------------------------------
    async def run(self, workdir):
        a = self.args
        tutorial_path = os.path.join(self.prefix, "share", "gograd", "notebooks", "01-tanh.ipynb")
        with open(tutorial_path) as f:
            nb = json.load(f)
        tutorial = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        self.students = (
            [Student(f"{a.user_prefix}go{i:03d}", "gograd") for i in range(a.students)]
            + [Student(f"{a.user_prefix}py{i:03d}", "python3") for i in range(a.ipykernel_students)])
        self.barrier = asyncio.Event()
        t_start = time.monotonic()
        deadline = t_start + a.timeout
        self.start_hub(workdir)
        await self.wait_hub(deadline)
        hub_up_s = time.monotonic() - t_start
        await self.api("POST", "/hub/api/users", {"usernames": [s.name for s in self.students]})
        t_class = time.monotonic()
        kernels = await asyncio.gather(*(self.run_student(s, tutorial, deadline) for s in self.students))
        class_s = time.monotonic() - t_class
        servers, hub_procs = self.processes()
        hz = os.sysconf("SC_CLK_TCK")
        for s in self.students:
            s.server_rss = self.rss(s.server_pid)
            s.kernel_rss = self.rss(s.kernel_pid)
            try:
                s.kernel_cpu_s = self.cpu_ticks(s.kernel_pid) / hz if s.kernel_pid else None
            except FileNotFoundError:
                s.kernel_cpu_s = None
        hub_rss = {f"{' '.join(p.cmdline()[:3])} [{p.pid}]": self.rss(p.pid) for p in hub_procs}
        idle = await self.idle_cpu(a.idle_seconds) if a.idle_seconds > 0 else {}
        for k in kernels:
            if k:
                k.close()
        # Stop every other server through the REST API, as the idle culler
        # or a student's "Stop My Server" does, and check that no kernel
        # outlives its server; the hub's own shutdown stops the rest
        # (stop_hub checks those).
        self.kernel_pids = {s.kernel_pid for s in self.students if s.kernel_pid}
        api_stopped = [s for s in self.students[::2] if s.server_s is not None]
        self.server_pids = {s.server_pid for s in api_stopped if s.server_pid}
        api_kernels = {s.kernel_pid for s in api_stopped if s.kernel_pid}
        await asyncio.gather(*(self.api("DELETE", f"/hub/api/users/{s.name}/server") for s in api_stopped))
        stop_deadline = time.monotonic() + 60
        while time.monotonic() < stop_deadline and any(self.alive(p) for p in self.server_pids):
            await asyncio.sleep(0.2)
        # A kernel whose server is gone has 15 s to notice and exit.
        t_gone = time.monotonic()
        while time.monotonic() < t_gone + 15 and any(self.alive(p) for p in api_kernels):
            await asyncio.sleep(0.2)
        left = [p for p in api_kernels if self.alive(p)]
        return {"hub_up_s": hub_up_s, "class_s": class_s, "hub_rss": hub_rss, "idle_cpu": idle,
                "kernels_left_after_server_stop": len(left),
                "kernels_exited_after_server_s": round(time.monotonic() - t_gone, 1)}

    @staticmethod
    def alive(pid):
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False


def summarise(lt, extra, args):
    ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
    mb = lambda v: None if v is None else round(v / 2**20, 1)  # noqa: E731
    rows = {}
    for kind in ("gograd", "python3"):
        ss = [s for s in lt.students if s.kind == kind]
        if not ss:
            continue
        ok = [s for s in ss if s.error is None]
        started = [s for s in ss if s.server_s is not None]
        ki = [s.kernel_info_s for s in ss if s.kernel_info_s is not None]
        burst = [x for s in ss for x in s.burst_s]
        tut = [x for s in ss for x in s.tutorial_s]
        tut_total = [sum(s.tutorial_s) for s in ss if s.tutorial_s and s.error is None]
        srv = [s.server_rss for s in ss if s.server_rss]
        ker = [s.kernel_rss for s in ss if s.kernel_rss]
        both = [s.server_rss + s.kernel_rss for s in ss if s.server_rss and s.kernel_rss]
        idle = [extra["idle_cpu"].get(s.name) for s in ss if extra["idle_cpu"].get(s.name) is not None]
        cpu = [s.kernel_cpu_s for s in ss if s.kernel_cpu_s is not None]
        rows[kind] = {
            "students": len(ss), "completed": len(ok), "failed": len(ss) - len(ok),
            "servers_started": len(started), "servers_failed": len(ss) - len(started),
            "server_ready_s_p50": pct([s.server_s for s in started], 50),
            "server_ready_s_max": max([s.server_s for s in started], default=None),
            "kernel_info_ms_p50": ms(pct(ki, 50)), "kernel_info_ms_p99": ms(pct(ki, 99)),
            "kernel_info_ms_max": ms(max(ki, default=None)),
            "tutorial1_cell_ms_p50": ms(pct(tut, 50)), "tutorial1_cell_ms_p99": ms(pct(tut, 99)),
            "tutorial1_total_s_p50": pct(tut_total, 50),
            "burst_cells": len(burst),
            "burst_cell_ms_p50": ms(pct(burst, 50)), "burst_cell_ms_p99": ms(pct(burst, 99)),
            "server_rss_mib_mean": mb(statistics.mean(srv)) if srv else None,
            "kernel_rss_mib_mean": mb(statistics.mean(ker)) if ker else None,
            "kernel_rss_mib_max": mb(max(ker)) if ker else None,
            "student_rss_mib_mean": mb(statistics.mean(both)) if both else None,
            "kernel_cpu_s_mean": round(statistics.mean(cpu), 2) if cpu else None,
            "kernel_idle_cpu_pct_mean": round(statistics.mean(idle), 3) if idle else None,
            "kernel_idle_cpu_pct_max": round(max(idle), 3) if idle else None,
        }
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {round(psutil.virtual_memory().total / 2**30)} GiB",
        "load_before": args.load_before,
        "load_after": os.getloadavg(),
        "settings": {k: "(hub configuration's default)" if v is None else (v or "(unset: gograd's own default)")
                     for k, v in (("GOMAXPROCS", args.gomaxprocs), ("GOMEMLIMIT", args.gomemlimit),
                                  ("GOGC", args.gogc))} | {
                     "burst": args.burst, "idle_seconds": args.idle_seconds, "spawner": args.spawner},
        "hub_up_s": round(extra["hub_up_s"], 1), "class_s": round(extra["class_s"], 1),
        "hub_rss_mib": {k: mb(v) for k, v in extra["hub_rss"].items()},
        "hub_rss_mib_total": mb(sum(v for v in extra["hub_rss"].values() if v)),
        "kinds": rows,
        "errors": {s.name: s.error for s in lt.students if s.error},
        "kernels_left_after_server_stop": extra["kernels_left_after_server_stop"],
        "kernels_exited_after_server_s": extra["kernels_exited_after_server_s"],
    }


def markdown(r):
    keys = [
        ("students", "students"), ("servers started / failed", None),
        ("server ready, p50 / max (s)", None), ("first kernel_info, p50 / p99 / max (ms)", None),
        ("tutorial 1 cell, p50 / p99 (ms)", None), ("tutorial 1 whole, p50 (s)", "tutorial1_total_s_p50"),
        ("burst cell, p50 / p99 (ms)", None), ("RSS server + kernel, mean (MiB)", "student_rss_mib_mean"),
        ("RSS server, mean (MiB)", "server_rss_mib_mean"), ("RSS kernel, mean / max (MiB)", None),
        ("kernel CPU time for all its cells, mean (s)", "kernel_cpu_s_mean"),
        ("kernel idle CPU, mean / max (%)", None),
    ]
    kinds = list(r["kinds"])
    out = ["| | " + " | ".join("gograd" if k == "gograd" else "ipykernel (reference)" for k in kinds) + " |",
           "| --- |" + " --- |" * len(kinds)]
    f = lambda v: "–" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))  # noqa: E731
    for label, key in keys:
        cells = []
        for k in kinds:
            d = r["kinds"][k]
            if key:
                cells.append(f(d[key]))
            elif label.startswith("servers"):
                cells.append(f"{d['servers_started']} / {d['servers_failed']}")
            elif label.startswith("server ready"):
                cells.append(f"{f(d['server_ready_s_p50'])} / {f(d['server_ready_s_max'])}")
            elif label.startswith("first kernel_info"):
                cells.append(f"{f(d['kernel_info_ms_p50'])} / {f(d['kernel_info_ms_p99'])} / {f(d['kernel_info_ms_max'])}")
            elif label.startswith("tutorial 1 cell"):
                cells.append(f"{f(d['tutorial1_cell_ms_p50'])} / {f(d['tutorial1_cell_ms_p99'])}")
            elif label.startswith("burst"):
                cells.append(f"{f(d['burst_cell_ms_p50'])} / {f(d['burst_cell_ms_p99'])} ({d['burst_cells']} cells)")
            elif label.startswith("RSS kernel"):
                cells.append(f"{f(d['kernel_rss_mib_mean'])} / {f(d['kernel_rss_mib_max'])}")
            elif label.startswith("kernel idle"):
                cells.append(f"{f(d['kernel_idle_cpu_pct_mean'])} / {f(d['kernel_idle_cpu_pct_max'])}")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append(f"| hub + proxy + culler RSS (MiB) | {f(r['hub_rss_mib_total'])} |" + " |" * (len(kinds) - 1))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prefix", default=os.environ.get("GOGRAD_PREFIX", "/opt/gograd"),
                    help="where deploy/install.sh installed the class environment")
    ap.add_argument("--students", type=int, default=30, help="gograd students (default 30)")
    ap.add_argument("--ipykernel-students", type=int, default=None,
                    help="ipykernel students, the reference (default: a fifth of --students, at least 1)")
    ap.add_argument("--burst", type=int, default=20, help="small cells per student in the burst")
    ap.add_argument("--timeout", type=float, default=900, help="deadline of the whole run, seconds")
    ap.add_argument("--start-timeout", type=float,
                    help="the hub's limit on a server's start-up, seconds (default: the hub configuration's)")
    ap.add_argument("--cell-timeout", type=float, default=120, help="deadline of one cell, seconds")
    ap.add_argument("--idle-seconds", type=float, default=30, help="idle-CPU window after the burst (0: skip)")
    ap.add_argument("--gomaxprocs", help="GOMAXPROCS of the kernels (default: the hub configuration's)")
    ap.add_argument("--gomemlimit", help="GOMEMLIMIT of the kernels (default: the hub configuration's)")
    ap.add_argument("--gogc", help="GOGC of the kernels (default: the hub configuration's)")
    ap.add_argument("--spawner", choices=("simple", "local"), default="simple",
                    help="simple: every server runs as this user; local: as a system user per student, "
                         "created for the test and deleted after it (root only; refuses to run if any "
                         "of the students' names is an existing user)")
    ap.add_argument("--user-prefix", default="hl", help="prefix of the simulated students' names")
    ap.add_argument("--json", help="write the report as JSON to this file too")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (hub log, homes)")
    args = ap.parse_args()
    if args.ipykernel_students is None:
        args.ipykernel_students = max(1, args.students // 5)
    args.load_before = os.getloadavg()
    names = ([f"{args.user_prefix}go{i:03d}" for i in range(args.students)]
             + [f"{args.user_prefix}py{i:03d}" for i in range(args.ipykernel_students)])
    if args.spawner == "local":
        import pwd
        if os.geteuid() != 0:
            sys.exit("hub_load: --spawner local needs root (it creates the students' system users)")
        existing = []
        for n in names:
            try:
                pwd.getpwnam(n)
                existing.append(n)
            except KeyError:
                pass
        if existing:
            sys.exit(f"hub_load: system users {existing} exist already: choose another --user-prefix")
    workdir = tempfile.mkdtemp(prefix="hub-load-")
    os.chmod(workdir, 0o755)
    lt = LoadTest(args)
    report, fatal = None, None
    try:
        extra = asyncio.run(asyncio.wait_for(lt.run(workdir), args.timeout + args.idle_seconds + 60))
        report = summarise(lt, extra, args)
    except Exception as e:  # noqa: BLE001
        fatal = f"{type(e).__name__}: {e}"
    finally:
        left = lt.stop_hub()
        if args.spawner == "local":
            for n in names:
                for p in psutil.process_iter(["username"]):
                    if p.info["username"] == n:
                        try:
                            p.kill()
                        except psutil.NoSuchProcess:
                            pass
                subprocess.run(["userdel", "--remove", n], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if fatal:
        print(f"hub_load: {fatal} (hub log: {lt.log_path}, kept)", file=sys.stderr)
        for s in lt.students:
            if s.error or s.stage != "done":
                print(f"  {s.name}: stage {s.stage}: {s.error}", file=sys.stderr)
        sys.exit(1)
    report["left_running_after_hub_stop"] = left
    print(json.dumps(report, indent=1))
    print()
    print(markdown(report))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    kleft = report["kernels_left_after_server_stop"]
    ok = not report["errors"] and left == 0 and kleft == 0
    if not ok:
        print(f"hub_load: FAILED: {len(report['errors'])} students failed, {kleft} kernels outlived "
              f"their stopped server, {left} processes left after the hub stopped "
              f"(hub log: {lt.log_path})", file=sys.stderr)
        for n, e in report["errors"].items():
            print(f"  {n}: {e}", file=sys.stderr)
        sys.exit(1)
    if not args.keep:
        import shutil
        shutil.rmtree(workdir, ignore_errors=True)
    n = len(lt.students)
    print(f"\nhub_load: {n} passed, 0 failed")


if __name__ == "__main__":
    main()
