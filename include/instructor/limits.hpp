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

    friend bool operator==(const Limits&, const Limits&) = default;
};

}  // namespace instructor
