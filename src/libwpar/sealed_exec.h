/* Running a host command from a sealed in-memory copy of its own binary.
 *
 * A command that enters a WPAR (clogin) can be made to run again inside
 * it: its target may be /proc/self/exe, or a script whose interpreter is
 * /proc/self/exe.  That process's /proc/PID/exe then hands the WPAR's
 * root the host's binary, which it could reopen for writing once no
 * clogin runs on the host, and the administrator's next clogin would run
 * the WPAR's code (runc's CVE-2019-5736).  Run from a memfd copy sealed
 * against writes, /proc/self/exe names only that copy. */
#ifndef WPAR_SEALED_EXEC_H
#define WPAR_SEALED_EXEC_H

/* Re-executes the running program from a sealed copy of itself, unless it
 * already runs from one; returns only on failure (-1, errno), or when it
 * already runs from the copy (0).  `argv` as main got it. */
int wpar_exec_sealed_self(char **argv);

/* The identity of the program's file on the host ("dev-ino-size-mtime"),
 * also when it runs from a sealed copy; NULL when it cannot be found. */
char *wpar_self_identity(void);

#endif
