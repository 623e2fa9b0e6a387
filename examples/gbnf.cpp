// Prints the GBNF grammar of a struct: what llama.cpp samples under so that the model can only
// write JSON the parser accepts. Send it in a llama.cpp server's `grammar` field (its native
// /completion endpoint), or give it to llama.cpp's sampler in your own process.
//
//     ./gbnf

#include <instructor/instructor.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace shop {

enum class Size { small, medium, large };

struct Order {
    instructor::Annotated<std::string, instructor::min_length(1), instructor::max_length(60)> customer;
    instructor::Annotated<int, instructor::minimum(1), instructor::maximum(100)> quantity;
    Size size;
    instructor::Annotated<double, instructor::minimum(0.0), instructor::maximum(1.0)> discount;
    std::optional<std::string> note;
    instructor::Annotated<std::vector<std::string>, instructor::max_items(3)> tags;
};

}  // namespace shop

int main() {
    const std::string& grammar = instructor::gbnf<shop::Order>();
    std::cout << grammar;
    // The body for a llama.cpp server's /completion: the grammar travels as a JSON string.
    const nlohmann::json body{{"prompt", "Jason ordered 3 large shirts."}, {"grammar", grammar}, {"n_predict", 256}};
    std::cout << "\nPOST /completion with " << body.dump().size() << " bytes\n";
    return grammar.rfind("root ::= t-Order\n", 0) == 0 ? 0 : 1;
}
