#include <instructor/validation_context.hpp>

namespace instructor {

ValidationContext::~ValidationContext() = default;

}  // namespace instructor
