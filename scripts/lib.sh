# shellcheck shell=bash
# Helpers shared by scripts/test and scripts/format. Source it from the repository root.

# Debian packages the build, the tests and every stage of scripts/test need.
seedance_required_packages=(
  cmake ninja-build meson pkg-config g++ clang clang-format libclang-rt-14-dev
  libasio-dev libssl-dev openssl libboost-json1.81-dev libboost-url1.81-dev
  googletest libgtest-dev libbenchmark-dev
  python3-botocore # the reference SigV4 signer of the upload tests (tests/support/sigv4_reference.py)
  libsqlite3-dev libpq-dev postgresql
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

# --- A throwaway PostgreSQL cluster for the job store tests ----------------------------------------------------
# seedance_postgres_start: initdb + pg_ctl in a temporary directory, listening on 127.0.0.1 only (no Unix socket
# in a system directory, no system service), as an unprivileged user when running as root (initdb refuses
# root). Exports SEEDANCE_TEST_POSTGRES_URL; seedance_postgres_stop stops the server and removes the directory.
# Binaries: $SEEDANCE_PG_BIN, else /usr/lib/postgresql/15/bin.
seedance_postgres_start() {
  local bin="${SEEDANCE_PG_BIN:-/usr/lib/postgresql/15/bin}"
  if [[ ! -x "$bin/initdb" ]]; then
    echo "error: no PostgreSQL binaries in $bin (Debian package postgresql)" >&2
    return 1
  fi
  seedance_pg_dir="$(mktemp -d /tmp/seedance-pg.XXXXXX)"
  local as=()
  if [[ "$(id -u)" -eq 0 ]]; then
    local user=postgres
    id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
    chown "$user" "$seedance_pg_dir"
    as=(runuser -u "$user" --)
  fi
  seedance_pg_as=("${as[@]}")
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  "${as[@]}" "$bin/initdb" -D "$seedance_pg_dir/data" -U seedance --auth=trust -E UTF8 --no-instructions >"$seedance_pg_dir/initdb.log" 2>&1 ||
    { cat "$seedance_pg_dir/initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$seedance_pg_dir/data" -l "$seedance_pg_dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $seedance_pg_dir -c fsync=off -c max_connections=200" start >/dev/null ||
    { cat "$seedance_pg_dir/server.log" >&2; return 1; }
  seedance_pg_bin="$bin"
  export SEEDANCE_TEST_POSTGRES_URL="postgresql://seedance@127.0.0.1:$port/postgres"
  echo "PostgreSQL test cluster: $SEEDANCE_TEST_POSTGRES_URL ($seedance_pg_dir)"
}

seedance_postgres_stop() {
  [[ -n "${seedance_pg_dir:-}" ]] || return 0
  "${seedance_pg_as[@]}" "$seedance_pg_bin/pg_ctl" -D "$seedance_pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$seedance_pg_dir"
  seedance_pg_dir=""
  unset SEEDANCE_TEST_POSTGRES_URL
}
