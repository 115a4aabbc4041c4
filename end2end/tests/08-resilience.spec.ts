import { expect, Page, test } from '@playwright/test';
import { jsEnabled, settle } from './helpers';
import { acceptDialogs, goToStage, join, newCheckpoint, waitLive } from './live';

// Nothing typed or acknowledged is lost: a change counts as saved only on its
// acknowledgement, waits while the connection is down (no form post, no
// page load), is sent again after a reconnect and applied once.

test.describe.configure({ mode: 'serial' });

const note = (page: Page, text: string) => page.locator('.note').filter({ hasText: text });

/** Marks the page, to tell afterwards that it was not navigated away or reloaded. */
async function mark(page: Page) {
  await page.evaluate(() => { (window as unknown as { marker: number }).marker = 42; });
}
async function expectSamePage(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 'the page was not navigated or reloaded').toBe(42);
}

/**
 * Drops the page's room socket right after the server's first acknowledgement,
 * before the page sees it (the server committed; the page must send again).
 * Returns whether that has happened yet.
 */
async function cutFirstAck(page: Page): Promise<() => boolean> {
  let cut = false;
  await page.routeWebSocket(/\/live\/.*\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => {
      if (!cut && JSON.parse(String(m)).t === 'ack') {
        cut = true;
        ws.close();
        server.close();
        return;
      }
      ws.send(m);
    });
  });
  return () => cut;
}

async function boardWithTemplate(page: Page) {
  await goToStage(page, 'Path to production');
  await page.getByRole('button', { name: 'Start from the template' }).click();
  await expect(page.getByRole('heading', { name: 'Build', level: 3 })).toBeVisible();
}

test('a note typed while the connection is down is saved exactly once after reconnecting @resilience', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'waiting for the connection is the script’s job; without it the form posts (see the board tests)');
  const { code } = await newCheckpoint(page, testInfo);
  await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  await waitLive(ana.page);
  await boardWithTemplate(page);
  await expect(ana.page.getByRole('heading', { name: 'Build', level: 3 })).toBeVisible();
  await mark(ana.page);

  await ana.context.setOffline(true);
  await expect(ana.page.getByTestId('link')).toContainText('Reconnecting');
  const form = ana.page.getByRole('form', { name: 'Add a note to Build' });
  const text = form.getByLabel('New note in Build');
  await text.fill('Typed on the train');
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(ana.page.getByTestId('save-status')).toHaveText('Not saved, retrying (1 change waiting)');
  await expect(form.getByTestId('note-pending')).toHaveText('Not saved yet: this note is sent when the connection is back.');
  await expect(text, 'the text stays until the note is saved').toHaveValue('Typed on the train');
  await expect(note(page, 'Typed on the train')).toHaveCount(0);
  await expectSamePage(ana.page);

  await ana.context.setOffline(false);
  await waitLive(ana.page);
  await expect(text, 'saved: the form is ready for the next note').toHaveValue('');
  await expect(ana.page.getByTestId('save-status')).toHaveText('');
  await expect(note(ana.page, 'Typed on the train')).toHaveCount(1);
  await expect(note(page, 'Typed on the train')).toHaveCount(1);
  await expectSamePage(ana.page);

  // The socket dies right after the server committed the next note, before its
  // acknowledgement arrives: the page sends it again, and it is still one note.
  const ackCut = await cutFirstAck(ana.page);
  await ana.page.reload();
  await settle(ana.page, testInfo);
  await waitLive(ana.page);
  await mark(ana.page);
  await text.fill('Sent twice, saved once');
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect.poll(ackCut, 'the acknowledgement was cut off').toBe(true);
  await expect(text).toHaveValue('', { timeout: 20_000 });
  await expect(note(page, 'Sent twice, saved once')).toHaveCount(1);
  const id = page.url().split('/').pop()!.split('#')[0];
  const csv = await (await page.request.get(`/api/v1/checkpoints/${id}/export?format=csv&of=notes`)).text();
  expect(csv.split('Typed on the train').length - 1, csv).toBe(1);
  expect(csv.split('Sent twice, saved once').length - 1, csv).toBe(1);
  await expectSamePage(ana.page);
  await ana.context.close();
});

test('a refused note keeps its text and shows the server’s message beside the form @resilience', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'without JavaScript the plain form shows the refusal on the page it returns');
  const { code } = await newCheckpoint(page, testInfo);
  acceptDialogs(page);
  await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  await waitLive(ana.page);
  await boardWithTemplate(page);
  const form = ana.page.getByRole('form', { name: 'Add a note to Build' });
  const text = form.getByLabel('New note in Build');
  await text.fill('Half a thought when the facilitator ends the checkpoint');

  // The facilitator ends the checkpoint while Ana is still typing.
  await page.getByRole('button', { name: 'End the checkpoint' }).click();
  await expect(ana.page.locator('.status-pill')).toHaveText('Finished');
  await mark(ana.page);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(form.getByRole('alert')).toHaveText('this checkpoint has finished');
  await expect(text, 'the text is kept to copy elsewhere').toHaveValue('Half a thought when the facilitator ends the checkpoint');
  await expect(ana.page.getByTestId('save-status')).toHaveText('');
  await expectSamePage(ana.page);
  await ana.context.close();
});

test('a vote and a dot cast offline are sent on reconnect and counted once @resilience', async ({ page, browser }, testInfo) => {
  test.skip(!jsEnabled(testInfo), 'waiting for the connection is the script’s job');
  const { code } = await newCheckpoint(page, testInfo);
  await waitLive(page);
  const ana = await join(browser, testInfo, code, 'Ana');
  await waitLive(ana.page);
  await goToStage(page, 'Lead time for changes');
  await expect(ana.page.getByRole('heading', { name: 'Lead time for changes', level: 2 })).toBeVisible();
  await mark(ana.page);

  await ana.context.setOffline(true);
  await expect(ana.page.getByTestId('link')).toContainText('Reconnecting');
  await ana.page.getByLabel('Less than one day', { exact: true }).check();
  await ana.page.getByRole('button', { name: 'Cast my vote' }).click();
  await expect(ana.page.getByTestId('my-vote')).toHaveText('Your vote is not saved yet: Less than one day. It is sent when the connection is back.');
  await expect(ana.page.getByTestId('save-status')).toHaveText('Not saved, retrying (1 change waiting)');
  await expect(page.getByTestId('vote-count')).toHaveText('0 of 1 voted');
  await expectSamePage(ana.page);
  await ana.context.setOffline(false);
  await expect(ana.page.getByTestId('my-vote')).toHaveText('You voted: Less than one day');
  await expect(page.getByTestId('vote-count')).toHaveText('1 of 1 voted');
  await expect(ana.page.getByTestId('save-status')).toHaveText('');

  // Dots: one cast offline, one whose acknowledgement is lost with the socket.
  await boardWithTemplate(page);
  await page.getByRole('form', { name: 'Add a note to Test' }).getByLabel('New note in Test').fill('Run the tests in parallel');
  await page.getByRole('form', { name: 'Add a note to Test' }).getByLabel('Kind').selectOption('improvement');
  await page.getByRole('form', { name: 'Add a note to Test' }).getByRole('button', { name: 'Add note' }).click();
  await page.getByLabel('Dots per person').fill('3');
  await page.getByLabel('At most on one note').fill('3');
  await page.getByRole('button', { name: 'Open voting' }).click();
  const dot = ana.page.getByRole('button', { name: 'Add a dot to Run the tests in parallel' });
  await expect(dot).toBeVisible();
  const dots = note(ana.page, 'Run the tests in parallel').getByTestId('note-dots');
  await ana.context.setOffline(true);
  await expect(ana.page.getByTestId('link')).toContainText('Reconnecting');
  await dot.click();
  await expect(dots).toHaveText('yours: 0 (+1 not saved yet)');
  await expect(ana.page.getByTestId('save-status')).toContainText('Not saved, retrying');
  await expectSamePage(ana.page);
  await ana.context.setOffline(false);
  await expect(dots).toHaveText('yours: 1');

  const ackCut = await cutFirstAck(ana.page);
  await ana.page.reload();
  await settle(ana.page, testInfo);
  await waitLive(ana.page);
  await dot.click();
  await expect.poll(ackCut, 'the acknowledgement was cut off').toBe(true);
  await expect(ana.page.getByTestId('save-status')).toHaveText('', { timeout: 20_000 });
  await expect(dots).toHaveText('yours: 2');

  await page.getByRole('button', { name: 'Close voting' }).click();
  await expect(page.getByTestId('ranking').getByRole('listitem')).toHaveText(['Run the tests in parallel · 2 dots']);
  await ana.context.close();
});
