#pragma once
// The engine under create_batch, compiled once: it writes the request files, drives the provider's
// Batch API (or waits for result files), reads the results and re-asks, round after round. It
// never sees the C++ type being extracted: each input is a BatchCall, made again whenever needed.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <instructor/batch_job_options.hpp>
#include <instructor/detail/client/batch_engine.hpp>

namespace instructor::detail {

struct BatchJobInputs {
    std::size_t count = 0;
    /// Input `index` as a call (its finish delivers the result). Called again for the same input
    /// when the engine needs it again: it must give the same call every time.
    std::function<BatchCall(std::size_t index)> call;
    /// What reaches the provider's API besides the calls: its address, key and transport.
    ExtractionSetup api;
    std::string base_url;
};

/// Runs the job; every input's BatchCall::finish is called exactly once, unless an error of the
/// whole job (the upload refused, the state file unusable, ...) is thrown first.
void run_batch_job(const BatchJobInputs& inputs, const BatchJobOptions& options);

}  // namespace instructor::detail
