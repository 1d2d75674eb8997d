import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../src/switchyard.js';
import { databaseLabel, startTestHub } from '../support/hub.js';

/** Every stylesheet, script and icon the page links to, resolved as a browser resolves them. */
function assetsOf(html: string, pageUrl: string): string[] {
  return [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => new URL(match[1], pageUrl).toString());
}

describe(`the admin API documentation page (${databaseLabel})`, () => {
  let hub: RunningHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => hub.close());

  for (const path of ['/api/docs', '/api/docs/']) {
    it(`loads with all its assets at ${path}`, async () => {
      const page = await fetch(`${hub.url}${path}`);
      expect(page.status).toBe(200);
      const assets = assetsOf(await page.text(), `${hub.url}${path}`);
      expect(assets.length).toBeGreaterThan(3);
      for (const asset of assets) {
        expect({ asset, status: (await fetch(asset)).status }).toEqual({ asset, status: 200 });
      }
    });
  }

  it('serves the OpenAPI document the page reads', async () => {
    const document = await fetch(`${hub.url}/api/docs/json`);
    expect(document.status).toBe(200);
    expect((await document.json()).info.title).toBe('Switchyard admin API');
  });
});
