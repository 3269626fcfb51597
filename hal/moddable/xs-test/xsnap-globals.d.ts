// Globals of the XS test worker (@agoric/xsnap) that test-host/xs/harness.ts uses and the ES2022
// lib does not declare.
declare class TextEncoder { encode(s: string): Uint8Array; }
declare class TextDecoder { decode(b: Uint8Array): string; }
