#pragma once
// What a batch job (create_batch) says of an input the provider's Batch API did not answer: the
// batch failed as a whole, its line failed without a reply, no line came back for it, the batch
// expired or was cancelled first. An input whose line came back with an HTTP error gets that
// provider's typed HttpError instead, as a live call would.

#include <string>
#include <utility>
#include <vector>

#include <instructor/batch_dialect.hpp>
#include <instructor/error.hpp>

namespace instructor {

/// Why an input has no answer from the Batch API.
enum class BatchErrorKind {
    batch_failed,      // the batch failed as a whole (usually at validation): errors() says why
    line_failed,       // its line failed without an HTTP reply (the result line's error)
    missing_result,    // the batch completed, and no result line carries its id
    expired,           // the batch expired before its line ran, and resubmitting ran out
    cancelled,         // the batch was cancelled before its line ran, and resubmitting ran out
    awaiting_results,  // BatchJobOptions::files_only: the round's result file is not there yet
};

/// A request the Batch API did not answer (kind() says why), or, in files_only mode, a round
/// waiting for its result file.
class BatchError : public Error {
public:
    BatchError(const std::string& what, BatchErrorKind kind, std::string batch_id, std::string custom_id,
               std::vector<BatchLineError> errors = {}, std::string request_file = {}, std::string result_file = {})
        : Error(what),
          kind_(kind),
          batch_id_(std::move(batch_id)),
          custom_id_(std::move(custom_id)),
          errors_(std::move(errors)),
          request_file_(std::move(request_file)),
          result_file_(std::move(result_file)) {}

    [[nodiscard]] BatchErrorKind kind() const noexcept { return kind_; }
    /// The provider's id of the batch the input was in ("" in files_only mode).
    [[nodiscard]] const std::string& batch_id() const noexcept { return batch_id_; }
    /// The input's custom_id ("" when the error is the whole job's: awaiting_results).
    [[nodiscard]] const std::string& custom_id() const noexcept { return custom_id_; }
    /// The batch's own errors (errors.data[]), or the line's.
    [[nodiscard]] const std::vector<BatchLineError>& errors() const noexcept { return errors_; }
    /// awaiting_results: the request file written, and where the job expects its result file.
    [[nodiscard]] const std::string& request_file() const noexcept { return request_file_; }
    [[nodiscard]] const std::string& result_file() const noexcept { return result_file_; }

private:
    BatchErrorKind kind_;
    std::string batch_id_;
    std::string custom_id_;
    std::vector<BatchLineError> errors_;
    std::string request_file_;
    std::string result_file_;
};

}  // namespace instructor
