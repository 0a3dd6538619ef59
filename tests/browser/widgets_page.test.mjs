// The page `gograd run --html` makes of a widget notebook stays interactive
// without a kernel: dragging the slider swaps in the figure and the text
// computed ahead for its position. Run by run.sh with WIDGETS_PAGE set to the
// page (made from widgets.md); the screenshot goes to $ARTIFACTS.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { launchBrowser } from './harness.mjs';

const pagePath = process.env.WIDGETS_PAGE;
const artifacts = process.env.ARTIFACTS ?? path.resolve('../artifacts');

test('gograd run --html: the slider moves the figure without a kernel', { timeout: 90_000 }, async () => {
  assert.ok(pagePath, 'WIDGETS_PAGE is not set');
  const browser = await launchBrowser({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
  try {
    const { page } = browser;
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
    await page.goto('file://' + path.resolve(pagePath));
    const box = page.locator('.widget-interact').first();
    const slider = box.locator('input[type=range]').first();
    const out = box.locator('.wout');
    await slider.waitFor();
    const before = { src: await out.locator('img').first().getAttribute('src'), text: await out.innerText() };
    assert.match(before.text, /a = 0\.50/);
    assert.equal(await box.locator('output').first().innerText(), '0.50');

    // Drag the slider's thumb to the right, as a person would.
    const bb = await slider.boundingBox();
    const value = Number(await slider.inputValue());
    const max = Number(await slider.getAttribute('max'));
    const x0 = bb.x + bb.width * (value / max);
    await page.mouse.move(x0, bb.y + bb.height / 2);
    await page.mouse.down();
    await page.mouse.move(bb.x + bb.width * 0.9, bb.y + bb.height / 2, { steps: 12 });
    await page.mouse.up();

    const after = { src: await out.locator('img').first().getAttribute('src'), text: await out.innerText() };
    const moved = Number(await slider.inputValue());
    assert.ok(moved > value, `slider value ${moved} after the drag, was ${value}`);
    const readout = await box.locator('output').first().innerText();
    assert.match(after.text, new RegExp('a = ' + readout.replace('.', '\\.')), `text ${after.text} vs readout ${readout}`);
    assert.notEqual(after.text, before.text);
    // A pre-rendered figure is the smaller of its PNG and SVG (the SVG, for a line plot).
    assert.ok(/^data:image\/(png;base64|svg\+xml;charset=utf-8),/.test(after.src), after.src.slice(0, 40));
    assert.notEqual(after.src, before.src, 'the figure did not change');
    await page.screenshot({ path: path.join(artifacts, 'widgets-page.png'), fullPage: false });

    // The keyboard moves it too, back to the start.
    await slider.focus();
    for (let i = 0; i < moved - value; i++) await page.keyboard.press('ArrowLeft');
    assert.equal(await out.locator('img').first().getAttribute('src'), before.src);
    assert.deepEqual(requests, [], 'the page made network requests');
  } finally {
    await browser.close();
  }
});
