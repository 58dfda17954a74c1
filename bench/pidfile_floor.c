/*
 * The floor under bench/pidfile.bench.ts: the same system calls written in C,
 * with no runtime and no FFI in between, on /dev/shm and /tmp.
 *
 *   posixly: open(O_TMPFILE), write, flock, linkat, fstat, fstatat, unlink, close
 *   minimal: open(O_CREAT|O_EXCL), write, unlink, close
 *            (the least any pidfile that is created and removed can cost)
 *   celery:  open(O_CREAT|O_EXCL), write, fsync, close, open, read, close, unlink
 *            (what celery 5.2.6's acquire() + release() ask of the kernel)
 *
 * `npm run bench` compiles and runs it when a C compiler is installed and puts
 * its lines in BENCHMARKS.md's notes. By hand:
 *   cc -O2 -o /tmp/pidfile_floor bench/pidfile_floor.c && /tmp/pidfile_floor
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CYCLES 20000

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static const char content[] = "12345\nstarttime=678901\n";

static void posixly_cycle(const char *dir, const char *path) {
  struct stat a, b;
  int fd = open(dir, O_WRONLY | O_CLOEXEC | O_TMPFILE, 0644);
  if (fd < 0) die("open O_TMPFILE");
  if (write(fd, content, sizeof content - 1) < 0) die("write");
  if (flock(fd, LOCK_EX | LOCK_NB) < 0) die("flock");
  if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) < 0) {
    /* without CAP_DAC_READ_SEARCH: through /proc, as posixly does then */
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) < 0) die("linkat");
  }
  if (fstat(fd, &a) < 0 || fstatat(AT_FDCWD, path, &b, AT_SYMLINK_NOFOLLOW) < 0) die("stat");
  if (a.st_ino != b.st_ino || unlink(path) < 0) die("unlink");
  close(fd);
}

static void minimal_cycle(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) die("open O_EXCL");
  if (write(fd, content, 6) < 0) die("write");
  if (unlink(path) < 0) die("unlink");
  close(fd);
}

static void celery_cycle(const char *path) {
  char buf[64];
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) die("open O_EXCL");
  if (write(fd, content, 6) < 0) die("write");
  fsync(fd);
  close(fd);
  fd = open(path, O_RDONLY);
  if (fd < 0 || read(fd, buf, sizeof buf) < 0) die("read back");
  close(fd);
  if (unlink(path) < 0) die("unlink");
}

static double per_cycle(int which, const char *dir, const char *path) {
  for (int i = 0; i < 1000; i++) { /* warm-up */
    if (which == 0) posixly_cycle(dir, path);
    else if (which == 1) minimal_cycle(path);
    else celery_cycle(path);
  }
  double t0 = now_us();
  for (int i = 0; i < CYCLES; i++) {
    if (which == 0) posixly_cycle(dir, path);
    else if (which == 1) minimal_cycle(path);
    else celery_cycle(path);
  }
  return (now_us() - t0) / CYCLES;
}

int main(void) {
  const char *bases[] = {"/dev/shm", "/tmp"};
  for (int i = 0; i < 2; i++) {
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/posixly-floor-XXXXXX", bases[i]);
    if (!mkdtemp(dir)) die("mkdtemp");
    snprintf(path, sizeof path, "%s/floor.pid", dir);
    double p = per_cycle(0, dir, path);
    double m = per_cycle(1, dir, path);
    double c = per_cycle(2, dir, path);
    rmdir(dir);
    printf(
        "BENCH_NOTE C floor of one pidfile acquire+release on %s (bench/pidfile_floor.c): "
        "posixly's system calls %.1f us; the minimal create/write/unlink/close %.1f us; "
        "celery's system calls %.1f us.\n",
        bases[i], p, m, c);
  }
  return 0;
}
