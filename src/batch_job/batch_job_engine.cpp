#include <instructor/detail/batch_job/batch_job_engine.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <instructor/batch_error.hpp>
#include <instructor/detail/client/offline_extraction.hpp>
#include <instructor/detail/json/json_reader.hpp>

#include "job_files.hpp"

namespace instructor::detail {
namespace {

using Clock = std::chrono::steady_clock;

// An input between rounds: its conversation so far (after a re-ask), or unanswered and to be sent
// again as it was.
struct Pending {
    std::optional<OfflineExtraction> extraction;
    // The finish of the call the extraction came from: its parse callback reads the value into a
    // slot that only this finish hands over.
    std::function<void(ExtractionResult*, const std::exception_ptr&, const Usage&)> finish;
    int resubmits = 0;
};

void wait_for(std::chrono::milliseconds delay, const std::stop_token& cancel) {
    if (delay.count() <= 0) return;
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    wake.wait_for(lock, cancel, delay, [] { return false; });
}

class Job {
public:
    Job(const BatchJobInputs& inputs, const BatchJobOptions& options)
        : inputs_(inputs),
          options_(options),
          api_(inputs.api),
          provider_(*inputs.api.provider),
          limits_(limits_of(inputs.api)),
          started_(Clock::now()) {
        api_.deadline = Clock::time_point::max();  // a job outlives any one call's timeout
    }

    void run() {
        choose_dialect();
        check_ids();
        prepare_files();
        load_or_start();
        for (std::size_t r = 0; r < state_.rounds.size(); ++r) {
            if (!round_answered(r)) return;  // cancelled, or files_only waiting (thrown)
            process_round(r);
        }
        // Every input has ended by now; one that has not is the job's own mistake, not the user's.
        for (std::size_t i = 0; i < inputs_.count; ++i)
            if (!finished_[i])
                finish_error(i, BatchError("the batch job ended without an answer for this input",
                                           BatchErrorKind::missing_result, {}, id_of(i)));
        if (temporary_) {
            std::error_code ignored;
            std::filesystem::remove_all(directory_, ignored);
        }
    }

private:
    // ---- setup ------------------------------------------------------------------------------------

    void choose_dialect() {
        if (!options_.batch_api.empty()) {
            dialect_ = find_batch_dialect(options_.batch_api);
            if (dialect_ == nullptr)
                throw ConfigurationError("BatchJobOptions::batch_api \"" + options_.batch_api +
                                         "\" names no Batch API; openai, groq, together and mistral have one");
        } else if (options_.files_only) {
            dialect_ = find_batch_dialect(provider_.name());
            if (dialect_ == nullptr) dialect_ = find_batch_dialect("openai");  // what vLLM's run-batch reads
        } else {
            dialect_ = &batch_dialect(provider_);
        }
        limits_lines_ = dialect_->limits().max_lines;
        limits_bytes_ = dialect_->limits().max_file_bytes;
        if (options_.max_lines_per_batch > 0) limits_lines_ = std::min(limits_lines_, options_.max_lines_per_batch);
        if (options_.max_bytes_per_batch > 0) limits_bytes_ = std::min(limits_bytes_, options_.max_bytes_per_batch);
        if (options_.files_only && options_.state_file.empty())
            throw ConfigurationError(
                "BatchJobOptions::files_only needs a state_file: the job is run again once each "
                "result file is there, and resumes from it");
        if (options_.max_resubmits < 0) throw ConfigurationError("BatchJobOptions::max_resubmits is negative");
    }

    [[nodiscard]] std::string id_of(std::size_t index) const {
        if (!options_.ids.empty()) return options_.ids[index];
        return "item-" + std::to_string(index);
    }

    // The input a custom_id names, or nullopt for an id the job never sent.
    [[nodiscard]] std::optional<std::size_t> index_of(std::string_view id) const {
        if (!options_.ids.empty()) {
            const auto found = index_by_id_.find(id);
            if (found == index_by_id_.end()) return std::nullopt;
            return found->second;
        }
        if (!id.starts_with("item-")) return std::nullopt;
        std::size_t index = 0;
        const auto digits = id.substr(5);
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
        if (error != std::errc() || end != digits.data() + digits.size() || index >= inputs_.count ||
            (digits.size() > 1 && digits[0] == '0'))  // only the spelling id_of writes
            return std::nullopt;
        return index;
    }

    void check_ids() {
        std::string all;
        if (!options_.ids.empty()) {
            if (options_.ids.size() != inputs_.count)
                throw ConfigurationError("BatchJobOptions::ids has " + std::to_string(options_.ids.size()) +
                                         " ids for " + std::to_string(inputs_.count) +
                                         " requests: give one per request, or none");
            index_by_id_.reserve(inputs_.count);
            for (std::size_t i = 0; i < inputs_.count; ++i) {
                const std::string& id = options_.ids[i];
                if (std::string problem = dialect_->id_problem(id); !problem.empty())
                    throw ConfigurationError("the id of request " + std::to_string(i) + " (\"" + id.substr(0, 80) +
                                             "\") " + problem);
                const auto [at, added] = index_by_id_.emplace(id, i);
                if (!added)
                    throw ConfigurationError("requests " + std::to_string(at->second) + " and " + std::to_string(i) +
                                             " have the same id \"" + id +
                                             "\": a batch matches results by id, give each "
                                             "request its own");
                all += id;
                all += '\n';
            }
        }
        fingerprint_ = fingerprint(std::string(dialect_->name()) + '\n' + std::to_string(inputs_.count) + '\n' + all);
        finished_.assign(inputs_.count, false);
    }

    void prepare_files() {
        if (options_.state_file.empty()) {
            static std::atomic<unsigned> counter{0};
            directory_ = std::filesystem::temp_directory_path() /
                         ("instructor-batch-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
            std::filesystem::create_directories(directory_);
            state_path_ = (directory_ / "job.json").string();
            temporary_ = true;
        } else {
            state_path_ = options_.state_file;
            directory_ = std::filesystem::path(state_path_).parent_path();
        }
    }

    [[nodiscard]] std::string file_for(int round, std::size_t part, std::string_view what) const {
        return state_path_ + ".r" + std::to_string(round) + ".p" + std::to_string(part + 1) + "." + std::string(what) +
               ".jsonl";
    }

    void save() { save_job_state(state_, state_path_); }

    void load_or_start() {
        if (inputs_.count > 0) model_ = inputs_.call(0).request.model;
        if (!options_.files_only)
            if (std::string problem = dialect_->options_problem(create_options()); !problem.empty())
                throw ConfigurationError("a batch on " + std::string(dialect_->name()) + " cannot have " + problem);
        if (auto loaded = load_job_state(state_path_, limits_)) {
            if (loaded->fingerprint != fingerprint_ || loaded->inputs != inputs_.count ||
                loaded->provider != dialect_->name() || loaded->files_only != options_.files_only)
                throw ConfigurationError("the batch job state file \"" + state_path_ + "\" belongs to another job (" +
                                         std::to_string(loaded->inputs) + " requests for " + loaded->provider +
                                         "); give this job a state file of its own");
            state_ = std::move(*loaded);
            if (!state_.rounds.empty()) return;
        }
        state_.provider = dialect_->name();
        state_.inputs = inputs_.count;
        state_.fingerprint = fingerprint_;
        state_.files_only = options_.files_only;
        // Round 1: every input, its body as create<T> would send it.
        RoundWriter writer(*this, 1);
        for (std::size_t i = 0; i < inputs_.count; ++i) {
            Pending made;
            std::string body;
            try {
                made = make(i);
                body = made.extraction->body();
                write_line(writer.line, i, body);
            } catch (const Error&) {
                writer.round.unsent.push_back(i);  // it ends, with this error, when round 1 is read
                continue;
            }
            check_model(made, i);
            writer.add(i, body);
        }
        state_.rounds.push_back(writer.finish());
        save();
    }

    // Input `index` as a fresh call. Throws what the call cannot be made for (its schema, its mode).
    [[nodiscard]] Pending make(std::size_t index) const {
        BatchCall call = inputs_.call(index);
        if (call.failed_before_start) std::rethrow_exception(call.failed_before_start);
        Pending made;
        made.extraction.emplace(call.setup, std::move(call.request), std::move(call.parse));
        made.finish = std::move(call.finish);
        return made;
    }

    // The model a job names (Mistral, Together): the requests', which must all be the same there.
    void check_model(const Pending& made, std::size_t index) {
        (void)made;
        BatchCall call = inputs_.call(index);
        if (model_.empty()) model_ = call.request.model;
        if (dialect_->needs_job_model() && call.request.model != model_)
            throw ConfigurationError("request " + std::to_string(index) + " asks for model \"" + call.request.model +
                                     "\" and request 0 for \"" + model_ + "\": a " + std::string(dialect_->name()) +
                                     " batch runs one model; make one job per model");
    }

    // ---- writing a round's request files ------------------------------------------------------------

    // Input `index`'s request line; a LimitError when it alone is more than a batch file may hold.
    void write_line(std::string& line, std::size_t index, const std::string& body) const {
        line.clear();
        dialect_->write_line(line, id_of(index), body);
        if (line.size() > limits_bytes_)
            throw LimitError("the request line of input " + std::to_string(index) + " is " +
                                 std::to_string(line.size()) + " bytes, more than a batch file may hold (" +
                                 std::to_string(limits_bytes_) + ")",
                             "max_file_bytes", limits_bytes_);
    }

    struct RoundWriter {
        RoundWriter(Job& job_, int number) : job(job_) { round.number = number; }
        Job& job;
        RoundState round;
        std::unique_ptr<LineWriter> out;
        std::size_t bytes = 0;
        std::string line;

        void add(std::size_t index, const std::string& body) {
            job.write_line(line, index, body);
            if (!out || round.parts.back().lines >= job.limits_lines_ || bytes + line.size() > job.limits_bytes_) {
                if (out) out->close();
                PartState part;
                part.request_file = job.file_for(round.number, round.parts.size(), "requests");
                round.parts.push_back(std::move(part));
                out = std::make_unique<LineWriter>(round.parts.back().request_file);
                bytes = 0;
            }
            out->buffer() += line;
            out->maybe_flush();
            bytes += line.size();
            ++round.parts.back().lines;
        }

        RoundState finish() {
            if (out) out->close();
            return std::move(round);
        }
    };

    // ---- driving a round's batches ------------------------------------------------------------------

    // True once every batch of round `r` has its result files here; false when the job was
    // cancelled and the batches did not end in time (every input not answered has then ended).
    bool round_answered(std::size_t r) {
        RoundState& round = state_.rounds[r];
        if (round.processed) return true;
        if (state_.files_only) {
            for (std::size_t p = 0; p < round.parts.size(); ++p) {
                PartState& part = round.parts[p];
                const std::string results = file_for(round.number, p, "results");
                if (!std::filesystem::exists(results))
                    throw BatchError("round " + std::to_string(round.number) +
                                         " waits for its result file: run the "
                                         "requests in \"" +
                                         part.request_file + "\" (e.g. vllm run-batch -i " + part.request_file +
                                         " -o " + results + ") and run the job again",
                                     BatchErrorKind::awaiting_results, {}, {}, {}, part.request_file, results);
                part.output_file = results;
                part.downloaded = part.final = true;
                part.normalised = BatchStatus::completed;
                part.status = "completed";
            }
            return true;
        }
        const ExtractionSetup& api = api_;
        HttpHeaders headers = *api.headers;
        for (PartState& part : round.parts) {
            if (round.cancelled || options_.cancel.stop_requested()) break;
            if (part.file_id.empty()) {
                std::string content = read_whole(part.request_file);
                const HttpRequest upload = dialect_->upload_request(
                    inputs_.base_url, headers, std::filesystem::path(part.request_file).filename().string(), content);
                part.file_id = dialect_->uploaded_file_id(send_api_request(api, upload).body, limits_);
                save();
            }
            if (part.batch_id.empty()) {
                const HttpRequest create =
                    dialect_->create_request(inputs_.base_url, headers, part.file_id, create_options());
                const BatchState created = dialect_->read_batch(send_api_request(api, create).body, limits_);
                part.batch_id = created.id;
                note(part, created);
                save();
            }
        }
        bool cancel_sent = round.cancelled;
        for (;;) {
            if (options_.cancel.stop_requested() && !cancel_sent) {
                round.cancelled = cancel_sent = true;
                for (PartState& part : round.parts)
                    if (!part.batch_id.empty() && !part.final) {
                        try {
                            note(part, dialect_->read_batch(
                                           send_api_request(
                                               api, dialect_->cancel_request(inputs_.base_url, headers, part.batch_id))
                                               .body,
                                           limits_));
                        } catch (const Error&) {
                            // A batch that cannot be cancelled (already ended) is read below as it is.
                        }
                    }
                save();
            }
            bool all_final = true;
            for (PartState& part : round.parts) {
                if (part.final) continue;
                if (part.batch_id.empty()) {  // cancelled before it was created: nothing of it ran
                    part.final = true;
                    part.normalised = BatchStatus::cancelled;
                    continue;
                }
                note(part,
                     dialect_->read_batch(
                         send_api_request(api, dialect_->status_request(inputs_.base_url, headers, part.batch_id)).body,
                         limits_));
                all_final = all_final && part.final;
            }
            save();
            report(round);
            if (all_final) break;
            if (cancel_sent) {
                // The batches were asked to stop; what they finish later is not waited for.
                for (std::size_t i = 0; i < inputs_.count; ++i)
                    if (!finished_[i]) {
                        Pending* pending = nullptr;
                        if (const auto found = pending_.find(i); found != pending_.end()) pending = &found->second;
                        finish_error(i, CancelledError("the batch job was cancelled"), pending);
                    }
                return false;
            }
            wait_for(options_.poll_interval, options_.cancel);
        }
        for (std::size_t p = 0; p < round.parts.size(); ++p) {
            PartState& part = round.parts[p];
            if (part.downloaded) continue;
            if (!part.output_file_id.empty())
                part.output_file = download(part.output_file_id, file_for(round.number, p, "output"));
            if (!part.error_file_id.empty())
                part.error_file = download(part.error_file_id, file_for(round.number, p, "errors"));
            part.downloaded = true;
            save();
        }
        return true;
    }

    [[nodiscard]] BatchCreateOptions create_options() const {
        BatchCreateOptions create{
            .model = {}, .completion_window = options_.completion_window, .metadata = options_.metadata};
        create.model = model_;
        return create;
    }

    void note(PartState& part, const BatchState& seen) {
        part.status = seen.provider_status;
        part.normalised = seen.status;
        part.final = is_final(seen.status);
        part.errors = seen.errors;
        part.output_file_id = seen.output_file_id;
        part.error_file_id = seen.error_file_id;
        part.total = seen.total;
        part.succeeded = seen.succeeded;
        part.failed = seen.failed;
        part.percent = seen.percent;
    }

    void report(const RoundState& round) {
        if (!options_.on_progress) return;
        BatchJobProgress progress;
        progress.round = round.number;
        progress.batches = round.parts.size();
        progress.status = BatchStatus::cancelled;
        bool any = false;
        for (const PartState& part : round.parts) {
            if (part.final) ++progress.batches_finished;
            progress.total += part.total;
            progress.succeeded += part.succeeded;
            progress.failed += part.failed;
            if (part.percent)
                progress.percent =
                    progress.percent.value_or(0) + *part.percent / static_cast<double>(round.parts.size());
            if (!any || static_cast<int>(part.normalised) < static_cast<int>(progress.status))
                progress.status = part.normalised;
            any = true;
        }
        progress.inputs = inputs_.count;
        progress.inputs_done = done_;
        progress.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_);
        options_.on_progress(progress);
    }

    [[nodiscard]] static std::string read_whole(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw ConfigurationError("cannot read the batch request file \"" + path + "\"");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    // A result file, streamed to disk: never held whole.
    std::string download(const std::string& file_id, const std::string& path) {
        LineWriter out(path);
        bool streamed = false;
        HttpRequest request = dialect_->content_request(inputs_.base_url, *api_.headers, file_id);
        request.on_chunk = [&](std::string_view chunk) {
            streamed = true;
            out.buffer().append(chunk);
            out.maybe_flush();
            return true;
        };
        HttpResponse response = send_api_request(api_, request, &streamed);
        out.buffer() += response.body;  // a transport that cannot stream returns it whole
        out.close();
        return path;
    }

    // ---- reading a round's results --------------------------------------------------------------------

    void process_round(std::size_t r) {
        RoundState& round = state_.rounds[r];
        current_cancelled_ = round.cancelled;
        const bool next_written = state_.rounds.size() > r + 1;
        RoundWriter writer(*this, round.number + 1);
        std::unordered_map<std::size_t, Pending> next;

        for (const std::size_t index : round.unsent) {
            try {
                Pending made = make(index);
                std::string line;
                write_line(line, index, made.extraction->body());
            } catch (const Error&) {
                finish_current(index, nullptr);
            }
        }
        std::vector<char> in_part(inputs_.count, 0);
        std::string_view line;
        for (std::size_t p = 0; p < round.parts.size(); ++p) {
            const PartState& part = round.parts[p];
            // The ids sent in this batch, read back from its request file: 1 in in_part (2 once
            // answered). A byte per input, not a list of them.
            {
                LineReader requests(part.request_file, limits_bytes_ + 1);
                if (!requests.is_open())
                    throw ConfigurationError("the batch request file \"" + part.request_file +
                                             "\" is gone; the job "
                                             "cannot tell which inputs it held");
                while (requests.next(line)) {
                    JsonCursor cursor(line, 4);
                    std::string_view key;
                    std::string_view id;
                    if (cursor.begin_object() && cursor.first_member(key) && key == "custom_id" && cursor.string(id))
                        if (const auto index = index_of(id)) in_part[*index] = 1;
                }
            }
            std::size_t unreadable = 0;
            std::string first_unreadable;
            const auto read_file = [&](const std::string& path) {
                if (path.empty()) return;
                LineReader results(path, limits_.max_bytes);
                while (results.next(line)) {
                    BatchResultLine result;
                    try {
                        result = dialect_->read_line(line, limits_);
                    } catch (const Error& e) {
                        if (unreadable++ == 0) first_unreadable = e.what();
                        continue;
                    }
                    const auto index = index_of(result.custom_id);
                    if (!index || in_part[*index] != 1) continue;  // not sent here, or answered already
                    in_part[*index] = 2;
                    take(*index, result, part, next, writer, next_written);
                }
                unreadable += results.too_long();
            };
            read_file(part.output_file);
            read_file(part.error_file);
            for (std::size_t index = 0; index < in_part.size(); ++index) {
                if (in_part[index] == 1)
                    unanswered(index, part, next, writer, next_written, unreadable, first_unreadable);
                in_part[index] = 0;
            }
        }
        pending_ = std::move(next);
        if (!next_written) {
            RoundState written = writer.finish();
            round.processed = true;
            if (!written.parts.empty()) state_.rounds.push_back(std::move(written));
            save();
        }
    }

    // The input's call as it stands: its conversation after earlier rounds, or made afresh.
    Pending take_pending(std::size_t index) {
        if (const auto found = pending_.find(index); found != pending_.end()) {
            Pending pending = std::move(found->second);
            pending_.erase(found);
            return pending;
        }
        return make(index);
    }

    // A result line for input `index`.
    void take(std::size_t index, const BatchResultLine& result, const PartState& part,
              std::unordered_map<std::size_t, Pending>& next, RoundWriter& writer, bool next_written) {
        Pending pending;
        try {
            pending = take_pending(index);
        } catch (const Error&) {
            finish_current(index, nullptr);
            return;
        }
        try {
            if (result.status_code == 0) {
                // A line that failed without an HTTP reply (an expired batch's unfinished lines are
                // reported so by OpenAI: batch_expired).
                const BatchErrorKind kind = part.normalised == BatchStatus::expired     ? BatchErrorKind::expired
                                            : part.normalised == BatchStatus::cancelled ? BatchErrorKind::cancelled
                                                                                        : BatchErrorKind::line_failed;
                if (kind != BatchErrorKind::line_failed && !state_.rounds.empty() && !current_cancelled_ &&
                    resubmit(index, pending, next, writer, next_written))
                    return;
                finish_error(
                    index,
                    BatchError(id_of(index) + ": its line failed in batch " + part.batch_id + ": " +
                                   (result.error_code.empty() ? "" : result.error_code + ": ") + result.error_message,
                               kind, part.batch_id, id_of(index),
                               {BatchLineError{.code = result.error_code,
                                               .message = result.error_message,
                                               .line = std::nullopt,
                                               .param = {}}}),
                    &pending);
                return;
            }
            if (pending.extraction->take_reply(result.status_code, result.body)) {
                ExtractionResult done = pending.extraction->take_result();
                mark(index);
                pending.finish(&done, nullptr, done.usage);
                return;
            }
            // Re-asked: the conversation goes on in the next round, unless the job was cancelled.
            if (current_cancelled_) {
                finish_error(index,
                             CancelledError("the batch job was cancelled before " + id_of(index) + " was re-asked"),
                             &pending);
                return;
            }
            pending.resubmits = 0;
            if (!next_written) writer.add(index, pending.extraction->body());
            next.emplace(index, std::move(pending));
        } catch (const HttpError& e) {
            // A line answered 429 or 5xx: the same request may well succeed when sent again.
            if (provider_.retryable(e) && !current_cancelled_ && resubmit(index, pending, next, writer, next_written))
                return;
            finish_current(index, &pending);
        } catch (const Error&) {
            finish_current(index, &pending);
        }
    }

    // An input sent in `part` whose line did not come back.
    void unanswered(std::size_t index, const PartState& part, std::unordered_map<std::size_t, Pending>& next,
                    RoundWriter& writer, bool next_written, std::size_t unreadable,
                    const std::string& first_unreadable) {
        const std::string id = id_of(index);
        Pending pending;
        try {
            pending = take_pending(index);
        } catch (const Error&) {
            finish_current(index, nullptr);
            return;
        }
        if (part.normalised == BatchStatus::failed) {
            std::string why;
            for (const auto& e : part.errors) {
                if (!why.empty()) why += "; ";
                if (e.line) why += "line " + std::to_string(*e.line) + ": ";
                why += e.code.empty() ? e.message : e.code + ": " + e.message;
            }
            finish_error(index,
                         BatchError(id + ": batch " + part.batch_id + " failed" + (why.empty() ? "" : ": " + why),
                                    BatchErrorKind::batch_failed, part.batch_id, id, part.errors),
                         &pending);
            return;
        }
        if (current_cancelled_) {
            finish_error(index, CancelledError("the batch job was cancelled before " + id + " was answered"), &pending);
            return;
        }
        const bool cut_short = part.normalised == BatchStatus::expired || part.normalised == BatchStatus::cancelled;
        if ((cut_short || options_.resubmit_missing) && resubmit(index, pending, next, writer, next_written)) return;
        const BatchErrorKind kind = part.normalised == BatchStatus::expired     ? BatchErrorKind::expired
                                    : part.normalised == BatchStatus::cancelled ? BatchErrorKind::cancelled
                                                                                : BatchErrorKind::missing_result;
        std::string what =
            id + ": " +
            (kind == BatchErrorKind::missing_result
                 ? "batch " + part.batch_id + " is " + part.status + ", yet no result line carries this id"
                 : "batch " + part.batch_id + " " + part.status + " before its line ran, and resubmitting ran out");
        if (unreadable > 0)
            what += " (" + std::to_string(unreadable) +
                    " result lines could not be read; the first: " + first_unreadable + ")";
        finish_error(index, BatchError(what, kind, part.batch_id, id), &pending);
    }

    // Sends an input again, as it was, in the next round; false when it has been sent too often.
    bool resubmit(std::size_t index, Pending& pending, std::unordered_map<std::size_t, Pending>& next,
                  RoundWriter& writer, bool next_written) {
        if (pending.resubmits >= options_.max_resubmits) return false;
        ++pending.resubmits;
        if (!next_written) writer.add(index, pending.extraction->body());
        next.emplace(index, std::move(pending));
        return true;
    }

    // ---- results ------------------------------------------------------------------------------------

    // Ends input `index` in the error being handled.
    void finish_current(std::size_t index, Pending* pending) { end_with(index, std::current_exception(), pending); }

    template <class E>
    void finish_error(std::size_t index, const E& error, Pending* pending = nullptr) {
        end_with(index, std::make_exception_ptr(error), pending);
    }

    void end_with(std::size_t index, const std::exception_ptr& error, Pending* pending) {
        const Usage usage = pending != nullptr && pending->extraction ? pending->extraction->usage() : Usage{};
        mark(index);
        if (pending != nullptr && pending->finish) {
            pending->finish(nullptr, error, usage);
        } else {
            BatchCall call = inputs_.call(index);
            call.finish(nullptr, error, usage);
        }
    }

    void mark(std::size_t index) {
        if (finished_[index]) throw std::logic_error("batch job: input finished twice");
        finished_[index] = true;
        ++done_;
    }

    const BatchJobInputs& inputs_;
    const BatchJobOptions& options_;
    ExtractionSetup api_;
    const Provider& provider_;
    const Limits& limits_;
    Clock::time_point started_;
    const BatchDialect* dialect_ = nullptr;
    std::size_t limits_lines_ = 0;
    std::size_t limits_bytes_ = 0;
    std::unordered_map<std::string_view, std::size_t> index_by_id_;
    std::string fingerprint_;
    std::string model_;
    std::vector<bool> finished_;
    std::size_t done_ = 0;
    std::filesystem::path directory_;
    std::string state_path_;
    bool temporary_ = false;
    JobState state_;
    std::unordered_map<std::size_t, Pending> pending_;
    bool current_cancelled_ = false;  // the round being read was cancelled by the user
};

}  // namespace

void run_batch_job(const BatchJobInputs& inputs, const BatchJobOptions& options) { Job(inputs, options).run(); }

}  // namespace instructor::detail
