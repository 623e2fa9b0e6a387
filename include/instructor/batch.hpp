#pragma once
// Many calls at once: the settings of a batch (Client::create_many, extract_many) and what it
// reports. One thread drives every call of a batch; see client.hpp for the calls themselves.
//
//     auto results = client.create_many<Invoice>(requests, {.max_concurrency = 32,
//                                                           .requests_per_minute = 500});

#include <cstddef>
#include <functional>
#include <stop_token>

#include <instructor/completion.hpp>
#include <instructor/error.hpp>
#include <instructor/result.hpp>

namespace instructor {

/// Where a batch stands; handed to BatchOptions::on_progress after each call ends.
struct BatchProgress {
    std::size_t started = 0;  // calls taken from the input so far
    std::size_t succeeded = 0;
    std::size_t failed = 0;
    std::size_t in_flight = 0;  // started and not yet ended (sending, waiting or re-asking)
    Usage usage{};              // every attempt's tokens, of the calls ended so far (failed ones too)
};

struct BatchOptions {
    int max_concurrency = 16;        // calls in flight at once (each with its own re-asks and retries)
    double requests_per_minute = 0;  // 0: no limit. Paced evenly, bursts of up to a second's worth
    /// 0: no limit. A request counts its body's bytes / 4 plus its max_tokens until its reply
    /// reports the real usage, which then replaces the estimate.
    double tokens_per_minute = 0;
    std::stop_token cancel{};  // stops the batch: every call not yet ended ends in a CancelledError
    /// With a callable transport (from_callable, ClientOptions::transport), the threads it runs on.
    /// libcurl needs none: one thread drives every transfer.
    int transport_threads = 4;
    /// libcurl: connections open to one host at once (0: max_concurrency). Kept alive between calls.
    long max_host_connections = 0;
    /// After each call ends, on the batch's thread, one at a time.
    std::function<void(const BatchProgress&)> on_progress{};
};

/// One call of a batch, as soon as it ended.
template <class Value>
struct BatchResult {
    std::size_t index = 0;             // its place in the input
    Result<Value, AnyError> result{};  // the value (with its replies), or the error it ended in
    Usage usage{};                     // every attempt's tokens, also when it failed
};

}  // namespace instructor
