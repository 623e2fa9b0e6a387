// Smoke test for downstream users: compiled and run against an installed
// instructor (find_package) and against the source tree (add_subdirectory).
#include <instructor/instructor.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age;
};

int main() {
    const auto& schema = instructor::json_schema<UserDetail>();
    std::cout << schema.dump() << '\n';

    const auto properties = schema.find("properties");
    if (properties == schema.end() || !properties->is_object()) {
        std::cerr << "schema has no \"properties\" object\n";
        return 1;
    }
    if (!properties->contains("name") || !properties->contains("age")) {
        std::cerr << "schema \"properties\" lacks \"name\" or \"age\"\n";
        return 1;
    }
    return 0;
}
