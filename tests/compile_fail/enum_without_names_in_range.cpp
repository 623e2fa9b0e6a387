// An enum whose values all lie outside the scanned range would have no names at all, and every
// value would be refused at run time ("expected one of , got ..."): it must not compile.
#include <instructor/instructor.hpp>
// expect-error: no enumerator of this enum has a value in the scanned range
// expect-error: enum_scan_check<[a-z:]*Http(Status)?, -128, 127
// expect-error: enum_min = \.\.\., enum_max = \.\.\.

namespace app {
enum class HttpStatus : int { ok = 200, not_found = 404 };
struct Reply {
    HttpStatus status;
};
}  // namespace app

int main() { return static_cast<int>(instructor::from_json<app::Reply>(R"({"status": "ok"})").status); }
