// One template engine for pages and emails: nunjucks, auto-escaping, templates under templates/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'templates');

/** An auto-escaping environment over one folder of templates (e.g. `pages`, `email`). */
export function createTemplateEnvironment(folder: string): nunjucks.Environment {
  return new nunjucks.Environment(new nunjucks.FileSystemLoader(path.join(TEMPLATES_DIR, folder), { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
}
