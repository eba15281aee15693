// The recorder's fork handlers, in C: a forked child runs them before any of its own code, and
// Swift code there may hang for good (its first run of a generic call site instantiates type
// metadata under a runtime lock that another thread of the parent may have held at the fork). So
// the child's side does only this: stop recording, let go of the trace file, unlock the recorder's
// process-wide locks. The Swift side notices a session it does not own later, in ordinary code.
#define _GNU_SOURCE
#include "synctrace_runtime.h"

#include <pthread.h>
#include <unistd.h>

#define FORK_LOCK_LIMIT 16

static pthread_mutex_t *fork_locks[FORK_LOCK_LIMIT];
static int fork_lock_count = 0;
static pthread_mutex_t registration_lock = PTHREAD_MUTEX_INITIALIZER;
static int trace_descriptor = -1;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void prepare_fork(void) {
    pthread_mutex_lock(&registration_lock);
    for (int index = 0; index < fork_lock_count; index++) pthread_mutex_lock(fork_locks[index]);
}

static void unlock_all(void) {
    for (int index = fork_lock_count - 1; index >= 0; index--) pthread_mutex_unlock(fork_locks[index]);
    pthread_mutex_unlock(&registration_lock);
}

static void parent_after_fork(void) { unlock_all(); }

static void child_after_fork(void) {
    synctrace_set_session_epoch(0);
    synctrace_signal_state_forked();
    int descriptor = __atomic_exchange_n(&trace_descriptor, -1, __ATOMIC_ACQ_REL);
    if (descriptor >= 0) close(descriptor);
    unlock_all();
}

static void install(void) { pthread_atfork(prepare_fork, parent_after_fork, child_after_fork); }

void synctrace_install_fork_handlers(void) { pthread_once(&install_once, install); }

int synctrace_register_fork_lock(pthread_mutex_t *mutex) {
    pthread_mutex_lock(&registration_lock);
    int registered = fork_lock_count < FORK_LOCK_LIMIT;
    if (registered) fork_locks[fork_lock_count++] = mutex;
    pthread_mutex_unlock(&registration_lock);
    return registered ? 0 : -1;
}

void synctrace_set_trace_descriptor(int descriptor) {
    __atomic_store_n(&trace_descriptor, descriptor, __ATOMIC_RELEASE);
}
