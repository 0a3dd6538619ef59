// JupyterLab in a real browser: tutorial 1 runs end to end with the gograd
// kernel, a runaway cell stops at the interrupt button, the completer and the
// inspector answer. Run by tests/browser/run.sh (`node --test`).
//
// Environment:
//   JUPYTER         jupyter executable of the venv with JupyterLab (required)
//   CHROMIUM        browser executable (default /usr/bin/chromium)
//   BROWSER_KERNEL  gograd (default) or python3: the python3 profile runs the
//                   same flow against ipykernel on a generated notebook, to
//                   check the harness itself apart from the Go kernel.
//   BROWSER_NOTEBOOKS  folder holding 01-tanh.ipynb (default notebooks/)
//   ARTIFACTS       where screenshots and the server log go (default tests/artifacts)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, startJupyterLab, waitFor } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const artifacts = path.resolve(process.env.ARTIFACTS ?? path.join(repo, 'tests', 'artifacts'));
const kernelName = process.env.BROWSER_KERNEL ?? 'gograd';

// What differs between the kernels; everything else in the flow is the same.
const profiles = {
  gograd: {
    displayName: 'Go (gograd)',
    notebookDir: () => process.env.BROWSER_NOTEBOOKS ?? path.join(repo, 'notebooks'),
    notebook: '01-tanh.ipynb',
    printed: '0.39322386648296376',
    stateCell: 'browserTestState := 41',
    loopCell: 'spins := 0\nfor {\n\tspins++\n}',
    afterCell: 'browserTestState + 1',
    complete: { typed: 'ad.Gr', want: 'Grad' },
    inspect: { typed: 'ad.Grad', want: /Grad/ },
  },
  python3: {
    displayName: 'Python 3 (ipykernel)',
    notebookDir: writePythonFixture,
    notebook: '01-tanh.ipynb',
    printed: '0.39322386648296376',
    stateCell: 'import os\nbrowser_test_state = 41',
    loopCell: 'spins = 0\nwhile True:\n    spins += 1',
    afterCell: 'browser_test_state + 1',
    complete: { typed: 'os.pa', want: 'path' },
    inspect: { typed: 'os.path.join', want: /join/ },
  },
};
const profile = profiles[kernelName];
if (!profile) throw new Error(`BROWSER_KERNEL=${kernelName}: want one of ${Object.keys(profiles)}`);

// A notebook in the shape of tutorial 1 for ipykernel: a printed value and a figure.
function writePythonFixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gograd-pynb-'));
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320">' +
    '<rect width="480" height="320" fill="white"/>' +
    '<path d="M0 300 C 160 300, 320 20, 480 20" stroke="blue" fill="none" stroke-width="3"/></svg>';
  const code = (source) => ({ cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source });
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' } },
    cells: [
      { cell_type: 'markdown', metadata: {}, source: '# tanh (harness fixture)' },
      code('import math\nprint(repr(0.39322386648296376))'),
      code(`from IPython.display import SVG\nSVG(${JSON.stringify(svg)})`),
    ],
  };
  nb.cells.forEach((c, i) => { c.id = `cell-${i}`; });
  fs.writeFileSync(path.join(dir, profile.notebook), JSON.stringify(nb, null, 1));
  return dir;
}

// ---- page helpers -------------------------------------------------------

const CELLS = '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell';

/** The current notebook as nbformat JSON, read from JupyterLab's model. */
async function notebookJSON(page) {
  return page.evaluate(() => window.jupyterapp.shell.currentWidget.context.model.toJSON());
}

/** The text of every output of a notebook cell, as nbformat holds it. */
function outputText(cell) {
  return (cell.outputs ?? []).map((o) => {
    if (o.output_type === 'stream') return [].concat(o.text).join('');
    if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
    return [].concat(o.data?.['text/plain'] ?? []).join('');
  }).join('');
}

/** Waits until the kernel is idle and every non-empty code cell has an execution count. */
async function waitAllExecuted(page, timeoutMs) {
  await waitFor('every code cell to run and the kernel to be idle', () => page.evaluate((sel) => {
    const indicator = document.querySelector(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    if (indicator?.dataset.status !== 'idle') return false;
    const nb = window.jupyterapp.shell.currentWidget.context.model.toJSON();
    const code = nb.cells.filter((c) => c.cell_type === 'code' && [].concat(c.source).join('').trim());
    const prompts = [...document.querySelectorAll(`${sel}.jp-CodeCell .jp-InputPrompt`)].map((p) => p.textContent);
    return code.every((c) => c.execution_count != null) && !prompts.some((p) => p.includes('*'));
  }, CELLS), { timeoutMs, intervalMs: 200 });
}

/** Appends a code cell below the last one, types source into it and leaves it in edit mode. */
async function appendCell(page, source) {
  const cells = page.locator(CELLS);
  const n = await cells.count();
  // Select the last cell in command mode (click its prompt), then `b` inserts below.
  await cells.nth(n - 1).locator('.jp-InputArea-prompt').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await waitFor('a new cell', async () => (await cells.count()) === n + 1);
  const cell = cells.nth(n);
  await cell.locator('.cm-content').click();
  // insertText types the text as one input event: no auto-closed brackets or auto-indent.
  await page.keyboard.insertText(source);
  await waitFor(`cell ${n} to hold the typed source`, async () =>
    [].concat((await notebookJSON(page)).cells[n].source).join('') === source);
  return { cell, index: n };
}

/** Runs the active cell in place (Ctrl+Enter) and returns once its prompt shows it ran. */
async function runCell(page, { cell, index }, timeoutMs = 30_000) {
  await page.keyboard.press('Control+Enter');
  await waitFor(`cell ${index} to finish`, async () => {
    const nb = await notebookJSON(page);
    const prompt = await cell.locator('.jp-InputPrompt').textContent();
    return nb.cells[index].execution_count != null && !prompt.includes('*');
  }, { timeoutMs, intervalMs: 100 });
  return (await notebookJSON(page)).cells[index];
}

// ---- the test -------------------------------------------------------------

describe(`JupyterLab with the ${kernelName} kernel in chromium`, { timeout: 170_000 }, () => {
  let server;
  let browser;
  let page;
  // The steps share one page: after a failed step the later ones fail at once
  // (naming the step that broke) instead of each waiting out its timeouts.
  let broken = null;
  const step = (name, opts, fn) => test(name, opts, async (t) => {
    if (broken) assert.fail(`not run: the earlier step "${broken}" failed`);
    try {
      await fn(t);
    } catch (err) {
      broken = name;
      throw err;
    }
  });

  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    const jupyter = process.env.JUPYTER;
    assert.ok(jupyter, 'JUPYTER must name the jupyter executable of the test venv');
    server = await startJupyterLab({
      jupyter,
      srcDir: profile.notebookDir(),
      logFile: path.join(artifacts, `jupyter-lab-${kernelName}.log`),
    });
    browser = await launchBrowser({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
    page = browser.page;
    page.on('pageerror', (err) => console.error(`page error: ${err.message}`));
  });

  after(async () => {
    if (page) {
      await page.screenshot({ path: path.join(artifacts, `jupyterlab-${kernelName}-final.png`) })
        .catch(() => {});
    }
    await browser?.close();
    await server?.stop();
  });

  step('opens tutorial 1 with the kernel', { timeout: 60_000 }, async () => {
    const served = path.join(server.root, profile.notebook);
    assert.ok(fs.existsSync(served), `${profile.notebook} is in notebooks/`);
    // The committed tutorial carries its outputs; serve it without them, so
    // that everything checked below was produced by this run.
    const fresh = JSON.parse(fs.readFileSync(served, 'utf8'));
    for (const c of fresh.cells) {
      if (c.cell_type === 'code') Object.assign(c, { outputs: [], execution_count: null });
    }
    fs.writeFileSync(served, JSON.stringify(fresh, null, 1));
    await page.goto(server.url(`/lab/tree/${profile.notebook}`), { waitUntil: 'domcontentloaded' });
    await page.locator(CELLS).first().waitFor();
    const label = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName .jp-ToolbarButtonComponent-label');
    await waitFor(`the kernel "${profile.displayName}" to be started and idle`, async () =>
      (await label.textContent()) === profile.displayName &&
      (await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator')
        .getAttribute('data-status')) === 'idle', { timeoutMs: 45_000, intervalMs: 200 });
    const nb = await notebookJSON(page);
    assert.equal(nb.metadata.kernelspec?.name, kernelName);
  });

  step('runs all cells: no error, the printed value, a figure', { timeout: 90_000 }, async () => {
    // Run > Run All Cells, as a person would.
    await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
    await page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click();
    await waitAllExecuted(page, 75_000);

    const nb = await notebookJSON(page);
    const counts = nb.cells.filter((c) => c.cell_type === 'code' && [].concat(c.source).join('').trim())
      .map((c) => c.execution_count);
    assert.deepEqual(counts, counts.map((_, i) => i + 1), 'a fresh kernel ran every code cell once, in order');
    const errors = nb.cells.flatMap((c, i) => (c.outputs ?? [])
      .filter((o) => o.output_type === 'error')
      .map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`));
    assert.deepEqual(errors, [], 'no cell ends in an error');
    const stderrShown = await page.locator(`${CELLS} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]`).count();
    assert.equal(stderrShown, 0, 'no error or stderr output is shown');

    const shown = await page.locator(`${CELLS} .jp-OutputArea-output`).allTextContents();
    const printed = new RegExp(`(^|\\s)${profile.printed.replace(/[.]/g, '\\.')}(\\s|$)`);
    assert.ok(shown.some((t) => printed.test(t)),
      `an output shows ${profile.printed}; outputs: ${JSON.stringify(shown).slice(0, 2000)}`);

    // A rendered figure: an img (loaded) or svg of non-trivial size in an output area.
    const figures = page.locator(`${CELLS} .jp-OutputArea-output img, ${CELLS} .jp-OutputArea-output svg`);
    const n = await figures.count();
    let figure;
    for (let i = 0; i < n && !figure; i++) {
      const f = figures.nth(i);
      await f.scrollIntoViewIfNeeded();
      const ok = await f.evaluate((el) => {
        const r = el.getBoundingClientRect();
        const loaded = el.tagName !== 'IMG' || (el.complete && el.naturalWidth > 0);
        return loaded && r.width >= 200 && r.height >= 150;
      });
      if (ok) figure = f;
    }
    assert.ok(figure, `a figure of at least 200x150 px is rendered (${n} img/svg elements in outputs)`);
    const figureCell = figure.locator('xpath=ancestor::div[contains(@class,"jp-Cell ")][1]');
    const shot = path.join(artifacts, 'jupyterlab-figure.png');
    await figureCell.screenshot({ path: shot });
    assert.ok(fs.statSync(shot).size > 10_000, 'the figure screenshot is not blank');

    // The whole window with the figure's cell on top and the file browser
    // folded away: the picture for the README (docs/jupyterlab.png).
    await page.evaluate(() => window.jupyterapp.commands.execute('application:toggle-left-area'));
    await waitFor('the left area to fold', () => page.evaluate(() => window.jupyterapp.shell.leftCollapsed));
    await figureCell.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const box = await figureCell.boundingBox();
    const view = page.viewportSize();
    await page.screenshot({
      path: path.join(artifacts, 'jupyterlab-window.png'),
      clip: { x: 0, y: 0, width: view.width, height: Math.min(view.height, Math.ceil(box.y + box.height + 4)) },
    });
  });

  step('the interrupt button stops an endless loop', { timeout: 60_000 }, async () => {
    const state = await appendCell(page, profile.stateCell);
    const stateOut = await runCell(page, state);
    assert.deepEqual(stateOut.outputs.filter((o) => o.output_type === 'error'), [], 'the state cell runs');

    const loop = await appendCell(page, profile.loopCell);
    await page.keyboard.press('Control+Enter');
    const indicator = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    await waitFor('the loop cell to be running', async () =>
      (await loop.cell.locator('.jp-InputPrompt').textContent()).includes('*') &&
      (await indicator.getAttribute('data-status')) === 'busy', { timeoutMs: 15_000 });
    const started = Date.now();
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) jp-button[data-command="notebook:interrupt-kernel"]').click();
    await waitFor('the loop cell to end after the interrupt', async () => {
      const c = (await notebookJSON(page)).cells[loop.index];
      return c.execution_count != null && c.outputs.some((o) => o.output_type === 'error');
    }, { timeoutMs: 20_000 });
    const stopMs = Date.now() - started;
    const out = (await notebookJSON(page)).cells[loop.index];
    const err = out.outputs.find((o) => o.output_type === 'error');
    assert.match(`${err.ename} ${err.evalue}`, /interrupt/i, 'the cell ends with an interrupted error');
    const shown = loop.cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    await shown.first().waitFor();
    assert.match(await shown.first().textContent(), /interrupt/i, 'the page shows the interrupted error');
    await waitFor('the kernel to be idle after the interrupt', async () =>
      (await indicator.getAttribute('data-status')) === 'idle', { timeoutMs: 10_000 });
    await loop.cell.screenshot({ path: path.join(artifacts, 'jupyterlab-interrupted.png') });
    console.log(`interrupt to error shown: ${stopMs} ms`);
  });

  step('a following cell still sees earlier state', { timeout: 30_000 }, async () => {
    const next = await appendCell(page, profile.afterCell);
    const out = await runCell(page, next);
    assert.deepEqual(out.outputs.filter((o) => o.output_type === 'error'), []);
    assert.equal(outputText(out).trim(), '42');
    assert.match(await next.cell.locator('.jp-OutputArea-output').first().textContent(), /42/);
  });

  step(`Tab after ${profile.complete.typed} offers ${profile.complete.want}`, { timeout: 30_000 }, async () => {
    const { typed, want } = profile.complete;
    const c = await appendCell(page, typed);
    await page.keyboard.press('Tab');
    // A single match is inserted at once; several open the completer list.
    const how = await waitFor(`the completer to offer ${want}`, async () => {
      const items = await page.locator('.jp-Completer:not(.lm-mod-hidden) .jp-Completer-item .jp-Completer-match').allTextContents();
      if (items.includes(want)) return 'listed';
      const src = [].concat((await notebookJSON(page)).cells[c.index].source).join('');
      const prefix = typed.slice(0, typed.lastIndexOf('.') + 1);
      return src === prefix + want ? 'inserted' : false;
    }, { timeoutMs: 15_000 });
    await page.screenshot({ path: path.join(artifacts, `jupyterlab-${kernelName}-completion.png`) });
    if (how === 'listed') await page.keyboard.press('Escape');
    console.log(`completion of ${typed}: ${want} ${how}`);
  });

  step(`Shift+Tab on ${profile.inspect.typed} shows its documentation`, { timeout: 30_000 }, async () => {
    const { typed, want } = profile.inspect;
    await appendCell(page, typed);
    await page.keyboard.press('Shift+Tab');
    const tooltip = page.locator('.jp-Tooltip');
    await tooltip.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor('documentation text in the tooltip', async () =>
      ((await tooltip.textContent()) ?? '').trim().length > 20, { timeoutMs: 10_000 });
    const text = await tooltip.textContent();
    assert.match(text, want);
    await page.screenshot({ path: path.join(artifacts, `jupyterlab-${kernelName}-inspect.png`) });
    console.log(`inspection of ${typed}: ${text.trim().slice(0, 200).replace(/\s+/g, ' ')}`);
  });
});
