// What happens to a bad reply: every error, with its JSON pointer, in words a model can act on.

#include <instructor/instructor.hpp>

#include <iostream>
#include <string>
#include <vector>

struct Attendee {
    std::string name;
    instructor::Annotated<int, instructor::minimum(0), instructor::maximum(150)> age;
};

struct Meeting {
    std::string title;
    int start_hour;
    int end_hour;
    std::vector<Attendee> attendees;

    // A validator: runs after the fields parsed cleanly; its errors join the others.
    std::vector<instructor::FieldError> validate() const {
        if (end_hour <= start_hour) return {{"/end_hour", "must be after start_hour"}};
        return {};
    }
};

int main() {
    // Every error is reported, each at its place, not just the first.
    const auto bad = instructor::try_from_json<Meeting>(R"({
        "title": "Planning",
        "start_hour": 14, "end_hour": "13",
        "attendees": [{"name": "Ann", "age": 40}, {"name": "Bo", "age": "thirty"}, {"age": 9}]
    })");
    if (!bad) {
        for (const auto& error : bad.error().errors()) std::cout << instructor::to_string(error) << "\n";
    }

    // Lax by default, as Pydantic: "13" reads as 13. Strict accepts exactly what the schema allows.
    const auto lax = instructor::from_json<Meeting>(R"({"title": "Sync", "start_hour": 9, "end_hour": "10",
                                                        "attendees": []})");
    std::cout << "lax: " << lax.title << " ends at " << lax.end_hour << "\n";
    try {
        (void)instructor::from_json<Meeting>(R"({"title": "Sync", "start_hour": 9, "end_hour": "10", "attendees": []})",
                                             {.strict = true});
    } catch (const instructor::ValidationError& e) {
        std::cout << "strict: " << e.what() << "\n";
    }

    // The validator's verdict, in the same format.
    const auto backwards =
        instructor::try_from_json<Meeting>(R"({"title": "Late", "start_hour": 18, "end_hour": 8, "attendees": []})");
    std::cout << backwards.error().what() << "\n";
}
