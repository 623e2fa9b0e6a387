#!/usr/bin/env node
// Validates golden chat-completion request bodies against each provider's official
// request schema, taken from the OpenAPI specs in <specs dir> (shared/specs).
//
//   node validate-requests.mjs [--expect-fail] <specs dir> <golden requests dir>
//
// <golden requests dir> holds <provider>/<name>.json files, each one request body.
// Prints one line per file, then "N passed, M failed" (", K skipped" when some were
// skipped, which happens for files whose spec file is missing from <specs dir>).
// Exit codes: 0 all passed, 1 a failure (an empty golden dir counts as one), 2 usage error
// or missing golden dir, 77 the specs folder does not exist or every file was skipped
// (CTest SKIP_RETURN_CODE).
//
// --expect-fail inverts the verdict (for the validator's own self-test): a file passes
// when the schema REJECTS it. If the golden dir has a top-level expected-errors.json
// ({"<provider>/<name>.json": "substring"}), the rejection must also mention that
// substring, so a body is known to fail for the reason it was written for.
//
// How the OpenAPI schemas are turned into JSON Schema 2020-12 for Ajv:
//  - the request schema is the one the endpoint's requestBody references (checked against
//    the expected component name below, so a renamed schema is an error, not a silent
//    switch); every component it reaches through $ref is copied into $defs and
//    "#/components/schemas/X" becomes "#/$defs/X" (any other $ref is an error);
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

// ---- Provider → spec mapping ----------------------------------------------------------

const SPECS = {
  openai: { file: 'openai-openapi.yaml', path: '/chat/completions',
            schema: 'CreateChatCompletionRequest' },
  groq: { file: 'groq-openapi.yaml', path: '/openai/v1/chat/completions',
          schema: 'CreateChatCompletionRequest' },
  together: { file: 'together-openapi.yaml', path: '/chat/completions',
              schema: 'ChatCompletionRequest' },
  mistral: { file: 'mistral-openapi.yaml', path: '/v1/chat/completions',
             schema: 'ChatCompletionRequest' },
  ollama: { file: 'ollama-openapi.yaml', path: '/api/chat', schema: 'ChatRequest' },
};

const viaOpenAI = (who, what = '') =>
  `checked against OpenAI's schema (${who} publishes none${what})`;
const PROVIDERS = {
  openai: { spec: 'openai' },
  groq: { spec: 'groq' },
  together: { spec: 'together' },
  mistral: { spec: 'mistral' },
  'ollama-native': { spec: 'ollama' },
  ollama: { spec: 'openai', note: viaOpenAI('Ollama', ' for /v1') },
  anyscale: { spec: 'openai', note: viaOpenAI('Anyscale') },
  'llama-cpp': { spec: 'openai', note: viaOpenAI('llama.cpp') },
  'llama-cpp-python': { spec: 'openai', note: viaOpenAI('llama-cpp-python') },
  'openai-compatible': { spec: 'openai',
                         note: "checked against OpenAI's schema (generic OpenAI-compatible server)" },
};

// ---- Command line -----------------------------------------------------------------------

const args = process.argv.slice(2);
const expectFail = args.includes('--expect-fail');
const positional = args.filter((a) => a !== '--expect-fail');
if (positional.length !== 2 || positional.some((a) => a.startsWith('--'))) {
  console.error('usage: node validate-requests.mjs [--expect-fail] <specs dir> <golden requests dir>');
  process.exit(2);
}
const [specsDir, goldenDir] = positional;

if (!isDir(specsDir)) {
  console.log(`SKIPPED: specs folder ${specsDir} not found`);
  process.exit(77);
}
if (!isDir(goldenDir)) {
  console.error(`error: golden requests folder ${goldenDir} not found`);
  process.exit(2);
}

function isDir(p) {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

// ---- OpenAPI schema → JSON Schema 2020-12 ---------------------------------------------

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
function convert(node, specFile, onRef) {
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

// Builds {$defs: {...reachable components...}, $ref: "#/$defs/<schema>"} for one spec.
function buildRequestSchema(specKey, spec, doc) {
  const op = doc.paths?.[spec.path]?.post;
  const bodyRef = op?.requestBody?.content?.['application/json']?.schema?.$ref;
  if (bodyRef !== COMPONENT_REF + spec.schema) {
    throw new Error(`${spec.file}: POST ${spec.path} takes ${JSON.stringify(bodyRef)}, `
                    + `expected ${COMPONENT_REF + spec.schema}; update SPECS in ${path.basename(import.meta.url)}`);
  }
  const components = doc.components?.schemas ?? {};
  const defs = {};
  const queue = [spec.schema];
  while (queue.length > 0) {
    const name = queue.pop();
    if (Object.hasOwn(defs, name)) continue;
    if (!Object.hasOwn(components, name)) {
      throw new Error(`${spec.file}: $ref to missing component ${name}`);
    }
    defs[name] = null;     // mark before converting, for recursive schemas
    defs[name] = convert(components[name], spec.file, (n) => queue.push(n));
  }
  return { $id: `urn:instructor-conformance:${specKey}`, $defs: defs,
           $ref: '#/$defs/' + spec.schema };
}

function collectFormats(node, acc) {
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

const compiled = new Map();   // spec key → validate function

function validatorFor(specKey) {
  if (compiled.has(specKey)) return compiled.get(specKey);
  const spec = SPECS[specKey];
  const doc = loadYaml(fs.readFileSync(path.join(specsDir, spec.file), 'utf8'));
  const schema = buildRequestSchema(specKey, spec, doc);
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
  const validate = ajv.compile(schema);
  compiled.set(specKey, validate);
  return validate;
}

// ---- Error formatting -------------------------------------------------------------------

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

function formatErrors(errors) {
  const seen = [];
  for (const e of errors ?? []) {
    const d = describe(e);
    if (!seen.includes(d)) seen.push(d);
  }
  const MAX = 12;
  const shown = seen.slice(0, MAX).join('; ');
  return seen.length > MAX ? `${shown}; (+${seen.length - MAX} more)` : shown;
}

// ---- Main -------------------------------------------------------------------------------

let expectedErrors = null;
const expectedFile = path.join(goldenDir, 'expected-errors.json');
if (expectFail && fs.existsSync(expectedFile)) {
  expectedErrors = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));
}
const seenLabels = new Set();

const providers = fs.readdirSync(goldenDir, { withFileTypes: true })
  .filter((d) => d.isDirectory()).map((d) => d.name).sort();

let passed = 0;
let failed = 0;
let skipped = 0;

for (const provider of providers) {
  const files = fs.readdirSync(path.join(goldenDir, provider))
    .filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const label = `${provider}/${file}`;
    seenLabels.add(label);
    const mapping = PROVIDERS[provider];
    if (mapping === undefined) {
      console.log(`FAIL ${label}: no schema for provider folder '${provider}' `
                  + `(known: ${Object.keys(PROVIDERS).join(', ')})`);
      failed++;
      continue;
    }
    const spec = SPECS[mapping.spec];
    if (!fs.existsSync(path.join(specsDir, spec.file))) {
      console.log(`skipped ${label}: ${spec.file} not in ${specsDir}`);
      skipped++;
      continue;
    }
    let body;
    try {
      body = JSON.parse(fs.readFileSync(path.join(goldenDir, provider, file), 'utf8'));
    } catch (e) {
      console.log(`FAIL ${label}: not valid JSON: ${e.message}`);
      failed++;
      continue;
    }
    let validate;
    try {
      validate = validatorFor(mapping.spec);
    } catch (e) {
      console.log(`FAIL ${label}: cannot build the schema from ${spec.file}: ${e.message}`);
      failed++;
      continue;
    }
    const what = `${spec.file} ${spec.schema}${mapping.note ? ', ' + mapping.note : ''}`;
    const valid = validate(body);
    if (!expectFail) {
      if (valid) {
        console.log(`ok ${label} (${what})`);
        passed++;
      } else {
        console.log(`FAIL ${label}: ${formatErrors(validate.errors)} (${what})`);
        failed++;
      }
    } else if (valid) {
      console.log(`FAIL ${label}: accepted, but it was written to violate ${spec.schema} (${what})`);
      failed++;
    } else {
      const errors = formatErrors(validate.errors);
      const want = expectedErrors?.[label];
      if (expectedErrors !== null && want === undefined) {
        console.log(`FAIL ${label}: rejected, but expected-errors.json names no expected error: ${errors}`);
        failed++;
      } else if (want !== undefined && !errors.includes(want)) {
        console.log(`FAIL ${label}: rejected, but not for the expected "${want}": ${errors}`);
        failed++;
      } else {
        console.log(`ok ${label} rejected as expected: ${errors} (${what})`);
        passed++;
      }
    }
  }
}

for (const label of Object.keys(expectedErrors ?? {})) {
  if (!seenLabels.has(label)) {
    console.log(`FAIL ${label}: listed in expected-errors.json, but there is no such file`);
    failed++;
  }
}
if (passed + failed + skipped === 0) {
  // An empty run must not pass.
  console.log(`FAIL ${goldenDir}: no <provider>/<name>.json files found`);
  failed++;
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
if (failed > 0) process.exit(1);
process.exit(passed === 0 ? 77 : 0);   // every file skipped: report the run as skipped
