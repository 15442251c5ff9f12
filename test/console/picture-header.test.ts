// The size an uploaded picture's header claims, read without decoding: checked against the size
// Chromium decodes, on real files (PNG and GIF written here, JPEG and WebP from a canvas).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { readPictureHeader } from '../../src/console/picture-header.js';
import { gifOf, pngOf } from '../helpers/pictures.js';
import { launchChromium } from '../pages/browser.js';

const SIZES = [[1, 1], [320, 200], [8001, 10], [10, 8001]] as const;

/** The same picture in WebP's simple format: its VP8 or VP8L chunk alone, without the extended header. */
function simpleWebp(extended: Buffer): Buffer {
  for (let offset = 12; offset + 8 <= extended.length; offset += 8 + extended.readUInt32LE(offset + 4) + (extended.readUInt32LE(offset + 4) % 2)) {
    const type = extended.subarray(offset, offset + 4).toString('latin1');
    if (type !== 'VP8 ' && type !== 'VP8L') continue;
    const chunk = extended.subarray(offset, offset + 8 + extended.readUInt32LE(offset + 4));
    const padded = Buffer.concat([chunk, Buffer.alloc(chunk.length % 2)]);
    const riff = Buffer.from('RIFF....WEBP', 'latin1');
    riff.writeUInt32LE(4 + padded.length, 4);
    return Buffer.concat([riff, padded]);
  }
  throw new Error('no VP8 or VP8L chunk in this WebP');
}

describe('picture header', function () {
  this.timeout(120_000); // a browser on two shared cores
  let browser: Browser;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
  });

  /** The size Chromium decodes the file to. */
  const decodedSize = (bytes: Buffer) =>
    page.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:application/octet-stream;base64,${base64}`)).blob());
      return { width: bitmap.width, height: bitmap.height };
    }, bytes.toString('base64'));

  /** A canvas of this size as Chromium encodes it; `transparent` leaves a corner see-through. */
  const canvasPicture = async (width: number, height: number, type: string, quality: number, transparent = false) =>
    Buffer.from(
      await page.evaluate(
        ({ width, height, type, quality, transparent }) => {
          const canvas = document.createElement('canvas');
          Object.assign(canvas, { width, height });
          const context = canvas.getContext('2d')!;
          context.fillStyle = '#3a7';
          context.fillRect(transparent ? 1 : 0, 0, width, height);
          return canvas.toDataURL(type, quality).split(',')[1]!;
        },
        { width, height, type, quality, transparent },
      ),
      'base64',
    );

  it('reads the size Chromium decodes from PNG and GIF files', async () => {
    for (const [width, height] of SIZES) {
      for (const [kind, bytes] of [['png', pngOf(width, height)], ['gif', gifOf(width, height)]] as const) {
        assert.deepEqual(await decodedSize(bytes), { width, height }, `Chromium decodes the ${kind} made here`);
        assert.deepEqual(readPictureHeader(bytes), { kind, size: { width, height } });
      }
    }
  });

  it('reads the size of JPEG pictures, and of WebP pictures lossy and lossless, simple and extended', async () => {
    const webpFormats = new Set<string>();
    for (const [width, height] of SIZES) {
      const jpeg = await canvasPicture(width, height, 'image/jpeg', 0.8);
      assert.deepEqual(readPictureHeader(jpeg), { kind: 'jpg', size: { width, height } });
      assert.deepEqual(await decodedSize(jpeg), { width, height });
      for (const [quality, transparent] of [[0.8, false], [0.8, true], [1, false]] as const) {
        const extended = await canvasPicture(width, height, 'image/webp', quality, transparent);
        for (const webp of [extended, simpleWebp(extended)]) {
          webpFormats.add(webp.subarray(12, 16).toString('latin1'));
          assert.deepEqual(await decodedSize(webp), { width, height });
          assert.deepEqual(readPictureHeader(webp), { kind: 'webp', size: { width, height } });
        }
      }
    }
    assert.deepEqual([...webpFormats].sort(), ['VP8 ', 'VP8L', 'VP8X'], 'the three WebP formats were read');
  });

  it('tells a picture cut short from one that is none of the four kinds', () => {
    assert.deepEqual(readPictureHeader(pngOf(320, 200).subarray(0, 20)), { kind: 'png', size: undefined });
    assert.equal(readPictureHeader(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
  });
});
