// support/subprocess.hpp - runs a program as a child process for tests that drive the built command-line
// program and examples: arguments, environment changes, working directory, captured stdout/stderr (or a
// pseudo-terminal), a time limit, and signals (SIGINT, SIGKILL) sent mid-run.
//
// POSIX only. Everything the child needs is prepared before fork(), so the child calls only async-signal-safe
// functions (the test process may run other threads, e.g. the simulator's).
#pragma once

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace seedance::test_support {

/// How to start a child.
struct process_options {
  std::vector<std::string> args{};               ///< args[0] is the program path
  std::map<std::string, std::string> set_env{};  ///< added or replaced variables
  std::vector<std::string> unset_env{};          ///< removed variables
  std::filesystem::path cwd{};                   ///< working directory (empty: the test's)
  std::filesystem::path output_dir{};            ///< where stdout/stderr files go (required unless use_pty)
  bool use_pty = false;                          ///< stdout and stderr on one pseudo-terminal
  std::chrono::milliseconds timeout{std::chrono::minutes(3)};  ///< then SIGKILL
};

/// How a child ended.
struct process_result {
  int exit_code = -1;      ///< exit status, or -1 when killed by a signal
  int signal = 0;          ///< the signal that ended it, or 0
  bool timed_out = false;  ///< killed because the time limit passed
  std::string out{};       ///< stdout (with use_pty: everything the terminal showed)
  std::string err{};       ///< stderr (empty with use_pty)
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A running child process.
class child_process {
 public:
  /// Starts the child. Throws std::runtime_error when fork fails.
  explicit child_process(process_options o) : options_(std::move(o)) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
      const std::string entry = *e;
      const std::string name = entry.substr(0, entry.find('='));
      bool drop = options_.set_env.count(name) > 0;
      for (const auto& u : options_.unset_env) drop = drop || u == name;
      if (!drop) env_strings.push_back(entry);
    }
    for (const auto& [k, v] : options_.set_env) env_strings.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : options_.args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string cwd = options_.cwd.string();
    out_path_ = options_.output_dir / ("stdout-" + std::to_string(++counter()) + ".txt");
    err_path_ = options_.output_dir / ("stderr-" + std::to_string(counter()) + ".txt");
    const std::string out_file = out_path_.string(), err_file = err_path_.string();

    if (options_.use_pty) {
      winsize ws{};
      ws.ws_col = 100;
      ws.ws_row = 30;
      pid_ = ::forkpty(&pty_, nullptr, nullptr, &ws);
    } else {
      pid_ = ::fork();
    }
    if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid_ == 0) {
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
      if (!options_.use_pty) {
        const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = ::open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0) ::_exit(126);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
      }
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    if (options_.use_pty) reader_ = std::thread([this] { drain_pty(); });
  }

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  ~child_process() {
    if (!finished_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (reader_.joinable()) reader_.join();
    if (pty_ >= 0) ::close(pty_);
  }

  /// The child's process id.
  pid_t pid() const noexcept { return pid_; }

  /// Sends `sig` to the child.
  void send(int sig) const { ::kill(pid_, sig); }

  /// True once the child has exited (reaps it).
  bool poll() {
    if (finished_) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) record(status);
    return finished_;
  }

  /// Waits for the child to end (killing it at the time limit) and returns how it ended with its output.
  process_result wait() {
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    while (!poll()) {
      if (std::chrono::steady_clock::now() > deadline) {
        result_.timed_out = true;
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        record(status);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (reader_.joinable()) reader_.join();
    if (options_.use_pty) {
      result_.out = pty_text_;
    } else {
      result_.out = read_file(out_path_);
      result_.err = read_file(err_path_);
    }
    return result_;
  }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }

  void record(int status) {
    finished_ = true;
    if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
  }

  void drain_pty() {
    char buffer[4096];
    while (true) {
      const ssize_t n = ::read(pty_, buffer, sizeof buffer);
      if (n > 0) {
        pty_text_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      break;  // EIO once the child side is closed
    }
  }

  process_options options_;
  pid_t pid_ = -1;
  int pty_ = -1;
  bool finished_ = false;
  std::filesystem::path out_path_, err_path_;
  std::thread reader_;
  std::string pty_text_;
  process_result result_;
};

/// Runs a child to completion.
inline process_result run_process(process_options o) {
  child_process child(std::move(o));
  return child.wait();
}

/// True when the file is a structurally sound MP4: top-level boxes that tile the file exactly, the first an
/// `ftyp`, and a `moov` among them.
inline bool is_complete_mp4(const std::filesystem::path& path) {
  const std::string data = read_file(path);
  std::size_t at = 0;
  bool first = true, ftyp = false, moov = false;
  while (at + 8 <= data.size()) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(data[i])); };
    std::uint64_t size = byte(at) << 24 | byte(at + 1) << 16 | byte(at + 2) << 8 | byte(at + 3);
    const std::string type = data.substr(at + 4, 4);
    std::size_t header = 8;
    if (size == 1) {
      if (at + 16 > data.size()) return false;
      size = 0;
      for (int i = 0; i < 8; ++i) size = size << 8 | byte(at + 8 + static_cast<std::size_t>(i));
      header = 16;
    } else if (size == 0) {
      size = data.size() - at;
    }
    if (size < header || at + size > data.size()) return false;
    if (first) ftyp = type == "ftyp";
    first = false;
    moov = moov || type == "moov";
    at += size;
  }
  return at == data.size() && ftyp && moov;
}

/// The path of `name` in PATH, if any.
inline std::optional<std::filesystem::path> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const auto candidate = std::filesystem::path(dir) / name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

}  // namespace seedance::test_support
