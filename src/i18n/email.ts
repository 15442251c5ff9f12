// What the emails say, in each language the site can speak.
import type { DigestKind } from '../domain/cadence.js';
import type { Language } from './locale.js';

export interface EmailText {
  confirmSubject(site: string): string;
  confirmTitle: string;
  confirmIntro(site: string, categories: string): string;
  confirmButton: string;
  confirmExpiry: string;
  confirmIgnore: string;
  digestSubject(site: string, count: number, firstTitle: string): string;
  digestIntro(count: number): string;
  /** A rhythm's digest: what it is, for its subject and intro ("Your weekly selection", "New in Health"). */
  digestName(kind: DigestKind, categories: string): string;
  rhythmIntro(kind: DigestKind, count: number, categories: string): string;
  greeting(name?: string): string;
  readMore: string;
  manage: string;
  unsubscribe: string;
  whyReceiving(site: string): string;
  /** Heads the admin's preview when nothing is new: it shows a sample, not the next digest. */
  previewSample(since: string): string;
}

export const EMAIL_TEXT: Record<Language, EmailText> = {
  it: {
    confirmSubject: (site) => `Conferma l’iscrizione a ${site}`,
    confirmTitle: 'Conferma la tua iscrizione',
    confirmIntro: (site, categories) => `Hai chiesto di ricevere per email le novità di ${site} su: ${categories}.`,
    confirmButton: 'Confermo l’iscrizione',
    confirmExpiry: 'Il link vale 7 giorni.',
    confirmIgnore: 'Se non sei stato tu, ignora questo messaggio: senza conferma non riceverai nient’altro.',
    digestSubject: (site, count, first) =>
      count === 1 ? `${site}: ${first}` : count === 2 ? `${site}: ${first} e un altro articolo` : `${site}: ${first} e altri ${count - 1} articoli`,
    digestIntro: (count) => (count === 1 ? 'ecco il nuovo articolo delle categorie che segui.' : `ecco i ${count} nuovi articoli delle categorie che segui.`),
    digestName: (kind, categories) => (kind === 'immediate' ? `Nuovo in ${categories}` : kind === 'weekly' ? 'La tua selezione settimanale' : 'La tua selezione del giorno'),
    rhythmIntro: (kind, count, categories) => {
      const articles = count === 1 ? 'un nuovo articolo' : `${count} nuovi articoli`;
      if (kind === 'immediate') return `appena pubblicato in ${categories}: ${articles}.`;
      return `ecco la tua selezione ${kind === 'weekly' ? 'settimanale' : 'del giorno'}: ${articles} delle categorie che segui.`;
    },
    greeting: (name) => (name ? `Ciao ${name},` : 'Ciao,'),
    readMore: 'Leggi l’articolo',
    manage: 'Gestisci le preferenze',
    unsubscribe: 'Annulla l’iscrizione',
    whyReceiving: (site) => `Ricevi questa email perché ti sei iscritto alle notizie di ${site}.`,
    previewSample: (since) => `ESEMPIO · Niente di nuovo dal ${since}: questo è un esempio con gli ultimi articoli di queste categorie, non il prossimo notiziario.`,
  },
  en: {
    confirmSubject: (site) => `Confirm your subscription to ${site}`,
    confirmTitle: 'Confirm your subscription',
    confirmIntro: (site, categories) => `You asked to receive news from ${site} by email about: ${categories}.`,
    confirmButton: 'Yes, subscribe me',
    confirmExpiry: 'This link is valid for 7 days.',
    confirmIgnore: 'If this was not you, ignore this message: without confirmation you will get nothing else.',
    digestSubject: (site, count, first) => (count === 1 ? `${site}: ${first}` : `${site}: ${first} and ${count - 1} more`),
    digestIntro: (count) => (count === 1 ? 'here is the new article from the categories you follow.' : `here are ${count} new articles from the categories you follow.`),
    digestName: (kind, categories) => (kind === 'immediate' ? `New in ${categories}` : kind === 'weekly' ? 'Your weekly selection' : 'Your daily selection'),
    rhythmIntro: (kind, count, categories) => {
      const articles = count === 1 ? 'a new article' : `${count} new articles`;
      if (kind === 'immediate') return `just published in ${categories}: ${articles}.`;
      return `here is your ${kind} selection: ${articles} from the categories you follow.`;
    },
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    readMore: 'Read the article',
    manage: 'Manage preferences',
    unsubscribe: 'Unsubscribe',
    whyReceiving: (site) => `You receive this email because you subscribed to news from ${site}.`,
    previewSample: (since) => `SAMPLE · Nothing new since ${since}: this is a sample with the latest articles of these categories, not the next newsletter.`,
  },
};
