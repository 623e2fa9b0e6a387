#pragma once
// Result<T, E>: a value or the error that explains why there is none, for code that would rather
// branch than catch. try_from_json gives a Result<T> (E = ValidationError); Client::try_create a
// Result<T, AnyError>.

#include <utility>
#include <variant>

#include <instructor/error.hpp>

namespace instructor {

template <class T, class E = ValidationError>
class Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
    Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    /// The value; throws the error when there is none.
    [[nodiscard]] T& value() & { return checked(); }
    [[nodiscard]] const T& value() const& { return const_cast<Result*>(this)->checked(); }
    [[nodiscard]] T&& value() && { return std::move(checked()); }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; only valid when !has_value().
    [[nodiscard]] const E& error() const { return std::get<1>(state_); }

private:
    T& checked() {
        if (state_.index() == 1) {
            if constexpr (requires(const E& e) { e.rethrow(); })
                std::get<1>(state_).rethrow();
            else
                throw std::get<1>(state_);
        }
        return std::get<0>(state_);
    }
    std::variant<T, E> state_;
};

}  // namespace instructor
