// Prints what a language model is shown for a struct: its JSON Schema in each form.
//
//     ./schema_dump            # all three forms of the example struct below

#include <instructor/instructor.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace shop {

enum class Size { small, medium, large };

struct Address {
    std::string street;
    std::string city;
    std::optional<std::string> postcode;
};

struct Order {
    static constexpr std::string_view schema_description = "A customer's order, as stated in the text";

    instructor::Annotated<std::string, instructor::description("The customer's full name"), instructor::min_length(1)>
        customer;
    instructor::Annotated<int, instructor::minimum(1), instructor::maximum(100)> quantity;
    Size size;
    Address ship_to;
    instructor::Annotated<std::vector<std::string>, instructor::max_items(5), instructor::default_value()> notes;
};

}  // namespace shop

int main() {
    using instructor::SchemaForm;
    std::cout << "# plain (draft 2020-12)\n"
              << instructor::json_schema<shop::Order>().dump(2) << "\n\n"
              << "# openai_strict (tools_strict, json_schema with strict: true)\n"
              << instructor::json_schema<shop::Order>(SchemaForm::openai_strict).dump(2) << "\n\n"
              << "# inlined (llama.cpp grammars, Ollama format)\n"
              << instructor::json_schema<shop::Order>(SchemaForm::inlined).dump(2) << "\n";
}
