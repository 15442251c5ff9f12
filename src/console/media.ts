// Pictures uploaded from the console: kept under DATA_DIR/media by the hash of their bytes (the
// same picture twice is one file), only PNG, JPEG, GIF and WebP (never SVG, which can carry
// script), at most MAX_PICTURE_BYTES, and between MIN_PICTURE_SIDE and MAX_PICTURE_SIDE pixels a
// side as their header says: a few kilobytes can claim a picture that takes gigabytes to decode.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';
import { readPictureHeader } from './picture-header.js';

export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;
/** Smaller than this, a picture is a thumbnail at best (sharing sites ignore one under 200 px). */
export const MIN_PICTURE_SIDE = 200;
export const MAX_PICTURE_SIDE = 8000;

export const mediaDir = (ctx: AppContext) => path.join(ctx.config.dataDir, 'media');

const refuse = (message: string) => HttpError.invalid([{ field: 'image', message }]);

/** Stores an uploaded picture and returns its absolute URL; a 422 naming `image` when it is not one we keep. */
export async function savePicture(ctx: AppContext, bytes: Buffer): Promise<string> {
  if (bytes.length > MAX_PICTURE_BYTES) throw refuse(`must be at most ${MAX_PICTURE_BYTES / 1024 / 1024} MB`);
  const header = readPictureHeader(bytes);
  if (!header) throw refuse('must be a PNG, JPEG, GIF or WebP picture');
  if (!header.size) throw refuse('does not say how large it is');
  const { width, height } = header.size;
  if (width < MIN_PICTURE_SIDE || height < MIN_PICTURE_SIDE) throw refuse(`must be at least ${MIN_PICTURE_SIDE} pixels wide and ${MIN_PICTURE_SIDE} pixels high`);
  if (width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE) throw refuse(`must be at most ${MAX_PICTURE_SIDE} pixels wide and ${MAX_PICTURE_SIDE} pixels high`);
  const name = `${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}.${header.kind}`;
  await mkdir(mediaDir(ctx), { recursive: true });
  await writeFile(path.join(mediaDir(ctx), name), bytes);
  return `${ctx.config.baseUrl}/media/${name}`;
}
