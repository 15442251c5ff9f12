// A message body MIME-encoded once per distinct email, with gaps (slots) where each recipient's
// values go: per recipient only the values are encoded, and the message is the shared pieces and
// those values in turn (gathered into a reused buffer as it is sent, see message-buffers.ts): a
// 50 KB digest costs its few values and one copy. Quoted-printable allows a soft line break
// anywhere, so each piece is encoded on its own and the pieces are joined by soft breaks.
import { randomBytes } from 'node:crypto';
import { encode, wrap } from 'nodemailer/lib/qp';

/** Text cut at its slots: `parts[i]` comes before `slots[i]`; there is one more part than slots. */
export interface SlottedText<Slot extends string = string> {
  parts: readonly string[];
  slots: readonly Slot[];
}

/** One text/* part, encoded except for its slots: `parts[0]` starts with the part's headers. */
interface EncodedPart<Slot extends string> {
  parts: readonly Buffer[];
  slots: readonly Slot[];
}

/** A multipart/alternative body (text, then HTML) encoded once; see fillBody. */
export interface PreparedBody<Slot extends string = string> {
  text: EncodedPart<Slot>;
  html: EncodedPart<Slot>;
  /** Random, chosen once the content is fixed, so no content can contain it. */
  boundary: string;
}

/** Both parts of one recipient's body, each a complete MIME part (headers and encoded content) in pieces. */
export interface MessageBody {
  textPart: readonly Buffer[];
  htmlPart: readonly Buffer[];
  boundary: string;
}

const SOFT_BREAK = '=\r\n';
/** 76 characters at most (RFC 2045), with room for a leading dot written as =2E. */
const LINE_LENGTH = 74;

/** Encodes both parts once; the slots stay open for fillBody. */
export function prepareBody<Slot extends string>(text: SlottedText<Slot>, html: SlottedText<Slot>): PreparedBody<Slot> {
  return { text: encodePart('text/plain', text), html: encodePart('text/html', html), boundary: randomBytes(12).toString('hex') };
}

/** One recipient's body: `text` and `html` give each slot's value for that part (e.g. HTML-escaped). */
export function fillBody<Slot extends string>(body: PreparedBody<Slot>, values: { text: (slot: Slot) => string; html: (slot: Slot) => string }): MessageBody {
  return { textPart: fillPart(body.text, values.text), htmlPart: fillPart(body.html, values.html), boundary: body.boundary };
}

function encodePart<Slot extends string>(contentType: string, text: SlottedText<Slot>): EncodedPart<Slot> {
  const head = `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  return { parts: text.parts.map((part, i) => Buffer.from((i === 0 ? head : '') + encodePiece(part), 'latin1')), slots: text.slots };
}

/** The encoded pieces, shared, with the recipient's values between them. */
function fillPart<Slot extends string>(part: EncodedPart<Slot>, value: (slot: Slot) => string): Buffer[] {
  const pieces: Buffer[] = [part.parts[0]!];
  for (let i = 0; i < part.slots.length; i += 1) pieces.push(Buffer.from(SOFT_BREAK + encodePiece(value(part.slots[i]!)) + SOFT_BREAK, 'latin1'), part.parts[i + 1]!);
  return pieces;
}

/**
 * Quoted-printable lines of at most 76 characters, with CRLF line breaks, none starting with a
 * dot: SMTP doubles such a dot, and nodemailer copies the whole piece to do it, for every recipient.
 */
function encodePiece(piece: string): string {
  return wrap(encode(piece.replace(/\r?\n/g, '\r\n')), LINE_LENGTH).replace(/^\./gm, '=2E');
}
