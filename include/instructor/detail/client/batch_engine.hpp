#pragma once
// The engine under create_many and create_async, compiled once: it drives many calls' steps
// (ExtractionSteps) from one thread, sending through libcurl's multi interface, or through the
// user's transport on a small pool of threads. It never sees the C++ type being extracted.

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <optional>

#include <instructor/batch.hpp>
#include <instructor/detail/client/extraction.hpp>

namespace instructor::detail {

/// One call as the engine sees it.
struct BatchCall {
    ExtractionSetup setup;  // its pointers outlive the call
    Request request;        // with its response models set
    ParseCallback parse;
    /// The call ended: `result` when it succeeded, else `error` (always an instructor::Error) and
    /// the tokens it cost. Runs on the engine's thread; must not throw.
    std::function<void(ExtractionResult* result, const std::exception_ptr& error, const Usage& usage)> finish;
    /// Set when the call could not even be made (its request could not be built): it ends at once.
    std::exception_ptr failed_before_start;
};

/// The next call to start, or nullopt when there is none (for now). Called on the engine's thread.
using BatchSource = std::function<std::optional<BatchCall>()>;

/// How the engine sends: the client's own callable transport, or (null) libcurl with `curl`.
struct BatchTransport {
    const Transport* callable = nullptr;
    const CurlOptions* curl = nullptr;
};

/// Runs calls from `source` until it is dry and every call has ended, on the calling thread.
void run_batch(const BatchSource& source, const BatchTransport& transport, const BatchOptions& options);

/// A long-lived engine on a thread of its own, for calls submitted one at a time (create_async).
/// Destroying it cancels the calls not yet ended and joins its thread.
class AsyncEngine {
public:
    AsyncEngine(BatchTransport transport, BatchOptions options);
    ~AsyncEngine();
    AsyncEngine(const AsyncEngine&) = delete;
    AsyncEngine& operator=(const AsyncEngine&) = delete;

    void submit(BatchCall call);

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace instructor::detail
