include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(INSTRUCTOR_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/instructor")

install(TARGETS instructor
  EXPORT instructorTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# llama.hpp only with the component it declares: without it, its names would not link.
if(INSTRUCTOR_HAS_LLAMA AND INSTRUCTOR_LLAMA_FROM_PACKAGE)
  install(DIRECTORY include/instructor DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
else()
  install(DIRECTORY include/instructor DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp"
    PATTERN "llama.hpp" EXCLUDE)
endif()
install(EXPORT instructorTargets
  NAMESPACE instructor::
  DESTINATION ${INSTRUCTOR_CMAKE_DIR})

# instructor::llama, when built against an installed llama.cpp: find_package(instructor COMPONENTS llama).
if(INSTRUCTOR_HAS_LLAMA AND INSTRUCTOR_LLAMA_FROM_PACKAGE)
  install(TARGETS instructor_llama
    EXPORT instructorLlamaTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT instructorLlamaTargets
    NAMESPACE instructor::
    DESTINATION ${INSTRUCTOR_CMAKE_DIR})
endif()

# find_package(instructor COMPONENTS llama) finds the llama.cpp this was built against by itself.
set(INSTRUCTOR_LLAMA_CONFIG_DIR "")
if(INSTRUCTOR_HAS_LLAMA AND INSTRUCTOR_LLAMA_FROM_PACKAGE)
  set(INSTRUCTOR_LLAMA_CONFIG_DIR "${llama_DIR}")
endif()
get_target_property(INSTRUCTOR_LIBRARY_TYPE instructor TYPE)
configure_package_config_file(cmake/instructorConfig.cmake.in
  "${PROJECT_BINARY_DIR}/instructorConfig.cmake"
  INSTALL_DESTINATION ${INSTRUCTOR_CMAKE_DIR})
# Not ARCH_INDEPENDENT: the package holds a compiled library. Before 1.0, minor versions may break.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/instructorConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/instructorConfig.cmake"
  "${PROJECT_BINARY_DIR}/instructorConfigVersion.cmake"
  DESTINATION ${INSTRUCTOR_CMAKE_DIR})
install(FILES LICENSE README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/instructor)
include(cmake/pkg-config.cmake)
