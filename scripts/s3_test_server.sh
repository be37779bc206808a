# shellcheck shell=bash
# The S3-compatible test server (s3rver, from npm) on 127.0.0.1 with HTTPS, for the upload tests and the
# upload benchmark. Source it from the repository root after scripts/lib.sh.
#
#   seedance_s3_server_install          npm ci of scripts/npm (pinned by its package-lock.json) into build/npm
#   seedance_s3_server_start <folder> [--no-moto]
#                                       makes a CA and a 127.0.0.1 certificate in <folder>, starts s3rver with
#                                       the bucket seedance-test, waits until it answers, and exports
#                                       SEEDANCE_TEST_S3_ENDPOINT, SEEDANCE_TEST_S3_CA_FILE, SEEDANCE_TEST_S3_BUCKET,
#                                       SEEDANCE_TEST_S3_ACCESS_KEY_ID and SEEDANCE_TEST_S3_SECRET_ACCESS_KEY
#   seedance_s3_server_stop             stops the servers started here
#
# s3rver (installable on any Debian machine) stores and serves objects, presigned GETs included, and checks
# the form of the SigV4 authorization but not the signature itself. So when Python's moto and boto3 are
# present (they are not Debian packages), a moto server is started beside it as a second check: it verifies
# every header-form signature with botocore. Its variables are SEEDANCE_TEST_MOTO_* (same names); without it
# those tests skip.

seedance_s3_npm_dir="$PWD/build/npm"
seedance_s3_server_pid=""
seedance_moto_server_pid=""

# Node.js and npm: Debian's nodejs and npm packages when the commands are missing (installed as root).
seedance_ensure_node() {
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    return 0
  fi
  local seedance_required_packages=(nodejs npm)
  seedance_ensure_packages
}

seedance_s3_server_install() {
  local bin="$seedance_s3_npm_dir/node_modules/.bin/s3rver"
  if [[ -x "$bin" && "$seedance_s3_npm_dir/package-lock.json" -nt scripts/npm/package-lock.json ]]; then
    return 0
  fi
  seedance_ensure_node
  mkdir -p "$seedance_s3_npm_dir"
  cp scripts/npm/package.json scripts/npm/package-lock.json "$seedance_s3_npm_dir/"
  echo "Installing s3rver into build/npm (npm ci)"
  (cd "$seedance_s3_npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
}

seedance_s3_server_start() {
  local folder="$1"
  seedance_s3_server_install
  mkdir -p "$folder/data"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=seedance S3 test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$folder/ca.key" -out "$folder/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$folder/server.key" -out "$folder/server.csr" 2>/dev/null
  openssl x509 -req -in "$folder/server.csr" -CA "$folder/ca.pem" -CAkey "$folder/ca.key" -CAcreateserial -days 2 \
    -extfile <(printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n') \
    -out "$folder/server.pem" 2>/dev/null

  local bucket=seedance-test
  # Port 0: the kernel picks a free port; s3rver prints it.
  "$seedance_s3_npm_dir/node_modules/.bin/s3rver" --directory "$folder/data" --address 127.0.0.1 --port 0 \
    --key "$folder/server.key" --cert "$folder/server.pem" --no-vhost-buckets --configure-bucket "$bucket" \
    >"$folder/s3rver.log" 2>&1 &
  seedance_s3_server_pid=$!
  local port="" tries
  for ((tries = 0; tries < 200; tries++)); do
    port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$folder/s3rver.log" 2>/dev/null | head -n 1 || true)"
    [[ -n "$port" ]] && break
    if ! kill -0 "$seedance_s3_server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    echo "error: s3rver did not start; its log:" >&2
    sed 's/^/  /' "$folder/s3rver.log" >&2
    seedance_s3_server_stop
    return 1
  fi
  export SEEDANCE_TEST_S3_ENDPOINT="https://127.0.0.1:$port"
  export SEEDANCE_TEST_S3_CA_FILE="$folder/ca.pem"
  export SEEDANCE_TEST_S3_BUCKET="$bucket"
  export SEEDANCE_TEST_S3_ACCESS_KEY_ID=S3RVER
  export SEEDANCE_TEST_S3_SECRET_ACCESS_KEY=S3RVER
  echo "s3rver (pid $seedance_s3_server_pid) serves bucket $bucket at $SEEDANCE_TEST_S3_ENDPOINT"
  [[ "${2:-}" == --no-moto ]] || seedance_moto_server_start "$folder"
}

# The optional second server (moto with signature checking); a note, not a failure, when it cannot start.
seedance_moto_server_start() {
  local folder="$1"
  if ! python3 -c 'import moto.server, boto3' >/dev/null 2>&1; then
    echo "note: Python moto/boto3 not installed: the moto signature checks will skip"
    return 0
  fi
  INITIAL_NO_AUTH_ACTION_COUNT=4 python3 -m moto.server --host 127.0.0.1 --port 0 \
    --ssl-cert "$folder/server.pem" --ssl-key "$folder/server.key" >"$folder/moto.log" 2>&1 &
  seedance_moto_server_pid=$!
  local port="" tries keys
  for ((tries = 0; tries < 300; tries++)); do
    port="$(sed -n 's|.*Running on https://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$folder/moto.log" 2>/dev/null | head -n 1 || true)"
    [[ -n "$port" ]] && break
    kill -0 "$seedance_moto_server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$port" ]] || ! keys="$(python3 scripts/moto_setup.py "https://127.0.0.1:$port" "$folder/ca.pem" \
    seedance-test 2>>"$folder/moto.log")"; then
    echo "note: moto did not start (log: $folder/moto.log); the moto signature checks will skip"
    kill "$seedance_moto_server_pid" 2>/dev/null || true
    seedance_moto_server_pid=""
    return 0
  fi
  export SEEDANCE_TEST_MOTO_ENDPOINT="https://127.0.0.1:$port"
  export SEEDANCE_TEST_MOTO_CA_FILE="$folder/ca.pem"
  export SEEDANCE_TEST_MOTO_BUCKET=seedance-test
  export SEEDANCE_TEST_MOTO_ACCESS_KEY_ID="${keys%% *}"
  export SEEDANCE_TEST_MOTO_SECRET_ACCESS_KEY="${keys#* }"
  echo "moto (pid $seedance_moto_server_pid) checks signatures at $SEEDANCE_TEST_MOTO_ENDPOINT"
}

seedance_s3_server_stop() {
  local pid
  for pid in "$seedance_s3_server_pid" "$seedance_moto_server_pid"; do
    [[ -n "$pid" ]] || continue
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  seedance_s3_server_pid=""
  seedance_moto_server_pid=""
  return 0
}
