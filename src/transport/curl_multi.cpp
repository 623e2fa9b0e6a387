#include <instructor/detail/transport/curl_multi.hpp>

#include <unordered_map>
#include <vector>

#include <instructor/error.hpp>

#include "curl_exchange.hpp"

namespace instructor::detail {

struct CurlMulti::State {
    struct Exchange {
        std::unique_ptr<CurlHandle> handle;
        CurlReply reply;
        curl_slist* headers = nullptr;
        const HttpRequest* request = nullptr;
        Done done;
    };

    CurlOptions options;
    CURLM* multi = nullptr;
    std::uint64_t next_id = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<Exchange>> exchanges;
    std::unordered_map<CURL*, std::uint64_t> ids;
    std::vector<std::unique_ptr<CurlHandle>> idle;  // handles keep their settings for the next exchange

    std::unique_ptr<Exchange> take(std::uint64_t id) {
        const auto found = exchanges.find(id);
        if (found == exchanges.end()) return nullptr;
        auto exchange = std::move(found->second);
        exchanges.erase(found);
        ids.erase(exchange->handle->curl);
        curl_multi_remove_handle(multi, exchange->handle->curl);
        return exchange;
    }

    void recycle(Exchange& exchange) {
        clear_exchange(*exchange.handle);
        curl_slist_free_all(exchange.headers);
        exchange.headers = nullptr;
        idle.push_back(std::move(exchange.handle));
    }
};

CurlMulti::CurlMulti(CurlOptions options, long max_host_connections) : state_(std::make_unique<State>()) {
    initialise_curl_once();
    state_->options = std::move(options);
    state_->multi = curl_multi_init();
    if (state_->multi == nullptr) throw TransportError("libcurl could not create a multi handle");
    curl_multi_setopt(state_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, max_host_connections);
    // Kept connections: enough for every host's cap to be reused rather than closed and opened again.
    curl_multi_setopt(state_->multi, CURLMOPT_MAXCONNECTS, max_host_connections * 4);
}

CurlMulti::~CurlMulti() {
    for (auto& [id, exchange] : state_->exchanges) {
        curl_multi_remove_handle(state_->multi, exchange->handle->curl);
        curl_slist_free_all(exchange->headers);
        curl_easy_cleanup(exchange->handle->curl);
    }
    for (auto& handle : state_->idle) curl_easy_cleanup(handle->curl);
    curl_multi_cleanup(state_->multi);
}

std::uint64_t CurlMulti::start(const HttpRequest& request, Done done) {
    auto exchange = std::make_unique<State::Exchange>();
    if (!state_->idle.empty()) {
        exchange->handle = std::move(state_->idle.back());
        state_->idle.pop_back();
    } else {
        exchange->handle = std::make_unique<CurlHandle>();
        exchange->handle->curl = curl_easy_init();
        if (exchange->handle->curl == nullptr) throw TransportError("libcurl could not create a handle");
        configure_handle(*exchange->handle, state_->options, nullptr);
    }
    exchange->request = &request;
    exchange->done = std::move(done);
    try {
        exchange->headers = prepare_exchange(*exchange->handle, request, exchange->reply, state_->options);
    } catch (...) {
        state_->recycle(*exchange);
        throw;
    }
    if (const CURLMcode code = curl_multi_add_handle(state_->multi, exchange->handle->curl); code != CURLM_OK) {
        state_->recycle(*exchange);
        throw TransportError(std::string("libcurl could not start a request: ") + curl_multi_strerror(code));
    }
    const std::uint64_t id = state_->next_id++;
    state_->ids.emplace(exchange->handle->curl, id);
    state_->exchanges.emplace(id, std::move(exchange));
    return id;
}

void CurlMulti::abort(std::uint64_t id) {
    auto exchange = state_->take(id);
    if (!exchange) return;
    Done done = std::move(exchange->done);
    const std::string host = host_of(exchange->request->url);
    state_->recycle(*exchange);
    done(nullptr, std::make_exception_ptr(CancelledError("request to " + host + " cancelled")));
}

void CurlMulti::run(std::chrono::milliseconds timeout) {
    // Wait for the network (libcurl cuts the wait short when a new transfer needs starting), move
    // every transfer along once, then hand over those that ended.
    curl_multi_poll(state_->multi, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
    int running = 0;
    curl_multi_perform(state_->multi, &running);
    int pending = 0;
    while (CURLMsg* message = curl_multi_info_read(state_->multi, &pending)) {
        if (message->msg != CURLMSG_DONE) continue;
        const auto found = state_->ids.find(message->easy_handle);
        if (found == state_->ids.end()) continue;
        const CURLcode code = message->data.result;
        auto exchange = state_->take(found->second);
        HttpResponse response;
        std::exception_ptr error;
        try {
            response = finish_exchange(*exchange->handle, code, exchange->reply, *exchange->request, state_->options);
        } catch (...) {
            error = std::current_exception();
        }
        Done done = std::move(exchange->done);
        state_->recycle(*exchange);
        done(error ? nullptr : &response, error);
    }
}

void CurlMulti::wakeup() { curl_multi_wakeup(state_->multi); }

std::size_t CurlMulti::active() const noexcept { return state_->exchanges.size(); }

}  // namespace instructor::detail
