// The type asked for is a class with private members: one line says it must be a plain struct.
#include <instructor/instructor.hpp>
// expect-error: this class is not an aggregate

namespace app {
class User {
public:
    std::string name;

private:
    int age_ = 0;
};
}  // namespace app

int main() { return static_cast<int>(instructor::json_schema<app::User>().size()); }
