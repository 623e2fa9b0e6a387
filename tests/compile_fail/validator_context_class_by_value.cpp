// A context of class type taken by value would be copied for every object read: it must not
// compile, and the message says to take it by const reference.
#include <instructor/instructor.hpp>
// expect-error: takes its context, a class, by value.*Take it as .const C&.

struct Minutes {
    std::string text;
};

struct Action {
    std::string owner;
    std::optional<std::string> validate(Minutes minutes) const {
        if (minutes.text.find(owner) == std::string::npos) return "the owner must be named in the minutes";
        return std::nullopt;
    }
};

int main() {
    return static_cast<int>(
        instructor::from_json<Action>(R"({"owner": "Ann"})", {.context = Minutes{"Ann"}}).owner.size());
}
