// Fails the Nth write, fsync, rename or read of files under a directory, for the I/O failure tests
// (tests/io_failure_test.cpp), the way SQLite's own ioerr tests do it: preloaded into a reelstat
// process with
//   REELSTAT_FAULT_DIR=/path   only calls on files below it count (stdout, stderr and the input do not)
//   REELSTAT_FAULT_OP=write|fsync|rename|read
//   REELSTAT_FAULT_AT=N        the Nth such call fails with EIO (ENOSPC for writes); later ones succeed
// and, for the PostgreSQL store, REELSTAT_FAULT_OP=commit_reply: after the Nth COMMIT sent to the
// server its reply is awaited (the commit is then durable) and thrown away, and the connection
// fails as if the server had died just before answering.
//   REELSTAT_FAULT_LOG=path    at exit, how many such calls the process made (to size the loop)
// Not part of reelstat: a test tool, built without sanitizers.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static const char* fault_dir;
static size_t fault_dir_length;
static const char* fault_op = "";
static long fault_at = -1;
static long counted;

__attribute__((constructor)) static void setup(void) {
  fault_dir = getenv("REELSTAT_FAULT_DIR");
  fault_dir_length = fault_dir ? strlen(fault_dir) : 0;
  const char* op = getenv("REELSTAT_FAULT_OP");
  if (op) fault_op = op;
  const char* at = getenv("REELSTAT_FAULT_AT");
  if (at) fault_at = strtol(at, NULL, 10);
}

__attribute__((destructor)) static void report(void) {
  const char* log = getenv("REELSTAT_FAULT_LOG");
  if (!log) return;
  FILE* f = fopen(log, "a");
  if (!f) return;
  fprintf(f, "%ld\n", counted);
  fclose(f);
}

static int below_dir(const char* path) {
  return fault_dir && path && strncmp(path, fault_dir, fault_dir_length) == 0;
}

static int fd_below_dir(int fd) {
  if (!fault_dir) return 0;
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, target, sizeof target - 1);
  if (n <= 0) return 0;
  target[n] = '\0';
  return below_dir(target);
}

// Counts a call of `op` that touches the directory; true when this one must fail.
static int must_fail(const char* op, int touches) {
  if (!touches || strcmp(op, fault_op) != 0) return 0;
  return ++counted == fault_at;
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void* buffer, size_t count) {
  if (must_fail("write", fd > 2 && fd_below_dir(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return NEXT(write)(fd, buffer, count);
}

ssize_t pwrite64(int fd, const void* buffer, size_t count, off64_t offset) {
  if (must_fail("write", fd_below_dir(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return NEXT(pwrite64)(fd, buffer, count, offset);
}

ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  if (must_fail("write", fd_below_dir(fd))) {
    errno = ENOSPC;
    return -1;
  }
  return NEXT(pwrite)(fd, buffer, count, offset);
}

ssize_t read(int fd, void* buffer, size_t count) {
  if (must_fail("read", fd > 2 && fd_below_dir(fd))) {
    errno = EIO;
    return -1;
  }
  return NEXT(read)(fd, buffer, count);
}

ssize_t pread64(int fd, void* buffer, size_t count, off64_t offset) {
  if (must_fail("read", fd_below_dir(fd))) {
    errno = EIO;
    return -1;
  }
  return NEXT(pread64)(fd, buffer, count, offset);
}

ssize_t pread(int fd, void* buffer, size_t count, off_t offset) {
  if (must_fail("read", fd_below_dir(fd))) {
    errno = EIO;
    return -1;
  }
  return NEXT(pread)(fd, buffer, count, offset);
}

int fsync(int fd) {
  if (must_fail("fsync", fd_below_dir(fd))) {
    errno = EIO;
    return -1;
  }
  return NEXT(fsync)(fd);
}

int fdatasync(int fd) {
  if (must_fail("fsync", fd_below_dir(fd))) {
    errno = EIO;
    return -1;
  }
  return NEXT(fdatasync)(fd);
}

int rename(const char* from, const char* to) {
  if (must_fail("rename", below_dir(from))) {
    errno = EIO;
    return -1;
  }
  return NEXT(rename)(from, to);
}

int renameat(int from_dir, const char* from, int to_dir, const char* to) {
  if (must_fail("rename", from && from[0] == '/' && below_dir(from))) {
    errno = EIO;
    return -1;
  }
  return NEXT(renameat)(from_dir, from, to_dir, to);
}

// The lost COMMIT reply. libpq sends the statement text with its NUL in a Parse or Query message.
static int commit_sent_fd = -1;  // the Nth COMMIT went out on it; its reply is to be lost
static int lost_fd = -1;         // the connection that "died": every later call on it fails

ssize_t send(int fd, const void* buffer, size_t count, int flags) {
  if (fd == lost_fd) {
    errno = ECONNRESET;
    return -1;
  }
  const ssize_t sent = NEXT(send)(fd, buffer, count, flags);
  if (sent > 0 && memmem(buffer, (size_t)sent, "COMMIT", sizeof "COMMIT") && must_fail("commit_reply", 1))
    commit_sent_fd = fd;
  return sent;
}

ssize_t recv(int fd, void* buffer, size_t count, int flags) {
  if (fd == commit_sent_fd) {
    // Bounded: the reply of a COMMIT comes within seconds, or the test fails on its own.
    struct pollfd ready = {fd, POLLIN, 0};
    poll(&ready, 1, 10000);
    char sink[65536];
    (void)NEXT(recv)(fd, sink, sizeof sink, 0);
    commit_sent_fd = -1;
    lost_fd = fd;
  }
  if (fd == lost_fd) {
    errno = ECONNRESET;
    return -1;
  }
  return NEXT(recv)(fd, buffer, count, flags);
}

int close(int fd) {
  if (fd == lost_fd) lost_fd = -1;  // the number may be given to a new connection
  return NEXT(close)(fd);
}
