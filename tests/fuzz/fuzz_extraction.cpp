// The model's answer through the whole client loop, in every mode the providers offer: whatever a
// model writes (and a model can be steered by the text it reads), create<T> and the streamed calls
// may throw only instructor::Error, and try_create<T> nothing at all. The answer reaches the client
// as a whole reply from a from_callable backend (the in-process path), as a whole reply from a
// callable transport (raw text: bytes that are not UTF-8 get through too), or as a stream (SSE, or
// NDJSON for Ollama's own API) returned whole or handed over piece by piece through on_chunk.
// Each call may re-ask once (max_retries 1), within a 1 MiB bound on what it reads.
//
// Input: [config][shape][delivery][answers...]
//  - config: a provider and mode of kConfigs;
//  - shape: bits 0-1 the type asked for (kTypes), bits 2-3 the call (create, try_create,
//    create_partial, create_iterable), bit 4 a tool mode's model answers in text instead of calling
//    the function, bit 5 the call names another function (in parallel_tools: the names start at
//    the second alternative), bits 6-7 how the reply ends (kEndings);
//  - delivery: bits 0-4 where a stream cuts the answer into events (fuzz::pieces, moved to the
//    next character boundary), bits 5-6 how the reply comes (kDeliveries), bit 7 a streamed
//    call's caller stops at the third update;
//  - answers: the answer to each attempt, separated by 0xFF bytes (never in UTF-8), the last one
//    answering every later attempt. In parallel_tools mode, 0xFE bytes separate the calls of one answer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include <instructor/instructor.hpp>

#include "corpus/corpus_types.hpp"
#include "fuzz_support.hpp"

namespace extraction_fuzz {

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

}  // namespace extraction_fuzz

namespace {

using extraction_fuzz::UserDetail;
using json = nlohmann::json;
using instructor::Mode;

enum class Dialect { openai, ollama_native };

struct Config {
    const char* provider;
    Mode mode;
    Dialect dialect;
};

// Every mode, each with a provider that offers it; the OpenAI dialect's variants (Groq, Mistral,
// llama.cpp) decode replies a little differently, so some modes come twice.
constexpr Config kConfigs[] = {
    {"openai-compatible", Mode::tools, Dialect::openai},
    {"openai-compatible", Mode::tools_strict, Dialect::openai},
    {"openai-compatible", Mode::parallel_tools, Dialect::openai},
    {"openai-compatible", Mode::json, Dialect::openai},
    {"openai-compatible", Mode::json_schema, Dialect::openai},
    {"openai-compatible", Mode::md_json, Dialect::openai},
    {"mistral", Mode::mistral_tools, Dialect::openai},
    {"llama-cpp", Mode::gbnf, Dialect::openai},
    {"llama-cpp", Mode::tools, Dialect::openai},
    {"groq", Mode::tools, Dialect::openai},
    {"ollama-native", Mode::json, Dialect::ollama_native},
    {"ollama-native", Mode::json_schema, Dialect::ollama_native},
};

enum class Call { create, try_create, create_partial, create_iterable };
constexpr const char* kCallNames[] = {"create", "try_create", "create_partial", "create_iterable"};

enum class Ending {
    normal,     // finish reason "stop" (or "tool_calls"), usage
    length,     // finish reason "length": cut off
    refusal,    // the answer is a refusal
    unfinished  // no finish reason, no usage
};
constexpr Ending kEndings[] = {Ending::normal, Ending::length, Ending::refusal, Ending::unfinished};

enum class Delivery {
    callable,      // from_callable: a whole reply, as JSON (a streamed call reads it whole)
    whole_text,    // a callable transport: the reply's text, returned whole (a stream, for a streamed call)
    chunks,        // the same through on_chunk, in pieces of up to 64 bytes (a streamed call; else whole_text)
    small_chunks,  // on_chunk in pieces of 0 to 31 bytes (fuzz::pieces)
};
constexpr Delivery kDeliveries[] = {Delivery::callable, Delivery::whole_text, Delivery::chunks, Delivery::small_chunks};

struct Shape {
    Config config{};
    Call call = Call::create;
    bool text_instead_of_call = false;
    bool other_name = false;
    Ending ending = Ending::normal;
    std::uint8_t split_seed = 0;
    Delivery delivery = Delivery::callable;
    bool stop_early = false;
    std::vector<std::string_view> answers;
};

// A JSON string of `text`: quotes, backslashes and control characters escaped, every other byte
// as it is (so that an answer that is not UTF-8 reaches the client as such).
std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (b < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", b);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + '"';
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

// The answer cut into the pieces a stream sends, one event each (fuzz::pieces), never inside a
// UTF-8 character: a server sends each event as JSON, which a cut character is not. (A character
// that is not whole in the answer itself goes out as it is.)
std::vector<std::string_view> event_pieces(std::string_view text, std::uint8_t seed) {
    std::vector<std::string_view> pieces;
    for (const auto piece : fuzz::pieces(text, seed)) {
        const bool continues = !piece.empty() && (static_cast<unsigned char>(piece.front()) & 0xC0U) == 0x80U;
        if (continues && !pieces.empty())
            pieces.back() = std::string_view(pieces.back().data(), pieces.back().size() + piece.size());
        else
            pieces.push_back(piece);
    }
    return pieces;
}

// The function calls of one answer: its name and arguments each.
struct ToolCallText {
    std::string name;
    std::string_view arguments;
};

class Replies {
public:
    Replies(const Shape& shape, std::vector<std::string> names) : shape_(shape), names_(std::move(names)) {}

    [[nodiscard]] std::string_view answer(int attempt) const {
        const auto& answers = shape_.answers;
        return answers[std::min<std::size_t>(static_cast<std::size_t>(attempt), answers.size() - 1)];
    }

    /// The whole reply to attempt `attempt` (0 for the first), as the provider writes it.
    [[nodiscard]] std::string whole(int attempt) const {
        const std::string_view text = answer(attempt);
        if (shape_.config.dialect == Dialect::ollama_native) {
            return R"({"model":"test","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":)" +
                   json_string(text) + R"(},"done":true,"done_reason":)" +
                   (shape_.ending == Ending::length ? "\"length\"" : "\"stop\"") +
                   (shape_.ending == Ending::unfinished ? "" : R"(,"prompt_eval_count":20,"eval_count":8)") + "}";
        }
        std::string message = R"({"role":"assistant","content":)";
        const auto calls = tool_calls(text);
        if (shape_.ending == Ending::refusal) {
            message += "null,\"refusal\":" + json_string(text);
        } else if (calls.empty()) {
            message += json_string(text);
        } else {
            message += "null,\"tool_calls\":[";
            for (std::size_t i = 0; i < calls.size(); ++i) {
                message += (i == 0 ? "" : ",") + std::string(R"({"id":"call_)") + std::to_string(i) +
                           R"(","type":"function","function":{"name":)" + json_string(calls[i].name) +
                           ",\"arguments\":" + json_string(calls[i].arguments) + "}}";
            }
            message += "]";
        }
        message += "}";
        return R"({"id":"chatcmpl-f","object":"chat.completion","created":1,"model":"test",)"
               R"("choices":[{"index":0,"message":)" +
               message + R"(,"finish_reason":)" + finish_reason(!calls.empty()) + "}]" + usage() + "}";
    }

    /// The streamed reply to attempt `attempt`: SSE in the OpenAI dialect, NDJSON in Ollama's.
    [[nodiscard]] std::string stream(int attempt) const {
        const std::string_view text = answer(attempt);
        std::string body;
        if (shape_.config.dialect == Dialect::ollama_native) {
            for (const auto piece : event_pieces(text, shape_.split_seed))
                body += R"({"model":"test","message":{"role":"assistant","content":)" + json_string(piece) +
                        R"(},"done":false})" + "\n";
            if (shape_.ending != Ending::unfinished)
                body += std::string(R"({"model":"test","message":{"role":"assistant","content":""},)"
                                    R"("done":true,"done_reason":)") +
                        (shape_.ending == Ending::length ? "\"length\"" : "\"stop\"") +
                        R"(,"prompt_eval_count":20,"eval_count":8})" + "\n";
            return body;
        }
        const auto event = [&](const std::string& delta, const std::string& finish = "null") {
            body += R"(data: {"id":"chatcmpl-f","object":"chat.completion.chunk","model":"test",)"
                    R"("choices":[{"index":0,"delta":)" +
                    delta + R"(,"finish_reason":)" + finish + "}]}\n\n";
        };
        event(R"({"role":"assistant","content":""})");
        const auto calls = tool_calls(text);
        if (shape_.ending == Ending::refusal || calls.empty()) {
            const std::string field = shape_.ending == Ending::refusal ? "{\"refusal\":" : "{\"content\":";
            for (const auto piece : event_pieces(text, shape_.split_seed)) event(field + json_string(piece) + "}");
        } else {
            for (std::size_t i = 0; i < calls.size(); ++i) {
                const std::string index = std::to_string(i);
                event(R"({"tool_calls":[{"index":)" + index + R"(,"id":"call_)" + index +
                      R"(","type":"function","function":{"name":)" + json_string(calls[i].name) +
                      R"(,"arguments":""}}]})");
                for (const auto piece : event_pieces(calls[i].arguments, shape_.split_seed))
                    event(R"({"tool_calls":[{"index":)" + index + R"(,"function":{"arguments":)" + json_string(piece) +
                          "}}]}");
            }
        }
        if (shape_.ending != Ending::unfinished) {
            event("{}", finish_reason(!calls.empty()));
            body += R"(data: {"id":"chatcmpl-f","object":"chat.completion.chunk","choices":[])" + usage() + "}\n\n";
        }
        return body + "data: [DONE]\n\n";
    }

private:
    [[nodiscard]] std::vector<ToolCallText> tool_calls(std::string_view text) const {
        std::vector<ToolCallText> calls;
        if (!instructor::is_tool_mode(shape_.config.mode) || shape_.text_instead_of_call ||
            shape_.ending == Ending::refusal)
            return calls;
        if (shape_.config.mode == Mode::parallel_tools) {
            const auto parts = split(text, '\xFE');
            for (std::size_t i = 0; i < parts.size(); ++i)
                calls.push_back({names_[(i + (shape_.other_name ? 1 : 0)) % names_.size()], parts[i]});
            return calls;
        }
        calls.push_back({shape_.other_name ? "Unknown" : names_.front(), text});
        return calls;
    }

    [[nodiscard]] std::string finish_reason(bool called) const {
        switch (shape_.ending) {
            case Ending::length: return "\"length\"";
            case Ending::unfinished: return "null";
            case Ending::normal:
            case Ending::refusal: break;
        }
        return called ? "\"tool_calls\"" : "\"stop\"";
    }

    [[nodiscard]] std::string usage() const {
        return shape_.ending == Ending::unfinished
                   ? std::string()
                   : R"(,"usage":{"prompt_tokens":20,"completion_tokens":8,"total_tokens":28})";
    }

    const Shape& shape_;
    std::vector<std::string> names_;
};

instructor::Request ask() {
    return {.model = "test", .messages = {instructor::user("Extract the details")}, .max_retries = 1};
}

instructor::ClientOptions client_options() {
    instructor::ClientOptions options;
    options.limits.max_bytes = std::size_t{1} << 20U;
    options.http_retries.max_retries = 0;
    return options;
}

// The client the shape asks for, answering from `replies`; `attempt` counts the sends.
instructor::Client client_for(const Shape& shape, const Replies& replies, const std::shared_ptr<int>& attempt,
                              bool streamed) {
    const instructor::Provider& provider = instructor::provider(shape.config.provider);
    if (shape.delivery == Delivery::callable) {
        return instructor::from_callable(
            [&replies, attempt](const json&) {
                const json reply = json::parse(replies.whole((*attempt)++), nullptr, /*allow_exceptions=*/false);
                // What from_callable does with a reply nlohmann cannot write (not UTF-8): a TransportError.
                if (reply.is_discarded()) throw std::runtime_error("the answer is not UTF-8");
                return reply;
            },
            shape.config.mode, provider, client_options());
    }
    const Delivery delivery = shape.delivery;
    const std::uint8_t seed = shape.split_seed;
    instructor::Transport transport = [&replies, attempt, streamed, delivery,
                                       seed](const instructor::HttpRequest& request) {
        const int number = (*attempt)++;
        std::string body = streamed ? replies.stream(number) : replies.whole(number);
        if (!request.on_chunk || delivery == Delivery::whole_text)
            return instructor::HttpResponse{.status = 200, .headers = {}, .body = std::move(body)};
        std::string_view rest = body;
        if (delivery == Delivery::small_chunks) {
            for (const auto piece : fuzz::pieces(rest, seed | 1u))
                if (!request.on_chunk(piece)) break;
        } else {
            for (std::uint32_t state = seed; !rest.empty();) {
                state = state * 1664525u + 1013904223u;
                const std::size_t length = std::min<std::size_t>(1 + (state >> 16U) % 64, rest.size());
                if (!request.on_chunk(rest.substr(0, length))) break;
                rest.remove_prefix(length);
            }
        }
        return instructor::HttpResponse{.status = 200, .headers = {}, .body = {}};
    };
    return instructor::Client(provider, shape.config.mode, client_options(), std::move(transport));
}

std::string where(const Shape& shape, const char* type) {
    return std::string(kCallNames[static_cast<int>(shape.call)]) + "<" + type + "> in mode " +
           std::string(instructor::to_string(shape.config.mode)) + " (" + shape.config.provider + ")";
}

// Runs the call; create and the streamed calls may throw only instructor::Error, try_create nothing.
template <class Run>
void check_call(const Shape& shape, const char* type, Run&& run) {
    const std::string what = where(shape, type);
    if (shape.call != Call::try_create) {
        fuzz::throws_only_instructor_errors(what, run);
        return;
    }
    try {
        run();
    } catch (const std::exception& e) {
        fuzz::finding(what + " threw " + fuzz::type_name(e) + ", and try_create never throws: " + e.what());
    } catch (...) {
        fuzz::finding(what + " threw something that is not even a std::exception, and try_create never throws");
    }
}

template <class T>
std::vector<std::string> tool_names() {
    return {instructor::response_model<T>().name};
}

// A struct asked for with each call.
template <class T>
void extract(const Shape& shape, const char* type) {
    const auto attempt = std::make_shared<int>(0);
    const bool streamed = shape.call == Call::create_partial || shape.call == Call::create_iterable;
    const Replies replies(shape, shape.call == Call::create_iterable ? tool_names<std::vector<T>>() : tool_names<T>());
    const instructor::Client client = client_for(shape, replies, attempt, streamed);
    int updates = 0;
    const auto more = [&] { return !(shape.stop_early && ++updates >= 3); };
    check_call(shape, type, [&] {
        switch (shape.call) {
            case Call::create: (void)client.create<T>(ask()); break;
            case Call::try_create: (void)client.try_create<T>(ask()); break;
            case Call::create_partial: (void)client.create_partial<T>(ask(), [&](const T&) { return more(); }); break;
            case Call::create_iterable: client.create_iterable<T>(ask(), [&](T) { return more(); }); break;
        }
    });
}

// parallel_tools: a list of calls, each to one of the alternatives (create and try_create); the
// streamed calls ask for the first alternative.
using Parallel = std::vector<std::variant<UserDetail, corpus::Payment>>;

void extract_parallel(const Shape& shape) {
    if (shape.call == Call::create_partial || shape.call == Call::create_iterable) {
        extract<UserDetail>(shape, "UserDetail");
        return;
    }
    const auto attempt = std::make_shared<int>(0);
    const Replies replies(shape, {instructor::response_model<UserDetail>().name,
                                  instructor::response_model<corpus::Payment>().name, "Unknown"});
    const instructor::Client client = client_for(shape, replies, attempt, false);
    check_call(shape, "vector<variant<UserDetail, Payment>>", [&] {
        if (shape.call == Call::create)
            (void)client.create<Parallel>(ask());
        else
            (void)client.try_create<Parallel>(ask());
    });
}

using Extract = void (*)(const Shape&);

constexpr Extract kTypes[] = {
    [](const Shape& s) { extract<UserDetail>(s, "UserDetail"); },
    [](const Shape& s) { extract<corpus::Invoice>(s, "Invoice"); },
    [](const Shape& s) { extract<corpus::TelemetryFrame>(s, "TelemetryFrame"); },
    [](const Shape& s) { extract<corpus::OrgUnit>(s, "OrgUnit"); },
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::Input input(data, size);
    Shape shape;
    shape.config = kConfigs[input.byte() % std::size(kConfigs)];
    const std::uint8_t bits = input.byte();
    const std::uint8_t delivery = input.byte();
    shape.call = static_cast<Call>((bits >> 2U) & 3U);
    shape.text_instead_of_call = (bits & 0x10U) != 0;
    shape.other_name = (bits & 0x20U) != 0;
    shape.ending = kEndings[(bits >> 6U) & 3U];
    shape.split_seed = delivery & 0x1FU;
    shape.delivery = kDeliveries[(delivery >> 5U) & 3U];
    shape.stop_early = (delivery & 0x80U) != 0;
    shape.answers = split(input.rest(), '\xFF');

    if (shape.config.mode == Mode::parallel_tools)
        extract_parallel(shape);
    else
        kTypes[bits & 3U](shape);
    return 0;
}
