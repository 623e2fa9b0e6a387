#pragma once
// One call's validate-and-retry loop fed with replies that arrive some other way than through its
// own transport: the lines of a Batch API's result files. It runs the very steps a live call runs
// (ExtractionSteps): the same body writer, the same reading of the answer, the same re-ask.

#include <memory>
#include <string>
#include <string_view>

#include <instructor/detail/client/batch_engine.hpp>
#include <instructor/detail/client/extraction.hpp>

namespace instructor::detail {

class OfflineExtraction {
public:
    /// The call's setup, request (response models set, defaults filled) and parse callback.
    OfflineExtraction(const ExtractionSetup& setup, Request request, ParseCallback parse);
    ~OfflineExtraction();
    OfflineExtraction(OfflineExtraction&&) noexcept;
    OfflineExtraction& operator=(OfflineExtraction&&) noexcept;

    /// The current attempt's body, as a live call would send it (Provider::write_body).
    [[nodiscard]] std::string body();
    /// 1 for the first attempt, 2 after one re-ask, ...
    [[nodiscard]] int attempt() const noexcept;

    /// A reply to the current attempt (a result line's status and body). True: the answer is
    /// valid (take_result()). False: it was re-asked, and body() is the next attempt's. Throws the
    /// error the call ends in: the provider's typed HttpError for an error status, RefusalError,
    /// IncompleteOutputError, RetryError (re-asks spent), LimitError.
    [[nodiscard]] bool take_reply(int status, std::string_view body);

    [[nodiscard]] ExtractionResult take_result();
    /// Every reply's tokens so far.
    [[nodiscard]] const Usage& usage() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Sends one request to the provider (a Batch API's upload, create, status, download) with the
/// call's HTTP retries and hooks; returns the 2xx reply or throws the provider's typed error. Once
/// `*streamed` (bytes went to the request's on_chunk), nothing is sent again.
[[nodiscard]] HttpResponse send_api_request(const ExtractionSetup& setup, const HttpRequest& request,
                                            const bool* streamed = nullptr);

}  // namespace instructor::detail
