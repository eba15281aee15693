import CSyncTraceRuntime
import Foundation
import SyncTraceFormat
import Testing

@testable import SyncTrace

extension RecorderTests {
    /// The clock events are stamped with: microseconds worth drawing on a timeline.
    @Suite("The event clock")
    struct EventClockTests {
        /// Nanoseconds per count of some counters, and the shift each gets.
        static let rates: [(Double, UInt32)] = [
            (1.0 / 3.0, 10),  // a 3 GHz TSC
            (1.0 / 2.1, 10),  // 2.1 GHz
            (1.0 / 4.5, 11),  // 4.5 GHz
            (1.0, 8),  // CLOCK_MONOTONIC's nanoseconds, or a 1 GHz counter
            (1000.0 / 24.0, 3),  // a 24 MHz counter (Apple silicon)
            (20.0, 4),  // 50 MHz
        ]

        @Test(
            "a tick lasts 0.25 to 0.5 µs whatever the counter's rate",
            arguments: Self.rates
        )
        func shifts(nanosecondsPerCount: Double, shift: UInt32) {
            let configuration = EventClock.Configuration(nanosecondsPerCount: nanosecondsPerCount, usesCounter: true)
            #expect(configuration.shift == shift)
            #expect(configuration.nanosecondsPerTick > 250 && configuration.nanosecondsPerTick <= 500)
        }

        @Test("a stamp's high half is restored from a reading within 2^31 ticks, before or after it, across a wrap")
        func unwrapping() {
            let now: UInt64 = 0x7_0000_0010
            #expect(synctrace_unwrap_timestamp(0x0000_0010, now) == now)
            // Stamped before the reading, across the low half's wrap.
            #expect(synctrace_unwrap_timestamp(0xFFFF_FFF0, now) == 0x6_FFFF_FFF0)
            // Stamped on another core just after the writer read its clock.
            #expect(synctrace_unwrap_timestamp(0x0000_0020, now) == 0x7_0000_0020)
            #expect(synctrace_unwrap_timestamp(0x8000_000F, now) == 0x7_8000_000F)
            #expect(synctrace_unwrap_timestamp(0x8000_0011, now) == 0x6_8000_0011)
        }

        @Test("the process's clock reads the configured counter, and its ticks advance with CLOCK_MONOTONIC")
        func processClock() {
            let configuration = EventClock.Configuration.process
            let ticks = EventClock.now()
            let start = synctrace_monotonic_nanoseconds()
            while synctrace_monotonic_nanoseconds() - start < 5_000_000 {}
            let elapsed = Double(EventClock.now() - ticks) * configuration.nanosecondsPerTick
            // 5 ms of spinning, measured by the counter to within 2%.
            #expect(elapsed > 4_900_000 && elapsed < 5_100_000 + 2_000_000)
            #if arch(x86_64) && os(Linux)
            let source = (try? String(contentsOfFile: "/sys/devices/system/clocksource/clocksource0/current_clocksource", encoding: .utf8)) ?? "tsc"
            #expect(configuration.usesCounter == (source.trimmingCharacters(in: .whitespacesAndNewlines) == "tsc"))
            #endif
        }

        @Test(
            "events 200 µs apart are stamped 200 µs apart, with the counter and with CLOCK_MONOTONIC",
            arguments: ["counter", "monotonic"]
        )
        func resolution(clock: String) throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            var environment = ["SYNCTRACE_OUTPUT": "ticks.synctrace"]
            if clock == "monotonic" { environment["SYNCTRACE_CLOCK"] = "monotonic" }
            let result = try Probe.run("\"$PROBE\" ticks 100", environment: environment, in: directory)
            #expect(result.status == 0)
            #expect(result.error.isEmpty)
            let (events, _) = try Probe.read(directory.appendingPathComponent("ticks.synctrace").path)
            let acquisitions = events.filter { $0.operation == .acquire }.map(\.timestamp)
            try #require(acquisitions.count == 101)
            // The spin between two acquisitions lasts 200 µs at least: every gap shows it (a clock
            // refreshed once a millisecond would give most of them 0). A microsecond is allowed
            // for the rounding of both ends.
            let gaps = zip(acquisitions.dropFirst(), acquisitions).map { Int64(bitPattern: $0 &- $1) }
            let short = gaps.prefix(100).filter { $0 < 199 }
            #expect(short.isEmpty, "gaps under 200 µs: \(short)")
            let sorted = gaps.prefix(100).sorted()
            // On a quiet machine the gaps are 200–210 µs; the median allows for a loaded one.
            #expect(sorted[50] < 1_000, "median gap \(sorted[50]) µs")
            // The last acquisition comes after 20 ms more.
            #expect(gaps.last! >= 20_000 - 1 && gaps.last! < 20_000 + 50_000)
            // Within one thread the stamps never go backwards.
            let stamps = events.map(\.timestamp)
            #expect(stamps == stamps.sorted())
        }
    }
}
