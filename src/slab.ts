// Typed arrays carved out of a few shared ArrayBuffers, for the fixed state a constructor allocates.
//
// Why: under XS a typed array with a buffer of its own costs 7 heap slots (the view and the
// ArrayBuffer; 112 bytes on a 32-bit ESP32) plus an 8-byte chunk header, a view into an existing
// buffer 4 slots (64 bytes) — measured with @agoric/xsnap's XS (docs/xs-memory.md). The client's
// state is ~270 small arrays, so the difference is kilobytes on a device with ~100 KB of heap.
//
// A Slab hands out views into pages of `pageBytes` (default 1 KB); a request larger than a quarter
// page gets an exact buffer of its own (sharing would save only the 3 slots of an ArrayBuffer and
// waste up to the tail of a page), so at most a quarter page is wasted per page. Views are aligned to
// their element size (XS, like V8, refuses a misaligned Int32Array/Float64Array view).
//
// Rules for users: a slab's arrays are ordinary typed arrays, except that `.buffer` is the shared
// page — use `byteOffset`/`byteLength` (or `subarray`) when handing the bytes elsewhere. Allocate only
// in constructors: a slab never frees.

export class Slab {
  #page: ArrayBuffer | null = null;
  #off = 0;
  #cap = 0;
  /** What this slab allocated, for the memory figures: bytes of pages and own buffers, and counts. */
  bytes = 0;
  pages = 0;
  views = 0;

  constructor(readonly pageBytes = 1024) {
    if (!(pageBytes >= 64) || (pageBytes & 7) !== 0) throw new RangeError('Slab: pageBytes must be a multiple of 8, at least 64');
  }

  /** Reserves n elements of size `size` (1, 2, 4, 8): returns the byte offset in #page, after making
   *  #page the page that holds them; -1 when the request gets a buffer of its own. */
  #take(n: number, size: number): number {
    if (!(n >= 0) || n !== Math.floor(n)) throw new RangeError('Slab: bad length ' + n);
    const len = n * size;
    this.views++;
    if (len > (this.pageBytes >> 2)) { this.bytes += len; return -1; }
    let off = (this.#off + size - 1) & ~(size - 1);
    if (this.#page === null || off + len > this.#cap) {
      this.#page = new ArrayBuffer(this.pageBytes);
      this.#cap = this.pageBytes;
      this.bytes += this.pageBytes;
      this.pages++;
      off = 0;
    }
    this.#off = off + len;
    return off;
  }

  u8(n: number): Uint8Array {
    const off = this.#take(n, 1);
    return off < 0 ? new Uint8Array(n) : new Uint8Array(this.#page as ArrayBuffer, off, n);
  }

  i8(n: number): Int8Array {
    const off = this.#take(n, 1);
    return off < 0 ? new Int8Array(n) : new Int8Array(this.#page as ArrayBuffer, off, n);
  }

  u16(n: number): Uint16Array {
    const off = this.#take(n, 2);
    return off < 0 ? new Uint16Array(n) : new Uint16Array(this.#page as ArrayBuffer, off, n);
  }

  i16(n: number): Int16Array {
    const off = this.#take(n, 2);
    return off < 0 ? new Int16Array(n) : new Int16Array(this.#page as ArrayBuffer, off, n);
  }

  u32(n: number): Uint32Array {
    const off = this.#take(n, 4);
    return off < 0 ? new Uint32Array(n) : new Uint32Array(this.#page as ArrayBuffer, off, n);
  }

  i32(n: number): Int32Array {
    const off = this.#take(n, 4);
    return off < 0 ? new Int32Array(n) : new Int32Array(this.#page as ArrayBuffer, off, n);
  }

  f64(n: number): Float64Array {
    const off = this.#take(n, 8);
    return off < 0 ? new Float64Array(n) : new Float64Array(this.#page as ArrayBuffer, off, n);
  }
}
