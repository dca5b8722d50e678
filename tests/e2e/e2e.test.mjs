// End-to-end: the real `tansiq demo` hub and the built web UI, driven by playwright-core in
// Debian's Chromium (headless, no browser download). Officers of two parties in two browser
// contexts; Arabic report releasable to the other party, found there by a variant spelling,
// while a report not released to it stays invisible; FLASH live to the other's inbox,
// acknowledged, and the sender sees it; right-to-left layout by computed direction; XSS
// payloads in every displayed field execute nothing; a screenshot of every page.
// Run through tests/e2e/run (ctest -L e2e).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { mkdirSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Hub, REPO, TAXII, TLP_GREEN, sdo } from "./hub.mjs";

const require = createRequire(join(REPO, "web", "package.json"));
const { chromium } = require("playwright-core");

const OUT = process.env.TANSIQ_E2E_OUT || join(REPO, "build", "default", "e2e-screenshots");
// The main screens in ar and en for the README: written beside the others unless
// TANSIQ_E2E_DOCS names docs/screenshots/ (kept in git), so a test run leaves the tree clean.
const DOCS_SHOTS = process.env.TANSIQ_E2E_DOCS || join(OUT, "readme");
const AXE = require.resolve("axe-core/axe.min.js");
const CHROMIUM = process.env.TANSIQ_CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 15_000;

// Unique Latin-letter words, so each test's search finds only its own reports.
const nonce = () => "zq" + [...randomBytes(6)].map((b) => "abcdefghijklmnoprstuvwxy"[b % 24]).join("");

const XSS = {
  img: `<img src=x onerror="window.__xss=(window.__xss||0)+1;alert('img')">`,
  script: `<script>window.__xss=(window.__xss||0)+1;alert('script')</script>`,
  svg: `"><svg onload="window.__xss=(window.__xss||0)+1;alert('svg')">`,
  mark: `</mark><img src=x onerror="window.__xss=1"><mark>`,
};
const XSS_ALL = Object.values(XSS).join(" ");

let hub;
let browser;
const problems = []; // dialogs, page errors, CSP violations, off-origin requests

before(async () => {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (scripts/install-deps)`);
  hub = await Hub.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required"] });
});

after(async () => {
  await browser?.close();
  await hub?.stop();
});

async function newContext(locale = "en-US") {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(TIMEOUT);
  return ctx;
}

function watch(page, who) {
  page.on("dialog", async (d) => {
    problems.push(`${who}: dialog ${d.type()} "${d.message()}"`);
    await d.dismiss().catch(() => undefined);
  });
  page.on("pageerror", (e) => problems.push(`${who}: page error ${e.message}`));
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to (execute|apply|load|connect)/i.test(m.text())) problems.push(`${who}: CSP: ${m.text()}`);
  });
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(hub.base) && !u.startsWith(hub.base.replace("http:", "ws:")) && !u.startsWith("data:") && !u.startsWith("blob:")) {
      problems.push(`${who}: off-origin request ${u}`);
    }
  });
}

async function login(ctx, user, lang) {
  const page = await ctx.newPage();
  watch(page, user);
  await page.goto(hub.base + "/");
  await page.waitForSelector("#login-form");
  await page.fill("#login-user", user);
  await page.fill("#login-password", `demo-${user}`);
  if (lang) await page.selectOption("#login-lang", lang);
  await page.click("#login-submit");
  await page.waitForSelector(".topbar");
  return page;
}

async function shot(page, name) {
  await page.waitForTimeout(150); // fonts and layout settle
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

async function noXssRan(page, where) {
  const r = await page.evaluate(() => ({
    flag: window.__xss ?? null,
    imgs: document.querySelectorAll('img[src="x"]').length,
    svgs: document.querySelectorAll("svg[onload]").length,
    bodyScripts: document.querySelectorAll("body script").length,
  }));
  assert.deepEqual(r, { flag: null, imgs: 0, svgs: 0, bodyScripts: 0 }, `XSS effect on ${where}`);
}

async function search(page, q) {
  const query = new URLSearchParams({ q }).toString();
  await page.goto(`${hub.base}/#/search?${query}`);
  // The results of this query (not the previous page's).
  await page.waitForSelector(`#search-total[data-query="${query}"]`);
  return page.locator(".hit").count();
}

async function compose(page, { title, text, lang, tlp = "amber", releasableTo = [], flashTo }) {
  await page.goto(`${hub.base}/#/compose`);
  await page.waitForSelector("#compose-releasable input");
  await page.fill("#compose-title", title);
  await page.fill("#compose-text", text);
  await page.selectOption("#compose-lang", lang);
  await page.selectOption("#compose-tlp", tlp);
  for (const p of releasableTo) await page.check(`#compose-releasable input[value="${p}"]`);
  const ticked = await page.locator("#compose-releasable input:checked").evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(ticked.sort(), [...releasableTo].sort(), "releasable to exactly the chosen parties");
  if (flashTo) {
    await page.check("#compose-send");
    await page.selectOption("#compose-precedence", "flash");
    await page.fill("#compose-to-users", flashTo);
  }
  await page.click("#compose-submit");
  await page.waitForSelector("#compose-stored, #compose-outcome .alert-error");
  const err = await page.locator("#compose-outcome .alert-error").allTextContents();
  assert.deepEqual(err, [], "compose refused");
  return page.locator("#compose-stored a").getAttribute("href");
}

const messaging = async () => (await hub.request("GET", "/api/v1/messages?box=inbox", { user: "iq-officer" })).status === 200;

test("login page, right-to-left in Arabic and Persian, and the language remembered per user", async () => {
  const ctx = await newContext();
  const page = await ctx.newPage();
  watch(page, "anonymous");
  await page.goto(hub.base + "/");
  await page.waitForSelector("#login-form");
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).direction), "ltr");
  await shot(page, "login-en");
  await page.selectOption("#login-lang", "ar");
  assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector("#login-form")).direction), "rtl");
  assert.equal(await page.locator("#login-submit").textContent(), "تسجيل الدخول");
  await shot(page, "login-ar");
  await page.fill("#login-user", "iq-officer");
  await page.fill("#login-password", "wrong password");
  await page.click("#login-submit");
  await page.waitForSelector("#login-error");
  await page.fill("#login-password", "demo-iq-officer");
  await page.click("#login-submit");
  await page.waitForSelector(".topbar");
  // Mirrored: the brand stands at the inline start, which is the right in RTL.
  const brand = await page.locator(".brand").boundingBox();
  const logout = await page.locator("#logout").boundingBox();
  assert.ok(brand.x > logout.x, `brand (${brand.x}) right of logout (${logout.x}) in RTL`);
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".nav")).direction), "rtl");
  await ctx.close();

  // A fresh browser (no local storage) gets Arabic back from the user's server-side prefs.
  const ctx2 = await newContext();
  const again = await login(ctx2, "iq-officer");
  await again.waitForFunction(() => document.documentElement.lang === "ar");
  assert.equal(await again.evaluate(() => getComputedStyle(document.body).direction), "rtl");
  const en = await login(await newContext(), "ru-officer", "en");
  const b = await en.locator(".brand").boundingBox();
  const l = await en.locator("#logout").boundingBox();
  assert.ok(b.x < l.x, "brand left of logout in LTR");
  await en.context().close();
  // Persian is right-to-left too; switching in the header is remembered as well.
  await again.selectOption("#ui-lang", "fa");
  assert.equal(await again.evaluate(() => [document.documentElement.dir, getComputedStyle(document.body).direction].join()), "rtl,rtl");
  await again.waitForTimeout(300);
  await again.selectOption("#ui-lang", "ar");
  await again.waitForTimeout(300);
  await ctx2.close();
});

test("Arabic report releasable to Russia: found there by a variant spelling; one not released stays invisible", async () => {
  const a = await login(await newContext("ar"), "iq-officer", "ar");
  const b = await login(await newContext("ru-RU"), "ru-officer", "ru");
  const n1 = nonce();
  const n2 = nonce();
  const toRu = await compose(a, {
    title: `تقرير عن مكافحة الإرهاب ${n1}`,
    text: `أكدت قيادة العمليات المشتركة أن التعاون في محاربة الإرهاب مستمر في بغداد. ${n1}`,
    lang: "ar",
    releasableTo: ["ru"],
  });
  assert.match(toRu, /^#\/object\/report--/);
  await shot(a, "compose-ar");
  await compose(a, {
    title: `تقرير للشريك السوري فقط ${n2}`,
    text: `معلومات عن الإرهاب في دير الزور لا تخص إلا سوريا. ${n2}`,
    lang: "ar",
    releasableTo: ["sy"],
  });

  // ru: the variant spelling الارهاب (no hamza) finds the report written with الإرهاب.
  assert.equal(await search(b, `الارهاب ${n1}`), 1);
  assert.equal(await b.locator("#search-total").textContent(), "1 результат", "the singular form (Intl.PluralRules)");
  assert.ok((await b.locator(".hit mark").count()) >= 1, "snippet highlights the match");
  assert.equal(await b.locator(".hit mark *").count(), 0, "marks hold text only");
  const marked = (await b.locator(".hit mark").allTextContents()).join(" ");
  assert.match(marked, /الإرهاب|الارهاب|إرهاب/);
  await shot(b, "search-results-ru");
  // … and not the one released to Syria alone: no hit, no count.
  assert.equal(await search(b, `الارهاب ${n2}`), 0);
  assert.equal(await search(b, n2), 0);
  assert.ok(await b.locator(".empty").isVisible());
  // The originator still finds both.
  assert.equal(await search(a, `الارهاب ${n2}`), 1);
  assert.equal(await a.evaluate(() => getComputedStyle(document.querySelector(".hits")).direction), "rtl");
  await shot(a, "search-results-ar");

  // ru opens the object page: fields, markings, versions, graph.
  await b.goto(`${hub.base}/${toRu}`);
  await b.waitForSelector("#object-title");
  assert.match(await b.locator("#object-title").textContent(), new RegExp(n1));
  await b.waitForSelector("#object-versions li, #object-versions .unavailable");
  await b.waitForSelector("#object-graph .graph-figure[data-state=\"ready\"], #object-graph .unavailable");
  // The releasability marking, resolved to the parties it names.
  await b.waitForSelector("#object-markings .releasable-to");
  const to = await b.locator("#object-markings .releasable-to .badge").allTextContents();
  assert.deepEqual(to, ["Россия"]);
  await shot(b, "object-ru");
  // An object ru may not read is "not found", without a hint of its existence.
  const [hidden] = await a.locator(".hit a.hit-name").evaluateAll((els) => els.map((e) => e.getAttribute("href")));
  await b.goto(`${hub.base}/${hidden}`);
  await b.waitForSelector("#object-missing");
  await a.context().close();
  await b.context().close();
});

test("XSS payloads in every displayed field of stored objects execute nothing", async () => {
  const ids = await hub.parties();
  const n = nonce();
  const person = sdo("identity", ids.iq, { name: `${XSS.img} ${n}`, description: XSS_ALL, identity_class: "individual", object_marking_refs: [TLP_GREEN] });
  const report = sdo("report", ids.iq, {
    name: `${XSS.script} ${n} تقرير`,
    description: `${XSS_ALL} ${n} الإرهاب`,
    published: new Date().toISOString(),
    report_types: [XSS.svg],
    labels: [XSS.img, XSS.mark],
    external_references: [{ source_name: XSS.svg, description: XSS.script, url: "javascript:alert(1)" }],
    object_refs: [person.id],
    object_marking_refs: [TLP_GREEN],
    lang: "ar",
  });
  await hub.postObjects("iq-officer", [person, report]);
  for (const [user, lang] of [
    ["ru-officer", "en"],
    ["sy-officer", "ar"],
  ]) {
    const page = await login(await newContext(), user, lang);
    assert.ok((await search(page, n)) >= 2, "both objects found");
    // The payload is shown as text, not markup.
    const text = await page.locator(".hits").textContent();
    assert.ok(text.includes("<script>") || text.includes("<img"), "payload visible as text");
    await noXssRan(page, `search as ${user}`);
    await shot(page, `xss-search-${lang}`);
    for (const id of [report.id, person.id]) {
      await page.goto(`${hub.base}/#/object/${id}`);
      await page.waitForSelector("#object-fields");
      await page.waitForSelector("#object-graph .graph-figure[data-state=\"ready\"], #object-graph .unavailable");
      assert.ok((await page.locator("#object-title").textContent()).includes("<"), "title as text");
      await noXssRan(page, `object ${id} as ${user}`);
    }
    await shot(page, `xss-object-${lang}`);
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test("FLASH reaches the other party's inbox live, is acknowledged, and the sender sees it", async (t) => {
  if (!(await messaging())) {
    t.skip("the messages API is not on this server yet");
    return;
  }
  const a = await login(await newContext("ar"), "iq-officer", "ar");
  const b = await login(await newContext(), "ru-officer", "en");
  await b.goto(`${hub.base}/#/inbox`);
  await b.waitForSelector("#stream-state.stream-live");
  const n = nonce();
  // A recipient outside the releasability (sy) is refused: nothing sent, the refusal names them.
  await a.goto(`${hub.base}/#/compose`);
  await a.waitForSelector("#compose-releasable input");
  await a.fill("#compose-title", `عاجل جدًا ${n} ${XSS.img}`);
  await a.fill("#compose-text", `تحرك مجموعة مسلحة قرب القائم ${XSS.script}`);
  await a.selectOption("#compose-lang", "ar");
  await a.check('#compose-releasable input[value="ru"]');
  await a.check("#compose-send");
  await a.selectOption("#compose-precedence", "flash");
  await a.fill("#compose-to-users", "sy-officer");
  await a.click("#compose-submit");
  await a.waitForSelector("#compose-refused");
  assert.match(await a.locator("#compose-refused").textContent(), /sy-officer/);
  await shot(a, "compose-refused-ar");
  // To ru-officer it goes (the stored report is reused, not written twice).
  await a.fill("#compose-to-users", "ru-officer");
  await a.click("#compose-submit");
  await a.waitForSelector("#compose-sent");
  await search(a, n);
  assert.equal(await a.locator('.hit[data-id^="report--"]').count(), 1, "one report, not two");
  // Live on the other side: banner (colour, sound) and the top of the inbox.
  const banner = b.locator(".flash-banner", { hasText: n });
  await banner.waitFor();
  // Red (it pulses between two reds).
  const [r, g, bl] = (await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).match(/\d+/g).map(Number);
  assert.ok(r > 120 && g < 60 && bl < 60, `FLASH banner red, got rgb(${r}, ${g}, ${bl})`);
  assert.equal(await banner.getAttribute("data-sound"), "played", "the FLASH beep played");
  const first = b.locator("#messages li").first();
  assert.equal(await first.getAttribute("data-precedence"), "flash");
  await noXssRan(b, "flash banner");
  await shot(b, "inbox-flash-en");
  // The sender watches the delivery state of the message.
  await a.goto(`${hub.base}/#/inbox?box=sent`);
  await a.locator("#messages li", { hasText: n }).locator("a.subject").click();
  await a.waitForSelector('#recipients tr[data-user="ru-officer"]');
  await banner.locator("button.ack").click();
  await banner.waitFor({ state: "detached" });
  await a.waitForSelector('#recipients tr[data-user="ru-officer"][data-state="acknowledged"]', { timeout: 10_000 });
  await noXssRan(a, "sent message view");
  await shot(a, "inbox-sent-ar");
  // The subject and body are text on the recipient's message view too.
  await b.goto(`${hub.base}/#/inbox`);
  await b.locator("#messages li", { hasText: n }).locator("a.subject").click();
  await b.waitForSelector("#message-view .body");
  assert.ok((await b.locator("#message-view .body").textContent()).includes("<script>"));
  await noXssRan(b, "message view");
  await a.context().close();
  await b.context().close();
  assert.deepEqual(problems, []);
});

test("every page renders (screenshots) in Arabic and English, with no CSP violation", async () => {
  for (const [user, lang] of [
    ["iq-admin", "ar"],
    ["iq-admin", "en"],
  ]) {
    const page = await login(await newContext(lang), user, lang);
    for (const p of ["inbox", "compose", "search", "situation", "admin"]) {
      await page.goto(`${hub.base}/#/${p}`);
      await page.waitForSelector(`.${p}-page`);
      if (p === "situation") await page.waitForSelector("#situation-map path.country");
      if (p === "admin") {
        await page.waitForSelector('#admin-users tr[data-user="ru-officer"]');
        await page.waitForSelector("#audit-verified");
        // A token for the caller (POST with the CSRF header), shown once.
        await page.fill("#token-name", `e2e ${lang}`);
        await page.click("#token-create");
        await page.waitForSelector("#token-value");
        assert.ok(((await page.locator("#token-value").textContent()) ?? "").length >= 20);
      }
      if (p === "inbox") await page.waitForSelector("#messages, .unavailable", { state: "attached" });
      await shot(page, `${p}-${lang}`);
      if (lang === "ar") {
        // No English left in the Arabic UI: the page chrome (not user data) has no Latin words.
        const chrome = await page.evaluate(() => {
          const parts = [];
          for (const el of document.querySelectorAll("h1, h2, h3, label, legend, button, th, caption, .nav a, .tabs a")) {
            parts.push(el.childNodes[0]?.nodeType === 3 ? el.childNodes[0].textContent : "");
          }
          return parts.join(" ");
        });
        assert.doesNotMatch(chrome.replace(/TLP:[A-Z+]+|iq-admin|\(iq\)/g, ""), /[A-Za-z]{3,}/, `Latin words on ${p}`);
      }
    }
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

// ---- Bidirectional-text spoofing (issue 16 item 9) ----------------------------------------

const RLO = "\u202E";
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** Text of every element matching `sel` that still holds a raw bidi control. */
async function rawControls(page, sel) {
  return page.locator(sel).evaluateAll((els, re) => els.map((e) => e.textContent).filter((s) => new RegExp(re).test(s)), CONTROLS.source);
}

test("bidi controls in stored text are isolated and shown, never obeyed (lists, object, snippets, graph, inbox, banner)", async () => {
  const ids = await hub.parties();
  const n = nonce();
  // "fdp.exe" behind RLO reads "exe.pdf"; the description's override is never closed.
  const place = sdo("location", ids.iq, { name: `${RLO}دادغب ${n}`, country: "IQ", object_marking_refs: [TLP_GREEN] });
  const report = sdo("report", ids.iq, {
    name: `Invoice ${n} ${RLO}fdp.exe`,
    description: `${RLO}unclosed override ${n} الإرهاب \u2067isolate`,
    published: new Date().toISOString(),
    object_refs: [place.id],
    object_marking_refs: [TLP_GREEN],
    lang: "en",
  });
  await hub.postObjects("iq-officer", [place, report]);
  for (const [user, lang] of [
    ["ru-officer", "en"],
    ["sy-officer", "ar"],
  ]) {
    const page = await login(await newContext(), user, lang);
    assert.ok((await search(page, n)) >= 2);
    assert.deepEqual(await rawControls(page, ".hit"), [], `search hits as ${user}`);
    assert.ok((await page.locator(".hit .bidi-control").count()) >= 2, "controls shown as marks");
    const hitName = page.locator(`.hit[data-id="${report.id}"] .hit-name`);
    assert.match(await hitName.textContent(), /fdp\.exe$/, "the name reads as stored");
    // Each string is isolated: a <bdi> around every name and snippet.
    assert.equal(await hitName.locator("bdi").count(), 1);
    assert.ok((await page.locator(`.hit[data-id="${report.id}"] .hit-snippet bdi`).count()) >= 1);
    await page.goto(`${hub.base}/#/object/${report.id}`);
    await page.waitForSelector("#object-fields");
    await page.waitForSelector("#object-graph .graph-figure[data-state=\"ready\"], #object-graph .unavailable");
    assert.deepEqual(await rawControls(page, "#object-title, #object-fields dd, #object-related li, #object-graph .graph-list li"), [], `object page as ${user}`);
    await page.context().close();
  }
  // A message subject with an override: inbox row, banner and message view.
  if (await messaging()) {
    const b = await login(await newContext(), "ru-officer", "en");
    await b.goto(`${hub.base}/#/inbox`);
    await b.waitForSelector("#stream-state.stream-live");
    const r = await hub.request("POST", "/api/v1/messages", {
      user: "iq-officer",
      body: { precedence: "flash", subject: `Alert ${n} ${RLO}fdp.exe`, body: `${RLO}body ${n}`, lang: "en", recipients: { users: ["ru-officer"] }, tlp: "green" },
    });
    assert.equal(r.status, 201, r.text);
    const banner = b.locator(".flash-banner", { hasText: n });
    await banner.waitFor();
    assert.deepEqual(await rawControls(b, ".flash-banner, #messages li"), []);
    await b.locator("#messages li", { hasText: n }).locator("a.subject").click();
    await b.waitForSelector("#message-view .body");
    assert.deepEqual(await rawControls(b, "#message-view h2, #message-view .body"), []);
    await banner.locator("button.ack").click();
    await b.context().close();
  }
  assert.deepEqual(problems, []);
});

// ---- Broken today (issue 18) ---------------------------------------------------------------

/** Records API answers of 400 and above on `page` (method, path, status). */
function failedCalls(page) {
  const list = [];
  page.on("response", (r) => {
    if (r.status() >= 400 && r.url().includes("/api/")) list.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  });
  return list;
}

test("a fresh load asks for the session without an error; login has focus; skip link and focus on navigation", async () => {
  const ctx = await newContext();
  const page = await ctx.newPage();
  watch(page, "anonymous");
  const failed = failedCalls(page);
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  await page.goto(hub.base + "/");
  await page.waitForSelector("#login-form");
  assert.deepEqual(failed, [], "no failed API call on a fresh load");
  assert.deepEqual(consoleErrors, [], "nothing logged on a fresh load");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "login-user", "the user field has focus");
  await page.keyboard.type("iq-officer");
  await page.keyboard.press("Tab");
  await page.keyboard.type("demo-iq-officer");
  await page.keyboard.press("Enter");
  await page.waitForSelector(".topbar");
  // The first Tab stop is the skip link; it moves focus to the page.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "skip-link");
  assert.ok(await page.locator("#skip-link").isVisible(), "visible when focused");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
  // Following a navigation link moves focus to the new page's heading.
  await page.click('.nav a[data-page="search"]');
  await page.waitForFunction(() => document.activeElement?.tagName === "H1" && document.activeElement.closest("#main"));
  await ctx.close();
});

test("without the officer role there is no Compose; with it, precedence is reset after sending", async () => {
  const chief = await login(await newContext(), "iq-chief", "en");
  assert.equal(await chief.locator('.nav a[data-page="compose"]').count(), 0, "no Compose in the navigation");
  await chief.goto(`${hub.base}/#/compose`);
  await chief.waitForSelector("#compose-not-allowed");
  await chief.context().close();
  if (!(await messaging())) return;
  const a = await login(await newContext(), "iq-officer", "en");
  await compose(a, { title: `precedence ${nonce()}`, text: "reset check", lang: "en", tlp: "green", flashTo: "iq-chief" });
  await a.waitForSelector("#compose-sent");
  await a.check("#compose-send");
  assert.equal(await a.locator("#compose-precedence").inputValue(), "routine", "precedence back to routine");
  await a.context().close();
});

test("FLASH acknowledged from the banner updates the inbox row and the sender's Sent list; own messages are not marked read", async (t) => {
  if (!(await messaging())) {
    t.skip("the messages API is not on this server yet");
    return;
  }
  const a = await login(await newContext(), "iq-officer", "en");
  const b = await login(await newContext("ar"), "ru-officer", "ar");
  const aFailed = failedCalls(a);
  await b.goto(`${hub.base}/#/inbox`);
  await b.waitForSelector("#stream-state.stream-live");
  // With no message open, the list takes the whole width.
  const widths = await b.evaluate(() => [document.querySelector(".message-list").getBoundingClientRect().width, document.querySelector(".inbox-layout").getBoundingClientRect().width]);
  assert.ok(widths[0] > 0.95 * widths[1], `list ${widths[0]} of ${widths[1]}`);
  await a.goto(`${hub.base}/#/inbox?box=sent`);
  await a.waitForSelector("#stream-state.stream-live");
  const n = nonce();
  const r = await hub.request("POST", "/api/v1/messages", {
    user: "iq-officer",
    body: { precedence: "flash", subject: `ack from banner ${n}`, body: n, lang: "en", recipients: { users: ["ru-officer"] }, tlp: "green" },
  });
  assert.equal(r.status, 201, r.text);
  const row = b.locator("#messages li", { hasText: n });
  await row.waitFor();
  assert.equal(await row.locator("button.ack").count(), 1);
  // The banner's Acknowledge is reached in two Tab stops from the top (skip link, Acknowledge).
  await b.evaluate(() => document.activeElement?.blur());
  await b.evaluate(() => window.scrollTo(0, 0));
  await b.focus("#skip-link");
  await b.keyboard.press("Tab");
  assert.equal(await b.evaluate(() => document.activeElement?.className), "ack", "Acknowledge right after the skip link");
  await b.keyboard.press("Enter");
  await b.locator(".flash-banner", { hasText: n }).waitFor({ state: "detached" });
  await b.waitForSelector(`#messages li[data-state="acknowledged"]:has-text("${n}")`);
  assert.equal(await row.locator("button.ack").count(), 0, "no Acknowledge left on the row");
  // The sender's Sent list shows the last state (it went delivered → read? → acknowledged).
  const sent = a.locator("#messages li", { hasText: n });
  await sent.locator('[data-state-count="acknowledged"]').waitFor({ timeout: 10_000 });
  assert.equal(await sent.locator("[data-state-count]").count(), 1, "one recipient, one state");
  // Opening one's own sent message marks nothing read (no 404).
  await sent.locator("a.subject").click();
  await a.waitForSelector('#recipients tr[data-user="ru-officer"][data-state="acknowledged"]');
  await a.waitForTimeout(300);
  assert.deepEqual(aFailed, [], "no failed API call for the sender");
  await a.context().close();
  await b.context().close();
  assert.deepEqual(problems, []);
});

test("phone 390×844: no sideways scrolling, the first hit above the fold, object fields full width", async () => {
  for (const lang of ["en", "ar"]) {
    const ctx = await browser.newContext({ locale: lang, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    ctx.setDefaultTimeout(TIMEOUT);
    const page = await login(ctx, "iq-officer", lang);
    const noOverflow = async (where) => {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= 390, `${where} in ${lang}: page ${w}px wide`);
    };
    await noOverflow("inbox");
    assert.ok(await page.locator('.nav a[data-page="situation"]').isVisible());
    const box = await page.locator('.nav a[data-page="situation"]').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `nav link inside the screen (${box.x})`);
    await search(page, "الإرهاب");
    await noOverflow("search");
    const hit = await page.locator(".hit").first().boundingBox();
    assert.ok(hit && hit.y < 844, `first hit at ${hit?.y}, below the fold`);
    await shot(page, `phone-search-${lang}`);
    const first = await page.locator(".hit a.hit-name").first().getAttribute("href");
    await page.goto(`${hub.base}/${first}`);
    await page.waitForSelector("#object-fields");
    await page.waitForSelector("#object-graph .graph-figure[data-state=\"ready\"], #object-graph .unavailable");
    await noOverflow("object");
    const dd = await page.locator("#object-fields dd").first().boundingBox();
    assert.ok(dd.width > 300, `field value ${dd.width}px wide`);
    await shot(page, `phone-object-${lang}`);
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});

// ---- Accessibility and the README's screenshots ----------------------------------------

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A/AA rules). */
async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(readFileSync(AXE, "utf8"));
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

test("main screens in Arabic and English: no serious accessibility violation (axe-core), screenshots for the README", async () => {
  mkdirSync(DOCS_SHOTS, { recursive: true });
  const found = [];
  for (const lang of ["ar", "en"]) {
    const ctx = await newContext(lang);
    const anon = await ctx.newPage();
    watch(anon, "anonymous");
    await anon.goto(hub.base + "/");
    await anon.waitForSelector("#login-form");
    await anon.selectOption("#login-lang", lang);
    for (const v of await axeViolations(anon)) found.push({ lang, page: "login", ...v });
    await anon.screenshot({ path: join(DOCS_SHOTS, `login-${lang}.png`) });
    await anon.close();
    const page = await login(ctx, "iq-admin", lang);
    const screens = [
      ["inbox", "#/inbox", ".inbox-page"],
      ["search", `#/search?${new URLSearchParams({ q: "الإرهاب" })}`, ".hit"],
      ["situation", "#/situation", "#situation-map path.country"],
      ["admin", "#/admin", '#admin-users tr[data-user="ru-officer"]'],
    ];
    for (const [name, route, ready] of screens) {
      await page.goto(`${hub.base}/${route}`);
      await page.waitForSelector(ready);
      await page.waitForTimeout(200);
      for (const v of await axeViolations(page)) found.push({ lang, page: name, ...v });
      await page.screenshot({ path: join(DOCS_SHOTS, `${name}-${lang}.png`) });
      if (name === "situation") {
        // Time runs the reading way: "today" at the left in Arabic (like the mirrored slider),
        // at the right in English; the chart fits its box.
        const today = await page.locator("#trend-today").boundingBox();
        const first = await page.locator("#trend-start").boundingBox();
        assert.ok(lang === "ar" ? today.x < first.x : today.x > first.x, `${lang}: today at ${today.x}, start at ${first.x}`);
        const chart = await page.locator("#situation-chart").boundingBox();
        const card = await page.locator("#situation-chart").evaluate((el) => el.parentElement.getBoundingClientRect().width);
        assert.ok(chart.width <= card + 1, "trend chart not clipped");
      }
      if (name === "search") {
        await page.locator(".hit a.hit-name").first().click();
        await page.waitForSelector("#object-fields");
        await page.waitForSelector("#object-graph .graph-figure[data-state=\"ready\"], #object-graph .unavailable");
        await page.waitForSelector("#object-related li, #object-related .empty, #object-related .unavailable");
        await page.waitForTimeout(200);
        for (const v of await axeViolations(page)) found.push({ lang, page: "object", ...v });
        await page.screenshot({ path: join(DOCS_SHOTS, `object-${lang}.png`) });
        // The demo report has related reports: the correlation view puts a pair side by side.
        if ((await page.locator("#object-related li").count()) > 0) {
          assert.equal(await page.locator("#object-related li .reason").first().evaluate((el) => /[:_]/.test(el.dataset.reason) && !el.textContent.includes(el.dataset.reason)), true, "reasons in words, not codes");
          await page.locator("#object-related .compare-link").first().click();
          await page.waitForSelector(".compare-side + .compare-side");
          // Why: the reasons in words, and the words both texts share marked on both sides (a
          // pair linked across scripts, by entity keys alone, shares none).
          await page.waitForFunction(() => (document.querySelector("#compare-reasons")?.textContent ?? "").trim().length > 0);
          const sides = await page.locator(".compare-side").evaluateAll((els) => els.map((e) => e.querySelectorAll("mark").length));
          assert.ok(sides.every((k) => k > 0) || sides.every((k) => k === 0), `marks on one side only: ${sides}`);
          for (const v of await axeViolations(page)) found.push({ lang, page: "compare", ...v });
          await page.screenshot({ path: join(DOCS_SHOTS, `compare-${lang}.png`) });
        }
      }
    }
    await ctx.close();
  }
  assert.deepEqual(found, [], "serious or critical accessibility violations");
  assert.deepEqual(problems, []);
});

// ---- Work, not only read: edit, recall with a preview, delete -----------------------------

test("the originator edits (a new version), recalls from one party after a preview, and deletes", async () => {
  for (const lang of ["ar", "en"]) {
    const a = await login(await newContext(lang), "iq-officer", lang);
    const n = nonce();
    const link = await compose(a, { title: `تقرير للتعديل ${n}`, text: `نص أول ${n}`, lang: "ar", releasableTo: ["ru", "sy"] });
    const id = decodeURIComponent(link.replace(/^#\/object\//, ""));
    await a.goto(`${hub.base}/${link}`);
    await a.waitForSelector("#object-actions #object-edit");
    // Another party sees no actions.
    const ru = await login(await newContext(), "ru-officer", "en");
    await ru.goto(`${hub.base}/${link}`);
    await ru.waitForSelector("#object-fields");
    assert.equal(await ru.locator("#object-actions").count(), 0, "no actions on another party's object");
    // Edit: a new version with the new name; two versions listed.
    await a.click("#object-edit");
    await a.fill("#edit-name", `تقرير معدل ${n}`);
    await a.click("#edit-save");
    await a.waitForFunction((x) => document.querySelector("#object-title")?.textContent?.includes(`تقرير معدل ${x}`), n);
    await a.waitForFunction(() => document.querySelectorAll("#object-versions li").length === 2);
    // Recall from Syria: the preview names Syria (and only it) before anything changes.
    const sy = await login(await newContext(), "sy-officer", "en");
    await sy.goto(`${hub.base}/${link}`);
    await sy.waitForSelector("#object-fields");
    const ids = await hub.parties();
    await a.uncheck(`#object-recall input[value="${ids.sy}"]`);
    await a.click("#recall-preview");
    await a.waitForSelector("#recall-confirm");
    assert.deepEqual(await a.locator("#recall-losing li").evaluateAll((els) => els.map((e) => e.dataset.identity)), [ids.sy]);
    // … and its users by name (the server tells the originator who reads it now).
    await a.waitForSelector("#recall-losing .recall-user");
    assert.deepEqual(await a.locator("#recall-losing .recall-user").evaluateAll((els) => els.map((e) => e.dataset.user)), ["sy-chief", "sy-deputy", "sy-officer"]);
    if (lang === "en") await shot(a, "object-recall-preview-en");
    await a.click("#recall-apply");
    await a.waitForSelector("#recall-confirm", { state: "detached" });
    await a.waitForFunction(() => document.querySelectorAll("#object-versions li").length === 3);
    await sy.goto(`${hub.base}/#/inbox`);
    await sy.goto(`${hub.base}/${link}`);
    await sy.waitForSelector("#object-missing");
    await ru.goto(`${hub.base}/#/inbox`);
    await ru.goto(`${hub.base}/${link}`);
    await ru.waitForSelector("#object-fields");
    // Link it to a place, found by typing (search as you type), picked with the keyboard.
    const place = sdo("location", ids.iq, { name: `بغداد ${n}`, country: "IQ", object_marking_refs: [TLP_GREEN] });
    await hub.postObjects("iq-officer", [place]);
    await a.fill("#link-q", `بغداد ${n}`);
    await a.waitForSelector("#link-options li");
    await a.press("#link-q", "Enter");
    await a.selectOption("#link-kind", "located-at");
    await a.click("#link-submit");
    await a.waitForSelector("#linked li a.ref");
    // The relationship is stored, from this report to the place, visible to ru (same markings).
    const cols = await hub.request("GET", "/taxii2/hub/collections/", { user: "ru-officer", accept: TAXII });
    const coalition = cols.json.collections.find((c) => c.alias === "coalition").id;
    const rels = await hub.request("GET", `/taxii2/hub/collections/${coalition}/objects/?match[type]=relationship&limit=1000`, { user: "ru-officer", accept: TAXII });
    const mine = (rels.json.objects ?? []).filter((o) => o.source_ref === id);
    assert.equal(mine.length, 1, rels.text.slice(0, 300));
    assert.equal(mine[0].relationship_type, "located-at");
    assert.equal(mine[0].target_ref, place.id);
    // Delete: gone for everyone.
    await a.click("#object-delete");
    await a.click("#object-delete-confirm");
    await a.waitForSelector(".search-page");
    const r = await hub.request("GET", `/api/v1/objects/${id}`, { user: "ru-officer" });
    assert.equal(r.status, 404);
    for (const p of [a, ru, sy]) await p.context().close();
  }
  assert.deepEqual(problems, []);
});

test("the graph reads at 60 nodes: clusters by type drawn on canvas under the CSP, the same as a list, keyboard reachable", async () => {
  const ids = await hub.parties();
  const n = nonce();
  const focus = sdo("report", ids.iq, { name: `مركز ${n}`, published: new Date().toISOString(), object_refs: [ids.iq], object_marking_refs: [TLP_GREEN], lang: "ar" });
  await hub.postObjects("iq-officer", [focus]);
  // A graph of 60 nodes in four types and three scripts, served in place of /api/v1/graph
  // (the demo's correlations make smaller graphs): the focus, 10 neighbours, 49 at depth 2.
  const kinds = [
    ["report", (i) => `تقرير الأنبار رقم ${i}`],
    ["location", (i) => `محافظة ${i}`],
    ["intrusion-set", (i) => `Group ${i} (APT)`],
    ["identity", (i) => `Источник ${i}`],
  ];
  const nodes = [{ id: focus.id, type: "report", name: `مركز ${n}` }];
  for (let i = 1; i < 60; i++) {
    const [type, name] = kinds[i % kinds.length];
    nodes.push({ id: `${type}--00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, type, name: name(i) });
  }
  const edges = [];
  for (let i = 1; i <= 10; i++) edges.push({ source: focus.id, target: nodes[i].id, score: 0.9, reasons: ["time:3d"] });
  for (let i = 11; i < 60; i++) edges.push({ source: nodes[1 + (i % 10)].id, target: nodes[i].id, score: 0.5, reasons: [] });
  for (const lang of ["ar", "en"]) {
    const page = await login(await newContext(lang), "iq-officer", lang);
    await page.route("**/api/v1/graph?**", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ nodes, edges }) }));
    await page.goto(`${hub.base}/#/object/${encodeURIComponent(focus.id)}`);
    await page.waitForSelector('#object-graph .graph-figure[data-state="ready"]');
    assert.equal(await page.locator("#object-graph .graph-figure").getAttribute("data-nodes"), "60");
    // Drawn: Cytoscape's canvases inside the box, with pixels painted on them.
    const painted = await page.locator("#link-graph canvas").evaluateAll((cs) =>
      cs.some((c) => {
        if (!c.width || !c.height) return false;
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
        return false;
      }),
    );
    assert.ok(painted, "the graph is painted");
    await page.locator("#object-graph .graph-figure").screenshot({ path: join(OUT, `graph-60-${lang}.png`) });
    // The legend names each type in the UI's language; the list has every node, by type.
    assert.equal(await page.locator("#object-graph .graph-legend .legend").count(), 4);
    await page.locator("#graph-list summary").focus();
    await page.keyboard.press("Enter");
    assert.equal(await page.locator("#graph-list .graph-list li").count(), 60);
    assert.equal(await page.locator("#graph-list .graph-list-type").count(), 4);
    assert.equal(await page.locator("#graph-list li.focus").count(), 1);
    // Labels keep their own direction in the list too (each in its own <bdi dir=auto>).
    const dirs = await page.locator("#graph-list li > a bdi").evaluateAll((els) => els.slice(0, 60).map((e) => [e.textContent, getComputedStyle(e).direction]));
    assert.ok(dirs.some(([s, d]) => /^Group/.test(s) && d === "ltr") && dirs.some(([s, d]) => /^تقرير/.test(s) && d === "rtl"), JSON.stringify(dirs.slice(0, 4)));
    // The zoom buttons work; the graph stays within the page (no sideways scrolling).
    await page.click("#object-graph .graph-tools button >> nth=0");
    await page.click("#object-graph .graph-tools button >> nth=2");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `page scrolls sideways by ${overflow}px`);
    for (const v of await axeViolations(page)) assert.fail(`${lang}: axe ${v.id} ${v.nodes.join(", ")}`);
    // A node of the list opens its object.
    const target = page.locator("#graph-list .graph-list a").nth(5);
    const to = await target.getAttribute("href");
    await target.press("Enter");
    await page.waitForFunction((h) => location.hash === h, to);
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test("each graph label is drawn in its own direction on the canvas (Arabic right-to-left, Latin left-to-right), in an ar and an en page", async () => {
  const ids = await hub.parties();
  const n = nonce();
  const focus = sdo("report", ids.iq, { name: `مركز ${n}`, published: new Date().toISOString(), object_refs: [ids.iq], object_marking_refs: [TLP_GREEN], lang: "ar" });
  await hub.postObjects("iq-officer", [focus]);
  // Labels whose drawing differs by direction: a neutral at an end (a closing parenthesis) or a
  // run of the other script, so a label drawn in the page's direction instead of its own reads
  // wrong ("(Group 7 (APT" in an Arabic page; "(APT) الأنبار" in an English one).
  const labels = [
    ["report", `مركز ${n}`],
    ["intrusion-set", "Group 7 (APT)"],
    ["intrusion-set", "Daesh!"],
    ["location", "الأنبار (APT)"],
    ["location", "محافظة نينوى!"],
    ["identity", "Источник (7)"],
  ];
  const nodes = labels.map(([type, name], i) => ({ id: i === 0 ? focus.id : `${type}--00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, type, name }));
  const edges = nodes.slice(1).map((x) => ({ source: focus.id, target: x.id, score: 0.8, reasons: [] }));
  for (const lang of ["ar", "en"]) {
    const page = await login(await newContext(lang), "iq-officer", lang);
    await page.route("**/api/v1/graph?**", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ nodes, edges }) }));
    await page.goto(`${hub.base}/#/object/${encodeURIComponent(focus.id)}`);
    await page.waitForSelector('#object-graph .graph-figure[data-state="ready"]');
    // Through Cytoscape's own API (the instance its container registers): the label text each
    // node was drawn with, its font, and the direction its canvas draws in (the page's).
    const drawn = await page.evaluate(() => {
      const box = document.getElementById("link-graph");
      const cy = box._cyreg.cy;
      const canvas = box.querySelector("canvas");
      const pageDir = getComputedStyle(canvas).direction;
      const render = (text, dir, font) => {
        const c = document.createElement("canvas");
        c.width = 900;
        c.height = 60;
        const ctx = c.getContext("2d");
        ctx.direction = dir;
        ctx.font = font;
        ctx.textAlign = "center"; // as Cytoscape draws a label (text-halign center)
        ctx.fillStyle = "#000";
        ctx.fillText(text, 450, 40);
        return c.toDataURL();
      };
      return cy
        .nodes()
        .not(".cluster")
        .map((node) => {
          const label = node.pstyle("label").strValue;
          const font = `${node.pstyle("font-weight").strValue} 24px ${node.pstyle("font-family").strValue}`;
          const text = label.replace(/[\u2066-\u2069]/g, "");
          return {
            text,
            label,
            pageDir,
            visible: node.visible() && node.renderedBoundingBox({ includeLabels: true, includeNodes: false }).w > 0,
            // The label as the canvas draws it, against the text drawn in each direction.
            asLtr: render(label, pageDir, font) === render(text, "ltr", font),
            asRtl: render(label, pageDir, font) === render(text, "rtl", font),
            // Whether direction changes this text's drawing at all (else the check is vacuous).
            differs: render(text, "ltr", font) !== render(text, "rtl", font),
          };
        });
    });
    assert.equal(drawn.length, labels.length);
    for (const d of drawn) {
      const own = /^[^A-Za-z\u0400-\u04FF]*[\u0600-\u06FF]/.test(d.text) ? "rtl" : "ltr";
      assert.equal(d.pageDir, lang === "ar" ? "rtl" : "ltr");
      assert.ok(d.visible, `${lang}: label ${d.text} is drawn`);
      // Drawn in its own direction whatever the page's: an isolate of that direction…
      assert.equal(d.label[0], own === "rtl" ? "\u2067" : "\u2066", `${lang}: ${d.text} isolated as ${own}`);
      // …and the pixels: the label as drawn equals its text drawn in its own direction.
      assert.ok(own === "rtl" ? d.asRtl : d.asLtr, `${lang}: ${d.text} drawn ${own === "rtl" ? "right-to-left" : "left-to-right"} (${JSON.stringify(d)})`);
    }
    // The labels chosen make direction visible: for each the two directions draw differently.
    assert.ok(drawn.filter((d) => d.differs).length >= 4, JSON.stringify(drawn.map((d) => [d.text, d.differs])));
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});

test("dates in the reader's digits and calendar (a Persian date picker for fa); the header names the party", async () => {
  const names = async (lang) => Object.fromEntries((await hub.request("GET", `/api/v1/parties?lang=${lang}`, { user: "iq-officer" })).json.map((p) => [p.id, p.name]));
  // fa: the solar hijri calendar, Persian digits; 16 Azar 1405 is 7 December 2026.
  const fa = await login(await newContext("fa"), "iq-officer", "fa");
  // The header names the party once the parties have loaded (it shows the code before): wait.
  const faWho = `iq-officer (${(await names("fa")).iq})`;
  await fa.locator("#who-user", { hasText: faWho }).waitFor();
  assert.equal(await fa.locator("#who-user").textContent(), faWho);
  await fa.goto(`${hub.base}/#/search`);
  await fa.waitForSelector('#search-since[data-calendar="persian"]');
  assert.ok((await fa.locator("#search-since-y option").allTextContents()).includes("۱۴۰۵"));
  assert.equal(await fa.locator("#search-since-m option").nth(9).textContent(), "آذر");
  await fa.selectOption("#search-since-y", "1405");
  await fa.selectOption("#search-since-m", "9");
  await fa.selectOption("#search-since-d", "16");
  assert.equal(await fa.locator("#search-since").getAttribute("data-value"), "2026-12-07");
  await fa.fill("#search-q", "الإرهاب");
  await fa.click("#search-submit");
  await fa.waitForFunction(() => location.hash.includes("since=2026-12-07"));
  // Esfand of a common year has 29 days: the day list follows the month.
  await fa.selectOption("#search-until-y", "1404");
  await fa.selectOption("#search-until-m", "12");
  assert.equal(await fa.locator("#search-until-d option").count(), 1 + 29);
  await shot(fa, "search-dates-fa");
  await fa.context().close();
  // ar: Arabic-Indic digits in dates; the Gregorian calendar with Arabic month names.
  const ar = await login(await newContext("ar"), "iq-officer", "ar");
  // The header names the party once the parties have loaded (it shows the code before): wait.
  const arWho = `iq-officer (${(await names("ar")).iq})`;
  await ar.locator("#who-user", { hasText: arWho }).waitFor();
  assert.equal(await ar.locator("#who-user").textContent(), arWho);
  assert.ok(await search(ar, "الإرهاب") > 0);
  const when = await ar.locator(".hit time").first().textContent();
  assert.match(when, /[٠-٩]/, `Arabic-Indic digits: ${when}`);
  assert.doesNotMatch(when, /[0-9]/);
  assert.equal(await ar.locator("#search-since").getAttribute("data-calendar"), "gregory");
  assert.equal(await ar.locator("#search-since-m option").nth(1).textContent(), "يناير");
  await ar.context().close();
  assert.deepEqual(problems, []);
});

test("a hub admin manages: adds a party and a user, changes roles, deputies and state; refusals change nothing", async () => {
  for (const lang of ["ar", "en"]) {
    const n = nonce();
    const code = `p${n.slice(2, 10)}`;
    const user = `u.${n}`;
    const a = await login(await newContext(lang), "iq-admin", lang);
    await a.goto(`${hub.base}/#/admin`);
    await a.waitForSelector('#admin-parties tr[data-party="iq"]');
    // A party, named in its own script.
    await a.fill("#add-party-code", code);
    await a.fill("#add-party-name", `الأردن ${n}`);
    await a.click("#add-party-submit");
    await a.waitForSelector(`#admin-parties tr[data-party="${code}"]`);
    assert.ok((await hub.parties()).hasOwnProperty(code));
    // A user of that party, with a deputy.
    await a.fill("#add-user-name", user);
    await a.selectOption("#add-user-party", code);
    await a.check('#add-user-roles input[value="recipient"]');
    await a.fill("#add-user-password", `pass-${n}`);
    await a.selectOption("#add-user-alternates", ["iq-deputy"]);
    await a.click("#add-user-submit");
    await a.waitForSelector(`#admin-users tr[data-user="${user}"]`);
    assert.equal(await a.locator(`#admin-users tr[data-user="${user}"] .alternates`).textContent(), "iq-deputy");
    const signIn = await fetch(`${hub.base}/api/v1/whoami`, { headers: { Authorization: "Basic " + Buffer.from(`${user}:pass-${n}`).toString("base64") } });
    assert.equal(signIn.status, 200, "the new user signs in");
    assert.deepEqual((await signIn.json()).roles, ["officer", "recipient"]);
    // A refusal (a taken name) is shown and adds nothing.
    const rows = await a.locator("#admin-users tr[data-user]").count();
    await a.fill("#add-user-name", "ru-officer");
    await a.selectOption("#add-user-party", "ru");
    await a.fill("#add-user-password", `pass-${n}`);
    await a.click("#add-user-submit");
    await a.waitForSelector("#add-user .alert-error");
    assert.equal(await a.locator("#admin-users tr[data-user]").count(), rows);
    // Edit: roles and deputies, then disable; the user can no longer sign in.
    await a.click(`#admin-users tr[data-user="${user}"] .edit-user`);
    await a.waitForSelector("#user-editor");
    await a.uncheck('#edit-roles input[value="officer"]');
    await a.selectOption("#edit-alternates", ["iq-chief", "iq-deputy"]);
    await a.uncheck("#edit-enabled");
    for (const v of await axeViolations(a)) assert.fail(`${lang}: axe ${v.id} ${v.nodes.join(", ")}`);
    await shot(a, `admin-manage-${lang}`);
    await a.click("#edit-save");
    await a.waitForSelector("#admin-notice");
    await a.waitForFunction((u) => !document.querySelector("#user-editor") && document.querySelector(`#admin-users tr[data-user="${u}"] .state`)?.textContent !== "", user);
    const row = a.locator(`#admin-users tr[data-user="${user}"]`);
    assert.equal(await row.locator(".alternates").textContent(), ["iq-chief", "iq-deputy"].join(lang === "ar" ? "، " : ", "));
    const after = await fetch(`${hub.base}/api/v1/whoami`, { headers: { Authorization: "Basic " + Buffer.from(`${user}:pass-${n}`).toString("base64") } });
    assert.equal(after.status, 401, "a disabled user cannot sign in");
    const listed = (await hub.request("GET", "/api/v1/admin/users", { user: "iq-admin" })).json.users.find((u) => u.name === user);
    assert.deepEqual([listed.roles, listed.alternates, listed.enabled], [["recipient"], ["iq-chief", "iq-deputy"], false]);
    await a.context().close();
  }
  assert.deepEqual(problems, []);
});

test("a hub admin edits a party's names per language; a party admin manages their own party's users only", async () => {
  const n = nonce();
  const code = `q${n.slice(2, 10)}`;
  const made = await hub.request("POST", "/api/v1/admin/parties", { user: "iq-admin", body: { code, name: `لبنان ${n}`, names: { en: `Lebanon ${n}`, ru: `Ливан ${n}` } } });
  assert.equal(made.status, 201, made.text);
  const identity = made.json.identity;
  const a = await login(await newContext("ar"), "iq-admin", "ar");
  await a.goto(`${hub.base}/#/admin`);
  await a.click(`#admin-parties tr[data-party="${code}"] .edit-party`);
  await a.waitForSelector(`#party-editor[data-party="${code}"] #edit-party-name:not([disabled])`);
  assert.equal(await a.inputValue("#edit-party-name-ru"), `Ливан ${n}`);
  assert.equal(await a.getAttribute("#edit-party-name-ar", "dir"), "rtl");
  await a.fill("#edit-party-name-ar", `الجمهورية اللبنانية ${n}`);
  await a.fill("#edit-party-name-ru", "");
  for (const v of await axeViolations(a)) assert.fail(`ar: axe ${v.id} ${v.nodes.join(", ")}`);
  await a.click("#edit-party-save");
  await a.waitForSelector("#party-saved");
  // The table names it in the UI's language at once; the code and identity are unchanged.
  await a.locator(`#admin-parties tr[data-party="${code}"] td >> nth=0`, { hasText: `الجمهورية اللبنانية ${n}` }).waitFor();
  const p = (await hub.request("GET", "/api/v1/parties", { user: "iq-officer" })).json.find((x) => x.id === code);
  assert.deepEqual([p.identity, p.names], [identity, { ar: `الجمهورية اللبنانية ${n}`, en: `Lebanon ${n}` }]);
  await a.context().close();

  // A party admin of ru (made by the hub admin): sees ru's users only, may edit them, is offered
  // no hub-admin role and no other party, and cannot rename parties.
  const padmin = `ru-padmin-${n}`;
  const r = await hub.request("POST", "/api/v1/admin/users", { user: "iq-admin", body: { name: padmin, party: "ru", roles: ["admin"], password: `demo-${padmin}` } });
  assert.equal(r.status, 201, r.text);
  const b = await login(await newContext("en"), padmin, "en");
  await b.goto(`${hub.base}/#/admin`);
  await b.waitForSelector('#admin-users tr[data-user="ru-officer"] .edit-user');
  const parties = await b.locator("#admin-users tr[data-user] td:nth-child(2)").allTextContents();
  assert.ok(parties.length >= 4 && parties.every((x) => x === "Russia"), JSON.stringify(parties));
  assert.equal(await b.locator("#admin-parties").count(), 0);
  assert.deepEqual(await b.locator("#add-user-party option").evaluateAll((os) => os.map((o) => o.value)), ["ru"]);
  assert.deepEqual(await b.locator("#add-user-roles input").evaluateAll((is) => is.map((i) => i.value)), ["officer", "analyst", "recipient", "admin"]);
  await b.click('#admin-users tr[data-user="ru-chief"] .edit-user');
  await b.waitForSelector("#user-editor");
  assert.equal(await b.locator('#edit-roles input[value="hub-admin"]').count(), 0);
  await b.selectOption("#edit-alternates", ["ru-deputy", "ru-officer"]);
  for (const v of await axeViolations(b)) assert.fail(`en: axe ${v.id} ${v.nodes.join(", ")}`);
  await shot(b, "admin-party-admin-en");
  await b.click("#edit-save");
  await b.waitForSelector("#admin-notice");
  const chief = (await hub.request("GET", "/api/v1/admin/users", { user: padmin })).json.users.find((u) => u.name === "ru-chief");
  assert.deepEqual(chief.alternates, ["ru-deputy", "ru-officer"]);
  await hub.request("PATCH", "/api/v1/admin/users/ru-chief", { user: padmin, body: { alternates: ["ru-deputy"] } });
  // Another party's user is no user to them.
  const other = await hub.request("PATCH", "/api/v1/admin/users/iq-chief", { user: padmin, body: { enabled: false } });
  assert.equal(other.status, 404);
  await b.context().close();
  assert.deepEqual(problems, []);
});

test("the correlation view marks a name written in another script as the same name", async () => {
  const ids = await hub.parties();
  const n = nonce();
  const x = sdo("report", ids.iq, { name: `اجتماع ${n} مع الخفاجي`, description: `قال الخفاجي إن الاجتماع انتهى ${n}`, published: new Date().toISOString(), object_refs: [ids.iq], object_marking_refs: [TLP_GREEN], lang: "ar" });
  const y = sdo("report", ids.ru, { name: `Meeting ${n} with al-Khafaji`, description: `Хафаджи was seen ${n}; al-Khafaji confirmed it`, published: new Date().toISOString(), object_refs: [ids.ru], object_marking_refs: [TLP_GREEN], lang: "en" });
  await hub.postObjects("iq-officer", [x]);
  await hub.postObjects("ru-officer", [y]);
  for (const lang of ["ar", "en"]) {
    const page = await login(await newContext(lang), "sy-officer", lang);
    await page.goto(`${hub.base}/#/compare/${encodeURIComponent(x.id)}?with=${encodeURIComponent(y.id)}`);
    await page.waitForSelector("#compare-names");
    const side = (id) => page.locator(`.compare-side[data-id="${id}"] mark.cross`).allTextContents();
    assert.deepEqual([...new Set(await side(x.id))], ["الخفاجي"]);
    assert.deepEqual([...new Set(await side(y.id))].sort(), ["Khafaji", "Хафаджи"]);
    // The shared nonce is an ordinary shared word (not a name across scripts).
    assert.ok((await page.locator(`.compare-side[data-id="${x.id}"] mark:not(.cross)`).allTextContents()).includes(n));
    for (const v of await axeViolations(page)) assert.fail(`${lang}: axe ${v.id} ${v.nodes.join(", ")}`);
    await shot(page, `compare-names-${lang}`);
    await page.context().close();
  }
  assert.deepEqual(problems, []);
});
