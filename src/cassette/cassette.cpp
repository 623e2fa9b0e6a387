#include <instructor/cassette.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/text_excerpt.hpp>

namespace instructor {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr int kFormatVersion = 1;

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Names that carry credentials, in headers and in URL queries: never written to a cassette.
bool secret_name(std::string_view name) {
    const std::string n = lowercase(name);
    for (const char* word : {"authorization", "key", "token", "secret", "cookie", "password", "signature"})
        if (n.find(word) != std::string::npos) return true;
    return false;
}

// Reply headers a replay must not repeat: the body is written again (its length may change) and the
// connection is not a real one.
bool dropped_reply_header(std::string_view name) {
    const std::string n = lowercase(name);
    return secret_name(n) || n == "content-length" || n == "transfer-encoding" || n == "connection" ||
           n == "keep-alive" || n == "date";
}

// The URL without user:password@ and with credential-like query values replaced.
std::string redact_url(std::string_view url) {
    std::string out(url);
    if (const auto scheme = out.find("://"); scheme != std::string::npos) {
        const auto host = scheme + 3;
        const auto end = out.find_first_of("/?#", host);
        const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
        if (at != std::string::npos && at >= host) out.erase(host, at + 1 - host);
    }
    const auto query = out.find('?');
    if (query == std::string::npos) return out;
    std::string redacted = out.substr(0, query + 1);
    std::string_view rest = std::string_view(out).substr(query + 1);
    bool first = true;
    while (!rest.empty() || first) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        if (!first) redacted += '&';
        first = false;
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && secret_name(pair.substr(0, eq)))
            redacted += std::string(pair.substr(0, eq)) + "=REDACTED";
        else
            redacted += pair;
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return redacted;
}

// Path and query: what a request is matched by, whichever host the client points at.
std::string path_of(std::string_view url) {
    std::string_view rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
        rest.remove_prefix(scheme + 3);
        const auto slash = rest.find_first_of("/?");
        rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
    if (const auto fragment = rest.find('#'); fragment != std::string_view::npos) rest = rest.substr(0, fragment);
    return std::string(rest.empty() ? "/" : rest);
}

// A body as JSON when it is JSON (within the default bounds), else nullopt.
std::optional<json> parsed_body(std::string_view body) {
    if (body.empty()) return std::nullopt;
    try {
        json value = detail::read_json(body, Limits{}, "a cassette body");
        if (value.is_discarded()) return std::nullopt;
        return value;
    } catch (const Error&) {
        return std::nullopt;
    }
}

HttpHeaders headers_from(const ordered_json& list) {
    HttpHeaders headers;
    if (!list.is_array()) return headers;
    for (const auto& pair : list)
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
            headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    return headers;
}

ordered_json headers_to(const HttpHeaders& headers, bool reply) {
    ordered_json list = ordered_json::array();
    for (const auto& [name, value] : headers)
        if (reply ? !dropped_reply_header(name) : !secret_name(name)) list.push_back({name, value});
    return list;
}

// A body in a cassette line: the JSON itself when it is JSON (readable), else its text.
void put_body(ordered_json& into, std::string_view body) {
    if (parsed_body(body)) {
        into["body"] = ordered_json::parse(body, nullptr, false);  // within bounds: checked just above
    } else {
        into["text"] = std::string(body);
    }
}

std::string body_of(const ordered_json& from) {
    if (const auto body = from.find("body"); body != from.end()) return body->dump();
    if (const auto text = from.find("text"); text != from.end() && text->is_string()) return text->get<std::string>();
    return {};
}

// How many bytes at the start of `text` end on a character boundary: all of them, but for a
// multi-byte UTF-8 sequence cut at the end.
std::size_t whole_characters(std::string_view text) {
    std::size_t at = text.size();
    for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
        const auto byte = static_cast<unsigned char>(text[text.size() - back]);
        if ((byte & 0xC0U) == 0x80U) continue;  // a continuation byte: look further back
        if (byte >= 0xC0U) {                    // a lead byte: is its sequence complete?
            const std::size_t length = byte >= 0xF0U ? 4 : byte >= 0xE0U ? 3 : 2;
            if (back < length) at = text.size() - back;
        }
        break;
    }
    return at;
}

struct Exchange {
    std::string method;
    std::string path;
    std::optional<json> body;  // the request's body as JSON, fields to ignore removed
    std::string body_text;     // when it is not JSON
    std::size_t line = 0;
    HttpResponse response;
    std::vector<std::string> chunks;  // a streamed reply, as the chunks arrived
    bool streamed = false;
};

class Cassette {
public:
    explicit Cassette(CassetteOptions options) : options_(std::move(options)) {
        for (const auto& pointer : options_.ignore) {
            if (pointer.empty())
                throw ConfigurationError("CassetteOptions::ignore: \"\" is the whole body; name a field, e.g. \"/seed\"");
            try {
                ignore_.emplace_back(pointer);
            } catch (const json::exception& e) {
                throw ConfigurationError("CassetteOptions::ignore: \"" + pointer + "\" is not a JSON pointer (" +
                                         e.what() + "); write e.g. \"/seed\"");
            }
        }
        if (options_.path.empty()) throw ConfigurationError("CassetteOptions::path is empty: name the cassette file");
        if (options_.mode != CassetteMode::replay && !options_.upstream) options_.upstream = curl_transport();
        std::ifstream in(options_.path, std::ios::binary);
        if (options_.mode == CassetteMode::record || (!in && options_.mode == CassetteMode::record_missing)) {
            in.close();
            out_.open(options_.path, std::ios::binary | std::ios::trunc);
            if (!out_) throw ConfigurationError("cannot write the cassette \"" + options_.path + "\"");
            out_ << ordered_json{{"instructor_cassette", kFormatVersion}}.dump() << '\n' << std::flush;
            lines_ = 1;
            return;
        }
        if (!in)
            throw ConfigurationError("the cassette \"" + options_.path +
                                     "\" does not exist: record it once (INSTRUCTOR_CASSETTE=record, or "
                                     "CassetteMode::record) against the real provider");
        load(in);
        if (options_.mode == CassetteMode::record_missing) {
            in.clear();
            in.seekg(-1, std::ios::end);
            const bool ends_line = in && in.get() == '\n';
            out_.open(options_.path, std::ios::binary | std::ios::app);
            if (!out_) throw ConfigurationError("cannot write the cassette \"" + options_.path + "\"");
            if (!ends_line) out_ << '\n';  // an exchange appended must start a line of its own
        }
    }

    HttpResponse exchange(const HttpRequest& request) {
        if (request.cancel.stop_requested()) throw CancelledError("the call was cancelled");
        Exchange key = key_of(request.method, request.url, request.body);
        if (options_.mode != CassetteMode::record) {
            std::unique_lock lock(mutex_);
            if (const Exchange* found = next_recording(key, options_.mode == CassetteMode::replay)) {
                const Exchange recorded = *found;  // a copy: the list may grow once unlocked
                lock.unlock();
                return replay(recorded, request);
            }
            if (options_.mode == CassetteMode::replay) throw miss(key);
        }
        return record(std::move(key), request);
    }

private:
    [[nodiscard]] Exchange key_of(std::string method, std::string_view url, std::string_view body) const {
        Exchange e;
        e.method = std::move(method);
        e.path = path_of(redact_url(url));  // a recording holds no key, so neither may its match
        e.body = parsed_body(body);
        if (e.body) {
            for (const auto& pointer : ignore_) {
                if (!e.body->contains(pointer)) continue;
                json& parent = (*e.body)[pointer.parent_pointer()];
                if (parent.is_object())
                    parent.erase(pointer.back());
                else
                    (*e.body)[pointer] = nullptr;
            }
        } else {
            e.body_text = body;
        }
        return e;
    }

    [[nodiscard]] static std::string match_key(const Exchange& e) {
        return e.method + ' ' + e.path + '\n' + (e.body ? e.body->dump() : "text:" + e.body_text);
    }

    // The next recording of this request: each in turn; then, when `repeat_last`, the last again
    // (replay), else none (record_missing sends it upstream, as a request not yet recorded).
    const Exchange* next_recording(const Exchange& key, bool repeat_last) {
        const auto found = index_.find(match_key(key));
        if (found == index_.end()) return nullptr;
        auto& [positions, next] = found->second;
        if (next >= positions.size() && !repeat_last) return nullptr;
        const std::size_t at = positions[std::min(next, positions.size() - 1)];
        if (next < positions.size()) ++next;
        return &recorded_[at];
    }

    // `used`: recorded in this run, so already answered (a 503 just recorded must not answer its
    // own retry).
    void add(Exchange e, bool used) {
        recorded_.push_back(std::move(e));
        auto& [positions, next] = index_[match_key(recorded_.back())];
        positions.push_back(recorded_.size() - 1);
        if (used) next = positions.size();
    }

    static HttpResponse replay(const Exchange& recorded, const HttpRequest& request) {
        HttpResponse response = recorded.response;
        if (!recorded.streamed) return response;
        if (request.on_chunk && response.status >= 200 && response.status < 300) {
            for (const auto& chunk : recorded.chunks) {
                if (request.cancel.stop_requested()) throw CancelledError("the call was cancelled");
                if (!request.on_chunk(chunk)) break;
            }
            return response;
        }
        for (const auto& chunk : recorded.chunks) response.body += chunk;
        return response;
    }

    HttpResponse record(Exchange key, const HttpRequest& request) {
        std::vector<std::string> chunks;
        HttpResponse response;
        if (request.on_chunk) {
            HttpRequest teed = request;
            // Stored as JSON strings: a character cut between two chunks is carried to the next,
            // so that no chunk holds half of one.
            std::string carried;
            teed.on_chunk = [&chunks, &carried, &request](std::string_view chunk) {
                carried.append(chunk);
                const std::size_t whole = whole_characters(carried);
                if (whole > 0) {
                    chunks.emplace_back(carried, 0, whole);
                    carried.erase(0, whole);
                }
                return request.on_chunk(chunk);
            };
            response = options_.upstream(teed);
            if (!carried.empty()) chunks.push_back(std::move(carried));
        } else {
            response = options_.upstream(request);
        }
        ordered_json sent{{"method", key.method}, {"url", redact_url(request.url)},
                          {"headers", headers_to(request.headers, false)}};
        put_body(sent, request.body);
        ordered_json reply{{"status", response.status}, {"headers", headers_to(response.headers, true)}};
        if (!chunks.empty()) {
            reply["chunks"] = chunks;
        } else {
            put_body(reply, response.body);
        }
        const std::string line =
            ordered_json{{"request", std::move(sent)}, {"response", std::move(reply)}}.dump(
                -1, ' ', false, ordered_json::error_handler_t::replace);

        key.response = HttpResponse{.status = response.status,
                                    .headers = headers_from(headers_to(response.headers, true)),
                                    .body = chunks.empty() ? response.body : std::string()};
        key.chunks = std::move(chunks);
        key.streamed = !key.chunks.empty();
        std::lock_guard lock(mutex_);
        out_ << line << '\n' << std::flush;
        if (!out_) throw CassetteError("cannot write to the cassette \"" + options_.path + "\"", options_.path);
        key.line = ++lines_;
        add(std::move(key), true);
        return response;
    }

    void load(std::istream& in) {
        std::string text;
        std::size_t number = 0;
        while (std::getline(in, text)) {
            ++number;
            if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
            const ordered_json line = ordered_json::parse(text, nullptr, false);
            const auto bad = [&](const std::string& why) {
                return CassetteError("the cassette \"" + options_.path + "\", line " + std::to_string(number) + ": " +
                                         why,
                                     options_.path);
            };
            if (line.is_discarded()) throw bad("not JSON");
            if (lines_ == 0) {
                if (!line.contains("instructor_cassette"))
                    throw bad("not an instructor cassette (the first line is {\"instructor_cassette\": 1})");
                if (line["instructor_cassette"] != kFormatVersion)
                    throw bad("written in format " + line["instructor_cassette"].dump() + "; this version reads " +
                              std::to_string(kFormatVersion));
                lines_ = number;
                continue;
            }
            const auto request = line.find("request");
            const auto response = line.find("response");
            if (request == line.end() || response == line.end() || !request->is_object() || !response->is_object())
                throw bad("an exchange has a \"request\" and a \"response\" object");
            Exchange e = key_of(request->value("method", "POST"), request->value("url", ""), body_of(*request));
            e.line = number;
            const auto status = response->find("status");
            if (status == response->end() || !status->is_number_integer()) throw bad("the response has no status");
            e.response.status = status->get<int>();
            e.response.headers = headers_from(response->value("headers", ordered_json::array()));
            if (const auto chunks = response->find("chunks"); chunks != response->end()) {
                if (!chunks->is_array()) throw bad("\"chunks\" is not an array of strings");
                for (const auto& chunk : *chunks) {
                    if (!chunk.is_string()) throw bad("\"chunks\" is not an array of strings");
                    e.chunks.push_back(chunk.get<std::string>());
                }
                e.streamed = true;
            } else {
                e.response.body = body_of(*response);
            }
            lines_ = number;
            add(std::move(e), false);
        }
        if (lines_ == 0) throw CassetteError("the cassette \"" + options_.path + "\" is empty", options_.path);
        lines_ = number;
    }

    // No recording of `sent`: name the closest one and where it first differs.
    [[nodiscard]] CassetteError miss(const Exchange& sent) const {
        std::string what = "the cassette \"" + options_.path + "\" holds no recording of " + sent.method + " " +
                           sent.path + " with this body (replay mode)";
        const Exchange* closest = nullptr;
        json closest_diff;
        for (const auto& e : recorded_) {
            if (e.method != sent.method || e.path != sent.path) continue;
            json diff;
            if (e.body && sent.body)
                diff = json::diff(*e.body, *sent.body);
            else
                diff = json::array({json{{"op", "replace"}, {"path", ""}}});
            if (closest == nullptr || diff.size() < closest_diff.size()) {
                closest = &e;
                closest_diff = std::move(diff);
            }
        }
        std::string pointer;
        if (closest == nullptr) {
            what += recorded_.empty() ? "; it holds none at all" : "; it holds none for that path";
        } else {
            const json& first = closest_diff.front();
            pointer = first.value("path", "");
            what += "; the closest, line " + std::to_string(closest->line) + ", differs first at " +
                    (pointer.empty() ? std::string("(root)") : pointer);
            const auto shown = [&](const std::optional<json>& body, std::string_view text) -> std::string {
                if (!body) return detail::text_excerpt(text, 80);
                const json::json_pointer at(pointer);
                return body->contains(at) ? detail::json_excerpt(body->at(at), 80) : std::string("(absent)");
            };
            what += ": recorded " + shown(closest->body, closest->body_text) + ", sent " +
                    shown(sent.body, sent.body_text);
        }
        what +=
            ". Record what is missing with INSTRUCTOR_CASSETTE=record_missing (CassetteMode::record_missing), or "
            "leave a field that varies per run out of matching with CassetteOptions::ignore";
        return CassetteError(what, options_.path, pointer);
    }

    CassetteOptions options_;
    std::vector<json::json_pointer> ignore_;
    std::mutex mutex_;
    std::vector<Exchange> recorded_;
    // Request -> its recordings in order, and the next one to give.
    std::unordered_map<std::string, std::pair<std::vector<std::size_t>, std::size_t>> index_;
    std::ofstream out_;
    std::size_t lines_ = 0;  // lines in the file so far (the header is line 1); 0 until the header is read
};

}  // namespace

CassetteMode cassette_mode_from_environment(CassetteMode fallback) {
    const char* value = std::getenv("INSTRUCTOR_CASSETTE");
    if (value == nullptr || *value == '\0') return fallback;
    const std::string_view mode = value;
    if (mode == "replay") return CassetteMode::replay;
    if (mode == "record") return CassetteMode::record;
    if (mode == "record_missing") return CassetteMode::record_missing;
    throw ConfigurationError("INSTRUCTOR_CASSETTE=\"" + std::string(mode) +
                             "\" is not a cassette mode: use replay, record or record_missing");
}

Transport cassette(CassetteOptions options) {
    auto shared = std::make_shared<Cassette>(std::move(options));
    return [shared](const HttpRequest& request) { return shared->exchange(request); };
}

}  // namespace instructor
