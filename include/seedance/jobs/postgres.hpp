// seedance/jobs/postgres.hpp - the job store for fleets: one PostgreSQL database shared by many processes on many
// machines.
//
// Needs libpq (link the CMake target seedance::postgres, or the meson dependency seedance_postgres_dep).
//
// - No blocking call on the I/O thread: libpq's asynchronous API (PQconnectStart/PQconnectPoll, PQsendQuery*,
//   PQflush, PQconsumeInput, PQisBusy, PQgetResult) driven by the executor, the connection's socket (PQsocket)
//   wrapped in an asio::posix::stream_descriptor and awaited with async_wait. (libpq resolves a host *name*
//   with getaddrinfo inside PQconnectStart, which blocks: give a numeric address, e.g. 127.0.0.1, or hostaddr=.)
// - Claims: `UPDATE ... WHERE key = (SELECT ... FOR UPDATE SKIP LOCKED)` under a lease (worker id + expiry in the
//   database server's clock, renewed while the job is worked on). A worker that dies stops renewing; once its
//   lease runs out another worker claims the job and carries on from the recorded state: a `created` job is
//   waited for on its recorded task id, never created again.
// - LISTEN/NOTIFY: a trigger notifies every transition (but intent -> creating, which nobody waits on), so
//   `wait_for_change` returns as soon as any process writes the job, e.g. a webhook handler on another replica
//   recording the outcome (`find_by_task_id`, then `compare_and_set`).
// - Schema: created and migrated by the library, versioned in `seedance_schema_version`, under a transaction-level
//   advisory lock so that replicas starting together do it once. `postgres_options::schema` keeps several job
//   stores (or test runs) apart in one database.
//
// Thread safety: a store is used from one executor (or strand). It holds two connections: one for queries (run
// one at a time, in call order) and one that listens for notifications.
#pragma once

#include <seedance/detail/asio_config.hpp>

#include <seedance/error.hpp>
#include <seedance/jobs/job.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>

#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace seedance::jobs {

/// Options of `postgres_store`.
struct postgres_options {
  /// The schema the tables live in (created when missing): lower-case letters, digits and '_', starting with a
  /// letter or '_', at most 48 bytes.
  std::string schema = "seedance";
  /// `wait_for_change` also looks again after this long without a notification (a lost connection, say).
  std::chrono::milliseconds fallback_poll{std::chrono::seconds(5)};
};

namespace detail {

/// Results of one statement, freed on destruction.
class pg_result {
 public:
  explicit pg_result(PGresult* r = nullptr) noexcept : r_(r) {}
  pg_result(pg_result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  pg_result& operator=(pg_result&& o) noexcept {
    if (this != &o) {
      PQclear(r_);
      r_ = std::exchange(o.r_, nullptr);
    }
    return *this;
  }
  pg_result(const pg_result&) = delete;
  pg_result& operator=(const pg_result&) = delete;
  ~pg_result() { PQclear(r_); }

  int rows() const noexcept { return r_ ? PQntuples(r_) : 0; }
  std::string text(int row, int column) const {
    return std::string(PQgetvalue(r_, row, column), static_cast<std::size_t>(PQgetlength(r_, row, column)));
  }
  std::int64_t integer(int row, int column) const { return std::stoll(text(row, column)); }
  /// Rows the statement changed (UPDATE/INSERT/DELETE).
  std::int64_t affected() const {
    const char* n = r_ ? PQcmdTuples(r_) : "";
    return *n ? std::stoll(n) : 0;
  }

 private:
  PGresult* r_;
};

/// One libpq connection driven by an executor (see the top of this header). Statements run one at a time in call
/// order, each in a thread of execution of its own: they are not cancellable midway (that would leave the
/// connection's protocol state broken), so a cancelled caller sees its cancellation after the statement completes.
class pg_connection {
 public:
  /// Connects asynchronously. Throws error(io_error) with libpq's message on failure.
  static asio::awaitable<std::unique_ptr<pg_connection>> connect(asio::any_io_executor executor, std::string conninfo) {
    std::unique_ptr<pg_connection> c(new pg_connection(executor));
    c->conn_ = PQconnectStart(conninfo.c_str());
    if (!c->conn_) throw error(errc::io_error, "postgres: out of memory starting a connection");
    if (PQstatus(c->conn_) == CONNECTION_BAD) c->fail("connect");
    PostgresPollingStatusType poll = PGRES_POLLING_WRITING;
    for (;;) {
      if (poll == PGRES_POLLING_OK) break;
      if (poll == PGRES_POLLING_FAILED) c->fail("connect");
      // The socket may change from one poll to the next (several addresses): wrap it afresh each time.
      co_await c->wait_socket(poll == PGRES_POLLING_READING ? asio::posix::descriptor_base::wait_read
                                                            : asio::posix::descriptor_base::wait_write);
      poll = PQconnectPoll(c->conn_);
    }
    if (PQsetnonblocking(c->conn_, 1) != 0) c->fail("set non-blocking");
    PQsetNoticeProcessor(
        c->conn_, [](void*, const char*) {}, nullptr);  // notices ("already exists") are no errors
    co_return c;
  }

  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;
  ~pg_connection() {
    if (socket_) socket_->release();  // libpq owns the descriptor
    PQfinish(conn_);
  }

  /// Runs one parameterized statement (text parameters) and returns its result. Throws error(io_error) with the
  /// server's message.
  template <class... Params>
  asio::awaitable<pg_result> query(std::string sql, Params&&... params) {
    // Not a coroutine: the parameter list is built here, not inside the caller's co_await expression (GCC 12
    // rejects or double-destroys initializer lists and aggregates there).
    std::vector<std::string> values{std::string(std::forward<Params>(params))...};
    return query_list(std::move(sql), std::move(values));
  }

  /// query() with the parameters in a vector.
  asio::awaitable<pg_result> query_list(std::string sql, std::vector<std::string> params) {
    return detached_statement(run_statement(std::move(sql), std::move(params), true));
  }

  /// Runs statements without parameters (several, separated by ';', are allowed). Throws error(io_error).
  asio::awaitable<void> exec(std::string sql) { co_await detached_statement(run_statement(std::move(sql), {}, false)); }

  /// Waits until the socket is readable (cancellable), then reads what arrived. Returns the notifications
  /// (payloads) received so far. For a connection that only listens. Throws error(io_error) when the
  /// connection broke.
  asio::awaitable<std::vector<std::string>> wait_notifications() {
    co_await wait_socket(asio::posix::descriptor_base::wait_read, true);
    if (!PQconsumeInput(conn_)) fail("read");
    co_return take_notifications();
  }

  /// Cancels a pending wait_notifications (it then throws operation_aborted).
  void cancel() {
    if (socket_) {
      std::error_code ignored;
      socket_->cancel(ignored);
    }
  }

 private:
  explicit pg_connection(asio::any_io_executor executor) : executor_(std::move(executor)) {}

  /// Runs a statement as a thread of execution of its own whose completion is awaited without passing the
  /// caller's cancellation on: a statement once sent must be read to its end, or the connection is unusable.
  asio::awaitable<pg_result> detached_statement(asio::awaitable<pg_result> statement) {
    return asio::co_spawn(executor_, std::move(statement),
                          asio::bind_cancellation_slot(asio::cancellation_slot(), asio::use_awaitable));
  }

  asio::awaitable<pg_result> run_statement(std::string sql, std::vector<std::string> params, bool with_params) {
    co_await lock();
    unlock_guard unlock{this};
    if (with_params) {
      std::vector<const char*> values;
      values.reserve(params.size());
      for (const auto& p : params) values.push_back(p.c_str());
      if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0))
        fail("send");
    } else if (!PQsendQuery(conn_, sql.c_str())) {
      fail("send");
    }
    co_return co_await finish_statement();
  }

  struct unlock_guard {
    pg_connection* c;
    ~unlock_guard() { c->unlock(); }
  };

  /// Waits for the socket (not cancellable unless `cancellable`).
  asio::awaitable<void> wait_socket(asio::posix::descriptor_base::wait_type what, bool cancellable = false) {
    const int fd = PQsocket(conn_);
    if (fd < 0) fail("socket");
    if (!socket_ || socket_fd_ != fd) {
      if (socket_) socket_->release();
      socket_ = std::make_unique<asio::posix::stream_descriptor>(executor_, fd);
      socket_fd_ = fd;
    }
    std::error_code ec;
    if (cancellable)
      co_await socket_->async_wait(what, asio::redirect_error(asio::use_awaitable, ec));
    else
      co_await socket_->async_wait(
          what, asio::bind_cancellation_slot(asio::cancellation_slot(), asio::redirect_error(asio::use_awaitable, ec)));
    if (ec == asio::error::operation_aborted && cancellable) throw std::system_error(ec, "postgres: wait");
    if (ec && ec != asio::error::operation_aborted) throw error(errc::io_error, "postgres: socket: " + ec.message());
  }

  /// Flushes the statement out, then reads every result of it; returns the last one (errors thrown).
  asio::awaitable<pg_result> finish_statement() {
    for (;;) {
      const int flushed = PQflush(conn_);
      if (flushed < 0) fail("send");
      if (flushed == 0) break;
      co_await wait_socket(asio::posix::descriptor_base::wait_write);
      if (!PQconsumeInput(conn_)) fail("read");  // the server may be talking back while we write
    }
    pg_result last;
    std::string failure;
    for (;;) {
      while (PQisBusy(conn_)) {
        co_await wait_socket(asio::posix::descriptor_base::wait_read);
        if (!PQconsumeInput(conn_)) fail("read");
      }
      PGresult* r = PQgetResult(conn_);
      if (!r) break;
      const auto status = PQresultStatus(r);
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && failure.empty()) failure = PQresultErrorMessage(r);
      last = pg_result(r);
    }
    pending_notifications_ = take_notifications();
    if (!failure.empty()) {
      while (!failure.empty() && (failure.back() == '\n' || failure.back() == ' ')) failure.pop_back();
      throw error(errc::io_error, "postgres: " + failure);
    }
    co_return last;
  }

  std::vector<std::string> take_notifications() {
    std::vector<std::string> out = std::move(pending_notifications_);
    pending_notifications_.clear();
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->extra ? n->extra : "");
      PQfreemem(n);
    }
    return out;
  }

  asio::awaitable<void> lock() {
    if (!busy_) {
      busy_ = true;
      co_return;
    }
    auto waiter = std::make_shared<asio::steady_timer>(executor_, asio::steady_timer::time_point::max());
    queue_.push_back(waiter);
    std::error_code ignored;
    // Not cancellable: the turn is handed over by unlock() and must be taken (statements are short).
    co_await waiter->async_wait(
        asio::bind_cancellation_slot(asio::cancellation_slot(), asio::redirect_error(asio::use_awaitable, ignored)));
  }

  void unlock() {
    if (queue_.empty()) {
      busy_ = false;
      return;
    }
    auto next = std::move(queue_.front());
    queue_.pop_front();
    next->cancel();  // its turn (busy_ stays true)
  }

  [[noreturn]] void fail(const char* what) const {
    std::string message = conn_ ? PQerrorMessage(conn_) : "no connection";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw error(errc::io_error, std::string("postgres: ") + what + ": " + message);
  }

  asio::any_io_executor executor_;
  PGconn* conn_ = nullptr;
  std::unique_ptr<asio::posix::stream_descriptor> socket_;
  int socket_fd_ = -1;
  bool busy_ = false;
  std::deque<std::shared_ptr<asio::steady_timer>> queue_;
  std::vector<std::string> pending_notifications_;
};

/// "(extract(epoch from clock_timestamp()) * 1000)::bigint": the database server's clock, shared by the fleet.
inline constexpr std::string_view pg_now_ms = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

}  // namespace detail

/// The PostgreSQL job store (see the top of this header). Satisfies `job_store`. Create it with `open()`.
class postgres_store {
 public:
  /// The schema version this library writes.
  static constexpr std::int64_t schema_version = 1;

  /// Connects to `conninfo` (a URL "postgresql://USER@HOST:PORT/DB" or "key=value" pairs), creates or migrates
  /// the schema, and starts listening for notifications. Errors: invalid_request for a bad schema name (before
  /// any I/O); io_error with the server's message (unreachable, authentication, a schema of a newer version).
  static asio::awaitable<std::unique_ptr<postgres_store>> open(asio::any_io_executor executor, std::string conninfo,
                                                               postgres_options options = {}) {
    check_schema_name(options.schema);
    std::unique_ptr<postgres_store> s(new postgres_store(executor, options));
    s->db_ = co_await detail::pg_connection::connect(executor, conninfo);
    co_await s->migrate();
    s->listener_->connection = co_await detail::pg_connection::connect(executor, conninfo);
    co_await s->listener_->connection->exec("LISTEN \"" + s->channel() + "\"");
    asio::co_spawn(executor, listen(s->listener_), asio::detached);
    co_return s;
  }

  postgres_store(const postgres_store&) = delete;
  postgres_store& operator=(const postgres_store&) = delete;
  /// Stops listening; wakes every wait_for_change.
  ~postgres_store() {
    listener_->closed = true;
    if (listener_->connection) listener_->connection->cancel();
    for (auto& [key, timer] : listener_->waiters) timer->cancel();
  }

  /// The schema the tables are in.
  const std::string& schema() const noexcept { return options_.schema; }

  /// The job stored under `key`, or nullopt. Errors: io_error.
  asio::awaitable<std::optional<job>> get(std::string key) {
    auto r = co_await db_->query("SELECT " + columns() + " FROM " + table() + " WHERE key=$1", key);
    if (r.rows() == 0) co_return std::nullopt;
    co_return read_job(r, 0);
  }

  /// The job whose task is `task_id` (for a webhook handler on any replica: it records the task's end with
  /// compare_and_set, and the notification wakes the worker waiting on it), or nullopt. Errors: io_error.
  asio::awaitable<std::optional<job>> find_by_task_id(std::string task_id) {
    if (task_id.empty()) co_return std::nullopt;
    auto r = co_await db_->query("SELECT " + columns() + " FROM " + table() + " WHERE task_id=$1", task_id);
    if (r.rows() == 0) co_return std::nullopt;
    co_return read_job(r, 0);
  }

  /// Stores `j` (state intent, version 1) unless its key exists; returns the stored job. Errors: invalid_request
  /// for a bad key, io_error.
  asio::awaitable<job> insert_if_absent(const job& j) {
    check_key(j.key);
    const std::string key = j.key;
    co_await db_->query("INSERT INTO " + table() +
                            "(key, state, request_json, path, version, updated_ms) VALUES($1, 0, $2, $3, 1, " +
                            std::string(detail::pg_now_ms) + ") ON CONFLICT (key) DO NOTHING",
                        j.key, j.request_json, j.path);
    auto stored = co_await get(key);
    if (!stored) throw error(errc::io_error, "postgres job store: job " + key + " vanished after insert");
    co_return std::move(*stored);
  }

  /// Writes `next` iff the stored version is still `expected.version` (a move to a final state or outcome_unknown
  /// also frees the lease); the trigger notifies listeners. Errors: io_error.
  asio::awaitable<bool> compare_and_set(const job& expected, const job& next) {
    auto r = co_await db_->query(
        "UPDATE " + table() +
            " SET state=$1, task_id=$2, video_url=$3, bytes=$4, error_code=$5, error_message=$6, version=$7, "
            "lease_owner=CASE WHEN $10 THEN '' ELSE lease_owner END, "
            "lease_expires_ms=CASE WHEN $10 THEN 0 ELSE lease_expires_ms END, updated_ms=" +
            std::string(detail::pg_now_ms) + " WHERE key=$8 AND version=$9",
        std::to_string(static_cast<int>(next.state)), next.task_id, next.video_url, std::to_string(next.bytes),
        next.error_code, next.error_message, std::to_string(next.version), expected.key,
        std::to_string(expected.version), std::string(ends_work(next.state) ? "true" : "false"));
    co_return r.affected() == 1;
  }

  /// Takes the lease of `key` for `worker` when free, expired or already `worker`'s. Errors: io_error.
  asio::awaitable<std::optional<job>> claim(std::string key, std::string worker, std::chrono::milliseconds lease) {
    const std::string now(detail::pg_now_ms);
    auto r = co_await db_->query("UPDATE " + table() + " SET lease_owner=$2, lease_expires_ms=" + now +
                                     " + $3 WHERE key=$1 AND (lease_owner='' OR lease_owner=$2 OR lease_expires_ms<" +
                                     now + ") RETURNING " + columns(),
                                 key, worker, std::to_string(lease.count()));
    if (r.rows() == 0) co_return std::nullopt;
    co_return read_job(r, 0);
  }

  /// Claims the oldest job that needs work and whose lease is free or expired, skipping rows other workers are
  /// claiming this instant (FOR UPDATE SKIP LOCKED). Errors: io_error.
  asio::awaitable<std::optional<job>> claim_next(std::string worker, std::chrono::milliseconds lease) {
    const std::string now(detail::pg_now_ms);
    auto r = co_await db_->query("UPDATE " + table() + " SET lease_owner=$1, lease_expires_ms=" + now +
                                     " + $2 WHERE key=(SELECT key FROM " + table() +
                                     " WHERE state IN (0,1,2,3) AND (lease_owner='' OR lease_expires_ms<" + now +
                                     ") ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING " + columns(),
                                 worker, std::to_string(lease.count()));
    if (r.rows() == 0) co_return std::nullopt;
    co_return read_job(r, 0);
  }

  /// Extends `worker`'s lease of `key`; false when it no longer holds it. Errors: io_error.
  asio::awaitable<bool> renew(std::string key, std::string worker, std::chrono::milliseconds lease) {
    auto r = co_await db_->query("UPDATE " + table() + " SET lease_expires_ms=" + std::string(detail::pg_now_ms) +
                                     " + $3 WHERE key=$1 AND lease_owner=$2",
                                 key, worker, std::to_string(lease.count()));
    co_return r.affected() == 1;
  }

  /// Gives `worker`'s lease of `key` back. Errors: io_error.
  asio::awaitable<void> release(std::string key, std::string worker) {
    co_await db_->query("UPDATE " + table() + " SET lease_owner='', lease_expires_ms=0 WHERE key=$1 AND lease_owner=$2",
                        key, worker);
  }

  /// Every job that needs work or is outcome_unknown, oldest first. Errors: io_error.
  asio::awaitable<std::vector<job>> list_unfinished() {
    auto r =
        co_await db_->query("SELECT " + columns() + " FROM " + table() + " WHERE state IN (0,1,2,3,7) ORDER BY seq");
    std::vector<job> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_job(r, i));
    co_return out;
  }

  /// Every job, oldest first (for inspection tools). Errors: io_error.
  asio::awaitable<std::vector<job>> list_all() {
    auto r = co_await db_->query("SELECT " + columns() + " FROM " + table() + " ORDER BY seq");
    std::vector<job> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_job(r, i));
    co_return out;
  }

  /// Records what the user found at the provider for an outcome_unknown job (or a `creating` job whose lease ran
  /// out): its task id (-> created) or none (-> intent). Errors: not_found, invalid_request (another state, a
  /// live lease on a creating job, a bad task id), io_error.
  asio::awaitable<job> resolve(std::string key, std::optional<std::string> task_id) {
    auto r = co_await db_->query("SELECT " + columns() + ", lease_expires_ms >= " + std::string(detail::pg_now_ms) +
                                     " FROM " + table() + " WHERE key=$1",
                                 key);
    if (r.rows() == 0) throw error(errc::not_found, "job " + key + ": no such job in the store");
    const job current = read_job(r, 0);
    if (current.state == job_state::creating && r.text(0, column_count) == "t")
      throw error(errc::invalid_request, "job " + key + ": resolve: worker " + current.lease_owner +
                                             " is creating it right now (its lease is live)");
    const job next = resolved(current, task_id);
    if (!co_await compare_and_set(current, next))
      throw error(errc::invalid_request, "job " + key + ": resolve: the job changed meanwhile; look again");
    co_await release(key, current.lease_owner);
    auto stored = co_await get(key);
    co_return stored.value_or(next);
  }

  /// Returns when a notification says job `key` changed, or after `max_wait` (capped at the fallback poll).
  /// Cancellation: returns early (no error).
  asio::awaitable<void> wait_for_change(std::string key, std::chrono::milliseconds max_wait) {
    auto timer = std::make_shared<asio::steady_timer>(executor_, std::min(max_wait, options_.fallback_poll));
    auto listener = listener_;
    const auto it = listener->waiters.emplace(key, timer);
    std::error_code ignored;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    listener->waiters.erase(it);
  }

 private:
  /// The listening connection and the coroutines waiting for a change, shared with the listening coroutine.
  struct listen_state {
    std::unique_ptr<detail::pg_connection> connection;
    std::multimap<std::string, std::shared_ptr<asio::steady_timer>> waiters;
    bool closed = false;
  };

  postgres_store(asio::any_io_executor executor, postgres_options options)
      : executor_(std::move(executor)), options_(std::move(options)), listener_(std::make_shared<listen_state>()) {}

  static void check_schema_name(const std::string& name) {
    bool ok = !name.empty() && name.size() <= 48 && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    if (!ok)
      throw error(errc::invalid_request,
                  "schema: lower-case letters, digits and '_' only, not starting with a "
                  "digit, at most 48 bytes (got \"" +
                      seedance::detail::shorten(name) + "\")");
  }

  static asio::awaitable<void> listen(std::shared_ptr<listen_state> state) {
    while (!state->closed) {
      std::vector<std::string> keys;
      try {
        keys = co_await state->connection->wait_notifications();
      } catch (const std::exception&) {
        // Closed, or the connection broke: waiters fall back to polling (postgres_options::fallback_poll).
        co_return;
      }
      for (const auto& key : keys) {
        auto [first, last] = state->waiters.equal_range(key);
        for (auto it = first; it != last; ++it) it->second->cancel();
      }
    }
  }

  std::string table() const { return options_.schema + ".seedance_jobs"; }
  std::string channel() const { return "seedance_jobs_" + options_.schema; }

  static constexpr int column_count = 13;
  static std::string columns() {
    return "key, state, request_json, path, task_id, video_url, bytes, error_code, error_message, version, "
           "lease_owner, lease_expires_ms, updated_ms";
  }

  static job read_job(const detail::pg_result& r, int row) {
    job j;
    j.key = r.text(row, 0);
    const auto state = job_state_from_int(r.integer(row, 1));
    if (!state) throw error(errc::io_error, "postgres job store: job " + j.key + " has an unknown state number");
    j.state = *state;
    j.request_json = r.text(row, 2);
    j.path = r.text(row, 3);
    j.task_id = r.text(row, 4);
    j.video_url = r.text(row, 5);
    j.bytes = static_cast<std::uint64_t>(r.integer(row, 6));
    j.error_code = r.text(row, 7);
    j.error_message = r.text(row, 8);
    j.version = r.integer(row, 9);
    j.lease_owner = r.text(row, 10);
    j.lease_expires_ms = r.integer(row, 11);
    j.updated_ms = r.integer(row, 12);
    return j;
  }

  asio::awaitable<void> migrate() {
    const std::string& s = options_.schema;
    // Replicas starting at once: the first creates the schema, the others wait on the lock and find it done.
    co_await db_->exec("BEGIN");
    std::exception_ptr failure;
    try {
      co_await db_->exec("SELECT pg_advisory_xact_lock(hashtext('seedance_jobs." + s + "'))");
      co_await db_->exec("CREATE SCHEMA IF NOT EXISTS " + s);
      co_await db_->exec("CREATE TABLE IF NOT EXISTS " + s + ".seedance_schema_version(version integer NOT NULL)");
      auto r = co_await db_->query("SELECT coalesce(max(version), 0) FROM " + s + ".seedance_schema_version");
      const std::int64_t found = r.integer(0, 0);
      if (found > schema_version)
        throw error(errc::io_error, "postgres job store: schema " + s + " has version " + std::to_string(found) +
                                        ", newer than this library's " + std::to_string(schema_version));
      if (found < 1) {
        co_await db_->exec(
            "CREATE TABLE " + table() +
            "(key text PRIMARY KEY, state smallint NOT NULL, request_json text NOT NULL, path text NOT NULL,"
            " task_id text NOT NULL DEFAULT '', video_url text NOT NULL DEFAULT '', bytes bigint NOT NULL DEFAULT 0,"
            " error_code text NOT NULL DEFAULT '', error_message text NOT NULL DEFAULT '',"
            " version bigint NOT NULL, lease_owner text NOT NULL DEFAULT '',"
            " lease_expires_ms bigint NOT NULL DEFAULT 0, updated_ms bigint NOT NULL, seq bigserial NOT NULL);"
            "CREATE INDEX seedance_jobs_work ON " +
            table() + "(seq) WHERE state IN (0,1,2,3);" + "CREATE INDEX seedance_jobs_task ON " + table() +
            "(task_id) WHERE task_id <> '';" + "CREATE FUNCTION " + s +
            ".seedance_jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('" + channel() +
            "', NEW.key); RETURN NEW; END $$;" + "CREATE TRIGGER seedance_jobs_notify AFTER UPDATE ON " + table() +
            " FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version AND NEW.state <> 1) EXECUTE FUNCTION " + s +
            ".seedance_jobs_notify();" + "INSERT INTO " + s + ".seedance_schema_version(version) VALUES(1)");
      }
      co_await db_->exec("COMMIT");
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      try {
        co_await db_->exec("ROLLBACK");
      } catch (const std::exception&) {
      }
      std::rethrow_exception(failure);
    }
  }

  asio::any_io_executor executor_;
  postgres_options options_;
  std::unique_ptr<detail::pg_connection> db_;
  std::shared_ptr<listen_state> listener_;
};

static_assert(job_store<postgres_store>);

}  // namespace seedance::jobs
