// gbnf<T>(): the grammar llama.cpp samples under. Whether llama.cpp reads it, and whether what it
// samples is what the parser accepts, is the real-server tier's to say (test_real_server.cpp);
// here, the rules themselves: exact integer ranges, members in order, the constraints written.

#include "catch.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <instructor/instructor.hpp>

namespace gbnf_test {

using instructor::Annotated;

// The body of rule `name` in `grammar`.
std::string rule(const std::string& grammar, const std::string& name) {
    const auto at = grammar.find("\n" + name + " ::= ");
    if (at == std::string::npos) return {};
    const auto start = at + name.size() + 6;
    return grammar.substr(start, grammar.find('\n', start) - start);
}

// An integer rule as an ECMAScript regex: its literals are digits and "-", its classes [a-b].
std::regex as_regex(const std::string& body) {
    std::string out;
    for (const char c : body)
        if (c == '.')
            out += "\\.";  // the decimal point, the only '.' in these rules
        else if (c != ' ' && c != '"')
            out += c;
    return std::regex("^(" + out + ")$");
}

__extension__ typedef __int128 Int;

std::string text(Int v) {
    if (v == 0) return "0";
    const bool negative = v < 0;
    __extension__ unsigned __int128 m =
        negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
    std::string digits;
    for (; m != 0; m /= 10) digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    return negative ? "-" + digits : digits;
}

// The grammar of an integer node ranging over [low, high] by its type, narrowed by `c`.
std::string integer_grammar(nlohmann::json low, nlohmann::json high, instructor::detail::Constraints c = {}) {
    instructor::detail::TypeNode node;
    node.kind = instructor::detail::Kind::integer;
    node.type_minimum = std::move(low);
    node.type_maximum = std::move(high);
    node.constraints = std::move(c);
    return instructor::detail::render_gbnf(node);
}

// Every integer near the ends of [low, high], near zero and near powers of ten inside it, is in the
// rule exactly when it is in the range; and no spelling with a leading zero or "-0" is.
void check_range(Int low, Int high, const std::string& grammar) {
    const std::string root = rule("\n" + grammar, "root");
    const std::string body = rule(grammar, root);
    INFO("range " << text(low) << " to " << text(high) << "\n" << root << " ::= " << body);
    REQUIRE(!body.empty());
    const std::regex re = as_regex(body);
    std::set<Int> probes;
    for (Int d = -12; d <= 12; ++d) probes.insert({low + d, high + d, d});
    Int power = 1;
    for (int i = 0; i < 20; ++i, power *= 10)
        for (Int d = -2; d <= 2; ++d) probes.insert({power + d, -power + d});
    for (const Int v : probes) {
        const bool inside = v >= low && v <= high;
        INFO(text(v));
        CHECK(std::regex_match(text(v), re) == inside);
    }
    CHECK_FALSE(std::regex_match("-0", re));
    CHECK_FALSE(std::regex_match("007", re));
}

}  // namespace gbnf_test

using namespace gbnf_test;

TEST_CASE("an integer's grammar holds exactly the integers of its range, for any range") {
    SECTION("the C++ types' own ranges") {
        check_range(INT64_MIN, INT64_MAX, integer_grammar(INT64_MIN, INT64_MAX));
        check_range(0, static_cast<Int>(UINT64_MAX), integer_grammar(0, UINT64_MAX));
        check_range(INT32_MIN, INT32_MAX, integer_grammar(INT32_MIN, INT32_MAX));
        check_range(-128, 127, integer_grammar(-128, 127));
        check_range(0, 255, integer_grammar(0, 255));
    }
    SECTION("declared bounds, inclusive and exclusive, within the type's") {
        instructor::detail::Constraints c;
        c.minimum = 0;
        c.maximum = 150;
        check_range(0, 150, integer_grammar(INT32_MIN, INT32_MAX, c));
        instructor::detail::Constraints e;
        e.exclusive_minimum = -10;
        e.exclusive_maximum = 10.5;  // a float bound on an integer: up to 10
        check_range(-9, 10, integer_grammar(INT32_MIN, INT32_MAX, e));
    }
    SECTION("random ranges") {
        std::mt19937_64 random(7);
        for (int i = 0; i < 300; ++i) {
            const int digits_low = static_cast<int>(random() % 19), digits_high = static_cast<int>(random() % 19);
            auto pick = [&](int digits) {
                Int v = static_cast<Int>(random() % 1000000000000000000ULL);
                Int limit = 1;
                for (int d = 0; d < digits; ++d) limit *= 10;
                v %= limit + 1;
                return random() % 3 == 0 ? -v : v;
            };
            Int a = pick(digits_low), b = pick(digits_high);
            if (a > b) std::swap(a, b);
            instructor::detail::Constraints c;
            c.minimum = static_cast<std::int64_t>(a);
            c.maximum = static_cast<std::int64_t>(b);
            check_range(a, b, integer_grammar(INT64_MIN, INT64_MAX, c));
        }
    }
}

TEST_CASE("a number's grammar holds the decimals within whole-number bounds, inclusive or exclusive") {
    struct Case {
        std::optional<double> minimum, exclusive_minimum, maximum, exclusive_maximum;
    };
    const std::vector<Case> cases = {
        {-1.0, {}, 1.0, {}}, {{}, 0.0, 1.0, {}}, {0.0, {}, {}, 1.0}, {{}, -3.0, {}, 2.0},
        {{}, {}, {}, {}},    {5.0, {}, {}, {}},  {{}, {}, -2.0, {}}, {-10.0, {}, -4.0, {}},
    };
    std::mt19937 random(3);
    for (const auto& k : cases) {
        instructor::detail::Constraints c;
        if (k.minimum) c.minimum = *k.minimum;
        if (k.exclusive_minimum) c.exclusive_minimum = *k.exclusive_minimum;
        if (k.maximum) c.maximum = *k.maximum;
        if (k.exclusive_maximum) c.exclusive_maximum = *k.exclusive_maximum;
        instructor::detail::TypeNode node;
        node.kind = instructor::detail::Kind::number;
        node.constraints = c;
        const std::string grammar = instructor::detail::render_gbnf(node);
        const std::string body = rule(grammar, rule("\n" + grammar, "root"));
        INFO(grammar);
        REQUIRE(!body.empty());
        const std::regex re = as_regex(body);
        std::vector<std::string> probes = {"0",
                                           "0.0",
                                           "0.5",
                                           "1",
                                           "1.0",
                                           "1.000",
                                           "1.01",
                                           "-1",
                                           "-1.0",
                                           "-1.5",
                                           "-0.5",
                                           "2",
                                           "2.0",
                                           "-3",
                                           "-3.0",
                                           "-2.99",
                                           "4.5",
                                           "5",
                                           "5.0",
                                           "-4",
                                           "-10",
                                           "-10.0",
                                           "-10.01",
                                           "123456789012345.5",
                                           "1234567890123456"};
        for (int i = 0; i < 400; ++i) {
            const int whole = static_cast<int>(random() % 25) - 12;
            std::string text = std::to_string(whole);
            if (random() % 2) text += "." + std::to_string(random() % 1000);
            if (random() % 4 == 0) text += "000";
            probes.push_back(text);
        }
        for (const auto& text : probes) {
            const double v = std::stod(text);
            const bool leading_zero =
                text.find("00") == 0 || text.find("-00") == 0 || (text.size() > 1 && text[0] == '0' && text[1] != '.');
            if (leading_zero || text.size() > 31) continue;
            const bool within = std::fabs(v) < 1e15 && (!k.minimum || v >= *k.minimum) &&
                                (!k.exclusive_minimum || v > *k.exclusive_minimum) && (!k.maximum || v <= *k.maximum) &&
                                (!k.exclusive_maximum || v < *k.exclusive_maximum);
            const bool negative_zero = text[0] == '-' && v == 0;
            INFO(text);
            if (!negative_zero) CHECK(std::regex_match(text, re) == within);
        }
    }
}

namespace gbnf_test {
struct Address {
    std::string street;
    Annotated<std::string, instructor::pattern("^[0-9]{5}$")> zip;
};
enum class Role { admin, user };
struct Person {
    Annotated<std::string, instructor::min_length(1), instructor::max_length(40)> name;
    std::optional<std::string> nickname;
    Annotated<std::vector<std::string>, instructor::min_items(1), instructor::max_items(3)> emails;
    Role role;
    Annotated<std::string, instructor::choices("red", "green")> color;
    Address address;
};
struct Tree {
    std::string label;
    std::vector<Tree> children;
};
struct AllOptional {
    std::optional<int> a;
    std::optional<bool> b;
};
struct Lookahead {
    Annotated<std::string, instructor::pattern("^(?!x).*$")> text;
};
struct Impossible {
    Annotated<int, instructor::minimum(5), instructor::maximum(4)> n;
};
}  // namespace gbnf_test

TEST_CASE("a struct's grammar lists its members in order, with every constraint a grammar can say") {
    const std::string& g = instructor::gbnf<Person>();
    INFO(g);
    CHECK(g.rfind("root ::= t-Person\n", 0) == 0);
    CHECK(
        rule(g, "t-Person") ==
        R"("{" ws ("\"name\"" ws ":" ws "\"" char{1,40} "\"" ws ("," ws "\"nickname\"" ws ":" ws (string | "null") ws)? )"
        R"("," ws "\"emails\"" ws ":" ws "[" ws string ws ("," ws string ws){0,2} "]" ws "," ws "\"role\"" ws ":" ws t-Role ws )"
        R"("," ws "\"color\"" ws ":" ws ("\"red\"" | "\"green\"") ws "," ws "\"address\"" ws ":" ws t-Address ws) "}")");
    CHECK(rule(g, "t-Role") == R"("\"admin\"" | "\"user\"")");
    CHECK(rule(g, "t-Address") ==
          R"("{" ws ("\"street\"" ws ":" ws string ws "," ws "\"zip\"" ws ":" ws "\"" ([0-9]{5}) "\"" ws) "}")");
    CHECK(rule(g, "ws") == R"(| " " | "\n" [ \t]{0,20})");  // bounded: a model cannot pad forever
}

TEST_CASE("a type that contains itself is a rule that names itself") {
    const std::string& g = instructor::gbnf<Tree>();
    CHECK(
        rule(g, "t-Tree") ==
        R"("{" ws ("\"label\"" ws ":" ws string ws "," ws "\"children\"" ws ":" ws "[" ws (t-Tree ws ("," ws t-Tree ws)*)? "]" ws) "}")");
}

TEST_CASE("a struct of optional members may be written with any of them, in order, or none") {
    const std::string& g = instructor::gbnf<AllOptional>();
    CHECK(
        rule(g, "t-AllOptional") ==
        R"("{" ws ("\"a\"" ws ":" ws (int-m2147483648-2147483647 | "null") ws ("," ws "\"b\"" ws ":" ws (("true" | "false") | "null") ws)? | )"
        R"("\"b\"" ws ":" ws (("true" | "false") | "null") ws)? "}")");
}

TEST_CASE("what a grammar cannot say, and the parser would then reject, is a SchemaError that names it") {
    try {
        (void)instructor::gbnf<Lookahead>();
        FAIL("a lookahead cannot be a grammar");
    } catch (const instructor::SchemaError& e) {
        CHECK(std::string(e.what()) ==
              "gbnf: the pattern at /text uses a lookaround or named group, which a grammar cannot "
              "say; write the pattern without it, or check the string in a validator");
    }
    CHECK_THROWS_WITH(instructor::gbnf<Impossible>(), "gbnf: no integer at /n is within its bounds (5 to 4)");
}
