// Headless Chromium driven line by line by the Java tests (see browser/Browser.java), through
// playwright-core and the system's Chromium (no browser is downloaded).
//
// Parameters: {"executablePath": "/usr/bin/chromium", "userDataDir": "<a fresh empty folder>"}
// Commands arrive on stdin as JSON lines; each names its page and a seq, and gets one reply:
//   {"type":"reply","seq":1,"ok":true,"value":...}   or   {"type":"reply","seq":1,"ok":false,"error":"..."}
// Page errors and console errors are printed as {"socket":"console","page":"alice","text":"..."}, so a
// test that never takes them fails at its end.
//
//   {"op":"open","page":"alice","url":"http://127.0.0.1:1234/"}       a new tab
//   {"op":"fill","page":"alice","selector":"#nick","value":"alice"}
//   {"op":"type","page":"alice","selector":"#msg","text":"hello"}    key by key (input events fire)
//   {"op":"press","page":"alice","selector":"#msg","key":"Enter"}
//   {"op":"click","page":"alice","selector":"#send"}
//   {"op":"waitFor","page":"alice","selector":"#app","state":"visible","timeout":10000}
//   {"op":"waitText","page":"alice","selector":"#typing","text":"bob is typing…","timeout":10000}
//       waits until the first element the selector matches has exactly this text (trimmed)
//   {"op":"texts","page":"alice","selector":"#members li"}          value: every match's text, trimmed
//   {"op":"attributes","page":"alice","selector":"#members li","name":"data-nick"}
//       value: that attribute of every match
//   {"op":"screenshot","page":"alice","path":"/abs/path.png"}
//   {"op":"close","page":"alice"}                                    closes the tab (its socket goes)
//   {"op":"evaluate","page":"alice","script":"..."}   value: the script's result (a promise is awaited),
//                                                     as JSON
//   {"op":"addScript","page":"alice","path":"/abs/client.js"}       runs a script file in the page
// Selectors are Playwright's: CSS plus :has-text("..."), :text-is("...") and the like.
import { chromium } from 'playwright-core';
import { commands, out, params } from '../lib/wire.js';

const { executablePath, userDataDir, width = 1180, height = 720 } = params();
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  viewport: { width, height },
  deviceScaleFactor: 1,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const pages = new Map();
out({ type: 'ready', version: context.browser() ? context.browser().version() : 'unknown' });

function pageOf(name) {
  const page = pages.get(name);
  if (!page) {
    throw new Error(`no page named ${name}`);
  }
  return page;
}

const operations = {
  async open({ page: name, url }) {
    const page = await context.newPage();
    page.on('pageerror', (err) => out({ socket: 'console', page: name, text: String(err) }));
    page.on('console', (msg) => msg.type() === 'error' && out({ socket: 'console', page: name, text: msg.text() }));
    pages.set(name, page);
    await page.goto(url);
  },
  fill: ({ page, selector, value }) => pageOf(page).fill(selector, value),
  type: ({ page, selector, text }) => pageOf(page).locator(selector).pressSequentially(text, { delay: 20 }),
  press: ({ page, selector, key }) => pageOf(page).press(selector, key),
  click: ({ page, selector }) => pageOf(page).click(selector),
  async waitFor({ page, selector, state = 'visible', timeout = 10000 }) {
    await pageOf(page).locator(selector).first().waitFor({ state, timeout });
  },
  async waitText({ page, selector, text, timeout = 10000 }) {
    // Polls like Playwright's expect(...).toHaveText(): the element may come, go and change meanwhile.
    const locator = pageOf(page).locator(selector).first();
    const deadline = Date.now() + timeout;
    let seen = '(no such element)';
    for (;;) {
      const left = deadline - Date.now();
      const now = await locator.textContent({ timeout: Math.max(1, Math.min(left, 250)) }).catch(() => null);
      if (now !== null) {
        seen = JSON.stringify(now.trim());
        if (now.trim() === text) {
          return;
        }
      }
      if (left <= 0) {
        throw new Error(`${selector} never read ${JSON.stringify(text)} within ${timeout} ms; it reads ${seen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  },
  texts: ({ page, selector }) => pageOf(page).locator(selector).allTextContents()
    .then((all) => all.map((t) => t.trim())),
  attributes: ({ page, selector, name }) => pageOf(page).locator(selector)
    .evaluateAll((nodes, attr) => nodes.map((n) => n.getAttribute(attr)), name),
  screenshot: ({ page, path }) => pageOf(page).screenshot({ path }).then(() => path),
  evaluate: ({ page, script }) => pageOf(page).evaluate(script),
  addScript: ({ page, path }) => pageOf(page).addScriptTag({ path }).then(() => null),
  async close({ page }) {
    await pageOf(page).close({ runBeforeUnload: false });
    pages.delete(page);
  },
};

// One command at a time, in arrival order: the Java side waits for each reply anyway.
let queue = Promise.resolve();
commands((command) => {
  queue = queue.then(async () => {
    const operation = operations[command.op];
    try {
      if (!operation) {
        throw new Error(`unknown op ${command.op}`);
      }
      const value = await operation(command);
      out({ type: 'reply', seq: command.seq, ok: true, value: value === undefined ? null : value });
    } catch (e) {
      out({ type: 'reply', seq: command.seq, ok: false, error: String(e.message || e).slice(0, 800) });
    }
  });
});
// When stdin closes, wire.js exits the process and Playwright kills the browser it launched.
