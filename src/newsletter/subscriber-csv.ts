// Subscribers as CSV (RFC 4180: commas, double quotes, CRLF or LF): read for the console's
// import, written for its export. Categories are one field, separated by semicolons.
import type { SubscriberRecord } from '../domain/newsletter.js';

/** The CSV's rows as records by header (`email`, `name`, `categories`); the header row itself is row 1. */
export function readSubscriberCsv(text: string): { rows: Record<string, unknown>[]; headerProblem?: string } {
  const [header, ...lines] = parseCsv(text.replace(/^\uFEFF/, '')).filter((fields) => fields.some((field) => field.trim()));
  const names = (header ?? []).map((name) => name.trim().toLowerCase());
  if (!names.includes('email')) return { rows: [], headerProblem: 'the first row must name the columns, one of them "email"' };
  const rows = lines.map((fields) => {
    const row: Record<string, unknown> = {};
    names.forEach((name, index) => {
      const value = fields[index]?.trim() ?? '';
      if (name === 'categories') row.categories = value ? value.split(';').map((slug) => slug.trim()).filter(Boolean) : undefined;
      else if (name === 'email' || value) row[name] = value;
    });
    return row;
  });
  return { rows };
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"'), (index += 1);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      (row = []), (field = '');
    } else field += char;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** A field as CSV writes it; a leading = + - @ is defused, so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const SUBSCRIBER_CSV_COLUMNS = ['email', 'name', 'categories', 'status', 'source', 'createdAt', 'confirmedAt'] as const;

/** The CSV of these subscribers, a piece per slice as they are walked. */
export function* writeSubscriberCsv(slices: Iterable<readonly SubscriberRecord[]>): Generator<string> {
  yield `${SUBSCRIBER_CSV_COLUMNS.join(',')}\r\n`;
  for (const subscribers of slices) {
    let lines = '';
    for (const subscriber of subscribers) {
      const values = [subscriber.email, subscriber.name ?? '', subscriber.categories.join(';'), subscriber.status, subscriber.source, subscriber.createdAt, subscriber.confirmedAt ?? ''];
      lines += `${values.map(csvField).join(',')}\r\n`;
    }
    yield lines;
  }
}
