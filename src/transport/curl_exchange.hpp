#pragma once
// One HTTP exchange on a libcurl easy handle, shared by the blocking transport (curl_easy_perform)
// and the many-at-once driver (curl_multi): the handle's settings, the callbacks that collect the
// reply, and the reading of how it ended.

#include <curl/curl.h>

#include <array>
#include <stop_token>
#include <string>

#include <instructor/transport.hpp>

namespace instructor::detail {

void initialise_curl_once();

/// An easy handle with the transport's settings, and the buffer libcurl writes its errors to.
struct CurlHandle {
    CURL* curl = nullptr;
    std::array<char, CURL_ERROR_SIZE> error{};
};

/// What arrives of one reply.
struct CurlReply {
    CURL* handle = nullptr;
    std::string body;
    HttpHeaders headers;
    std::size_t limit = 0;
    std::size_t received = 0;
    bool too_large = false;
    std::size_t header_limit = 0;
    std::size_t header_bytes = 0;  // headers and trailers, kept or not
    bool headers_too_large = false;
    const BodyChunkCallback* on_chunk = nullptr;  // streaming: set only for a 2xx reply
    bool checked_status = false;
    bool stopped = false;  // the chunk callback asked to stop
    const std::stop_token* cancel = nullptr;
};

/// The settings every exchange shares, set once per handle (`share`: a connection share, or null).
void configure_handle(CurlHandle& handle, const CurlOptions& options, CURLSH* share);

/// Points the handle at `request` and `reply`. Returns the header list, which must outlive the
/// exchange (free it with curl_slist_free_all). Throws CancelledError when already cancelled.
[[nodiscard]] curl_slist* prepare_exchange(CurlHandle& handle, const HttpRequest& request, CurlReply& reply,
                                           const CurlOptions& options);

/// The response, or the error the exchange ended in: CancelledError, LimitError (max_reply_bytes)
/// or TransportError (retryable when the connection failed or broke).
[[nodiscard]] HttpResponse finish_exchange(CurlHandle& handle, CURLcode code, CurlReply& reply,
                                           const HttpRequest& request, const CurlOptions& options);

/// Forgets the request and reply, so that no pointer to them outlives the exchange.
void clear_exchange(CurlHandle& handle);

/// scheme://host[:port] of a URL, without credentials: what error messages may name.
[[nodiscard]] std::string host_of(const std::string& url);

}  // namespace instructor::detail
