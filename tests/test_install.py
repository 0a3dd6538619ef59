"""Install the kernelspec into a temporary prefix and start the kernel from it.

This is what a newcomer does with `go run ./install`, checked with the
Jupyter tools that read kernelspecs: jupyter_client's KernelSpecManager and
KernelManager.
"""

import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, need


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    need(shutil.which("go") is not None, "the go command")
    pfx = tmp_path_factory.mktemp("prefix")
    out = subprocess.run(
        ["go", "run", "./install", "--prefix", str(pfx)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    assert str(pfx) in out.stdout, f"install did not say where it went: {out.stdout!r}"
    return pfx


def spec_dir(pfx):
    return pfx / "share" / "jupyter" / "kernels" / "gograd"


def test_kernelspec_files(prefix):
    d = spec_dir(prefix)
    names = sorted(p.name for p in d.iterdir())
    assert names == ["gograd", "kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]
    spec = json.loads((d / "kernel.json").read_text())
    assert spec["display_name"] == "Go (gograd)"
    assert spec["language"] == "go"
    assert spec["interrupt_mode"] == "message"
    assert spec["argv"] == [str(d / "gograd"), "kernel", "--connection-file", "{connection_file}"]
    assert os.access(spec["argv"][0], os.X_OK)
    for size in (32, 64):
        png = (d / f"logo-{size}x{size}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        # IHDR width and height, big-endian at bytes 16..24.
        assert int.from_bytes(png[16:20], "big") == size
        assert int.from_bytes(png[20:24], "big") == size


def test_install_is_idempotent(prefix):
    before = sorted(p.name for p in spec_dir(prefix).iterdir())
    subprocess.run(["go", "run", "./install", "--prefix", str(prefix)], cwd=ROOT, check=True, capture_output=True)
    assert sorted(p.name for p in spec_dir(prefix).iterdir()) == before


def test_kernelspec_manager_finds_it(prefix, python_has_jupyter):
    from jupyter_client.kernelspec import KernelSpecManager

    ksm = KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])
    specs = ksm.find_kernel_specs()
    assert "gograd" in specs
    spec = ksm.get_kernel_spec("gograd")
    assert spec.display_name == "Go (gograd)"
    assert spec.interrupt_mode == "message"


def test_jupyter_kernelspec_list(prefix, python_has_jupyter):
    jupyter = shutil.which("jupyter")
    need(jupyter is not None, "the jupyter command")
    env = dict(os.environ, JUPYTER_PATH=str(prefix / "share" / "jupyter"))
    out = subprocess.run([jupyter, "kernelspec", "list", "--json"], env=env, check=True, capture_output=True, text=True)
    specs = json.loads(out.stdout)["kernelspecs"]
    assert "gograd" in specs
    assert specs["gograd"]["resource_dir"] == str(spec_dir(prefix))


def test_launch_kernel_from_spec(prefix, python_has_jupyter):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    ksm = KernelSpecManager(kernel_dirs=[str(prefix / "share" / "jupyter" / "kernels")])
    km = KernelManager(kernel_name="gograd", kernel_spec_manager=ksm)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        # The kernel runs the executable installed in the prefix.
        assert km.kernel_spec.argv[0] == str(spec_dir(prefix) / "gograd")
        info = kc.kernel_info(reply=True, timeout=30)
        assert info["content"]["status"] == "ok"
        assert info["content"]["language_info"]["name"] == "go"

        outputs = []
        reply = kc.execute_interactive(
            'fmt.Println("sum", 40+2)\nad.Scalar(0.5)',
            output_hook=outputs.append, timeout=60,
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        streams = "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
        assert "sum 42" in streams
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        assert len(results) == 1
        assert results[0]["content"]["data"]["text/plain"].strip() == "0.5"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)


def test_uninstall(tmp_path):
    need(shutil.which("go") is not None, "the go command")
    subprocess.run(["go", "run", "./install", "--prefix", str(tmp_path)], cwd=ROOT, check=True, capture_output=True)
    assert spec_dir(tmp_path).is_dir()
    out = subprocess.run(["go", "run", "./install", "--prefix", str(tmp_path), "--uninstall"],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    assert "removed" in out.stdout
    assert not spec_dir(tmp_path).exists()
