// The recorder's signal handlers. A process that dies of a signal would otherwise take the events
// still in its buffers with it. The handler does not write them itself: it asks the recorder's
// writer thread to (that thread owns the encoder, and may allocate and take locks, none of which a
// handler may do), waits a bounded time for the answer, then hands the signal on to the handler
// that was there before (Swift's backtracer, an app's own) or to the default action, so that the
// process dies as it would have, with the same status and the same backtrace.
//
// Everything a handler does here is async-signal-safe: atomic loads and stores, clock_gettime,
// nanosleep, sigaction, getpid, and the tgkill/gettid system calls.
#define _GNU_SOURCE
#include "synctrace_runtime.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const int handled_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGTERM, SIGINT};
#define HANDLED_COUNT (sizeof(handled_signals) / sizeof(handled_signals[0]))

// What was installed before ours, by signal number: where the signal is handed on.
static struct sigaction previous_actions[65];
static int installed[65];
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;

// The protocol between a handler and the writer thread. A handler publishes a request (the signal,
// and whether the trace is to be finished or only flushed) unless one is pending; the writer takes
// it, writes, bumps `completed` and clears the request. The request is one word (the signal, and
// bit 8 for "finish"), so that the writer never reads one request's signal with another's intent.
// `writer_tid` is the writer's kernel thread id while it can answer (0: no writer, the handler
// hands on at once).
static int32_t pending_request = 0;
static uint64_t requests_completed = 0;
static int32_t writer_tid = 0;
static int32_t handling_enabled = 0;
static uint64_t wait_limit_ns = 2000000000ull;

static pid_t current_tid(void) { return (pid_t)syscall(SYS_gettid); }

static uint64_t now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static int is_fatal_only(int signal) { return signal != SIGTERM && signal != SIGINT; }

/// Asks the writer to write what is recorded and waits for it, at most `wait_limit_ns`.
static void ask_writer(int signal, int finish) {
    int32_t tid = __atomic_load_n(&writer_tid, __ATOMIC_ACQUIRE);
    if (tid == 0 || tid == current_tid() || !__atomic_load_n(&handling_enabled, __ATOMIC_ACQUIRE)) return;
    uint64_t completed = __atomic_load_n(&requests_completed, __ATOMIC_ACQUIRE);
    int32_t request = signal | (finish ? 1 << 8 : 0);
    int32_t expected = 0;
    // Posted, it is done once the writer clears it; if another thread's request is pending (two
    // threads crashing at once), this one waits for that one to complete instead.
    int posted = __atomic_compare_exchange_n(&pending_request, &expected, request, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    uint64_t deadline = now_ns() + __atomic_load_n(&wait_limit_ns, __ATOMIC_RELAXED);
    while (posted ? __atomic_load_n(&pending_request, __ATOMIC_ACQUIRE) == request
                  : __atomic_load_n(&requests_completed, __ATOMIC_ACQUIRE) == completed) {
        if (__atomic_load_n(&writer_tid, __ATOMIC_ACQUIRE) == 0) break;
        if (now_ns() >= deadline) break;
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, 0);
    }
}

static void handle_signal(int signal, siginfo_t *info, void *context) {
    int saved_errno = errno;
    struct sigaction *previous = &previous_actions[signal];
    int previous_is_function = previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN;
    if (!is_fatal_only(signal) && previous_is_function) {
        // An app's own SIGTERM or SIGINT handler decides whether the process ends: put everything so
        // far on disk, leave the trace open, and let that handler run.
        ask_writer(signal, 0);
        errno = saved_errno;
        if (previous->sa_flags & SA_SIGINFO) {
            previous->sa_sigaction(signal, info, context);
        } else {
            previous->sa_handler(signal);
        }
        return;
    }
    ask_writer(signal, 1);
    // Hand on: the previous action becomes the signal's again, and the signal is delivered anew
    // when this handler returns (it is blocked until then). A fault the kernel raised comes back by
    // itself, with its own context, when the faulting instruction runs again; anything else (raise,
    // abort, kill, and a trap instruction that does not run again) is sent again.
    sigaction(signal, previous, 0);
    __atomic_store_n(&installed[signal], 0, __ATOMIC_RELEASE);
    int resent_by_kernel = info != 0 && info->si_code > 0 && signal != SIGTRAP && signal != SIGTERM && signal != SIGINT;
    if (!resent_by_kernel) syscall(SYS_tgkill, getpid(), current_tid(), signal);
    errno = saved_errno;
}

int synctrace_install_signal_handlers(void) {
    pthread_mutex_lock(&install_lock);
    int count = 0;
    for (unsigned index = 0; index < HANDLED_COUNT; index++) {
        int signal = handled_signals[index];
        if (installed[signal]) continue;
        struct sigaction current;
        if (sigaction(signal, 0, &current) != 0) continue;
        // A signal the program ignores stays ignored (nohup, a daemon's SIGINT).
        if (current.sa_handler == SIG_IGN) continue;
        struct sigaction ours;
        memset(&ours, 0, sizeof ours);
        ours.sa_sigaction = handle_signal;
        ours.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
        sigemptyset(&ours.sa_mask);
        for (unsigned other = 0; other < HANDLED_COUNT; other++) sigaddset(&ours.sa_mask, handled_signals[other]);
        previous_actions[signal] = current;
        if (sigaction(signal, &ours, 0) == 0) {
            installed[signal] = 1;
            count++;
        }
    }
    pthread_mutex_unlock(&install_lock);
    return count;
}

void synctrace_set_signal_handling(int enabled, uint64_t wait_limit) {
    __atomic_store_n(&wait_limit_ns, wait_limit, __ATOMIC_RELAXED);
    __atomic_store_n(&handling_enabled, enabled, __ATOMIC_RELEASE);
}

void synctrace_writer_started(void) { __atomic_store_n(&writer_tid, (int32_t)current_tid(), __ATOMIC_RELEASE); }

void synctrace_writer_stopped(void) {
    // Only its own: the next session's writer may have started already.
    int32_t own = (int32_t)current_tid();
    __atomic_compare_exchange_n(&writer_tid, &own, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void synctrace_signal_state_forked(void) {
    // The child of a fork has no writer thread: its handlers hand signals on at once.
    __atomic_store_n(&writer_tid, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&pending_request, 0, __ATOMIC_RELEASE);
}

int synctrace_pending_signal_request(int *finish) {
    int request = __atomic_load_n(&pending_request, __ATOMIC_ACQUIRE);
    if (request != 0 && finish) *finish = (request >> 8) & 1;
    return request & 0xff;
}

void synctrace_complete_signal_request(void) {
    __atomic_add_fetch(&requests_completed, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&pending_request, 0, __ATOMIC_RELEASE);
}

int synctrace_block_process_signals(void) {
    // The writer and watchdog threads take no SIGTERM or SIGINT, so the kernel delivers those to a
    // thread that can wait for the writer; and no SIGXFSZ, so that a file-size limit makes the
    // writer's write fail (EFBIG) like a full disk instead of killing the process.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGXFSZ);
    return pthread_sigmask(SIG_BLOCK, &set, 0);
}
