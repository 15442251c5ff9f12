// Static files for pages (the stylesheet): served under /assets with a year of caching, and
// linked with a content hash in the URL so a changed file is fetched again at once.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { PAGE_ROUTES } from './page-paths.js';

export const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'public');
const ASSETS_DIR = path.join(PUBLIC_DIR, 'assets');

/** Serves public/assets under /assets; cached for a year, safe because every link carries the file's hash. */
export function serveAssets(): Router {
  return Router().use(PAGE_ROUTES.assets, express.static(ASSETS_DIR, { immutable: true, maxAge: '365d', index: false, redirect: false, fallthrough: true }));
}

/** `name` → `${prefix}/assets/name?v=<hash>`, for every file in public/assets, hashed once. */
export function createAssetUrls(prefix: string): (name: string) => string {
  const urls = new Map<string, string>();
  for (const name of readdirSync(ASSETS_DIR)) {
    const hash = createHash('sha256').update(readFileSync(path.join(ASSETS_DIR, name))).digest('base64url').slice(0, 10);
    urls.set(name, `${prefix}${PAGE_ROUTES.assets}/${name}?v=${hash}`);
  }
  return (name) => {
    const url = urls.get(name);
    if (!url) throw new Error(`pages: no asset public/assets/${name}`);
    return url;
  };
}
