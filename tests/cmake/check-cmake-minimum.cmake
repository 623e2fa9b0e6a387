# One CMake minimum version everywhere: every cmake_minimum_required() of the project, the
# presets' cmakeMinimumRequired, the README's requirements and the Debian package's build
# dependency must name the same major.minor.
#
#   cmake -DROOT=<source dir> -P check-cmake-minimum.cmake

cmake_minimum_required(VERSION 3.23)

file(READ "${ROOT}/CMakePresets.json" presets)
string(JSON major GET "${presets}" cmakeMinimumRequired major)
string(JSON minor GET "${presets}" cmakeMinimumRequired minor)
set(expected "${major}.${minor}")
set(problems "")

file(GLOB_RECURSE scripts RELATIVE "${ROOT}" "${ROOT}/CMakeLists.txt" "${ROOT}/cmake/*.cmake"
     "${ROOT}/src/CMakeLists.txt" "${ROOT}/tests/CMakeLists.txt" "${ROOT}/tests/*/CMakeLists.txt"
     "${ROOT}/tests/*.cmake" "${ROOT}/examples/CMakeLists.txt")
set(seen 0)
foreach(script IN LISTS scripts)
  file(STRINGS "${ROOT}/${script}" lines REGEX "^cmake_minimum_required\\(")
  foreach(line IN LISTS lines)
    math(EXPR seen "${seen} + 1")
    if(NOT line MATCHES "VERSION ${expected}[).]")
      string(APPEND problems "  ${script}: ${line}\n")
    endif()
  endforeach()
endforeach()

file(READ "${ROOT}/README.md" readme)
if(NOT readme MATCHES "CMake ${expected}\\+")
  string(APPEND problems "  README.md: its requirements do not say \"CMake ${expected}+\"\n")
endif()
file(READ "${ROOT}/cmake/debian/control" control)
if(NOT control MATCHES "cmake \\(>= ${expected}\\)")
  string(APPEND problems "  cmake/debian/control: its Build-Depends do not say \"cmake (>= ${expected})\"\n")
endif()

if(problems)
  message(FATAL_ERROR "CMakePresets.json asks for CMake ${expected}; these say otherwise:\n${problems}")
endif()
message(STATUS "CMake ${expected} everywhere: ${seen} cmake_minimum_required(), the presets, README.md, cmake/debian/control")
