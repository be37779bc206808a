#!/bin/sh
# Consumer of an installed seedance through pkg-config, as the CMake install (and meson's) ships it:
#   check.sh CXX PREFIX SOURCE_DIR WORK_DIR
# Finds share/pkgconfig/seedance.pc under PREFIX, then compiles, links and runs the find_package consumer's
# main.cpp with nothing but `pkg-config --cflags --libs seedance`.
set -eu
cxx="$1" prefix="$2" src="$3" work="$4"
pc="$prefix/share/pkgconfig/seedance.pc"
[ -f "$pc" ] || {
  echo "error: $pc was not installed"
  exit 1
}
rm -rf "$work"
mkdir -p "$work"
flags="$(PKG_CONFIG_PATH="$prefix/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" pkg-config --cflags --libs seedance)"
echo "pkg-config --cflags --libs seedance: $flags"
case "$flags" in
*"-I$prefix/include"* | *"-I$prefix/share/pkgconfig/../../include"*) ;;
*)
  echo "error: the include directory of $prefix is missing"
  exit 1
  ;;
esac
# shellcheck disable=SC2086 # $flags is a list of flags
"$cxx" -std=c++20 "$src/tests/packaging/find_package/main.cpp" -o "$work/pkg_config_consumer" $flags
"$work/pkg_config_consumer"
