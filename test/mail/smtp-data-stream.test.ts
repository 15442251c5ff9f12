// nodemailer's SMTP DATA stream as patched here (patches/nodemailer+*.patch): a chunk that needs no
// escaping passes as it is, without the byte-by-byte loop; anything else gets the loop's output.
import assert from 'node:assert/strict';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';
import { seededRandom } from '../../bench/content.js';

/** What the stream writes for these chunks; `loopOnly` sends every chunk through the loop. */
async function escape(chunks: string[], loopOnly = false): Promise<{ out: Buffer[]; stream: DataStream }> {
  const stream = new DataStream();
  if (loopOnly) Object.assign(stream, { _needsEscaping: () => true });
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  for (const chunk of chunks) stream.write(Buffer.from(chunk, 'latin1'));
  stream.end();
  await ended;
  return { out, stream };
}

const text = async (chunks: string[], loopOnly = false) => Buffer.concat((await escape(chunks, loopOnly)).out).toString('latin1');

describe('mail: the SMTP DATA stream (nodemailer, patched)', () => {
  it('doubles a dot at the start of a line and turns bare CR and LF into CRLF, across chunk boundaries too', async () => {
    assert.equal(await text(['.first\r\nsecond\r\n.third']), '..first\r\nsecond\r\n..third\r\n.\r\n');
    assert.equal(await text(['first\r\n.second']), 'first\r\n..second\r\n.\r\n');
    assert.equal(await text(['a\nb\rc\r.d']), 'a\r\nb\r\nc\r\n..d\r\n.\r\n');
    assert.equal(await text(['a\r', '\n.b']), 'a\r\n..b\r\n.\r\n');
    assert.equal(await text(['a\r', '.b']), 'a\r\n..b\r\n.\r\n');
    assert.equal(await text(['a\r\n', '.b', '\nc']), 'a\r\n..b\r\nc\r\n.\r\n');
  });

  it('passes a chunk with nothing to escape as it is, counting its bytes', async () => {
    const message = 'Subject: hi\r\n\r\n' + 'riga di testo, con punti. e altro\r\n'.repeat(1_500);
    const { out, stream } = await escape([message]);
    assert.equal(out[0]!.toString('latin1'), message);
    assert.equal(stream.inByteCount, message.length);
    assert.equal(stream.outByteCount, message.length + '.\r\n'.length);
    assert.equal(typeof (stream as unknown as { _needsEscaping?: unknown })._needsEscaping, 'function', 'the patch is applied (npm install runs patch-package)');
  });

  it('writes exactly what the byte-by-byte loop writes, for any text cut anywhere', async () => {
    const next = seededRandom(7);
    const random = (n: number) => Math.floor(next() * n);
    // Half the texts have only CRLF line breaks, as a composed message does; half have bare ones too.
    const alphabets = [['a', '.', '\r\n', '\r\n.', 'è'], ['a', '.', '\r', '\n', '\r\n', '\r\n.', '\n.', 'è']];
    for (let round = 0; round < 1_000; round++) {
      const alphabet = alphabets[round % 2]!;
      const chunks = Array.from({ length: 1 + random(4) }, () => Array.from({ length: random(12) }, () => alphabet[random(alphabet.length)]).join(''));
      assert.equal(await text(chunks), await text(chunks, true), JSON.stringify(chunks));
    }
  });
});
