#include <instructor/cassette.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/core/url.hpp>
#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/text_excerpt.hpp>

namespace instructor {
namespace {

using json = nlohmann::json;

constexpr int kFormatVersion = 1;

std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Request headers worth keeping, named: everything else (keys, however a provider or a proxy names
// them: Authorization, X-Api-Key, Helicone-Auth, X-Session, ...) is never written.
bool kept_request_header(std::string_view name) {
    const std::string n = lowercase(name);
    return n == "content-type" || n == "accept" || n == "user-agent" || n == "openai-beta" ||
           n == "anthropic-version" || n == "x-stainless-lang";
}

// Reply headers a replay must not repeat: credentials a server may set, and what belonged to the
// connection (the body is written again, so its length may change).
bool dropped_reply_header(std::string_view name) {
    const std::string n = lowercase(name);
    return detail::credential_name(n) || n == "set-cookie" || n == "content-length" || n == "transfer-encoding" ||
           n == "connection" || n == "keep-alive" || n == "date";
}

using detail::redact_url;

// A body's string members whose names carry credentials (a key put in Request::extra, say),
// replaced by REDACTED, at any depth, without recursion.
void redact_body(json& body) {
    std::vector<json*> pending{&body};
    while (!pending.empty()) {
        json* value = pending.back();
        pending.pop_back();
        if (value->is_object()) {
            for (auto it = value->begin(); it != value->end(); ++it) {
                if (it->is_string() && detail::credential_name(it.key()))
                    *it = "REDACTED";
                else if (it->is_structured())
                    pending.push_back(&*it);
            }
        } else if (value->is_array()) {
            for (auto& element : *value)
                if (element.is_structured()) pending.push_back(&element);
        }
    }
}

// Bounds for what a cassette line may hold: the defaults a client reads with.
const Limits kLineLimits{};

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

// A body as JSON when it is JSON (within the default bounds), credentials redacted; else nullopt.
std::optional<json> parsed_body(std::string_view body) {
    if (body.empty()) return std::nullopt;
    try {
        json value = detail::read_json(body, kLineLimits, "a cassette body");
        if (value.is_discarded()) return std::nullopt;
        redact_body(value);
        return value;
    } catch (const Error&) {
        return std::nullopt;
    }
}

HttpHeaders headers_from(const json& list) {
    HttpHeaders headers;
    if (!list.is_array()) return headers;
    for (const auto& pair : list)
        if (pair.is_array() && pair.size() == 2 && pair[0].is_string() && pair[1].is_string())
            headers.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    return headers;
}

json headers_to(const HttpHeaders& headers, bool reply) {
    json list = json::array();
    for (const auto& [name, value] : headers)
        if (reply ? !dropped_reply_header(name) : kept_request_header(name)) list.push_back({name, value});
    return list;
}

// A body in a cassette line: the JSON itself when it is JSON (readable; read within bounds, so a
// hostile reply costs no more than the client would pay), else its text.
void put_body(json& into, std::string_view body) {
    if (auto value = parsed_body(body)) {
        into["body"] = std::move(*value);
    } else {
        into["text"] = std::string(body);
    }
}

std::string body_of(const json& from) {
    // Bodies were read within kLineLimits, so dump()'s recursion is bounded by max_depth.
    if (const auto body = from.find("body"); body != from.end()) return body->dump();
    if (const auto text = from.find("text"); text != from.end() && text->is_string()) return text->get<std::string>();
    return {};
}

using detail::whole_characters;

// A value of a cassette line as the type it must be, or the CassetteError saying which.
template <class T, class Bad>
T field(const json& object, const char* name, T fallback, Bad&& bad) {
    const auto found = object.find(name);
    if (found == object.end()) return fallback;
    if constexpr (std::is_same_v<T, std::string>) {
        if (!found->is_string()) throw bad("\"" + std::string(name) + "\" is not a string");
        return found->template get<std::string>();
    } else {
        return found->template get<T>();
    }
}

// The cassette's file while it records: closed (which releases the writer's lock) however the
// cassette ends, a constructor that throws on a damaged file included.
class FileDescriptor {
public:
    FileDescriptor() = default;
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { reset(-1); }
    void reset(int fd) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    operator int() const { return fd_; }  // where the descriptor is wanted

private:
    int fd_ = -1;
};

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

// Values of a request's credential headers ("Bearer sk-..." and "sk-..."): a reply that echoes one
// (an error quoting the key) must not write it to the file.
std::vector<std::string> credentials_in(const HttpHeaders& headers) {
    std::vector<std::string> found;
    for (const auto& [name, value] : headers) {
        if (kept_request_header(name) || value.size() < 8) continue;
        found.push_back(value);
        if (const auto space = value.find(' '); space != std::string::npos && value.size() - space > 8)
            found.push_back(value.substr(space + 1));
    }
    return found;
}

void mask(std::string& text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets)
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 8))
            text.replace(at, secret.size(), "REDACTED");
}

// How far apart two values are, for naming the closest recording: 0 for equal strings, else the
// characters outside their common start and end (other values: the sizes of both).
std::size_t distance(const json& a, const json& b) {
    if (a.is_string() && b.is_string()) {
        const auto& x = a.get_ref<const std::string&>();
        const auto& y = b.get_ref<const std::string&>();
        std::size_t prefix = 0;
        while (prefix < x.size() && prefix < y.size() && x[prefix] == y[prefix]) ++prefix;
        std::size_t suffix = 0;
        while (suffix < x.size() - prefix && suffix < y.size() - prefix &&
               x[x.size() - 1 - suffix] == y[y.size() - 1 - suffix])
            ++suffix;
        return x.size() + y.size() - 2 * (prefix + suffix);
    }
    return detail::json_excerpt(a, 4096).size() + detail::json_excerpt(b, 4096).size();
}

// Two differing strings shown around where they first differ, so that a change at the end of a
// long prompt shows, not two equal beginnings.
std::pair<std::string, std::string> where_they_differ(const std::string& a, const std::string& b) {
    constexpr std::size_t before = 30;
    constexpr std::size_t shown = 100;
    std::size_t first = 0;
    while (first < a.size() && first < b.size() && a[first] == b[first]) ++first;
    std::size_t from = first > before ? first - before : 0;
    while (from > 0 && (static_cast<unsigned char>(a[from]) & 0xC0U) == 0x80U) --from;  // a whole character
    const auto around = [&](const std::string& text) {
        std::string part = from < text.size() ? text.substr(from, detail::utf8_cut(text.substr(from), shown)) : "";
        std::string out = json(part).dump(-1, ' ', false, json::error_handler_t::replace);
        if (from > 0) out.insert(1, "...");
        if (from + part.size() < text.size()) out.insert(out.size() - 1, "...");
        return out;
    };
    return {around(a), around(b)};
}

class Cassette {
public:
    explicit Cassette(CassetteOptions options) : options_(std::move(options)) {
        for (const auto& pointer : options_.ignore) {
            if (pointer.empty())
                throw ConfigurationError(
                    "CassetteOptions::ignore: \"\" is the whole body; name a field, e.g. \"/seed\"");
            try {
                ignore_.emplace_back(pointer);
            } catch (const json::exception& e) {
                throw ConfigurationError("CassetteOptions::ignore: \"" + pointer + "\" is not a JSON pointer (" +
                                         e.what() + "); write e.g. \"/seed\"");
            }
        }
        if (options_.path.empty()) throw ConfigurationError("CassetteOptions::path is empty: name the cassette file");
        if (options_.mode != CassetteMode::replay && !options_.upstream) options_.upstream = curl_transport();
        if (options_.mode != CassetteMode::replay) open_for_writing();
        std::ifstream in(options_.path, std::ios::binary);
        if (options_.mode == CassetteMode::record || (options_.mode == CassetteMode::record_missing && empty_file())) {
            if (::ftruncate(fd_, 0) != 0) throw write_error();
            write_line(json{{"instructor_cassette", kFormatVersion}}.dump());
            lines_ = 1;
            return;
        }
        if (!in)
            throw ConfigurationError("the cassette \"" + options_.path +
                                     "\" does not exist: record it once (INSTRUCTOR_CASSETTE=record, or "
                                     "CassetteMode::record) against the real provider");
        load(in);
    }

    Cassette(const Cassette&) = delete;
    Cassette& operator=(const Cassette&) = delete;

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
    // One writer at a time, in this process or another (two clients, ctest -j): a second one would
    // keep half of each other's recordings. Lines are appended whole, each with one write.
    void open_for_writing() {
        fd_.reset(::open(options_.path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
        if (fd_ < 0)
            throw ConfigurationError("cannot write the cassette \"" + options_.path + "\": " + std::strerror(errno));
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
            throw CassetteError("the cassette \"" + options_.path +
                                    "\" is being recorded by another client or process; record with one at a time "
                                    "(with ctest -j, give each test a cassette of its own)",
                                options_.path);
    }

    [[nodiscard]] bool empty_file() const { return ::lseek(fd_, 0, SEEK_END) == 0; }

    [[nodiscard]] CassetteError write_error() const {
        return CassetteError("cannot write to the cassette \"" + options_.path + "\": " + std::strerror(errno),
                             options_.path);
    }

    void write_line(std::string line) {
        line += '\n';
        for (std::string_view rest = line; !rest.empty();) {
            const ssize_t written = ::write(fd_, rest.data(), rest.size());
            if (written < 0 && errno == EINTR) continue;
            if (written <= 0) throw write_error();
            rest.remove_prefix(static_cast<std::size_t>(written));
        }
    }

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
        // What the file keeps of the reply: no echo of the request's credentials.
        const std::vector<std::string> secrets = credentials_in(request.headers);
        std::string kept_body = chunks.empty() ? response.body : std::string();
        mask(kept_body, secrets);
        for (auto& chunk : chunks) mask(chunk, secrets);
        HttpHeaders kept_headers = headers_from(headers_to(response.headers, true));
        for (auto& header : kept_headers) mask(header.second, secrets);

        json sent{
            {"method", key.method}, {"url", redact_url(request.url)}, {"headers", headers_to(request.headers, false)}};
        put_body(sent, request.body);
        json reply{{"status", response.status}, {"headers", json::array()}};
        for (const auto& [name, value] : kept_headers) reply["headers"].push_back({name, value});
        if (!chunks.empty()) {
            reply["chunks"] = chunks;
        } else {
            put_body(reply, kept_body);
        }
        std::string line = json{{"request", std::move(sent)}, {"response", std::move(reply)}}.dump(
            -1, ' ', false, json::error_handler_t::replace);

        key.response =
            HttpResponse{.status = response.status, .headers = std::move(kept_headers), .body = std::move(kept_body)};
        key.chunks = std::move(chunks);
        key.streamed = !key.chunks.empty();
        std::lock_guard lock(mutex_);
        write_line(std::move(line));
        key.line = ++lines_;
        add(std::move(key), true);
        return response;
    }

    void load(std::istream& in) {
        std::string text;
        std::size_t number = 0;
        std::size_t complete_bytes = 0;  // the file up to the end of the last whole line read
        bool ends_without_newline = false;
        while (std::getline(in, text)) {
            ++number;
            const bool last_without_newline = in.eof();
            ends_without_newline = last_without_newline;
            const auto bad = [&](const std::string& why) {
                return CassetteError(
                    "the cassette \"" + options_.path + "\", line " + std::to_string(number) + ": " + why,
                    options_.path);
            };
            if (text.find_first_not_of(" \t\r") == std::string::npos) {
                complete_bytes += text.size() + 1;
                continue;
            }
            json line;
            try {
                line = detail::read_json(text, kLineLimits, "line " + std::to_string(number) + " of the cassette");
            } catch (const LimitError& e) {
                throw bad(std::string("beyond the bounds a client reads within: ") + e.what());
            }
            if (line.is_discarded() && last_without_newline && lines_ != 0) {
                // The last line cut short: a recording that was interrupted (a crash, a kill).
                if (options_.mode == CassetteMode::record_missing) {
                    if (::ftruncate(fd_, static_cast<off_t>(complete_bytes)) != 0) throw write_error();
                    lines_ = number - 1;
                    return;
                }
                throw bad(
                    "cut short (a recording that was interrupted?): record again with "
                    "INSTRUCTOR_CASSETTE=record_missing, which drops the cut line, or delete that line");
            }
            if (line.is_discarded()) throw bad("not JSON");
            if (!line.is_object()) throw bad("not a JSON object");
            complete_bytes += text.size() + 1;
            if (lines_ == 0) {
                const auto version = line.find("instructor_cassette");
                if (version == line.end())
                    throw bad("not an instructor cassette (the first line is {\"instructor_cassette\": 1})");
                if (*version != kFormatVersion)
                    throw bad("written in format " + detail::json_excerpt(*version, 40) + "; this version reads " +
                              std::to_string(kFormatVersion));
                lines_ = number;
                continue;
            }
            const auto request = line.find("request");
            const auto response = line.find("response");
            if (request == line.end() || response == line.end() || !request->is_object() || !response->is_object())
                throw bad("an exchange has a \"request\" and a \"response\" object");
            Exchange e = key_of(field<std::string>(*request, "method", "POST", bad),
                                field<std::string>(*request, "url", "", bad), body_of(*request));
            e.line = number;
            const auto status = response->find("status");
            if (status == response->end() || !status->is_number_integer() || *status < 100 || *status > 599)
                throw bad("the response has no status from 100 to 599");
            e.response.status = status->get<int>();
            if (const auto headers = response->find("headers"); headers != response->end())
                e.response.headers = headers_from(*headers);
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
        if (options_.mode == CassetteMode::record_missing && ends_without_newline) {
            // The file ends without a newline after a whole line: the next one must start a line of its own.
            write_line({});
            ++lines_;
        }
    }

    // No recording of `sent`: name the closest one and where it first differs.
    [[nodiscard]] CassetteError miss(const Exchange& sent) const {
        std::string what = "the cassette \"" + options_.path + "\" holds no recording of " + sent.method + " " +
                           sent.path + " with this body (replay mode)";
        const Exchange* closest = nullptr;
        json closest_diff;
        std::size_t closest_distance = 0;
        for (const auto& e : recorded_) {
            if (e.method != sent.method || e.path != sent.path) continue;
            json diff;
            std::size_t apart = 0;
            if (e.body && sent.body) {
                diff = json::diff(*e.body, *sent.body);
                for (const auto& op : diff) {
                    const json::json_pointer at(op.value("path", ""));
                    const json none;
                    apart += distance(e.body->contains(at) ? e.body->at(at) : none,
                                      sent.body->contains(at) ? sent.body->at(at) : none);
                }
            } else {
                diff = json::array({json{{"op", "replace"}, {"path", ""}}});
                apart = e.body_text.size() + sent.body_text.size();
            }
            // The fewest differences, then the smallest.
            if (closest == nullptr || diff.size() < closest_diff.size() ||
                (diff.size() == closest_diff.size() && apart < closest_distance)) {
                closest = &e;
                closest_diff = std::move(diff);
                closest_distance = apart;
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
            const auto value_at = [&](const std::optional<json>& body, const std::string& text) -> std::optional<json> {
                if (!body) return json(text);
                const json::json_pointer at(pointer);
                if (!body->contains(at)) return std::nullopt;
                return body->at(at);
            };
            const auto recorded = value_at(closest->body, closest->body_text);
            const auto now = value_at(sent.body, sent.body_text);
            std::string shown_recorded = recorded ? detail::json_excerpt(*recorded, 120) : "(absent)";
            std::string shown_sent = now ? detail::json_excerpt(*now, 120) : "(absent)";
            if (recorded && now && recorded->is_string() && now->is_string())
                std::tie(shown_recorded, shown_sent) =
                    where_they_differ(recorded->get<std::string>(), now->get<std::string>());
            what += ": recorded " + shown_recorded + ", sent " + shown_sent;
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
    FileDescriptor fd_;      // the file, when recording: locked for this writer alone
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
