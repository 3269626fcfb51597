// The application API's error: construction-time mistakes throw it with a message that names the
// fix; at run time it is never thrown out of the library but handed to the client's onError, with
// the path it concerns (a callback that threw, a value of the wrong type, a full table).

export class Lwm2mError extends Error {
  /** The path concerned ("/3303/0/5700"), "" when none. */
  readonly path: string;
  /** The CoAP code a server got for it (0x80 for 4.00, 0xa0 for 5.00), 0 when no server was involved. */
  readonly code: number;
  /** What the application code threw, when that is the cause. */
  override readonly cause?: unknown;

  constructor(message: string, path = '', code = 0, cause?: unknown) {
    super(path ? path + ': ' + message : message);
    this.name = 'Lwm2mError';
    this.path = path;
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/** CoAP codes an application callback may answer with to refuse a server's request (the byte on
 *  the wire: class << 5 | detail). Returning `false` from a callback is BadRequest. */
export const Lwm2mCode = Object.freeze({
  BadRequest: 0x80,          // 4.00
  Unauthorized: 0x81,        // 4.01
  Forbidden: 0x83,           // 4.03
  NotFound: 0x84,            // 4.04
  MethodNotAllowed: 0x85,    // 4.05
  NotAcceptable: 0x86,       // 4.06
  InternalServerError: 0xa0, // 5.00
  ServiceUnavailable: 0xa3,  // 5.03
});

/** "/o/i/r[/ri]" (for messages: allocates). */
export function pathText(o: number, i: number, r: number, ri: number): string {
  return '/' + o + (i >= 0 ? '/' + i + (r >= 0 ? '/' + r + (ri >= 0 ? '/' + ri : '') : '') : '');
}

/** "4.05" for 0x85 (messages). */
export function codeText(code: number): string {
  const d = code & 0x1f;
  return (code >> 5) + '.' + (d < 10 ? '0' : '') + d;
}
