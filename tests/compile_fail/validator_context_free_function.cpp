// The library passes a context only to a member validator: a free validate(const T&, const C&)
// would never be called. It must not compile, and the message says to make it a member.
#include <instructor/instructor.hpp>
// expect-error: free validate\(const T&, const C&\) is never called.*Make it a const member function

namespace app {
struct Minutes {
    std::string text;
};
struct Action {
    std::string owner;
};
inline std::optional<std::string> validate(const Action& action, const Minutes& minutes) {
    if (minutes.text.find(action.owner) == std::string::npos) return "the owner must be named in the minutes";
    return std::nullopt;
}
}  // namespace app

int main() {
    return static_cast<int>(
        instructor::from_json<app::Action>(R"({"owner": "Ann"})", {.context = app::Minutes{"Ann"}}).owner.size());
}
