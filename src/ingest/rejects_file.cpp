#include "ingest/rejects_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace reelstat::ingest {

RejectsFile::RejectsFile(const std::filesystem::path& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "wbx");
  if (file_ == nullptr)
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  std::fputs("line,reason,detail,record\n", file_);
}

RejectsFile::~RejectsFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void RejectsFile::write_quoted(std::string_view text) {
  std::fputc('"', file_);
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    std::fwrite(text.data() + start, 1, i + 1 - start, file_);
    std::fputc('"', file_);
    start = i + 1;
  }
  std::fwrite(text.data() + start, 1, text.size() - start, file_);
  std::fputc('"', file_);
}

void RejectsFile::write(uint64_t line, std::string_view reason, std::string_view detail,
                        std::string_view raw) {
  std::fprintf(file_, "%llu,%.*s,", static_cast<unsigned long long>(line), static_cast<int>(reason.size()),
               reason.data());
  write_quoted(detail);
  std::fputc(',', file_);
  write_quoted(raw);
  std::fputc('\n', file_);
}

void RejectsFile::close() {
  if (file_ == nullptr) return;
  bool failed = std::ferror(file_) != 0;
  failed |= std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed) throw std::runtime_error("cannot write " + path_.string());
}

}  // namespace reelstat::ingest
