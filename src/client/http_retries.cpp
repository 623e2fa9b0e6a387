#include <instructor/http_retries.hpp>

#include <algorithm>
#include <cmath>

namespace instructor {

std::optional<std::chrono::milliseconds> http_retry_delay(const HttpRetries& policy, int retry,
                                                          std::optional<double> retry_after_seconds,
                                                          double random_fraction) {
    using std::chrono::milliseconds;
    if (retry < 1 || retry > policy.max_retries) return std::nullopt;
    if (retry_after_seconds) {
        // Compared before converting: the server's number may be beyond any duration.
        const double asked_ms = std::ceil(std::max(0.0, *retry_after_seconds) * 1000.0);
        if (!(asked_ms <= static_cast<double>(policy.max_retry_after.count()))) return std::nullopt;
        return milliseconds(static_cast<long long>(asked_ms));
    }
    const double base = static_cast<double>(policy.initial_delay.count()) * std::pow(policy.multiplier, retry - 1);
    const double capped = std::min(base, static_cast<double>(policy.max_delay.count()));
    const double jitter = std::clamp(policy.jitter, 0.0, 1.0) * std::clamp(random_fraction, 0.0, 1.0);
    return milliseconds(static_cast<long long>(capped * (1.0 - jitter)));
}

}  // namespace instructor
