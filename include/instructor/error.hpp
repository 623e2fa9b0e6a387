#pragma once
// The exceptions instructor throws. Every one derives from instructor::Error (a std::runtime_error),
// says what happened and where, and never contains an API key.

#include <stdexcept>
#include <string>
#include <vector>

namespace instructor {

/// Base of every exception thrown by instructor.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One problem found in a JSON value: where (a JSON pointer, "" for the whole value) and what.
/// The message is written for a language model to act on, e.g. `expected an integer, got "thirty"`.
struct FieldError {
    std::string pointer;
    std::string message;

    friend bool operator==(const FieldError&, const FieldError&) = default;
};

/// "pointer: message", with "(root)" standing for the empty pointer.
[[nodiscard]] std::string to_string(const FieldError& error);

/// A value did not match its type: every error found, not only the first, plus the raw input.
class ValidationError : public Error {
public:
    explicit ValidationError(std::vector<FieldError> errors, std::string raw = {});

    /// Every error, in document order.
    [[nodiscard]] const std::vector<FieldError>& errors() const noexcept { return errors_; }
    /// The JSON text that failed to validate, exactly as it was received.
    [[nodiscard]] const std::string& raw() const noexcept { return raw_; }

private:
    std::vector<FieldError> errors_;
    std::string raw_;
};

/// A type cannot be expressed in the requested schema form (a recursive type in the inlined form,
/// a map in OpenAI strict form, ...). This is a programming error: the message says what to change.
class SchemaError : public Error {
public:
    using Error::Error;
};

}  // namespace instructor
