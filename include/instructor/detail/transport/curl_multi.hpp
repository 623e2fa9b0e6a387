#pragma once
// Many HTTP exchanges at once on one thread: libcurl's multi interface. Connections are kept and
// reused across exchanges, at most `max_host_connections` to one host. Only wakeup() may be called
// from another thread; the driving thread calls everything else.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>

#include <instructor/transport.hpp>

namespace instructor::detail {

class CurlMulti {
public:
    /// How an exchange ended: the response, or the error (CancelledError, LimitError, TransportError).
    using Done = std::function<void(HttpResponse* response, std::exception_ptr error)>;

    CurlMulti(CurlOptions options, long max_host_connections);
    ~CurlMulti();
    CurlMulti(const CurlMulti&) = delete;
    CurlMulti& operator=(const CurlMulti&) = delete;

    /// Starts sending `request`, which must stay alive until `done` is called (by run() or abort()).
    /// Returns the exchange's id.
    std::uint64_t start(const HttpRequest& request, Done done);
    /// Ends an exchange in progress: `done` gets a CancelledError.
    void abort(std::uint64_t id);
    /// Moves the exchanges along, waiting at most `timeout` for the network (or a wakeup), and
    /// calls `done` for those that ended.
    void run(std::chrono::milliseconds timeout);
    /// Makes a run() in progress (or the next one) return at once. Any thread.
    void wakeup();
    [[nodiscard]] std::size_t active() const noexcept;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace instructor::detail
