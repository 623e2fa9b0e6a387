// A C array field cannot be reflected (Boost.PFR counts its elements as fields): one line says to
// write std::array instead, rather than pages of Boost.PFR's errors.
#include <instructor/instructor.hpp>
// expect-error: C array member
// expect-error: std::array<Element, N>

namespace app {
struct Scores {
    std::string player;
    int rounds[3];
};
}  // namespace app

int main() { return static_cast<int>(instructor::json_schema<app::Scores>().size()); }
