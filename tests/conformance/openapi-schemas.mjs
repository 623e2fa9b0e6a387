// The OpenAPI specs in shared/specs as JSON Schema 2020-12 for Ajv: shared by the request-body
// conformance check (validate-requests.mjs) and the loopback batch server (batch-server.mjs).
//
// How the OpenAPI schemas are turned into JSON Schema 2020-12:
//  - a schema is taken from a component (or from an operation's inline schema); every component
//    it reaches through $ref is copied into $defs and "#/components/schemas/X" becomes
//    "#/$defs/X" (any other $ref is an error);
//  - OpenAPI 3.0 "nullable: true" becomes anyOf [schema, {type: null}]; 3.1 type arrays
//    such as [string, "null"] are plain JSON Schema and pass through;
//  - 3.0 boolean exclusiveMinimum/exclusiveMaximum become the numeric 2020-12 form;
//  - annotation-only keywords (example, x-*, discriminator, deprecated, readOnly,
//    writeOnly, xml, externalDocs) are dropped; readOnly properties are not required in
//    a request (OpenAPI 3.x rule);
//  - OpenAPI formats (int32, int64, float, double, byte, ...) are defined; formats no
//    standard defines (e.g. "unixtime") are accepted as any value.
// The walk only rewrites keywords in schema positions, so a property that happens to be
// called "example" or "nullable" is kept. Validation keeps every assertion keyword
// (type, enum, const, required, additionalProperties, pattern, min/max, ...).

import fs from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

const DROP = new Set(['example', 'discriminator', 'deprecated', 'readOnly', 'writeOnly',
                      'xml', 'externalDocs', 'nullable']);
// Keywords whose value is a schema, a map of schemas, or an array of schemas.
const ONE = ['items', 'additionalItems', 'additionalProperties', 'not', 'contains',
             'propertyNames', 'if', 'then', 'else', 'unevaluatedItems',
             'unevaluatedProperties', 'contentSchema'];
const MAP = ['properties', 'patternProperties', 'dependentSchemas'];
const LIST = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const COMPONENT_REF = '#/components/schemas/';

function componentName(ref, specFile) {
  if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_REF)) {
    throw new Error(`${specFile}: unsupported $ref ${JSON.stringify(ref)}`);
  }
  // The name is the first pointer segment; deeper pointers stay valid under $defs.
  return ref.slice(COMPONENT_REF.length).split('/')[0]
    .replace(/~1/g, '/').replace(/~0/g, '~');
}

// Returns the converted schema; calls onRef(name) for each component it references.
export function convert(node, specFile, onRef) {
  if (typeof node === 'boolean') return node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    throw new Error(`${specFile}: not a schema: ${JSON.stringify(node).slice(0, 80)}`);
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref') {
      onRef(componentName(value, specFile));
      out.$ref = '#/$defs/' + value.slice(COMPONENT_REF.length);
    } else if (ONE.includes(key) && value !== null && typeof value === 'object'
               && !Array.isArray(value)) {
      out[key] = convert(value, specFile, onRef);
    } else if (ONE.includes(key) && typeof value === 'boolean') {
      out[key] = value;
    } else if (key === 'items' && Array.isArray(value)) {       // draft-04 tuple form
      out.prefixItems = value.map((s) => convert(s, specFile, onRef));
    } else if (MAP.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value)
        .map(([k, s]) => [k, convert(s, specFile, onRef)]));
    } else if (LIST.includes(key)) {
      out[key] = value.map((s) => convert(s, specFile, onRef));
    } else if (key === '$defs' || key === 'definitions' || key === '$id' || key === '$anchor'
               || key === '$dynamicRef' || key === '$dynamicAnchor' || key === '$schema') {
      throw new Error(`${specFile}: unsupported keyword ${key} in a request schema`);
    } else {
      out[key] = value;      // assertions and annotations: type, enum, const, required, ...
    }
  }
  // OpenAPI 3.0 boolean exclusive bounds.
  for (const [excl, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (typeof out[excl] === 'boolean') {
      if (out[excl] && typeof out[bound] === 'number') {
        out[excl] = out[bound];
        delete out[bound];
      } else {
        delete out[excl];
      }
    }
  }
  // readOnly properties are response-only: never required in a request.
  if (Array.isArray(out.required) && node.properties && typeof node.properties === 'object') {
    out.required = out.required.filter((p) => !(node.properties[p]
      && typeof node.properties[p] === 'object' && node.properties[p].readOnly === true));
  }
  if (node.nullable === true) {
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

// Builds {$defs: {...reachable components...}, $ref or the schema itself} from `root` (a
// component name, or an inline schema object) of one parsed spec.
export function schemaFrom(doc, specFile, root, id) {
  const components = doc.components?.schemas ?? {};
  const defs = {};
  const queue = [];
  const top = typeof root === 'string' ? null : convert(root, specFile, (n) => queue.push(n));
  if (typeof root === 'string') queue.push(root);
  while (queue.length > 0) {
    const name = queue.pop();
    if (Object.hasOwn(defs, name)) continue;
    if (!Object.hasOwn(components, name)) {
      throw new Error(`${specFile}: $ref to missing component ${name}`);
    }
    defs[name] = null;     // mark before converting, for recursive schemas
    defs[name] = convert(components[name], specFile, (n) => queue.push(n));
  }
  const schema = top ?? { $ref: '#/$defs/' + root };
  return { ...schema, $id: `urn:instructor-conformance:${id}`, $defs: defs };
}

export function collectFormats(node, acc) {
  if (Array.isArray(node)) node.forEach((n) => collectFormats(n, acc));
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') acc.add(v);
      collectFormats(v, acc);
    }
  }
  return acc;
}

const INT32 = { type: 'number', validate: (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 };
const INT64 = { type: 'number', validate: (n) => Number.isInteger(n) };
const ANY_NUMBER = { type: 'number', validate: () => true };
const OPENAPI_FORMATS = {
  int32: INT32, int64: INT64, integer: INT64, float: ANY_NUMBER, double: ANY_NUMBER,
  float64: ANY_NUMBER,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  binary: true, password: true,
};

const docs = new Map();   // spec path → parsed document

/// The parsed spec (read once per process).
export function loadSpec(specsDir, file) {
  const where = path.join(specsDir, file);
  if (!docs.has(where)) docs.set(where, loadYaml(fs.readFileSync(where, 'utf8')));
  return docs.get(where);
}

/// An Ajv validate function for a schema built by schemaFrom.
export function compile(schema) {
  const ajv = new Ajv2020({
    allErrors: true,
    // strict mode would reject specs for things that are not errors in OpenAPI
    // (e.g. "required" naming a property only defined in an allOf sibling); every
    // assertion keyword is still enforced.
    strict: false,
    validateFormats: true,
    logger: false,
  });
  addFormats(ajv);
  for (const f of collectFormats(schema, new Set())) {
    if (ajv.formats[f] === undefined) {
      ajv.addFormat(f, OPENAPI_FORMATS[f] ?? true);
    }
  }
  return ajv.compile(schema);
}

function describe(err) {
  const where = err.instancePath === '' ? '(root)' : err.instancePath;
  let msg = `${where} ${err.message}`;
  const p = err.params ?? {};
  if (p.additionalProperty !== undefined) msg += ` '${p.additionalProperty}'`;
  else if (p.allowedValues !== undefined) msg += ` ${JSON.stringify(p.allowedValues)}`;
  else if (p.allowedValue !== undefined) msg += ` ${JSON.stringify(p.allowedValue)}`;
  else if (p.unevaluatedProperty !== undefined) msg += ` '${p.unevaluatedProperty}'`;
  return msg;
}

export function formatErrors(errors) {
  const seen = [];
  for (const e of errors ?? []) {
    const d = describe(e);
    if (!seen.includes(d)) seen.push(d);
  }
  const MAX = 12;
  const shown = seen.slice(0, MAX).join('; ');
  return seen.length > MAX ? `${shown}; (+${seen.length - MAX} more)` : shown;
}

