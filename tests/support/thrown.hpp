#pragma once
// Catching one error type to look inside it.

#include <optional>

#include "catch.hpp"

namespace test_support {

/// Runs `call` and returns the E it throws; fails the test when it returns normally. Any other
/// exception goes on to Catch, which reports it.
template <class E, class F>
std::optional<E> thrown(F&& call) {
    try {
        call();
    } catch (const E& error) {
        return error;
    }
    FAIL_CHECK("no exception was thrown");
    return std::nullopt;
}

}  // namespace test_support
