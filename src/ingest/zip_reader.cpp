#include "ingest/zip_reader.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>
#include <vector>

#include "ingest/forward_cursor.hpp"
#include "ingest/zip_records.hpp"

namespace reelstat::ingest {
namespace {

constexpr const char* kTruncated = "the file is truncated: it ends before the zip archive does";

[[noreturn]] void refuse(const std::string& why) {
  throw std::runtime_error(why);
}

std::string_view base_name(std::string_view name) {
  const size_t slash = name.find_last_of('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// The fields both descriptions of a member give, compared; "" when they agree.
std::string first_difference(const zip::Entry& local, const zip::Entry& central) {
  if (local.name != central.name) return "name (" + central.name + " in the directory)";
  if (local.method != central.method) return "compression method";
  if (local.crc != central.crc) return "CRC-32";
  if (local.compressed != central.compressed) return "compressed size";
  if (local.uncompressed != central.uncompressed) return "size";
  return "";
}

// A raw deflate decoder, ended by its destructor (also when the walker's constructor throws).
struct Inflater {
  Inflater() {
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw std::bad_alloc();
  }
  ~Inflater() { inflateEnd(&z); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream z{};
};

}  // namespace

class ZipMemberReader::Walker {
 public:
  Walker(Pull pull, std::string_view member_base_name)
      : base_(member_base_name), in_(std::move(pull), kTruncated) {
    find_member();
  }

  const std::string& member() const { return member_.name; }

  size_t read(char* dst, size_t capacity) {
    if (member_done_) return 0;
    const size_t n = member_.method == zip::kMethodStored ? read_stored(dst, capacity)
                                                          : inflate_some(dst, capacity, member_);
    if (n > 0) {
      crc_ = static_cast<uint32_t>(crc32(crc_, reinterpret_cast<const Bytef*>(dst), static_cast<uInt>(n)));
      produced_ += n;
      return n;
    }
    end_member();
    return 0;
  }

  void finish() {
    if (!member_done_) throw std::logic_error("ZipMemberReader::finish before the member's end");
    walk_local_headers();
    const zip::Directory end = read_directory();
    check_end_record(end);
    match_directory();
    if (!second_members_.empty())
      refuse("it holds more than one " + std::string(base_) + " (" + member_.name + second_members_ +
             "); refusing to guess which is the data set");
  }

 private:
  bool is_member(const std::string& name) const { return base_name(name) == base_; }

  // Local headers up to the member's; anything else before it is named in the error.
  void find_member() {
    for (;;) {
      const uint64_t at = in_.offset();
      const uint32_t signature = zip::next_signature(in_);
      if (signature == zip::kLocalHeader) {
        zip::Entry entry = zip::read_local_header(in_, at);
        if (is_member(entry.name)) return start_member(std::move(entry));
        skip_data(entry);
        continue;
      }
      if (signature == zip::kEndRecord && locals_.empty())
        refuse("no " + std::string(base_) + " inside it (the zip archive is empty)");
      if (signature == zip::kCentralHeader || signature == zip::kEndRecord)
        refuse("no " + std::string(base_) + " inside it (it holds: " + names_seen() + ")");
      unexpected(signature, at);
    }
  }

  std::string names_seen() const {
    std::string seen;
    for (const zip::Entry& e : locals_)
      if (seen.size() < 400) seen += (seen.empty() ? "" : ", ") + e.name;
    return seen;
  }

  [[noreturn]] void unexpected(uint32_t signature, uint64_t at) {
    if (signature == 0) refuse(kTruncated);
    refuse(fmt::format("damaged zip archive: no zip record starts at offset {} (signature {:#010x})", at,
                       signature));
  }

  void start_member(zip::Entry entry) {
    member_ = std::move(entry);
    begin_stream();
    if (member_.flags & zip::kFlagEncrypted) refuse(member_.name + " is encrypted");
    if (member_.method != zip::kMethodStored && member_.method != zip::kMethodDeflated)
      refuse(
          fmt::format("{} is compressed with method {}; reelstat reads stored and deflated members "
                      "(zip it again with deflate)",
                      member_.name, member_.method));
    if (member_.method == zip::kMethodStored && (member_.flags & zip::kFlagDataDescriptor))
      refuse(member_.name + " is stored with a data descriptor, so its end cannot be found reading forward");
  }

  size_t read_stored(char* dst, size_t capacity) {
    const uint64_t left = member_.compressed - consumed_;
    if (left == 0) return 0;
    auto [bytes, length] = in_.available();
    if (length == 0) refuse(kTruncated);
    const size_t n = static_cast<size_t>(std::min<uint64_t>({left, length, capacity}));
    std::memcpy(dst, bytes, n);
    in_.advance(n);
    consumed_ += n;
    return n;
  }

  // Inflates into dst until some output or the end of the deflate stream (then 0). The compressed
  // bytes used are counted in consumed_; a member whose size is known never reads past it.
  size_t inflate_some(char* dst, size_t capacity, const zip::Entry& entry) {
    const bool sized = !(entry.flags & zip::kFlagDataDescriptor);
    while (!stream_ended_) {
      auto [bytes, length] = in_.available();  // 0 only at the end of the input
      const bool exhausted = sized && consumed_ == entry.compressed;
      if (sized) length = static_cast<size_t>(std::min<uint64_t>(length, entry.compressed - consumed_));
      z_.next_in = const_cast<Bytef*>(bytes);
      z_.avail_in = static_cast<uInt>(std::min<size_t>(length, 1u << 30));
      z_.next_out = reinterpret_cast<Bytef*>(dst);
      z_.avail_out = static_cast<uInt>(std::min<size_t>(capacity, 1u << 30));
      const uInt offered = z_.avail_in, room = z_.avail_out;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      in_.advance(offered - z_.avail_in);
      consumed_ += offered - z_.avail_in;
      if (rc == Z_STREAM_END)
        stream_ended_ = true;
      else if (rc != Z_OK && rc != Z_BUF_ERROR)
        refuse("damaged zip archive: the deflate data of " + entry.name + " is corrupt (" +
               (z_.msg ? z_.msg : "zlib error") + ")");
      if (room > z_.avail_out) return room - z_.avail_out;
      // No output, so inflate needs input: none left means the data ended early. (With input left
      // it still holds output back for a small buffer, so that case is decided here, not before.)
      if (!stream_ended_ && offered == 0)
        refuse(exhausted
                   ? "damaged zip archive: the deflate data of " + entry.name + " runs past its stated size"
                   : std::string(kTruncated));
    }
    return 0;
  }

  // The member's data has ended: its descriptor (if any) and every figure are checked.
  void end_member() {
    member_done_ = true;
    const uint64_t used = consumed_;
    if (member_.flags & zip::kFlagDataDescriptor) zip::read_data_descriptor(in_, member_);
    if (used != member_.compressed)
      refuse("damaged zip archive: the compressed data of " + member_.name + " is not its stated size");
    if (produced_ != member_.uncompressed)
      refuse(fmt::format("damaged zip archive: {} holds {} bytes where its header says {}", member_.name,
                         produced_, member_.uncompressed));
    if (crc_ != member_.crc) refuse("damaged zip archive: the data of " + member_.name + " fails its CRC-32");
    locals_.push_back(member_);
  }

  // Another member's data, passed over: by its size when the header gives it, else by inflating it
  // to the end of its deflate stream.
  void skip_data(zip::Entry& entry) {
    if (!(entry.flags & zip::kFlagDataDescriptor)) {
      in_.skip(entry.compressed);
    } else if (entry.method == zip::kMethodDeflated) {
      std::vector<char> discard(1 << 16);
      begin_stream();
      while (inflate_some(discard.data(), discard.size(), entry) > 0) {
      }
      const uint64_t used = consumed_;
      zip::read_data_descriptor(in_, entry);
      if (used != entry.compressed)
        refuse("damaged zip archive: the compressed data of " + entry.name + " is not its stated size");
    } else {
      refuse(entry.name +
             " has a data descriptor and is not deflated, so its end cannot be found reading "
             "forward");
    }
    locals_.push_back(entry);
  }

  void begin_stream() {
    inflateReset(&z_);
    stream_ended_ = false;
    consumed_ = 0;
  }

  // The members after ours, up to the central directory.
  void walk_local_headers() {
    for (;;) {
      const uint64_t at = in_.offset();
      if (u32_at_cursor() != zip::kLocalHeader) return;
      in_.advance(4);
      zip::Entry entry = zip::read_local_header(in_, at);
      if (is_member(entry.name)) second_members_ += ", " + entry.name;
      skip_data(entry);
    }
  }

  uint32_t u32_at_cursor() {
    const unsigned char* p = in_.peek_or_null(4);
    if (!p) refuse(kTruncated);
    return zip::u32(p);
  }

  // The central directory's headers, then the end records; returns what the end record says.
  zip::Directory read_directory() {
    directory_start_ = in_.offset();
    uint32_t signature = zip::next_signature(in_);
    while (signature == zip::kCentralHeader) {
      centrals_.push_back(zip::read_central_header(in_));
      directory_end_ = in_.offset();
      signature = zip::next_signature(in_);
    }
    if (centrals_.empty()) directory_end_ = directory_start_;
    zip::Directory zip64;
    const bool has_zip64 = signature == zip::kZip64EndRecord;
    if (has_zip64) {
      zip64 = zip::read_zip64_end(in_);
      signature = zip::next_signature(in_);
    }
    if (signature != zip::kEndRecord) unexpected(signature, in_.offset() - (signature ? 4 : 0));
    return zip::read_end_record(in_, has_zip64 ? &zip64 : nullptr);
  }

  void check_end_record(const zip::Directory& end) {
    if (end.entries != centrals_.size() || end.offset != directory_start_ ||
        end.size != directory_end_ - directory_start_)
      refuse(
          fmt::format("damaged zip archive: its end record describes a central directory of {} entries at "
                      "offset {}, where {} entries start at offset {}",
                      end.entries, end.offset, centrals_.size(), directory_start_));
    if (!in_.at_end())
      refuse(
          fmt::format("more bytes follow the end of the zip archive at offset {} (another archive appended "
                      "to it?); other tools would read a different archive, so it is refused",
                      in_.offset()));
  }

  // Every member met must be listed by the directory, as its local header describes it, and the
  // directory must list nothing else.
  void match_directory() {
    std::map<uint64_t, const zip::Entry*> by_offset;
    for (const zip::Entry& local : locals_)
      by_offset[local.offset] = &local;
    for (const zip::Entry& central : centrals_) {
      auto found = by_offset.find(central.offset);
      if (found == by_offset.end() || !found->second)
        refuse(
            fmt::format("damaged zip archive: its central directory lists {} at offset {}, where no member "
                        "starts",
                        central.name, central.offset));
      const std::string difference = first_difference(*found->second, central);
      if (!difference.empty())
        refuse(
            fmt::format("its central directory and the local header of {} at offset {} differ in {}; "
                        "other tools would read different data, so it is refused",
                        found->second->name, central.offset, difference));
      found->second = nullptr;
    }
    for (const auto& [offset, local] : by_offset)
      if (local)
        refuse(
            fmt::format("the member {} at offset {} is not listed by the archive's central directory "
                        "(other tools would not see it), so the archive is refused",
                        local->name, offset));
  }

  std::string_view base_;
  ForwardCursor in_;
  Inflater inflater_;
  z_stream& z_ = inflater_.z;
  zip::Entry member_;
  bool member_done_ = false, stream_ended_ = false;
  uint64_t consumed_ = 0, produced_ = 0;
  uint32_t crc_ = 0;
  std::vector<zip::Entry> locals_, centrals_;
  std::string second_members_;
  uint64_t directory_start_ = 0, directory_end_ = 0;
};

namespace {

// Every message names the archive.
template <typename F>
auto naming(const std::string& archive, F&& step) {
  try {
    return step();
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("cannot read " + archive + ": " + e.what());
  }
}

}  // namespace

ZipMemberReader::ZipMemberReader(Pull pull, std::string archive_name, std::string_view member_base_name)
    : archive_(std::move(archive_name)) {
  walker_ = naming(archive_, [&] { return std::make_unique<Walker>(std::move(pull), member_base_name); });
}

ZipMemberReader::~ZipMemberReader() = default;

size_t ZipMemberReader::read(char* dst, size_t capacity) {
  return naming(archive_, [&] { return walker_->read(dst, capacity); });
}

void ZipMemberReader::finish() {
  naming(archive_, [&] { walker_->finish(); });
}

const std::string& ZipMemberReader::member() const {
  return walker_->member();
}

}  // namespace reelstat::ingest
