// Debian's Chromium driven by playwright-core, and numbered screenshots of
// each step under tests/browser/artifacts/<suite>/.
//
//   import { launchBrowser, screenshots } from './support/browser.mjs';
//   const browser = await launchBrowser();
//   const shots = screenshots('storefront-desktop');
//   await shots.take(page, 'catalog');   // artifacts/storefront-desktop/01-catalog.png

import { mkdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEngine } from './engine.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * An engine (fresh database) and a browser for one test file. If either fails
 * to start, the other is shut down too, so a failed start never leaves a
 * process behind that keeps the test file from ending.
 *   const { engine, browser, close } = await startEngineAndBrowser('storefront');
 */
export async function startEngineAndBrowser(name, env = {}) {
  const [engine, browser] = await Promise.allSettled([startEngine({ name, env }), launchBrowser()]);
  if (engine.status === 'rejected' || browser.status === 'rejected') {
    if (browser.status === 'fulfilled') await browser.value.close().catch(() => {});
    if (engine.status === 'fulfilled') await engine.value.stop();
    throw engine.status === 'rejected' ? engine.reason : browser.reason;
  }
  return {
    engine: engine.value,
    browser: browser.value,
    async close() {
      await browser.value.close().catch(() => {});
      await engine.value.stop();
    },
  };
}

export const artifactsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

/** A fresh directory of numbered screenshots for one suite. */
export function screenshots(suite) {
  const dir = join(artifactsDir, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let step = 0;
  return {
    dir,
    async take(page, name) {
      step += 1;
      const file = join(dir, `${String(step).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
  };
}

/** Polls `condition` (async) until it returns a truthy value or `ms` pass. */
export async function eventually(condition, ms = 15000, what = 'condition') {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await condition();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until the element's visible text (trimmed) equals `expected`, or
 * matches it when it is a RegExp; playwright-core has no expect().
 */
export async function expectText(locator, expected, { timeout = 5000 } = {}) {
  const matches = (text) => (expected instanceof RegExp ? expected.test(text) : text === expected);
  let last = '(nothing)';
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      last = (await locator.innerText({ timeout: Math.max(100, Math.min(1000, deadline - Date.now())) })).trim();
      if (matches(last)) return last;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) {
      throw new Error(`expected ${locator} to read ${expected} within ${timeout} ms; it read "${last}"`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The text of the elements named by the field's aria-describedby. */
export function describedBy(locator) {
  return locator.evaluate((el) => (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent.trim() ?? '')
    .join(' | '));
}

/** Signs `admin` (from engine.addAdmin) in on `page` with a fresh code and waits for the orders list. */
export async function signInAsAdmin(page, engine, admin) {
  await page.goto(`${engine.url}/admin`);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Authentication code').fill(await engine.totp(admin.secret));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
}
