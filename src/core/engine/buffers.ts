/**
 * Reuse of the large buffers a segment needs (view tensors of several MB). Allocating them fresh for every segment
 * cost more than filling them: new memory is zeroed and faulted in page by page, and the external memory it adds
 * keeps the garbage collector running (on 1080p, a fifth of the scorer's JavaScript time).
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>()
  /** Every buffer held, oldest first: sizes that stop coming back (segments cut short at scene cuts) age out. */
  private readonly order: ArrayBuffer[] = []
  private bytes = 0

  /** `maxBytes` bounds what the pool keeps; past it, the buffers given longest ago are let go. */
  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  /** A buffer of exactly `byteLength` bytes, reused when one is free. Its contents are whatever they were: fill it. */
  take(byteLength: number): ArrayBuffer {
    const buf = this.free.get(byteLength)?.pop()
    if (!buf) return new ArrayBuffer(byteLength)
    this.order.splice(this.order.indexOf(buf), 1)
    this.bytes -= byteLength
    return buf
  }

  give(buf: ArrayBuffer): void {
    // A detached buffer (moved to another thread) has no bytes left to reuse.
    if (buf.byteLength === 0 || buf.byteLength > this.maxBytes) return
    const list = this.free.get(buf.byteLength) ?? []
    if (list.includes(buf)) return
    while (this.bytes + buf.byteLength > this.maxBytes) this.evictOldest()
    list.push(buf)
    this.free.set(buf.byteLength, list)
    this.order.push(buf)
    this.bytes += buf.byteLength
  }

  /** Bytes held for reuse. */
  get held(): number {
    return this.bytes
  }

  private evictOldest(): void {
    const old = this.order.shift()
    if (!old) return
    const list = this.free.get(old.byteLength)!
    list.splice(list.indexOf(old), 1)
    if (list.length === 0) this.free.delete(old.byteLength)
    this.bytes -= old.byteLength
  }
}
