// What a picture's first bytes say: its kind (PNG, JPEG, GIF or WebP, told by its signature, not
// by what the browser claims) and its size in pixels, read from the header without decoding
// anything. No image library is in the tree; each format keeps its size in a known place.

export type PictureKind = 'png' | 'jpg' | 'gif' | 'webp';

export interface PictureHeader {
  kind: PictureKind;
  /** Absent when the header is cut short or does not say. */
  size?: { width: number; height: number };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The picture's kind and size from its first bytes; undefined when it is none of the four kinds. */
export function readPictureHeader(bytes: Buffer): PictureHeader | undefined {
  const text = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return { kind: 'png', size: pngSize(bytes) };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { kind: 'jpg', size: jpegSize(bytes) };
  if (text(0, 4) === 'GIF8') return { kind: 'gif', size: bytes.length >= 10 ? { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) } : undefined };
  if (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return { kind: 'webp', size: webpSize(bytes) };
  return undefined;
}

/** The IHDR chunk comes first: width and height as 32-bit big-endian numbers. */
function pngSize(bytes: Buffer): PictureHeader['size'] {
  if (bytes.length < 24 || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Markers without a length: TEM, the restart markers, start and end of image. */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9]);
/** Start-of-frame markers (0xc0–0xcf but DHT, JPG and DAC), whose segment holds the size. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Walks the segments (EXIF, ICC, tables…) to the first start of frame: precision, height, width. */
function jpegSize(bytes: Buffer): PictureHeader['size'] {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    // 0xff may pad before a marker.
    if (marker === 0xff) offset += 1;
    else if (STANDALONE.has(marker)) offset += 2;
    else if (isStartOfFrame(marker)) return offset + 9 <= bytes.length ? { width: bytes.readUInt16BE(offset + 7), height: bytes.readUInt16BE(offset + 5) } : undefined;
    else offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}

/** The first chunk says which of WebP's three formats it is; each keeps the size its own way. */
function webpSize(bytes: Buffer): PictureHeader['size'] {
  const chunk = bytes.subarray(12, 16).toString('latin1');
  if (chunk === 'VP8 ' && bytes.length >= 30 && bytes.readUIntBE(23, 3) === 0x9d012a) {
    return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25 && bytes[20] === 0x2f) {
    const bits = bytes.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
  return undefined;
}
