#pragma once
// What the benchmarks that send many calls share: the canned chat completion their loopback
// servers answer with, and the CPU time of the whole process (every thread of it).

#include <sys/resource.h>
#include <sys/time.h>

namespace test_support {

// An OpenAI chat completion whose answer is {"name": "Jason", "age": 30}, with its usage.
inline constexpr const char* kPersonReply =
    R"({"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant",)"
    R"("content":"{\"name\":\"Jason\",\"age\":30}"},"finish_reason":"stop"}],)"
    R"("usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30}})";

// User and system CPU seconds of this process so far, all threads.
inline double process_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace test_support
