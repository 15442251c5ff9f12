// Generated article content with realistic sizes and shapes: Italian-looking text in the HTML the
// sanitiser keeps, deterministic (a seeded generator) so that runs compare like with like.
import { randomUUID } from 'node:crypto';
import type { ArticleRecord, Category } from '../src/domain/article.js';
import { slugify, summarize } from '../src/domain/text.js';

export const CATEGORY_NAMES = ['Inclusione', 'Lavoro', 'Previdenza', 'Famiglia', 'Territorio', 'Iniziative'] as const;

export const CATEGORIES: Category[] = CATEGORY_NAMES.map((name) => ({ slug: slugify(name), name }));

const WORDS = (
  'il la di che e un una per con non sono anche della nel degli alla dal progetto servizio comune regione ' +
  'famiglie lavoro previdenza assegno domanda sportello cittadini territorio iniziativa accordo sostegno ' +
  'persone volontari formazione prestazioni diritto informazione incontro calendario risultati sociali ' +
  'provincia enti associazioni bando scadenza requisiti modulo ufficio assistenza pensione inclusione'
).split(' ');

/** A small, fast, seedable generator (mulberry32): the same seed gives the same articles. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function sentence(random: () => number): string {
  const count = 8 + Math.floor(random() * 14);
  const words = Array.from({ length: count }, () => pick(random, WORDS));
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** Plain text of about `length` characters, whole sentences. */
function plainParagraph(random: () => number, length: number): string {
  let text = sentence(random);
  while (text.length < length) text += ` ${sentence(random)}`;
  return text;
}

/** One paragraph as the sanitiser would leave it: emphasis, a link with its rel, sometimes a list. */
function htmlParagraph(random: () => number): string {
  const roll = random();
  const text = plainParagraph(random, 300 + Math.floor(random() * 200));
  if (roll < 0.15) {
    const items = Array.from({ length: 3 }, () => `<li>${plainParagraph(random, 60)}</li>`).join('\n');
    return `<p>${text}</p>\n<ul>\n${items}\n</ul>`;
  }
  if (roll < 0.5) {
    const cut = text.indexOf(' ', 80);
    return `<p>${text.slice(0, cut)} <strong>${plainParagraph(random, 40)}</strong>${text.slice(cut)}</p>`;
  }
  if (roll < 0.7) {
    return `<p>${text} Dettagli nella <a href="https://www.example.org/pagine/${Math.floor(random() * 1e6)}" rel="noopener noreferrer">pagina dedicata</a>.</p>`;
  }
  return `<p>${text}</p>`;
}

/**
 * A pool of paragraphs shared by all articles: generating 150 MB of text word by word would make
 * the fixture slower than what it measures, and repeated paragraphs cost the parser the same.
 */
export function createParagraphPool(seed: number, size = 500): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, () => htmlParagraph(random));
}

/** Article HTML of at least `minBytes`, built from pooled paragraphs. */
export function articleHtml(random: () => number, pool: readonly string[], minBytes: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < minBytes) {
    const paragraph = pick(random, pool);
    parts.push(paragraph);
    size += paragraph.length + 1;
  }
  return parts.join('\n');
}

export function articleTitle(random: () => number, index: number): string {
  const words = plainParagraph(random, 40).replace(/\.$/, '').split(' ').slice(0, 7).join(' ');
  return `${words} (${index + 1})`;
}

/** One or two categories, weighted so that categories differ in size as they do on a real site. */
export function articleCategories(random: () => number): Category[] {
  const first = CATEGORIES[Math.min(CATEGORIES.length - 1, Math.floor(random() * random() * CATEGORIES.length * 1.5))]!;
  if (random() < 0.6) return [first];
  const second = pick(random, CATEGORIES);
  return second.slug === first.slug ? [first] : [first, second];
}

export interface RecordOptions {
  index: number;
  publishedAt: Date;
  pool: readonly string[];
  random: () => number;
}

/**
 * An article exactly as the store keeps it (sanitised HTML, derived summary, slugs), written
 * without the sanitiser: at 100,000 articles it would dominate the fixture time.
 */
export function articleRecord({ index, publishedAt, pool, random }: RecordOptions): ArticleRecord {
  const title = articleTitle(random, index);
  const contentHtml = articleHtml(random, pool, 1000 + Math.floor(random() * 1000));
  const firstText = contentHtml.slice(0, 600).replace(/<[^>]+>/g, '');
  const roll = random();
  const date = publishedAt.toISOString();
  return {
    id: randomUUID(),
    slug: slugify(title),
    title,
    summary: summarize(firstText),
    contentHtml,
    author: roll < 0.3 ? 'Ufficio Stampa' : `Redazione ${pick(random, CATEGORY_NAMES)}`,
    categories: articleCategories(random).map((category) => category.slug),
    ...(roll < 0.5 ? { imageUrl: `https://images.example.org/notiziario/${index}.jpg` } : {}),
    publishedAt: date,
    updatedAt: date,
    // About 1 in 100 is a draft, as on a site where editors prepare pieces in advance.
    status: roll > 0.99 ? 'draft' : 'published',
  };
}
