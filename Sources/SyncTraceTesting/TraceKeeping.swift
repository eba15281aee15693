/// Which of a traced test's recordings stay on disk after the test.
///
/// A kept trace goes to the directory the test's options name, else to the one the environment
/// variable `SYNCTRACE_TEST_TRACES` names, else to `synctrace-tests` in the temporary directory;
/// each finding's issue says where, so that `synctrace analyze PATH` shows the whole report again.
public enum TraceKeeping: Sendable, Hashable {
    /// Keep the trace of a test with findings (the default); remove a clean test's.
    case withFindings
    /// Keep every traced test's trace, clean or not.
    case always
    /// Remove every trace once analysed (a test with findings still attaches it, under Swift Testing).
    case never
}
