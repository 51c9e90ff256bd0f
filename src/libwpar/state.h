/* WPAR states as AIX names them, and the record that makes them survive
 * crashes.  The record lives in the state directory and is written
 * atomically.  A Transitional record whose command is gone (its lock is
 * free) means that command died half-way: the WPAR is reported Broken
 * until a command recovers it. */
#ifndef WPAR_STATE_H
#define WPAR_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

enum wpar_state {
	WPAR_DEFINED = 'D',
	WPAR_TRANSITIONAL = 'T',
	WPAR_ACTIVE = 'A',
	WPAR_BROKEN = 'B',
	WPAR_LOADED = 'L',
	WPAR_FROZEN = 'F',
	WPAR_PAUSED = 'P',
	WPAR_MOVING = 'M',
};

struct wpar_state_record {
	enum wpar_state state;
	char op[32];      /* what the T state is doing: "create", "start", ... */
	pid_t pid;        /* the command that wrote the record */
	char reason[256]; /* why a WPAR is Broken, or how it last ended */
	char boot_id[40]; /* the host boot a running state belongs to */
};

const char *wpar_state_word(enum wpar_state state); /* "Defined", ... */
int wpar_state_from_letter(char c);                 /* -1 when unknown */

/* Reads the recorded state; a missing record reads as Defined. */
int wpar_state_read(const char *name, struct wpar_state_record *rec, wpar_error_t *err);
/* Durable (fsync) for the records that outlive a reboot; a running state
 * is void after one, so its record is not synced. */
int wpar_state_write(const char *name, const struct wpar_state_record *rec, wpar_error_t *err);
/* The caller decides (an application WPAR's records live only as long as
 * its command). */
int wpar_state_write_how(const char *name, const struct wpar_state_record *rec, bool durable,
			 wpar_error_t *err);
int wpar_state_set(const char *name, enum wpar_state state, const char *op, wpar_error_t *err);
/* Another state for a running WPAR (Active, Frozen, Paused), the rest of
 * its record (boot id, monitor) kept. */
int wpar_state_change(const char *name, enum wpar_state state, wpar_error_t *err);

/* The state to show and act on: the record corrected by what is true now
 * (a T record nobody is working on is Broken).  Later the runtime adds its
 * own checks (an Active WPAR whose monitor is gone). */
enum wpar_state wpar_state_effective(const char *name, struct wpar_state_record *rec);
/* The same for a caller that holds the WPAR's lock: a T record can then
 * only be left by a command that died. */
enum wpar_state wpar_state_effective_locked(const char *name, struct wpar_state_record *rec);

#endif
