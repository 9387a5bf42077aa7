// The server: see the other files of this target.
