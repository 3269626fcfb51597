// The Espruino prelude of build/espruino/lwm2m-mcu.js (host/espruino-build.ts puts it first): only
// what the core needs and Espruino lacks or gets wrong, each installed only when the engine lacks it
// (a fixed engine keeps its own). Plain ES5; no module may rely on anything else from here.
//
// tsc helpers: the modules are compiled with noEmitHelpers, so __extends/__assign/__read/
// __spreadArray/__values exist once, here, instead of once per module. __values walks arrays by
// index (Espruino has no Symbol.iterator; the core iterates arrays and strings only).
var __extends = function (d, b) {
  if (typeof b !== "function" && b !== null) throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
  d.__proto__ = b; // static members (Espruino has no Object.setPrototypeOf on functions' statics otherwise)
  function __() { this.constructor = d; }
  __.prototype = b === null ? null : b.prototype;
  d.prototype = b === null ? Object.create(b) : new __();
};
var __assign = function (t) {
  for (var i = 1; i < arguments.length; i++) {
    var s = arguments[i];
    for (var p in s) if (Object.prototype.hasOwnProperty.call(s, p)) t[p] = s[p];
  }
  return t;
};
var __values = function (o) {
  var i = 0;
  return { next: function () { return i < o.length ? { value: o[i++], done: false } : { value: undefined, done: true }; } };
};
var __read = function (o, n) {
  var r = [];
  var l = n === undefined ? o.length : n;
  for (var i = 0; i < l && i < o.length; i++) r.push(o[i]);
  return r;
};
var __spreadArray = function (to, from) {
  for (var i = 0; i < from.length; i++) to.push(from[i]);
  return to;
};

(function () {
  // Missing built-ins the core calls.
  if (!Math.imul) Math.imul = function (a, b) {
    var ah = (a >>> 16) & 0xffff, al = a & 0xffff, bh = (b >>> 16) & 0xffff, bl = b & 0xffff;
    return ((al * bl) + (((ah * bl + al * bh) << 16) >>> 0)) | 0;
  };
  if (!Math.trunc) Math.trunc = function (x) { return x < 0 ? Math.ceil(x) : Math.floor(x); };
  // (One code point: what src/api/object.ts utf8Text passes; a supplementary one as its surrogate pair.)
  if (!String.fromCodePoint) String.fromCodePoint = function (c) { return c < 0x10000 ? String.fromCharCode(c) : String.fromCharCode(0xd7c0 + (c >> 10), 0xdc00 + (c & 1023)); };
  if (!Math.log10) Math.log10 = function (x) { return Math.log(x) / Math.LN10; };
  if (!Number.isInteger) Number.isInteger = function (x) { return typeof x === "number" && isFinite(x) && Math.floor(x) === x; };
  if (!Number.isSafeInteger) Number.isSafeInteger = function (x) { return Number.isInteger(x) && Math.abs(x) <= 9007199254740991; };
  // Freezing is what lets XS keep tables in flash; Espruino has no such thing. A frozen object is
  // marked with a hidden (non-enumerable) property so that isFrozen still tells the two apart
  // (ObjectRegistry.add normalises only definitions that were not frozen).
  // (The key is built at run time: a minifier would turn o["\xFFfz"] into o.\xFFfz, which Espruino
  // cannot parse.)
  if (!Object.freeze) {
    var FZ = String.fromCharCode(255) + "fz";
    // (Only object definitions are marked — the one kind ObjectRegistry.add asks about — so that
    // their resources and arrays cost no variable more.)
    Object.freeze = function (o) { if (o !== null && typeof o === "object" && o.resources !== undefined) o[FZ] = 1; return o; };
    Object.isFrozen = function (o) { return o === null || typeof o !== "object" || o[FZ] === 1; };
  }
  if (typeof RangeError === "undefined") {
    var R = function (m) { this.message = m === undefined ? "" : String(m); };
    R.prototype = Object.create(Error.prototype);
    R.prototype.name = "RangeError";
    R.prototype.constructor = R;
    RangeError = R;
  }
  // Typed arrays: of() and copyWithin(), one function each shared by every kind.
  var T = [Uint8Array, Uint16Array, Uint32Array, Int8Array, Int16Array, Int32Array, Float32Array, Float64Array];
  var typedOf = function () { var a = new this(arguments.length); for (var j = 0; j < arguments.length; j++) a[j] = arguments[j]; return a; };
  var copyWithin = function (target, start, end) {
    var n = this.length;
    if (end === undefined || end > n) end = n;
    var count = Math.min(end - start, n - target);
    if (count <= 0) return this;
    if (start < target && target < start + count) { for (var j = count - 1; j >= 0; j--) this[target + j] = this[start + j]; }
    else { for (var i = 0; i < count; i++) this[target + i] = this[start + i]; }
    return this;
  };
  for (var k = 0; k < T.length; k++) {
    if (!T[k].of) T[k].of = typedOf;
    if (!T[k].prototype.copyWithin) T[k].prototype.copyWithin = copyWithin;
  }
  // Engine bug: a needle that runs past the end still matches ("xa".indexOf("ab") === 1).
  if ("xa".indexOf("ab") !== -1) {
    var indexOf = "".indexOf; // (String.prototype.indexOf is not reachable as a value; an instance's is)
    String.prototype.indexOf = function (s, from) {
      s = String(s);
      var i = from === undefined ? indexOf.call(this, s) : indexOf.call(this, s, from);
      return i >= 0 && i + s.length > this.length ? -1 : i;
    };
  }
  // Engine bug: Math.pow(2, 32) is 4294967295.99999666; integer exponents by multiplication (exact
  // for the powers of two the codecs and timers use).
  if (Math.pow(2, 32) !== 4294967296) {
    var pow = Math.pow;
    Math.pow = function (b, e) {
      if (e === (e | 0) && e > -1023 && e < 1024) {
        var r = 1, n = e < 0 ? -e : e, x = b;
        while (n) { if (n & 1) r *= x; x *= x; n >>= 1; }
        return e < 0 ? 1 / r : r;
      }
      return pow(b, e);
    };
  }
})();
