import { defineConfig } from '@playwright/test';

/**
 * Browser checks of a fresh adoption app (scripts/adoption/verify.sh starts
 * it and sets KAFKA_HUB_ADOPTION_URL). Debian's Chromium, as in the root
 * playwright.config.ts; Playwright never downloads a browser here.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: process.env.KAFKA_HUB_ADOPTION_URL,
    viewport: { width: 1280, height: 800 },
    actionTimeout: 30_000,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.KAFKA_HUB_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  outputDir:
    process.env.KAFKA_HUB_ADOPTION_TEST_OUTPUT ??
    '../../node_modules/.cache/adoption-test-results',
});
