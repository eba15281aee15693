import SyncTraceFormat

/// One thread's events waiting in the ordering, oldest first.
typealias EventQueue = FIFOQueue<TraceEvent>
