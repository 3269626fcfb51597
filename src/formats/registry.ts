// The payload codecs by Content-Format number: one preallocated encoder and decoder per format.
// null means unsupported: the caller answers 4.06 Not Acceptable (Accept) or 4.15 Unsupported
// Content-Format (a request body). The codecs are shared: use one encode or decode at a time per
// format (the core is single-threaded and finishes each payload before the next).
import { ContentFormat } from './content-format.js';
import type { PayloadDecoder, PayloadEncoder } from './codec.js';
import { PlainTextDecoder, PlainTextEncoder } from './text.js';
import { OpaqueDecoder, OpaqueEncoder } from './opaque.js';
import { TlvDecoder, TlvEncoder } from './tlv.js';
import { SenmlJsonDecoder, SenmlJsonEncoder } from './senml-json.js';
import { SenmlCborDecoder, SenmlCborEncoder } from './senml-cbor.js';
import { Lwm2mCborDecoder, Lwm2mCborEncoder } from './lwm2m-cbor.js';

/** One encoder and decoder per format. Created at run time (first use, or the client's constructor
 *  through `codecs()`), never while the module loads: on the device the modules are preloaded into
 *  flash, where the codecs' typed-array scratch would be read-only ("for preloaded instances of
 *  TypedArray, integer-indexed assignment throws a type error", Moddable's XS linker notes). */
class Codecs {
  readonly textEnc = new PlainTextEncoder();
  readonly textDec = new PlainTextDecoder();
  readonly opaqueEnc = new OpaqueEncoder();
  readonly opaqueDec = new OpaqueDecoder();
  readonly tlvEnc = new TlvEncoder();
  readonly tlvDec = new TlvDecoder();
  readonly senmlJsonEnc = new SenmlJsonEncoder();
  readonly senmlJsonDec = new SenmlJsonDecoder();
  readonly senmlCborEnc = new SenmlCborEncoder();
  readonly senmlCborDec = new SenmlCborDecoder();
  readonly lwm2mCborEnc = new Lwm2mCborEncoder();
  readonly lwm2mCborDec = new Lwm2mCborDecoder();
}

let shared: Codecs | null = null;

/** The process's codecs, created on the first call. */
export function codecs(): Codecs {
  return shared ?? (shared = new Codecs());
}

export function encoderFor(cf: number): PayloadEncoder | null {
  const c = shared ?? codecs();
  switch (cf) {
    case ContentFormat.TEXT: return c.textEnc;
    case ContentFormat.OPAQUE: return c.opaqueEnc;
    case ContentFormat.TLV: return c.tlvEnc;
    case ContentFormat.SENML_JSON: return c.senmlJsonEnc;
    case ContentFormat.SENML_CBOR: return c.senmlCborEnc;
    case ContentFormat.LWM2M_CBOR: return c.lwm2mCborEnc;
    default: return null;
  }
}

export function decoderFor(cf: number): PayloadDecoder | null {
  const c = shared ?? codecs();
  switch (cf) {
    case ContentFormat.TEXT: return c.textDec;
    case ContentFormat.OPAQUE: return c.opaqueDec;
    case ContentFormat.TLV: return c.tlvDec;
    case ContentFormat.SENML_JSON: return c.senmlJsonDec;
    case ContentFormat.SENML_CBOR: return c.senmlCborDec;
    case ContentFormat.LWM2M_CBOR: return c.lwm2mCborDec;
    default: return null;
  }
}

/** Whether both an encoder and a decoder exist for this Content-Format. */
export function isSupported(cf: number): boolean {
  return encoderFor(cf) !== null;
}
