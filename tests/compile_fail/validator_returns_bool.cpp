// A validator with a signature the library does not call must not compile (it would never run).
#include <instructor/instructor.hpp>
// expect-error: validate. is never called.*std::optional<std::string> validate\(\) const

struct Person {
    int age;
    bool validate() const { return age >= 0; }
};

int main() { return instructor::from_json<Person>(R"({"age": -5})").age; }
