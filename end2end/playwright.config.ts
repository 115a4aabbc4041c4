import { defineConfig } from '@playwright/test';

// Each project runs every test: once hydrated (JavaScript on) and once
// server-rendered only (JavaScript off). Without BASE_URL, global-setup starts
// one fresh server per project on these ports, each on its own database.
const external = process.env.BASE_URL;
const jsURL = external ?? `http://127.0.0.1:${process.env.E2E_PORT_JS ?? 3101}`;
const nojsURL = process.env.BASE_URL_NOJS ?? external ?? `http://127.0.0.1:${process.env.E2E_PORT_NOJS ?? 3102}`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  globalSetup: './global-setup.ts',
  globalTeardown: './global-teardown.ts',
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'js', use: { baseURL: jsURL, javaScriptEnabled: true } },
    { name: 'nojs', use: { baseURL: nojsURL, javaScriptEnabled: false } },
  ],
});
