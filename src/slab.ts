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
// Growable pages (XS, whose resizable ArrayBuffers, ES2024, are as fast as fixed ones): a page is an
// ArrayBuffer that starts empty and grows by each view carved from it, up to 4 pages' bytes (4 KB by
// default); a request up to that size is a view (4 slots, no chunk header), only a larger one gets a
// buffer of its own, and no page has an unused tail (XS allocates a resizable buffer's chunk at its
// length, not its maximum). A request that does not fit the room left opens the next page; the last
// one simply stops growing. Views are fixed-length: growing the page never moves or resizes them.
// Not under V8 (Node): its typed arrays over a resizable buffer are 2-8 times slower (measured with
// Node 20), and a view costs it nothing more than an own buffer; nor Espruino (no resizable buffers).
//
// Rules for users: a slab's arrays are ordinary typed arrays, except that `.buffer` is the shared
// page — use `byteOffset`/`byteLength` (or `subarray`) when handing the bytes elsewhere. Allocate only
// in constructors: a slab never frees.

/** Pages grow (see above): the engine is XS (ArrayBuffer.fromBigInt is Moddable's) and has resizable
 *  ArrayBuffers (ArrayBuffer.prototype.resize). */
export const GROWABLE_PAGES = typeof (ArrayBuffer as unknown as { fromBigInt?: unknown }).fromBigInt === 'function' &&
  typeof (ArrayBuffer.prototype as { resize?: unknown }).resize === 'function';

/** A resizable ArrayBuffer (ES2024; the project's lib is ES2022). */
interface Resizable { resize(n: number): void }

export class Slab {
  #page: ArrayBuffer | null = null;
  #off = 0;
  #cap = 0;
  /** Largest request that is a view (larger ones get a buffer of their own). */
  readonly #limit: number;
  /** What this slab allocated, for the memory figures: bytes of pages and own buffers, and counts. */
  bytes = 0;
  pages = 0;
  views = 0;

  /** grow: growable pages (default where the engine has them, GROWABLE_PAGES). */
  constructor(readonly pageBytes = 1024, readonly grow = GROWABLE_PAGES) {
    if (!(pageBytes >= 64) || (pageBytes & 7) !== 0) throw new RangeError('Slab: pageBytes must be a multiple of 8, at least 64');
    this.#limit = grow ? 4 * pageBytes : pageBytes >> 2;
  }

  /** Reserves n elements of size `size` (1, 2, 4, 8): returns the byte offset in #page, after making
   *  #page the page that holds them; -1 when the request gets a buffer of its own. */
  #take(n: number, size: number): number {
    if (!(n >= 0) || n !== Math.floor(n)) throw new RangeError('Slab: bad length ' + n);
    const len = n * size;
    this.views++;
    if (len > this.#limit) { this.bytes += len; return -1; }
    let off = (this.#off + size - 1) & ~(size - 1);
    if (this.#page === null || off + len > this.#cap) {
      const grow = this.grow, cap = grow ? this.#limit : this.pageBytes;
      this.#page = grow ? new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(0, { maxByteLength: cap }) : new ArrayBuffer(cap);
      this.#cap = cap;
      if (!grow) this.bytes += cap;
      this.pages++;
      this.#off = 0;
      off = 0;
    }
    if (this.grow && off + len > this.#off) {
      (this.#page as unknown as Resizable).resize(off + len);
      this.bytes += off + len - this.#off;
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
