// Demo content written for Notiziario's first start: Italian articles over six categories.
export interface DemoArticle {
  title: string;
  summary?: string; // give a hand-written summary to about a third of them, omit for the rest
  contentHtml: string;
  author: string;
  categories: string[];
  /** A picture shipped in public/assets/demo-<image>.svg. */
  image?: string;
  publishedAtDaysAgo: number;
  related?: number[];
}

export const DEMO_ARTICLES: DemoArticle[] = [
  // 0
  {
    title: "“INPS per tutti”: a Bari l’accordo con la Regione e dodici enti del Terzo settore",
    contentHtml: `<p>Portare i servizi previdenziali e assistenziali là dove le persone vivono, lavorano e chiedono aiuto. È con questo spirito che nella sede della Regione Puglia è stato sottoscritto il protocollo “INPS per tutti”, che coinvolge dodici enti del Terzo settore attivi nel contrasto alla marginalità.</p>
<p>L’accordo prevede la presenza periodica di funzionari dell’Istituto negli sportelli di ascolto delle associazioni, una formazione dedicata ai volontari e un canale di comunicazione diretto per i casi più complessi. L’obiettivo dichiarato è <strong>ridurre il divario tra chi ha diritto a una prestazione e chi effettivamente la riceve</strong>.</p>
<p>Le attività previste nel primo anno riguardano in particolare:</p>
<ul>
<li>l'orientamento sull’Assegno di inclusione e sul Supporto per la formazione e il lavoro;</li>
<li>l’assistenza nella presentazione delle domande di invalidità civile;</li>
<li>l’informazione sulle prestazioni a sostegno della genitorialità.</li>
</ul>
<p>Il calendario degli incontri nei diversi comuni della provincia è consultabile nella <a href="https://www.example.org/inps-per-tutti/bari">pagina dedicata al progetto</a>. Una prima verifica dei risultati è prevista entro dodici mesi, con il coinvolgimento della Prefettura e dei servizi sociali comunali.</p>`,
    author: "Ufficio Stampa",
    categories: ["Inclusione", "l'Italia del noi", "Iniziative"],
    image: "inps-per-tutti-bari",
    publishedAtDaysAgo: 3,
    related: [10, 5, 3],
  },
  // 1
  {
    title: "Certificati di malattia: l'iter digitale si accorcia per lavoratori e medici",
    summary: "Da questo mese il certificato telematico arriva al datore di lavoro in tempo reale e il lavoratore riceve una notifica sull’app, senza più passaggi intermedi.",
    contentHtml: `<p>Meno passaggi, meno carta e tempi di trasmissione praticamente azzerati. Con l’ultimo aggiornamento della piattaforma, il certificato di malattia redatto dal medico curante viene reso disponibile al datore di lavoro nel momento stesso in cui è inviato, mentre il lavoratore riceve una notifica sull’app istituzionale.</p>
<p>La novità nasce da un confronto con gli ordini dei medici e con le associazioni dei consulenti del lavoro, che negli anni avevano segnalato ritardi e duplicazioni. Il nuovo flusso <em>non cambia gli obblighi del lavoratore</em>, che resta tenuto a comunicare l’assenza secondo quanto previsto dal contratto, ma semplifica sensibilmente il resto della procedura.</p>
<p>Per i medici, il servizio introduce inoltre la compilazione guidata dei campi obbligatori e un controllo automatico delle date, così da ridurre gli annullamenti per errore materiale. Le istruzioni operative sono riassunte in una <a href="https://www.example.org/certificati-malattia/guida">guida in formato digitale</a>.</p>
<ul>
<li>trasmissione immediata al datore di lavoro;</li>
<li>notifica al lavoratore tramite app;</li>
<li>controlli automatici sulle date della prognosi.</li>
</ul>`,
    author: "Redazione",
    categories: ["Innovazione", "Salute"],
    publishedAtDaysAgo: 7,
  },
  // 2
  {
    title: "Musei & welfare: ingresso gratuito per le famiglie che ricevono l’Assegno di inclusione",
    contentHtml: `<p>La cultura come diritto di cittadinanza, non come lusso. Dieci musei civici dell’Emilia-Romagna hanno aderito a una sperimentazione che, per tutto l’anno, garantisce l’ingresso gratuito ai nuclei familiari beneficiari dell’Assegno di inclusione e ai loro figli minorenni.</p>
<p>Per accedere è sufficiente mostrare alla biglietteria l’attestazione rilasciata dal servizio online, senza ulteriori moduli. “Vogliamo che i musei siano luoghi in cui tutti si sentono a casa”, ha spiegato la coordinatrice della rete museale, sottolineando come la misura sia stata costruita insieme ai servizi sociali dei comuni.</p>
<p>Oltre all’ingresso, le strutture aderenti propongono:</p>
<ul>
<li>laboratori didattici del sabato mattina per bambini e ragazzi;</li>
<li>visite guidate in lingua semplice e in più lingue straniere;</li>
<li>una tessera annuale che dà accesso anche a concerti e rassegne.</li>
</ul>
<p>L’elenco completo dei musei e degli orari si trova sul <a href="https://www.example.org/musei-welfare">portale dell’iniziativa</a>. Al termine dei dodici mesi <strong>i dati di affluenza saranno resi pubblici</strong> e serviranno a valutare l’estensione del progetto ad altre province.</p>`,
    author: "Giulia Marchetti",
    categories: ["Cultura", "Iniziative", "l'Italia del noi"],
    image: "musei-welfare",
    publishedAtDaysAgo: 12,
  },
  // 3
  {
    title: "Caregiver familiari: nuovi sportelli informativi nelle Case della comunità",
    contentHtml: `<p>Chi assiste ogni giorno un familiare non autosufficiente spesso non sa a quali tutele ha diritto. Per colmare questa lacuna, in otto Case della comunità della Toscana sono stati aperti sportelli informativi gestiti congiuntamente da personale sanitario, assistenti sociali e operatori previdenziali.</p>
<p>Agli sportelli è possibile ricevere indicazioni sui permessi lavorativi retribuiti, sul congedo straordinario, sull’indennità di accompagnamento e sulle agevolazioni fiscali. <strong>L’accesso è libero</strong> nei giorni di apertura, ma è consigliata la prenotazione per le pratiche più articolate.</p>
<p>Il servizio si rivolge in particolare a:</p>
<ul>
<li>genitori di figli con disabilità grave;</li>
<li>coniugi e figli che assistono persone anziane;</li>
<li>lavoratori e lavoratrici che devono conciliare orari e cura.</li>
</ul>
<p>La mappa degli sportelli è pubblicata nella <a href="https://www.example.org/caregiver/sportelli">sezione dedicata ai caregiver</a>. Nei prossimi mesi il modello sarà esteso ad altre aziende sanitarie, sulla base dei primi riscontri raccolti tra le famiglie.</p>`,
    author: "Redazione",
    categories: ["Salute", "Inclusione"],
    publishedAtDaysAgo: 15,
    related: [6, 8],
  },
  // 4
  {
    title: "App INPS Mobile: arriva la prenotazione degli appuntamenti in videochiamata",
    contentHtml: `<p>Da oggi chi ha bisogno di un chiarimento su una pratica può prenotare un colloquio in videochiamata direttamente dall’app, scegliendo la sede di riferimento, il giorno e la fascia oraria. Il funzionario richiama all’ora stabilita, con la possibilità di condividere documenti in modo sicuro.</p>
<p>La funzione era stata sperimentata nei mesi scorsi in alcune regioni del Nord e del Centro, con un gradimento molto alto soprattutto tra i cittadini che vivono lontano dagli uffici o che hanno difficoltà negli spostamenti. L'estensione a tutto il territorio nazionale è stata accompagnata da <em>un potenziamento dell’infrastruttura</em> per garantire la qualità delle comunicazioni.</p>
<p>Per usare il servizio servono:</p>
<ul>
<li>l’accesso con SPID, CIE o CNS;</li>
<li>una connessione stabile e un dispositivo con fotocamera;</li>
<li>il numero della pratica, se già presente.</li>
</ul>
<p>Le risposte alle domande più frequenti sono raccolte in una <a href="https://www.example.org/app-mobile/videochiamata">pagina di supporto</a>, aggiornata con le segnalazioni degli utenti.</p>`,
    author: "Paolo Ferraresi",
    categories: ["Innovazione", "Iniziative"],
    image: "app-videochiamata",
    publishedAtDaysAgo: 1,
  },
  // 5
  {
    title: "Prefettura di Ancona: corsi di lingua italiana e orientamento per donne straniere",
    summary: "Un percorso gratuito di lingua, educazione civica e orientamento ai servizi pubblici, con spazio bimbi durante le lezioni.",
    contentHtml: `<p>Imparare la lingua è il primo passo per conoscere i propri diritti. Parte con questo obiettivo il nuovo ciclo di corsi promosso dalla Prefettura di Ancona insieme ai Centri provinciali per l’istruzione degli adulti e a una rete di associazioni di volontariato.</p>
<p>Le lezioni, gratuite e articolate su tre livelli, affiancano all’insegnamento dell’italiano moduli di educazione civica e incontri con operatori dei servizi sanitari, previdenziali e per l’impiego. Durante gli orari di lezione è attivo uno <strong>spazio bimbi</strong> gestito da educatrici, pensato per le madri con figli piccoli.</p>
<ul>
<li>livello base: alfabetizzazione e lingua della vita quotidiana;</li>
<li>livello intermedio: lettura di documenti, moduli e avvisi;</li>
<li>livello avanzato: preparazione alla certificazione linguistica.</li>
</ul>
<p>Le iscrizioni restano aperte fino all’esaurimento dei posti; informazioni e moduli sono disponibili nella <a href="https://www.example.org/prefettura-ancona/corsi-lingua">scheda del progetto</a>.</p>`,
    author: "Anna Lo Russo",
    categories: ["l'Italia del noi", "Inclusione", "Cultura"],
    publishedAtDaysAgo: 20,
  },
  // 6
  {
    title: "Ondate di calore: la rete di prossimità che non lascia soli gli anziani",
    contentHtml: `<p>Una telefonata al giorno, una visita quando serve, un passaggio per andare dal medico. Nei mesi estivi torna operativa in numerosi comuni la rete di prossimità che mette insieme servizi sociali, medici di famiglia, farmacie e associazioni di volontariato per proteggere le persone anziane che vivono sole.</p>
<p>Gli elenchi delle persone più fragili vengono condivisi, nel rispetto della normativa sulla privacy, tra i soggetti della rete, che si attivano nelle giornate in cui il bollettino segnala livelli di rischio elevati. <em>Il contatto umano resta l’elemento decisivo</em>: molti volontari conoscono personalmente le persone che seguono.</p>
<p>Le raccomandazioni diffuse alle famiglie sono semplici:</p>
<ul>
<li>bere spesso anche senza sentire sete;</li>
<li>evitare di uscire nelle ore più calde;</li>
<li>segnalare al medico qualsiasi malessere improvviso.</li>
</ul>
<p>Il numero verde e i recapiti dei punti di ascolto comunali sono raccolti nella <a href="https://www.example.org/estate-sicura">pagina “Estate sicura”</a>.</p>`,
    author: "Redazione",
    categories: ["Salute", "Iniziative", "l'Italia del noi"],
    image: "rete-prossimita-anziani",
    publishedAtDaysAgo: 9,
  },
  // 7
  {
    title: "Archivi storici digitalizzati: cento anni di previdenza consultabili in rete",
    contentHtml: `<p>Libretti di lavoro, manifesti, fotografie degli sportelli negli anni Cinquanta, lettere dei primi pensionati. È online il nuovo archivio digitale che raccoglie oltre quarantamila documenti sulla storia della previdenza sociale in Italia, frutto di un lavoro di catalogazione durato tre anni.</p>
<p>Il progetto è nato dalla collaborazione con alcune università e con la Soprintendenza archivistica, che hanno curato la descrizione dei fondi e la scelta dei materiali. Ogni documento è corredato da una scheda e, dove possibile, da una breve nota che lo colloca nel suo contesto storico.</p>
<p>Il portale permette di:</p>
<ul>
<li>cercare per parola chiave, periodo e luogo;</li>
<li>esplorare percorsi tematici curati dagli storici;</li>
<li>scaricare le immagini in alta risoluzione per uso didattico.</li>
</ul>
<p>Le scuole possono richiedere percorsi guidati attraverso il <a href="https://www.example.org/archivio-storico/scuole">modulo dedicato agli insegnanti</a>. L'archivio sarà arricchito ogni anno con <strong>nuovi fondi e testimonianze orali</strong>.</p>`,
    author: "Giulia Marchetti",
    categories: ["Innovazione", "Cultura"],
    publishedAtDaysAgo: 27,
    related: [11, 2],
  },
  // 8
  {
    title: "Invalidità civile: la valutazione di base passa dal fascicolo sanitario elettronico",
    contentHtml: `<p>Un unico percorso, dalla certificazione del medico alla visita di accertamento, senza dover raccogliere e consegnare più volte la stessa documentazione. In alcune province pilota la valutazione di base della disabilità si appoggia ora al fascicolo sanitario elettronico, da cui la commissione può consultare, con il consenso dell’interessato, referti e cartelle cliniche.</p>
<p>La sperimentazione punta a ridurre i tempi di attesa e a rendere l’accertamento <strong>più attento alla persona nel suo complesso</strong>, considerando non solo la patologia ma anche il contesto di vita e le esigenze di autonomia.</p>
<ul>
<li>il consenso alla consultazione si esprime al momento della domanda;</li>
<li>la visita può svolgersi anche a domicilio, nei casi previsti;</li>
<li>l’esito è comunicato tramite notifica e posta elettronica certificata.</li>
</ul>
<p>Le associazioni delle persone con disabilità partecipano al tavolo di monitoraggio. Il dettaglio delle province coinvolte è riportato nella <a href="https://www.example.org/invalidita-civile/sperimentazione">nota informativa</a>.</p>`,
    author: "Ufficio Stampa",
    categories: ["Inclusione", "Innovazione", "Salute"],
    image: "fascicolo-sanitario",
    publishedAtDaysAgo: 5,
  },
  // 9
  {
    title: "Letture ad alta voce nelle RSA: biblioteche e volontari portano i libri agli ospiti",
    summary: "Ogni settimana volontari formati dalle biblioteche comunali leggono romanzi, poesie e quotidiani agli ospiti delle residenze per anziani.",
    contentHtml: `<p>Un pomeriggio a settimana, nella sala comune, qualcuno apre un libro e comincia a leggere. Sono i volontari del progetto promosso dalle biblioteche comunali di Verona e provincia insieme a un consorzio di cooperative sociali, che da alcuni mesi porta la lettura ad alta voce nelle residenze sanitarie assistenziali.</p>
<p>I volontari hanno seguito un breve corso di formazione con bibliotecari, attori e psicologi. La scelta dei testi è fatta insieme agli ospiti: romanzi, poesie, articoli di giornale, ricordi di paese. Secondo gli operatori, <em>gli incontri favoriscono la memoria e la socialità</em> e diventano spesso l’occasione per racconti personali.</p>
<ul>
<li>un incontro settimanale in ciascuna struttura;</li>
<li>libri a grandi caratteri e audiolibri a disposizione;</li>
<li>un quaderno dei ricordi scritto con gli ospiti.</li>
</ul>
<p>Chi desidera diventare volontario può candidarsi attraverso il <a href="https://www.example.org/biblioteche/letture-rsa">modulo online</a>.</p>`,
    author: "Anna Lo Russo",
    categories: ["Cultura", "Salute", "l'Italia del noi"],
    publishedAtDaysAgo: 33,
  },
  // 10
  {
    title: "Lavoro & legalità: a Foggia la rete per i diritti dei braccianti stagionali",
    contentHtml: `<p>Trasporti sicuri verso i campi, contratti regolari e informazioni chiare sui propri diritti. Sono i tre pilastri del protocollo firmato nella Prefettura di Foggia da enti locali, ispettorato del lavoro, organizzazioni agricole, sindacati e associazioni del Terzo settore, con la partecipazione dell’INPS.</p>
<p>La rete prevede un servizio di trasporto gratuito dai centri abitati alle aziende aderenti, sportelli mobili nei luoghi di maggiore presenza dei lavoratori e una banca dati condivisa per l’incrocio tra domanda e offerta di lavoro. <strong>Le aziende che aderiscono si impegnano a rispettare i contratti collettivi</strong> e a favorire i controlli.</p>
<p>Gli sportelli mobili offrono:</p>
<ul>
<li>consulenza su contributi, disoccupazione agricola e assegni familiari;</li>
<li>mediazione linguistica in più lingue;</li>
<li>orientamento ai servizi sanitari del territorio.</li>
</ul>
<p>Il testo integrale del protocollo è disponibile sul <a href="https://www.example.org/prefettura-foggia/protocollo-agricoltura">sito della Prefettura</a>. Una cabina di regia si riunirà ogni tre mesi per verificare l’andamento della campagna.</p>`,
    author: "Paolo Ferraresi",
    categories: ["Iniziative", "Inclusione", "l'Italia del noi"],
    image: "lavoro-legalita-foggia",
    publishedAtDaysAgo: 18,
    related: [0, 5],
  },
  // 11
  {
    title: "Hackathon della PA: studenti e funzionari insieme per servizi pubblici più semplici",
    summary: "Quarantotto ore di lavoro in squadra per ripensare moduli, avvisi e percorsi online: i tre progetti migliori saranno sviluppati nei prossimi mesi.",
    contentHtml: `<p>Quarantotto ore, venti squadre miste di studenti universitari, designer e dipendenti pubblici, un’unica domanda: come rendere più comprensibili i servizi che ogni giorno milioni di persone usano? Si è concluso a Torino l’hackathon dedicato alla semplificazione della pubblica amministrazione.</p>
<p>I gruppi hanno lavorato su casi reali, dalla riscrittura delle lettere inviate ai cittadini alla progettazione di percorsi online accessibili anche a chi ha poca familiarità con il digitale. La giuria ha premiato i progetti capaci di unire <em>chiarezza del linguaggio</em> e fattibilità tecnica.</p>
<ul>
<li>primo premio: un assistente che spiega in parole semplici le comunicazioni ricevute;</li>
<li>secondo premio: un modello di modulo unico per le richieste più frequenti;</li>
<li>terzo premio: una guida illustrata ai servizi per i nuovi residenti.</li>
</ul>
<p>I progetti vincitori saranno sviluppati con il supporto delle amministrazioni coinvolte. Le presentazioni delle squadre sono disponibili nell’<a href="https://www.example.org/hackathon-pa/progetti">archivio dell’evento</a>.</p>`,
    author: "Redazione",
    categories: ["Innovazione", "Cultura", "Iniziative"],
    publishedAtDaysAgo: 38,
  },
];
