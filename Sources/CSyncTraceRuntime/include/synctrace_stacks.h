// Call-stack capture for the recorder's hot path: a frame-pointer walk on the recording thread and a
// per-thread direct-mapped cache from the walked frames to the session's interned stack, so that an
// event whose stack was seen before costs a walk, a mix and a compare — no lock, no allocation, no
// store outside the thread's own memory. Only a miss calls into Swift (which interns the stack under
// the session's lock).
#ifndef SYNCTRACE_STACKS_H
#define SYNCTRACE_STACKS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The deepest stack the recorder captures (frame 0, the program counter, included).
#define SYNCTRACE_MAX_STACK_DEPTH 64
/// Slots of a thread's stack cache: a power of two. A thread's hot (call site, stack) pairs are far
/// fewer; a pair evicted by a collision costs a lookup in the session's table, not a new stack.
#define SYNCTRACE_STACK_SLOTS 256

/// One distinct (call site, stack) pair of a session, interned once by the session (never freed
/// before the session is): what a recorded event's `file` points at when its `reserved` byte is
/// SYNCTRACE_EVENT_HAS_STACK. Immutable once published.
typedef struct {
    /// The call site's `#fileID` literal, its length and line.
    const void *file;
    uint32_t file_length;
    uint32_t line;
    /// The session's dense number of this pair (the writer's index for it).
    uint32_t id;
    /// Frames in `frames`: the program counter of the traced operation, then return addresses,
    /// innermost first.
    uint32_t depth;
    uint64_t key;
    uintptr_t frames[SYNCTRACE_MAX_STACK_DEPTH];
} synctrace_stack_site;

/// The `reserved` byte of a recorded event whose `file` is a synctrace_stack_site.
#define SYNCTRACE_EVENT_HAS_STACK 1

typedef struct {
    uint64_t key;
    const synctrace_stack_site *site;
} synctrace_stack_slot;

/// A recording thread's stack capture state: owned by its recorder, written by the owner only.
typedef struct {
    /// Frames to capture (1...SYNCTRACE_MAX_STACK_DEPTH).
    uint32_t depth;
    /// The last miss's frames and key, which the Swift side interns (synctrace_stack_miss).
    uint32_t miss_depth;
    uint64_t miss_key;
    /// One past the highest address of the thread's stack: a walk reads only frames below it and
    /// above the frame it starts in, so a frame pointer that is not one (code built without frame
    /// pointers) ends the walk instead of faulting.
    uintptr_t stack_high;
    uintptr_t miss_frames[SYNCTRACE_MAX_STACK_DEPTH];
    synctrace_stack_slot slots[SYNCTRACE_STACK_SLOTS];
} synctrace_stack_cache;

/// The operations whose events a finding can show, and so carry a stack: fork (a thread's creation
/// stack), acq, racq, req, r, w, aload, astore, armw. A constant test once inlined into a call site.
static inline int synctrace_operation_has_stack(uint8_t operation) {
    const uint64_t mask = (1u << 1) | (1u << 3) | (1u << 5) | (1u << 7) | (1u << 8) | (1u << 9) | (1u << 10) |
                          (1u << 11) | (1u << 12);
    return operation < 64 && ((mask >> operation) & 1) != 0;
}

/// The program counter where this is inlined (frame 0 of a stack: with inline frames, its line table
/// names the traced operation's caller even when the whole operation was inlined into it).
__attribute__((always_inline)) static inline uintptr_t synctrace_program_counter(void) {
    uintptr_t pc = 0;
#if defined(__x86_64__)
    __asm__ volatile("leaq 0(%%rip), %0" : "=r"(pc));
#elif defined(__aarch64__)
    __asm__ volatile("adr %0, ." : "=r"(pc));
#endif
    return pc;
}

/// Walks the frame-pointer chain from the calling frame into `frames` (at most `depth`, frame 0 the
/// program counter), reading only addresses in [the starting frame, stack_high); returns the count.
__attribute__((always_inline)) static inline uint32_t synctrace_walk_stack(uintptr_t *frames, uint32_t depth,
                                                                         uintptr_t stack_high) {
    uint32_t count = 0;
    frames[count++] = synctrace_program_counter();
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    while (count < depth) {
        // A frame is two words: the caller's frame pointer, then the return address. Frames grow
        // towards higher addresses as the walk goes out; anything else is not a frame chain.
        if ((frame & 7) != 0 || frame + 2 * sizeof(uintptr_t) > stack_high) break;
        const uintptr_t *words = (const uintptr_t *)frame;
        uintptr_t returnAddress = words[1];
        if (returnAddress == 0) break;
        frames[count++] = returnAddress;
        uintptr_t next = words[0];
        if (next <= frame) break;
        frame = next;
    }
    return count;
}

/// A cheap mix of a call site and its frames: the cache's key (equal keys are then compared whole).
static inline uint64_t synctrace_stack_key(const void *file, uint32_t line, const uintptr_t *frames, uint32_t count) {
    uint64_t key = ((uint64_t)(uintptr_t)file ^ ((uint64_t)line << 40)) * UINT64_C(0x9E3779B97F4A7C15);
    for (uint32_t index = 0; index < count; index++) {
        key = (key ^ (uint64_t)frames[index]) * UINT64_C(0x9E3779B97F4A7C15);
    }
    return key ^ (key >> 29);
}

/// The slot `key` is cached in.
static inline uint32_t synctrace_stack_slot_index(uint64_t key) {
    return (uint32_t)(key >> 56) & (SYNCTRACE_STACK_SLOTS - 1);
}

/// Captures the stack of the calling frame for call site `file`/`line` and returns its interned
/// pair from `cache`, or NULL on a miss (the frames and key are left in the cache's miss fields for
/// synctrace_stack_miss's caller to intern).
__attribute__((always_inline)) static inline const synctrace_stack_site *
synctrace_find_stack(synctrace_stack_cache *cache, const void *file, uint32_t line) {
    uintptr_t frames[SYNCTRACE_MAX_STACK_DEPTH];
    uint32_t count = synctrace_walk_stack(frames, cache->depth, cache->stack_high);
    uint64_t key = synctrace_stack_key(file, line, frames, count);
    const synctrace_stack_slot *slot = &cache->slots[synctrace_stack_slot_index(key)];
    const synctrace_stack_site *site = slot->site;
    if (__builtin_expect(slot->key == key && site != 0, 1) && site->file == file && site->line == line &&
        site->depth == count) {
        uint32_t index = 0;
        while (index < count && site->frames[index] == frames[index]) index++;
        if (index == count) return site;
    }
    cache->miss_key = key;
    cache->miss_depth = count;
    for (uint32_t index = 0; index < count; index++) cache->miss_frames[index] = frames[index];
    return 0;
}

/// Caches `site` (just interned for the cache's last miss) in its slot.
static inline void synctrace_cache_stack(synctrace_stack_cache *cache, const synctrace_stack_site *site) {
    synctrace_stack_slot *slot = &cache->slots[synctrace_stack_slot_index(site->key)];
    slot->key = site->key;
    slot->site = site;
}

/// Slots of a session's shared table of published pairs: a power of two. A thread's cache miss
/// looks there before it takes the session's lock, so that a thousand threads running the same code
/// find each other's stacks without queueing on the lock.
#define SYNCTRACE_SHARED_STACK_SLOTS 4096

/// The slot of the shared table `key` is published in (other bits of the key than a thread cache's).
static inline uint32_t synctrace_shared_stack_slot(uint64_t key) {
    return (uint32_t)(key >> 20) & (SYNCTRACE_SHARED_STACK_SLOTS - 1);
}

/// The pair the shared table `slots` holds for the cache's last miss (call site `file`/`line`), if
/// it holds it: an acquire load (pairs are immutable once published) and a compare, no lock.
static inline const synctrace_stack_site *synctrace_shared_find_stack(const synctrace_stack_site *const *slots,
                                                                      const synctrace_stack_cache *cache,
                                                                      const void *file, uint32_t line) {
    const synctrace_stack_site *site =
        __atomic_load_n(&slots[synctrace_shared_stack_slot(cache->miss_key)], __ATOMIC_ACQUIRE);
    if (site == 0 || site->key != cache->miss_key || site->file != file || site->line != line ||
        site->depth != cache->miss_depth)
        return 0;
    for (uint32_t index = 0; index < cache->miss_depth; index++) {
        if (site->frames[index] != cache->miss_frames[index]) return 0;
    }
    return site;
}

/// Publishes an interned pair in the shared table (replacing whichever the slot held).
static inline void synctrace_shared_publish_stack(const synctrace_stack_site **slots, const synctrace_stack_site *site) {
    __atomic_store_n(&slots[synctrace_shared_stack_slot(site->key)], site, __ATOMIC_RELEASE);
}

/// One past the highest address of the calling thread's stack (0 when unknown: walks then stop at
/// frame 0).
uintptr_t synctrace_current_stack_high(void);

#ifdef __cplusplus
}
#endif

#endif
