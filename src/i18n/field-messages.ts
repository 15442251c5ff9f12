// What validation says about a field, in the console's language. Schemas and checks speak
// English (the API's problem+json keeps it); as gettext keys messages by their English text,
// the Italian wording is found by the English one, with its numbers and "quoted" names as #,
// which the Italian carries over in the same order. A message without a wording stays English.

/** Numbers (5, 2.5) and double-quoted names ("salute"), in the order they appear. */
const VALUES = /\d+(?:\.\d+)?|"[^"]*"/g;

const IT: Record<string, string> = {
  // Articles (domain/article-input.ts, articles/edit-articles.ts, the editor's date field)
  'must not be empty': 'non può essere vuoto',
  'must be at most # characters': 'deve avere al massimo # caratteri',
  'at most # categories': 'al massimo # categorie',
  'at most # related articles': 'al massimo # articoli correlati',
  'must not contain < > or "': 'non può contenere < > o "',
  'must be an absolute http(s) URL': 'deve essere un indirizzo completo http(s)',
  'must be article slugs': 'devono essere slug di articoli',
  'must not nest elements more than # deep': 'non può annidare elementi per più di # livelli',
  'has nothing left to show once unsafe HTML is removed': 'non ha più nulla da mostrare una volta tolto l’HTML non sicuro',
  'no other article has the slug #': 'nessun altro articolo ha lo slug #',
  'is not a date and time': 'non è una data con un’ora',
  // Pictures (console/media.ts)
  'must be at most # MB': 'deve pesare al massimo # MB',
  'must be a PNG, JPEG, GIF or WebP picture': 'deve essere un’immagine PNG, JPEG, GIF o WebP',
  'must be at least # pixels wide and # pixels high': 'deve essere larga almeno # pixel e alta almeno # pixel',
  'must be at most # pixels wide and # pixels high': 'deve essere larga al massimo # pixel e alta al massimo # pixel',
  'does not say how large it is': 'non dice quanto è grande',
  // Accounts and sources
  'is not an email address': 'non è un indirizzo email',
  'must be at least #': 'deve essere almeno #',
  'Too big: expected string to have <=# characters': 'deve avere al massimo # caratteri',
  'Too big: expected array to have <=# items': 'al massimo # elementi',
  'Too big: expected number to be <=#': 'deve essere al massimo #',
  'Invalid input: expected int, received number': 'deve essere un numero intero',
  'Invalid input: expected number, received NaN': 'deve essere un numero',
  // Subscribers' import (newsletter/subscriber-csv.ts, subscriptions.ts, rhythm-input.ts, categories.ts)
  'the first row must name the columns, one of them #': 'la prima riga deve nominare le colonne, fra cui #',
  'no rows': 'nessuna riga',
  'is not a valid email address, e.g. name@example.org': 'non è un indirizzo email valido, ad esempio nome@esempio.it',
  'is already on the list': 'è già nella lista',
  'there is no category #': 'non esiste la categoria #',
  'is one of immediate, daily, weekly': 'è uno tra immediate, daily, weekly',
  'is a whole hour from # to #, local time': 'è un’ora intera da # a #, ora locale',
  'is a day from # (Monday) to # (Sunday)': 'è un giorno da # (lunedì) a # (domenica)',
  'is an IANA time zone, e.g. Europe/Rome': 'è un fuso orario IANA, ad esempio Europe/Rome',
};

/** The Italian wording of an English validation message, or the message itself. */
export function italianFieldMessage(message: string): string {
  const values = message.match(VALUES) ?? [];
  const wording = IT[message.replace(VALUES, '#')];
  return wording ? wording.replace(/#/g, () => values.shift() ?? '#') : message;
}
