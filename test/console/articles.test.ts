// Articles through the console's forms: scheduled for later and due when the clock gets there,
// two editors on one article (the second is told, and keeps their text), and If-Match on the API.
import assert from 'node:assert/strict';
import { parseRssFeed } from 'feedsmith';
import { startTestService, type TestService } from '../helpers/service.js';
import { MAX_PICTURE_BYTES } from '../../src/console/media.js';
import { gifOf, pngOf } from '../helpers/pictures.js';
import { addAccount, signedIn } from './console-client.js';

describe('console articles', function () {
  this.timeout(30_000);
  let service: TestService;

  beforeEach(async () => {
    service = await startTestService({ TIMEZONE: 'Europe/Rome' });
    await addAccount(service, 'anna@example.org', 'editor');
    await addAccount(service, 'marco@example.org', 'editor');
  });

  afterEach(async () => {
    await service.stop({ removeData: true });
  });

  const byTitle = (title: string) => service.ctx.store.articles.all().find((article) => article.title === title);

  it('schedules an article for a time in TIMEZONE, and it reaches the feed and its page only when due', async () => {
    const editor = await signedIn(service, 'anna@example.org');
    // The service's clock reads 2026-11-27 09:00 UTC, 10:00 in Rome.
    const response = await editor.post('/admin/articles/new', {
      title: 'Mostra in arrivo',
      contentHtml: '<h2>Dove</h2><p>Al <a href="https://example.org/museo">museo</a>.</p><script>alert(1)</script>',
      categories: 'Cultura, Eventi',
      publishAt: '2026-11-27T12:30',
      action: 'publish',
    });
    assert.equal(response.status, 303);
    const article = byTitle('Mostra in arrivo')!;
    assert.equal(article.publishedAt, '2026-11-27T11:30:00.000Z');
    assert.equal(article.contentHtml, '<h2>Dove</h2><p>Al <a href="https://example.org/museo" rel="noopener noreferrer">museo</a>.</p>', 'the same sanitiser as the API');
    const list = await (await editor.get('/admin/articles?status=scheduled')).text();
    assert.match(list, /Mostra in arrivo/);

    const titles = async () => (parseRssFeed(await (await service.request('/rss.xml')).text()).items ?? []).map((item) => item.title);
    assert.ok(!(await titles()).includes('Mostra in arrivo'));
    assert.equal((await service.request(`/articles/${article.slug}`)).status, 404);
    const preview = await editor.get(`/admin/articles/${article.id}/preview`);
    assert.equal(preview.status, 200, 'the editor previews the page before it is due');
    assert.match(await preview.text(), /<h2>Dove<\/h2>/);

    service.clock.set('2026-11-27T11:31:00Z');
    assert.ok((await titles()).includes('Mostra in arrivo'));
    assert.equal((await service.request(`/articles/${article.slug}`)).status, 200);
  });

  it('refuses the second of two editors\' saves with a clear message, and keeps everything they wrote in the form', async () => {
    const anna = await signedIn(service, 'anna@example.org');
    const marco = await signedIn(service, 'marco@example.org');
    await anna.post('/admin/articles/new', { title: 'Bozza comune', contentHtml: '<p>Primo testo.</p>', action: 'draft' });
    const article = byTitle('Bozza comune')!;
    const annaForm = await (await anna.get(`/admin/articles/${article.id}`)).text();
    const version = /name="version" value="([^"]+)"/.exec(annaForm)![1]!;
    await marco.get(`/admin/articles/${article.id}`);

    const first = await marco.post(`/admin/articles/${article.id}`, { version, title: 'Bozza comune', contentHtml: '<p>Testo di Marco.</p>', action: 'draft' });
    assert.equal(first.status, 303);
    const second = await anna.post(`/admin/articles/${article.id}`, { version, title: 'Bozza comune', contentHtml: '<p>Testo di Anna, lungo e curato.</p>', action: 'draft' });
    assert.equal(second.status, 409);
    const page = await second.text();
    assert.match(page, /Qualcun altro ha salvato questo articolo/);
    assert.match(page, /Testo di Anna, lungo e curato\./, "Anna's text is still in the form");
    assert.equal(service.ctx.store.articles.byId(article.id)!.contentHtml, '<p>Testo di Marco.</p>', "Marco's save stands");
  });

  it('tells an editor what is wrong with the form in the console\'s language, naming each field', async () => {
    const editor = await signedIn(service, 'anna@example.org');
    const invalid = { title: 'x'.repeat(301), contentHtml: '', imageUrl: 'ftp://example.org/foto.png', publishAt: 'domani', action: 'draft' };
    const italian = await editor.post('/admin/articles/new', invalid);
    assert.equal(italian.status, 422);
    const errorsOf = async (response: Response) => [...(await response.text()).matchAll(/<li><a href="#(\w+)">([^<]*)<\/a><\/li>/g)].map((match) => `${match[1]} ${match[2]}`);
    assert.deepEqual(await errorsOf(italian), ['publishAt Data e ora di pubblicazione (Europe/Rome): non è una data con un’ora']);
    const afterDate = await editor.post('/admin/articles/new', { ...invalid, publishAt: '' });
    assert.deepEqual(await errorsOf(afterDate), [
      'title Titolo: deve avere al massimo 300 caratteri',
      'contentHtml Testo: non può essere vuoto',
      'imageUrl Immagine (URL): deve essere un indirizzo completo http(s)',
    ]);

    const english = await startTestService({ TIMEZONE: 'Europe/Rome', SITE_LANGUAGE: 'en' });
    try {
      await addAccount(english, 'anna@example.org', 'editor');
      const englishEditor = await signedIn(english, 'anna@example.org');
      assert.deepEqual((await errorsOf(await englishEditor.post('/admin/articles/new', { ...invalid, publishAt: '' })))[0], 'title Title: must be at most 300 characters');
    } finally {
      await english.stop({ removeData: true });
    }
  });

  it('honours If-Match on PATCH /api/articles/{id}: 412 for an old version, the change for the current one', async () => {
    const created = await service.request('/api/articles', { method: 'POST', admin: true, json: { title: 'Via API', contentHtml: '<p>Uno.</p>' } });
    const etag = created.headers.get('etag')!;
    const { id } = await created.json();
    assert.equal((await service.request(`/api/articles/${id}`, { admin: true })).headers.get('etag'), etag);
    const changed = await service.request(`/api/articles/${id}`, { method: 'PATCH', admin: true, headers: { 'if-match': etag }, json: { title: 'Via API, due' } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    const stale = await service.request(`/api/articles/${id}`, { method: 'PATCH', admin: true, headers: { 'if-match': etag }, json: { title: 'Via API, tre' } });
    assert.equal(stale.status, 412);
    assert.equal(service.ctx.store.articles.byId(id)!.title, 'Via API, due');
    assert.equal((await service.request(`/api/articles/${id}`, { method: 'PATCH', admin: true, json: { title: 'Senza If-Match' } })).status, 200, 'without If-Match, as before');
  });

  it('finds articles by title, status and category, a page at a time', async () => {
    const editor = await signedIn(service, 'anna@example.org');
    for (let index = 0; index < 23; index += 1) {
      service.clock.advance(60_000);
      await service.request('/api/articles', { method: 'POST', admin: true, json: { title: `Notizia ${index}`, contentHtml: '<p>Testo.</p>', categories: [index % 2 ? 'Sport' : 'Salute'], status: index === 3 ? 'draft' : 'published' } });
    }
    const drafts = await (await editor.get('/admin/articles?status=draft')).text();
    assert.match(drafts, /Notizia 3</);
    assert.doesNotMatch(drafts, /Notizia 4</);
    const sport = await (await editor.get('/admin/articles?category=sport&q=notizia%201')).text();
    assert.deepEqual([...sport.matchAll(/>(Notizia \d+)</g)].map((match) => match[1]), ['Notizia 19', 'Notizia 17', 'Notizia 15', 'Notizia 13', 'Notizia 11', 'Notizia 1']);
    const second = await (await editor.get('/admin/articles?page=2')).text();
    assert.deepEqual([...second.matchAll(/>(Notizia \d+)</g)].map((match) => match[1]), ['Notizia 2', 'Notizia 1', 'Notizia 0']);
  });

  it('keeps an uploaded picture under DATA_DIR/media, served for a year; refuses what is not a picture, is too large, or has too few or too many pixels', async () => {
    // Made before the requests: a pause longer than the server's keep-alive resets the client's socket.
    const picture = pngOf(320, 200);
    const refused = [
      ['x.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'deve essere un’immagine PNG, JPEG, GIF o WebP'],
      ['big.png', Buffer.concat([picture, Buffer.alloc(MAX_PICTURE_BYTES)]), 'deve pesare al massimo 5 MB'],
      ['punto.png', pngOf(1, 1), 'deve essere larga almeno 200 pixel e alta almeno 200 pixel'],
      ['stretta.gif', gifOf(150, 300), 'deve essere larga almeno 200 pixel e alta almeno 200 pixel'],
      ['striscia.png', pngOf(8001, 200), 'deve essere larga al massimo 8000 pixel e alta al massimo 8000 pixel'],
    ] as const;
    const editor = await signedIn(service, 'anna@example.org');
    const fields = { title: 'Con foto', contentHtml: '<p>Testo.</p>', action: 'draft' };
    const upload = (name: string, bytes: Buffer) => editor.post('/admin/articles/new', fields, { file: { field: 'image', name, bytes } });
    for (const [name, bytes, message] of refused) {
      const response = await upload(name, bytes);
      assert.equal(response.status, 422, name);
      assert.match(await response.text(), new RegExp(`Oppure carica un&#39;immagine: ${message}`), name);
    }
    assert.equal(byTitle('Con foto'), undefined);

    assert.equal((await upload('foto.png', picture)).status, 303);
    const imageUrl = byTitle('Con foto')!.imageUrl!;
    assert.ok(imageUrl.startsWith(`${service.url}/media/`), imageUrl);
    const served = await fetch(imageUrl);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.match(served.headers.get('cache-control')!, /max-age=31536000, immutable/);
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), picture);
  });

  it('offers the known categories as checkboxes next to a field for new ones, and saves both', async () => {
    const editor = await signedIn(service, 'anna@example.org');
    await editor.post('/admin/articles/new', { title: 'Prima', contentHtml: '<p>Uno.</p>', categories: 'Cultura, Sport', action: 'draft' });
    const form = await (await editor.get('/admin/articles/new')).text();
    assert.match(form, /<input type="checkbox" id="category-1" name="category" value="Cultura">/);
    assert.match(form, /<input type="checkbox" id="category-2" name="category" value="Sport">/);
    // Ticked existing categories, with a new one typed in; posted as a form with a picture too.
    const response = await editor.post('/admin/articles/new', { title: 'Seconda', contentHtml: '<p>Due.</p>', category: ['Cultura', 'Sport'], categories: 'Musica', action: 'draft' }, { file: { field: 'image', name: 'a.png', bytes: pngOf(320, 200) } });
    assert.equal(response.status, 303);
    const article = byTitle('Seconda')!;
    assert.deepEqual(service.ctx.store.articles.categoriesOf(article.categories).map((category) => category.name), ['Cultura', 'Sport', 'Musica']);
    const edited = await (await editor.get(`/admin/articles/${article.id}`)).text();
    assert.match(edited, /name="category" value="Cultura" checked>/);
    assert.match(edited, /name="category" value="Musica" checked>/);
    assert.match(edited, /id="categories" name="categories" type="text" value=""/, 'only names that are not yet categories stay in the text field');
  });

  it('answers the related-articles search with matching titles and slugs, to signed-in editors only', async () => {
    const editor = await signedIn(service, 'anna@example.org');
    await editor.post('/admin/articles/new', { title: 'Concerto in piazza', contentHtml: '<p>Uno.</p>', action: 'publish' });
    await editor.post('/admin/articles/new', { title: 'Mercato del sabato', contentHtml: '<p>Due.</p>', action: 'draft' });
    const found = await editor.get('/admin/articles/titles?q=PIAZZA');
    assert.equal(found.status, 200);
    assert.deepEqual(await found.json(), [{ slug: byTitle('Concerto in piazza')!.slug, title: 'Concerto in piazza' }]);
    const anonymous = await fetch(`${service.url}/admin/articles/titles?q=piazza`, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200);
    assert.doesNotMatch(await anonymous.text(), /Concerto/);
  });
});
