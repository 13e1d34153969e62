#include "cleanup.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic(char *) slots[ESCALATION_CLEANUP_SLOTS];

static void on_signal(int sig) {
    for (int i = 0; i < ESCALATION_CLEANUP_SLOTS; i++) {
        char *path = atomic_load(&slots[i]);
        if (path) unlink(path);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void escalation_cleanup_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    sigset_t handled;
    sigemptyset(&handled);
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction previous;
        /* A signal the shell had us ignore (a background job's SIGINT, nohup's SIGHUP) stays ignored. */
        if (sigaction(signals[i], NULL, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
        sigaction(signals[i], &action, NULL);
        sigaddset(&handled, signals[i]);
    }
    /* A mask inherited blocked (a parent that spawned us from a thread blocking signals) would
     * hold the signal pending for ever: the handled signals are let through, here and in every
     * thread started after (threads inherit the mask). */
    sigprocmask(SIG_UNBLOCK, &handled, NULL);
}

void escalation_cleanup_add(const char *path) {
    char *copy = strdup(path);
    if (!copy) return;
    for (int i = 0; i < ESCALATION_CLEANUP_SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&slots[i], &expected, copy)) return;
    }
    free(copy);
}

void escalation_cleanup_remove(const char *path) {
    for (int i = 0; i < ESCALATION_CLEANUP_SLOTS; i++) {
        char *current = atomic_load(&slots[i]);
        /* The string is not freed: a handler running on another thread may have loaded the
         * pointer already. A command registers a few paths, so what is kept is a few hundred
         * bytes. */
        if (current && strcmp(current, path) == 0 &&
            atomic_compare_exchange_strong(&slots[i], &current, NULL)) {
            return;
        }
    }
}
