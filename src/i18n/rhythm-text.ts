// What the subscribe form and the preference centre say about a subscriber's rhythm (when the
// emails come), in each language the site can speak.
import type { Frequency } from '../domain/cadence.js';

export interface RhythmText {
  legend: string;
  hint: string;
  frequencies: Record<Frequency, string>;
  /** For a subscriber who never chose: keep the site's newsletter, as now. */
  siteSchedule: string;
  hourLabel: string;
  hourHint: string;
  weekdayLabel: string;
  weekdayHint: string;
  timezoneLabel: string;
  timezoneHint: string;
  /** Names of the zones' regions (the first part of an IANA name); others keep theirs. */
  regions: Record<string, string>;
  otherZones: string;
  invalid: string;
}

export const RHYTHM_TEXT_IT: RhythmText = {
  legend: 'Quando ricevere le email',
  hint: 'Ora e giorno valgono nel tuo fuso orario.',
  frequencies: {
    immediate: 'Appena esce un articolo (qualche minuto dopo, per raccogliere quelli usciti insieme)',
    daily: 'Una volta al giorno',
    weekly: 'Una volta alla settimana',
  },
  siteSchedule: 'Come ora, con la newsletter del sito',
  hourLabel: 'Ora',
  hourHint: 'Per le email giornaliere e settimanali.',
  weekdayLabel: 'Giorno della settimana',
  weekdayHint: 'Per le email settimanali.',
  timezoneLabel: 'Fuso orario',
  timezoneHint: 'Scegli la città più vicina a te.',
  regions: { Africa: 'Africa', America: 'America', Antarctica: 'Antartide', Arctic: 'Artico', Asia: 'Asia', Atlantic: 'Oceano Atlantico', Australia: 'Australia', Europe: 'Europa', Indian: 'Oceano Indiano', Pacific: 'Oceano Pacifico' },
  otherZones: 'Altri',
  invalid: 'Scegli tra le opzioni elencate',
};

export const RHYTHM_TEXT_EN: RhythmText = {
  legend: 'When to get the emails',
  hint: 'Time and day are in your time zone.',
  frequencies: {
    immediate: 'As soon as an article is out (a few minutes later, to gather those published together)',
    daily: 'Once a day',
    weekly: 'Once a week',
  },
  siteSchedule: 'As now, with the site’s newsletter',
  hourLabel: 'Time',
  hourHint: 'For daily and weekly emails.',
  weekdayLabel: 'Day of the week',
  weekdayHint: 'For weekly emails.',
  timezoneLabel: 'Time zone',
  timezoneHint: 'Choose the city nearest to you.',
  regions: { Atlantic: 'Atlantic Ocean', Indian: 'Indian Ocean', Pacific: 'Pacific Ocean' },
  otherZones: 'Other',
  invalid: 'Choose one of the options listed',
};
