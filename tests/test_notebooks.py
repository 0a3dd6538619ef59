"""Every tutorial notebook executes, headless and through Jupyter.

For each notebooks/*.ipynb:

* the committed notebook is valid nbformat 4.5, was executed top to bottom
  (execution counts 1, 2, ...), has no error outputs and has its outputs;
* `gograd run` executes it without error and writes a notebook that passes
  nbformat's schema, plus an HTML page and figure files;
* nbclient executes it with the installed "gograd" kernelspec without error,
  and every cell ends with the same kinds of outputs (output types and MIME
  types) as `gograd run` produced: the runner records what the kernel sends.
"""

import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, need

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]


def artifacts_dir(tmp_path):
    d = os.environ.get("GOGRAD_ARTIFACTS")
    if d:
        Path(d).mkdir(parents=True, exist_ok=True)
        return Path(d)
    return tmp_path


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def shape(cell):
    """Output kinds of a cell: (output_type, stream name or MIME types), streams merged."""
    kinds = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            k = ("stream", o.name)
            if kinds and kinds[-1] == k:
                continue
        elif o.output_type == "error":
            k = ("error", o.ename)
        else:
            k = (o.output_type, tuple(sorted(o.data)))
        kinds.append(k)
    return kinds


def errors_in(nb):
    return [
        f"cell {i}: {o.ename}: {o.evalue}"
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3, "the tutorials live in notebooks/*.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_executed(path, python_has_jupyter):
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5)
    assert nb.metadata.kernelspec.name == "gograd"
    cells = code_cells(nb)
    assert cells, "no code cells"
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"not executed in order: {counts}"
    assert not errors_in(nb), errors_in(nb)
    assert any(c.outputs for c in cells), "committed without outputs"


@pytest.fixture(scope="module")
def runner_outputs(gograd_bin, tmp_path_factory):
    """Runs each notebook once through `gograd run`; maps path -> executed notebook."""
    import nbformat

    out = artifacts_dir(tmp_path_factory.mktemp("run"))
    results = {}
    for path in NOTEBOOKS:
        dst = out / path.name
        proc = subprocess.run(
            [str(gograd_bin), "run", str(path), "-o", str(dst),
             "--html", str(dst.with_suffix(".html")), "--figures", str(out / "figures")],
            cwd=ROOT, capture_output=True, text=True, timeout=900,
        )
        results[path] = (proc, nbformat.read(dst, as_version=4) if dst.exists() else None, dst)
    return results


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_gograd_run(path, runner_outputs, python_has_jupyter):
    import nbformat

    proc, nb, dst = runner_outputs[path]
    assert proc.returncode == 0, f"gograd run failed:\n{proc.stdout}\n{proc.stderr}"
    assert nb is not None
    nbformat.validate(nb)
    assert not errors_in(nb)
    cells = code_cells(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1))
    # One progress line per code cell.
    assert proc.stderr.count("\n") >= len(cells), proc.stderr
    html = dst.with_suffix(".html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    has_png = any("image/png" in o.get("data", {}) for c in cells for o in c.outputs)
    if has_png:
        assert "data:image/png;base64," in html
        figures = list((dst.parent / "figures").glob(path.stem + "-*.png"))
        assert figures, "figures not written as files"
    # The committed notebook has outputs where a fresh run has them.
    committed = nbformat.read(path, as_version=4)
    fresh = {c.id: bool(c.outputs) for c in cells}
    for c in code_cells(committed):
        if fresh.get(c.id):
            assert c.outputs, f"committed cell {c.id} lacks the outputs a fresh run gives: rerun gograd run"


@pytest.fixture(scope="module")
def gograd_kernel(python_has_jupyter):
    from jupyter_client.kernelspec import KernelSpecManager

    need("gograd" in KernelSpecManager().find_kernel_specs(),
         "the gograd kernelspec (go run ./install --sys-prefix)")
    return "gograd"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbclient(path, gograd_kernel, runner_outputs):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name=gograd_kernel, timeout=600, startup_timeout=60,
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()  # raises CellExecutionError on a failing cell
    nbformat.validate(nb)
    assert not errors_in(nb)

    _, ran, _ = runner_outputs[path]
    assert ran is not None, "gograd run wrote no notebook"
    by_id = {c.id: c for c in code_cells(ran)}
    for c in code_cells(nb):
        assert shape(c) == shape(by_id[c.id]), (
            f"cell {c.id}: nbclient saw {shape(c)}, gograd run recorded {shape(by_id[c.id])}"
        )
