// Host tool: turns the OMA LwM2M registry XML (registry/*.xml, DDF files) into compact frozen
// definition tables in src/objects/defs.generated.ts. The device never parses XML.
//
//   npx tsc -p . && node build/host/gen-objects.js            (writes the file)
//   node build/host/gen-objects.js --check                    (exit 1 when the file is stale)
//
// The XML is read with a small regex-based reader: DDF files are flat and regular (an <Object> with
// scalar children and <Resources><Item ID="n">…</Item></Resources>), so no XML library is needed.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GenResource {
  id: number; name: string; ops: string; multiple: boolean; mandatory: boolean; type: string;
  rangeMin?: number; rangeMax?: number;
}
export interface GenObject {
  id: number; name: string; version: string; multiple: boolean; mandatory: boolean; urn: string;
  lwm2mVersion: string; resources: GenResource[]; file: string;
}

function tag(xml: string, name: string): string {
  const m = new RegExp('<' + name + '>\\s*(?:<!\\[CDATA\\[)?([\\s\\S]*?)(?:\\]\\]>)?\\s*</' + name + '>').exec(xml);
  return m ? m[1].trim() : '';
}

/** Data type names of the DDF (LWM2M-v1_1.xsd) → ValueType member names (src/model/record.ts). */
const TYPE_MAP: Record<string, string> = {
  '': 'None', 'String': 'String', 'Integer': 'Integer', 'Unsigned Integer': 'UnsignedInteger',
  'Float': 'Float', 'Boolean': 'Boolean', 'Opaque': 'Opaque', 'Time': 'Time', 'Objlnk': 'ObjLnk',
  'Corelnk': 'CoreLnk',
};

/** Ranges the DDF leaves empty but the resource's description implies: periods and timers of the
 *  Server object are counts of seconds, never negative (Lifetime 0 is "infinite"), kept in a signed
 *  32-bit integer as Anjay's Server object keeps them. A Write outside the range gets 4.00. */
const INT32_SECONDS: [number, number] = [0, 2147483647];
const RANGE_SUPPLEMENT: Record<string, [number, number]> = {
  '1/1': INT32_SECONDS, '1/2': INT32_SECONDS, '1/3': INT32_SECONDS, '1/5': INT32_SECONDS, '1/14': INT32_SECONDS,
};

export function parseDdf(xml: string, file: string): GenObject {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '');
  const objStart = body.indexOf('<Object');
  const resStart = body.indexOf('<Resources>');
  if (objStart < 0 || resStart < 0) throw new Error(file + ': no <Object>/<Resources>');
  const head = body.slice(objStart, resStart);
  const obj: GenObject = {
    id: Number(tag(head, 'ObjectID')),
    name: tag(head, 'Name'),
    version: tag(head, 'ObjectVersion') || '1.0',
    lwm2mVersion: tag(head, 'LWM2MVersion') || '1.0',
    urn: tag(head, 'ObjectURN'),
    multiple: tag(head, 'MultipleInstances') === 'Multiple',
    mandatory: tag(head, 'Mandatory') === 'Mandatory',
    resources: [],
    file,
  };
  if (!Number.isInteger(obj.id)) throw new Error(file + ': bad ObjectID');
  const itemRe = /<Item\s+ID="(\d+)"\s*>([\s\S]*?)<\/Item>/g;
  let m: RegExpExecArray | null;
  while ((m = itemRe.exec(body)) !== null) {
    const x = m[2];
    const typeName = tag(x, 'Type');
    const type = TYPE_MAP[typeName];
    if (type === undefined) throw new Error(file + ': unknown type ' + typeName);
    const ops = tag(x, 'Operations');
    if (!/^R?W?E?$/.test(ops)) throw new Error(file + ': bad operations ' + ops);
    const r: GenResource = {
      id: Number(m[1]), name: tag(x, 'Name').replace(/\s+/g, ' '), ops,
      multiple: tag(x, 'MultipleInstances') === 'Multiple',
      mandatory: tag(x, 'Mandatory') === 'Mandatory',
      type,
    };
    const range = tag(x, 'RangeEnumeration');
    const rm = /^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)$/.exec(range);
    if (rm && type !== 'String' && type !== 'Opaque') { r.rangeMin = Number(rm[1]); r.rangeMax = Number(rm[2]); }
    const extra = RANGE_SUPPLEMENT[obj.id + '/' + r.id];
    if (r.rangeMin === undefined && extra !== undefined) { r.rangeMin = extra[0]; r.rangeMax = extra[1]; }
    obj.resources.push(r);
  }
  obj.resources.sort((a, b) => a.id - b.id);
  return obj;
}

function opsExpr(ops: string): string {
  const parts: string[] = [];
  if (ops.includes('R')) parts.push('Op.R');
  if (ops.includes('W')) parts.push('Op.W');
  if (ops.includes('E')) parts.push('Op.E');
  return parts.length ? parts.join(' | ') : '0';
}

/** The constant's name of an edition: OBJ_<id> for the newest (registry/<id>.xml), OBJ_<id>_V<major>_<minor>
 *  for an older one (registry/version_history/<id>-<major>_<minor>.xml). */
function constName(o: GenObject): string {
  return o.file.includes('version_history/') ? 'OBJ_' + o.id + '_V' + o.version.replace('.', '_') : 'OBJ_' + o.id;
}

export function render(objs: GenObject[], files: string[], editions: GenObject[] = []): string {
  const out: string[] = [];
  out.push('// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).');
  out.push('// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):');
  out.push('//   ' + files.join(', '));
  out.push('// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):');
  out.push('// redistribution and use in source and binary forms, with or without modification, are permitted');
  out.push('// provided the copyright notice, the conditions and the disclaimer are retained; the name of the');
  out.push('// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.');
  out.push('// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.');
  out.push('');
  out.push("import { ValueType } from '../model/record.js';");
  out.push("import { Op, freezeObjectDef, type ObjectDef } from '../model/defs.js';");
  out.push('');
  const names: string[] = [];
  for (const o of objs.concat(editions)) {
    const cname = constName(o);
    if (!o.file.includes('version_history/')) names.push(cname);
    out.push(`/** ${o.id} ${o.name} v${o.version} (${o.urn}, LwM2M ${o.lwm2mVersion}; ${o.file}). */`);
    out.push(`export const ${cname}: ObjectDef = freezeObjectDef({`);
    out.push(`  id: ${o.id}, version: ${JSON.stringify(o.version)}, name: ${JSON.stringify(o.name)}, multiple: ${o.multiple}, mandatory: ${o.mandatory},`);
    out.push('  resources: [');
    for (const r of o.resources) {
      let line = `    { id: ${r.id}, type: ValueType.${r.type}, ops: ${opsExpr(r.ops)}, multiple: ${r.multiple}, mandatory: ${r.mandatory}, name: ${JSON.stringify(r.name)}`;
      if (r.rangeMin !== undefined) line += `, rangeMin: ${r.rangeMin}, rangeMax: ${r.rangeMax}`;
      out.push(line + ' },');
    }
    out.push('  ],');
    out.push('});');
    out.push('');
  }
  out.push('/** Every generated definition, ascending object id (the newest edition of each). */');
  out.push(`export const REGISTRY_DEFS: readonly ObjectDef[] = Object.freeze([${names.join(', ')}]);`);
  out.push('');
  out.push('/** An edition of an object and the LwM2M version it belongs to (the DDF\'s <LWM2MVersion>). */');
  out.push('export interface ObjectEdition { readonly def: ObjectDef; readonly lwm2m: string }');
  out.push('');
  out.push('/** Every edition generated: the newest of each object and the older ones of registry/version_history/,');
  out.push(' *  ascending object id, then ascending object version. */');
  const all = objs.concat(editions).sort((a, b) => a.id - b.id || Number(a.version) - Number(b.version));
  out.push('export const REGISTRY_EDITIONS: readonly ObjectEdition[] = Object.freeze([');
  for (const o of all) out.push(`  Object.freeze({ def: ${constName(o)}, lwm2m: ${JSON.stringify(o.lwm2mVersion)} }),`);
  out.push(']);');
  out.push('');
  return out.join('\n');
}

export function repoRoot(): string {
  // build/host/gen-objects.js → repository root
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

export function generate(root: string): string {
  const dir = join(root, 'registry');
  const files = readdirSync(dir).filter((f) => /^\d+\.xml$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b));
  const objs = files.map((f) => parseDdf(readFileSync(join(dir, f), 'utf8'), 'registry/' + f));
  // Older editions (the Security, Server and Device objects of LwM2M 1.0 and 1.1): a client that
  // registers as lwm2m=1.0 or 1.1 announces and serves those (src/objects/standard.ts).
  const hist = readdirSync(join(dir, 'version_history')).filter((f) => /^\d+-\d+_\d+\.xml$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  const editions = hist.map((f) => parseDdf(readFileSync(join(dir, 'version_history', f), 'utf8'), 'registry/version_history/' + f));
  return render(objs, files.map((f) => 'registry/' + f).concat(hist.map((f) => 'registry/version_history/' + f)), editions);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const root = repoRoot();
  const text = generate(root);
  const target = join(root, 'src', 'objects', 'defs.generated.ts');
  if (process.argv.includes('--check')) {
    let old = '';
    try { old = readFileSync(target, 'utf8'); } catch { /* missing */ }
    if (old !== text) { console.error('src/objects/defs.generated.ts is stale: run node build/host/gen-objects.js'); process.exit(1); }
    console.log('src/objects/defs.generated.ts is up to date');
  } else {
    writeFileSync(target, text);
    console.log('wrote ' + target);
  }
}
