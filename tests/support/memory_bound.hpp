#pragma once
// Running a piece of a test under a memory bound, so that "costs gigabytes" fails a test rather
// than passing slowly: the piece runs in a child process whose address space may grow only by the
// budget. Sanitizers reserve terabytes of address space, so under them the piece runs in the test's
// own process, unbounded (the behaviour is still checked; the bound only where it can be set).

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

namespace test_support {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kMemoryBoundsHold = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
inline constexpr bool kMemoryBoundsHold = false;
#else
inline constexpr bool kMemoryBoundsHold = true;
#endif
#else
inline constexpr bool kMemoryBoundsHold = true;
#endif

/// Runs `piece` (which returns true when its checks hold) with at most `budget` more bytes of
/// address space than the process has now. Returns what went wrong, or "" when all went well.
template <class Piece>
std::string within_memory(std::size_t budget, Piece&& piece) {
    const auto run = [&]() -> std::string {
        try {
            return piece() ? std::string() : std::string("the checks inside failed");
        } catch (const std::bad_alloc&) {
            return "it ran out of its memory budget (std::bad_alloc)";
        } catch (const std::exception& e) {
            return std::string("it threw: ") + e.what();
        }
    };
    if (!kMemoryBoundsHold) return run();
    std::fflush(nullptr);
    const pid_t child = ::fork();
    if (child < 0) return "fork failed";
    if (child == 0) {
        std::size_t pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + budget;
        const rlimit bound{limit, limit};
        ::setrlimit(RLIMIT_AS, &bound);
        const std::string failure = run();
        if (!failure.empty()) std::fprintf(stderr, "within_memory: %s\n", failure.c_str());
        std::fflush(nullptr);
        ::_exit(failure.empty() ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    if (WIFSIGNALED(status)) return "the child died of signal " + std::to_string(WTERMSIG(status));
    return "it failed within a memory budget of " + std::to_string(budget >> 20) + " MiB (see stderr)";
}

}  // namespace test_support
