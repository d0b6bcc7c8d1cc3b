#pragma once
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "csv/memory_source.hpp"

extern char** environ;

namespace reelstat::testing {

using StringSource = csv::MemorySource;

// A fresh directory under /tmp, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "reelstat-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline std::filesystem::path sample_csv() {
  return std::filesystem::path(REELSTAT_TEST_DATA) / "movies_metadata.sample.csv";
}

struct CommandResult {
  int exit_code;
  std::string out;  // stdout
};

// Runs a shell command and collects its stdout (add 2>&1 for stderr too).
inline CommandResult run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

// Runs the reelstat binary with `args` (already shell-quoted where needed); stderr goes to the
// test log.
inline CommandResult run_reelstat(const std::string& args) {
  return run_command(std::string(REELSTAT_BINARY) + " " + args);
}

// Starts PROGRAM ARGS (PROGRAM is a path, not looked up) with stdout and stderr sent to files;
// returns its pid.
inline pid_t spawn_process(const std::string& program, const std::vector<std::string>& args,
                           const std::filesystem::path& stdout_path,
                           const std::filesystem::path& stderr_path) {
  std::vector<std::string> all = {program};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  return pid;
}

// Starts `reelstat ARGS` with stdout and stderr sent to files; returns its pid.
inline pid_t spawn_reelstat(const std::vector<std::string>& args, const std::filesystem::path& stdout_path,
                            const std::filesystem::path& stderr_path) {
  return spawn_process(REELSTAT_BINARY, args, stdout_path, stderr_path);
}

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The header of movies_metadata.csv, and a record builder for hand-made inputs.
inline const std::string kHeader =
    "adult,belongs_to_collection,budget,genres,homepage,id,imdb_id,original_language,original_title,overview,"
    "popularity,poster_path,production_companies,production_countries,release_date,revenue,runtime,"
    "spoken_languages,status,tagline,title,video,vote_average,vote_count\n";

struct Row {
  std::string id = "1", title = "A Film", release_date = "2000-01-01", status = "Released", budget = "100",
              revenue = "300", popularity = "1.5", genres = "[{'id': 18, 'name': 'Drama'}]",
              companies = "[{'name': 'Studio One', 'id': 1}]";
};

inline std::string csv_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One record in the 24-column layout of the real file, fields quoted as pandas writes them.
inline std::string record(const Row& r) {
  return "False,," + r.budget + "," + csv_quote(r.genres) + ",," + r.id + ",tt0000001,en," +
         csv_quote(r.title) + ",An overview," + r.popularity + ",/p.jpg," + csv_quote(r.companies) +
         ",\"[]\"," + r.release_date + "," + r.revenue + ",90.0,\"[]\"," + r.status + ",," +
         csv_quote(r.title) + ",False,7.0,10\n";
}

}  // namespace reelstat::testing
