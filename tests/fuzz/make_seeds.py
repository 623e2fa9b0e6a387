#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, tests/fuzz/corpus/<target>/, from the repository's own
test data: the reply fixtures (tests/fixtures/replies), the corpus instances of
tests/test_corpus.cpp, stream shapes as tests/support/provider_streams.hpp and
llama_cpp_replies.hpp build them, and the example's cassette (examples/cassettes). A few dozen small files per target; the same files every run.

    python3 tests/fuzz/make_seeds.py      # then review and commit the corpus

Each seed starts with the selector bytes its target reads first (see the target's header comment).
"""

import json
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
FIXTURES = ROOT / "tests" / "fixtures" / "replies"

# fuzz_provider_replies.cpp: kStatuses, in the same order; and instructor::provider_names(), in
# table order (src/providers/registry.cpp).
STATUSES = [200, 400, 401, 403, 404, 408, 409, 413, 422, 429, 498, 500, 502, 503, 504, 529]
PROVIDERS = ["openai", "groq", "together", "anyscale", "ollama", "ollama-native", "mistral", "llama-cpp",
             "llama-cpp-python", "openai-compatible"]


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    (directory / name).write_bytes(data)


# ---- streams, as the test support headers build them ------------------------------------------

def openai_chunk(delta, finish=None):
    return {"id": "chatcmpl-f", "object": "chat.completion.chunk", "model": "test",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def usage_chunk(prompt, completion):
    return {"id": "chatcmpl-f", "object": "chat.completion.chunk", "choices": [],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}}


def sse(events, done=True):
    body = "".join("data: " + compact(e) + "\n\n" for e in events)
    return body + ("data: [DONE]\n\n" if done else "")


def pieces(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)]


def text_stream(content):
    events = [openai_chunk({"role": "assistant", "content": ""})]
    events += [openai_chunk({"content": p}) for p in pieces(content, 5)]
    return sse(events + [openai_chunk({}, "stop"), usage_chunk(20, 8)])


def tool_stream(arguments):
    events = [openai_chunk({"role": "assistant", "tool_calls": [
        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "UserDetail", "arguments": ""}}]})]
    events += [openai_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces(arguments, 6)]
    return sse(events + [openai_chunk({}, "tool_calls"), usage_chunk(30, 12)])


def groq_tool_stream(arguments):
    last = openai_chunk({}, "tool_calls")
    last["x_groq"] = {"id": "req_g", "usage": {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}}
    return sse([openai_chunk({"role": "assistant", "tool_calls": [
        {"index": 0, "id": "call_g", "type": "function", "function": {"name": "UserDetail", "arguments": arguments}}]}),
        last])


def mistral_tool_stream(arguments):
    last = openai_chunk({}, "tool_calls")
    last["usage"] = {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42}
    return sse([openai_chunk({"role": "assistant", "tool_calls": [
        {"id": "abcDEF123", "function": {"name": "UserDetail", "arguments": arguments}, "index": 0}]}), last])


def llama_cpp_failing_tool_stream(arguments):
    chunk = lambda delta, finish=None: {"choices": [{"finish_reason": finish, "index": 0, "delta": delta}],
                                        "created": 1785000000, "id": "chatcmpl-Qm2y", "model": "stories260K",
                                        "object": "chat.completion.chunk"}
    events = [chunk({"role": "assistant", "content": None}),
              chunk({"tool_calls": [{"index": 0, "id": "Xy3kP9qLm2Vt7RbN", "type": "function",
                                     "function": {"name": "UserDetail"}}]})]
    events += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in pieces(arguments, 5)]
    events.append({"error": {"code": 500, "type": "server_error",
                             "message": "The model produced output that does not match the expected peg-native format"}})
    return sse(events, done=False)


def ollama_stream(content):
    lines = [compact({"model": "llama3.1", "message": {"role": "assistant", "content": p}, "done": False})
             for p in pieces(content, 5)]
    lines.append(compact({"model": "llama3.1", "message": {"role": "assistant", "content": ""}, "done": True,
                          "done_reason": "stop", "prompt_eval_count": 20, "eval_count": 8}))
    return "\n".join(lines) + "\n"


ARGUMENTS = '{"name": "Jason", "age": 30}'
CONTENT = '{"name": "Jos\u00e9 \U0001F600", "age": 30, "tags": ["a", "b"]}'

STREAMS = {
    "openai-text": text_stream(CONTENT),
    "openai-tool": tool_stream(ARGUMENTS),
    "groq-whole-call": groq_tool_stream(ARGUMENTS),
    "mistral-whole-call": mistral_tool_stream(ARGUMENTS),
    "llama-cpp-error-event": llama_cpp_failing_tool_stream(ARGUMENTS),
    "ollama-native-ndjson": ollama_stream(CONTENT),
}

# Framing edge cases, after tests/test_stream_framing.cpp.
FRAMING_CASES = {
    "sse-bom-crlf-comments": "\ufeff: ping\r\nevent: delta\r\nid: 7\r\ndata: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n",
    "sse-lone-cr-multiline": "data: one\rdata: two\r\rdata:  two spaces\r\r",
    "sse-error-event": "event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n",
    "sse-no-final-blank-line": "retry: 10\nid\nunknown: x\ndata: last",
    "ndjson-crlf-blank-lines": "{\"a\":1}\r\n\r\n  \t\n{\"b\":2}",
}


def framing_seeds():
    target = "fuzz_framing"
    for name, body in list(STREAMS.items()) + list(FRAMING_CASES.items()):
        ndjson = name.startswith("ndjson") or name.endswith("ndjson")
        for seed in (0, 7):  # every byte apart, and pieces of up to 15 bytes
            write(target, f"{name}-split{seed}", bytes([1 if ndjson else 0, seed]) + body.encode())


# ---- reply fixtures ------------------------------------------------------------------------------

def fixtures():
    for path in sorted(FIXTURES.glob("*/*.json")):
        yield path.parent.name, path.stem, json.loads(path.read_text())


def http_reply(provider, status, headers, body):
    """The fuzz_provider_replies input: status and provider selectors, header lines, a blank line, the body."""
    selectors = bytes([STATUSES.index(status) if status in STATUSES else 0, PROVIDERS.index(provider)])
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    text = body if isinstance(body, str) else compact(body)
    return selectors + ((head + "\n") if head else "\n\n").encode() + text.encode()


def provider_reply_seeds():
    target = "fuzz_provider_replies"
    per_provider = {}
    for provider, name, fixture in fixtures():
        # Up to three per provider: the first success and errors in name order.
        taken = per_provider.setdefault(provider, [])
        is_error = name.startswith("error")
        if len(taken) >= 3 or (not is_error and any(not e for e in taken)):
            continue
        taken.append(is_error)
        write(target, f"{provider}-{name}",
              http_reply(provider, fixture["status"], fixture.get("headers", {}), fixture["body"]))
    for name, body in STREAMS.items():
        provider = next(p for p in sorted(PROVIDERS, key=len, reverse=True) if name.startswith(p))
        write(target, f"stream-{name}", http_reply(provider, 200, {}, body))


# ---- JSON documents and model texts -------------------------------------------------------------

DOCUMENTS = [
    '{}', '[]', '{"a":{},"b":[],"c":[{}],"d":[[]],"e":""}',
    '{"tasks":[{"id":1,"title":"Write","tags":["a","b"],"done":false},{"id":2,"done":true,"owner":null}]}',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    '{"esc":"tab\\there \\u0041\\u00e9\\u4e2d\\uD83D\\uDE00 end","k\\"ey":"v\\\\"}',
    '{"emoji":"\U0001F600\U0001F389","cjk":"\u4e2d\u6587","accents":"caf\u00e9"}',
    '[0,-0,1,-1,1.5,-0.0,1e-5,1E+10,2.5e3,123456789012345678,18446744073709551615,-9223372036854775808]',
    '[123456789012345678901234567890,3.141592653589793,1e308,-2.5E-308,0.1e1]',
    '[true,false,null]', '42', '-12.5e-3', ' \n\t { \r\n "a" \t : \n [ 1 , 2.0 , { "b" : null } ] } \n',
    '[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]', '{"a/b":1,"m~n":2,"":3,"~1":{"/":[4]}}',
    '{"a":1,"a":2}', ' {"a": [1, 2]}\n```\nHope this helps! {not json',
]


def partial_json_seeds():
    target = "fuzz_partial_json"
    for i, document in enumerate(DOCUMENTS):
        # selector (bit 0: through the locator), split seed, stop after n completed values
        write(target, f"document-{i:02d}", bytes([0, i % 3 * 5, 0]) + document.encode())
    for provider, name, fixture in fixtures():
        body = fixture["body"]
        if provider in ("openai", "mistral") and isinstance(body, dict) and "choices" in body:
            message = body["choices"][0].get("message", {})
            for call in message.get("tool_calls") or []:
                arguments = call["function"]["arguments"]
                if isinstance(arguments, str):
                    write(target, f"arguments-{provider}-{name}", bytes([0, 3, 0]) + arguments.encode())
    for i, text in enumerate(MODEL_TEXTS):
        write(target, f"located-{i:02d}", bytes([1, 1 + i, 2 if i % 2 else 0]) + text.encode())


MODEL_TEXTS = [
    'Here is the JSON:\n```json\n{"name": "Jason", "age": 30}\n```',
    '<think>They want {name}; [maybe] an array?</think>\n{"name": "Jason", "age": 30}',
    'Sure! {"name": "Jason", "age": 30} Anything else?',
    'Use {name} as the key:\n```json\n{"name": "Jason"}\n```',
    '```\n[{"id": 1}, {"id": 2}]\n```',
    '<think>unfinished thoughts {"a": 1}',
    'No JSON here, sorry.',
    '{"name": "Jas',
]


def extract_json_seeds():
    target = "fuzz_extract_json"
    for i, text in enumerate(MODEL_TEXTS):
        write(target, f"model-text-{i:02d}", bytes([0]) + text.encode())
    for i, document in enumerate(DOCUMENTS[:8]):
        write(target, f"wrapped-{i:02d}", bytes([1 + i % 3]) + document.encode())
    for provider, name, fixture in fixtures():
        body = fixture["body"]
        if isinstance(body, dict) and "choices" in body:
            content = body["choices"][0].get("message", {}).get("content")
            if isinstance(content, str) and ("{" in content or "[" in content):
                write(target, f"content-{provider}-{name}", bytes([0]) + content.encode())


# ---- corpus instances ------------------------------------------------------------------------------

# fuzz_from_json.cpp: kTypes, in the same order, with the test_corpus.cpp function of their instances.
FROM_JSON_TYPES = [
    "org_unit", "reasoning_step", "email_message", "question", "user_profile", "invoice", "calendar_event",
    "telemetry", "spreadsheet_cell", "payment", "tool_call_result", "profile_patch", "inventory", "article",
    "webhook", "inbox",
]


def corpus_instances():
    """Literal JSON instances in tests/test_corpus.cpp, by the function that lists them."""
    source = (ROOT / "tests" / "test_corpus.cpp").read_text()
    found = {}
    for match in re.finditer(r"std::vector<Instance> (\w+)_instances\(\) \{(.*?)\n\}", source, re.S):
        literals = []
        for raw in re.findall(r'R"\((.*?)\)"', match.group(2), re.S):
            try:
                json.loads(raw)
            except ValueError:
                continue  # a piece of a document built in code
            literals.append(raw)
        found[match.group(1)] = literals
    return found


def from_json_seeds():
    target = "fuzz_from_json"
    instances = corpus_instances()
    for index, name in enumerate(FROM_JSON_TYPES):
        literals = instances.get(name, [])
        if not literals:
            raise SystemExit(f"make_seeds.py: no literal instances of {name} in tests/test_corpus.cpp")
        for i, text in enumerate(literals[:2]):
            # options: strict, as a nlohmann::json value, throwing; varied across the seeds
            write(target, f"{name}-{i}", bytes([index, (index + i) % 8]) + text.encode())


# ---- answers through the client ------------------------------------------------------------------

# fuzz_extraction.cpp: kConfigs and kTypes, in the same order; kTypes' instances from test_corpus.cpp
# (UserDetail is the target's own { name, age }).
EXTRACTION_CONFIGS = [
    ("openai-compatible", "tools"), ("openai-compatible", "tools_strict"), ("openai-compatible", "parallel_tools"),
    ("openai-compatible", "json"), ("openai-compatible", "json_schema"), ("openai-compatible", "md_json"),
    ("mistral", "mistral_tools"), ("llama-cpp", "gbnf"), ("llama-cpp", "tools"), ("groq", "tools"),
    ("ollama-native", "json"), ("ollama-native", "json_schema"),
]
EXTRACTION_TYPES = [None, "invoice", "telemetry", "org_unit"]
CALLS = {"create": 0, "try_create": 1, "create_partial": 2, "create_iterable": 3}
DELIVERIES = {"callable": 0, "whole_text": 1, "chunks": 2, "small_chunks": 3}


def extraction_input(config, type_index, call, answers, delivery="callable", seed=0, text_instead=False,
                     other_name=False, ending=0, stop=False):
    shape = type_index | CALLS[call] << 2 | int(text_instead) << 4 | int(other_name) << 5 | ending << 6
    how = seed | DELIVERIES[delivery] << 5 | int(stop) << 7
    return bytes([config, shape, how]) + b"\xff".join(a.encode() for a in answers)


def extraction_seeds():
    target = "fuzz_extraction"
    instances = corpus_instances()
    # The longest literal instance of each type: the most complete answer.
    answers = [ARGUMENTS] + [max(instances[name], key=len) for name in EXTRACTION_TYPES[1:]]
    wrong_age = '{"name": "Jason", "age": 200}'
    for config, (provider, mode) in enumerate(EXTRACTION_CONFIGS):
        name = f"{provider}-{mode}"
        tools = "tools" in mode
        if mode == "parallel_tools":
            payment = max(instances["payment"], key=len)
            calls = ARGUMENTS.encode() + b"\xfe" + payment.encode()
            write(target, f"{name}-create", bytes([config, 0, 0]) + calls)
            unknown_first = CALLS["try_create"] << 2 | 1 << 5
            write(target, f"{name}-try-create-unknown-first", bytes([config, unknown_first, 0]) + calls)
            write(target, f"{name}-create-partial",
                  extraction_input(config, 0, "create_partial", [ARGUMENTS], "chunks", seed=5))
            continue
        for t, answer in enumerate(answers):
            write(target, f"{name}-{t}-create", extraction_input(config, t, "create", [answer]))
        t = config % len(answers)
        write(target, f"{name}-{t}-partial-chunks",
              extraction_input(config, t, "create_partial", [answers[t]], "chunks", seed=config % 32))
        write(target, f"{name}-iterable-whole-text",
              extraction_input(config, 0, "create_iterable", ['{"tasks": [' + ARGUMENTS + ", " + ARGUMENTS + "]}"],
                               "whole_text", seed=3))
        write(target, f"{name}-reask", extraction_input(config, 0, "try_create", [wrong_age, ARGUMENTS], "whole_text"))
        write(target, f"{name}-partial-reask-small-chunks",
              extraction_input(config, 0, "create_partial", [wrong_age, ARGUMENTS], "small_chunks", seed=config))
        if tools:
            write(target, f"{name}-answered-in-text",
                  extraction_input(config, 0, "create", [MODEL_TEXTS[0]], text_instead=True))
        else:
            for i in (0, 1, 2):
                write(target, f"{name}-model-text-{i}", extraction_input(config, 0, "create", [MODEL_TEXTS[i]]))
    # How a reply ends: cut off, a refusal, no finish reason (and the caller stopping a stream).
    for ending, label in ((1, "length"), (2, "refusal"), (3, "unfinished")):
        write(target, f"ending-{label}", extraction_input(3, 0, "create", [ARGUMENTS], ending=ending))
        write(target, f"ending-{label}-streamed",
              extraction_input(0, 0, "create_partial", [ARGUMENTS], "chunks", seed=2, ending=ending))
    write(target, "caller-stops-the-stream",
          extraction_input(3, 1, "create_partial", [answers[1]], "chunks", stop=True))


# ---- error replies ------------------------------------------------------------------------------------

# fuzz_error_bodies.cpp: kStatuses, in the same order.
ERROR_STATUSES = [400, 401, 403, 404, 408, 409, 413, 422, 429, 498, 500, 502, 503, 504, 529, 200,
                  0, 100, 204, 301, 304, 418, 451, 499, 501, 505, 507, 511, 599, 600, 999, -1,
                  2**31 - 1, -2**31]


def error_reply(status, provider, flags, headers, body):
    """The fuzz_error_bodies input: status, provider and flags, header lines, a blank line, the body."""
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    text = body if isinstance(body, str) else compact(body)
    selectors = bytes([ERROR_STATUSES.index(status), PROVIDERS.index(provider), flags])
    return selectors + ((head + "\n") if head else "\n\n").encode() + text.encode()


def error_body_seeds():
    target = "fuzz_error_bodies"
    # Every error fixture, each with another way for the client to get it: create (0), create_partial
    # (1), create_partial with the body as the stream's event (3) or its "event: error" (7), and one
    # HTTP retry (8).
    # (A body that is not JSON goes in no stream event: the event would not be JSON either.)
    ways = [0, 1, 3, 7, 8, 9]
    number = 0
    for provider, name, fixture in fixtures():
        if not name.startswith("error"):
            continue
        status = fixture["status"] if fixture["status"] in ERROR_STATUSES else 500
        way = ways[number % len(ways)]
        if isinstance(fixture["body"], str):
            way &= ~2
        headers = fixture.get("headers", {})
        write(target, f"{provider}-{name}", error_reply(status, provider, way, headers, fixture["body"]))
        number += 1
    # llama.cpp's error event inside a 200 stream (see llama_cpp_failing_tool_stream).
    event = {"error": {"code": 500, "type": "server_error",
                       "message": "The model produced output that does not match the expected peg-native format"}}
    write(target, "stream-llama-cpp-error-event", error_reply(200, "llama-cpp", 3, {}, event))


# ---- cassettes -----------------------------------------------------------------------------------------

# fuzz_cassette.cpp: the requests it sends, and its options bits.
CASSETTE_URL = "http://127.0.0.1:8080/v1/chat/completions"
PLAIN_BODY = {"model": "test", "messages": [{"role": "user", "content": "Extract"}], "seed": 1}
STREAMED_BODY = {"model": "test", "messages": [{"role": "user", "content": "Extract"}], "stream": True}
TEXT_BODY = "not JSON: a form post"
RECORD_MISSING, TWICE, STREAMED, TEXT, IGNORE = 1, 2, 4, 8, 16


def cassette_line(request_body, status, headers, body=None, chunks=None):
    request = {"method": "POST", "url": CASSETTE_URL, "headers": [["Content-Type", "application/json"]]}
    if isinstance(request_body, str):
        request["text"] = request_body
    else:
        request["body"] = request_body
    response = {"status": status, "headers": [[k, v] for k, v in headers.items()]}
    if chunks is not None:
        response["chunks"] = chunks
    elif isinstance(body, str):
        response["text"] = body
    else:
        response["body"] = body
    return compact({"request": request, "response": response})


def cassette(*lines):
    return "\n".join([compact({"instructor_cassette": 1}), *lines]) + "\n"


def cassette_seeds():
    target = "fuzz_cassette"
    # Recorded replies from the fixtures: a success, an error, a body that is not JSON.
    chosen = {("openai", "content_reply"), ("openai", "error_429_rate_limit_retry_after_ms"),
              ("groq", "error_400_tool_use_failed"), ("openai-compatible", "error_502_nginx_html"),
              ("llama-cpp", "tool_call_reply"), ("ollama-native", "structured_output_reply")}
    replies = [(f"{provider}-{name}", fixture) for provider, name, fixture in fixtures() if (provider, name) in chosen]
    for i, (name, fixture) in enumerate(replies):
        line = cassette_line(PLAIN_BODY, fixture["status"], fixture.get("headers", {}), fixture["body"])
        write(target, f"plain-{name}", bytes([i % 2]) + cassette(line).encode())
    success = replies[0][1]
    plain = cassette_line(PLAIN_BODY, 200, success.get("headers", {}), success["body"])
    retried = cassette_line(PLAIN_BODY, 503, {"Retry-After": "1"}, "busy")
    streamed = cassette_line(STREAMED_BODY, 200, {"Content-Type": "text/event-stream"},
                             chunks=pieces(STREAMS["openai-text"], 40))
    text = cassette_line(TEXT_BODY, 200, {}, body="form accepted")
    write(target, "plain-twice", bytes([TWICE]) + cassette(retried, plain).encode())
    write(target, "plain-twice-record-missing", bytes([TWICE | RECORD_MISSING]) + cassette(plain).encode())
    write(target, "streamed", bytes([STREAMED]) + cassette(plain, streamed).encode())
    write(target, "streamed-record-missing", bytes([STREAMED | RECORD_MISSING]) + cassette(plain).encode())
    write(target, "text-body", bytes([TEXT | TWICE]) + cassette(plain, text).encode())
    write(target, "everything-record-missing", bytes([RECORD_MISSING | TWICE | STREAMED | TEXT]) +
          cassette(plain, streamed, text).encode())
    ignored = dict(PLAIN_BODY, seed=7, messages=[{"role": "user", "content": "another day"}])
    write(target, "ignored-fields",
          bytes([IGNORE]) + cassette(cassette_line(ignored, 200, {}, success["body"])).encode())
    write(target, "header-only-record-missing", bytes([RECORD_MISSING | STREAMED]) + cassette().encode())
    write(target, "crlf-and-blank-lines", bytes([0]) + cassette(plain).replace("\n", "\r\n\n").encode())
    # The example's cassette: a real recording, none of whose requests the harness sends.
    example = (ROOT / "examples" / "cassettes" / "meeting_minutes.jsonl").read_bytes()
    write(target, "example-meeting-minutes", bytes([0]) + example)
    write(target, "example-meeting-minutes-record-missing", bytes([RECORD_MISSING]) + example)


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    framing_seeds()
    provider_reply_seeds()
    partial_json_seeds()
    extract_json_seeds()
    from_json_seeds()
    extraction_seeds()
    error_body_seeds()
    cassette_seeds()
    for directory in sorted(CORPUS.iterdir()):
        files = list(directory.iterdir())
        print(f"{directory.relative_to(ROOT)}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
