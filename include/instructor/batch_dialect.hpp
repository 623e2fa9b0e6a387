#pragma once
// A provider's Batch API: its Files and Batch endpoints, the line format of its request and result
// files, its statuses and limits. Like a Provider, a batch dialect knows nothing of C++ types: each
// line's body is what the Provider's write_body wrote for a live call. create_batch
// (batch_job.hpp) drives it; it is public so that a program can inspect or drive a batch itself.
//
//     const auto& dialect = instructor::batch_dialect(instructor::provider("mistral"));
//     std::string line;
//     dialect.write_line(line, "invoice-17", provider.write_body(request, mode));

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <instructor/limits.hpp>
#include <instructor/provider.hpp>
#include <instructor/transport.hpp>

namespace instructor {

/// Where a batch stands, the same for every provider (each provider's own word is kept beside it).
enum class BatchStatus {
    validating,   // OpenAI/Groq validating, Together VALIDATING, Mistral QUEUED
    in_progress,  // in_progress, IN_PROGRESS, RUNNING
    finalizing,   // OpenAI/Groq finalizing
    completed,    // completed, COMPLETED, SUCCESS: lines may still have failed (read the error file)
    failed,       // the batch as a whole failed (usually at validation: see BatchState::errors)
    expired,      // the completion window ran out (Mistral TIMEOUT_EXCEEDED): finished lines are kept
    cancelling,   // cancelling, CANCELLATION_REQUESTED
    cancelled,
};

/// "in_progress", "completed", ...
[[nodiscard]] std::string_view to_string(BatchStatus status) noexcept;
/// completed, failed, expired and cancelled: the batch will not change again.
[[nodiscard]] bool is_final(BatchStatus status) noexcept;

/// One of the batch's own errors (OpenAI errors.data[], Mistral errors[], Together error).
struct BatchLineError {
    std::string code{};
    std::string message{};
    std::optional<std::int64_t> line{};  // the input file's line (1 for the first), when the provider says
    std::string param{};
};

/// A batch as the provider reports it.
struct BatchState {
    std::string id{};
    BatchStatus status = BatchStatus::validating;
    std::string provider_status{};  // as the provider wrote it ("TIMEOUT_EXCEEDED")
    std::int64_t total = 0;         // lines in the batch (0 until the provider counts them)
    std::int64_t succeeded = 0;
    std::int64_t failed = 0;
    std::optional<double> percent{};  // Together reports progress, not counts
    std::string output_file_id{};     // "" until there is one
    std::string error_file_id{};
    std::vector<BatchLineError> errors{};
};

/// One line of a result file (output or error file): the reply to one request line.
struct BatchResultLine {
    std::string custom_id{};
    int status_code = 0;  // the line's HTTP status; 0 when it failed without a reply
    std::string body{};   // the reply body's text: a chat completion, or an error body
    std::string request_id{};
    std::string error_code{};  // a failure without an HTTP reply (error: {code, message})
    std::string error_message{};
};

/// What a provider accepts in one batch.
struct BatchLimits {
    std::size_t max_lines = 50'000;
    std::size_t max_file_bytes = std::size_t{200} << 20U;
    std::size_t max_id_length = 64;  // bytes of a custom_id
};

/// What creating a batch takes besides its input file.
struct BatchCreateOptions {
    std::string model{};  // Mistral and Together name the model on the job
    std::chrono::hours completion_window{24};
    std::map<std::string, std::string> metadata{};
};

/// One provider's Batch API: the requests of its Files and Batch endpoints, its line formats, its
/// statuses and limits. The built-in ones are found with batch_dialect(provider).
class BatchDialect {
public:
    /// How one provider's Batch API differs from the others: data, not code.
    struct Settings {
        std::string_view name;                 // the provider's name
        std::string_view upload_path;          // after the base URL: "/files", "/files/upload"
        std::string_view purpose;              // the upload's purpose: "batch", "batch-api"
        bool file_name_field = false;          // the upload also names the file (Together: file_name, file_type)
        std::string_view batches_path;         // "/batches", "/batch/jobs"
        std::string_view content_path_suffix;  // after "/files/{id}": "/content"
        bool line_method_url = false;          // lines carry "method" and "url" (OpenAI, Groq)
        bool line_model = true;                // lines' bodies name the model (Mistral: the job does)
        bool mistral_job = false;              // create: {input_files, model, timeout_hours}
        bool together_job = false;             // create: {model_id}; replies wrap the job in {"job": ...}
        std::chrono::hours min_window{24};     // completion windows accepted
        std::chrono::hours max_window{24};
        std::size_t max_metadata_pairs = 16;
        std::size_t max_metadata_key = 64;
        std::size_t max_metadata_value = 512;
        BatchLimits limits;
    };

    explicit BatchDialect(Settings settings) : settings_(settings) {}

    [[nodiscard]] std::string_view name() const noexcept { return settings_.name; }
    [[nodiscard]] const BatchLimits& limits() const noexcept { return settings_.limits; }
    /// The model is named once, on the job, and not in the lines (Mistral): one model per batch.
    [[nodiscard]] bool needs_job_model() const noexcept { return !settings_.line_model; }
    /// The chat endpoint every line goes to.
    [[nodiscard]] static std::string_view endpoint() noexcept { return "/v1/chat/completions"; }

    /// Why `id` cannot be a custom_id here ("" when it can): empty, too long, or a character other
    /// than printable ASCII (a space, a control character, a non-ASCII byte).
    [[nodiscard]] std::string id_problem(std::string_view id) const;
    /// Why the options cannot create a batch here ("" when they can): a window or metadata beyond
    /// what the provider takes, no model where the job needs one.
    [[nodiscard]] std::string options_problem(const BatchCreateOptions& options) const;

    /// Appends one request line (ending in '\n') for `body`, as Provider::write_body wrote it.
    void write_line(std::string& out, std::string_view custom_id, std::string_view body) const;
    /// One result line, read within `limits` (a LimitError beyond them). Text that is not a result
    /// line is an UnexpectedReplyError naming the provider.
    [[nodiscard]] BatchResultLine read_line(std::string_view line, const Limits& limits) const;

    /// The upload of a request file (`content` must live until the request is sent). `headers`
    /// are the provider's (Provider::headers), with the key.
    [[nodiscard]] HttpRequest upload_request(std::string_view base_url, HttpHeaders headers, std::string_view file_name,
                                             std::string_view content) const;
    /// The uploaded file's id, from the upload's reply.
    [[nodiscard]] std::string uploaded_file_id(std::string_view body, const Limits& limits) const;
    [[nodiscard]] HttpRequest create_request(std::string_view base_url, HttpHeaders headers,
                                             std::string_view input_file_id, const BatchCreateOptions& options) const;
    [[nodiscard]] HttpRequest status_request(std::string_view base_url, HttpHeaders headers,
                                             std::string_view batch_id) const;
    [[nodiscard]] HttpRequest cancel_request(std::string_view base_url, HttpHeaders headers,
                                             std::string_view batch_id) const;
    /// A file's content: stream it (HttpRequest::on_chunk), a result file may be large.
    [[nodiscard]] HttpRequest content_request(std::string_view base_url, HttpHeaders headers,
                                              std::string_view file_id) const;
    /// The batch in a reply of create, status or cancel. A status the dialect does not know is an
    /// UnexpectedReplyError.
    [[nodiscard]] BatchState read_batch(std::string_view body, const Limits& limits) const;

private:
    Settings settings_;
};

/// The Batch API of `provider` (openai, groq, together, mistral). Any other provider has none: a
/// ConfigurationError that says to run the same requests through create_many (or
/// BatchJobOptions::run_live). `openai-compatible` has one only when the server does: pass
/// provider("openai") then.
[[nodiscard]] const BatchDialect& batch_dialect(const Provider& provider);
/// The same, or nullptr when the provider has no Batch API.
[[nodiscard]] const BatchDialect* find_batch_dialect(std::string_view provider_name) noexcept;

}  // namespace instructor
