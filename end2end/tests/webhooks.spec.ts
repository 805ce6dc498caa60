// Webhooks: an owner adds one in the workspace's settings, copies its
// secret (shown once), makes an item, and the receiver gets a signed
// delivery that the settings then list as delivered; the webhook is
// deleted. Runs with JavaScript on and off, after accounts.spec.ts set up
// the instance.
import { test, expect, signIn, createWorkspace } from "./fixtures";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { createHmac } from "node:crypto";
import type { AddressInfo } from "node:net";

type Delivery = { headers: IncomingHttpHeaders; body: string };

test("a webhook is added, gets a signed delivery, and is deleted", async ({ page }, info) => {
  test.setTimeout(60_000);
  const project = info.project.name;
  const slug = `hooks-${project}`;
  const received: Delivery[] = [];
  const receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  try {
    await signIn(page);
    await createWorkspace(page, "Hooked launch", slug);
    await page.goto(`/w/${slug}/settings`);
    await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${slug}/settings/webhooks$`));
    if (project === "hydrate") {
      await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    }
    await expect(page.getByTestId("webhook")).toHaveCount(0);
    await page.getByLabel("Address").fill(url);
    await page.getByLabel(/Comment added/).check();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = await page.getByTestId("webhook-secret").inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const hook = page.getByTestId("webhook");
    await expect(hook).toContainText(url);
    await expect(hook).toContainText("item.created, item.updated, comment.added");
    await expect(hook).toContainText("Nothing delivered yet.");

    // A new item: the sender posts it within a second or two.
    await page.goto(`/w/${slug}/items`);
    const quickAdd = page.getByLabel("Title of the new item");
    await quickAdd.fill("Hooked item");
    await quickAdd.press("Enter");
    await expect(page.locator("tbody tr", { hasText: "Hooked item" }).first()).toBeVisible();
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const delivery = received[0];
    expect(delivery.headers["waymark-event"]).toBe("item.created");
    const signature = String(delivery.headers["waymark-signature"]);
    const [t, v1] = signature.split(",").map((part) => part.split("=")[1]);
    const expected = createHmac("sha256", secret).update(`${t}.${delivery.body}`).digest("hex");
    expect(v1).toBe(expected);
    expect(JSON.parse(delivery.body).item.title).toBe("Hooked item");

    await page.goto(`/w/${slug}/settings/webhooks`);
    const row = page.getByTestId("delivery").first();
    await expect(row).toContainText("item.created");
    await expect(row).toContainText("Delivered");
    await expect(row).toContainText("204");
    await page.getByRole("button", { name: `Delete the webhook to ${url}` }).click();
    await expect(page.getByTestId("webhook")).toHaveCount(0);
  } finally {
    receiver.close();
  }
});
