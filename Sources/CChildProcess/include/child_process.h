// The GNU calls Swift's Glibc module does not import (they need _GNU_SOURCE).
#ifndef STREAKTRACK_CHILD_PROCESS_H
#define STREAKTRACK_CHILD_PROCESS_H

#include <spawn.h>

// pipe2(fds, O_CLOEXEC): a pipe no concurrently spawned child inherits by accident.
int stcp_pipe_cloexec(int fds[2]);

// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int stcp_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

// posix_spawn_file_actions_addclosefrom_np(actions, 3): the child inherits no descriptor
// but its standard three (a parent's listening socket kept open by a child holds its port).
int stcp_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif
