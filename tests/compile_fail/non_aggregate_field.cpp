// A field whose type is a class with a constructor is not an aggregate: the error says so and
// names the struct and the field, not "unsupported field type".
#include <instructor/instructor.hpp>
// expect-error: not an aggregate
// expect-error: field_type_check<[a-z:]*Order,.*[.:]total[)}]

namespace app {
class Money {
public:
    Money() = default;
    explicit Money(long cents) : cents_(cents) {}

private:
    long cents_ = 0;
};
struct Order {
    std::string id;
    Money total;
};
}  // namespace app

int main() { return static_cast<int>(instructor::from_json<app::Order>(R"({"id": "x"})").id.size()); }
