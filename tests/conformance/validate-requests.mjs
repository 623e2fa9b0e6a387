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
// The request schema is the one the endpoint's requestBody references (checked against the
// expected component name below, so a renamed schema is an error, not a silent switch); how the
// OpenAPI schemas become JSON Schema for Ajv: openapi-schemas.mjs.

import fs from 'node:fs';
import path from 'node:path';
import { compile, formatErrors, loadSpec, schemaFrom } from './openapi-schemas.mjs';

const COMPONENT_REF = '#/components/schemas/';

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

// ---- The request schema of each spec ----------------------------------------------------

// Builds {$defs: {...reachable components...}, $ref: "#/$defs/<schema>"} for one spec.
function buildRequestSchema(specKey, spec, doc) {
  const op = doc.paths?.[spec.path]?.post;
  const bodyRef = op?.requestBody?.content?.['application/json']?.schema?.$ref;
  if (bodyRef !== COMPONENT_REF + spec.schema) {
    throw new Error(`${spec.file}: POST ${spec.path} takes ${JSON.stringify(bodyRef)}, `
                    + `expected ${COMPONENT_REF + spec.schema}; update SPECS in ${path.basename(import.meta.url)}`);
  }
  return schemaFrom(doc, spec.file, spec.schema, specKey);
}

const compiled = new Map();   // spec key → validate function

function validatorFor(specKey) {
  if (compiled.has(specKey)) return compiled.get(specKey);
  const spec = SPECS[specKey];
  const validate = compile(buildRequestSchema(specKey, spec, loadSpec(specsDir, spec.file)));
  compiled.set(specKey, validate);
  return validate;
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
