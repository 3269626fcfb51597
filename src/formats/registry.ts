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
import { SenmlCborEncoder } from './senml-cbor.js';
import { SenmlCborDecoder } from './senml-cbor-dec.js';
import { Lwm2mCborDecoder, Lwm2mCborEncoder } from './lwm2m-cbor.js';

/** One encoder and decoder per format, each created the first time its format is used (a device
 *  whose servers speak TLV never builds the JSON codecs: ~300 XS heap slots for all twelve), at run
 *  time, never while the module loads: on the device the modules are preloaded into flash, where
 *  the codecs' typed-array scratch would be read-only ("for preloaded instances of TypedArray,
 *  integer-indexed assignment throws a type error", Moddable's XS linker notes). */
class Codecs {
  textEnc: PlainTextEncoder | null = null;
  textDec: PlainTextDecoder | null = null;
  opaqueEnc: OpaqueEncoder | null = null;
  opaqueDec: OpaqueDecoder | null = null;
  tlvEnc: TlvEncoder | null = null;
  tlvDec: TlvDecoder | null = null;
  senmlJsonEnc: SenmlJsonEncoder | null = null;
  senmlJsonDec: SenmlJsonDecoder | null = null;
  senmlCborEnc: SenmlCborEncoder | null = null;
  senmlCborDec: SenmlCborDecoder | null = null;
  lwm2mCborEnc: Lwm2mCborEncoder | null = null;
  lwm2mCborDec: Lwm2mCborDecoder | null = null;
}

let shared: Codecs | null = null;

/** The process's codecs (those used so far). */
export function codecs(): Codecs {
  return shared ?? (shared = new Codecs());
}

/** Builds every codec now (a program that wants its memory taken up front, and the footprint probe). */
export function buildAllCodecs(): Codecs {
  const formats = [ContentFormat.TEXT, ContentFormat.OPAQUE, ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR, ContentFormat.LWM2M_CBOR];
  for (const cf of formats) { encoderFor(cf); decoderFor(cf); }
  return codecs();
}

export function encoderFor(cf: number): PayloadEncoder | null {
  const c = shared ?? codecs();
  switch (cf) {
    case ContentFormat.TEXT: return c.textEnc ?? (c.textEnc = new PlainTextEncoder());
    case ContentFormat.OPAQUE: return c.opaqueEnc ?? (c.opaqueEnc = new OpaqueEncoder());
    case ContentFormat.TLV: return c.tlvEnc ?? (c.tlvEnc = new TlvEncoder());
    case ContentFormat.SENML_JSON: return c.senmlJsonEnc ?? (c.senmlJsonEnc = new SenmlJsonEncoder());
    case ContentFormat.SENML_CBOR: return c.senmlCborEnc ?? (c.senmlCborEnc = new SenmlCborEncoder());
    case ContentFormat.LWM2M_CBOR: return c.lwm2mCborEnc ?? (c.lwm2mCborEnc = new Lwm2mCborEncoder());
    default: return null;
  }
}

export function decoderFor(cf: number): PayloadDecoder | null {
  const c = shared ?? codecs();
  switch (cf) {
    case ContentFormat.TEXT: return c.textDec ?? (c.textDec = new PlainTextDecoder());
    case ContentFormat.OPAQUE: return c.opaqueDec ?? (c.opaqueDec = new OpaqueDecoder());
    case ContentFormat.TLV: return c.tlvDec ?? (c.tlvDec = new TlvDecoder());
    case ContentFormat.SENML_JSON: return c.senmlJsonDec ?? (c.senmlJsonDec = new SenmlJsonDecoder());
    case ContentFormat.SENML_CBOR: return c.senmlCborDec ?? (c.senmlCborDec = new SenmlCborDecoder());
    case ContentFormat.LWM2M_CBOR: return c.lwm2mCborDec ?? (c.lwm2mCborDec = new Lwm2mCborDecoder());
    default: return null;
  }
}

/** Whether both an encoder and a decoder exist for this Content-Format. */
export function isSupported(cf: number): boolean {
  return encoderFor(cf) !== null;
}
