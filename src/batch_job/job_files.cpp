#include "job_files.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <instructor/detail/json/json_reader.hpp>
#include <instructor/detail/json/json_writer.hpp>
#include <instructor/error.hpp>

namespace instructor::detail {
namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

constexpr int kStateVersion = 1;

std::string text_of(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::size_t count_of(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_number_unsigned() ? found->get<std::size_t>() : 0;
}

bool flag_of(const json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_boolean() && found->get<bool>();
}

}  // namespace

std::string fingerprint(std::string_view text, std::uint64_t seed) {
    std::uint64_t hash = seed;
    for (const unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
    return out;
}

std::optional<JobState> load_job_state(const std::string& path, const Limits& limits) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto not_state = [&](const std::string& why) {
        return ConfigurationError("the batch job state file \"" + path + "\" " + why +
                                  "; remove it to start the job afresh (batches it names would be created again)");
    };
    json document;
    try {
        document = read_json(text, limits, "the batch job state file");
    } catch (const LimitError&) {
        throw not_state("is larger or deeper than Limits allow");
    }
    if (!document.is_object() || !document.contains("instructor_batch_job"))
        throw not_state("is not a batch job's state");
    if (document["instructor_batch_job"] != kStateVersion) throw not_state("was written by another version");
    JobState state;
    state.provider = text_of(document, "provider");
    state.inputs = count_of(document, "inputs");
    state.fingerprint = text_of(document, "fingerprint");
    state.files_only = flag_of(document, "files_only");
    const auto rounds = document.find("rounds");
    if (rounds == document.end() || !rounds->is_array()) throw not_state("has no rounds");
    for (const json& r : *rounds) {
        if (!r.is_object()) throw not_state("has a round that is not an object");
        RoundState round;
        round.number = static_cast<int>(count_of(r, "round"));
        round.processed = flag_of(r, "processed");
        round.cancelled = flag_of(r, "cancelled");
        if (const auto unsent = r.find("unsent"); unsent != r.end() && unsent->is_array())
            for (const json& index : *unsent)
                if (index.is_number_unsigned()) round.unsent.push_back(index.get<std::size_t>());
        const auto parts = r.find("parts");
        if (parts == r.end() || !parts->is_array()) throw not_state("has a round without parts");
        for (const json& p : *parts) {
            if (!p.is_object()) throw not_state("has a batch that is not an object");
            PartState part;
            part.request_file = text_of(p, "request_file");
            part.lines = count_of(p, "lines");
            part.file_id = text_of(p, "file_id");
            part.batch_id = text_of(p, "batch_id");
            part.status = text_of(p, "status");
            part.final = flag_of(p, "final");
            part.normalised = static_cast<BatchStatus>(count_of(p, "normalised") % 8);
            part.output_file_id = text_of(p, "output_file_id");
            part.error_file_id = text_of(p, "error_file_id");
            part.output_file = text_of(p, "output_file");
            part.error_file = text_of(p, "error_file");
            part.downloaded = flag_of(p, "downloaded");
            if (const auto errors = p.find("errors"); errors != p.end() && errors->is_array())
                for (const json& e : *errors) {
                    if (!e.is_object()) continue;
                    BatchLineError error{.code = text_of(e, "code"),
                                         .message = text_of(e, "message"),
                                         .line = std::nullopt,
                                         .param = text_of(e, "param")};
                    if (const auto line = e.find("line"); line != e.end() && line->is_number_integer())
                        error.line = line->get<std::int64_t>();
                    part.errors.push_back(std::move(error));
                }
            round.parts.push_back(std::move(part));
        }
        state.rounds.push_back(std::move(round));
    }
    return state;
}

void save_job_state(const JobState& state, const std::string& path) {
    ordered_json rounds = ordered_json::array();
    for (const RoundState& round : state.rounds) {
        ordered_json parts = ordered_json::array();
        for (const PartState& part : round.parts) {
            ordered_json errors = ordered_json::array();
            for (const auto& e : part.errors) {
                ordered_json error{{"code", e.code}, {"message", e.message}, {"param", e.param}};
                if (e.line) error["line"] = *e.line;
                errors.push_back(std::move(error));
            }
            parts.push_back(ordered_json{{"request_file", part.request_file},
                                         {"lines", part.lines},
                                         {"file_id", part.file_id},
                                         {"batch_id", part.batch_id},
                                         {"status", part.status},
                                         {"final", part.final},
                                         {"normalised", static_cast<int>(part.normalised)},
                                         {"errors", std::move(errors)},
                                         {"output_file_id", part.output_file_id},
                                         {"error_file_id", part.error_file_id},
                                         {"output_file", part.output_file},
                                         {"error_file", part.error_file},
                                         {"downloaded", part.downloaded}});
        }
        rounds.push_back(ordered_json{{"round", round.number},
                                      {"processed", round.processed},
                                      {"cancelled", round.cancelled},
                                      {"unsent", round.unsent},
                                      {"parts", std::move(parts)}});
    }
    const ordered_json document{
        {"instructor_batch_job", kStateVersion}, {"provider", state.provider},     {"inputs", state.inputs},
        {"fingerprint", state.fingerprint},      {"files_only", state.files_only}, {"rounds", std::move(rounds)}};
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << document.dump(1, ' ', false, ordered_json::error_handler_t::replace) << '\n';
        out.flush();
        if (!out) throw ConfigurationError("cannot write the batch job state file \"" + temporary + "\"");
    }
    std::error_code error;
    std::filesystem::rename(temporary, path, error);
    if (error) throw ConfigurationError("cannot replace the batch job state file \"" + path + "\": " + error.message());
}

LineReader::LineReader(const std::string& path, std::size_t max_line)
    : in_(path, std::ios::binary), open_(static_cast<bool>(in_)), buffer_(std::size_t{1} << 16U), max_line_(max_line) {}

bool LineReader::fill() {
    if (at_ > 0) {
        std::copy(buffer_.begin() + static_cast<std::ptrdiff_t>(at_),
                  buffer_.begin() + static_cast<std::ptrdiff_t>(end_), buffer_.begin());
        end_ -= at_;
        at_ = 0;
    }
    if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    in_.read(buffer_.data() + end_, static_cast<std::streamsize>(buffer_.size() - end_));
    const auto got = static_cast<std::size_t>(in_.gcount());
    end_ += got;
    return got > 0;
}

bool LineReader::next(std::string_view& line) {
    if (!open_) return false;
    for (;;) {
        const char* begin = buffer_.data() + at_;
        const void* newline = std::memchr(begin, '\n', end_ - at_);
        if (newline != nullptr) {
            const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - begin);
            std::string_view text(begin, length);
            at_ += length + 1;
            if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
            if (text.empty()) continue;
            line = text;
            return true;
        }
        if (end_ - at_ > max_line_) {
            // Too long to keep: skip to its end.
            ++too_long_;
            for (;;) {
                at_ = end_ = 0;
                if (!fill()) return false;
                if (const void* end_of_line = std::memchr(buffer_.data(), '\n', end_)) {
                    at_ = static_cast<std::size_t>(static_cast<const char*>(end_of_line) - buffer_.data()) + 1;
                    break;
                }
            }
            continue;
        }
        if (!fill()) {
            if (at_ == end_) return false;
            line = std::string_view(buffer_.data() + at_, end_ - at_);  // a last line without '\n'
            at_ = end_;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            return !line.empty();
        }
    }
}

LineWriter::LineWriter(std::string path) : path_(std::move(path)), out_(path_, std::ios::binary | std::ios::trunc) {
    if (!out_) throw ConfigurationError("cannot write the batch file \"" + path_ + "\"");
    buffer_.reserve(std::size_t{1} << 19U);
}

LineWriter::~LineWriter() {
    try {
        close();
    } catch (...) {
        // Closing after an error: the error already on its way is the one to report.
    }
}

void LineWriter::maybe_flush() {
    if (buffer_.size() >= (std::size_t{1} << 18U)) flush();
}

void LineWriter::flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!out_) throw ConfigurationError("cannot write the batch file \"" + path_ + "\"");
}

void LineWriter::close() {
    if (!out_.is_open()) return;
    flush();
    out_.close();
    if (!out_) throw ConfigurationError("cannot write the batch file \"" + path_ + "\"");
}

}  // namespace instructor::detail
