// Describing and constraining fields: inline in the field's type, or from outside a struct you cannot change.

#include <instructor/instructor.hpp>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

// --- inline: the annotations live in the field's type; the field still reads as a plain value ---
struct Invoice {
    static constexpr std::string_view schema_description = "An invoice found in an email";

    instructor::Annotated<std::string, instructor::pattern("^INV-[0-9]{4}$")> number;
    instructor::Annotated<double, instructor::exclusive_minimum(0.0), instructor::description("Total, in euros")> total;
    instructor::Annotated<std::string, instructor::choices("paid", "open", "overdue")> status;
    instructor::Annotated<std::vector<std::string>, instructor::min_items(1), instructor::max_items(20)> lines;
    instructor::Annotated<std::string, instructor::default_value("EUR")> currency;
    instructor::Annotated<std::optional<std::string>, instructor::max_length(200)> note;
};

// --- non-intrusive: a struct from a header you do not own ---
namespace vendor {
struct Contact {
    std::string email;
    int age;
};
}  // namespace vendor

template <>
struct instructor::meta<vendor::Contact> {
    static constexpr std::string_view description = "Who to contact about the invoice";
    static constexpr auto fields = instructor::fields(
        instructor::field("email", instructor::pattern("^[^@]+@[^@]+$"), instructor::description("Work email")),
        instructor::field("age", instructor::minimum(18), instructor::maximum(120)));
};

int main() {
    auto invoice = instructor::from_json<Invoice>(
        R"({"number": "INV-0042", "total": 99.5, "status": "open", "lines": ["2 x widget"]})");
    invoice.total = invoice.total * 2;        // reads and writes like a double
    invoice.lines.push_back("1 x shipping");  // and like a vector, a string, an optional
    if (!invoice.note) invoice.note = "none";
    std::cout << invoice.number << " " << invoice.total << " " << invoice.currency << ", " << invoice.lines.size()
              << " lines, note: " << *invoice.note << "\n";

    auto contact = instructor::from_json<vendor::Contact>(R"({"email": "ann@example.com", "age": 41})");
    std::cout << contact.email << " " << contact.age << "\n";

    std::cout << instructor::json_schema<vendor::Contact>().dump(2) << "\n";
}
