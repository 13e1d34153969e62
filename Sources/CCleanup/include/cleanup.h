#ifndef ESCALATION_CLEANUP_H
#define ESCALATION_CLEANUP_H

/* Files to remove if the process is stopped by SIGINT, SIGTERM or SIGHUP: an output's lock and
 * the temporary files of outputs not yet in place. The handler removes them (unlink is safe in
 * a signal handler), then lets the signal end the process as it would have (exit status 128 + N).
 * Registration is best effort: at most ESCALATION_CLEANUP_SLOTS paths at once. */
#define ESCALATION_CLEANUP_SLOTS 256

/* Installs the handlers; once, before any work. */
void escalation_cleanup_install(void);
/* Adds a path (copied). */
void escalation_cleanup_add(const char *path);
/* Removes a path added before (the first equal one). */
void escalation_cleanup_remove(const char *path);

#endif
