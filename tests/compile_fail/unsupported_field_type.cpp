// A field whose type the library cannot describe must not compile, and the error must name the
// struct and the field, not only the type (here std::list, inside an optional).
#include <list>

#include <instructor/instructor.hpp>
// expect-error: unsupported field type
// expect-error: field_type_check<[a-z:]*Shipment,.*[.:]stops[)}]

namespace app {
struct Parcel {
    std::string label;
};
struct Shipment {
    std::string id;
    std::vector<Parcel> parcels;
    std::optional<std::list<std::string>> stops;
};
}  // namespace app

int main() { return static_cast<int>(instructor::from_json<app::Shipment>(R"({"id": "x"})").id.size()); }
