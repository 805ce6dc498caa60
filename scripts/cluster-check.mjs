// What must hold across three instances behind a load balancer (started by
// scripts/cluster-test.sh): a session made through one works on the
// others; a change made through instance A shows on a board open through
// instance C within 2 s; the sign-in throttle counts attempts spread over
// the instances as one; SIGTERM of one instance under a steady load loses
// no request.
import { createRequire } from "node:module";
import { execSync } from "node:child_process";

const require = createRequire(new URL("../end2end/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

const proxy = process.env.PROXY;
const [a, b, c] = process.env.INSTANCES.split(",");
const stopPid = Number(process.env.STOP_PID);
const password = process.env.PASSWORD;
const email = "ada@example.com";

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}
function ok(message) {
  console.log(`ok: ${message}`);
}

/** Calls a server function as the hydrated app does. */
async function call(base, fn, form, cookie) {
  const headers = { origin: proxy, "content-type": "application/x-www-form-urlencoded" };
  if (cookie) headers.cookie = cookie;
  return fetch(`${base}/fn/${fn}`, { method: "POST", headers, body: new URLSearchParams(form) });
}

async function json(response, what) {
  if (response.status !== 200) fail(`${what}: ${response.status} ${await response.text()}`);
  return response.json();
}

// 1. A session made through the balancer works on every instance.
const signedIn = await call(proxy, "sign_in", { email, password });
if (signedIn.status !== 200) fail(`sign in: ${signedIn.status} ${await signedIn.text()}`);
const session = signedIn.headers
  .getSetCookie()
  .map((line) => line.split(";")[0])
  .find((pair) => pair.startsWith("waymark_session="));
if (!session) fail("signing in set no session cookie");
for (const base of [a, b, c]) {
  const me = await json(await call(base, "current_user", {}, session), `current_user on ${base}`);
  if (me?.email !== email) fail(`${base} does not know the session: ${JSON.stringify(me)}`);
}
ok("a session made through the balancer works on all three instances");

// 2. A change through A reaches a board open through C: the browser is on
// the balancer's address (as users are), pinned to C by a cookie the test's
// nginx routes on.
const slug = "cluster";
await json(
  await call(a, "workspaces/create", { name: "Cluster", slug, description: "", key_prefix: "" }, session),
  "create the workspace",
);
const key = await json(await call(a, "w/items/create", { slug, title: "Offline sync" }, session), "create an item");
// The board is watched by another member (a page skips the echo of its own
// user's edits): signed up and invited through other instances.
await json(await call(b, "admin/sign_up_mode/set", { mode: "open" }, session), "open sign-up");
const signedUp = await call(proxy, "sign_up", {
  email: "max@example.com",
  display_name: "Max Member",
  password: "another cluster passphrase",
});
if (signedUp.status !== 200) fail(`sign up: ${signedUp.status} ${await signedUp.text()}`);
const memberSession = signedUp.headers
  .getSetCookie()
  .map((line) => line.split(";")[0])
  .find((pair) => pair.startsWith("waymark_session="));
const link = await json(await call(b, "w/invitations/create", { slug, role: "viewer", email: "" }, session), "invite");
await json(await call(c, "invitation/accept", { token: link.split("/").pop() }, memberSession), "accept");
const browser = await chromium.launch({
  executablePath: execSync("command -v chromium", { shell: "/bin/bash" }).toString().trim(),
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  const context = await browser.newContext();
  const [name, value] = memberSession.split("=");
  await context.addCookies([
    { name, value, url: proxy },
    { name: "waymark_pin", value: "c", url: proxy },
  ]);
  const page = await context.newPage();
  const served = await page.goto(`${proxy}/w/${slug}/board`);
  const upstream = served.headers()["x-upstream"];
  if (upstream !== c.replace("http://", "")) fail(`the board came from ${upstream}, not C`);
  await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 30_000 });
  const card = page.locator(`.card[data-key="${key}"]`);
  await card.waitFor();
  // The page's stream is open once the server counts it.
  await page.waitForTimeout(500);
  const item = await json(await call(a, "w/items/get", { slug, key }, session), "read the item");
  const started = Date.now();
  await json(
    await call(
      a,
      "w/items/update",
      { slug, key, version: String(item.summary.version), title: "Offline sync, everywhere" },
      session,
    ),
    "retitle through A",
  );
  try {
    await card.filter({ hasText: "Offline sync, everywhere" }).waitFor({ timeout: 2_000 });
  } catch {
    fail("the change made through A did not reach the board on C within 2 s");
  }
  ok(`a change through instance A reached the board open on instance C in ${Date.now() - started} ms`);
} finally {
  await browser.close();
}

// 3. Failed sign-ins spread over the instances count as one run.
const upstreams = new Set();
const statuses = [];
for (let attempt = 1; attempt <= 6; attempt++) {
  const response = await call(proxy, "sign_in", { email: "mallory@example.com", password: "guess " + attempt });
  upstreams.add(response.headers.get("x-upstream"));
  statuses.push(response.status);
}
if (upstreams.size < 3) fail(`the attempts reached only ${[...upstreams]}`);
if (statuses.slice(0, 5).includes(429) || statuses[5] !== 429) {
  fail(`five wrong passwords then a refusal were expected, got ${statuses}`);
}
ok(`the throttle counted attempts on ${upstreams.size} instances as one (${statuses.join(", ")})`);

// 4. SIGTERM of one instance under a steady load: no request is lost.
const results = new Map();
let running = true;
async function worker() {
  while (running) {
    let status;
    try {
      const response = await fetch(`${proxy}/w/${slug}/items`, { headers: { cookie: session, accept: "text/html" } });
      await response.arrayBuffer();
      status = response.status;
    } catch (err) {
      status = `error ${err.cause?.code ?? err.message}`;
    }
    results.set(status, (results.get(status) ?? 0) + 1);
  }
}
const workers = Array.from({ length: 8 }, worker);
await new Promise((done) => setTimeout(done, 2_000));
process.kill(stopPid, "SIGTERM");
await new Promise((done) => setTimeout(done, 4_000));
running = false;
await Promise.all(workers);
const total = [...results.values()].reduce((sum, n) => sum + n, 0);
const lost = [...results].filter(([status]) => status !== 200);
if (lost.length > 0) fail(`requests lost while an instance stopped: ${JSON.stringify(lost)} of ${total}`);
ok(`SIGTERM under load: all ${total} requests answered 200`);
