// Consumer of the installed optional job stores: opens a SQLite store in a temporary file and names the
// PostgreSQL store (built and linked only; the packaging test runs the core consumer).
#include <seedance/jobs/postgres.hpp>
#include <seedance/jobs/sqlite.hpp>

#include <asio/io_context.hpp>

#include <filesystem>
#include <iostream>

int main() {
  asio::io_context io;
  const auto file = std::filesystem::temp_directory_path() / "seedance-package-jobs.db";
  { seedance::jobs::sqlite_store store(io.get_executor(), file); }
  std::filesystem::remove(file);
  std::cout << "job stores: sqlite schema " << seedance::jobs::sqlite_store::schema_version << ", postgres schema "
            << seedance::jobs::postgres_store::schema_version << "\n";
  return 0;
}
