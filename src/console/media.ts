// Pictures uploaded from the console: kept under DATA_DIR/media by the hash of their bytes (the
// same picture twice is one file), only PNG, JPEG, GIF and WebP (told by their first bytes, not
// by what the browser claims; never SVG, which can carry script), at most MAX_PICTURE_BYTES.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/errors.js';

export const MAX_PICTURE_BYTES = 5 * 1024 * 1024;

export const MEDIA_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** The picture's kind from its first bytes, or undefined. */
function pictureKind(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return undefined;
}

export const mediaDir = (ctx: AppContext) => path.join(ctx.config.dataDir, 'media');

/** Stores an uploaded picture and returns its absolute URL; a 422 naming `image` when it is not one we keep. */
export async function savePicture(ctx: AppContext, bytes: Buffer): Promise<string> {
  if (bytes.length > MAX_PICTURE_BYTES) throw HttpError.invalid([{ field: 'image', message: `must be at most ${MAX_PICTURE_BYTES / 1024 / 1024} MB` }]);
  const kind = pictureKind(bytes);
  if (!kind) throw HttpError.invalid([{ field: 'image', message: 'must be a PNG, JPEG, GIF or WebP picture' }]);
  const name = `${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}.${kind}`;
  await mkdir(mediaDir(ctx), { recursive: true });
  await writeFile(path.join(mediaDir(ctx), name), bytes);
  return `${ctx.config.baseUrl}/media/${name}`;
}
