# JupyterHub configuration of a gograd class on one machine.
#
# deploy/install.sh copies this file to PREFIX/etc/gograd-hub/ and
# PREFIX/bin/gograd-hub starts `jupyterhub -f` with it. Everything a teacher
# may want to change is an environment variable (deploy/README.md lists
# them); the rest is JupyterHub's own configuration, which a second file can
# extend (`load_subconfig(...)` then more `c.` lines, as tests/hub_load.py
# does).
#
# What it sets up:
#   - the hub on GOGRAD_HUB_URL (default http://127.0.0.1:8000), behind
#     configurable-http-proxy from PREFIX/bin;
#   - students' servers started by a local process spawner: JupyterLab with
#     the gograd and Python kernels, from this same environment;
#   - a copy of the tutorials in each student's home (tutorials/), made
#     when the server starts for the first time and never overwritten;
#   - kernel settings for a shared machine (GOMAXPROCS, GOMEMLIMIT);
#   - jupyterhub-idle-culler stopping servers idle for an hour, and the
#     servers' own culling of kernels idle for half an hour.
import os
import pwd
import shutil
import subprocess
import sys

c = get_config()  # noqa: F821 (defined by traitlets when the file is loaded)

PREFIX = sys.prefix
ROOT = os.geteuid() == 0


def env(name, default):
    return os.environ.get(name, default)


def fail(msg):
    # A configuration error stops the hub with the reason, before it starts
    # anything.
    sys.exit(f"gograd hub configuration: {msg}")


# --- where the hub keeps its state and where it listens ----------------------
state = env(
    "GOGRAD_HUB_STATE",
    "/var/lib/gograd-hub" if ROOT else os.path.expanduser("~/.local/share/gograd-hub"),
)
os.makedirs(state, mode=0o700, exist_ok=True)
c.JupyterHub.db_url = f"sqlite:///{os.path.join(state, 'jupyterhub.sqlite')}"
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "jupyterhub-proxy.pid")
c.ConfigurableHTTPProxy.command = [os.path.join(PREFIX, "bin", "configurable-http-proxy")]
c.JupyterHub.bind_url = env("GOGRAD_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = env("GOGRAD_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = env("GOGRAD_HUB_PROXY_API_URL", "http://127.0.0.1:8001")

# --- who may log in ------------------------------------------------------------
auth = env("GOGRAD_HUB_AUTH", "shared-password")
if auth == "shared-password":
    # One class password for every student (at least 8 characters): the
    # simplest real setup. Anyone with it can log in under any (non-admin)
    # name, so list the names in GOGRAD_HUB_STUDENTS to restrict them.
    c.JupyterHub.authenticator_class = "shared-password"
    password = env("GOGRAD_HUB_PASSWORD", "")
    if len(password) < 8:
        fail("set GOGRAD_HUB_PASSWORD to the class password (8 characters or more), "
             "or choose another GOGRAD_HUB_AUTH")
    c.SharedPasswordAuthenticator.user_password = password
    admin = env("GOGRAD_HUB_ADMIN", "")
    if admin:
        c.Authenticator.admin_users = {admin}
        admin_password = env("GOGRAD_HUB_ADMIN_PASSWORD", "")
        if len(admin_password) < 32:
            fail("GOGRAD_HUB_ADMIN needs GOGRAD_HUB_ADMIN_PASSWORD of 32 characters or more")
        c.SharedPasswordAuthenticator.admin_password = admin_password
elif auth == "pam":
    # The machine's own accounts (with GOGRAD_HUB_SPAWNER=local, as root).
    c.JupyterHub.authenticator_class = "pam"
elif auth == "dummy":
    # Any name, any password: for tests only, and only on the loopback
    # interface.
    c.JupyterHub.authenticator_class = "dummy"
    if not c.JupyterHub.bind_url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        fail("GOGRAD_HUB_AUTH=dummy lets anyone in: it is refused unless GOGRAD_HUB_URL is a loopback address")
else:
    fail(f"GOGRAD_HUB_AUTH={auth!r}: use shared-password, pam or dummy "
         "(or set c.JupyterHub.authenticator_class in a second configuration file)")

students = env("GOGRAD_HUB_STUDENTS", "")
if students:
    # A file with one user name per line.
    with open(students) as f:
        c.Authenticator.allowed_users = {line.strip() for line in f if line.strip() and not line.startswith("#")}
else:
    c.Authenticator.allow_all = True

# --- the students' servers -------------------------------------------------------
spawner = env("GOGRAD_HUB_SPAWNER", "local" if ROOT else "simple")
extra_args = []
if spawner == "simple":
    # Every server runs as the hub's own OS user, in its own home directory
    # under GOGRAD_HUB_HOMES: no isolation between students (one can read
    # another's files). Fine for a workshop or a test; use "local" for more.
    homes = env("GOGRAD_HUB_HOMES", os.path.join(state, "homes"))
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(homes, "{username}")
    if ROOT:
        # Students would get root's powers: only on explicit request (tests).
        if env("GOGRAD_HUB_ALLOW_ROOT_SERVERS", "") != "1":
            fail("GOGRAD_HUB_SPAWNER=simple as root runs every student's server as root: use "
                 "GOGRAD_HUB_SPAWNER=local (the default as root), run the hub as an ordinary user, "
                 "or set GOGRAD_HUB_ALLOW_ROOT_SERVERS=1 on a throw-away test machine")
        extra_args.append("--allow-root")
elif spawner == "local":
    # Each student's server runs as the system user of that name (the hub
    # must run as root). GOGRAD_HUB_CREATE_USERS=1 creates a missing user
    # (useradd -m) when its server first starts; with GOGRAD_HUB_AUTH=pam
    # students log in with their system passwords instead.
    if not ROOT:
        fail("GOGRAD_HUB_SPAWNER=local runs servers as the students' system users: start the hub as root")
    c.JupyterHub.spawner_class = "localprocess"
else:
    fail(f"GOGRAD_HUB_SPAWNER={spawner!r}: use simple or local")

c.Spawner.cmd = [os.path.join(PREFIX, "bin", "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/tutorials/01-tanh.ipynb"
# Thirty servers starting at once on two cores take a while (tests/hub_load.py).
c.Spawner.start_timeout = int(env("GOGRAD_HUB_START_TIMEOUT", "180"))
c.Spawner.http_timeout = int(env("GOGRAD_HUB_START_TIMEOUT", "180"))

# Kernel settings for a machine shared by a class (deploy/README.md, "Kernel
# settings", has the measurements behind them). GOMAXPROCS=1: one OS thread
# running Go code per kernel, so a product's helper goroutines neither spin
# on a second core nor compete with other students' kernels (about 12% less
# CPU time for products). GOGC=100 instead of the kernel's single-user 400:
# half the peak RSS of the tutorials that allocate most, for no CPU time
# measurable there. GOMEMLIMIT: the kernel's own default is half the memory
# free at start, which on a shared machine lets every kernel plan for the
# whole machine; a per-kernel soft limit (30 students on 24 GiB) makes a
# kernel with a large heap collect more often instead. Set any of them to ""
# to keep gograd's single-user default.
kernel_env = {
    "GOMAXPROCS": env("GOGRAD_KERNEL_GOMAXPROCS", "1"),
    "GOGC": env("GOGRAD_KERNEL_GOGC", "100"),
    "GOMEMLIMIT": env("GOGRAD_KERNEL_GOMEMLIMIT", "512MiB"),
}
c.Spawner.environment = {k: v for k, v in kernel_env.items() if v}

# Kernels idle for GOGRAD_KERNEL_CULL_TIMEOUT seconds (default 30 minutes)
# are shut down by the student's server; a kernel running a cell is never
# culled.
kernel_cull = env("GOGRAD_KERNEL_CULL_TIMEOUT", "1800")
c.Spawner.args = [
    f"--MappingKernelManager.cull_idle_timeout={int(kernel_cull)}",
    "--MappingKernelManager.cull_interval=300",
] + extra_args


def copy_tutorials(spawner):
    """Copies the tutorials into the student's home the first time."""
    src = os.path.join(PREFIX, "share", "gograd", "notebooks")
    if isinstance(getattr(spawner, "home_dir", None), str) and spawner.home_dir:
        home, uid, gid = spawner.home_dir, None, None
        os.makedirs(home, mode=0o755, exist_ok=True)
    else:
        name = spawner.user.name
        try:
            pwd.getpwnam(name)
        except KeyError:
            if env("GOGRAD_HUB_CREATE_USERS", "") != "1":
                raise RuntimeError(f"no system user {name!r} (set GOGRAD_HUB_CREATE_USERS=1 to create students' users)")
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        pw = pwd.getpwnam(name)
        home, uid, gid = pw.pw_dir, pw.pw_uid, pw.pw_gid
    dst = os.path.join(home, "tutorials")
    if os.path.exists(dst) or not os.path.isdir(src) or not os.path.isdir(home):
        return
    shutil.copytree(src, dst)
    if uid is not None:
        for d, dirs, files in os.walk(dst):
            for name in [d] + [os.path.join(d, x) for x in dirs + files]:
                os.chown(name, uid, gid)


c.Spawner.pre_spawn_hook = copy_tutorials

# --- culling idle servers ----------------------------------------------------------
cull_timeout = int(env("GOGRAD_HUB_CULL_TIMEOUT", "3600"))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable, "-m", "jupyterhub_idle_culler",
            f"--timeout={cull_timeout}",
            f"--cull-every={max(30, min(600, cull_timeout // 2))}",
        ],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
