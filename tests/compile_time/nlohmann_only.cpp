// The floor: the same struct read from a JSON reply with nlohmann/json alone, the way a program
// without instructor-cpp would (a from_json per struct, get<T>()).
#include <nlohmann/json.hpp>

#include <iostream>
#include <string>

struct UserDetail {
    std::string name;
    int age = 0;
};

void from_json(const nlohmann::json& json, UserDetail& user) {
    json.at("name").get_to(user.name);
    json.at("age").get_to(user.age);
}

int main(int argc, char** argv) {
    const auto reply = nlohmann::json::parse(argc > 1 ? argv[1] : R"({"name": "Jason", "age": 30})");
    const auto user = reply.get<UserDetail>();
    std::cout << user.name << " " << user.age << "\n";
}
