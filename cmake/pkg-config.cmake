# instructor.pc (and instructor-llama.pc with the component), installed beside the CMake package:
# `pkg-config --cflags --libs instructor` builds a program with nothing else. A static library
# names what it links (libcurl, threads) in Libs and Requires, since a plain --libs must link; a
# shared one keeps them private. Included by install-rules.cmake.

set(_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
# Relocatable: the prefix is found from the .pc file's own place (pcfiledir), so a package or a
# moved install prefix needs no rewrite.
file(RELATIVE_PATH INSTRUCTOR_PC_TO_PREFIX "/prefix/${_pc_dir}" "/prefix")
string(REGEX REPLACE "/$" "" INSTRUCTOR_PC_TO_PREFIX "${INSTRUCTOR_PC_TO_PREFIX}")

# Boost is header-only here; name its directory only when the compiler would not search it anyway.
set(INSTRUCTOR_PC_CFLAGS "")
foreach(_dir IN LISTS Boost_INCLUDE_DIRS)
  if(NOT _dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
    string(APPEND INSTRUCTOR_PC_CFLAGS " -I${_dir}")
  endif()
endforeach()

get_target_property(_instructor_type instructor TYPE)
if(_instructor_type STREQUAL "SHARED_LIBRARY")
  set(INSTRUCTOR_PC_REQUIRES "nlohmann_json")
  set(INSTRUCTOR_PC_REQUIRES_PRIVATE "libcurl")
  set(INSTRUCTOR_PC_LIBS "")
  set(INSTRUCTOR_PC_LIBS_PRIVATE "-pthread")
else()
  set(INSTRUCTOR_PC_REQUIRES "nlohmann_json libcurl")
  set(INSTRUCTOR_PC_REQUIRES_PRIVATE "")
  set(INSTRUCTOR_PC_LIBS " -pthread")
  set(INSTRUCTOR_PC_LIBS_PRIVATE "")
endif()
configure_file(cmake/instructor.pc.in "${PROJECT_BINARY_DIR}/instructor.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/instructor.pc" DESTINATION ${_pc_dir})

# The files an imported target and what it links are made of, each before what it depends on:
# llama.cpp's own llama.pc lists its static libraries in an order that does not link, and misses
# the CPU backend.
function(_instructor_pc_visit item)
  if(item STREQUAL "" OR item IN_LIST _pc_seen OR item MATCHES "^\\$<")
    return()
  endif()
  list(APPEND _pc_seen ${item})
  set(_pc_seen "${_pc_seen}" PARENT_SCOPE)
  if(NOT TARGET ${item})
    if(item MATCHES "^-")
      list(APPEND _pc_order "${item}")
    else()
      list(APPEND _pc_order "-l${item}")
    endif()
    set(_pc_order "${_pc_order}" PARENT_SCOPE)
    return()
  endif()
  get_target_property(_links ${item} INTERFACE_LINK_LIBRARIES)
  if(_links)
    foreach(_link IN LISTS _links)
      _instructor_pc_visit("${_link}")
    endforeach()
  endif()
  foreach(_property IMPORTED_LOCATION_RELEASE IMPORTED_LOCATION_RELWITHDEBINFO IMPORTED_LOCATION)
    get_target_property(_location ${item} ${_property})
    if(_location)
      list(APPEND _pc_order "${_location}")
      break()
    endif()
  endforeach()
  set(_pc_seen "${_pc_seen}" PARENT_SCOPE)
  set(_pc_order "${_pc_order}" PARENT_SCOPE)
endfunction()

if(INSTRUCTOR_HAS_LLAMA AND INSTRUCTOR_LLAMA_FROM_PACKAGE)
  # Dependencies first (post-order), then reversed: each library before the ones it needs.
  set(_pc_seen "")
  set(_pc_order "")
  _instructor_pc_visit(llama)
  list(REVERSE _pc_order)
  list(JOIN _pc_order " " INSTRUCTOR_PC_LLAMA_LIBS)
  set(INSTRUCTOR_PC_LLAMA_LIBS " ${INSTRUCTOR_PC_LLAMA_LIBS} -pthread")
  configure_file(cmake/instructor-llama.pc.in "${PROJECT_BINARY_DIR}/instructor-llama.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/instructor-llama.pc" DESTINATION ${_pc_dir})
endif()
