// The payload codecs by Content-Format number: one preallocated encoder and decoder per format.
// null means unsupported: the caller answers 4.06 Not Acceptable (Accept) or 4.15 Unsupported
// Content-Format (a request body). The singletons are shared: use one encode or decode at a time
// per format (the core is single-threaded and finishes each payload before the next).
import { ContentFormat } from './content-format.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { PlainTextDecoder, PlainTextEncoder } from './text.js';
import { OpaqueDecoder, OpaqueEncoder } from './opaque.js';
import { TlvDecoder, TlvEncoder } from './tlv.js';
import { SenmlJsonDecoder, SenmlJsonEncoder } from './senml-json.js';
import { SenmlCborDecoder, SenmlCborEncoder } from './senml-cbor.js';
import { Lwm2mCborDecoder, Lwm2mCborEncoder } from './lwm2m-cbor.js';

const TEXT_ENC = new PlainTextEncoder();
const TEXT_DEC = new PlainTextDecoder();
const OPAQUE_ENC = new OpaqueEncoder();
const OPAQUE_DEC = new OpaqueDecoder();
const TLV_ENC = new TlvEncoder();
const TLV_DEC = new TlvDecoder();
const SENML_JSON_ENC = new SenmlJsonEncoder();
const SENML_JSON_DEC = new SenmlJsonDecoder();
const SENML_CBOR_ENC = new SenmlCborEncoder();
const SENML_CBOR_DEC = new SenmlCborDecoder();
const LWM2M_CBOR_ENC = new Lwm2mCborEncoder();
const LWM2M_CBOR_DEC = new Lwm2mCborDecoder();

export function encoderFor(cf: number): PayloadEncoder | null {
  switch (cf) {
    case ContentFormat.TEXT: return TEXT_ENC;
    case ContentFormat.OPAQUE: return OPAQUE_ENC;
    case ContentFormat.TLV: return TLV_ENC;
    case ContentFormat.SENML_JSON: return SENML_JSON_ENC;
    case ContentFormat.SENML_CBOR: return SENML_CBOR_ENC;
    case ContentFormat.LWM2M_CBOR: return LWM2M_CBOR_ENC;
    default: return null;
  }
}

export function decoderFor(cf: number): PayloadDecoder | null {
  switch (cf) {
    case ContentFormat.TEXT: return TEXT_DEC;
    case ContentFormat.OPAQUE: return OPAQUE_DEC;
    case ContentFormat.TLV: return TLV_DEC;
    case ContentFormat.SENML_JSON: return SENML_JSON_DEC;
    case ContentFormat.SENML_CBOR: return SENML_CBOR_DEC;
    case ContentFormat.LWM2M_CBOR: return LWM2M_CBOR_DEC;
    default: return null;
  }
}

/** Whether both an encoder and a decoder exist for this Content-Format. */
export function isSupported(cf: number): boolean {
  return encoderFor(cf) !== null;
}
