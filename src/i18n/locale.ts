// Which of our languages the site speaks, and dates as people of that language read them.

export type Language = 'it' | 'en';

/** `it`, `it-CH` → it; anything else → en. */
export function languageOf(tag: string): Language {
  return tag.toLowerCase().split('-')[0] === 'it' ? 'it' : 'en';
}

/** Made once per language and zone: making one costs a hundred times what formatting does. */
const longDates = new Map<string, Intl.DateTimeFormat>();

export function formatDate(date: Date | string, tag: string, timeZone: string): string {
  const key = `${tag} ${timeZone}`;
  let format = longDates.get(key);
  if (!format) longDates.set(key, (format = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone })));
  return format.format(new Date(date));
}
