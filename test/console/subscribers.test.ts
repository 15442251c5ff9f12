// Subscribers in the console: admins only; counts; a CSV import that shows first which rows go
// in and why the others do not; the CSV export; erasure after a question.
import assert from 'node:assert/strict';
import { startTestService, type TestService } from '../helpers/service.js';
import { addAccount, signedIn, type ConsoleClient } from './console-client.js';

const CSV = [
  'email,name,categories',
  'anna@example.org,Anna,salute',
  '"rossi, mario"@,Mario Rossi,',
  'bruno@example.org,,salute;sport',
  'chiara@example.org,Chiara,nessuna-categoria',
  'anna@example.org,Anna di nuovo,',
  'dario@example.org,"Dario ""Dado"" Neri",',
].join('\r\n');

describe('console subscribers', function () {
  this.timeout(30_000);
  let service: TestService;
  let admin: ConsoleClient;

  beforeEach(async () => {
    service = await startTestService();
    for (const category of ['Salute', 'Sport']) {
      await service.request('/api/articles', { method: 'POST', admin: true, json: { title: `Notizia ${category}`, contentHtml: '<p>Testo.</p>', categories: [category] } });
    }
    await addAccount(service, 'admin@example.org', 'admin');
    await addAccount(service, 'editor@example.org', 'editor');
    admin = await signedIn(service, 'admin@example.org');
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  const rowsOf = (html: string) => [...html.matchAll(/<tr[^>]*><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((match) => `${match[1]} ${match[2]} ${match[3]}`);

  it('gives an editor 403 on every subscriber page', async () => {
    const editor = await signedIn(service, 'editor@example.org');
    for (const path of ['/admin/subscribers', '/admin/subscribers/export.csv', '/admin/subscribers/import']) assert.equal((await editor.get(path)).status, 403, path);
    assert.equal((await editor.post('/admin/subscribers/import', { csv: CSV, action: 'import' })).status, 403);
    assert.equal(service.ctx.store.newsletter.allSubscribers().length, 0);
  });

  it('shows which CSV rows will be imported and why three are refused, then imports the others', async () => {
    const preview = await admin.post('/admin/subscribers/import', { csv: CSV, action: 'preview' });
    assert.equal(preview.status, 200);
    const page = await preview.text();
    assert.equal(service.ctx.store.newsletter.allSubscribers().length, 0, 'the preview writes nothing');
    assert.deepEqual(rowsOf(page), [
      '2 anna@example.org sarà importato',
      '3 rossi, mario@ rifiutato: email non è un indirizzo email valido, ad esempio nome@esempio.it',
      '4 bruno@example.org sarà importato',
      '5 chiara@example.org rifiutato: categories.0 non esiste la categoria &quot;nessuna-categoria&quot;',
      '6 anna@example.org rifiutato: email è già nella lista',
      '7 dario@example.org sarà importato',
    ]);
    assert.match(page, /3 saranno importati, 3 rifiutati/);

    const imported = await admin.post('/admin/subscribers/import', { csv: CSV, action: 'import' });
    assert.match(await imported.text(), /3 importati, 3 saltati/);
    const emails = service.ctx.store.newsletter.allSubscribers().map((subscriber) => subscriber.email).sort();
    assert.deepEqual(emails, ['anna@example.org', 'bruno@example.org', 'dario@example.org']);
    assert.equal(service.ctx.store.newsletter.subscriberByEmail('dario@example.org')!.name, 'Dario "Dado" Neri');
    assert.equal(service.ctx.store.accounts.auditEntries(0, 1)[0]!.action, 'subscribers-imported');
  });

  it('previews an uploaded CSV file (with a byte-order mark) like a pasted one, and imports its rows on confirmation', async () => {
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV, 'utf8')]);
    const preview = await admin.post('/admin/subscribers/import', { csv: '', action: 'preview' }, { file: { field: 'csvFile', name: 'iscritti.csv', bytes: file } });
    assert.equal(preview.status, 200);
    const page = await preview.text();
    assert.match(page, /3 saranno importati, 3 rifiutati/);
    assert.equal(service.ctx.store.newsletter.allSubscribers().length, 0, 'the preview writes nothing');
    // The confirming post sends the file's text back from the paste box.
    const shown = /<textarea[^>]*name="csv"[^>]*>([^<]*)<\/textarea>/.exec(page)![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.equal(shown, CSV);
    const imported = await admin.post('/admin/subscribers/import', { csv: shown, action: 'import' });
    assert.match(await imported.text(), /3 importati, 3 saltati/);
    assert.equal(service.ctx.store.newsletter.allSubscribers().length, 3);
  });

  it('counts subscribers by status and category, finds them by address, and exports them as CSV', async () => {
    await admin.post('/admin/subscribers/import', { csv: 'email,name,categories\r\nanna@example.org,,salute\r\nbruno@example.org,,\r\ncarlo@example.org,=HYPERLINK(x),sport', action: 'import' });
    const page = await (await admin.get('/admin/subscribers?q=bruno')).text();
    assert.match(page, /<th scope="row">confermati<\/th><td>3<\/td>/);
    assert.match(page, /<th scope="row">Salute<\/th><td>1<\/td>/);
    assert.match(page, /<th scope="row">Sport<\/th><td>1<\/td>/);
    assert.match(page, /<th scope="row">Tutte le categorie<\/th><td>1<\/td>/);
    assert.match(page, /<td>bruno@example.org<\/td>/);
    assert.doesNotMatch(page, /<td>anna@example.org<\/td>/);
    const csv = await admin.get('/admin/subscribers/export.csv');
    assert.match(csv.headers.get('content-disposition')!, /^attachment; filename="?subscribers\.csv"?$/);
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines[0], 'email,name,categories,status,source,createdAt,confirmedAt');
    assert.equal(lines.length, 4);
    assert.ok(lines.some((line) => line.startsWith("carlo@example.org,'=HYPERLINK(x),sport,")), 'a spreadsheet does not run the name as a formula');
  });

  it('exports and searches a list longer than one slice of the walk: every subscriber once, the last one found', async () => {
    const emails = Array.from({ length: 2500 }, (_, index) => `lettore${String(index).padStart(4, '0')}@example.org`);
    assert.equal((await service.request('/api/subscribers', { method: 'POST', admin: true, json: emails.map((email) => ({ email })) })).status, 200);
    const exported = (await (await admin.get('/admin/subscribers/export.csv')).text()).trim().split('\r\n').slice(1);
    assert.deepEqual(exported.map((line) => line.split(',')[0]).sort(), emails);
    const last = service.ctx.store.newsletter.allSubscribers().at(-1)!;
    const page = await (await admin.get(`/admin/subscribers?q=${encodeURIComponent(last.email)}`)).text();
    assert.match(page, new RegExp(`<td>${last.email}</td>`));
    assert.match(page, /<th scope="row">confermati<\/th><td>2500<\/td>/);
  });

  it('asks before erasing a subscriber, then erases them and logs the record, not the address', async () => {
    await admin.post('/admin/subscribers/import', { csv: 'email\r\nanna@example.org', action: 'import' });
    const anna = service.ctx.store.newsletter.subscriberByEmail('anna@example.org')!;
    const question = await admin.get(`/admin/subscribers/${anna.id}/erase`);
    assert.match(await question.text(), /Cancellare anna@example\.org per sempre\?/);
    assert.equal(service.ctx.store.newsletter.subscriberById(anna.id)!.status, 'confirmed', 'asking erases nothing');
    assert.equal((await admin.post(`/admin/subscribers/${anna.id}/erase`, {})).status, 303);
    assert.equal(service.ctx.store.newsletter.subscriberById(anna.id)!.status, 'erased');
    const entry = service.ctx.store.accounts.auditEntries(0, 1)[0]!;
    assert.deepEqual([entry.action, entry.target], ['subscriber-erased', anna.id]);
  });
});
