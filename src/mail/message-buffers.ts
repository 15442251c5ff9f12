// The buffers messages are gathered into before they go to nodemailer, reused from one message
// to the next. A message handed over in one piece is one pass of nodemailer's dot-stuffing and
// one write to the socket, where the ~15 pieces of a digest (shared parts and a recipient's
// values) cost one each: 1.80 → 1.01 ms of CPU per 53 KB digest at 20,000 subscribers. A new buffer per message would
// cost as much in the garbage collector instead: V8 marks the whole heap each time memory
// outside it grows by 64 MB, every two seconds at 500 digests/s, with a million subscribers in
// the heap. So a buffer goes back for reuse once the server has accepted its message, when
// nothing can still be writing it; one whose send failed is left to the collector.

/** Buffers kept for reuse: more than the sends in flight, fewer than would hold memory for nothing. */
const KEPT = 64;
const SMALLEST = 64 * 1024;

export class MessageBuffers {
  private readonly free: Buffer[] = [];

  /** The pieces copied into one buffer: the message, and the buffer to `give` back. */
  gather(pieces: readonly Buffer[]): { message: Buffer; buffer: Buffer } {
    const size = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const buffer = this.take(size);
    let at = 0;
    for (const piece of pieces) at += piece.copy(buffer, at);
    return { message: buffer.subarray(0, size), buffer };
  }

  give(buffer: Buffer): void {
    if (this.free.length < KEPT) this.free.push(buffer);
  }

  /** A buffer of at least `size` bytes, for one message until `give` returns it. */
  private take(size: number): Buffer {
    const buffer = this.free.pop();
    if (buffer && buffer.length >= size) return buffer;
    // Too small for this message (or none left): sized to the next power of two, it serves later ones.
    return Buffer.allocUnsafeSlow(Math.max(SMALLEST, 2 ** Math.ceil(Math.log2(size))));
  }
}
