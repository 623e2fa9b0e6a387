// A validator that is not const is never called: it must not compile.
#include <instructor/instructor.hpp>
// expect-error: validate. is never called.*std::optional<std::string> validate\(\) const

struct Person {
    int age;
    std::optional<std::string> validate() {
        if (age < 0) return "age must not be negative";
        return std::nullopt;
    }
};

int main() { return instructor::from_json<Person>(R"({"age": -5})").age; }
