// Host tool: turns the OMA LwM2M registry XML (registry/*.xml, DDF files) into compact frozen
// definition tables: src/objects/defs.generated.ts (objects 0–7 and those the core uses, DEFS_FILE_IDS),
// one module per other object in src/objects/registry/<id>.ts (OBJ_<id>), src/objects/registry/all.ts
// (every definition, for host tools) and src/objects/registry/ipso-family.ts (the IPSO sensor family's
// resource masks). The device never parses XML.
//
//   npx tsc -p . && node build/host/gen-objects.js            (writes the files)
//   node build/host/gen-objects.js --check                    (exit 1 when one is stale, missing or extra)
//
// The XML is read with a small regex-based reader: DDF files are flat and regular (an <Object> with
// scalar children and <Resources><Item ID="n">…</Item></Resources>), so no XML library is needed.
import { readFileSync, writeFileSync, readdirSync, mkdirSync, unlinkSync } from 'node:fs';
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

/** The generated-file header: what it was made from and the registry's licence terms. */
function header(out: string[], files: string[]): void {
  out.push('// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).');
  out.push('// Generated from the OMA LwM2M registry DDF files in registry/ (see registry/SOURCE.txt):');
  out.push('//   ' + files.join(', '));
  out.push('// Those files are Copyright Open Mobile Alliance, under the BSD 3-Clause licence (registry/LICENSE):');
  out.push('// redistribution and use in source and binary forms, with or without modification, are permitted');
  out.push('// provided the copyright notice, the conditions and the disclaimer are retained; the name of the');
  out.push('// copyright holder may not be used to endorse derived products; provided "AS IS" without warranty.');
}

/** One definition: `export const <cname>: ObjectDef = freezeObjectDef({…});`. */
function renderDef(out: string[], o: GenObject, cname: string): void {
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

export function render(objs: GenObject[], files: string[], editions: GenObject[] = []): string {
  const out: string[] = [];
  header(out, files);
  out.push('// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.');
  out.push('');
  out.push("import { ValueType } from '../model/record.js';");
  out.push("import { Op, freezeObjectDef, type ObjectDef } from '../model/defs.js';");
  out.push('');
  const names: string[] = [];
  for (const o of objs.concat(editions)) {
    const cname = constName(o);
    if (!o.file.includes('version_history/')) names.push(cname);
    renderDef(out, o, cname);
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

/** The objects src/objects/defs.generated.ts holds: 0–7, and 3303 (a standard object of the core,
 *  src/objects/standard.ts), 3311 and 3347 (there before the per-object modules; the core's tests and
 *  registryDef() read them). Every other registry/<id>.xml gets src/objects/registry/<id>.ts. */
export const DEFS_FILE_IDS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 3303, 3311, 3347];

/** registry/<id>.xml files, ascending id. */
function registryFiles(root: string): string[] {
  return readdirSync(join(root, 'registry')).filter((f) => /^\d+\.xml$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b));
}

/** The text of src/objects/defs.generated.ts. */
export function generate(root: string): string {
  const dir = join(root, 'registry');
  const files = registryFiles(root).filter((f) => DEFS_FILE_IDS.includes(parseInt(f)));
  const objs = files.map((f) => parseDdf(readFileSync(join(dir, f), 'utf8'), 'registry/' + f));
  // Older editions (the Security, Server and Device objects of LwM2M 1.0 and 1.1): a client that
  // registers as lwm2m=1.0 or 1.1 announces and serves those (src/objects/standard.ts).
  const hist = readdirSync(join(dir, 'version_history')).filter((f) => /^\d+-\d+_\d+\.xml$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
  const editions = hist.map((f) => parseDdf(readFileSync(join(dir, 'version_history', f), 'utf8'), 'registry/version_history/' + f));
  return render(objs, files.map((f) => 'registry/' + f).concat(hist.map((f) => 'registry/version_history/' + f)), editions);
}

// ---------------------------------------------------------------------------------------------
// One module per object: src/objects/registry/<id>.ts exports OBJ_<id>, so that a bundle (Espruino,
// an XS preload) holds only the objects an application imports.

/** Where the per-object modules go, relative to the repository root. */
export const REGISTRY_MODULE_DIR = 'src/objects/registry';

/** src/objects/registry/<id>.ts: the definition, or a re-export of the one in defs.generated.ts. */
export function renderModule(o: GenObject): string {
  const out: string[] = [];
  header(out, [o.file]);
  if (DEFS_FILE_IDS.includes(o.id)) {
    out.push(`// Object ${o.id} is defined in src/objects/defs.generated.ts, which the core loads; this module re-exports`);
    out.push('// it, so that an application imports every registry object from src/objects/registry/<id>.');
    out.push('');
    out.push(`export { OBJ_${o.id} } from '../defs.generated.js';`);
    out.push('');
    return out.join('\n');
  }
  out.push('// Only ids, names, types, operations, multiplicity, mandatory flags and numeric ranges are kept.');
  out.push('');
  out.push("import { ValueType } from '../../model/record.js';");
  out.push("import { Op, freezeObjectDef, type ObjectDef } from '../../model/defs.js';");
  out.push('');
  renderDef(out, o, 'OBJ_' + o.id);
  return out.join('\n');
}

/** src/objects/registry/all.ts: every definition, for host tools (an application imports single modules). */
export function renderAll(objs: GenObject[]): string {
  const out: string[] = [];
  out.push('// GENERATED FILE — do not edit. Regenerate with `node build/host/gen-objects.js` (host/gen-objects.ts).');
  out.push('// Every registry object definition of the project: src/objects/defs.generated.ts and src/objects/registry/<id>.ts.');
  out.push('// For host tools (servers, the CLI): importing this module loads every definition. A device application');
  out.push('// imports the modules of the objects it serves instead.');
  out.push('');
  out.push("import type { ObjectDef } from '../../model/defs.js';");
  const core = objs.filter((o) => o.id < 6);
  if (core.length) out.push(`import { ${core.map((o) => 'OBJ_' + o.id).join(', ')} } from '../defs.generated.js';`);
  for (const o of objs) if (o.id >= 6) out.push(`import { OBJ_${o.id} } from './${o.id}.js';`);
  out.push('');
  out.push('/** Every definition, ascending object id (the newest edition of each). */');
  out.push(`export const ALL_REGISTRY_DEFS: readonly ObjectDef[] = Object.freeze([${objs.map((o) => 'OBJ_' + o.id).join(', ')}]);`);
  out.push('');
  out.push('/** The definition of object `id`, or null. */');
  out.push('export function allRegistryDef(id: number): ObjectDef | null {');
  out.push('  for (let k = 0; k < ALL_REGISTRY_DEFS.length; k++) if (ALL_REGISTRY_DEFS[k].id === id) return ALL_REGISTRY_DEFS[k];');
  out.push('  return null;');
  out.push('}');
  out.push('');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The IPSO sensor family (src/objects/registry/ipso-family.ts): which of the shared sensor resources
// each sensor object defines, so one implementation parameterised by object id serves them all.

/** The resources the family shares, in bit order (bit k of a mask ↔ FAMILY_RESOURCES[k]), with the
 *  name of the bit's constant (IPSO_<name>). Every resource of every family object must be here, with
 *  the same type, operations and multiplicity in every object that has it (generate() checks). */
export const FAMILY_RESOURCES: readonly (readonly [number, string])[] = [
  [5700, 'SENSOR_VALUE'], [5701, 'SENSOR_UNITS'], [5601, 'MIN_MEASURED'], [5602, 'MAX_MEASURED'],
  [5603, 'MIN_RANGE'], [5604, 'MAX_RANGE'], [5605, 'RESET_MIN_MAX'], [5750, 'APPLICATION_TYPE'],
  [5751, 'SENSOR_TYPE'], [5518, 'TIMESTAMP'], [6050, 'FRACTIONAL_TIMESTAMP'], [6042, 'QUALITY_INDICATOR'],
  [6049, 'QUALITY_LEVEL'], [5821, 'CURRENT_CALIBRATION'], [5822, 'RESET_CUMULATIVE'],
  [5702, 'X_VALUE'], [5703, 'Y_VALUE'], [5704, 'Z_VALUE'], [5705, 'COMPASS_DIRECTION'],
  [5508, 'MIN_X'], [5509, 'MAX_X'], [5510, 'MIN_Y'], [5511, 'MAX_Y'], [5512, 'MIN_Z'], [5513, 'MAX_Z'],
];

/** The three-axis sensors (X/Y/Z Value 5702–5704): accelerometer, magnetometer, gyrometer. (3345
 *  Multiple Axis Joystick has 5702 too, but is an input device with a digital input, not a sensor.) */
export const AXIS_SENSOR_IDS: readonly number[] = [3313, 3314, 3334];

/** The single-value sensors: every registry object 3300–3350 with Sensor Value 5700. */
export function sensorObjects(objs: readonly GenObject[]): GenObject[] {
  return objs.filter((o) => o.id >= 3300 && o.id <= 3350 && o.resources.some((r) => r.id === 5700));
}

/** Bit mask of the FAMILY_RESOURCES object o defines; throws for a resource not in the list. */
export function familyMask(o: GenObject): number {
  let mask = 0;
  for (const r of o.resources) {
    const bit = FAMILY_RESOURCES.findIndex((f) => f[0] === r.id);
    if (bit < 0) throw new Error(`${o.file}: resource ${r.id} (${r.name}) is not one of the IPSO family's: add it to FAMILY_RESOURCES in host/gen-objects.ts`);
    mask |= 1 << bit;
  }
  return mask;
}

export function renderFamily(objs: GenObject[]): string {
  const sensors = sensorObjects(objs);
  const axis = AXIS_SENSOR_IDS.map((id) => {
    const o = objs.find((x) => x.id === id);
    if (!o) throw new Error(`registry/${id}.xml missing (a three-axis sensor of the IPSO family)`);
    if (!o.resources.some((r) => r.id === 5702 && r.mandatory)) throw new Error(`${o.file}: no mandatory X Value 5702`);
    return o;
  });
  // One implementation serves them all only if a shared resource is the same wherever it appears.
  const seen = new Map<number, { sig: string; file: string }>();
  for (const o of sensors.concat(axis)) {
    for (const r of o.resources) {
      const sig = `${r.type} ${r.ops} ${r.multiple ? 'multiple' : 'single'}`;
      const s = seen.get(r.id);
      if (s === undefined) seen.set(r.id, { sig, file: o.file });
      else if (s.sig !== sig) throw new Error(`${o.file}: resource ${r.id} is ${sig}, but ${s.sig} in ${s.file}`);
    }
  }
  const hex = (n: number) => '0x' + n.toString(16).padStart(7, '0');
  const out: string[] = [];
  header(out, sensors.concat(axis).sort((a, b) => a.id - b.id).map((o) => o.file));
  out.push('');
  out.push('// The IPSO sensor family: for each sensor object, which of the resources the family shares it defines,');
  out.push('// so that one implementation parameterised by object id serves them all (its types and operations are');
  out.push('// the same in every object that has it; host/gen-objects.ts checks). Masks: bit k ↔ IPSO_RESOURCE_IDS[k].');
  out.push('');
  out.push('/** The shared resources, in bit order. */');
  out.push(`export const IPSO_RESOURCE_IDS: readonly number[] = Object.freeze([${FAMILY_RESOURCES.map((f) => f[0]).join(', ')}]);`);
  out.push('');
  FAMILY_RESOURCES.forEach(([rid, name], k) => {
    const s = seen.get(rid);
    const r = sensors.concat(axis).flatMap((o) => o.resources).find((x) => x.id === rid);
    const what = r && s ? `${r.name}: ${r.type === 'None' ? 'Execute' : r.type + ', ' + r.ops}` : 'in no object of the family';
    out.push(`/** ${rid} ${what}. */`);
    out.push(`export const IPSO_${name} = ${hex(1 << k)};`);
  });
  out.push('');
  out.push('/** The single-value sensors (Sensor Value 5700), ascending id: pairs of (object id, mask). */');
  out.push('export const IPSO_SENSORS: readonly number[] = Object.freeze([');
  for (const o of sensors) out.push(`  ${o.id}, ${hex(familyMask(o))}, // ${o.name}`);
  out.push(']);');
  out.push('');
  out.push('/** The three-axis sensors (X/Y/Z Value 5702–5704), ascending id: pairs of (object id, mask). */');
  out.push('export const IPSO_AXIS_SENSORS: readonly number[] = Object.freeze([');
  for (const o of axis) out.push(`  ${o.id}, ${hex(familyMask(o))}, // ${o.name}`);
  out.push(']);');
  out.push('');
  out.push('/** The mask of object `o` in either table; 0 when it is not a sensor of the family. Allocation-free. */');
  out.push('export function ipsoMask(o: number): number {');
  out.push('  for (let k = 0; k < IPSO_SENSORS.length; k += 2) if (IPSO_SENSORS[k] === o) return IPSO_SENSORS[k + 1];');
  out.push('  for (let k = 0; k < IPSO_AXIS_SENSORS.length; k += 2) if (IPSO_AXIS_SENSORS[k] === o) return IPSO_AXIS_SENSORS[k + 1];');
  out.push('  return 0;');
  out.push('}');
  out.push('');
  return out.join('\n');
}

/** Every generated file: repository-relative path → text. */
export function generateAll(root: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set('src/objects/defs.generated.ts', generate(root));
  const objs = registryFiles(root).map((f) => parseDdf(readFileSync(join(root, 'registry', f), 'utf8'), 'registry/' + f));
  for (const o of objs) if (o.id >= 6) files.set(`${REGISTRY_MODULE_DIR}/${o.id}.ts`, renderModule(o));
  files.set(`${REGISTRY_MODULE_DIR}/all.ts`, renderAll(objs));
  files.set(`${REGISTRY_MODULE_DIR}/ipso-family.ts`, renderFamily(objs));
  return files;
}

/** The generated files that differ from what generateAll() makes, are missing, or are in
 *  src/objects/registry/ without being generated (an object whose XML left registry/). */
export function staleFiles(root: string): string[] {
  const want = generateAll(root);
  const stale: string[] = [];
  for (const [path, text] of want) {
    let old: string | null = null;
    try { old = readFileSync(join(root, path), 'utf8'); } catch { /* missing */ }
    if (old !== text) stale.push(path);
  }
  let present: string[] = [];
  try { present = readdirSync(join(root, REGISTRY_MODULE_DIR)); } catch { /* no folder yet */ }
  for (const f of present.sort()) if (!want.has(`${REGISTRY_MODULE_DIR}/${f}`)) stale.push(`${REGISTRY_MODULE_DIR}/${f}`);
  return stale;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const root = repoRoot();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(root);
    if (stale.length) {
      console.error('stale generated files (run node build/host/gen-objects.js): ' + stale.join(', '));
      process.exit(1);
    }
    console.log('src/objects/defs.generated.ts and ' + REGISTRY_MODULE_DIR + '/ are up to date');
  } else {
    const want = generateAll(root);
    mkdirSync(join(root, REGISTRY_MODULE_DIR), { recursive: true });
    for (const [path, text] of want) writeFileSync(join(root, path), text);
    // A module whose object left registry/ goes, when it is ours (generated); anything else is reported.
    for (const f of readdirSync(join(root, REGISTRY_MODULE_DIR))) {
      const path = `${REGISTRY_MODULE_DIR}/${f}`;
      if (want.has(path)) continue;
      if (readFileSync(join(root, path), 'utf8').startsWith('// GENERATED FILE')) { unlinkSync(join(root, path)); console.log('removed ' + path); }
      else console.error('not generated, left alone: ' + path);
    }
    console.log(`wrote src/objects/defs.generated.ts and ${want.size - 1} files in ${REGISTRY_MODULE_DIR}/`);
  }
}
