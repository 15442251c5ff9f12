// What the pages and the embed say, in each language the site can speak.
import { languageOf, type Language } from './locale.js';
import { RHYTHM_TEXT_EN, RHYTHM_TEXT_IT, type RhythmText } from './rhythm-text.js';

export interface PageText {
  skipToContent: string;
  categoriesNav: string;
  latestNews: string;
  categories: string;
  articleCount(count: number): string;
  noArticles: string;
  byAuthor(author: string): string;
  publishedOn: string;
  /** Before the name of the source an ingested article was first published by (a link to the original). */
  firstPublishedBy: string;
  filedUnder: string;
  related: string;
  pagination: string;
  newer: string;
  older: string;
  pageOf(page: number, last: number): string;
  feedsHeading: string;
  feedsHowTo: string;
  feedsOfCategory(name: string): string;
  allFeedsOpml: string;
  subscribeHeading: string;
  subscribeIntro: string;
  subscribeToCategory(name: string): string;
  emailLabel: string;
  emailHint: string;
  categoriesLegend: string;
  categoriesHint: string;
  subscribeButton: string;
  errorSummary: string;
  emailError: string;
  categoriesError: string;
  sentHeading: string;
  sentBody: string;
  sentNotArrived: string;
  confirmHeading: string;
  confirmBody(email: string): string;
  confirmCategories(categories: string): string;
  confirmButton: string;
  confirmedHeading: string;
  confirmedBody(categories: string): string;
  confirmedAll: string;
  confirmedManage: string;
  allCategories: string;
  manageHeading: string;
  manageIntro(email: string): string;
  manageNotActive: string;
  saveButton: string;
  saved: string;
  stopHeading: string;
  stopBody: string;
  unsubscribeHeading: string;
  unsubscribeBody(email: string): string;
  unsubscribeButton: string;
  unsubscribedHeading: string;
  unsubscribedBody(site: string): string;
  resubscribe: string;
  embedHeading: string;
  embedScriptHint: string;
  embedFrameHint: string;
  embedFrameTitle(name: string): string;
  embedAll: string;
  embedEmpty: string;
  embedError: string;
  opensInNewTab: string;
  backHome: string;
  errorHeadings: Record<number, string>;
  errorBodies: Record<number, string>;
  technicalDetail: string;
  errorPrefix: string;
  preferManage: string;
  categoryLabel: string;
  privacyNote: string;
  chooseOneCategory: string;
  manageCategoriesHint: string;
  rhythm: RhythmText;
}

const it: PageText = {
  skipToContent: 'Vai al contenuto',
  categoriesNav: 'Categorie',
  latestNews: 'Ultime notizie',
  categories: 'Categorie',
  articleCount: (count) => (count === 1 ? '1 articolo' : `${count} articoli`),
  noArticles: 'Non ci sono ancora articoli qui.',
  byAuthor: (author) => `di ${author}`,
  publishedOn: 'Pubblicato il',
  firstPublishedBy: 'Pubblicato originariamente da',
  filedUnder: 'Categorie',
  related: 'Articoli correlati',
  pagination: 'Pagine',
  newer: 'Articoli più recenti',
  older: 'Articoli precedenti',
  pageOf: (page, last) => `Pagina ${page} di ${last}`,
  feedsHeading: 'Segui con un lettore di feed',
  feedsHowTo: 'Copia uno di questi indirizzi nel tuo lettore di notizie (Feedly, NetNewsWire, Thunderbird…): riceverai ogni nuovo articolo.',
  feedsOfCategory: (name) => `Feed di ${name}`,
  allFeedsOpml: 'Tutti i feed (OPML)',
  subscribeHeading: 'Ricevi le notizie per email',
  subscribeIntro: 'Una email quando escono nuovi articoli nelle categorie che scegli. Puoi cambiare idea in qualsiasi momento.',
  subscribeToCategory: (name) => `Ricevi per email le notizie di ${name}`,
  emailLabel: 'Indirizzo email',
  emailHint: 'Ti invieremo un link per confermare l’iscrizione.',
  categoriesLegend: 'Categorie',
  categoriesHint: 'Se non ne scegli nessuna, le ricevi tutte.',
  subscribeButton: 'Iscriviti',
  errorSummary: 'C’è un problema',
  emailError: 'Inserisci un indirizzo email valido, come nome@esempio.it',
  categoriesError: 'Scegli tra le categorie elencate',
  sentHeading: 'Controlla la tua casella di posta',
  sentBody: 'Ti abbiamo inviato un’email con un link per confermare l’iscrizione. Il link vale 7 giorni; finché non lo apri non riceverai nient’altro.',
  sentNotArrived: 'Non è arrivata? Controlla la posta indesiderata, oppure iscriviti di nuovo.',
  confirmHeading: 'Conferma l’iscrizione',
  confirmBody: (email) => `Manca un ultimo passo: conferma che vuoi ricevere le nostre email all’indirizzo ${email}.`,
  confirmCategories: (categories) => `Categorie: ${categories}.`,
  confirmButton: 'Conferma l’iscrizione',
  confirmedHeading: 'Iscrizione confermata',
  confirmedBody: (categories) => `Grazie! Riceverai per email i nuovi articoli su: ${categories}.`,
  confirmedAll: 'Grazie! Riceverai per email i nuovi articoli di tutte le categorie.',
  confirmedManage: 'Ogni email contiene un link per cambiare le categorie o annullare l’iscrizione.',
  allCategories: 'tutte le categorie',
  manageHeading: 'Le tue preferenze',
  manageIntro: (email) => `Iscrizione di ${email}. Scegli le categorie di cui vuoi ricevere le notizie.`,
  manageNotActive: 'Questa iscrizione non è attiva: non ti inviamo email. Salva le preferenze per iscriverti di nuovo.',
  saveButton: 'Salva le preferenze',
  saved: 'Preferenze salvate.',
  stopHeading: 'Non vuoi più ricevere email?',
  stopBody: 'Puoi annullare l’iscrizione con un clic; non ti scriveremo più.',
  unsubscribeHeading: 'Annullare l’iscrizione?',
  unsubscribeBody: (email) => `Non invieremo più email a ${email}.`,
  unsubscribeButton: 'Annulla l’iscrizione',
  unsubscribedHeading: 'Iscrizione annullata',
  unsubscribedBody: (site) => `Non riceverai più email da ${site}.`,
  resubscribe: 'Hai cambiato idea? Iscriviti di nuovo',
  embedHeading: 'Porta queste notizie nel tuo sito',
  embedScriptHint: 'Con uno script, che si adatta alla pagina senza toccarne lo stile:',
  embedFrameHint: 'Oppure con un iframe:',
  embedFrameTitle: (name) => `Ultime notizie: ${name}`,
  embedAll: 'Tutte le notizie',
  embedEmpty: 'Non ci sono ancora articoli.',
  embedError: 'Non è stato possibile caricare le notizie.',
  opensInNewTab: '(si apre in una nuova scheda)',
  backHome: 'Torna alla pagina iniziale',
  errorHeadings: {
    400: 'Link non valido',
    403: 'Richiesta non consentita',
    404: 'Pagina non trovata',
    410: 'Link scaduto',
    429: 'Troppe richieste',
    500: 'Qualcosa è andato storto',
  },
  errorBodies: {
    400: 'Il link non è valido: forse è stato tagliato o modificato. Se viene da una nostra email, usa quella più recente.',
    403: 'Il modulo va inviato da questo sito. Ricarica la pagina e riprova.',
    404: 'La pagina che cerchi non esiste, o non è più qui.',
    410: 'Il link è scaduto. Iscriviti di nuovo per riceverne uno nuovo.',
    429: 'Hai inviato troppe richieste in poco tempo. Riprova tra qualche minuto.',
    500: 'Non dipende da te: il problema è stato registrato. Riprova tra poco.',
  },
  technicalDetail: 'Dettaglio tecnico',
  errorPrefix: 'Errore:',
  preferManage: 'Preferisci scegliere altre categorie?',
  categoryLabel: 'Categoria',
  privacyNote: 'Useremo il tuo indirizzo solo per inviarti queste email.',
  chooseOneCategory: 'Scegli almeno una categoria',
  manageCategoriesHint: 'Se non ne scegli nessuna, ricevi tutte le categorie, anche quelle nuove. Per non ricevere più email, annulla l’iscrizione qui sotto.',
  rhythm: RHYTHM_TEXT_IT,
};

const en: PageText = {
  skipToContent: 'Skip to content',
  categoriesNav: 'Categories',
  latestNews: 'Latest news',
  categories: 'Categories',
  articleCount: (count) => (count === 1 ? '1 article' : `${count} articles`),
  noArticles: 'There are no articles here yet.',
  byAuthor: (author) => `by ${author}`,
  publishedOn: 'Published',
  firstPublishedBy: 'First published by',
  filedUnder: 'Categories',
  related: 'Related articles',
  pagination: 'Pages',
  newer: 'Newer articles',
  older: 'Older articles',
  pageOf: (page, last) => `Page ${page} of ${last}`,
  feedsHeading: 'Follow with a feed reader',
  feedsHowTo: 'Paste one of these addresses into your feed reader (Feedly, NetNewsWire, Thunderbird…) to get every new article.',
  feedsOfCategory: (name) => `${name} feeds`,
  allFeedsOpml: 'All feeds (OPML)',
  subscribeHeading: 'Get the news by email',
  subscribeIntro: 'One email when new articles come out in the categories you choose. Change your mind at any time.',
  subscribeToCategory: (name) => `Get ${name} news by email`,
  emailLabel: 'Email address',
  emailHint: 'We will send you a link to confirm.',
  categoriesLegend: 'Categories',
  categoriesHint: 'Choose none to get them all.',
  subscribeButton: 'Subscribe',
  errorSummary: 'There is a problem',
  emailError: 'Enter a valid email address, like name@example.com',
  categoriesError: 'Choose from the categories listed',
  sentHeading: 'Check your inbox',
  sentBody: 'We have sent you an email with a link to confirm your subscription. The link is valid for 7 days; until you open it, you will get nothing else.',
  sentNotArrived: 'Nothing arrived? Look in your spam folder, or subscribe again.',
  confirmHeading: 'Confirm your subscription',
  confirmBody: (email) => `One last step: confirm that you want our emails at ${email}.`,
  confirmCategories: (categories) => `Categories: ${categories}.`,
  confirmButton: 'Confirm my subscription',
  confirmedHeading: 'Subscription confirmed',
  confirmedBody: (categories) => `Thank you! You will get new articles about ${categories} by email.`,
  confirmedAll: 'Thank you! You will get new articles from every category by email.',
  confirmedManage: 'Every email has a link to change your categories or unsubscribe.',
  allCategories: 'every category',
  manageHeading: 'Your preferences',
  manageIntro: (email) => `Subscription of ${email}. Choose the categories you want news about.`,
  manageNotActive: 'This subscription is not active: we send you no email. Save your preferences to subscribe again.',
  saveButton: 'Save preferences',
  saved: 'Preferences saved.',
  stopHeading: 'No more email?',
  stopBody: 'You can unsubscribe with one click; we will not write to you again.',
  unsubscribeHeading: 'Unsubscribe?',
  unsubscribeBody: (email) => `We will stop sending email to ${email}.`,
  unsubscribeButton: 'Unsubscribe',
  unsubscribedHeading: 'You have unsubscribed',
  unsubscribedBody: (site) => `You will get no more email from ${site}.`,
  resubscribe: 'Changed your mind? Subscribe again',
  embedHeading: 'Put this news on your site',
  embedScriptHint: 'With a script, which fits into the page without touching its styles:',
  embedFrameHint: 'Or with an iframe:',
  embedFrameTitle: (name) => `Latest news: ${name}`,
  embedAll: 'All news',
  embedEmpty: 'There are no articles yet.',
  embedError: 'The news could not be loaded.',
  opensInNewTab: '(opens in a new tab)',
  backHome: 'Back to the home page',
  errorHeadings: {
    400: 'Invalid link',
    403: 'Request not allowed',
    404: 'Page not found',
    410: 'Link expired',
    429: 'Too many requests',
    500: 'Something went wrong',
  },
  errorBodies: {
    400: 'This link is not valid: it may have been cut or changed. If it came from one of our emails, use the latest one.',
    403: 'The form has to be sent from this site. Reload the page and try again.',
    404: 'The page you are looking for does not exist, or is no longer here.',
    410: 'This link has expired. Subscribe again to get a new one.',
    429: 'You sent too many requests in a short time. Try again in a few minutes.',
    500: 'It is not your fault: the problem has been logged. Try again shortly.',
  },
  technicalDetail: 'Technical detail',
  errorPrefix: 'Error:',
  preferManage: 'Would you rather choose other categories?',
  categoryLabel: 'Category',
  privacyNote: 'We use your address only to send you these emails.',
  chooseOneCategory: 'Choose at least one category',
  manageCategoriesHint: 'Choose none to get every category, new ones included. To get no more email, unsubscribe below.',
  rhythm: RHYTHM_TEXT_EN,
};

const PAGE_TEXT: Record<Language, PageText> = { it, en };

/** The page text for a BCP 47 tag: Italian for `it-*`, English for every other tag. */
export function pageTextFor(tag: string): PageText {
  return PAGE_TEXT[languageOf(tag)];
}
