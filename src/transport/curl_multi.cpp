#include <instructor/detail/transport/curl_multi.hpp>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include <instructor/error.hpp>

#include "curl_exchange.hpp"

namespace instructor::detail {

using Clock = std::chrono::steady_clock;

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
    // Event-driven: libcurl says which sockets to watch (epoll) and when to call it back (timer), so
    // each wake touches only the transfers with news, however many are in flight.
    int epoll = -1;
    int wake = -1;       // an eventfd in the epoll set: wakeup() writes to it
    long timer_ms = -1;  // libcurl's next timeout; -1: none
    Clock::time_point timer_set;

    static int on_socket(CURL*, curl_socket_t socket, int what, void* user, void*) {
        auto* self = static_cast<State*>(user);
        if (what == CURL_POLL_REMOVE) {
            epoll_ctl(self->epoll, EPOLL_CTL_DEL, socket, nullptr);
            return 0;
        }
        epoll_event event{};
        event.data.fd = socket;
        if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) event.events |= EPOLLIN;
        if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) event.events |= EPOLLOUT;
        if (epoll_ctl(self->epoll, EPOLL_CTL_MOD, socket, &event) != 0)
            epoll_ctl(self->epoll, EPOLL_CTL_ADD, socket, &event);
        return 0;
    }
    static int on_timer(CURLM*, long timeout_ms, void* user) {
        auto* self = static_cast<State*>(user);
        self->timer_ms = timeout_ms;
        self->timer_set = Clock::now();
        return 0;
    }

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
    state_->epoll = epoll_create1(EPOLL_CLOEXEC);
    state_->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (state_->epoll < 0 || state_->wake < 0) throw TransportError("could not create an epoll set for libcurl");
    epoll_event wake{};
    wake.events = EPOLLIN;
    wake.data.fd = state_->wake;
    epoll_ctl(state_->epoll, EPOLL_CTL_ADD, state_->wake, &wake);
    curl_multi_setopt(state_->multi, CURLMOPT_SOCKETFUNCTION, &State::on_socket);
    curl_multi_setopt(state_->multi, CURLMOPT_SOCKETDATA, state_.get());
    curl_multi_setopt(state_->multi, CURLMOPT_TIMERFUNCTION, &State::on_timer);
    curl_multi_setopt(state_->multi, CURLMOPT_TIMERDATA, state_.get());
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
    close(state_->epoll);
    close(state_->wake);
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
    // Wait for a watched socket, libcurl's timer or a wakeup; tell libcurl what happened; hand over
    // the exchanges that ended.
    long wait = static_cast<long>(timeout.count());
    if (state_->timer_ms >= 0) {
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - state_->timer_set).count();
        wait = std::min(wait, std::max(0L, state_->timer_ms - static_cast<long>(elapsed)));
    }
    epoll_event events[64];
    const int ready = epoll_wait(state_->epoll, events, 64, static_cast<int>(wait));
    int running = 0;
    for (int i = 0; i < ready; ++i) {
        if (events[i].data.fd == state_->wake) {
            std::uint64_t count = 0;
            (void)!::read(state_->wake, &count, sizeof count);
            continue;
        }
        int flags = 0;
        if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
        curl_multi_socket_action(state_->multi, events[i].data.fd, flags, &running);
    }
    if (state_->timer_ms >= 0 && Clock::now() - state_->timer_set >= std::chrono::milliseconds(state_->timer_ms)) {
        state_->timer_ms = -1;
        curl_multi_socket_action(state_->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
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

void CurlMulti::wakeup() {
    const std::uint64_t one = 1;
    (void)!::write(state_->wake, &one, sizeof one);
}

std::size_t CurlMulti::active() const noexcept { return state_->exchanges.size(); }

}  // namespace instructor::detail
