import Foundation
import LostUpdateCounter
import RaceDetector
import Synchronization
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

/// An account whose balance is an actor's traced state.
actor TracedAccount {
    let balance: TracedActorState<Int>

    init(balance: Int) {
        self.balance = TracedActorState(balance, name: "balance")
    }

    /// The reentrancy bug: the balance is read, the actor suspends, and the stale value is written back.
    func withdrawAcrossSuspension(_ amount: Int, whileSuspended: @Sendable () async -> Void) async {
        let current = self.balance.read()
        await whileSuspended()
        self.balance.write(current - amount)
    }

    /// The fix: read and write within one job.
    func withdraw(_ amount: Int) {
        self.balance.update { $0 -= amount }
    }

    var current: Int { self.balance.read() }
}

/// Lets `parties` tasks wait until all of them have arrived (untraced: it only makes the
/// interleaving deterministic).
final class AsyncRendezvous: Sendable {
    private let state: Mutex<(arrived: Int, waiting: [CheckedContinuation<Void, Never>])>
    private let parties: Int

    init(parties: Int) {
        self.parties = parties
        self.state = Mutex((0, []))
    }

    func arriveAndWait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.arrived += 1
                state.waiting.append(continuation)
                guard state.arrived == self.parties else { return [] }
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in ready { waiter.resume() }
        }
    }
}

extension RecorderTests {
    /// Actors and async streams, recorded and analysed.
    @Suite("Recorded actors and async streams")
    struct RecordedActorTests {
        static func analyse(_ path: String) throws -> AnalysisReport {
            try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
        }

        static func temporaryPath() -> String {
            FileManager.default.temporaryDirectory.appendingPathComponent("actor-\(UUID().uuidString).synctrace").path
        }

        @Test("actor reentrancy: a balance read before an await and written after it loses an update, with no data race")
        func reentrancyLosesAnUpdate() async throws {
            let path = Self.temporaryPath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let final = try await TraceRecorder.record(to: path) { () async -> Int in
                let account = TracedAccount(balance: 1000)
                // Both withdrawals read the balance before either writes it back.
                let bothRead = AsyncRendezvous(parties: 2)
                let first = TracedTask(name: "first") { await account.withdrawAcrossSuspension(100) { await bothRead.arriveAndWait() } }
                let second = TracedTask(name: "second") { await account.withdrawAcrossSuspension(200) { await bothRead.arriveAndWait() } }
                await first.value
                await second.value
                return await account.current
            }.result
            #expect(final == 900 || final == 800)
            let report = try Self.analyse(path)
            #expect(RecordedLostUpdateTests.lost(report, "balance") == 1)
            #expect(!report.findings.contains { $0.plugin == "race" })
        }

        @Test("the same withdrawals within one job each: nothing lost, no race")
        func updatesWithinOneJob() async throws {
            let path = Self.temporaryPath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let final = try await TraceRecorder.record(to: path) { () async -> Int in
                let account = TracedAccount(balance: 1000)
                await withTracedTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 { group.addTask { await account.withdraw(10) } }
                }
                return await account.current
            }.result
            #expect(final == 920)
            let report = try Self.analyse(path)
            #expect(report.findings.isEmpty, "\(report.findings.map(\.title))")
        }

        @Test("an async stream orders each yield before the next() that returns it, and finish before the end; not what comes after a yield")
        func asyncStreamOrders() async throws {
            let path = Self.temporaryPath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let received = try await TraceRecorder.record(to: path) { () async -> [Int] in
                let payloads = (0..<5).map { TracedVar(0, name: "payload\($0)") }
                let summary = TracedVar(0, name: "summary")
                let afterLastYield = TracedVar(0, name: "afterLastYield")
                let (stream, continuation) = TracedAsyncStream.makeStream(of: Int.self, name: "stream")
                let producer = TracedTask(name: "producer") {
                    for index in 0..<5 {
                        payloads[index][] = index * 10
                        continuation.yield(index)
                    }
                    afterLastYield[] = 1
                    summary[] = 5
                    continuation.finish()
                }
                var received: [Int] = []
                for await index in stream {
                    received.append(payloads[index][])
                    // Ordered after the last yield, but not after the write that follows it: a race
                    // whatever the timing.
                    if index == 4 { _ = afterLastYield[] }
                }
                #expect(summary[] == 5)  // after the end of the stream: ordered by finish
                await producer.value
                return received
            }.result
            #expect(received == [0, 10, 20, 30, 40])
            let report = try Self.analyse(path)
            let racy = Set(report.findings.filter { $0.plugin == "race" }.compactMap(\.variable))
            #expect(racy == ["afterLastYield"])
        }
    }
}
