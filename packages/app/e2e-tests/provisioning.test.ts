import { expect, test } from '@playwright/test';
import { openWhenShown, screenshots, signInAsGuest } from './demo';

test('the bad-prod application shows the banner, the dialog lists prod, and retry spins and toasts', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openWhenShown(
    page,
    '/catalog/default/component/checkout-service/kafka',
    '1 application has provisioning issues',
  );
  await page.screenshot({
    path: `${screenshots}/provisioning-entity-tab.png`,
    fullPage: true,
  });

  await page.getByRole('button', { name: 'View details' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByText('Provisioning issues')).toBeVisible();
  await expect(dialog.getByText('prod', { exact: true })).toBeVisible();
  await expect(
    dialog.getByText(/ECONNREFUSED 127\.0\.0\.1:19092/),
  ).toBeVisible();
  await expect(dialog.getByText('dev', { exact: true })).toBeVisible();
  await expect(
    dialog.getByRole('link', { name: /Contact support/ }),
  ).toHaveAttribute('href', 'https://backstage.io/docs/overview/support');

  // Hold the request a moment, so the spinner can be seen.
  await page.route('**/api/kafka-hub/applications/*/retry*', async route => {
    await new Promise(resolve => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await dialog.getByRole('button', { name: 'Retry provisioning' }).click();
  await expect(
    dialog.getByRole('progressbar', { name: 'Starting provisioning' }),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/provisioning-dialog-retrying.png`,
  });
  await expect(page.getByText('Provisioning retry started')).toBeVisible();
  // The dialog stays open through the retry and shows the new outcome.
  await expect(
    dialog.getByText(/ECONNREFUSED 127\.0\.0\.1:19092/),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/provisioning-dialog-retried.png`,
  });
});

test("stage's cluster refuses checkout's topics while dev provisioned them", async ({
  page,
}) => {
  await signInAsGuest(page);
  // Stage's admins let Kafka Hub create topics under orders. and payments.
  // only (scripts/demo/stage.mjs): an environment-specific failure.
  await openWhenShown(
    page,
    '/catalog/default/component/checkout-service/kafka',
    'TOPIC_AUTHORIZATION_FAILED',
  );
  const table = page.getByRole('table', {
    name: 'Provisioning per environment',
  });
  const row = (env: string) =>
    table.locator('tbody tr', {
      has: page.getByRole('cell', { name: env, exact: true }),
    });
  await expect(row('dev')).toContainText('Success');
  await expect(row('dev')).toContainText('already existed');
  await expect(row('stage')).toContainText('Failed');
  await expect(row('stage')).toContainText(
    'Creating topic checkout.sessions: TOPIC_AUTHORIZATION_FAILED',
  );
  await expect(row('stage')).not.toContainText('ECONNREFUSED');
  await expect(row('prod')).toContainText('ECONNREFUSED');
  await page.screenshot({
    path: `${screenshots}/provisioning-stage-refused.png`,
    fullPage: true,
  });
});

test("a team's Kafka tab lists its applications with their status", async ({
  page,
}) => {
  await signInAsGuest(page);
  await openWhenShown(
    page,
    '/catalog/default/group/team-orders/kafka',
    '3 applications have provisioning issues',
  );
  await expect(
    page.getByText('4 applications owned by this team'),
  ).toBeVisible();
  const table = page.locator('table').filter({ hasText: 'Prefix' });
  const row = (app: string) =>
    table.locator('tr', { has: page.getByText(app, { exact: true }) });
  await expect(row('checkout')).toContainText('Partial');
  await expect(row('fraud-detector')).toContainText('Failed');
  await expect(row('fraud-detector')).toContainText('kafka-hub.io/topics');
  await expect(row('orders')).toContainText('Completed');
  // The guest's team's impostor of team-payments' slug is refused...
  await expect(row('payments')).toHaveCount(1);
  await expect(row('payments')).toContainText('payments-sidecar');
  await expect(row('payments')).toContainText('Failed');
  await expect(row('payments')).toContainText(
    'kafka-hub.io/application: is claimed by component:default/payments-service',
  );
  // ...and team-payments' own applications are not the guest's to see.
  await expect(
    table.getByRole('link', { name: 'payments-service' }),
  ).toHaveCount(0);
  await expect(table.getByText('billing', { exact: true })).toHaveCount(0);
  await page.screenshot({
    path: `${screenshots}/provisioning-group-tab.png`,
    fullPage: true,
  });
});

test('the admin page tells a non-admin what it needs', async ({ page }) => {
  await signInAsGuest(page);
  await page.goto('/kafka-hub/admin');
  await expect(
    page.getByText('You are not allowed to use the Kafka Hub admin page'),
  ).toBeVisible();
  await expect(page.getByText(/kafka-hub\.admin\.read/)).toBeVisible();
  // No sidebar entry for them: it is there for admins only.
  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    sidebar.getByRole('link', { name: 'Kafka Hub', exact: true }),
  ).toBeVisible();
  await expect(sidebar.getByRole('link', { name: 'Kafka admin' })).toHaveCount(
    0,
  );
});

test('@admin the sidebar opens the admin page for an admin', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/kafka-hub');
  const sidebar = page.getByRole('navigation', { name: 'sidebar nav' });
  await sidebar.getByRole('link', { name: 'Kafka admin' }).click();
  await expect(page).toHaveURL(/\/kafka-hub\/admin$/);
  await expect(page.getByRole('tab', { name: 'Provisioning' })).toBeVisible();
});

test('@admin the admin Provisioning tab filters, expands and retries all failed', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openWhenShown(page, '/kafka-hub/admin', 'payments');
  const table = page.getByRole('table', { name: 'Applications not completed' });
  const row = (app: string) =>
    table.locator('tr', { has: page.getByText(app, { exact: true }) });
  // Two applications declare "payments": tell them by their entity.
  const entityRow = (entity: string) =>
    table.locator('tr', {
      has: page.getByRole('link', { name: entity, exact: true }),
    });
  await expect(row('checkout')).toContainText('Partial');
  await expect(entityRow('payments-service')).toContainText('Partial');
  await expect(row('fraud-detector')).toContainText('Failed');
  await expect(entityRow('payments-sidecar')).toContainText('Failed');
  await expect(entityRow('payments-sidecar')).toContainText(
    'kafka-hub.io/application: is claimed by component:default/payments-service (owner group:default/team-payments)',
  );

  const filter = page.getByLabel('Status', { exact: true });
  await filter.selectOption({ label: 'Failed' });
  await expect(row('fraud-detector')).toBeVisible();
  await expect(entityRow('payments-sidecar')).toBeVisible();
  await expect(row('checkout')).toHaveCount(0);
  await expect(entityRow('payments-service')).toHaveCount(0);
  await filter.selectOption({ label: 'Partial' });
  await expect(row('checkout')).toBeVisible();
  await expect(entityRow('payments-service')).toBeVisible();
  await expect(row('fraud-detector')).toHaveCount(0);
  await expect(entityRow('payments-sidecar')).toHaveCount(0);

  await entityRow('payments-service')
    .getByRole('button', { name: 'Show details of payments' })
    .click();
  const details = page.getByLabel('Details of payments');
  // Admins get the whole error text, pre-formatted.
  await expect(details.locator('pre').first()).toContainText(
    'prod: Connecting to 127.0.0.1:19092: Connection to 127.0.0.1:19092 failed: connect ECONNREFUSED 127.0.0.1:19092',
  );
  await expect(
    details.getByRole('button', { name: /Copy run ID/ }).first(),
  ).toBeVisible();
  await expect(page.getByRole('table', { name: 'Run history' })).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/provisioning-admin-expanded.png`,
    fullPage: true,
  });

  await page.getByRole('button', { name: 'Retry all failed' }).click();
  // The backend's own backoff retries (run-due) may have claimed some or all
  // of them a moment before the click: retry-all counts those as already in
  // progress, so the partial applications are always in its total.
  await expect(
    page.getByText(
      /Retry started for \d+ of \d+ failed or partial applications/,
    ),
  ).toBeVisible();
  await page.screenshot({
    path: `${screenshots}/provisioning-admin-retry-all.png`,
    fullPage: true,
  });
});
