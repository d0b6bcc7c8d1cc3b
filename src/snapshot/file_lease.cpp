#include "snapshot/file_lease.hpp"

#include <fcntl.h>

namespace reelstat::snapshot {

std::optional<FileLease> FileLease::take(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  if (::fcntl(fd.get(), F_SETLEASE, F_RDLCK) != 0) return std::nullopt;
  return FileLease(std::move(fd));
}

bool FileLease::breaking() const {
  // While a break is pending the kernel reports the type the lease is being downgraded to.
  return ::fcntl(fd_.get(), F_GETLEASE) != F_RDLCK;
}

}  // namespace reelstat::snapshot
