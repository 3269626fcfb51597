// DTLS 1.2 numbers (RFC 6347, RFC 5246, RFC 4279, RFC 6655) and this client's result/error codes.

/** Record content types (RFC 5246 §6.2.1). */
export const enum ContentType {
  ChangeCipherSpec = 20, Alert = 21, Handshake = 22, ApplicationData = 23,
  /** RFC 9146 §4: a record carrying a connection ID, its real type inside the encrypted DTLSInnerPlaintext. */
  Tls12Cid = 25,
}

/** Hello extensions we send or read. */
export const enum ExtensionType { ConnectionId = 54, RenegotiationInfo = 0xff01 }

/** Longest connection ID (RFC 9146 §3: cid<0..2^8-1>). */
export const MAX_CID = 255;

/** Handshake message types (RFC 5246 §7.4, RFC 6347 §4.3.2). */
export const enum HandshakeType {
  HelloRequest = 0, ClientHello = 1, ServerHello = 2, HelloVerifyRequest = 3,
  ServerKeyExchange = 12, ServerHelloDone = 14, ClientKeyExchange = 16, Finished = 20,
}

/** Cipher suites this client offers. */
export const enum CipherSuite {
  None = 0,
  /** RFC 6655 — mandatory for LwM2M over DTLS. */
  TLS_PSK_WITH_AES_128_CCM_8 = 0xc0a8,
  /** RFC 5487. */
  TLS_PSK_WITH_AES_128_CBC_SHA256 = 0x00ae,
  /** RFC 5746 §3.3 signalling value. */
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff,
}

export const enum AlertLevel { Warning = 1, Fatal = 2 }

/** Alert descriptions (RFC 5246 §7.2, RFC 4279 §2). */
export const enum AlertDescription {
  CloseNotify = 0, UnexpectedMessage = 10, BadRecordMac = 20, HandshakeFailure = 40,
  IllegalParameter = 47, DecodeError = 50, DecryptError = 51, ProtocolVersion = 70,
  InternalError = 80, UnknownPskIdentity = 115,
}

export const enum DtlsState { Idle = 0, Handshaking = 1, Connected = 2, Closed = 3, Failed = 4 }

/**
 * Why a session Failed (`DtlsSession.error`). A fatal alert from the peer is
 * `PeerAlert + description` (e.g. 256 + 51 = decrypt_error), named below for the usual ones.
 */
export const enum DtlsError {
  None = 0,
  /** No answer to the ClientHello within the retransmission budget (server unreachable). */
  Timeout = 1,
  /** No answer to our Finished: the server dropped it, almost always a wrong PSK or identity. */
  FinishedTimeout = 2,
  /** The ServerHello chose a version, suite or compression we did not offer. */
  BadServerHello = 3,
  /** The server's Finished did not verify (the server holds another key). */
  BadFinished = 4,
  /** A handshake message that could not be parsed, or one out of place. */
  BadHandshake = 5,
  PeerAlert = 256,
  AlertUnexpectedMessage = 266,
  AlertBadRecordMac = 276,
  AlertHandshakeFailure = 296,
  AlertIllegalParameter = 303,
  AlertDecodeError = 306,
  AlertDecryptError = 307,
  AlertProtocolVersion = 326,
  AlertInternalError = 336,
  AlertUnknownPskIdentity = 371,
}

/** What receive() returns when no application data came out. */
export const enum DtlsResult { Nothing = 0, Dropped = -1, Failed = -2, NotConnected = -3, TooLarge = -4 }

/** Record header: type(1) version(2) epoch(2) sequence_number(6) length(2) — RFC 6347 §4.1. */
export const RECORD_HEADER_LEN = 13;
/** Handshake header: type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3) — §4.2.2. */
export const HANDSHAKE_HEADER_LEN = 12;
export const DTLS12_MAJOR = 0xfe;
export const DTLS12_MINOR = 0xfd;
/** DTLS 1.0 (HelloVerifyRequest and first records may carry it, RFC 6347 §4.2.1). */
export const DTLS10_MINOR = 0xff;

export const RANDOM_LEN = 32;
export const MASTER_SECRET_LEN = 48;
export const VERIFY_DATA_LEN = 12;
export const MAX_SESSION_ID = 32;
export const MAX_COOKIE = 255;
export const MAX_PSK_IDENTITY = 128;
export const MAX_PSK = 64;

/** RFC 6347 §4.2.4.1: initial retransmission timer 1 s, doubling, at most 60 s. */
export const RETRANSMIT_INITIAL_MS = 1000;
export const RETRANSMIT_MAX_MS = 60000;

/** The longest ClientHello body we write: version, random, session id, cookie (RFC 6347 §4.2.1: up to
 *  255 bytes), three suites, null compression, the connection_id extension. (Here, not in
 *  handshake.ts: the workspace sizes its flight by it without loading the handshake code.) */
export const CLIENT_HELLO_MAX = 2 + RANDOM_LEN + 1 + MAX_SESSION_ID + 1 + MAX_COOKIE + 2 + 3 * 2 + 2 + 7;

/** Offsets in KeySchedule.b (src/dtls/keys.ts; one array: XS charges each typed array on top of its
 *  bytes): the server random, the master secret, then the working bytes of one derivation at a time
 *  (none outlives its call): the premaster secret in deriveMaster(), the key block from
 *  deriveKeyBlock() until the caller installs and wipes it, the transcript digest in verifyData().
 *  (Here: a session reads them without loading the key schedule's code.) */
export const KS_SERVER_RANDOM = 0;
export const KS_MASTER = KS_SERVER_RANDOM + RANDOM_LEN;
export const KS_WORK = KS_MASTER + MASTER_SECRET_LEN;
