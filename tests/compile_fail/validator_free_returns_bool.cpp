// A free validate(const T&) that returns something a validator does not return is never called:
// it must not compile.
#include <instructor/instructor.hpp>
// expect-error: validate. is never called.*validate\(const T&\)

namespace app {
struct Person {
    int age;
};
inline bool validate(const Person& p) { return p.age >= 0; }
}  // namespace app

int main() { return instructor::from_json<app::Person>(R"({"age": -5})").age; }
