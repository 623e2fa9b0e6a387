#pragma once
// What moves bytes: one HTTP exchange. The libcurl transport is the default; any callable with
// the Transport signature works too: a recording, a test double, an in-process backend.

#include <chrono>
#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include <vector>

#include <instructor/http_headers.hpp>
#include <instructor/limits.hpp>
#include <instructor/version.hpp>

namespace instructor {

/// The value of the first header named `name` (compared case-insensitively, as HTTP does), or "".
[[nodiscard]] std::string header_value(const HttpHeaders& headers, std::string_view name);

/// Sets each header of `extra` in `headers`: it replaces every header of the same name (compared
/// case-insensitively), or is added at the end.
void set_headers(HttpHeaders& headers, const HttpHeaders& extra);

/// Throws ConfigurationError when a header cannot be sent as it is: a name that is not an HTTP
/// token, a CR, LF or NUL in a value (which would end the header, or add others: an API key read
/// from a file with its newline), or a header the transport frames the request with itself
/// (Content-Length, Transfer-Encoding, Host, Connection, Expect, TE, Upgrade, Trailer). `whose`
/// says where the headers came from ("ClientOptions::headers"). The message names the header,
/// never its value.
void check_request_headers(const HttpHeaders& headers, std::string_view whose);

/// Receives a streamed reply's body as it arrives, in pieces cut anywhere. Return false to stop
/// the transfer (the transport then returns normally, with what arrived so far).
using BodyChunkCallback = std::function<bool(std::string_view chunk)>;

struct HttpRequest {
    /// The HTTP method: "POST" (every chat call), "GET" (a batch's status, a file's content),
    /// "DELETE", ... First, so that `{.url = ...}` leaves it POST.
    std::string method = "POST";
    std::string url{};
    HttpHeaders headers{};
    std::string body{};
    /// When set and the reply is a success (2xx), its body goes here piece by piece instead of into
    /// HttpResponse::body. An error reply is still collected whole, to be read as an error. A
    /// transport that cannot stream may ignore this and return the whole body: callers cope.
    BodyChunkCallback on_chunk{};
    /// A stop request abandons the transfer with a CancelledError.
    std::stop_token cancel{};
    /// The call's deadline: a transfer still going then is abandoned with a TimeoutError. max(): none.
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers{};
    std::string body{};
};

using Transport = std::function<HttpResponse(const HttpRequest&)>;

/// Settings of the libcurl transport. TLS verification is always on; give a CA bundle if the
/// system's is not the one to trust. Every transfer is bounded by default: no server holds a call
/// forever, whether it is silent or sends a byte at a time. A duration of max() means none.
struct CurlOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    /// A transfer slower than low_speed_bytes per second for this long is abandoned. Generous by
    /// default: a local model may take minutes to load before its first byte.
    std::chrono::seconds low_speed_time{300};
    long low_speed_bytes = 1;
    /// Each transfer (a reply, or a whole stream) ends with a TransportError after this long, however
    /// it trickles: 10 minutes, as OpenAI's own clients. Raise it for longer generations; 0 or max(): none.
    std::chrono::milliseconds total_timeout{600'000};
    std::string ca_file{};  // CURLOPT_CAINFO
    std::string ca_path{};  // CURLOPT_CAPATH
    /// A larger reply (or stream) is a LimitError. A client sets it from ClientOptions::limits.
    std::size_t max_reply_bytes = Limits{}.max_bytes;
    /// Headers (and trailers) larger than this in all are a LimitError. A client sets it from ClientOptions::limits.
    std::size_t max_header_bytes = Limits{}.max_header_bytes;
    std::string user_agent = std::string("instructor-cpp/") + version;
};

/// HTTP through libcurl: connections are kept alive and shared by every copy of the returned
/// transport, which may be used from several threads at once. Proxies come from the environment
/// (https_proxy, no_proxy, ...). Failures to connect or to receive are TransportErrors.
[[nodiscard]] Transport curl_transport(CurlOptions options = {});

}  // namespace instructor
