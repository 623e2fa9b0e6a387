#pragma once
// The settings of a batch job (create_batch, batch_job.hpp) and what it reports while it runs.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include <instructor/batch.hpp>
#include <instructor/batch_dialect.hpp>

namespace instructor {

/// Where a batch job stands; handed to BatchJobOptions::on_progress after each poll.
struct BatchJobProgress {
    int round = 1;                                 // 1, then 2 for the first re-asks, ...
    std::size_t batches = 0;                       // the round's batches (inputs over the provider's limits are split)
    std::size_t batches_finished = 0;              // of those, the ones in a final status
    BatchStatus status = BatchStatus::validating;  // the least advanced batch's status
    std::int64_t total = 0;                        // as the provider counts them, summed over the round's batches
    std::int64_t succeeded = 0;
    std::int64_t failed = 0;
    std::optional<double> percent{};       // providers that report progress instead of counts (Together)
    std::size_t inputs = 0;                // inputs in the job
    std::size_t inputs_done = 0;           // inputs with their result, over every round so far
    std::chrono::milliseconds elapsed{0};  // since the job started (in this process)
};

/// Every member has a default: set only what you need, with designated initializers.
struct BatchJobOptions {
    /// The file that makes the job resumable: the batch and file ids of every round, written
    /// atomically after each step. A program killed and started again with the same inputs resumes
    /// polling the same batches: nothing is uploaded or created twice. The request and result files
    /// are kept beside it (<state_file>.r<round>.p<part>.*.jsonl). Empty: a temporary folder,
    /// removed at the end, and no resuming.
    std::string state_file{};
    /// One custom_id per input (unique, at most the provider's length, printable ASCII), checked
    /// before anything is written. Empty: "item-<index>".
    std::vector<std::string> ids{};
    /// How long the provider may take (OpenAI: 24 h only; Groq 24 h to 7 days; Mistral 1 to 168 h).
    std::chrono::hours completion_window{24};
    /// Key-value pairs attached to each batch (not Together, whose API has none).
    std::map<std::string, std::string> metadata{};
    /// Between two looks at a batch's status.
    std::chrono::milliseconds poll_interval{std::chrono::seconds(30)};
    /// After each look, on the calling thread. An exception thrown from it stops the job (its state
    /// file is kept) and comes out of create_batch.
    std::function<void(const BatchJobProgress&)> on_progress{};
    /// Cancels the job: the batches still running are cancelled remotely, the lines they finished
    /// are kept, and every input not answered ends in a CancelledError.
    std::stop_token cancel{};
    /// An input missing from a completed batch's results is sent again in the next round (else it
    /// ends in a BatchError, missing_result).
    bool resubmit_missing = false;
    /// How often an input the provider did not answer (an expired or cancelled batch, a line that
    /// failed with 429 or 5xx, a missing line with resubmit_missing) is sent again.
    int max_resubmits = 2;
    /// Re-asks per input when its Request sets none (else the client's, else 2): each re-ask is a
    /// round of its own, a new batch carrying the conversation and the validation errors.
    std::optional<int> max_retries{};
    /// Another provider's Batch API, by name ("openai"), for a server that speaks the client's chat
    /// dialect and has one (from_openai with a base URL: vLLM, a LiteLLM proxy). Empty: the client's.
    std::string batch_api{};
    /// No server: each round's request file is written beside the state file, and the job waits for
    /// its result file (<state_file>.r<round>.p<part>.results.jsonl, e.g. from `vllm run-batch`).
    /// While it is missing, create_batch throws a BatchError (awaiting_results) naming both files;
    /// run it again once the file is there. Needs a state_file. The line format is the Batch API's
    /// of the client's provider, else OpenAI's (what vLLM reads and writes).
    bool files_only = false;
    /// Run the same inputs live instead, through create_many with `live`: for servers without a
    /// Batch API (llama.cpp, Ollama), so that one code path serves both.
    bool run_live = false;
    BatchOptions live{};
    /// Lines and bytes per batch, below the provider's own limits (0: the provider's). A round with
    /// more is split into several batches. Each request file is read whole for its upload, so this
    /// also bounds the memory an upload takes.
    std::size_t max_lines_per_batch = 0;
    std::size_t max_bytes_per_batch = 0;
};

}  // namespace instructor
