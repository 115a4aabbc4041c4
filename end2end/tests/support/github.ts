import { APIRequestContext, APIResponse } from '@playwright/test';
import { createHmac, randomUUID } from 'node:crypto';
import definitions from '@octokit/webhooks-examples';

/** The events our GitHub hook reads; their examples are the ones GitHub's docs publish (octokit/webhooks). */
export type GitHubEvent = 'push' | 'deployment_status' | 'workflow_run' | 'issues' | 'ping';

/**
 * A deep copy of a published example payload of `event` (the first one `pick` accepts), so a test can change a
 * field without touching the example another test reads.
 */
export function example(event: GitHubEvent | string, pick: (payload: any) => boolean = () => true): any {
  const definition = definitions.find((d) => d.name === event);
  if (!definition) throw new Error(`@octokit/webhooks-examples has no event named ${event}`);
  const found = (definition.examples as unknown[]).find(pick);
  if (found === undefined) throw new Error(`no ${event} example matches ${pick.toString()}`);
  return structuredClone(found);
}

/**
 * The headers GitHub sends with a delivery of `body` (the exact string it signs). Exported so that a test of a
 * refused delivery can drop or spoil one of them.
 */
export async function headers(secret: string, event: string, body: string, delivery: string = randomUUID()) {
  // webhooks-methods ships ES modules only; Playwright compiles tests to CommonJS, which cannot require() it.
  const { sign } = await import('@octokit/webhooks-methods');
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'GitHub-Hookshot/8a1f3c2',
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': delivery,
    'X-GitHub-Hook-ID': '109948940',
    // GitHub still sends the SHA-1 signature beside the SHA-256 one; a hook must verify the SHA-256 one.
    'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
    'X-Hub-Signature-256': await sign(secret, body),
  };
}

/** Delivers `payload` as GitHub does: serialised once, that exact string signed and posted. */
export async function deliver(
  request: APIRequestContext,
  url: string,
  secret: string,
  event: string,
  payload: any,
  delivery: string = randomUUID(),
): Promise<APIResponse> {
  const body = JSON.stringify(payload);
  return request.post(url, { data: body, headers: await headers(secret, event, body, delivery) });
}
