// Which of our languages the site speaks, and dates as people of that language read them.

export type Language = 'it' | 'en';

/** `it`, `it-CH` → it; anything else → en. */
export function languageOf(tag: string): Language {
  return tag.toLowerCase().split('-')[0] === 'it' ? 'it' : 'en';
}

export function formatDate(date: Date | string, tag: string, timeZone: string): string {
  return new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone }).format(new Date(date));
}
