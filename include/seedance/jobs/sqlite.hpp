// seedance/jobs/sqlite.hpp - the embedded job store: one SQLite file, safe for several processes on one machine.
//
// Needs SQLite 3 (link the CMake target seedance::sqlite, or the meson dependency seedance_sqlite_dep).
//
// The file is opened in WAL mode (readers never block the writer) with a busy timeout, so several processes
// (and several stores in one process) can share it; every write is a single statement or an IMMEDIATE
// transaction, committed (synchronous=FULL) before the operation completes. Lease times come from this
// machine's clock, which all processes sharing the file have in common.
//
// Blocking: SQLite calls are synchronous and run on the caller's thread. They are short and local (a few
// indexed rows in a file on this machine, typically well under a millisecond); the only long block is the busy
// timeout when another process holds the write lock, bounded by `sqlite_options::busy_timeout`. A service that
// cannot afford that on its I/O thread should use the PostgreSQL store.
//
// Thread safety: one store object is not thread-safe (use it from one executor or strand); open one store per
// thread or process for parallel use.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <seedance/error.hpp>
#include <seedance/jobs/job.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance::jobs {

/// Options of `sqlite_store`.
struct sqlite_options {
  /// How long a statement waits for another process's write lock before failing with io_error.
  std::chrono::milliseconds busy_timeout{std::chrono::seconds(5)};
  /// SQLite has no notifications: `wait_for_change` looks at the file again after at most this long.
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds(250)};
};

namespace detail {

/// One prepared statement, finalized on destruction.
class sqlite_statement {
 public:
  sqlite_statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;
  ~sqlite_statement() { sqlite3_finalize(stmt_); }

  sqlite_statement& bind(int index, std::string_view text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT), "bind");
    return *this;
  }
  sqlite_statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value), "bind");
    return *this;
  }
  /// Steps once: true when a row is available, false when done. Throws error(io_error) on failure.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
  }
  std::string text(int column) const {
    const auto* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  void check(int rc, const char* what) {
    if (rc != SQLITE_OK) fail(what);
  }
  [[noreturn]] void fail(const char* what) const {
    throw error(errc::io_error, std::string("sqlite job store: ") + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

inline std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace detail

/// The SQLite job store (see the top of this header). Satisfies `job_store`.
class sqlite_store {
 public:
  /// The columns every query selects, in `read_job` order.
  static constexpr std::string_view columns =
      "key, state, request_json, path, task_id, video_url, bytes, error_code, error_message, version, lease_owner, "
      "lease_expires_ms, updated_ms";

  /// Opens (creating when needed) the store file at `path` and its schema, on `executor`. Throws error(io_error)
  /// naming the file when it cannot be opened or is not a job store of a known schema version.
  sqlite_store(asio::any_io_executor executor, const std::filesystem::path& path, sqlite_options options = {})
      : executor_(std::move(executor)), options_(options) {
    const int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw error(errc::io_error, "sqlite job store: cannot open " + path.string() + ": " + why);
    }
    sqlite3_busy_timeout(db_, static_cast<int>(options_.busy_timeout.count()));
    try {
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=FULL");
      migrate();
    } catch (const error& e) {
      sqlite3_close(db_);
      throw error(errc::io_error, "sqlite job store " + path.string() + ": " + e.text());
    }
  }
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;
  ~sqlite_store() { sqlite3_close(db_); }

  /// The executor the store's timers run on.
  asio::any_io_executor get_executor() const noexcept { return executor_; }

  /// The schema version this library writes.
  static constexpr std::int64_t schema_version = 1;

  /// The job stored under `key`, or nullopt. Errors: io_error.
  asio::awaitable<std::optional<job>> get(std::string key) { co_return get_now(key); }

  /// The job whose task is `task_id` (for a webhook handler that records a task's end), or nullopt. Errors:
  /// io_error.
  asio::awaitable<std::optional<job>> find_by_task_id(std::string task_id) {
    if (task_id.empty()) co_return std::nullopt;
    detail::sqlite_statement select(db_, "SELECT " + std::string(columns) + " FROM seedance_jobs WHERE task_id=?");
    select.bind(1, task_id);
    if (!select.step()) co_return std::nullopt;
    co_return read_job(select);
  }

  /// Stores `j` as a new job (state intent, version 1) unless its key exists; returns the stored job either way.
  /// Errors: invalid_request for a bad key, io_error.
  asio::awaitable<job> insert_if_absent(const job& j) {
    check_key(j.key);
    detail::sqlite_statement insert(db_,
                                    "INSERT OR IGNORE INTO seedance_jobs(key, state, request_json, path, version, "
                                    "created_ms, updated_ms) VALUES(?, 0, ?, ?, 1, ?, ?)");
    const auto now = detail::unix_ms_now();
    insert.bind(1, j.key).bind(2, j.request_json).bind(3, j.path).bind(4, now).bind(5, now);
    insert.step();
    auto stored = get_now(j.key);
    if (!stored) throw error(errc::io_error, "sqlite job store: job " + j.key + " vanished after insert");
    co_return std::move(*stored);
  }

  /// Writes `next` iff the stored version is still `expected.version` (a move to a final state or outcome_unknown
  /// also frees the lease). Errors: io_error.
  asio::awaitable<bool> compare_and_set(const job& expected, const job& next) {
    detail::sqlite_statement update(db_,
                                    "UPDATE seedance_jobs SET state=?, task_id=?, video_url=?, bytes=?, error_code=?, "
                                    "error_message=?, version=?, updated_ms=?, lease_owner=CASE WHEN ? THEN '' ELSE "
                                    "lease_owner END, lease_expires_ms=CASE WHEN ? THEN 0 ELSE lease_expires_ms END "
                                    "WHERE key=? AND version=?");
    update.bind(1, static_cast<std::int64_t>(next.state))
        .bind(2, next.task_id)
        .bind(3, next.video_url)
        .bind(4, static_cast<std::int64_t>(next.bytes))
        .bind(5, next.error_code)
        .bind(6, next.error_message)
        .bind(7, next.version)
        .bind(8, detail::unix_ms_now())
        .bind(9, std::int64_t{ends_work(next.state)})
        .bind(10, std::int64_t{ends_work(next.state)})
        .bind(11, expected.key)
        .bind(12, expected.version);
    update.step();
    co_return sqlite3_changes(db_) == 1;
  }

  /// Takes the lease of `key` for `worker` when free, expired or already `worker`'s. Errors: io_error.
  asio::awaitable<std::optional<job>> claim(std::string key, std::string worker, std::chrono::milliseconds lease) {
    const auto now = detail::unix_ms_now();
    detail::sqlite_statement update(db_,
                                    "UPDATE seedance_jobs SET lease_owner=?, lease_expires_ms=? WHERE key=? AND "
                                    "(lease_owner='' OR lease_owner=? OR lease_expires_ms<?)");
    update.bind(1, worker).bind(2, now + lease.count()).bind(3, key).bind(4, worker).bind(5, now);
    update.step();
    if (sqlite3_changes(db_) != 1) co_return std::nullopt;
    co_return get_now(key);
  }

  /// Claims the oldest job that needs work and whose lease is free or expired. Errors: io_error.
  asio::awaitable<std::optional<job>> claim_next(std::string worker, std::chrono::milliseconds lease) {
    const auto now = detail::unix_ms_now();
    // RETURNING makes pick-and-claim one statement, atomic under SQLite's single writer.
    detail::sqlite_statement update(
        db_,
        "UPDATE seedance_jobs SET lease_owner=?, lease_expires_ms=? WHERE rowid=(SELECT rowid FROM "
        "seedance_jobs WHERE state IN (0,1,2,3) AND (lease_owner='' OR lease_expires_ms<?) ORDER BY rowid "
        "LIMIT 1) RETURNING key");
    update.bind(1, worker).bind(2, now + lease.count()).bind(3, now);
    if (!update.step()) co_return std::nullopt;
    const std::string key = update.text(0);
    while (update.step()) {
    }
    co_return get_now(key);
  }

  /// Extends `worker`'s lease of `key`; false when it no longer holds it. Errors: io_error.
  asio::awaitable<bool> renew(std::string key, std::string worker, std::chrono::milliseconds lease) {
    detail::sqlite_statement update(db_, "UPDATE seedance_jobs SET lease_expires_ms=? WHERE key=? AND lease_owner=?");
    update.bind(1, detail::unix_ms_now() + lease.count()).bind(2, key).bind(3, worker);
    update.step();
    co_return sqlite3_changes(db_) == 1;
  }

  /// Gives `worker`'s lease of `key` back. Errors: io_error.
  asio::awaitable<void> release(std::string key, std::string worker) {
    detail::sqlite_statement update(db_,
                                    "UPDATE seedance_jobs SET lease_owner='', lease_expires_ms=0 WHERE key=? AND "
                                    "lease_owner=?");
    update.bind(1, key).bind(2, worker);
    update.step();
    co_return;
  }

  /// Every job that needs work or is outcome_unknown, oldest first. Errors: io_error.
  asio::awaitable<std::vector<job>> list_unfinished() {
    detail::sqlite_statement select(
        db_, "SELECT " + std::string(columns) + " FROM seedance_jobs WHERE state IN (0,1,2,3,7) ORDER BY rowid");
    std::vector<job> out;
    while (select.step()) out.push_back(read_job(select));
    co_return out;
  }

  /// Every job, oldest first (for inspection tools). Errors: io_error.
  asio::awaitable<std::vector<job>> list_all() {
    detail::sqlite_statement select(db_, "SELECT " + std::string(columns) + " FROM seedance_jobs ORDER BY rowid");
    std::vector<job> out;
    while (select.step()) out.push_back(read_job(select));
    co_return out;
  }

  /// Records what the user found at the provider for an outcome_unknown job (or a `creating` job whose lease ran
  /// out): its task id (-> created) or none (nullopt -> intent). Errors: not_found, invalid_request (another
  /// state, a live lease on a creating job, a bad task id), io_error.
  asio::awaitable<job> resolve(std::string key, std::optional<std::string> task_id) {
    auto current = get_now(key);
    if (!current) throw error(errc::not_found, "job " + key + ": no such job in the store");
    if (current->state == job_state::creating && current->lease_expires_ms >= detail::unix_ms_now())
      throw error(errc::invalid_request, "job " + key + ": resolve: worker " + current->lease_owner +
                                             " is creating it right now (its lease is live)");
    job next = resolved(*current, task_id);
    if (!co_await compare_and_set(*current, next))
      throw error(errc::invalid_request, "job " + key + ": resolve: the job changed meanwhile; look again");
    co_await release(key, current->lease_owner);
    co_return get_now(key).value_or(next);
  }

  /// Returns after `max_wait` or the store's poll interval, whichever is shorter (SQLite has no notifications).
  /// Cancellation: returns early (no error).
  asio::awaitable<void> wait_for_change(std::string, std::chrono::milliseconds max_wait) {
    asio::steady_timer timer(executor_, std::min(max_wait, options_.poll_interval));
    std::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }

 private:
  void exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string why = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      throw error(errc::io_error, std::string("sqlite: ") + why);
    }
  }

  void migrate() {
    // IMMEDIATE: two processes opening a new file at once must not both create the schema.
    exec("BEGIN IMMEDIATE");
    try {
      exec("CREATE TABLE IF NOT EXISTS seedance_schema_version(version INTEGER NOT NULL)");
      detail::sqlite_statement read(db_, "SELECT max(version) FROM seedance_schema_version");
      read.step();
      const std::int64_t found = read.integer(0);
      if (found > schema_version)
        throw error(errc::io_error, "schema version " + std::to_string(found) + " is newer than this library's (" +
                                        std::to_string(schema_version) + ")");
      if (found < 1) {
        exec(
            "CREATE TABLE seedance_jobs("
            " key TEXT PRIMARY KEY NOT NULL, state INTEGER NOT NULL, request_json TEXT NOT NULL,"
            " path TEXT NOT NULL, task_id TEXT NOT NULL DEFAULT '', video_url TEXT NOT NULL DEFAULT '',"
            " bytes INTEGER NOT NULL DEFAULT 0, error_code TEXT NOT NULL DEFAULT '',"
            " error_message TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL,"
            " lease_owner TEXT NOT NULL DEFAULT '', lease_expires_ms INTEGER NOT NULL DEFAULT 0,"
            " created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL)");
        exec("CREATE INDEX seedance_jobs_state ON seedance_jobs(state)");
        exec("CREATE INDEX seedance_jobs_task ON seedance_jobs(task_id) WHERE task_id<>''");
        exec("INSERT INTO seedance_schema_version(version) VALUES(1)");
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::optional<job> get_now(const std::string& key) {
    detail::sqlite_statement select(db_, "SELECT " + std::string(columns) + " FROM seedance_jobs WHERE key=?");
    select.bind(1, key);
    if (!select.step()) return std::nullopt;
    return read_job(select);
  }

  static job read_job(const detail::sqlite_statement& s) {
    job j;
    j.key = s.text(0);
    const auto state = job_state_from_int(s.integer(1));
    if (!state) throw error(errc::io_error, "sqlite job store: job " + j.key + " has an unknown state number");
    j.state = *state;
    j.request_json = s.text(2);
    j.path = s.text(3);
    j.task_id = s.text(4);
    j.video_url = s.text(5);
    j.bytes = static_cast<std::uint64_t>(s.integer(6));
    j.error_code = s.text(7);
    j.error_message = s.text(8);
    j.version = s.integer(9);
    j.lease_owner = s.text(10);
    j.lease_expires_ms = s.integer(11);
    j.updated_ms = s.integer(12);
    return j;
  }

  asio::any_io_executor executor_;
  sqlite_options options_;
  sqlite3* db_ = nullptr;
};

static_assert(job_store<sqlite_store>);

}  // namespace seedance::jobs
