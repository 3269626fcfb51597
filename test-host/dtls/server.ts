// An in-process DTLS 1.2 PSK server for tests and the benchmark (TLS_PSK_WITH_AES_128_CCM_8 only),
// written independently of src/dtls with node:crypto. Sans-IO like the client: receive(datagram, now),
// transmit() → datagrams, poll(now). Options make it misbehave in controlled ways (fragment its
// flight, pad its ServerHello, corrupt its Finished, send an alert, forget sessions).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

export interface ServerOptions {
  psk: Map<string, Buffer>;
  hint?: string | null;          // PSK identity hint; null: no ServerKeyExchange
  cookie?: boolean;              // HelloVerifyRequest first
  fragment?: number;             // max handshake fragment body bytes (0: unfragmented)
  recordPerDatagram?: boolean;   // send each record in its own datagram
  shuffle?: (n: number) => number; // with recordPerDatagram: returns a random int < n to shuffle/duplicate datagrams
  serverHelloPadding?: number;   // bytes of an unknown extension in the ServerHello
  corruptFinished?: boolean;
  alertOnClientKeyExchange?: number; // send this fatal alert instead of completing
  resumption?: boolean;          // issue session ids and resume them (default true)
  suite?: number;                // suite to pick (default CCM_8)
  echo?: boolean;                // echo application data (default true)
  random?: (n: number) => Buffer;
  cid?: Buffer;                  // RFC 9146: the CID we want in the client's records, if the client offers the extension
}

const CCM8 = 0xc0a8;

function prf(secret: Buffer, label: string, seed: Buffer, len: number): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  const out: Buffer[] = [];
  let a = createHmac('sha256', secret).update(ls).digest();
  let n = 0;
  while (n < len) {
    const b = createHmac('sha256', secret).update(a).update(ls).digest();
    out.push(b); n += b.length;
    a = createHmac('sha256', secret).update(a).digest();
  }
  return Buffer.concat(out).subarray(0, len);
}

interface Msg { type: number; seq: number; body: Buffer }

export class TestDtlsServer {
  out: Buffer[] = [];
  appReceived: Buffer[] = [];
  state: 'idle' | 'flight4' | 'wait-finished' | 'connected' | 'abbrev-wait' | 'failed' | 'closed' = 'idle';
  sessions = new Map<string, Buffer>(); // session id hex → master secret
  resumedLast = false;
  handshakes = 0;
  closeNotified = false;

  private cookieSecret: Buffer = randomBytes(16);
  private readEpoch = 0;
  private writeEpoch = 0;
  private seq = [0, 0];
  private nextRecv = 0;
  private nextSend = 0;
  private pending = new Map<number, { type: number; len: number; buf: Buffer; got: Uint8Array; n: number }>();
  private transcript: Buffer[] = [];
  private cr: Buffer = Buffer.alloc(32);
  private sr: Buffer = Buffer.alloc(32);
  private sid: Buffer = Buffer.alloc(0);
  private master: Buffer = Buffer.alloc(48);
  private cKey: Buffer = Buffer.alloc(16); private sKey: Buffer = Buffer.alloc(16);
  private cIv: Buffer = Buffer.alloc(4); private sIv: Buffer = Buffer.alloc(4);
  private lastFlight: Array<{ type: number; epoch: number; body: Buffer }> = [];
  private lastClientFlightEnd = -1;
  private deadline = Infinity;
  private timeout = 1000;
  private rnd: (n: number) => Buffer;
  /** The CID negotiated for records from the client (null: none). */
  cidIn: Buffer | null = null;
  cidRecords = 0;

  constructor(readonly opt: ServerOptions) { this.rnd = opt.random ?? randomBytes; }

  // ------------------------------------------------------------------ IO
  receive(d: Uint8Array, now: number): void {
    const b = Buffer.from(d);
    let p = 0;
    while (p + 13 <= b.length) {
      let type = b[p];
      const epoch = b.readUInt16BE(p + 3), seq = b.readUIntBE(p + 5, 6);
      const cidLen = type === 25 && this.cidIn ? this.cidIn.length : 0;
      const len = b.readUInt16BE(p + 11 + cidLen);
      const frag = b.subarray(p + 13 + cidLen, p + 13 + cidLen + len);
      const cid = b.subarray(p + 11, p + 11 + cidLen);
      p += 13 + cidLen + len;
      let plain: Buffer | null = frag;
      if (type === 25) {
        if (!this.cidIn || !cid.equals(this.cidIn) || epoch !== 1 || this.readEpoch !== 1) continue;
        const inner = this.openCid(epoch, seq, cid, frag);
        if (inner === null) continue;
        let end = inner.length;
        while (end > 0 && inner[end - 1] === 0) end--;
        if (end === 0) continue;
        type = inner[end - 1];
        plain = inner.subarray(0, end - 1);
        this.cidRecords++;
      } else if (epoch === 1 && this.readEpoch === 1) {
        if (this.cidIn) continue; // with a CID negotiated, every epoch-1 record must carry it
        plain = this.open(type, epoch, seq, frag);
      } else if (epoch !== 0 || (this.readEpoch !== 0 && type !== 22)) continue;
      if (plain === null) continue;
      if (type === 20) { if (epoch === 0 && this.state !== 'idle') this.readEpoch = 1; continue; }
      if (type === 21) { if (plain[1] === 0) { this.closeNotified = true; this.state = 'closed'; } continue; }
      if (type === 23) {
        if (this.state !== 'connected') continue;
        this.appReceived.push(plain);
        if (this.opt.echo !== false) this.sendApp(plain);
        continue;
      }
      if (type === 22) this.handshakeRecord(plain, epoch, now);
    }
  }

  transmit(): Buffer[] { const o = this.out; this.out = []; return o; }

  poll(now: number): number {
    if (now >= this.deadline && (this.state === 'flight4' || this.state === 'abbrev-wait')) {
      this.timeout = Math.min(this.timeout * 2, 60000);
      this.deadline = now + this.timeout;
      this.sendFlight(this.lastFlight);
    }
    return this.state === 'flight4' || this.state === 'abbrev-wait' ? this.deadline : Infinity;
  }

  sendApp(data: Buffer): void { this.out.push(this.record(23, 1, data)); }
  sendAlert(level: number, desc: number): void { this.out.push(this.record(21, this.writeEpoch, Buffer.from([level, desc]))); }
  /** Protect an app record (for replay/tamper tests). */
  appRecord(data: Buffer): Buffer { return this.record(23, 1, data); }
  forgetSessions(): void { this.sessions.clear(); }

  // ------------------------------------------------------------------ records
  private record(type: number, epoch: number, body: Buffer): Buffer {
    const seq = this.seq[epoch]++;
    const h = Buffer.alloc(13);
    h[0] = type; h[1] = 0xfe; h[2] = 0xfd; h.writeUInt16BE(epoch, 3); h.writeUIntBE(seq, 5, 6);
    if (epoch === 0) { h.writeUInt16BE(body.length, 11); return Buffer.concat([h, body]); }
    const explicit = Buffer.alloc(8); explicit.writeUInt16BE(epoch, 0); explicit.writeUIntBE(seq, 2, 6);
    const aad = Buffer.concat([explicit, Buffer.from([type, 0xfe, 0xfd, body.length >> 8, body.length & 255])]);
    const c = createCipheriv('aes-128-ccm', this.sKey, Buffer.concat([this.sIv, explicit]), { authTagLength: 8 });
    c.setAAD(aad, { plaintextLength: body.length });
    const ct = Buffer.concat([c.update(body), c.final(), c.getAuthTag()]);
    h.writeUInt16BE(8 + ct.length, 11);
    return Buffer.concat([h, explicit, ct]);
  }

  private open(type: number, epoch: number, seq: number, frag: Buffer): Buffer | null {
    if (frag.length < 16) return null;
    const explicit = frag.subarray(0, 8);
    const pl = frag.length - 16;
    const aad = Buffer.alloc(13); aad.writeUInt16BE(epoch, 0); aad.writeUIntBE(seq, 2, 6); aad[8] = type; aad[9] = 0xfe; aad[10] = 0xfd; aad.writeUInt16BE(pl, 11);
    try {
      const d = createDecipheriv('aes-128-ccm', this.cKey, Buffer.concat([this.cIv, explicit]), { authTagLength: 8 });
      d.setAuthTag(frag.subarray(8 + pl));
      d.setAAD(aad, { plaintextLength: pl });
      return Buffer.concat([d.update(frag.subarray(8, 8 + pl)), d.final()]);
    } catch { return null; }
  }

  /** RFC 9146 §5 AEAD additional data, then CCM_8 open. */
  private openCid(epoch: number, seq: number, cid: Buffer, frag: Buffer): Buffer | null {
    if (frag.length < 17) return null;
    const explicit = frag.subarray(0, 8);
    const il = frag.length - 16;
    const head = Buffer.alloc(13);
    head.fill(0xff, 0, 8); head[8] = 25; head[9] = cid.length; head[10] = 25; head[11] = 0xfe; head[12] = 0xfd;
    const es = Buffer.alloc(8); es.writeUInt16BE(epoch, 0); es.writeUIntBE(seq, 2, 6);
    const aad = Buffer.concat([head, es, cid, Buffer.from([il >> 8, il & 255])]);
    try {
      const d = createDecipheriv('aes-128-ccm', this.cKey, Buffer.concat([this.cIv, explicit]), { authTagLength: 8 });
      d.setAuthTag(frag.subarray(8 + il));
      d.setAAD(aad, { plaintextLength: il });
      return Buffer.concat([d.update(frag.subarray(8, 8 + il)), d.final()]);
    } catch { return null; }
  }

  // ------------------------------------------------------------------ handshake
  private handshakeRecord(p: Buffer, epoch: number, now: number): void {
    let o = 0;
    while (o + 12 <= p.length) {
      const type = p[o], len = p.readUIntBE(o + 1, 3), seq = p.readUInt16BE(o + 4), fo = p.readUIntBE(o + 6, 3), fl = p.readUIntBE(o + 9, 3);
      const body = p.subarray(o + 12, o + 12 + fl);
      o += 12 + fl;
      if (seq < this.nextRecv) {
        if (seq === this.lastClientFlightEnd && fo === 0 && this.lastFlight.length) this.sendFlight(this.lastFlight);
        else if (type === 1 && this.state === 'idle') this.nextRecv = 0; // a new ClientHello after HVR retransmission
        if (seq < this.nextRecv) continue;
      }
      let m = this.pending.get(seq);
      if (!m) { m = { type, len, buf: Buffer.alloc(len), got: new Uint8Array(len), n: 0 }; this.pending.set(seq, m); }
      for (let i = 0; i < fl; i++) if (!m.got[fo + i]) { m.got[fo + i] = 1; m.buf[fo + i] = body[i]; m.n++; }
    }
    for (;;) {
      const m = this.pending.get(this.nextRecv);
      if (!m || m.n < m.len) break;
      this.pending.delete(this.nextRecv);
      this.message({ type: m.type, seq: this.nextRecv, body: m.buf }, epoch, now);
      this.nextRecv++;
    }
  }

  private full(m: Msg): Buffer {
    const h = Buffer.alloc(12);
    h[0] = m.type; h.writeUIntBE(m.body.length, 1, 3); h.writeUInt16BE(m.seq, 4); h.writeUIntBE(m.body.length, 9, 3);
    return Buffer.concat([h, m.body]);
  }

  private hash(): Buffer { return createHash('sha256').update(Buffer.concat(this.transcript)).digest(); }

  private message(m: Msg, epoch: number, now: number): void {
    if (m.type === 1) return this.clientHello(m, now);
    if (this.state === 'flight4' && m.type === 16) {
      this.transcript.push(this.full(m));
      const idLen = m.body.readUInt16BE(0);
      const id = m.body.subarray(2, 2 + idLen).toString();
      const psk = this.opt.psk.get(id);
      if (this.opt.alertOnClientKeyExchange !== undefined || !psk) {
        this.sendAlert(2, this.opt.alertOnClientKeyExchange ?? 115);
        this.state = 'failed'; this.deadline = Infinity;
        return;
      }
      const n = psk.length;
      const pre = Buffer.concat([Buffer.from([n >> 8, n & 255]), Buffer.alloc(n), Buffer.from([n >> 8, n & 255]), psk]);
      this.master = prf(pre, 'master secret', Buffer.concat([this.cr, this.sr]), 48);
      this.keys();
      this.state = 'wait-finished';
      return;
    }
    if (m.type === 20 && epoch === 1 && (this.state === 'wait-finished' || this.state === 'abbrev-wait')) {
      const want = prf(this.master, 'client finished', this.hash(), 12);
      if (!want.equals(m.body)) { this.state = 'failed'; this.sendAlert(2, 51); return; }
      this.transcript.push(this.full(m));
      this.lastClientFlightEnd = m.seq;
      if (this.state === 'wait-finished') {
        const sf = prf(this.master, 'server finished', this.hash(), 12);
        if (this.opt.corruptFinished) sf[0] ^= 1;
        this.lastFlight = [{ type: 20, epoch: 0, body: Buffer.from([1]) }, { type: 20 + 256, epoch: 1, body: this.hsMsg(20, sf) }];
        this.sendFlight(this.lastFlight);
        if (this.opt.resumption !== false && this.sid.length) this.sessions.set(this.sid.toString('hex'), this.master);
      } else {
        this.lastFlight = [];
      }
      this.state = 'connected';
      this.deadline = Infinity;
      this.handshakes++;
    }
  }

  private keys(): void {
    const kb = prf(this.master, 'key expansion', Buffer.concat([this.sr, this.cr]), 40);
    this.cKey = kb.subarray(0, 16); this.sKey = kb.subarray(16, 32); this.cIv = kb.subarray(32, 36); this.sIv = kb.subarray(36, 40);
  }

  private hsMsg(type: number, body: Buffer): Buffer {
    const m = this.full({ type, seq: this.nextSend++, body });
    this.transcript.push(m);
    return m;
  }

  private clientHello(m: Msg, now: number): void {
    const b = m.body;
    let p = 2;
    const cr = b.subarray(p, p + 32); p += 32;
    const sid = b.subarray(p + 1, p + 1 + b[p]); p += 1 + b[p];
    const cookie = b.subarray(p + 1, p + 1 + b[p]); p += 1 + b[p];
    const nSuites = b.readUInt16BE(p) / 2; p += 2;
    const suites: number[] = [];
    for (let i = 0; i < nSuites; i++) suites.push(b.readUInt16BE(p + 2 * i));
    let q = p + 2 * nSuites;
    q += 1 + b[q]; // compression methods
    let offersCid = false;
    if (q + 2 <= b.length) {
      const end = q + 2 + b.readUInt16BE(q);
      for (q += 2; q + 4 <= end; q += 4 + b.readUInt16BE(q + 2)) if (b.readUInt16BE(q) === 54) offersCid = true;
    }
    if (this.opt.cookie) {
      const want = createHmac('sha256', this.cookieSecret).update(cr).digest().subarray(0, 16);
      if (!cookie.equals(want)) {
        const hvr = Buffer.concat([Buffer.from([0xfe, 0xff, want.length]), want]);
        const h = Buffer.alloc(12); h[0] = 3; h.writeUIntBE(hvr.length, 1, 3); h.writeUInt16BE(m.seq, 4); h.writeUIntBE(hvr.length, 9, 3);
        this.out.push(this.record(22, 0, Buffer.concat([h, hvr])));
        this.pending.clear();
        this.nextRecv = m.seq; // (+1 by the caller) the ClientHello with the cookie comes with message_seq + 1
        return;
      }
    }
    if (this.state !== 'idle') { if (this.lastFlight.length) this.sendFlight(this.lastFlight); return; }
    const suite = this.opt.suite ?? CCM8;
    if (!suites.includes(suite) && this.opt.suite === undefined) { this.sendAlert(2, 40); this.state = 'failed'; return; }
    this.cr = Buffer.from(cr);
    this.sr = this.rnd(32);
    this.nextSend = m.seq;
    this.transcript = [this.full(m)];
    const resumeMaster = sid.length ? this.sessions.get(sid.toString('hex')) : undefined;
    this.resumedLast = resumeMaster !== undefined;
    this.sid = resumeMaster ? Buffer.from(sid) : this.opt.resumption === false ? Buffer.alloc(0) : this.rnd(32);
    const ext: Buffer[] = [];
    if (this.opt.serverHelloPadding) {
      const n = this.opt.serverHelloPadding;
      ext.push(Buffer.from([0xfa, 0xce, n >> 8, n & 255]), Buffer.alloc(n, 0x5a));
    }
    ext.push(Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00])); // renegotiation_info
    this.cidIn = offersCid && this.opt.cid ? this.opt.cid : null;
    if (this.cidIn) ext.push(Buffer.from([0, 54, 0, this.cidIn.length + 1, this.cidIn.length]), this.cidIn);
    const extBytes = Buffer.concat(ext);
    const shBody = Buffer.concat([Buffer.from([0xfe, 0xfd]), this.sr, Buffer.from([this.sid.length]), this.sid,
      Buffer.from([suite >> 8, suite & 255, 0, extBytes.length >> 8, extBytes.length & 255]), extBytes]);
    const flight: Array<{ type: number; epoch: number; body: Buffer }> = [];
    flight.push({ type: 22, epoch: 0, body: this.hsMsg(2, shBody) });
    if (resumeMaster) {
      this.master = resumeMaster;
      this.keys();
      const sf = prf(this.master, 'server finished', this.hash(), 12);
      if (this.opt.corruptFinished) sf[0] ^= 1;
      flight.push({ type: 20, epoch: 0, body: Buffer.from([1]) });
      flight.push({ type: 20 + 256, epoch: 1, body: this.hsMsg(20, sf) });
      this.state = 'abbrev-wait';
    } else {
      if (this.opt.hint !== null && this.opt.hint !== undefined) {
        const h = Buffer.from(this.opt.hint);
        flight.push({ type: 22, epoch: 0, body: this.hsMsg(12, Buffer.concat([Buffer.from([h.length >> 8, h.length & 255]), h])) });
      }
      flight.push({ type: 22, epoch: 0, body: this.hsMsg(14, Buffer.alloc(0)) });
      this.state = 'flight4';
    }
    this.lastClientFlightEnd = m.seq;
    this.lastFlight = flight;
    this.timeout = 1000;
    this.deadline = now + this.timeout;
    this.sendFlight(flight);
  }

  /** Emit a flight: fragment handshake messages if asked; one datagram, or one per record. */
  private sendFlight(flight: Array<{ type: number; epoch: number; body: Buffer }>): void {
    const recs: Buffer[] = [];
    for (const f of flight) {
      if (f.type === 20) { recs.push(this.record(20, 0, f.body)); this.writeEpoch = 1; continue; }
      const epoch = f.type === 276 ? 1 : 0;
      const full = f.body;
      const bodyLen = full.length - 12;
      const fs = this.opt.fragment && this.opt.fragment > 0 ? this.opt.fragment : bodyLen || 1;
      for (let off = 0; off < bodyLen || (off === 0 && bodyLen === 0); off += fs) {
        const n = Math.min(fs, bodyLen - off);
        const h = Buffer.from(full.subarray(0, 12));
        h.writeUIntBE(off, 6, 3); h.writeUIntBE(n, 9, 3);
        recs.push(this.record(22, epoch, Buffer.concat([h, full.subarray(12 + off, 12 + off + n)])));
        if (bodyLen === 0) break;
      }
    }
    if (this.opt.recordPerDatagram) {
      if (this.opt.shuffle) {
        const r = this.opt.shuffle;
        for (let i = recs.length - 1; i > 0; i--) { const j = r(i + 1); [recs[i], recs[j]] = [recs[j], recs[i]]; }
        const dups = recs.filter((_, i) => r(4) === 0 && i >= 0);
        recs.push(...dups);
      }
      this.out.push(...recs);
    } else this.out.push(Buffer.concat(recs));
  }
}
