// The Batch APIs of OpenAI, Groq, Together and Mistral, from their official OpenAPI specs. They
// share OpenAI's shape (upload a JSONL file, create a batch over it, poll, download the output and
// error files); what differs is data (BatchDialect::Settings): paths, the upload's fields, the line
// format, how a job names its model and window, the words for each status.
#include <instructor/batch_dialect.hpp>

#include <array>
#include <cctype>
#include <utility>

#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/json_writer.hpp>
#include <instructor/detail/transport/multipart.hpp>
#include <instructor/error.hpp>

#include "common.hpp"

namespace instructor {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

[[noreturn]] void unexpected(std::string_view provider, std::string_view body, std::string why) {
    providers::throw_unexpected_reply(provider, 200, {}, body, std::move(why));
}

std::string joined(std::string_view base_url, std::string_view path) {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url.append(path);
}

// An id in a URL path: ids are the provider's own, but one that is not a plain token must not
// change the path.
std::string path_segment(std::string_view id) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : id) {
        if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4U]);
            out.push_back(hex[c & 15U]);
        }
    }
    return out;
}

HttpRequest get(std::string url, HttpHeaders headers) {
    // A GET has no body to describe.
    std::erase_if(headers, [](const auto& header) {
        std::string name = header.first;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return name == "content-type";
    });
    return HttpRequest{.method = "GET", .url = std::move(url), .headers = std::move(headers)};
}

HttpRequest post_json(std::string url, HttpHeaders headers, std::string body) {
    set_headers(headers, {{"Content-Type", "application/json"}});
    return HttpRequest{.method = "POST", .url = std::move(url), .headers = std::move(headers), .body = std::move(body)};
}

BatchStatus status_from(std::string_view word, bool& known) {
    std::string lower(word);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static constexpr std::array<std::pair<std::string_view, BatchStatus>, 14> words{{
        {"validating", BatchStatus::validating},
        {"queued", BatchStatus::validating},
        {"in_progress", BatchStatus::in_progress},
        {"running", BatchStatus::in_progress},
        {"finalizing", BatchStatus::finalizing},
        {"completed", BatchStatus::completed},
        {"success", BatchStatus::completed},
        {"failed", BatchStatus::failed},
        {"expired", BatchStatus::expired},
        {"timeout_exceeded", BatchStatus::expired},
        {"cancelling", BatchStatus::cancelling},
        {"cancellation_requested", BatchStatus::cancelling},
        {"cancelled", BatchStatus::cancelled},
        {"canceled", BatchStatus::cancelled},
    }};
    for (const auto& [name, status] : words)
        if (lower == name) {
            known = true;
            return status;
        }
    known = false;
    return BatchStatus::validating;
}

std::int64_t first_count(const json& object, std::initializer_list<const char*> keys) {
    for (const char* key : keys)
        if (const json& value = providers::member(object, key); value.is_number())
            return providers::count_field(object, key);
    return 0;
}

}  // namespace

std::string_view to_string(BatchStatus status) noexcept {
    switch (status) {
        case BatchStatus::validating: return "validating";
        case BatchStatus::in_progress: return "in_progress";
        case BatchStatus::finalizing: return "finalizing";
        case BatchStatus::completed: return "completed";
        case BatchStatus::failed: return "failed";
        case BatchStatus::expired: return "expired";
        case BatchStatus::cancelling: return "cancelling";
        case BatchStatus::cancelled: return "cancelled";
    }
    return "unknown";
}

bool is_final(BatchStatus status) noexcept {
    return status == BatchStatus::completed || status == BatchStatus::failed || status == BatchStatus::expired ||
           status == BatchStatus::cancelled;
}

std::string BatchDialect::id_problem(std::string_view id) const {
    if (id.empty()) return "is empty";
    if (id.size() > settings_.limits.max_id_length)
        return "is " + std::to_string(id.size()) + " bytes long; " + std::string(settings_.name) + " takes at most " +
               std::to_string(settings_.limits.max_id_length);
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (c <= 0x20 || c >= 0x7F)
            return "has a byte that is not printable ASCII (0x" + std::string(1, "0123456789abcdef"[c >> 4U]) +
                   std::string(1, "0123456789abcdef"[c & 15U]) + ") at offset " + std::to_string(i) +
                   "; use letters, digits and punctuation";
    }
    return {};
}

std::string BatchDialect::options_problem(const BatchCreateOptions& options) const {
    const std::string who(settings_.name);
    const auto window = options.completion_window;
    if (window < settings_.min_window || window > settings_.max_window) {
        const auto hours = [](std::chrono::hours h) { return std::to_string(h.count()) + " h"; };
        return "a completion window of " + hours(window) + ": " + who + " takes " +
               (settings_.min_window == settings_.max_window
                    ? hours(settings_.min_window)
                    : hours(settings_.min_window) + " to " + hours(settings_.max_window));
    }
    if ((settings_.mistral_job || settings_.together_job) && options.model.empty())
        return who + " names the model on the batch: give the requests (or the client) a model";
    if (options.metadata.size() > settings_.max_metadata_pairs)
        return std::to_string(options.metadata.size()) + " metadata pairs; " + who + " takes at most " +
               std::to_string(settings_.max_metadata_pairs);
    for (const auto& [key, value] : options.metadata) {
        if (key.empty() || key.size() > settings_.max_metadata_key)
            return "the metadata key \"" + key + "\": " + who + " takes keys of 1 to " +
                   std::to_string(settings_.max_metadata_key) + " characters";
        if (value.size() > settings_.max_metadata_value || (settings_.mistral_job && value.empty()))
            return "the metadata value of \"" + key + "\": " + who + " takes values of " +
                   (settings_.mistral_job ? "1" : "0") + " to " + std::to_string(settings_.max_metadata_value) +
                   " characters";
    }
    return {};
}

void BatchDialect::write_line(std::string& out, std::string_view custom_id, std::string_view body) const {
    out += R"({"custom_id":)";
    detail::write_json_string(custom_id, out);
    if (settings_.line_method_url) out += R"(,"method":"POST","url":"/v1/chat/completions")";
    out += R"(,"body":)";
    if (settings_.line_model) {
        out += body;
    } else {
        // The job names the model: the body without it. write_body puts it first, so it is cut
        // from the text; a body written another way (extra fields merged) goes through a DOM.
        std::string prefix = R"({"model":)";
        if (body.starts_with(prefix)) {
            detail::JsonCursor cursor(body.substr(prefix.size()), 4);
            std::string_view model;
            if (cursor.skip_span(model)) {
                const std::size_t after = prefix.size() + cursor.offset();
                if (after < body.size() && body[after] == ',') {
                    out += '{';
                    out += body.substr(after + 1);
                    out += "}\n";
                    return;
                }
            }
        }
        ordered_json parsed = ordered_json::parse(body);
        parsed.erase("model");
        detail::write_json(parsed, out);
    }
    out += "}\n";
}

BatchResultLine BatchDialect::read_line(std::string_view line, const Limits& limits) const {
    if (line.size() > limits.max_bytes)
        detail::throw_too_large(line, line.size(), limits, "a result line from " + std::string(settings_.name));
    BatchResultLine result;
    detail::JsonCursor cursor(line, limits.max_depth);
    const auto bad = [&](const std::string& why) {
        if (cursor.too_deep())
            throw LimitError("a result line from " + std::string(settings_.name) +
                                 " nests deeper than Limits::max_depth (" + std::to_string(limits.max_depth) + ")",
                             "max_depth", limits.max_depth, std::string(line.substr(0, 200)));
        unexpected(settings_.name, line, "a result line that is not one: " + why);
    };
    std::string_view key;
    if (!cursor.begin_object()) bad("not a JSON object");
    bool has_id = false;
    for (bool more = cursor.first_member(key); more; more = cursor.next_member(key)) {
        if (key == "custom_id" && cursor.peek() == detail::JsonCursor::Kind::string) {
            std::string_view id;
            if (!cursor.string(id)) bad("custom_id");
            result.custom_id = id;
            has_id = true;
        } else if (key == "response" && cursor.peek() == detail::JsonCursor::Kind::object) {
            (void)cursor.begin_object();
            std::string_view inner;
            for (bool more_inner = cursor.first_member(inner); more_inner; more_inner = cursor.next_member(inner)) {
                if (inner == "status_code" && cursor.peek() == detail::JsonCursor::Kind::number) {
                    std::string_view number;
                    if (!cursor.number(number)) bad("status_code");
                    int status = 0;
                    for (const char c : number) {
                        if (c < '0' || c > '9' || status > 999) bad("status_code " + std::string(number));
                        status = status * 10 + (c - '0');
                    }
                    result.status_code = status;
                } else if (inner == "request_id" && cursor.peek() == detail::JsonCursor::Kind::string) {
                    std::string_view id;
                    if (!cursor.string(id)) bad("request_id");
                    result.request_id = id;
                } else if (inner == "body") {
                    // A body as a JSON string (some servers double-encode it) is read as its text.
                    if (cursor.peek() == detail::JsonCursor::Kind::string) {
                        std::string_view text;
                        if (!cursor.string(text)) bad("body");
                        result.body = text;
                    } else {
                        std::string_view span;
                        if (!cursor.skip_span(span)) bad("body");
                        result.body = span;
                    }
                } else if (!cursor.skip()) {
                    bad("response");
                }
            }
            if (cursor.failed()) bad("response");
        } else if (key == "error" && cursor.peek() == detail::JsonCursor::Kind::object) {
            (void)cursor.begin_object();
            std::string_view inner;
            for (bool more_inner = cursor.first_member(inner); more_inner; more_inner = cursor.next_member(inner)) {
                if ((inner == "code" || inner == "message") && cursor.peek() == detail::JsonCursor::Kind::string) {
                    std::string_view text;
                    if (!cursor.string(text)) bad("error");
                    (inner == "code" ? result.error_code : result.error_message) = text;
                } else if (!cursor.skip()) {
                    bad("error");
                }
            }
            if (cursor.failed()) bad("error");
        } else if (key == "error" && cursor.peek() == detail::JsonCursor::Kind::string) {
            std::string_view text;
            if (!cursor.string(text)) bad("error");
            result.error_message = text;
        } else if (!cursor.skip()) {
            bad(std::string(key));
        }
    }
    if (cursor.failed() || !cursor.at_end()) bad("not valid JSON");
    if (!has_id) bad("no custom_id");
    if (result.status_code == 0 && result.error_message.empty() && result.error_code.empty())
        bad("neither a response nor an error");
    return result;
}

HttpRequest BatchDialect::upload_request(std::string_view base_url, HttpHeaders headers, std::string_view file_name,
                                         std::string_view content) const {
    detail::MultipartForm form;
    form.add_field("purpose", settings_.purpose);
    if (settings_.file_name_field) {
        form.add_field("file_name", file_name);
        form.add_field("file_type", "jsonl");
    }
    form.add_file("file", file_name, "application/jsonl", content);
    std::string body = form.body();
    set_headers(headers, {{"Content-Type", form.content_type()}});
    return HttpRequest{.method = "POST",
                       .url = joined(base_url, settings_.upload_path),
                       .headers = std::move(headers),
                       .body = std::move(body)};
}

std::string BatchDialect::uploaded_file_id(std::string_view body, const Limits& limits) const {
    const json reply = detail::read_json(body, limits, "the upload reply from " + std::string(settings_.name));
    std::string id = providers::string_field(reply, "id");
    if (id.empty()) unexpected(settings_.name, body, "an upload reply without a file id");
    return id;
}

HttpRequest BatchDialect::create_request(std::string_view base_url, HttpHeaders headers, std::string_view input_file_id,
                                         const BatchCreateOptions& options) const {
    if (std::string problem = options_problem(options); !problem.empty())
        throw ConfigurationError("a batch on " + std::string(settings_.name) + " cannot have " + problem);
    ordered_json body;
    const std::string window = std::to_string(options.completion_window.count()) + "h";
    if (settings_.mistral_job) {
        body["input_files"] = {std::string(input_file_id)};
        body["endpoint"] = endpoint();
        body["model"] = options.model;
        if (!options.metadata.empty()) body["metadata"] = options.metadata;
        body["timeout_hours"] = options.completion_window.count();
    } else {
        body["input_file_id"] = input_file_id;
        body["endpoint"] = endpoint();
        body["completion_window"] = window;
        if (settings_.together_job) body["model_id"] = options.model;
        if (!options.metadata.empty() && !settings_.together_job) body["metadata"] = options.metadata;
    }
    return post_json(joined(base_url, settings_.batches_path), std::move(headers), detail::write_json(body));
}

HttpRequest BatchDialect::status_request(std::string_view base_url, HttpHeaders headers,
                                         std::string_view batch_id) const {
    return get(joined(base_url, settings_.batches_path) + "/" + path_segment(batch_id), std::move(headers));
}

HttpRequest BatchDialect::cancel_request(std::string_view base_url, HttpHeaders headers,
                                         std::string_view batch_id) const {
    return post_json(joined(base_url, settings_.batches_path) + "/" + path_segment(batch_id) + "/cancel",
                     std::move(headers), {});
}

HttpRequest BatchDialect::content_request(std::string_view base_url, HttpHeaders headers,
                                          std::string_view file_id) const {
    return get(joined(base_url, "/files/") + path_segment(file_id) + std::string(settings_.content_path_suffix),
               std::move(headers));
}

BatchState BatchDialect::read_batch(std::string_view body, const Limits& limits) const {
    const json reply = detail::read_json(body, limits, "the batch reply from " + std::string(settings_.name));
    if (!reply.is_object()) unexpected(settings_.name, body, "a batch reply that is not a JSON object");
    // Together's create answers {"job": {...}, "warning": ...}.
    const json& job = settings_.together_job && providers::member(reply, "job").is_object() ? reply["job"] : reply;
    BatchState state;
    state.id = providers::string_field(job, "id");
    state.provider_status = providers::string_field(job, "status");
    if (state.id.empty()) unexpected(settings_.name, body, "a batch reply without an id");
    bool known = false;
    state.status = status_from(state.provider_status, known);
    if (!known)
        unexpected(settings_.name, body,
                   "a batch status \"" + state.provider_status + "\" that " + std::string(settings_.name) +
                       "'s Batch API does not document");
    const json& counts = providers::member_object(job, "request_counts");
    state.total = first_count(counts, {"total"}) + first_count(job, {"total_requests"});
    state.succeeded = first_count(counts, {"completed"}) + first_count(job, {"succeeded_requests"});
    state.failed = first_count(counts, {"failed"}) + first_count(job, {"failed_requests"});
    if (const json& progress = providers::member(job, "progress"); progress.is_number())
        state.percent = progress.get<double>();
    state.output_file_id = providers::string_field(job, "output_file_id");
    if (state.output_file_id.empty()) state.output_file_id = providers::string_field(job, "output_file");
    state.error_file_id = providers::string_field(job, "error_file_id");
    if (state.error_file_id.empty()) state.error_file_id = providers::string_field(job, "error_file");
    // OpenAI and Groq: errors {data: [...]}; Mistral: errors [...]; Together: error "text".
    const json& errors = providers::member(job, "errors");
    const json& list = errors.is_array() ? errors : providers::member(errors, "data");
    if (list.is_array()) {
        for (const json& e : list) {
            BatchLineError error{.code = providers::string_field(e, "code"),
                                 .message = providers::string_field(e, "message"),
                                 .line = std::nullopt,
                                 .param = providers::string_field(e, "param")};
            if (const json& line = providers::member(e, "line"); line.is_number_integer())
                error.line = line.get<std::int64_t>();
            if (const json& count = providers::member(e, "count");
                count.is_number_integer() && count.get<std::int64_t>() > 1)
                error.message += " (" + std::to_string(count.get<std::int64_t>()) + " times)";
            state.errors.push_back(std::move(error));
        }
    }
    if (std::string error = providers::string_field(job, "error"); !error.empty())
        state.errors.push_back(
            BatchLineError{.code = {}, .message = std::move(error), .line = std::nullopt, .param = {}});
    return state;
}

const BatchDialect* find_batch_dialect(std::string_view provider_name) noexcept {
    static const BatchDialect openai(BatchDialect::Settings{
        .name = "openai",
        .upload_path = "/files",
        .purpose = "batch",
        .batches_path = "/batches",
        .content_path_suffix = "/content",
        .line_method_url = true,
        .limits = {.max_lines = 50'000, .max_file_bytes = std::size_t{200} << 20U, .max_id_length = 512},
    });
    static const BatchDialect groq(BatchDialect::Settings{
        .name = "groq",
        .upload_path = "/files",
        .purpose = "batch",
        .batches_path = "/batches",
        .content_path_suffix = "/content",
        .line_method_url = true,
        .max_window = std::chrono::hours(7 * 24),
        .limits = {.max_lines = 50'000, .max_file_bytes = std::size_t{100} << 20U, .max_id_length = 512},
    });
    static const BatchDialect together(BatchDialect::Settings{
        .name = "together",
        .upload_path = "/files/upload",
        .purpose = "batch-api",
        .file_name_field = true,
        .batches_path = "/batches",
        .content_path_suffix = "/content",
        .together_job = true,
        .min_window = std::chrono::hours(1),
        .max_window = std::chrono::hours(7 * 24),
        .max_metadata_pairs = 0,  // its CreateBatchRequest has no metadata
        .limits = {.max_lines = 50'000, .max_file_bytes = std::size_t{100} << 20U, .max_id_length = 64},
    });
    static const BatchDialect mistral(BatchDialect::Settings{
        .name = "mistral",
        .upload_path = "/files",
        .purpose = "batch",
        .batches_path = "/batch/jobs",
        .content_path_suffix = "/content",
        .line_model = false,
        .mistral_job = true,
        .min_window = std::chrono::hours(1),
        .max_window = std::chrono::hours(168),
        .max_metadata_key = 32,
        .limits = {.max_lines = 1'000'000, .max_file_bytes = std::size_t{512} << 20U, .max_id_length = 512},
    });
    if (provider_name == "openai") return &openai;
    if (provider_name == "groq") return &groq;
    if (provider_name == "together") return &together;
    if (provider_name == "mistral") return &mistral;
    return nullptr;
}

const BatchDialect& batch_dialect(const Provider& provider) {
    if (const BatchDialect* dialect = find_batch_dialect(provider.name())) return *dialect;
    const std::string name(provider.name());
    throw ConfigurationError(
        name + " has no Batch API (" +
        (name == "openai-compatible" ? "unless the server has one: then set "
                                       "BatchJobOptions::batch_api = \"openai\""
                                     : "openai, groq, together and mistral have one") +
        "); run the same requests with client.create_many<T>(requests), or set BatchJobOptions::run_live");
}

}  // namespace instructor
