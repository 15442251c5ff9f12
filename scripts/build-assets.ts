// Bundles the console's browser code into public/assets (git-ignored, rebuilt before `npm start`
// and `npm test`): the pages serve only files of our own origin, under a strict CSP.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: { editor: path.join(ROOT, 'src/client/editor.ts'), 'related-picker': path.join(ROOT, 'src/client/related-picker.ts') },
  outdir: path.join(ROOT, 'public/assets'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  legalComments: 'eof',
  logLevel: 'warning',
});
