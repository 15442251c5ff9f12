// A feed's bytes as text, in the encoding it declares: a byte-order mark first, then the
// Content-Type charset, then the XML declaration's encoding; UTF-8 when none says otherwise.

/** The text of a feed body; an unknown label falls back to UTF-8 rather than refusing the feed. */
export function decodeFeed(body: Buffer, contentType: string): string {
  const label = bomEncoding(body) ?? charsetOf(contentType) ?? xmlDeclaredEncoding(body) ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body);
}

function bomEncoding(body: Buffer): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return undefined;
}

function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([\w.:-]+)/i.exec(contentType)?.[1];
}

function xmlDeclaredEncoding(body: Buffer): string | undefined {
  // The declaration is ASCII in every encoding a feed declares this way.
  const head = body.subarray(0, 200).toString('latin1');
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/.exec(head)?.[1];
}
