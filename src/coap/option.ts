// CoAP option numbers (RFC 7252 §5.10, RFC 7641, RFC 7959, RFC 7967) and their classes.

export const enum Opt {
  IF_MATCH = 1,
  URI_HOST = 3,
  ETAG = 4,
  IF_NONE_MATCH = 5,
  OBSERVE = 6,          // RFC 7641
  URI_PORT = 7,
  LOCATION_PATH = 8,
  OSCORE = 9,
  URI_PATH = 11,
  CONTENT_FORMAT = 12,
  MAX_AGE = 14,
  URI_QUERY = 15,
  ACCEPT = 17,
  LOCATION_QUERY = 20,
  BLOCK2 = 23,          // RFC 7959
  BLOCK1 = 27,          // RFC 7959
  SIZE2 = 28,           // RFC 7959
  PROXY_URI = 35,
  PROXY_SCHEME = 39,
  SIZE1 = 60,
  NO_RESPONSE = 258,    // RFC 7967
}

/** RFC 7252 §5.4.1: odd option numbers are critical. */
export function isCritical(num: number): boolean {
  return (num & 1) === 1;
}

/** Options this implementation understands; an unrecognised critical option in a request gets 4.02. */
export function isKnownOption(num: number): boolean {
  switch (num) {
    case Opt.IF_MATCH: case Opt.URI_HOST: case Opt.ETAG: case Opt.IF_NONE_MATCH: case Opt.OBSERVE:
    case Opt.URI_PORT: case Opt.LOCATION_PATH: case Opt.URI_PATH: case Opt.CONTENT_FORMAT:
    case Opt.MAX_AGE: case Opt.URI_QUERY: case Opt.ACCEPT: case Opt.LOCATION_QUERY: case Opt.BLOCK2:
    case Opt.BLOCK1: case Opt.SIZE2: case Opt.SIZE1: case Opt.NO_RESPONSE:
      return true;
    default:
      return false;
  }
}

/** RFC 7252 §5.10 / RFC 7959 §2.1: the largest length each known option may have (uint options in bytes). */
export function maxOptionLength(num: number): number {
  switch (num) {
    case Opt.IF_MATCH: return 8;
    case Opt.URI_HOST: return 255;
    case Opt.ETAG: return 8;
    case Opt.IF_NONE_MATCH: return 0;
    case Opt.OBSERVE: return 3;
    case Opt.URI_PORT: return 2;
    case Opt.LOCATION_PATH: return 255;
    case Opt.URI_PATH: return 255;
    case Opt.CONTENT_FORMAT: return 2;
    case Opt.MAX_AGE: return 4;
    case Opt.URI_QUERY: return 255;
    case Opt.ACCEPT: return 2;
    case Opt.LOCATION_QUERY: return 255;
    case Opt.BLOCK2: case Opt.BLOCK1: return 3;
    case Opt.SIZE2: case Opt.SIZE1: return 4;
    case Opt.NO_RESPONSE: return 1;
    default: return 65535 + 269;
  }
}
