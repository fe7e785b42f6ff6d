import { describe, expect, it } from 'vitest'
import { BufferPool } from './buffers'

describe('buffer pool', () => {
  it('hands back a free buffer of the exact size asked for, else a new one', () => {
    const pool = new BufferPool()
    const a = new ArrayBuffer(64)
    pool.give(a)
    expect(pool.held).toBe(64)
    expect(pool.take(32)).not.toBe(a)
    expect(pool.take(64)).toBe(a)
    expect(pool.take(64)).not.toBe(a)
    expect(pool.held).toBe(0)
  })

  it('keeps no more than its bound, letting the oldest go, never the same buffer twice, and nothing detached', () => {
    const pool = new BufferPool(100)
    const a = new ArrayBuffer(60)
    pool.give(a)
    pool.give(a)
    expect(pool.held).toBe(60)
    const moved = new ArrayBuffer(8)
    structuredClone(moved, { transfer: [moved] })
    pool.give(moved)
    expect(pool.held).toBe(60)
    // A size that keeps coming back is not locked out by one that stopped: the oldest buffer makes room.
    const b = new ArrayBuffer(70)
    pool.give(b)
    expect(pool.held).toBe(70)
    expect(pool.take(60)).not.toBe(a)
    expect(pool.take(70)).toBe(b)
    pool.give(new ArrayBuffer(200))
    expect(pool.held).toBe(0)
  })
})
