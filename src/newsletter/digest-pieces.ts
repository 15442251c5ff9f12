// Digests put together from pieces MJML compiled once. Inside the layout's wrapper, MJML writes
// each mj-section on its own and joins it to the next with the same Outlook glue (a conditional
// comment that closes one table row and opens the next); what a section looks like does not
// depend on its neighbours. So a digest is its frame (everything before the first category and
// after the last, with markers where the digest's own words go) and one piece per category
// heading and per article, joined by that glue: MJML's own output for the whole digest, without
// compiling it. A compile takes 20–40 ms of the event loop; a run compiles each heading and
// article once, where it used to compile each distinct mix of categories (up to one per
// subscriber when subscribers follow many categories).

/** The part of a digest's view that says which pieces it is made of. */
export interface PiecesView {
  sections: readonly { articles: readonly object[] }[];
}

interface Frame {
  start: string;
  glue: string;
  end: string;
}

/** Joins two mj-sections of the wrapper: closes one's Outlook table row and opens the next. */
const GLUE = /<!--\[if mso \| IE\]><\/td><\/tr><\/table><\/td><\/tr><tr>[^]*?<!\[endif\]-->/g;
/** Closes the wrapper's last section and the wrapper. */
const WRAPPER_END = '<!--[if mso | IE]></td></tr></table></td></tr></table><![endif]-->';
/** Pieces kept between digests: a run's headings and articles, many times over. */
const MAX_PIECES = 5_000;

export class DigestPieces<View extends PiecesView> {
  private readonly pieces = new Map<string, string>();
  private readonly compiling = new Map<string, Promise<void>>();

  private constructor(
    private readonly compile: (view: View) => Promise<string>,
    private readonly frame: Frame,
  ) {}

  /**
   * `sample` must hold an article with a picture and one without: MJML styles in the head only
   * the column widths a document uses, and the frame's head serves every digest.
   */
  static async create<View extends PiecesView>(compile: (view: View) => Promise<string>, sample: View): Promise<DigestPieces<View>> {
    const { start, glue, end } = cutSections(await compile(sample), pieceKeys(sample).length);
    return new DigestPieces(compile, { start, glue: glue!, end });
  }

  /** The digest's HTML, with the frame as compiled: only pieces no earlier digest had are compiled. */
  async html(view: View): Promise<string> {
    const keys = pieceKeys(view);
    for (;;) {
      const missing = keys.filter((key) => !this.pieces.has(key) && !this.compiling.has(key));
      if (missing.length) this.compileMissing(view, new Set(missing));
      await Promise.all(keys.map((key) => this.compiling.get(key)));
      const found = keys.map((key) => this.pieces.get(key));
      // Pieces let go of (MAX_PIECES) while this digest waited are compiled again.
      if (found.every((piece) => piece !== undefined)) return this.frame.start + found.map((piece) => this.frame.glue + piece).join('') + this.frame.end;
    }
  }

  /** Compiles the digest's sections that have a missing piece, with only their missing articles. */
  private compileMissing(view: View, missing: Set<string>): void {
    const sections = view.sections
      .map((section) => ({ ...section, articles: section.articles.filter((article) => missing.has(articleKey(article))) }))
      .filter((section) => section.articles.length > 0 || missing.has(headingKey(section)));
    const partial = { ...view, sections };
    const keys = pieceKeys(partial);
    const compiled = this.compile(partial).then((html) => this.keep(keys, cutSections(html, keys.length).sections));
    for (const key of missing) this.compiling.set(key, compiled);
    void compiled
      .catch(() => undefined)
      .then(() => {
        for (const key of missing) if (this.compiling.get(key) === compiled) this.compiling.delete(key);
      });
  }

  private keep(keys: readonly string[], sections: readonly string[]): void {
    if (this.pieces.size + keys.length > MAX_PIECES) this.pieces.clear();
    keys.forEach((key, i) => this.pieces.set(key, sections[i]!));
  }
}

/** A heading's key and then its articles' keys, section by section: the order MJML writes them in. */
function pieceKeys(view: PiecesView): string[] {
  return view.sections.flatMap((section) => [headingKey(section), ...section.articles.map(articleKey)]);
}

/** Everything a piece shows is in its key: an article edited since is another piece. */
function headingKey({ articles: _articles, ...heading }: PiecesView['sections'][number]): string {
  return `heading:${JSON.stringify(heading)}`;
}

function articleKey(article: object): string {
  return `article:${JSON.stringify(article)}`;
}

/**
 * MJML's output cut into what comes before the pieces (the head and the first section: the
 * digest's intro), the `count` pieces, and what follows them. Throws when the output is not
 * shaped so, which a change of the template or of MJML would show at start-up.
 */
function cutSections(html: string, count: number): { start: string; glue: string | undefined; sections: string[]; end: string } {
  const glues = html.match(GLUE) ?? [];
  const endAt = html.indexOf(WRAPPER_END);
  if (glues.length !== count || new Set(glues).size > 1 || endAt < 0 || html.includes(WRAPPER_END, endAt + 1)) {
    throw new Error(`email: the digest's ${count} pieces are not ${count} sections of one mj-wrapper after the intro; the digest template no longer fits digest-pieces.ts`);
  }
  const [start, ...sections] = html.slice(0, endAt).split(GLUE);
  return { start: start!, glue: glues[0], sections, end: html.slice(endAt) };
}
