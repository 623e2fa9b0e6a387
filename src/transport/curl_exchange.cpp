#include "curl_exchange.hpp"

#include <chrono>
#include <mutex>

#include <instructor/error.hpp>

namespace instructor::detail {
namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* reply = static_cast<CurlReply*>(user);
    const size_t bytes = size * count;
    reply->received += bytes;
    if (reply->received > reply->limit) {
        reply->too_large = true;
        return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    if (!reply->checked_status) {
        // The status is known once the body starts; only a success is streamed.
        reply->checked_status = true;
        long status = 0;
        curl_easy_getinfo(reply->handle, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200 || status >= 300) reply->on_chunk = nullptr;
    }
    if (reply->on_chunk != nullptr) {
        if (!(*reply->on_chunk)(std::string_view(data, bytes))) {
            reply->stopped = true;
            return 0;
        }
        return bytes;
    }
    reply->body.append(data, bytes);
    return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* reply = static_cast<const CurlReply*>(user);
    return reply->cancel->stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

// Failures where the request may not have been processed, or the reply was lost on the way: a
// new connection may well succeed.
bool connection_failure(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR: return true;
        default: return false;
    }
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* reply = static_cast<CurlReply*>(user);
    const size_t bytes = size * count;
    // Headers and trailers are bounded like bodies: a server may send them without end.
    reply->header_bytes += bytes;
    if (reply->header_bytes > reply->header_limit) {
        reply->headers_too_large = true;
        return 0;  // makes libcurl stop
    }
    // Trailers (after the body has begun) are not kept: nothing reads them.
    if (reply->checked_status) return bytes;
    std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a 100 Continue)
        reply->headers.clear();
        reply->header_bytes = bytes;
    }
    if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        reply->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return bytes;
}

// A method is a token (RFC 9110): letters, digits and a few marks, nothing that could end the
// request line early.
void check_method(const HttpRequest& request) {
    const std::string& method = request.method;
    const bool token = !method.empty() && method.find_first_not_of(
                                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789!#$%&'*+-.^_`|~") == std::string::npos;
    if (!token)
        throw ConfigurationError("HttpRequest::method \"" + method + "\" is not an HTTP method (request to " +
                                 host_of(request.url) + ")");
}

// A reused handle keeps its last method: each exchange sets its own, and clears the others.
void set_method(CURL* h, const HttpRequest& request) {
    const bool get = request.method == "GET";
    if (get) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);  // also forgets POSTFIELDS
    } else {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    const bool plain = get || request.method == "POST";
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, plain ? nullptr : request.method.c_str());
}

}  // namespace

void initialise_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw TransportError("libcurl failed to initialise");
    });
}

namespace {

// A duration in libcurl's milliseconds, where max() (or anything beyond 30 days) means none: 0.
// Compared before converting: seconds::max() in milliseconds overflows.
template <class Rep, class Period>
long curl_milliseconds(std::chrono::duration<Rep, Period> duration) {
    if (duration > std::chrono::hours(24 * 30)) return 0L;
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
}

}  // namespace

void configure_handle(CurlHandle& handle, const CurlOptions& options, CURLSH* share) {
    CURL* h = handle.curl;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, handle.error.data());
    if (share != nullptr) curl_easy_setopt(h, CURLOPT_SHARE, share);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, curl_milliseconds(options.connect_timeout));
    // 0 seconds turns the low-speed check off, as max() asks.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, curl_milliseconds(options.low_speed_time) / 1000);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, curl_milliseconds(options.total_timeout));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
    if (!options.ca_path.empty()) curl_easy_setopt(h, CURLOPT_CAPATH, options.ca_path.c_str());
}

curl_slist* prepare_exchange(CurlHandle& handle, const HttpRequest& request, CurlReply& reply,
                             const CurlOptions& options) {
    if (request.cancel.stop_possible() && request.cancel.stop_requested())
        throw CancelledError("request to " + host_of(request.url) + " cancelled");
    // The last defence against header injection, whoever built the request.
    check_request_headers(request.headers, "the request");
    check_method(request);
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers)
        headers = curl_slist_append(headers, (name + ": " + value).c_str());
    reply.handle = handle.curl;
    reply.limit = options.max_reply_bytes;
    reply.header_limit = options.max_header_bytes;
    if (request.on_chunk) reply.on_chunk = &request.on_chunk;
    reply.cancel = &request.cancel;
    handle.error[0] = '\0';
    CURL* h = handle.curl;
    // What every call sets; the settings of the transport were set once, when the handle was made.
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    set_method(h, request);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &reply);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, request.cancel.stop_possible() ? 0L : 1L);
    // The transfer's own bound, cut shorter by the call's deadline when that comes first.
    long timeout_ms = curl_milliseconds(options.total_timeout);
    if (request.deadline != std::chrono::steady_clock::time_point::max()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(request.deadline - std::chrono::steady_clock::now())
                .count();
        if (left <= 0) {
            curl_slist_free_all(headers);
            throw TimeoutError("request to " + host_of(request.url) + " not sent: the call's timeout has run out");
        }
        if (timeout_ms == 0 || left < timeout_ms) timeout_ms = static_cast<long>(left);
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    return headers;
}

HttpResponse finish_exchange(CurlHandle& handle, CURLcode code, CurlReply& reply, const HttpRequest& request,
                             const CurlOptions& options) {
    if (code == CURLE_ABORTED_BY_CALLBACK) throw CancelledError("request to " + host_of(request.url) + " cancelled");
    if (reply.too_large)
        throw LimitError("the reply from " + host_of(request.url) + " is larger than Limits::max_bytes (" +
                             std::to_string(options.max_reply_bytes) +
                             " bytes); raise ClientOptions::limits.max_bytes only for a server you trust",
                         "max_bytes", options.max_reply_bytes);
    // libcurl refuses a header line over its own bound (100 KiB) as "out of memory", before the body.
    const bool giant_header = code == CURLE_OUT_OF_MEMORY && !reply.checked_status;
    if (reply.headers_too_large || giant_header)
        throw LimitError(
            "the reply from " + host_of(request.url) +
                (giant_header ? std::string(" has a header line longer than libcurl accepts (100 KiB)")
                              : " has more than Limits::max_header_bytes (" + std::to_string(options.max_header_bytes) +
                                    " bytes) of headers and trailers") +
                "; no API sends that much: is this the provider's server?",
            "max_header_bytes", options.max_header_bytes);
    if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && reply.stopped)) {
        // Neither the URL's credentials nor any header go into the message: only where and what.
        std::string what = curl_easy_strerror(code);
        if (handle.error[0] != '\0') what += std::string(" (") + handle.error.data() + ")";
        if (code == CURLE_OPERATION_TIMEDOUT && request.deadline != std::chrono::steady_clock::time_point::max() &&
            std::chrono::steady_clock::now() + std::chrono::milliseconds(5) >= request.deadline)
            throw TimeoutError("request to " + host_of(request.url) + " abandoned: the call's timeout ran out (" +
                               what + ")");
        throw TransportError("request to " + host_of(request.url) + " failed: " + what, connection_failure(code));
    }
    long status = 0;
    curl_easy_getinfo(handle.curl, CURLINFO_RESPONSE_CODE, &status);
    return HttpResponse{
        .status = static_cast<int>(status), .headers = std::move(reply.headers), .body = std::move(reply.body)};
}

void clear_exchange(CurlHandle& handle) {
    curl_easy_setopt(handle.curl, CURLOPT_POSTFIELDS, nullptr);
    curl_easy_setopt(handle.curl, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(handle.curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(handle.curl, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(handle.curl, CURLOPT_HEADERDATA, nullptr);
    curl_easy_setopt(handle.curl, CURLOPT_XFERINFODATA, nullptr);
}

std::string host_of(const std::string& url) {
    // scheme://[user:password@]host[:port]/path -> scheme://host[:port]
    const auto scheme_end = url.find("://");
    const auto host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    auto host_end = url.find('/', host_start);
    if (host_end == std::string::npos) host_end = url.size();
    std::string authority = url.substr(host_start, host_end - host_start);
    if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
    return url.substr(0, host_start) + authority;
}

}  // namespace instructor::detail
