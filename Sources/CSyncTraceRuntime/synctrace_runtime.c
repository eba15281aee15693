#define _GNU_SOURCE
#include "synctrace_runtime.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <pthread.h>
#endif

// Each on a cache line of its own: every traced operation reads them, so a neighbour written by
// another thread would make those reads miss (and the next lock instruction wait for the miss).
__attribute__((aligned(128))) uint64_t synctrace_session_epoch_storage = 0;
__attribute__((aligned(128))) uint64_t synctrace_coarse_clock_storage = 0;
__attribute__((aligned(128))) uint32_t synctrace_task_tracing_storage = 0;
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
