// One model loaded into the process, shared by two clients and two threads, and a streamed call
// that shows the answer growing token by token.
//
//     ./llama_shared path/to/model.gguf

#include <instructor/instructor.hpp>
#include <instructor/llama.hpp>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

struct UserDetail {
    instructor::Annotated<std::string, instructor::max_length(40)> name;
    int age;
};

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: llama_shared MODEL.gguf\n";
        return 2;
    }
    try {
        // The weights are read once; two calls may decode at once, each in a context of its own.
        auto model = instructor::LlamaModel::load({.model_path = argv[1], .max_contexts = 2});
        auto strict = instructor::from_llama(model, instructor::Mode::json_schema);
        auto grammar = instructor::from_llama(model, instructor::Mode::gbnf);

        std::vector<UserDetail> users(2);
        {
            std::jthread first(
                [&] { users[0] = strict.create<UserDetail>({.messages = {instructor::user("Jason is 30")}}); });
            std::jthread second(
                [&] { users[1] = grammar.create<UserDetail>({.messages = {instructor::user("Sarah is 25")}}); });
        }
        for (const auto& user : users) std::cout << "name='" << *user.name << "' age=" << user.age << "\n";

        // Streamed: the callback sees the name as it is written.
        const auto user = strict.create_partial<UserDetail>(
            {.messages = {instructor::user("Extract `Jason is 30 years old`")}},
            [](const UserDetail& so_far) { std::cout << "\r  so far: name='" << *so_far.name << "'" << std::flush; });
        std::cout << "\nname='" << *user.name << "' age=" << user.age << "\n";
    } catch (const instructor::Error& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
