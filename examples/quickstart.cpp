// The quickstart: declare a struct, get its schema, read a model's JSON reply into it.
// (Until the client lands, the reply below stands in for a model's answer.)

#include <instructor/instructor.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

int main() {
    std::cout << "The model is asked for:\n" << instructor::json_schema<UserDetail>().dump(2) << "\n\n";

    const auto user = instructor::from_json<UserDetail>(R"({"name": "Jason", "age": 30})");
    std::cout << "name='" << user.name << "' age=" << user.age << "\n";

    try {
        (void)instructor::from_json<UserDetail>(R"({"name": "Jason", "age": "thirty"})");
    } catch (const instructor::ValidationError& e) {
        std::cout << "\nA bad reply is re-asked with:\n" << e.what() << "\n";
    }
}
