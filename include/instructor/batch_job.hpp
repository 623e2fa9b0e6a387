#pragma once
// A batch job of typed extractions through a provider's Batch API: the same requests and results
// as create_many, at the provider's batch price and on its own fleet. The job writes the request
// file (each line's body exactly what create<T> would send), uploads it, creates the batch, polls
// it, reads the output and error files, and re-asks every answer that does not validate in a
// follow-up batch, round after round, up to each request's max_retries.
//
//     auto results = instructor::create_batch<Contract>(client, requests, {.state_file = "contracts.job.json"});
//     // the same line with client.create_many<Contract>(requests) runs it live

#include <cstddef>
#include <iterator>
#include <optional>
#include <ranges>
#include <utility>
#include <vector>

#include <instructor/batch_dialect.hpp>
#include <instructor/batch_error.hpp>
#include <instructor/batch_job_options.hpp>
#include <instructor/client.hpp>
#include <instructor/detail/batch_job/batch_job_engine.hpp>

namespace instructor {

namespace detail {

/// What create_batch needs of a Client beyond its public face: the calls create_many makes.
struct BatchJobAccess {
    template <class T, class Finish>
    static BatchCall call(const Client& client, Request request, Finish finish) {
        return client.batch_call<T>(std::move(request), std::move(finish));
    }
    static ExtractionSetup api_setup(const Client& client) {
        Request none;
        return client.setup_for(none);
    }
};

/// Inputs a batch job can read more than once, in any order: results come back in any order.
template <class Requests>
concept BatchRequests = std::ranges::random_access_range<Requests> && std::ranges::sized_range<Requests> &&
    std::convertible_to<std::ranges::range_reference_t<Requests>, Request>;

}  // namespace detail

/// Runs the requests as a batch job and hands each result to `on_result(BatchResult<Extraction<T>>)`
/// as soon as it is known, keeping none. A job resumed from its state file hands over the results
/// of rounds finished before again (they are read back from the files it kept). Throws only errors
/// of the whole job (a ConfigurationError for a provider without a Batch API, duplicate or invalid
/// ids; the provider refusing an upload; BatchError awaiting_results in files_only mode) and what
/// on_result or on_progress throw; its state file is kept, and running it again resumes.
template <class T, detail::BatchRequests Requests, class OnResult>
void create_batch(const Client& client, const Requests& requests, BatchJobOptions options, OnResult&& on_result) {
    if (options.run_live) {
        client.create_many<T>(requests, options.live, std::forward<OnResult>(on_result));
        return;
    }
    const auto begin = std::ranges::begin(requests);
    detail::BatchJobInputs inputs;
    inputs.count = static_cast<std::size_t>(std::ranges::size(requests));
    inputs.api = detail::BatchJobAccess::api_setup(client);
    inputs.base_url = client.options().base_url;
    inputs.call = [&](std::size_t index) {
        Request request = *(begin + static_cast<std::ptrdiff_t>(index));
        request.stream = false;  // a batch line is answered whole
        if (!request.max_retries && options.max_retries) request.max_retries = options.max_retries;
        return detail::BatchJobAccess::call<T>(
            client, std::move(request),
            [&on_result, index](std::optional<Extraction<T>> value, const std::exception_ptr& error,
                                const Usage& usage) {
                if (value)
                    on_result(BatchResult<Extraction<T>>{.index = index, .result = std::move(*value), .usage = usage});
                else
                    on_result(
                        BatchResult<Extraction<T>>{.index = index, .result = detail::any_error(error), .usage = usage});
            });
    };
    detail::run_batch_job(inputs, options);
}

/// Runs the requests as a batch job: one result per request, in input order, as create_many gives
/// them (each value with one completion per round it took, and the tokens of every round).
template <class T, detail::BatchRequests Requests>
std::vector<Result<Extraction<T>, AnyError>> create_batch(const Client& client, const Requests& requests,
                                                          BatchJobOptions options = {}) {
    detail::InInputOrder<Result<Extraction<T>, AnyError>> results(requests);
    create_batch<T>(client, requests, std::move(options),
                    [&](BatchResult<Extraction<T>> done) { results.put(done.index, std::move(done.result)); });
    return std::move(results).take();
}

}  // namespace instructor
