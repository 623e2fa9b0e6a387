// A context is shared and read-only: a validator taking it by non-const reference must not compile.
#include <instructor/instructor.hpp>
// expect-error: validator takes its context by non-const or rvalue reference.*take it as .const C&.

struct Minutes {
    std::string text;
};

struct Action {
    std::string owner;
    std::optional<std::string> validate(Minutes& minutes) const {
        if (minutes.text.find(owner) == std::string::npos) return "the owner must be named in the minutes";
        return std::nullopt;
    }
};

int main() {
    return static_cast<int>(
        instructor::from_json<Action>(R"({"owner": "Ann"})", {.context = Minutes{"Ann"}}).owner.size());
}
