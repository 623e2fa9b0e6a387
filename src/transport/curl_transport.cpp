// The libcurl transport. One CURLSH share holds the connection pool, DNS cache and TLS sessions,
// so connections are reused across calls and threads; easy handles are pooled so that a call does
// not pay for creating one.

#include <instructor/error.hpp>
#include <instructor/transport.hpp>

#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include "curl_exchange.hpp"

namespace instructor {
namespace {

using detail::CurlHandle;

class CurlTransport {
public:
    explicit CurlTransport(CurlOptions options) : options_(std::move(options)) {
        detail::initialise_curl_once();
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
        std::unique_ptr<CurlHandle, Release> handle(acquire(), Release{this});
        detail::CurlReply reply;
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
            detail::prepare_exchange(*handle, request, reply, options_), &curl_slist_free_all);
        const CURLcode code = curl_easy_perform(handle->curl);
        return detail::finish_exchange(*handle, code, reply, request, options_);
    }

private:
    struct Release {
        CurlTransport* owner;
        void operator()(CurlHandle* handle) const { owner->release(handle); }
    };

    CurlHandle* acquire() {
        {
            std::lock_guard lock(pool_mutex_);
            if (!idle_.empty()) {
                CurlHandle* handle = idle_.back().release();
                idle_.pop_back();
                return handle;
            }
        }
        auto handle = std::make_unique<CurlHandle>();
        handle->curl = curl_easy_init();
        if (handle->curl == nullptr) throw TransportError("libcurl could not create a handle");
        // The settings every call shares, set once per handle (resetting and setting them again on
        // every call costs as much as a small reply's parsing).
        detail::configure_handle(*handle, options_, share_);
        return handle.release();
    }

    void release(CurlHandle* handle) {
        detail::clear_exchange(*handle);  // the call's request and reply are gone
        std::lock_guard lock(pool_mutex_);
        idle_.emplace_back(handle);
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
    std::vector<std::unique_ptr<CurlHandle>> idle_;
};

}  // namespace

Transport curl_transport(CurlOptions options) {
    auto transport = std::make_shared<CurlTransport>(std::move(options));
    return [transport](const HttpRequest& request) { return transport->send(request); };
}

}  // namespace instructor
