// Forms with a file (the editor's picture) without a dependency: Node's own fetch Request parses
// multipart/form-data. Text fields land in req.body as a urlencoded form's would; the file in
// res.locals.upload. The body is cut off past the limit.
import { Readable } from 'node:stream';
import type { RequestHandler } from 'express';
import { HttpError } from '../errors.js';

export function parseMultipart(limitBytes: number): RequestHandler {
  return async (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    if (Number(req.get('content-length') ?? 0) > limitBytes) throw new HttpError(413, 'Too large', `A form with a picture may be at most ${limitBytes} bytes.`);
    let received = 0;
    const limited = Readable.from(
      (async function* () {
        for await (const chunk of req as AsyncIterable<Buffer>) {
          received += chunk.length;
          if (received > limitBytes) throw new HttpError(413, 'Too large', `A form with a picture may be at most ${limitBytes} bytes.`);
          yield chunk;
        }
      })(),
    );
    const request = new Request('http://form.invalid/', { method: 'POST', headers: { 'content-type': req.get('content-type')! }, body: Readable.toWeb(limited) as ReadableStream, duplex: 'half' } as RequestInit);
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      if (received > limitBytes) throw new HttpError(413, 'Too large', `A form with a picture may be at most ${limitBytes} bytes.`);
      throw new HttpError(400, 'Bad request', 'The form could not be read.');
    }
    // A repeated name (the editor's category checkboxes) is a list, as in a urlencoded form.
    const body: Record<string, string | string[]> = {};
    for (const [name, value] of form) {
      if (typeof value === 'string') body[name] = name in body ? [body[name]!, value].flat() : value;
      else if (value.size > 0) res.locals.upload = Buffer.from(await value.arrayBuffer());
    }
    req.body = body;
    next();
  };
}
