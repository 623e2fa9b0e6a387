#include "server_pool.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <utility>

#include <instructor/detail/core/text.hpp>
#include <instructor/detail/json/json_reader.hpp>

namespace instructor {
namespace {

std::string all_down_message(const std::vector<ServerFailure>& failures) {
    std::string text = "every server is down:";
    for (const auto& failure : failures)
        text +=
            " " + detail::printable(failure.server, 200) + " (" +
            (failure.failure.empty() ? std::string("no failure of its own") : detail::printable(failure.failure, 300)) +
            ");";
    if (!failures.empty()) text.pop_back();
    return text;
}

}  // namespace

std::string_view to_string(ServerState state) noexcept {
    switch (state) {
        case ServerState::up: return "up";
        case ServerState::cooling_down: return "cooling down";
        case ServerState::probing: return "probing";
        case ServerState::held: return "held";
    }
    return "?";
}

AllServersDownError::AllServersDownError(std::vector<ServerFailure> failures)
    : TransportError(all_down_message(failures), false), failures_(std::move(failures)) {}

}  // namespace instructor

namespace instructor::detail {
namespace {

using Clock = ServerPool::Clock;

// A wait of at most an hour: time_point::max() overflows inside the condition variables.
Clock::time_point bounded(Clock::time_point until, Clock::time_point now) {
    const auto far = now + std::chrono::hours(1);
    return until < far ? until : far;
}

}  // namespace

ServerPool::ServerPool(std::vector<PoolServer> servers, Routing routing, const Transport& transport)
    : servers_(std::move(servers)), routing_(routing), transport_(transport), health_(servers_.size()) {
    monitor_ = std::jthread([this](const std::stop_token& stop) { monitor(stop); });
}

ServerPool::~ServerPool() {
    monitor_.request_stop();  // wakes its wait, and cancels a probe on the way
    monitor_.join();
}

int ServerPool::capacity(std::size_t index) const {
    if (servers_[index].max_in_flight > 0) return servers_[index].max_in_flight;
    const auto& slots = health_[index].slots;
    return slots && *slots > 0 ? *slots : 0;
}

ServerPool::Pick ServerPool::claim(const std::vector<std::size_t>& avoid, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Pick pick;
    bool any_up = false;
    const std::size_t n = servers_.size();
    const auto avoided = [&](std::size_t i) { return std::find(avoid.begin(), avoid.end(), i) != avoid.end(); };
    // The servers that may take a send now, the ones the call failed on last.
    std::optional<std::size_t> best;
    double best_load = 0;
    for (int pass = 0; pass < 2 && !best; ++pass) {
        if (pass == 1 && avoid.empty()) break;
        double total_weight = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t i = routing_.strategy == RoutingStrategy::least_busy ? (rotation_ + k) % n : k;
            Health& h = health_[i];
            if (h.state != ServerState::up) continue;
            any_up = true;
            if (h.held_until > now) {
                pick.retry_at = std::min(pick.retry_at, h.held_until);
                continue;
            }
            const int cap = capacity(i);
            if (cap > 0 && h.in_flight >= cap) continue;
            if (pass == 0 && avoided(i)) continue;
            switch (routing_.strategy) {
                case RoutingStrategy::fallback:
                    if (!best) best = i;
                    break;
                case RoutingStrategy::round_robin:
                    h.current_weight += servers_[i].weight;
                    total_weight += servers_[i].weight;
                    if (!best || h.current_weight > health_[*best].current_weight) best = i;
                    break;
                case RoutingStrategy::least_busy: {
                    const double room = cap > 0 ? static_cast<double>(cap) : servers_[i].weight;
                    const double load = static_cast<double>(h.in_flight + h.others_busy) / room;
                    if (!best || load < best_load) {
                        best = i;
                        best_load = load;
                    }
                    break;
                }
            }
            if (best && routing_.strategy == RoutingStrategy::fallback) break;
        }
        if (best && routing_.strategy == RoutingStrategy::round_robin) health_[*best].current_weight -= total_weight;
    }
    if (best) {
        Health& h = health_[*best];
        ++h.in_flight;
        ++h.calls;
        rotation_ = (rotation_ + 1) % n;
        pick.server = best;
        pick.retry_at = Clock::time_point::max();
        return pick;
    }
    pick.all_down = !any_up;
    return pick;
}

void ServerPool::start_cooldown(Health& health, Clock::time_point now) {
    ++health.level;
    const double factor = std::pow(std::max(1.0, routing_.cooldown_multiplier), health.level - 1);
    const double ms = std::min(static_cast<double>(routing_.cooldown.count()) * factor,
                               static_cast<double>(routing_.max_cooldown.count()));
    health.cool_until = now + std::chrono::milliseconds(static_cast<long long>(std::max(0.0, ms)));
    health.state = ServerState::cooling_down;
    ++health.cooldowns;
    ++monitor_events_;
    monitor_cv_.notify_all();
}

void ServerPool::changed() {
    ++generation_;
    changed_cv_.notify_all();
    const auto self = std::this_thread::get_id();
    for (const Waker& waker : wakers_)
        if (waker.thread != self) waker.wake();
}

void ServerPool::release(std::size_t server, SendOutcome outcome, Clock::time_point sent, std::string_view failure,
                         Clock::duration hold) {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    Health& h = health_[server];
    --h.in_flight;
    switch (outcome) {
        case SendOutcome::answered: {
            ++h.answered;
            h.last_latency = std::chrono::duration_cast<std::chrono::microseconds>(now - sent);
            h.total_latency += h.last_latency;
            h.failures_in_row = 0;
            if (h.state == ServerState::up) h.level = 0;
            break;
        }
        case SendOutcome::failed:
            ++h.failures;
            ++h.failures_in_row;
            h.last_failure.assign(failure);
            if (h.state == ServerState::up && h.failures_in_row > std::max(0, routing_.allowed_failures))
                start_cooldown(h, now);
            break;
        case SendOutcome::rate_limited:
            ++h.rate_limited;
            h.last_failure.assign(failure);
            h.held_until = std::max(h.held_until, now + hold);
            break;
        case SendOutcome::abandoned: break;
    }
    changed();
}

Clock::time_point ServerPool::back_by(Clock::time_point now) const {
    std::lock_guard lock(mutex_);
    Clock::time_point first = Clock::time_point::max();
    for (const Health& h : health_) {
        if (h.state == ServerState::up) return now;
        first = std::min(first, h.state == ServerState::probing ? now : std::max(now, h.cool_until));
    }
    if (first == Clock::time_point::max()) return now;
    return first + routing_.probe_timeout;
}

bool ServerPool::all_down() const {
    std::lock_guard lock(mutex_);
    return std::none_of(health_.begin(), health_.end(), [](const Health& h) { return h.state == ServerState::up; });
}

std::uint64_t ServerPool::generation() const {
    std::lock_guard lock(mutex_);
    return generation_;
}

void ServerPool::wait(std::uint64_t seen, Clock::time_point until, const std::stop_token& cancel) const {
    std::unique_lock lock(mutex_);
    const auto now = Clock::now();
    if (until <= now) return;
    std::stop_token token = cancel;
    changed_cv_.wait_until(lock, token, bounded(until, now), [&] { return generation_ != seen; });
}

std::uint64_t ServerPool::subscribe(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    const std::uint64_t id = next_waker_++;
    wakers_.push_back(Waker{id, std::this_thread::get_id(), std::move(wake)});
    return id;
}

void ServerPool::unsubscribe(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    std::erase_if(wakers_, [id](const Waker& waker) { return waker.id == id; });
}

std::vector<ServerStats> ServerPool::stats() const {
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    std::vector<ServerStats> all;
    all.reserve(servers_.size());
    for (std::size_t i = 0; i < servers_.size(); ++i) {
        const Health& h = health_[i];
        ServerStats s;
        s.name = servers_[i].name;
        s.base_url = servers_[i].shown_base_url;
        s.state = h.state == ServerState::up && h.held_until > now ? ServerState::held : h.state;
        s.calls = h.calls;
        s.answered = h.answered;
        s.failures = h.failures;
        s.rate_limited = h.rate_limited;
        s.cooldowns = h.cooldowns;
        s.probes = h.probes;
        s.in_flight = h.in_flight;
        s.capacity = capacity(i);
        s.slots = h.slots;
        s.busy_slots = h.busy_slots;
        const auto until = s.state == ServerState::cooling_down ? h.cool_until
                           : s.state == ServerState::held       ? h.held_until
                                                                : now;
        s.cooldown_left = std::chrono::duration_cast<std::chrono::milliseconds>(std::max(until, now) - now);
        if (h.answered != 0) s.mean_latency = h.total_latency / static_cast<std::chrono::microseconds::rep>(h.answered);
        s.last_latency = h.last_latency;
        s.last_failure = h.last_failure;
        all.push_back(std::move(s));
    }
    return all;
}

std::vector<ServerFailure> ServerPool::failures() const {
    std::lock_guard lock(mutex_);
    std::vector<ServerFailure> all;
    all.reserve(servers_.size());
    for (std::size_t i = 0; i < servers_.size(); ++i)
        all.push_back(ServerFailure{.server = servers_[i].name, .failure = health_[i].last_failure});
    return all;
}

// ---- the pool's thread: probes after cooldowns, and llama-server's /slots ----------------------

void ServerPool::monitor(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
        const auto now = Clock::now();
        auto next = Clock::time_point::max();
        std::vector<std::pair<std::size_t, Look>> looks;
        for (std::size_t i = 0; i < servers_.size(); ++i) {
            Health& h = health_[i];
            if (h.state == ServerState::cooling_down) {
                if (now >= h.cool_until) {
                    h.state = ServerState::probing;
                    ++h.probes;
                    looks.emplace_back(i, Look::probe);
                } else {
                    next = std::min(next, h.cool_until);
                }
            } else if (h.state == ServerState::up && h.slots_readable && routing_.slots_interval.count() > 0) {
                if (now >= h.next_slots_read) {
                    h.next_slots_read = now + routing_.slots_interval;
                    looks.emplace_back(i, Look::slots);
                } else {
                    next = std::min(next, h.next_slots_read);
                }
            }
        }
        if (looks.empty()) {
            const std::uint64_t seen = monitor_events_;
            monitor_cv_.wait_until(lock, stop, bounded(next, now), [&] { return monitor_events_ != seen; });
            continue;
        }
        lock.unlock();
        for (const auto& [index, what] : looks) {
            if (stop.stop_requested()) break;
            look(index, what, stop);
        }
        lock.lock();
    }
}

void ServerPool::look(std::size_t index, Look what, const std::stop_token& stop) {
    const PoolServer& server = servers_[index];
    HttpRequest request{.method = "GET",
                        .url = what == Look::probe ? server.health_url : server.slots_url,
                        .headers = server.headers,
                        .body = {},
                        .on_chunk = {},
                        .cancel = stop,
                        .deadline = Clock::now() + routing_.probe_timeout};
    std::optional<HttpResponse> response;
    std::string failure;
    bool unreachable = false;  // no HTTP reply: what a failed send would be
    try {
        response = transport_(request);
    } catch (const TransportError& e) {
        failure = printable(e.what(), 300);
        unreachable = true;
    } catch (const std::exception& e) {
        failure = printable(e.what(), 300);  // a transport of the user's (a cassette) that cannot do this
    } catch (...) {
        failure = "the transport threw an exception that is not a std::exception";
    }
    if (stop.stop_requested()) return;
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    Health& h = health_[index];
    if (what == Look::probe) {
        if (response && response->status < 500 && response->status != 429) {
            h.state = ServerState::up;
            h.held_until = {};
            h.next_slots_read = now;  // its slots may have changed with a restart
            h.slots_readable = true;
            changed();
            return;
        }
        if (response) failure = "probe " + server.name + "/health: HTTP " + std::to_string(response->status);
        h.last_failure = "after a cooldown, " + failure;
        start_cooldown(h, now);
        return;
    }
    // /slots
    if (h.state != ServerState::up) return;
    if (!response && !unreachable) {
        h.slots_readable = false;
        return;
    }
    if (!response) {
        // Nothing answers: as a failed send would, this cools the server down.
        ++h.failures;
        ++h.failures_in_row;
        h.last_failure = "reading its slots: " + failure;
        if (h.failures_in_row > std::max(0, routing_.allowed_failures)) start_cooldown(h, now);
        changed();
        return;
    }
    if (response->status >= 500 && response->status != 501) return;  // busy or loading: look again later
    nlohmann::json slots;
    if (response->status == 200) {
        try {
            slots = read_json(response->body, Limits{.max_depth = 8, .max_bytes = 1 << 20}, "the slots");
        } catch (const Error&) {
            slots = nlohmann::json();
        }
    }
    if (!slots.is_array() || slots.empty()) {
        h.slots_readable = false;  // not llama-server, or started without --slots: not asked again
        return;
    }
    int busy = 0;
    for (const auto& slot : slots) {
        if (!slot.is_object()) continue;
        if (const auto it = slot.find("is_processing"); it != slot.end() && it->is_boolean())
            busy += it->get<bool>() ? 1 : 0;
        else if (const auto state = slot.find("state"); state != slot.end() && state->is_number_integer())
            busy += state->get<int>() != 0 ? 1 : 0;
    }
    const int count = static_cast<int>(std::min<std::size_t>(slots.size(), std::numeric_limits<int>::max()));
    const bool more_room = !h.slots || *h.slots < count || h.others_busy > std::max(0, busy - h.in_flight);
    h.slots = count;
    h.busy_slots = busy;
    h.others_busy = std::max(0, busy - h.in_flight);
    if (more_room) changed();
}

}  // namespace instructor::detail
