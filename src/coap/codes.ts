// CoAP codes (RFC 7252 §12.1) as the single byte on the wire: class << 5 | detail.
// Hot-path functions return a negated code for a data-model error (Anjay Lite's convention),
// 0 for done, and a positive number for "more" or a length.

export const enum Code {
  EMPTY = 0x00,
  GET = 0x01, POST = 0x02, PUT = 0x03, DELETE = 0x04, FETCH = 0x05, PATCH = 0x06, IPATCH = 0x07,
  CREATED = 0x41,            // 2.01
  DELETED = 0x42,            // 2.02
  VALID = 0x43,              // 2.03
  CHANGED = 0x44,            // 2.04
  CONTENT = 0x45,            // 2.05
  CONTINUE = 0x5f,           // 2.31 (RFC 7959)
  BAD_REQUEST = 0x80,        // 4.00
  UNAUTHORIZED = 0x81,       // 4.01
  BAD_OPTION = 0x82,         // 4.02
  FORBIDDEN = 0x83,          // 4.03
  NOT_FOUND = 0x84,          // 4.04
  METHOD_NOT_ALLOWED = 0x85, // 4.05
  NOT_ACCEPTABLE = 0x86,     // 4.06
  REQUEST_ENTITY_INCOMPLETE = 0x88, // 4.08 (RFC 7959)
  PRECONDITION_FAILED = 0x8c, // 4.12
  REQUEST_ENTITY_TOO_LARGE = 0x8d, // 4.13
  UNSUPPORTED_CONTENT_FORMAT = 0x8f, // 4.15
  INTERNAL_SERVER_ERROR = 0xa0, // 5.00
  NOT_IMPLEMENTED = 0xa1,    // 5.01
  SERVICE_UNAVAILABLE = 0xa3, // 5.03
}

/** "4.04" for 0x84: for logs and tests only (allocates). */
export function codeString(code: number): string {
  const d = code & 0x1f;
  return (code >> 5) + '.' + (d < 10 ? '0' : '') + d;
}
