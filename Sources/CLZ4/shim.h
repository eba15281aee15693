// The parts of liblz4 that SyncTrace uses: the frame API, so that every `.synctrace` file is a
// sequence of standard LZ4 frames that `lz4 -dc` can read.
#ifndef SYNCTRACE_CLZ4_SHIM_H
#define SYNCTRACE_CLZ4_SHIM_H
#include <lz4frame.h>
#endif
