import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SITES } from '../../src/sim/sites.js';
import { admin, databaseLabel, eventually } from '../support/hub.js';
import { cdr, evse, location, session, tariff, token } from '../support/fixtures.js';
import { onboard, pagedAnswer, startRoamingNetwork, type RoamingNetwork } from '../support/network.js';
import { OcpiPlatform } from '../../src/sim/platform.js';
import { success } from '../../src/ocpi/envelope.js';

/**
 * The console in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core).
 * Skipped when the browser is absent, unless SWITCHYARD_REQUIRE_BROWSER=1 (CI) makes that a
 * failure. With SWITCHYARD_SCREENSHOTS=1 the pages are saved as docs/console-*.png.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.SWITCHYARD_REQUIRE_BROWSER === '1') {
  throw new Error(`${CHROMIUM} is required (SWITCHYARD_REQUIRE_BROWSER=1): apt-get install -y chromium`);
}
if (!hasBrowser) console.warn(`Console browser tests skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const screenshots = process.env.SWITCHYARD_SCREENSHOTS === '1';
const PASSWORD = 'console test password';
const CP1 = { countryCode: 'US', partyId: 'CP1' };
const CP2 = { countryCode: 'CA', partyId: 'CP2' };
const MS1 = { countryCode: 'US', partyId: 'MS1' };
const STATUSES = ['AVAILABLE', 'CHARGING', 'AVAILABLE', 'OUTOFORDER', 'BLOCKED', 'CHARGING'];

describe.skipIf(!hasBrowser)(`the console in a browser (${databaseLabel})`, () => {
  let net: RoamingNetwork;
  let browser: Browser;

  /** A fresh browser context logged in as `username`. */
  async function loggedIn(username: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto(net.hub.url);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.getByTestId('who').waitFor();
    return page;
  }

  async function visit(page: Page, id: string, ready: string) {
    await page.goto(`${net.hub.url}/console/#/${id}`);
    await page.getByTestId(ready).waitFor();
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-${id}.png`, fullPage: true });
  }

  beforeAll(async () => {
    if (!existsSync(`${ROOT}dist/console/index.html`)) execFileSync('npm', ['run', 'build:console'], { cwd: ROOT, stdio: 'inherit' });
    net = await startRoamingNetwork();
    for (const [username, role, partner] of [['ops', 'admin'], ['volt', 'partner', 'Volt Street']]) {
      const body = { username, password: PASSWORD, role, ...(partner ? { partner_id: net.partnerIds.get(partner) } : {}) };
      expect((await admin(net.hub, 'POST', '/api/accounts', body)).status).toBe(201);
    }
    // Locations at real sites for the map, in every EVSE status colour.
    for (const [i, site] of SITES.filter((_, i) => i % 3 === 0).entries()) {
      const [owner, cpo] = i % 2 ? [CP2, net.cpo2] : [CP1, net.cpo1];
      const id = `LOC-MAP-${i}`;
      const evses = [0, 1, 2].map((j) =>
        evse(`E${i}-${j}`, { evse_id: `${owner.countryCode}*${owner.partyId}*E${i}${j}`, status: STATUSES[(i + j) % STATUSES.length] }),
      );
      const body = location(owner, id, { name: site.name, city: site.city, coordinates: { latitude: site.latitude, longitude: site.longitude }, evses });
      const reply = await cpo.send({ method: 'PUT', url: `${cpo.hubUrl('locations', undefined, 'RECEIVER')}/${owner.countryCode}/${owner.partyId}/${id}`, body });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await net?.close();
  });

  it('logs in, shows the partners, creates and suspends an agreement, and finds a refused tap with its verdict', async () => {
    const page = await loggedIn('ops');
    await visit(page, 'partners', 'partners');
    for (const name of ['Volt Street', 'Maple Charge', 'DriveOn', 'Northern Roam']) {
      await expect.poll(() => page.getByTestId('partners').innerText()).toContain(name);
    }
    await page.getByText('Details').first().click();
    await expect.poll(() => page.getByTestId('partner-details').innerText()).toContain('Credentials exchanged');
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-partners.png`, fullPage: true });

    await visit(page, 'agreements', 'matrix');
    await page.fill('input[name=cpo]', 'US*MS1');
    await page.fill('input[name=emsp]', 'CA*CP2');
    await page.click('text=Create agreement');
    await expect.poll(() => page.getByTestId('agreement-error').innerText()).toContain('The roles are swapped');
    await page.fill('input[name=cpo]', 'CA*CP2');
    await page.fill('input[name=emsp]', 'US*MS1');
    await page.click('text=Create agreement');
    await expect.poll(() => page.getByTestId('agreement-info').innerText()).toContain('Created the agreement CA*CP2 × US*MS1');
    const cell = page.locator('td[data-pair="CA*CP2|US*MS1"]');
    await expect.poll(() => cell.innerText()).toContain('BILATERAL');
    const question = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await cell.getByText('Suspend').click();
    expect(await question).toContain('No session in progress between CA*CP2 and US*MS1');
    await expect.poll(() => cell.innerText()).toContain('SUSPENDED');
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-agreements.png`, fullPage: true });

    // A DriveOn driver taps at Maple Charge: refused, since the pair is suspended.
    const pushed = await net.emsp1.send({
      method: 'PUT',
      url: `${net.emsp1.hubUrl('tokens', undefined, 'RECEIVER')}/US/MS1/04BROWSER01?type=RFID`,
      body: token(MS1, '04BROWSER01', { contract_id: 'US-MS1-C0BROWSER1', visual_number: 'DRV-0042' }),
    });
    expect(pushed.envelope?.status_code).toBe(1000);
    const tap = await net.cpo2.send<any>({ method: 'POST', url: `${net.cpo2.hubUrl('tokens', undefined, 'SENDER')}/04BROWSER01/authorize?type=RFID` });
    expect(tap.envelope?.data.allowed).toBe('NOT_ALLOWED');
    // The decision is stored after the answer: searched once it is there.
    await eventually(async () => (await admin(net.hub, 'GET', '/api/search?q=US-MS1-C0BROWSER1')).body.matches.length > 0, 30_000, 'the refused tap searchable');

    await page.goto(`${net.hub.url}/console/#/support`);
    await page.fill('input[name=q]', 'US-MS1-C0BROWSER1');
    await page.click('text=Search');
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    const text = await verdict.innerText();
    expect(text).toContain('The driver was refused at CA*CP2');
    expect(text).toContain('suspended');
    expect(text).toContain('At fault: HUB');
    expect(text).toContain('AGREEMENT_SUSPENDED');
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-support.png`, fullPage: true });

    await visit(page, 'journal', 'journal');
    await expect.poll(() => page.getByTestId('journal').innerText()).toContain('(authorization decision)');
    await visit(page, 'overview', 'rate-chart');
    await visit(page, 'map', 'map');
    // The map's frame draws before its locations arrive.
    await expect.poll(() => page.locator('svg[data-testid=map] circle').count(), { timeout: 30_000 }).toBeGreaterThan(20);
    await visit(page, 'sla', 'sla');
    await page.context().close();
  });

  it('shows a CDR whose total is off by 1.00 as FLAGGED, and approves it from the disputes inbox', async () => {
    // Seattle, 0.45 USD per kWh: 30 kWh cost 13.50, and the CPO claims 14.50.
    for (const [module, path, body] of [
      ['locations', '/US/CP1/LOC-1', location(CP1)],
      ['tariffs', '/US/CP1/TARIFF-DC', tariff(CP1)],
      ['sessions', '/US/CP1/SESSION-1', session(CP1, MS1)],
    ] as const) {
      const reply = await net.cpo1.send({ method: 'PUT', url: `${net.cpo1.hubUrl(module, undefined, 'RECEIVER')}${path}`, body });
      expect(reply.envelope?.status_code).toBe(1000);
    }
    const pushed = await net.cpo1.send({
      method: 'POST',
      url: net.cpo1.hubUrl('cdrs', undefined, 'RECEIVER'),
      body: cdr(CP1, MS1, 'CDR-BROWSER-1', { total_cost: { excl_vat: 14.5, incl_vat: 14.5 } }),
    });
    expect(pushed.envelope?.status_code).toBe(1000);
    await eventually(async () => (await admin(net.hub, 'GET', '/api/cdrs/US/CP1/CDR-BROWSER-1')).body?.audited_at, 30_000, 'the CDR audited');
    // A statement of the period, for its download links.
    const terms = { cpo: 'US*CP1', emsp: 'US*MS1', cadence: 'MONTHLY', time_zone: 'America/Los_Angeles', billing: 'DIRECT', payment_terms_days: 15, hub_issues_invoices: false };
    expect((await admin(net.hub, 'PUT', '/api/settlement/terms', terms)).status).toBe(200);
    const run = await admin(net.hub, 'POST', '/api/settlement/runs', { period: '2026-11' });
    expect(run.status).toBe(202);
    await eventually(async () => (await admin(net.hub, 'GET', `/api/settlement/runs/${run.body.id}`)).body.status === 'DONE', 30_000, 'the run done');

    const page = await loggedIn('ops');
    await page.goto(`${net.hub.url}/console/#/clearing`);
    const row = page.locator('[data-testid=inbox] tr[data-cdr="US*CP1 CDR-BROWSER-1"]');
    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain('FLAGGED');
    expect(await row.innerText()).toContain('TOTAL_COST');
    await row.getByText('Details').click();
    const details = page.getByTestId('cdr-details');
    await expect.poll(() => details.innerText()).toContain('AUDIT');
    const claimedVsComputed = await details.innerText();
    expect(claimedVsComputed).toMatch(/total_cost\s+14\.5 \/ 14\.5\s+13\.5/);
    expect(claimedVsComputed).toContain('TOTAL_COST');
    const statement = page.locator('[data-testid=statements] tr', { hasText: 'US*MS1' }).first();
    await expect.poll(() => statement.innerText()).toContain('2026-11');
    const csv = await statement.getByText('CSV').getAttribute('href');
    const pdf = await statement.getByText('PDF').getAttribute('href');
    const downloads = await page.evaluate(
      async (paths) => Promise.all(paths.map(async (path) => (await fetch(path!)).headers.get('content-type'))),
      [csv, pdf],
    );
    expect(downloads).toEqual([expect.stringContaining('text/csv'), 'application/pdf']);
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-clearing.png`, fullPage: true });

    await row.getByText('Approve').click();
    await expect.poll(() => page.getByTestId('clearing-info').innerText()).toContain('US*CP1 CDR-BROWSER-1 is now APPROVED');
    await expect.poll(() => page.locator('[data-testid=cdrs] tr[data-cdr="US*CP1 CDR-BROWSER-1"]').innerText()).toContain('APPROVED');
    await expect.poll(() => page.getByTestId('cdr-history').innerText()).toContain('operator:ops');
    expect(await row.count()).toBe(0);
    const approved = await admin(net.hub, 'GET', '/api/cdrs/US/CP1/CDR-BROWSER-1');
    expect(approved.body.status).toBe('APPROVED');
    expect(approved.body.history.at(-1)).toMatchObject({ action: 'APPROVE', from_status: 'FLAGGED', to_status: 'APPROVED', actor: 'operator:ops' });
    await page.context().close();
  });

  it('runs a conformance check from the partner page, which activates a gated partner', async () => {
    // Gated, and its tokens Sender pages without the headers OCPI asks for: the check after the handshake fails.
    const emsp = await OcpiPlatform.start({ name: 'Gated Browser', roles: [{ role: 'EMSP', countryCode: 'US', partyId: 'GBR', name: 'Gated Browser' }] });
    emsp.handle('tokens', () => success([]));
    try {
      const id = await onboard(net.hub, emsp, true, { gated: true });
      await eventually(async () => (await admin(net.hub, 'GET', `/api/partners/${id}`)).body.last_check, 60_000, 'the check after the handshake');
      const page = await loggedIn('ops');
      await visit(page, 'partners', 'partners');
      const row = page.locator('[data-testid=partners] tr', { hasText: 'Gated Browser' });
      await expect.poll(() => row.innerText()).toContain('GATED');
      await row.getByText('Details').click();
      const conformance = page.getByTestId('conformance');
      await expect.poll(() => page.getByTestId('check-verdict').innerText()).toContain('FAIL');
      expect(await page.getByTestId('gate').innerText()).toContain('nothing is routed to or from Gated Browser');
      const pagination = page.locator('[data-testid=check-cases] tr[data-case=pagination-tokens]');
      expect(await pagination.innerText()).toContain('Missing x-total-count and x-limit');
      expect(await pagination.innerText()).toContain('transport_and_format: Pagination');
      await pagination.getByText('request and response').click();
      await expect.poll(() => pagination.innerText()).toContain('"http_status": 200');

      emsp.handle('tokens', pagedAnswer([]));
      await conformance.getByTestId('run-check').click();
      await expect.poll(() => page.getByTestId('conformance-info').innerText(), { timeout: 20_000 }).toMatch(/Check \d+: PASS/);
      await expect.poll(() => page.getByTestId('check-verdict').innerText()).toContain('PASS');
      await expect.poll(() => page.getByTestId('gate').innerText()).toContain('routes active since');
      await expect.poll(() => row.innerText()).not.toContain('GATED');
      if (screenshots) await page.getByTestId('partner-details').screenshot({ path: `${ROOT}docs/console-conformance.png` });
      expect((await admin(net.hub, 'GET', `/api/partners/${id}`)).body).toMatchObject({ routes_active: true, status: 'CONNECTED' });
      await page.context().close();
    } finally {
      await emsp.close();
    }
  });

  it('shows a partner its own traffic and nothing of another partner', async () => {
    const page = await loggedIn('volt');
    expect(await page.getByTestId('who').innerText()).toContain('US*CP1');
    expect(await page.locator('nav').innerText()).not.toContain('Partners');
    await page.goto(`${net.hub.url}/console/#/journal`);
    await expect.poll(() => page.getByTestId('journal').innerText()).toContain('US*CP1');
    const journal = await page.getByTestId('journal').innerText();
    expect(journal).not.toContain('CA*CP2');
    expect(journal).not.toContain('US*MS1 → US*SWY');
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-portal.png`, fullPage: true });

    await page.goto(`${net.hub.url}/console/#/support`);
    await page.fill('input[name=q]', 'US-MS1-C0BROWSER1');
    await page.click('text=Search');
    await expect.poll(() => page.getByTestId('matches').innerText()).toContain('Nothing found.');
    const partners = await page.evaluate(async () => (await fetch('/api/partners')).status);
    expect(partners).toBe(403);
    await page.context().close();
  });

  it("shows a partner its own clearing, filtered on the server, and lets it act for its side", async () => {
    // Another CDR of Volt Street's, overcharged like the first, and one of Maple Charge's that Volt must not see.
    const CDR_2 = cdr(CP1, MS1, 'CDR-BROWSER-2', { session_id: 'SESSION-2', total_cost: { excl_vat: 14.5, incl_vat: 14.5 } });
    const OTHER = cdr(CP2, { countryCode: 'CA', partyId: 'MS2' }, 'CDR-MAPLE-B', { session_id: 'SESSION-M', currency: 'CAD' });
    for (const [cpo, body] of [[net.cpo1, CDR_2], [net.cpo2, OTHER]] as const) {
      expect((await cpo.send({ method: 'POST', url: cpo.hubUrl('cdrs', undefined, 'RECEIVER'), body })).envelope?.status_code).toBe(1000);
      const path = `/api/cdrs/${body.country_code}/${body.party_id}/${body.id}`;
      await eventually(async () => (await admin(net.hub, 'GET', path)).body?.audited_at, 30_000, `${body.id} audited`);
    }

    const page = await loggedIn('volt');
    expect(await page.locator('nav').innerText()).toContain('Clearing');
    await page.goto(`${net.hub.url}/console/#/clearing`);
    const cdrs = page.getByTestId('cdrs');
    await expect.poll(() => cdrs.innerText(), { timeout: 15_000 }).toContain('US*CP1 CDR-BROWSER-2');
    expect(await cdrs.innerText()).toContain('US*CP1 CDR-BROWSER-1');
    expect(await cdrs.innerText()).not.toContain('CDR-MAPLE-B');
    await expect.poll(() => page.getByTestId('statements').innerText()).toContain('US*MS1');
    expect(await page.getByTestId('statements').innerText()).not.toContain('CA*');

    // Filters go to the server: the id search and the currency narrow the list.
    await page.fill('input[name=cdrId]', 'browser-2');
    await page.selectOption('select[name=currency]', 'CAD');
    await page.click('text=Apply');
    await expect.poll(() => page.getByTestId('cdr-count').innerText()).toBe('0 CDR(s)');
    await page.selectOption('select[name=currency]', 'USD');
    await page.click('text=Apply');
    await expect.poll(() => page.getByTestId('cdr-count').innerText()).toBe('1 CDR(s)');
    if (screenshots) await page.screenshot({ path: `${ROOT}docs/console-portal-clearing.png`, fullPage: true });

    // The CPO's side writes off; approving and disputing are the eMSP's.
    const row = page.locator('[data-testid=inbox] tr[data-cdr="US*CP1 CDR-BROWSER-2"]');
    await expect.poll(() => row.innerText()).toContain('FLAGGED');
    expect(await row.getByText('Approve').count()).toBe(0);
    expect(await row.getByText('Dispute').count()).toBe(0);
    await row.getByText('Write off').click();
    await expect.poll(() => page.getByTestId('clearing-info').innerText()).toContain('US*CP1 CDR-BROWSER-2 is now WRITTEN_OFF');
    const written = await admin(net.hub, 'GET', '/api/cdrs/US/CP1/CDR-BROWSER-2');
    expect(written.body.history.at(-1)).toMatchObject({ action: 'WRITE_OFF', actor: 'volt for US*CP1', to_status: 'WRITTEN_OFF' });
    await page.context().close();
  });
});
