// Real picture files of any size for upload tests, made without an image library: a PNG (grey,
// deflated by node:zlib) and a GIF (LZW codes written so that their width never grows). Chromium
// decodes both; JPEG and WebP come from a canvas in the browser tests.
import { crc32, deflateSync } from 'node:zlib';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])));
  return Buffer.concat([length, Buffer.from(type, 'latin1'), data, checksum]);
}

/** A mid-grey PNG of this size (8-bit greyscale, every row unfiltered). */
export function pngOf(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter method, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width, 0x80)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', pixels), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * A black GIF of this size. With a minimum code size of 2, codes are 3 bits wide until the
 * decoder's table reaches 8 entries; a clear code after every two pixels keeps it below that.
 */
export function gifOf(width: number, height: number): Buffer {
  const CLEAR = 4;
  const END = 5;
  const codes: number[] = [];
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    if (pixel % 2 === 0) codes.push(CLEAR);
    codes.push(0);
  }
  codes.push(END);
  const packed: number[] = [];
  let bits = 0;
  let count = 0;
  for (const code of codes) {
    bits |= code << count;
    count += 3;
    while (count >= 8) (packed.push(bits & 0xff), (bits >>= 8), (count -= 8));
  }
  if (count) packed.push(bits & 0xff);
  const blocks: number[] = [];
  for (let start = 0; start < packed.length; start += 255) {
    const block = packed.slice(start, start + 255);
    blocks.push(block.length, ...block);
  }
  const size = Buffer.alloc(4);
  size.writeUInt16LE(width, 0);
  size.writeUInt16LE(height, 2);
  return Buffer.concat([
    Buffer.from('GIF89a', 'latin1'),
    size,
    Buffer.from([0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff]), // a global table of two colours: black, white
    Buffer.from([0x2c, 0, 0, 0, 0]),
    size,
    Buffer.from([0, 2]), // no local table; LZW minimum code size 2
    Buffer.from(blocks),
    Buffer.from([0, 0x3b]),
  ]);
}
