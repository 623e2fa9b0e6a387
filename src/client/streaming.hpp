#pragma once
// One streamed answer: the reply's frames decoded (SSE or NDJSON), folded into a Completion by the
// provider, and the answer's JSON fed to an incremental parser whose events go to the watcher.

#include <instructor/detail/client/extraction.hpp>

namespace instructor::detail {

/// Streams one answer. `stopped` becomes true when the watcher stopped the stream; the completion
/// then holds what arrived. Throws StreamError when the stream breaks off.
[[nodiscard]] Completion stream_provider(const ExtractionSetup& setup, const Request& request, int attempt,
                                         const StreamWatcher& watcher, bool& stopped);

}  // namespace instructor::detail
