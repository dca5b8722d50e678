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
import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Hub, REPO, TLP_GREEN, sdo } from "./hub.mjs";

const require = createRequire(join(REPO, "web", "package.json"));
const { chromium } = require("playwright-core");

const OUT = process.env.TANSIQ_E2E_OUT || join(REPO, "build", "default", "e2e-screenshots");
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
  await b.waitForSelector("#object-graph svg, #object-graph .unavailable");
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
      await page.waitForSelector("#object-graph svg, #object-graph .unavailable");
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
