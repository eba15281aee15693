#define _GNU_SOURCE
#include "synctrace_runtime.h"

#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <pthread.h>
#endif

// Each on a cache line of its own: every traced operation reads them, so a neighbour written by
// another thread would make those reads miss (and the next lock instruction wait for the miss).
__attribute__((aligned(128))) uint64_t synctrace_session_epoch_storage = 0;
__attribute__((aligned(128))) uint64_t synctrace_requests_withheld_storage = 0;
__attribute__((aligned(128))) synctrace_clock_configuration synctrace_clock_storage = {8, 0};
__attribute__((aligned(128))) uint32_t synctrace_task_tracing_storage = 0;
__attribute__((aligned(128))) uint64_t synctrace_rendezvous_storage = 0;
SYNCTRACE_TLS void *synctrace_thread_recorder_storage = 0;
SYNCTRACE_TLS uint64_t synctrace_thread_epoch_storage = 0;
SYNCTRACE_TLS uint32_t synctrace_thread_id_storage = 0;

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static void (*exit_destructor)(void *) = 0;
static int exit_key_status = -1;

static void create_exit_key(void) {
    exit_key_status = pthread_key_create(&exit_key, exit_destructor);
}

int synctrace_install_thread_exit_handler(void (*destructor)(void *)) {
    exit_destructor = destructor;
    pthread_once(&exit_key_once, create_exit_key);
    return exit_key_status;
}

int synctrace_set_thread_exit_value(void *value) {
    if (exit_key_status != 0) return -1;
    return pthread_setspecific(exit_key, value);
}

void *synctrace_thread_exit_value(void) {
    if (exit_key_status != 0) return 0;
    return pthread_getspecific(exit_key);
}

uint64_t synctrace_monotonic_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int synctrace_is_main_thread(void) {
#if defined(__APPLE__)
    return pthread_main_np();
#else
    return gettid() == getpid();
#endif
}

int synctrace_current_thread_name(char *buffer, unsigned long size) {
    return pthread_getname_np(pthread_self(), buffer, size);
}

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static pthread_once_t membarrier_once = PTHREAD_ONCE_INIT;
static int membarrier_registered = 0;

static void register_membarrier(void) {
    membarrier_registered = syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

// The fallback: dropping a written page's access makes the kernel shoot down its TLB entry on every
// CPU that may hold it (every CPU running a thread of this process), by an interrupt that serializes
// each of them. The page is written first so that the entry is there to shoot down.
static void barrier_by_protection_change(void) {
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static volatile uint8_t *page = 0;
    pthread_mutex_lock(&lock);
    long size = sysconf(_SC_PAGESIZE);
    if (!page) {
        void *mapped = mmap(0, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        page = mapped == MAP_FAILED ? 0 : (volatile uint8_t *)mapped;
    }
    if (page) {
        mprotect((void *)page, (size_t)size, PROT_READ | PROT_WRITE);
        page[0] += 1;
        mprotect((void *)page, (size_t)size, PROT_NONE);
    }
    pthread_mutex_unlock(&lock);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void synctrace_process_barrier(void) {
    pthread_once(&membarrier_once, register_membarrier);
    if (membarrier_registered && syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0) return;
    barrier_by_protection_change();
}
#else
void synctrace_process_barrier(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
#endif

int synctrace_rendezvous_close(uint64_t epoch, uint64_t wait_limit) {
    uint64_t deadline = synctrace_monotonic_nanoseconds() + wait_limit;
    uint64_t state = __atomic_load_n(&synctrace_rendezvous_storage, __ATOMIC_RELAXED);
    for (;;) {
        uint64_t owner = state >> SYNCTRACE_RENDEZVOUS_EPOCH_SHIFT;
        if (owner > epoch) return 1;
        uint64_t closed = (epoch << SYNCTRACE_RENDEZVOUS_EPOCH_SHIFT) | SYNCTRACE_RENDEZVOUS_CLOSED;
        uint64_t in_flight = owner == epoch ? (state & SYNCTRACE_RENDEZVOUS_COUNT_MASK) : 0;
        // The senders of the pairs in flight were woken when their values were taken: each records
        // its send as soon as it has its channel's lock again, microseconds away unless preempted.
        int late = in_flight != 0 && synctrace_monotonic_nanoseconds() >= deadline;
        if (in_flight == 0 || late) {
            if (__atomic_compare_exchange_n(&synctrace_rendezvous_storage, &state, closed | in_flight, 1, __ATOMIC_ACQ_REL,
                                            __ATOMIC_RELAXED))
                return !late;
            continue;
        }
        sched_yield();
        state = __atomic_load_n(&synctrace_rendezvous_storage, __ATOMIC_RELAXED);
    }
}

void synctrace_rendezvous_refused(uint64_t epoch) {
    while (synctrace_session_epoch() == epoch) sched_yield();
}

uintptr_t synctrace_current_stack_high(void) {
#if defined(__APPLE__)
    return (uintptr_t)pthread_get_stackaddr_np(pthread_self());
#else
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return 0;
    void *low = 0;
    size_t size = 0;
    int status = pthread_attr_getstack(&attributes, &low, &size);
    pthread_attr_destroy(&attributes);
    return status == 0 ? (uintptr_t)low + size : 0;
#endif
}
