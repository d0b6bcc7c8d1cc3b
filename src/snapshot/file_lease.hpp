#pragma once
// A read lease on a file (fcntl F_SETLEASE, F_RDLCK): while it is held, any other process that
// opens the file for writing or truncates it is held back by the kernel (up to
// /proc/sys/fs/lease-break-time, 45 s by default; a non-blocking open fails with EAGAIN) and this
// process is sent SIGIO. That is what makes a memory-mapped snapshot safe: the server stops using
// the mapping and drops the lease before the file can change, instead of dying of SIGBUS when a
// `cp` or `rsync --inplace` truncates it.
//
// The caller must handle SIGIO before taking a lease (its default action ends the process).
#include <filesystem>
#include <optional>

#include "common/unique_fd.hpp"

namespace reelstat::snapshot {

class FileLease {
 public:
  // The lease, or nothing where it cannot be had: a file open for writing somewhere, a file
  // system without leases, a file this user does not own (without CAP_LEASE), leases disabled.
  static std::optional<FileLease> take(const std::filesystem::path& path);

  // Another process wants to write the file: release the lease (destroy it) soon.
  bool breaking() const;

 private:
  explicit FileLease(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace reelstat::snapshot
