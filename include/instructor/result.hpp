#pragma once
// Result<T>: a value or the ValidationError that explains why there is none. For code that would
// rather branch than catch.

#include <utility>
#include <variant>

#include <instructor/error.hpp>

namespace instructor {

template <class T>
class Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}                   // NOLINT
    Result(ValidationError error) : state_(std::in_place_index<1>, std::move(error)) {}     // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; throws the ValidationError when there is none.
    [[nodiscard]] T& value() & { return checked(); }
    [[nodiscard]] const T& value() const& { return const_cast<Result*>(this)->checked(); }
    [[nodiscard]] T&& value() && { return std::move(checked()); }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; only valid when !has_value().
    [[nodiscard]] const ValidationError& error() const { return std::get<1>(state_); }

private:
    T& checked() {
        if (state_.index() == 1) throw std::get<1>(state_);
        return std::get<0>(state_);
    }
    std::variant<T, ValidationError> state_;
};

}  // namespace instructor
