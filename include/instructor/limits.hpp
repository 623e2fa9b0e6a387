#pragma once
// Bounds on what is read from outside. Every reply body, error body, stream event and model answer
// comes from a server, and a model's output can be steered by whoever wrote the text it reads: none
// of it may cost unbounded memory or stack. Exceeding a bound is a LimitError that names it.
//
//     auto client = instructor::from_openai({.base_url = url, .limits = {.max_depth = 256}});

#include <cstddef>

namespace instructor {

struct Limits {
    /// How deep JSON may nest (objects and arrays), in a reply, an event or an answer. 128, as
    /// Python Instructor: far beyond any schema, far below what exhausts a thread's stack.
    std::size_t max_depth = 128;
    /// The largest reply body, error body or whole stream, in bytes; and so the largest answer.
    std::size_t max_bytes = std::size_t{64} << 20U;
    /// The largest head of a reply: its headers and trailers together, in bytes.
    std::size_t max_header_bytes = std::size_t{256} << 10U;
    /// The most JSON values (objects, arrays, strings, numbers, ...) read into one document: a value
    /// costs tens of times its bytes once read, and a model writes at most one per token.
    std::size_t max_values = 1'000'000;
    /// The most tool calls one reply may hold: each costs far more to keep than its bytes, and no
    /// extraction needs thousands.
    std::size_t max_tool_calls = 1024;

    friend bool operator==(const Limits&, const Limits&) = default;
};

}  // namespace instructor
