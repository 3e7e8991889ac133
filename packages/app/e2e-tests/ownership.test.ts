import { expect, Page, test } from '@playwright/test';
import {
  backendAsGuest,
  openWhenShown,
  screenshots,
  signInAsGuest,
  chooseTheme,
} from './demo';

// payments-sidecar is a team-orders entity (the guest's team) that declares
// team-payments' application slug, the topic "stolen" in its namespace, and
// explicit links to team-payments' group payments.settlement and subject
// payments.authorized-value. payments-service holds the slug.

const SIDECAR = 'component:default/payments-sidecar';
const claimedBy =
  'is claimed by component:default/payments-service (owner group:default/team-payments)';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const tableRows = (page: Page, table: string, name: string) =>
  page
    .getByRole('table', { name: table })
    .locator('tbody tr', { has: page.getByText(name, { exact: true }) });

test("the impostor's Kafka tab names the claim holder, and it is neither provisioned nor linked", async ({
  page,
}) => {
  await chooseTheme(page, 'light');
  await signInAsGuest(page);
  await openWhenShown(
    page,
    '/catalog/default/component/payments-sidecar/kafka',
    claimedBy,
  );

  const panel = page.getByText(
    'Not provisioned and links nothing: the namespace belongs to another entity',
  );
  await expect(panel).toBeVisible();
  await expect(
    page.getByText(
      new RegExp(
        `^${escape(
          `Annotation kafka-hub.io/application: "payments" ${claimedBy} since`,
        )}`,
      ),
    ),
  ).toBeVisible();
  await expect(
    page.getByText(
      'Not linked: kafka-hub.io/consumer-groups: dev/payments.settlement; kafka-hub.io/schema-subjects: dev/payments.authorized-value',
    ),
  ).toBeVisible();
  // The backend records them as link errors too, naming the holder.
  await expect(
    page.getByText('2 links not applied: the name belongs to another entity'),
  ).toBeVisible();
  await expect(
    page.getByText(
      'Annotation kafka-hub.io/consumer-groups: "dev/payments.settlement" is inside the namespace "payments." of application "payments", claimed by component:default/payments-service',
    ),
  ).toBeVisible();
  await expect(page.getByText('Consumer Groups Not Linked')).toBeVisible();
  await expect(page.getByText('Schema Subjects Not Linked')).toBeVisible();
  await expect(page.getByText(/^Linked /)).toHaveCount(0);

  // Never run: failed on its annotation error, no attempt, retry refused.
  await expect(page.getByLabel('Provisioning status: Failed')).toBeVisible();
  await expect(page.getByText('0 attempts')).toBeVisible();
  await expect(
    page.getByText(
      new RegExp(
        `^${escape(
          `Not provisioned until the annotations are fixed: Annotation kafka-hub.io/application: "payments" ${claimedBy}`,
        )}`,
      ),
    ),
  ).toBeVisible();
  await expect(
    page.getByRole('button', { name: /Retry provisioning/ }),
  ).toBeDisabled();
  await expect(
    page.getByText('1 application has provisioning issues'),
  ).toBeVisible();

  await page.screenshot({
    path: `${screenshots}/ownership-impostor-kafka-tab.png`,
    fullPage: true,
  });

  await chooseTheme(page, 'dark');
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-theme-mode', 'dark');
  await expect(panel).toBeVisible();
  await expect(page.getByText('0 attempts')).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/ownership-impostor-kafka-tab-dark.png`,
    fullPage: true,
  });
});

test("the impostor's Schemas and Consumer groups tabs, and the unified views, show the guest none of team-payments' names", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  // Groups are discovered and subjects synced an environment at a time:
  // once the guest's own are listed, team-payments' are in the database.
  await openWhenShown(
    page,
    '/kafka-hub/consumer-groups',
    'orders.fulfilment',
    150_000,
  );
  await expect(page.getByText(/^payments\./)).toHaveCount(0);
  await page.getByLabel('Search consumer groups').fill('payments');
  await expect(page).toHaveURL(/search=payments/);
  await expect(
    page.getByText('No consumer groups match the filters'),
  ).toBeVisible();

  await openWhenShown(page, '/kafka-hub/schemas', 'orders.created-value');
  await expect(page.getByText(/^payments\./)).toHaveCount(0);
  await page.getByLabel('Search schemas').fill('payments');
  await expect(page).toHaveURL(/search=payments/);
  await expect(page.getByText('No schemas match the filters')).toBeVisible();

  await page.goto('/catalog/default/component/payments-sidecar/schemas');
  await expect(
    page.getByText(/No Schema Registry subject is linked to this entity yet/),
  ).toBeVisible();
  await expect(page.getByText(/^payments\./)).toHaveCount(0);

  await page.goto(
    '/catalog/default/component/payments-sidecar/consumer-groups',
  );
  await expect(
    page.getByText(/No consumer group is linked to this entity yet/),
  ).toBeVisible();
  await expect(page.getByText(/^payments\./)).toHaveCount(0);
});

test("@admin team-payments keeps its namespace's group and subject; the Namespace claims tab shows who holds payments", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signInAsGuest(page);
  await openWhenShown(
    page,
    '/catalog/default/component/payments-service/schemas',
    'payments.authorized-value',
  );
  await expect(
    tableRows(page, 'Schema subjects', 'payments.authorized-value'),
  ).toHaveCount(1);

  await openWhenShown(
    page,
    '/catalog/default/component/payments-service/consumer-groups?environment=dev',
    'payments.settlement',
    150_000,
  );
  await expect(
    tableRows(page, 'Consumer groups', 'payments.settlement'),
  ).toHaveCount(1);

  // Linked by prefix to payments-service, in every environment.
  await page.goto('/kafka-hub/consumer-groups');
  await page.getByLabel('Search consumer groups').fill('payments.settlement');
  const groups = tableRows(page, 'Consumer groups', 'payments.settlement');
  await expect(groups.first()).toBeVisible();
  for (const row of await groups.all()) {
    await expect(row).toContainText('payments-service');
    await expect(row).not.toContainText('payments-sidecar');
  }
  await page.goto('/kafka-hub/schemas');
  await page.getByLabel('Search schemas').fill('payments.authorized-value');
  const subjects = tableRows(
    page,
    'Schema subjects',
    'payments.authorized-value',
  );
  await expect(subjects).toHaveCount(1);
  await expect(subjects).toContainText('payments-service');
  await expect(subjects).not.toContainText('payments-sidecar');

  await openWhenShown(page, '/kafka-hub/admin/claims', 'payments-service');
  const claim = tableRows(page, 'Namespace claims', 'payments');
  await expect(claim).toContainText('payments.*');
  await expect(claim).toContainText('payments-service');
  await expect(claim).toContainText('team-payments');
  await expect(claim).not.toContainText('payments-sidecar');
  await page.screenshot({
    path: `${screenshots}/ownership-admin-claims.png`,
    fullPage: true,
  });
});

test('@admin the impostor has no run, and a retry of it starts none', async ({
  request,
}) => {
  const backend = await backendAsGuest(request);
  const retry = await backend.post(
    `/api/kafka-hub/applications/${encodeURIComponent(SIDECAR)}/retry`,
  );
  expect(retry.status()).toBe(400);
  expect((await retry.json()).error.message).toContain(claimedBy);

  const response = await backend.get(
    `/api/kafka-hub/applications/${encodeURIComponent(SIDECAR)}`,
  );
  expect(response.status()).toBe(200);
  const app = await response.json();
  // An admin's answer carries the run history.
  expect(app.errorDetail).toBe('full');
  expect(app.runs).toEqual([]);
  expect(app.attemptCount).toBe(0);
  expect(app.status).toBe('failed');
  expect(app.environments).toEqual({});
});
