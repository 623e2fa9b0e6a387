#pragma once
// What a batch job keeps on disk: its state file (the batch and file ids of every round, written
// atomically) and its JSON-lines files, read and written a line at a time.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <instructor/batch_dialect.hpp>
#include <instructor/limits.hpp>

namespace instructor::detail {

/// One batch of a round: a request file, and what became of it.
struct PartState {
    std::string request_file;  // local
    std::size_t lines = 0;
    std::string file_id;   // once uploaded
    std::string batch_id;  // once created
    std::string status;    // the last status seen, as the provider wrote it
    bool final = false;    // that status is final
    BatchStatus normalised = BatchStatus::validating;
    std::vector<BatchLineError> errors;  // the batch's own errors
    std::string output_file_id;          // the provider's result files, once it names them
    std::string error_file_id;
    std::int64_t total = 0;  // the provider's counts, last seen (not kept in the file)
    std::int64_t succeeded = 0;
    std::int64_t failed = 0;
    std::optional<double> percent;
    std::string output_file;  // local copies, once downloaded ("" when the batch had none)
    std::string error_file;
    bool downloaded = false;
};

struct RoundState {
    int number = 1;
    std::vector<PartState> parts;
    std::vector<std::size_t> unsent;  // inputs whose line could not be written (they ended at once)
    bool processed = false;           // its results read, and the next round written
    bool cancelled = false;           // the user cancelled the job during this round
};

struct JobState {
    std::string provider;  // whose Batch API
    std::size_t inputs = 0;
    std::string fingerprint;  // of the ids, in order: the same job, not another one's state
    bool files_only = false;
    std::vector<RoundState> rounds;
};

/// The state file, or nullopt when there is none yet. A file that is not a job's state is a
/// ConfigurationError naming it.
[[nodiscard]] std::optional<JobState> load_job_state(const std::string& path, const Limits& limits);
/// Writes the state to a temporary file beside `path` and renames it over `path`: a reader (the
/// program started again) sees the old state or the new one, never half of one.
void save_job_state(const JobState& state, const std::string& path);

/// Reads a file a line at a time, never holding more than one line. A line longer than
/// `max_line` is skipped (too_long() counts them), so that no line costs unbounded memory.
class LineReader {
public:
    LineReader(const std::string& path, std::size_t max_line);
    [[nodiscard]] bool is_open() const noexcept { return open_; }
    /// The next non-empty line (without its '\n'), or false at the end. The view lives until the
    /// next call.
    [[nodiscard]] bool next(std::string_view& line);
    [[nodiscard]] std::size_t too_long() const noexcept { return too_long_; }

private:
    bool fill();
    std::ifstream in_;
    bool open_ = false;
    std::vector<char> buffer_;
    std::size_t at_ = 0;
    std::size_t end_ = 0;
    std::size_t max_line_;
    std::size_t too_long_ = 0;
};

/// Appends to a file through a buffer of its own; errors are ConfigurationErrors naming the file.
class LineWriter {
public:
    explicit LineWriter(std::string path);
    ~LineWriter();
    LineWriter(const LineWriter&) = delete;
    LineWriter& operator=(const LineWriter&) = delete;
    [[nodiscard]] std::string& buffer() noexcept { return buffer_; }
    /// Writes the buffer out when it has grown past a few hundred kilobytes.
    void maybe_flush();
    void close();
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    void flush();
    std::string path_;
    std::ofstream out_;
    std::string buffer_;
};

/// An FNV-1a hash, in hex: a fingerprint, not a secret.
[[nodiscard]] std::string fingerprint(std::string_view text, std::uint64_t seed = 1469598103934665603ULL);

}  // namespace instructor::detail
