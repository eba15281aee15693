// The recorder's per-thread and process-wide slots, in C because Swift has no thread-local storage
// of its own that costs what a C `_Thread_local` read costs (about 1 ns through a static inline
// accessor, against about 2 ns for pthread_getspecific and 250 ns for Thread.threadDictionary).
#ifndef SYNCTRACE_RUNTIME_H
#define SYNCTRACE_RUNTIME_H

#include <pthread.h>
#include <stdint.h>

#include "synctrace_stacks.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The epoch of the running recording session; 0 while nothing records. Written only when a session
/// starts or stops; read (relaxed) by every traced operation as its one predictable branch.
extern uint64_t synctrace_session_epoch_storage;
/// How events are stamped (see synctrace_clock_ticks): set once per process, before the first
/// session starts, and only read after.
typedef struct {
    /// The counter is shifted right by this many bits: a tick is 0.25 to 0.5 µs (EventClock).
    uint32_t shift;
    /// 1: the CPU's counter (x86's TSC, AArch64's virtual counter); 0: CLOCK_MONOTONIC.
    uint32_t uses_counter;
} synctrace_clock_configuration;
extern synctrace_clock_configuration synctrace_clock_storage;

// The initial-exec model makes a thread-local read one instruction off the thread pointer instead
// of a call to __tls_get_addr (the default for position-independent code).
#define SYNCTRACE_TLS _Thread_local __attribute__((tls_model("initial-exec")))

/// This thread's recorder (an unmanaged Swift object) and the session epoch it belongs to.
extern SYNCTRACE_TLS void *synctrace_thread_recorder_storage;
extern SYNCTRACE_TLS uint64_t synctrace_thread_epoch_storage;

static inline uint64_t synctrace_session_epoch(void) {
    return __atomic_load_n(&synctrace_session_epoch_storage, __ATOMIC_RELAXED);
}

static inline void synctrace_set_session_epoch(uint64_t epoch) {
    __atomic_store_n(&synctrace_session_epoch_storage, epoch, __ATOMIC_SEQ_CST);
}

/// The epoch of the session whose `req` events are withheld (0: none): a dying process's session,
/// whose writer lets the waits already recorded end before it takes the final snapshot (see
/// synctrace_append). An epoch rather than a flag, so that a later session needs no reset.
extern uint64_t synctrace_requests_withheld_storage;

static inline uint64_t synctrace_requests_withheld(void) {
    return __atomic_load_n(&synctrace_requests_withheld_storage, __ATOMIC_RELAXED);
}

/// From now on, `req` events of session `epoch` are not recorded (the caller then makes every
/// thread pass a barrier and waits out the appends under way, as stop() does for the epoch).
static inline void synctrace_withhold_requests(uint64_t epoch) {
    __atomic_store_n(&synctrace_requests_withheld_storage, epoch, __ATOMIC_SEQ_CST);
}

/// The rendezvous hand-overs under way (a receive recorded, its send not yet): the session's epoch in
/// the high bits, a closed flag, and how many pairs are in flight in the low 20 bits. A rendezvous is
/// two events on two threads, the receive and the send it completes, and a trace must hold both or
/// neither, and nothing either thread does after a pair the trace lacks. stop() closes the pairs of
/// its session once none is in flight (synctrace_rendezvous_close), then ends the session; a pair
/// refused in between makes both its threads wait until the session has ended
/// (synctrace_rendezvous_refused), so that nothing they do after it is recorded either.
extern uint64_t synctrace_rendezvous_storage;

#define SYNCTRACE_RENDEZVOUS_COUNT_MASK ((UINT64_C(1) << 20) - 1)
#define SYNCTRACE_RENDEZVOUS_CLOSED (UINT64_C(1) << 20)
#define SYNCTRACE_RENDEZVOUS_EPOCH_SHIFT 21

/// A receiver is about to take the numbers of a rendezvous pair in session `epoch` (the channel's
/// lock held): 1 when the pair may be recorded (call synctrace_rendezvous_end once its send is),
/// 0 when the session has closed them (record neither; see synctrace_rendezvous_refused).
static inline int synctrace_rendezvous_begin(uint64_t epoch) {
    uint64_t state = __atomic_load_n(&synctrace_rendezvous_storage, __ATOMIC_RELAXED);
    for (;;) {
        uint64_t owner = state >> SYNCTRACE_RENDEZVOUS_EPOCH_SHIFT;
        uint64_t next;
        if (owner == epoch) {
            if (state & SYNCTRACE_RENDEZVOUS_CLOSED) return 0;
            next = state + 1;
        } else if (owner < epoch) {
            // The first pair of this session: what is left is an earlier session's.
            next = (epoch << SYNCTRACE_RENDEZVOUS_EPOCH_SHIFT) + 1;
        } else {
            return 0;
        }
        if (__atomic_compare_exchange_n(&synctrace_rendezvous_storage, &state, next, 1, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return 1;
    }
}

/// The send of a pair synctrace_rendezvous_begin let begin in session `epoch` is recorded (or was
/// refused): the pair is no longer in flight.
static inline void synctrace_rendezvous_end(uint64_t epoch) {
    uint64_t state = __atomic_load_n(&synctrace_rendezvous_storage, __ATOMIC_RELAXED);
    while ((state >> SYNCTRACE_RENDEZVOUS_EPOCH_SHIFT) == epoch && (state & SYNCTRACE_RENDEZVOUS_COUNT_MASK) > 0) {
        if (__atomic_compare_exchange_n(&synctrace_rendezvous_storage, &state, state - 1, 1, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return;
    }
}

/// Waits until the session epoch is no longer `epoch`: for both threads of a pair that session
/// refused, which the session is about to end (stop() ends it right after closing its pairs).
void synctrace_rendezvous_refused(uint64_t epoch);

/// Closes the rendezvous pairs of session `epoch` once none is in flight, waiting at most
/// `wait_limit` nanoseconds for those that are (then closing regardless); 1 when none was cut. For
/// stop(), while the session still runs, right before it ends the session.
int synctrace_rendezvous_close(uint64_t epoch, uint64_t wait_limit);

/// The operation byte of a `req` event (TraceOperation.request), which synctrace_append withholds
/// while the session's requests are withheld.
#define SYNCTRACE_REQUEST_OPERATION 7

/// Nanoseconds of CLOCK_MONOTONIC.
uint64_t synctrace_monotonic_nanoseconds(void);

/// The raw counter events are stamped from: the CPU's own (an unprivileged register read of about
/// 10 ns, where a clock_gettime call costs about 30) when the process found it usable, else
/// CLOCK_MONOTONIC in nanoseconds.
static inline uint64_t synctrace_clock_counter(void) {
#if defined(__x86_64__)
    if (__builtin_expect(__atomic_load_n(&synctrace_clock_storage.uses_counter, __ATOMIC_RELAXED) != 0, 1)) {
        return __builtin_ia32_rdtsc();
    }
#elif defined(__aarch64__)
    if (__builtin_expect(__atomic_load_n(&synctrace_clock_storage.uses_counter, __ATOMIC_RELAXED) != 0, 1)) {
        uint64_t value;
        __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(value));
        return value;
    }
#endif
    return synctrace_monotonic_nanoseconds();
}

/// The bits the counter is shifted right by to make ticks.
static inline uint32_t synctrace_clock_shift(void) {
    return __atomic_load_n(&synctrace_clock_storage.shift, __ATOMIC_RELAXED);
}

/// Now, in ticks of the event clock (the counter shifted by the configured amount): what an event's
/// timestamp holds the low 32 bits of.
static inline uint64_t synctrace_clock_ticks(void) {
    return synctrace_clock_counter() >> synctrace_clock_shift();
}

/// Sets how events are stamped; for EventClock, once, before any session starts.
static inline void synctrace_configure_clock(uint32_t shift, uint32_t uses_counter) {
    __atomic_store_n(&synctrace_clock_storage.shift, shift, __ATOMIC_RELAXED);
    __atomic_store_n(&synctrace_clock_storage.uses_counter, uses_counter, __ATOMIC_RELAXED);
}

/// This thread's recorder if it belongs to session `epoch`, else NULL.
static inline void *synctrace_thread_recorder(uint64_t epoch) {
    return synctrace_thread_epoch_storage == epoch ? synctrace_thread_recorder_storage : (void *)0;
}

static inline void synctrace_set_thread_recorder(void *recorder, uint64_t epoch) {
    synctrace_thread_recorder_storage = recorder;
    synctrace_thread_epoch_storage = epoch;
}

/// This thread's id in the trace plus one (0 until the thread is first seen); it outlives sessions,
/// so a thread keeps its identity across recordings. TracedThread sets it before the body runs.
extern SYNCTRACE_TLS uint32_t synctrace_thread_id_storage;

static inline uint32_t synctrace_thread_id_plus_one(void) { return synctrace_thread_id_storage; }
static inline void synctrace_set_thread_id_plus_one(uint32_t value) { synctrace_thread_id_storage = value; }

/// One recorded event as the recording thread writes it: 40 bytes, no references, so the hot path
/// is a handful of stores. The writer thread turns it into a trace event (it interns `file`/`line`
/// into a location string, which is why the raw pointer of the `#fileID` literal is kept).
///
/// Laid out for the stores: `line`, `file_length`, `operation` and `reserved` are constants at every
/// call site and share one 8-byte word, which the compiler writes with a single store. Fewer stores
/// matter more than they seem: the program's next locked instruction (its unlock) waits until every
/// store before it has reached the cache.
typedef struct {
    const void *file;
    uint64_t sequence;
    int64_t argument;
    uint32_t object;
    /// The event clock's ticks when the event was recorded, modulo 2^32 (synctrace_clock_ticks):
    /// the writer, which encodes an event within milliseconds and long before the 9 minutes or more
    /// that 2^31 ticks take, restores the high half from its own reading (synctrace_unwrap_timestamp).
    uint32_t timestamp;
    uint32_t line;
    uint16_t file_length;
    uint8_t operation;
    uint8_t reserved;
} synctrace_event;

/// The full tick count of an event stamped `stamp` (the ticks' low 32 bits), given the ticks `now`
/// read less than 2^31 ticks from the stamp, before or after it (a stamp taken on another core
/// just after the writer read its clock is later than `now`).
static inline uint64_t synctrace_unwrap_timestamp(uint32_t stamp, uint64_t now) {
    return now + (uint64_t)(int64_t)(int32_t)(stamp - (uint32_t)now);
}

/// A logical thread's place in its own program order: how many events it has recorded. A Swift
/// task or a dispatched work item is one logical thread however many OS threads run it; the OS
/// thread running it counts its events here, so that whichever OS thread runs it next can say where
/// its events continue.
/// How many mutexes a thread remembers having taken a copy of the value out of (see
/// synctrace_value_copies): direct-mapped by the mutex's id.
#define SYNCTRACE_VALUE_COPY_SLOTS 8

typedef struct {
    uint64_t events;
    /// The buffer of the OS thread that last ran it: when another one has run it since, the next
    /// event writes a fresh switch record, since its events continue at a new position.
    const void *buffer;
    uint32_t id;
    /// The mutexes whose value it took a copy of (see synctrace_value_copies).
    uint64_t value_copies[SYNCTRACE_VALUE_COPY_SLOTS];
} synctrace_logical_thread;

/// A thread's event buffer. Only the owning thread appends; `count` is published with a release
/// store so that stop() on another thread can take the events written so far.
///
/// `logical` is the logical thread the OS thread runs now (NULL: the OS thread itself), and `task`
/// the Swift task it last saw running (NULL: none); both change only on the owning thread, through a
/// switch record (see synctrace_record_switch).
///
/// `appending` is the session epoch of the event the owner is appending right now (0: none): set
/// before the owner checks that the session still runs and cleared once the event is published, so
/// that stop() can wait out an event that passed the check (see synctrace_append).
typedef struct {
    synctrace_event *events;
    uint64_t count;
    uint64_t capacity;
    void *owner;
    synctrace_logical_thread *logical;
    const void *task;
    uint64_t appending;
    /// The thread's stack capture (NULL: the session records no stacks); the owner's alone.
    synctrace_stack_cache *stacks;
    /// The mutexes whose value the OS thread itself took a copy of (see synctrace_value_copies).
    uint64_t value_copies[SYNCTRACE_VALUE_COPY_SLOTS];
} synctrace_thread_buffer;

enum {
    SYNCTRACE_RECORDED = 0,
    SYNCTRACE_BUFFER_FULL = 1,
    SYNCTRACE_NO_BUFFER = 2,
    /// The Swift task running on this OS thread is not the one the buffer last saw, or its logical
    /// thread ran on another OS thread since: the caller switches logical threads (a switch record)
    /// and tries again. Nothing was recorded.
    SYNCTRACE_TASK_CHANGED = 3,
    /// The event's session has stopped (or another one runs): nothing was recorded, and nothing of
    /// that session will be from this thread again.
    SYNCTRACE_SESSION_ENDED = 4,
    /// The event is a `req` and the session's requests are withheld: nothing was recorded, and the
    /// thread's other events still are.
    SYNCTRACE_WITHHELD = 5,
    /// The event's stack is not in the thread's stack cache: nothing was recorded; the caller interns
    /// the stack the cache's miss fields hold and records the event with it (synctrace_record_site).
    SYNCTRACE_STACK_MISS = 6,
};

/// Orders the owner's store of `appending` before its load of the session epoch, as far as stop()
/// can tell: on Linux a compiler barrier, because stop() makes every thread of the process execute
/// a full barrier (synctrace_process_barrier, membarrier) before it looks; elsewhere a full fence.
static inline void synctrace_appending_fence(void) {
#if defined(__linux__)
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/// The operation byte of a switch record: never a trace operation (those are 1...63). Its `object`
/// is the thread the following events belong to (an OS thread's id, or a logical thread's with the
/// high bit set); its `sequence` that thread's event count so far (a logical thread), or UINT64_MAX
/// (an OS thread, in file order).
#define SYNCTRACE_SWITCH_OPERATION 0xFF
/// The operation byte of an announcement: logical thread `object` exists (it was just forked).
#define SYNCTRACE_ANNOUNCE_OPERATION 0xFE
/// The operation byte of a declaration: what the writer needs to declare logical thread `object`,
/// ahead of an event that names it (a join recorded on another OS thread than the fork was).
#define SYNCTRACE_DECLARE_OPERATION 0xFD

/// Nonzero once the program has started a traced task: from then on every event checks which task
/// runs it (a Swift task moves between OS threads between any two of its events).
extern uint32_t synctrace_task_tracing_storage;

static inline uint32_t synctrace_task_tracing(void) {
    return __atomic_load_n(&synctrace_task_tracing_storage, __ATOMIC_RELAXED);
}

static inline void synctrace_enable_task_tracing(void) {
    __atomic_store_n(&synctrace_task_tracing_storage, 1, __ATOMIC_RELAXED);
}

/// The Swift runtime's current task (NULL outside a task): a thread-local read in the runtime.
extern void *swift_task_getCurrent(void) __attribute__((swiftcall));

static inline const void *synctrace_current_task(void) {
    return swift_task_getCurrent();
}

/// Appends an event to this thread's buffer for session `epoch`. Returns SYNCTRACE_RECORDED, or
/// SYNCTRACE_BUFFER_FULL when the buffer has just filled up (the caller hands it over), or
/// SYNCTRACE_NO_BUFFER when the thread has no buffer for this session yet (nothing was recorded;
/// the caller registers the thread and tries again), or SYNCTRACE_SESSION_ENDED, or SYNCTRACE_WITHHELD.
///
/// An event is in its session's trace exactly when the session is still running as it is appended,
/// and callers append while holding the object's own synchronization, so the events a trace holds
/// follow every object's order without a hole: a later event of the object is appended after this
/// check, and sees the session stopped if this one did. stop() waits out appends past the check.
///
/// A `req` is checked in the same window against the withheld requests' epoch: once a dying
/// process's writer has withheld them, made every thread pass a barrier and waited out the appends
/// under way, no new wait is recorded, and the waits recorded before can end (their `acq` still is)
/// before the snapshot. An unnumbered event left out leaves no hole in any object's numbering.
///
/// With stacks on (`buffer->stacks`), an operation a finding can show carries its stack: `site`
/// when the caller has it (a retry after SYNCTRACE_STACK_MISS), else the one the walk from here
/// finds in the thread's cache; the event's `file` then points at the interned pair, flagged in
/// `reserved`.
static inline int synctrace_append(synctrace_thread_buffer *buffer, uint64_t epoch, uint8_t operation, uint32_t object,
                                   uint64_t sequence, int64_t argument, const void *file, uint32_t file_length,
                                   uint32_t line, const synctrace_stack_site *site) {
    synctrace_logical_thread *logical = buffer->logical;
    if (logical && __builtin_expect(logical->buffer != buffer, 0)) return SYNCTRACE_TASK_CHANGED;
    __atomic_store_n(&buffer->appending, epoch, __ATOMIC_RELAXED);
    synctrace_appending_fence();
    if (__builtin_expect(synctrace_session_epoch() != epoch, 0)) {
        __atomic_store_n(&buffer->appending, 0, __ATOMIC_RELAXED);
        return SYNCTRACE_SESSION_ENDED;
    }
    // A constant comparison once inlined into a call site (every call site names its operation).
    if (__builtin_expect(operation == SYNCTRACE_REQUEST_OPERATION, 0) && synctrace_requests_withheld() == epoch) {
        __atomic_store_n(&buffer->appending, 0, __ATOMIC_RELAXED);
        return SYNCTRACE_WITHHELD;
    }
    uint8_t reserved = 0;
    synctrace_stack_cache *stacks = buffer->stacks;
    if (__builtin_expect(stacks != 0, 0) && synctrace_operation_has_stack(operation) && file_length > 0) {
        if (site == 0) site = synctrace_find_stack(stacks, file, line);
        if (__builtin_expect(site == 0, 0)) {
            __atomic_store_n(&buffer->appending, 0, __ATOMIC_RELAXED);
            return SYNCTRACE_STACK_MISS;
        }
        file = site;
        reserved = SYNCTRACE_EVENT_HAS_STACK;
    }
    if (logical) logical->events += 1;
    uint64_t count = buffer->count;
    synctrace_event *event = buffer->events + count;
    event->file = file;
    event->sequence = sequence;
    event->argument = argument;
    event->object = object;
    event->timestamp = (uint32_t)synctrace_clock_ticks();
    event->line = line;
    event->file_length = (uint16_t)file_length;
    event->operation = operation;
    event->reserved = reserved;
    // Claim the buffer's next lines ahead of time: they were last read by the writer thread on
    // another core, and a store that has to fetch its line stalls the next locked instruction.
    __builtin_prefetch(event + 8, 1, 3);
    __atomic_store_n(&buffer->count, count + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&buffer->appending, 0, __ATOMIC_RELEASE);
    return count + 1 == buffer->capacity ? SYNCTRACE_BUFFER_FULL : SYNCTRACE_RECORDED;
}

/// Whether the owner of `buffer` is appending an event of session `epoch` past the check that the
/// session runs (after synctrace_process_barrier, a stop() that sees 0 knows none will follow).
static inline int synctrace_is_appending(synctrace_thread_buffer *buffer, uint64_t epoch) {
    return __atomic_load_n(&buffer->appending, __ATOMIC_ACQUIRE) == epoch;
}

static inline int synctrace_record(uint64_t epoch, uint8_t operation, uint32_t object, uint64_t sequence,
                                   int64_t argument, const void *file, uint32_t file_length, uint32_t line) {
    synctrace_thread_buffer *buffer = (synctrace_thread_buffer *)synctrace_thread_recorder(epoch);
    if (__builtin_expect(buffer == 0, 0)) return SYNCTRACE_NO_BUFFER;
    if (__builtin_expect(synctrace_task_tracing() != 0, 0)) {
        if (synctrace_current_task() != buffer->task) return SYNCTRACE_TASK_CHANGED;
    }
    return synctrace_append(buffer, epoch, operation, object, sequence, argument, file, file_length, line, 0);
}

/// Like synctrace_record, right after the caller made the buffer's logical thread the one running
/// now (so it does not check the task again: an untraced task never matches the buffer's).
static inline int synctrace_record_switched(uint64_t epoch, uint8_t operation, uint32_t object, uint64_t sequence,
                                            int64_t argument, const void *file, uint32_t file_length, uint32_t line) {
    synctrace_thread_buffer *buffer = (synctrace_thread_buffer *)synctrace_thread_recorder(epoch);
    if (__builtin_expect(buffer == 0, 0)) return SYNCTRACE_NO_BUFFER;
    return synctrace_append(buffer, epoch, operation, object, sequence, argument, file, file_length, line, 0);
}

/// Records an event with the stack `site` the caller interned after SYNCTRACE_STACK_MISS, on this
/// thread's buffer for session `epoch` (which the caller's first attempt found).
static inline int synctrace_record_site(uint64_t epoch, uint8_t operation, uint32_t object, uint64_t sequence,
                                        int64_t argument, const synctrace_stack_site *site) {
    synctrace_thread_buffer *buffer = (synctrace_thread_buffer *)synctrace_thread_recorder(epoch);
    if (__builtin_expect(buffer == 0, 0)) return SYNCTRACE_NO_BUFFER;
    return synctrace_append(buffer, epoch, operation, object, sequence, argument, site->file, site->file_length,
                            site->line, site);
}

/// Appends a switch or announcement record (`operation` SYNCTRACE_SWITCH_OPERATION or
/// SYNCTRACE_ANNOUNCE_OPERATION) to this thread's buffer; a switch also makes `logical` and `task`
/// the buffer's current ones. `owner` (a retained reference the writer releases, or NULL) goes in the
/// record's `file` slot: what the writer needs to declare the logical thread. The caller holds the buffer (it is this thread's, for this session).
/// Returns SYNCTRACE_RECORDED or SYNCTRACE_BUFFER_FULL.
static inline int synctrace_record_switch(synctrace_thread_buffer *buffer, uint8_t operation, uint32_t thread,
                                          uint64_t position, synctrace_logical_thread *logical, const void *task,
                                          const void *owner) {
    uint64_t count = buffer->count;
    synctrace_event *event = buffer->events + count;
    event->file = owner;
    event->sequence = position;
    event->argument = 0;
    event->object = thread;
    event->timestamp = (uint32_t)synctrace_clock_ticks();
    event->line = 0;
    event->file_length = 0;
    event->operation = operation;
    event->reserved = 0;
    if (operation == SYNCTRACE_SWITCH_OPERATION) {
        buffer->logical = logical;
        buffer->task = task;
        if (logical) logical->buffer = buffer;
    }
    __atomic_store_n(&buffer->count, count + 1, __ATOMIC_RELEASE);
    return count + 1 == buffer->capacity ? SYNCTRACE_BUFFER_FULL : SYNCTRACE_RECORDED;
}

/// The slots in which the thread that recorded the last event (the logical thread the OS thread
/// runs, else the OS thread) remembers the mutexes whose whole value it copied out of a critical
/// section and has not written since, for session `epoch`; NULL when this thread has no buffer for
/// it. A TracedMutex asks right after recording its `acq`, so the thread is the one the trace
/// attributes the section to. Each slot holds (epoch's low 32 bits << 32) | (mutex id + 1); 0 is empty.
static inline uint64_t *synctrace_value_copies(uint64_t epoch) {
    synctrace_thread_buffer *buffer = (synctrace_thread_buffer *)synctrace_thread_recorder(epoch);
    if (__builtin_expect(buffer == 0, 0)) return 0;
    return buffer->logical ? buffer->logical->value_copies : buffer->value_copies;
}

static inline uint64_t synctrace_published_count(synctrace_thread_buffer *buffer) {
    return __atomic_load_n(&buffer->count, __ATOMIC_ACQUIRE);
}

/// 1 when the calling thread is the process's main thread.
int synctrace_is_main_thread(void);
/// Copies the calling thread's system name (pthread_getname_np) into `buffer`; 0 on success.
int synctrace_current_thread_name(char *buffer, unsigned long size);

/// Makes every running thread of the process execute a full memory barrier before this returns
/// (Linux: membarrier, private expedited; where that is missing, a page's protection changed, whose
/// TLB shoot-down interrupts every CPU running the process). Elsewhere nothing: the appending side
/// fences itself there (synctrace_appending_fence).
void synctrace_process_barrier(void);


/// Registers `destructor` to run with `value` when the calling thread exits (a pthread key), so a
/// thread's last events are handed over even when it ends without telling anyone. Returns 0 on success.
int synctrace_set_thread_exit_value(void *value);
/// The value last set by synctrace_set_thread_exit_value on this thread, or NULL.
void *synctrace_thread_exit_value(void);
/// Installs the destructor used by synctrace_set_thread_exit_value (once, before the first use).
int synctrace_install_thread_exit_handler(void (*destructor)(void *));

// MARK: Fork (synctrace_fork.c)

/// Installs the recorder's pthread_atfork handlers (once).
void synctrace_install_fork_handlers(void);
/// A process-wide lock of the recorder that fork() must not leave locked in the child: the handlers
/// take it before a fork and let go of it on both sides after. 0 on success.
int synctrace_register_fork_lock(pthread_mutex_t *mutex);
/// The running recording's trace file descriptor (-1: none), for a forked child to close.
void synctrace_set_trace_descriptor(int descriptor);

// MARK: Signals (synctrace_signals.c)

/// Installs the recorder's handlers for SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGTERM
/// and SIGINT (not for a signal the process ignores), keeping the actions they replace to hand the
/// signal on to. Idempotent; returns how many it installed this call.
int synctrace_install_signal_handlers(void);
/// Whether the installed handlers ask the writer to write before handing on (the session's option),
/// and how long, in nanoseconds, a handler waits for it at most.
void synctrace_set_signal_handling(int enabled, uint64_t wait_limit);
/// The writer thread says it can answer handlers' requests (from the thread itself), or no longer.
void synctrace_writer_started(void);
void synctrace_writer_stopped(void);
/// In the child of a fork: no writer answers there.
void synctrace_signal_state_forked(void);
/// The signal of a handler's pending request (0: none); `finish` says whether the trace is to be
/// finished (the process is dying) or only flushed (an app's own handler runs next).
int synctrace_pending_signal_request(int *finish);
/// The writer has written what the pending request asked for: the waiting handler goes on.
void synctrace_complete_signal_request(void);
/// Blocks SIGTERM, SIGINT and SIGXFSZ in the calling thread (the recorder's own threads).
int synctrace_block_process_signals(void);

#ifdef __cplusplus
}
#endif

#endif
