// A struct has one validator: a `validate` overloaded to take a context or not would leave the
// library to pick one and never call the other. It must not compile.
#include <instructor/instructor.hpp>
// expect-error: member .validate. is overloaded, a template or not public.*validate\(const C& context\) const

struct Minutes {
    std::string text;
};

struct Action {
    std::string owner;
    std::optional<std::string> validate() const { return std::nullopt; }
    std::optional<std::string> validate(const Minutes& minutes) const {
        if (minutes.text.find(owner) == std::string::npos) return "the owner must be named in the minutes";
        return std::nullopt;
    }
};

int main() {
    return static_cast<int>(
        instructor::from_json<Action>(R"({"owner": "Ann"})", {.context = Minutes{"Ann"}}).owner.size());
}
