#ifndef FLOW_SYSTEM_SHIM_H
#define FLOW_SYSTEM_SHIM_H

// The glibc calls flow needs that the Swift Glibc module leaves out: they are declared
// only for _GNU_SOURCE, or are variadic. Each is wrapped in a plain C function here, so
// no Swift file declares a C symbol by hand.

#include <cpuid.h>
#include <errno.h>
#include <immintrin.h>
#include <fcntl.h>
#include <stdint.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif
#ifndef PR_SET_PDEATHSIG
#define PR_SET_PDEATHSIG 1
#endif

extern int pipe2(int descriptors[2], int flags);
// glibc 2.29 and later.
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions,
                                                const char *path);
// glibc 2.32 and later.
extern const char *sigabbrev_np(int signal);
// Declared for _GNU_SOURCE only; the masks are taken as plain bytes (`flow_cpu_mask`).
extern int sched_getcpu(void);
extern int sched_getaffinity(pid_t process, size_t size, void *mask);
extern int pthread_attr_setaffinity_np(pthread_attr_t *attributes, size_t size, const void *mask);
extern int pthread_setaffinity_np(pthread_t thread, size_t size, const void *mask);

/// A set of up to 1,024 CPUs, one bit each, as the kernel's affinity calls take it.
typedef struct {
  unsigned long bits[16];
} flow_cpu_mask;

/// Sets `attributes` so that a thread created with them starts on one of the CPUs the
/// caller may use other than the one it runs on, when there is one, and gives in `allowed`
/// the CPUs the caller may use, for the thread to take back once it runs
/// (`flow_allow_cpus`). Otherwise the scheduler starts a new thread on its creator's CPU
/// and moves it at its next balancing, which can come milliseconds later: work split in
/// two for a few milliseconds then runs one half after the other. Returns 0, or an errno
/// (the attributes are then as they were).
static inline int flow_start_elsewhere(pthread_attr_t *attributes, flow_cpu_mask *allowed) {
  if (sched_getaffinity(0, sizeof allowed->bits, allowed->bits) != 0) return errno;
  int here = sched_getcpu();
  if (here < 0 || here >= 1024) return ENOTSUP;
  flow_cpu_mask others = *allowed;
  others.bits[here / 64] &= ~(1UL << (here % 64));
  unsigned long any = 0;
  for (int index = 0; index < 16; index++) any |= others.bits[index];
  if (any == 0) return ENOTSUP;
  return pthread_attr_setaffinity_np(attributes, sizeof others.bits, others.bits);
}

/// Lets the calling thread run on the CPUs of `allowed` again.
static inline int flow_allow_cpus(const flow_cpu_mask *allowed) {
  return pthread_setaffinity_np(pthread_self(), sizeof allowed->bits, allowed->bits);
}

/// Sets the heap up for a process that builds large arrays once and then exits: blocks
/// of up to 32 MiB come from the heap instead of a fresh mapping each (zero-filled page by
/// page at first touch, unmapped at free, mapped again when the array grows), freed space
/// stays in the heap, the heap grows `step` bytes at a time, and the kernel is asked to
/// back it with huge pages (where transparent huge pages are set to `madvise`). A few
/// megabytes of input then cost a few page faults rather than thousands.
///
/// A 2 MiB stretch gets a huge page only when nothing in it was touched before: the first
/// allocation after this one starts at the next 2 MiB boundary past the space the heap
/// already used (the few bytes up to it stay unused), and the one write at the end of
/// the block that grows the heap falls 31 MiB further on. Every thread allocates from
/// that heap, where `heaps` is 1: a second thread would otherwise get an arena of its
/// own, mapped in 4 KiB pages. With `heaps` 2, the first of the process's own threads to
/// allocate takes a heap of its own instead, and after it ends the next, for work that
/// allocates on two threads at once (sharing one heap, each waited on its lock as long as
/// it worked); see `flow_prefer_huge_pages_on_thread_heap`. The number of heaps is fixed
/// at the first allocation on a thread of the process's own.
/// Returns 0, or the errno of madvise (the heap settings hold either way).
static inline int flow_prefer_one_large_heap(size_t step, int heaps) {
  mallopt(M_ARENA_MAX, heaps);
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  mallopt(M_TOP_PAD, (int)step);
  long page = sysconf(_SC_PAGESIZE);
  uintptr_t start = (uintptr_t)sbrk(0);
  // Larger than any space free at start-up and below the mapping threshold, so the heap
  // grows by it and the pad.
  void *block = malloc(31 * 1024 * 1024);
  // Passed on, so that the compiler cannot leave out the allocation.
  if (block == NULL || malloc_usable_size(block) == 0) return ENOMEM;
  uintptr_t end = (uintptr_t)sbrk(0);
  int result = 0;
  start = (start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  if (page > 0 && end > start && madvise((void *)start, end - start, MADV_HUGEPAGE) != 0) {
    result = errno;
  }
  free(block);
  // The freed block is the top of the heap again; taking the bytes up to the boundary
  // (less two chunk headers) leaves the next allocation at it.
  uintptr_t huge = 2 * 1024 * 1024;
  uintptr_t boundary = ((uintptr_t)block + huge - 1) & ~(huge - 1);
  if (boundary - (uintptr_t)block > 64) {
    void *pad = malloc(boundary - (uintptr_t)block - 32);
    if (pad == NULL || malloc_usable_size(pad) == 0) return ENOMEM;
  }
  return result;
}

/// Called on a thread that may have a heap of its own (`flow_prefer_one_large_heap` with
/// `heaps` 2): asks the kernel to back that heap with huge pages, as the first heap is.
/// A thread's heap is one mapping of 64 MiB, aligned to its size (glibc's HEAP_MAX_SIZE on
/// 64-bit systems), made writable whole at once under `flow_prefer_one_large_heap`'s pad.
/// Returns 0, or the errno of madvise; ENOENT where the thread allocates from the first
/// heap.
static inline int flow_prefer_huge_pages_on_thread_heap(void) {
  uintptr_t size = 64 * 1024 * 1024;
  void *probe = malloc(1);
  if (probe == NULL) return ENOMEM;
  uintptr_t address = (uintptr_t)probe;
  free(probe);
  // The first heap lies between the program's end and the break.
  extern char end;
  if (address >= (uintptr_t)&end && address < (uintptr_t)sbrk(0)) return ENOENT;
  if (madvise((void *)(address & ~(size - 1)), size, MADV_HUGEPAGE) != 0) return errno;
  return 0;
}

/// Asks the processor to bring the cache line at `address` in, for writing, while other
/// work goes on: for tables read at places known a little ahead (a hash table's slots).
static inline void flow_prefetch_for_writing(const void *address) {
  __builtin_prefetch(address, 1, 3);
}

/// The offset of the first byte of `bytes[start..<count]` that is NUL or not ASCII, or
/// `count`: sixteen bytes to a comparison, where a text is almost all ASCII.
static inline size_t flow_first_nul_or_non_ascii(const uint8_t *bytes, size_t start,
                                                 size_t count) {
  size_t index = start;
  const __m128i zero = _mm_setzero_si128();
  while (index + 32 <= count) {
    __m128i first = _mm_loadu_si128((const __m128i *)(bytes + index));
    __m128i second = _mm_loadu_si128((const __m128i *)(bytes + index + 16));
    // A byte's high bit is set when it is not ASCII, or when it is NUL (compared equal).
    __m128i firstFound = _mm_or_si128(first, _mm_cmpeq_epi8(first, zero));
    __m128i secondFound = _mm_or_si128(second, _mm_cmpeq_epi8(second, zero));
    if (_mm_movemask_epi8(_mm_or_si128(firstFound, secondFound)) != 0) break;
    index += 32;
  }
  while (index + 16 <= count) {
    __m128i word = _mm_loadu_si128((const __m128i *)(bytes + index));
    int found = _mm_movemask_epi8(_mm_or_si128(word, _mm_cmpeq_epi8(word, zero)));
    if (found != 0) return index + (size_t)__builtin_ctz((unsigned)found);
    index += 16;
  }
  while (index < count && bytes[index] != 0 && bytes[index] < 0x80) index++;
  return index;
}

/// Copies `count` bytes, sixteen or more, from `source` to `target` sixteen at a time
/// (the last sixteen ending where the bytes end, overlapping the ones before) while none
/// is one JSON writes escaped: a control character, a quote or a backslash. 1 when all
/// were copied; 0, with some copied, at the first that needs an escape.
static inline int flow_copy_json_plain(const uint8_t *source, uint8_t *target, size_t count) {
  const __m128i lastControl = _mm_set1_epi8(0x1F), zero = _mm_setzero_si128();
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  size_t offset = 0;
  for (;;) {
    if (offset + 16 > count) offset = count - 16;
    __m128i word = _mm_loadu_si128((const __m128i *)(source + offset));
    // Below 0x20 exactly where subtracting 0x1F, saturating at zero, leaves zero.
    __m128i control = _mm_cmpeq_epi8(_mm_subs_epu8(word, lastControl), zero);
    __m128i escaped = _mm_or_si128(
        control, _mm_or_si128(_mm_cmpeq_epi8(word, quote), _mm_cmpeq_epi8(word, backslash)));
    if (_mm_movemask_epi8(escaped) != 0) return 0;
    _mm_storeu_si128((__m128i *)(target + offset), word);
    if (offset + 16 == count) return 1;
    offset += 16;
  }
}

/// The offset of the first of four bytes (a byte may be named twice) in
/// `bytes[start..<count]`, or `count`: sixteen bytes to a comparison.
static inline size_t flow_first_of_four(const uint8_t *bytes, size_t start, size_t count,
                                        uint8_t first, uint8_t second, uint8_t third,
                                        uint8_t fourth) {
  size_t index = start;
  const __m128i a = _mm_set1_epi8((char)first), b = _mm_set1_epi8((char)second);
  const __m128i c = _mm_set1_epi8((char)third), d = _mm_set1_epi8((char)fourth);
  while (index + 16 <= count) {
    __m128i word = _mm_loadu_si128((const __m128i *)(bytes + index));
    __m128i found = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(word, a), _mm_cmpeq_epi8(word, b)),
                                 _mm_or_si128(_mm_cmpeq_epi8(word, c), _mm_cmpeq_epi8(word, d)));
    int mask = _mm_movemask_epi8(found);
    if (mask != 0) return index + (size_t)__builtin_ctz((unsigned)mask);
    index += 16;
  }
  while (index < count) {
    uint8_t byte = bytes[index];
    if (byte == first || byte == second || byte == third || byte == fourth) return index;
    index++;
  }
  return index;
}

/// Whether the processor has the SHA-256 instructions (and the SSE4.1 and SSSE3 ones
/// `flow_sha256_blocks` also takes).
///
/// Asked with CPUID here, not `__builtin_cpu_supports`: that links in libgcc's start-up
/// probe of every processor feature, which runs in every process before main (about
/// 0.1 ms on a virtual machine, where each CPUID traps to the hypervisor).
static inline int flow_sha256_has_instructions(void) {
  unsigned int eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  int sse41 = (ecx & bit_SSE4_1) != 0, ssse3 = (ecx & bit_SSSE3) != 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
  return sse41 && ssse3 && (ebx & bit_SHA) != 0;
}

/// SHA-256's compression of `blocks` blocks of 64 bytes at `data` into `state` (a, b, c,
/// d, e, f, g, h), with the processor's SHA-256 instructions: call it only where
/// `flow_sha256_has_instructions` says they are there. The instructions keep the state
/// as two vectors, (a, b, e, f) and (c, d, g, h), and do two rounds per call; the message
/// schedule of a block is built four words at a time from the four before.
__attribute__((target("sha,sse4.1,ssse3"))) static inline void flow_sha256_blocks(
    uint32_t state[8], const void *data, size_t blocks, const uint32_t constants[64]) {
  const __m128i byteOrder = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  // Lanes named from the highest: state[0...3] loads as DCBA.
  __m128i low = _mm_loadu_si128((const __m128i *)&state[0]);  // DCBA
  __m128i high = _mm_loadu_si128((const __m128i *)&state[4]); // HGFE
  low = _mm_shuffle_epi32(low, 0xB1);                         // CDAB
  high = _mm_shuffle_epi32(high, 0x1B);                       // EFGH
  __m128i abef = _mm_alignr_epi8(low, high, 8);               // ABEF
  __m128i cdgh = _mm_blend_epi16(high, low, 0xF0);            // CDGH
  const unsigned char *bytes = (const unsigned char *)data;
  for (size_t block = 0; block < blocks; block++, bytes += 64) {
    __m128i savedABEF = abef, savedCDGH = cdgh;
    __m128i words[4];
    for (int group = 0; group < 16; group++) {
      __m128i next;
      if (group < 4) {
        next = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(bytes + 16 * group)),
                                byteOrder);
      } else {
        // w[t] = s1(w[t-2]) + w[t-7] + s0(w[t-15]) + w[t-16], four at a time.
        __m128i oldest = words[group % 4], older = words[(group + 1) % 4];
        __m128i old = words[(group + 2) % 4], newest = words[(group + 3) % 4];
        next = _mm_sha256msg1_epu32(oldest, older);
        next = _mm_add_epi32(next, _mm_alignr_epi8(newest, old, 4));
        next = _mm_sha256msg2_epu32(next, newest);
      }
      words[group % 4] = next;
      __m128i sum = _mm_add_epi32(next, _mm_loadu_si128((const __m128i *)&constants[4 * group]));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(sum, 0x0E));
    }
    abef = _mm_add_epi32(abef, savedABEF);
    cdgh = _mm_add_epi32(cdgh, savedCDGH);
  }
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B); // FEBA
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1); // DCHG
  low = _mm_blend_epi16(feba, dchg, 0xF0);      // DCBA
  high = _mm_alignr_epi8(dchg, feba, 8);        // HGFE
  _mm_storeu_si128((__m128i *)&state[0], low);
  _mm_storeu_si128((__m128i *)&state[4], high);
}

/// Reads entries of the open folder `descriptor` into `buffer` (`getdents64`, records of
/// an 8-byte inode, an 8-byte offset, a 2-byte record length, a type byte, then the name
/// and its NUL): the bytes read, 0 at the end, or -1 with errno. Unlike `readdir`, whose
/// buffer is 32 KiB, the caller chooses how many entries the kernel reads at once.
static inline long flow_read_directory(int descriptor, void *buffer, size_t size) {
  return syscall(SYS_getdents64, descriptor, buffer, size);
}

/// Makes orphans of this process's descendants its own children, so it reaps them.
static inline int flow_become_child_subreaper(void) {
  return prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL);
}

/// Adds a change of working folder to a spawn's file actions.
static inline int flow_spawn_actions_add_chdir(posix_spawn_file_actions_t *actions,
                                               const char *path) {
  return posix_spawn_file_actions_addchdir_np(actions, path);
}

/// A pipe whose two ends are close-on-exec from the start.
static inline int flow_make_pipe(int descriptors[2]) {
  return pipe2(descriptors, O_CLOEXEC);
}

/// `KILL` for 9; NULL for a number without a name.
static inline const char *flow_signal_abbreviation(int signal) {
  return sigabbrev_np(signal);
}

/// Starts `path` as flow's posix_spawn does (standard input from /dev/null, output and
/// errors into `output`, errors to /dev/null unless `keep_errors`, in `directory` when
/// not NULL, leading a process group of its own when `own_group`, every signal at its
/// default and none blocked) and, what posix_spawn cannot do, asks the kernel to
/// SIGKILL the child when this process dies (PR_SET_PDEATHSIG). Returns 0 with the
/// PID in `pid`, or the errno of the step that failed; success means the program is
/// running. The child is made with vfork, as posix_spawn makes its own: it shares this
/// process's memory and this thread waits until it has called exec or exited, so a run
/// of many stages copies no page tables and takes no copy-on-write faults per stage, and
/// the child reports a failure before exec in memory both see. Between vfork and exec the
/// child makes only async-signal-safe calls, changes no memory but `failure`, and never
/// returns from this function.
static inline int flow_spawn_dying_with_parent(pid_t *pid, const char *path,
                                               char *const argv[], char *const envp[],
                                               int output, int keep_errors,
                                               const char *directory, int own_group) {
  sigset_t all, saved;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &saved);
  pid_t parent = getpid();
  volatile int failure = 0;
  pid_t child = vfork();
  if (child == 0) {
    int error = 0;
    // Signals stay blocked until no handler of the parent is left to run here. The
    // child's dispositions are its own (vfork shares memory, not the signal table).
    for (int number = 1; number < NSIG; number++) {
      if (number != SIGKILL && number != SIGSTOP) signal(number, SIG_DFL);
    }
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0UL, 0UL, 0UL) != 0) error = errno;
    // The parent died before the request was made: it will never be delivered.
    if (error == 0 && getppid() != parent) error = ESRCH;
    if (error == 0 && own_group && setpgid(0, 0) != 0) error = errno;
    int out = error == 0 ? fcntl(output, F_DUPFD_CLOEXEC, 3) : -1;
    if (error == 0 && out < 0) error = errno;
    if (error == 0 && dup2(out, 1) < 0) error = errno;
    if (error == 0 && keep_errors && dup2(out, 2) < 0) error = errno;
    if (error == 0 && !keep_errors) {
      int null = open("/dev/null", O_WRONLY);
      if (null < 0 || dup2(null, 2) < 0) error = errno;
      if (null > 2) close(null);
    }
    if (error == 0) {
      int null = open("/dev/null", O_RDONLY);
      if (null < 0 || dup2(null, 0) < 0) error = errno;
      if (null > 2) close(null);
    }
    if (error == 0 && directory != NULL && chdir(directory) != 0) error = errno;
    if (error == 0) {
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, NULL);
      execve(path, argv, envp);
      error = errno;
    }
    failure = error;
    _exit(127);
  }
  int forkError = child < 0 ? errno : 0;
  sigprocmask(SIG_SETMASK, &saved, NULL);
  if (forkError != 0) return forkError;
  if (failure != 0) {
    while (waitpid(child, NULL, 0) < 0 && errno == EINTR) {
    }
    return failure;
  }
  *pid = child;
  return 0;
}

#endif
