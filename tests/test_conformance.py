"""Jupyter's own kernel conformance suite, jupyter_kernel_test, against gograd.

The kernelspec is installed with `go run ./install --prefix` into a temporary
directory put on JUPYTER_PATH, so jupyter_client starts the kernel exactly as
JupyterLab would. Every attribute of jupyter_kernel_test.KernelTests is set.

Outside CI the module skips when go or jupyter_kernel_test is missing; with
CI=true it fails instead.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

import pytest

from conftest import IN_CI, ROOT


def _missing():
    if shutil.which("go") is None:
        return "the go command"
    try:
        import jupyter_client  # noqa: F401
        import jupyter_kernel_test  # noqa: F401
    except ImportError as e:
        return f"Python package {e.name} (see tests/requirements.txt)"
    return None


_why = _missing()
if _why:
    if IN_CI:
        raise RuntimeError(_why + " is not available (required when CI=true)")
    pytest.skip(_why + " is not available", allow_module_level=True)

import jupyter_kernel_test  # noqa: E402

_prefix = None


def setUpModule():
    """Install the kernelspec into a temporary prefix and put it on JUPYTER_PATH."""
    global _prefix
    _prefix = tempfile.mkdtemp(prefix="gograd-conformance-")
    subprocess.run(
        ["go", "run", "./install", "--prefix", _prefix],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    share = os.path.join(_prefix, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = share + os.pathsep + os.environ.get("JUPYTER_PATH", "")


def tearDownModule():
    if _prefix:
        shutil.rmtree(_prefix, ignore_errors=True)


class GogradKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gograd"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'import "os"\nfmt.Fprintln(os.Stderr, "to stderr")'

    completion_samples = [
        {"text": "fmt.Printl", "matches": {"Println"}},
        {"text": "fmt.Pri", "matches": {"Print", "Printf", "Println"}},
        {"text": "ma", "matches": {"make", "map", "math", "max"}},
    ]

    complete_code_samples = ["x := 1", "fmt.Println(1)", "func f() {}", "for i := 0; i < 3; i++ {}"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,"]
    invalid_code_samples = ["x := )", "}"]

    code_generate_error = 'panic("oops")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "ad.Scalar(2.5)", "result": "2.5"},
        {"code": '"go" + "grad"', "result": '"gograd"'},
    ]

    code_display_data = [
        {"code": 'display.HTML("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("# title")', "mime": "text/markdown"},
    ]

    # Matches exactly one of the code_execute_result cells.
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "fmt.Println"

    code_clear_output = "display.ClearOutput(false)"


if __name__ == "__main__":
    unittest.main()
