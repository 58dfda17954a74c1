// The few glibc symbols that Debian's glibc-built libstdc++.so.6 and
// libgcc_s.so.1 need, for a musl process (the musl build of Bun) that loads
// them: Debian has no musl libstdc++. scripts/test_platforms.mjs builds this
// with musl-gcc as "ld-linux-x86-64.so.2" (libstdc++ names glibc's loader as
// a dependency) beside links to those two libraries, and puts that folder on
// LD_LIBRARY_PATH. musl's loader serves their libc.so.6 and libm.so.6 itself,
// so musl's libc is the only C library in the process. An approximation of a
// musl system (Alpine builds libstdc++ against musl), for tests only.
//
// The list is what musl's loader reported missing ("Error relocating ...:
// symbol not found"); a new Bun or libstdc++ may need more.
#define _GNU_SOURCE
#include <link.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

// libstdc++: skips atomic reference counts when 1. Never claim that.
char __libc_single_threaded = 0;

// libgcc_s: its CPU model (for __builtin_cpu_supports) is defined under a
// hidden symbol version, which musl's loader does not bind. All zero: no
// known vendor or feature, so callers take their generic paths.
struct __processor_model {
  unsigned int vendor, type, subtype, features[1];
} __cpu_model;
int __cpu_indicator_init(void) { return 0; }

size_t __strftime_l(char *s, size_t n, const char *format, const struct tm *tm, locale_t loc) {
  return strftime_l(s, n, format, tm, loc);
}

uint32_t arc4random(void) {
  uint32_t r;
  while (getrandom(&r, sizeof r, 0) != sizeof r) {
  }
  return r;
}

// thread_local destructors: run at thread exit, newest first.
struct dtor {
  void (*fn)(void *);
  void *obj;
  struct dtor *next;
};
static pthread_key_t dtors;
static pthread_once_t dtors_once = PTHREAD_ONCE_INIT;

static void run_dtors(void *list) {
  for (struct dtor *d = list, *next; d; d = next) {
    next = d->next;
    d->fn(d->obj);
    free(d);
  }
}

static void make_key(void) { pthread_key_create(&dtors, run_dtors); }

int __cxa_thread_atexit_impl(void (*fn)(void *), void *obj, void *dso) {
  (void)dso;
  pthread_once(&dtors_once, make_key);
  struct dtor *d = malloc(sizeof *d);
  if (!d) return -1;
  *d = (struct dtor){fn, obj, pthread_getspecific(dtors)};
  return pthread_setspecific(dtors, d);
}

// libgcc_s's unwinder finds a pc's object and its .eh_frame_hdr with this
// (glibc >= 2.35); answer it from dl_iterate_phdr, which musl has.
struct dl_find_object {
  unsigned long long flags;
  void *map_start, *map_end, *link_map, *eh_frame;
  unsigned long long reserved[7];
};

struct lookup {
  uintptr_t pc;
  struct dl_find_object *out;
};

static int find_in(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct lookup *q = data;
  uintptr_t start = UINTPTR_MAX, end = 0;
  void *eh_frame = 0;
  int hit = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
    if (ph->p_type == PT_LOAD) {
      if (lo < start) start = lo;
      if (hi > end) end = hi;
      if (q->pc >= lo && q->pc < hi) hit = 1;
    } else if (ph->p_type == PT_GNU_EH_FRAME) {
      eh_frame = (void *)lo;
    }
  }
  if (!hit) return 0;
  *q->out = (struct dl_find_object){
      .map_start = (void *)start, .map_end = (void *)end, .eh_frame = eh_frame};
  return 1;
}

int _dl_find_object(void *pc, struct dl_find_object *out) {
  struct lookup q = {(uintptr_t)pc, out};
  return dl_iterate_phdr(find_in, &q) ? 0 : -1;
}
