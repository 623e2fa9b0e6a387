#!/usr/bin/env node
// A loopback Batch API server speaking the four dialects (OpenAI, Groq, Together, Mistral), for
// the batch job tests. Every request the library sends is checked against the provider's official
// OpenAPI spec (the operation must exist; JSON and multipart bodies must validate against its
// request schema), and every line of an uploaded batch file against the documented line format
// and the provider's chat request schema. A violation is answered 400 and recorded: the tests read
// the record (GET /_control/state) and fail on any.
//
//   node batch-server.mjs <specs dir> [--engine http://127.0.0.1:PORT]
//
// Prints "batch-server listening on <port>" once it accepts connections (127.0.0.1 only).
// Without --engine, lines are answered by a small deterministic stand-in model (below); with it,
// each line's body is sent to that real chat server (llama-server) and its real reply is written
// into the provider's output-line format.
//
// Dialects live under prefixes: /v1 (OpenAI), /openai/v1 (Groq), /together/v1, /mistral/v1.
// Control: POST /_control/reset {"faults": {...}}, POST /_control/release (batches held by
// hold_polls may end) and GET /_control/state. Faults apply to the first batch created after a
// reset (to every one with "every": true): create_429 (refusals before a create succeeds),
// fail_validation, expire_after (lines run before the batch expires), error_ids ({custom_id:
// status}), drop_ids ([custom_id], left out of the results), hold_polls (looks it stays running).
// Exits 77 when the specs folder is missing (CTest: skipped).

import fs from 'node:fs';
import http from 'node:http';
import crypto from 'node:crypto';
import { compile, formatErrors, loadSpec, schemaFrom } from './openapi-schemas.mjs';

const args = process.argv.slice(2);
const specsDir = args[0];
const engineAt = args.indexOf('--engine');
const engine = engineAt >= 0 ? args[engineAt + 1].replace(/\/+$/, '') : null;
if (!specsDir || !fs.existsSync(specsDir)) {
  console.log(`SKIPPED: specs folder ${specsDir} not found`);
  process.exit(77);
}

// ---- The dialects -------------------------------------------------------------------------------

const DIALECTS = {
  openai: { prefix: '/v1', spec: 'openai-openapi.yaml', specPrefix: '', upload: '/files', batches: '/batches',
            chat: 'CreateChatCompletionRequest', methodUrl: true, purpose: 'batch',
            words: { validating: 'validating', in_progress: 'in_progress', finalizing: 'finalizing',
                     completed: 'completed', failed: 'failed', expired: 'expired', cancelling: 'cancelling',
                     cancelled: 'cancelled' } },
  groq: { prefix: '/openai/v1', spec: 'groq-openapi.yaml', specPrefix: '/openai/v1', upload: '/files',
          batches: '/batches', chat: 'CreateChatCompletionRequest', methodUrl: true, purpose: 'batch',
          envelope: 'BatchRequestInput', words: null },
  together: { prefix: '/together/v1', spec: 'together-openapi.yaml', specPrefix: '', upload: '/files/upload',
              batches: '/batches', chat: 'ChatCompletionRequest', purpose: 'batch-api', maxId: 64,
              words: { validating: 'VALIDATING', in_progress: 'IN_PROGRESS', finalizing: 'IN_PROGRESS',
                       completed: 'COMPLETED', failed: 'FAILED', expired: 'EXPIRED', cancelling: 'IN_PROGRESS',
                       cancelled: 'CANCELLED' } },
  mistral: { prefix: '/mistral/v1', spec: 'mistral-openapi.yaml', specPrefix: '/v1', upload: '/files',
             batches: '/batch/jobs', chat: 'ChatCompletionRequest', purpose: 'batch', envelope: 'BatchRequest',
             noModel: true, uuid: true,
             words: { validating: 'QUEUED', in_progress: 'RUNNING', finalizing: 'RUNNING', completed: 'SUCCESS',
                      failed: 'FAILED', expired: 'TIMEOUT_EXCEEDED', cancelling: 'CANCELLATION_REQUESTED',
                      cancelled: 'CANCELLED' } },
};
DIALECTS.groq.words = DIALECTS.openai.words;

// ---- Spec checks --------------------------------------------------------------------------------

const validators = new Map();
function validator(dialect, key, root) {
  const id = `${dialect.spec}:${key}`;
  if (!validators.has(id)) {
    const doc = loadSpec(specsDir, dialect.spec);
    validators.set(id, compile(schemaFrom(doc, dialect.spec, root, id.replace(/[^A-Za-z0-9]/g, '_'))));
  }
  return validators.get(id);
}

// The spec operation a request path matches: {template, operation} or null.
function operationOf(dialect, method, specPath) {
  const doc = loadSpec(specsDir, dialect.spec);
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    const pattern = new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$');
    if (pattern.test(specPath) && item[method.toLowerCase()]) return { template, operation: item[method.toLowerCase()] };
  }
  return null;
}

function bodySchemaRoot(operation, contentType) {
  const schema = operation.requestBody?.content?.[contentType]?.schema;
  if (!schema) return null;
  if (schema.$ref) return schema.$ref.replace('#/components/schemas/', '');
  return schema;
}

function check(validate, value) {
  return validate(value) ? null : formatErrors(validate.errors);
}

// ---- State --------------------------------------------------------------------------------------

let faults = {};
let violations = [];
let counters = {};
const files = new Map();    // id -> {content (Buffer), purpose, filename, dialect}
const batches = new Map();  // id -> batch
let batchesCreated = 0;
let createRefusals = 0;

function reset(newFaults) {
  faults = newFaults ?? {};
  files.clear();
  batches.clear();
  violations = [];
  counters = { uploads: 0, creates: 0, polls: 0, cancels: 0, downloads: 0, lines: 0 };
  batchesCreated = 0;
  createRefusals = 0;
}
reset({});

function newId(dialect, kind) {
  if (dialect.uuid || (dialect === DIALECTS.together && kind === 'batch')) return crypto.randomUUID();
  const hex = crypto.randomBytes(12).toString('hex');
  if (dialect === DIALECTS.groq) return `${kind}_${hex}`;
  return kind === 'file' ? `file-${hex}` : `batch_${hex}`;
}

// ---- The stand-in model -------------------------------------------------------------------------
// Reads "name=<word> age=<number>" (or "<Name> is <n> years old") from the first user message and
// answers it; a conversation that
// carries a re-ask (a tool result, or "Your answer has these errors") is answered with "fix=<n>"
// as the age when the text gives one. Answers as a tool call when the body offers tools.

function standIn(body) {
  const messages = body.messages ?? [];
  const text = messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n');
  const first = messages.find((m) => m.role === 'user' && typeof m.content === 'string')?.content ?? '';
  const reasked = messages.some((m) => m.role === 'tool' ||
    (m.role === 'user' && typeof m.content === 'string' && m.content.startsWith('Your answer has these errors')));
  // "name=Ann age=30", or "Ann is 30 years old".
  const sentence = /([A-Z][a-z]+) is (-?\d+) years old/.exec(first);
  const name = /name=(\w+)/.exec(first)?.[1] ?? sentence?.[1] ?? 'Nobody';
  let age = Number(/age=(-?\d+)/.exec(first)?.[1] ?? sentence?.[2] ?? 0);
  const fix = /fix=(-?\d+)/.exec(first);
  if (reasked && fix) age = Number(fix[1]);
  void text;
  const answer = JSON.stringify({ name, age });
  const message = { role: 'assistant', content: answer };
  let finish = 'stop';
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    message.content = null;
    message.tool_calls = [{ id: 'call' + crypto.randomBytes(3).toString('hex'), type: 'function',
                            function: { name: body.tools[0].function.name, arguments: answer } }];
    finish = 'tool_calls';
  }
  return { status: 200, body: { id: 'chatcmpl-' + crypto.randomBytes(6).toString('hex'), object: 'chat.completion',
           created: Math.floor(Date.now() / 1000), model: body.model ?? 'stand-in',
           choices: [{ index: 0, message, finish_reason: finish }],
           usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } } };
}

async function runLine(body) {
  if (!engine) return standIn(body);
  const response = await fetch(engine + '/v1/chat/completions', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let parsed;
  try { parsed = JSON.parse(text); } catch { parsed = { error: { message: text } }; }
  return { status: response.status, body: parsed };
}

// ---- Batches ------------------------------------------------------------------------------------

function checkLines(dialect, content, model) {
  const lines = content.toString('utf8').split('\n').filter((l) => l.length > 0);
  const errors = [];
  const seen = new Map();
  const parsed = [];
  lines.forEach((text, i) => {
    const where = `line ${i + 1}`;
    let line;
    try { line = JSON.parse(text); } catch (e) { errors.push({ line: i + 1, message: `${where}: not JSON` }); return; }
    const keys = Object.keys(line).sort().join(',');
    const want = dialect.methodUrl ? 'body,custom_id,method,url' : 'body,custom_id';
    if (keys !== want) errors.push({ line: i + 1, message: `${where}: members ${keys}, documented ${want}` });
    if (typeof line.custom_id !== 'string' || line.custom_id.length === 0) {
      errors.push({ line: i + 1, message: `${where}: custom_id is not a string` });
    } else if (seen.has(line.custom_id)) {
      errors.push({ line: i + 1, code: 'duplicate_custom_id',
                    message: `${where}: custom_id ${line.custom_id} repeats line ${seen.get(line.custom_id)}` });
    } else {
      seen.set(line.custom_id, i + 1);
    }
    if (dialect.maxId && line.custom_id?.length > dialect.maxId) {
      errors.push({ line: i + 1, message: `${where}: custom_id longer than ${dialect.maxId}` });
    }
    if (dialect.methodUrl && (line.method !== 'POST' || line.url !== '/v1/chat/completions')) {
      errors.push({ line: i + 1, message: `${where}: method ${line.method} url ${line.url}` });
    }
    if (dialect.envelope) {
      const problem = check(validator(dialect, dialect.envelope, dialect.envelope), line);
      if (problem) errors.push({ line: i + 1, message: `${where}: ${dialect.envelope}: ${problem}` });
    }
    if (dialect.noModel && line.body && 'model' in line.body) {
      errors.push({ line: i + 1, message: `${where}: the body names a model; the job does` });
    }
    const body = dialect.noModel ? { model, ...line.body } : line.body;
    const problem = check(validator(dialect, dialect.chat, dialect.chat), body);
    if (problem) errors.push({ line: i + 1, message: `${where}: body: ${dialect.chat}: ${problem}` });
    parsed.push(line);
  });
  return { parsed, errors };
}

function jsonl(lines) { return Buffer.from(lines.map((l) => JSON.stringify(l) + '\n').join('')); }

function storeFile(dialect, lines, purpose) {
  if (lines.length === 0) return null;
  const id = newId(dialect, 'file');
  files.set(id, { content: jsonl(lines), purpose, filename: `${id}.jsonl`, dialect });
  return id;
}

async function execute(batch) {
  const { dialect } = batch;
  const f = batch.faults;
  const outputs = [];
  const failures = [];
  const line = (custom_id, status, body) => ({ id: 'batch_req_' + crypto.randomBytes(6).toString('hex'), custom_id,
    response: { status_code: status, request_id: 'req_' + crypto.randomBytes(6).toString('hex'), body }, error: null });
  let done = 0;
  for (const request of batch.lines) {
    if (batch.cancelRequested && done >= Math.floor(batch.lines.length / 2)) break;
    if (f.expire_after !== undefined && done >= f.expire_after) break;
    done++;
    counters.lines++;
    batch.progress = done;
    if ((f.drop_ids ?? []).includes(request.custom_id)) continue;
    const forced = f.error_ids?.[request.custom_id];
    if (forced) {
      failures.push(line(request.custom_id, forced,
        { error: { message: `stand-in failure ${forced}`, type: forced >= 500 ? 'server_error' : 'invalid_request_error',
                   code: null } }));
      continue;
    }
    const body = dialect.noModel ? { model: batch.model, ...request.body } : request.body;
    try {
      const reply = await runLine(body);
      (reply.status >= 200 && reply.status < 300 ? outputs : failures).push(line(request.custom_id, reply.status, reply.body));
    } catch (e) {
      failures.push({ id: 'batch_req_x', custom_id: request.custom_id, response: null,
                      error: { code: 'engine_unreachable', message: String(e) } });
    }
  }
  // OpenAI and Groq report an expired batch's unfinished lines in the error file.
  if (dialect.methodUrl && f.expire_after !== undefined) {
    for (const request of batch.lines.slice(done)) {
      failures.push({ id: 'batch_req_x', custom_id: request.custom_id, response: null,
                      error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } });
    }
  }
  batch.output_file_id = storeFile(dialect, outputs, 'batch_output');
  batch.error_file_id = storeFile(dialect, failures, 'batch_output');
  batch.succeeded = outputs.length;
  batch.failed = failures.length;
  batch.executed = true;
  batch.end = batch.cancelRequested ? 'cancelled' : f.expire_after !== undefined ? 'expired' : 'completed';
}

function view(batch) {
  const { dialect } = batch;
  const word = dialect.words[batch.status];
  const created = Math.floor(batch.createdAt / 1000);
  if (dialect === DIALECTS.mistral) {
    return { id: batch.id, object: 'batch', input_files: [batch.input_file_id], metadata: batch.metadata ?? null,
             endpoint: '/v1/chat/completions', model: batch.model, output_file: batch.status === 'completed' ||
             batch.status === 'expired' || batch.status === 'cancelled' ? batch.output_file_id : null,
             error_file: ['completed', 'expired', 'cancelled'].includes(batch.status) ? batch.error_file_id : null,
             errors: batch.errors.map((e) => ({ message: e.message, count: 1 })), status: word, created_at: created,
             total_requests: batch.lines.length, completed_requests: batch.succeeded + batch.failed,
             succeeded_requests: batch.succeeded, failed_requests: batch.failed, started_at: created, completed_at: null };
  }
  const ended = ['completed', 'expired', 'cancelled'].includes(batch.status);
  if (dialect === DIALECTS.together) {
    return { id: batch.id, user_id: 'user_loopback', input_file_id: batch.input_file_id,
             file_size_bytes: batch.bytes, status: word, job_deadline: new Date(batch.createdAt + 86400000).toISOString(),
             created_at: new Date(batch.createdAt).toISOString(), endpoint: '/v1/chat/completions',
             progress: batch.status === 'completed' ? 100 : batch.executed ? 50 : 0, model_id: batch.model,
             output_file_id: ended ? batch.output_file_id ?? undefined : undefined,
             error_file_id: ended ? batch.error_file_id ?? undefined : undefined,
             error: batch.errors.length > 0 ? batch.errors.map((e) => e.message).join('; ') : undefined };
  }
  return { id: batch.id, object: 'batch', endpoint: '/v1/chat/completions',
           errors: batch.errors.length > 0 ? { object: 'list', data: batch.errors.map((e) => ({
             code: e.code ?? 'invalid_request', message: e.message, param: null, line: e.line ?? null })) } : null,
           input_file_id: batch.input_file_id, completion_window: batch.completion_window, status: word,
           output_file_id: ended ? batch.output_file_id : null, error_file_id: ended ? batch.error_file_id : null,
           created_at: created, request_counts: { total: batch.lines.length, completed: batch.succeeded,
           failed: batch.failed }, metadata: batch.metadata ?? null };
}

// One look at a batch moves it on: validating -> in_progress -> (finalizing) -> its end.
function advance(batch) {
  if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) return;
  batch.polls++;
  if (batch.status === 'validating') {
    if (batch.errors.length > 0 || batch.faults.fail_validation) {
      if (batch.faults.fail_validation && batch.errors.length === 0) {
        batch.errors.push({ line: 1, code: 'invalid_request', message: 'stand-in validation failure: the file was refused' });
      }
      batch.status = 'failed';
      return;
    }
    batch.status = 'in_progress';
    batch.running = execute(batch);
    return;
  }
  if (!batch.executed) return;
  if (batch.status === 'cancelling') { batch.status = 'cancelled'; return; }
  if (batch.polls <= (batch.faults.hold_polls ?? 0)) return;
  if (batch.status === 'in_progress' && batch.end === 'completed' && batch.dialect.methodUrl) {
    batch.status = 'finalizing';
    return;
  }
  batch.status = batch.end;
}

// ---- HTTP ---------------------------------------------------------------------------------------

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function violation(res, what) {
  violations.push(what);
  send(res, 400, { error: { message: `spec violation: ${what}`, type: 'invalid_request_error', code: 'spec_violation' } });
}

function parseMultipart(contentType, buffer) {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return null;
  const marker = Buffer.from('--' + (boundary[1] ?? boundary[2]));
  const fields = {};
  let at = buffer.indexOf(marker);
  while (at >= 0) {
    const start = at + marker.length;
    if (buffer.slice(start, start + 2).toString() === '--') break;
    const next = buffer.indexOf(marker, start);
    if (next < 0) return null;
    const part = buffer.slice(start + 2, next - 2);  // after CRLF, before CRLF
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return null;
    const head = part.slice(0, split).toString();
    const content = part.slice(split + 4);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    if (name === undefined) return null;
    fields[name] = filename !== undefined ? { filename, content } : content.toString('utf8');
    at = next;
  }
  return fields;
}

async function handle(req, res, buffer) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const route = url.pathname;
  if (route === '/_control/reset' && req.method === 'POST') {
    reset(buffer.length > 0 ? JSON.parse(buffer.toString()).faults : {});
    return send(res, 200, { ok: true });
  }
  if (route === '/_control/release' && req.method === 'POST') {
    for (const batch of batches.values()) batch.faults = { ...batch.faults, hold_polls: 0 };
    return send(res, 200, { ok: true });
  }
  if (route === '/_control/state') {
    return send(res, 200, { violations, counters: { ...counters, create_refusals: createRefusals }, batches: [...batches.values()].map((b) => ({ id: b.id,
      status: b.status, lines: b.lines.length, polls: b.polls })) });
  }
  const name = Object.keys(DIALECTS).sort((a, b) => DIALECTS[b].prefix.length - DIALECTS[a].prefix.length)
    .find((n) => route.startsWith(DIALECTS[n].prefix + '/'));
  if (!name) return send(res, 404, { error: { message: `no dialect at ${route}` } });
  const dialect = DIALECTS[name];
  const rest = route.slice(dialect.prefix.length);
  const found = operationOf(dialect, req.method, dialect.specPrefix + rest);
  if (!found) return violation(res, `${name}: ${req.method} ${rest} is no operation of ${dialect.spec}`);
  if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return violation(res, `${name}: no bearer key`);

  // Upload.
  if (req.method === 'POST' && rest === dialect.upload) {
    const form = parseMultipart(req.headers['content-type'], buffer);
    if (!form) return violation(res, `${name}: upload is not multipart/form-data`);
    const shown = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : '<binary>']));
    const problem = check(validator(dialect, 'upload', bodySchemaRoot(found.operation, 'multipart/form-data')), shown);
    if (problem) return violation(res, `${name}: upload form: ${problem}`);
    if (form.purpose !== dialect.purpose) return violation(res, `${name}: purpose ${form.purpose}, want ${dialect.purpose}`);
    if (typeof form.file !== 'object') return violation(res, `${name}: no file part`);
    counters.uploads++;
    const id = newId(dialect, 'file');
    files.set(id, { content: form.file.content, purpose: form.purpose, filename: form.file.filename, dialect });
    const created = Math.floor(Date.now() / 1000);
    if (dialect === DIALECTS.together) {
      return send(res, 200, { id, object: 'file', created_at: created, filename: form.file.filename,
                              bytes: form.file.content.length, purpose: form.purpose, FileType: 'jsonl', Processed: true });
    }
    return send(res, 200, { id, object: 'file', bytes: form.file.content.length, created_at: created,
                            filename: form.file.filename, purpose: form.purpose,
                            ...(dialect === DIALECTS.openai ? { status: 'processed' } : {}) });
  }

  // Create.
  if (req.method === 'POST' && rest === dialect.batches) {
    let body;
    try { body = JSON.parse(buffer.toString()); } catch { return violation(res, `${name}: create body is not JSON`); }
    const problem = check(validator(dialect, 'create', bodySchemaRoot(found.operation, 'application/json')), body);
    if (problem) return violation(res, `${name}: create body: ${problem}`);
    if (createRefusals < (faults.create_429 ?? 0)) {
      createRefusals++;
      return send(res, 429, { error: { message: 'stand-in rate limit', type: 'rate_limit_exceeded', code: null } },
                  { 'retry-after-ms': '20' });
    }
    const fileId = dialect === DIALECTS.mistral ? body.input_files?.[0] : body.input_file_id;
    const file = files.get(fileId);
    if (!file) return send(res, 404, { error: { message: `no file ${fileId}` } });
    const model = dialect === DIALECTS.mistral ? body.model : dialect === DIALECTS.together ? body.model_id : undefined;
    const { parsed, errors } = checkLines(dialect, file.content, model);
    for (const e of errors) violations.push(`${name}: ${e.message}`);
    counters.creates++;
    const batch = { id: newId(dialect, 'batch'), dialect, input_file_id: fileId, lines: parsed, model,
                    metadata: body.metadata, completion_window: body.completion_window ?? `${body.timeout_hours}h`,
                    bytes: file.content.length, status: 'validating', polls: 0, errors,
                    faults: batchesCreated === 0 || faults.every ? faults : {}, succeeded: 0, failed: 0,
                    createdAt: Date.now() };
    batchesCreated++;
    batches.set(batch.id, batch);
    if (dialect === DIALECTS.together) return send(res, 201, { job: view(batch) });
    return send(res, 200, view(batch));
  }

  const batchMatch = new RegExp(`^${dialect.batches}/([^/]+)(/cancel)?$`).exec(rest);
  if (batchMatch) {
    const batch = batches.get(decodeURIComponent(batchMatch[1]));
    if (!batch) return send(res, 404, { error: { message: 'no such batch' } });
    if (batchMatch[2]) {
      counters.cancels++;
      batch.cancelRequested = true;
      if (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) batch.status = 'cancelling';
      if (!batch.running) batch.running = execute(batch);
      await batch.running;
      return send(res, 200, view(batch));
    }
    counters.polls++;
    advance(batch);
    if (batch.running && engine === null) await batch.running;
    return send(res, 200, view(batch));
  }

  const fileMatch = /^\/files\/([^/]+)\/content$/.exec(rest);
  if (fileMatch && req.method === 'GET') {
    const file = files.get(decodeURIComponent(fileMatch[1]));
    if (!file) return send(res, 404, { error: { message: 'no such file' } });
    counters.downloads++;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    for (let at = 0; at < file.content.length; at += 65536) res.write(file.content.subarray(at, at + 65536));
    return res.end();
  }
  return violation(res, `${name}: ${req.method} ${rest} is in the spec but not served here`);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks)).catch((e) => {
      violations.push(`server error: ${e.stack ?? e}`);
      send(res, 500, { error: { message: String(e), type: 'server_error' } });
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  // Compile the common validators before saying so, so that the first request is not slow.
  for (const dialect of Object.values(DIALECTS)) validator(dialect, dialect.chat, dialect.chat);
  console.log(`batch-server listening on ${server.address().port}`);
});
