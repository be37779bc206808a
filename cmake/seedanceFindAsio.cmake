# Locates standalone Asio (header-only, >= 1.22) and defines the imported target seedance::asio.
#
# Used by the build tree and installed beside seedanceConfig.cmake, so both find Asio the same way.
# Sets SEEDANCE_ASIO_FOUND, SEEDANCE_ASIO_VERSION and, on failure, SEEDANCE_ASIO_MESSAGE; it never stops the
# configure run itself, so the caller decides between a fatal error and "package not found".
# A non-standard location can be given with -DSEEDANCE_ASIO_INCLUDE_DIR=<dir containing asio.hpp>.

set(SEEDANCE_ASIO_MIN_VERSION 102200) # ASIO_VERSION encoding: major * 100000 + minor * 100 + patch

set(SEEDANCE_ASIO_FOUND FALSE)
set(SEEDANCE_ASIO_MESSAGE "")

find_path(SEEDANCE_ASIO_INCLUDE_DIR asio.hpp DOC "Directory containing standalone Asio's asio.hpp")

if(NOT SEEDANCE_ASIO_INCLUDE_DIR OR NOT EXISTS "${SEEDANCE_ASIO_INCLUDE_DIR}/asio/version.hpp")
  set(SEEDANCE_ASIO_MESSAGE
      "seedance needs standalone Asio >= 1.22 (the header asio.hpp, not Boost.Asio), which was not found. "
      "On Debian/Ubuntu install the package libasio-dev (apt-get install libasio-dev); elsewhere pass "
      "-DSEEDANCE_ASIO_INCLUDE_DIR=<directory containing asio.hpp>.")
  return()
endif()

file(STRINGS "${SEEDANCE_ASIO_INCLUDE_DIR}/asio/version.hpp" _seedance_asio_line REGEX "^#define ASIO_VERSION [0-9]+")
string(REGEX MATCH "ASIO_VERSION ([0-9]+)" _seedance_asio_match "${_seedance_asio_line}")
set(_seedance_asio_number "${CMAKE_MATCH_1}")
if(NOT _seedance_asio_number)
  set(SEEDANCE_ASIO_MESSAGE "seedance could not read ASIO_VERSION from ${SEEDANCE_ASIO_INCLUDE_DIR}/asio/version.hpp; "
                            "install standalone Asio >= 1.22 (Debian/Ubuntu package libasio-dev).")
  return()
endif()
math(EXPR _seedance_asio_major "${_seedance_asio_number} / 100000")
math(EXPR _seedance_asio_minor "${_seedance_asio_number} / 100 % 1000")
math(EXPR _seedance_asio_patch "${_seedance_asio_number} % 100")
set(SEEDANCE_ASIO_VERSION "${_seedance_asio_major}.${_seedance_asio_minor}.${_seedance_asio_patch}")

if(_seedance_asio_number LESS SEEDANCE_ASIO_MIN_VERSION)
  set(SEEDANCE_ASIO_MESSAGE
      "seedance needs standalone Asio >= 1.22, but ${SEEDANCE_ASIO_INCLUDE_DIR}/asio/version.hpp is version "
      "${SEEDANCE_ASIO_VERSION}. On Debian/Ubuntu install a newer libasio-dev; elsewhere pass "
      "-DSEEDANCE_ASIO_INCLUDE_DIR=<directory containing asio.hpp>.")
  return()
endif()

if(NOT TARGET seedance::asio)
  add_library(seedance::asio INTERFACE IMPORTED)
  # Asio only enables co_await for Clang when <experimental/coroutine> exists, which libstdc++ does not ship;
  # C++20 coroutines are what the library uses, so say so explicitly (harmless on GCC, where Asio sets it too).
  set_target_properties(seedance::asio PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${SEEDANCE_ASIO_INCLUDE_DIR}"
    INTERFACE_COMPILE_DEFINITIONS "ASIO_HAS_CO_AWAIT=1"
    INTERFACE_LINK_LIBRARIES "Threads::Threads")
endif()
set(SEEDANCE_ASIO_FOUND TRUE)
