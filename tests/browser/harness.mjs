// Harness for the browser test: a throwaway JupyterLab server and a headless
// Debian chromium driven by playwright-core. Nothing here downloads anything;
// the browser is the system's (/usr/bin/chromium unless CHROMIUM says otherwise).

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// Flags that work for a headless chromium run as root on a machine without a
// GPU or general internet access (see issue 7). --user-data-dir is added by
// playwright's launchPersistentContext, which owns that flag.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls cond() every intervalMs until it returns a truthy value or timeoutMs passes. */
export async function waitFor(what, cond, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` +
        (lastErr ? ` (last error: ${lastErr.message})` : ''));
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Starts a Jupyter server on 127.0.0.1 with a random token, serving a
 * temporary copy of srcDir, with fresh settings, workspaces, config and
 * runtime directories so that nothing from an earlier run or from the user's
 * own setup leaks in. app is 'lab' (command: the venv's `jupyter`, run as
 * `jupyter lab`) or 'classic' (command: Debian's `jupyter-notebook` 6).
 * kernelPath is added to JUPYTER_PATH so the server finds kernelspecs there.
 * The server's log goes to logFile. Resolves once /api/status answers.
 */
export async function startJupyter({ app, command, srcDir, logFile, kernelPath, timeoutMs = 60_000 }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `gograd-${app}-`));
  const root = path.join(tmp, 'notebooks');
  fs.cpSync(srcDir, root, { recursive: true });
  for (const d of ['workspaces', 'runtime', 'config']) fs.mkdirSync(path.join(tmp, d));
  const port = await freePort();
  const token = crypto.randomBytes(24).toString('hex');
  const common = ['--no-browser', '--ip=127.0.0.1', `--port=${port}`];
  let args;
  if (app === 'lab') {
    const settings = path.join(tmp, 'settings');
    // No news or update checks: they would reach for the network and pop up toasts.
    const notif = path.join(settings, '@jupyterlab', 'apputils-extension');
    fs.mkdirSync(notif, { recursive: true });
    fs.writeFileSync(path.join(notif, 'notification.jupyterlab-settings'),
      JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
    // Every cell stays in the DOM (no virtual scrolling), so the test sees them all.
    const nbSettings = path.join(settings, '@jupyterlab', 'notebook-extension');
    fs.mkdirSync(nbSettings, { recursive: true });
    fs.writeFileSync(path.join(nbSettings, 'tracker.jupyterlab-settings'),
      JSON.stringify({ windowingMode: 'none' }));
    args = [
      'lab', ...common, '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${root}`,
      `--LabApp.user_settings_dir=${settings}`,
      `--LabApp.workspaces_dir=${path.join(tmp, 'workspaces')}`,
      '--LabApp.news_url=None',
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
      // Lets the test read the notebook model (output types, error names) as
      // a check beside what the page shows; galata does the same.
      '--LabApp.expose_app_in_browser=True',
    ];
  } else if (app === 'classic') {
    // notebook 6 (Debian's python3-notebook): the NotebookApp spellings.
    args = [
      ...common, '--NotebookApp.port_retries=0',
      `--NotebookApp.token=${token}`,
      `--NotebookApp.notebook_dir=${root}`,
    ];
  } else {
    throw new Error(`startJupyter: unknown app ${app}`);
  }
  if (process.getuid?.() === 0) args.push('--allow-root'); // CI runs as root
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'w');
  const env = {
    ...process.env,
    JUPYTER_RUNTIME_DIR: path.join(tmp, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(tmp, 'config'),
    JUPYTER_PLATFORM_DIRS: '1',
  };
  if (kernelPath) env.JUPYTER_PATH = [kernelPath, env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  delete env.JUPYTER_TOKEN;
  const proc = spawn(command, args, { stdio: ['ignore', log, log], env });
  fs.closeSync(log);
  let exited = null;
  const exitPromise = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  proc.on('error', (err) => { exited = { error: err }; });

  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, token, root, port, proc, logFile,
    url: (p) => `${base}${p}${p.includes('?') ? '&' : '?'}token=${token}`,
    async stop() {
      if (exited) {
        fs.rmSync(tmp, { recursive: true, force: true });
        return;
      }
      // A clean shutdown also shuts down every kernel the server started.
      try {
        await fetch(`${base}/api/shutdown`, {
          method: 'POST',
          headers: { Authorization: `token ${token}` },
          signal: AbortSignal.timeout(5_000),
        });
      } catch { /* fall through to signals */ }
      for (const [sig, ms] of [[null, 10_000], ['SIGTERM', 5_000], ['SIGKILL', 5_000]]) {
        if (sig && !exited) proc.kill(sig);
        await Promise.race([exitPromise, new Promise((r) => setTimeout(r, ms))]);
        if (exited) break;
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`${path.basename(command)} to answer /api/status`, async () => {
      if (exited) return true; // reported below
      const r = await fetch(server.url('/api/status'), { signal: AbortSignal.timeout(2_000) });
      return r.ok;
    }, { timeoutMs, intervalMs: 200 });
    if (exited) throw new Error(`${path.basename(command)} exited early (${JSON.stringify(exited)}); see ${logFile}`);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/** Launches chromium with a fresh profile; returns { context, page, close }. */
export async function launchBrowser({ executablePath }) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gograd-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
