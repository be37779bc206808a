# shellcheck shell=bash
# Helpers shared by scripts/test and scripts/format. Source it from the repository root.

# Debian packages the build, the tests and every stage of scripts/test need.
seedance_required_packages=(
  cmake ninja-build meson pkg-config g++ clang clang-format libclang-rt-14-dev
  libasio-dev libssl-dev openssl libboost-json1.81-dev libboost-url1.81-dev
  googletest libgtest-dev libbenchmark-dev
  python3-botocore # the reference SigV4 signer of the upload tests (tests/support/sigv4_reference.py)
)

# Folders whose C++ sources are formatted and format-checked.
seedance_source_dirs=(include src tests examples benchmarks)

# Prints every C and C++ source under seedance_source_dirs, NUL-separated and sorted (fuzz corpora excluded).
seedance_source_files() {
  local dirs=() dir
  for dir in "${seedance_source_dirs[@]}"; do
    [[ -d "$dir" ]] && dirs+=("$dir")
  done
  ((${#dirs[@]})) || return 0
  find "${dirs[@]}" -path tests/fuzz/corpus -prune -o -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.c' -o -name '*.h' \) -print0 |
    sort -z
}

# Installs missing packages when running as root (CI); otherwise prints the command to run and fails.
seedance_ensure_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "note: not a Debian-based system; make sure these are installed: ${seedance_required_packages[*]}"
    return 0
  fi
  local missing=() package
  for package in "${seedance_required_packages[@]}"; do
    if [[ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null)" != "installed" ]]; then
      missing+=("$package")
    fi
  done
  ((${#missing[@]})) || return 0

  local install=(apt-get install -y --no-install-recommends "${missing[@]}")
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo ${install[*]}" >&2
    return 1
  fi
  echo "Installing missing Debian packages: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive "${install[@]}"
}

# seedance_format_duration <seconds> -> m:ss
seedance_format_duration() {
  printf '%d:%02d' $(($1 / 60)) $(($1 % 60))
}
