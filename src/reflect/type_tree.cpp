#include <instructor/detail/reflect/type_tree.hpp>

#include <charconv>

namespace instructor::detail {

double shortest_double(float value) {
    char text[32];
    const auto written = std::to_chars(text, text + sizeof text, value);
    double result{};
    std::from_chars(text, written.ptr, result);
    return result;
}

void add_description(Constraints& c, std::string_view text) { c.description = text; }

void add_bound(Constraints& c, annotation::BoundKind kind, nlohmann::json value) {
    Constraints bound;
    switch (kind) {
        case annotation::BoundKind::minimum: bound.minimum = std::move(value); break;
        case annotation::BoundKind::maximum: bound.maximum = std::move(value); break;
        case annotation::BoundKind::exclusive_minimum: bound.exclusive_minimum = std::move(value); break;
        case annotation::BoundKind::exclusive_maximum: bound.exclusive_maximum = std::move(value); break;
    }
    merge_constraints(c, bound);
}

void add_length(Constraints& c, annotation::SizeKind kind, std::size_t value) {
    Constraints bound;
    (kind == annotation::SizeKind::minimum ? bound.min_length : bound.max_length) = value;
    merge_constraints(c, bound);
}

void add_items(Constraints& c, annotation::SizeKind kind, std::size_t value) {
    Constraints bound;
    (kind == annotation::SizeKind::minimum ? bound.min_items : bound.max_items) = value;
    merge_constraints(c, bound);
}

}  // namespace instructor::detail
