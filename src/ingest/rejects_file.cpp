#include "ingest/rejects_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace reelstat::ingest {
namespace {

constexpr std::string_view kHeader = "line,reason,detail,record\n";

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    out.append(text.substr(start, i + 1 - start));
    out += '"';
    start = i + 1;
  }
  out.append(text.substr(start));
  out += '"';
}

}  // namespace

RejectsFile::RejectsFile(const std::filesystem::path& path, uint64_t max_bytes)
    : path_(path), max_bytes_(max_bytes) {
  file_ = std::fopen(path.c_str(), "wbx");
  if (file_ == nullptr)
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  put(kHeader);
}

RejectsFile::~RejectsFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void RejectsFile::fail(int err) {
  std::fclose(file_);
  file_ = nullptr;
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);  // a partial rejects file would mislead, and holds space
  throw std::runtime_error("cannot write " + path_.string() + ": " +
                           (err ? std::strerror(err) : "write error"));
}

void RejectsFile::put(std::string_view bytes) {
  errno = 0;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) fail(errno);
  bytes_ += bytes.size();
}

void RejectsFile::write(uint64_t line, std::string_view reason, std::string_view detail,
                        std::string_view raw) {
  if (file_ == nullptr) throw std::logic_error("RejectsFile::write after close");
  line_.clear();
  fmt::format_to(std::back_inserter(line_), "{},{},", line, reason);
  append_quoted(line_, detail);
  line_ += ',';
  append_quoted(line_, raw);
  line_ += '\n';
  if (bytes_ + line_.size() > max_bytes_) {
    ++not_written_;
    return;
  }
  put(line_);
}

void RejectsFile::close() {
  if (file_ == nullptr) return;
  errno = 0;
  if (std::fflush(file_) != 0 || std::ferror(file_) != 0) fail(errno);
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fclose(f) != 0) {
    const int err = errno;
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
    throw std::runtime_error("cannot write " + path_.string() + ": " + std::strerror(err));
  }
}

}  // namespace reelstat::ingest
