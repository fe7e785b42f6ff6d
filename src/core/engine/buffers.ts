/**
 * Reuse of the large buffers a segment needs (view tensors of several MB, frames of tens of KB). Allocating them
 * fresh for every segment cost more than filling them: new memory is zeroed and faulted in page by page, and the
 * external memory it adds keeps the garbage collector running (on 1080p, a fifth of the scorer's JavaScript time).
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>()
  private bytes = 0

  /** `maxBytes` bounds what the pool keeps; buffers beyond it are left to the garbage collector. */
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** A buffer of exactly `byteLength` bytes, reused when one is free. Its contents are whatever they were: fill it. */
  take(byteLength: number): ArrayBuffer {
    const buf = this.free.get(byteLength)?.pop()
    if (!buf) return new ArrayBuffer(byteLength)
    this.bytes -= byteLength
    return buf
  }

  give(buf: ArrayBuffer): void {
    // A detached buffer (moved to another thread) has no bytes left to reuse.
    if (buf.byteLength === 0 || this.bytes + buf.byteLength > this.maxBytes) return
    const list = this.free.get(buf.byteLength)
    if (list?.includes(buf)) return
    if (list) list.push(buf)
    else this.free.set(buf.byteLength, [buf])
    this.bytes += buf.byteLength
  }

  /** Bytes held for reuse. */
  get held(): number {
    return this.bytes
  }
}
