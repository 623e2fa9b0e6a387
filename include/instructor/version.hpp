#pragma once
// The library's version: the one place it is written (CMakeLists.txt reads it from here).

#define INSTRUCTOR_VERSION_MAJOR 0
#define INSTRUCTOR_VERSION_MINOR 1
#define INSTRUCTOR_VERSION_PATCH 0

#define INSTRUCTOR_STRINGIFY_(x) #x
#define INSTRUCTOR_STRINGIFY(x) INSTRUCTOR_STRINGIFY_(x)

namespace instructor {
/// "major.minor.patch"
inline constexpr const char* version = INSTRUCTOR_STRINGIFY(INSTRUCTOR_VERSION_MAJOR) "." INSTRUCTOR_STRINGIFY(
    INSTRUCTOR_VERSION_MINOR) "." INSTRUCTOR_STRINGIFY(INSTRUCTOR_VERSION_PATCH);
}  // namespace instructor
