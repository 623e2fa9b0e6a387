#include <instructor/detail/client/offline_extraction.hpp>

#include "extraction_steps.hpp"
#include "http_call.hpp"

#include <instructor/detail/json/json_reader.hpp>

namespace instructor::detail {

struct OfflineExtraction::Impl {
    Impl(const ExtractionSetup& s, Request request, ParseCallback parse)
        : setup(s), steps(setup, std::move(request), std::move(parse)) {}
    ExtractionSetup setup;  // ExtractionSteps keeps a reference: it lives here, beside them
    ExtractionSteps steps;
};

OfflineExtraction::OfflineExtraction(const ExtractionSetup& setup, Request request, ParseCallback parse)
    : impl_(std::make_unique<Impl>(setup, std::move(request), std::move(parse))) {}
OfflineExtraction::~OfflineExtraction() = default;
OfflineExtraction::OfflineExtraction(OfflineExtraction&&) noexcept = default;
OfflineExtraction& OfflineExtraction::operator=(OfflineExtraction&&) noexcept = default;

std::string OfflineExtraction::body() { return impl_->steps.http().body; }

int OfflineExtraction::attempt() const noexcept { return impl_->steps.attempt(); }

bool OfflineExtraction::take_reply(int status, std::string_view body) {
    const ExtractionSetup& setup = impl_->setup;
    const Limits& limits = limits_of(setup);
    if (body.size() > limits.max_bytes)
        throw_too_large(body, body.size(), limits,
                        "a reply in " + std::string(setup.provider->name()) + "'s result file");
    // As a live reply is read: the key masked, the URL named, a reply whose only fault is its
    // encoding read with U+FFFD.
    std::string masked(body);
    mask_secrets(setup, masked);
    if (status < 200 || status >= 300) throw_reply_error(setup, status, {}, masked);
    Completion completion = decode_reply(setup, masked, {});
    completion.raw = std::move(masked);
    return impl_->steps.after_completion(std::move(completion));
}

ExtractionResult OfflineExtraction::take_result() { return impl_->steps.take_result(); }

const Usage& OfflineExtraction::usage() const noexcept { return impl_->steps.usage(); }

HttpResponse send_api_request(const ExtractionSetup& setup, const HttpRequest& request, const bool* streamed) {
    return send_with_retries(setup, request, 1, streamed);
}

}  // namespace instructor::detail
