import Foundation
import Synchronization
import SyncTrace
import Testing

extension RecorderTests {
    /// Sessions started and stopped over and over while other threads keep using traced objects:
    /// every trace written must be consistent (the replay orders it, no object's numbering has a gap)
    /// and true (no race or lost update in work that is correctly synchronized).
    @Suite("Starting and stopping while others record")
    struct StartStopChurnTests {
        static let workerCount = 4

        @Test("sessions started and stopped by one thread while four threads record")
        func oneController() throws {
            let workload = try ChurnWorkload()
            let workers = (0..<Self.workerCount).map { index in
                TracedThread.spawn(name: "worker \(index)") { workload.runUntilFinished() }
            }
            try workload.churn(sessions: 300)
            for worker in workers { worker.join() }
            let verdict = try workload.verdict()
            #expect(verdict.traces == 300)
            #expect(verdict.isClean, "\(verdict)")
        }

        @Test("sessions started by one thread and stopped by another while four threads record")
        func alternatingControllers() throws {
            let workload = try ChurnWorkload()
            let workers = (0..<Self.workerCount).map { index in
                TracedThread.spawn(name: "worker \(index)") { workload.runUntilFinished() }
            }
            // Turn 2k starts session k (controller 0), turn 2k + 1 stops it (controller 1).
            let turns = 400
            let turn = Atomic<Int>(0)
            let failures = Atomic<Int>(0)
            let controllers = (0..<2).map { controller in
                TracedThread.spawn(name: "controller \(controller)") {
                    while true {
                        let current = turn.load(ordering: .acquiring)
                        if current >= turns { return }
                        guard current % 2 == controller else {
                            sched_yield()
                            continue
                        }
                        if controller == 0 {
                            if (try? workload.startSession()) == nil { failures.add(1, ordering: .relaxed) }
                        } else {
                            TraceRecorder.stop()
                        }
                        workload.pause(current / 2)
                        turn.store(current + 1, ordering: .releasing)
                    }
                }
            }
            for controller in controllers { controller.join() }
            workload.finish()
            for worker in workers { worker.join() }
            #expect(failures.load(ordering: .relaxed) == 0)
            let verdict = try workload.verdict()
            #expect(verdict.traces == turns / 2)
            #expect(verdict.isClean, "\(verdict)")
        }

        @Test("sessions started and stopped while threads that record start and exit")
        func shortLivedWorkers() throws {
            let workload = try ChurnWorkload()
            // Each spawner keeps starting a thread that records a few steps and exits, and joins it.
            let spawners = (0..<Self.workerCount).map { index in
                TracedThread.spawn(name: "spawner \(index)") {
                    while workload.isRunning {
                        let child = TracedThread.spawn { workload.run(steps: 20) }
                        workload.run(steps: 5)
                        child.join()
                    }
                }
            }
            try workload.churn(sessions: 200)
            for spawner in spawners { spawner.join() }
            let verdict = try workload.verdict()
            #expect(verdict.traces == 200)
            #expect(verdict.isClean, "\(verdict)")
        }

        @Test("sessions started and stopped while two threads hand a variable back and forth over rendezvous channels")
        func rendezvousHandOff() throws {
            let workload = try ChurnWorkload()
            // The payload is only ordered by the channels: written, sent on `ping`; received, read and
            // written again, sent back on `pong`. A receive in a trace without the send it completes
            // would leave the accesses on either side of it unordered: a false race.
            let ping = TracedChannel<Int>(capacity: 0, name: "ping")
            let pong = TracedChannel<Int>(capacity: 0, name: "pong")
            let payload = TracedVar(0, name: "payload")
            let producer = TracedThread.spawn(name: "producer") {
                var round = 0
                while workload.isRunning {
                    round += 1
                    payload[] = round
                    ping.send(round)
                    _ = pong.receive()
                }
                ping.close()
            }
            let consumer = TracedThread.spawn(name: "consumer") {
                while let round = ping.receive() {
                    payload[] = payload[] - round
                    pong.send(round)
                }
            }
            try workload.churn(sessions: 300)
            producer.join()
            consumer.join()
            let verdict = try workload.verdict()
            #expect(verdict.traces == 300)
            #expect(verdict.isClean, "\(verdict)")
        }
    }
}
