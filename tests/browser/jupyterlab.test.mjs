// JupyterLab in a real browser: tutorial 1 runs end to end with the gograd
// kernel, a runaway cell stops at the interrupt button, the completer and the
// inspector answer. The same flow runs in the classic notebook (Debian's
// jupyter-notebook 6) as a second client. Run by tests/browser/run.sh
// (`node --test`).
//
// Environment:
//   JUPYTER         jupyter executable of the venv with JupyterLab (required);
//                   kernelspecs are looked up in that venv's share/jupyter too
//   CLASSIC         jupyter-notebook executable (notebook 6) for the classic
//                   client; unset: that client is skipped, and says so
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
import { launchBrowser, startJupyter, waitFor } from './harness.mjs';

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
    generated: true, // notebookDir() makes a new folder each time
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

// ---- the two clients ----------------------------------------------------------
//
// What the test needs from a notebook front end: where things are on the page
// and how a person does a few actions. Both read the notebook model (nbformat
// JSON) from the page's own application object as a check beside the DOM.

const LAB = '.jp-NotebookPanel:not(.lm-mod-hidden)';

const clients = {
  lab: {
    title: 'JupyterLab',
    app: 'lab',
    command: () => process.env.JUPYTER,
    shotPrefix: 'jupyterlab',
    notebookURL: (nb) => `/lab/tree/${nb}`,
    cells: `${LAB} .jp-Notebook .jp-Cell`,
    prompt: '.jp-InputPrompt',
    selectPrompt: '.jp-InputArea-prompt',
    editor: '.cm-content',
    output: '.jp-OutputArea-output',
    errorOutput: '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
    figure: '.jp-OutputArea-output img, .jp-OutputArea-output svg',
    cellOf: 'xpath=ancestor::div[contains(concat(" ", @class, " "), " jp-Cell ")][1]',
    kernelLabel: `${LAB} .jp-Toolbar-kernelName .jp-ToolbarButtonComponent-label`,
    interrupt: `${LAB} jp-button[data-command="notebook:interrupt-kernel"]`,
    completions: '.jp-Completer:not(.lm-mod-hidden) .jp-Completer-item .jp-Completer-match',
    tooltip: '.jp-Tooltip',
    async status(page) {
      return page.locator(`${LAB} .jp-Notebook-ExecutionIndicator`).getAttribute('data-status');
    },
    async model(page) {
      return page.evaluate(() => window.jupyterapp.shell.currentWidget.context.model.toJSON());
    },
    async runAll(page) {
      // Run > Run All Cells, as a person would.
      await page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
      await page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click();
    },
    // The whole window with the figure's cell on top and the file browser
    // folded away: the picture for the README (docs/jupyterlab.png).
    async windowShot(page, figureCell, file) {
      await page.evaluate(() => window.jupyterapp.commands.execute('application:toggle-left-area'));
      await waitFor('the left area to fold', () => page.evaluate(() => window.jupyterapp.shell.leftCollapsed));
      await figureCell.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      const box = await figureCell.boundingBox();
      const view = page.viewportSize();
      await page.screenshot({
        path: file,
        clip: { x: 0, y: 0, width: view.width, height: Math.min(view.height, Math.ceil(box.y + box.height + 4)) },
      });
    },
  },
  classic: {
    title: 'the classic notebook',
    app: 'classic',
    command: () => process.env.CLASSIC,
    shotPrefix: 'classic',
    notebookURL: (nb) => `/notebooks/${nb}`,
    cells: '#notebook-container > .cell',
    prompt: '.input_prompt',
    selectPrompt: '.input_prompt',
    editor: '.CodeMirror',
    output: '.output_subarea',
    errorOutput: '.output_subarea.output_error, .output_subarea.output_stderr',
    figure: '.output_subarea img, .output_subarea svg',
    cellOf: 'xpath=ancestor::div[contains(concat(" ", @class, " "), " cell ")][1]',
    kernelLabel: '#kernel_indicator .kernel_indicator_name',
    interrupt: 'button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]',
    completions: '#complete select option',
    tooltip: '#tooltip',
    async status(page) {
      const cls = (await page.locator('#kernel_indicator_icon').getAttribute('class')) ?? '';
      return /\bkernel_idle_icon\b/.test(cls) ? 'idle' : /\bkernel_busy_icon\b/.test(cls) ? 'busy' : cls;
    },
    async model(page) {
      return page.evaluate(() => window.Jupyter.notebook.toJSON());
    },
    async runAll(page) {
      // Cell > Run All.
      await page.locator('#celllink').click();
      await page.locator('#run_all_cells > a').click();
    },
    windowShot: null,
  },
};

const joined = (s) => [].concat(s ?? []).join('');

/** The text of every output of a notebook cell, as nbformat holds it. */
function outputText(cell) {
  return (cell.outputs ?? []).map((o) => {
    if (o.output_type === 'stream') return joined(o.text);
    if (o.output_type === 'error') return `${o.ename}: ${o.evalue}`;
    return joined(o.data?.['text/plain']);
  }).join('');
}

const errorsOf = (cell) => (cell.outputs ?? []).filter((o) => o.output_type === 'error');

// ---- the flow, once per client ---------------------------------------------------

for (const [clientName, client] of Object.entries(clients)) {
  const command = client.command();
  const skip = command ? false : `${clientName}: ${client.app === 'classic' ? 'CLASSIC' : 'JUPYTER'} is not set`;

  describe(`${client.title} with the ${kernelName} kernel in chromium`, { timeout: 120_000, skip }, () => {
    let server;
    let browser;
    let page;
    const shot = (name) => path.join(artifacts, `${client.shotPrefix}-${name}.png`);
    const model = () => client.model(page);
    const cells = () => page.locator(client.cells);

    // The steps share one page: after a failed step the later ones fail at
    // once (naming the step that broke) instead of each waiting out its timeouts.
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

    /** Appends a code cell below the last one, types source into it, leaves it in edit mode. */
    async function appendCell(source) {
      const n = await cells().count();
      // Select the last cell in command mode (click its prompt); `b` inserts below.
      await cells().nth(n - 1).locator(client.selectPrompt).first().click();
      await page.keyboard.press('Escape');
      await page.keyboard.press('b');
      await waitFor('a new cell', async () => (await cells().count()) === n + 1);
      const cell = cells().nth(n);
      await cell.locator(client.editor).first().click();
      // insertText types the text as one input event: no auto-closed brackets or auto-indent.
      await page.keyboard.insertText(source);
      await waitFor(`cell ${n} to hold the typed source`, async () =>
        joined((await model()).cells[n]?.source) === source);
      return { cell, index: n };
    }

    /** Runs the cell being edited in place (Ctrl+Enter); returns its nbformat JSON once it ran. */
    async function runCell({ cell, index }, timeoutMs = 20_000) {
      await page.keyboard.press('Control+Enter');
      await waitFor(`cell ${index} to finish`, async () =>
        (await model()).cells[index].execution_count != null &&
        !(await cell.locator(client.prompt).first().textContent()).includes('*'),
      { timeoutMs });
      return (await model()).cells[index];
    }

    before(async () => {
      fs.mkdirSync(artifacts, { recursive: true });
      assert.ok(process.env.JUPYTER, 'JUPYTER must name the jupyter executable of the test venv');
      const srcDir = profile.notebookDir();
      server = await startJupyter({
        app: client.app,
        command,
        srcDir,
        // The venv's kernelspecs (gograd is installed there) for both servers.
        kernelPath: path.join(path.dirname(path.dirname(process.env.JUPYTER)), 'share', 'jupyter'),
        logFile: path.join(artifacts, `${client.shotPrefix}-${kernelName}-server.log`),
      });
      if (profile.generated) fs.rmSync(srcDir, { recursive: true, force: true });
      browser = await launchBrowser({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
      page = browser.page;
      // The page's console and uncaught errors, kept with the artifacts for diagnosis.
      const consoleLog = fs.createWriteStream(path.join(artifacts, `${client.shotPrefix}-${kernelName}-console.log`));
      page.on('console', (m) => consoleLog.write(`${m.type()}: ${m.text()}\n`));
      page.on('pageerror', (err) => {
        consoleLog.write(`pageerror: ${err.stack ?? err.message}\n`);
        console.error(`${clientName} page error: ${err.message}`);
      });
      page.on('close', () => consoleLog.end());
    });

    after(async () => {
      if (page) await page.screenshot({ path: shot(`${kernelName}-final`) }).catch(() => {});
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
      await page.goto(server.url(client.notebookURL(profile.notebook)), { waitUntil: 'domcontentloaded' });
      await cells().first().waitFor();
      const label = page.locator(client.kernelLabel);
      await waitFor(`the kernel "${profile.displayName}" to be started and idle`, async () =>
        (await label.textContent()).trim() === profile.displayName && (await client.status(page)) === 'idle',
      { timeoutMs: 45_000, intervalMs: 200 });
      assert.equal((await model()).metadata.kernelspec?.name, kernelName);
    });

    step('runs all cells: no error, the printed value, a figure', { timeout: 90_000 }, async () => {
      await client.runAll(page);
      await waitFor('every code cell to run and the kernel to be idle', async () => {
        if ((await client.status(page)) !== 'idle') return false;
        const code = (await model()).cells.filter((c) => c.cell_type === 'code' && joined(c.source).trim());
        const prompts = await page.locator(`${client.cells} ${client.prompt}`).allTextContents();
        return code.every((c) => c.execution_count != null) && !prompts.some((p) => p.includes('*'));
      }, { timeoutMs: 75_000, intervalMs: 200 });

      const nb = await model();
      const counts = nb.cells.filter((c) => c.cell_type === 'code' && joined(c.source).trim())
        .map((c) => c.execution_count);
      assert.deepEqual(counts, counts.map((_, i) => i + 1), 'a fresh kernel ran every code cell once, in order');
      const errors = nb.cells.flatMap((c, i) => errorsOf(c).map((o) => `cell ${i}: ${o.ename}: ${o.evalue}`));
      assert.deepEqual(errors, [], 'no cell ends in an error');
      assert.equal(await page.locator(`${client.cells} :is(${client.errorOutput})`).count(), 0,
        'no error or stderr output is shown');

      const shown = await page.locator(`${client.cells} ${client.output}`).allTextContents();
      const printed = new RegExp(`(^|\\s)${profile.printed.replace(/[.]/g, '\\.')}(\\s|$)`);
      assert.ok(shown.some((t) => printed.test(t)),
        `an output shows ${profile.printed}; outputs: ${JSON.stringify(shown).slice(0, 2000)}`);

      // A rendered figure: an img (loaded) or svg of non-trivial size in an output area.
      const figures = page.locator(`${client.cells} :is(${client.figure})`);
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
      const figureCell = figure.locator(client.cellOf);
      await figureCell.screenshot({ path: shot('figure') });
      assert.ok(fs.statSync(shot('figure')).size > 10_000, 'the figure screenshot is not blank');
      if (client.windowShot) await client.windowShot(page, figureCell, shot('window'));
    });

    step('the interrupt button stops an endless loop', { timeout: 60_000 }, async () => {
      const state = await appendCell(profile.stateCell);
      assert.deepEqual(errorsOf(await runCell(state)), [], 'the state cell runs');

      const loop = await appendCell(profile.loopCell);
      await page.keyboard.press('Control+Enter');
      await waitFor('the loop cell to be running', async () =>
        (await loop.cell.locator(client.prompt).first().textContent()).includes('*') &&
        (await client.status(page)) === 'busy', { timeoutMs: 15_000 });
      const started = Date.now();
      await page.locator(client.interrupt).click();
      await waitFor('the loop cell to end after the interrupt', async () => {
        const c = (await model()).cells[loop.index];
        return c.execution_count != null && errorsOf(c).length > 0;
      }, { timeoutMs: 20_000, intervalMs: 50 });
      const stopMs = Date.now() - started;
      const [err] = errorsOf((await model()).cells[loop.index]);
      assert.match(`${err.ename} ${err.evalue}`, /interrupt/i, 'the cell ends with an interrupted error');
      const shown = loop.cell.locator(client.errorOutput);
      await shown.first().waitFor();
      assert.match(await shown.first().textContent(), /interrupt/i, 'the page shows the interrupted error');
      await waitFor('the kernel to be idle after the interrupt', async () =>
        (await client.status(page)) === 'idle', { timeoutMs: 10_000 });
      await loop.cell.screenshot({ path: shot('interrupted') });
      console.log(`${clientName}: interrupt button to error in the notebook: ${stopMs} ms`);
    });

    step('a following cell still sees earlier state', { timeout: 30_000 }, async () => {
      const next = await appendCell(profile.afterCell);
      const out = await runCell(next);
      assert.deepEqual(errorsOf(out), []);
      assert.equal(outputText(out).trim(), '42');
      assert.match(await next.cell.locator(client.output).first().textContent(), /^\s*42\s*$/);
    });

    step(`Tab after ${profile.complete.typed} offers ${profile.complete.want}`, { timeout: 30_000 }, async () => {
      const { typed, want } = profile.complete;
      const c = await appendCell(typed);
      await page.keyboard.press('Tab');
      // A single match is inserted at once; several open the completer list.
      const how = await waitFor(`the completer to offer ${want}`, async () => {
        const items = (await page.locator(client.completions).allTextContents()).map((t) => t.trim());
        if (items.includes(want)) return 'listed';
        const prefix = typed.slice(0, typed.lastIndexOf('.') + 1);
        return joined((await model()).cells[c.index].source) === prefix + want ? 'inserted' : false;
      }, { timeoutMs: 15_000 });
      await page.screenshot({ path: shot(`${kernelName}-completion`) });
      if (how === 'listed') await page.keyboard.press('Escape');
      console.log(`${clientName}: completion of ${typed}: ${want} ${how}`);
    });

    step(`Shift+Tab on ${profile.inspect.typed} shows its documentation`, { timeout: 30_000 }, async () => {
      const { typed, want } = profile.inspect;
      await appendCell(typed);
      await page.keyboard.press('Shift+Tab');
      const tooltip = page.locator(client.tooltip);
      await tooltip.waitFor({ state: 'visible', timeout: 15_000 });
      await waitFor('documentation text in the tooltip', async () =>
        ((await tooltip.textContent()) ?? '').trim().length > 20, { timeoutMs: 10_000 });
      const text = await tooltip.textContent();
      assert.match(text, want);
      await page.screenshot({ path: shot(`${kernelName}-inspect`) });
      console.log(`${clientName}: inspection of ${typed}: ${text.trim().slice(0, 160).replace(/\s+/g, ' ')}`);
    });

    // ipywidgets' JupyterLab extension (pinned in requirements.txt) draws
    // gograd's widget models: dragging the slider re-runs the function in the
    // kernel and replaces the figure and the text in the Output widget; a
    // callback that never returns stops at the interrupt button.
    if (clientName === 'lab' && kernelName === 'gograd') {
      step('a widget slider moves the figure; a runaway callback stops at the interrupt button', { timeout: 120_000 }, async () => {
        await page.keyboard.press('Escape');
        const w = await appendCell([
          'display.Interact(func(a float64) (string, *display.Figure) {',
          '\tif a >= 3 {',
          '\t\tfor {',
          '\t\t}',
          '\t}',
          '\tx := ad.Linspace(-3, 3, 61)',
          '\ttangent := ad.Add(ad.Mul(ad.Sub(x, a), math.Cos(a)), math.Sin(a))',
          '\treturn fmt.Sprintf("a = %.2f", a), display.Curves(x, []*ad.Tensor{ad.Sin(x), tangent}, []string{"sin x", "tangent at a"}).YRange(-3, 3)',
          '}, display.FloatSlider("a", -3, 3, 0.25, 0.5))',
        ].join('\n'));
        assert.deepEqual(errorsOf(await runCell(w, 30_000)), [], 'the Interact cell runs');
        const handle = w.cell.locator('.widget-slider .noUi-handle').first();
        const area = w.cell.locator('.widget-output');
        const readout = w.cell.locator('.widget-readout').first();
        await handle.waitFor({ timeout: 20_000 });
        await waitFor('the first figure in the Output widget', async () =>
          (await area.locator('img').count()) > 0 && /a = 0\.50/.test(await area.innerText()), { timeoutMs: 20_000 });
        const before = { src: await area.locator('img').first().getAttribute('src'), text: await area.innerText() };
        await w.cell.scrollIntoViewIfNeeded();

        // Drag the handle about a third of the track to the right.
        const track = await w.cell.locator('.widget-slider .noUi-target').first().boundingBox();
        const hb = await handle.boundingBox();
        const y = hb.y + hb.height / 2;
        await page.mouse.move(hb.x + hb.width / 2, y);
        await page.mouse.down();
        await page.mouse.move(hb.x + hb.width / 2 + track.width * 0.3, y, { steps: 15 });
        await page.mouse.up();
        const value = (await readout.innerText()).trim().replace('\u2212', '-');
        assert.notEqual(value, '0.50', 'the readout moved');
        assert.ok(Number(value) < 3, `dragged to ${value}`);
        await waitFor(`the Output widget to show a = ${value}`, async () =>
          (await area.innerText()).includes(`a = ${value}`) && (await client.status(page)) === 'idle', { timeoutMs: 30_000 });
        const after = { src: await area.locator('img').first().getAttribute('src'), text: await area.innerText() };
        assert.match(after.src, /^data:image\//, 'the figure is an image');
        assert.notEqual(after.src, before.src, 'the figure changed');
        await w.cell.screenshot({ path: shot('widgets') });

        // Drag to the end of the track: the callback spins until interrupted.
        // Only the end (3) spins: a lower threshold (2.75) let the drag back
        // start with a value that spins again (the handle's first position
        // under the pointer), which nothing interrupted.
        const hb2 = await handle.boundingBox();
        await page.mouse.move(hb2.x + hb2.width / 2, y);
        await page.mouse.down();
        await page.mouse.move(track.x + track.width + 40, y, { steps: 10 });
        await page.mouse.up();
        await waitFor('the kernel to be busy with the callback', async () => (await client.status(page)) === 'busy', { timeoutMs: 15_000 });
        await page.waitForTimeout(500);
        await page.locator(client.interrupt).click();
        await waitFor('the Output widget to show the interrupt', async () =>
          /Interrupted/.test(await area.innerText()) && (await client.status(page)) === 'idle', { timeoutMs: 20_000 });
        await w.cell.screenshot({ path: shot('widgets-interrupted') });

        // The interrupted callback runs again when the slider moves back.
        const hb3 = await handle.boundingBox();
        await page.mouse.move(hb3.x + hb3.width / 2, y);
        await page.mouse.down();
        await page.mouse.move(track.x + track.width * 0.2, y, { steps: 10 });
        await page.mouse.up();
        // d3-format's readout writes negative numbers with U+2212.
        const back = (await readout.innerText()).trim().replace('\u2212', '-');
        await waitFor(`the Output widget to show a = ${back} after the interrupt`, async () =>
          (await area.innerText()).includes(`a = ${back}`) && (await area.locator('img').count()) > 0, { timeoutMs: 30_000 });
      });
    }
  });
}
