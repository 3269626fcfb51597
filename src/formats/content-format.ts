// CoAP Content-Format numbers used by LwM2M (IANA CoAP Content-Formats registry; LwM2M TS Core §7).
export const enum ContentFormat {
  NONE = -1,
  TEXT = 0,            // text/plain;charset=utf-8
  LINK_FORMAT = 40,    // application/link-format (RFC 6690)
  OPAQUE = 42,         // application/octet-stream
  CBOR = 60,           // application/cbor
  SENML_JSON = 110,    // application/senml+json (RFC 8428)
  SENML_CBOR = 112,    // application/senml+cbor (RFC 8428)
  TLV = 11542,         // application/vnd.oma.lwm2m+tlv
  LWM2M_JSON = 11543,  // application/vnd.oma.lwm2m+json (1.0, not supported)
  LWM2M_CBOR = 11544,  // application/vnd.oma.lwm2m+cbor (LwM2M 1.2)
}
