import { expect, test } from '@playwright/test';
import {
  backendAsGuest,
  openWhenShown,
  screenshots,
  signInAsGuest,
} from './demo';

const CHECKOUT = 'component:default/checkout-service';
/** The provisioning summary line, which starts with the attempt count. */
const ATTEMPTS = /^\d+ attempts?( ·|$)/;

/** The attempts the entity tab shows, e.g. "3 attempts · last just now · ...". */
async function attemptsShown(
  page: import('@playwright/test').Page,
): Promise<number> {
  const text = await page.getByText(ATTEMPTS).first().textContent();
  return Number(/^(\d+)/.exec(text ?? '')?.[1]);
}

test("a retry started outside the page shows on checkout's open Kafka tab through a signal, without a reload or a poll", async ({
  page,
  request,
}) => {
  // The signals connection the app opens (the demo installs the signals
  // backend and frontend).
  const sockets: string[] = [];
  page.on('websocket', socket => sockets.push(socket.url()));
  await signInAsGuest(page);
  // checkout fails in prod (no broker there): failed or partial, due again
  // only after its back-off. The tab polls only while a run is pending or in
  // progress, so from here on nothing but a signal makes it reload.
  await openWhenShown(
    page,
    '/catalog/default/component/checkout-service/kafka',
    '1 application has provisioning issues',
  );
  await expect
    .poll(() => sockets.some(url => url.includes('/api/signals')))
    .toBe(true);
  await expect(page.getByText(ATTEMPTS).first()).toBeVisible();
  const before = await attemptsShown(page);
  // Marks this document: a reload would lose the mark.
  await page.evaluate(() => {
    (window as { kafkaHubMark?: boolean }).kafkaHubMark = true;
  });
  const reloads: string[] = [];
  page.on('request', r => {
    if (
      r.method() === 'GET' &&
      r.url().includes('/api/kafka-hub/applications?')
    ) {
      reloads.push(r.url());
    }
  });

  // The guest's team owns checkout: retry it through the backend, as
  // another browser or the actions API would. A run the schedule started
  // meanwhile answers 409: try again once it ended.
  const backend = await backendAsGuest(request);
  await expect(async () => {
    const retry = await backend.post(
      `/api/kafka-hub/applications/${encodeURIComponent(CHECKOUT)}/retry`,
    );
    expect(retry.status()).toBe(202);
  }).toPass({ timeout: 30_000, intervals: [1_000] });

  // The new attempt arrives on the open page.
  await expect
    .poll(() => attemptsShown(page), { timeout: 15_000 })
    .toBeGreaterThan(before);
  expect(reloads.length).toBeGreaterThan(0);
  expect(
    await page.evaluate(
      () => (window as { kafkaHubMark?: boolean }).kafkaHubMark === true,
    ),
  ).toBe(true);
  await page.screenshot({
    path: `${screenshots}/live-update-entity-tab.png`,
    fullPage: true,
  });
});
