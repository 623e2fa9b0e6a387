// The libcurl transport. One CURLSH share holds the connection pool, DNS cache and TLS sessions,
// so connections are reused across calls and threads; easy handles are pooled so that a call does
// not pay for creating one.

#include <instructor/error.hpp>
#include <instructor/transport.hpp>

#include <curl/curl.h>

#include <array>
#include <memory>
#include <mutex>
#include <vector>

namespace instructor {
namespace {

void initialise_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw TransportError("libcurl failed to initialise");
    });
}

struct Reply {
    CURL* handle = nullptr;
    std::string body;
    HttpHeaders headers;
    std::size_t limit = 0;
    std::size_t received = 0;
    bool too_large = false;
    const BodyChunkCallback* on_chunk = nullptr;  // streaming: set only for a 2xx reply
    bool checked_status = false;
    bool stopped = false;                         // the chunk callback asked to stop
    const std::stop_token* cancel = nullptr;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* reply = static_cast<Reply*>(user);
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
    const auto* reply = static_cast<const Reply*>(user);
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
        case CURLE_SSL_CONNECT_ERROR:
            return true;
        default:
            return false;
    }
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* reply = static_cast<Reply*>(user);
    const size_t bytes = size * count;
    std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) reply->headers.clear();  // a new response (after a redirect or 100)
    if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        reply->headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return bytes;
}

class CurlTransport {
public:
    explicit CurlTransport(CurlOptions options) : options_(std::move(options)) {
        initialise_curl_once();
        share_ = curl_share_init();
        if (share_ == nullptr) throw TransportError("libcurl could not create a connection share");
        curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::lock);
        curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::unlock);
        curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }

    ~CurlTransport() {
        for (const auto& handle : idle_) curl_easy_cleanup(handle->curl);
        idle_.clear();
        curl_share_cleanup(share_);
    }

    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;

    HttpResponse send(const HttpRequest& request) {
        std::unique_ptr<Handle, Release> handle(acquire(), Release{this});
        curl_slist* header_list = nullptr;
        for (const auto& [name, value] : request.headers)
            header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(header_list, &curl_slist_free_all);

        Reply reply;
        reply.handle = handle->curl;
        reply.limit = options_.max_reply_bytes;
        if (request.on_chunk) reply.on_chunk = &request.on_chunk;
        reply.cancel = &request.cancel;
        std::array<char, CURL_ERROR_SIZE>& error = handle->error;
        error[0] = '\0';
        CURL* h = handle->curl;
        // What every call sets; the settings of the transport were set once, when the handle was made.
        curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &reply);
        if (request.cancel.stop_possible() && request.cancel.stop_requested())
            throw CancelledError("request to " + host_of(request.url) + " cancelled");
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, request.cancel.stop_possible() ? 0L : 1L);

        const CURLcode code = curl_easy_perform(h);
        if (code == CURLE_ABORTED_BY_CALLBACK) throw CancelledError("request to " + host_of(request.url) + " cancelled");
        if (reply.too_large)
            throw LimitError("the reply from " + host_of(request.url) + " is larger than Limits::max_bytes (" +
                                 std::to_string(options_.max_reply_bytes) +
                                 " bytes); raise ClientOptions::limits.max_bytes only for a server you trust",
                             "max_bytes", options_.max_reply_bytes);
        if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && reply.stopped)) {
            // Neither the URL's credentials nor any header go into the message: only where and what.
            std::string what = curl_easy_strerror(code);
            if (error[0] != '\0') what += std::string(" (") + error.data() + ")";
            throw TransportError("request to " + host_of(request.url) + " failed: " + what, connection_failure(code));
        }
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        return HttpResponse{.status = static_cast<int>(status), .headers = std::move(reply.headers),
                            .body = std::move(reply.body)};
    }

private:
    // An easy handle with the transport's settings, and the buffer libcurl writes its errors to.
    struct Handle {
        CURL* curl = nullptr;
        std::array<char, CURL_ERROR_SIZE> error{};
    };

    struct Release {
        CurlTransport* owner;
        void operator()(Handle* handle) const { owner->release(handle); }
    };

    Handle* acquire() {
        {
            std::lock_guard lock(pool_mutex_);
            if (!idle_.empty()) {
                Handle* handle = idle_.back().release();
                idle_.pop_back();
                return handle;
            }
        }
        auto handle = std::make_unique<Handle>();
        handle->curl = curl_easy_init();
        if (handle->curl == nullptr) throw TransportError("libcurl could not create a handle");
        configure(*handle);
        return handle.release();
    }

    // The settings every call shares, set once per handle (resetting and setting them again on
    // every call costs as much as a small reply's parsing).
    void configure(Handle& handle) const {
        CURL* h = handle.curl;
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
        curl_easy_setopt(h, CURLOPT_ERRORBUFFER, handle.error.data());
        curl_easy_setopt(h, CURLOPT_SHARE, share_);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
        curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_time.count()));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
        if (!options_.ca_path.empty()) curl_easy_setopt(h, CURLOPT_CAPATH, options_.ca_path.c_str());
    }

    void release(Handle* handle) {
        // The call's request and reply are gone: no pointer to them may outlive it.
        curl_easy_setopt(handle->curl, CURLOPT_POSTFIELDS, nullptr);
        curl_easy_setopt(handle->curl, CURLOPT_HTTPHEADER, nullptr);
        curl_easy_setopt(handle->curl, CURLOPT_WRITEDATA, nullptr);
        curl_easy_setopt(handle->curl, CURLOPT_HEADERDATA, nullptr);
        curl_easy_setopt(handle->curl, CURLOPT_XFERINFODATA, nullptr);
        std::lock_guard lock(pool_mutex_);
        idle_.emplace_back(handle);
    }

    static std::string host_of(const std::string& url) {
        // scheme://[user:password@]host[:port]/path -> scheme://host[:port]
        const auto scheme_end = url.find("://");
        const auto host_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
        auto host_end = url.find('/', host_start);
        if (host_end == std::string::npos) host_end = url.size();
        std::string authority = url.substr(host_start, host_end - host_start);
        if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
        return url.substr(0, host_start) + authority;
    }

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
        static_cast<CurlTransport*>(user)->share_mutexes_[static_cast<std::size_t>(data) % kLocks].lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* user) {
        static_cast<CurlTransport*>(user)->share_mutexes_[static_cast<std::size_t>(data) % kLocks].unlock();
    }

    static constexpr std::size_t kLocks = 8;
    CurlOptions options_;
    CURLSH* share_ = nullptr;
    std::array<std::mutex, kLocks> share_mutexes_;
    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<Handle>> idle_;
};

}  // namespace

Transport curl_transport(CurlOptions options) {
    auto transport = std::make_shared<CurlTransport>(std::move(options));
    return [transport](const HttpRequest& request) { return transport->send(request); };
}

}  // namespace instructor
