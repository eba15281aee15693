import CSyncTraceRuntime
@testable import SyncTrace
import Testing

/// The recorder's stack capture pieces, alone: the frame-pointer walk, the thread's cache and the
/// session's table (AddressSanitizer runs these in `Scripts/asan.sh`).
@Suite("Stack capture")
struct StackCaptureTests {
    /// Walks from a frame two calls below the test, so that the walk has frames to find.
    @inline(never) static func walk(depth: UInt32, high: UInt) -> [UInt] {
        [UInt](unsafeUninitializedCapacity: Int(SYNCTRACE_MAX_STACK_DEPTH)) { frames, count in
            count = Int(synctrace_walk_stack(frames.baseAddress!, depth, high))
        }
    }

    @inline(never) static func twice(depth: UInt32, high: UInt) -> ([UInt], [UInt]) {
        (Self.walk(depth: depth, high: high), Self.walk(depth: depth, high: high))
    }

    @Test("the walk finds frames up to its depth and stays inside the thread's stack")
    func walkStaysInBounds() {
        let high = synctrace_current_stack_high()
        #expect(high != 0)
        let (first, second) = Self.twice(depth: 8, high: high)
        #expect(first.count == 8, "a test runs at least eight frames deep")
        // Walks from one call site give one stack; from two call sites (the two in `twice`), two.
        var again: [[UInt]] = []
        for _ in 0..<2 { again.append(Self.walk(depth: 8, high: high)) }
        #expect(again[0] == again[1] && again[0].count == 8)
        #expect(first[0] != 0 && first != second)
        // A depth of one is the program counter alone; unknown stack bounds stop the walk there.
        #expect(Self.walk(depth: 1, high: high).count == 1)
        #expect(Self.walk(depth: 16, high: 0).count == 1)
        #expect(Self.walk(depth: UInt32(SYNCTRACE_MAX_STACK_DEPTH), high: high).count <= Int(SYNCTRACE_MAX_STACK_DEPTH))
    }

    @Test("the session interns each (call site, stack) pair once, and past its limit keeps the call site only")
    func sessionTable() {
        let stacks = SessionStacks(depth: 4, limit: 2)
        let file: StaticString = "Module/File.swift"
        let site = UnsafeRawPointer(file.utf8Start)
        func intern(_ frames: [UInt], line: UInt32 = 3) -> UnsafePointer<synctrace_stack_site> {
            frames.withUnsafeBufferPointer { stacks.intern(file: site, length: UInt32(file.utf8CodeUnitCount), line: line, frames: $0, key: UInt64(frames.first ?? 0)) }
        }
        let a = intern([1, 2, 3])
        #expect(intern([1, 2, 3]) == a)
        let b = intern([1, 2, 4])
        #expect(b != a && a.pointee.id == 0 && b.pointee.id == 1)
        #expect(a.pointee.depth == 3 && a.pointee.line == 3 && a.pointee.file == site)
        // The third distinct stack is past the limit: its pair has no frames, and every later stack
        // of that call site shares it.
        let c = intern([9, 9])
        #expect(c.pointee.depth == 0 && intern([7]) == c)
        #expect(intern([7], line: 4) != c)
        #expect(stacks.counts == (withFrames: 2, total: 4))
    }

    @Test("the thread cache hits for a stack it holds, misses for another, and keeps the miss's frames")
    func cache() {
        let cache = UnsafeMutablePointer<synctrace_stack_cache>.allocate(capacity: 1)
        defer { cache.deallocate() }
        UnsafeMutableRawPointer(cache).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<synctrace_stack_cache>.size)
        cache.pointee.depth = 6
        cache.pointee.stack_high = synctrace_current_stack_high()
        let stacks = SessionStacks(depth: 6)
        let file: StaticString = "Module/File.swift"
        let site = UnsafeRawPointer(file.utf8Start)
        var found: [UnsafePointer<synctrace_stack_site>?] = []
        // Twice from one call site: a miss, then (after interning the miss) a hit on the same pair.
        for _ in 0..<2 {
            let hit = synctrace_find_stack(cache, site, 7)
            if let hit {
                found.append(hit)
                continue
            }
            let depth = Int(cache.pointee.miss_depth)
            #expect(depth >= 2 && depth <= 6)
            let interned = withUnsafeBytes(of: &cache.pointee.miss_frames) { raw in
                stacks.intern(file: site, length: UInt32(file.utf8CodeUnitCount), line: 7,
                              frames: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt.self)[0..<depth]), key: cache.pointee.miss_key)
            }
            synctrace_cache_stack(cache, interned)
            found.append(nil)
        }
        #expect(found.count == 2 && found[0] == nil && found[1] != nil)
        // Another line is another pair: a miss.
        #expect(synctrace_find_stack(cache, site, 8) == nil)
    }

    @Test("a stack one thread interned is found by another's miss in the session's shared table, without the lock")
    func publishedStacks() {
        let stacks = SessionStacks(depth: 6)
        let file: StaticString = "Module/File.swift"
        let site = UnsafeRawPointer(file.utf8Start)
        let caches = (0..<2).map { _ -> UnsafeMutablePointer<synctrace_stack_cache> in
            let cache = UnsafeMutablePointer<synctrace_stack_cache>.allocate(capacity: 1)
            UnsafeMutableRawPointer(cache).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<synctrace_stack_cache>.size)
            cache.pointee.depth = 6
            cache.pointee.stack_high = synctrace_current_stack_high()
            return cache
        }
        defer { for cache in caches { cache.deallocate() } }
        var pairs: [UnsafePointer<synctrace_stack_site>?] = []
        // One call site, two caches (two threads' worth): both miss; the second finds the first's pair published.
        for cache in caches {
            #expect(synctrace_find_stack(cache, site, 9) == nil)
            let published = stacks.findPublished(cache, file: site, line: 9)
            if published == nil {
                let depth = Int(cache.pointee.miss_depth)
                _ = withUnsafeBytes(of: &cache.pointee.miss_frames) { raw in
                    stacks.intern(file: site, length: UInt32(file.utf8CodeUnitCount), line: 9,
                                  frames: UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt.self)[0..<depth]), key: cache.pointee.miss_key)
                }
            }
            pairs.append(published)
        }
        #expect(pairs[0] == nil && pairs[1] != nil && stacks.counts.total == 1)
    }
}
