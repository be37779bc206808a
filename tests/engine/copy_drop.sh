#!/bin/sh
# Checks <seedance/engine.hpp> the way a game or media engine uses it, with a plain compiler (no CMake):
#
#   copy_drop.sh header  CXX SOURCE_DIR WORK_DIR
#       A translation unit holding only `#include <seedance/engine.hpp>` compiles with
#       -std=c++20 -fno-exceptions -fno-rtti -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror, and the
#       headers it pulls in (-H) include no Asio, Boost or OpenSSL header.
#   copy_drop.sh example CXX SOURCE_DIR WORK_DIR
#       The README's copy-drop recipe: examples/engine_frame_loop.cpp compiled with the flags above, the
#       implementation compiled once with exceptions from a two-line .cpp, linked with -lssl -lcrypto
#       -lpthread, and run (against its embedded simulator) in WORK_DIR.
set -eu
mode="$1" cxx="$2" src="$3" work="$4"
strict="-std=c++20 -fno-exceptions -fno-rtti -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Werror"
rm -rf "$work"
mkdir -p "$work"
cd "$work"

case "$mode" in
header)
  printf '#include <seedance/engine.hpp>\n' >only_engine.cpp
  # shellcheck disable=SC2086 # $strict is a list of flags
  "$cxx" $strict -I"$src/include" -H -fsyntax-only only_engine.cpp 2>headers.txt || {
    cat headers.txt
    exit 1
  }
  if grep -Ei '/(asio|boost|openssl)(/|\.h)' headers.txt; then
    echo "error: <seedance/engine.hpp> pulls in the headers above (only the standard library is allowed)"
    exit 1
  fi
  count="$(grep -c '^\.' headers.txt || true)"
  echo "ok: <seedance/engine.hpp> compiles with $strict and includes $count headers, none of Asio, Boost or OpenSSL"
  ;;
example)
  printf '#define SEEDANCE_ENGINE_BOOST_SOURCES\n#include <seedance/engine_impl.hpp>\n' >seedance_engine.cpp
  "$cxx" -std=c++20 -I"$src/include" -c seedance_engine.cpp -o seedance_engine.o
  # shellcheck disable=SC2086
  "$cxx" $strict -I"$src/include" -c "$src/examples/engine_frame_loop.cpp" -o engine_frame_loop.o
  "$cxx" engine_frame_loop.o seedance_engine.o -o engine_frame_loop -lssl -lcrypto -lpthread
  env -u SEEDANCE_BASE_URL ./engine_frame_loop 2
  for clip in engine_clip-1.mp4 engine_clip-2.mp4; do
    [ -s "$clip" ] || {
      echo "error: $clip was not written"
      exit 1
    }
  done
  echo "ok: the copy-drop build of engine_frame_loop ran and saved its clips"
  ;;
*)
  echo "usage: copy_drop.sh header|example CXX SOURCE_DIR WORK_DIR" >&2
  exit 2
  ;;
esac
