/* The state record of each WPAR.  Format: "key=value" lines, written
 * atomically, so that any reader sees either the old or the new record. */
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "paths.h"
#include "runtime.h"
#include "store.h"
#include "util.h"

static const struct {
	enum wpar_state state;
	const char *word;
} words[] = {
    {WPAR_DEFINED, "Defined"}, {WPAR_TRANSITIONAL, "Transitional"},
    {WPAR_ACTIVE, "Active"},   {WPAR_BROKEN, "Broken"},
    {WPAR_LOADED, "Loaded"},   {WPAR_FROZEN, "Frozen"},
    {WPAR_PAUSED, "Paused"},   {WPAR_MOVING, "Moving"},
};

const char *wpar_state_word(enum wpar_state state)
{
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (words[i].state == state)
			return words[i].word;
	return "Unknown";
}

int wpar_state_from_letter(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if ((char)words[i].state == c)
			return c;
	return -1;
}

int wpar_state_read(const char *name, struct wpar_state_record *rec, wpar_error_t *err)
{
	memset(rec, 0, sizeof(*rec));
	rec->state = WPAR_DEFINED;
	cleanup_free char *path = wpar_path_state(name);
	cleanup_free char *text = NULL;
	wpar_error_t local = NULL;
	if (read_file(path, &text, NULL, &local) < 0) {
		int status = local->status;
		wpar_error_release(&local);
		if (status == ENOENT)
			return 0;
		return wpar_error_make(err, status, "cannot read %s", path);
	}
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *eq = strchr(line, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(line, "state") == 0 && wpar_state_from_letter(v[0]) > 0)
			rec->state = (enum wpar_state)v[0];
		else if (strcmp(line, "op") == 0)
			snprintf(rec->op, sizeof(rec->op), "%s", v);
		else if (strcmp(line, "pid") == 0)
			rec->pid = (pid_t)atoi(v);
		else if (strcmp(line, "reason") == 0)
			snprintf(rec->reason, sizeof(rec->reason), "%s", v);
		else if (strcmp(line, "boot_id") == 0)
			snprintf(rec->boot_id, sizeof(rec->boot_id), "%s", v);
	}
	return 0;
}

static bool is_running_state(enum wpar_state s);

int wpar_state_write_how(const char *name, const struct wpar_state_record *rec, bool durable,
			 wpar_error_t *err)
{
	cleanup_free char *dir = wpar_path_statedir(name);
	if (mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *path = wpar_path_state(name);
	struct strbuf sb = {0};
	strbuf_printf(&sb, "state=%c\n", (char)rec->state);
	if (rec->op[0])
		strbuf_printf(&sb, "op=%s\n", rec->op);
	if (rec->pid)
		strbuf_printf(&sb, "pid=%d\n", (int)rec->pid);
	/* The first line only: a newline in a reason could forge a key. */
	if (rec->boot_id[0])
		strbuf_printf(&sb, "boot_id=%s\n", rec->boot_id);
	if (rec->reason[0])
		strbuf_printf(&sb, "reason=%.*s\n", (int)strcspn(rec->reason, "\n"), rec->reason);
	int r = durable ? write_file_atomic(path, sb.buf, sb.len, 0644, err)
			: write_file_replace(path, sb.buf, sb.len, 0644, err);
	strbuf_release(&sb);
	return r;
}

int wpar_state_write(const char *name, const struct wpar_state_record *rec, wpar_error_t *err)
{
	/* A running state carries the boot id and is void after a reboot
	 * anyway: only the records that outlive one are synced. */
	return wpar_state_write_how(name, rec, !is_running_state(rec->state), err);
}

int wpar_state_set(const char *name, enum wpar_state state, const char *op, wpar_error_t *err)
{
	struct wpar_state_record rec = {.state = state, .pid = getpid()};
	if (op)
		snprintf(rec.op, sizeof(rec.op), "%s", op);
	return wpar_state_write(name, &rec, err);
}

int wpar_state_change(const char *name, enum wpar_state state, wpar_error_t *err)
{
	struct wpar_state_record rec;
	if (wpar_state_read(name, &rec, err) < 0)
		return -1;
	rec.state = state;
	return wpar_state_write(name, &rec, err);
}

static bool is_running_state(enum wpar_state s)
{
	return s == WPAR_ACTIVE || s == WPAR_LOADED || s == WPAR_FROZEN || s == WPAR_PAUSED ||
	       s == WPAR_MOVING;
}

static enum wpar_state effective(const char *name, struct wpar_state_record *rec, bool we_hold_lock)
{
	struct wpar_state_record local;
	if (rec == NULL)
		rec = &local;
	if (wpar_state_read(name, rec, NULL) < 0)
		return WPAR_BROKEN;
	if (rec->state == WPAR_TRANSITIONAL && (we_hold_lock || !wpar_lock_is_held(name))) {
		if (rec->reason[0] == '\0')
			snprintf(rec->reason, sizeof(rec->reason),
				 "the %s operation was interrupted", rec->op[0] ? rec->op : "last");
		return WPAR_BROKEN;
	}
	if (is_running_state(rec->state)) {
		char now[40];
		/* A record from an earlier boot describes nothing that exists:
		 * the host went down with the WPAR. */
		if (rec->boot_id[0] && wpar_boot_id(now) == 0 && strcmp(now, rec->boot_id) != 0) {
			rec->state = WPAR_DEFINED;
			return WPAR_DEFINED;
		}
		if (!wpar_monitor_alive(name)) {
			snprintf(rec->reason, sizeof(rec->reason),
				 "its monitor (cor_%s) is gone; stopwpar -F cleans up", name);
			return WPAR_BROKEN;
		}
	}
	return rec->state;
}

enum wpar_state wpar_state_effective(const char *name, struct wpar_state_record *rec)
{
	return effective(name, rec, false);
}

enum wpar_state wpar_state_effective_locked(const char *name, struct wpar_state_record *rec)
{
	return effective(name, rec, true);
}
